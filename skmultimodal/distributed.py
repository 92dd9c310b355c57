"""Prediction and featurization of a large table on a Dask cluster, one
partition per task, each written to Parquet by the worker that made it.

The fitted model goes to every worker once (a saved model's *path* is
loaded by each worker itself, which also checks that worker's environment);
each task reads one partition of the input (a byte range of a CSV, row
groups of a Parquet file, or a partition of a dask DataFrame), predicts or
featurizes it and writes ``part-NNNNN.parquet`` into a temporary folder next
to the output. Only small metadata (row counts, file names, timings, the
tasks' warnings) comes back to the calling process. When every partition
is written and the row counts match the input's, the temporary folder is
renamed to the output; on any failure it is removed and one
:class:`PartitionError` names the partition and the cause. See ``docs/distributed.md``.

``import skmultimodal.distributed`` does not import dask: the functions do.
"""

from __future__ import annotations

import logging
import numbers
import os
import pickle
import re
import shutil
import threading
import time
import uuid
import warnings
from pathlib import Path

__all__ = [
    "KINDS",
    "PartitionError",
    "predict_partitions",
    "run_on_dask",
]

#: File name of partition ``i`` in the output folder.
PART_NAME = "part-{:05d}.parquet"
#: What the index labels in a message are, by input kind.
INDEX_NOTES = {
    "csv": "index labels are CSV line numbers; the header is line 1",
    "parquet": "index labels are row numbers in the Parquet file, from 0",
}
#: Suffixes of the input files :func:`predict_partitions` reads by name.
INPUT_SUFFIXES = (".csv", ".parquet")
#: Suffixes of single output files, refused for the output folder (a
#: folder of parts named ``.parquet`` is the usual convention: allowed).
FILE_SUFFIXES = {".csv": "CSV", ".json": "JSON", ".jsonl": "JSON lines"}


class PartitionError(RuntimeError):
    """A partition could not be processed.

    The message names the partition, the rows it holds, the worker where
    known, and the cause.

    Attributes
    ----------
    partition : int or None
        The partition's number (its output file is ``part-<number>``).
    cause : Exception or None
        The original exception, where it could be sent back from the worker.
    missing_module : str or None
        A module the worker could not import while loading the model.
    stage : str or None
        ``"load"`` when the model could not be loaded on the worker.
    """

    def __init__(
        self, message, *, partition=None, cause=None, missing_module=None, stage=None
    ):
        super().__init__(message)
        self.partition = partition
        self.cause = cause
        self.missing_module = missing_module
        self.stage = stage

    def __reduce__(self):  # keep the attributes across processes
        return (
            _rebuild_partition_error,
            (str(self), self.partition, self.cause, self.missing_module, self.stage),
        )


def _rebuild_partition_error(message, partition, cause, missing_module, stage):
    return PartitionError(
        message,
        partition=partition,
        cause=cause,
        missing_module=missing_module,
        stage=stage,
    )


# ------------------------------------------------------------- kinds ---
def _predict_table(est, X, meta, proba):
    from skmultimodal.model_selection._models import prediction_table

    # a multi-label model: each row's labels joined by the separator
    labels = meta.get("classes") if meta.get("task") == "multilabel" else None
    separator = meta.get("label_separator") or "|"
    return prediction_table(est, X, proba=proba, labels=labels, separator=separator)


def _featurize_table(est, X, meta, proba):
    from skmultimodal.model_selection._models import feature_names, feature_table

    # a multi-label model's class scores named by label, as featurize does
    labels = meta.get("classes") if meta.get("task") == "multilabel" else None
    return feature_table(est, X, columns=feature_names(est, labels=labels))


KINDS = {"predict": _predict_table, "featurize": _featurize_table}
"""What each partition becomes: ``predict`` (the label and, with ``proba``, one
``proba_<class>`` column per class, as ``skmultimodal predict`` writes) or
``featurize`` (the features the final estimator receives, as ``skmultimodal
featurize`` writes)."""


def _kind_function(kind):
    if callable(kind):
        return lambda est, X, meta, proba: _custom_rows(kind(est, X), X, kind)
    if kind not in KINDS:
        raise ValueError(
            f"kind must be one of {', '.join(map(repr, KINDS))} or a function "
            f"(estimator, DataFrame) -> DataFrame; got {kind!r}"
        )
    return KINDS[kind]


def _custom_rows(out, X, kind):
    """The DataFrame ``out`` a ``kind=`` function returned for the rows
    ``X``, in ``X``'s row order: as it is when its index is ``X``'s or the
    default one (positions); realigned when it holds ``X``'s (unique) labels
    in another order (a sort, a merge); else an error, since the kept
    columns and ids are attached by position."""
    import pandas as pd

    from skmultimodal.utils._validation import type_name

    name = getattr(kind, "__name__", repr(kind))
    if not isinstance(out, pd.DataFrame):
        raise TypeError(
            f"kind function {name} must return a pandas DataFrame (one row per "
            f"input row); got a {type_name(out)}"
        )
    if len(out) != len(X) or out.index.equals(X.index):
        return out  # a wrong row count is named by the caller
    if out.index.equals(pd.RangeIndex(len(X))):
        return out
    if X.index.is_unique and out.index.is_unique and set(out.index) == set(X.index):
        return out.reindex(X.index)
    raise ValueError(
        f"kind function {name} returned rows whose index is neither that of "
        "its input DataFrame nor the default 0, 1, ...: return one row per "
        "input row, in its order or labelled with its index"
    )


