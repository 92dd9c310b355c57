"""Gray + alpha images (LA PNGs and ``(H, W, 2)`` arrays) stay gray."""

import struct
import zlib

import cv2
import numpy as np
import pytest

from skmultimodal.image import (
    ColorHistogram,
    HOGFeatures,
    ImageDecodeError,
    ImageReader,
    PixelFeatures,
)


def _png(pixels, color_type):
    """PNG bytes written by hand (OpenCV cannot write gray + alpha): colour
    type 4 (gray + alpha) or 6 (RGBA), bit depth from the dtype."""
    depth = 16 if pixels.dtype == np.uint16 else 8
    height, width = pixels.shape[:2]
    big_endian = pixels.astype(">u2" if depth == 16 else "u1")
    raw = b"".join(b"\x00" + row.tobytes() for row in big_endian)

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _gray_alpha(dtype=np.uint8, shape=(40, 48)):
    """Noisy gray + alpha pixels with fully transparent and opaque parts."""
    rng = np.random.default_rng(7)
    hi = np.iinfo(dtype).max
    la = rng.integers(0, hi + 1, (*shape, 2)).astype(dtype)
    la[:5, :, 1] = 0  # transparent rows
    la[-5:, :, 1] = hi  # opaque rows
    return la


def _on_white_u8(gray, alpha):
    """``c * a + 255 * (1 - a)`` with ``a`` in [0, 1], rounded (the guide)."""
    a = alpha / 255.0
    return np.rint(gray * a + 255.0 * (1.0 - a)).astype(np.uint8)


def _to_u8(values):
    return ((values.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)


def test_8_bit_gray_alpha_png_decodes_to_gray_on_white(tmp_path):
    la = _gray_alpha()
    path = tmp_path / "la.png"
    path.write_bytes(_png(la, 4))
    expected = _on_white_u8(la[..., 0], la[..., 1])
    out = ImageReader().fit_transform([str(path), _png(la, 4), la])
    for img in out:
        assert img.dtype == np.uint8 and img.shape == la.shape[:2]
        np.testing.assert_array_equal(img, expected)
    assert (out[0][:5] == 255).all()  # fully transparent -> white
    np.testing.assert_array_equal(out[0][-5:], la[-5:, :, 0])  # opaque: as is


def test_16_bit_gray_alpha_png_is_scaled_then_composited():
    la = _gray_alpha(np.uint16)
    expected = _on_white_u8(_to_u8(la[..., 0]), _to_u8(la[..., 1]))
    for item in (_png(la, 4), la):
        img = ImageReader().fit_transform([item])[0]
        assert img.dtype == np.uint8 and img.shape == la.shape[:2]
        np.testing.assert_array_equal(img, expected)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_gray_alpha_is_the_gray_of_the_same_rgba_image(dtype):
    la = _gray_alpha(dtype)
    rgba = np.dstack([la[..., 0]] * 3 + [la[..., 1]])
    gray, rgb = ImageReader().fit_transform([_png(la, 4), _png(rgba, 6)])
    assert gray.shape == la.shape[:2] and rgb.shape == (*la.shape[:2], 3)
    for channel in range(3):
        np.testing.assert_array_equal(rgb[..., channel], gray)


def test_float_gray_alpha_array_is_composited_in_float():
    la = np.array([[[0.0, 0.5], [0.2, 1.0], [0.9, 0.0]]], dtype=np.float64)
    img = ImageReader().fit_transform([la])[0]
    assert img.dtype == np.float32 and img.shape == (1, 3)
    np.testing.assert_allclose(img[0], [0.5, 0.2, 1.0])


def test_a_stack_of_gray_alpha_arrays_gives_gray_images():
    la = _gray_alpha()
    out = ImageReader().fit_transform(np.stack([la, la[::-1]]))
    np.testing.assert_array_equal(out[0], _on_white_u8(la[..., 0], la[..., 1]))
    np.testing.assert_array_equal(out[1], out[0][::-1])


def test_gray_alpha_input_is_not_modified():
    la = _gray_alpha()
    before = la.copy()
    ImageReader().fit_transform([la])
    PixelFeatures(size=(4, 4)).fit_transform([la])
    np.testing.assert_array_equal(la, before)


@pytest.mark.parametrize(
    "extractor",
    [
        HOGFeatures(size=(32, 32)),
        HOGFeatures(size=(32, 32), color="rgb"),
        PixelFeatures(size=(8, 8)),
        PixelFeatures(size=(8, 8), color="rgb"),
        ColorHistogram(bins=16),
        ColorHistogram(bins=16, color_space="hsv"),
    ],
    ids=["hog-gray", "hog-rgb", "pixels-gray", "pixels-rgb", "hist-rgb", "hist-hsv"],
)
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_features_of_gray_alpha_equal_those_of_the_rgba_image(extractor, dtype):
    # reading gray + alpha as gray keeps the features it had as RGB
    la = _gray_alpha(dtype)
    rgba = np.dstack([la[..., 0]] * 3 + [la[..., 1]])
    X = [_png(la, 4), la, _png(rgba, 6)]
    features = extractor.fit_transform(X)
    assert not np.isnan(features).any()
    np.testing.assert_array_equal(features[0], features[2])
    np.testing.assert_array_equal(features[1], features[2])


def test_five_channels_are_still_refused_with_the_accepted_layouts():
    with pytest.raises(ImageDecodeError, match=r"2 \(gray \+ alpha\)") as info:
        ImageReader().fit_transform([np.zeros((4, 4, 5), np.uint8)])
    assert "row 0" in str(info.value)


def test_an_rgba_png_whose_pixels_are_gray_stays_rgb():
    # only the PNG's colour type says gray + alpha, not equal channels
    ok, buf = cv2.imencode(".png", np.full((3, 3, 4), 128, np.uint8))
    assert ok
    img = ImageReader().fit_transform([buf.tobytes()])[0]
    assert img.shape == (3, 3, 3)
