"""KerasTextEncoder: a user's ``.keras`` text encoder (TensorFlow: slow tier)."""

import copy
import pickle
import warnings

import numpy as np
import pytest

from skmultimodal.persistence import load_model, save_model
from skmultimodal.text import TextEmbeddingWarning, TextFeatures

pytestmark = pytest.mark.slow

keras = pytest.importorskip("keras")
tensorflow = pytest.importorskip("tensorflow")

TEXTS = ["red cat", "blue dog", "red dog sat", "a cat on a mat", "blue sky"]


def _encoder(path, *, dim=4, seed=0, pool=True, input_shape=(1,)):
    """A tiny encoder: TextVectorization + Embedding (+ mean pooling)."""
    keras.utils.set_random_seed(seed)
    vectorize = keras.layers.TextVectorization(max_tokens=30, output_sequence_length=6)
    vectorize.adapt(TEXTS)
    inputs = keras.Input(shape=input_shape, dtype="string")
    x = keras.layers.Embedding(30, dim)(vectorize(inputs))
    if pool:
        x = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, x)
    model.save(path)
    return model


@pytest.fixture(scope="module")
def encoder_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("enc") / "encoder.keras"
    _encoder(path)
    return path


def test_encodes_texts_in_batches_like_the_model(encoder_path):
    model = keras.saving.load_model(encoder_path)
    expected = np.asarray(model(tensorflow.constant(TEXTS)[:, None]))
    for batch_size in (1, 64):
        tf = TextFeatures(
            method="keras_encoder",
            method_params={"path": str(encoder_path), "batch_size": batch_size},
        )
        Z = tf.fit_transform(TEXTS)
        assert Z.shape == (5, 4) and Z.dtype == np.float64
        np.testing.assert_allclose(Z, expected, rtol=1e-6)
    assert list(tf.get_feature_names_out()) == [f"encoder{i}" for i in range(4)]


def test_a_scalar_string_input_is_accepted(tmp_path):
    path = tmp_path / "flat.keras"
    _encoder(path, input_shape=())
    Z = TextFeatures(
        method="keras_encoder", method_params={"path": str(path)}
    ).fit_transform(TEXTS)
    assert Z.shape == (5, 4) and np.isfinite(Z).all()


def test_empty_texts_are_missing_rows(encoder_path):
    tf = TextFeatures(method="keras_encoder", method_params={"path": str(encoder_path)})
    tf.fit(TEXTS)
    with pytest.warns(TextEmbeddingWarning, match=r"1 empty text\(s\).*row 1, empty"):
        Z = tf.transform(["red cat", None, "blue dog"])
    assert np.isnan(Z[1]).all() and np.isfinite(Z[[0, 2]]).all()


def test_pickles_hold_no_tensorflow_object_and_reload_lazily(encoder_path):
    tf = TextFeatures(method="keras_encoder", method_params={"path": str(encoder_path)})
    expected = tf.fit(TEXTS).transform(TEXTS)
    data = pickle.dumps(tf)
    assert b"tensorflow" not in data and b"keras.src" not in data
    back = pickle.loads(data)
    np.testing.assert_allclose(back.transform(TEXTS), expected)


@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_save_and_load_give_identical_features(encoder_path, tmp_path, suffix):
    tf = TextFeatures(method="keras_encoder", method_params={"path": str(encoder_path)})
    expected = tf.fit(TEXTS).transform(TEXTS)
    saved = save_model(tf, tmp_path / f"model{suffix}")
    back = load_model(saved, trusted=True if suffix == ".joblib" else None).estimator
    np.testing.assert_array_equal(back.transform(TEXTS), expected)


def test_a_changed_model_file_is_refused_on_reload(tmp_path):
    path = tmp_path / "encoder.keras"
    _encoder(path, seed=0)
    tf = TextFeatures(method="keras_encoder", method_params={"path": str(path)})
    data = pickle.dumps(tf.fit(TEXTS))
    _encoder(path, seed=1)  # overwritten by another model
    with pytest.raises(ValueError, match="changed since this encoder was fitted"):
        pickle.loads(data).transform(TEXTS)


def test_only_keras_files_are_loaded(tmp_path):
    path = tmp_path / "encoder.h5"
    path.write_bytes(b"not read")
    with pytest.raises(ValueError, match=r"not a \.keras file"):
        TextFeatures(method="keras_encoder", method_params={"path": str(path)}).fit(
            TEXTS
        )
    with pytest.raises(FileNotFoundError, match="missing.keras"):
        TextFeatures(
            method="keras_encoder",
            method_params={"path": str(tmp_path / "missing.keras")},
        ).fit(TEXTS)


