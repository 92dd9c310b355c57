"""Pretrained-network features: a nested parameter of a method given by
name, weights files that are no HDF5 weights, user models with two inputs,
a nested model as layer or no defined input, layer names Keras numbers, and
no warning flood from the library's own weights check.

Nothing is downloaded: tiny models saved in ``tmp_path`` and one
``weights=None`` MobileNetV3Small at 32 x 32.
"""

import warnings
import zipfile

import numpy as np
import pytest

from skmultimodal.image import ImageFeatures, KerasFeatures
from skmultimodal.image._keras import _unreadable_weights
from skmultimodal.text import TextFeatures

IMAGES = [
    np.random.default_rng(k).integers(0, 256, (10, 12, 3), dtype=np.uint8)
    for k in range(2)
]
SMALL = {"model": "MobileNetV3Small", "weights": None, "input_size": (32, 32)}


@pytest.mark.parametrize(
    "est, key",
    [
        (ImageFeatures("hog"), "method__size"),
        (ImageFeatures(method="keras", method_params=SMALL), "method__on_error"),
        (TextFeatures("tfidf"), "method__max_features"),
    ],
)
def test_a_nested_parameter_of_a_method_given_by_name_says_where_it_goes(est, key):
    with pytest.raises(ValueError) as info:
        est.set_params(**{key: 3})
    param = key.split("__", 1)[1]
    assert str(info.value).startswith(
        f"cannot set {key}: method is the name {est.method!r}, which has no "
        "parameters to set. Give its parameters in method_params "
        f"(set_params(method_params={{{param!r}: ...}})"
    )
    # the estimator is left as it was
    assert est.get_params()["method"] == est.method


def test_a_nested_parameter_reaches_an_extractor_given_as_instance():
    from skmultimodal.image import HOGFeatures

    est = ImageFeatures(method=HOGFeatures()).set_params(method__size=(16, 16))
    assert est.method.size == (16, 16)
    # and a name and its nested parameter set together are refused too
    with pytest.raises(ValueError, match="method is the name 'pixels'"):
        est.set_params(method="pixels", method__size=(8, 8))


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "the file is empty (0 bytes)"),
        (b"hello\n", "it is not an HDF5 weights file (it starts with b'hello\\n'"),
        ("zip", "it is a zip archive, as a .keras model file is"),
        (b"\x89HDF\r\n\x1a\n" + b"\0" * 40, "h5py cannot read it, a truncated or"),
    ],
)
def test_a_weights_file_that_is_no_hdf5_weights_says_what_it_is(
    tmp_path, content, expected
):
    path = tmp_path / "w.weights.h5"
    if content == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("config.json", "{}")
    else:
        path.write_bytes(content)
    assert _unreadable_weights(str(path)).startswith(expected)


# -- with TensorFlow ------------------------------------------------------------------
@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


@pytest.mark.slow
def test_an_empty_weights_file_is_named_without_the_top_hint(tmp_path, keras):
    path = tmp_path / "empty.weights.h5"
    path.write_bytes(b"")
    est = KerasFeatures(**{**SMALL, "weights": str(path)})
    with pytest.raises(ValueError) as info:
        est.fit(IMAGES)
    assert str(info.value) == (
        f"cannot load the weights file {path} into MobileNetV3Small: the file is "
        "empty (0 bytes)"
    )


@pytest.mark.slow
def test_user_models_without_one_image_input_are_refused_naming_the_file(
    tmp_path, keras
):
    layers = keras.layers
    a, b = keras.Input((8, 8, 3)), keras.Input((5,))
    pooled = layers.GlobalAveragePooling2D()(a)
    keras.Model([a, b], layers.Concatenate()([pooled, b])).save(tmp_path / "two.keras")
    unbuilt = keras.Sequential([layers.Conv2D(2, 3), layers.GlobalAveragePooling2D()])
    unbuilt.save(tmp_path / "unbuilt.keras")
    with pytest.raises(ValueError) as info:
        KerasFeatures(model=str(tmp_path / "two.keras")).fit(IMAGES)
    assert str(info.value) == (
        f"the model in {tmp_path / 'two.keras'} has 2 inputs; it must take one "
        "input, the (batch, height, width, 3) RGB images."
    )
    with pytest.raises(ValueError) as info:
        KerasFeatures(model=str(tmp_path / "unbuilt.keras")).fit(IMAGES)
    assert str(info.value).startswith(
        f"the model in {tmp_path / 'unbuilt.keras'} has no defined input: a "
        "Sequential model saved before it was built."
    )


@pytest.mark.slow
def test_a_nested_model_as_layer_is_named_a_nested_model(tmp_path, keras):
    layers = keras.layers
    inner_in = keras.Input((8, 8, 3))
    inner = keras.Model(
        inner_in, layers.Conv2D(2, 3, name="inner_conv")(inner_in), name="inner"
    )
    x = keras.Input((8, 8, 3))
    outer = keras.Model(x, layers.GlobalAveragePooling2D(name="gap")(inner(x)))
    outer.save(tmp_path / "nested.keras")
    est = KerasFeatures(model=str(tmp_path / "nested.keras"), layer="inner")
    with pytest.raises(ValueError) as info:
        est.fit(IMAGES)
    assert str(info.value).startswith(
        "layer='inner' of the model in "
        + str(tmp_path / "nested.keras")
        + " is a nested model"
    )
    # the layer after it works
    out = est.set_params(layer="gap").fit_transform(IMAGES)
    assert out.shape == (2, 2)


@pytest.mark.slow
def test_the_layers_suggested_keep_their_names_from_build_to_build(keras):
    est = KerasFeatures(**SMALL, layer="activation_17")
    with pytest.raises(ValueError) as info:
        est.fit(IMAGES)
    message = str(info.value)
    assert "Names such as 'activation_17', numbered by Keras" in message
    shown = message.split("end with ")[1].split(" (those")[0]
    names = [n.strip(" '") for n in shown.split(",")]
    assert len(names) == 8
    assert not any(n.startswith(("activation_", "re_lu", "add_")) for n in names)
    # each suggested name is a layer of the next build too
    for name in names[-2:]:
        assert KerasFeatures(**SMALL, layer=name).fit_transform(IMAGES).shape[0] == 2


@pytest.mark.slow
def test_a_weights_file_loads_without_a_flood_of_warnings(tmp_path, keras):
    base = keras.applications.MobileNetV3Small(
        weights=None, include_top=False, input_shape=(32, 32, 3)
    )
    path = tmp_path / "small.weights.h5"
    base.save_weights(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        out = KerasFeatures(**{**SMALL, "weights": str(path)}).fit_transform(IMAGES)
    assert out.shape == (2, 576)
