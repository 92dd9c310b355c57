"""Trial 10: a Keras model file changed after fit is refused with advice that
covers a Pipeline's ``memory=`` cache, which hands back the extractor fitted
before the change even after a refit (TensorFlow: slow tier)."""

import pickle

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import Pipeline

from skmultimodal.image import KerasFeatures
from skmultimodal.text import TextFeatures

pytestmark = pytest.mark.slow

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")

TEXTS = ["red cat", "blue dog", "red dog sat", "a cat on a mat", "blue sky"]
HINT = r"memory= cache.*clear the cache folder, or build the pipeline without memory="


def _image_model(path, seed):
    """4x4 RGB -> a seeded 2-unit dense layer over the channel means."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((4, 4, 3))
    x = keras.layers.GlobalAveragePooling2D()(inputs)
    keras.Model(inputs, keras.layers.Dense(2)(x)).save(path)


def _text_model(path, seed):
    """TextVectorization + seeded Embedding + mean pooling."""
    keras.utils.set_random_seed(seed)
    vectorize = keras.layers.TextVectorization(max_tokens=30, output_sequence_length=6)
    vectorize.adapt(TEXTS)
    inputs = keras.Input(shape=(1,), dtype="string")
    x = keras.layers.Embedding(30, 3)(vectorize(inputs))
    x = keras.layers.GlobalAveragePooling1D()(x)
    keras.Model(inputs, x).save(path)


def test_image_refit_under_a_memory_cache_names_the_cache(tmp_path):
    from skmultimodal.image._keras import _forget_networks

    path = tmp_path / "net.keras"
    _image_model(path, seed=0)
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, (6, 5, 3), dtype=np.uint8) for _ in range(4)]
    y = [0, 1, 0, 1]

    def pipe():
        return Pipeline(
            [("features", KerasFeatures(model=path)), ("clf", DummyClassifier())],
            memory=str(tmp_path / "cache"),
        )

    pipe().fit(images, y)
    _image_model(path, seed=1)  # the file changes
    _forget_networks()  # as in a fresh process
    refitted = pipe().fit(images, y)  # the cache hands back the old extractor
    with pytest.raises(ValueError, match="changed since the extractor was fitted"):
        refitted.predict(images)
    with pytest.raises(ValueError, match=HINT):
        refitted.predict(images)


def test_text_encoder_changed_file_names_the_cache(tmp_path):
    path = tmp_path / "encoder.keras"
    _text_model(path, seed=0)
    tf = TextFeatures(method="keras_encoder", method_params={"path": str(path)})
    data = pickle.dumps(tf.fit(TEXTS))
    _text_model(path, seed=1)  # the file changes
    with pytest.raises(ValueError, match="changed since this encoder was fitted"):
        pickle.loads(data).transform(TEXTS)
    with pytest.raises(ValueError, match=HINT):
        pickle.loads(data).transform(TEXTS)
