"""Trial 15: the pixel limit is checked against the size OpenCV's decoder
will use. A TIFF directory that repeats a size tag is refused (libtiff uses
the first copy, other readers the last); a Radiance HDR header is read as
OpenCV reads it (lines of at most 127 bytes up to the first empty one, then
the size line with any whitespace), never searched for a size in its pixel
data. Every crafted file is small: a small limit is set instead."""

import io
import struct

import cv2
import numpy as np
import pytest
from PIL import Image

from skmultimodal.image import ImageDecodeError, ImageReader


@pytest.fixture
def limit(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)


def _reason(item):
    """Why the second of two items is unreadable (the first is fine)."""
    good = cv2.imencode(".png", np.zeros((2, 3, 3), np.uint8))[1].tobytes()
    with pytest.raises(ImageDecodeError) as info:
        ImageReader().fit_transform([good, item])
    assert "row 1" in str(info.value)
    return str(info.value)


def _tiff(sizes, order="<"):
    """An uncompressed 8-bit RGB TIFF (strip data of ``sizes``' first width
    and height) whose directory holds the ``(tag, type, count, value)``
    entries ``sizes`` for its width and height."""
    width = next(v for t, _, _, v in sizes if t == 256)
    height = next(v for t, _, _, v in sizes if t == 257)
    data = bytes(width * height * 3)
    entries = [*sizes, (258, 3, 3, 0), (259, 3, 1, 1), (262, 3, 1, 2)]
    entries += [(273, 4, 1, 0), (277, 3, 1, 3), (278, 4, 1, height)]
    entries += [(279, 4, 1, len(data))]
    bits = 8 + 2 + 12 * len(entries) + 4  # BitsPerSample's values, then data
    out = (b"II*\0" if order == "<" else b"MM\0*") + struct.pack(order + "I", 8)
    out += struct.pack(order + "H", len(entries))
    for tag, kind, count, value in entries:
        value = {258: bits, 273: bits + 6}.get(tag, value)
        field = struct.pack(order + ("H" if kind == 3 and count == 1 else "I"), value)
        out += struct.pack(order + "HHI", tag, kind, count) + field.ljust(4, b"\0")
    return out + b"\0" * 4 + struct.pack(order + "3H", 8, 8, 8) + data


# ------------------------------------------------------- TIFF: size tags
@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("kind", [3, 4])  # SHORT, LONG
@pytest.mark.parametrize("first", ["big", "small"])
def test_a_tiff_repeating_a_size_tag_is_refused(limit, order, kind, first):
    big, small = [(256, kind, 1, 50), (257, kind, 1, 40)], [(256, kind, 1, 1)]
    small += [(257, kind, 1, 1)]
    sizes = [big[0], small[0], big[1], small[1]]
    if first == "small":
        sizes = [small[0], big[0], small[1], big[1]]
    reason = _reason(_tiff(sizes, order))
    assert "holds its image width (tag 256) more than once" in reason
    assert "OpenCV's libtiff uses the first" in reason


def test_a_repeated_height_alone_is_refused(limit):
    sizes = [(256, 4, 1, 5), (257, 4, 1, 40), (257, 4, 1, 1)]
    assert "image height (tag 257) more than once" in _reason(_tiff(sizes))


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("kind", [3, 4])
def test_tiff_sizes_stored_as_short_or_long_are_checked(limit, order, kind):
    sizes = [(256, kind, 1, 50), (257, kind, 1, 40)]
    assert "declares 50 x 40 pixels" in _reason(_tiff(sizes, order))


@pytest.mark.parametrize(
    "width",
    [(256, 16, 1, 50), (256, 3, 2, 50), (256, 5, 1, 50), (256, 9, 1, 50)],
    ids=["LONG8 in a classic TIFF", "two SHORTs", "RATIONAL", "SLONG"],
)
def test_a_tiff_size_tag_of_another_type_is_refused_not_guessed(limit, width):
    reason = _reason(_tiff([width, (257, 4, 1, 1)]))
    assert "size cannot be read from its header" in reason


def _pages(*shapes):
    first, *rest = [Image.fromarray(np.zeros(s, np.uint8)) for s in shapes]
    buf = io.BytesIO()
    first.save(buf, "TIFF", save_all=True, append_images=rest)
    return buf.getvalue()


def test_of_a_multi_page_tiff_the_first_page_decoded_is_the_one_checked(limit):
    out = ImageReader().fit_transform([_pages((4, 5, 3), (40, 50, 3))])[0]
    assert out.shape == (4, 5, 3)
    assert "declares 50 x 40 pixels" in _reason(_pages((40, 50, 3), (4, 5, 3)))


# ------------------------------------------------------------- Radiance
_HEAD = b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n"
_DECOY = b"\n\n-Y 1 +X 1\n" + b"\x80" * 64  # a size planted in pixel data


@pytest.mark.parametrize(
    "size_line",
    [b"-Y  40 +X 50\n", b"-Y\t40 \t+X\t\t50\n", b"-Y40+X50\n", b"-Y +40 +X 50 x\n"],
)
def test_an_hdr_size_line_is_read_with_any_whitespace(limit, size_line):
    assert "declares 50 x 40 pixels" in _reason(_HEAD + b"\n" + size_line + _DECOY)


def test_an_hdr_header_line_is_read_in_127_byte_parts_as_opencv_does(limit):
    # OpenCV reads this 127-byte line, then its newline alone: the empty
    # line that ends the header, so the size is the next line, not the last
    data = _HEAD + b"A" * 127 + b"\n-Y 40 +X 50\n\n-Y 1 +X 1\n" + b"\x80" * 64
    assert "declares 50 x 40 pixels" in _reason(data)


@pytest.mark.parametrize(
    "after_header",
    [
        b"",  # no size line: the size planted in the pixel data is not used
        b"+Y 40 +X 50\n",  # an orientation OpenCV does not read
        b"-Y 4294967336 +X 50\n",  # OpenCV's C int wraps round to 40
        b"-Y -4294967256 +X 50\n",  # ... and this, too
        b"-Y 0 +X 50\n",
    ],
)
def test_an_hdr_without_a_valid_size_line_after_its_header_is_refused(
    limit, after_header
):
    data = _HEAD + b"\n" + after_header + _DECOY
    assert "size cannot be read from its header" in _reason(data)


def test_an_hdr_header_not_ending_in_its_first_64_kib_is_refused(limit):
    data = _HEAD + b"# a comment\n" * 6000 + b"\n-Y 4 +X 5\n" + b"\x80" * 80
    assert "size cannot be read from its header" in _reason(data)


# ------------------------------------------------- normal files still read
@pytest.mark.parametrize("ext", [".hdr", ".tif"])
@pytest.mark.parametrize("shape", [(5, 4, 3), (6, 16, 3)])  # 16 wide: HDR RLE
def test_files_written_by_opencv_are_read_and_checked(monkeypatch, ext, shape):
    rgb = np.random.default_rng(0).random(shape).astype(np.float32)
    # a TIFF uncompressed: OpenCV before 4.13 writes a float one lossily
    params = [cv2.IMWRITE_TIFF_COMPRESSION, 1] if ext == ".tif" else []
    data = cv2.imencode(ext, rgb, params)[1].tobytes()
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", shape[0] * shape[1])
    out = ImageReader().fit_transform([data])[0]
    np.testing.assert_allclose(out, rgb[..., ::-1], atol=0.02)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", shape[0] * shape[1] - 1)
    assert f"declares {shape[1]} x {shape[0]} pixels" in _reason(data)
