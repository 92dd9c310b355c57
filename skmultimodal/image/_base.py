"""The public base class of feature extractors that describe one image at a time."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from skmultimodal.utils import describe_row
from skmultimodal.utils._validation import N_JOBS, check_column_name

from ._io import (
    BLANK,
    _ItemError,
    _unreadable,
    _WrongLength,
    chunk_output,
    image_column,
    read_item,
    read_limits,
    run_chunks,
)
from ._transformers import _COLUMN_ATTRS, _EXTRACTOR_PARAMS

__all__ = ["ImageExtractor"]


class _ExtractChunk:
    """Per-chunk callable shipped to the joblib workers: read each item of a
    contiguous chunk and write the extractor's ``_extract`` row into one
    float32 array, the chunk's single result. It pickles as the error policy
    plus the bound method, i.e. the estimator itself, and the reading limits
    in force where it is made (the calling process)."""

    def __init__(self, on_error, extract, n_features):
        self.on_error = on_error
        self.extract = extract
        self.n_features = n_features
        self.limits = read_limits()

    def __call__(self, first, items, out=None, caller_pid=None):
        if out is None:
            out = chunk_output((len(items), self.n_features), caller_pid)
        expected = (self.n_features,)
        failed = []
        for k, item in enumerate(items):
            try:
                img = read_item(item, self.limits)
            except _ItemError as exc:
                failed.append(
                    (first + k, _unreadable(self.on_error, first + k, item, exc))
                )
                if self.on_error == "missing":
                    out[k] = np.nan
                    continue
                img = BLANK.copy()
            row = self.extract(img)
            if getattr(row, "shape", None) != expected and np.shape(row) != expected:
                raise _WrongLength(first + k, None, np.shape(row))
            out[k] = row
        return out, failed


def _same(a, b):
    """Whether two parameter values are equal (arrays element-wise)."""
    try:
        return a is b or bool(np.array_equal(a, b) if np.ndim(a) else a == b)
    except Exception:  # values that cannot be compared count as changed
        return False


class ImageExtractor(TransformerMixin, BaseEstimator, metaclass=ABCMeta):
    __doc__ = f"""Base class for feature extractors that describe each image on its own.

    Subclass it to write an image feature extractor (a plugin, or your
    own): declare the parameters and implement two small hooks; reading,
    errors, parallelism and the scikit-learn API come from this class.
    :class:`HOGFeatures`, :class:`PixelFeatures` and
    :class:`ColorHistogram` are built on it.

    A subclass provides:

    ``__init__``
        Keyword parameters with defaults, each stored unchanged under its
        own name, including ``on_error``, ``n_jobs`` and ``verbose``
        (scikit-learn's rule, so ``get_params``, ``clone`` and GridSearchCV
        work). A subclass without parameters of its own can omit it.
    ``_parameter_constraints`` (optional)
        Constraints of its own parameters (``Interval``, ``StrOptions``,
        ...); they are merged with those of the base classes, so
        ``on_error``, ``n_jobs`` and ``verbose`` need not be repeated.
    ``_check_params(self) -> int``
        Check what the constraints cannot (relations between parameters)
        by raising ``ValueError``, and return the number of output
        features. Called by :meth:`fit`, after the constraints, and again
        (with them) by :meth:`transform`, so that a parameter changed with
        ``set_params`` after fit is refused there too: keep it cheap.
    ``_extract(self, image) -> ndarray``
        The features of **one** image as a 1-D array of that length.
        ``image`` is canonical: ``uint8``, or ``float32`` with values in
        [0, 1], of shape ``(H, W)`` (gray) or ``(H, W, 3)`` (RGB order,
        alpha already composited on white). It may share memory with the
        user's input: never write to it. :func:`to_gray`, :func:`to_rgb`,
        :func:`to_uint8`, :func:`to_float` and :func:`resize_image` do the
        usual preparation.
    ``_feature_prefix`` (optional)
        Class attribute: output names are ``<prefix>0``, ``<prefix>1``,
        ...; the default is the lower-case class name. Override
        :meth:`get_feature_names_out` for other names.

    Parameters
    ----------{_EXTRACTOR_PARAMS}

    Attributes
    ----------
    n_features_out_ : int
        Number of output features (what ``_check_params`` returned).
{_COLUMN_ATTRS}

    See Also
    --------
    HOGFeatures, PixelFeatures, ColorHistogram : extractors built on it.
    ImageFeatures : choose a registered extractor by name.

    Notes
    -----
    :meth:`transform` reads each item (path, encoded bytes or array) and
    calls ``_extract`` on it inside the joblib workers, one image at a
    time, so a column of paths is never decoded all at once: only the
    output matrix grows with the number of images. The items go to the
    workers in a few contiguous chunks per worker, and each chunk's rows
    come back as one float32 array. With ``n_jobs`` other
    than 1 the bound method ``self._extract`` is pickled, with the
    estimator, to the workers: keep the estimator's attributes picklable.
    Objects that cannot be pickled or are costly to build (an OpenCV
    descriptor, a lookup table) belong in a per-process cache, e.g. a
    module-level function decorated with :func:`functools.lru_cache` and
    keyed by the parameters.

    With ``on_error="missing"`` an unreadable item gives a row of NaN in
    the output (and one :class:`ImageWarning` naming every such row):
    :class:`~skmultimodal.fusion.ModalityFusion` and
    :class:`~skmultimodal.fusion.LateFusionClassifier` treat an all-NaN
    row as a missing modality, and scikit-learn's scalers pass it through.
    Failures come back from the workers as return values, so the warning is
    issued in the calling process whatever ``n_jobs``.

    ``fit`` reads no image: the features are fixed functions of each image.
    An extractor that learns from the data overrides ``fit`` and calls
    ``super().fit(X, y)`` first.

    Examples
    --------
    >>> import numpy as np
    >>> from numbers import Real
    >>> from skmultimodal.image import ImageExtractor, to_float, to_rgb
    >>> class MeanColor(ImageExtractor):
    ...     _parameter_constraints = {{"scale": [Real]}}
    ...     _feature_prefix = "mean_"
    ...
    ...     def __init__(self, *, scale=1.0, on_error="raise", n_jobs=None, verbose=0):
    ...         self.scale = scale
    ...         self.on_error = on_error
    ...         self.n_jobs = n_jobs
    ...         self.verbose = verbose
    ...
    ...     def _check_params(self):
    ...         return 3
    ...
    ...     def _extract(self, image):
    ...         return to_float(to_rgb(image)).mean(axis=(0, 1)) * self.scale
    >>> red = np.zeros((4, 4, 3), np.uint8)
    >>> red[..., 0] = 255
    >>> est = MeanColor(scale=2.0).fit([red])
    >>> est.transform([red, np.zeros((3, 3), np.uint8)]).tolist()
    [[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    >>> est.get_feature_names_out().tolist()
    ['mean_0', 'mean_1', 'mean_2']
    """

    _parameter_constraints: dict = {
        "on_error": [StrOptions({"raise", "blank", "missing"})],
        "n_jobs": N_JOBS,
        "verbose": ["verbose"],
    }
    _feature_prefix = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A subclass declares the constraints of its own parameters; those
        # of its bases are merged in (its own win on a shared name).
        merged = {}
        for klass in reversed(cls.__mro__):
            merged.update(vars(klass).get("_parameter_constraints", {}))
        cls._parameter_constraints = merged

    def __init__(self, *, on_error="raise", n_jobs=None, verbose=0):
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    @abstractmethod
    def _check_params(self) -> int:
        """Check the parameters; return the number of output features."""

    @abstractmethod
    def _extract(self, image: np.ndarray) -> np.ndarray:
        """The 1-D feature row of one canonical image."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and that ``X`` is a non-empty column of images.

        Images are not read here: the features are fixed functions of each
        image, so nothing is learned from the data.

        Parameters
        ----------
        X : column of images
            Paths, encoded bytes or arrays (see :class:`ImageReader`).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted extractor.
        """
        n_features = self._check_params()
        image_column(X)
        check_column_name(self, X, reset=True)
        self.n_features_out_ = int(n_features)
        self._fit_params = self.get_params(deep=False)
        return self

    def _check_fitted_params(self):
        """Check the parameters again before features are computed: the
        constraints and ``_check_params``, so that a parameter changed with
        ``set_params`` since fit is refused as :meth:`fit` refuses it, and
        that the number of features is still the fitted one."""
        check_is_fitted(self)
        self._validate_params()
        n_features = self._check_params()
        if n_features != self.n_features_out_:
            fitted = getattr(self, "_fit_params", {})
            changed = [
                name
                for name, value in self.get_params(deep=False).items()
                if name in fitted and not _same(value, fitted[name])
            ]
            what = ", ".join(changed) or "its parameters"
            raise ValueError(
                f"{type(self).__name__}: {what} changed since fit (the fitted "
                f"extractor gives {self.n_features_out_} features; now "
                f"{n_features}); refit it."
            )

    def transform(self, X):
        """Compute the features of each image.

        Parameters
        ----------
        X : column of images
            Paths, encoded bytes or arrays; a Series, one-column DataFrame,
            list, 1-D object array or an ``(n, H, W[, C])`` stack.

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out_), dtype=float32
            One row per image; all NaN for an unreadable one under
            ``on_error="missing"``.
        """
        self._check_fitted_params()
        items, labels = image_column(X)
        check_column_name(self, X, reset=False)
        name = type(self).__name__
        try:
            return run_chunks(
                _ExtractChunk(self.on_error, self._extract, self.n_features_out_),
                items,
                labels,
                width=self.n_features_out_,
                n_jobs=self.n_jobs,
                verbose=self.verbose,
                desc=name,
                on_error=self.on_error,
            )
        except _WrongLength as exc:
            raise ValueError(
                f"{name}._extract returned an array of shape {exc.shape} for the "
                f"image at {describe_row(labels, exc.index)}; expected shape "
                f"({self.n_features_out_},) (the number of features "
                "_check_params returned)."
            ) from None

    def get_feature_names_out(self, input_features=None):
        """Output feature names ``<prefix>0``, ``<prefix>1``, ...

        Parameters
        ----------
        input_features : None
            Ignored (the input is a column of images).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        prefix = self._feature_prefix
        if prefix is None:
            prefix = type(self).__name__.lower()
        return np.asarray(
            [f"{prefix}{k}" for k in range(self.n_features_out_)], dtype=object
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = []
        return tags
