"""Photo files as cameras, scanners and phones write them: TIFF alpha in
every storage, signed and float64 TIFFs, 32-bit BMPs without alpha, HEIC
photos and videos named as such, and the reading limits from the
environment (the command line's way to read 108-megapixel photos)."""

import io
import struct

import cv2
import numpy as np
import pytest
import tifffile
from PIL import Image

from skmultimodal.image import (
    HOGFeatures,
    ImageDecodeError,
    ImageReader,
    ImageWarning,
)
from skmultimodal.image._io import read_limits

RGBA = (200, 100, 50, 128)


def _read(item, **kw):
    return ImageReader(**kw).fit_transform([item])[0]


def _png(pixels):
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


def _tiff(pixels, **kw):
    out = io.BytesIO()
    tifffile.imwrite(out, pixels, **kw)
    return out.getvalue()


def _rgba(dtype=np.uint8):
    px = np.zeros((8, 8, 4), np.uint8)
    px[:] = RGBA
    return px.astype(np.uint16) * 257 if dtype == np.uint16 else px


# --- TIFF alpha ------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize("layout", [{}, {"tile": (16, 16)}, {"compression": "zlib"}])
def test_rgba_tiff_is_composited_as_the_png(dtype, layout):
    # OpenCV returns 8-bit RGBA TIFFs premultiplied: they were composited
    # twice (200, 100, 50 at alpha 128 gave 177, 152, 140, not 227, 177, 152)
    px = np.zeros((32, 32, 4), np.uint8)
    px[:] = RGBA
    expected = _read(_png(px))
    assert expected[0, 0].tolist() == [227, 177, 152]
    data = px.astype(np.uint16) * 257 if dtype == np.uint16 else px
    tiff = _tiff(data, photometric="rgb", extrasamples=["unassalpha"], **layout)
    assert np.array_equal(_read(tiff), expected)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_associated_alpha_tiff_is_composited_as_premultiplied(dtype):
    white = np.iinfo(dtype).max
    px = _rgba(dtype).astype(float)
    px[..., :3] = px[..., :3] * px[..., 3:] / white  # stored premultiplied
    tiff = _tiff(
        px.round().astype(dtype), photometric="rgb", extrasamples=["assocalpha"]
    )
    got = _read(tiff)[0, 0].astype(int)
    assert np.abs(got - [227, 177, 152]).max() <= 1


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_an_unspecified_fourth_sample_is_no_alpha(dtype):
    tiff = _tiff(_rgba(dtype), photometric="rgb", extrasamples=["unspecified"])
    assert _read(tiff)[0, 0].tolist() == [200, 100, 50]  # as Pillow reads it


# --- sample types ----------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32])
def test_signed_tiffs_are_unreadable_items_with_a_reason(dtype):
    tiff = _tiff(np.full((16, 16, 3), 10, dtype), photometric="rgb")
    with pytest.raises(ImageDecodeError, match=f"row 0.*decodes to {np.dtype(dtype)}"):
        _read(tiff)
    # was a raw cv2.error from cvtColor, whatever on_error said
    with pytest.warns(ImageWarning, match="convert the file to 8 or 16 bits"):
        out = HOGFeatures(size=(16, 16), on_error="missing").fit_transform([tiff])
    assert np.isnan(out).all()


def test_a_float64_tiff_reads_as_float32():
    px = np.random.RandomState(0).rand(8, 8, 3)
    got = _read(_tiff(px, photometric="rgb"))
    assert got.dtype == np.float32
    assert np.array_equal(got, px.astype(np.float32))
    with pytest.raises(ImageDecodeError, match="outside \\[0, 1\\]"):
        _read(_tiff(px * 4, photometric="rgb"))


# --- BMP -------------------------------------------------------------------
def _bmp32(pixels_bgrx, masks):
    """A 32-bit bottom-up BMP with a 40-byte header and BI_BITFIELDS masks."""
    h, w = pixels_bgrx.shape[:2]
    rows = pixels_bgrx[::-1].tobytes()
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 32, 3, len(rows), 2835, 2835, 0, 0)
    extra = struct.pack("<III", *masks)
    offset = 14 + len(info) + len(extra)
    size = offset + len(rows)
    return b"BM" + struct.pack("<IHHI", size, 0, 0, offset) + info + extra + rows


def test_a_32_bit_bmp_without_alpha_is_opaque():
    px = np.zeros((4, 4, 4), np.uint8)
    px[..., :3] = (50, 100, 200)  # B, G, R; the fourth byte is padding (0)
    data = _bmp32(px, (0xFF0000, 0xFF00, 0xFF))
    assert _read(data)[0, 0].tolist() == [200, 100, 50]  # was white


