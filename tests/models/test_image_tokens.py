"""Image tokens learned end to end: MultimodalAttentionClassifier with an
image block (the decoded images), its convolutional stem, training-only
augmentation, cross-attention from words to patches and per-patch maps."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion import ModalityFusion
from skmultimodal.image import ImageArray
from skmultimodal.models import MultimodalAttentionClassifier
from skmultimodal.text import TextSequencer

# TensorFlow/Keras models
pytestmark = pytest.mark.slow

TINY = dict(width=8, n_heads=2, epochs=2, batch_size=16, random_state=0)


def _table(n=40, seed=0):
    """Red-left vs red-right images with matching (noisy) captions."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    images = []
    for label in y:
        img = np.full((16, 16, 3), 255, np.uint8)
        cols = slice(0, 8) if label == 0 else slice(8, 16)
        img[:, cols] = (200 + rng.randint(0, 50), 30, 30)
        images.append(img)
    words = np.array(["left side", "right side"])
    text = [f"{words[label]} shape {rng.choice(['a', 'b', 'c'])}x" for label in y]
    return pd.DataFrame({"image": images, "text": text}), y


def _fusion():
    return ModalityFusion(
        [
            ("image", ImageArray(size=(16, 16)), "image"),
            ("text", TextSequencer(max_length=4), "text"),
        ],
        method="concat",
    )


@pytest.fixture(scope="module")
def fitted():
    X, y = _table()
    Z = _fusion().fit_transform(X, y)
    clf = MultimodalAttentionClassifier(**TINY).fit(Z, y)
    return clf, Z, y


def test_image_block_becomes_patch_tokens(fitted):
    clf, Z, _ = fitted
    assert [b.kind for b in clf.block_layout_] == ["image", "sequence"]
    # 16x16 with patch 8: a 2x2 grid of tokens
    assert clf.tokens_per_modality_ == {"image": 4, "text": 4}
    assert clf.patch_grids_ == {"image": (2, 2)}
    names = [layer.name for layer in clf.model_.layers]
    assert "image_stem" in names
    # the word tokens attend to the image's patch tokens
    assert "text_cross_attention" in names
    cross = clf.model_.get_layer("text_cross_attention")
    stem = clf.model_.get_layer("image_stem")
    inputs = cross._inbound_nodes[0].arguments.keras_tensors
    assert any(t is stem.output for t in inputs)  # context: the 4 patch tokens
    assert stem.output.shape[1] == 4
    proba = clf.predict_proba(Z)
    assert proba.shape == (len(Z), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


def test_per_patch_attention_map(fitted):
    clf, Z, _ = fitted
    maps = clf.attention_weights(Z[:5], modality="image")
    assert maps.shape == (5, 2, 2)
    shares = clf.attention_weights(Z[:5])
    np.testing.assert_allclose(maps.sum(axis=(1, 2)), shares["image"], rtol=1e-6)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0, rtol=1e-5)
    tokens = clf.token_attention(Z[:5])
    assert tokens["image"].shape == (5, 2, 2) and tokens["text"].shape == (5, 4)
    with pytest.raises(ValueError, match="no modality block 'sound'"):
        clf.attention_weights(Z[:5], modality="sound")


def test_plot_image_attention_draws_the_maps(fitted):
    matplotlib = pytest.importorskip("matplotlib", reason="the plot extra")
    matplotlib.use("Agg")
    from skmultimodal.plotting import plot_image_attention

    clf, Z, _ = fitted
    maps = clf.attention_weights(Z[:3], modality="image")
    images = _table()[0]["image"].iloc[:3]
    fig = plot_image_attention(images, maps, titles=["a", "b", "c"])
    assert len(fig.axes) == 3
    assert [len(ax.images) for ax in fig.axes] == [2, 2, 2]  # image + map
    with pytest.raises(ValueError, match="shape"):
        plot_image_attention(images, maps[:2])


