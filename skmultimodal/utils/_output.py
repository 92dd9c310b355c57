"""Writing a table chunk by chunk: CSV, JSON lines or Parquet, chosen by the
file name's suffix, always through a temporary file that replaces the
destination only once every chunk is written."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

#: Suffixes :func:`table_writer` writes, and their format.
TABLE_FORMATS = {".csv": "CSV", ".jsonl": "JSON lines", ".parquet": "Parquet"}


def _pyarrow(action="writing", alternative="or name the output .csv or .jsonl"):
    """``(pyarrow, pyarrow.parquet)``; without pyarrow, a ValueError saying
    that ``action`` ("writing", "reading") Parquet needs it, and the
    ``alternative``."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ValueError(
            f"{action} Parquet needs pyarrow: pip install 'skmultimodal[parquet]', "
            f"{alternative}"
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
    ``sys.stdout``) takes CSV directly instead of ``path``.
    """
    from skmultimodal.utils import atomic_write

    if stream is not None:
        yield _csv_writer(stream)
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


def _csv_writer(fh):
    state = {"header": True}

    def write(df):
        df.to_csv(fh, index=False, header=state["header"])
        state["header"] = False

    return write


def _jsonl_writer(fh):
    def write(df):
        if len(df):  # one object per line, each line ended by a newline
            df.to_json(fh, orient="records", lines=True, force_ascii=False)

    return write


class _ParquetChunks:
    def __init__(self, pa, pq, fh):
        self.pa, self.pq, self.fh = pa, pq, fh
        self.writer = None

    def write(self, df):
        table = self.pa.Table.from_pandas(df, preserve_index=False)
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
