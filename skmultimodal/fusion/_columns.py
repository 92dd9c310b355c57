"""Table handling shared by ModalityFusion and LateFusionClassifier: the
``(name, estimator, column)`` parameter plumbing, validating X (DataFrame,
dict of columns, 2-D array), the one branch loop (select a modality column,
leave out its missing rows, fit or transform the branch) and finding the
rows a branch could not read (its output is all NaN there)."""

from __future__ import annotations

import contextlib
import numbers
import re
from collections import Counter
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import clone
from sklearn.utils._indexing import (
    _determine_key_type,
    _get_column_indices,
    _safe_indexing,
)
from sklearn.utils._param_validation import validate_parameter_constraints
from sklearn.utils._repr_html.estimator import _VisualBlock
from sklearn.utils._user_interface import _print_elapsed_time
from sklearn.utils.metaestimators import _BaseComposition
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _is_arraylike_not_scalar,
    _num_samples,
    validate_data,
)

from skmultimodal.utils._errors import RowError
from skmultimodal.utils._parallel import RelayWarnings, reissue, warn_at_caller
from skmultimodal.utils._validation import (
    _ZERO_WIDTH,
    ROWS_ATTR,
    describe_row,
    is_blank,
    plain_label,
    to_pandas,
    type_name,
    with_row_positions,
)
from skmultimodal.utils._validation import (
    _Labels as RowLabels,
)


class MissingModalityWarning(UserWarning):
    """Rows in which a modality could not be read (its branch output is all
    NaN: an unreadable image under ``on_error="missing"``, a text with no
    known word for word vectors) are treated as missing: the message names
    the modality and the rows. Also rows in which every modality is missing
    (``LateFusionClassifier``). Issued by ``ModalityFusion`` and
    ``LateFusionClassifier`` at each call that meets such rows; a service
    silences it by category:
    ``warnings.filterwarnings("ignore", category=MissingModalityWarning)``.
    A ``UserWarning``, so filters on ``UserWarning`` still apply.
    """


class Branch(NamedTuple):
    """One branch of a composite, as yielded by ``ColumnComposition._iter``.

    ``column`` is the column spec with a callable resolved on X; ``data``
    holds the modality's values in the rows ``present`` (positions in X)
    where it is not missing. Without X, ``data`` and ``present`` are None.
    """

    name: str
    estimator: object
    column: object
    data: object = None
    present: np.ndarray | None = None