# ---------------------------------------------------- the partitions ---
def _check_data(data):
    """A TypeError for ``data`` that is neither a dask DataFrame nor paths:
    a table held in memory (pandas, polars, pyarrow, an array: a pandas
    DataFrame's column names would be taken for paths) or another object."""
    from skmultimodal.utils._validation import type_name

    if hasattr(data, "to_delayed") and hasattr(data, "npartitions"):
        import dask.dataframe as dd

        if isinstance(data, dd.DataFrame):  # not a bag, an array or a Series
            return
        raise TypeError(
            "data must be a dask DataFrame or CSV/Parquet path(s); got a "
            f"{type_name(data)}: make a dask DataFrame of it (e.g. with "
            "to_dataframe or to_frame)"
        )
    paths = [data] if isinstance(data, (str, os.PathLike)) else data
    if not isinstance(paths, (list, tuple)):
        wrong = f"got a {type_name(data)}"
    else:
        others = [p for p in paths if not isinstance(p, (str, os.PathLike))]
        if not others:
            return
        wrong = f"got a {type_name(data)} holding a {type_name(others[0])}"
    raise TypeError(
        "data must be a dask DataFrame or CSV/Parquet path(s) (a path, a glob "
        f"pattern or a list of them); {wrong}: write it to Parquet or use "
        "dask.dataframe.from_pandas"
    )


def _input_files(data):
    """The input files ``data`` names (a path, a glob pattern or a list of
    them), sorted within each pattern, all .csv or all .parquet, made
    absolute here (the workers' current folder is not this process's) but
    not resolved: a file reached through a link reads its relative image
    paths from the link's folder, as without Dask (see
    :func:`~skmultimodal.datasets._table.image_folder`)."""
    import glob

    from skmultimodal.datasets._table import image_folder

    items = [data] if isinstance(data, (str, os.PathLike)) else list(data)
    if not items:
        raise ValueError("data: no input file given")
    files = []
    for item in items:
        item = os.fspath(item)
        if glob.has_magic(item):
            found = sorted(glob.glob(item))
            if not found:
                raise ValueError(f"data: no file matches {item!r}")
            files += found
        elif os.path.isdir(item):
            raise ValueError(
                f"data: {item!r} is a folder; pass its files, e.g. "
                f"{os.path.join(item, '*.csv')!r}"
            )
        elif not os.path.isfile(item):
            raise ValueError(f"data: no such file {item!r}")
        else:
            files.append(item)
    for f in files:
        why = image_folder(f)[1]
        if why:  # /dev/stdin: each worker would open its own
            raise ValueError(
                f"data: {why}: each Dask worker would open its own, and read "
                "relative image paths from its own current folder; pass the "
                "path of a file in a folder (write piped data to a file first)"
            )
    suffixes = {Path(f).suffix.lower() for f in files}
    if not suffixes <= set(INPUT_SUFFIXES) or len(suffixes) != 1:
        raise ValueError(
            f"data: the input files must all be {' or all '.join(INPUT_SUFFIXES)} "
            f"files; got {', '.join(sorted(suffixes))}"
        )
    return [str(Path(f).absolute()) for f in files], suffixes.pop()


