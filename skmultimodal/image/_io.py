"""Reading one image item (path, encoded bytes or array) into a canonical array.

Canonical images are ``uint8`` or ``float32`` (values in [0, 1]) arrays of
shape ``(H, W)`` (gray) or ``(H, W, 3)`` (RGB). Alpha is composited on white
(gray + alpha stays gray), 16-bit data is scaled to ``uint8``, decoded BGR
data is turned into RGB and a decoded image is turned upright by its EXIF
orientation.
"""

from __future__ import annotations

import contextlib
import errno
import io
import numbers
import os
import re
import stat
import struct
import threading
import warnings
from collections.abc import Iterator, Mapping, Set

import cv2
import numpy as np

from skmultimodal.utils import as_column, describe_failures, describe_row, is_missing
from skmultimodal.utils._errors import RowError
from skmultimodal.utils._parallel import (
    InOrderErrors,
    chunk_spans,
    in_order,
    warn_at_caller,
)
from skmultimodal.utils._validation import type_name

__all__ = [
    "ImageDecodeError",
    "ImageWarning",
    "resize_image",
    "to_float",
    "to_gray",
    "to_rgb",
    "to_uint8",
]


class ImageDecodeError(RowError):
    """An image item could not be read: the message names the row, the
    source (path, bytes or array) and what was wrong. A ``ValueError``."""


class ImageWarning(UserWarning):
    """Bad image items were replaced by a blank image (``on_error="blank"``)
    or left as missing rows of NaN (``on_error="missing"``): the message
    names the rows (positions in the input) and what was wrong."""


class _ItemError(Exception):
    """Internal: what was wrong with one item (row added by the caller)."""

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail


class _Failed:
    """Internal: an unreadable item's stand-in result (computed from a blank
    image, or None for a missing row), its position and the reason."""

    __slots__ = ("index", "message", "value")

    def __init__(self, value, index, message):
        self.value = value
        self.index = index
        self.message = message


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
# JPEG start-of-frame markers (the frame header holds the image size): every
# SOFn but DHT (C4), JPG (C8) and DAC (CC).
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Bytes read at once from the start of encoded data to check its header
# (as fast to copy as a few bytes), and PNG's width and height in IHDR.
_HEAD_BYTES = 512
_PNG_SIZE = struct.Struct(">II")
# A path that is a URL ("https://...", "s3://..."; two letters at least, so
# a Windows drive is not one).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")
# A blank image is white, the colour transparent pixels are composited on.
BLANK = np.full((1, 1, 3), 255, dtype=np.uint8)
BLANK.setflags(write=False)


def describe_source(item) -> str:
    """A short description of an item for error messages."""
    if isinstance(item, (str, os.PathLike)):
        try:
            return f"path {os.fspath(item)!r}"
        except Exception:  # a broken __fspath__: described by its repr below
            pass
    if isinstance(item, (bytes, bytearray, memoryview)):
        return f"{len(item)} bytes"
    if isinstance(item, np.ndarray):
        return f"array of shape {item.shape} and dtype {item.dtype}"
    text = repr(item)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"value {text} of type {type_name(item)}"


# ------------------------------------------------------------------ limits
def read_limits():
    """``(max_bytes, max_pixels, folder)``: the reading settings in force
    now, read in the calling process (the callables shipped to the workers
    carry them).

    ``max_bytes`` is :data:`skmultimodal.image.MAX_FILE_BYTES`, the largest
    image file read; ``max_pixels`` is Pillow's decompression-bomb limit
    ``PIL.Image.MAX_IMAGE_PIXELS``, the most pixels an encoded image may
    declare. None means no limit. The environment variables
    ``SKMULTIMODAL_MAX_FILE_BYTES`` and ``SKMULTIMODAL_MAX_IMAGE_PIXELS``
    (a positive integer, or ``none``), when set, take their place: the
    command line's way to change them. ``folder`` is the current working folder,
    against which relative paths are read (False if it was removed: then
    none is read): joblib reuses its worker processes from call to call,
    and a worker stays in the folder it started in whatever ``os.chdir``
    (or a notebook's ``%cd``) the caller did since.
    """
    from PIL import Image

    from skmultimodal import image

    limits = []
    for name, value, variable in (
        ("skmultimodal.image.MAX_FILE_BYTES", image.MAX_FILE_BYTES, _FILE_BYTES_ENV),
        ("PIL.Image.MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS, _IMAGE_PIXELS_ENV),
    ):
        text = os.environ.get(variable, "").strip()
        none = "None"
        if text:
            name, none = f"the environment variable {variable}", "none"
            value = None if text.lower() == "none" else _int_or_text(text)
        if value is not None and (
            not isinstance(value, numbers.Integral)
            or isinstance(value, bool)
            or value < 1
        ):
            raise ValueError(
                f"{name} must be a positive integer or {none} (no limit), got "
                f"{value!r}."
            )
        limits.append(value)
    max_bytes, max_pixels = limits
    try:
        folder = os.getcwd()
    except OSError:  # the folder was removed: no relative path is read
        folder = False
    return (
        None if max_bytes is None else int(max_bytes),
        None if max_pixels is None else int(max_pixels),
        folder,
    )


_FILE_BYTES_ENV = "SKMULTIMODAL_MAX_FILE_BYTES"
_IMAGE_PIXELS_ENV = "SKMULTIMODAL_MAX_IMAGE_PIXELS"


def _int_or_text(text):
    """``int(text)`` (digits, ``_`` allowed), or ``text`` itself to be refused."""
    try:
        return int(text)
    except ValueError:
        return text


# OpenCV's log level is one setting for the whole process: while at least one
# reader is active it is silent (the decoders' warnings, e.g. on incomplete
# data, would go to stderr), and the level found is restored when the last
# one is done.
_QUIET_LOCK = threading.Lock()
_quiet_depth = 0
_saved_log_level = None


def _opencv_log_level_api():
    """``(getLogLevel, setLogLevel, LOG_LEVEL_SILENT)`` of this OpenCV:
    ``cv2.utils.logging``'s from 4.13, before it the top-level
    ``cv2.getLogLevel``/``cv2.setLogLevel`` (the same levels, 0 is silent)."""
    logging = getattr(cv2.utils, "logging", None)
    if logging is not None:
        return logging.getLogLevel, logging.setLogLevel, logging.LOG_LEVEL_SILENT
    return cv2.getLogLevel, cv2.setLogLevel, 0


class _QuietOpenCV:
    """Context manager: OpenCV's logging off inside, the user's level
    restored after (re-entrant, from any thread)."""

    def __enter__(self):
        global _quiet_depth, _saved_log_level
        with _QUIET_LOCK:
            if _quiet_depth == 0:
                get_level, set_level, silent = _opencv_log_level_api()
                _saved_log_level = get_level()
                set_level(silent)
            _quiet_depth += 1

    def __exit__(self, *exc):
        global _quiet_depth
        with _QUIET_LOCK:
            _quiet_depth -= 1
            if _quiet_depth == 0:
                _opencv_log_level_api()[1](_saved_log_level)


quiet_opencv = _QuietOpenCV()


class _Quietly:
    """``func`` run with OpenCV's logging off: one switch per chunk of work
    in a worker, rather than one per image."""

    def __init__(self, func):
        self.func = func

    def __call__(self, *args):
        with quiet_opencv:
            return self.func(*args)


# ------------------------------------------------------------------ decoding
def _jpeg_layout(buf, head):
    """``(size, scan)``: ``(width, height)`` from a JPEG's frame header (or
    None) and the position of its first start-of-scan marker (or None).

    Walks the marker segments by their lengths: the entropy-coded data is
    never scanned (and a size inside an EXIF thumbnail, in an APP1 segment,
    is skipped). Stray bytes between segments are skipped up to the next
    0xFF, as libjpeg does (with a warning). ``head`` holds the first bytes
    of ``buf``; the walk reads further bytes only past them.
    """
    n = buf.size
    base, data = 0, head  # data == buf[base : base + len(data)]
    last = len(data) - 9  # the last index of data with a whole frame header
    pos, size = 2, None
    while True:
        i = pos - base
        if i > last:
            if pos + 9 > n:
                return size, None
            base, data = pos, buf[pos : pos + _HEAD_BYTES].tobytes()
            i, last = 0, len(data) - 9
        if data[i] != 0xFF:  # stray bytes: on to the next marker
            j = data.find(b"\xff", i)
            pos = base + (j if j >= 0 else len(data))
            continue
        code = data[i + 1]
        if code in _JPEG_SOF and size is None:
            height = data[i + 5] << 8 | data[i + 6]
            width = data[i + 7] << 8 | data[i + 8]
            size = (width, height) if height and width else None
        if code == 0xDA:  # the first scan: the frame header comes before it
            return size, pos
        if code == 0xD9:  # the end, without a scan
            return size, None
        if code == 0xFF:  # a fill byte before a marker
            pos += 1
        elif 0xD0 <= code <= 0xD8 or code in (0x00, 0x01):  # no length
            pos += 2
        else:
            pos += 2 + (data[i + 2] << 8 | data[i + 3])


def _jpeg_complete(buf, scan) -> bool:
    """Whether a JPEG's end-of-image marker follows its scan data (``scan``:
    where the first scan starts, None if unknown). Data after the marker
    (a phone's Motion Photo video, a maker trailer) is allowed; the marker
    cannot occur inside the entropy-coded data, so a file cut short has
    none after its scan. Searched from the end, in blocks (vectorised): the
    last 64 bytes, then 64 KiB at a time (a trailer of random data holds
    the two bytes in its last few KiB)."""
    start = 2 if scan is None else scan
    end, block = buf.size, 64
    while True:
        low = max(start, end - block)
        part = buf[low:end]
        if np.any((part[:-1] == 0xFF) & (part[1:] == 0xD9)):
            return True
        if low == start:
            return False
        end, block = low + 1, 1 << 16  # one byte shared: a marker across


def _other_size(buf, head, max_pixels):
    """``(width, height)`` of encoded data other than PNG and JPEG, read
    from the header alone (nothing is decoded): by :func:`_own_size`, else
    by Pillow; None when neither can read it."""
    size = _own_size(buf, head)
    if size is not None or head.startswith((*_TIFF_STARTS, b"#?")):
        # TIFF and Radiance: the size OpenCV's decoder reads, or none (Pillow
        # may read another size from a header crafted to differ)
        return size
    from PIL import Image

    try:
        return _pillow_size(buf)
    except Image.DecompressionBombError:
        # more than twice Pillow's limit in this process, which may differ
        # from ``max_pixels`` (set by SKMULTIMODAL_MAX_IMAGE_PIXELS, or by
        # Pillow's limit of the caller's process in a worker): the size is
        # read with Pillow's check off, and ours is made on it by the caller
        with _PILLOW_LIMIT_LOCK:
            pillow, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
            try:
                return _pillow_size(buf)
            finally:
                Image.MAX_IMAGE_PIXELS = pillow


# Pillow's limit is lifted only to read the size of an image over twice it,
# one thread at a time
_PILLOW_LIMIT_LOCK = threading.Lock()


def _pillow_size(buf):
    """``(width, height)`` from Pillow's parse of the header, or None when
    Pillow cannot parse it; a ``DecompressionBombError`` (more than twice
    Pillow's limit) is raised."""
    from PIL import Image

    with warnings.catch_warnings():
        # an image over Pillow's limit is refused by ours, with the row named
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(buf)) as im:
                return im.size
        except Image.DecompressionBombError:
            raise
        except Exception:  # any header Pillow cannot parse
            return None


