"""Several image feature extractors fed from one decoding of each image."""

from __future__ import annotations

import copy

import numpy as np
from sklearn.base import TransformerMixin, _fit_context, clone
from sklearn.utils import Bunch
from sklearn.utils._repr_html.estimator import _VisualBlock
from sklearn.utils.metaestimators import _BaseComposition
from sklearn.utils.validation import check_is_fitted

from skmultimodal.utils import describe_row
from skmultimodal.utils._validation import check_column_name, type_name

from ._base import ImageExtractor, _same
from ._features import ImageFeatures
from ._io import (
    _WrongLength,
    chunk_output,
    image_column,
    read_batches,
    read_limits,
    run_chunks,
)
from ._transformers import _COLUMN_ATTRS, _EXTRACTOR_PARAMS

__all__ = ["ImageFeatureUnion"]


class _UnionChunk:
    """Per-chunk callable: read each item of a contiguous chunk once and hand
    the same canonical image to every extractor; their rows, side by side,
    fill one float32 array, the chunk's single result. Images are read and
    described in small batches of equal shape: an extractor with a batch
    hook (the built-ins) describes a batch at once, with the values its
    ``_extract`` gives each image; the others get one image at a time."""

    def __init__(self, on_error, extractors, widths):
        self.on_error = on_error
        self.extractors = extractors
        self.widths = widths
        self.limits = read_limits()  # those of the calling process

    def __call__(self, first, items, out=None, caller_pid=None):
        if out is None:
            out = chunk_output((len(items), sum(self.widths)), caller_pid)
        hooks = [_batch_hook(est) for est in self.extractors]
        failed = []
        for groups, unreadable in read_batches(
            items, first, self.on_error, self.limits
        ):
            for pos, reason in unreadable:
                failed.append((first + pos, reason))
                if self.on_error == "missing":
                    out[pos] = np.nan
            for positions, stack in groups:
                rows = _rows(positions)
                start = 0
                for part, (est, hook, width) in enumerate(
                    zip(self.extractors, hooks, self.widths)
                ):
                    stop = start + width
                    if hook is not None:
                        block = hook(stack)
                        if block.shape != (len(positions), width):
                            raise _WrongLength(
                                first + positions[0], part, block.shape[1:]
                            )
                        out[rows, start:stop] = block
                    else:
                        for pos, img in zip(positions, stack):
                            row = est._extract(img)
                            if np.shape(row) != (width,):
                                raise _WrongLength(first + pos, part, np.shape(row))
                            out[pos, start:stop] = row
                    start = stop
        return out, failed


def _rows(positions):
    """A slice for consecutive positions, else the positions themselves."""
    if positions[-1] - positions[0] == len(positions) - 1:
        return slice(positions[0], positions[-1] + 1)
    return positions


def _batch_hook(est):
    """``est._extract_batch`` when the class that gives ``est`` its
    ``_extract`` also gives it that hook (a subclass that overrides only
    ``_extract`` is described one image at a time), else None."""
    for klass in type(est).__mro__:
        own = vars(klass)
        if "_extract" in own or "_extract_batch" in own:
            if "_extract" in own and "_extract_batch" in own:
                return est._extract_batch
            return None
    return None


