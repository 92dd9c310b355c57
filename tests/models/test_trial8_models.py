"""Trial 8: the attention classifier trains on grey image blocks, takes any
block name (``/`` and spaces included), refuses repeated block names and
bad token ids at prediction too; the pipeline builder seeds an unseeded
classifier instance (TensorFlow: slow tier)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skmultimodal import make_multimodal_pipeline
from skmultimodal.models import MultimodalAttentionClassifier

pytestmark = pytest.mark.slow

TINY = dict(width=8, n_heads=2, epochs=1, batch_size=16, random_state=0)


def _images(n=16, seed=0):
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    images = [rng.randint(0, 256, (16, 16, 3)).astype(np.uint8) for _ in y]
    for img, label in zip(images, y):
        img[:, : 8 if label == 0 else 16] = 255
    return images, y


def test_gray_image_tokens_fit_and_predict():
    images, y = _images()
    X = pd.DataFrame({"image": images})
    pipe = make_multimodal_pipeline(
        image="image",
        text=None,
        classifier="attention",
        image_tokens=True,
        random_state=0,
    )
    pipe.set_params(
        fusion__image__features__color="gray",
        fusion__image__features__size=(16, 16),
        classifier__epochs=1,
        classifier__width=8,
        classifier__n_heads=2,
    )
    pipe.fit(X, y)  # the colour jitter needed 3 channels
    clf = pipe["classifier"]
    assert clf.block_layout_[0].shape == (16, 16, 1)
    assert clf.image_augmentation
    assert pipe.predict(X).shape == (len(y),)


def test_gray_augmentation_leaves_out_saturation():
    from skmultimodal.models._network import augmentation_layers

    gray = {layer.name: layer for layer in augmentation_layers("image", 1)}
    rgb = {layer.name: layer for layer in augmentation_layers("image", 3)}
    assert gray.keys() == rgb.keys()  # flip, shift, zoom, jitter, blur
    assert gray["image_color_jitter"].saturation_factor is None
    assert gray["image_color_jitter"].brightness_factor is not None
    assert gray["image_color_jitter"].contrast_factor is not None
    assert rgb["image_color_jitter"].saturation_factor is not None


def test_block_names_keras_refuses():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(16, 6))
    y = np.arange(16) % 2
    # graph mode (run_eagerly=False) is where TensorFlow checks scope names
    clf = MultimodalAttentionClassifier(
        modalities=[("a/b", 3), ("c d", 3)], run_eagerly=False, **TINY
    ).fit(X, y)
    assert list(clf.tokens_per_modality_) == ["a/b", "c d"]
    weights = clf.attention_weights(X[:3])
    assert weights.columns.tolist() == ["a/b", "c d"]
    assert set(clf.token_attention(X[:3])) == {"a/b", "c d"}
    assert clf.predict_proba(X[:3]).shape == (3, 2)


def test_network_layer_names_are_sanitised_and_unique():
    from skmultimodal.models._network import build_network

    names = ["a/b", "a b", "a_b_0", "x"]
    spec = [
        {"name": name, "start": 2 * i, "stop": 2 * i + 2, "kind": "features"}
        | {"n_tokens": 1, "vocabulary_size": None, "shape": None}
        for i, name in enumerate(names)
    ]
    model = build_network(
        spec,
        8,
        2,
        width=4,
        n_heads=1,
        n_attention_layers=0,
        dropout=0.0,
        sequence_encoder="lstm",
        learning_rate=1e-3,
        optimizer="adam",
    )
    layers = [layer.name for layer in model.layers]
    assert len(set(layers)) == len(layers)
    blocks = [name for name in layers if name.endswith("_block")]
    assert len(blocks) == 4
    assert "x_block" in blocks and "a_b_0_block" in blocks  # safe names kept
    assert [s["name"] for s in spec] == names  # the spec is left as it was
    out = model.predict(np.zeros((2, 8), np.float32), verbose=0)  # graph mode
    assert out.shape == (2, 1)


def test_repeated_block_name_is_refused():
    X = np.random.RandomState(0).normal(size=(10, 6))
    y = np.arange(10) % 2
    clf = MultimodalAttentionClassifier(modalities=[("a", 3), ("a", 3)], **TINY)
    with pytest.raises(ValueError, match=r"modalities .*'a' 2 times"):
        clf.fit(X, y)


@pytest.fixture(scope="module")
def sequence_fit():
    rng = np.random.RandomState(0)
    X = np.hstack([rng.normal(size=(16, 3)), rng.randint(0, 6, size=(16, 4))])
    y = np.arange(16) % 2
    clf = MultimodalAttentionClassifier(
        modalities=[("f", 3), ("t", 4, "sequence")], **TINY
    ).fit(X, y)
    return clf, X


@pytest.mark.parametrize("value, shown", [(-3, "-3.0"), (2.5, "2.5")])
@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "attention_weights", "token_attention"]
)
def test_bad_token_ids_refused_at_prediction(sequence_fit, method, value, shown):
    clf, X = sequence_fit
    bad = X[:3].copy()
    bad[1, 5] = value
    message = (
        rf"block 't' \(columns 3:7\) holds token ids, but row 1 has {shown}; "
        r"expected non-negative integers"
    )
    with pytest.raises(ValueError, match=message):
        getattr(clf, method)(bad)


def test_fit_refuses_bad_token_ids_with_the_same_message():
    rng = np.random.RandomState(0)
    X = np.hstack([rng.normal(size=(8, 3)), rng.randint(0, 6, size=(8, 4))])
    X[2, 4] = -3
    clf = MultimodalAttentionClassifier(
        modalities=[("f", 3), ("t", 4, "sequence")], **TINY
    )
    with pytest.raises(ValueError, match=r"block 't' .* row 2 has -3.0; expected"):
        clf.fit(X, np.arange(8) % 2)


@pytest.mark.parametrize("value, shown", [(-3, "-3.0"), (2.5, "2.5")])
def test_fit_chunks_refuses_bad_token_ids_of_a_later_chunk(value, shown):
    """The first chunk sets the layout; a bad id in a later one is refused
    with the chunk named, as ``fit`` refuses it (not read as out of
    vocabulary)."""
    rng = np.random.RandomState(0)
    X = np.hstack([rng.normal(size=(16, 3)), rng.randint(0, 6, size=(16, 4))])
    y = np.arange(16) % 2
    X[12, 4] = value  # row 4 of the second chunk
    clf = MultimodalAttentionClassifier(
        modalities=[("f", 3), ("t", 4, "sequence")], **TINY
    )
    chunks = lambda: ((X[i : i + 8], y[i : i + 8]) for i in (0, 8))  # noqa: E731
    message = rf"chunk 1: block 't' .* row 4 has {shown}; expected non-negative"
    with pytest.raises(ValueError, match=message):
        clf.fit_chunks(chunks)


def test_ids_beyond_the_vocabulary_still_predict(sequence_fit):
    clf, X = sequence_fit
    big = X[:3].copy()
    big[:, 3:] = 1000  # out of vocabulary, as documented
    assert clf.predict_proba(big).shape == (3, 2)


def test_builder_seeds_an_unseeded_classifier_instance():
    user = MultimodalAttentionClassifier(epochs=2)
    pipe = make_multimodal_pipeline(image="image", classifier=user, random_state=0)
    assert pipe.get_params()["classifier__random_state"] == 0
    assert user.random_state is None  # the instance passed in is untouched
    mine = MultimodalAttentionClassifier(epochs=2, random_state=5)
    pipe = make_multimodal_pipeline(image="image", classifier=mine, random_state=0)
    assert pipe.get_params()["classifier__random_state"] == 5
    pipe = make_multimodal_pipeline(
        image="image", classifier=LogisticRegression(), random_state=3
    )
    assert pipe.get_params()["classifier__random_state"] == 3
    pipe = make_multimodal_pipeline(image="image", classifier=user)
    assert pipe.get_params()["classifier__random_state"] is None


# ------------------------------------------------------------ seeded fits
def _seed_data():
    rng = np.random.RandomState(0)
    return rng.rand(60, 8).astype("float32"), np.arange(60) % 2


def test_seeded_fit_continues_the_users_tensorflow_sequence():
    """The user's seeded TensorFlow sequence goes on after a seeded fit as
    if no fit had happened (setting the global seed back alone started it
    again from its first draw)."""
    import tensorflow as tf

    X, y = _seed_data()
    tf.random.set_seed(5)
    first, second = (float(tf.random.uniform(())) for _ in range(2))
    tf.random.set_seed(5)
    assert float(tf.random.uniform(())) == first
    MultimodalAttentionClassifier(modalities=[("a", 4), ("b", 4)], **TINY).fit(X, y)
    assert float(tf.random.uniform(())) == second


def test_seeded_fits_in_threads_equal_fits_one_at_a_time():
    """Seeded fits in threads give the models they give alone, and leave the
    global NumPy and Python states as they were."""
    import random
    from concurrent.futures import ThreadPoolExecutor

    X, y = _seed_data()

    def fit(seed):
        params = {**TINY, "random_state": seed, "epochs": 2}
        clf = MultimodalAttentionClassifier(modalities=[("a", 4), ("b", 4)], **params)
        return clf.fit(X, y).predict_proba(X)

    alone = [fit(0), fit(1)]
    np.random.seed(123)  # noqa: NPY002
    random.seed(123)
    expected_np, expected_py = np.random.get_state()[1].copy(), random.getstate()  # noqa: NPY002
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(fit, [0, 1, 0, 1]))
    for got, want in zip(together, alone * 2):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.random.get_state()[1], expected_np)  # noqa: NPY002
    assert random.getstate() == expected_py
