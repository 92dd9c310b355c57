"""Writing a table chunk by chunk: CSV, JSON lines or Parquet, chosen by the
file name's suffix, always through a temporary file that replaces the
destination only once every chunk is written."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

#: Suffixes :func:`table_writer` writes, and their format.
TABLE_FORMATS = {".csv": "CSV", ".jsonl": "JSON lines", ".parquet": "Parquet"}


def _pyarrow(action="writing", alternative="or name the output .csv or .jsonl"):
    """``(pyarrow, pyarrow.parquet)``; without pyarrow, a ValueError (and
    ImportError: :class:`~skmultimodal.utils._errors.MissingExtraError`) saying
    that ``action`` ("writing", "reading") Parquet needs it, and the
    ``alternative``."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        from skmultimodal.utils._errors import MissingExtraValueError, install_hint

        raise MissingExtraValueError(
            f"{action} Parquet needs pyarrow: {install_hint('parquet')}, {alternative}"
        ) from None
    return pa, pq


@contextmanager
def table_writer(path, stream=None):
    """A ``write(df)`` function that appends a DataFrame chunk to ``path``.

    The format follows the suffix of ``path`` (:data:`TABLE_FORMATS`): CSV
    with one header line, JSON lines (one object per row), or Parquet (one
    row group per chunk; needs pyarrow, every chunk converted to the first
    one's column types). The chunks go to a temporary file next to ``path``
    that replaces it when the ``with`` block ends without an exception;
    otherwise ``path`` is left as it was. ``stream`` (a text file such as
    ``sys.stdout``) takes CSV directly instead of ``path``: in UTF-8, as a
    ``.csv`` file is written, to its binary ``buffer`` when it has one
    (whatever the encoding of the text stream, which is flushed first).
    """
    from skmultimodal.utils import atomic_write

    if stream is not None:
        binary = getattr(stream, "buffer", None)
        if binary is None:  # a text stream only (io.StringIO)
            yield _csv_writer(stream)
            return
        stream.flush()  # what was written to it before comes first
        yield _csv_writer(binary, encoding="utf-8")
        return
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise ValueError(
            f"{str(path)!r}: the file name must end in {', '.join(TABLE_FORMATS)}"
        )
    if suffix == ".parquet":
        pa, pq = _pyarrow()
        with atomic_write(path, "wb") as fh:
            writer = _ParquetChunks(pa, pq, fh)
            try:
                yield writer.write
            finally:
                writer.close()
        return
    with atomic_write(path, "w", encoding="utf-8", newline="") as fh:
        yield _csv_writer(fh) if suffix == ".csv" else _jsonl_writer(fh)


def _csv_writer(fh, encoding=None):
    """A ``write(df)`` appending CSV to the text file ``fh`` (or, with an
    ``encoding``, to the binary file ``fh``); the header once."""
    state = {"header": True}

    def write(df):
        # dates, times and durations each as its own text: pandas writes a
        # chunk of midnights as dates, a chunk of whole days as "1 days"
        df = _dates_as_texts(_as_pandas_reads(df), durations=True)
        if encoding is None:
            df.to_csv(fh, index=False, header=state["header"])
        else:
            text = df.to_csv(index=False, header=state["header"])
            # a BufferedWriter may write part of a large block (the reader of
            # a pipe gone meanwhile): the rest is written, or the error raised
            rest = memoryview(text.encode(encoding))
            while rest:
                rest = rest[fh.write(rest) :]
        state["header"] = False

    return write


def _jsonl_writer(fh):
    import itertools
    import json

    def write(df):
        if not len(df):
            return
        # dates and times as the texts the CSV writes (_dates_as_texts),
        # not epoch milliseconds; any other ISO 8601, to the microsecond
        df = _dates_as_texts(_as_pandas_reads(df))
        text = df.to_json(
            orient="records",
            lines=True,
            force_ascii=False,
            date_format="iso",
            date_unit="us",
        )
        # pandas writes floats to a number of decimals (10 by default, 15 at
        # most: 1.2e-11 as 0.0): each float column's values written again in
        # full, as the CSV has them
        floats = _exact_floats(df)
        names = list(floats)
        rows = zip(*floats.values()) if floats else itertools.repeat(())
        # "\n" ends each line (a text's own newlines are escaped; not every
        # line break str.splitlines knows, such as U+2028, is)
        for line, values in zip(text.split("\n")[: len(df)], rows):
            record = json.loads(line)
            record.update(zip(names, values))
            # one object per line, each line ended by a newline
            fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")

    return write


def _exact_floats(df):
    """``{name: values}`` of the float columns of ``df``: each value a Python
    float that :mod:`json` writes as the shortest text reading back as the
    same number (of a ``float32`` column: as the same ``float32``, the text
    the CSV has), None for a missing or infinite one (``null``, as pandas
    writes it)."""
    import numpy as np

    out = {}
    for name, column in df.items():
        if column.dtype.kind != "f":
            continue
        values = column.to_numpy(dtype="float64", na_value=np.nan)
        if column.dtype.itemsize < 8:  # 0.1 as float32, not 0.10000000149...
            values = values.astype(np.float32).astype(str).astype("float64")
        exact = values.astype(object)
        exact[~np.isfinite(values)] = None
        out[str(name)] = exact.tolist()  # as the JSON names it
    return out


