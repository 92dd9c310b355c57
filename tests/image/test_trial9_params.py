"""Parameters changed with set_params after fit, bools where a count is
expected, size-like parameters given as lists or arrays, and what an
ImageFeatureUnion accepts as a member."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skmultimodal.image import (
    Binarize,
    ColorHistogram,
    Grayscale,
    HOGFeatures,
    ImageArray,
    ImageFeatureUnion,
    ImageReader,
    Normalize,
    PixelFeatures,
    Resize,
)
from skmultimodal.image._features import _hog_plan

IMAGES = [np.zeros((16, 16, 3), np.uint8), np.full((18, 20), 90, np.uint8)]


@pytest.mark.slow  # run in a subprocess (a crash must not end the test run)
def test_hog_orientations_zero_after_fit_is_refused_not_a_crash():
    # before the fix this crashed the process inside OpenCV (nbins 0)
    code = (
        "import numpy as np\n"
        "from skmultimodal.image import HOGFeatures\n"
        "imgs = [np.zeros((16, 16), np.uint8)]\n"
        "h = HOGFeatures(size=(16, 16)).fit(imgs).set_params(orientations=0)\n"
        "try:\n"
        "    h.transform(imgs)\n"
        "except ValueError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "InvalidParameterError" in done.stdout
    assert "'orientations' parameter of HOGFeatures" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ((16, 16), (8, 8), (2, 2), 0),
        ((16, 16), (8, 8), (2, 2), -1),
        ((16, 16), (0, 8), (2, 2), 9),
        ((16, 16), (8, 8), (4, 4), 9),
    ],
)
def test_opencv_hog_plan_refuses_what_opencv_cannot_build(args):
    with pytest.raises(ValueError, match="no HOG descriptor"):
        _hog_plan(*args, False)


@pytest.mark.parametrize(
    "est, params",
    [
        (HOGFeatures(size=(16, 16)), {"orientations": -1}),
        (HOGFeatures(size=(16, 16)), {"pixels_per_cell": (-8, 8)}),
        (HOGFeatures(size=(16, 16)), {"backend": "tipo"}),
        (HOGFeatures(size=(16, 16)), {"block_norm": "L3"}),
        (HOGFeatures(size=(16, 16)), {"color": "grey"}),
        (ColorHistogram(), {"bins": 300}),  # a huge value: GBs allocated
        (ColorHistogram(), {"color_space": "hsb"}),
        (PixelFeatures(size=(4, 4)), {"interpolation": "tipo"}),
        (PixelFeatures(size=(4, 4)), {"on_error": "blanc"}),
        (Binarize(), {"threshold": "0.5"}),
        (Binarize(), {"threshold": -3}),
        (Normalize(), {"method": "min-max"}),
        (Grayscale(), {"on_error": "blanc"}),
        (ImageReader(), {"on_error": "blanc"}),
        (Resize(size=(8, 8)), {"size": (8, 8, 8)}),
        (Resize(size=(8, 8)), {"size": (8.5, 8)}),
        (Resize(size=(8, 8)), {"size": (-8, 8)}),
        (Resize(size=(8, 8)), {"interpolation": "tipo"}),
    ],
    ids=repr,
)
def test_a_parameter_set_after_fit_is_checked_as_at_fit(est, params):
    (name,) = params
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        est.fit(IMAGES).set_params(**params).transform(IMAGES)


def test_a_union_checks_its_own_and_its_members_parameters_again():
    union = ImageFeatureUnion([("px", PixelFeatures(size=(4, 4)))]).fit(IMAGES)
    with pytest.raises(InvalidParameterError, match="'on_error' parameter"):
        union.set_params(on_error="blanc").transform(IMAGES)
    union.set_params(on_error="raise")
    union.named_transformers_["px"].set_params(interpolation="tipo")
    with pytest.raises(InvalidParameterError, match="'interpolation' parameter"):
        union.transform(IMAGES)
    union.named_transformers_["px"].set_params(interpolation="area", size=(2, 2))
    with pytest.raises(ValueError, match=r"PixelFeatures: size changed since fit"):
        union.transform(IMAGES)


@pytest.mark.parametrize(
    "est, params, name, before, after",
    [
        (PixelFeatures(size=(16, 16)), {"size": (8, 8)}, "size", 256, 64),
        (PixelFeatures(size=(4, 4)), {"color": "rgb"}, "color", 16, 48),
        (ColorHistogram(bins=8), {"bins": 4}, "bins", 24, 12),
        (HOGFeatures(size=(16, 16)), {"orientations": 6}, "orientations", 36, 24),
        (HOGFeatures(size=(16, 16)), {"size": (24, 24)}, "size", 36, 144),
    ],
    ids=repr,
)
def test_a_changed_number_of_features_asks_for_a_refit(
    est, params, name, before, after
):
    est.fit(IMAGES).set_params(**params)
    message = (
        f"{type(est).__name__}: {name} changed since fit (the fitted extractor "
        f"gives {before} features; now {after}); refit it."
    )
    with pytest.raises(ValueError) as info:
        est.transform(IMAGES)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: ColorHistogram(bins=True), "bins"),
        (lambda: ColorHistogram(bins=np.True_), "bins"),
        (lambda: HOGFeatures(size=(16, 16), orientations=True), "orientations"),
    ],
)
def test_a_bool_count_is_refused_naming_it(make, name):
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter.*bool"):
        make().fit(IMAGES)


def test_numpy_integer_counts_are_accepted():
    Z = ColorHistogram(bins=np.int64(4)).fit_transform(IMAGES)
    np.testing.assert_array_equal(Z, ColorHistogram(bins=4).fit_transform(IMAGES))
    hog = HOGFeatures(size=(16, 16), orientations=np.int32(6))
    assert hog.fit_transform(IMAGES).shape == (2, 24)


@pytest.mark.parametrize("backend", ["opencv", "skimage"])
def test_size_like_parameters_take_lists_and_arrays_as_given(backend):
    sizes = {
        "size": [16, 16],
        "pixels_per_cell": np.array([4, 4]),
        "cells_per_block": [2, 2],
    }
    hog = HOGFeatures(backend=backend, **sizes)
    Z = hog.fit_transform(IMAGES)
    expected = HOGFeatures(
        backend=backend, size=(16, 16), pixels_per_cell=(4, 4), cells_per_block=(2, 2)
    ).fit_transform(IMAGES)
    np.testing.assert_array_equal(Z, expected)
    for name, value in sizes.items():
        assert hog.get_params()[name] is value


@pytest.mark.parametrize("size", [[4, 6], np.array([4, 6]), (np.int64(4), 6)])
def test_pixel_features_and_image_array_take_a_list_or_array_size(size):
    px = PixelFeatures(size=size)
    np.testing.assert_array_equal(
        px.fit_transform(IMAGES), PixelFeatures(size=(4, 6)).fit_transform(IMAGES)
    )
    assert px.get_params()["size"] is size
    arr = ImageArray(size=size).fit(IMAGES)
    assert arr.image_shape_ == (4, 6, 3)
    assert arr.transform(IMAGES).shape == (2, 72)


@pytest.mark.parametrize("size", [(8, 8, 8), (8.5, 8), (True, 8), 8, "88", None])
def test_extractor_sizes_are_refused_as_resize_refuses_them(size):
    for est in (PixelFeatures(size=size), HOGFeatures(pixels_per_cell=size)):
        with pytest.raises(InvalidParameterError, match=r"\(height, width\) pair"):
            est.fit(IMAGES)


def test_union_refuses_a_transformer_that_is_not_an_image_extractor():
    union = ImageFeatureUnion(
        [("px", PixelFeatures(size=(4, 4))), ("scaler", StandardScaler())]
    )
    with pytest.raises(
        ValueError,
        match=r"transformer_list entry 'scaler' must be an image feature "
        r"extractor or 'drop', got StandardScaler\(\)",
    ):
        union.fit(IMAGES)


@pytest.mark.slow
@pytest.mark.parametrize("size", [[32, 32], np.array([32, 32])])
def test_keras_input_size_takes_a_list_or_array(size):
    pytest.importorskip("keras")
    from skmultimodal.image import KerasFeatures

    est = KerasFeatures(weights=None, input_size=size, random_state=0).fit(IMAGES)
    assert est.input_size_ == (32, 32)
    assert est.get_params()["input_size"] is size
    assert est.transform(IMAGES).shape == (2, est.n_features_out_)


@pytest.mark.slow
def test_keras_features_check_their_parameters_again_alone_and_in_a_union():
    pytest.importorskip("keras")
    from skmultimodal.image import KerasFeatures

    est = KerasFeatures(weights=None, input_size=(32, 32), random_state=0)
    est.fit(IMAGES).set_params(batch_size=0)
    with pytest.raises(InvalidParameterError, match="'batch_size' parameter"):
        est.transform(IMAGES)
    union = ImageFeatureUnion([("keras", est.set_params(batch_size=2))]).fit(IMAGES)
    fitted = union.named_transformers_["keras"]
    assert union.transform(IMAGES).shape == (2, fitted.n_features_out_)
    assert not hasattr(fitted, "_size")  # fit's own state, not rebuilt
    fitted.set_params(pooling="mean")
    with pytest.raises(InvalidParameterError, match="'pooling' parameter"):
        union.transform(IMAGES)
