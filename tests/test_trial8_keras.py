"""Trial 8: the Keras extractors refuse a model with several outputs and a
non-finite output; ``save_model`` refuses a ``.skops`` file holding a path
object (TensorFlow: slow tier)."""

import pathlib

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline

from skmultimodal.image import ImageFeatureUnion, KerasFeatures
from skmultimodal.persistence import load_model, save_model
from skmultimodal.text import TextFeatures
from skmultimodal.text._keras_encoder import KerasTextEncoder

pytestmark = pytest.mark.slow

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")

TEXTS = ["red cat", "blue dog", "red dog sat", "a cat on a mat", "blue sky"]


def _image_model(path, outputs="one"):
    """4x4 RGB -> the mean of each channel (and, for ``outputs="two"``,
    the flattened pixels as a second output)."""
    inputs = keras.Input((4, 4, 3))
    mean = keras.layers.GlobalAveragePooling2D(name="gap")(inputs)
    if outputs == "two":
        flat = keras.layers.Flatten(name="flat")(inputs)
        keras.Model(inputs, [flat, mean]).save(path)
    elif outputs == "exp":  # exp(mean): infinite for bright images
        keras.Model(inputs, keras.layers.Activation("exponential")(mean)).save(path)
    else:
        keras.Model(inputs, mean).save(path)
    return path


def _text_model(path, *, outputs="one", nan_word=None):
    """TextVectorization + Embedding + mean pooling; the embedding of
    ``nan_word`` is NaN; ``outputs="two"`` adds the token ids as an output."""
    keras.utils.set_random_seed(0)
    vectorize = keras.layers.TextVectorization(max_tokens=30, output_sequence_length=6)
    vectorize.adapt(TEXTS)
    inputs = keras.Input(shape=(1,), dtype="string")
    tokens = vectorize(inputs)
    embed = keras.layers.Embedding(30, 3, name="embed")
    pooled = keras.layers.GlobalAveragePooling1D(name="pool")(embed(tokens))
    if nan_word is not None:
        table = np.array(embed.get_weights()[0])
        table[vectorize.get_vocabulary().index(nan_word)] = np.nan
        embed.set_weights([table])
    if outputs == "two":
        ids = keras.layers.Identity(name="ids")(tokens)
        keras.Model(inputs, [pooled, ids]).save(path)
    else:
        keras.Model(inputs, pooled).save(path)
    return path


def _encoder(path, **params):
    return TextFeatures(
        method="keras_encoder", method_params={"path": str(path), **params}
    )


def _images(values):
    return [np.full((4, 4, 3), v, np.uint8) for v in values]


# -- 1. several outputs -----------------------------------------------------------
def test_keras_features_refuse_several_outputs_without_a_layer(tmp_path):
    path = _image_model(tmp_path / "multi_out.keras", outputs="two")
    with pytest.raises(
        ValueError, match=r"2 outputs, the layers 'flat', 'gap'.*layer="
    ):
        KerasFeatures(model=str(path)).fit(_images([0]))
    # a layer chooses the feature; a model of one output needs none
    assert KerasFeatures(model=str(path), layer="gap").fit_transform(
        _images([0, 9])
    ).shape == (2, 3)
    one = _image_model(tmp_path / "one.keras")
    np.testing.assert_allclose(
        KerasFeatures(model=str(one)).fit_transform(_images([0, 9])),
        [[0, 0, 0], [9, 9, 9]],
    )


def test_keras_text_encoder_refuses_several_outputs_naming_them(tmp_path):
    path = _text_model(tmp_path / "multi_out.keras", outputs="two")
    with pytest.raises(ValueError, match=r"2 outputs, the layers 'pool', 'ids'"):
        _encoder(path).fit(TEXTS)


# -- 2. a path object in a .skops file ----------------------------------------------
def test_skops_save_refuses_a_path_parameter_and_writes_nothing(tmp_path):
    model = _image_model(tmp_path / "own.keras")
    images = _images([0, 9])
    est = KerasFeatures(model=pathlib.Path(model)).fit(images)
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(ValueError, match=r"'model'.*pathlib.*str\(path\)"):
        save_model(est, target / "x.skops")
    nested = Pipeline([("features", KerasFeatures(model=pathlib.Path(model)))])
    with pytest.raises(ValueError, match=r"'features__model'"):
        save_model(nested, target / "x.skops")
    text = TextFeatures(
        method="keras_encoder", method_params={"path": pathlib.Path("enc.keras")}
    )
    with pytest.raises(ValueError, match=r"'method_params'\['path'\]"):
        save_model(text, target / "x.skops")
    assert list(target.iterdir()) == []  # no file, no temporary file
    assert isinstance(est.model, pathlib.Path)  # the estimator is left as given
    # a str path saves and loads the same features
    est = KerasFeatures(model=str(model)).fit(images)
    back = load_model(save_model(est, target / "x.skops")).estimator
    np.testing.assert_array_equal(back.transform(images), est.transform(images))


# -- 3. non-finite outputs ------------------------------------------------------
def test_keras_text_encoder_refuses_a_non_finite_output(tmp_path):
    path = _text_model(tmp_path / "nan.keras", nan_word="sky")
    with pytest.raises(ValueError, match=r"nan.keras.*NaN or infinite.*row 4"):
        _encoder(path).fit(TEXTS)
    enc = _encoder(path, batch_size=2).fit(TEXTS[:2])
    X = pd.Series(["red cat", "", "blue dog", "blue sky"], index=list("abcd"))
    with pytest.raises(ValueError, match=r"nan.keras.*row 3"):
        enc.transform(X)  # the second batch of the texts kept
    # the encoder itself names the index label too
    alone = KerasTextEncoder(str(path), batch_size=2).fit(TEXTS[:2])
    with pytest.raises(ValueError, match=r"nan.keras.*row 3 \(index 'd'\)"):
        alone.transform(X)


def test_keras_features_refuse_a_non_finite_output(tmp_path):
    path = _image_model(tmp_path / "exp.keras", outputs="exp")
    est = KerasFeatures(model=str(path), batch_size=2).fit(_images([0]))
    assert np.isfinite(est.transform(_images([0, 1]))).all()
    with pytest.raises(ValueError, match=r"exp.keras.*NaN or infinite.*row 3"):
        est.transform(_images([0, 1, 2, 200]))
    union = ImageFeatureUnion([("cnn", est)]).fit(_images([0]))
    with pytest.raises(ValueError, match=r"exp.keras.*NaN or infinite"):
        union.transform(_images([0, 200]))
