"""Trial 15: the Keras loaders read ``.keras`` files in safe mode even after
``keras.config.enable_unsafe_deserialization()``; ``KerasFeatures`` refuses
a weights file holding parts the network lacks (another, larger network, an
application's file with its top); a truncated ``.keras`` file is said to be
one (TensorFlow: slow tier)."""

import builtins
import inspect

import numpy as np
import pytest

from skmultimodal.image import KerasFeatures
from skmultimodal.text import TextFeatures

pytestmark = pytest.mark.slow

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")

IMAGES = [np.full((8, 8, 3), 40 * k, np.uint8) for k in range(2)]
TEXTS = ["red cat", "blue dog"]
RAN = "_skmultimodal_trial15_payload_ran"


# a Python lambda, stored in the file as bytecode: it runs when the file is
# deserialized outside safe mode
_payload = lambda t: (  # noqa: E731
    __import__("builtins").__setattr__("_skmultimodal_trial15_payload_ran", True),
    t,
)[1]


def _image_net(n_convs, seed=0, lambda_layer=False):
    """8x8 RGB -> ``n_convs`` 3x3 convolutions -> average pool."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((8, 8, 3))
    x = inputs
    for _ in range(n_convs):
        x = keras.layers.Conv2D(2, 3, padding="same")(x)
    if lambda_layer:
        x = keras.layers.Lambda(_payload)(x)
    return keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x))


def _text_net(lambda_layer=False):
    vectorize = keras.layers.TextVectorization(output_mode="count")
    vectorize.adapt(TEXTS)
    inputs = keras.Input((), dtype="string")
    x = vectorize(inputs)
    if lambda_layer:
        x = keras.layers.Lambda(_payload)(x)
    return keras.Model(inputs, x)


@pytest.fixture
def unsafe_elsewhere():
    """``enable_unsafe_deserialization()`` called elsewhere in the process
    (undone after the test)."""
    from keras.src.backend.common import global_state

    before = global_state.get_global_attribute("safe_mode_saving")
    keras.config.enable_unsafe_deserialization()
    yield
    global_state.set_global_attribute("safe_mode_saving", before)
    if hasattr(builtins, RAN):
        delattr(builtins, RAN)


@pytest.mark.parametrize("modality", ["image", "text"])
def test_safe_mode_holds_after_enable_unsafe_deserialization(
    tmp_path, unsafe_elsewhere, modality
):
    path = tmp_path / f"{modality}.keras"
    if modality == "image":
        _image_net(1, lambda_layer=True).save(path)
        est, X = KerasFeatures(model=str(path)), IMAGES
    else:
        _text_net(lambda_layer=True).save(path)
        est = TextFeatures(method="keras_encoder", method_params={"path": str(path)})
        X = TEXTS
    if hasattr(builtins, RAN):  # building the model here ran it
        delattr(builtins, RAN)
    with pytest.raises(ValueError, match="Lambda") as info:
        est.fit(X)
    assert not hasattr(builtins, RAN), "code stored in the .keras file ran"
    assert str(path) in str(info.value)
    assert "safe mode only, whatever" in str(info.value)


def _save_weights(model, path):
    if path.endswith(".weights.json"):
        if "max_shard_size" not in inspect.signature(model.save_weights).parameters:
            pytest.skip("this Keras writes no sharded weights")
        model.save_weights(path, max_shard_size=2e-6)  # a few shards
    elif path.endswith(".keras"):
        model.save(path)
    else:
        model.save_weights(path)


@pytest.mark.parametrize("suffix", [".weights.h5", ".keras", ".weights.json"])
def test_weights_of_a_larger_network_are_refused(tmp_path, suffix):
    model = tmp_path / "small.keras"
    _image_net(1).save(model)
    weights = str(tmp_path / f"other{suffix}")
    _save_weights(_image_net(3, seed=1), weights)
    with pytest.raises(ValueError) as info:
        KerasFeatures(model=str(model), weights=weights).fit(IMAGES)
    message = str(info.value)
    assert weights in message and str(model) in message
    assert "4 variable(s) the network has no place for" in message
    assert "layers/conv2d_1/vars/0 (3, 3, 2, 2)" in message


def test_weights_of_the_same_network_trained_are_used(tmp_path):
    # a file saved from a compiled, trained model holds the optimizer's
    # state too: not a part of the network, not a reason to refuse
    model = tmp_path / "net.keras"
    _image_net(2).save(model)
    trained = _image_net(2, seed=1)
    trained.compile("adam", "mse")
    trained.fit(np.ones((2, 8, 8, 3)), np.ones((2, 2)), verbose=0)
    trained.save_weights(tmp_path / "trained.weights.h5")
    features = KerasFeatures(
        model=str(model), weights=str(tmp_path / "trained.weights.h5")
    ).fit_transform(IMAGES)
    np.testing.assert_allclose(
        features, trained.predict(np.stack(IMAGES).astype("float32"), verbose=0)
    )


def test_application_weights_with_top_name_the_file_needed(tmp_path):
    weights = str(tmp_path / "with_top.weights.h5")
    keras.applications.MobileNetV3Small(
        include_top=True, weights=None, input_shape=(32, 32, 3), classes=3
    ).save_weights(weights)
    extractor = KerasFeatures(
        model="MobileNetV3Small", weights=weights, input_size=(32, 32)
    )
    with pytest.raises(ValueError) as info:
        extractor.fit(IMAGES)
    message = str(info.value)
    assert weights in message and "no place for" in message
    assert "MobileNetV3Small(include_top=False)" in message
    assert "notop.h5" in message


@pytest.mark.parametrize("modality", ["image", "text"])
def test_a_truncated_keras_file_is_said_to_be_one(tmp_path, modality):
    full = tmp_path / "full.keras"
    (_image_net(1) if modality == "image" else _text_net()).save(full)
    cut = tmp_path / "cut.keras"
    cut.write_bytes(full.read_bytes()[:-200])  # an interrupted copy
    if modality == "image":
        est, X = KerasFeatures(model=str(cut)), IMAGES
    else:
        est = TextFeatures(method="keras_encoder", method_params={"path": str(cut)})
        X = TEXTS
    with pytest.raises(ValueError, match="truncated or is not a .keras zip") as info:
        est.fit(X)
    assert str(cut) in str(info.value)
    assert "not found" not in str(info.value)
