"""Table handling shared by ModalityFusion and LateFusionClassifier: the
``(name, estimator, column)`` parameter plumbing, validating X (DataFrame,
dict of columns, 2-D array), selecting a modality column, finding missing
rows (including rows a branch reported unreadable) and taking row subsets."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import clone
from sklearn.utils.metaestimators import _BaseComposition
from sklearn.utils.validation import _check_feature_names, _check_n_features

from skmultimodal.utils import describe_failures


class ColumnComposition(_BaseComposition):
    """A composition of ``(name, estimator, column)`` triples.

    The triples live in the parameter named by ``_branches_param``
    (``"transformers"`` or ``"estimators"``); every branch's estimator is a
    nested parameter (``<name>__<param>``) and can be replaced by name.
    """

    _branches_param = None

    @property
    def _named_branches(self):
        branches = getattr(self, self._branches_param)
        try:
            return [(name, est) for name, est, _ in branches]
        except (TypeError, ValueError):
            return branches

    @_named_branches.setter
    def _named_branches(self, value):
        branches = getattr(self, self._branches_param)
        try:
            value = [
                (name, est, col) for ((name, est), (_, _, col)) in zip(value, branches)
            ]
        except (TypeError, ValueError):
            pass
        setattr(self, self._branches_param, value)

    def get_params(self, deep=True):
        """Parameters, including ``<name>__<param>`` of every branch."""
        return self._get_params("_named_branches", deep=deep)

    def set_params(self, **params):
        """Set parameters, including nested ``<name>__<param>`` ones."""
        self._set_params("_named_branches", **params)
        return self

    def _columns(self):
        return [col for _, _, col in getattr(self, self._branches_param)]

    #: Appended to the error for unreadable rows under ``missing="error"``.
    _unreadable_hint = ""

    def _unreadable(self, name, unreadable, present, index, where):
        """Positions within ``present`` to keep after the branch ``name``
        reported ``unreadable`` rows (None when it reported none)."""
        return unreadable_to_missing(
            type(self).__name__,
            name,
            unreadable,
            present,
            index,
            raise_error=self.missing == "error",
            where=where,
            hint=self._unreadable_hint,
        )

    def _refit_without_unreadable(
        self, name, estimator, fit, unreadable, data, present, y, n, index
    ):
        """Fit a branch again without the rows it reported unreadable.

        A substituted blank then never shapes the fitted branch: the rows
        end up exactly like missing (None) rows. ``fit(clone(estimator),
        data, y)`` returns a tuple whose last item is the new report.
        Returns ``(result of fit or None, data, present)``.
        """
        keep = self._unreadable(name, unreadable, present, index, "fit")
        if keep is None:
            return None, data, present
        if len(keep) == 0:
            raise ValueError(
                f"modality {name!r} is missing or unreadable in every row; "
                "nothing to fit on."
            )
        data, present = take_rows(data, keep), present[keep]
        result = fit(
            clone(estimator), data, take_y(y, present) if len(present) < n else y
        )
        if result[-1]:  # the items changed between the two reads
            rows = describe_rows(present[result[-1].rows], index)
            raise ValueError(
                f"modality {name!r}: {rows} could be read at first but not when "
                "the branch was fitted again without the unreadable rows; the "
                "files changed during fit."
            )
        return result, data, present


def validate_branch_names(entries, what):
    """Names must be unique strings without ``__``."""
    names = [e[0] for e in entries]
    for name in names:
        if not isinstance(name, str) or not name or "__" in name:
            raise ValueError(
                f"{what} names must be non-empty strings without '__'; got {name!r}"
            )
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"{what} names must be unique; repeated: {dupes}")
    for entry in entries:
        if not (isinstance(entry, tuple) and len(entry) == 3):
            raise ValueError(
                f"each of the {what} must be a (name, estimator, column) tuple; "
                f"got {entry!r}"
            )


def _uses_positions(columns):
    """Whether any column spec selects by position (or by a callable)."""
    for c in columns:
        if isinstance(c, str):
            continue
        if isinstance(c, (list, tuple)) and all(isinstance(v, str) for v in c):
            continue
        return True
    return False


def validate_table(estimator, X, columns, *, reset):
    """Check X and return ``(X, n_samples)``.

    DataFrames and dicts of equal-length columns are the main forms; 2-D
    arrays (numeric, or object) work with columns selected by position.
    Sets/checks ``n_features_in_`` and ``feature_names_in_``.
    """
    name = type(estimator).__name__
    if sparse.issparse(X):
        raise TypeError(
            f"{name} got a sparse matrix X; it takes a table of modality columns "
            "(DataFrame, dict of columns, or a dense 2-D array). Densify X or "
            "pass a DataFrame."
        )
    if isinstance(X, dict):
        lengths = {}
        for key, col in X.items():
            try:
                lengths[key] = len(col)
            except TypeError:
                raise ValueError(
                    f"{name}: column {key!r} of the dict X is not a sequence "
                    f"({type(col).__name__})"
                ) from None
        if len(set(lengths.values())) > 1:
            raise ValueError(
                f"{name}: the modalities of X have different lengths: "
                + ", ".join(f"{k!r}: {v}" for k, v in lengths.items())
                + ". Every modality needs one value per sample."
            )
        n = next(iter(lengths.values()), 0)
        if reset:
            estimator.n_features_in_ = len(X)
            estimator.feature_names_in_ = np.asarray([str(k) for k in X], dtype=object)
        _check_n_samples(name, n)
        return X, n
    if isinstance(X, pd.DataFrame):
        if reset or _uses_positions(columns):
            _check_feature_names(estimator, X, reset=reset)
            _check_n_features(estimator, X, reset=reset)
        _check_n_samples(name, X.shape[0])
        return X, X.shape[0]
    if not isinstance(X, np.ndarray):
        if isinstance(X, (str, bytes)) or not (
            hasattr(X, "__len__") or hasattr(X, "__array__")
        ):
            raise ValueError(
                f"{name} expects a 2-D table (DataFrame, dict of columns or 2-D "
                f"array), got {type(X).__name__}."
            )
        X = np.asarray(X, dtype=object if _ragged(X) else None)
    if X.ndim != 2:
        raise ValueError(
            f"{name} expects a 2-D table (DataFrame, dict of columns or 2-D "
            f"array); got an array of shape {X.shape}. Reshape your data with "
            "array.reshape(-1, 1) if it has a single feature."
        )
    if np.iscomplexobj(X):
        raise ValueError("Complex data not supported")
    _check_feature_names(estimator, X, reset=reset)
    _check_n_features(estimator, X, reset=reset)
    _check_n_samples(name, X.shape[0])
    if X.shape[1] == 0:
        raise ValueError(
            f"0 feature(s) (shape={X.shape}) while a minimum of 1 is required by "
            f"{name}."
        )
    return X, X.shape[0]


def _ragged(X):
    try:
        np.asarray(X)
    except ValueError:
        return True
    return False


def _check_n_samples(name, n):
    if n == 0:
        raise ValueError(
            f"Found array with 0 sample(s) while a minimum of 1 is required by {name}."
        )


def _available(X):
    if isinstance(X, pd.DataFrame):
        return list(X.columns)
    if isinstance(X, dict):
        return list(X)
    return f"positions 0..{X.shape[1] - 1}"


def select_column(X, column, branch, what="modality"):
    """The data of one modality: 1-D for a scalar column, 2-D for a list."""
    spec = column(X) if callable(column) else column
    try:
        if isinstance(X, pd.DataFrame):
            if isinstance(spec, str) or (
                isinstance(spec, (list, tuple)) and spec and isinstance(spec[0], str)
            ):
                return X[spec if isinstance(spec, str) else list(spec)]
            if isinstance(spec, slice) and isinstance(spec.start or spec.stop, str):
                return X.loc[:, spec]
            return X.iloc[:, spec]
        if isinstance(X, dict):
            if isinstance(spec, str):
                return X[spec]
            if isinstance(spec, (list, tuple)) and all(
                isinstance(s, str) for s in spec
            ):
                return pd.DataFrame({s: list(X[s]) for s in spec})
            raise ValueError(
                f"{what} {branch!r}: a dict X is indexed by column name; got "
                f"column {spec!r}"
            )
        if isinstance(spec, str) or (
            isinstance(spec, (list, tuple)) and spec and isinstance(spec[0], str)
        ):
            raise ValueError(
                f"{what} {branch!r} selects column {spec!r} by name, which needs a "
                "pandas DataFrame or a dict of columns; got a "
                f"{type(X).__name__}. Select array columns by position."
            )
        return X[:, spec]
    except (KeyError, IndexError):
        missing = spec
        if isinstance(spec, (list, tuple)):
            avail = _available(X)
            missing = [s for s in spec if isinstance(avail, list) and s not in avail]
        raise ValueError(
            f"column {missing!r} of {what} {branch!r} is not in X; available "
            f"columns: {_available(X)}"
        ) from None


def missing_mask(data):
    """Boolean mask of rows whose modality value is missing.

    1-D data: any pandas missing marker (None, NaN, ``pd.NA``, ``pd.NaT``,
    NumPy NaT), whatever the dtype (object, ``string``, nullable, Arrow
    backed, datetime, ...), or an empty or whitespace-only string/bytes.
    2-D data: every entry of the row missing (NaN/None/NA).

    Found with :func:`pandas.isna`, vectorised: never by comparing cells
    with ``==`` (``pd.NA == ""`` is NA, whose truth value is an error).
    """
    if isinstance(data, pd.DataFrame):
        return data.isna().to_numpy(dtype=bool).all(axis=1)
    if isinstance(data, np.ndarray) and data.ndim == 2:
        if data.shape[1] == 0:
            return np.zeros(data.shape[0], dtype=bool)
        return _array_missing_mask(data.ravel()).reshape(data.shape).all(axis=1)
    if isinstance(data, (pd.Series, pd.Index, pd.api.extensions.ExtensionArray)):
        na = np.asarray(pd.isna(data), dtype=bool)
        if not na.all() and _may_hold_strings(data.dtype):
            values = np.asarray(data.to_numpy(dtype=object))
            return na | _empty_strings(values, na)
        return na
    if isinstance(data, np.ndarray):
        return _array_missing_mask(data)
    return _array_missing_mask(np.fromiter(data, dtype=object, count=len(data)))


def _may_hold_strings(dtype):
    """Whether a column of this dtype may hold (empty) strings or bytes:
    anything but numbers, booleans and dates (object, ``string``, Arrow
    strings/binary, categoricals of those, ...)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return _may_hold_strings(dtype.categories.dtype)
    types = pd.api.types
    return not (
        types.is_numeric_dtype(dtype)
        or types.is_bool_dtype(dtype)
        or types.is_datetime64_any_dtype(dtype)
        or types.is_timedelta64_dtype(dtype)
        or isinstance(dtype, pd.PeriodDtype | pd.IntervalDtype)
    )