class ColumnComposition(_BaseComposition):
    """A composition of ``(name, estimator, column)`` triples.

    The triples live in the parameter named by ``_branches_param``
    (``"transformers"`` or ``"estimators"``), the fitted ones in the
    attribute named by ``_fitted_param``; every branch's estimator is a
    nested parameter (``<name>__<param>``) and can be replaced by name.

    Subclasses give ``_fit_one(estimator, data, y) -> (fitted, output)``, a
    module-level function run in the workers (``output`` is what is checked
    for rows the branch could not read, or None), and the hints appended to
    the errors raised under ``missing="raise"``.
    """

    _branches_param = None
    _fitted_param = None
    #: The word for a branch in errors ("transformer" or "estimator").
    _branch_word = "branch"
    #: Appended to the error for missing values under ``missing="raise"``.
    _missing_hint = ""
    #: Appended to the error for unreadable rows under ``missing="raise"``.
    _unreadable_hint = ""
    _row_error_hint = ""  # after an error naming a row of a branch's column
    _fit_one = None

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

    def _columns(self, fitted=False):
        """The column specs: as given, or as fit resolved them (a callable
        or a selector becomes the names it chose)."""
        return [col for _, _, col in self._branches(fitted)]

    # -- parameters ---------------------------------------------------------
    def _missing_policy(self, *, warn=True):
        """``self.missing``, with the deprecated ``"error"`` read as ``"raise"``
        (with a FutureWarning when ``warn``: in fit, not at every predict).

        ``missing`` and ``n_jobs``, the parameters that transform and
        predict read, are checked against the class's
        ``_parameter_constraints``: a value set on a fitted model is refused
        with fit's error, naming the parameter."""
        constraints = getattr(self, "_parameter_constraints", {})
        used = [p for p in ("missing", "n_jobs") if p in constraints]
        validate_parameter_constraints(
            {p: constraints[p] for p in used},
            {p: getattr(self, p) for p in used},
            caller_name=type(self).__name__,
        )
        if self.missing == "error" and not warn:
            return "raise"
        if self.missing == "error":
            warn_at_caller(
                f"{type(self).__name__}(missing='error') is deprecated and will "
                "be removed in 0.4: use missing='raise', the spelling of the "
                "extractors' on_error='raise'.",
                FutureWarning,
            )
            return "raise"
        return self.missing

    def _validate_branches(self):
        """Check the ``(name, estimator, column)`` triples and their names
        (unique, no ``__``, not a constructor parameter such as ``weights``,
        which would collide with the branch's nested parameters)."""
        param = self._branches_param
        entries = getattr(self, param)
        owner = type(self).__name__
        for entry in entries:
            # a list as ColumnTransformer takes it (a config read from JSON)
            if not (isinstance(entry, tuple | list) and len(entry) == 3):
                raise ValueError(
                    f"each of the {param} of {owner} must be a (name, estimator, "
                    f"column) tuple or list; got {entry!r}"
                )
            if not isinstance(entry[0], str) or not entry[0]:
                raise ValueError(
                    f"{owner}: {param} names must be non-empty strings; got "
                    f"{entry[0]!r}"
                )
        names = [name for name, _, _ in entries]
        try:
            self._validate_names(names)
        except ValueError as exc:
            reserved = sorted(set(names) & set(self.get_params(deep=False)))
            hint = (
                f" A branch called {reserved[0]!r} would take over the "
                f"parameter {owner}({reserved[0]}=...) and its nested "
                f"'{reserved[0]}__*' parameters; rename the modality."
                if reserved
                else ""
            )
            raise ValueError(f"{owner} {param}: {exc}.{hint}") from None
        return entries

    # -- the branch loop ----------------------------------------------------
    def _branches(self, fitted):
        """The triples to iterate over: fitted ones, or the given ones."""
        return getattr(self, self._fitted_param if fitted else self._branches_param)

    def __getitem__(self, key):
        """The branch named ``key``, as ColumnTransformer's: its fitted
        estimator once fitted, else the one given (``"drop"`` for a
        dropped branch, ``"passthrough"`` as given)."""
        if not isinstance(key, str):
            raise TypeError(
                f"{type(self).__name__} takes a branch's name (a str) in [], got "
                f"{type_name(key)} {key!r}"
            )
        given = {name: est for name, est, _ in getattr(self, self._branches_param)}
        if key not in given:
            raise KeyError(
                f"{type(self).__name__} has no branch {key!r}; its branches: "
                f"{list(given)}"
            )
        if hasattr(self, self._fitted_param):
            fitted = {name: est for name, est, _ in getattr(self, self._fitted_param)}
            if key in fitted:
                return fitted[key]
            if is_drop(given[key]):
                return "drop"
            raise KeyError(
                f"{type(self).__name__}'s branch {key!r} was not fitted (it was "
                "given after fit): fit again"
            )
        return given[key]

    def _iter(self, X=None, n=None, *, fitted, policy=None, index=None):
        """Yield a :class:`Branch` for each branch, for fit, transform and
        feature names alike.

        With X, each branch comes with its column of X (a callable resolved
        on X) without the rows where the modality is missing: ``present``
        holds the positions of the other rows. Under ``policy="raise"`` a
        missing value raises one ValueError naming every modality with
        missing values and its rows, before any branch is yielded.
        """
        if X is None:
            for name, estimator, column in self._branches(fitted):
                yield Branch(name, estimator, column)
            return
        masks = {}  # branches reading the same column share its mask
        selected = []
        for name, estimator, column in self._branches(fitted):
            spec = column
            if callable(column):
                column = column(X)
            data = select_column(X, column, name)
            if getattr(data, "ndim", 1) == 2 and data.shape[1] == 0:
                raise ValueError(
                    f"modality {name!r} selects no column of X: its column "
                    f"{_spec_text(spec)} chose none. Select at least one column, or "
                    f"leave the modality out ({name!r}, 'drop', ...)"
                )
            key = column if isinstance(column, str | int) else None
            mask = masks.get(key) if key is not None else None
            if mask is None:
                mask = missing_mask(data)
                if key is not None:
                    masks[key] = mask
            selected.append((name, estimator, column, data, mask))
        if policy == "raise":
            found = [
                f"modality {name!r} is missing (None, NaN or empty) in "
                f"{describe_rows(np.flatnonzero(mask), index)}{_one_cell(data)}"
                for name, _, _, data, mask in selected
                if mask.any()
            ]
            if found:
                raise ValueError(f"{'; '.join(found)}. {self._missing_hint}")
        for name, estimator, column, data, mask in selected:
            present = np.flatnonzero(~mask)
            if 0 < len(present) < n:
                data = take_rows(data, present, rows=present)
            yield Branch(name, estimator, column, data, present)

    def _fit_branches(
        self, X, y, n, *, policy, index, verbose=False, sample_weight=None, routed=None
    ):
        """Fit every branch on its present rows, in parallel.

        Rows whose branch output is entirely NaN could not be read (an
        extractor with ``on_error="missing"``): under ``policy="raise"`` they
        raise; otherwise one warning says they are treated as missing and
        the branch is fitted again without them, so they never shape it.
        ``routed`` maps a branch's name to the metadata routed to its
        ``fit_transform`` (metadata routing), given on its present rows.
        Returns ``[(Branch, fitted estimator, output)]``, each Branch's
        ``present`` without those rows.
        """
        branches = list(self._iter(X, n, fitted=False, policy=policy, index=index))
        for branch in branches:
            if len(branch.present) == 0:
                raise ValueError(
                    f"modality {branch.name!r} is missing in every row; nothing "
                    f"to fit its {self._branch_word} on. Check the values of its "
                    "column: each is empty, or unreadable and treated as missing."
                )
        self._check_presence([b.present for b in branches], n, index)
        total = len(branches)
        owner = type(self).__name__

        def jobs(todo):
            return (
                delayed(RelayWarnings(_run_branch, always=True))(
                    type(self)._fit_one,
                    _fresh(branch.estimator),
                    branch.data,
                    take_y(y, branch.present) if len(branch.present) < n else y,
                    owner,
                    f"({k + 1} of {total}) Processing {branch.name}"
                    if verbose
                    else None,
                    branch.name,
                    self._row_error_hint,
                    take_y(sample_weight, branch.present)
                    if len(branch.present) < n
                    else sample_weight,
                    _rows_of((routed or {}).get(branch.name, {}), branch.present, n),
                    branch.present if len(branch.present) < n else None,
                )
                for k, branch in todo
            )

        raw = Parallel(n_jobs=self.n_jobs)(jobs(enumerate(branches)))
        if policy != "raise":
            self._refuse_unreadable_branch(branches, raw)
        results = reissue(raw)
        redo, unreadable_found = [], []
        for k, (branch, (_, out)) in enumerate(zip(branches, results)):
            unreadable = self._unreadable_rows(
                branch, out, index, "fit", policy, found=unreadable_found
            )
            if len(unreadable) == 0:
                continue
            # some rows remain: _refuse_unreadable_branch raised otherwise
            keep = np.setdiff1d(np.arange(len(branch.present)), unreadable)
            branches[k] = branch._replace(
                data=take_rows(branch.data, keep, rows=branch.present[keep]),
                present=branch.present[keep],
            )
            redo.append(k)
        self._raise_unreadable(unreadable_found)
        if redo:
            todo = [(k, branches[k]) for k in redo]
            again = reissue(Parallel(n_jobs=self.n_jobs)(jobs((k, b) for k, b in todo)))
            for k, (fitted_est, out) in zip(redo, again):
                changed = all_nan_rows(out)
                if changed is not None and changed.any():
                    rows = describe_rows(branches[k].present[changed], index)
                    raise ValueError(
                        f"modality {branches[k].name!r}: {rows} could be read at "
                        "first but not when the branch was fitted again without "
                        "the unreadable rows; the files changed during fit."
                    )
                results[k] = (fitted_est, out)
        self._check_presence([b.present for b in branches], n, index)
        return [(b, est, out) for b, (est, out) in zip(branches, results)]

    @staticmethod
    def _refuse_unreadable_branch(branches, raw):
        """Raise when a branch could read none of its present rows (its
        output entirely NaN), with its warnings but NumPy's: those name
        the reasons (an extractor's ``ImageWarning``), these only that the
        steps after it were fitted on NaN columns (a scaler's "invalid value
        encountered in divide")."""
        for branch, ((_, out), caught) in zip(branches, raw):
            nan = all_nan_rows(out)
            if nan is None or len(nan) != len(branch.present) or not nan.all():
                continue
            reissue(
                [(None, [w for w in caught if not issubclass(w[0], RuntimeWarning)])]
            )
            raise ValueError(
                f"modality {branch.name!r} is missing or unreadable in every "
                "row; nothing to fit on."
            )

    def _check_presence(self, presents, n, index):
        """Check which rows each branch is present in (``presents``), before
        and after leaving out unreadable rows; nothing to check here."""

    def _unreadable_rows(self, branch, out, index, where, policy, found=None):
        """Positions, within ``branch.present``, of the rows whose output
        ``out`` is entirely NaN: the branch could not read them.

        Under ``policy="raise"`` a ValueError names the modality and the
        rows; with a ``found`` list, the description is added to it instead
        (for :meth:`_raise_unreadable` to name every such modality in one
        error) and no position is returned. Otherwise one warning, pointing
        at the caller's code, says they are treated as missing.
        """
        nan = all_nan_rows(out)
        # a wrong number of rows is reported by the composite itself
        if nan is None or len(nan) != len(branch.present) or not nan.any():
            return np.zeros(0, dtype=np.intp)
        positions = np.flatnonzero(nan)
        rows = describe_rows(branch.present[positions], index)
        what = (
            f"modality {branch.name!r} could not be read in {len(positions)} "
            f"row(s) in {where}"
        )
        if policy == "raise":
            if found is None:
                self._raise_unreadable([f"{what}: {rows}"])
            found.append(f"{what}: {rows}")
            return np.zeros(0, dtype=np.intp)
        warn_at_caller(
            f"{type(self).__name__}: {what} {self._unreadable_why()}; treated "
            f"as missing: {rows}",
            MissingModalityWarning,
        )
        return positions

    def _unreadable_why(self):
        return (
            f"(its {self._branch_word} output is all NaN there: an unreadable "
            "image under on_error='missing', or a text with no known word for "
            "word vectors)"
        )

    def _raise_unreadable(self, found):
        """One ValueError naming every modality in ``found`` (descriptions
        from :meth:`_unreadable_rows`); nothing when it is empty."""
        if not found:
            return
        first, sep, rows = found[0].partition(": ")
        parts = [f"{first} {self._unreadable_why()}{sep}{rows}", *found[1:]]
        raise ValueError(f"{'; '.join(parts)}. {self._unreadable_hint}")

    # -- HTML representation ------------------------------------------------
    def _sk_visual_block_(self):
        fitted = hasattr(self, self._fitted_param)
        branches = list(self._iter(fitted=fitted))
        if not branches:
            return _VisualBlock("single", self, names=type(self).__name__)
        return _VisualBlock(
            "parallel",
            [b.estimator for b in branches],
            names=[b.name for b in branches],
            name_details=[_column_label(b.column) for b in branches],
        )


