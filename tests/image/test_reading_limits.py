"""Reading limits and messages: only regular files, a byte and a pixel cap
checked before decoding, HDR files, URLs, OpenCV's log, multi-frame files."""

import io
import os
import struct
import threading

import cv2
import numpy as np
import pandas as pd
import pytest
from joblib import parallel_backend
from PIL import Image

import skmultimodal.image
from skmultimodal.image import (
    ColorHistogram,
    HOGFeatures,
    ImageDecodeError,
    ImageFeatureUnion,
    ImageReader,
    ImageWarning,
    PixelFeatures,
)


def _encode(ext, rgb):
    ok, buf = cv2.imencode(ext, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    return buf.tobytes()


@pytest.fixture
def rgb():
    # 150 rows, 200 columns: 30,000 pixels
    rng = np.random.default_rng(1)
    return rng.integers(0, 256, (150, 200, 3), dtype=np.uint8)


@pytest.fixture
def small():
    return np.full((6, 5, 3), 40, np.uint8)


def _write(path, data):
    path.write_bytes(data)
    return str(path)


def _reason_of_missing_row(X, row=1):
    """Read ``X`` with an extractor under ``on_error="missing"``: the row is
    all NaN, the others are not; the warning's text is returned."""
    with pytest.warns(ImageWarning) as record:
        Z = PixelFeatures(size=(2, 2), on_error="missing").fit_transform(X)
    assert len(record) == 1
    assert np.isnan(Z[row]).all()
    assert not np.isnan(np.delete(Z, row, axis=0)).any()
    return str(record[0].message)


# ------------------------------------------------ only regular files are read
def _in_thread(func, timeout=20):
    """``func()`` in a daemon thread: ``(finished, result or exception)``."""
    out = {}

    def target():
        try:
            out["value"] = func()
        except BaseException as exc:  # handed to the test
            out["value"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    return not thread.is_alive(), out.get("value")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes (os.mkfifo)")
@pytest.mark.parametrize("make", [ImageReader, HOGFeatures, ColorHistogram])
def test_a_pipe_is_refused_at_once_not_waited_on(tmp_path, small, make):
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    X = [small, str(fifo)]
    done, result = _in_thread(lambda: make().fit_transform(X))
    if not done:  # let the blocked reader go before failing
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail(f"{make.__name__} blocked on a named pipe")
    assert isinstance(result, ImageDecodeError)
    message = str(result)
    assert "row 1" in message and str(fifo) in message
    assert "not a regular file (a pipe)" in message
    # "missing": a missing row, the reason in the warning
    done, result = _in_thread(lambda: _reason_of_missing_row(X))
    assert done and isinstance(result, str), result
    assert "row 1" in result and "not a regular file (a pipe)" in result


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_device_is_refused_before_reading(small):
    with pytest.raises(ImageDecodeError, match="not a regular file") as info:
        ImageReader().fit_transform([small, "/dev/zero"])
    assert "row 1" in str(info.value) and "'/dev/zero'" in str(info.value)
    reason = _reason_of_missing_row([small, "/dev/zero", small])
    assert "row 1" in reason and "not a regular file (a device)" in reason


def test_a_directory_is_named_as_such(tmp_path, small):
    with pytest.raises(ImageDecodeError, match=r"not a regular file \(a directory\)"):
        ImageReader().fit_transform([small, str(tmp_path)])


def test_a_file_over_the_byte_cap_is_refused_unread(tmp_path, small):
    # a sparse file one byte over the default cap: refused from its size
    big = tmp_path / "big.png"
    with open(big, "wb") as f:
        f.truncate(skmultimodal.image.MAX_FILE_BYTES + 1)
    with pytest.raises(ImageDecodeError, match="file too large") as info:
        ImageReader().fit_transform([small, str(big)])
    message = str(info.value)
    assert "row 1" in message and str(big) in message
    assert f"{skmultimodal.image.MAX_FILE_BYTES:,} bytes" in message
    assert "MAX_FILE_BYTES" in message
    reason = _reason_of_missing_row([small, str(big)])
    assert "row 1" in reason and "file too large" in reason


def test_the_byte_cap_is_read_when_reading(tmp_path, monkeypatch, rgb, small):
    path = _write(tmp_path / "a.png", _encode(".png", rgb))
    size = os.path.getsize(path)
    monkeypatch.setattr(skmultimodal.image, "MAX_FILE_BYTES", size - 1)
    with pytest.raises(ImageDecodeError, match=f"file too large \\({size:,} bytes"):
        ImageReader().fit_transform([small, path])
    for limit in (size, None):  # at the cap, or no cap: read
        monkeypatch.setattr(skmultimodal.image, "MAX_FILE_BYTES", limit)
        np.testing.assert_array_equal(ImageReader().fit_transform([path])[0], rgb)
    # encoded bytes are already in memory: no byte cap
    monkeypatch.setattr(skmultimodal.image, "MAX_FILE_BYTES", 1)
    data = _encode(".png", rgb)
    np.testing.assert_array_equal(ImageReader().fit_transform([data])[0], rgb)


@pytest.mark.parametrize("value", [-1, 0, 1.5, "big", True])
def test_a_bad_cap_is_a_clear_error(monkeypatch, small, value):
    monkeypatch.setattr(skmultimodal.image, "MAX_FILE_BYTES", value)
    with pytest.raises(ValueError, match="skmultimodal.image.MAX_FILE_BYTES must be"):
        ImageReader().fit_transform([small])
    monkeypatch.setattr(skmultimodal.image, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", value)
    with pytest.raises(ValueError, match="PIL.Image.MAX_IMAGE_PIXELS must be"):
        HOGFeatures().fit_transform([small])


# ----------------------------------------------------- decompression bombs
def _png_declaring(width, height):
    """A small 8-bit gray PNG that declares ``width`` x ``height`` pixels
    (a few rows of image data only)."""
    import zlib

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (width + 1) * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", rows)
        + chunk(b"IEND", b"")
    )


def test_a_huge_declared_png_is_refused_from_its_header(tmp_path, small):
    path = _write(tmp_path / "bomb.png", _png_declaring(100_000, 100_000))
    assert os.path.getsize(path) < 100_000
    with pytest.raises(ImageDecodeError) as info:
        HOGFeatures().fit_transform([small, path])
    message = str(info.value)
    assert "row 1" in message and path in message
    assert "100000 x 100000" in message and "10,000,000,000 pixels" in message
    assert f"limit of {Image.MAX_IMAGE_PIXELS:,} pixels" in message
    assert "CV_IO_MAX_IMAGE_PIXELS" not in message


def test_with_no_limit_opencvs_own_refusal_is_explained(tmp_path, monkeypatch, small):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    path = _write(tmp_path / "bomb.png", _png_declaring(100_000, 100_000))
    with pytest.raises(ImageDecodeError) as info:
        ImageReader().fit_transform([small, path])
    message = str(info.value)
    assert "row 1" in message
    assert "declares more pixels than OpenCV decodes" in message


def _jpeg_with_exif_size(rgb, payload_size):
    """A JPEG of ``rgb`` with an APP1 (EXIF) segment first, holding a
    start-of-frame of an 8 x 8 thumbnail, padded to ``payload_size``."""
    data = _encode(".jpg", rgb)
    fake_sof = b"\xff\xc0\x00\x11\x08\x00\x08\x00\x08\x03" + bytes(9)
    payload = b"Exif\0\0" + fake_sof
    payload += bytes(payload_size - len(payload))
    app1 = b"\xff\xe1" + struct.pack(">H", 2 + len(payload)) + payload
    return data[:2] + app1 + data[2:]


ENCODED = {
    "png": lambda rgb: _encode(".png", rgb),
    "jpeg": lambda rgb: _encode(".jpg", rgb),
    "jpeg, thumbnail first": lambda rgb: _jpeg_with_exif_size(rgb, 100),
    "jpeg, frame past a long segment": lambda rgb: _jpeg_with_exif_size(rgb, 5000),
    "bmp": lambda rgb: _encode(".bmp", rgb),
    "tiff": lambda rgb: _encode(".tiff", rgb),
    "webp": lambda rgb: _encode(".webp", rgb),
}


@pytest.mark.parametrize("kind", list(ENCODED))
def test_the_pixel_cap_is_pillows_read_when_reading(
    tmp_path, monkeypatch, rgb, small, kind
):
    data = ENCODED[kind](rgb)
    path = _write(tmp_path / "image", data)
    expected = ImageReader().fit_transform([path])[0]  # readable as such
    assert expected.shape[:2] == (150, 200)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 200 * 150 - 1)
    for item in (path, data):
        with pytest.raises(ImageDecodeError) as info:
            ImageReader().fit_transform([small, item])
        message = str(info.value)
        assert "row 1" in message
        assert "declares 200 x 150 pixels" in message
        assert "limit of 29,999 pixels" in message
        assert "PIL.Image.MAX_IMAGE_PIXELS" in message
    reason = _reason_of_missing_row([small, path])
    assert "row 1" in reason and "declares 200 x 150 pixels" in reason
    # the same image as an array: no cap
    out = ImageReader().fit_transform([expected])[0]
    np.testing.assert_array_equal(out, expected)
    # at the cap, or no cap at all: read
    for limit in (200 * 150, None):
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)
        np.testing.assert_array_equal(ImageReader().fit_transform([path])[0], expected)


