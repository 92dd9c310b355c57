"""KerasFeatures: parameters changed with set_params after fit, files_, and
the ``.keras`` suffix in any case.

Nothing is downloaded: tiny ``.keras`` files saved in ``tmp_path`` and one
``weights=None`` MobileNetV3Small at 32 x 32.
"""

import numpy as np
import pytest

from skmultimodal.image import ImageFeatures, ImageFeatureUnion, KerasFeatures

# imports TensorFlow and builds networks
pytestmark = pytest.mark.slow

keras = pytest.importorskip("keras")

IMAGES = [
    np.random.default_rng(k).integers(0, 256, (10, 12, 3), dtype=np.uint8)
    for k in range(3)
]
SMALL = {"model": "MobileNetV3Small", "weights": None, "input_size": (32, 32)}


def _save(path, seed, filters=4):
    """An 8x8 RGB conv net ending in a global average pool, saved to path."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(filters, 3, name="conv")(inputs)
    keras.Model(inputs, keras.layers.GlobalAveragePooling2D(name="gap")(x)).save(path)
    return str(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    return {
        "a": _save(folder / "a.keras", 0),
        "b": _save(folder / "b.keras", 1),
        "wide": _save(folder / "wide.keras", 2, filters=6),
    }


@pytest.mark.parametrize(
    "change, now, what",
    [
        ({"layer": "expanded_conv_project_bn"}, 16, "layer"),
        ({"model": "wide", "weights": "imagenet", "input_size": None}, 6, "model"),
    ],
)
def test_a_change_in_the_number_of_features_is_refused(files, change, now, what):
    if "model" in change:
        change = {**change, "model": files[change["model"]]}
    est = KerasFeatures(**SMALL, random_state=0).fit(IMAGES).set_params(**change)
    message = (
        rf"KerasFeatures: {what}.* changed since fit: the network now gives {now} "
        r"features, 576 in fit; refit it"
    )
    with pytest.raises(ValueError, match=message):
        est.transform(IMAGES)
    with pytest.raises(ValueError, match=message):  # never names of another count
        est.get_feature_names_out()
    wrapped = ImageFeatures("keras", method_params={**SMALL, "random_state": 0})
    wrapped.fit(IMAGES).set_params(method_params={**SMALL, "random_state": 0, **change})
    with pytest.raises(ValueError, match=message):
        wrapped.transform(IMAGES)
    with pytest.raises(ValueError, match=message):
        wrapped.get_feature_names_out()


def test_files_holds_only_files(files):
    small = KerasFeatures(**SMALL, random_state=0).fit(IMAGES)
    assert small.files_ == {} and small.file_digests_ == ()
    est = KerasFeatures(model=files["a"]).fit(IMAGES)
    assert est.files_ == {"model": files["a"]}


def test_a_model_file_set_after_fit_is_used(files):
    features = {
        k: KerasFeatures(model=files[k]).fit(IMAGES).transform(IMAGES) for k in "ab"
    }
    assert not np.allclose(features["a"], features["b"])
    est = KerasFeatures(model=files["a"]).fit(IMAGES).set_params(model=files["b"])
    np.testing.assert_allclose(est.transform(IMAGES), features["b"], rtol=1e-6)
    assert est.get_feature_names_out()[0] == "b_0"
    est.set_params(model=files["a"])  # back to the fitted one
    np.testing.assert_allclose(est.transform(IMAGES), features["a"], rtol=1e-6)
    # through ImageFeatures' method_params, and an ImageFeatureUnion member
    wrapped = ImageFeatures("keras", method_params={"model": files["a"]}).fit(IMAGES)
    wrapped.set_params(method_params={"model": files["b"]})
    np.testing.assert_allclose(wrapped.transform(IMAGES), features["b"], rtol=1e-6)
    member = KerasFeatures(model=files["a"])
    union = ImageFeatureUnion([("k", member)]).fit(IMAGES)
    member.set_params(model=files["b"])
    np.testing.assert_allclose(union.transform(IMAGES), features["b"], rtol=1e-6)


def test_an_application_switched_to_a_model_file_is_found(files):
    est = KerasFeatures(**SMALL, random_state=0).fit(IMAGES)
    est.set_params(model=files["a"], weights="imagenet", input_size=None)
    with pytest.raises(ValueError, match="now gives 4 features, 576 in fit"):
        est.transform(IMAGES)  # a.keras found, not looked for as '<cwd>/...'


def test_weights_none_set_after_fit_is_refused(files):
    est = KerasFeatures(model=files["a"]).fit(IMAGES)  # no seed drawn
    est.set_params(**SMALL)
    with pytest.raises(ValueError, match="weights=None set since fit.*refit it"):
        est.transform(IMAGES)


def test_keras_suffix_in_any_case(tmp_path, files):
    upper = tmp_path / "A.KERAS"
    upper.write_bytes(open(files["a"], "rb").read())
    with pytest.raises(ValueError, match=r"ending in '\.keras' \(in lower case\)"):
        KerasFeatures(model=str(upper)).fit(IMAGES)
    with pytest.raises(ValueError, match="no such .keras model file"):
        KerasFeatures(model=str(tmp_path / "missing.Keras")).fit(IMAGES)