def _array_missing_mask(values):
    """The mask of a 1-D NumPy array (any dtype)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    if values.dtype.kind == "U":
        return values == ""
    if values.dtype.kind == "S":
        return values == b""
    if values.dtype.kind in "fcmM":
        return np.asarray(pd.isna(values), dtype=bool)
    if values.dtype != object:
        return np.zeros(len(values), dtype=bool)
    # object: pd.isna finds None, NaN, pd.NA, NaT elementwise (arrays, lists
    # and other containers inside are values, never missing)
    na = np.asarray(pd.isna(values), dtype=bool)
    return na | _empty_strings(values, na)


def _empty_strings(values, na):
    """Entries of the 1-D object array ``values`` that are an empty or
    whitespace-only string or bytes, looking only at the entries not already
    missing (``~na``)."""
    empty = np.zeros(len(values), dtype=bool)
    keep = ~na
    rest = values[keep]
    if len(rest) == 0:
        return empty
    empty[keep] = np.fromiter(
        (isinstance(v, (str, bytes)) and (not v or v.isspace()) for v in rest),
        dtype=bool,
        count=len(rest),
    )
    return empty


def take_rows(data, idx):
    """Rows ``idx`` of a modality's data, keeping its type."""
    if isinstance(data, (pd.Series, pd.DataFrame)):
        return data.iloc[idx]
    if isinstance(data, np.ndarray):
        return data[idx]
    if sparse.issparse(data):
        return data[idx]
    return [data[i] for i in idx]


