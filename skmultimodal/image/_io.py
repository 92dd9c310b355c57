"""Reading one image item (path, encoded bytes or array) into a canonical array.

Canonical images are ``uint8`` or ``float32`` (values in [0, 1]) arrays of
shape ``(H, W)`` (gray) or ``(H, W, 3)`` (RGB). Alpha is composited on white
(gray + alpha stays gray), 16-bit data is scaled to ``uint8`` and decoded BGR
data is turned into RGB.
"""

from __future__ import annotations

import numbers
import os
import threading
import warnings

import cv2
import numpy as np

from skmultimodal.utils import as_column, describe_failures, describe_row, is_missing
from skmultimodal.utils._errors import RowError
from skmultimodal.utils._parallel import InOrderErrors, chunk_spans, in_order

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
# A blank image is white, the colour transparent pixels are composited on.
BLANK = np.full((1, 1, 3), 255, dtype=np.uint8)
BLANK.setflags(write=False)


def describe_source(item) -> str:
    """A short description of an item for error messages."""
    if isinstance(item, (str, os.PathLike)):
        return f"path {os.fspath(item)!r}"
    if isinstance(item, (bytes, bytearray, memoryview)):
        return f"{len(item)} bytes"
    if isinstance(item, np.ndarray):
        return f"array of shape {item.shape} and dtype {item.dtype}"
    text = repr(item)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"value {text} of type {type(item).__name__}"


def _check_complete(buf) -> None:
    """Refuse PNG and JPEG data whose end marker is missing (a truncated file).

    Depending on the codec and where the file was cut, OpenCV either decodes
    such data partially (filling the rest) or fails with a library message
    on stderr; the marker check is cheap and gives one clear reason.
    """
    head = buf[:8].tobytes()
    if head.startswith(_PNG_SIGNATURE):
        if b"IEND" not in buf[-64:].tobytes():
            raise _ItemError("truncated PNG data (no IEND chunk at the end)")
    elif head.startswith(_JPEG_SIGNATURE):
        if b"\xff\xd9" not in buf[-64:].tobytes():
            raise _ItemError("truncated JPEG data (no end-of-image marker)")


def _is_gray_alpha_png(buf) -> bool:
    """Whether ``buf`` is a PNG of colour type 4 (gray + alpha), which OpenCV
    decodes as four channels (the gray value three times, then alpha)."""
    return (
        buf.size > 25
        and buf[:8].tobytes() == _PNG_SIGNATURE
        and buf[12:16].tobytes() == b"IHDR"
        and int(buf[25]) == 4
    )


def _decode_raw(buf) -> np.ndarray:
    """Encoded data -> the decoder's array (gray, gray + alpha, BGR or BGRA
    order, any depth); a gray + alpha PNG comes back as its two channels."""
    if buf.size == 0:
        raise _ItemError("empty data (0 bytes)")
    _check_complete(buf)
    try:
        img = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    except cv2.error as exc:  # pragma: no cover - depends on the codec
        raise _ItemError(f"cannot decode image data ({exc.err})") from None
    if img is None:
        raise _ItemError("not a decodable image (unknown format or corrupt data)")
    if img.ndim == 3 and img.shape[2] == 4 and _is_gray_alpha_png(buf):
        img = cv2.merge([cv2.extractChannel(img, 0), cv2.extractChannel(img, 3)])
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


def _decode(buf) -> np.ndarray:
    return _from_decoder(_decode_raw(buf))


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


def _to_canonical(img: np.ndarray) -> np.ndarray:
    """Check dtype/shape and return a canonical image (may be ``img`` itself)."""
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
            raise _ItemError("float image contains NaN or infinite values")
        if lo < -1e-6 or hi > 1.0 + 1e-6:
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


def _read_bytes(item) -> np.ndarray:
    """The encoded data of a path or bytes item as a ``uint8`` buffer."""
    if isinstance(item, (bytes, bytearray, memoryview)):
        return np.frombuffer(item, dtype=np.uint8)
    try:
        with open(item, "rb") as f:
            return np.frombuffer(f.read(), dtype=np.uint8)
    except FileNotFoundError:
        raise _ItemError("file not found") from None
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise _ItemError(f"cannot read file ({type(exc).__name__})") from None
    except ValueError as exc:  # a NUL byte or an unencodable character
        raise _ItemError(f"invalid file path ({exc})") from None


def _read(item):
    """``(image, raw)``: a canonical image (``raw`` False), or the decoder's
    8-bit 3- or 4-channel array (``raw`` True: BGR(A) order, alpha not yet
    composited), which :func:`_from_decoder_stack` finishes for a stack of
    them at once. ``_ItemError`` on failure."""
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
        img = _decode_raw(_read_bytes(item))
        if img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] in (3, 4):
            return img, True
        return _to_canonical(_from_decoder(img)), False
    raise _ItemError(
        f"unsupported item type {type(item).__name__}: expected a file path, "
        "encoded image bytes or a numpy array"
    )


def read_item(item) -> np.ndarray:
    """Decode one item into a canonical image; ``_ItemError`` on failure.

    The result may share memory with an array item: callers never write to it.
    """
    img, raw = _read(item)
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
            else type(img).__name__
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
    Raises ValueError when there are no images.
    """
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
    """

    def __init__(self, on_error):
        self.on_error = on_error

    def process(self, img):  # pragma: no cover - overridden
        raise NotImplementedError

    def __call__(self, i, item):
        try:
            img = read_item(item)
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
        results = parallel_map(
            func, items, n_jobs=n_jobs, verbose=verbose, desc=desc, catch=_IndexedError
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
        warnings.warn(
            f"{desc}: {what.format(len(failed))}: {shown}", ImageWarning, stacklevel=3
        )
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


def read_batches(items, first, on_error):
    """Read ``items`` (positions ``first``, ``first + 1``, ...) in batches.

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
            img, raw = _read(item)
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
            task = InOrderErrors(func, (_IndexedError, _WrongLength))
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
        warnings.warn(
            f"{desc}: {what.format(len(failed))}: {shown}", ImageWarning, stacklevel=3
        )
    return out