def _column_label(column):
    if callable(column):
        return getattr(column, "__name__", repr(column))
    return str(column)


def _fresh(estimator):
    """A clone of a branch's estimator ("passthrough" stays a string)."""
    return estimator if isinstance(estimator, str) else clone(estimator)


def _run_branch(
    fit_one,
    estimator,
    data,
    y,
    owner,
    message,
    name="",
    hint="",
    sample_weight=None,
    params=None,
    rows=None,
):
    weighted = {} if sample_weight is None else {"sample_weight": sample_weight}
    named = naming_branch(name, hint, data, rows)
    with _print_elapsed_time(owner, message), named:
        return fit_one(estimator, data, y, **weighted, **(params or {}))


def _rows_of(params, present, n):
    """``params`` (metadata routed to a branch) on the ``present`` rows of
    ``n``: a value of one entry per row is indexed, as scikit-learn's
    cross-validation indexes the metadata it passes on; the others are
    passed as they are."""
    if len(present) == n:
        return dict(params)
    return {
        key: _safe_indexing(value, present)
        if _is_arraylike_not_scalar(value) and _num_samples(value) == n
        else value
        for key, value in params.items()
    }


@contextlib.contextmanager
def naming_branch(name, hint="", data=None, rows=None):
    """A :class:`~skmultimodal.utils._errors.RowError` raised inside
    (an unreadable image, ...) names the modality ``name`` and ends with
    ``hint`` (how the missing policy could take the row instead). A
    ValueError of scikit-learn's input checks (a value that is not a
    number, infinite or NaN) raised by a branch on ``data`` is raised again
    naming the modality and the first such cell: its row (``rows``: the
    positions of ``data``'s rows in the caller's table, when they are a
    subset that does not carry them), column and value. Any other exception
    gets a note (shown under its message) naming the modality."""
    try:
        yield
    except RowError as exc:
        text = str(exc).rstrip(".")
        if not getattr(exc, "missing_hint", True):
            hint = ""  # the row cannot be read as missing (a number as text)
        raise type(exc)(f"modality {name!r}: {text}. {hint}".strip()) from None
    except Exception as exc:
        cell = ""
        if type(exc) is ValueError:
            with contextlib.suppress(Exception):  # never hide the error itself
                cell = bad_cell(data, exc, rows)
        if cell:
            text = str(exc).rstrip(".")
            raise ValueError(f"modality {name!r}: {text}; {cell}") from exc
        if name:
            exc.add_note(f"(raised by the branch of modality {name!r})")
        raise


