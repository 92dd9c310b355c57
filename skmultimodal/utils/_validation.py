"""Input helpers shared by every modality."""

from __future__ import annotations

import numbers
import re
from collections import Counter
from decimal import Decimal

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval


def type_name(obj) -> str:
    """The type of ``obj`` as messages name it: its top-level package and
    class (``"polars.DataFrame"``, ``"pyarrow.Table"``), or the bare name of
    a built-in type (``"dict"``)."""
    cls = type(obj)
    package = cls.__module__.partition(".")[0]
    name = cls.__qualname__
    return name if package == "builtins" else f"{package}.{name}"


#: Types :func:`to_pandas` returns as they are, without asking narwhals.
_NOT_CONVERTED = (pd.DataFrame, pd.Series, np.ndarray, list, tuple, dict, str, bytes)


def to_pandas(X, *, series=False, what="X"):
    """``X`` as a pandas DataFrame when it is an eager DataFrame of another
    library that narwhals recognises (a polars DataFrame, a pyarrow
    ``Table`` or ``RecordBatch``, ...), with the same column names; with
    ``series``, also a Series of one (a polars Series, a pyarrow
    ``ChunkedArray`` or ``Array``) as a pandas Series. Anything else (pandas,
    NumPy, lists, dicts, ...) is returned as it is.

    The conversion is done once, column by column, so that everything
    downstream is as for the pandas equivalent of the data: missing values
    are None (bytes, objects), NaN (numbers) or NaT (dates), and strings
    are typed as pandas types a list of them (pandas 3: ``str``, with NaN);
    integers with missing values become floats; an object column keeps its
    objects (NumPy arrays); a categorical or enum becomes a pandas
    categorical; each row of a fixed-size array or list column becomes a
    NumPy array of the column's shape and dtype (an image); time-zone aware
    datetimes keep their zone; a column of a type pandas has no counterpart
    for (a 128-bit integer) holds its Python values (``object``), as pandas
    holds an integer over 64 bits. Neither polars nor pyarrow is imported
    here.

    Raises
    ------
    ValueError
        For a column that cannot be converted (naming it and its dtype), or
        a pyarrow table with a column name twice; ``what`` says who checks.
    """
    if X is None or isinstance(X, _NOT_CONVERTED):
        return X
    import narwhals.stable.v2 as nw

    native, source = X, type_name(X)
    pa = nw.dependencies.get_pyarrow()  # loaded only by a caller that uses it
    if pa is not None:
        if isinstance(X, pa.RecordBatch):
            X = pa.Table.from_batches([X])
        elif series and isinstance(X, pa.Array):
            X = pa.chunked_array([X])
    try:
        X = nw.from_native(X, eager_only=True, allow_series=series, pass_through=True)
    except nw.exceptions.DuplicateError as exc:
        names = getattr(native, "column_names", None)  # a pyarrow Table's
        twice = (
            ", ".join(f"{k!r} {v} times" for k, v in Counter(names).items() if v > 1)
            if names
            else " ".join(str(exc).split())
        )
        raise ValueError(
            f"{what}: the {source} has duplicated column names ({twice}); "
            "rename or drop the copies so that each column has its own name."
        ) from None
    if isinstance(X, nw.Series):
        return _pandas_series(nw, X, source, what)
    if isinstance(X, nw.DataFrame):
        columns = [_pandas_series(nw, s, source, what) for s in X.iter_columns()]
        if not columns:
            return pd.DataFrame(index=pd.RangeIndex(len(X)))
        return pd.concat(columns, axis=1)
    return X  # not a DataFrame narwhals knows: left to the caller's checks


