"""HOG, pixel and colour-histogram features, and the ImageFeatures dispatcher."""

import cv2
import numpy as np
import pandas as pd
import pytest
from skimage.feature import hog as skimage_hog
from sklearn.base import clone

from skmultimodal.image import (
    ColorHistogram,
    Grayscale,
    HOGFeatures,
    ImageFeatures,
    PixelFeatures,
    Resize,
)
from skmultimodal.plugins import get_registry


def _shapes(n=12, size=48, seed=0):
    """Gray-ish RGB drawings (discs, boxes, lines) with mild noise."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        img = np.full((size, size + 8, 3), 255, np.uint8)
        for _ in range(3):
            colour = tuple(int(c) for c in rng.integers(0, 200, 3))
            x, y = (int(v) for v in rng.integers(5, size - 5, 2))
            kind = rng.integers(3)
            if kind == 0:
                cv2.circle(img, (x, y), int(rng.integers(4, 15)), colour, -1)
            elif kind == 1:
                cv2.rectangle(img, (x, y), (x + 12, y + 7), colour, -1)
            else:
                cv2.line(img, (x, 0), (size - y, size), colour, 2)
        noise = rng.integers(-8, 9, img.shape)
        out.append(np.clip(img + noise, 0, 255).astype(np.uint8))
    return out


IMAGES = _shapes()


def _prepared(images, size):
    return [
        r for r in Resize(size=size).fit_transform(Grayscale().fit_transform(images))
    ]


@pytest.mark.parametrize(
    "size, ppc, cpb, orientations",
    [
        ((64, 64), (8, 8), (2, 2), 9),
        ((40, 52), (8, 6), (3, 2), 6),
        ((35, 33), (8, 8), (1, 1), 12),
    ],
)
def test_hog_length_and_order_are_the_same_for_both_backends(
    size, ppc, cpb, orientations
):
    params = dict(
        size=size, pixels_per_cell=ppc, cells_per_block=cpb, orientations=orientations
    )
    fast = HOGFeatures(**params).fit(IMAGES)
    ref = HOGFeatures(**params, backend="skimage").fit(IMAGES)
    cells = [s // c for s, c in zip(size, ppc)]
    blocks = [n - b + 1 for n, b in zip(cells, cpb)]
    expected = blocks[0] * blocks[1] * cpb[0] * cpb[1] * orientations
    A, B = fast.transform(IMAGES), ref.transform(IMAGES)
    assert (
        A.shape
        == B.shape
        == (len(IMAGES), expected)
        == (len(IMAGES), fast.n_features_out_)
    )
    assert A.dtype == np.float32
    corr = [np.corrcoef(a, b)[0, 1] for a, b in zip(A, B)]
    # OpenCV interpolates votes between bins and cells; scikit-image does not
    assert np.mean(corr) > 0.75 and np.min(corr) > 0.5, corr


def test_hog_reordering_is_what_raises_agreement():
    size = (64, 64)
    fast = HOGFeatures(size=size).fit(IMAGES).transform(IMAGES)
    ref = HOGFeatures(size=size, backend="skimage").fit(IMAGES).transform(IMAGES)
    raw = fast.reshape(len(IMAGES), 7, 7, 2, 2, 9).transpose(0, 2, 1, 4, 3, 5)
    raw = raw.reshape(len(IMAGES), -1)  # back to OpenCV's column-major order
    ours = np.mean([np.corrcoef(a, b)[0, 1] for a, b in zip(fast, ref)])
    theirs = np.mean([np.corrcoef(a, b)[0, 1] for a, b in zip(raw, ref)])
    assert ours > theirs + 0.3


def test_hog_opencv_equals_documented_descriptor():
    prepared = _prepared(IMAGES, (64, 64))
    descriptor = cv2.HOGDescriptor(
        (64, 64),
        (16, 16),
        (8, 8),
        (8, 8),
        9,
        1,
        1e9,
        cv2.HOGDescriptor_L2Hys,
        0.2,
        False,
        64,
        False,
    )
    bare = np.array([descriptor.compute(p) for p in prepared])
    ours = HOGFeatures().fit_transform(prepared)
    reordered = bare.reshape(-1, 7, 7, 2, 2, 9).transpose(0, 2, 1, 4, 3, 5)
    np.testing.assert_array_equal(ours, reordered.reshape(len(prepared), -1))
    # raw items give the same result as the explicitly prepared images
    np.testing.assert_array_equal(HOGFeatures().fit_transform(IMAGES), ours)


def test_hog_skimage_backend_equals_skimage():
    prepared = _prepared(IMAGES[:3], (32, 32))
    est = HOGFeatures(size=(32, 32), backend="skimage", block_norm="L1")
    ours = est.fit_transform(prepared)
    ref = [skimage_hog(p, block_norm="L1", cells_per_block=(2, 2)) for p in prepared]
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("backend", ["opencv", "skimage"])
@pytest.mark.parametrize("color", ["gray", "rgb"])
def test_hog_l2hys_block_norms(backend, color):
    Z = HOGFeatures(backend=backend, color=color).fit_transform(IMAGES)
    blocks = Z.reshape(len(IMAGES), 49, 36)
    norms = np.linalg.norm(blocks, axis=2)
    assert norms.max() <= 1 + 1e-4
    assert np.median(norms) > 0.9  # textured blocks are renormalized to ~1
    assert Z.min() >= 0


def test_hog_rgb_agrees_between_backends():
    A = HOGFeatures(color="rgb").fit_transform(IMAGES)
    B = HOGFeatures(color="rgb", backend="skimage").fit_transform(IMAGES)
    assert np.mean([np.corrcoef(a, b)[0, 1] for a, b in zip(A, B)]) > 0.75


def test_hog_float_and_uint8_input_agree_and_flat_image_is_zero():
    prepared = _prepared(IMAGES[:4], (64, 64))
    as_float = [p / 255.0 for p in prepared]
    np.testing.assert_array_equal(
        HOGFeatures().fit_transform(prepared), HOGFeatures().fit_transform(as_float)
    )
    flat = HOGFeatures().fit_transform([np.full((64, 64), 90, np.uint8)])
    np.testing.assert_array_equal(flat, 0)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(size=(8, 8)), "fewer than one block"),
        (dict(block_norm="L2"), "needs backend='skimage'"),
        (dict(orientations=0), "orientations"),
        (dict(pixels_per_cell=(0, 8)), "pixels_per_cell"),
        (dict(backend="torch"), "backend"),
    ],
)
def test_hog_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        HOGFeatures(**params).fit(IMAGES)


def test_pixel_features_values_order_and_names():
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[0, 1] = [255, 0, 51]
    Z = PixelFeatures(size=(2, 2), color="rgb").fit(IMAGES).transform([rgb])
    np.testing.assert_allclose(Z[0], [0, 0, 0, 1, 0, 0.2, 0, 0, 0, 0, 0, 0], atol=1e-7)
    gray = PixelFeatures(size=(2, 2)).fit([rgb])
    assert gray.transform([rgb]).shape == (1, 4)
    assert list(gray.get_feature_names_out()) == [
        "pixel0",
        "pixel1",
        "pixel2",
        "pixel3",
    ]
    # gray images are replicated for color="rgb"
    g = PixelFeatures(size=(3, 3), color="rgb").fit_transform(
        [np.full((3, 3), 255, np.uint8)]
    )
    np.testing.assert_array_equal(g, 1.0)


@pytest.mark.parametrize("space", ["rgb", "hsv"])
def test_color_histogram_fractions_and_names(space):
    est = ColorHistogram(bins=4, color_space=space).fit(IMAGES)
    Z = est.transform(IMAGES + [np.zeros((3, 5), np.uint8)])
    assert Z.shape == (len(IMAGES) + 1, 12)
    np.testing.assert_allclose(Z.reshape(-1, 3, 4).sum(axis=2), 1.0, rtol=1e-6)
    names = list(est.get_feature_names_out())
    assert names[0] == f"hist_{space[0]}0" and names[-1] == f"hist_{space[2]}3"


def test_color_histogram_known_colours():
    img = np.zeros((2, 2, 3), np.uint8)
    img[0] = [255, 0, 0]  # two red pixels, two black ones
    Z = ColorHistogram(bins=2).fit_transform([img])[0]
    np.testing.assert_allclose(Z, [0.5, 0.5, 1.0, 0.0, 1.0, 0.0])


def test_set_output_pandas_and_feature_names():
    X = pd.Series(IMAGES[:3], index=["a", "b", "c"])
    est = HOGFeatures(size=(16, 16)).set_output(transform="pandas")
    out = est.fit_transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == [f"hog{k}" for k in range(out.shape[1])]


# ------------------------------------------------------------ ImageFeatures
def test_builtins_are_registered():
    registry = get_registry("image_features")
    assert registry.get("hog") is HOGFeatures
    assert registry.get("pixels") is PixelFeatures
    assert registry.get("color_histogram") is ColorHistogram


@pytest.mark.parametrize(
    "name, cls, params",
    [
        ("hog", HOGFeatures, {"size": (16, 16)}),
        ("pixels", PixelFeatures, {}),
        ("color_histogram", ColorHistogram, {"bins": 3}),
    ],
)
def test_image_features_dispatches_by_name(name, cls, params):
    est = ImageFeatures(name, method_params=params).fit(IMAGES)
    assert isinstance(est.extractor_, cls)
    np.testing.assert_array_equal(
        est.transform(IMAGES), cls(**params).fit_transform(IMAGES)
    )
    assert list(est.get_feature_names_out()) == list(
        est.extractor_.get_feature_names_out()
    )


def test_image_features_with_an_estimator_exposes_nested_params():
    est = ImageFeatures(method=PixelFeatures(size=(4, 4)))
    assert est.get_params()["method__size"] == (4, 4)
    est.set_params(method__size=(2, 3))
    assert est.fit_transform(IMAGES).shape == (len(IMAGES), 6)
    assert est.method.get_params()["size"] == (2, 3)  # the given instance is
    assert not hasattr(est.method, "n_features_out_")  # cloned, never fitted
    searched = clone(est).set_params(method=HOGFeatures(size=(16, 16)))
    assert searched.fit_transform(IMAGES).shape[1] == 36


def test_image_features_forwards_n_jobs():
    est = ImageFeatures("pixels", n_jobs=2).fit(IMAGES)
    assert est.extractor_.n_jobs == 2


def test_image_features_unknown_method_lists_available():
    with pytest.raises(ValueError, match="hog") as info:
        ImageFeatures("sift").fit(IMAGES)
    assert "sift" in str(info.value) and "color_histogram" in str(info.value)


def test_image_features_bad_method_params():
    with pytest.raises(ValueError, match="method_params"):
        ImageFeatures("pixels", method_params={"orientations": 3}).fit(IMAGES)
    with pytest.raises(ValueError, match="method"):
        ImageFeatures(method=3).fit(IMAGES)


def test_image_features_applies_method_params_to_a_clone_of_an_instance():
    # as TextFeatures does: the instance is cloned, then set_params
    pixels = PixelFeatures(size=(4, 4))
    est = ImageFeatures(pixels, method_params={"size": (2, 3)}).fit(IMAGES)
    assert est.extractor_ is not pixels and est.extractor_.size == (2, 3)
    assert pixels.size == (4, 4) and not hasattr(pixels, "n_features_out_")
    expected = PixelFeatures(size=(2, 3)).fit(IMAGES).transform(IMAGES)
    np.testing.assert_array_equal(est.transform(IMAGES), expected)
    assert est.n_features_out_ == expected.shape[1]


def test_image_features_unknown_key_for_an_instance_names_the_valid_ones():
    pixels = PixelFeatures()
    with pytest.raises(
        ValueError,
        match=r"method_params \['orientations'\] are not valid for method "
        r"PixelFeatures .*valid parameters: \[.*'size'",
    ):
        ImageFeatures(pixels, method_params={"orientations": 3}).fit(IMAGES)
    assert pixels.get_params() == PixelFeatures().get_params()
