"""Image feature extractors: HOG, raw pixels, colour histogram, and the
:class:`ImageFeatures` dispatcher over the ``"image_features"`` registry.

The extractors are built on :class:`~skmultimodal.image.ImageExtractor`:
each implements the features of one canonical image, and the base reads
raw items (path, bytes or array) one at a time inside the joblib workers,
so a column of paths is never decoded all at once and the output is the
only thing that grows with the number of images.
"""

from __future__ import annotations

import copy
import functools
import inspect
from fractions import Fraction

import cv2
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.validation import check_is_fitted

from skmultimodal.utils._parallel import warn_at_caller
from skmultimodal.utils._validation import (
    N_JOBS,
    Count,
    NamedMethodParams,
    check_column_name,
)

from ._base import ImageExtractor, _same
from ._io import (
    _GRAY_MATRIX,
    INTERPOLATIONS,
    resize,
    to_float,
    to_gray,
    to_rgb,
    to_uint8,
)
from ._transformers import (
    _COLUMN_ATTRS,
    _EXTRACTOR_PARAMS,
    _as_size,
    _check_size_param,
)


def _prepare(est, img):
    """Gray-then-resize or resize-then-RGB, as ``est.color`` says."""
    interpolation = INTERPOLATIONS[est.interpolation]
    size = _as_size(est.size)
    if est.color == "gray":
        return resize(to_gray(img), size, interpolation)
    return to_rgb(resize(img, size, interpolation))


# ------------------------------------------------------- batches of images
# The ``_extract_batch`` hooks of the built-in extractors describe a stack
# ``(n, H, W[, 3])`` of canonical images of one shape and dtype at once, with
# the very values ``_extract`` gives each image: every step is either per
# pixel (colour conversions, dtype changes), done on the images stacked into
# one tall image, or per image. ImageFeatureUnion uses them.
def _prepare_stack(est, stack):
    """:func:`_prepare` of each image of a stack, as a stack."""
    interpolation = INTERPOLATIONS[est.interpolation]
    size = _as_size(est.size)
    if est.color == "gray":
        return _resize_stack(_gray_stack(stack), size, interpolation)
    return _rgb_stack(_resize_stack(stack, size, interpolation))


def _gray_stack(stack):
    if stack.ndim == 3:
        return stack
    n, height, width, _ = stack.shape
    flat = stack.reshape(n * height, width, 3)
    return cv2.transform(flat, _GRAY_MATRIX).reshape(n, height, width)


def _rgb_stack(stack):
    if stack.ndim == 4:
        return stack
    return np.repeat(stack[..., np.newaxis], 3, axis=3)


def _uint8_stack(stack):
    if stack.dtype == np.uint8:
        return stack
    return (stack * 255.0 + 0.5).astype(np.uint8)


@functools.lru_cache(maxsize=256)
def _stacks_exactly(source, target):
    """Whether an area resize of images stacked vertically (``n * source``
    rows to ``n * target``) gives each image's own resize, bit for bit.

    It does when shrinking by a factor OpenCV computes exactly (``source /
    target`` a dyadic fraction, e.g. 72 -> 64 or 16): each output row then
    averages rows of its own image only, with the same weights, summed in
    the same order. Otherwise the images are resized one by one.
    """
    if source < target:
        return False
    ratio = Fraction(source, target)
    exact = ratio.denominator & (ratio.denominator - 1) == 0
    return exact and 1.0 / (target / source) == source / target


def _resize_stack(stack, size, interpolation):
    """:func:`resize` of each image of a stack, as a stack."""
    n, height, width = stack.shape[:3]
    if (height, width) == tuple(size):
        return stack
    if (
        n > 1
        and interpolation == cv2.INTER_AREA
        and width >= size[1]
        and _stacks_exactly(height, size[0])
    ):
        flat = stack.reshape((n * height, width) + stack.shape[3:])
        out = cv2.resize(flat, (size[1], n * size[0]), interpolation=interpolation)
        if stack.dtype.kind == "f":
            np.clip(out, 0.0, 1.0, out=out)
        return out.reshape((n, size[0], size[1]) + stack.shape[3:])
    return np.stack([resize(img, size, interpolation) for img in stack])