def _pandas_series(nw, s, source, what):
    """The narwhals Series ``s`` (a column of a ``source``) as a pandas
    Series of the same name, as :func:`to_pandas` describes."""
    dtype, kept = s.dtype, None
    try:
        if isinstance(dtype, nw.Array | nw.List):
            values, kept = _object_array(_nested_rows(s)), object
        elif isinstance(dtype, nw.Categorical | nw.Enum):
            # as Python values: a pyarrow dictionary's NumPy form loses nulls
            categories = list(dtype.categories) if isinstance(dtype, nw.Enum) else None
            values = pd.Categorical(s.to_list(), categories=categories)
        elif isinstance(dtype, nw.Datetime) and dtype.time_zone is not None:
            utc = s.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            values = pd.DatetimeIndex(utc.to_numpy()).tz_localize("UTC")
            values = values.tz_convert(dtype.time_zone)
        elif dtype.is_numeric() or isinstance(dtype, _plain_dtypes(nw)):
            # NaN, NaT or None where missing, as in pandas; strings take the
            # dtype pandas gives them in a DataFrame of lists (pandas 3: "str")
            values = s.to_numpy()
        else:  # objects (NumPy arrays), decimals, structs, times, all-null
            objects = s.to_numpy() if isinstance(dtype, nw.Object) else s.to_list()
            values, kept = _object_array(objects), object
        return pd.Series(values, name=s.name, dtype=kept, copy=False)
    except Exception as exc:
        try:  # no pandas counterpart (a 128-bit integer): its Python values
            return pd.Series(_object_array(s.to_list()), name=s.name, dtype=object)
        except Exception:
            pass
        raise ValueError(
            f"{what}: column {s.name!r} ({dtype}) of the {source} cannot be "
            f"converted to pandas ({type(exc).__name__}: {exc}); pass "
            "X.to_pandas() instead."
        ) from exc


def _plain_dtypes(nw):
    """The narwhals dtypes (besides numbers) whose NumPy form is the pandas
    column's: booleans, dates and durations, strings, bytes."""
    return (nw.Boolean, nw.Date, nw.Datetime, nw.Duration, nw.String, nw.Binary)


def _nested_rows(s):
    """The rows of a narwhals array or list Series as NumPy arrays (None
    where missing), each of the nested shape and the leaf dtype."""
    missing = s.is_null()
    rows = [None] * len(s)
    present = np.flatnonzero(~missing.to_numpy())
    for i, row in zip(present, s.filter(~missing).to_numpy()):
        rows[i] = _stacked(row)
    return rows


def _stacked(row):
    """A row of nested values as one NumPy array: an object array of arrays
    of equal shape (a pyarrow list of lists) stacked, keeping the leaf dtype;
    a ragged one, or one holding other objects, as it is."""
    if (
        isinstance(row, np.ndarray)
        and row.dtype == object
        and row.size
        and all(isinstance(v, np.ndarray) for v in row)
    ):
        try:
            return np.stack([_stacked(v) for v in row])
        except ValueError:  # ragged
            return row
    return row