def test_augmentation_is_active_only_in_training(fitted):
    clf, Z, _ = fitted
    x = np.asarray(Z[:8], dtype=np.float32)
    names = [layer.name for layer in clf.model_.layers]
    for part in ("flip", "translation", "zoom", "color_jitter", "blur"):
        assert f"image_{part}" in names
    infer = [np.asarray(clf.model_(x, training=False)) for _ in range(2)]
    np.testing.assert_array_equal(infer[0], infer[1])
    np.testing.assert_allclose(
        infer[0][:, 0], clf.predict_proba(Z[:8])[:, 1], rtol=1e-5
    )
    # in training the images are drawn differently at each call
    augment = clf.model_.get_layer("image_translation")
    images = clf.model_.get_layer("image_image")(clf.model_.get_layer("image_block")(x))
    moved = [np.asarray(augment(images, training=True)) for _ in range(2)]
    assert not np.allclose(moved[0], moved[1])
    np.testing.assert_array_equal(
        np.asarray(augment(images, training=False)), np.asarray(images)
    )
    plain = clone(clf).set_params(image_augmentation=False).fit(Z, fitted[2])
    names = [layer.name for layer in plain.model_.layers]
    assert not any(n.startswith("image_flip") for n in names)


def test_seeded_fit_is_reproducible_and_pickles(fitted):
    clf, Z, y = fitted
    again = clone(clf).fit(Z, y)
    np.testing.assert_allclose(again.predict_proba(Z), clf.predict_proba(Z), atol=1e-6)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(loaded.predict_proba(Z), clf.predict_proba(Z), atol=1e-6)
    np.testing.assert_allclose(
        loaded.attention_weights(Z[:4], modality="image"),
        clf.attention_weights(Z[:4], modality="image"),
        atol=1e-6,
    )


def test_explicit_image_modality():
    X, y = _table()
    Z = np.asarray(_fusion().fit_transform(X, y))
    clf = MultimodalAttentionClassifier(
        modalities=[("image", 768, "image", (16, 16, 3)), ("text", 4, "sequence")],
        image_patch_size=4,
        **TINY,
    ).fit(Z, y)
    assert clf.patch_grids_ == {"image": (4, 4)}
    assert clf.attention_weights(Z[:2], modality="image").shape == (2, 4, 4)
    with pytest.raises(ValueError, match="needs its shape"):
        MultimodalAttentionClassifier(
            modalities=[("image", 768, "image"), ("text", 4)], **TINY
        ).fit(Z, y)
    with pytest.raises(ValueError, match="must cover"):
        MultimodalAttentionClassifier(
            modalities=[("image", 768, "image", (16, 16, 1)), ("text", 4)], **TINY
        ).fit(Z, y)


def test_builder_image_tokens_fits_with_and_without_text():
    X, y = _table()
    for text in ("text", None):
        pipe = make_multimodal_pipeline(
            text=text,
            classifier=MultimodalAttentionClassifier(**TINY),
            image_tokens=True,
            image_features=ImageArray(size=(16, 16)),
        ).fit(X, y)
        assert pipe.predict(X[:3]).shape == (3,)
        clf = pipe.named_steps["classifier"]
        kinds = {b.name: b.kind for b in clf.block_layout_}
        expected = {"image": "image"}
        if text:
            expected.update(text="features", words="sequence")
        assert kinds == expected


def test_models_guide_image_tokens_snippet_runs():
    pytest.importorskip("matplotlib", reason="the snippet draws with matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from tests._docs_runner import USER_GUIDE, assert_code_blocks_print_what_they_claim

    assert_code_blocks_print_what_they_claim(
        USER_GUIDE / "models.md", containing="image_tokens=True"
    )


def test_image_token_pipeline_saves_and_loads(tmp_path):
    from skmultimodal.persistence import load_model, save_model

    X, y = _table()
    pipe = make_multimodal_pipeline(
        classifier=MultimodalAttentionClassifier(**TINY),
        image_tokens=True,
        image_features=ImageArray(size=(16, 16)),
    ).fit(X, y)
    path = save_model(pipe, tmp_path / "tokens.joblib")
    loaded = load_model(path, trusted=True).estimator
    np.testing.assert_allclose(loaded.predict_proba(X), pipe.predict_proba(X))
    Z = pipe["fusion"].transform(X[:3])
    np.testing.assert_allclose(
        loaded["classifier"].attention_weights(Z, modality="image"),
        pipe["classifier"].attention_weights(Z, modality="image"),
        atol=1e-6,
    )
