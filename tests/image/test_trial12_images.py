"""Trial 12: sizes read from more headers (bombs refused, unknown sizes not
decoded), data after a complete PNG/JPEG, gray tRNS, Otsu on a flat image,
ImageFeatures after set_params, the column name, warnings at the user's line,
iterators refused, byte order. Every file is small: a "bomb" only declares
its size."""

import io
import struct
import warnings
import zlib

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from skmultimodal.image import (
    Binarize,
    HOGFeatures,
    ImageDecodeError,
    ImageFeatures,
    ImageFeatureUnion,
    ImageReader,
    ImageWarning,
    PixelFeatures,
    Resize,
)


def _jpeg(shape=(16, 16, 3), seed=0):
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8)).save(buf, "JPEG")
    return buf.getvalue()


def _png(pix, **save):
    buf = io.BytesIO()
    Image.fromarray(pix).save(buf, "PNG", **save)
    return buf.getvalue()


def _reason(item, est=None):
    """The reason an item is unreadable, from the error."""
    with pytest.raises(ImageDecodeError) as info:
        (est or ImageReader()).fit_transform([item])
    return str(info.value)


def _with_size(jpeg, width, height):
    """The JPEG with its frame header declaring another size (not decoded)."""
    data = bytearray(jpeg)
    k = data.index(b"\xff\xc0")
    data[k + 5 : k + 9] = struct.pack(">HH", height, width)
    return bytes(data)


# ------------------------------------------------------------- 1: bombs
def test_a_radiance_file_declaring_too_many_pixels_is_refused_unread(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # small, as the file
    path = tmp_path / "bomb.hdr"
    path.write_bytes(
        b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 50 +X 70\n" + b"\x80" * 64
    )
    assert "declares 70 x 50 pixels" in _reason(str(path), HOGFeatures())


def test_data_whose_size_cannot_be_read_is_not_decoded_under_the_limit(
    tmp_path, monkeypatch
):
    path = tmp_path / "nosize.hdr"  # a Radiance header without a resolution line
    path.write_bytes(b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n" + b"\x80" * 64)
    assert "size cannot be read from its header" in _reason(str(path))
    assert "not a decodable image" in _reason(b"certainly not an image")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # no check: decoded
    assert "not a decodable image" in _reason(str(path))


def _tiff(width, height, sample_format=None):
    """A little-endian TIFF whose first directory declares the size."""
    entries = [(256, 4, 1, width), (257, 4, 1, height)]
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHII", *e) for e in entries
    )
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x00" * 4


def test_a_tiff_size_is_read_from_its_directory(monkeypatch):
    assert "declares 100000 x 90000 pixels" in _reason(_tiff(100000, 90000))
    # a float RGB TIFF, which Pillow does not parse, is read under the limit
    import cv2

    rgb = np.random.default_rng(0).random((5, 7, 3)).astype(np.float32)
    # uncompressed: OpenCV before 4.13 writes a float TIFF lossily otherwise
    ok, buf = cv2.imencode(".tif", rgb, [cv2.IMWRITE_TIFF_COMPRESSION, 1])
    out = ImageReader().fit_transform([buf.tobytes()])[0]
    np.testing.assert_allclose(out, rgb[..., ::-1], atol=1e-6)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 30)
    assert "declares 7 x 5 pixels" in _reason(buf.tobytes())