# scikit-learn's (and NumPy's) words for the values its input checks refuse
# in X, and those values in words
_BAD_VALUES = [
    (
        re.compile(r"could not convert|convert array of bytes/strings"),
        "value that is not a number",
    ),
    (re.compile(r"Input (X )?contains infinity"), "infinite value"),
    (re.compile(r"Input (X )?contains NaN"), "NaN"),
]


def bad_cell(data, exc, rows=None):
    """Where in ``data`` (a branch's input: a DataFrame, Series or array)
    the value is that made ``exc`` (a ValueError of scikit-learn's input
    checks) refuse it, as ``"the first value that is not a number is in row
    2 (index 'b'), column 'price': 'n/a'"``; "" when the message is not
    such a check's or no cell is found.
    ``rows`` are the positions of ``data``'s rows in the caller's table
    (default: those of a subset a composite marked, else its own)."""
    message = str(exc)
    kind = next((k for w, k in _BAD_VALUES if w.search(message)), None)
    if kind is None or data is None or sparse.issparse(data):
        return ""
    labels = None
    if isinstance(data, pd.Series | pd.DataFrame):
        marked = data.attrs.get(ROWS_ATTR)
        if rows is None and marked is not None:
            rows = marked.of(data)
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        labels = data.index
    else:
        values = np.asarray(data) if isinstance(data, list | tuple) else data
        if not isinstance(values, np.ndarray) or values.ndim not in (1, 2):
            return ""
        frame = pd.DataFrame(values.reshape(len(values), -1))
    found = []  # (row position in data, column position)
    for j in range(frame.shape[1]):
        column = frame.iloc[:, j]
        if kind == "value that is not a number":
            if column.dtype.kind not in "OSU" and not isinstance(
                column.dtype, pd.StringDtype
            ):
                continue
            coerced = pd.to_numeric(column, errors="coerce")
            bad = coerced.isna().to_numpy() & ~column.isna().to_numpy()
        elif kind == "infinite value":
            numeric = pd.to_numeric(column, errors="coerce").to_numpy(float)
            bad = np.isinf(numeric)
        else:
            bad = column.isna().to_numpy()
        if bad.any():
            found.append((int(np.argmax(bad)), j))
    if not found:
        return ""
    i, j = min(found)
    if labels is None:  # an array: its rows' positions in the caller's table
        where = describe_row(None, i if rows is None else int(rows[i]))
    else:
        where = describe_row(RowLabels(labels, rows), i)
    if isinstance(data, pd.DataFrame) or frame.shape[1] > 1:
        where += f", column {plain_label(frame.columns[j])!r}"
    elif isinstance(data, pd.Series) and data.name is not None:
        where += f", column {plain_label(data.name)!r}"
    return f"the first {kind} is in {where}: {plain_label(frame.iat[i, j])!r}"