def _object_array(values):
    """A 1-D object array of ``values``, one item each (NumPy arrays of equal
    shape are kept as items, not broadcast into a 2-D array)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def as_column(X, *, what="X"):
    """Turn one modality column into ``(items, labels)``.

    Accepts a Series or a one-column DataFrame (pandas, or polars, pyarrow
    and other eager DataFrames that narwhals reads, converted to pandas
    first), a list or tuple, or a 1-D (or ``(n, 1)`` object or string)
    numpy array. ``items`` is a list (never
    a view on the caller's data that we write to); ``labels`` are the index
    labels used in error messages (the Series/DataFrame index, else
    positions).

    Parameters
    ----------
    X : Series, DataFrame, list, tuple or ndarray
        The modality column, one sample per row.
    what : str, default="X"
        The name of ``X`` in error messages.

    Returns
    -------
    items : list
        The samples, in row order.
    labels : list
        The rows' index labels, for :func:`describe_row`.

    Raises
    ------
    ValueError
        For a DataFrame with several columns, a scalar or a string.
    """
    X = to_pandas(X, series=True, what=what)
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(
                f"{what} must be one column; got a DataFrame with {X.shape[1]} "
                f"columns {list(X.columns)!r}. Select the modality column first "
                "(or use ModalityFusion to route columns)."
            )
        X = X.iloc[:, 0]
    if isinstance(X, pd.Series):
        rows = X.attrs.get(ROWS_ATTR)
        positions = rows.of(X) if isinstance(rows, RowPositions) else None
        return X.tolist(), _Labels(X.index, positions)
    if isinstance(X, (str, bytes)) or np.isscalar(X) or X is None:
        raise ValueError(
            f"{what} must be a sequence of samples (list, 1-D array, Series), "
            f"got a single {type_name(X)}."
        )
    if isinstance(X, np.ndarray):
        if X.ndim == 2 and X.shape[1] == 1 and X.dtype.kind in "OUS":
            X = X[:, 0]
        if X.ndim != 1:
            raise ValueError(
                f"{what} must be 1-D (one sample per row), got an array of shape "
                f"{X.shape}."
            )
        items = list(X)
        positions = X.row_positions if isinstance(X, RowArray) else None
        if positions is not None and len(positions) == len(items):
            return items, _Labels(positions, positions)
    else:
        try:
            items = list(X)
        except TypeError:
            raise ValueError(
                f"{what} must be a sequence of samples, got {type_name(X)}."
            ) from None
        positions = X.row_positions if isinstance(X, RowList) else None
        if positions is not None and len(positions) == len(items):
            return items, _Labels(positions, positions)
    return items, list(range(len(items)))


#: The key, in a pandas ``attrs``, of a subset's :class:`RowPositions`.
ROWS_ATTR = "skmultimodal.row_positions"


class RowPositions:
    """The positions, in the caller's table, of the rows of a pandas subset
    that a composite hands to one of its branches, so that the branch's
    messages name the caller's rows (kept in the subset's ``attrs``).

    pandas carries ``attrs`` into slices of the subset; :meth:`of` only
    answers for an object with the subset's own index.
    """

    __slots__ = ("index", "positions")

    def __init__(self, index, positions):
        self.index, self.positions = index, np.asarray(positions)

    def of(self, X):
        """The positions of the rows of ``X``, or None when ``X`` does not
        have the rows of the subset (a slice or a reordering of it)."""
        ok = len(X.index) == len(self.index) and X.index.equals(self.index)
        return self.positions if ok else None

    def __eq__(self, other):  # pandas compares attrs when concatenating
        return self is other

    __hash__ = object.__hash__


class RowList(list):
    """A list of a branch's rows, with their positions in the caller's
    table (``row_positions``) for messages."""

    row_positions = None


class RowArray(np.ndarray):
    """A 1-D array of a branch's rows, with their positions in the caller's
    table (``row_positions``, kept when pickled for a worker process; a
    slice or a result computed from it has none)."""

    row_positions = None

    def __reduce__(self):
        rebuild, args, state = super().__reduce__()
        return rebuild, args, (state, self.row_positions)

    def __setstate__(self, state):
        state, self.row_positions = state
        super().__setstate__(state)


def with_row_positions(data, positions):
    """``data`` (a subset of a column, already a new object) marked with the
    positions of its rows in the caller's table: the ``attrs`` of a pandas
    object, a :class:`RowList` for a list, a :class:`RowArray` for a 1-D
    array of objects or strings (images, texts); anything else is returned
    as is, and its messages count rows within the subset."""
    if isinstance(data, pd.Series | pd.DataFrame):
        data.attrs = {**data.attrs, ROWS_ATTR: RowPositions(data.index, positions)}
    elif type(data) is list or isinstance(data, RowList):
        data = RowList(data)
        data.row_positions = np.asarray(positions)
    elif isinstance(data, np.ndarray) and data.ndim == 1 and data.dtype.kind in "OUS":
        data = data.view(RowArray)
        data.row_positions = np.asarray(positions)
    return data


class _Labels(list):
    """Index labels for messages, and (``positions``) the rows' positions in
    the caller's table when they differ from their positions here."""

    def __init__(self, labels, positions=None):
        super().__init__(labels)
        self.positions = positions

    def position(self, i):
        return i if self.positions is None else int(self.positions[i])


def check_column_name(est, X, *, reset):
    """Set (``reset``, in ``fit``) or check ``est``'s ``n_features_in_``
    (1: one column, of images or texts) and ``feature_names_in_`` (a
    one-column DataFrame's string column name), with scikit-learn's own
    check: a
    DataFrame whose column name is not the fitted one is a ValueError, a
    name on one side only (a DataFrame at fit, a list or Series after) a
    warning."""
    from sklearn.utils.validation import _check_feature_names

    if reset:
        est.n_features_in_ = 1
    try:
        _check_feature_names(est, X, reset=reset)
    except ValueError as exc:
        raise ValueError(f"{type(est).__name__}: {exc}") from None


def plain_label(label):
    """An index label as Python writes it, for messages: a NumPy scalar as
    its Python value (``2``, not ``np.int64(2)``), also within a tuple (a
    MultiIndex label)."""
    if isinstance(label, tuple):
        return tuple(plain_label(v) for v in label)
    if isinstance(label, np.generic) and not isinstance(
        label, np.datetime64 | np.timedelta64
    ):
        return label.item()
    return label