class ImageFeatureUnion(TransformerMixin, _BaseComposition):
    __doc__ = f"""Concatenate image feature extractors, decoding each image once.

    Like :class:`~sklearn.pipeline.FeatureUnion` over image extractors, but
    each item (path, encoded bytes or array) is read into one canonical
    image, which every extractor then describes: a union of three
    extractors decodes each file once instead of three times. The output
    columns are the extractors' features side by side, in the order of
    ``transformer_list``, with the same values as the extractors give on
    their own.

    Parameters
    ----------
    transformer_list : list of (str, estimator) tuples
        The extractors, each named: an :class:`ImageExtractor` (the
        built-ins :class:`HOGFeatures`, :class:`PixelFeatures`,
        :class:`ColorHistogram`, or a plugin's), an :class:`ImageFeatures`
        whose extractor is one, or ``"drop"`` to leave it out. Their
        parameters are reachable as ``<name>__<param>`` (``get_params``,
        ``set_params``, grid searches); an extractor's parameter changed
        after fit is checked and used at ``transform``, as by the extractor
        on its own (a change in its number of features, or in the list of
        extractors, needs a refit). Their own ``on_error``, ``n_jobs``
        and ``verbose`` are not used: the union's apply to the single read.
{_EXTRACTOR_PARAMS}

    Attributes
    ----------
    transformers_ : list of (str, estimator) tuples
        The fitted extractors (clones; ``"drop"`` ones left out).

    named_transformers_ : :class:`~sklearn.utils.Bunch`
        The fitted extractors by name.

    n_features_out_ : int
        Total number of output features.
{_COLUMN_ATTRS}

    See Also
    --------
    sklearn.pipeline.FeatureUnion : the general union (each part reads the
        images again).
    ImageExtractor : the base class the extractors are built on.

    Notes
    -----
    Reading, errors and parallelism are those of :class:`ImageExtractor`:
    one pass over the items, each read once (in ``n_jobs`` workers), one
    :class:`ImageWarning` for the unreadable ones; with
    ``on_error="missing"`` their output row is all NaN across every
    extractor's columns. An extractor's ``fit`` is called on ``X`` as
    usual (the built-ins read no image there).

    The items are read and described in small batches: images of one shape
    are decoded, converted and, for the built-in extractors, described
    together (colour conversions, alpha compositing, area resizes, HOG's
    descriptor and the histograms' bin lookups run once on the batch
    stacked into one tall image), with
    exactly the values each extractor gives on its own, one image at a
    time. Other extractors get one image at a time, as on their own.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import (
    ...     ColorHistogram, HOGFeatures, ImageFeatureUnion, PixelFeatures)
    >>> union = ImageFeatureUnion(
    ...     [
    ...         ("hog", HOGFeatures(size=(16, 16))),
    ...         ("color_histogram", ColorHistogram(bins=4, color_space="hsv")),
    ...         ("pixels", PixelFeatures(size=(4, 4), color="rgb")),
    ...     ]
    ... )
    >>> images = [np.zeros((20, 24, 3), np.uint8), np.full((18, 18), 200, np.uint8)]
    >>> union.fit_transform(images).shape
    (2, 96)
    >>> names = union.get_feature_names_out()
    >>> names[0], names[36], names[-1]
    ('hog__0', 'color_histogram__h0', 'pixels__47')
    >>> union.set_params(hog__orientations=6).get_params()["hog__orientations"]
    6
    """

    _parameter_constraints: dict = {
        "transformer_list": [list],
        **ImageExtractor._parameter_constraints,
    }

    def __init__(self, transformer_list, *, on_error="raise", n_jobs=None, verbose=0):
        self.transformer_list = transformer_list
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def get_params(self, deep=True):
        """Parameters of the union and, with ``deep``, of its extractors.

        Parameters
        ----------
        deep : bool, default=True
            Also return the extractors (by name) and their parameters
            (``<name>__<param>``).

        Returns
        -------
        params : dict
        """
        return self._get_params("transformer_list", deep=deep)

    def set_params(self, **params):
        """Set parameters of the union or of its extractors.

        An extractor is replaced with ``<name>=estimator`` (or ``"drop"``)
        and configured with ``<name>__<param>=value``.

        Parameters
        ----------
        **params : dict

        Returns
        -------
        self : ImageFeatureUnion
        """
        self._set_params("transformer_list", **params)
        return self

    @property
    def named_transformers_(self):
        """The fitted extractors of ``transformers_`` by name (a Bunch):
        built on each access, as in ColumnTransformer, so that a saved model
        holds each fitted extractor once."""
        return Bunch(**dict(self.transformers_))

    def __setstate__(self, state):
        # a model saved when it was stored (now built from transformers_)
        state.pop("named_transformers_", None)
        super().__setstate__(state)

    def _active(self):
        """``(name, estimator)`` of the parts that are not dropped, checked."""
        if not all(
            isinstance(part, tuple) and len(part) == 2 for part in self.transformer_list
        ):
            raise ValueError(
                "transformer_list must be a list of (name, extractor) tuples, "
                f"got {self.transformer_list!r}."
            )
        names = [name for name, _ in self.transformer_list]
        self._validate_names(names)
        active = [(n, e) for n, e in self.transformer_list if not _is_drop(e)]
        for name, est in active:
            # checked before any fit: another transformer would be fitted on
            # the column of images itself, and fail deep inside its library
            if not isinstance(est, (ImageExtractor, ImageFeatures)):
                raise ValueError(
                    f"transformer_list entry {name!r} must be an image feature "
                    f"extractor or 'drop', got {est!r}: it is not built on "
                    "skmultimodal.image.ImageExtractor, so it cannot share the "
                    "single read of each image; put it in a sklearn FeatureUnion "
                    "instead."
                )
        if not active:
            raise ValueError(
                "ImageFeatureUnion needs at least one extractor that is not "
                "'drop' in transformer_list."
            )
        return active

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit a clone of each extractor on ``X``.

        Parameters
        ----------
        X : column of images
            Paths, encoded bytes or arrays (see :class:`ImageReader`).
        y : array-like, default=None
            Passed to each extractor's ``fit``.

        Returns
        -------
        self : object
            The fitted union.
        """
        active = self._active()
        image_column(X)
        check_column_name(self, X, reset=True)
        fitted = []
        for name, est in active:
            est = clone(est).fit(X, y)
            _core(name, est)  # refuse what cannot share the single read now
            fitted.append((name, est))
        self.transformers_ = fitted
        self.n_features_out_ = sum(_core(n, e).n_features_out_ for n, e in fitted)
        return self

    def transform(self, X):
        """Read each image once and compute every extractor's features.

        Parameters
        ----------
        X : column of images
            Paths, encoded bytes or arrays; a Series, one-column DataFrame,
            list, 1-D object array or an ``(n, H, W[, C])`` stack.

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out_), dtype=float32
            The extractors' features side by side; all NaN for an unreadable
            image under ``on_error="missing"``.
        """
        check_is_fitted(self)
        self._validate_params()
        parts = self._current_parts()
        items, labels = image_column(X)
        check_column_name(self, X, reset=False)
        extractors = [est for _, est in parts]
        widths = [est.n_features_out_ for est in extractors]
        try:
            return run_chunks(
                _UnionChunk(self.on_error, extractors, widths),
                items,
                labels,
                width=sum(widths),
                n_jobs=self.n_jobs,
                verbose=self.verbose,
                desc=type(self).__name__,
                on_error=self.on_error,
            )
        except _WrongLength as exc:
            name, est = parts[exc.part]
            raise ValueError(
                f"{type(est).__name__}._extract (extractor {name!r}) returned an "
                f"array of shape {exc.shape} for the image at "
                f"{describe_row(labels, exc.index)}; expected shape "
                f"({widths[exc.part]},)."
            ) from None

    def _current_parts(self):
        """``(name, extractor)`` computing each fitted part's features as its
        member of ``transformer_list`` would now on its own: an extractor's
        parameters changed with ``set_params`` since fit are checked and
        used, as its own ``transform`` does (a change in its number of
        features is refused); an :class:`ImageFeatures`' changes are those
        its own ``transform`` uses. An extractor whose
        ``fit`` does not record its parameters (``ImageExtractor.fit``
        does) has its current parameters checked only."""
        members = self._active()
        fitted = [name for name, _ in self.transformers_]
        if [name for name, _ in members] != fitted or any(
            type(member) is not type(est)
            for (_, member), (_, est) in zip(members, self.transformers_)
        ):
            raise ValueError(
                f"ImageFeatureUnion: transformer_list changed since fit (the "
                f"fitted extractors are {fitted}); refit it."
            )
        parts = []
        for (name, member), (_, est) in zip(members, self.transformers_):
            if isinstance(member, ImageFeatures):  # its changes, on a copy
                est = copy.copy(est).set_params(**member.get_params(deep=False))
                est = est._current_extractor()
            core = _core(name, est)
            at_fit = getattr(core, "_fit_params", None)  # ImageExtractor.fit's
            if isinstance(member, ImageExtractor) and at_fit is None:
                member._validate_params()  # its changes unknown: checked only
            elif isinstance(member, ImageExtractor):
                now = {key: getattr(member, key) for key in at_fit}
                changed = {
                    key: value
                    for key, value in now.items()
                    if not _same(value, at_fit[key])
                }
                if changed:  # on a copy: the fitted extractor stays as fitted
                    core = copy.copy(core).set_params(**changed)
            core._check_fitted_params()
            parts.append((name, core))
        return parts

    def get_feature_names_out(self, input_features=None):
        """Each extractor's feature names, short, prefixed with ``<name>__``.

        The entry name already says which extractor a column comes from, so
        the extractor's own name prefix (its ``_feature_prefix``, by
        default the lower-case class name) is left out: ``hog__0`` rather
        than ``hog__hog0``, ``color_histogram__h0`` rather than
        ``color_histogram__hist_h0``. Names that do not all start with that
        prefix (or would be empty or repeated without it) are kept whole.

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
                f"{name}__{feature}"
                for name, est in self.transformers_
                for feature in _short_names(_core(name, est), est)
            ],
            dtype=object,
        )

    def _sk_visual_block_(self):
        # the extractors side by side, as in FeatureUnion ("drop" ones shown
        # as such); once fitted, each fitted clone (its features, attributes)
        try:
            names, members = zip(*self.transformer_list)
        except (TypeError, ValueError):  # not (name, extractor) pairs
            return _VisualBlock("single", self, names=type(self).__name__)
        fitted = dict(getattr(self, "transformers_", ()))
        shown = [
            fitted[name] if type(fitted.get(name)) is type(member) else member
            for name, member in zip(names, members)
        ]
        return _VisualBlock("parallel", shown, names=names)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = []
        return tags


def _short_names(core, est):
    """``est``'s feature names without the extractor's own name prefix, when
    every name starts with it and the rest is non-empty and unique."""
    names = [str(f) for f in est.get_feature_names_out()]
    prefix = getattr(core, "_feature_prefix", None) or type(core).__name__.lower()
    if not all(f.startswith(prefix) for f in names):
        return names
    short = [f[len(prefix) :] for f in names]
    if all(short) and len(set(short)) == len(short):
        return short
    return names


def _is_drop(est):
    return isinstance(est, str) and est == "drop"


def _core(name, est):
    """The fitted :class:`ImageExtractor` that computes ``est``'s features."""
    inner = est.extractor_ if isinstance(est, ImageFeatures) else est
    if not isinstance(inner, ImageExtractor):
        raise ValueError(
            f"transformer_list entry {name!r} ({type_name(inner)}) is not "
            "built on skmultimodal.image.ImageExtractor, so it cannot share the "
            "single read of each image; put it in a sklearn FeatureUnion instead."
        )
    return inner