def test_pillows_refusal_of_a_far_larger_image_names_the_row(
    tmp_path, monkeypatch, rgb, small
):
    # over twice Pillow's limit Pillow itself refuses to give the size
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    path = _write(tmp_path / "a.bmp", _encode(".bmp", rgb))
    with pytest.raises(ImageDecodeError, match="limit of 1,000 pixels") as info:
        ImageReader().fit_transform([small, path])
    message = str(info.value)
    assert "row 1" in message and "declares 200 x 150 pixels" in message
    assert "2000" not in message  # Pillow's own figure (twice its limit) is not
    assert Image.MAX_IMAGE_PIXELS == 1000  # lifted only to read the size


@pytest.mark.parametrize("ext", [".bmp", ".webp"])
def test_a_limit_raised_above_pillows_reads_a_far_larger_image(
    tmp_path, monkeypatch, rgb, small, ext
):
    # SKMULTIMODAL_MAX_IMAGE_PIXELS over twice Pillow's limit (in a worker,
    # the caller's Pillow limit over the worker's): the size Pillow refuses
    # to give is read with its check off, and ours applies to it
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    path = _write(tmp_path / f"a{ext}", _encode(ext, rgb))
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", "30000")
    out = ImageReader().fit_transform([small, path])
    assert out[1].shape == (150, 200, 3)
    assert Image.MAX_IMAGE_PIXELS == 1000
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", "29999")
    with pytest.raises(ImageDecodeError, match="declares 200 x 150 pixels.*29,999"):
        ImageReader().fit_transform([small, path])


