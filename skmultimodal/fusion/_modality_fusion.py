"""ModalityFusion: one transformer per modality column, blocks combined by a
named fusion method."""

from __future__ import annotations

from collections import Counter
from inspect import signature
from numbers import Real

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn import config_context
from sklearn.base import TransformerMixin, _fit_context
from sklearn.utils import Bunch, get_tags
from sklearn.utils._indexing import _get_column_indices
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
)
from sklearn.utils._repr_html.estimator import _VisualBlock
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _raise_for_params,
    _routing_enabled,
    get_routing_for_object,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_consistent_length,
    check_is_fitted,
)

from skmultimodal.utils import check_target_present
from skmultimodal.utils._parallel import RelayWarnings, reissue, warn_at_caller
from skmultimodal.utils._validation import (
    N_JOBS,
    NamedMethodParams,
    check_groups,
    check_label_types,
    check_regression_target,
    describe_cell,
    plain_label,
    type_name,
)

from ._base import method_takes, nested_on_none
from ._columns import (
    ColumnComposition,
    _plain_key,
    all_nan_rows,
    describe_rows,
    naming_branch,
    row_index,
    validate_table,
)
from ._columns import is_drop as _is_drop
from ._layout import LAYOUT_ATTR, BlockLayout, FusedArray
from ._pooling import kept_weights, one_weight_per_row

__all__ = ["ModalityFusion"]

PRESENCE_PREFIX = "presence"

#: The most values (rows x columns) a sparse fused matrix may have to be
#: densified for a DataFrame output (``set_output(transform="pandas")``):
#: 10 million float64 values, 80 MB. A larger one is an error that says
#: what to do instead.
DENSE_OUTPUT_MAX_VALUES = 10_000_000


def _native_output():
    """Run the branches and the fusion method with scikit-learn's transform
    output at ``"default"``: they hand ModalityFusion their native NumPy or
    sparse blocks whatever ``set_config(transform_output=...)`` says (a
    sparse TF-IDF block cannot be a DataFrame); only the fused output
    follows the output configuration. A step given its own ``set_output``
    keeps it."""
    return config_context(transform_output="default")


def _last_step(transformer):
    """The last step of a (nested) Pipeline that is not a skipped slot
    (``"passthrough"`` or None)."""
    steps = [
        (name, step)
        for name, step in getattr(transformer, "steps", None) or ()
        if step is not None and not (isinstance(step, str) and step == "passthrough")
    ]
    if steps:
        return _last_step(steps[-1][1])
    return transformer


def is_sequence_branch(transformer) -> bool:
    """Whether a branch outputs integer token ids (last step has
    ``sequence_output = True``)."""
    if isinstance(transformer, str):
        return False
    return bool(getattr(type(_last_step(transformer)), "sequence_output", False))


def branch_kind(transformer) -> str:
    """The block kind of a branch: ``"sequence"`` (token ids), ``"image"``
    (decoded images, last step has ``image_output = True``) or
    ``"features"``."""
    if is_sequence_branch(transformer):
        return "sequence"
    if not isinstance(transformer, str) and getattr(
        type(_last_step(transformer)), "image_output", False
    ):
        return "image"
    return "features"


def _method_label(method):
    return method if isinstance(method, str) else type(method).__name__


def _positional(y):
    """The target as a fusion method gets it, in row order: a Series or a
    multi-label DataFrame with a fresh ``0..n-1`` index (its own index
    would be misread by a method indexing ``y`` by position; its dtype and
    columns are kept), anything else as a NumPy array."""
    if y is None:
        return None
    if isinstance(y, pd.Series | pd.DataFrame):
        return y.reset_index(drop=True)
    return np.asarray(y)


def _fit_method(transformer):
    """The method :func:`_fit_transform_one` fits a branch with, which gets
    the metadata routed to the branch."""
    return "fit_transform" if hasattr(transformer, "fit_transform") else "fit"


def _fit_transform_one(transformer, data, y, **params):
    """Fit one branch, with the metadata routed to it; return it and its
    output (run in the workers)."""
    if isinstance(transformer, str):  # "passthrough"
        return transformer, data
    if hasattr(transformer, "fit_transform"):
        return transformer, transformer.fit_transform(data, y, **params)
    return transformer, transformer.fit(data, y, **params).transform(data)


def _transform_one(transformer, data, name="", hint="", rows=None):
    """The output of one fitted branch (run in the workers); ``rows``: the
    positions of ``data``'s rows in X when they are a subset, for errors."""
    if data is None:  # the modality is missing in every row
        return None
    if isinstance(transformer, str):
        return data
    with naming_branch(name, hint, data, rows):
        return transformer.transform(data)