def _dates_as_texts(df, durations=False):
    """``df`` with its dates and times as texts, missing ones as None, each
    value's own text whatever the other rows of its chunk, so that a column
    is written alike whatever ``--chunk-size`` (pandas' CSV writer gives a
    chunk of midnights as dates, and every time of a chunk with the
    fraction digits of the one that needs most): ISO 8601, a date as
    ``2024-01-02``, a date-time as ``2024-01-02 03:04:05``, a midnight as
    ``2024-01-02 00:00:00``, a fraction of a second where the value has one
    (``.500000``, to the nanosecond where it has them), a zoned one with
    its offset (``+02:00``), not moved to UTC; with ``durations``, a
    duration as ``1 days 00:00:00`` (not ``1 days`` in a chunk of whole
    days)."""
    import datetime

    import pandas as pd

    moments = (datetime.date, datetime.time)  # a datetime is a date
    kinds = "Mm" if durations else "M"  # a zoned dtype's kind is "M" too
    out = None
    for i, (_, column) in enumerate(df.items()):
        if column.dtype.kind in kinds:  # Timestamps and Timedeltas, NaT
            texts = [None if v is pd.NaT else str(v) for v in column]
        elif column.dtype == object and any(isinstance(v, moments) for v in column):
            texts = [
                str(v) if isinstance(v, moments) and v is not pd.NaT else v
                for v in column
            ]
        else:
            continue
        out = df.copy(deep=False) if out is None else out
        out.isetitem(i, pd.Series(texts, index=df.index, dtype=object))
    return df if out is None else out


def _arrow_columns(df):
    """The positions of the ``pandas.ArrowDtype`` columns of ``df``."""
    import pandas as pd

    return [i for i, t in enumerate(df.dtypes) if isinstance(t, pd.ArrowDtype)]


def _as_pandas_reads(df):
    """``df`` with its ``pandas.ArrowDtype`` columns (kept columns of a
    Parquet input, read with their Arrow types) as pandas reads such a
    column from a file, so that a CSV or JSON lines output is written as
    it is from any other column; but an integer column as pandas' nullable
    integers, whatever the chunk: ``3`` (not ``3.0`` in a chunk that has a
    null, which is empty), a value a float cannot hold as it is."""
    positions = _arrow_columns(df)
    if not positions:
        return df
    df = df.copy(deep=False)
    for i in positions:
        array = df.iloc[:, i].array.__arrow_array__()
        column = array.to_pandas(types_mapper=_nullable_integers)
        column.index = df.index
        df.isetitem(i, column)
    return df


def _nullable_integers(arrow_type):
    """The pandas nullable integer dtype of an Arrow integer type (``Int64``
    of ``int64``, ``UInt8`` of ``uint8``), None for any other type."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    if not pa.types.is_integer(arrow_type):
        return None
    return pd.array(np.empty(0, arrow_type.to_pandas_dtype())).dtype


def arrow_table(pa, df):
    """``df`` as an Arrow table, without its index. A ``pandas.ArrowDtype``
    column (a kept column of a Parquet input) keeps its Arrow type and
    values; the table's pandas metadata has it read back as pandas reads
    any such column (not as an ``ArrowDtype`` one, which not every type
    can be)."""
    import json

    table = pa.Table.from_pandas(df, preserve_index=False)
    positions = _arrow_columns(df)
    if not positions or table.schema.metadata is None:
        return table
    meta = json.loads(table.schema.metadata[b"pandas"])
    for i in positions:  # no index is kept: the columns are df's, in order
        meta["columns"][i]["numpy_type"] = "object"
    return table.replace_schema_metadata(
        {**table.schema.metadata, b"pandas": json.dumps(meta).encode()}
    )


class _ParquetChunks:
    def __init__(self, pa, pq, fh):
        self.pa, self.pq, self.fh = pa, pq, fh
        self.writer = None

    def write(self, df):
        table = arrow_table(self.pa, df)
        if self.writer is None:
            self.writer = self.pq.ParquetWriter(self.fh, table.schema)
        elif not table.schema.equals(self.writer.schema):
            table = self._cast(table)
        self.writer.write_table(table)

    def _cast(self, table):
        try:
            return table.cast(self.writer.schema)
        except (self.pa.ArrowInvalid, self.pa.ArrowNotImplementedError) as exc:
            bad = [
                f.name
                for f, g in zip(self.writer.schema, table.schema)
                if not f.type.equals(g.type)
            ]
            raise ValueError(
                f"column(s) {', '.join(map(repr, bad))} changed type between "
                f"chunks ({exc}); Parquet needs one type per column"
            ) from None

    def close(self):
        if self.writer is not None:
            self.writer.close()