def test_a_bad_limit_in_the_environment_names_its_spelling(monkeypatch, small):
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", "abc")
    with pytest.raises(ValueError, match="positive integer or none .no limit"):
        ImageReader().fit_transform([small])


@pytest.mark.parametrize(
    "backend", [pytest.param("loky", marks=pytest.mark.slow), "threading"]
)
def test_the_callers_limits_apply_in_the_workers(
    tmp_path, monkeypatch, rgb, small, backend
):
    paths = [_write(tmp_path / f"{k}.png", _encode(".png", small)) for k in range(3)]
    big = _write(tmp_path / "big.png", _encode(".png", rgb))
    X = [*paths, big, paths[0]]
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with parallel_backend(backend):
        with pytest.warns(ImageWarning, match="row 3.*declares 200 x 150"):
            Z = HOGFeatures(size=(16, 16), n_jobs=2, on_error="missing").fit_transform(
                X
            )
        assert np.isnan(Z[3]).all() and not np.isnan(Z[[0, 1, 2, 4]]).any()
        union = ImageFeatureUnion([("pixels", PixelFeatures(size=(2, 2)))], n_jobs=2)
        with pytest.raises(ImageDecodeError, match="row 3.*declares 200 x 150"):
            union.fit_transform(X)
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
        monkeypatch.setattr(skmultimodal.image, "MAX_FILE_BYTES", 100)
        with pytest.raises(ImageDecodeError, match="row 3.*file too large"):
            ImageReader(n_jobs=2).fit_transform(X)
        monkeypatch.setattr(skmultimodal.image, "MAX_FILE_BYTES", None)
        out = ImageReader(n_jobs=2).fit_transform(X)  # raised in the caller
        np.testing.assert_array_equal(out[3], rgb)