def all_nan_rows(out):
    """Boolean mask of the rows of a 2-D numeric output that are entirely
    NaN, or None when ``out`` is not one (nothing can be told from it)."""
    if out is None:
        return None
    if sparse.issparse(out):
        if out.ndim != 2 or out.shape[1] == 0 or out.dtype.kind not in "fc":
            return None
        out = sparse.csr_matrix(out)
        rows = np.repeat(np.arange(out.shape[0]), np.diff(out.indptr))
        counts = np.bincount(rows[np.isnan(out.data)], minlength=out.shape[0])
        return counts == out.shape[1]
    if isinstance(out, pd.DataFrame):
        if not all(pd.api.types.is_float_dtype(t) for t in out.dtypes):
            return None
        out = out.to_numpy(dtype=np.float64, na_value=np.nan)
    out = np.asarray(out) if hasattr(out, "__array__") else None
    if out is None or out.ndim != 2 or out.shape[1] == 0 or out.dtype.kind not in "fc":
        return None
    # only a row whose first value is NaN can be all NaN: one pass over a
    # column, then the candidate rows only
    mask = np.isnan(out[:, 0])
    if mask.any():
        mask[mask] = np.isnan(out[mask]).all(axis=1)
    return mask


def _uses_positions(columns):
    """Whether any column spec selects by position (or by a callable)."""
    for c in columns:
        if isinstance(c, str):
            continue
        if isinstance(c, (list, tuple, np.ndarray, pd.Index)) and all(
            isinstance(v, str) for v in c
        ):
            continue
        return True
    return False


def validate_table(estimator, X, columns, *, reset):
    """Check X and return ``(X, n_samples)``.

    DataFrames and dicts of equal-length columns are the main forms; 2-D
    arrays (numeric, or object) work with columns selected by position.
    Another library's DataFrame (polars, a pyarrow Table, ...) is returned
    as a pandas DataFrame with the same column names (``to_pandas``), so
    that all that follows is as for pandas.
    Sets/checks ``n_features_in_`` and ``feature_names_in_``.
    """
    name = type(estimator).__name__
    if hasattr(X, "__dask_graph__"):  # before anything reads it into memory
        raise TypeError(
            f"{name} got a dask {type(X).__name__}; it takes a pandas DataFrame "
            "held in memory (ddf.compute(), if it fits). Predict a dask "
            "DataFrame with skmultimodal.distributed.predict_partitions(model, "
            "ddf, output_folder); train on one partition at a time with "
            "skmultimodal.streaming.fit_out_of_core(make_out_of_core_pipeline("
            "...), lambda: ((p[columns], p[target]) for p in (part.compute() "
            "for part in ddf.partitions)))"
        )
    if sparse.issparse(X):
        raise TypeError(
            f"{name} got a sparse matrix X; it takes a table of modality columns "
            "(DataFrame, dict of columns, or a dense 2-D array). Densify X or "
            "pass a DataFrame."
        )
    from narwhals.stable.v2.dependencies import is_into_lazyframe

    if is_into_lazyframe(X):  # a polars LazyFrame, ...: no rows until collected
        raise TypeError(
            f"{name} got a lazy frame ({type_name(X)}), which holds no rows "
            "until it is collected: collect it into a DataFrame first "
            "(X.collect() for a polars LazyFrame)."
        )
    # a polars Series or pyarrow array as a pandas Series, for its message
    native, X = X, to_pandas(X, series=True, what=name)
    if isinstance(X, dict):
        lengths = {}
        for key, col in X.items():
            try:
                if isinstance(col, (str, bytes)):  # one value, not a column
                    raise TypeError
                lengths[key] = len(col)
            except TypeError:
                wrapped = ", ".join(f"{k!r}: [...]" for k in X)
                raise ValueError(
                    f"{name}: the value of {key!r} in the dict X is a single "
                    f"{type_name(col)}, not a column: a dict X holds one "
                    "column (a list of values, one per sample) per modality. "
                    f"For one sample, wrap each value in a list ({{{wrapped}}}) "
                    "or pass pd.DataFrame([row])."
                ) from None
        if len(set(lengths.values())) > 1:
            raise ValueError(
                f"{name}: the modalities of X have different lengths: "
                + ", ".join(f"{k!r}: {v}" for k, v in lengths.items())
                + ". Every modality needs one value per sample."
            )
        check_dict_indexes(X, name)
        n = next(iter(lengths.values()), 0)
        if reset:
            estimator.n_features_in_ = len(X)
            estimator.feature_names_in_ = np.asarray([str(k) for k in X], dtype=object)
        _check_n_samples(name, n)
        return X, n
    if isinstance(X, pd.DataFrame):
        check_unique_columns(X, name)
        # columns chosen by name are found by name at transform, whatever
        # the other columns; positions need the columns seen in fit
        if reset or _uses_positions(columns):
            validate_data(estimator, X, skip_check_array=True, reset=reset)
        _check_n_samples(name, X.shape[0])
        return X, X.shape[0]
    if not isinstance(X, np.ndarray):
        if isinstance(X, (str, bytes)) or not (
            hasattr(X, "__len__") or hasattr(X, "__array__")
        ):
            raise ValueError(
                f"{name} expects a 2-D table (DataFrame, dict of columns or 2-D "
                f"array), got {type_name(X)}."
            )
        if isinstance(X, (list, tuple)) and X and isinstance(X[0], dict):
            raise ValueError(
                f"{name} got a list of {len(X)} dicts (records); it takes one "
                "column per modality: pass pandas.DataFrame(records)."
            )
        if isinstance(X, pd.Series):
            kind = "pandas Series" if X is native else type_name(native)
            raise ValueError(
                f"{name} expects a 2-D table (DataFrame, dict of columns or 2-D "
                f"array); got a {kind} of {len(X)} values, which looks "
                "like one row (such as X.iloc[0]). Pass one sample as a table "
                "of one row: row.to_frame().T or pd.DataFrame([row]) (or "
                "X.iloc[[0]])."
            )
        X = np.asarray(X, dtype=object if _ragged(X) else None)
    if X.ndim == 1:
        raise ValueError(
            f"{name} expects a 2-D table (DataFrame, dict of columns or 2-D "
            f"array); got a 1-D array of shape {X.shape}, which looks like one "
            "sample (one value per column). Reshape your data with "
            "array.reshape(1, -1) if it is one sample, or pass "
            "pd.DataFrame([row]) with column names."
        )
    if X.ndim != 2:
        raise ValueError(
            f"{name} expects a 2-D table (DataFrame, dict of columns or 2-D "
            f"array); got an array of shape {X.shape}. Reshape your data with "
            "array.reshape(-1, 1) if it has a single feature."
        )
    if np.iscomplexobj(X):
        raise ValueError("Complex data not supported")
    validate_data(estimator, X, skip_check_array=True, reset=reset)
    _check_n_samples(name, X.shape[0])
    if X.shape[1] == 0:
        raise ValueError(
            f"0 feature(s) (shape={X.shape}) while a minimum of 1 is required by "
            f"{name}."
        )
    return X, X.shape[0]