def take_y(y, idx):
    if y is None:
        return None
    if isinstance(y, (pd.Series, pd.DataFrame)):
        return y.iloc[idx]
    return np.asarray(y)[idx]


def describe_rows(rows, index, limit=10):
    """'rows 3, 7 (index 'a', 'b')' style text for error messages."""
    rows = [int(r) for r in rows]
    shown = rows[:limit]
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    if index is not None:
        labels = [index[i] for i in shown]
        if not all(
            isinstance(lab, numbers.Integral) and int(lab) == i
            for lab, i in zip(labels, shown)
        ):
            return f"rows {shown}{more} (index {[_py(v) for v in labels]})"
    return f"rows {shown}{more}"


def _py(v):
    return v.item() if hasattr(v, "item") else v


class _Labels:
    """The index labels of a DataFrame by position, as Python values; read
    only when an error message needs them (no copy of the index)."""

    __slots__ = ("_index",)

    def __init__(self, index):
        self._index = index

    def __getitem__(self, i):
        return _py(self._index[i])

    def __len__(self):
        return len(self._index)


def row_index(X):
    """Index labels of X for error messages (None for positions)."""
    if isinstance(X, pd.DataFrame):
        return _Labels(X.index)
    return None


def unreadable_to_missing(
    owner, name, unreadable, present, index, *, raise_error, where, hint
):
    """Handle the rows a branch reported unreadable as missing rows.

    ``unreadable`` (an :class:`~skmultimodal.utils.UnreadableItems` or None)
    holds positions in the branch's input, which is ``X``'s rows
    ``present``. With ``raise_error`` a ValueError names the rows and
    reasons; otherwise one warning (the extractor's own category) says they
    are treated as missing. Returns the positions within ``present`` to keep.
    """
    if not unreadable:
        return None
    positions = unreadable.rows
    rows = present[positions]
    shown = describe_failures(
        index, [(int(r), unreadable.reasons[int(p)]) for r, p in zip(rows, positions)]
    )
    if raise_error:
        raise ValueError(
            f"modality {name!r} could not be read in {len(rows)} row(s) in "
            f"{where}: {shown}. {hint}"
        )
    warnings.warn(
        f"{owner}: modality {name!r} could not be read in {len(rows)} row(s) "
        f"in {where}; treated as missing: {shown}",
        unreadable.category or UserWarning,
        stacklevel=4,
    )
    return np.setdiff1d(np.arange(len(present)), positions)


