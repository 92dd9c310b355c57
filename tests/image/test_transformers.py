"""Behaviour of Grayscale, Resize, Binarize and Normalize."""

import cv2
import numpy as np
import pytest
from skimage.filters import threshold_otsu
from sklearn.pipeline import make_pipeline

from skmultimodal.image import (
    Binarize,
    Grayscale,
    ImageReader,
    Normalize,
    PixelFeatures,
    Resize,
)

KNOWN = np.array(
    [[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [12, 200, 77]]],
    dtype=np.uint8,
)


def _formula(rgb):
    rgb = rgb.astype(np.float64)
    return 0.2989 * rgb[..., 0] + 0.5870 * rgb[..., 1] + 0.1140 * rgb[..., 2]


def test_grayscale_follows_itu_r_601_on_known_pixels():
    gray = Grayscale().fit_transform([KNOWN])[0]
    assert gray.dtype == np.uint8 and gray.shape == (1, 5)
    # 76.2195, 149.685, 29.07, 254.97, 0.2989*12 + 0.587*200 + 0.114*77
    assert gray.tolist() == [[76, 150, 29, 255, 130]]
    np.testing.assert_array_equal(gray, np.rint(_formula(KNOWN)))
    floats = Grayscale().fit_transform([KNOWN / 255.0])[0]
    assert floats.dtype == np.float32
    np.testing.assert_allclose(floats, _formula(KNOWN) / 255.0, rtol=1e-6)


def test_grayscale_matches_formula_on_random_pixels():
    rgb = np.random.default_rng(0).integers(0, 256, (50, 40, 3), dtype=np.uint8)
    gray = Grayscale().fit_transform([rgb])[0].astype(int)
    assert np.abs(gray - _formula(rgb)).max() <= 0.5 + 1e-3
    # gray input passes through
    np.testing.assert_array_equal(
        Grayscale().fit_transform([gray.astype(np.uint8)])[0], gray
    )


def test_grayscale_uses_rgb_order_for_decoded_files(tmp_path):
    ok, buf = cv2.imencode(".png", KNOWN[..., ::-1].copy())
    assert ok
    gray = Grayscale().fit_transform([buf.tobytes()])[0]
    assert gray.tolist() == [[76, 150, 29, 255, 130]]


@pytest.mark.parametrize(
    "interpolation", ["area", "linear", "nearest", "cubic", "lanczos"]
)
def test_resize_size_and_interpolation(interpolation):
    rng = np.random.default_rng(0)
    imgs = [rng.integers(0, 256, (30, 20, 3), dtype=np.uint8), rng.random((7, 9))]
    out = Resize(size=(10, 15), interpolation=interpolation).fit_transform(imgs)
    assert out[0].shape == (10, 15, 3) and out[0].dtype == np.uint8
    assert out[1].shape == (10, 15) and out[1].dtype == np.float32
    assert 0.0 <= out[1].min() and out[1].max() <= 1.0
    flag = {"area": cv2.INTER_AREA, "nearest": cv2.INTER_NEAREST}.get(interpolation)
    if flag is not None:
        np.testing.assert_array_equal(
            out[0], cv2.resize(imgs[0], (15, 10), interpolation=flag)
        )


@pytest.mark.parametrize("size", [(0, 4), (4,), (4.0, 4), (True, 4)])
def test_resize_rejects_bad_size(size):
    with pytest.raises(ValueError, match="size"):
        Resize(size=size).fit([np.zeros((2, 2), np.uint8)])


def test_binarize_fixed_threshold_on_intensity_scale():
    img = np.array([[0, 100, 128, 200]], dtype=np.uint8)
    out = Binarize(threshold=0.5).fit_transform([img, img / 255.0])
    for o in out:
        assert o.dtype == np.uint8
        assert o.tolist() == [[0, 0, 255, 255]]  # 128/255 > 0.5


def test_binarize_otsu_matches_skimage():
    rng = np.random.default_rng(0)
    img = (
        np.concatenate([rng.normal(60, 15, (20, 20)), rng.normal(180, 20, (20, 20))])
        .clip(0, 255)
        .astype(np.uint8)
    )
    out = Binarize(threshold="otsu").fit_transform([img])[0]
    np.testing.assert_array_equal(out == 255, img > threshold_otsu(img))
    assert 0 < (out == 255).mean() < 1


def test_binarize_converts_colour_to_gray_first():
    out = Binarize(threshold=0.5).fit_transform([KNOWN])[0]
    assert out.shape == (1, 5)
    assert out.tolist() == [[0, 255, 0, 255, 255]]


def test_normalize_methods():
    img = np.array([[50, 100], [150, 250]], dtype=np.uint8)
    scale, minmax, std = (
        Normalize(method=m).fit_transform([img])[0]
        for m in ("scale", "minmax", "standardize")
    )
    np.testing.assert_allclose(scale, img / 255.0, rtol=1e-6)
    np.testing.assert_allclose(minmax, (img - 50) / 200.0, rtol=1e-6)
    assert abs(std.mean()) < 1e-6 and abs(std.std() - 1) < 1e-5
    flat = Normalize(method="minmax").fit_transform([np.full((2, 2), 7, np.uint8)])[0]
    np.testing.assert_array_equal(flat, 0.0)
    for out in (scale, minmax, std):
        assert out.dtype == np.float32


def test_transformers_accept_raw_items_and_chain_in_a_pipeline(tmp_path):
    rgb = np.random.default_rng(1).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    path = tmp_path / "x.png"
    cv2.imwrite(str(path), rgb[..., ::-1])
    pipe = make_pipeline(
        ImageReader(), Grayscale(), Resize(size=(8, 8)), PixelFeatures(size=(8, 8))
    )
    Z = pipe.fit_transform([str(path), rgb])
    assert Z.shape == (2, 64)
    np.testing.assert_array_equal(Z[0], Z[1])
    direct = PixelFeatures(size=(8, 8)).fit_transform([str(path)])
    np.testing.assert_allclose(Z[:1], direct)


@pytest.mark.parametrize(
    "est", [Grayscale(), Resize(size=(5, 5)), Binarize(), Normalize()]
)
def test_no_input_mutation(est):
    rng = np.random.default_rng(2)
    imgs = [rng.integers(0, 256, (6, 6, 4), dtype=np.uint8), rng.random((6, 7))]
    before = [i.copy() for i in imgs]
    out = est.fit_transform(imgs)
    for o in out:
        o[...] = 0
    for a, b in zip(imgs, before):
        np.testing.assert_array_equal(a, b)


def test_grayscale_is_the_601_formula_not_opencv_fixed_point():
    rgb = np.random.default_rng(3).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    exact = _formula(rgb)
    cv = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(float)
    # pixels where OpenCV's 0.299/0.587/0.114 fixed-point result is off and the
    # exact value is not a rounding tie
    differ = (cv != np.rint(exact)) & (np.abs(exact - np.floor(exact) - 0.5) > 0.01)
    assert differ.sum() > 5
    ours = Grayscale().fit_transform([rgb])[0]
    np.testing.assert_array_equal(ours[differ], np.rint(exact[differ]))