def is_drop(estimator):
    """Whether a branch's estimator is the string ``"drop"``."""
    return isinstance(estimator, str) and estimator == "drop"


def _spec_text(spec):
    """A column spec as messages show it: a ``make_column_selector`` by its
    settings (its repr is an object address)."""
    from sklearn.compose import make_column_selector

    if isinstance(spec, make_column_selector):
        keys = ("pattern", "dtype_include", "dtype_exclude")
        shown = ", ".join(
            f"{k}={getattr(spec, k)!r}" for k in keys if getattr(spec, k) is not None
        )
        return f"make_column_selector({shown})"
    return repr(spec)


def _one_cell(data):
    """Why a row of a one-column table selection is a missing modality,
    for the error naming it: the branch's own imputer never sees it."""
    if getattr(data, "ndim", 1) != 2 or data.shape[1] != 1:
        return ""
    column = data.columns[0] if isinstance(data, pd.DataFrame) else 0
    return (
        " (a row of a table selection is missing when all its cells are "
        f"empty; with its one column {column!r}, the branch's own imputer "
        "never sees such a row)"
    )


def check_dict_indexes(X, name):
    """A ValueError when the pandas Series (or DataFrames) among the columns
    of a dict ``X`` have different indexes: a dict's columns are joined by
    position, which would pair the values of different rows (``pandas``
    would align them on the index instead). Lists and arrays have no index
    and join any Series by position."""
    indexed = {
        k: v.index for k, v in X.items() if isinstance(v, pd.Series | pd.DataFrame)
    }
    if len(indexed) < 2:
        return
    (first, index), *others = indexed.items()
    for key, other in others:
        if not index.equals(other):
            at = next(
                (i for i, (a, b) in enumerate(zip(index, other)) if a != b),
                min(len(index), len(other)),
            )
            shown = (
                f"at position {at}, index {index[at]!r} against {other[at]!r}"
                if at < min(len(index), len(other))
                else "of different kinds"
            )
            raise ValueError(
                f"{name}: the columns {first!r} and {key!r} of the dict X are "
                f"pandas Series with different indexes ({shown}): a dict's "
                "columns are joined by position, so their values would be "
                "paired across different rows. Take the columns from one "
                "DataFrame, align them first (pd.DataFrame(X) aligns on the "
                "index), or pass each column's .to_numpy() to join them by "
                "position on purpose."
            )


def check_unique_columns(X, name):
    """A ValueError naming each column name that the DataFrame ``X`` holds
    more than once (``name`` says who checks): a modality selected by such
    a name would be ambiguous."""
    if not X.columns.is_unique:
        counts = Counter(X.columns)
        twice = ", ".join(f"{k!r} {v} times" for k, v in counts.items() if v > 1)
        raise ValueError(
            f"{name}: X has duplicated column names ({twice}); rename or "
            "drop the copies so that each column has its own name."
        )


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