def describe_row(labels, i) -> str:
    """``"row 3"`` or ``"row 3 (index 'a')"`` for error messages; a row of a
    branch's subset is named by its position in the caller's table.

    Parameters
    ----------
    labels : sequence or None
        The rows' index labels (as :func:`as_column` returns them); None
        names a row by its position only.
    i : int
        The row's position.

    Returns
    -------
    str
        The row, as error messages name it.
    """
    label = plain_label(labels[i]) if labels is not None else i
    if isinstance(labels, _Labels):
        i = labels.position(i)
    if isinstance(label, numbers.Integral) and int(label) == i:
        return f"row {i}"
    return f"row {i} (index {label!r})"


def describe_failures(labels, failures, limit=5) -> str:
    """``"row 3 (index 'a'), why; row 7, why; and 4 more"`` for messages.

    Parameters
    ----------
    labels : sequence or None
        The rows' index labels, as for :func:`describe_row`.
    failures : sequence of (int, str)
        ``(position, reason)`` pairs.
    limit : int, default=5
        How many are spelled out; the others are counted.

    Returns
    -------
    str
        The failures, for an error message.

    Examples
    --------
    >>> from skmultimodal.utils import describe_failures
    >>> describe_failures(["a", "b", "c"], [(0, "gone"), (2, "bad")], limit=1)
    "row 0 (index 'a'), gone; and 1 more"
    """
    shown = "; ".join(
        f"{describe_row(labels, i)}, {why}" for i, why in failures[:limit]
    )
    more = f"; and {len(failures) - limit} more" if len(failures) > limit else ""
    return shown + more


def check_target_present(y, labels=None, limit=5) -> None:
    """Raise a ValueError naming the rows whose target is missing.

    Missing: None, NaN and every pandas missing marker, in a 1-D target or
    in any column of a 2-D one (a sparse target is not checked); an
    infinite number in a float target is refused too, naming its rows.

    Parameters
    ----------
    y : array-like, Series, DataFrame, sparse matrix or None
        The target; None and a sparse target are not checked.
    labels : sequence, default=None
        The rows' index labels (for example those of ``X``), for the
        message; a pandas ``y`` gives its own.
    limit : int, default=5
        How many rows the message names.

    Raises
    ------
    ValueError
        Naming the rows whose target is missing or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.utils import check_target_present
    >>> check_target_present(["cat", None, "dog"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: y is missing (None, NaN or pandas.NA) in 1 row(s): row 1. ...
    """
    if y is None or hasattr(y, "toarray"):
        return
    if isinstance(y, (pd.Series, pd.DataFrame)):
        labels = y.index
    else:
        try:
            y = np.asarray(y)
        except ValueError:  # ragged: the estimator's own checks say so
            return
    mask = np.asarray(pd.isna(y))
    rows = np.flatnonzero(mask.any(axis=1) if mask.ndim == 2 else mask)
    if len(rows):
        shown = ", ".join(describe_row(labels, int(i)) for i in rows[:limit])
        more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
        raise ValueError(
            f"y is missing (None, NaN or pandas.NA) in {len(rows)} row(s): "
            f"{shown}{more}. Drop those rows or give them a target."
        )
    values = np.asarray(y)
    if values.dtype.kind == "f":  # an infinite value is no target either
        _refuse_infinite(values, labels, "the target")


def _refuse_infinite(values, labels, who):
    """A ValueError naming the first rows (cells, for a 2-D ``values``) of a
    float ``values`` that are infinite; nothing when all are finite."""
    infinite = np.flatnonzero(np.isinf(values).ravel())
    if len(infinite):
        shown = ", ".join(describe_cell(values, int(i), labels) for i in infinite[:5])
        more = f" and {len(infinite) - 5} more" if len(infinite) > 5 else ""
        raise ValueError(
            f"{who} needs finite numbers in y; y is infinite in "
            f"{len(infinite)} row(s): {shown}{more}. Drop those rows or give "
            "them a finite target."
        )


#: What ``pandas.api.types.infer_dtype`` names an object array of labels of
#: one kind (:func:`_label_kind`): such an array needs no scan.
_ONE_KIND = frozenset(
    {
        "string",
        "bytes",
        "integer",
        "floating",
        "mixed-integer-float",
        "decimal",
        "complex",
        "boolean",
        "empty",
    }
)


def _label_kind(value):
    """The kind of a class label that labels of another kind cannot be
    sorted with: ``"str"``, ``"bytes"``, ``"number"`` (a bool, an integer or
    a float, of Python or NumPy alike), else the name of its type."""
    if isinstance(value, str):
        return "str"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, numbers.Number | np.number | np.bool_):
        return "number"
    return type_name(value)