class ModalityFusion(NamedMethodParams, TransformerMixin, ColumnComposition):
    """Turn each modality column into a block and combine the blocks.

    A :class:`~sklearn.compose.ColumnTransformer`-like composite built for
    multimodal data: each entry ``(name, transformer, column)`` turns one
    modality column (image paths, texts, ...) into a 2-D block, and a fusion
    method (a name from the ``"fusion_method"`` registry, plugins included,
    or a :class:`FusionMethod` instance) combines the blocks into one matrix.

    Parameters
    ----------
    transformers : list of (name, transformer, column) tuples
        (or lists of three, as a configuration read from JSON gives them).
        ``name`` identifies the modality (no ``__``; not a block the fusion
        adds: ``presence`` under ``missing="indicator"``, ``joint`` with
        ``stack``'s joint expert, or any block of the method's output, which
        would make names repeat); it prefixes the output
        feature names (``image__hog__0``; a table's columns keep their own
        names, see Notes) and the nested parameters
        (``image__hog__orientations``). ``transformer`` is an estimator with
        ``fit``/``transform`` (usually a Pipeline), ``"passthrough"`` or
        ``"drop"``. ``column`` is a column name (the transformer gets a 1-D
        Series, as image and text extractors expect), a list of names (a
        DataFrame), an int / list of ints / slice (positions, also for 2-D
        arrays; an int is a position even on a DataFrame whose column
        labels are ints), or a callable ``column(X)`` returning one of those. The
        columns no entry selects are left out of the output (there is no
        ``remainder``, unlike :class:`~sklearn.compose.ColumnTransformer`):
        give a column an entry such as ``("extra", "passthrough",
        ["price"])`` to keep it.
    method : str or FusionMethod, default="concat"
        The fusion method: a registered name (``"concat"``, ``"product"``,
        ``"sum"``, ``"mean"``, ``"tensor"``, ``"attention"``, ``"tokens"``,
        ``"stack"``, ``"late"`` or a plugin's), built with its own defaults,
        or a :class:`FusionMethod` instance carrying its parameters
        (``method=ConcatFusion(block_norm="l2")``), reachable as
        ``method__<param>``. Parameters belong to the method, so a grid over
        ``method`` never carries one method's parameters to another. Every
        method but ``concat`` projects the blocks into out-of-fold class
        scores and needs a classification target at fit.
    method_params : dict, default=None
        Deprecated: pass a configured instance as ``method`` instead (the
        classes are in :mod:`skmultimodal.fusion.methods`). Still applied to
        the method, with a FutureWarning; it will be removed in 0.3.
    weights : dict, list of float or "auto", default=None
        Per-modality weights (``{"image": 0.5}``, missing names weighing 1,
        or a list of one per transformer in order), handed to the method's
        ``weights`` parameter, replacing its default (``late``'s ``"auto"``
        included). As in :class:`LateFusionClassifier`, a ``"drop"``
        transformer's weight is ignored (a list still gives one weight per
        transformer, ``"drop"`` ones included), so a grid over
        ``{"<name>": ["drop", ...]}`` keeps the weights. Checked (names,
        length, finite and non-negative) before any branch is fitted.
        ``"auto"`` (learn the weights) is handed on to a method whose
        ``weights`` takes it (``product``, ``sum``, ``mean``, ``late``,
        ...); another method refuses it, listing those that can. A method
        instance whose own ``weights`` is not its default refuses these:
        give the weights in one place.
    missing : {"raise", "zero", "mean", "indicator"}, default="raise"
        What to do with rows whose modality value is missing (None, NaN,
        ``pd.NA``, NaT, an empty or whitespace-only string, whether the
        column is given as a string or as a one-column list; for a
        selection of several columns, a row whose every cell is missing).
        Missing rows are never given to the branch transformer; their block
        rows are filled:

        - ``"raise"``: raise a ValueError naming every modality with missing
          values and its rows;
        - ``"zero"``: zeros;
        - ``"mean"``: the mean block row of the present training rows;
        - ``"indicator"``: as ``"mean"``, plus one presence column per
          modality (``presence__<name>``, 1.0 present / 0.0 missing) after
          the fused columns.

        The mean row of a sparse block (TF-IDF) is dense: each missing row
        then stores every column, and ``fit`` warns when the filled rows
        add more than :data:`DENSE_OUTPUT_MAX_VALUES` values (``"zero"``
        keeps the block sparse).

        Applied identically in ``fit`` and ``transform``. Sequence blocks
        (token ids) are always filled with the padding id 0. After ``fit``
        the policy can be changed among ``"raise"``, ``"zero"`` and
        ``"mean"`` (the mean rows are learned in every fit); switching
        ``"indicator"`` on or off changes the number of output columns, and
        ``transform`` refuses it: refit instead.

        A row whose branch output is entirely NaN could not be read (an
        extractor with ``on_error="missing"`` outputs such a row for an
        unreadable image) and is missing too: ``"raise"`` names the rows
        (of every such modality, in one error);
        the other policies warn once and fill the rows as above. In ``fit``
        the branch is then fitted again without those rows, so they never
        shape it (the image branch is read twice in that case). A row with
        only some NaN values, or an infinite value, is an error.

        .. deprecated:: 0.2
           ``"error"`` is the old spelling of ``"raise"``; it still works,
           with a FutureWarning, and will be removed in 0.4.
    sparse_threshold : float in [0, 1] or None, default=None
        When the fused matrix is sparse (``concat`` of a sparse block, such
        as TF-IDF or one-hot columns): None keeps it sparse; a number, as
        :class:`~sklearn.compose.ColumnTransformer`'s, keeps it sparse only
        if its density (stored values over rows x columns) in ``fit`` is
        below that number, and otherwise gives a dense array, in ``fit``
        and in every ``transform`` (``sparse_output_`` records the choice).
        ``0`` always gives a dense array, as estimators that refuse sparse
        input (``HistGradientBoostingClassifier``) need. A matrix of more
        than :data:`DENSE_OUTPUT_MAX_VALUES` values is not densified: an
        error says what to do instead.
    n_jobs : int, default=None
        Number of branches fitted/transformed in parallel
        (:class:`sklearn.utils.parallel.Parallel`).
    verbose : bool, default=False
        Print the time taken by each branch while fitting.
    random_state : int, RandomState instance or None, default=None
        Handed to the fusion method's ``random_state`` (the shuffling of the
        class-score methods' internal folds) when the method has one left at
        None, so a grid over ``method`` names stays reproducible.
    target_type : {"auto", "binary", "multiclass", "multilabel-indicator", \
            "continuous"}, default="auto"
        The kind of target, as :func:`~sklearn.utils.multiclass.type_of_target`
        names it; ``"auto"`` infers it from ``y`` at fit (so a whole-number
        regression target, such as a count, needs ``"continuous"``). The
        fusion method is told (its ``set_target_type``), and a method that
        cannot fit the target (the class-probability methods other than
        ``stack`` and ``late`` with a multi-label or continuous target) is
        refused with a clear error listing the methods that can. A
        ``target_type`` given is checked against ``y`` before any branch is
        fitted: ``type_of_target(y)`` must be of that type (``"multiclass"``
        also takes two classes), and a ``"continuous"`` target must hold
        numbers (an object array of numbers is read as floats; a number
        written as text is refused), all finite; the error names the type
        found and the first row out of place. A ``"continuous"`` ``y`` of
        several columns is a multi-output target, which only a method
        that does not use the target (``"concat"``) takes.
        :func:`~skmultimodal.make_multimodal_pipeline` sets
        ``"continuous"`` for a regressor.
    estimator_target_types : tuple of str or None, default=None
        The target types (``type_of_target``'s names) that the estimator
        after the fusion can fit, or None for any.
        :func:`~skmultimodal.make_multimodal_pipeline` sets it for its named
        estimators (``("binary", "multiclass")`` for ``"logistic"``), so
        that with ``target_type="auto"`` a ``y`` of another type (a 0/1
        label matrix, a continuous target) is refused at the start of
        ``fit``, before any branch is fitted, with an error naming the type
        found and the builder argument for it (``target_type=`` or
        ``estimator=``). A ``target_type`` given is checked against ``y``
        instead (see above).

    Attributes
    ----------
    transformers_ : list of (name, fitted transformer, column)
        Fitted branches (``"drop"`` ones left out), with a callable
        ``column`` resolved on the X given to ``fit``.
    named_transformers_ : Bunch
        Fitted branches by name.
    method_ : FusionMethod
        The fitted fusion method.
    block_layout_ : BlockLayout
        Layout of the output columns (modality blocks, sequence blocks).
    sparse_output_ : bool
        Whether ``transform`` gives a sparse matrix: the fused matrix of
        ``fit`` was sparse, and ``sparse_threshold`` kept it so.
    modality_names_ : list of str
        Names of the fused modalities, in block order.
    target_type_ : str
        The target's type (``target_type``, or ``type_of_target(y)`` under
        ``"auto"``) given to the method; set only by a fit with a target.
    fill_values_ : dict
        ``{name: row}``: the mean block row of the present training rows
        (zeros for a sequence block), which fills missing rows under
        ``"mean"`` and ``"indicator"``. Learned whatever the policy, so a
        fitted fusion can be switched to ``"mean"``.
    n_features_in_ : int
        Number of columns of X seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of X, when it has string names.

    See Also
    --------
    LateFusionClassifier : one model per modality, probabilities combined.
    get_block_layout : read the block layout of the output downstream.

    Notes
    -----
    Dense output is a :class:`FusedArray` (an ndarray carrying
    ``block_layout``); ``np.asarray`` gives a plain ndarray. Sparse blocks
    stay sparse with ``method="concat"``.

    Feature names are ``<modality>__<branch feature name>``, except for a
    branch whose features are all named after its own input columns (the
    column itself, or ``<column>_<suffix>`` as OneHotEncoder writes them):
    a table's columns keep their own names (``price``, ``brand_red``), as
    with ``ColumnTransformer(verbose_feature_names_out=False)``, unless one
    of them would appear twice in the output; then that branch keeps the
    prefix on all its names. :attr:`block_layout_` always knows the blocks.
    As in :class:`~sklearn.compose.ColumnTransformer`, each branch's
    transformer names its output from the names of its input columns (a
    ``passthrough`` branch keeps them): X's column names, or for an X
    without names (a 2-D array, integer column labels) ``x<i>`` by the
    column's position in X (``("a", StandardScaler(), [3, 4])`` gives
    ``a__x3``, ``a__x4``), or the ``input_features`` given to
    :meth:`get_feature_names_out`.

    ``set_output(transform="pandas")`` (or ``"polars"``), directly, through
    ``Pipeline.set_output`` or ``sklearn.set_config(transform_output=...)``,
    applies to the fused output only: the branches and the fusion method run
    with the output configuration at ``"default"`` and hand over their
    native NumPy or sparse blocks (a step given its own ``set_output``
    keeps it). The DataFrame has the feature names as columns, the index of
    a DataFrame X, and the block layout as its ``block_layout`` attribute
    (read by :func:`get_block_layout`). A sparse fused matrix (``concat``
    with a TF-IDF branch) is densified when it has at most
    ``DENSE_OUTPUT_MAX_VALUES`` (10 million) values; a larger one raises a
    ValueError naming the sparse branches and the alternatives
    (``method="stack"``, a dense branch, or the default output).

    Unreadable rows are found in the branch output itself (rows entirely
    NaN), so they are found wherever the extractors ran: with ``n_jobs``,
    a ``FeatureUnion(n_jobs=2)`` inside a branch, or a joblib backend. The
    steps after the extractor must let those NaN rows through (scalers such
    as ``StandardScaler`` do).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from skmultimodal.fusion import ModalityFusion
    >>> X = pd.DataFrame({"size": [1.0, 2.0, 3.0, 4.0],
    ...                   "text": ["red cat", "blue dog", "red dog", "blue cat"]})
    >>> fusion = ModalityFusion([
    ...     ("num", "passthrough", ["size"]),
    ...     ("text", TfidfVectorizer(), "text"),
    ... ])
    >>> Z = fusion.fit_transform(X)
    >>> Z.shape
    (4, 5)
    >>> fusion.get_feature_names_out()[:3].tolist()
    ['size', 'text__blue', 'text__cat']
    >>> fusion.block_layout_.names
    ['num', 'text']
    """

    _branches_param = "transformers"
    _fitted_param = "transformers_"
    _branch_word = "transformer"
    _missing_hint = (
        "Pass missing='zero', 'mean' or 'indicator' to ModalityFusion to fill "
        "missing modalities, or drop those rows."
    )
    _unreadable_hint = (
        "Pass missing='zero', 'mean' or 'indicator' to ModalityFusion to treat "
        "unreadable rows as missing, or fix or drop them."
    )

    @property
    def _row_error_hint(self):
        """After an error naming a row of a branch's column (an unreadable
        image under the extractor's ``on_error="raise"``): how to have such
        rows treated as missing, for this fusion's ``missing``."""
        policy = self.missing
        if policy in ("raise", "error"):
            return (
                "Fix or drop the row, or have it treated as missing: give the "
                "extractor on_error='missing' and ModalityFusion missing='mean' "
                "(or 'zero', 'indicator'); make_multimodal_pipeline(missing='mean') "
                "sets both."
            )
        return (
            "Fix or drop the row, or have it treated as missing: give the "
            "extractor on_error='missing' (this ModalityFusion has "
            f"missing={policy!r}, which then fills the row)."
        )

    _fit_one = staticmethod(_fit_transform_one)
    _parameter_constraints = {
        "transformers": [list],
        "method": [str, HasMethods(["fit", "transform", "get_feature_names_out"])],
        "method_params": [dict, None],
        "weights": [StrOptions({"auto"}), dict, list, tuple, np.ndarray, None],
        "missing": [
            StrOptions(
                {"raise", "zero", "mean", "indicator", "error"}, deprecated={"error"}
            )
        ],
        "sparse_threshold": [Interval(Real, 0, 1, closed="both"), None],
        "n_jobs": N_JOBS,
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "target_type": [
            StrOptions(
                {"auto", "binary", "multiclass", "multilabel-indicator", "continuous"}
            )
        ],
        "estimator_target_types": [tuple, None],
    }

    def __init__(
        self,
        transformers,
        *,
        method="concat",
        method_params=None,
        weights=None,
        missing="raise",
        sparse_threshold=None,
        n_jobs=None,
        verbose=False,
        random_state=None,
        target_type="auto",
        estimator_target_types=None,
    ):
        self.transformers = transformers
        self.method = method
        self.method_params = method_params
        self.weights = weights
        self.missing = missing
        self.sparse_threshold = sparse_threshold
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.random_state = random_state
        self.target_type = target_type
        self.estimator_target_types = estimator_target_types

    # -- helpers ------------------------------------------------------------
    def _branches(self, fitted):
        if fitted:
            return self.transformers_
        return [t for t in self.transformers if not _is_drop(t[1])]

    def _validate_transformers(self):
        self._validate_branches()
        for name, trans, _ in self.transformers:
            if isinstance(trans, str):
                if trans not in ("drop", "passthrough"):
                    raise ValueError(
                        f"transformer {name!r} must be an estimator, 'drop' or "
                        f"'passthrough'; got {trans!r}"
                    )
                continue
            if not (hasattr(trans, "fit") and hasattr(trans, "transform")):
                raise TypeError(
                    f"transformer {name!r} must have fit and transform methods; "
                    f"got {type_name(trans)}"
                )
        kept = [t for t in self.transformers if not _is_drop(t[1])]
        if not kept:
            raise ValueError("ModalityFusion needs at least one transformer not 'drop'")
        return kept

    def _resolve_method(self):
        params = dict(self.method_params or {})
        if self.method_params is not None:
            warn_at_caller(
                "ModalityFusion(method_params=...) is deprecated and will be "
                "removed in 0.3: pass a configured instance instead, e.g. "
                "method=ConcatFusion(block_norm='l2') (classes in "
                "skmultimodal.fusion.methods), so that a grid over 'method' "
                "never carries one method's parameters to another.",
                FutureWarning,
            )
        from skmultimodal.plugins import get_registry

        method = get_registry("fusion_method").create(self.method, params)
        if (
            self.random_state is not None
            and method.get_params(deep=False).get("random_state", 0) is None
        ):
            method.set_params(random_state=self.random_state)
        return method

    def _as_block(self, out, name, present, index, where):
        """A branch's output as a 2-D float block (dense or CSR), one row per
        row of ``present``; NaN or inf values are an error naming the rows,
        except rows entirely NaN (unreadable, left to the caller)."""
        n_expected = len(present)
        if isinstance(out, pd.DataFrame):
            out = out.to_numpy()
        if sparse.issparse(out):
            if out.ndim != 2:
                raise ValueError(f"transformer {name!r} returned a non-2-D output")
            out = sparse.csr_matrix(out, dtype=np.float64)
            values = out.data
        else:
            out = np.asarray(out)
            if out.ndim == 1 and self._passthrough_1d(name):
                out = out.reshape(-1, 1)
            if out.ndim != 2:
                raise ValueError(
                    f"transformer {name!r} returned an array of shape {out.shape} "
                    "in " + where + "; each branch must return a 2-D array "
                    "(n_samples, n_features)." + self._plugin_note(name)
                )
            try:
                out = out.astype(np.float64, copy=False)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"transformer {name!r} returned non-numeric values in {where} "
                    f"({exc}); end the branch with a feature extractor."
                    + self._plugin_note(name)
                ) from None
            values = out
        if out.shape[0] != n_expected:
            spec = next((c for nm, _, c in self.transformers if nm == name), None)
            hint = ""
            if isinstance(spec, list | tuple) and out.shape[0] == len(spec):
                # a vectorizer iterates over a DataFrame: its column names
                hint = (
                    f" It returned one row per selected column: a text "
                    f"vectorizer given a table (the column as a list, {spec!r}) "
                    "reads the table's column names as its texts; give one "
                    f"column as a str ({spec[0]!r}) for one text per row."
                )
            raise ValueError(
                f"transformer {name!r} returned {out.shape[0]} rows in {where} for "
                f"{n_expected} input rows; every branch must return one row per "
                "sample." + hint
            )
        # A sum is one cheap pass; only a non-finite sum (a NaN/inf, or an
        # overflow of large finite values) needs the element-wise check.
        if not np.isfinite(values.sum()) and not np.isfinite(values).all():
            bad = _nonfinite_rows(out) & ~all_nan_rows(out)
            if bad.any():
                rows = describe_rows(present[bad], index)
                raise ValueError(
                    f"transformer {name!r} returned NaN or inf values in {where} "
                    f"in {rows}; a row is taken as unreadable (missing) only when "
                    "all its values are NaN. Clean the input or add an imputer "
                    "to the branch." + self._plugin_note(name)
                )
        return out

    def _plugin_note(self, name):
        """Who made branch ``name``'s features, when its last step is an
        ImageFeatures or TextFeatures whose method a plugin registered: a
        sentence naming the method, plugin and distribution; else ""."""
        from skmultimodal.image import ImageFeatures
        from skmultimodal.plugins import get_registry
        from skmultimodal.text import TextFeatures

        step = _last_step(next((t for n, t, _ in self.transformers if n == name), None))
        kinds = {ImageFeatures: "image_features", TextFeatures: "text_features"}
        kind = kinds.get(type(step))
        if kind is None or not isinstance(step.method, str):
            return ""
        try:
            entry = get_registry(kind).entry(step.method)
        except ValueError:  # an unknown name is reported elsewhere
            return ""
        if entry.distribution == "skmultimodal":
            return ""
        who = f"{entry.distribution} {entry.version}".strip()
        return (
            f" Its features come from method {entry.name!r} of the plugin "
            f"{entry.plugin!r} ({who}): check that plugin with "
            "skmultimodal.utils.estimator_checks.check_feature_extractor."
        )

    def _passthrough_1d(self, name):
        for n, trans, _ in self.transformers:
            if n == name:
                return trans == "passthrough"
        return False

    @staticmethod
    def _expand(block, present, n, fill):
        if block is not None and len(present) == n:
            return block
        width = fill.shape[0]
        missing_idx = np.setdiff1d(np.arange(n), present)
        if block is None:
            return np.tile(fill, (len(missing_idx), 1))
        if sparse.issparse(block):
            return _expand_sparse(block, present, n, fill)
        out = np.empty((n, width), dtype=np.float64)
        out[:] = fill
        out[present] = block
        return out

    def _branch_feature_names(self, name, trans, width, kind, inputs):
        """The prefixed names of a branch's block. As in ColumnTransformer,
        the branch's transformer names its output from ``inputs``, the
        names of its input columns (None: not known), and a passthrough
        branch's columns keep them."""
        if kind == "sequence":
            return np.array([f"{name}__seq{j}" for j in range(width)], dtype=object)
        feats = None
        if trans == "passthrough":
            feats = inputs
        elif hasattr(trans, "get_feature_names_out"):
            # with the input names, as ColumnTransformer asks; a transformer
            # that keeps names of its own (fitted on named columns, or a
            # step with set_output="pandas") refuses them: ask it without
            calls = [()] if inputs is None else [(inputs,), ()]
            for args in calls:
                try:
                    feats = np.asarray(trans.get_feature_names_out(*args), dtype=object)
                    break
                except (AttributeError, NotImplementedError):
                    # a step without names (a Pipeline says so with an
                    # AttributeError): generic names, as documented
                    break
                except Exception as exc:  # names are not worth failing fit for
                    failure, called = exc, args
            else:
                shown = "" if not called else list(called[0])
                warn_at_caller(
                    f"ModalityFusion: the feature names of branch {name!r} "
                    f"({type(trans).__name__}) could not be computed, so its "
                    f"columns are named {name}__x0, {name}__x1, ...: "
                    f"get_feature_names_out({shown}) raised "
                    f"{type(failure).__name__}: {failure}"
                )
        if feats is None or len(feats) != width:
            feats = [f"x{j}" for j in range(width)]
        return np.array([f"{name}__{f}" for f in feats], dtype=object)

    def _block_names(self, branches, input_names, named):
        """``(feature_names, own_names)``: for each fitted branch
        ``((name, transformer, column), width, kind, input positions)``, the
        prefixed names of its block, its input columns named by
        ``input_names`` (one per column of X), and (:func:`_own_names`) its
        names that are a table's own, when ``named`` (X names its
        columns)."""
        feature_names, own_names = [], []
        for (name, trans, column), width, kind, cols in branches:
            inputs = None if cols is None else np.asarray(input_names)[cols]
            prefixed = self._branch_feature_names(name, trans, width, kind, inputs)
            feature_names.append(prefixed)
            own_names.append(
                _own_names(name, prefixed, column, kind, input_names if named else None)
            )
        return feature_names, own_names

    @property
    def named_transformers_(self):
        """The fitted branches of ``transformers_`` by name (a Bunch): built
        on each access, as in ColumnTransformer, so that a saved model holds
        each fitted branch once."""
        return Bunch(**{nm: t for nm, t, _ in self.transformers_})

    def __getstate__(self):
        state = dict(super().__getstate__())
        if state.get("_input_columns") is not None:  # rebuilt on first use
            # the output names: 10^5 of them for a hashed text branch, which
            # the .skops format would store one JSON node at a time
            state.pop("_feature_names_out", None)
        return state

    def __setstate__(self, state):
        # a model saved before ``target_type`` existed read its target "auto"
        state.setdefault("target_type", "auto")
        state.setdefault("estimator_target_types", None)
        state.setdefault("sparse_threshold", None)
        # a model saved when it was stored (now built from transformers_)
        state.pop("named_transformers_", None)
        super().__setstate__(state)

    def _nested_on_name(self, method, nested):
        """Why ``nested`` (``method__<param>`` keys) cannot be set while
        ``method`` is a registered name: the parameters the method lacks,
        else the instance to pass (:class:`NamedMethodParams` refuses)."""
        klass = None
        try:
            from skmultimodal.plugins import get_registry

            klass = get_registry("fusion_method").get(method)
            cls, known = klass.__name__, sorted(klass._get_param_names())
        except Exception:  # an unknown name is reported by fit
            cls, known = "<FusionMethod class>", None
        wanted = [k[len("method__") :] for k in nested]
        heads = {w: w.split("__", 1)[0] for w in wanted}
        if known is not None and (
            unknown := [w for w in wanted if heads[w] not in known]
        ):
            return (
                f"cannot set {', '.join(nested)}: the method {method!r} ({cls}) "
                f"has no parameter {', '.join(map(repr, unknown))}; its "
                f"parameters: {', '.join(known) or 'none'}"
            )
        deep = [w for w in wanted if "__" in w]
        if deep and klass is not None:
            head = heads[deep[0]]
            value = klass().get_params(deep=False).get(head)
            if not hasattr(value, "set_params"):
                why, example = nested_on_none(
                    klass, head, [w for w in deep if heads[w] == head], value
                )
                return (
                    f"cannot set {', '.join(nested)}: method is the name "
                    f"{method!r}, and {why}. Give a configured instance as "
                    f"method: method={example} (in a grid, give configured "
                    "instances as the values of 'method')"
                )
        example = ", ".join(f"{w}=..." for w in wanted)
        return (
            f"cannot set {', '.join(nested)}: method is the name {method!r}, "
            "which has no parameters to set. Nested method__<param> "
            "parameters need an instance as method: set "
            f"method={cls}({example}) instead (in a grid, give configured "
            "instances as the values of 'method')"
        )

    # -- fitting ------------------------------------------------------------
    def _check_estimator_target(self, y):
        """With ``target_type="auto"``, refuse a ``y`` that the estimator
        after the fusion cannot fit (``estimator_target_types``), before
        anything is fitted, naming the builder argument that fits it."""
        accepted = self.estimator_target_types
        if self.target_type != "auto" or accepted is None:
            return
        found = type_of_target(y, input_name="y")
        if found in accepted or found == "unknown":
            return
        if found == "multilabel-indicator":
            what = "a multi-label target (a 0/1 matrix, one column per label)"
            hint = (
                "make_multimodal_pipeline(target_type='multilabel-indicator') "
                "fits one classifier per label"
            )
        elif found == "continuous":
            what = "a continuous (regression) target"
            hint = (
                "make_multimodal_pipeline(estimator='ridge') (or "
                "target_type='continuous') fits a regressor"
            )
        else:
            what = f"a {found!r} target"
            hint = "the builder's target_type= names the targets it fits"
        raise ValueError(
            f"y is {what} (type_of_target: {found!r}), but the estimator after "
            f"the fusion fits only {', '.join(map(repr, accepted))} targets "
            "(target_type='auto'; for an estimator put in its place that fits "
            f"it, set the fusion step's estimator_target_types=None): {hint}"
        )

    def _set_target_type(self, method, method_name, y, labels=None):
        """Resolve ``target_type`` (``target_type_``), refusing a target the
        method declares it cannot fit, and a ``y`` that is not of the
        ``target_type`` given (a continuous one: numbers, all finite, by
        :func:`~skmultimodal.utils._validation.check_regression_target`);
        called before any branch is fitted, ``labels`` naming the rows.
        The method gets the type later, once it knows its modalities.
        Returns ``y`` (a continuous object ``y`` of numbers as floats)."""
        from ._methods import _target_error

        target_type = self.target_type
        multioutput = ""
        if target_type == "auto":
            target_type = type_of_target(y, input_name="y")
        elif target_type == "continuous":
            y = check_regression_target(
                y,
                labels,
                who="target_type='continuous'",
                hint="Class labels need a classifier and target_type='auto' "
                "(or 'binary', 'multiclass').",
            )
            if np.ndim(y) == 2 and np.shape(y)[1] > 1:  # one column per output
                target_type = "continuous-multioutput"
                multioutput = (
                    f"target_type='continuous' with a y of {np.shape(y)[1]} "
                    "columns (a multi-output regression target, "
                    f"{target_type!r}): "
                )
        else:
            _check_declared_target(y, target_type, labels)
        self.target_type_ = target_type
        accepted = getattr(method, "target_types", None)
        if target_type == "unknown":  # the method's own check names it
            return y
        if accepted is not None and target_type not in accepted:
            raise ValueError(multioutput + _target_error(method_name, target_type))
        return y

    def fit(self, X, y=None, sample_weight=None, groups=None, **params):
        """Fit every branch and the fusion method.

        Parameters
        ----------
        X : DataFrame, dict of columns or 2-D array of shape (n_samples, ...)
            One column (or several) per modality.
        y : array-like of shape (n_samples,), default=None
            Target, passed to the branches and to the fusion method.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Weight of each sample (a number: the same for every row),
            passed to the fusion method (the experts of the class-score
            methods such as the default ``"stack"``, and
            the loss of their ``weights="auto"``; ``"concat"`` weighs the
            rows of its block statistics with it); a method whose ``fit``
            does not take it (a plugin method whose ``fit`` has no
            ``sample_weight`` parameter) refuses it. The branches'
            transformers are fitted without it, unless metadata routing is
            on and a branch's transformer requests it.
        groups : array-like of shape (n_samples,), default=None
            Group of each sample, for the internal cross-validation of the
            methods that have one (the class-score methods such as the
            default ``"stack"``, and plugin methods whose ``fit`` takes
            ``groups``): their folds then keep each group whole, so that
            no expert scores a row whose group it was trained on. Give the
            same groups as the outer folds' (for example
            ``cross_validate(pipe, X, y, groups=g, params={"fusion__groups":
            g})``). Methods without internal folds do not use them.
        **params : dict
            With ``sklearn.set_config(enable_metadata_routing=True)`` only:
            metadata for the branches' transformers, each getting what it
            requests (``set_fit_request``) for its ``fit_transform``, on its
            present rows; ``sample_weight`` too reaches a branch that
            requests it (see :meth:`get_metadata_routing`).

        Returns
        -------
        self : ModalityFusion
        """
        self.fit_transform(X, y, sample_weight, groups, **params)
        return self

    def get_metadata_routing(self):
        """The metadata routing of this object: the fusion consumes
        ``sample_weight`` and ``groups`` in ``fit`` (its own request,
        :meth:`set_fit_request`), and routes to each branch's
        transformer what it requests for its ``fit_transform`` (its
        ``fit`` if it has none), as :class:`~sklearn.compose.ColumnTransformer`
        does; see scikit-learn's metadata routing user guide.

        Returns
        -------
        routing : MetadataRouter
            The fusion's own requests and its branches'.
        """
        router = MetadataRouter(owner=self).add_self_request(self)
        for name, estimator, _ in self._branches(fitted=False):
            if isinstance(estimator, str):  # "passthrough", "drop"
                continue
            callee = _fit_method(estimator)
            mapping = MethodMapping().add(caller="fit", callee=callee)
            router.add(
                method_mapping=mapping.add(caller="fit_transform", callee=callee),
                **{name: estimator},
            )
        return router

    def _routed(self, sample_weight, groups, params):
        """``(sample_weight, groups, {branch name: its fit metadata})``.

        With metadata routing on, each branch's transformer gets the
        metadata it requests for its ``fit_transform`` (``fit``); one whose
        request is unset is fitted without it, as the branches always were
        (scikit-learn's routers would raise: the default branches' scalers
        take ``sample_weight`` and request nothing). The fusion method gets
        ``sample_weight`` and ``groups`` unless the fusion's own request
        refuses them (``set_fit_request(sample_weight=False)``: they reach
        it for a branch only); metadata nobody requests is an error. With
        routing off, the arguments are the method's, and any other
        metadata is an error.
        """
        if not _routing_enabled():
            _raise_for_params(params, self, "fit")
            return sample_weight, groups, None
        given = {"sample_weight": sample_weight, "groups": groups, **params}
        given = {key: value for key, value in given.items() if value is not None}
        branches, used = {}, set()
        for name, estimator, _ in self._branches(fitted=False):
            if isinstance(estimator, str):  # "passthrough", "drop"
                continue
            callee = _fit_method(estimator)
            request = get_routing_for_object(estimator)
            wanted = request.consumes(method=callee, params=given)
            mine = {key: value for key, value in given.items() if key in wanted}
            used.update(mine)
            branches[name] = request._route_params(
                params=mine, method=callee, parent=self, caller="fit_transform"
            )
        if unknown := sorted(set(params) - used):
            raise TypeError(
                f"{type(self).__name__}.fit got metadata {unknown} that no branch "
                "requests (set_fit_request on the branch's transformer); the "
                "fusion itself takes sample_weight and groups only"
            )
        own = self._get_metadata_request().fit.requests
        if own.get("sample_weight") is False:
            sample_weight = None
        if own.get("groups") is False:
            groups = None
        return sample_weight, groups, branches

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X, y=None, sample_weight=None, groups=None, **params):
        """Fit every branch and the fusion method, and return the fused matrix.

        Parameters
        ----------
        X : DataFrame, dict of columns or 2-D array of shape (n_samples, ...)
            One column (or several) per modality.
        y : array-like of shape (n_samples,), default=None
            Target.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Weight of each sample, passed to the fusion method (see
            :meth:`fit`).
        groups : array-like of shape (n_samples,), default=None
            Group of each sample, for the fusion method's internal folds
            (see :meth:`fit`).
        **params : dict
            Metadata routed to the branches (metadata routing only; see
            :meth:`fit`).

        Returns
        -------
        Z : FusedArray or sparse matrix of shape (n_samples, n_features_out)
            With a class-score method (``stack``, ``late``, ``product``,
            ``sum``, ``mean``, ``tensor``, ``attention``, ``tokens``), the
            training rows' out-of-fold scores, each from experts that did
            not see the row, as in stacking: it differs from
            ``fit(X, y).transform(X)``, which scores them with the experts
            fitted on all rows. ``concat`` gives the same either way.
        """
        self._validate_transformers()
        sample_weight, groups, routed = self._routed(sample_weight, groups, params)
        X, n = validate_table(self, X, self._columns(), reset=True)
        index = row_index(X)
        if y is not None:
            check_consistent_length(np.arange(n), y)
            check_target_present(y, index)
            if self.target_type != "continuous":  # numbers: checked as such
                check_label_types(y, index)
            self._check_estimator_target(y)
        method = self._resolve_method()
        method_name = _method_label(self.method)
        weighted = {}
        if sample_weight is not None:
            if not method_takes(method, "sample_weight"):
                raise ValueError(
                    f"sample_weight: fusion method {method_name!r} does not take "
                    "sample weights; use a method that learns from the target "
                    "(such as 'stack'), or give the weights to the classifier "
                    "after the fusion only"
                )
            from sklearn.utils.validation import _num_samples

            sample_weight = one_weight_per_row(sample_weight, n)
            n_weights = _num_samples(sample_weight)
            if n_weights != n:
                raise ValueError(
                    f"sample_weight has {n_weights} values but X has {n} rows; "
                    "give one weight per row"
                )
            weighted = {"sample_weight": sample_weight}
        if groups is not None:
            groups = check_groups(groups, n, "ModalityFusion")
            if method_takes(method, "groups"):  # else: no internal folds
                weighted["groups"] = groups

        policy = self._missing_policy()
        kept = [nm for nm, _, _ in self._branches(fitted=False)]
        self._check_weights_for(method, method_name)
        weights = self._weights_in_order()  # checked before featurizing too
        if weights is None:  # the method's own, "drop" branches included?
            weights = self._method_weights_kept(method)
        self._check_added_blocks(kept, method, method_name, policy)
        if y is not None:  # a target the method refuses, before featurizing
            y = self._set_target_type(method, method_name, y, index)
            if _method_has_internal_folds(method):
                self._warn_supervised_branches(method_name)
        with _native_output():
            fitted_branches = self._fit_branches(
                X, y, n, policy=policy, index=index, verbose=self.verbose, routed=routed
            )

        input_columns = []
        names, kinds, blocks, widths, fills = [], [], [], [], {}
        fitted, vocab, presents, shapes, dense_fills = [], {}, [], {}, []
        for (name, _, column, _, present), fitted_trans, out in fitted_branches:
            block = self._as_block(out, name, present, index, "fit")
            kind = branch_kind(fitted_trans)
            if kind == "image":
                shapes[name] = tuple(_last_step(fitted_trans).image_shape_)
            if kind == "sequence":
                size = getattr(_last_step(fitted_trans), "vocabulary_size_", None)
                vocab[name] = int(size) if size is not None else None
                fill = np.zeros(block.shape[1])
            else:  # learned whatever the policy: "mean" can be set later
                fill = np.asarray(block.mean(axis=0), dtype=np.float64).ravel()
            fills[name] = fill
            if policy != "zero" and sparse.issparse(block):
                added = (n - len(present)) * np.count_nonzero(fill)
                if added > DENSE_OUTPUT_MAX_VALUES:
                    dense_fills.append((name, n - len(present), added, block.nnz))
            block = self._expand(
                block, present, n, np.zeros_like(fill) if policy == "zero" else fill
            )
            presents.append(present)
            names.append(name)
            kinds.append(kind)
            blocks.append(block)
            widths.append(block.shape[1])
            fitted.append((name, fitted_trans, column))
            input_columns.append(_column_positions(X, column))
        if dense_fills:
            self._warn_dense_fills(dense_fills, policy)
        # the names of X's columns (else x<i> by position), which the
        # branches' transformers get, as in ColumnTransformer
        X_columns = _column_names(X)
        named = X_columns is not None
        feature_names, own_names = self._block_names(
            zip(fitted, widths, kinds, input_columns),
            X_columns if named else _check_feature_names_in(self, None),
            named,
        )

        self._check_method_accepts(method, method_name, names, kinds, blocks)
        if weights is not None:  # "auto", or the kept branches' own
            method.set_params(weights=weights)
        method.set_modalities(names, kinds)
        target_type = getattr(self, "target_type_", None) if y is not None else None
        if target_type not in (None, "unknown") and hasattr(method, "set_target_type"):
            method.set_target_type(target_type)
        with _native_output():
            Z = method.fit_transform(blocks, _positional(y), **weighted)
        Z = self._check_fused(Z, n, method_name)
        out_names = _fused_names(method, feature_names, names, policy)
        width = Z.shape[1] + (len(names) if policy == "indicator" else 0)
        if len(out_names) != width:
            raise ValueError(
                f"fusion method {method_name!r} named "
                f"{len(out_names) - (width - Z.shape[1])} features but returned "
                f"{Z.shape[1]} columns"
            )
        # the layout reads the modality-prefixed names; the output names
        # are the readable ones (table columns by their own names)
        layout = BlockLayout.from_feature_names(
            out_names,
            sequence_modalities={nm for nm, k in zip(names, kinds) if k == "sequence"},
            vocabulary_sizes=vocab,
            image_shapes=shapes,
        )
        self._check_unique_output(out_names, layout, names, method_name)

        self.transformers_ = fitted
        self.method_ = method
        self.modality_names_ = names
        self._block_kinds = kinds
        self._block_widths = widths
        self._block_sparse = [sparse.issparse(b) for b in blocks]
        self.fill_values_ = fills
        self._fills = fills
        self._fitted_missing = policy
        self._input_columns = input_columns
        self._named_input = named
        self._feature_names_out = _readable_names(out_names, own_names)
        self.block_layout_ = layout
        return self._finish(Z, presents, n, _frame_index(X), fitting=True)

    @staticmethod
    def _warn_dense_fills(dense_fills, policy):
        """Warn, once per fit, of the sparse blocks whose missing rows the
        mean row fills with more than :data:`DENSE_OUTPUT_MAX_VALUES` stored
        values: ``dense_fills`` holds ``(name, missing rows, values added,
        values of the present rows)`` for each."""
        named = "; ".join(
            f"in {name!r}, {rows:,} missing row{'s' * (rows > 1)} "
            f"add{'s' * (rows == 1)} {added:,} stored values (about "
            f"{added * 12 / 2**20:,.0f} MiB) to the {stored:,} of its present rows"
            for name, rows, added, stored in dense_fills
        )
        warn_at_caller(
            f"ModalityFusion(missing={policy!r}) fills the missing rows of a "
            f"sparse block with its mean row, which is dense: {named}, more "
            f"than {DENSE_OUTPUT_MAX_VALUES:,}. missing='zero' keeps the block "
            "sparse (its missing rows empty); or end the branch with a step "
            "that makes its block small and dense, such as "
            "TruncatedSVD(n_components=100), so that the mean row is short."
        )

    def _warn_supervised_branches(self, method_name):
        """Warn, naming each branch and step, of the branch steps that learn
        from ``y``: the branches are fitted on every training row with ``y``
        before the method's internal folds, so the out-of-fold class scores
        of such a branch have seen their own labels."""
        found = [
            (name, step)
            for name, trans, _ in self._branches(fitted=False)
            if (step := _step_learning_from_target(trans)) is not None
        ]
        if not found:
            return
        named = "; ".join(f"branch {name!r}: {step}" for name, step in found)
        warn_at_caller(
            f"ModalityFusion(method={method_name!r}): a branch step learns from "
            f"the labels ({named}). The branches are fitted on every training "
            "row before the method's internal folds, so that modality's "
            "out-of-fold class scores have seen their own labels: they are "
            "optimistic, and the classifier after the fusion over-trusts that "
            "modality. Move the step into the method's estimator (e.g. "
            "StackFusion(estimator=make_pipeline(SelectKBest(k=20), "
            "LogisticRegression()))), which each internal fold refits, or use "
            "method='concat'."
        )

    def _check_weights_for(self, method, method_name):
        """Check ``weights`` against the method, before any branch is fitted:
        the method has a ``weights`` parameter (one that takes ``"auto"``
        for ``weights="auto"``), left at its default: weights given on both
        are refused, naming the two."""
        if self.weights is None:
            return
        params = method.get_params(deep=False)
        if "weights" not in params:
            raise ValueError(
                f"fusion method {method_name!r} has no weights parameter; "
                "ModalityFusion(weights=...) cannot be applied to it."
            )
        if isinstance(self.weights, str) and not _learns_weights(type(method)):
            raise ValueError(
                f"ModalityFusion(weights='auto'): fusion method {method_name!r} "
                "cannot learn its modality weights (its weights parameter does "
                "not take 'auto'). Methods that can: "
                f"{', '.join(_methods_learning_weights()) or 'none'}. Give the "
                "weights as a list or a dict, or use one of those methods."
            )
        default = _default_weights(type(method))
        given = params["weights"]
        if not _same_default(given, default):
            label = type(method).__name__
            raise ValueError(
                f"weights are given twice: ModalityFusion(weights={self.weights!r}) "
                f"and {label}(weights={given!r}). Keep one: remove "
                "ModalityFusion's weights to use the method's, or leave the "
                f"method's weights at their default ({default!r}) to use "
                "ModalityFusion's."
            )

    def _check_added_blocks(self, names, method, method_name, policy):
        """Refuse, before any branch is fitted, a modality named like a
        block the fusion adds: ``presence`` under ``missing="indicator"``,
        ``joint`` with the joint expert of ``StackFusion``."""
        if policy == "indicator" and PRESENCE_PREFIX in names:
            raise ValueError(
                f"modality {PRESENCE_PREFIX!r} clashes with the presence columns "
                f"({PRESENCE_PREFIX}__<modality>) that missing='indicator' adds; "
                "rename the modality."
            )
        from ._methods import StackFusion

        if isinstance(method, StackFusion) and method.joint and "joint" in names:
            raise ValueError(
                "modality 'joint' clashes with the joint block (joint__*, the "
                f"scores of the joint expert) that method {method_name!r} adds; "
                "rename the modality (or set joint=False on the method)."
            )

    @staticmethod
    def _check_unique_output(out_names, layout, names, method_name):
        """Refuse a fused output whose feature names or block names are not
        unique: a modality named like a block the method adds (a plugin
        method's included) would be merged with it, or read twice."""
        name_counts = Counter(out_names)
        twice = [nm for nm in out_names if name_counts[nm] > 1]
        block_counts = Counter(layout.names)
        blocks = [b for b in layout.names if block_counts[b] > 1]
        if not twice and not blocks:
            return
        if twice:
            block = str(twice[0]).partition("__")[0]
            what = f"the feature name {twice[0]!r} appears twice in the output"
        else:
            block = blocks[0]
            what = f"the output has two blocks named {block!r}"
        if block in names:
            raise ValueError(
                f"modality {block!r} clashes with a block that fusion method "
                f"{method_name!r} adds ({what}); rename the modality."
            )
        raise ValueError(
            f"fusion method {method_name!r} returned names that are not unique "
            f"({what}); each block it adds needs a name of its own."
        )

    def _check_missing_switch(self, policy):
        """In transform, refuse a ``missing`` that needs a refit: switching
        ``"indicator"`` on or off changes the number of output columns that
        the steps after the fusion were fitted on."""
        fitted = getattr(self, "_fitted_missing", None)
        if fitted is None or fitted == policy or "indicator" not in (fitted, policy):
            return
        width = len(self._fitted_feature_names())
        raise ValueError(
            f"ModalityFusion was fitted with missing={fitted!r} but now has "
            f"missing={policy!r}: 'indicator' adds one presence column per "
            "modality, so switching it on or off changes the number of output "
            f"columns ({width} at fit) that the steps after the fusion were "
            f"fitted on. Refit with missing={policy!r}, or set missing="
            f"{fitted!r} back."
        )

    def _fill_for(self, k, name, policy):
        """The row filling the missing rows of block ``k`` in transform,
        under the current ``policy``: zeros (``"zero"``, sequence blocks) or
        the mean block row learned at fit (whatever the policy then)."""
        if policy == "zero" or self._block_kinds[k] == "sequence":
            return np.zeros(self._block_widths[k])
        return self._fills[name]

    def _weights_in_order(self):
        """``weights`` for the method: ``"auto"``, None, or the fixed
        weights of the branches not ``"drop"``, in order, checked. They are
        given per declared branch (``{name: weight}``, or a list of one per
        transformer, ``"drop"`` ones included), and a dropped branch's
        weight is ignored, as :class:`LateFusionClassifier` does, so that a
        grid over ``<name>: ["drop", ...]`` keeps the weights."""
        w = self.weights
        if w is None or isinstance(w, str):
            return w
        return kept_weights(w, *self._declared_and_kept(), "transformer").tolist()

    def _declared_and_kept(self):
        """The names of every declared branch, and of those not ``"drop"``."""
        every = [name for name, _, _ in self.transformers]
        kept = [name for name, trans, _ in self.transformers if not _is_drop(trans)]
        return every, kept

    def _method_weights_kept(self, method):
        """The fixed weights of a method instance given, as ``weights=`` may
        be, per declared branch (one per transformer, ``"drop"`` ones
        included, or a dict naming a dropped one), as those of the kept
        branches; None when there is nothing to change (no branch dropped,
        or the weights are already one per kept branch)."""
        w = method.get_params(deep=False).get("weights")
        if w is None or isinstance(w, str):
            return None
        every, kept = self._declared_and_kept()
        if len(kept) == len(every):
            return None
        if isinstance(w, dict):
            if not set(w) - set(kept):
                return None
        elif np.ravel(np.asarray(w, dtype=object)).shape[0] != len(every):
            return None
        return kept_weights(w, every, kept, "transformer").tolist()

    def _check_method_accepts(self, method, method_name, names, kinds, blocks):
        for name, kind, block in zip(names, kinds, blocks):
            if sparse.issparse(block) and not getattr(method, "accepts_sparse", False):
                raise ValueError(
                    f"fusion method {method_name!r} cannot take sparse input, but "
                    f"transformer {name!r} returned a sparse matrix of shape "
                    f"{block.shape}. End that branch with a densifying or "
                    "projecting step (e.g. TruncatedSVD(n_components=100)), or "
                    "use method='concat', which keeps sparse blocks sparse."
                )
            if kind == "sequence" and not getattr(method, "accepts_sequence", False):
                raise ValueError(
                    f"fusion method {method_name!r} cannot take the sequence "
                    f"block of transformer {name!r} (integer token ids from "
                    f"{type(_last_step(self._find(name))).__name__}). Use "
                    "method='tokens' (for MultimodalAttentionClassifier) or "
                    "'concat', or give that branch a feature extractor instead."
                )
            if kind == "image" and not getattr(method, "accepts_image", False):
                raise ValueError(
                    f"fusion method {method_name!r} cannot take the image block "
                    f"of transformer {name!r} (decoded images from "
                    f"{type(_last_step(self._find(name))).__name__}, for a "
                    "network that learns from pixels). Use method='concat' or "
                    "'tokens' (for MultimodalAttentionClassifier), or give that "
                    "branch a feature extractor instead."
                )

    def _find(self, name):
        for n, t, _ in self.transformers:
            if n == name:
                return t
        return None

    def _check_fused(self, Z, n, method_name):
        if isinstance(Z, pd.DataFrame):
            Z = Z.to_numpy()
        if not sparse.issparse(Z):
            Z = np.asarray(Z, dtype=np.float64)
        if Z.ndim != 2 or Z.shape[0] != n:
            raise ValueError(
                f"fusion method {method_name!r} returned shape {Z.shape} for {n} "
                "samples; it must return a 2-D matrix with one row per sample."
            )
        values = Z.data if sparse.issparse(Z) else Z
        # one cheap pass; the element-wise check only for a non-finite sum
        if not np.isfinite(values.sum()) and not np.isfinite(values).all():
            raise ValueError(
                f"fusion method {method_name!r} returned NaN or inf values (for "
                f"example from weights={self.weights!r} overflowing); the fused "
                "matrix must be finite."
            )
        return Z

    def _finish(self, Z, presents, n, index=None, fitting=False):
        if self.missing == "indicator":  # the one policy spelled alike
            presence = np.zeros((n, len(presents)))
            for j, present in enumerate(presents):
                presence[present, j] = 1.0
            if sparse.issparse(Z):
                Z = sparse.hstack([Z, sparse.csr_matrix(presence)]).tocsr()
            else:
                Z = np.hstack([Z, presence])
        if fitting:  # as ColumnTransformer: chosen in fit, kept in transform
            threshold = self.sparse_threshold
            self.sparse_output_ = sparse.issparse(Z) and (
                threshold is None or Z.nnz / max(Z.shape[0] * Z.shape[1], 1) < threshold
            )
        # a model saved before sparse_threshold existed kept sparse output
        if sparse.issparse(Z) and not getattr(self, "sparse_output_", True):
            if Z.shape[0] * Z.shape[1] > DENSE_OUTPUT_MAX_VALUES:
                wanted = f"dense output (sparse_threshold={self.sparse_threshold!r})"
                raise ValueError(
                    self._too_big_for_dense(Z, wanted, "sparse_threshold=None")
                )
            Z = Z.toarray()
        container = _get_output_config("transform", self)["dense"]
        if container != "default":
            return self._as_container(Z, container, index)
        if sparse.issparse(Z):
            Z = sparse.csr_matrix(Z)
            Z.block_layout = self.block_layout_
            return Z
        return FusedArray(Z, self.block_layout_)

    def _as_container(self, Z, container, index):
        """The fused matrix for ``set_output(transform=container)``: a
        DataFrame (built here, with the input's index and the block layout
        attached) or a dense array the set_output wrapper turns into the
        container (polars). A sparse matrix is densified when it has at
        most :data:`DENSE_OUTPUT_MAX_VALUES` values."""
        if sparse.issparse(Z):
            size = Z.shape[0] * Z.shape[1]
            if size > DENSE_OUTPUT_MAX_VALUES:
                raise ValueError(
                    self._too_big_for_dense(
                        Z, f"{container} output", "set_output(transform='default')"
                    )
                )
            Z = Z.toarray()
        Z = np.asarray(Z)
        names = self.get_feature_names_out()
        if container != "pandas":
            self._warn_misread_layout(names, container)
            return Z
        frame = pd.DataFrame(Z, index=index, columns=names, copy=False)
        # as on FusedArray and the sparse output: get_block_layout finds it
        # (an attribute, not a column: pandas' own __setattr__ would warn),
        # and in attrs, which pandas carries through copies and row slices
        object.__setattr__(frame, "block_layout", self.block_layout_)
        frame.attrs[LAYOUT_ATTR] = (self.block_layout_, tuple(map(str, names)))
        return frame

    def _warn_misread_layout(self, names, container):
        """Warn where the output ``container`` (polars: no place for the
        layout) has column names that read as another block layout than
        the fusion's (a table column whose own name holds ``__``)."""
        if not all("__" in str(n) for n in names):
            return  # read as one block "X", as documented
        try:
            read = BlockLayout.from_feature_names([str(n) for n in names])
        except ValueError:
            return
        if [(b.name, b.start, b.stop) for b in read] == [
            (b.name, b.start, b.stop) for b in self.block_layout_
        ]:
            return
        warn_at_caller(
            f"the {container} output keeps no block layout, and its column "
            f"names read as {read!r} instead of the fusion's "
            f"{self.block_layout_!r} (a table column's own name holds "
            "'__'): get_block_layout and MultimodalAttentionClassifier "
            "would see those blocks. Use set_output(transform='pandas') or "
            "'default', or rename the column"
        )

    def _too_big_for_dense(self, Z, wanted, keep):
        sparse_branches = [
            name
            for name, is_sparse in zip(self.modality_names_, self._block_sparse)
            if is_sparse
        ]
        label = _method_label(self.method)
        if sparse_branches:
            which = ", ".join(repr(b) for b in sparse_branches)
            many = len(sparse_branches) > 1
            source = (
                f"method {label!r} keeps the sparse block{'s' * many} of "
                f"transformer{'s' * many} {which} sparse"
            )
            dense_fix = (
                f"make transformer{'s' * many} {which} dense (end the branch "
                "with e.g. TruncatedSVD(n_components=100), or use a dense "
                "feature extractor)"
            )
        else:
            source = f"method {label!r} returned a sparse matrix"
            dense_fix = "use a fusion method with dense output"
        return (
            f"ModalityFusion cannot give {wanted}: {source}, and the "
            f"fused matrix has {Z.shape[0]:,} x {Z.shape[1]:,} = "
            f"{Z.shape[0] * Z.shape[1]:,} values, over the "
            f"{DENSE_OUTPUT_MAX_VALUES:,} it densifies. Use method='stack' "
            f"(dense class scores per modality), or {dense_fix}; or keep the "
            f"sparse matrix with {keep}."
        )

    # -- transforming -------------------------------------------------------
    def _transform_blocks(self, X):
        check_is_fitted(self, "transformers_")
        policy = self._missing_policy(warn=False)
        self._check_missing_switch(policy)
        X, n = validate_table(self, X, self._columns(fitted=True), reset=False)
        index = row_index(X)
        branches = list(self._iter(X, n, fitted=True, policy=policy, index=index))
        with _native_output():
            outs = Parallel(n_jobs=self.n_jobs)(
                delayed(RelayWarnings(_transform_one))(
                    b.estimator,
                    b.data if len(b.present) else None,
                    b.name,
                    self._row_error_hint,
                    b.present if len(b.present) < n else None,
                )
                for b in branches
            )
        outs = reissue(outs)
        blocks, presents, unreadable_found = [], [], []
        for k, (branch, out) in enumerate(zip(branches, outs)):
            name, present, block = branch.name, branch.present, None
            if out is not None:
                block = self._as_block(out, name, present, index, "transform")
                unreadable = self._unreadable_rows(
                    branch, block, index, "transform", policy, found=unreadable_found
                )
                if len(unreadable):
                    keep = np.setdiff1d(np.arange(len(present)), unreadable)
                    block, present = block[keep], present[keep]
                if block.shape[1] != self._block_widths[k]:
                    raise ValueError(
                        f"transformer {name!r} returned {block.shape[1]} features "
                        f"in transform but {self._block_widths[k]} in fit"
                    )
            blocks.append((k, name, block, present))
        self._raise_unreadable(unreadable_found)
        expanded = []
        for k, name, block, present in blocks:
            if block is None and self._block_sparse[k]:  # filled, kept sparse
                block = sparse.csr_matrix((0, self._block_widths[k]))
            block = self._expand(block, present, n, self._fill_for(k, name, policy))
            if self._block_sparse[k] and not sparse.issparse(block):
                block = sparse.csr_matrix(block)
            expanded.append(block)
            presents.append(present)
        return expanded, presents, n

    def transform(self, X):
        """Transform every modality and fuse the blocks.

        Parameters
        ----------
        X : DataFrame, dict of columns or 2-D array of shape (n_samples, ...)
            Same columns as in ``fit``.

        Returns
        -------
        Z : FusedArray or sparse matrix of shape (n_samples, n_features_out)
        """
        blocks, presents, n = self._transform_blocks(X)
        with _native_output():
            Z = self.method_.transform(blocks)
        Z = self._check_fused(Z, n, _method_label(self.method))
        return self._finish(Z, presents, n, _frame_index(X))

    def get_feature_names_out(self, input_features=None):
        """Output feature names, prefixed by modality (``image__hog__0``).

        A table's columns keep their own names (``price``, ``brand_red``)
        where no name would be repeated; see the Notes of the class.

        Parameters
        ----------
        input_features : array-like of str, default=None
            The names of X's columns, checked as scikit-learn's transformers
            check it: None, or the column names seen in ``fit``
            (``feature_names_in_``); for an X without names (a 2-D array),
            any ``n_features_in_`` names, None meaning ``x0``, ``x1``, ...
            As in :class:`~sklearn.compose.ColumnTransformer`, each
            branch's transformer names its output from the names of its
            input columns (a ``passthrough`` branch keeps them): columns
            selected by position are named by their position in X
            (``tab__x3``), or by ``input_features``.

        Returns
        -------
        feature_names_out : ndarray of str objects

        Raises
        ------
        ValueError
            When ``input_features`` differs from the columns seen in ``fit``.
        """
        check_is_fitted(self, "method_")
        input_names = _check_feature_names_in(self, input_features)
        if (
            input_features is None
            or getattr(self, "_input_columns", None) is None  # older fit
            or hasattr(self, "feature_names_in_")  # the names seen in fit
        ):
            return self._fitted_feature_names().copy()
        return self._output_names(input_names)

    def _output_names(self, input_names):
        """The output feature names, X's columns named ``input_names``."""
        feature_names, own_names = self._block_names(
            zip(
                self.transformers_,
                self._block_widths,
                self._block_kinds,
                self._input_columns,
            ),
            input_names,
            self._named_input,
        )
        names = _fused_names(
            self.method_, feature_names, self.modality_names_, self._fitted_missing
        )
        return _readable_names(names, own_names)

    def _fitted_feature_names(self):
        """The output feature names for the columns seen in fit: computed in
        ``fit``, and after loading a saved model (which leaves them out,
        see ``__getstate__``) rebuilt on first use."""
        names = self.__dict__.get("_feature_names_out")
        if names is None:
            names = self._output_names(_check_feature_names_in(self, None))
            self._feature_names_out = names
        return names

    def _method_has_modality_weights(self):
        if hasattr(self, "method_"):
            return hasattr(self.method_, "modality_weights")
        method = self.method
        if isinstance(method, str):
            from skmultimodal.plugins import get_registry

            registry = get_registry("fusion_method")
            if method not in registry:
                return False
            method = registry.get(method)
        return hasattr(method, "modality_weights")

    @available_if(_method_has_modality_weights)
    def modality_weights(self, X):
        """Per-sample weight of each modality given by the fusion method.

        Available for methods with per-sample weights (``"attention"``).

        Parameters
        ----------
        X : DataFrame, dict of columns or 2-D array
            Same columns as in ``fit``.

        Returns
        -------
        weights : DataFrame of shape (n_samples, n_modalities)
            One column per modality; each row sums to 1.
        """
        blocks, _, _ = self._transform_blocks(X)
        with _native_output():
            a = np.asarray(self.method_.modality_weights(blocks))
        index = X.index if isinstance(X, pd.DataFrame) else None
        return pd.DataFrame(a, columns=list(self.modality_names_), index=index)

    def _sk_visual_block_(self):
        # the branches side by side, then the fusion method that joins them
        method = getattr(self, "method_", self.method)
        return _VisualBlock(
            "serial",
            [super()._sk_visual_block_(), method],
            names=[None, f"method: {_method_label(method)}"],
            name_details=[None, str(method)],
            dash_wrapped=False,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        # NaN marks a missing modality value, which a filling policy accepts
        tags.input_tags.allow_nan = isinstance(self.missing, str) and (
            self.missing in ("zero", "mean", "indicator")
        )
        tags.target_tags.required = _method_requires_y(self.method)
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags

    def __skmultimodal_internal_folds__(self):
        """Whether fit splits its training rows into internal folds (those
        of a method that learns from ``y``: all but ``"concat"``), which
        ``groups`` should keep whole."""
        return _method_has_internal_folds(self.method)


def _method_requires_y(method):
    """Whether fusion method ``method`` (a name or an instance) needs ``y`` at
    fit, as its own tags say (every built-in method but ``"concat"``); False
    for a name or an object that cannot say, so that the tags never raise."""
    if isinstance(method, str):
        if method == "concat":
            return False
        from skmultimodal.plugins import get_registry

        try:
            method = get_registry("fusion_method").create(method)
        except Exception:  # an unknown name is reported by fit
            return False
    try:
        return bool(get_tags(method).target_tags.required)
    except Exception:  # not an estimator with tags
        return False


def _method_has_internal_folds(method):
    """Whether fusion method ``method`` (a name or an instance) splits the
    training rows into internal folds: as its optional
    ``__skmultimodal_internal_folds__()`` answers, else whether it learns
    from ``y`` (:func:`_method_requires_y`: the class-score methods)."""
    answer = getattr(method, "__skmultimodal_internal_folds__", None)
    return _method_requires_y(method) if answer is None else bool(answer())


def _learns_from_target(estimator):
    """Whether the transformer ``estimator`` learns from ``y`` at fit: its
    tags say it needs ``y`` (TargetEncoder, RFE, LinearDiscriminantAnalysis);
    it selects features with an estimator whose tags do (SelectFromModel or
    SequentialFeatureSelector around a classifier: their own tags say no,
    as the estimator may be unsupervised); or it scores features with a
    ``score_func`` that takes ``y`` (SelectKBest, SelectPercentile: their
    tags say no, as a score function of your own may ignore ``y`` by
    declaring ``y=None``; scikit-learn's own, such as ``f_classif`` or
    ``chi2``, need it). An estimator without ``transform`` (the regressor
    of an IterativeImputer) is fitted by its parent, on the parent's
    terms: not counted."""
    from sklearn.feature_selection import SelectorMixin

    if not hasattr(estimator, "transform"):
        return False
    try:
        if get_tags(estimator).target_tags.required:
            return True
        params = estimator.get_params(deep=False)
        inner = params.get("estimator")
        if isinstance(estimator, SelectorMixin) and hasattr(inner, "fit"):
            return get_tags(inner).target_tags.required
    except (AttributeError, TypeError):  # no tags or parameters to read
        return False
    score_func = params.get("score_func")
    if not callable(score_func):
        return False
    try:
        params = list(signature(score_func).parameters.values())
    except (TypeError, ValueError):  # cannot say: scikit-learn passes (X, y)
        return True
    return len(params) > 1 and params[1].default is params[1].empty


def _step_learning_from_target(transformer):
    """``"<path> (<class>)"`` of the first estimator in ``transformer`` (itself,
    or one nested in it: Pipeline steps, FeatureUnion or ColumnTransformer
    members, a meta-estimator's estimator) that learns from ``y``
    (:func:`_learns_from_target`); None if none does."""
    if _learns_from_target(transformer):
        return type(transformer).__name__
    try:
        params = transformer.get_params(deep=True)
    except (AttributeError, TypeError):  # "passthrough", or not an estimator
        return None
    for path, value in params.items():
        if hasattr(value, "get_params") and _learns_from_target(value):
            return f"step {path!r} ({type(value).__name__})"
    return None


def _default_weights(cls):
    """The default of a method class's ``weights`` parameter."""
    try:
        return signature(cls.__init__).parameters["weights"].default
    except (KeyError, TypeError, ValueError):
        return None


def _same_default(value, default):
    """Whether a ``weights`` value is the default one (None or a string such
    as ``"auto"``; a list or an array never is)."""
    if default is None:
        return value is None
    return isinstance(value, str) and isinstance(default, str) and value == default


def _learns_weights(cls):
    """Whether a fusion method class's ``weights`` takes ``"auto"``: its
    ``_parameter_constraints`` say so, or (none declared) its default is
    ``"auto"``."""
    constraints = getattr(cls, "_parameter_constraints", {}).get("weights")
    if constraints is None:
        return _default_weights(cls) == "auto"
    return any(
        isinstance(c, StrOptions)
        and "auto" in c.options
        or (isinstance(c, str) and c == "auto")
        for c in constraints
    )


def _methods_learning_weights():
    """The registered fusion methods whose ``weights`` takes ``"auto"``."""
    from skmultimodal.plugins import get_registry

    registry = get_registry("fusion_method")
    found = []
    for name in registry.names():
        try:
            cls = registry.get(name)
        except Exception:  # a broken plugin does not spoil the message
            continue
        if _learns_weights(cls):
            found.append(name)
    return found


#: The types of ``y`` (``type_of_target``'s names) that each class
#: ``target_type`` given takes: a multi-class target may show two classes
#: only (in a fold, say).
_DECLARED_TARGETS = {
    "binary": ("binary",),
    "multiclass": ("binary", "multiclass"),
    "multilabel-indicator": ("multilabel-indicator",),
}


def _check_declared_target(y, declared, labels=None):
    """Refuse, before any branch is fitted, a ``y`` that is not of the class
    ``target_type`` given (``declared``), naming the type found
    (``type_of_target``) and, where one value is out of place, the first
    (``labels``: the rows' index labels)."""
    given = f"target_type={declared!r}"
    try:
        found = type_of_target(y, input_name="y")
    except ValueError as exc:  # label lists, ragged rows, inf
        raise ValueError(f"{given} does not fit y: {exc}") from None
    if found == "unknown" and declared == "multilabel-indicator":
        first = None
        if isinstance(y, pd.Series | pd.DataFrame) and len(y):
            first = y.iloc[0]
        elif not sparse.issparse(y):
            first = next(iter(y), None)
        raise ValueError(
            f"{given} needs a 0/1 label matrix y (one row per sample, one "
            f"column per label); y is not one (its first row is of type "
            f"{type_name(first)}). Turn label sets or lists into such a "
            "matrix with sklearn.preprocessing.MultiLabelBinarizer."
        )
    if found == "unknown" or found in _DECLARED_TARGETS[declared]:
        return  # unknown: the method's own check names it
    values = np.asarray(y.toarray() if sparse.issparse(y) else y)
    if isinstance(y, (pd.Series, pd.DataFrame)):
        labels = y.index
    if declared == "multilabel-indicator":
        if values.ndim == 2 and values.shape[1] == 1 and found == "binary":
            raise ValueError(
                f"{given} got a label matrix y of one column: one label is a "
                "binary target. Pass y as one column (1-D, e.g. y.ravel()) with "
                "target_type='binary' or 'auto'."
            )
        need = (
            f"{given} needs a 0/1 label matrix y (one row per sample, one "
            "column per label)"
        )
        if values.ndim != 2:
            raise ValueError(
                f"{need}; y is a 1-D {found!r} target (type_of_target). Turn "
                "class labels or label lists into such a matrix with "
                "sklearn.preprocessing.MultiLabelBinarizer, or set "
                "target_type='auto' for one class label per row."
            )
        off = np.flatnonzero(~np.isin(values.ravel(), [0, 1]))
        where = ""
        if len(off):
            i = int(off[0])
            value = plain_label(values.ravel()[i])
            where = f": {describe_cell(values, i, labels)} holds {value!r}"
        raise ValueError(
            f"{need}; y is {found!r} (type_of_target){where}. Give each label "
            "as 0 or 1."
        )
    if values.ndim == 2 and values.shape[1] > 1:
        raise ValueError(
            f"{given} needs one class label per row of y; y has "
            f"{values.shape[1]} columns ({found!r}, type_of_target). For a 0/1 "
            "label matrix set target_type='multilabel-indicator'."
        )
    if found == "continuous":
        flat = values.ravel().astype(float)
        off = np.flatnonzero(flat != np.round(flat))
        where = ""  # whole numbers past int64 read as continuous too
        if len(off):
            i = int(off[0])
            where = f": {describe_cell(values, i, labels)} holds "
            where += repr(plain_label(values.ravel()[i]))
        raise ValueError(
            f"{given} needs class labels in y; y is 'continuous' "
            f"(type_of_target){where}. For a regression target set "
            "target_type='continuous' and use a regressor."
        )
    classes = np.unique(values)
    shown = ", ".join(repr(plain_label(c)) for c in classes[:10])
    more = ", ..." if len(classes) > 10 else ""
    raise ValueError(
        f"{given} needs two classes in y; y is {found!r} (type_of_target) with "
        f"{len(classes)} classes [{shown}{more}]. Set target_type='multiclass' "
        "(or 'auto' to take the type of y)."
    )


def _nonfinite_rows(block):
    """Boolean mask of the rows of a float block holding a NaN or inf."""
    if sparse.issparse(block):
        rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
        mask = np.zeros(block.shape[0], dtype=bool)
        mask[rows[~np.isfinite(block.data)]] = True
        return mask
    return ~np.isfinite(block).all(axis=1)


def _expand_sparse(block, present, n, fill):
    """The CSR ``block`` of rows ``present`` as ``n`` rows, each other row
    holding the nonzero entries of ``fill`` (its zeros are not stored, as
    ``csr_matrix`` of the dense rows would have it): the arrays are built in
    row order, with no dense copy of the filled rows nor a stacked copy to
    reorder."""
    if np.any(np.diff(present) < 0):
        order = np.argsort(present, kind="stable")
        block, present = block[order], present[order]
    cols = np.flatnonzero(fill)
    missing = np.ones(n, dtype=bool)
    missing[present] = False
    lengths = np.full(n, len(cols), dtype=np.int64)
    lengths[present] = np.diff(block.indptr)
    total = int(lengths.sum())
    big = max(total, fill.shape[0]) > np.iinfo(np.int32).max
    index_dtype = np.int64 if big else np.int32
    indptr = np.zeros(n + 1, dtype=index_dtype)
    np.cumsum(lengths, out=indptr[1:])
    data = np.empty(total, dtype=np.float64)
    indices = np.empty(total, dtype=index_dtype)
    from_block = np.repeat(~missing, lengths)
    data[from_block] = block.data
    indices[from_block] = block.indices
    del from_block
    if len(cols):  # the filled rows, a bounded chunk of them at a time
        values, cols = fill[cols], cols.astype(index_dtype)
        starts = indptr[:-1][missing]
        step = max(1, (1 << 20) // len(cols))
        for i in range(0, len(starts), step):
            at = starts[i : i + step, None] + np.arange(len(cols))
            data[at] = values
            indices[at] = cols
    return sparse.csr_matrix((data, indices, indptr), shape=(n, fill.shape[0]))


def _frame_index(X):
    """The index of a DataFrame X (for a DataFrame output), or the one
    index of a dict X's pandas columns (a dict of Series from different rows
    is refused: ``check_dict_indexes``), else None."""
    if isinstance(X, pd.DataFrame):
        return X.index
    if isinstance(X, dict):
        for column in X.values():
            if isinstance(column, pd.Series | pd.DataFrame):
                return column.index
    return None


def _selected_columns(column, X_columns):
    """The names of the columns of X a (resolved) column spec selects, or
    None when they are not known by name."""
    if isinstance(column, str):
        return [column]
    if isinstance(column, (list, tuple, np.ndarray, pd.Index)) and all(
        isinstance(c, str) for c in column
    ):  # however the names are held: the same names
        return [str(c) for c in column]
    if X_columns is None or callable(column):
        return None
    try:
        if isinstance(column, slice) and isinstance(
            column.start or column.stop, str
        ):  # names, both ends included, as scikit-learn selects them
            column = pd.Index(X_columns).slice_indexer(
                column.start, column.stop, column.step
            )
        sel = pd.Index(X_columns)[column]
    except Exception:
        return None
    sel = [sel] if np.ndim(sel) == 0 else list(sel)
    return [str(c) for c in sel]


def _own_names(name, prefixed, column, kind, X_columns):
    """``{prefixed name: own name}`` for a branch whose features are all
    named after its own input columns (the column itself, or
    ``<column>_<suffix>`` as OneHotEncoder writes them): a table's columns,
    which keep their names in the output. None for any other branch."""
    if kind != "features":
        return None
    selected = _selected_columns(column, X_columns)
    if not selected:
        return None
    cut = len(name) + 2
    own = [str(p)[cut:] for p in prefixed]
    stems = tuple(f"{c}_" for c in selected)
    columns = set(selected)
    if not all(f in columns or f.startswith(stems) for f in own):
        return None
    return dict(zip(map(str, prefixed), own))


def _readable_names(names, own_names):
    """The output names with the table branches' columns by their own names
    (``price``, ``brand_red``), where no such name is repeated in the
    output; a branch with a repeated name keeps the modality prefix on all
    its names. Every other name is unchanged."""
    names = [str(n) for n in names]
    kept = [own for own in own_names if own]
    while True:
        rename = {p: f for own in kept for p, f in own.items()}
        final = [rename.get(n, n) for n in names]
        counts = Counter(final)
        clashing = [own for own in kept if any(counts[f] > 1 for f in own.values())]
        if not clashing:
            return np.asarray(final, dtype=object)
        kept = [own for own in kept if not any(own is c for c in clashing)]


def _column_positions(X, column):
    """The positions in X of the columns a (resolved) column spec selects,
    or None when they cannot be told."""
    spec = _plain_key(column)
    try:
        if isinstance(X, dict):
            keys = list(X)
            return np.asarray(
                [keys.index(c) for c in ([spec] if isinstance(spec, str) else spec)],
                dtype=int,
            )
        return np.asarray(_get_column_indices(X, spec), dtype=int)
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _column_names(X):
    """X's own column names, as str, when it names its columns with strings
    (NumPy strings included; a dict's keys, as ``feature_names_in_``
    holds them); else None, and the columns are ``x<i>`` by position, as in
    scikit-learn (a 2-D array, integer column labels)."""
    if isinstance(X, dict):
        return np.asarray([str(k) for k in X], dtype=object)
    if isinstance(X, pd.DataFrame) and all(isinstance(c, str) for c in X.columns):
        return np.asarray([str(c) for c in X.columns], dtype=object)
    return None


def _fused_names(method, feature_names, names, policy):
    """The prefixed output names: those of the fitted fusion ``method`` for
    the blocks' ``feature_names``, then the presence columns of
    ``missing="indicator"`` (``policy``), one per modality of ``names``."""
    out_names = list(method.get_feature_names_out(feature_names))
    if policy == "indicator":
        out_names += [f"{PRESENCE_PREFIX}__{nm}" for nm in names]
    return out_names