def _csv_blocks(files, chunk_size):
    """``[(path, offset, length)]``: byte ranges of about ``chunk_size`` rows
    (the row size estimated from the first 64 KiB of the first file; each
    range is cut at line ends when it is read)."""
    with open(files[0], "rb") as fh:
        head = fh.read(65536)
        # a long first row (a long text) leaves few line ends in 64 KiB:
        # read on, up to 16 MiB, for at least 100 rows to measure
        while head.count(b"\n") < 100 and len(head) < 1 << 24:
            more = fh.read(len(head))
            if not more:
                break
            head += more
    # the typical row: the median line length, not the mean a long row skews
    sizes = sorted(len(line) + 1 for line in head.split(b"\n")[1:-1]) or [len(head)]
    block = max(int(chunk_size * sizes[len(sizes) // 2]), 64)
    blocks = []
    for path in files:
        size = os.path.getsize(path)
        blocks += [(path, off, min(block, size - off)) for off in range(0, size, block)]
        if size == 0:
            raise ValueError(f"CSV {path!r} is empty")
    return blocks


def _parquet_groups(files, chunk_size):
    """``[(path, row groups, first row, rows)]``: consecutive row groups of
    about ``chunk_size`` rows (at least one), from the files' footers."""
    import pyarrow.parquet as pq

    parts = []
    for path in files:
        meta = pq.read_metadata(path)
        groups, start, rows = [], 0, 0
        for g in range(meta.num_row_groups):
            n = meta.row_group(g).num_rows
            if groups and rows + n > chunk_size:
                parts.append((path, tuple(groups), start, rows))
                groups, start, rows = [], start + rows, 0
            groups.append(g)
            rows += n
        if groups:
            parts.append((path, tuple(groups), start, rows))
    return parts


class _BlockParseError(ValueError):
    """A CSV block that does not parse, read before the rows in front of it
    were counted: ``line`` is the line within the block (its header line
    1), :meth:`at` the message naming the file's line."""

    def __init__(self, before, line, after):
        super().__init__(f"{before}{line}{after}")
        self.before, self.line, self.after = before, line, after

    def __reduce__(self):  # keep the parts across processes
        return (type(self), (self.before, self.line, self.after))

    def at(self, first_row):
        """The message, the block starting after ``first_row`` data rows."""
        return f"{self.before}{first_row + self.line}{self.after}"


def _first_row_wider(path):
    """Whether the first data row of the CSV ``path`` has more fields than
    its header (rows ending in a comma, which reading the whole file
    accepts when the extra fields are empty)."""
    import csv

    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
            rows = csv.reader(f)
            header = next(rows)
            return len(next(rows, header)) > len(header)
    except (OSError, StopIteration, csv.Error):
        return False


def _read_csv_block(path, offset, length, first_row=None, roles=((), ())):
    """The rows of the CSV ``path`` that start in ``[offset, offset +
    length)``, with the file's column names; the text columns of ``roles``
    (those of :func:`~skmultimodal.datasets._table.csv_roles`) read as
    without Dask (a kept ``007`` stays ``"007"``, a class ``NA`` one), the
    numeric ones as written, for ``missing_numbers`` to type.

    The block is parsed behind the file's header line, so that its rows
    parse as in the whole file. A parse error names the file's line as
    without Dask (the header is line 1; a line is a row), ``first_row``
    being the number of data rows before the block; before those are
    counted (None), it is a :class:`_BlockParseError`.
    """
    import io

    from fsspec.utils import read_block

    from skmultimodal.datasets._table import (
        ExtraFieldsError,
        _csv_errors,
        csv_options,
    )

    with open(path, "rb") as fh:
        data = read_block(fh, offset, length, delimiter=b"\n")
        if offset:
            data = read_block(fh, 0, 1, delimiter=b"\n") + data

    def read(pd):
        # as the whole file is read: its first data row, when wider than the
        # header (a trailing comma), sets the rows' width for every block
        if not offset or _first_row_wider(path):
            return pd.read_csv(io.BytesIO(data), **csv_options(roles[0]))
        options = {**csv_options(roles[0]), "index_col": None}
        df = pd.read_csv(io.BytesIO(data), **options)
        if not isinstance(df.index, pd.RangeIndex):
            # pandas takes the extra fields of a first row for an index;
            # in the whole file, that row is not the first: an error
            raise pd.errors.ParserError(
                f"Expected {len(df.columns)} fields in line 2, saw "
                f"{len(df.columns) + df.index.nlevels}"
            )
        return df

    try:
        return _csv_errors(Path(path), read)
    except ExtraFieldsError:
        raise  # it names a line of the file already
    except ValueError as exc:
        error = _block_parse_error(str(exc), path, offset + length)
        if error is None:
            raise
    if first_row is None:
        raise error
    raise ValueError(error.at(first_row)) from None


def _block_parse_error(text, path, end):
    """The parse error ``text`` of a CSV block ending at byte ``end`` (about)
    as a :class:`_BlockParseError`, or None where it names no line."""
    found = re.search(r"EOF inside string starting at (?:row|line) (\d+)", text)
    if found is None:
        found = re.search(r"fields in line (\d+)", text)
        if found is None:
            return None
        line = int(found.group(1))
        return _BlockParseError(text[: found.start(1)], line, text[found.end(1) :])
    line = int(found.group(1)) + 1  # pandas counts rows from 0, the header 0
    if end >= os.path.getsize(path):  # at the file's end: an unclosed quote
        before = text[: found.start()] + "EOF inside string starting on line "
        return _BlockParseError(before, line, text[found.end() :])
    return _BlockParseError(
        f"cannot parse CSV {path!r}: a quoted field holding a line break, "
        "starting on line ",
        line,
        ", was split between partitions (partitions of a CSV are cut at line "
        "ends): convert the table to Parquet, or predict without Dask (without "
        "--dask)",
    )


def _count_csv_block(path, offset, length):
    return len(_read_csv_block(path, offset, length))


def _read_parquet_groups(path, groups):
    """``(DataFrame, Arrow table)`` of the row groups ``groups`` of the
    Parquet file at ``path``, read as ``predict --parquet`` reads a batch
    (:func:`~skmultimodal.datasets._table.parquet_frame`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from skmultimodal.datasets._table import parquet_frame

    table = pq.ParquetFile(path).read_row_groups(list(groups))
    df = parquet_frame(pa, table)
    return df.reset_index(drop=True), table  # rows by position, not an index


# ------------------------------------------------ on the worker side ---
_MODELS = {}
_MODELS_LOCK = threading.Lock()


def _worker_model(ref, settings):
    """``(estimator, metadata, policy, trained)`` of ``ref`` in this worker
    process: loaded (a path) or unpickled (bytes) once per process."""
    with _MODELS_LOCK:
        key = (ref["token"], settings["missing"])
        if "path" in ref:  # the same file, unchanged: loaded once per process
            try:
                st = os.stat(ref["path"])
                key = (ref["path"], st.st_mtime_ns, st.st_size, str(ref["trusted"]))
                key += (settings["missing"],)
            except OSError:
                pass  # load_model says what is wrong with it
        if key not in _MODELS:
            _MODELS.clear()  # one model at a time per worker
            _MODELS[key] = _load_on_worker(ref, settings)
        return _MODELS[key]


def _load_on_worker(ref, settings):
    from skmultimodal.fusion import _missing_policy as policies

    if "path" in ref:
        from skmultimodal.persistence import load_model

        saved = load_model(ref["path"], trusted=ref["trusted"])
        est, meta = saved.estimator, saved.metadata
    else:
        est, meta = pickle.loads(ref["payload"]), dict(ref["metadata"])
    trained = policies.trained_missing(est, meta.get("missing") or "raise")
    policy = policies.prediction_policy(trained, settings["missing"])
    if policy != trained:
        policies.set_missing_policy(est, policy)
    return est, meta, policy, trained


def _missing_module(exc):
    """The name of a module that failed to import somewhere in the chain of
    causes of ``exc``, or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ModuleNotFoundError) and exc.name:
            return exc.name
        exc = exc.__cause__ or exc.__context__
    return None


def _sendable(exc):
    """``exc`` if it survives pickling (to go back to the client), else
    None."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return None
    return exc


def _worker_address():
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"process {os.getpid()}"


def _run_partition(part, ref, settings, tmpdir):
    """Process one partition on a worker; return its metadata."""
    start = time.perf_counter()
    where = part["where"]
    try:
        est, meta, policy, trained = _worker_model(ref, settings)
    except Exception as exc:
        missing = _missing_module(exc)
        raise PartitionError(
            f"partition {part['index']} ({where}): the model could not be "
            f"loaded on worker {_worker_address()}: {type(exc).__name__}: {exc}",
            partition=part["index"],
            cause=_sendable(exc),
            missing_module=missing,
            stage="load",
        ) from exc
    from skmultimodal.utils._parallel import record_warnings

    compute = _kind_function(settings["kind"])
    try:
        with record_warnings() as caught:
            df, X, kept = _partition_frame(part, est, meta, settings, policy, trained)
            # a partition without rows: its file is made by _write_empty_parts
            out = compute(est, X, meta, settings["proba"]) if len(df) else None
        name = None
        if out is not None:
            out = _with_kept(out, kept, len(df))
            name = PART_NAME.format(part["index"])
            _write_parquet(out, Path(tmpdir) / name)
    except Exception as exc:
        cause = _with_index_note(exc, part)
        raise PartitionError(
            f"partition {part['index']} ({where}) failed on worker "
            f"{_worker_address()}: {type(exc).__name__}: {cause}",
            partition=part["index"],
            cause=_sendable(exc),
        ) from exc
    return {
        "partition": part["index"],
        "file": name,
        "rows_in": len(df),
        "rows_out": 0 if out is None else len(out),
        "seconds": time.perf_counter() - start,
        "worker": _worker_address(),
        "warnings": [(kind, _with_index_note(text, part)) for kind, text in caught],
    }


def _with_kept(out, kept, rows):
    """The output ``out`` of ``rows`` input rows, the ``kept`` input columns
    in front, attached by position (index labels may repeat)."""
    import pandas as pd

    if len(out) != rows:
        raise ValueError(f"the output has {len(out)} rows for {rows} input rows")
    if kept is None or not len(kept.columns):
        return out
    clash = [c for c in kept.columns if c in out.columns]
    if clash:
        raise ValueError(
            f"kept column(s) {', '.join(map(repr, clash))} would share a "
            "name with the output columns; rename them in the input"
        )
    return pd.concat([kept.reset_index(drop=True), out.reset_index(drop=True)], axis=1)


def _with_index_note(text, part):
    """``text`` naming rows by index label, with what those labels are."""
    text = " ".join(str(text).split())
    if "(index " in text and part["source"] in INDEX_NOTES:
        text += f" ({INDEX_NOTES[part['source']]})"
    return text


def _check_file_columns(est, meta, settings):
    """The file's image and text columns and the model's tabular columns
    (:func:`~skmultimodal.datasets._table.model_columns`)."""
    from skmultimodal.datasets._table import model_columns

    columns, tabular = model_columns(
        est,
        meta,
        settings["image_column"],
        settings["text_column"],
        hint="pass image_column= and text_column= for a model fitted on those "
        "names, or a dask DataFrame with the model's own columns",
    )
    several = {m: c for m, c in columns.items() if isinstance(c, list | tuple)}
    if several:
        what = " and ".join(f"{m} columns {list(c)}" for m, c in several.items())
        raise ValueError(
            f"the model reads several columns per modality ({what}), and "
            "partitions read one image and one text column each: predict "
            "without Dask (skmultimodal predict without --dask reads several "
            "columns, --chunk-size rows at a time)"
        )
    return columns, tabular


def _fitted_on(est):
    """The names of the columns ``est`` was fitted on (none if unnamed)."""
    return [str(c) for c in getattr(est, "feature_names_in_", ())]


def _check_kept_in_files(parts, keep):
    """Refuse, before any task runs, an id or kept column (``keep``) that an
    input file of the ``parts`` lacks, naming the file and its columns."""
    from skmultimodal.datasets._table import csv_header

    for path in dict.fromkeys(p["path"] for p in parts if p["source"] != "frame"):
        if Path(path).suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            names = pq.read_schema(path).names
        else:
            names = csv_header(path) or []
        lacks = [c for c in keep if c not in names]
        if lacks:
            raise ValueError(
                f"id or kept column(s) {', '.join(map(repr, lacks))} not in "
                f"{path!r}; its columns: {', '.join(map(repr, names))}"
            )


def _check_frame_columns(est, keep, columns):
    """Refuse a DataFrame (its ``columns``) that lacks a column the model
    was fitted on or one of the ``keep`` columns, naming them."""
    names = [str(c) for c in columns]
    lacks = []
    read = [c for c in _fitted_on(est) if c not in names]
    if read:
        lacks.append(f"column(s) {', '.join(map(repr, read))} (the model reads them)")
    kept = [c for c in keep if str(c) not in names]
    if kept:
        lacks.append(f"kept column(s) {', '.join(map(repr, kept))}")
    if lacks:
        raise ValueError(
            f"the DataFrame lacks {' and '.join(lacks)}; its columns: "
            f"{', '.join(names)}"
        )


def _absent_as_missing(df, column):
    """``df`` with the image paths of ``column`` that are not files as empty
    cells, as a CSV's are for a model trained with ``missing="raise"`` and
    run with another policy (with the same warning, naming the rows by index
    label). Cells that are not paths (bytes, arrays) are left as they are."""
    import numpy as np

    from skmultimodal.datasets._table import _checked_images

    cells = df[column]
    paths = cells.map(lambda v: isinstance(v, (str, os.PathLike))).to_numpy(bool)
    if not paths.any():
        return df
    resolved, _, _ = _checked_images(
        cells[paths], Path.cwd(), column, True, True, unit="index label"
    )
    gone = np.flatnonzero(paths)[[r is None for r in resolved]]
    if not len(gone):
        return df
    values = cells.to_numpy(dtype=object, copy=True)
    values[gone] = None
    return df.assign(**{column: values})


def _refuse_absent(df, column, trained):
    """Under ``missing="raise"`` given for a model trained with another
    policy (whose extractors take an unreadable file as a missing image),
    refuse the image paths of ``column`` that are not files, naming each
    row by index label and its path, as a CSV's are refused."""
    from skmultimodal.datasets._table import _checked_images

    cells = df[column]
    paths = cells.map(lambda v: isinstance(v, (str, os.PathLike))).to_numpy(bool)
    if not paths.any():
        return
    _, bad, _ = _checked_images(cells[paths], Path.cwd(), column, unit="index label")
    if bad:
        raise ValueError(
            f"{'; '.join(bad)} (the current folder: {str(Path.cwd())!r}); "
            f"missing='raise' refuses them: predict with missing={trained!r}, "
            "the model's own policy, to take them as missing images"
        )


def _partition_frame(part, est, meta, settings, policy, trained):
    """``(input rows, model input X, kept columns)`` of one partition."""
    keep = settings["keep_columns"]
    if part["source"] == "frame":
        df = X = part["frame"]
        _check_frame_columns(est, keep, df.columns)
        if trained == "raise" != policy and "image" in _fitted_on(est):
            X = _absent_as_missing(df, "image")
        elif policy == "raise" != trained and "image" in _fitted_on(est):
            _refuse_absent(df, "image", trained)
        return df, X, df[keep] if keep else None

    from skmultimodal.datasets._table import (
        FIRST_DATA_LINE,
        _check_columns,
        _modalities,
        _typed_kept,
        csv_roles,
        missing_numbers,
        typed_columns,
    )

    path = Path(part["path"])
    table = None
    columns, tabular = _check_file_columns(est, meta, settings)
    written = None  # the rows as written, for the kept columns of a CSV
    if part["source"] == "csv":
        block = part["offset"], part["length"]
        roles = csv_roles(
            columns["image"],
            columns["text"],
            keep,
            tabular,
            meta.get("categorical_columns") or (),
        )
        written = _read_csv_block(
            part["path"], *block, first_row=part["first_row"], roles=roles
        )
        written.index = written.index + part["first_row"] + FIRST_DATA_LINE
        df = missing_numbers(written, roles[1])  # CSV lines, as written
    else:
        df, table = _read_parquet_groups(part["path"], part["groups"])
        df.index = df.index + part["first_row"]  # row numbers of the file
    if len(df) != part["rows"]:
        raise ValueError(
            f"read {len(df)} rows where {part['rows']} were counted: the file "
            "changed while it was processed"
        )
    _check_columns(df, [columns["image"], columns["text"], *tabular, *keep], path)
    csv = part["source"] == "csv"
    # the raise policy: one error names every absent file and empty cell
    used = [m for m in ("image", "text") if columns[m] is not None]
    X = _modalities(
        df,
        path,
        columns["image"],
        columns["text"],
        policy != "raise",
        trained == "raise" != policy,
        tabular,
        kind="CSV" if csv else "Parquet file",
        unit="line" if csv else "row",
        refuse_empty=used if policy == "raise" else (),
    )
    if not keep:
        return df, X, None
    if table is None:  # as written, whatever the model reads of them
        return df, X, written[keep]
    # the kept columns with their Arrow types, whatever the model reads
    import pyarrow as pa

    typed = typed_columns(pa, table.schema, keep, [])
    return df, X, _typed_kept(df[keep], table, typed)


def _write_parquet(df, path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from skmultimodal.utils import atomic_write
    from skmultimodal.utils._output import arrow_table

    table = arrow_table(pa, df)
    with atomic_write(path, "wb") as fh:
        pq.write_table(table, fh)


# ------------------------------------------------ on the client side ---
def _describe_parts(data, chunk_size, client):
    """The partitions of ``data`` (metadata only) and the number of input
    rows, or None when only the tasks can count them (a dask DataFrame)."""
    from distributed import wait

    if hasattr(data, "to_delayed") and hasattr(data, "npartitions"):
        parts = [
            {
                "index": i,
                "source": "frame",
                "frame": d,
                "where": f"rows of partition {i}",
            }
            for i, d in enumerate(data.to_delayed())
        ]
        return parts, None
    files, suffix = _input_files(data)
    parts = []
    if suffix == ".parquet":
        for path, groups, first, rows in _parquet_groups(files, chunk_size):
            parts.append(
                {
                    "source": "parquet",
                    "path": path,
                    "groups": groups,
                    "first_row": first,
                    "rows": rows,
                    "where": f"{path!r}, rows {first} to {first + rows - 1}",
                }
            )
    else:
        blocks = _csv_blocks(files, chunk_size)
        # the rows each block holds, counted on the workers (integers only
        # come back): they number the CSV lines of the next pass
        futures = [
            client.submit(_count_csv_block, *b, pure=False, retries=1) for b in blocks
        ]
        wait(futures)
        counts = []
        for (path, *_), future in zip(blocks, futures):
            if future.status == "error":
                exc = future.exception()
                if isinstance(exc, _BlockParseError):  # the file's line
                    rows = sum(c for (p, *_), c in zip(blocks, counts) if p == path)
                    raise ValueError(exc.at(rows)) from None
            counts.append(future.result())
        first = {}
        for (path, offset, length), rows in zip(blocks, counts):
            if rows == 0:
                continue
            start = first.get(path, 0)
            first[path] = start + rows
            parts.append(
                {
                    "source": "csv",
                    "path": path,
                    "offset": offset,
                    "length": length,
                    "first_row": start,
                    "rows": rows,
                    "where": f"{path!r}, lines {start + 2} to {start + rows + 1}",
                }
            )
        for path in files:  # among several files (a glob), one without rows
            if path not in first and len(files) == 1:  # is skipped, as Parquet
                raise ValueError(f"CSV {path!r} has a header but no rows")
    for i, p in enumerate(parts):
        p["index"] = i
    return parts, sum(p["rows"] for p in parts)


def _model_ref(model, trusted, client):
    """What the tasks receive for ``model``: a path each worker loads, or
    the pickled estimator scattered to every worker once."""
    from skmultimodal.persistence import SavedModel

    if isinstance(model, (str, os.PathLike)):
        path = str(Path(model).resolve())
        return {"path": path, "trusted": trusted, "token": uuid.uuid4().hex}
    meta = {}
    if isinstance(model, SavedModel):
        model, meta = model.estimator, model.metadata
    payload = pickle.dumps(model, protocol=5)
    ref = {"payload": payload, "metadata": dict(meta), "token": uuid.uuid4().hex}
    [future] = client.scatter([ref], broadcast=True, hash=False)
    return future


def _environment_hint(missing_module):
    """What the calling process has that a worker lacks, for messages."""
    import importlib.metadata

    from skmultimodal import __version__

    hint = ""
    if missing_module:
        top = missing_module.split(".")[0]
        dists = importlib.metadata.packages_distributions().get(top, [])
        if dists:
            d = dists[0]
            hint = (
                f" The worker lacks module {missing_module!r}, which this "
                f"process has from the distribution {d!r} "
                f"{importlib.metadata.version(d)} (an skmultimodal plugin or "
                "dependency)."
            )
        else:
            hint = f" The worker lacks module {missing_module!r}."
    try:
        from skmultimodal.plugins import list_plugins

        plugins = sorted(
            {f"{r['distribution']} {r['version']}".strip() for r in list_plugins()}
            - {"skmultimodal " + __version__}
        )
    except Exception:  # listing is a courtesy; the error stands without it
        plugins = []
    listed = f" and the plugins {', '.join(plugins)}" if plugins else ""
    return (
        f"{hint} Install the same environment on every worker as here "
        f"(skmultimodal {__version__}{listed}, at the same versions)."
    )


def _client_error(future, part):
    """One PartitionError for the failed task ``future`` of ``part``, and
    the exception it was raised from."""
    from distributed.scheduler import KilledWorker

    if future.status == "cancelled":
        exc = RuntimeError("the task was cancelled (the cluster shut down?)")
    else:
        exc = future.exception()

    if isinstance(exc, PartitionError):
        message = str(exc)
        if exc.stage == "load":
            message = message.rstrip(".") + "." + _environment_hint(exc.missing_module)
        err = PartitionError(
            message,
            partition=exc.partition,
            cause=exc.cause,
            missing_module=exc.missing_module,
            stage=exc.stage,
        )
        return err, exc.cause or exc
    if isinstance(exc, KilledWorker):
        return (
            PartitionError(
                f"partition {part['index']} ({part['where']}) was lost: the "
                "worker processes that ran it died (KilledWorker: "
                f"{exc}). Look at the workers' logs: a worker past its memory "
                "limit is restarted by its nanny, a crash in native code ends "
                "it; give the workers more memory or use smaller partitions",
                partition=part["index"],
                cause=exc,
            ),
            exc,
        )
    return (
        PartitionError(
            f"partition {part['index']} ({part['where']}) failed: "
            f"{type(exc).__name__}: {exc}",
            partition=part["index"],
            cause=exc,
        ),
        exc,
    )


def _default_client(client):
    if client is not None:
        return client
    from distributed import default_client

    try:
        return default_client()
    except ValueError:
        raise ValueError(
            "no Dask client: pass client=, or create one first "
            "(dask.distributed.Client(...))"
        ) from None


def _check_output(output, overwrite):
    from skmultimodal.utils._io import name_too_long

    output = Path(output)
    if output.name in ("", ".."):  # its folder would be replaced
        raise ValueError(
            f"output: {str(output)!r} names no new folder; name the folder "
            "to write the parts in, e.g. 'predictions'"
        )
    too_long = name_too_long(output.name, "folder name")
    if too_long:
        raise ValueError(f"output: {too_long}")
    if output.suffix.lower() in FILE_SUFFIXES:
        raise ValueError(
            f"output: {str(output)!r} is named like a "
            f"{FILE_SUFFIXES[output.suffix.lower()]} file, but the partitions "
            "are written as a folder of Parquet parts (part-00000.parquet, "
            "...): name a folder, e.g. "
            f"{str(output.with_suffix(''))!r} or "
            f"{str(output.with_suffix('.parquet'))!r}"
        )
    if not output.parent.is_dir():
        raise ValueError(
            f"output: folder {str(output.parent)!r} does not exist; create it first"
        )
    # the parts are written in a temporary folder beside the output, then
    # renamed to it: its folder is the one written in
    from skmultimodal.utils._paths import unwritable

    problem = unwritable(output.parent.resolve(), output.parent)
    if problem:
        raise ValueError(f"output {str(output)!r}: {problem}")
    if output.exists() and not output.is_dir():
        raise ValueError(f"output: {str(output)!r} exists and is not a folder")
    if output.exists() and not overwrite and any(output.iterdir()):
        raise ValueError(
            f"output: folder {str(output)!r} exists and is not empty; pass "
            "overwrite=True to replace it, or name a new folder"
        )
    return output


def _beside(output, what):
    """A new hidden name beside the folder ``output`` for its ``what``
    (``"tmp"`` or ``"old"``) copy, ``.<name>.<what>-<8 random characters>``,
    with ``<name>`` shortened so that the whole name fits in 255 bytes."""
    from skmultimodal.utils._io import short_name

    tag = f".{what}-{uuid.uuid4().hex[:8]}"
    extra = len(os.fsencode("." + tag))  # the leading dot and the tag
    return output.with_name(f".{short_name(output.name, extra)}{tag}")


def _replace_folder(tmp, output):
    """Move the finished folder ``tmp`` to ``output``, replacing an earlier
    one only now."""
    old = None
    if output.exists():
        old = _beside(output, "old")
        os.replace(output, old)
    os.replace(tmp, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _require_extras(caller):
    """An ImportError naming the extras when dask.distributed or pyarrow
    (the partitions' Parquet output) is not installed, before any work."""
    missing = []
    for module in ("dask", "distributed", "pyarrow"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        from skmultimodal.utils._errors import MissingExtraError, install_hint

        raise MissingExtraError(
            f"{caller} needs {' and '.join(missing)} (not installed): "
            + install_hint("distributed,parquet")
        )


def predict_partitions(
    model,
    data,
    output,
    *,
    kind="predict",
    client=None,
    proba=True,
    id_column=None,
    keep_columns=None,
    image_column=None,
    text_column=None,
    missing=None,
    chunk_size=10_000,
    trusted=None,
    overwrite=False,
):
    """Predict or featurize a table on a Dask cluster, one partition per
    task, each written to Parquet by its worker.

    Parameters
    ----------
    model : path, SavedModel or fitted estimator
        A saved model's path (each worker loads it with
        :func:`~skmultimodal.persistence.load_model`, so it must be readable
        at that path on every worker), or a loaded model or fitted
        estimator (pickled once and sent to every worker).
    data : dask DataFrame, path, glob pattern or list of them
        CSV or Parquet files, read by the workers: a CSV in byte ranges of
        about ``chunk_size`` rows cut at line ends (a quoted field holding a
        line break can be split between partitions, which is refused: use
        Parquet for such a table), Parquet by row groups (a named pandas
        index is read as a column). Image paths in a
        file are resolved against that file's folder *on the worker*, and
        rows are labelled by CSV line (header line 1) or by row number of
        the Parquet file, in messages. A dask DataFrame's partitions are
        passed to the model as they are (with a policy other than the
        model's ``"raise"``, an image path that is not a file is a missing
        image, as in a file); with an estimator in hand, its columns are
        checked against the model's before any task runs.
    output : path
        Folder to create; it receives ``part-00000.parquet``, ... (one per
        partition, in input order; a partition without rows gives a part
        without rows, with the columns of the others). It appears only once
        every partition is written: they go to a temporary folder next to
        it, renamed at the end. It must be on a file system the workers and
        this process share. A name ending in ``.csv``, ``.json`` or
        ``.jsonl`` is refused (``.parquet`` is fine).
    kind : {"predict", "featurize"} or callable, default="predict"
        ``predict``: the columns ``skmultimodal predict`` writes;
        ``featurize``: the fused features; a callable ``(estimator,
        DataFrame) -> DataFrame`` (importable on the workers) for anything
        else, returning one row per input row with the same columns in
        every partition: rows labelled with the input's index are put back
        in its order, rows with the default index are taken in that order.
    client : distributed.Client, default=None
        The cluster; None: the current default client.
    proba : bool, default=True
        With ``kind="predict"``, one ``proba_<class>`` column per class.
    id_column, keep_columns : str and list of str, default=None
        Input columns copied in front of the output (the id first); from a
        Parquet file, those the model does not read keep their Arrow types
        (a ``decimal128``, an integer column with nulls), in every part.
    image_column, text_column : str, default=None
        The file's columns of image paths and texts (default: the model's,
        from its saved metadata; without metadata, ``"image"`` and
        ``"text"`` where the model was fitted on columns of those names).
        They reach the model as its ``"image"`` and ``"text"`` columns. Not
        used for a dask DataFrame.
    missing : str, default=None
        Missing-modality policy (default: the model's). With ``"raise"``,
        an empty cell or an unreadable image fails its partition.
    chunk_size : int, default=10_000
        Rows per partition (about, for a CSV).
    trusted : None, True or list of str, default=None
        As for :func:`~skmultimodal.persistence.load_model`.
    overwrite : bool, default=False
        Replace an existing non-empty ``output`` folder (only once the new
        one is complete).

    Returns
    -------
    dict
        ``output`` (path), ``rows``, ``parts`` (number of files), ``files``,
        ``seconds`` (wall time), ``partition_seconds`` (task times) and
        ``workers`` (the addresses that wrote the parts): metadata only.

    Warns
    -----
    Warning
        Each warning a task issued on its worker (an unreadable image left
        as a missing row, ...), issued again here with its category once
        the output is in place, in partition order, prefixed with the
        partition and its rows.

    Raises
    ------
    ImportError
        dask.distributed or pyarrow is not installed (the message names the
        extra), before anything is read.
    PartitionError
        A partition failed (a bad row, an unreadable image with ``missing=
        "raise"``, the model not loading on a worker, a worker dying); it
        names the partition, its rows and the cause, and the output is not
        written.
    ValueError
        Bad arguments or a table that cannot be read (a CSV line that does
        not parse, named by its line), before any partition is processed;
        an input without rows.
    """
    _require_extras("predict_partitions")
    from dask import delayed
    from distributed import as_completed, wait

    start = time.perf_counter()
    _kind_function(kind)  # checked before anything runs
    _check_data(data)
    if (
        not isinstance(chunk_size, numbers.Integral)
        or isinstance(chunk_size, bool)
        or chunk_size < 1
    ):
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    chunk_size = int(chunk_size)
    if isinstance(keep_columns, str):
        keep_columns = [keep_columns]
    keep = list(
        dict.fromkeys([*([id_column] if id_column else []), *(keep_columns or [])])
    )
    output = _check_output(output, overwrite)
    # the workers write beside it: absolute, in this process's folder now
    folder = output.absolute()
    client = _default_client(client)
    parts, expected = _describe_parts(data, chunk_size, client)
    if not parts:
        raise ValueError("data: the input has no rows")
    _check_kept_in_files(parts, keep)
    settings = {
        "kind": kind,
        "proba": bool(proba),
        "keep_columns": keep,
        "image_column": image_column,
        "text_column": text_column,
        "missing": missing,
    }
    if not isinstance(model, (str, os.PathLike)):
        # an estimator in hand: its columns are checked before any task runs
        from skmultimodal.persistence import SavedModel

        est, meta = model, {}
        if isinstance(model, SavedModel):
            est, meta = model.estimator, model.metadata
        if parts[0]["source"] == "frame":
            _check_frame_columns(est, keep, data.columns)
        else:
            _check_file_columns(est, meta, settings)
    ref = _model_ref(model, trusted, client)
    tmp = _beside(folder, "tmp")
    tmp.mkdir()
    futures = {}
    try:
        frames = []
        for p in parts:
            key = f"skmultimodal-partition-{p['index']:05d}-{uuid.uuid4().hex[:8]}"
            spec = {k: v for k, v in p.items() if k != "frame"}
            if "frame" in p:  # read and processed in one task graph
                frames.append(
                    delayed(_run_frame_partition, pure=False)(
                        p["frame"], spec, ref, settings, str(tmp), dask_key_name=key
                    )
                )
                continue
            future = client.submit(
                _run_partition, spec, ref, settings, str(tmp), key=key, pure=False
            )
            futures[future.key] = (future, p)
        for future, p in zip(client.compute(frames), parts if frames else ()):
            futures[future.key] = (future, p)
        results = []
        for future in as_completed([f for f, _ in futures.values()]):
            if future.status != "finished":
                err, cause = _client_error(future, futures[future.key][1])
                raise err from cause
            results.append(future.result())
    except BaseException:
        pending = [f for f, _ in futures.values()]
        if pending:
            client.cancel(pending)
            try:  # let running tasks stop before their folder goes
                wait(pending, timeout=30)
            except Exception:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        results.sort(key=lambda r: r["partition"])
        _verify(results, parts, expected, tmp)
        _write_empty_parts(results, tmp)
        _replace_folder(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for r in results:  # the workers' warnings, here, in partition order
        for category, text in r.get("warnings", ()):
            where = parts[r["partition"]]["where"]
            message = f"partition {r['partition']} ({where}): {text}"
            warnings.warn(message, category, stacklevel=2)
    return {
        "output": output,
        "rows": sum(r["rows_out"] for r in results),
        "parts": len(results),
        "files": [r["file"] for r in results],
        "seconds": time.perf_counter() - start,
        "partition_seconds": [r["seconds"] for r in results],
        "workers": sorted({r["worker"] for r in results}),
    }


def _run_frame_partition(frame, part, ref, settings, tmpdir):
    """:func:`_run_partition` for a partition of a dask DataFrame (computed
    on the worker, as this task's input)."""
    return _run_partition({**part, "frame": frame}, ref, settings, tmpdir)


def _verify(results, parts, expected, tmp):
    """Every partition written once, its file's row count (read from the
    Parquet footer) what the task reported, the total the input's."""
    import pyarrow.parquet as pq

    got = [r["partition"] for r in results]
    if got != list(range(len(parts))):
        lost = sorted(set(range(len(parts))) - set(got))
        raise PartitionError(f"partition(s) {lost} returned no result")
    first = None  # (partition, its columns)
    for r in results:
        if r["file"] is None:  # no rows: see _write_empty_parts
            continue
        path = tmp / r["file"]
        if not path.is_file():
            raise PartitionError(
                f"partition {r['partition']}: its file {r['file']} is missing "
                f"from {str(tmp)!r}; the output folder must be on a file system "
                "shared by the workers and this process",
                partition=r["partition"],
            )
        rows = pq.read_metadata(path).num_rows
        columns = pq.read_schema(path).names
        if first is None:
            first = (r["partition"], columns)
        elif columns != first[1]:  # a folder read back would drop some
            raise PartitionError(
                f"partition {r['partition']}: its columns {columns} differ from "
                f"those of partition {first[0]}, {first[1]}; every partition "
                "must give the same columns (a kind= function too)",
                partition=r["partition"],
            )
        if rows != r["rows_out"] or r["rows_out"] != r["rows_in"]:
            raise PartitionError(
                f"partition {r['partition']}: {r['rows_in']} rows read, "
                f"{r['rows_out']} computed, {rows} in {r['file']}",
                partition=r["partition"],
            )
    total = sum(r["rows_out"] for r in results)
    if expected is not None and total != expected:
        raise PartitionError(f"{total} rows written for {expected} input rows")
    names = {r["file"] for r in results}
    for path in tmp.iterdir():  # temporary files of a task that was retried
        if path.name not in names:
            path.unlink()


def _write_empty_parts(results, tmp):
    """A part for each partition without rows, with the columns and types
    of the others (read from a part's footer), as dask's ``to_parquet``
    writes one; no row in any partition: the "no rows" error."""
    import pyarrow.parquet as pq

    written = [r["file"] for r in results if r["file"] is not None]
    if not written:
        raise ValueError("data: the input has no rows")
    empty = pq.read_schema(tmp / written[0]).empty_table()
    for r in results:
        if r["file"] is None:
            r["file"] = PART_NAME.format(r["partition"])
            pq.write_table(empty, tmp / r["file"])


def run_on_dask(
    model_path,
    input_path,
    output,
    *,
    kind="predict",
    address="local",
    chunk_size=10_000,
    missing=None,
    proba=True,
    id_column=None,
    keep_columns=None,
    image_column=None,
    text_column=None,
    trusted=None,
    overwrite=False,
    n_workers=None,
    debug=False,
):
    """:func:`predict_partitions` for the command line's ``--dask``.

    ``address`` is ``"local"`` (a :class:`~distributed.LocalCluster` of
    ``n_workers`` single-threaded worker processes on this machine, default
    one per core, closed at the end) or a scheduler address such as
    ``"tcp://scheduler:8786"``. The other arguments are those of
    :func:`predict_partitions`. Returns its metadata dict. The log lines of
    the local cluster's workers are not shown (a failure is the one error
    raised), unless ``debug`` (the command line's ``--debug``): then their
    warnings and errors are, as Dask shows them by default.
    """
    _require_extras("run_on_dask")
    from distributed import Client, LocalCluster

    args = dict(
        kind=kind,
        proba=proba,
        id_column=id_column,
        keep_columns=keep_columns,
        image_column=image_column,
        text_column=text_column,
        missing=missing,
        chunk_size=chunk_size,
        trusted=trusted,
        overwrite=overwrite,
    )
    _check_output(output, overwrite)  # before a cluster starts
    if address == "local":
        import tempfile

        import dask

        # the workers' scratch folders (and Dask's lock files), removed at
        # the end: nothing is left in the temporary folder
        scratch = tempfile.mkdtemp(prefix="skmultimodal-dask-")
        try:
            with (
                warnings.catch_warnings(),
                dask.config.set({"temporary-directory": scratch}),
            ):
                # its HTTP server moves on when another cluster holds the port
                warnings.filterwarnings("ignore", "Port .* is already in use")
                cluster = LocalCluster(
                    n_workers=n_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    local_directory=scratch,
                    # Ctrl-C reaches the workers too: they ignore it, and
                    # the interrupted command closes the cluster
                    preload=["skmultimodal._dask_worker"],
                    # the workers' log lines and tracebacks: the error says it
                    silence_logs=logging.WARNING if debug else logging.CRITICAL,
                )
            with cluster, Client(cluster) as client:
                return predict_partitions(
                    model_path, input_path, output, client=client, **args
                )
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    if not str(address).startswith(("tcp://", "tls://", "ucx://", "inproc://")):
        raise ValueError(
            f"--dask must be 'local' or a scheduler address such as "
            f"tcp://host:8786; got {address!r}"
        )
    with Client(address) as client:
        return predict_partitions(model_path, input_path, output, client=client, **args)