def _typed(value):
    """``"the int 3"``, ``"the str 'cat'"``: a label and its type, for
    messages."""
    value = plain_label(value)
    return f"the {type_name(value)} {value!r}"


def check_label_types(y, labels=None, *, first=None, what="y"):
    """Refuse class labels of more than one type, such as ints and strs.

    scikit-learn cannot sort such labels into classes: it calls the target
    ``"unknown"`` (a regression target, it suggests) or fails comparing two
    labels. Bools, integers and floats (of Python or NumPy) are one type
    here, and so are ``str`` and ``numpy.str_``; missing values (None,
    NaN) are left to :func:`check_target_present`. The labels are read as
    ``numpy.asarray`` reads them: a list mixing numbers and strings is
    strings, as ``fit`` learns it.

    Parameters
    ----------
    y : array-like, Series, DataFrame, sparse matrix or None
        The class labels; None and a sparse target are not checked.
    labels : sequence, default=None
        The rows' index labels (for example those of ``X``), for the
        message; a pandas ``y`` gives its own.
    first : tuple or None, default=None
        What an earlier call returned for an earlier part of the same
        target (a chunk read before this one): the labels must then be of
        the type of that part's first label.
    what : str, default="y"
        The name of the labels in the message.

    Returns
    -------
    first : tuple or None
        ``(label, row)``: the target's first label and the row that holds
        it as messages name it, for the check of a later part (``first``);
        None while no label has been seen.

    Raises
    ------
    ValueError
        Naming the types found and the first row (position, and index
        label) whose label is not of the type of the first label.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.utils._validation import check_label_types
    >>> check_label_types(np.array([1, "cat"], dtype=object))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: y mixes label types (int and str): row 1 holds the str 'cat', ...
    """
    if y is None or hasattr(y, "toarray"):
        return first
    if isinstance(y, (pd.Series, pd.DataFrame)):
        labels = y.index
    try:
        values = np.asarray(y)
    except ValueError:  # ragged: the estimator's own checks say so
        return first
    if values.ndim == 0:
        return first
    if labels is not None and len(labels) != len(values):
        labels = None  # rows of another length: the length check says so
    flat = values.ravel()
    present = np.flatnonzero(~np.asarray(pd.isna(flat), dtype=bool))
    if not len(present):
        return first
    if first is None:
        i = int(present[0])
        first = (flat[i], describe_cell(values, i, labels))
    kind = _label_kind(first[0])
    if values.dtype == object and (
        pd.api.types.infer_dtype(flat, skipna=True) not in _ONE_KIND
    ):
        off = (int(i) for i in present if _label_kind(flat[i]) != kind)
    else:  # one kind throughout: that of its first label
        off = iter([] if _label_kind(flat[present[0]]) == kind else [present[0]])
    i = next(off, None)
    if i is None:
        return first
    found = dict.fromkeys([type_name(plain_label(first[0]))])
    found.update(dict.fromkeys(type_name(plain_label(flat[j])) for j in present))
    *names, last = found  # two or more: the labels hold two kinds
    shown = f"{', '.join(names)} and {last}"
    raise ValueError(
        f"{what} mixes label types ({shown}): {describe_cell(values, i, labels)} "
        f"holds {_typed(flat[i])}, but the first label, at {first[1]}, is "
        f"{_typed(first[0])}. Convert the labels to one type first (e.g. "
        f"{what}.astype(str))."
    )


def check_two_classes(classes, who, *, what="y", hint=""):
    """Refuse class labels of fewer than 2 classes: no classifier learns
    from one class. ``classes`` are the distinct labels found; ``who``
    names the estimator or function that needs them; ``hint`` ends the
    message.

    Examples
    --------
    >>> import numpy as np
    >>> check_two_classes(np.array(["cat", "dog"]), "MyClassifier")
    >>> check_two_classes(np.array(["cat"]), "MyClassifier")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: MyClassifier needs ... in y; found one class only: 'cat'
    """
    if len(classes) >= 2:
        return
    found = (
        f"found one class only: {plain_label(classes[0])!r}"
        if len(classes)
        else "found none"
    )
    raise ValueError(
        f"{who} needs samples of at least 2 classes in {what}; {found}{hint}"
    )