def _by_name(spec):
    """Whether a column spec names columns (a string or a list of them)."""
    return isinstance(spec, str) or (
        isinstance(spec, (list, tuple)) and spec and isinstance(spec[0], str)
    )


def select_column(X, column, branch, what="modality"):
    """The data of one modality: 1-D for a scalar column, 2-D for a list.

    DataFrames and 2-D arrays go through scikit-learn's column selection
    (names, positions, slices, boolean masks); a dict X is indexed by name.
    NumPy strings (``np.str_``) name columns as str do, and a DataFrame's
    ``np.str_`` labels come back as str. The columns of a
    DataFrame with MultiIndex columns are selected by position only. A
    spec with a ``hint`` attribute (the builder's ``tabular=`` names) gives
    that hint where it cannot select from X.
    """
    spec = _plain_key(column(X) if callable(column) else column)
    if isinstance(X, dict):
        try:
            if isinstance(spec, str):
                return X[spec]
            if isinstance(spec, (list, tuple)) and all(
                isinstance(s, str) for s in spec
            ):
                return pd.DataFrame({s: list(X[s]) for s in spec})
        except KeyError:
            raise _not_in_X(X, spec, branch, what) from None
        raise ValueError(
            f"{what} {branch!r}: a dict X is indexed by column name; got "
            f"column {spec!r}"
        )
    if _by_name(spec) and not isinstance(X, pd.DataFrame):
        fix = getattr(column, "hint", None) or (
            "Select an array's columns by position (an int or a list of "
            "ints), or pass X as a DataFrame"
        )
        raise ValueError(
            f"{what} {branch!r} selects column {spec!r} by name, which needs a "
            "pandas DataFrame or a dict of columns; got a "
            f"{type_name(X)} (scikit-learn's ensembles, such as "
            "BaggingClassifier, turn a DataFrame into one, keeping the order "
            f"of its columns). {fix}."
        )
    multi = isinstance(X, pd.DataFrame) and isinstance(X.columns, pd.MultiIndex)
    try:
        key_type = "invalid" if spec is None else _determine_key_type(spec)
    except (TypeError, ValueError):
        key_type = "tuple" if multi and isinstance(spec, tuple) else "invalid"
    if key_type == "invalid":
        raise ValueError(
            f"the column of {what} {branch!r} is {spec!r}, a "
            f"{type_name(spec)}; a column is given by a name (str), a "
            "position (int), a list of names or of positions, a slice or "
            "a boolean mask, or a callable returning one of these."
        )
    if key_type == "bool" and np.ndim(spec) == 1 and len(spec) != X.shape[1]:
        raise ValueError(
            f"the column of {what} {branch!r} is a boolean mask of {len(spec)} "
            f"value(s); X has {X.shape[1]} columns, one value each."
        )
    if multi and key_type in ("str", "tuple"):
        raise ValueError(
            f"{what} {branch!r} selects column {spec!r} by name, but X has "
            f"MultiIndex columns ({X.columns.nlevels} levels), whose columns "
            "are selected by position only. Flatten the names first, e.g. "
            "X.columns = ['_'.join(map(str, c)) for c in X.columns]."
        )
    try:
        _get_column_indices(X, spec)
    except (KeyError, IndexError, ValueError):
        raise _not_in_X(X, spec, branch, what) from None
    out = _safe_indexing(X, spec, axis=1)
    if isinstance(out, pd.DataFrame) and any(isinstance(c, np.str_) for c in out):
        # labels as str, as scikit-learn's column machinery expects them
        out = out.set_axis(
            [str(c) if isinstance(c, np.str_) else c for c in out], axis=1
        )
    return out


def _plain_key(spec):
    """A column spec with its NumPy strings (``np.str_``, e.g. from a NumPy
    array of names) as str: scikit-learn's column selection takes str only.
    A new list or tuple when one changes (the caller's is left as it is).
    ``slice(None)`` (every column), which scikit-learn reads as a slice of
    names, is ``slice(0, None)``."""
    if isinstance(spec, np.str_):
        return str(spec)
    if (
        isinstance(spec, slice)
        and spec.start is None
        and spec.stop is None
        and (spec.step is None or spec.step > 0)
    ):
        return slice(0, None, spec.step)
    if isinstance(spec, list | tuple) and any(isinstance(s, np.str_) for s in spec):
        plain = [str(s) if isinstance(s, np.str_) else s for s in spec]
        return plain if isinstance(spec, list) else tuple(plain)
    return spec


def _not_in_X(X, spec, branch, what):
    """The error for a column spec that selects columns X does not have."""
    missing = spec
    avail = _available(X)
    positions = None  # the out-of-range positions of an int spec
    width = len(X) if isinstance(X, dict) else X.shape[1]
    if isinstance(spec, (list, tuple)):
        if _by_name(spec):
            missing = [s for s in spec if s not in avail]
        elif all(isinstance(s, numbers.Integral) for s in spec):
            missing = positions = [s for s in spec if not -width <= s < width]
    elif isinstance(spec, numbers.Integral) and not isinstance(spec, bool):
        positions = [spec]
    if positions:
        labelled = [p for p in positions if p in list(avail)]
        hint = (
            f"; X has columns labelled {labelled!r}: select them by their "
            "positions, or name the columns with str"
            if labelled
            else ""
        )
        return ValueError(
            f"column position(s) {positions!r} of {what} {branch!r} are out of "
            f"range for the {width} columns of X (an int selects by position)"
            f"{hint}; available columns: {avail}"
        )
    return ValueError(
        f"column {missing!r} of {what} {branch!r} is not in X; available "
        f"columns: {avail}"
    )