def _bmp_v4(pixels_bgra):
    """A 32-bit BMP with a BITMAPV4 header whose masks include alpha."""
    h, w = pixels_bgra.shape[:2]
    rows = pixels_bgra[::-1].tobytes()
    info = struct.pack("<IiiHHIIiiII", 108, w, h, 1, 32, 3, len(rows), 2835, 2835, 0, 0)
    info += struct.pack("<IIIII", 0xFF0000, 0xFF00, 0xFF, 0xFF000000, 0x73524742)
    info += bytes(48)  # colour-space endpoints and gammas
    offset = 14 + len(info)
    size = offset + len(rows)
    return b"BM" + struct.pack("<IHHI", size, 0, 0, offset) + info + rows


def test_a_bmp_with_alpha_keeps_it():
    px = np.zeros((4, 4, 4), np.uint8)
    px[:] = (50, 100, 200, 128)  # B, G, R, A
    data = _bmp_v4(px)
    assert (
        cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED).shape[2] == 4
    )
    assert _read(data)[0, 0].tolist() == [227, 177, 152]
    px[1:, :, 3] = 0  # mostly transparent, one opaque-ish row: still alpha
    assert _read(_bmp_v4(px))[1, 0].tolist() == [255, 255, 255]


# --- formats OpenCV does not decode ----------------------------------------
def _iso_bmff(brand):
    ftyp = b"ftyp" + brand + struct.pack(">I", 0) + b"mif1" + brand
    return struct.pack(">I", 4 + len(ftyp)) + ftyp + bytes(range(256)) * 12


@pytest.mark.parametrize("limit", ["default", None])
@pytest.mark.parametrize(
    "brand, says",
    [
        (b"heic", "HEIF/HEIC image .brand 'heic'"),
        (b"mif1", "HEIF/HEIC image"),
        (b"isom", "a video file"),
        (b"qt  ", "a video file"),
    ],
)
def test_heic_photos_and_videos_are_named(brand, says, limit, monkeypatch):
    # was advice to turn the pixel limit off, after which the file was
    # "not a decodable image"
    if limit is None:
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    with pytest.raises(ImageDecodeError, match=says) as info:
        _read(_iso_bmff(brand))
    assert "MAX_IMAGE_PIXELS" not in str(info.value)


def test_a_header_that_cannot_be_read_suggests_a_truncated_file():
    out = io.BytesIO()
    Image.fromarray(np.zeros((64, 64, 3), np.uint8)).save(out, "WEBP")
    cut = out.getvalue()[:12]  # the RIFF header only
    with pytest.raises(ImageDecodeError, match="truncated or corrupt"):
        _read(cut)


# --- limits from the environment -------------------------------------------
def test_the_environment_sets_the_pixel_limit(monkeypatch):
    img = _png(np.zeros((20, 30, 3), np.uint8))
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", "500")
    assert read_limits()[1] == 500
    with pytest.raises(ImageDecodeError, match="30 x 20 pixels.*SKMULTIMODAL_MAX"):
        _read(img)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # the variable wins
    with pytest.raises(ImageDecodeError, match="limit of 500 pixels"):
        _read(img)
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", "600")
    assert _read(img).shape == (20, 30, 3)
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", "None")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)
    assert read_limits()[1] is None
    assert _read(img).shape == (20, 30, 3)


def test_the_environment_sets_the_file_limit(monkeypatch, tmp_path):
    path = tmp_path / "a.png"
    path.write_bytes(_png(np.zeros((20, 30, 3), np.uint8)))
    monkeypatch.setenv("SKMULTIMODAL_MAX_FILE_BYTES", "10")
    with pytest.raises(ImageDecodeError, match="SKMULTIMODAL_MAX_FILE_BYTES"):
        _read(str(path))
    monkeypatch.setenv("SKMULTIMODAL_MAX_FILE_BYTES", "1_000_000")
    assert read_limits()[0] == 1_000_000
    assert _read(str(path)).shape == (20, 30, 3)


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5"])
def test_a_bad_value_in_the_environment_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", value)
    with pytest.raises(ValueError, match="environment variable SKMULTIMODAL_MAX_IMAGE"):
        read_limits()


def test_workers_get_the_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", "500")
    images = [_png(np.zeros((20, 30, 3), np.uint8))] * 4
    with pytest.warns(ImageWarning, match="limit of 500 pixels"):
        out = HOGFeatures(size=(16, 16), on_error="missing", n_jobs=2).fit_transform(
            images
        )
    assert np.isnan(out).all()