_PREP_PARAMS = """
    size : (int, int), default={size}
        Every image is resized to ``(height, width)`` (NumPy order): a
        tuple, list or integer array of two positive integers.

    color : {{"gray", "rgb"}}, default="gray"
        ``"gray"`` converts with the ITU-R 601 weights of :class:`Grayscale`
        before the resize (as ``Grayscale()`` then ``Resize(size)`` would);
        ``"rgb"`` keeps three channels (gray images are replicated).

    interpolation : {{"area", "linear", "nearest", "cubic", "lanczos"}}, \
default="area"
        OpenCV interpolation used by the resize (see :class:`Resize`)."""


# --------------------------------------------------------------------- HOG
@functools.lru_cache(maxsize=16)
def _hog_plan(size, pixels_per_cell, cells_per_block, orientations, gamma):
    """``(descriptor, window, order)`` for the OpenCV backend.

    One ``cv2.HOGDescriptor`` per parameter set and process: building one
    costs milliseconds, and it cannot be pickled, so it is never stored on
    the estimator (which is pickled to the joblib workers) but looked up
    here, in each process. ``window`` is OpenCV's ``(width, height)``: the
    size cropped to whole cells. ``order`` reorders OpenCV's vector, whose
    blocks and cells inside a block are column-major, into scikit-image's
    row-major order.
    """
    (ch, cw), (bh, bw) = pixels_per_cell, cells_per_block
    # HOGFeatures checks its parameters before it gets here; OpenCV itself
    # asserts, or crashes the process (nbins 0), on what is refused here.
    ok = orientations >= 1 and min(ch, cw, bh, bw) >= 1
    window = (size[1] // cw * cw, size[0] // ch * ch) if ok else (0, 0)
    if not ok or window[0] < bw * cw or window[1] < bh * ch:
        raise ValueError(
            f"no HOG descriptor for size={size}, pixels_per_cell="
            f"{pixels_per_cell}, cells_per_block={cells_per_block}, orientations="
            f"{orientations}: orientations must be >= 1 and the size must hold "
            "at least one block of cells."
        )
    descriptor = cv2.HOGDescriptor(
        window,  # winSize (width, height): the whole (cropped) image
        (bw * cw, bh * ch),  # blockSize
        (cw, ch),  # blockStride: one cell, as in scikit-image
        (cw, ch),  # cellSize
        orientations,  # nbins
        1,  # derivAperture
        1e9,  # winSigma: no Gaussian weighting inside blocks
        cv2.HOGDescriptor_L2Hys,
        0.2,  # L2HysThreshold
        gamma,  # gammaCorrection
        64,  # nlevels (unused by compute)
        False,  # signedGradient: orientations over 0-180 degrees
    )
    cells = [s // c for s, c in zip(size, pixels_per_cell)]
    (by, bx) = [n - b + 1 for n, b in zip(cells, cells_per_block)]
    order = (
        np.arange(by * bx * bh * bw * orientations)
        .reshape(bx, by, bw, bh, orientations)
        .transpose(1, 0, 3, 2, 4)
        .ravel()
    )
    order.setflags(write=False)
    return descriptor, window, order


def _hog_stack(descriptor, images):
    """OpenCV's HOG vector of each window-sized ``uint8`` image (gray or
    RGB) of a stack, in one ``compute`` call, with the values of one call
    per image.

    The images are stacked vertically, each followed by a few gap rows, and
    the descriptor reads one window per image. Only the row just outside an
    image enters its gradients, where OpenCV mirrors the image's own border
    rows (reflect-101): the gap's first row repeats the image's second-last
    row and its last row the next image's second row. The gap makes each
    image start on the block grid.
    """
    n, height = images.shape[:2]
    step = descriptor.blockStride[1]
    gap = -(height + 2) % step + 2
    if n == 1 or height < 2:
        return np.stack([descriptor.compute(img) for img in images])
    tall = np.empty((n, height + gap) + images.shape[2:], dtype=np.uint8)
    tall[:, :height] = images
    tall[:, height] = images[:, height - 2]
    tall[:-1, -1] = images[1:, 1]
    tall[-1, -1] = images[-1, height - 2]  # below the last image: unused
    locations = [(0, k * (height + gap)) for k in range(n)]
    flat = tall.reshape((n * (height + gap),) + images.shape[2:])
    return descriptor.compute(flat, locations=locations).reshape(n, -1)


class HOGFeatures(ImageExtractor):
    __doc__ = f"""Histogram of Oriented Gradients features of each image.

    Each image is read (see :class:`ImageReader`), resized to ``size``,
    converted to gray or kept RGB, and described by a HOG vector: gradient
    orientation histograms over ``pixels_per_cell`` cells, normalized over
    overlapping blocks of ``cells_per_block`` cells that slide by one cell.
    Two backends compute it:

    * ``"opencv"`` (default, fast): ``cv2.HOGDescriptor.compute``;
    * ``"skimage"`` (reference): ``skimage.feature.hog``.

    Both return the same number of features in the same order (blocks row
    by row, then cells row by row inside a block, then orientation bins; the
    OpenCV vector, which is column-major, is reordered). The values agree
    closely but not exactly: see Notes.

    Parameters
    ----------{_PREP_PARAMS.format(size="(64, 64)")}

    orientations : int, default=9
        Number of orientation bins over 0-180 degrees (unsigned gradients).

    pixels_per_cell : (int, int), default=(8, 8)
        Cell ``(height, width)`` in pixels (a tuple, list or integer
        array). Pixels beyond the last whole cell (when ``size`` is not a
        multiple) are ignored by both backends.

    cells_per_block : (int, int), default=(2, 2)
        Block ``(height, width)`` in cells (a tuple, list or integer array).

    block_norm : {{"L2-Hys", "L2", "L1", "L1-sqrt"}}, default="L2-Hys"
        Block normalization. The OpenCV backend supports only ``"L2-Hys"``
        (L2, clip at 0.2, L2 again); the others need ``backend="skimage"``.
        (OpenCV 4 exposes ``L2HysThreshold`` but its ``compute`` ignores
        it, so plain L2 cannot be had from it.)

    transform_sqrt : bool, default=False
        Square-root (gamma) compression of the image before the gradients.

    backend : {{"opencv", "skimage"}}, default="opencv"
        Implementation, see above.
{_EXTRACTOR_PARAMS}

    Attributes
    ----------
    n_features_out_ : int
        Length of the HOG vector:
        ``blocks_y * blocks_x * cells_per_block[0] * cells_per_block[1] *
        orientations`` with ``blocks = size // pixels_per_cell -
        cells_per_block + 1``.
{_COLUMN_ATTRS}

    See Also
    --------
    ImageFeatures : choose the extractor by name (``method="hog"``).

    Notes
    -----
    Parameter mapping to ``cv2.HOGDescriptor`` (OpenCV sizes are
    ``(width, height)``)::

        winSize          = size cropped to whole cells
        blockSize        = cells_per_block * pixels_per_cell
        blockStride      = pixels_per_cell   (blocks slide by one cell)
        cellSize         = pixels_per_cell
        nbins            = orientations
        derivAperture    = 1
        winSigma         = 1e9  (no Gaussian weighting; OpenCV's default
                                 weights pixels near the block centre)
        histogramNormType= L2Hys
        L2HysThreshold   = 0.2
        gammaCorrection  = transform_sqrt
        signedGradient   = False (0-180 degrees, like scikit-image)

    Both use centred ``[-1, 0, 1]`` gradients and, for RGB, the channel with
    the largest gradient magnitude. The differences that remain: OpenCV
    splits each gradient's vote between the two nearest orientation bins
    and, spatially, between neighbouring cells (trilinear interpolation);
    scikit-image gives each pixel to one bin of its own cell. OpenCV
    reflects the image at the border for the gradients where scikit-image
    uses zero gradients on the outermost pixels. OpenCV works on ``uint8``
    (float images are scaled by 255). On the emoji data the per-image
    Pearson correlation of the two vectors is about 0.88 on average and
    every L2-Hys block has unit-or-smaller L2 norm under both.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import HOGFeatures
    >>> rng = np.random.default_rng(0)
    >>> images = [rng.integers(0, 256, (40, 30, 3), dtype=np.uint8) for _ in range(3)]
    >>> HOGFeatures(size=(32, 32)).fit_transform(images).shape
    (3, 324)
    """

    _parameter_constraints: dict = {
        **ImageExtractor._parameter_constraints,
        "size": "no_validation",  # the sizes are checked by _check_size_param
        "color": [StrOptions({"gray", "rgb"})],
        "interpolation": [StrOptions(set(INTERPOLATIONS))],
        "orientations": [Count(1, None, closed="left")],
        "pixels_per_cell": "no_validation",
        "cells_per_block": "no_validation",
        "block_norm": [StrOptions({"L2-Hys", "L2", "L1", "L1-sqrt"})],
        "transform_sqrt": ["boolean"],
        "backend": [StrOptions({"opencv", "skimage"})],
    }
    _feature_prefix = "hog"

    def __init__(
        self,
        *,
        size=(64, 64),
        color="gray",
        interpolation="area",
        orientations=9,
        pixels_per_cell=(8, 8),
        cells_per_block=(2, 2),
        block_norm="L2-Hys",
        transform_sqrt=False,
        backend="opencv",
        on_error="raise",
        n_jobs=None,
        verbose=0,
    ):
        self.size = size
        self.color = color
        self.interpolation = interpolation
        self.orientations = orientations
        self.pixels_per_cell = pixels_per_cell
        self.cells_per_block = cells_per_block
        self.block_norm = block_norm
        self.transform_sqrt = transform_sqrt
        self.backend = backend
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self):
        for name in ("size", "pixels_per_cell", "cells_per_block"):
            _check_size_param(getattr(self, name), name, type(self).__name__)
        if self.backend == "opencv" and self.block_norm != "L2-Hys":
            raise ValueError(
                f"block_norm={self.block_norm!r} needs backend='skimage'; the "
                "OpenCV backend supports only 'L2-Hys'."
            )
        size, cell, block = self._sizes()
        cells = [s // c for s, c in zip(size, cell)]
        blocks = [n - b + 1 for n, b in zip(cells, block)]
        if min(blocks) < 1:
            raise ValueError(
                f"size={size} holds {cells[0]}x{cells[1]} cells of "
                f"{cell} pixels, fewer than one block of "
                f"cells_per_block={block}; use a larger size or "
                "smaller cells."
            )
        return blocks[0] * blocks[1] * block[0] * block[1] * int(self.orientations)

    def _sizes(self):
        """``size``, ``pixels_per_cell`` and ``cells_per_block`` as checked
        pairs of Python ints (they may be given as lists or arrays)."""
        return (
            _as_size(self.size),
            _as_size(self.pixels_per_cell),
            _as_size(self.cells_per_block),
        )

    def _opencv_hog(self):
        """The cached ``(descriptor, window, order)`` of :func:`_hog_plan`."""
        return _hog_plan(
            *self._sizes(), int(self.orientations), bool(self.transform_sqrt)
        )

    def _extract(self, image):
        img = _prepare(self, image)
        if self.backend == "opencv":
            descriptor, window, order = self._opencv_hog()
            if img.shape[1] != window[0] or img.shape[0] != window[1]:
                img = img[: window[1], : window[0]]
            return descriptor.compute(to_uint8(img))[order]
        from skimage.feature import hog

        _, cell, block = self._sizes()
        return hog(
            img,
            orientations=int(self.orientations),
            pixels_per_cell=cell,
            cells_per_block=block,
            block_norm=self.block_norm,
            transform_sqrt=self.transform_sqrt,
            feature_vector=True,
            channel_axis=None if img.ndim == 2 else -1,
        )

    def _extract_batch(self, images):
        if self.backend != "opencv":
            return np.stack([self._extract(img) for img in images])
        img = _prepare_stack(self, images)
        descriptor, window, order = self._opencv_hog()
        if img.shape[2] != window[0] or img.shape[1] != window[1]:
            img = img[:, : window[1], : window[0]]
        return _hog_stack(descriptor, _uint8_stack(img))[:, order]


# ------------------------------------------------------------------ pixels
class PixelFeatures(ImageExtractor):
    __doc__ = f"""Raw pixel intensities of each resized image, in [0, 1].

    Each image is read (see :class:`ImageReader`), resized to ``size``,
    converted to gray or kept RGB, scaled to [0, 1] and flattened in
    row-major ``(row, column[, channel])`` order.

    Parameters
    ----------{_PREP_PARAMS.format(size="(16, 16)")}
{_EXTRACTOR_PARAMS}

    Attributes
    ----------
    n_features_out_ : int
        ``height * width`` (gray) or ``height * width * 3`` (RGB).
{_COLUMN_ATTRS}

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import PixelFeatures
    >>> X = PixelFeatures(size=(2, 2)).fit_transform([np.full((5, 5), 255, np.uint8)])
    >>> X.tolist()
    [[1.0, 1.0, 1.0, 1.0]]
    """

    _parameter_constraints: dict = {
        **ImageExtractor._parameter_constraints,
        "size": "no_validation",  # checked by _check_size_param
        "color": [StrOptions({"gray", "rgb"})],
        "interpolation": [StrOptions(set(INTERPOLATIONS))],
    }
    _feature_prefix = "pixel"

    def __init__(
        self,
        *,
        size=(16, 16),
        color="gray",
        interpolation="area",
        on_error="raise",
        n_jobs=None,
        verbose=0,
    ):
        self.size = size
        self.color = color
        self.interpolation = interpolation
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self):
        _check_size_param(self.size, "size", type(self).__name__)
        height, width = _as_size(self.size)
        return height * width * (1 if self.color == "gray" else 3)

    def _extract(self, image):
        return to_float(_prepare(self, image)).reshape(-1)

    def _extract_batch(self, images):
        img = _prepare_stack(self, images).reshape(len(images), -1)
        if img.dtype != np.uint8:
            return img.astype(np.float32, copy=False)
        out = img.astype(np.float32)
        out /= np.float32(255.0)
        return out


_ARRAY_PREP = _PREP_PARAMS.format(size="(64, 64)").replace(
    'default="gray"', 'default="rgb"'
)


class ImageArray(PixelFeatures):
    __doc__ = f"""The decoded images themselves, for a network that learns from pixels.

    Each image is read (see :class:`ImageReader`), resized to ``size``, kept
    RGB (or made gray), scaled to [0, 1] and flattened in row-major
    ``(row, column, channel)`` order, exactly as :class:`PixelFeatures`.
    What differs is what it declares: its class attribute
    ``image_output = True`` tells :class:`~skmultimodal.fusion.ModalityFusion`
    that the branch's block is an *image block* of shape ``image_shape_``,
    which ``MultimodalAttentionClassifier`` turns into patch tokens with a
    learned convolutional stem, instead of a block of features.

    Parameters
    ----------{_ARRAY_PREP}
{_EXTRACTOR_PARAMS}

    Attributes
    ----------
    image_shape_ : tuple of (int, int, int)
        ``(height, width, channels)`` of every output row.
    n_features_out_ : int
        ``height * width * channels``.
{_COLUMN_ATTRS}

    See Also
    --------
    skmultimodal.make_multimodal_pipeline : ``image_tokens=True`` puts this
        extractor in the image branch.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import ImageArray
    >>> est = ImageArray(size=(8, 8)).fit([np.zeros((20, 20, 3), np.uint8)])
    >>> est.image_shape_, est.n_features_out_
    ((8, 8, 3), 192)
    """

    image_output = True
    _feature_prefix = "px"

    def __init__(
        self,
        *,
        size=(64, 64),
        color="rgb",
        interpolation="area",
        on_error="raise",
        n_jobs=None,
        verbose=0,
    ):
        super().__init__(
            size=size,
            color=color,
            interpolation=interpolation,
            on_error=on_error,
            n_jobs=n_jobs,
            verbose=verbose,
        )

    def fit(self, X, y=None):
        """Check the parameters and the column; set ``image_shape_``.

        Parameters
        ----------
        X : column of images
            Paths, encoded bytes or arrays (see :class:`ImageReader`).
        y : None
            Ignored.

        Returns
        -------
        self : ImageArray
        """
        super().fit(X, y)
        channels = 1 if self.color == "gray" else 3
        self.image_shape_ = (int(self.size[0]), int(self.size[1]), channels)
        return self


# --------------------------------------------------------- colour histogram
@functools.lru_cache(maxsize=64)
def _histogram_codes(bins, first_high):
    """A ``(256, 1, 3)`` ``uint8`` table for ``cv2.LUT``: value ``v`` of
    channel ``c`` maps to ``c * bins`` plus the bin ``cv2.calcHist`` puts it
    in (``bins`` equal bins over ``[0, first_high)`` for the first channel,
    ``[0, 256)`` for the others), or to 255 when it falls outside the range.

    The bins are read from ``cv2.calcHist`` itself, on the 256 values in
    order: they are non-decreasing in the value, so the counts give each
    value's bin exactly. Needs ``3 * bins <= 255``.
    """
    values = np.arange(256, dtype=np.uint8).reshape(1, 256)
    table = np.full((256, 1, 3), 255, np.uint8)
    for c, high in enumerate((first_high, 256, 256)):
        counts = cv2.calcHist([values], [0], None, [bins], [0, high]).ravel()
        bin_of = np.repeat(np.arange(bins), counts.astype(np.intp))
        table[: len(bin_of), 0, c] = c * bins + bin_of
    return table


class ColorHistogram(ImageExtractor):
    __doc__ = f"""Per-channel colour histograms of each image (fractions of pixels).

    Each image is read (see :class:`ImageReader`; alpha composited on white,
    gray replicated to three channels, float scaled to ``uint8``), and for
    each channel the fraction of pixels falling in each of ``bins`` equal
    bins is computed; the three histograms are concatenated, so each sums
    to 1. No resize is needed: fractions do not depend on the image size.

    Parameters
    ----------
    bins : int, default=8
        Bins per channel.

    color_space : {{"rgb", "hsv"}}, default="rgb"
        Channels to histogram: R, G, B (each over 0-255) or OpenCV's H
        (0-180), S, V.
{_EXTRACTOR_PARAMS}

    Attributes
    ----------
    n_features_out_ : int
        ``3 * bins``; names are ``hist_r0``... (or ``hist_h0``...).
{_COLUMN_ATTRS}

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import ColorHistogram
    >>> red = np.zeros((4, 4, 3), np.uint8)
    >>> red[..., 0] = 255
    >>> ColorHistogram(bins=2).fit_transform([red]).tolist()
    [[0.0, 1.0, 1.0, 0.0, 1.0, 0.0]]
    """

    _parameter_constraints: dict = {
        **ImageExtractor._parameter_constraints,
        "bins": [Count(1, 256, closed="both")],
        "color_space": [StrOptions({"rgb", "hsv"})],
    }
    _feature_prefix = "hist_"

    def __init__(
        self, *, bins=8, color_space="rgb", on_error="raise", n_jobs=None, verbose=0
    ):
        self.bins = bins
        self.color_space = color_space
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self):
        return 3 * int(self.bins)

    def _extract(self, image):
        img = to_uint8(to_rgb(image))
        ranges = [0, 256, 0, 256, 0, 256]
        if self.color_space == "hsv":
            img = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)  # H in [0, 180)
            ranges[:2] = [0, 180]
        n_pixels = np.float32(img.shape[0] * img.shape[1])
        parts = [
            cv2.calcHist([img], [c], None, [int(self.bins)], ranges[2 * c : 2 * c + 2])
            for c in range(3)
        ]
        return np.concatenate(parts).ravel() / n_pixels

    def _extract_batch(self, images):
        img = _uint8_stack(_rgb_stack(images))
        n, height, width, _ = img.shape
        bins = int(self.bins)
        if n > 256 and 3 * bins > 255:  # the image index below is 8-bit
            return np.concatenate(
                [self._extract_batch(images[a : a + 256]) for a in range(0, n, 256)]
            )
        flat = img.reshape(n * height, width, 3)
        ranges = [0, 256, 0, 256, 0, 256]
        if self.color_space == "hsv":
            flat = cv2.cvtColor(flat, cv2.COLOR_RGB2HSV)  # H in [0, 180)
            ranges[:2] = [0, 180]
        if 3 * bins <= 255:
            # Each channel value becomes its bin's place in the output row
            # (one table lookup over the stack), then one 1-D histogram per
            # image counts the three channels at once.
            codes = cv2.LUT(flat, _histogram_codes(bins, ranges[1]))
            codes = codes.reshape(n, height, width * 3)
            counts = np.stack(
                [
                    cv2.calcHist([image], [0], None, [3 * bins], [0, 3 * bins])[:, 0]
                    for image in codes
                ]
            )
            return counts / np.float32(height * width)
        # One 2-D histogram per channel: (image index, channel value); the
        # bins of the channel are those of the 1-D histogram of _extract.
        index = np.repeat(np.arange(n, dtype=np.uint8), height * width)
        index = index.reshape(n * height, width)
        parts = [
            cv2.calcHist(
                [index, flat],
                [0, 1 + c],
                None,
                [n, int(self.bins)],
                [0, n, *ranges[2 * c : 2 * c + 2]],
            )
            for c in range(3)
        ]
        return np.concatenate(parts, axis=1) / np.float32(height * width)

    def get_feature_names_out(self, input_features=None):
        """Output feature names ``hist_<channel><bin>``.

        Parameters
        ----------
        input_features : None
            Ignored (the input is a column of images).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        channels = "rgb" if self.color_space == "rgb" else "hsv"
        return np.asarray(
            [
                f"{self._feature_prefix}{c}{k}"
                for c in channels
                for k in range(self.bins)
            ],
            dtype=object,
        )


# --------------------------------------------------------------- dispatcher
def _keyword_only_by_position(init):
    """``init`` (``ImageFeatures.__init__``) still taking its keyword-only
    parameters after ``method`` by position: deprecated, with a FutureWarning
    that names the class and the keyword call to write instead, pointing at
    the caller's line; an error from 0.3. ``functools.wraps`` keeps the
    signature that ``get_params`` and ``clone`` read (``clone`` passes
    keywords, so it never warns)."""
    keyword_only = [
        name
        for name, param in inspect.signature(init).parameters.items()
        if param.kind == param.KEYWORD_ONLY
    ]

    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        extra = args[1:]
        if not extra or len(extra) > len(keyword_only):
            return init(self, *args, **kwargs)  # too many: Python's TypeError
        named = dict(zip(keyword_only, extra))
        cls = type(self).__name__
        if twice := sorted(named.keys() & kwargs.keys()):
            raise TypeError(f"{cls}() got multiple values for argument {twice[0]!r}")
        call = ", ".join([repr(args[0])] + [f"{k}={v!r}" for k, v in named.items()])
        *rest, last = named
        passed = f"{', '.join(rest)} and {last}" if rest else last
        warn_at_caller(
            f"Passing {passed} to {cls} by position is deprecated "
            f"and will be an error in 0.3: write {cls}({call}).",
            FutureWarning,
        )
        return init(self, args[0], **named, **kwargs)

    return wrapper


class ImageFeatures(NamedMethodParams, TransformerMixin, BaseEstimator):
    """Image features from an extractor chosen by name or given as an estimator.

    Parameters
    ----------
    method : str or transformer, default="hog"
        A name in the ``"image_features"`` registry (built in: ``"hog"``,
        ``"pixels"``, ``"color_histogram"``, ``"keras"`` (a pretrained
        backbone, :class:`KerasFeatures`); plugins add more, see
        ``skmultimodal.plugins.get_registry("image_features").names()``), or
        an extractor instance, whose parameters are then reachable as
        ``method__<param>`` (e.g. in a grid search).

    method_params : dict, default=None
        Parameters for the extractor (e.g. ``{"on_error": "missing"}``):
        those of the registered class when ``method`` is a name; with an
        instance ``method`` they are applied with ``set_params`` to its
        clone (the instance itself is left as it is). A key that is not a
        parameter of the extractor is a ValueError naming the valid ones.
        Keyword-only: passing it by position is deprecated (FutureWarning)
        and will be an error in 0.3.

    n_jobs : int, default=None
        When not None, passed to the extractor (if it has ``n_jobs``).

    verbose : int, default=0
        When not 0, passed to the extractor (if it has ``verbose``).

    Attributes
    ----------
    extractor_ : transformer
        The fitted extractor.

    n_features_out_ : int
        Number of output features.

    n_features_in_ : int
        Always 1: one column of images.

    feature_names_in_ : ndarray of shape (1,)
        The column name, when fitted on a one-column DataFrame with a string
        column name (the extractor checks it at ``transform``).

    See Also
    --------
    HOGFeatures, PixelFeatures, ColorHistogram : the built-in extractors.

    Notes
    -----
    Parameters changed with ``set_params`` after fit (``method_params``,
    ``method__<param>``, ``n_jobs``, ``verbose``) are checked and used by
    :meth:`transform`, on a copy of the fitted extractor, as the extractor
    on its own uses them (a change in its number of features needs a
    refit); a changed ``method`` (another name or class) is refused there:
    refit.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import ImageFeatures
    >>> images = [np.zeros((8, 8, 3), np.uint8), np.ones((9, 7), np.uint8)]
    >>> est = ImageFeatures("color_histogram", method_params={"bins": 4})
    >>> est.fit_transform(images).shape
    (2, 12)
    """

    _parameter_constraints: dict = {
        "method": [str, HasMethods(["fit", "transform"])],
        "method_params": [dict, None],
        "n_jobs": N_JOBS,
        "verbose": ["verbose"],
    }

    @_keyword_only_by_position
    def __init__(self, method="hog", *, method_params=None, n_jobs=None, verbose=0):
        self.method = method
        self.method_params = method_params
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _make_extractor(self):
        from skmultimodal.plugins import get_registry

        extractor = get_registry("image_features").create(
            self.method, self.method_params
        )
        own = extractor.get_params(deep=False)
        if self.n_jobs is not None and "n_jobs" in own:
            extractor.set_params(n_jobs=self.n_jobs)
        if self.verbose and "verbose" in own:
            extractor.set_params(verbose=self.verbose)
        return extractor

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Build the extractor and fit it.

        Parameters
        ----------
        X : column of images
            Paths, encoded bytes or arrays (see :class:`ImageReader`).
        y : array-like, default=None
            Passed to the extractor's ``fit``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        extractor = self._make_extractor()
        extractor.fit(X, y)
        self.extractor_ = extractor
        self.n_features_out_ = len(extractor.get_feature_names_out())
        check_column_name(self, X, reset=True)
        return self

    def _current_extractor(self):
        """The fitted extractor, or a copy of it with the parameters changed
        with ``set_params`` since fit applied, as the extractor built now
        would have them; a changed ``method`` is refused (refit)."""
        check_is_fitted(self)
        self._validate_params()
        fitted = self.extractor_
        now = self._make_extractor()
        if type(now) is not type(fitted):
            raise ValueError(
                f"ImageFeatures: method changed since fit (the fitted extractor is "
                f"{type(fitted).__name__}, method now gives {type(now).__name__}); "
                "refit it."
            )
        at_fit = fitted.get_params(deep=False)
        changed = {
            key: value
            for key, value in now.get_params(deep=False).items()
            if not _same(value, at_fit.get(key))
        }
        return copy.copy(fitted).set_params(**changed) if changed else fitted

    def transform(self, X):
        """Features of each image from the fitted extractor.

        Parameters
        ----------
        X : column of images
            Paths, encoded bytes or arrays (see :class:`ImageReader`).

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out_)
        """
        return self._current_extractor().transform(X)

    def get_feature_names_out(self, input_features=None):
        """The extractor's feature names (with the parameters changed since
        fit, as :meth:`transform` uses them).

        Parameters
        ----------
        input_features : None
            Ignored (the input is a column of images).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        extractor = self._current_extractor()
        return np.asarray(extractor.get_feature_names_out(), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = []
        return tags
