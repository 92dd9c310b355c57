"""Image-to-image transformers: read, grayscale, resize, binarize, normalize.

Each takes a column of images (paths, encoded bytes or arrays, see
:class:`ImageReader`) and returns a 1-D object array of images, one per row.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import cv2
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
)
from sklearn.utils._set_output import ADAPTERS_MANAGER, _get_output_config
from sklearn.utils.validation import check_is_fitted

from skmultimodal.utils._validation import N_JOBS, check_column_name, one_name_out

from ._io import (
    INTERPOLATIONS,
    ItemFunction,
    image_column,
    pixel_limit_name,
    read_limits,
    resize,
    run_items,
    to_gray,
    to_uint8,
)

#: Pillow's default ``PIL.Image.MAX_IMAGE_PIXELS`` (a quarter of a GiB of
#: 24-bit pixels)
_PILLOW_MAX_PIXELS = 1024 * 1024 * 1024 // 4 // 3


def _check_size_param(size, name, owner):
    """Check a ``(height, width)`` parameter at fit, as scikit-learn checks
    parameters: any length-2 sequence (tuple, list, 1-D integer array) of
    positive integers. Bools are refused although Python counts them as
    integers (OpenCV does not)."""
    ok = (
        isinstance(size, (Sequence, np.ndarray))
        and not isinstance(size, (str, bytes))
        and getattr(size, "ndim", 1) == 1
        and len(size) == 2
        and all(
            isinstance(v, numbers.Integral)
            and not isinstance(v, (bool, np.bool_))
            and v >= 1
            for v in size
        )
    )
    if not ok:
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be a (height, width) pair "
            "of positive integers (a tuple, list or integer array of length 2; "
            f"not bools). Got {size!r} instead."
        )
    # every image is made this size: no larger than an image may be read
    # (a limit lowered below Pillow's default, to refuse files, does not
    # make a 16 x 16 resize too large)
    max_pixels, source = read_limits()[1], pixel_limit_name()
    if max_pixels is not None and max_pixels < _PILLOW_MAX_PIXELS:
        max_pixels, source = _PILLOW_MAX_PIXELS, "Pillow's default limit"
    if max_pixels is not None and int(size[0]) * int(size[1]) > max_pixels:
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} asks for images of "
            f"{int(size[0])} x {int(size[1])} = {int(size[0]) * int(size[1]):,} "
            f"pixels, more than the {max_pixels:,} an image may have "
            f"({source}). Give a smaller {name}, or raise that limit."
        )


def _as_size(size):
    """A checked ``size`` (see :func:`_check_size_param`) as two Python ints."""
    return int(size[0]), int(size[1])


def _object_array(results):
    out = np.empty(len(results), dtype=object)
    for k, r in enumerate(results):
        out[k] = r
    return out


class _Apply(ItemFunction):
    def __init__(self, on_error, func, copy):
        super().__init__(on_error)
        self.func = func
        self.copy = copy

    def __call__(self, i, item):
        out = super().__call__(i, item)
        if (
            self.copy
            and isinstance(item, np.ndarray)
            and np.may_share_memory(out, item)
        ):
            out = out.copy()
        return out

    def process(self, img):
        return self.func(img)


class _ImageTransformer(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Shared machinery: stateless fit, per-item work through joblib, and a
    ``set_output`` that accepts every setting and leaves images as they are."""

    def __init_subclass__(cls, **kwargs):
        # a class keyword, not inherited: else each subclass's fit_transform
        # would wrap its images in a DataFrame under set_config(transform_output)
        super().__init_subclass__(auto_wrap_output_keys=None, **kwargs)

    _parameter_constraints: dict = {
        "on_error": [StrOptions({"raise", "blank"})],
        "n_jobs": N_JOBS,
        "verbose": ["verbose"],
    }

    def _check_params(self):
        """Check what the constraints cannot; called by :meth:`fit` and again
        by :meth:`transform`, with the constraints, so that a parameter
        changed with ``set_params`` after fit is refused as at fit."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and that ``X`` is a non-empty column of images.

        Images are not read here: the transformer learns nothing from data.

        Parameters
        ----------
        X : column of images
            See :class:`ImageReader` for the accepted items and containers.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self._check_params()
        image_column(X)
        check_column_name(self, X, reset=True)
        self._fitted = True
        return self

    def __sklearn_is_fitted__(self):
        return getattr(self, "_fitted", False)

    def transform(self, X):
        """Read each image and apply the transformation.

        Parameters
        ----------
        X : column of images
            Paths, encoded bytes or arrays; a Series, one-column DataFrame,
            list, 1-D object array or an ``(n, H, W[, C])`` stack.

        Returns
        -------
        images : ndarray of shape (n_samples,), dtype=object
            One array per row (see the class description for its layout).
        """
        check_is_fitted(self)
        self._validate_params()
        self._check_params()
        items, labels = image_column(X)
        check_column_name(self, X, reset=False)
        func = _Apply(self.on_error, self._process, copy=True)
        results = run_items(
            func,
            items,
            labels,
            n_jobs=self.n_jobs,
            verbose=self.verbose,
            desc=type(self).__name__,
        )
        out = _object_array(results)
        if _get_output_config("transform", self)["dense"] == "pandas":
            # one column of images, keeping the rows' index (as TextCleaner)
            index = X.index if isinstance(X, (pd.Series, pd.DataFrame)) else None
            return pd.Series(
                out, index=index, name=self.get_feature_names_out()[0], dtype=object
            )
        return out

    def _process(self, img):
        return img

    def get_feature_names_out(self, input_features=None):
        """Name of the single output column (images in, images out).

        So that pipelines can name their output: in
        ``make_pipeline(Grayscale(), PixelFeatures())`` the names come from
        the final feature extractor.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Checked as scikit-learn's one-to-one transformers check it: one
            name, equal to ``feature_names_in_`` when that is set; returned.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``input_features``, else the fitted column name, else
            ``["image"]``.

        Raises
        ------
        ValueError
            When ``input_features`` does not hold one name, or differs from
            the column name seen in :meth:`fit`.
        """
        return one_name_out(self, input_features, "image")

    def set_output(self, *, transform=None):
        """Choose the container of the column of images :meth:`transform`
        gives.

        The output is one image per row, not a table, so no setting turns
        it into a DataFrame: ``"pandas"`` gives a :class:`pandas.Series` of
        images keeping the input's index (as
        ``sklearn.set_config(transform_output="pandas")`` does), so that a
        feature extractor after it keeps the index too; ``"default"`` and
        ``"polars"`` (which has no index) give the 1-D object array. The
        method also lets scikit-learn's ``Pipeline.set_output`` (and
        ``FeatureUnion``'s, ``ColumnTransformer``'s) work through this step
        and configure the steps that do output a table, such as the feature
        extractors.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            Checked like scikit-learn's own ``set_output`` values. None
            leaves the configuration unchanged.

        Returns
        -------
        self : object
            This transformer.

        Raises
        ------
        ValueError
            If ``transform`` is not None, "default", "pandas" or "polars".
        """
        supported = ADAPTERS_MANAGER.supported_outputs
        if transform is not None and (
            not isinstance(transform, str) or transform not in supported
        ):
            raise ValueError(
                f"{type(self).__name__}.set_output: transform must be None or "
                f"one of {sorted(supported)}, got {transform!r}."
            )
        if transform is not None:
            if not hasattr(self, "_sklearn_output_config"):
                self._sklearn_output_config = {}
            self._sklearn_output_config["transform"] = transform
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.requires_fit = True
        tags.transformer_tags.preserves_dtype = []
        return tags


_ON_ERROR_DOC = """
    on_error : {{{options}}}, default="raise"
        What to do with an item that cannot be read (missing file, a path
        that is not a regular file or is a URL, a file over
        ``skmultimodal.image.MAX_FILE_BYTES``, bytes that are not an image,
        truncated PNG/JPEG data, an image declaring more pixels than
        ``PIL.Image.MAX_IMAGE_PIXELS`` or whose size cannot be read from its
        header under that limit, zero-size image, unsupported array shape
        or dtype, missing value): ``"raise"`` raises
        :class:`ImageDecodeError` naming the row and the source;
        ``"blank"`` uses a blank white image instead and emits one
        :class:`ImageWarning` with the same details.{more}"""

_ATTRIBUTES_DOC = """

    Attributes
    ----------
    n_features_in_ : int
        Always 1: one column of images.
    feature_names_in_ : ndarray of shape (1,)
        The column name, when fitted on a one-column DataFrame with a string
        column name; :meth:`get_feature_names_out` passes it on (else
        ``"image"``). A DataFrame with another column name is refused by
        ``transform`` (a ValueError, as in scikit-learn)."""

_JOBS_DOC = """
    n_jobs : int, default=None
        Number of joblib workers for the per-image work (``None`` means 1
        unless in a :func:`joblib.parallel_backend` context, ``-1`` all
        cores).

    verbose : int, default=0
        Show a progress bar counting images when greater than 0."""

# Image-to-image transformers: an unreadable item has no image to stand for
# it other than the blank one, so "missing" is not offered.
_COMMON_PARAMS = _ON_ERROR_DOC.format(options='"raise", "blank"', more="") + _JOBS_DOC

#: The column-name attributes of every image estimator, for its docstring.
_COLUMN_ATTRS = """
    n_features_in_ : int
        Always 1: one column of images.

    feature_names_in_ : ndarray of shape (1,)
        The column name, when fitted on a one-column DataFrame with a string
        column name; a DataFrame with another one is refused by
        :meth:`transform` (a ValueError, as in scikit-learn)."""

# Feature extractors: a missing row is a row of NaN.
_EXTRACTOR_PARAMS = (
    _ON_ERROR_DOC.format(
        options='"raise", "blank", "missing"',
        more="""
        ``"missing"`` makes the item's output row all NaN (a missing row,
        as the fusion composites and scikit-learn's imputers and scalers
        understand it) and emits the same warning.""",
    )
    + _JOBS_DOC
)


class ImageReader(_ImageTransformer):
    __doc__ = f"""Read and decode images into RGB or gray arrays.

    Each item of the column is a file path (``str`` or path-like, any
    Unicode), the encoded bytes of an image file (PNG, JPEG, BMP, TIFF,
    WebP, ... as OpenCV decodes them) or an array of shape ``(H, W)``,
    ``(H, W, 1)``, ``(H, W, 2)`` (gray + alpha, composited to gray),
    ``(H, W, 3)`` or ``(H, W, 4)`` with dtype ``uint8``,
    ``uint16`` or float (values in [0, 1]). Images in one column may have
    different sizes. Arrays are read as **RGB(A)**; decoded files are
    converted from OpenCV's BGR order to RGB.

    Every output image is ``(H, W)`` for gray sources or ``(H, W, 3)`` RGB:
    an alpha channel is composited on white, 16-bit data is scaled to
    ``uint8`` (``round(v * 255 / 65535)``), ``uint8`` stays ``uint8`` and
    float stays float (``float32``). Inputs are never modified; the output
    never shares memory with them. A decoded file is turned upright by its
    EXIF orientation tag, as ``cv2.imread`` and image viewers do (a phone
    photo stored sideways is read as it is shown).

    Of a file with several frames (an animated GIF, a multi-page TIFF) the
    first frame is read, silently. Only local files are read: a path that
    is a URL (``https://...``, ``s3://...``) is an unreadable item, as is
    anything but a regular file (a directory, device or pipe), a file
    larger than ``skmultimodal.image.MAX_FILE_BYTES`` (256 MiB; raise it, or
    set it to None, to read larger files) and encoded data that declares
    more pixels than Pillow's decompression-bomb limit
    ``PIL.Image.MAX_IMAGE_PIXELS`` (checked from the header, before
    decoding: data whose size cannot be read from its header is refused
    too; None means no limit). The limits in force when ``transform`` is
    called apply, in every worker. A file that decodes to float values
    outside [0, 1] (a high-dynamic-range image: HDR, PFM, OpenEXR) is
    unreadable too: convert it to 8 or 16 bits first. Data after a
    complete PNG or JPEG image (a phone's trailer) is ignored; a PNG's
    ``tRNS`` transparent colour is composited on white like alpha. Arrays
    may have either byte order.

    Parameters
    ----------{_COMMON_PARAMS}{_ATTRIBUTES_DOC}

    See Also
    --------
    Grayscale, Resize : further steps that also accept raw items.
    HOGFeatures, PixelFeatures, ColorHistogram : read images themselves,
        one at a time, so a column of paths is never decoded all at once.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import ImageReader
    >>> rgba = np.zeros((2, 3, 4), dtype=np.uint8)  # fully transparent
    >>> out = ImageReader().fit_transform([rgba, np.zeros((4, 4), np.uint16)])
    >>> out[0].shape, int(out[0].min()), out[1].dtype
    ((2, 3, 3), 255, dtype('uint8'))
    """

    def __init__(self, *, on_error="raise", n_jobs=None, verbose=0):
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose


class Grayscale(_ImageTransformer):
    __doc__ = f"""Convert images to gray with the ITU-R 601 luma weights.

    ``gray = 0.2989 R + 0.5870 G + 0.1140 B`` computed in floating point;
    ``uint8`` images are rounded to the nearest integer and stay ``uint8``,
    float images stay float. Gray images pass through unchanged. Accepts
    the items :class:`ImageReader` accepts; the output is a 1-D object array
    of ``(H, W)`` arrays.

    Parameters
    ----------{_COMMON_PARAMS}{_ATTRIBUTES_DOC}

    See Also
    --------
    ImageReader : the accepted items and the RGB/alpha rules.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import Grayscale
    >>> red = np.zeros((1, 1, 3), np.float32)
    >>> red[..., 0] = 1.0
    >>> gray = Grayscale().fit_transform([red])[0]
    >>> round(float(gray[0, 0]), 4)
    0.2989
    """

    def __init__(self, *, on_error="raise", n_jobs=None, verbose=0):
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _process(self, img):
        return to_gray(img)


class Resize(_ImageTransformer):
    __doc__ = f"""Resize images to a fixed size with OpenCV.

    Parameters
    ----------
    size : (int, int), default=(64, 64)
        Output ``(height, width)`` in pixels (NumPy order, not OpenCV's
        ``(width, height)``): a tuple, list or integer array of two positive
        integers. Anything else (bools, floats, another length) is refused
        by :meth:`fit` with an error naming ``size``.

    interpolation : {{"area", "linear", "nearest", "cubic", "lanczos"}}, \
default="area"
        OpenCV interpolation (``cv2.INTER_AREA`` etc.). ``"area"`` is the
        best choice for shrinking; cubic and Lanczos results of float images
        are clipped to [0, 1].
{_COMMON_PARAMS}{_ATTRIBUTES_DOC}

    See Also
    --------
    ImageReader : the accepted items and the RGB/alpha rules.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import Resize
    >>> out = Resize(size=(4, 6)).fit_transform([np.zeros((10, 10, 3), np.uint8)])
    >>> out[0].shape
    (4, 6, 3)
    """

    _parameter_constraints: dict = {
        **_ImageTransformer._parameter_constraints,
        "size": "no_validation",  # checked by _check_size_param
        "interpolation": [StrOptions(set(INTERPOLATIONS))],
    }

    def __init__(
        self,
        size=(64, 64),
        *,
        interpolation="area",
        on_error="raise",
        n_jobs=None,
        verbose=0,
    ):
        self.size = size
        self.interpolation = interpolation
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self):
        _check_size_param(self.size, "size", type(self).__name__)

    def _process(self, img):
        return resize(img, _as_size(self.size), INTERPOLATIONS[self.interpolation])


class Binarize(_ImageTransformer):
    __doc__ = f"""Threshold images into black (0) and white (255).

    Colour images are first converted with :class:`Grayscale`'s formula.
    A pixel is white when its intensity, on the [0, 1] scale (``uint8``
    divided by 255), is strictly greater than the threshold. The output is
    ``uint8`` ``(H, W)`` with values 0 and 255, so it is itself a valid
    image for the other steps.

    Parameters
    ----------
    threshold : float in [0, 1] or "otsu", default="otsu"
        Fixed threshold, or ``"otsu"`` to choose one per image with Otsu's
        method (OpenCV's ``THRESH_OTSU`` on the 8-bit intensities; the split
        of :func:`skimage.filters.threshold_otsu`, whose threshold for a
        constant image is its value: such an image becomes all black).
{_COMMON_PARAMS}{_ATTRIBUTES_DOC}

    See Also
    --------
    skimage.filters.threshold_otsu : the reference implementation.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import Binarize
    >>> img = np.array([[10, 200], [30, 220]], dtype=np.uint8)
    >>> Binarize().fit_transform([img])[0].tolist()
    [[0, 255], [0, 255]]
    """

    _parameter_constraints: dict = {
        **_ImageTransformer._parameter_constraints,
        "threshold": [
            Interval(numbers.Real, 0, 1, closed="both"),
            StrOptions({"otsu"}),
        ],
    }

    def __init__(self, threshold="otsu", *, on_error="raise", n_jobs=None, verbose=0):
        self.threshold = threshold
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _process(self, img):
        gray = to_gray(img)
        if isinstance(self.threshold, str):
            gray = to_uint8(gray)
            low, high = cv2.minMaxLoc(gray)[:2]
            if low == high:  # Otsu's threshold of a flat image is its value
                return np.zeros(gray.shape, np.uint8)
            _, out = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
            return out
        if gray.dtype == np.uint8:  # each of the 256 values compared exactly
            white = np.arange(256) / 255.0 > self.threshold
            return np.where(white, 255, 0).astype(np.uint8)[gray]
        return np.where(gray > self.threshold, 255, 0).astype(np.uint8)


class Normalize(_ImageTransformer):
    __doc__ = f"""Rescale image intensities to float.

    Parameters
    ----------
    method : {{"scale", "minmax", "standardize"}}, default="scale"
        ``"scale"``: ``uint8`` divided by 255 into [0, 1] (float images are
        kept). ``"minmax"``: each image stretched to span [0, 1] (a constant
        image becomes all zeros). ``"standardize"``: each image shifted and
        scaled to mean 0 and standard deviation 1 (a constant image becomes
        all zeros); its values leave [0, 1], so it is a final step, not an
        input to the other image steps.
{_COMMON_PARAMS}{_ATTRIBUTES_DOC}

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import Normalize
    >>> img = np.array([[0, 51], [102, 255]], dtype=np.uint8)
    >>> Normalize().fit_transform([img])[0].tolist()
    [[0.0, 0.20000000298023224], [0.4000000059604645, 1.0]]
    """

    _parameter_constraints: dict = {
        **_ImageTransformer._parameter_constraints,
        "method": [StrOptions({"scale", "minmax", "standardize"})],
    }

    def __init__(self, method="scale", *, on_error="raise", n_jobs=None, verbose=0):
        self.method = method
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _process(self, img):
        out = img.astype(np.float32)
        if img.dtype == np.uint8:
            out /= np.float32(255.0)
        if self.method == "minmax":
            lo, hi = out.min(), out.max()
            out -= lo
            if hi > lo:
                out /= hi - lo
        elif self.method == "standardize":
            out -= out.mean()
            std = out.std()
            if std > 0:
                out /= std
        return out