# The starts of TIFF and BigTIFF data (little- and big-endian).
_TIFF_STARTS = (b"II*\0", b"MM\0*", b"II+\0", b"MM\0+")
# Radiance HDR's resolution line as OpenCV reads it (C's sscanf with
# "-Y %d +X %d": any whitespace, or none, around the numbers, anything
# after them), PFM's and PAM's sizes.
_RADIANCE_SIZE = re.compile(rb"-Y\s*([-+]?\d+)\s*\+X\s*([-+]?\d+)")
_PFM_SIZE = re.compile(rb"P[Ff]\s+(\d+)\s+(\d+)\s")
_PAM_FIELD = re.compile(rb"\n\s*(WIDTH|HEIGHT)\s+(\d+)")
_EXR_WINDOW = b"dataWindow\0box2i\0\x10\0\0\0"


def _own_size(buf, head):
    """``(width, height)`` from the header of the formats OpenCV decodes
    that Pillow does not parse (or not always): TIFF (any sample type, and
    BigTIFF), Radiance HDR, PFM, PAM and OpenEXR; None otherwise."""
    try:
        if head[:4] in _TIFF_STARTS:
            return _tiff_size(buf, "<" if head[0] == 0x49 else ">", head[2] == 43)
        if head.startswith(b"#?"):
            return _radiance_size(buf)
        elif found := _PFM_SIZE.match(head):
            return int(found[1]), int(found[2])
        elif head.startswith(b"P7"):
            fields = dict(_PAM_FIELD.findall(head.split(b"ENDHDR")[0]))
            return int(fields[b"WIDTH"]), int(fields[b"HEIGHT"])
        elif head.startswith(b"\x76\x2f\x31\x01"):
            k = buf[:65536].tobytes().find(_EXR_WINDOW)
            if k >= 0:
                x0, y0, x1, y1 = struct.unpack_from("<4i", buf, k + len(_EXR_WINDOW))
                return (x1 - x0 + 1, y1 - y0 + 1) if x1 >= x0 and y1 >= y0 else None
    except (KeyError, struct.error):  # a field missing or past the end
        return None
    return None


def _lines_as_read(data, size=128):
    """The lines C's ``fgets(line, size, file)`` reads from ``data``: each
    up to and including a newline, at most ``size - 1`` bytes (a longer
    line is read in parts)."""
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos, pos + size - 1)
        end = pos + size - 1 if end < 0 else end + 1
        yield data[pos:end]
        pos = end


def _radiance_size(buf):
    """``(width, height)`` from a Radiance HDR header, read as OpenCV's
    decoder reads it: the first line, then lines up to the first empty one
    (the end of the header), in parts of at most 127 bytes; the size is
    the line right after it. None if that line is not ``-Y <height> +X
    <width>`` or the header does not end in the first 64 KiB (nothing is
    searched for in the pixel data) or a size is not a positive C int
    (the decoder would wrap it round)."""
    lines = _lines_as_read(buf[:65536].tobytes())
    next(lines, None)  # the first line ("#?RADIANCE")
    for line in lines:
        if line == b"\n":  # the end of the header
            break
    else:
        return None
    line = next(lines, b"")
    if not line.endswith(b"\n") and len(line) < 127:  # cut short by 64 KiB
        return None
    found = _RADIANCE_SIZE.match(line.split(b"\0")[0])  # a C string
    if found is None:
        return None
    height, width = int(found[1]), int(found[2])
    return (width, height) if 0 < width < 2**31 and 0 < height < 2**31 else None


def _tiff_entries(buf, order, big):
    """``(tag, kind, count, at)`` of each entry of a TIFF's first image
    directory (the page OpenCV decodes): ``at`` is where the entry's value
    field starts in ``buf`` (the value itself, or its offset when larger)."""
    if big:  # BigTIFF: 8-byte offsets and counts, 20-byte entries
        (offset,) = struct.unpack_from(order + "Q", buf, 8)
        (count,) = struct.unpack_from(order + "Q", buf, offset)
        first, step, counts = offset + 8, 20, "Q"
    else:
        (offset,) = struct.unpack_from(order + "I", buf, 4)
        (count,) = struct.unpack_from(order + "H", buf, offset)
        first, step, counts = offset + 2, 12, "I"
    entries = buf[first : first + step * min(count, 4096)].tobytes()
    for k in range(0, len(entries) - step + 1, step):
        tag, kind = struct.unpack_from(order + "HH", entries, k)
        (n,) = struct.unpack_from(order + counts, entries, k + 4)
        yield tag, kind, n, first + k + (12 if big else 8)