def check_regression_target(y, labels=None, *, who="a regression target", hint=""):
    """``y`` as a regression target: numbers only, all finite.

    The one check of a continuous target, run before anything is fitted
    (by :class:`~skmultimodal.fusion.ModalityFusion` for
    ``target_type="continuous"`` and by
    :func:`~skmultimodal.model_selection.compare_models` for
    ``task="regression"``). A numeric ``y`` is returned as it is; an object
    ``y`` holding only numbers (as pandas gives for mixed or nullable
    columns) as a float array of the same shape, as scikit-learn's
    regressors read it. Anything else raises a ValueError naming the first
    offending row (``labels``: the rows' index labels, such as ``X``'s; a
    pandas ``y`` gives its own), and the column of a 2-D ``y``:

    - a value that is not a number, a number written as text (``"12.5"``)
      included, as ``fit`` refuses it;
    - an infinite value, as :func:`check_target_present` names a NaN.

    ``who`` starts the message (``"target_type='continuous'"``); ``hint``
    ends the one for a value that is not a number. Missing values (NaN,
    None) are left to :func:`check_target_present`; a sparse ``y`` is left
    as it is.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.utils._validation import check_regression_target
    >>> check_regression_target(np.array([1.5, 2, 3], dtype=object))
    array([1.5, 2. , 3. ])
    >>> check_regression_target([1.0, "12.5"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: a regression target needs numbers in y; row 1 of y is '12.5' ...
    """
    if y is None or hasattr(y, "toarray"):
        return y
    if isinstance(y, (pd.Series, pd.DataFrame)):
        labels = y.index
    try:
        values = np.asarray(y)
    except ValueError:  # ragged: rows of different lengths
        raise ValueError(
            f"{who} needs one number per row of y (or one row of numbers per "
            "sample); y holds sequences of different lengths."
        ) from None
    if values.dtype.kind in "US" and isinstance(y, list | tuple):
        values = np.asarray(y, dtype=object)  # a list's numbers stay numbers
    kind = values.dtype.kind
    if kind in "biuf" or values.size == 0:
        converted = None
    else:
        flat = values.ravel()
        missing = np.asarray(pd.isna(flat), dtype=bool)
        real = np.fromiter(
            (isinstance(v, numbers.Real | Decimal) for v in flat),
            dtype=bool,
            count=flat.size,
        )
        bad = np.flatnonzero(~(real | missing))
        if len(bad):
            i = int(bad[0])
            value = plain_label(flat[i])
            text = isinstance(value, (str, bytes, np.str_, np.bytes_))
            what = " (a number written as text)" if text and _numeric(value) else ""
            fix = (
                " Convert y to numbers first (e.g. y.astype(float))."
                if what
                else (f" {hint}" if hint else "")
            )
            raise ValueError(
                f"{who} needs numbers in y; {describe_cell(values, i, labels)} of y is "
                f"{value!r}{what}.{fix}"
            )
        converted = np.where(missing, np.nan, flat).astype(np.float64)
        converted = converted.reshape(values.shape)
    checked = values if converted is None else converted
    if kind in "fO":
        _refuse_infinite(checked, labels, who)
    return y if converted is None else converted


def _numeric(text):
    """Whether a string reads as a number (``"12.5"``, ``" 3 "``)."""
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def describe_cell(values, i, labels=None):
    """``"row 3 (index 'a')"``, with ``", column 1"`` in a 2-D ``values``,
    for the ``i``-th value of ``values.ravel()`` (``labels``: the rows'
    index labels)."""
    if values.ndim == 2:
        row, col = divmod(i, values.shape[1])
        return f"{describe_row(labels, row)}, column {col}"
    return describe_row(labels, i)


# characters that show nothing and are not whitespace to str.isspace: zero
# width space, non-joiner and joiner, word joiner, U+FEFF (a byte-order mark
# left in a cell), and the marks of bidirectional text (left-to-right and
# right-to-left marks, the Arabic letter mark, embeddings, overrides and
# isolates), which exports of Arabic and Hebrew text leave in empty cells
_ZERO_WIDTH = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u2060\ufeff"
        "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
        "\u2066\u2067\u2068\u2069",
    )
)


def is_blank(text) -> bool:
    """Whether a str or bytes value shows nothing: empty, whitespace only, or
    whitespace and zero-width characters (U+200B to U+200D, U+2060, U+FEFF,
    and the bidirectional marks: U+200E, U+200F, U+061C, U+202A to U+202E,
    U+2066 to U+2069) only; bytes are read as UTF-8 for the zero-width characters (as
    scikit-learn's vectorizers decode them)."""
    if not text or text.isspace():
        return True
    if isinstance(text, bytes):
        if text[0] < 0x80 and not text[:1].isspace():
            return False  # a first ASCII character that shows: not blank
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return False
    first = text[:1]
    if not (first.isspace() or ord(first) in _ZERO_WIDTH):
        return False  # a first character that shows: not blank
    return not text.translate(_ZERO_WIDTH).strip()