# ----------------------------------------------------- messages for files
@pytest.mark.parametrize("ext", [".hdr", ".pfm"])
def test_an_hdr_file_is_named_as_such(tmp_path, ext, small):
    rng = np.random.default_rng(2)
    hdr = (rng.random((8, 8, 3)) * 5).astype(np.float32)
    ok, buf = cv2.imencode(ext, hdr)
    assert ok
    path = _write(tmp_path / f"a{ext}", buf.tobytes())
    for item in (path, buf.tobytes()):
        with pytest.raises(ImageDecodeError) as info:
            ImageReader().fit_transform([small, item])
        message = str(info.value)
        assert "row 1" in message
        assert "decodes to float values" in message and "outside [0, 1]" in message
        assert "high-dynamic-range" in message and "8 or 16 bits" in message
        assert "divide 8-bit data by 255" not in message
    # an array keeps the advice for arrays
    with pytest.raises(ImageDecodeError, match="divide 8-bit data by 255"):
        ImageReader().fit_transform([small, hdr])


def _cut_png_keeping_iend(rgb):
    data = _encode(".png", rgb)
    return data[:200] + data[-12:]  # the start, then the IEND chunk


def test_a_cut_png_ending_in_iend_is_called_truncated_and_opencv_is_quiet(
    tmp_path, capfd, rgb, small
):
    from skmultimodal.image._io import _opencv_log_level_api

    # cv2.utils.logging (OpenCV 4.13+) or cv2.getLogLevel/setLogLevel before
    get_level, set_level, _ = _opencv_log_level_api()
    info = 4  # LOG_LEVEL_INFO in both
    level = get_level()
    set_level(info)
    try:
        path = _write(tmp_path / "cut.png", _cut_png_keeping_iend(rgb))
        with pytest.raises(ImageDecodeError, match="row 1.*truncated PNG data"):
            ImageReader().fit_transform([small, path])
        reason = _reason_of_missing_row([small, path])
        assert "truncated PNG data" in reason
        with pytest.warns(ImageWarning, match="truncated PNG data"):
            ImageFeatureUnion(
                [("hog", HOGFeatures())], on_error="missing"
            ).fit_transform([small, path])
        err = capfd.readouterr().err
        assert "grfmt" not in err and "WARN" not in err, err
        # the user's level is back
        assert get_level() == info
    finally:
        set_level(level)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/a.jpg",
        "ftp://example.org/a.png",
        "s3://bucket/key.png",
        "gs://bucket/key.png",
    ],
)
def test_a_url_is_not_read_and_says_so(small, url):
    with pytest.raises(ImageDecodeError) as info:
        ImageReader().fit_transform(pd.Series([small, url], index=["a", "b"]))
    message = str(info.value)
    assert "row 1 (index 'b')" in message and url in message
    assert "URLs are not read: download the image first" in message
    assert "file not found" not in message
    reason = _reason_of_missing_row([small, url])
    assert "URLs are not read" in reason


# ----------------------------------------------------- multi-frame files
def _frames():
    return [np.full((10, 12, 3), c, np.uint8) for c in (30, 140, 250)]


def _multi_frame(fmt):
    buffer = io.BytesIO()
    first, *rest = [Image.fromarray(f) for f in _frames()]
    first.save(buffer, format=fmt, save_all=True, append_images=rest)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["GIF", "TIFF"])
def test_of_a_multi_frame_file_the_first_frame_is_read(tmp_path, fmt):
    data = _multi_frame(fmt)
    with Image.open(io.BytesIO(data)) as im:
        assert im.n_frames == 3  # the file does hold three frames
    path = _write(tmp_path / f"a.{fmt.lower()}", data)
    for item in (path, data):
        out = ImageReader().fit_transform([item])[0]
        np.testing.assert_array_equal(out, _frames()[0])
