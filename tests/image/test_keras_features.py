"""KerasFeatures: Keras image networks as feature extractors.

Nothing is downloaded: networks are built with ``weights=None`` (seeded),
from tiny ``.keras`` files saved in ``tmp_path``, or from weights files
written here; the ImageNet path is exercised with the download failing.
"""

import pickle
import urllib.error
import warnings

import cv2
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from skmultimodal.image import (
    ImageDecodeError,
    ImageFeatures,
    ImageFeatureUnion,
    ImageWarning,
    KerasFeatures,
    PixelFeatures,
)
from skmultimodal.persistence import load_model, save_model

# imports TensorFlow and builds networks
pytestmark = pytest.mark.slow

keras = pytest.importorskip("keras")

SMALL = {"weights": None, "input_size": (32, 32), "random_state": 0}


def _images(n=5, seed=0):
    rng = np.random.default_rng(seed)
    return [
        rng.integers(0, 256, (20 + k, 24, 3), dtype=np.uint8) if k % 2 else
        rng.integers(0, 256, (18, 16 + k), dtype=np.uint8)
        for k in range(n)
    ]  # fmt: skip


def _tiny_model(seed=0, name="tiny"):
    """8x8 RGB -> conv -> average pool -> dense: a tiny network with layers."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(2, name="dense")(x)
    return keras.Model(inputs, outputs, name=name)


@pytest.fixture
def tiny_file(tmp_path):
    path = tmp_path / "tiny.keras"
    _tiny_model().save(path)
    return path


@pytest.fixture
def mean_file(tmp_path):
    """A network whose feature is the mean of each input channel."""
    inputs = keras.Input((4, 4, 3))
    outputs = keras.layers.GlobalAveragePooling2D(name="mean")(inputs)
    path = tmp_path / "mean.keras"
    keras.Model(inputs, outputs).save(path)
    return path


def _constant(rgb, shape=(6, 5)):
    img = np.empty((*shape, 3), np.uint8)
    img[...] = rgb
    return img


# ---------------------------------------------------------------- names
def test_registered_and_resolved_by_image_features():
    from skmultimodal.plugins import get_registry

    assert get_registry("image_features").get("keras") is KerasFeatures
    images = _images(3)
    est = ImageFeatures(method="keras", method_params=SMALL).fit(images)
    assert isinstance(est.extractor_, KerasFeatures)
    direct = KerasFeatures(**SMALL).fit(images)
    np.testing.assert_array_equal(est.transform(images), direct.transform(images))
    assert est.transform(images).shape == (3, 576)


def test_unknown_model_name_suggests_close_ones():
    with pytest.raises(ValueError, match="'MobileNetV3Small'") as info:
        KerasFeatures(model="MobilenetV3Small", weights=None).fit(_images(1))
    assert "keras.applications" in str(info.value)


# ----------------------------------------------------------- model files
def test_keras_file_with_layer(tiny_file):
    images = _images(4)
    ref = _tiny_model()
    est = KerasFeatures(model=tiny_file, layer="gap").fit(images)
    assert est.input_size_ == (8, 8) and est.n_features_out_ == 4
    batch = np.stack(
        [cv2.resize(_rgb(img), (8, 8), interpolation=cv2.INTER_AREA) for img in images]
    ).astype(np.float32)
    cut = keras.Model(ref.inputs, ref.get_layer("gap").output)
    np.testing.assert_allclose(
        est.transform(images), cut.predict(batch, verbose=0), rtol=1e-5
    )
    # the whole network's output by default
    whole = KerasFeatures(model=str(tiny_file)).fit(images)
    np.testing.assert_allclose(
        whole.transform(images), ref.predict(batch, verbose=0), rtol=1e-5, atol=1e-6
    )
    assert list(est.get_feature_names_out()) == [f"tiny_gap_{k}" for k in range(4)]


def _rgb(img):
    return np.repeat(img[..., None], 3, axis=2) if img.ndim == 2 else img


def test_unknown_layer_lists_layers(tiny_file):
    with pytest.raises(ValueError, match="layer='nope'.*'gap'"):
        KerasFeatures(model=tiny_file, layer="nope").fit(_images(1))


def test_changed_file_is_refused_after_fit(tmp_path):
    path = tmp_path / "changing.keras"
    _tiny_model(seed=0).save(path)
    est = KerasFeatures(model=path).fit(_images(2))
    blob = pickle.dumps(est)
    _tiny_model(seed=1).save(path)
    from skmultimodal.image._keras import _forget_networks

    _forget_networks()  # as in a fresh process
    with pytest.raises(ValueError, match="changed since the extractor was fitted"):
        pickle.loads(blob).transform(_images(2))


# -------------------------------------------------------------- weights
def test_weights_file_for_an_application(tmp_path):
    keras.utils.set_random_seed(7)
    base = keras.applications.MobileNetV3Small(
        include_top=False, weights=None, input_shape=(32, 32, 3)
    )
    path = tmp_path / "mine.weights.h5"
    base.save_weights(path)
    images = [_constant((10, 120, 250), (32, 32)), _constant((200, 5, 60), (32, 32))]
    est = KerasFeatures(weights=path, input_size=(32, 32)).fit(images)
    expected = base.predict(np.stack(images).astype(np.float32), verbose=0).mean(
        axis=(1, 2)
    )
    np.testing.assert_allclose(est.transform(images), expected, rtol=1e-4, atol=1e-12)
    assert est.seed_ is None and est.file_digests_[0][0] == str(path)


def test_weights_file_replaces_those_of_a_keras_file(tmp_path, tiny_file):
    other = _tiny_model(seed=3)
    path = tmp_path / "other.weights.h5"
    other.save_weights(path)
    images = [_constant((10, 20, 30), (8, 8))]
    est = KerasFeatures(model=tiny_file, weights=path).fit(images)
    expected = other.predict(np.stack(images).astype(np.float32), verbose=0)
    np.testing.assert_allclose(est.transform(images), expected, rtol=1e-5, atol=1e-6)


def test_offline_imagenet_gives_one_clear_error(tmp_path, monkeypatch):
    from keras.src.backend import config
    from keras.src.utils import file_utils

    calls = []

    def no_network(url, *args, **kwargs):
        calls.append(url)
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(file_utils, "urlretrieve", no_network)
    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path))  # an empty cache
    est = KerasFeatures(model="MobileNetV3Small", weights="imagenet")
    with pytest.raises(OSError) as info:
        est.fit(_images(1))
    message = str(info.value)
    (url,) = calls
    fname = url.rsplit("/", 1)[-1]
    assert fname.endswith(".h5") and "no_top" in fname
    assert url in message
    assert str(tmp_path / "models" / fname) in message
    assert "MobileNetV3Small" in message and "no network" in message
    assert "Traceback" not in message and info.value.__cause__ is None


def test_random_weights_are_seeded():
    images = _images(3)
    a = KerasFeatures(**SMALL).fit(images).transform(images)
    b = KerasFeatures(**{**SMALL, "random_state": 1}).fit(images).transform(images)
    assert not np.allclose(a, b, rtol=1e-3, atol=0)
    again = KerasFeatures(**SMALL).fit(images).transform(images)
    np.testing.assert_array_equal(a, again)


# --------------------------------------------------------- preprocessing
def test_preprocessing_of_a_family(mean_file):
    img = _constant((10, 20, 30))
    none = KerasFeatures(model=mean_file).fit([img]).transform([img])
    np.testing.assert_allclose(none, [[10, 20, 30]], atol=1e-4)
    # caffe style: RGB -> BGR, minus the ImageNet means
    resnet = KerasFeatures(model=mean_file, preprocessing="resnet").fit([img])
    np.testing.assert_allclose(
        resnet.transform([img]),
        [[30 - 103.939, 20 - 116.779, 10 - 123.68]],
        atol=1e-3,
    )
    # torch style: [0, 1], ImageNet mean and std
    dense = KerasFeatures(model=mean_file, preprocessing="densenet").fit([img])
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(
        dense.transform([img]), [(np.array([10, 20, 30]) / 255 - mean) / std], atol=1e-4
    )


def test_application_uses_its_own_preprocess_input(monkeypatch):
    seen = []
    original = keras.applications.mobilenet_v3.preprocess_input

    def spy(x, *args, **kwargs):
        seen.append((x.shape, x.dtype, float(x.max())))
        return original(x, *args, **kwargs)

    monkeypatch.setattr(keras.applications.mobilenet_v3, "preprocess_input", spy)
    img = _constant((0, 128, 255), (40, 40))
    KerasFeatures(**SMALL).fit([img]).transform([img, img])
    assert seen == [((2, 32, 32, 3), np.float32, 255.0)]


def test_default_input_size_is_the_models():
    pytest.importorskip("tensorflow")
    from skmultimodal.image._keras import _DEFAULT_SIZES

    assert "MobileNetV3Small" not in _DEFAULT_SIZES  # 224
    assert _DEFAULT_SIZES["InceptionV3"] == 299


# ---------------------------------------------------------------- batches
@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_batches_give_the_features_of_one_batch(tiny_file, batch_size):
    images = _images(7)
    one = KerasFeatures(model=tiny_file, batch_size=100).fit(images).transform(images)
    est = KerasFeatures(model=tiny_file, batch_size=batch_size).fit(images)
    np.testing.assert_allclose(est.transform(images), one, rtol=1e-5, atol=1e-6)


def test_batches_of_any_size_give_the_rows_of_one_batch(tiny_file):
    images = _images(11)
    whole = KerasFeatures(model=tiny_file, batch_size=100).fit(images)
    expected = whole.transform(images)
    est = KerasFeatures(model=tiny_file, batch_size=4).fit(images)
    for n in (1, 3, 4, 5, 11):  # a shorter last batch, or a single one
        np.testing.assert_array_equal(est.transform(images[:n]), expected[:n])


# Several networks and batches of new sizes: each used to trace Keras'
# predict function again, and TensorFlow then logs "... triggered tf.function
# retracing". A fresh process, since TensorFlow logs that warning at most
# twice per process.
RETRACING_SCRIPT = """
import sys
import numpy as np
from skmultimodal.image import KerasFeatures