def is_missing(value) -> bool:
    """Whether one modality value is missing.

    Missing: None, every pandas missing marker (NaN of any float type,
    ``pandas.NA``, ``pandas.NaT``, NumPy NaT) and an empty or
    whitespace-only string/bytes (a string of whitespace and zero-width
    characters, such as U+200B, a stray byte-order mark U+FEFF or the
    right-to-left mark U+200F, too).
    Containers (arrays, lists) are values, never missing.

    Parameters
    ----------
    value : object
        One modality value (a path, bytes, a text, an image array, ...).

    Returns
    -------
    bool
        Whether ``value`` is missing.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skmultimodal.utils import is_missing
    >>> [is_missing(v) for v in (None, np.float32("nan"), pd.NA, pd.NaT, "", " ")]
    [True, True, True, True, True, True]
    >>> is_missing("\\u200b \\ufeff")
    True
    >>> [is_missing(v) for v in ("cat.png", 0, np.zeros((2, 2)))]
    [False, False, False]
    """
    if value is None:
        return True
    if isinstance(value, (str, bytes)):
        return is_blank(value)
    # is_scalar: pd.isna of an array or a list is elementwise, not one answer
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def check_class_weight(class_weight, owner=None) -> None:
    """Refuse a ``class_weight`` dict with a negative or non-finite weight,
    naming its class (scikit-learn's classifiers train on such weights);
    ``owner`` (a class name) starts the message. Other values are left to
    the estimator."""
    if not isinstance(class_weight, dict):
        return
    for label, weight in class_weight.items():
        try:
            ok = bool(np.isfinite(weight) and weight >= 0)
        except TypeError:
            ok = False
        if not ok:
            who = f"{owner}: " if owner else ""
            raise ValueError(
                f"{who}class_weight must hold finite, non-negative numbers, but "
                f"class {label!r} has {weight!r}."
            )


def check_groups(groups, n, owner=None):
    """``groups`` as an array of one value per row (None stays None), none
    of them missing, all of one kind (numbers or text: scikit-learn's
    splitters sort them); ``owner`` starts the message."""
    if groups is None:
        return None
    who = f"{owner}: " if owner else ""
    groups = np.asarray(groups)
    if groups.ndim != 1 or len(groups) != n:
        raise ValueError(
            f"{who}groups must hold one value per row: got shape "
            f"{groups.shape} for {n} rows"
        )
    missing = np.flatnonzero(pd.isna(groups))
    if len(missing):
        raise ValueError(
            f"{who}groups has a missing value (NaN or None) in row {missing[0]}"
            + (f" and {len(missing) - 1} more" if len(missing) > 1 else "")
            + "; every row needs a group"
        )
    if groups.dtype == object:
        text = np.array([isinstance(g, str) for g in groups])
        if text.any() and not text.all():
            first, other = np.flatnonzero(text)[0], np.flatnonzero(~text)[0]
            raise ValueError(
                f"{who}groups mixes text and other values (row {first}: "
                f"{groups[first]!r}, row {other}: {groups[other]!r}); give every "
                "group as text, or every group as a number"
            )
    return groups


def row_positions(idx):
    """Row positions of a split's part: indices, or a boolean mask."""
    idx = np.asarray(idx)
    return np.flatnonzero(idx) if idx.dtype == bool else idx.astype(int)