def _tiff_size(buf, order, big):
    """``(width, height)`` from a TIFF's first image directory (the page
    OpenCV decodes), as libtiff reads it; None if a size tag is missing or
    not a single SHORT or LONG (LONG8 in BigTIFF). A directory that holds a
    size tag twice is refused: libtiff uses the first copy, other readers
    the last, so a file can declare a small size to one and a huge one to
    the other."""
    found = {}
    for tag, kind, count, at in _tiff_entries(buf, order, big):
        if tag not in (256, 257):
            continue
        name = "width (tag 256)" if tag == 256 else "height (tag 257)"
        if tag in found:
            raise _ItemError(
                f"the TIFF's first image directory holds its image {name} "
                "more than once: readers disagree on which copy counts "
                "(OpenCV's libtiff uses the first, others the last), so its "
                "size cannot be checked against the pixel limit and it is not "
                "decoded (a possible decompression bomb; save the image again "
                "with one size, or set PIL.Image.MAX_IMAGE_PIXELS to None to "
                "decode it without the check)"
            )
        fmt = {3: "H", 4: "I", 16: "Q" if big else None}.get(kind)
        if count != 1 or fmt is None:  # not a size libtiff reads as ours
            return None
        found[tag] = struct.unpack_from(order + fmt, buf, at)[0]
    return (found[256], found[257]) if len(found) == 2 else None


def _tiff_extra_sample(head, buf):
    """The kind of a TIFF's first extra sample (tag 338: 0 unspecified, 1
    associated alpha, 2 unassociated alpha), or None (none, or unreadable)."""
    order, big = "<" if head[0] == 0x49 else ">", head[2] == 43
    try:
        for tag, kind, count, at in _tiff_entries(buf, order, big):
            if tag == 338 and kind == 3 and count >= 1:
                if count * 2 > (8 if big else 4):  # the values lie elsewhere
                    fmt = order + ("Q" if big else "I")
                    (at,) = struct.unpack_from(fmt, buf, at)
                return struct.unpack_from(order + "H", buf, at)[0]
    except struct.error:  # a directory past the end
        return None
    return None


# The starts of the formats OpenCV decodes: data that starts otherwise is
# no image it reads.
_IMAGE_STARTS = (
    _PNG_SIGNATURE,
    _JPEG_SIGNATURE,
    *_TIFF_STARTS,
    b"BM",
    b"GIF8",
    b"RIFF",
    b"#?",
    *(bytes([0x50, kind]) for kind in b"1234567Ff"),  # PNM, PAM, PFM
    b"\x59\xa6\x6a\x95",  # Sun raster
    b"\x76\x2f\x31\x01",  # OpenEXR
    b"\x00\x00\x00\x0cjP",  # JPEG 2000
    b"\xff\x4f\xff\x51",  # JPEG 2000 codestream
)


# ISO base media ("ftyp") brands of data OpenCV does not decode: HEIF and
# HEIC images (phones' photos) and videos.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_VIDEO_BRANDS = (b"isom", b"iso2", b"mp41", b"mp42", b"qt  ", b"M4V ", b"3gp", b"dash")


def _undecodable_kind(head):
    """What data OpenCV does not decode is, when its header says so: a
    HEIF/HEIC image or a video (by its ``ftyp`` brand); else None."""
    if head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    if brand in _HEIF_BRANDS:
        return (
            f"a HEIF/HEIC image (brand {brand.decode('latin-1')!r}, as iPhones "
            "save photos), which OpenCV does not decode: convert it to JPEG or "
            "PNG first (e.g. with pillow-heif, heif-convert, or by exporting "
            "it as JPEG)"
        )
    if brand.startswith(_VIDEO_BRANDS):
        return (
            f"a video file (brand {brand.decode('latin-1')!r}), not an image: "
            "give a still frame as a JPEG or PNG file"
        )
    return None


def _not_decodable(buf):
    """Why ``buf`` is no image: its header's kind, else data in no format,
    with a hint where the bytes are the name of an existing file (a path
    given as ``bytes``, as ``os.listdir(b".")`` gives them)."""
    head = buf[:16].tobytes()
    if kind := _undecodable_kind(head):
        return kind
    message = "not a decodable image (unknown format or corrupt data)"
    raw = buf.tobytes() if buf.size <= 4096 else b"\0"  # a path is short
    if b"\0" not in raw:
        name = os.fsdecode(raw)
        with contextlib.suppress(OSError, ValueError):
            if os.path.isfile(name):
                message += (
                    f"; these {len(raw)} bytes are the path {name!r} of an "
                    "existing file, but bytes are read as encoded image data: "
                    "give the path as a str (os.fsdecode(path))"
                )
    return message


def _unknown_size(head, max_pixels, buf):
    """Why data ``buf`` whose size is unknown is not decoded under a pixel
    limit (``head``: its first bytes)."""
    if kind := _undecodable_kind(head):
        return kind
    if not (head.startswith(_IMAGE_STARTS) or head[4:8] == b"ftyp"):
        return _not_decodable(buf)
    return (
        "the image size cannot be read from its header, so the image is not "
        "decoded: the file is probably truncated or corrupt (or in a variant "
        "of its format that OpenCV does not read). Images are checked against "
        f"the limit of {max_pixels:,} pixels before decoding; only for a file "
        f"you trust, set {pixel_limit_name()} to "
        f"{'none' if _IMAGE_PIXELS_ENV in pixel_limit_name() else 'None'} to "
        "try decoding it without the check"
    )


def pixel_limit_name():
    """Where the pixel limit in force comes from: the environment variable
    (set, it takes the place of Pillow's setting), or
    ``PIL.Image.MAX_IMAGE_PIXELS``."""
    if os.environ.get(_IMAGE_PIXELS_ENV, "").strip():
        return f"the environment variable {_IMAGE_PIXELS_ENV}"
    return "PIL.Image.MAX_IMAGE_PIXELS"


def _bomb_hint():
    """How to read larger images, with the setting that is in force."""
    if os.environ.get(_IMAGE_PIXELS_ENV, "").strip():
        return (
            "(a possible decompression bomb; the limit is the environment "
            f"variable {_IMAGE_PIXELS_ENV}, which takes the place of "
            "PIL.Image.MAX_IMAGE_PIXELS: to read larger images raise it, or "
            "set it to none for no limit)"
        )
    return (
        "(a possible decompression bomb; to read larger images raise "
        "PIL.Image.MAX_IMAGE_PIXELS, or set it to None for no limit; on the "
        "command line, set the environment variable "
        f"{_IMAGE_PIXELS_ENV} to a number, or to none)"
    )


def _check_header(buf, max_pixels):
    """Check encoded data before decoding it: ``(gray_alpha, transparent)``.

    Refuses PNG and JPEG data that ends before its end marker (a truncated
    file: depending on the codec and where the file was cut, OpenCV either
    decodes such data partially or fails; data after the end marker, as
    phones append, is allowed) and an image that declares more than
    ``max_pixels`` pixels (a decompression bomb: a small file that decodes
    to a huge array). The size is read from the header: PNG's IHDR, JPEG's
    frame header, :func:`_own_size` or Pillow for other formats; under a
    limit, data whose size cannot be read is refused, not decoded.
    ``gray_alpha``: a gray + alpha PNG (colour type 4), one that OpenCV
    decodes as four channels (the gray value three times, then alpha).
    ``transparent``: the gray value a gray PNG's tRNS chunk makes
    transparent (OpenCV ignores it), or None.
    """
    head = buf[:_HEAD_BYTES].tobytes()
    gray_alpha, transparent, size = False, None, None
    if head.startswith(_PNG_SIGNATURE):
        if b"IEND" not in buf[-64:].tobytes() and _png_cut_short(buf):
            raise _ItemError("truncated PNG data (it ends before its IEND chunk)")
        if len(head) >= 26 and head[12:16] == b"IHDR":
            size = _PNG_SIZE.unpack_from(head, 16)
            gray_alpha = head[25] == 4
            if head[25] == 0:
                transparent = _png_transparent_gray(buf, head[24])
    elif head.startswith(_JPEG_SIGNATURE):
        size, scan = _jpeg_layout(buf, head)
        if not _jpeg_complete(buf, scan):
            raise _ItemError(
                "truncated JPEG data (it ends before its end-of-image marker)"
            )
    elif max_pixels is not None:
        size = _other_size(buf, head, max_pixels)
    if max_pixels is not None:
        if size is None:
            raise _ItemError(_unknown_size(head, max_pixels, buf))
        width, height = size
        if width * height > max_pixels:
            raise _ItemError(
                f"the image declares {width} x {height} pixels (width x height, "
                f"{width * height:,} pixels), more than the limit of "
                f"{max_pixels:,} pixels {_bomb_hint()}"
            )
    return gray_alpha, transparent