@pytest.mark.parametrize(
    "header, size",
    [
        (b"PF\n70 50\n-1.0\n", "70 x 50"),
        (b"P7\nWIDTH 70\nHEIGHT 50\nDEPTH 3\nMAXVAL 255\nENDHDR\n", "70 x 50"),
    ],
)
def test_pfm_and_pam_sizes_are_read(header, size, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    assert f"declares {size} pixels" in _reason(header + b"\x00" * 16)


# ----------------------------------------------- 2: stray bytes in a JPEG
def test_stray_bytes_between_jpeg_segments_do_not_hide_the_size(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    jpeg = _with_size(_jpeg(), 100, 100)
    pos = 4 + int.from_bytes(jpeg[4:6], "big")  # just after the APP0 segment
    stray = jpeg[:pos] + b"\x00\x00" + jpeg[pos:]
    assert "declares 100 x 100 pixels" in _reason(stray)
    # a JPEG whose scan comes before any frame header has no size: refused
    k = jpeg.index(b"\xff\xc0")
    no_frame = jpeg[:k] + b"\xff\xda\x00\x02" + jpeg[k:]
    assert "size cannot be read from its header" in _reason(no_frame)


# --------------------------------------- 3: data after a complete image
@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_data_after_a_complete_image_is_allowed(kind):
    rgb = np.random.default_rng(1).integers(0, 256, (40, 60, 3), dtype=np.uint8)
    data = _png(rgb) if kind == "png" else _jpeg((40, 60, 3))
    plain = ImageReader().fit_transform([data])[0]
    trailer = b"\x00" * 200 + b"ftypmp42 a video with \xff\xd9 and IEND inside" * 3
    out = ImageReader().fit_transform([data + trailer, data + b"\x00" * 200])
    np.testing.assert_array_equal(out[0], plain)
    np.testing.assert_array_equal(out[1], plain)


def test_a_cut_jpeg_is_truncated_even_with_an_end_marker_in_its_metadata():
    jpeg = _jpeg((64, 64, 3))
    thumbnail = b"Exif\x00\x00\xff\xd8 a thumbnail \xff\xd9"
    app1 = b"\xff\xe1" + struct.pack(">H", 2 + len(thumbnail)) + thumbnail
    with_exif = jpeg[:2] + app1 + jpeg[2:]
    assert ImageReader().fit_transform([with_exif])[0].shape == (64, 64, 3)
    cut = with_exif[: len(with_exif) * 2 // 3]
    assert "truncated JPEG data" in _reason(cut)


def test_a_cut_png_is_still_truncated():
    png = _png(np.random.default_rng(2).integers(0, 256, (40, 60), dtype=np.uint8))
    assert "truncated PNG data" in _reason(png[: len(png) // 2])


# ------------------------------------------------------ 6: gray tRNS
def test_a_gray_png_transparent_colour_is_composited_on_white(tmp_path):
    pix = np.array([[0, 30, 200]], np.uint8)
    out = ImageReader().fit_transform([_png(pix, transparency=30)])[0]
    assert out.tolist() == [[0, 255, 200]]
    deep = np.array([[0, 300, 65535]], np.uint16)
    out = ImageReader().fit_transform([_png(deep, transparency=0)])[0]
    assert out.tolist() == [[255, 1, 255]]


def test_a_gray_png_trns_chunk_after_other_chunks_is_found():
    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    png = _png(np.array([[0, 30, 200]], np.uint8))
    text = chunk(b"tEXt", b"Comment\x00hello")
    trns = chunk(b"tRNS", struct.pack(">H", 200))
    png = png[:33] + text + trns + png[33:]
    assert ImageReader().fit_transform([png])[0].tolist() == [[0, 30, 255]]


# -------------------------------------------------- 7: Otsu, flat image
@pytest.mark.parametrize("value", [0, 3, 100, 255])
def test_otsu_on_a_constant_image_gives_skimages_split(value):
    from skimage.filters import threshold_otsu

    flat = np.full((4, 4), value, np.uint8)
    expected = np.where(flat > threshold_otsu(flat), 255, 0)
    out = Binarize(threshold="otsu").fit_transform([flat, flat / np.float32(255)])
    np.testing.assert_array_equal(out[0], expected)
    np.testing.assert_array_equal(out[1], expected)


# ------------------------------------------ 8: ImageFeatures set_params
def test_image_features_uses_parameters_changed_after_fit():
    imgs = [np.random.default_rng(3).integers(0, 256, (12, 12, 3), dtype=np.uint8)]
    est = ImageFeatures("hog").fit(imgs)
    est.set_params(method="pixels")
    with pytest.raises(ValueError, match="method changed since fit.*refit"):
        est.transform(imgs)

    est = ImageFeatures("hog").fit(imgs)
    est.set_params(method_params={"on_error": "missing"})
    with pytest.warns(ImageWarning):
        assert np.isnan(est.transform([None])).all()

    est = ImageFeatures(HOGFeatures()).fit(imgs)
    est.set_params(method__on_error="missing")
    with pytest.warns(ImageWarning):
        assert np.isnan(est.transform([None])).all()
    assert est.extractor_.on_error == "raise"  # the fitted one is left as is

    est = ImageFeatures("pixels", method_params={"size": (4, 4)}).fit(imgs)
    est.set_params(method_params={"size": (4, 4), "interpolation": "nearest"})
    np.testing.assert_array_equal(
        est.transform(imgs),
        PixelFeatures(size=(4, 4), interpolation="nearest").fit_transform(imgs),
    )
    est.set_params(method_params={"size": (5, 5)})
    with pytest.raises(ValueError, match="size changed since fit.*refit"):
        est.transform(imgs)


def test_a_union_uses_an_image_features_member_changed_after_fit():
    imgs = [np.random.default_rng(4).integers(0, 256, (12, 12, 3), dtype=np.uint8)]
    member = ImageFeatures("pixels", method_params={"size": (4, 4)})
    union = ImageFeatureUnion([("p", member)]).fit(imgs)
    union.set_params(p__method_params={"size": (4, 4), "interpolation": "nearest"})
    expected = PixelFeatures(size=(4, 4), interpolation="nearest").fit_transform(imgs)
    np.testing.assert_array_equal(union.transform(imgs), expected)
    union.set_params(p__method="hog")
    with pytest.raises(ValueError, match="refit"):
        union.transform(imgs)


# ------------------------------------------------ 9: the column name
@pytest.mark.parametrize(
    "est",
    [
        ImageReader(),
        Resize(size=(4, 4)),
        PixelFeatures(),
        HOGFeatures(),
        ImageFeatureUnion([("p", PixelFeatures())]),
        ImageFeatures("pixels"),
    ],
    ids=lambda est: type(est).__name__,
)
def test_the_column_name_is_recorded_and_checked(est):
    X = pd.DataFrame({"photo": [np.zeros((8, 8, 3), np.uint8)] * 2})
    est.fit(X)
    assert est.n_features_in_ == 1
    assert list(est.feature_names_in_) == ["photo"]
    est.transform(X)
    with pytest.raises(ValueError, match="feature names should match"):
        est.transform(X.rename(columns={"photo": "other"}))
    est.fit(list(X["photo"]))
    assert est.n_features_in_ == 1 and not hasattr(est, "feature_names_in_")


# --------------------------------------- 10: warnings at the user's line
def test_image_warnings_point_at_the_callers_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        HOGFeatures(on_error="missing").fit_transform([None])
        ImageReader(on_error="blank").fit_transform([None])
        ImageFeatureUnion([("p", PixelFeatures())], on_error="missing").fit_transform(
            [None]
        )
    image = [w for w in caught if issubclass(w.category, ImageWarning)]
    assert len(image) == 3
    assert all(w.filename == __file__ for w in image), [w.filename for w in image]


# ---------------------------------------------------- 11: iterators
@pytest.mark.parametrize("est", [ImageReader(), PixelFeatures()])
def test_a_generator_is_refused_naming_its_type(est):
    images = [np.zeros((8, 8, 3), np.uint8)] * 2
    with pytest.raises(ValueError, match="got a generator.*list"):
        est.fit_transform(x for x in images)
    with pytest.raises(ValueError, match="got a set"):
        est.fit_transform({b"a", b"b"})


# ---------------------------------------------------- 12: byte order
def test_a_big_endian_array_is_read_as_its_values():
    img = np.full((4, 4), 65535, dtype=">u2")
    img[0, 0] = 257
    before = img.copy()
    out = ImageReader().fit_transform([img])[0]
    np.testing.assert_array_equal(
        out, ImageReader().fit_transform([img.astype(np.uint16)])[0]
    )
    assert out[0, 0] == 1 and out[1, 1] == 255
    np.testing.assert_array_equal(img, before)
    assert img.dtype == np.dtype(">u2")
    feats = PixelFeatures(size=(2, 2)).fit_transform([np.full((4, 4), 1.0, ">f4")])
    assert feats.tolist() == [[1.0, 1.0, 1.0, 1.0]]