def missing_mask(data):
    """Boolean mask of rows whose modality value is missing.

    1-D data: any pandas missing marker (None, NaN, ``pd.NA``, ``pd.NaT``,
    NumPy NaT), whatever the dtype (object, ``string``, nullable, Arrow
    backed, datetime, ...), or a string/bytes showing nothing (empty,
    whitespace only; a string of zero-width characters too).
    2-D data (a DataFrame or a 2-D array, even of one column): every entry
    of the row missing by the rule of 1-D data (empty strings included).

    Found with :func:`pandas.isna`, vectorised: never by comparing cells
    with ``==`` (``pd.NA == ""`` is NA, whose truth value is an error).
    """
    if isinstance(data, pd.DataFrame):
        mask = np.ones(data.shape[0], dtype=bool)
        if data.shape[1] == 0:
            return ~mask
        for _, column in data.items():
            mask &= missing_mask(column)
        return mask
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
    if values.dtype.kind in "US":
        # empty, whitespace or zero-width only, as is_missing says
        # (str.strip/bytes.strip drop the characters that isspace finds)
        if values.dtype.kind == "U":
            values = np.char.translate(values, _ZERO_WIDTH)
        return np.char.str_len(np.char.strip(values)) == 0
    if values.dtype.kind in "fcmM":
        return np.asarray(pd.isna(values), dtype=bool)
    if values.dtype != object:
        return np.zeros(len(values), dtype=bool)
    # object: pd.isna finds None, NaN, pd.NA, NaT elementwise (arrays, lists
    # and other containers inside are values, never missing)
    na = np.asarray(pd.isna(values), dtype=bool)
    return na | _empty_strings(values, na)


def _empty_strings(values, na):
    """Entries of the 1-D object array ``values`` that are a string or bytes
    showing nothing (:func:`~skmultimodal.utils._validation.is_blank`),
    looking only at the entries not already missing (``~na``)."""
    empty = np.zeros(len(values), dtype=bool)
    keep = ~na
    rest = values[keep]
    if len(rest) == 0:
        return empty
    empty[keep] = [is_blank(v) if isinstance(v, str | bytes) else False for v in rest]
    return empty


def take_rows(data, idx, rows=None):
    """Rows ``idx`` of a modality's data, keeping its type; with ``rows``
    (their positions in the caller's table) marked so that a branch's
    messages name the caller's rows (:func:`with_row_positions`)."""
    data = _safe_indexing(data, idx, axis=0)
    return data if rows is None else with_row_positions(data, rows)


def take_y(y, idx):
    """Rows ``idx`` of the target (None stays None)."""
    if isinstance(y, pd.api.extensions.ExtensionArray):
        # what Series.values gives for a string column under pandas 3, which
        # _safe_indexing cannot index
        return y.take(np.asarray(idx))
    return None if y is None else _safe_indexing(y, idx, axis=0)


def describe_rows(rows, index, limit=10):
    """The rows at positions ``rows`` in words, for messages.

    ``"row 7"``, ``"rows 2 and 5"``, ``"rows 2, 5 and 9 (index 'a', 'b'
    and 'c')"``; past ``limit`` rows, ``"rows 2, 5, 9 and 9 more (index
    'a', 'b', 'c')"`` (the labels of the rows shown). The index labels are
    given unless each is its row's position. One row reads as
    :func:`~skmultimodal.utils.describe_row` writes it.
    """
    rows = [int(r) for r in rows]
    shown = rows[:limit]
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    text = f"row{'s' if len(rows) > 1 else ''} {_in_words(shown, more)}"
    if index is not None:
        labels = [plain_label(index[i]) for i in shown]
        if not all(
            isinstance(lab, numbers.Integral) and int(lab) == i
            for lab, i in zip(labels, shown)
        ):
            listed = [repr(v) for v in labels]
            text += f" (index {', '.join(listed) if more else _in_words(listed)})"
    return text


def _in_words(items, more=""):
    """``"2"``, ``"2 and 5"``, ``"2, 5 and 9"``; with ``more`` (" and 4
    more"): ``"2, 5, 9 and 4 more"``."""
    items = [str(v) for v in items]
    if more or len(items) == 1:
        return ", ".join(items) + more
    return f"{', '.join(items[:-1])} and {items[-1]}"


class _Labels:
    """The index labels of a DataFrame by position, as Python values; read
    only when an error message needs them (no copy of the index)."""

    __slots__ = ("_index",)

    def __init__(self, index):
        self._index = index

    def __getitem__(self, i):
        return plain_label(self._index[i])

    def __len__(self):
        return len(self._index)


def row_index(X):
    """Index labels of X for error messages (None for positions)."""
    if isinstance(X, pd.DataFrame):
        return _Labels(X.index)
    return None