def check_partition(splits, n, what, of="", why="", fix=""):
    """Refuse ``splits`` unless each of the ``n`` rows (``of`` which
    modality, say) is in exactly one test fold, as out-of-fold scores need:
    the message starts with ``what``, gives ``why`` after the rule, names the
    first rows in no test fold and in several, then ``fix``."""
    counts = np.zeros(n, dtype=int)
    for fold, (_, test) in enumerate(splits):
        test = np.asarray(test)
        if test.dtype != bool and test.size and test.dtype.kind not in "iu":
            raise ValueError(
                f"{what}: cv's test fold {fold} holds {test.dtype} values; a "
                "fold gives its rows as integer positions or a boolean mask"
            )
        rows = row_positions(test)
        if len(bad := rows[(rows < 0) | (rows >= n)]):
            raise ValueError(
                f"{what}: cv's test fold {fold} holds row position {bad[0]}, "
                f"outside 0 to {n - 1} ({n} rows)"
            )
        unique, times = np.unique(rows, return_counts=True)
        if (times > 1).any():
            raise ValueError(
                f"{what}: cv must put every row{of} in exactly one test fold"
                f"{why}; test fold {fold} holds row {unique[times > 1][0]} more "
                f"than once.{fix}"
            )
        np.add.at(counts, unique, 1)
    found = []
    for which, where in ((counts == 0, "no test fold"), (counts > 1, "several")):
        if len(rows := np.flatnonzero(which)):
            first = ", ".join(str(i) for i in rows[:5]) + (
                ", ..." if len(rows) > 5 else ""
            )
            where = where if where == "no test fold" else "several test folds"
            found.append(f"{len(rows)} of {n} rows are in {where} (rows {first})")
    if found:
        raise ValueError(
            f"{what}: cv must put every row{of} in exactly one test fold{why}; "
            f"with this cv, {' and '.join(found)}.{fix}"
        )


def one_name_out(estimator, input_features, default):
    """``get_feature_names_out`` of a fitted transformer of one column (of
    images or texts): ``input_features`` checked as scikit-learn checks a
    one-to-one transformer's (one name, equal to ``feature_names_in_`` when
    that is set), else the fitted column name, else ``[default]``."""
    from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

    check_is_fitted(estimator)
    if input_features is None and not hasattr(estimator, "feature_names_in_"):
        return np.array([default], dtype=object)
    return np.array(_check_feature_names_in(estimator, input_features), dtype=object)


class Count(Interval):
    """``Interval(numbers.Integral, left, right, closed=...)`` that refuses
    bools: scikit-learn counts ``True`` as the integer 1, which would
    silently mean one bin, one row or one step (and OpenCV refuses it for a
    count)."""

    def __init__(self, left, right, *, closed):
        super().__init__(numbers.Integral, left, right, closed=closed)

    def is_satisfied_by(self, val):
        if isinstance(val, bool | np.bool_):
            return False
        return super().is_satisfied_by(val)

    def __str__(self):
        return f"{super().__str__()} (not a bool)"


#: The constraint of every ``n_jobs`` parameter: None or an int other than
#: 0 (joblib's rule: -1 is every core, 0 has no meaning; a bool is not a
#: count), checked before any work with a message naming the parameter.
N_JOBS = [None, Count(None, -1, closed="right"), Count(1, None, closed="left")]


class NamedMethodParams:
    """``set_params`` for an estimator whose ``method`` is a registered name
    or an instance: a nested ``method__<param>`` while ``method`` is (or is
    being set to) a name is refused with :meth:`_nested_on_name`'s message
    (scikit-learn would call ``set_params`` on the name, an
    ``AttributeError``)."""

    def set_params(self, **params):
        method = params.get("method", getattr(self, "method", None))
        nested = sorted(k for k in params if str(k).startswith("method__"))
        if nested and isinstance(method, str):
            raise ValueError(self._nested_on_name(method, nested))
        return super().set_params(**params)

    def _nested_on_name(self, method, nested):
        """Why ``nested`` (``method__<param>`` keys) cannot be set on the
        name ``method``, and where the parameters go: ``method_params``."""
        given = ", ".join(f"{k[len('method__') :]!r}: ..." for k in nested)
        return (
            f"cannot set {', '.join(nested)}: method is the name {method!r}, "
            "which has no parameters to set. Give its parameters in "
            f"method_params (set_params(method_params={{{given}}}), the whole "
            "dict: it replaces the one set), or an extractor instance as "
            "method (then method__<param> reaches it)"
        )


_DECIMAL_COMMA = re.compile(r"\s*[-+]?(?:\d{1,3}(?:[.\s\u00a0]\d{3})+|\d+),\d+\s*")


def decimal_comma_hint(cell):
    """For a cell that is not a number but is one written with a decimal
    comma (``"33,15"``, ``"1.234,5"``), the words saying so, with the number
    as Python reads it; else ``""``."""
    if not isinstance(cell, str) or not _DECIMAL_COMMA.fullmatch(cell):
        return ""
    whole, _, fraction = cell.strip().rpartition(",")
    number = re.sub(r"[.\s\u00a0]", "", whole) + "." + fraction
    return (
        f" ({cell.strip()!r} is written with a decimal comma: write it "
        f"{number!r}, with a point)"
    )