def warn_unreported_blanks(owner, name, estimator):
    """Warn when a branch would hide unreadable rows from ``owner``.

    Rows replaced by blanks are reported within the thread that runs the
    extractor. A FeatureUnion or ColumnTransformer with an explicit
    ``n_jobs`` runs its transformers in other workers, so the blanks of its
    ``on_error="blank"`` extractors never reach the owner: they would pass
    as blank images instead of missing ones.
    """
    if isinstance(estimator, str) or not hasattr(estimator, "get_params"):
        return
    nested = [estimator] + [
        v for v in estimator.get_params(deep=True).values() if hasattr(v, "get_params")
    ]
    for est in nested:
        if not (hasattr(est, "transformer_list") or _is_column_transformer(est)):
            continue
        if getattr(est, "n_jobs", None) in (None, 1):
            continue
        if any(
            key.endswith("on_error") and value == "blank"
            for key, value in est.get_params(deep=True).items()
        ):
            warnings.warn(
                f"{owner}: branch {name!r} has a {type(est).__name__} with "
                f"n_jobs={est.n_jobs}, which runs its transformers in other "
                "workers; images they replace by blanks (on_error='blank') "
                "cannot be reported from there and would pass as blank images "
                "instead of missing ones. Leave its n_jobs at None and set "
                f"n_jobs on the extractors or on {owner} instead.",
                UserWarning,
                stacklevel=4,
            )
            return


def _is_column_transformer(est):
    from sklearn.compose import ColumnTransformer

    return isinstance(est, ColumnTransformer)
