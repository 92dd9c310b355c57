"""The target column of a table, read for a task: class labels, numbers
(regression) or label sets split on a separator (multi-label)."""

from __future__ import annotations

import numpy as np

from skmultimodal.utils._validation import decimal_comma_hint, plain_label

#: What ``--task`` takes.
TASKS = ("classification", "regression", "multilabel")


def _where(series, row, column, source):
    line = plain_label(row)
    value = plain_label(series.loc[row])
    where = f" of {str(source)!r}" if source is not None else ""
    return f"target column {column!r} has {value!r} on line {line}{where}"


def prepare_target(
    y,
    *,
    task="classification",
    separator=None,
    column="label",
    source=None,
    labels=None,
):
    """The target of ``task`` from a column of a table.

    Parameters
    ----------
    y : pandas.Series
        The target column; its index labels name the rows in messages (the
        CSV line numbers of :func:`~skmultimodal.datasets._table.load_table`).
    task : {"classification", "regression", "multilabel"}
        ``"classification"``: the labels as they are, refused when they are
        numbers with fractions (a regression target); ``"regression"``:
        every cell a finite number; ``"multilabel"``: each cell a set of
        labels joined by ``separator`` (an empty set is allowed).
    separator : str or None
        The label separator of a multi-label target (needed then, refused
        otherwise).
    column, source : str
        The column and file named in messages.
    labels : list of str or None
        Multi-label only: the labels of the training table, so that a test
        table is binarized the same way (a label it does not know is an
        error).

    Returns
    -------
    y : ndarray
        Labels (classification), floats (regression) or a 0/1 matrix with
        one column per label (multi-label).
    labels : list of str or None
        The label of each column of a multi-label ``y``; None otherwise.
    """
    import pandas as pd

    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose from {', '.join(TASKS)}")
    if (separator is not None) != (task == "multilabel"):
        raise ValueError(
            "a label separator goes with the multi-label task, and the "
            "multi-label task needs one"
        )
    if task == "regression":
        values = pd.to_numeric(y, errors="coerce")
        bad = values.isna() | ~np.isfinite(values.astype(float))
        if bad.any():
            from skmultimodal.datasets._table import _lines_text

            rows = [plain_label(r) for r in y.index[bad.to_numpy()]]
            more = (
                f" (not a number either on {_lines_text(rows[1:])})"
                if len(rows) > 1
                else ""
            )
            first = y[bad.to_numpy()].iloc[0]
            raise ValueError(
                f"{_where(y, y.index[bad.to_numpy()][0], column, source)}{more}: "
                "a regression target must be a number in every row"
                + decimal_comma_hint(first)
            )
        huge = np.abs(values.to_numpy(dtype=float)) > 1e150
        if huge.any():  # squared by every least-squares fit: inf, then NaN
            raise ValueError(
                f"{_where(y, y.index[huge][0], column, source)}: values beyond "
                "±1e150 overflow the models' squared errors; rescale the target "
                "(divide it by a power of ten)"
            )
        if values.nunique() < 2:
            raise ValueError(
                f"target column {column!r} holds one value only "
                f"({plain_label(values.iloc[0])!r}): nothing to regress"
            )
        return values.to_numpy(dtype=float), None
    if task == "multilabel":
        from sklearn.preprocessing import MultiLabelBinarizer

        sets = [sorted({p.strip() for p in str(v).split(separator)} - {""}) for v in y]
        if labels is None:
            labels = sorted({label for s in sets for label in s})
            if len(labels) < 2:
                raise ValueError(
                    f"target column {column!r} split on {separator!r} gives "
                    f"{len(labels)} label(s) ({', '.join(labels) or 'none'}); "
                    "a multi-label target needs at least 2"
                )
        known = set(labels)
        for row, s in zip(y.index, sets):
            unknown = [label for label in s if label not in known]
            if unknown:
                raise ValueError(
                    f"{_where(y, row, column, source)}: label {unknown[0]!r} "
                    "is not one of the training labels "
                    f"({', '.join(labels)})"
                )
        Y = MultiLabelBinarizer(classes=list(labels)).fit_transform(sets)
        return np.asarray(Y, dtype=int), list(labels)
    if pd.api.types.is_float_dtype(y):
        fraction = y.notna() & (y != np.round(y))
        if fraction.any():
            raise ValueError(
                f"{_where(y, y.index[fraction.to_numpy()][0], column, source)}: "
                "numbers with fractions are a regression target, not classes; "
                "use --task regression"
            )
    return y.to_numpy(), None
