"""Local binary pattern texture histograms as an skmultimodal image extractor."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from skimage.feature import local_binary_pattern
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from skmultimodal.image import ImageExtractor, resize_image, to_gray

__all__ = ["LBPFeatures", "n_lbp_bins"]


def n_lbp_bins(P: int, method: str) -> int:
    """Number of distinct codes ``local_binary_pattern`` returns.

    Parameters
    ----------
    P : int
        Number of circular neighbours.
    method : {"default", "ror", "uniform", "nri_uniform"}
        The LBP variant.

    Returns
    -------
    int
        ``P + 2`` for ``"uniform"``, ``P * (P - 1) + 3`` for
        ``"nri_uniform"``, ``2 ** P`` otherwise.
    """
    if method == "uniform":
        return P + 2
    if method == "nri_uniform":
        return P * (P - 1) + 3
    return 2**P


def _to_uint8(img: np.ndarray) -> np.ndarray:
    # Rounds half to even in float64 (not skmultimodal.image.to_uint8's
    # float32 half-up rounding), as this plugin always has: its features of
    # float images stay exactly the same.
    if img.dtype == np.uint8:
        return img
    return np.clip(np.rint(np.asarray(img, dtype=np.float64) * 255.0), 0, 255).astype(
        np.uint8
    )


class LBPFeatures(ImageExtractor):
    """Local binary pattern (LBP) texture histograms of images.

    Each image is read, converted to gray (ITU-R 601, as
    :class:`skmultimodal.image.Grayscale`), resized to ``size`` (area
    interpolation, as :class:`skmultimodal.image.Resize`), and turned
    into LBP codes with :func:`skimage.feature.local_binary_pattern`. The
    image is split into a ``grid`` of cells and the normalised histogram of
    codes of each cell is one block of the output, so the features describe
    texture and, coarsely, where it is.

    Parameters
    ----------
    P : int, default=8
        Number of circularly symmetric neighbours.
    R : float, default=1.0
        Radius of the circle, in pixels.
    method : {"uniform", "nri_uniform", "ror", "default"}, default="uniform"
        LBP variant (see scikit-image). ``"uniform"`` gives ``P + 2`` rotation
        invariant bins, ``"nri_uniform"`` ``P * (P - 1) + 3``, ``"ror"`` and
        ``"default"`` ``2 ** P``.
    grid : tuple of (int, int), default=(2, 2)
        Cells per column and per row; one histogram per cell.
    size : tuple of (int, int), default=(64, 64)
        Every image is resized to ``(height, width)`` first.
    on_error : {"raise", "blank", "missing"}, default="raise"
        An unreadable item raises :class:`skmultimodal.image.ImageDecodeError`
        naming the row and the source, is replaced by a blank white image
        (``"blank"``), or gives a row of NaN (``"missing"``), with one
        :class:`skmultimodal.image.ImageWarning` in both cases;
        :class:`skmultimodal.fusion.ModalityFusion` treats a row of NaN as a
        missing image under its missing-value policy.
    n_jobs : int, default=None
        joblib workers used to read, resize and describe the images.
    verbose : int, default=0
        Progress bar counting images when greater than 0.

    Attributes
    ----------
    n_bins_ : int
        Histogram bins per cell.
    n_features_out_ : int
        ``grid[0] * grid[1] * n_bins_``.
    n_features_in_ : int
        Always 1: one column of images.
    feature_names_in_ : ndarray of shape (1,)
        The column name, when fitted on a one-column DataFrame with a string
        column name; a DataFrame with another one is refused by
        :meth:`transform` (a ValueError, as in scikit-learn).

    See Also
    --------
    skmultimodal.image.ImageFeatures : Use this as ``method="lbp"``.
    skmultimodal.image.HOGFeatures : Gradient-orientation features.

    Notes
    -----
    Built on :class:`skmultimodal.image.ImageExtractor`: each item (path,
    bytes or array, with every item type and error rule of skmultimodal) is
    read and described inside the joblib workers, one image at a time, so
    a column of paths is never decoded all at once.

    References
    ----------
    .. [1] T. Ojala, M. Pietikäinen, T. Mäenpää. "Multiresolution gray-scale
       and rotation invariant texture classification with local binary
       patterns". IEEE TPAMI 24(7), 2002.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal_lbp import LBPFeatures
    >>> rng = np.random.RandomState(0)
    >>> images = [rng.randint(0, 256, (20, 20), dtype=np.uint8) for _ in range(3)]
    >>> features = LBPFeatures(grid=(1, 2), size=(16, 16)).fit_transform(images)
    >>> features.shape
    (3, 20)
    >>> bool(np.allclose(features[:, :10].sum(axis=1), 1.0))
    True
    """

    # on_error, n_jobs and verbose: merged in from ImageExtractor
    _parameter_constraints: dict = {
        "P": [Interval(Integral, 1, 24, closed="both")],
        "R": [Interval(Real, 0, None, closed="neither")],
        "method": [StrOptions({"uniform", "nri_uniform", "ror", "default"})],
        "grid": [tuple],
        "size": [tuple],
    }

    def __init__(
        self,
        P=8,
        R=1.0,
        *,
        method="uniform",
        grid=(2, 2),
        size=(64, 64),
        on_error="raise",
        n_jobs=None,
        verbose=0,
    ):
        self.P = P
        self.R = R
        self.method = method
        self.grid = grid
        self.size = size
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_pair(self, value, name, upper=None):
        if (
            len(value) != 2
            or not all(isinstance(v, Integral) and v >= 1 for v in value)
            or (upper is not None and any(v > u for v, u in zip(value, upper)))
        ):
            bound = f" and at most {upper}" if upper is not None else ""
            raise ValueError(
                f"LBPFeatures: {name} must be a tuple of two positive "
                f"integers{bound}, got {value!r}"
            )

    def _check_params(self):
        self._check_pair(self.size, "size")
        self._check_pair(self.grid, "grid", upper=self.size)
        if self.method in ("default", "ror") and self.P > 16:
            raise ValueError(
                f"LBPFeatures: method={self.method!r} has 2**P bins per cell; "
                f"P={self.P} is too large (use P <= 16 or method='uniform')"
            )
        self.n_bins_ = n_lbp_bins(self.P, self.method)
        return self.grid[0] * self.grid[1] * self.n_bins_

    def _extract(self, image):
        gray = resize_image(to_gray(image), self.size)
        codes = local_binary_pattern(_to_uint8(gray), self.P, self.R, self.method)
        codes = codes.astype(np.int64)
        out = []
        for band in np.array_split(codes, self.grid[0], axis=0):
            for cell in np.array_split(band, self.grid[1], axis=1):
                counts = np.bincount(cell.ravel(), minlength=self.n_bins_)
                out.append(counts / max(cell.size, 1))
        return np.concatenate(out)

    def get_feature_names_out(self, input_features=None):
        """``lbp_c<row>_<col>_b<bin>`` for every cell and bin.

        Parameters
        ----------
        input_features : None
            Ignored (the input is a column of images).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        return np.asarray(
            [
                f"lbp_c{i}_{j}_b{b}"
                for i in range(self.grid[0])
                for j in range(self.grid[1])
                for b in range(self.n_bins_)
            ],
            dtype=object,
        )