rng = np.random.default_rng(0)
images = [rng.integers(0, 256, (10, 10, 3), dtype=np.uint8) for _ in range(12)]
for layer in (None, "gap", "conv"):
    est = KerasFeatures(model=sys.argv[1], layer=layer, batch_size=8).fit(images)
    for n in (3, 5, 7, 9, 11):
        est.transform(images[:n])
print("done")
"""


def test_networks_and_batch_sizes_trigger_no_retracing(tiny_file):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", RETRACING_SCRIPT, str(tiny_file)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "done", proc.stderr
    assert "retracing" not in proc.stderr, proc.stderr


def test_n_jobs_decodes_in_workers_with_the_same_features(tiny_file, tmp_path):
    paths = []
    for k, img in enumerate(_images(5)):
        paths.append(str(tmp_path / f"{k}.png"))
        cv2.imwrite(paths[-1], img)
    one = KerasFeatures(model=tiny_file).fit(paths).transform(paths)
    two = KerasFeatures(model=tiny_file, n_jobs=2, batch_size=2).fit(paths)
    np.testing.assert_allclose(two.transform(paths), one, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------- errors
def test_missing_rows_are_nan_with_one_warning(tiny_file):
    images = _images(5)
    X = [images[0], None, images[2], b"not an image", images[4]]
    est = KerasFeatures(model=tiny_file, on_error="missing", batch_size=2).fit(X)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = est.transform(X)
    ours = [w for w in caught if issubclass(w.category, ImageWarning)]
    assert len(ours) == 1
    assert "row 1" in str(ours[0].message) and "row 3" in str(ours[0].message)
    assert np.isnan(out[[1, 3]]).all() and np.isfinite(out[[0, 2, 4]]).all()
    good = est.transform([images[0], images[2], images[4]])
    np.testing.assert_allclose(out[[0, 2, 4]], good, rtol=1e-5, atol=1e-6)


def test_unreadable_row_raises_naming_it(tiny_file):
    X = _images(4)
    X[3] = "/no/such/file.png"
    est = KerasFeatures(model=tiny_file, batch_size=2).fit(X)
    with pytest.raises(ImageDecodeError, match="row 3.*file not found"):
        est.transform(X)


def test_blank_uses_the_blank_image(tiny_file):
    X = [None, _constant((255, 255, 255))]
    est = KerasFeatures(model=tiny_file, on_error="blank").fit(X)
    with pytest.warns(ImageWarning, match="row 0"):
        out = est.transform(X)
    np.testing.assert_allclose(out[0], out[1], rtol=1e-5)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"pooling": "sum"}, InvalidParameterError, "pooling"),
        ({"batch_size": 0}, InvalidParameterError, "batch_size"),
        ({"input_size": (0, 32)}, ValueError, "input_size"),
        ({"weights": "missing.weights.h5"}, ValueError, "missing.weights.h5"),
        ({"preprocessing": "nope"}, ValueError, "preprocessing='nope'"),
        ({"model": "nothere.keras"}, ValueError, "nothere.keras"),
    ],
)
def test_bad_parameters_give_clear_errors(params, error, match):
    est = KerasFeatures(**{**SMALL, **params})
    with pytest.raises(error, match=match):
        est.fit(_images(1))


def test_keras_file_refuses_random_weights(tiny_file):
    with pytest.raises(ValueError, match="weights=None"):
        KerasFeatures(model=tiny_file, weights=None).fit(_images(1))


def test_weights_file_of_another_network(tmp_path, tiny_file):
    path = tmp_path / "tiny.weights.h5"
    _tiny_model().save_weights(path)
    with pytest.raises(ValueError, match="cannot load the weights file"):
        KerasFeatures(**{**SMALL, "weights": path}).fit(_images(1))


@pytest.mark.parametrize("via", ["KerasFeatures", "ImageFeatures"])
def test_keras_file_of_a_fixed_size_refuses_another_input_size(tiny_file, via):
    params = {"model": str(tiny_file), "input_size": (16, 12)}
    est = (
        KerasFeatures(**params)
        if via == "KerasFeatures"
        else ImageFeatures("keras", method_params=params)
    )
    with pytest.raises(ValueError) as info:
        est.fit(_images(2))  # at fit, before any image goes through
    message = str(info.value)
    assert "input_size=(16, 12) does not fit the model" in message
    assert str(tiny_file) in message and "(None, 8, 8, 3)" in message
    assert "Set input_size=(8, 8)" in message
    # the model's own size, given or not, is accepted: the same features
    same = KerasFeatures(model=tiny_file, input_size=(8, 8)).fit(_images(3))
    own = KerasFeatures(model=tiny_file).fit(_images(3))
    assert same.input_size_ == own.input_size_ == (8, 8)
    np.testing.assert_array_equal(same.transform(_images(3)), own.transform(_images(3)))


def test_keras_file_of_a_free_size_takes_input_size(tmp_path):
    inputs = keras.Input((None, None, 3))
    outputs = keras.layers.GlobalAveragePooling2D(name="mean")(inputs)
    path = tmp_path / "free.keras"
    keras.Model(inputs, outputs).save(path)
    est = KerasFeatures(model=path, input_size=(12, 10)).fit(_images(2))
    assert est.input_size_ == (12, 10) and est.transform(_images(2)).shape == (2, 3)
    with pytest.raises(ValueError, match="no fixed height and width"):
        KerasFeatures(model=path).fit(_images(2))


def test_keras_file_of_one_channel_is_refused_at_fit(tmp_path):
    inputs = keras.Input((8, 8, 1))
    outputs = keras.layers.GlobalAveragePooling2D(name="mean")(inputs)
    path = tmp_path / "gray.keras"
    keras.Model(inputs, outputs).save(path)
    with pytest.raises(ValueError, match=r"shape \(None, 8, 8, 1\).*RGB"):
        KerasFeatures(model=path).fit(_images(2))


def test_too_small_input_size():
    with pytest.raises(ValueError, match="input_size"):
        KerasFeatures(**{**SMALL, "input_size": (8, 8)}).fit(_images(1))


# ----------------------------------------------------- sklearn and saving
def test_feature_names_and_clone():
    est = KerasFeatures(**SMALL, layer="expanded_conv_project_bn", pooling="max")
    twin = clone(est)
    assert twin.get_params() == est.get_params()
    twin.fit(_images(2))
    assert not hasattr(est, "n_features_out_")
    names = twin.get_feature_names_out()
    assert len(names) == twin.n_features_out_ == 16
    assert names[0] == "mobilenetv3small_expanded_conv_project_bn_0"


def test_pooling_none_flattens(tiny_file):
    est = KerasFeatures(model=tiny_file, layer="conv", pooling=None).fit(_images(1))
    assert est.n_features_out_ == 6 * 6 * 4


def test_input_not_mutated(tiny_file):
    images = _images(3)
    before = [img.copy() for img in images]
    KerasFeatures(model=tiny_file).fit(images).transform(images)
    assert all(np.array_equal(a, b) for a, b in zip(images, before))


def test_pickle_holds_no_tensorflow_and_rebuilds_identically():
    from skmultimodal.image._keras import _forget_networks

    images = _images(4)
    est = KerasFeatures(**SMALL).fit(images)
    expected = est.transform(images)
    blob = pickle.dumps(est)
    assert b"tensorflow" not in blob and b"keras.src" not in blob
    _forget_networks()  # rebuilt from the parameters, as in a new process
    np.testing.assert_array_equal(pickle.loads(blob).transform(images), expected)


@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_save_model_round_trip(tmp_path, tiny_file, suffix):
    from skmultimodal.image._keras import _forget_networks

    images = _images(4)
    # a str path: .skops trusts no pathlib type by default
    for est in (
        KerasFeatures(**SMALL),
        KerasFeatures(model=str(tiny_file), layer="gap"),
    ):
        est.fit(images)
        expected = est.transform(images)
        path = save_model(est, tmp_path / f"model{suffix}")
        _forget_networks()
        trusted = True if suffix == ".joblib" else None
        back = load_model(path, trusted=trusted).estimator
        np.testing.assert_array_equal(back.transform(images), expected)


def test_in_an_image_feature_union(tiny_file):
    images = _images(3)
    union = ImageFeatureUnion(
        [
            ("cnn", KerasFeatures(model=tiny_file, layer="gap")),
            ("pixels", PixelFeatures(size=(2, 2))),
        ]
    ).fit(images)
    out = union.transform(images)
    alone = KerasFeatures(model=tiny_file, layer="gap").fit(images).transform(images)
    np.testing.assert_allclose(out[:, :4], alone, rtol=1e-5, atol=1e-6)


def test_user_guide_example_runs_and_prints_what_it_claims():
    from tests._docs_runner import USER_GUIDE, assert_code_blocks_print_what_they_claim

    assert_code_blocks_print_what_they_claim(
        USER_GUIDE / "image.md", containing="KerasFeatures"
    )


def test_a_relative_model_path_is_found_from_any_folder(
    tiny_file, tmp_path, monkeypatch
):
    # fitted with a path relative to the current folder, pickled, used
    # elsewhere: the file found at fit is read again
    import pickle

    images = _images(3)
    monkeypatch.chdir(tiny_file.parent)
    est = KerasFeatures(model="tiny.keras", layer="gap").fit(images)
    assert est.model == "tiny.keras"  # the parameter is left as given
    expected = est.transform(images)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_allclose(again.transform(images), expected, rtol=1e-6)
    tiny_file.unlink()
    with pytest.raises(
        ValueError,
        match=r"model='tiny.keras': no such .keras model file \(looked for '/",
    ):
        pickle.loads(pickle.dumps(est)).transform(images)