def _png_transparent_gray(buf, depth):
    """The gray value a gray PNG's tRNS chunk makes transparent, at the
    depth OpenCV decodes to (1-, 2- and 4-bit gray is scaled to 8 bits), or
    None: the chunks before the image data, by their lengths."""
    n, pos = buf.size, 8
    while pos + 10 <= n:
        length, kind = struct.unpack_from(">I4s", buf, pos)
        if kind == b"tRNS" and length >= 2:
            (value,) = struct.unpack_from(">H", buf, pos + 8)
            return value * 255 // ((1 << depth) - 1) if depth < 8 else value
        if kind in (b"IDAT", b"IEND"):
            return None
        pos += 12 + length
    return None


def _png_cut_short(buf) -> bool:
    """Whether a PNG's chunks run past the end of the data (a file cut
    short, then perhaps given an IEND chunk again): chunk lengths only."""
    n = buf.size
    pos = 8
    while pos + 8 <= n:
        (length,) = struct.unpack_from(">I", buf, pos)
        end = pos + 12 + length
        if end > n:
            return True
        if buf[pos + 4 : pos + 8].tobytes() == b"IEND":
            return False
        pos = end
    return True


# EXIF orientation (2-8) -> what shows the stored pixels upright, as
# cv2.imread and image viewers show them (1: as stored).
_UPRIGHT = {
    2: lambda a: cv2.flip(a, 1),  # mirrored left-right
    3: lambda a: cv2.rotate(a, cv2.ROTATE_180),
    4: lambda a: cv2.flip(a, 0),  # mirrored top-bottom
    5: cv2.transpose,
    6: lambda a: cv2.rotate(a, cv2.ROTATE_90_CLOCKWISE),
    7: lambda a: cv2.flip(cv2.transpose(a), -1),  # transversed
    8: lambda a: cv2.rotate(a, cv2.ROTATE_90_COUNTERCLOCKWISE),
}


def _exif_orientation(types, blobs) -> int:
    """The orientation tag (0x0112) of the EXIF block OpenCV's decoder
    found (JPEG and PNG; WebP from OpenCV 4.14), read by Pillow; 1 when
    there is none or the block is malformed (OpenCV's imread then ignores
    it too)."""
    for kind, blob in zip(types, blobs):
        if kind == cv2.IMAGE_METADATA_EXIF and blob is not None and blob.size:
            from PIL import Image

            exif = Image.Exif()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # "Corrupt EXIF data"
                    exif.load(blob.tobytes())
                    return int(exif.get(0x0112, 1))
            except Exception:  # a malformed block, as OpenCV ignores it
                return 1
    return 1


def _imdecode(buf):
    """``cv2.imdecode(buf, IMREAD_UNCHANGED)`` (alpha and depth kept), turned
    upright by the EXIF orientation, which that flag alone ignores; None
    when OpenCV cannot decode ``buf``. TIFF's decoder applies its own
    orientation tag and reports no EXIF block."""
    img, types, blobs = cv2.imdecodeWithMetadata(buf, flags=cv2.IMREAD_UNCHANGED)
    upright = _UPRIGHT.get(_exif_orientation(types, blobs)) if len(types) else None
    if img is None or upright is None:
        return img
    return upright(img)


def _decode_raw(buf, max_pixels) -> np.ndarray:
    """Encoded data -> the decoder's array (gray, gray + alpha, BGR or BGRA
    order, any depth), upright by its EXIF orientation; a gray + alpha PNG
    comes back as its two channels. ``max_pixels``: the most pixels the
    data may declare (None: no limit)."""
    if buf.size == 0:
        raise _ItemError("empty data (0 bytes)")
    gray_alpha, transparent = _check_header(buf, max_pixels)
    try:
        if _quiet_depth:
            img = _imdecode(buf)
        else:
            with quiet_opencv:
                img = _imdecode(buf)
    except cv2.error as exc:
        if "CV_IO_MAX_IMAGE_PIXELS" in exc.err:  # with no limit of our own
            raise _ItemError(
                "the image declares more pixels than OpenCV decodes "
                "(CV_IO_MAX_IMAGE_PIXELS, 2**30 by default)"
            ) from None
        raise _ItemError(  # pragma: no cover - depends on the codec
            f"cannot decode image data ({exc.err})"
        ) from None
    head = buf[:16].tobytes()
    if img is None:
        if head[:8] == _PNG_SIGNATURE and _png_cut_short(buf):
            raise _ItemError(
                "truncated PNG data (incomplete: a chunk runs past the end of the data)"
            )
        raise _ItemError(_not_decodable(buf))
    if img.dtype.kind == "f" and img.dtype != np.float32:  # float64/16 TIFF
        img = img.astype(np.float32)  # then checked for [0, 1]
    elif img.dtype not in (np.uint8, np.uint16, np.float32):
        raise _ItemError(
            f"the image decodes to {img.dtype} pixels: the library reads "
            "unsigned 8- and 16-bit images (float ones with values in [0, 1]); "
            "convert the file to 8 or 16 bits first"
        )
    if img.ndim == 3 and img.shape[2] == 4:
        if gray_alpha:
            img = cv2.merge([cv2.extractChannel(img, 0), cv2.extractChannel(img, 3)])
        elif head[:4] in _TIFF_STARTS:
            img = _tiff_alpha(img, _tiff_extra_sample(head, buf))
        elif head.startswith(b"BM") and not cv2.extractChannel(img, 3).any():
            # a 32-bit BMP whose fourth byte is padding (BI_RGB, or colour
            # masks without an alpha mask): opaque, as viewers show it
            img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    elif transparent is not None and img.ndim == 2:  # composited on white
        img[img == transparent] = np.iinfo(img.dtype).max
    return img


def _tiff_alpha(img, extra):
    """A four-channel TIFF as OpenCV decodes it, made straight BGRA or BGR
    (``extra``: the TIFF's extra-sample kind). An unspecified fourth sample
    is no alpha: dropped, as Pillow reads it. Premultiplied colour, as
    OpenCV returns every 8-bit RGBA TIFF (libtiff's RGBA reader
    premultiplies unassociated alpha) and a 16-bit one with associated
    alpha, is composited on white here: ``c + (white - a)``."""
    if extra == 0:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    if extra == 1 or (extra == 2 and img.dtype == np.uint8):
        clear = cv2.cvtColor(
            cv2.bitwise_not(cv2.extractChannel(img, 3)), cv2.COLOR_GRAY2BGR
        )
        return cv2.add(cv2.cvtColor(img, cv2.COLOR_BGRA2BGR), clear)  # saturated
    return img