def test_a_model_without_string_input_is_refused(tmp_path):
    path = tmp_path / "numeric.keras"
    inputs = keras.Input(shape=(3,))
    keras.Model(inputs, keras.layers.Dense(2)(inputs)).save(path)
    with pytest.raises(ValueError, match="must take one string input"):
        TextFeatures(method="keras_encoder", method_params={"path": str(path)}).fit(
            TEXTS
        )


def test_a_model_without_2d_output_is_refused(tmp_path):
    path = tmp_path / "sequence.keras"
    _encoder(path, pool=False)  # (n, 6, 4): one vector per token
    with pytest.raises(ValueError, match=r"shape \(5, 6, 4\).*expected 2-D"):
        TextFeatures(method="keras_encoder", method_params={"path": str(path)}).fit(
            TEXTS
        )


def test_the_estimator_holds_no_tensorflow_object(encoder_path):
    tf = TextFeatures(method="keras_encoder", method_params={"path": str(encoder_path)})
    tf.fit(TEXTS)
    assert all(
        not type(v).__module__.startswith(("keras", "tensorflow"))
        for v in vars(tf.extractor_).values()
    )
    twin = copy.deepcopy(tf)  # reloads lazily, same features
    np.testing.assert_array_equal(twin.transform(TEXTS), tf.transform(TEXTS))


def test_passes_the_feature_extractor_checks(encoder_path):
    from skmultimodal.text._keras_encoder import KerasTextEncoder
    from skmultimodal.utils.estimator_checks import check_feature_extractor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TextEmbeddingWarning)
        check_feature_extractor(KerasTextEncoder(path=str(encoder_path)))


def test_empty_input_is_refused_by_fit_and_transform(encoder_path):
    from skmultimodal.text._keras_encoder import KerasTextEncoder

    encoder = KerasTextEncoder(path=str(encoder_path))
    with pytest.raises(ValueError, match=r"^KerasTextEncoder: X has 0 rows.*to fit"):
        encoder.fit([])
    encoder.fit(TEXTS)
    with pytest.raises(
        ValueError, match=r"^KerasTextEncoder: X has 0 rows.*to transform"
    ):
        encoder.transform([])
    assert encoder.transform(TEXTS[:1]).shape == (1, 4)  # still usable


def test_batches_of_any_size_give_the_rows_of_one_batch(encoder_path):
    whole = TextFeatures(
        method="keras_encoder",
        method_params={"path": str(encoder_path), "batch_size": 64},
    ).fit_transform(TEXTS * 3)
    tf = TextFeatures(
        method="keras_encoder",
        method_params={"path": str(encoder_path), "batch_size": 4},
    ).fit(TEXTS)
    for n in (1, 2, 4, 5, 9, 15):  # a shorter last batch, or a single one
        np.testing.assert_array_equal(tf.transform((TEXTS * 3)[:n]), whole[:n])


# Refits (each loads the model again) and batches of new sizes, as in a
# cross-validation: each used to trace Keras' predict function again, and
# TensorFlow then logs "... triggered tf.function retracing". A fresh process,
# since TensorFlow logs that warning at most twice per process.
RETRACING_SCRIPT = """
import sys
from skmultimodal.text import TextFeatures

texts = ["red cat", "blue dog", "red dog sat", "a cat on a mat", "blue sky"] * 5
tf = TextFeatures("keras_encoder", method_params={"path": sys.argv[1]})
for k in range(5):
    tf.fit_transform(texts[: 20 - k])
    tf.transform(texts[20 - k :])
print("done")
"""


def test_refits_and_batch_sizes_trigger_no_retracing(encoder_path):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", RETRACING_SCRIPT, str(encoder_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "done", proc.stderr
    assert "retracing" not in proc.stderr, proc.stderr


def test_warnings_through_text_features_name_it_and_the_index(encoder_path):
    import pandas as pd

    tf = TextFeatures(method="keras_encoder", method_params={"path": str(encoder_path)})
    tf.fit(TEXTS)
    X = pd.Series(["red cat", None, "blue dog"], index=["a", "b", "c"])
    with pytest.warns(TextEmbeddingWarning) as caught:
        tf.transform(X)
    (message,) = [str(w.message) for w in caught]
    assert message.startswith("TextFeatures(method='keras_encoder'): ")
    assert "row 1 (index 'b'), empty" in message