def _from_decoder(img: np.ndarray) -> np.ndarray:
    """The decoder's array in RGB(A) or gray (+ alpha) order; 8-bit alpha
    composited on white (gray + alpha gives gray)."""
    if img.ndim == 3:
        channels = img.shape[2]
        if channels == 3:
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        elif channels == 4:
            if img.dtype == np.uint8:  # the common case, done in one pass
                return _composite_u8(
                    cv2.cvtColor(img, cv2.COLOR_BGRA2RGB), cv2.extractChannel(img, 3)
                )
            img = cv2.cvtColor(img, cv2.COLOR_BGRA2RGBA)
        elif channels == 2 and img.dtype == np.uint8:  # gray + alpha
            return _composite_u8(cv2.extractChannel(img, 0), cv2.extractChannel(img, 1))
    return img


def _composite_u8(color: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``uint8`` RGB ``(H, W, 3)`` or gray ``(H, W)`` over white with ``uint8``
    alpha ``(H, W)`` (new arrays only); each channel is rounded alike."""
    if alpha.min() == 255:
        return color
    # white + (c - white) * a / 255  ==  255 - (255 - c) * a / 255, rounded
    if color.ndim == 3:
        alpha = cv2.cvtColor(alpha, cv2.COLOR_GRAY2RGB)
    return cv2.bitwise_not(
        cv2.multiply(cv2.bitwise_not(color), alpha, scale=1.0 / 255.0)
    )


def _composite_on_white(img: np.ndarray) -> np.ndarray:
    """RGBA -> RGB, or gray + alpha -> gray, over white (a new array)."""
    gray = img.shape[2] == 2
    if img.dtype == np.uint8:
        if gray:
            color = cv2.extractChannel(img, 0)
        else:
            color = cv2.cvtColor(img, cv2.COLOR_RGBA2RGB)
        return _composite_u8(color, cv2.extractChannel(img, img.shape[2] - 1))
    a = img[..., -1:]
    out = img[..., :-1] * a + (1.0 - a)
    return (out[..., 0] if gray else out).astype(np.float32)


_HDR_ADVICE = (
    "a high-dynamic-range file (HDR, PFM, OpenEXR or float TIFF); the library "
    "reads 8- and 16-bit images (float ones only with values in [0, 1]): "
    "tone-map or convert the file to 8 or 16 bits (PNG, JPEG, TIFF) first"
)


def _to_canonical(img: np.ndarray, decoded=False) -> np.ndarray:
    """Check dtype/shape and return a canonical image (may be ``img`` itself).

    ``decoded``: ``img`` comes from a file or encoded bytes (the messages
    about float values then speak of the file, not of an array)."""
    if not img.dtype.isnative:  # another byte order: a native copy
        img = img.astype(img.dtype.newbyteorder("="))
    dtype = img.dtype
    if img.ndim not in (2, 3):
        raise _ItemError(
            f"unsupported array shape {img.shape}: expected (H, W), (H, W, 1), "
            "(H, W, 2), (H, W, 3) or (H, W, 4)"
        )
    if img.ndim == 3 and img.shape[2] not in (1, 2, 3, 4):
        raise _ItemError(
            f"unsupported number of channels {img.shape[2]} in shape {img.shape}: "
            "expected 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA)"
        )
    if img.shape[0] == 0 or img.shape[1] == 0:
        raise _ItemError(f"zero-size image (shape {img.shape})")
    if dtype == np.uint8:
        pass
    elif dtype == np.uint16:
        img = ((img.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)
    elif dtype.kind == "f":
        img = img.astype(np.float32, copy=False)
        lo, hi = float(img.min()), float(img.max())
        if not (np.isfinite(lo) and np.isfinite(hi)):
            if decoded:
                raise _ItemError(
                    f"the image decodes to float values with NaN or infinity: "
                    f"{_HDR_ADVICE}"
                )
            raise _ItemError("float image contains NaN or infinite values")
        if lo < -1e-6 or hi > 1.0 + 1e-6:
            if decoded:
                raise _ItemError(
                    f"the image decodes to float values in [{lo:.4g}, {hi:.4g}], "
                    f"outside [0, 1]: {_HDR_ADVICE}"
                )
            raise _ItemError(
                f"float image values must lie in [0, 1], got [{lo:.4g}, {hi:.4g}] "
                "(divide 8-bit data by 255)"
            )
    else:
        raise _ItemError(
            f"unsupported dtype {dtype}: expected uint8, uint16 or float in [0, 1]"
        )
    if img.ndim == 3:
        channels = img.shape[2]
        if channels == 1:
            img = img[:, :, 0]
        elif channels in (2, 4):
            img = _composite_on_white(img)
    return img


def _fspath(item):
    """The path (str or bytes) of a str or ``os.PathLike`` item;
    ``_ItemError`` when its ``__fspath__`` fails or returns no path."""
    if isinstance(item, str):
        return item
    try:
        path = type(item).__fspath__(item)
    except Exception as exc:  # the user's code: this item is unreadable
        raise _ItemError(
            f"its __fspath__ raised {type(exc).__name__}: {exc}; it must "
            "return the path as a str or bytes"
        ) from None
    if not isinstance(path, (str, bytes)):
        raise _ItemError(
            f"its __fspath__ returned {describe_source(path)}, not a path; it "
            "must return the path as a str or bytes"
        )
    return path


def _not_regular(mode):
    """The reason a file of ``st_mode`` ``mode`` (no regular file) is not read."""
    from skmultimodal.utils._paths import file_kind

    return (
        f"cannot read file: not a regular file ({file_kind(mode)}); only image "
        "files are read"
    )


def _os_error(exc):
    """The reason an ``OSError`` gave: the system's words and the error's
    name, e.g. ``"cannot read file (File name too long, ENAMETOOLONG)"``."""
    reason = exc.strerror or type(exc).__name__
    name = errno.errorcode.get(exc.errno)
    return (
        f"cannot read file ({reason}, {name})"
        if name
        else f"cannot read file ({reason})"
    )


def _not_found(item, path):
    """Why the file ``path`` of ``item`` was not found, as a message says
    it: where a relative path was looked for, and :func:`absent_hint`'s
    hint."""
    given = _fspath(item)
    message = "file not found"
    if not os.path.isabs(given):
        # joined as given: ".." and links are the system's to follow
        shown = os.fsdecode(os.path.join(os.getcwd(), path))
        message += (
            f" (looked for {shown!r}: a relative path is read from the current folder)"
        )
    hint = absent_hint(os.fsdecode(path))
    return f"{message}; {hint}" if hint else message


def absent_hint(path):
    """Why the absent file ``path`` (a str) was not found, or None: it is
    a data: URI (an image written in the cell), or another file exists with
    its name in the other Unicode normal form (NFC or NFD: a catalogue
    written on macOS), with ``/`` for its Windows separators (``\\``), or
    without spaces around a part of the path (a spreadsheet cell's)."""
    import unicodedata

    if re.search(r"(^|/)data:[^,]*;base64,", path, re.IGNORECASE):
        return (
            "it is a data: URI, not a path: decode it to bytes first "
            "(base64.b64decode of the part after the comma), which the "
            "library reads as encoded image data"
        )
    for form in ("NFC", "NFD"):
        other = unicodedata.normalize(form, path)
        if other != path and os.path.exists(other):
            return (
                f"a file of that name in Unicode form {form} exists: the "
                "cell writes the same letters in another form; write the "
                "name as the disk stores it"
            )
    if os.sep == "/" and "\\" in path and os.path.exists(path.replace("\\", "/")):
        return (
            "the path exists with / for each \\: write paths with / (a "
            "Windows path's separator is \\, a file name's character here)"
        )
    parts = path.split(os.sep)
    stripped = os.sep.join(part.strip() for part in parts)
    if stripped != path and stripped.strip() and os.path.exists(stripped):
        around = {c for part in parts for c in part[: len(part) - len(part.lstrip())]}
        around |= {c for part in parts for c in part[len(part.rstrip()) :]}
        kinds = {
            "\n": "a line break",
            "\r": "a line break",
            "\t": "a tab",
            " ": "spaces",
        }
        what = " and ".join(sorted({kinds.get(c, "white space") for c in around}))
        return (
            f"{stripped!r} exists: the path has {what} around a part of it "
            "(a cell's leading or trailing white space is part of the name)"
        )
    return None


def _read_bytes(item, max_bytes, folder=None) -> np.ndarray:
    """The encoded data of a path or bytes item as a ``uint8`` buffer.

    Only a regular file of at most ``max_bytes`` bytes (None: no limit) is
    read: opening does not wait (a pipe with no writer would block), and a
    device, pipe, socket or directory is refused before anything is read.
    A relative path is read from ``folder`` (that of the calling process,
    see :func:`read_limits`; None: the current one; False: none, it was
    removed); symbolic links and
    ``..`` are left to the system, as for the path given.
    """
    if isinstance(item, (bytes, bytearray, memoryview)):
        return np.frombuffer(item, dtype=np.uint8)
    path = _fspath(item)
    if isinstance(path, str) and "://" in path and _URL.match(path):
        raise _ItemError(
            "URLs are not read: download the image first (the library reads "
            "local paths, bytes and arrays)"
        )

    if path and folder is False and not os.path.isabs(path):
        raise _ItemError(
            "a relative path, and the current folder was removed: change to "
            "an existing folder (os.chdir) or give absolute paths"
        )
    if path and folder and not os.path.isabs(path):
        path = os.path.join(
            os.fsencode(folder) if isinstance(path, bytes) else folder, path
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _ItemError(_not_found(item, path)) from None
    except OSError as exc:
        # a socket cannot be opened (ENXIO), nor a directory on Windows: say
        # what it is rather than the system's words on opening it
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            raise _ItemError(_not_regular(mode)) from None
        raise _ItemError(_os_error(exc)) from None
    except ValueError as exc:  # a NUL byte or an unencodable character
        raise _ItemError(f"invalid file path ({exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _ItemError(_not_regular(info.st_mode))
        if max_bytes is not None and info.st_size > max_bytes:
            raise _ItemError(_too_large(f"{info.st_size:,}", max_bytes))
        # the size from fstat, plus one byte to see the end; read on (up to
        # the limit) should the file have grown since
        want = info.st_size + 1
        if max_bytes is not None:
            want = min(want, max_bytes + 1)
        parts, total = [], 0
        while part := os.read(fd, want):
            parts.append(part)
            total += len(part)
            if max_bytes is not None and total > max_bytes:
                raise _ItemError(_too_large(f"over {max_bytes:,}", max_bytes))
            want = 1 << 20 if max_bytes is None else min(1 << 20, max_bytes + 1 - total)
    except OSError as exc:
        raise _ItemError(_os_error(exc)) from None
    finally:
        os.close(fd)
    return np.frombuffer(parts[0] if len(parts) == 1 else b"".join(parts), np.uint8)


def _too_large(size, max_bytes):
    return (
        f"file too large ({size} bytes; image files are read up to {max_bytes:,} "
        "bytes: raise skmultimodal.image.MAX_FILE_BYTES, or set it to None, to "
        "read larger ones; on the command line, set the environment variable "
        "SKMULTIMODAL_MAX_FILE_BYTES to a number, or to none)"
    )


def _read(item, limits):
    """``(image, raw)``: a canonical image (``raw`` False), or the decoder's
    8-bit 3- or 4-channel array (``raw`` True: BGR(A) order, alpha not yet
    composited), which :func:`_from_decoder_stack` finishes for a stack of
    them at once. ``limits``: :func:`read_limits`' settings, for files and
    encoded bytes (arrays have no limit). ``_ItemError`` on failure."""
    if isinstance(item, np.ndarray):
        if item.dtype == np.uint8 and (
            item.ndim == 2 or (item.ndim == 3 and item.shape[2] == 3)
        ):
            if item.shape[0] and item.shape[1]:
                return item, False  # fast path: already canonical
        return _to_canonical(item), False
    if is_missing(item):
        raise _ItemError("missing value (None, NaN or empty)")
    if isinstance(item, (str, os.PathLike, bytes, bytearray, memoryview)):
        max_bytes, max_pixels, folder = limits
        img = _decode_raw(_read_bytes(item, max_bytes, folder), max_pixels)
        if img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] in (3, 4):
            return img, True
        return _to_canonical(_from_decoder(img), decoded=True), False
    raise _ItemError(
        f"unsupported item type {type_name(item)}: expected a file path, "
        "encoded image bytes or a numpy array"
    )


def read_item(item, limits=None) -> np.ndarray:
    """Decode one item into a canonical image; ``_ItemError`` on failure.

    ``limits``: :func:`read_limits`' settings (taken now when None). Of a
    multi-frame file (an animated GIF, a multi-page TIFF) the first frame
    is read. The result may share memory with an array item: callers never
    write to it.
    """
    img, raw = _read(item, read_limits() if limits is None else limits)
    return _from_decoder(img) if raw else img


def _from_decoder_stack(stack: np.ndarray) -> np.ndarray:
    """:func:`_from_decoder` of each of ``(n, H, W, 3 or 4)`` 8-bit decoder
    arrays at once: every step is per pixel, so the images come out exactly
    as one at a time (compositing an opaque pixel leaves it unchanged)."""
    n, height, width, channels = stack.shape
    flat = stack.reshape(n * height, width, channels)
    if channels == 3:
        rgb = cv2.cvtColor(flat, cv2.COLOR_BGR2RGB)
    else:
        rgb = _composite_u8(
            cv2.cvtColor(flat, cv2.COLOR_BGRA2RGB), cv2.extractChannel(flat, 3)
        )
    return rgb.reshape(n, height, width, 3)


def _check_size(size, name="size"):
    if (
        not isinstance(size, tuple)
        or len(size) != 2
        or not all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 1
            for s in size
        )
    ):
        raise ValueError(
            f"{name} must be a (height, width) tuple of two positive integers, "
            f"got {size!r}."
        )


def _check_canonical(img, func):
    """Refuse anything but a canonical image in the public helpers (the
    image machinery only ever hands them canonical images)."""
    if not (
        isinstance(img, np.ndarray)
        and img.dtype in (np.uint8, np.float32)
        and (img.ndim == 2 or (img.ndim == 3 and img.shape[2] == 3))
    ):
        what = (
            f"array of shape {img.shape} and dtype {img.dtype}"
            if isinstance(img, np.ndarray)
            else type_name(img)
        )
        raise ValueError(
            f"{func} takes a canonical image: a uint8 or float32 array of shape "
            f"(H, W) or (H, W, 3); got {what}. Read images with ImageReader or "
            "inside an ImageExtractor, which hand out canonical images."
        )


def to_uint8(img: np.ndarray) -> np.ndarray:
    """A canonical image as ``uint8``.

    Parameters
    ----------
    img : ndarray of shape (H, W) or (H, W, 3)
        A canonical image: ``uint8``, or ``float32`` with values in [0, 1].

    Returns
    -------
    image : ndarray of dtype uint8, same shape
        ``img`` itself when it is ``uint8`` (do not write to it); float
        values are scaled by 255 and rounded half up.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import to_uint8
    >>> to_uint8(np.array([[0.0, 0.5, 1.0]], np.float32)).tolist()
    [[0, 128, 255]]
    """
    _check_canonical(img, "to_uint8")
    if img.dtype == np.uint8:
        return img
    return (img * 255.0 + 0.5).astype(np.uint8)


def to_float(img: np.ndarray) -> np.ndarray:
    """A canonical image as ``float32`` with values in [0, 1].

    Parameters
    ----------
    img : ndarray of shape (H, W) or (H, W, 3)
        A canonical image: ``uint8``, or ``float32`` with values in [0, 1].

    Returns
    -------
    image : ndarray of dtype float32, same shape
        ``uint8`` values divided by 255 (a new array); a ``float32`` image
        is returned itself (do not write to it).

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import to_float
    >>> to_float(np.array([[0, 51, 255]], np.uint8)).tolist()
    [[0.0, 0.20000000298023224, 1.0]]
    """
    _check_canonical(img, "to_float")
    if img.dtype != np.uint8:
        return img.astype(np.float32, copy=False)
    out = img.astype(np.float32)
    out /= np.float32(255.0)
    return out


GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)
_GRAY_MATRIX = np.array([GRAY_WEIGHTS], dtype=np.float64)


def to_gray(img: np.ndarray) -> np.ndarray:
    """ITU-R 601 luma ``0.2989 R + 0.5870 G + 0.1140 B`` of a canonical image.

    The same conversion as :class:`Grayscale`, for one image.

    Parameters
    ----------
    img : ndarray of shape (H, W) or (H, W, 3)
        A canonical image (RGB order): ``uint8``, or ``float32`` with values
        in [0, 1].

    Returns
    -------
    gray : ndarray of shape (H, W)
        ``uint8`` stays ``uint8`` (rounded to nearest), float stays
        ``float32``. A gray image is returned itself (do not write to it).

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import to_gray
    >>> to_gray(np.array([[[255, 0, 0], [0, 0, 255]]], np.uint8)).tolist()
    [[76, 29]]
    """
    _check_canonical(img, "to_gray")
    if img.ndim == 2:
        return img
    return cv2.transform(img, _GRAY_MATRIX)


def to_rgb(img: np.ndarray) -> np.ndarray:
    """A canonical image as three RGB channels (gray is replicated).

    Parameters
    ----------
    img : ndarray of shape (H, W) or (H, W, 3)
        A canonical image.

    Returns
    -------
    rgb : ndarray of shape (H, W, 3), same dtype
        An RGB image is returned itself (do not write to it).

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import to_rgb
    >>> to_rgb(np.zeros((4, 5), np.uint8)).shape
    (4, 5, 3)
    """
    _check_canonical(img, "to_rgb")
    if img.ndim == 3:
        return img
    return cv2.merge([img, img, img])


INTERPOLATIONS = {
    "nearest": cv2.INTER_NEAREST,
    "linear": cv2.INTER_LINEAR,
    "area": cv2.INTER_AREA,
    "cubic": cv2.INTER_CUBIC,
    "lanczos": cv2.INTER_LANCZOS4,
}


def resize(img: np.ndarray, size, interpolation: int) -> np.ndarray:
    """Resize to ``size = (height, width)``; unchanged when already that size.

    ``interpolation`` is an OpenCV flag (a value of :data:`INTERPOLATIONS`).
    """
    height, width = size
    if img.shape[0] == height and img.shape[1] == width:
        return img
    out = cv2.resize(img, (width, height), interpolation=interpolation)
    if img.dtype.kind == "f":
        # cubic/lanczos overshoot: keep float images inside [0, 1]
        np.clip(out, 0.0, 1.0, out=out)
    return out


def resize_image(img: np.ndarray, size, *, interpolation="area") -> np.ndarray:
    """Resize a canonical image with OpenCV, as :class:`Resize` does.

    Parameters
    ----------
    img : ndarray of shape (H, W) or (H, W, 3)
        A canonical image: ``uint8``, or ``float32`` with values in [0, 1].
    size : tuple of (int, int)
        Output ``(height, width)`` (NumPy order, not OpenCV's).
    interpolation : {"area", "linear", "nearest", "cubic", "lanczos"}, \
default="area"
        OpenCV interpolation; cubic and Lanczos results of float images are
        clipped to [0, 1].

    Returns
    -------
    image : ndarray of shape (height, width) or (height, width, 3)
        Same dtype as ``img``; ``img`` itself when it already has that size
        (do not write to it).

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import resize_image
    >>> resize_image(np.zeros((10, 20, 3), np.uint8), (4, 6)).shape
    (4, 6, 3)
    """
    _check_canonical(img, "resize_image")
    _check_size(size)
    try:
        flag = INTERPOLATIONS[interpolation]
    except (KeyError, TypeError):
        raise ValueError(
            f"interpolation must be one of {sorted(INTERPOLATIONS)}, "
            f"got {interpolation!r}."
        ) from None
    return resize(img, size, flag)


def image_column(X, *, what="X"):
    """``(items, labels)`` for a column of images or a stack of arrays.

    Accepts what :func:`skmultimodal.utils.as_column` accepts plus a 3-D
    ``(n, H, W)`` or 4-D ``(n, H, W, C)`` numeric array of equal-size images.
    Raises ValueError when there are no images, and for an iterator (a
    generator: ``fit`` would consume it, leaving nothing to transform), a
    set or a mapping, which are no column.
    """
    if isinstance(X, (Iterator, Set, Mapping)):
        raise ValueError(
            f"{what} must be a column of images (a list, tuple, 1-D array, "
            f"pandas Series or one-column DataFrame, or an (n, H, W[, C]) "
            f"array); got a {type_name(X)}. Make it a list first, e.g. "
            f"list({what})."
        )
    if isinstance(X, np.ndarray) and X.dtype != object and X.ndim != 1:
        if X.ndim not in (3, 4):
            raise ValueError(
                f"{what} as a numeric array must be a stack of images of shape "
                f"(n, H, W) or (n, H, W, C); got shape {X.shape}. Wrap a single "
                "image in a list."
            )
        items, labels = list(X), list(range(X.shape[0]))
    else:
        items, labels = as_column(X, what=what)
    if len(items) == 0:
        raise ValueError(f"{what} holds no images (0 rows); at least 1 is required.")
    return items, labels


class ItemFunction:
    """Picklable per-item callable for :func:`parallel_map`.

    Reads the item, applies ``self.process(image)`` and returns the result.
    A failing item raises ``_IndexedError`` tagged with its index
    (``on_error="raise"``), or returns ``_Failed`` holding the result
    computed from a blank image (``"blank"``) or None (``"missing"``) with
    the reason: failures travel back as return values, so the calling
    process warns (warnings raised in worker processes would be lost).
    The reading limits, and the folder relative paths are read from, are
    those in force where it is made (the calling process), which it carries
    to the workers.
    """

    def __init__(self, on_error):
        self.on_error = on_error
        self.limits = read_limits()

    def process(self, img):  # pragma: no cover - overridden
        raise NotImplementedError

    def __call__(self, i, item):
        try:
            img = read_item(item, self.limits)
        except _ItemError as exc:
            message = f"{describe_source(item)}: {exc.detail}"
            if self.on_error == "raise":
                raise _IndexedError(i, message) from None
            if self.on_error == "missing":
                return _Failed(None, i, message)
            return _Failed(self.process(BLANK.copy()), i, message)
        return self.process(img)


class _IndexedError(Exception):
    def __init__(self, index, message):
        super().__init__(index, message)
        self.index = index
        self.message = message


def run_items(func, items, labels, *, n_jobs, verbose, desc):
    """Run ``func`` over ``items`` through :func:`parallel_map`.

    A failure under ``on_error="raise"`` becomes one
    :class:`ImageDecodeError` naming the row. Otherwise the failures come
    back as ``_Failed`` results and one :class:`ImageWarning`, issued here in
    the calling process, names them all; the result of a failed item is the
    blank image's (``"blank"``) or None (``"missing"``: the caller writes a
    missing row).
    """
    from skmultimodal.utils import parallel_map

    try:
        with quiet_opencv:  # here and in threads; worker processes per image
            results = parallel_map(
                func,
                items,
                n_jobs=n_jobs,
                verbose=verbose,
                desc=desc,
                catch=_IndexedError,
            )
    except _IndexedError as exc:
        raise ImageDecodeError(
            f"cannot read image at {describe_row(labels, exc.index)}, {exc.message}"
        ) from None
    failed = [k for k, r in enumerate(results) if type(r) is _Failed]
    if failed:
        shown = describe_failures(
            labels, [(results[k].index, results[k].message) for k in failed]
        )
        if func.on_error == "missing":
            what = "left {} unreadable item(s) as missing rows (all NaN)"
        else:
            what = "substituted a blank image for {} unreadable item(s)"
        warn_at_caller(f"{desc}: {what.format(len(failed))}: {shown}", ImageWarning)
    for k in failed:
        results[k] = results[k].value
    return results


# ------------------------------------------------- chunked work, one output
# Images per task when the work runs in this process: enough to amortise the
# per-call costs, few enough for a prompt progress bar.
_SERIAL_CHUNK = 256
# Contiguous tasks per worker: enough for the workers to finish together (the
# last task is the idle tail), few enough that the tasks' own costs stay
# small: between two tasks a worker waits while its result goes through the
# pipe to this process, and it waits for the next one. Four per worker gave
# a higher speed-up than eight or sixteen in the HOG row of
# benchmarks/bench_parallel.py on two idle cores; more, shorter tasks only
# help when other processes slow one worker down.
_CHUNKS_PER_WORKER = 4
# A batch of images decoded and described together holds at most this many
# pixels (or one larger image) and at most 256 images: its OpenCV calls stay
# below the size at which OpenCV splits a call over its own threads, so, as
# for one image at a time, ``n_jobs`` says how many cores the work uses.
_BATCH_PIXELS = 1 << 16
_BATCH_IMAGES = 256


def _pickles_results_at_once():
    """Whether the active joblib backend runs tasks in worker processes of
    this machine that pickle each task's result as soon as it returns (loky,
    multiprocessing): there a worker can reuse one output buffer for all its
    tasks. Not so for threads (the caller reads the result later) or Dask
    (a worker keeps results until they are gathered)."""
    from joblib.parallel import get_active_backend

    backend = get_active_backend()[0]
    return type(backend).__name__ in ("LokyBackend", "MultiprocessingBackend")


# A worker process's reusable output buffer (see chunk_output): each fresh
# array of a chunk's size would be new memory, paid for with page faults.
_REUSED = threading.local()


def chunk_output(shape, caller_pid):
    """An uninitialised float32 array of ``shape`` for a chunk's rows.

    ``caller_pid`` is the pid of the process that called :func:`run_chunks`
    when its backend's workers pickle each result at once, else None. In
    such a worker (another process) the leading rows of the worker's
    previous buffer are reused when it is large enough (every row is
    written before the result leaves the worker).
    """
    if caller_pid is None or os.getpid() == caller_pid:
        return np.empty(shape, dtype=np.float32)
    buffer = getattr(_REUSED, "buffer", None)
    if buffer is None or buffer.shape[1] != shape[1] or len(buffer) < shape[0]:
        buffer = _REUSED.buffer = np.empty(shape, dtype=np.float32)
    return buffer[: shape[0]]


class _WrongLength(Exception):
    """Internal: a feature row of the wrong shape (index, part, shape)."""

    def __init__(self, index, part, shape):
        super().__init__(index, part, shape)
        self.index = index
        self.part = part
        self.shape = shape


def _unreadable(on_error, index, item, exc):
    """The reason an item is unreadable, or ``_IndexedError`` (``"raise"``)."""
    message = f"{describe_source(item)}: {exc.detail}"
    if on_error == "raise":
        raise _IndexedError(index, message)
    return message


def read_batches(items, first, on_error, limits):
    """Read ``items`` (positions ``first``, ``first + 1``, ...) in batches.

    ``limits``: :func:`read_limits`' settings, taken in the calling process.

    Yields ``(groups, failed)`` per batch: ``groups`` is a list of
    ``(positions, stack)``, ``stack`` an ``(n, H, W[, 3])`` array of the
    canonical images of equal shape and dtype at those positions (relative
    to ``first``); ``failed`` lists ``(position, reason)`` of the unreadable
    items, which are in no group under ``on_error="missing"`` and are a
    blank image under ``"blank"``; ``"raise"`` raises ``_IndexedError``.
    Encoded 8-bit colour images of one shape are finished together
    (:func:`_from_decoder_stack`); the images are exactly those of
    :func:`read_item`.
    """
    batch, pixels = [], 0
    for pos, item in enumerate(items):
        reason = None
        try:
            img, raw = _read(item, limits)
        except _ItemError as exc:
            reason = _unreadable(on_error, first + pos, item, exc)
            img, raw = (None if on_error == "missing" else BLANK.copy()), False
        size = 0 if img is None else img.shape[0] * img.shape[1]
        if batch and (pixels + size > _BATCH_PIXELS or len(batch) >= _BATCH_IMAGES):
            yield _group(batch)
            batch, pixels = [], 0
        batch.append((pos, img, raw, reason))
        pixels += size
    if batch:
        yield _group(batch)


def _group(batch):
    failed = [(pos, reason) for pos, _, _, reason in batch if reason is not None]
    by_key = {}
    for pos, img, raw, _ in batch:
        if img is not None:
            key = (raw, img.shape, img.dtype.str)
            by_key.setdefault(key, ([], []))
            by_key[key][0].append(pos)
            by_key[key][1].append(img)
    groups = []
    for (raw, _, _), (positions, images) in by_key.items():
        stack = np.stack(images)
        groups.append((positions, _from_decoder_stack(stack) if raw else stack))
    return groups, failed


def run_chunks(func, items, labels, *, width, n_jobs, verbose, desc, on_error):
    """Run ``func`` over contiguous chunks of ``items``; one float32 matrix.

    ``func(first, chunk, out, caller_pid)`` computes the ``(len(chunk),
    width)`` rows of the items at positions ``first``, ... into ``out`` (in
    a worker ``out`` is None and ``func`` takes ``chunk_output(shape,
    caller_pid)``) and returns ``(out, failed)``, ``failed`` listing
    ``(position, reason)`` of the unreadable items (NaN rows under
    ``on_error="missing"``). The chunks run through scikit-learn's
    :class:`~sklearn.utils.parallel.Parallel` (so ``joblib.parallel_backend``
    and :func:`sklearn.set_config` apply), a few balanced ones per worker,
    each sending its rows back as one array. Errors and the one
    :class:`ImageWarning` are raised here, in the calling process, as in
    :func:`run_items`: the error is the first failing row's, as in a serial
    loop, whichever worker fails first; ``_WrongLength`` is left to the
    caller.
    """
    from joblib import effective_n_jobs
    from sklearn.utils.parallel import Parallel, delayed

    n = len(items)
    out = np.empty((n, width), dtype=np.float32)
    failed = []
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc=desc, unit="sample", leave=False)
    try:
        n_workers = effective_n_jobs(n_jobs)
        if n_workers == 1 or n < 2:
            with quiet_opencv:
                for a in range(0, n, _SERIAL_CHUNK):
                    b = min(n, a + _SERIAL_CHUNK)
                    failed += func(a, items[a:b], out[a:b], None)[1]
                    if bar is not None:
                        bar.update(b - a)
        else:
            spans = chunk_spans(n, n_workers, _CHUNKS_PER_WORKER)
            # batch_size=1: the chunks are already balanced; joblib's automatic
            # batching, having timed a few short ones, would merge the rest
            # by twos and fours: long last tasks, an idle tail for the others
            parallel = Parallel(n_jobs=n_jobs, batch_size=1, return_as="generator")
            caller_pid = os.getpid() if _pickles_results_at_once() else None
            # the first failing chunk's error, as in the serial loop
            task = InOrderErrors(_Quietly(func), (_IndexedError, _WrongLength))
            results = parallel(
                delayed(task)(a, items[a:b], None, caller_pid) for a, b in spans
            )
            for (a, b), (rows, chunk_failed) in zip(spans, in_order(results)):
                out[a:b] = rows
                failed += chunk_failed
                if bar is not None:
                    bar.update(b - a)
    except _IndexedError as exc:
        raise ImageDecodeError(
            f"cannot read image at {describe_row(labels, exc.index)}, {exc.message}"
        ) from None
    finally:
        if bar is not None:
            bar.close()
    if failed:
        shown = describe_failures(labels, failed)
        if on_error == "missing":
            what = "left {} unreadable item(s) as missing rows (all NaN)"
        else:
            what = "substituted a blank image for {} unreadable item(s)"
        warn_at_caller(f"{desc}: {what.format(len(failed))}: {shown}", ImageWarning)
    return out
