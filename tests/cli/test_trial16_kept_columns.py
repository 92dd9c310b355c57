"""A kept column that the model also reads (a ``--numeric-columns`` column
in ``--keep-columns``) is written as read from the file, whatever
``--chunk-size``: from a CSV as its text, from a Parquet file with the
file's Arrow type (integers as integers in a CSV or JSON lines output);
the model still reads it as numbers."""

import decimal
import io
import json

import pandas as pd
import pytest

from skmultimodal.datasets._table import iter_table

from .conftest import CSV_ARGS, run_main, write_dataset

#: ``qty`` cells: whole numbers in the first chunk of 5, fractions and
#: other spellings of numbers later
QTY = ["0", "1", "2", "3", "4", "7.5", "0012.50", "1e1", "-3", "8.25"]
KEEP = ["--keep-columns", "qty"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A model fitted on the images, the texts and the numeric ``qty``
    column, and a folder with a table of new rows (its images)."""
    folder = tmp_path_factory.mktemp("kept_numbers")
    train = write_dataset(folder / "train", n_per_class=4)
    df = pd.read_csv(train)
    df["qty"] = range(len(df))
    df.to_csv(train, index=False)
    model = folder / "model.skops"
    proc = run_main(
        "train", "--csv", train, *CSV_ARGS, "--numeric-columns", "qty",
        "--method", "concat", "--output", model,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    new = write_dataset(folder / "new", n_per_class=4, seed=1, target=False)
    table = pd.read_csv(new).iloc[: len(QTY)]
    return model, new, table


def _predict(model, source, out, chunk, *args):
    option = "--parquet" if str(source).endswith(".parquet") else "--csv"
    proc = run_main(
        "predict", "--model", model, *CSV_ARGS, option, source,
        "--output", out, "--chunk-size", chunk, *args,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return out


def _probabilities(path):
    df = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    return df.filter(like="proba_")


@pytest.mark.parametrize("chunk", ["5", "100"])
def test_a_csv_kept_number_is_written_as_read(data, tmp_path, chunk):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    model, new, table = data
    csv = new.with_name("qty.csv")
    table.assign(qty=QTY).to_csv(csv, index=False)
    out = {s: tmp_path / f"out{s}" for s in (".csv", ".jsonl", ".parquet")}
    for path in out.values():  # ints then fractions: one type per column
        _predict(model, csv, path, chunk, *KEEP)
    text = pd.read_csv(out[".csv"], dtype=str, keep_default_na=False)
    assert text["qty"].tolist() == QTY
    lines = out[".jsonl"].read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["qty"] for line in lines] == QTY
    assert pq.read_schema(out[".parquet"]).field("qty").type in (
        pa.string(),
        pa.large_string(),
    )
    assert pq.read_table(out[".parquet"]).column("qty").to_pylist() == QTY
    # the model read the numbers: as without the kept copy
    bare = _predict(model, csv, tmp_path / "bare.csv", "100")
    pd.testing.assert_frame_equal(_probabilities(out[".csv"]), _probabilities(bare))
    pd.testing.assert_frame_equal(_probabilities(out[".parquet"]), _probabilities(bare))


@pytest.mark.parametrize("chunk", ["5", "100"])
def test_a_parquet_kept_decimal_keeps_its_type(data, tmp_path, chunk):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    model, new, table = data
    # small values in the first chunk, wider ones later: one type throughout
    prices = [decimal.Decimal("1.50")] * 5 + [decimal.Decimal("1234.50")] * 5
    source = new.with_name("decimal.parquet")
    pq.write_table(
        pa.table(
            {
                "picture": pa.array(table["picture"]),
                "caption": pa.array(table["caption"]),
                "qty": pa.array(prices, pa.decimal128(10, 2)),
            }
        ),
        source,
    )
    out = _predict(model, source, tmp_path / "out.parquet", chunk, *KEEP)
    assert pq.read_schema(out).field("qty").type == pa.decimal128(10, 2)
    assert pq.read_table(out).column("qty").to_pylist() == prices


def test_a_parquet_kept_integer_is_written_alike_in_every_chunk(data, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    model, new, table = data
    # nulls after the first chunk only
    qty = [0, 1, 2, 3, 4, 5, None, 7, 2**53 + 1, None]
    source = new.with_name("integers.parquet")
    pq.write_table(
        pa.table(
            {
                "picture": pa.array(table["picture"]),
                "caption": pa.array(table["caption"]),
                "qty": pa.array(qty, pa.int64()),
            }
        ),
        source,
    )
    texts = {}
    for chunk in ("5", "100"):
        for suffix in (".csv", ".jsonl"):
            out = tmp_path / f"out{chunk}{suffix}"
            _predict(model, source, out, chunk, *KEEP, "--missing", "mean")
            texts[chunk, suffix] = out.read_text(encoding="utf-8")
    for chunk in ("5", "100"):
        csv = pd.read_csv(
            io.StringIO(texts[chunk, ".csv"]), dtype=str, keep_default_na=False
        )
        assert csv["qty"].tolist() == ["" if q is None else str(q) for q in qty]
        lines = texts[chunk, ".jsonl"].splitlines()
        assert [json.loads(line)["qty"] for line in lines] == qty
    assert texts["5", ".csv"] == texts["100", ".csv"]
    assert texts["5", ".jsonl"] == texts["100", ".jsonl"]


def test_a_kept_number_read_as_text_is_typed_as_pandas_reads_it(tmp_path):
    # the kept copy is the text; X has what pandas infers, booleans too
    path = tmp_path / "t.csv"
    cells = {"qty": ["1", "2", "NA", "4.5"], "ok": ["True", "False"] * 2}
    pd.DataFrame({"text": ["a b"] * 4, **cells}).to_csv(path, index=False)
    chunks = list(
        iter_table(
            path,
            image_column=None,
            text_column="text",
            chunksize=2,
            keep_columns=["qty", "ok"],
            tabular_columns=["qty", "ok"],
        )
    )
    kept = pd.concat(k for _, k in chunks)
    assert kept.to_dict("list") == cells
    X = [x for x, _ in chunks]
    assert [x["qty"].dtype.kind for x in X] == ["i", "f"]
    assert X[1]["qty"].isna().tolist() == [True, False]
    assert all(x["ok"].dtype == bool for x in X)


@pytest.mark.slow  # starts a 2-process LocalCluster
def test_dask_parts_keep_a_read_kept_column_as_written(data, tmp_path):
    pytest.importorskip("distributed", reason="--dask needs the distributed extra")
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    model, new, table = data
    csv = new.with_name("qty_dask.csv")
    table.assign(qty=QTY).to_csv(csv, index=False)
    source = new.with_name("decimal_dask.parquet")
    prices = [decimal.Decimal("1.50")] * 5 + [decimal.Decimal("1234.50")] * 5
    pq.write_table(
        pa.table(
            {
                "picture": pa.array(table["picture"]),
                "caption": pa.array(table["caption"]),
                "qty": pa.array(prices, pa.decimal128(10, 2)),
            }
        ),
        source,
        row_group_size=5,
    )
    for path, expected, types in [
        (csv, QTY, (pa.string(), pa.large_string())),
        (source, prices, (pa.decimal128(10, 2),)),
    ]:
        parts = tmp_path / f"parts_{path.stem}"
        _predict(model, path, parts, "5", *KEEP, "--dask", "local")
        files = sorted(parts.glob("part-*.parquet"))
        assert len(files) == 2  # 10 rows, 5 a partition
        for part in files:  # each part alone: one type, whatever its rows hold
            assert pq.read_schema(part).field("qty").type in types, part
        assert pq.read_table(parts).column("qty").to_pylist() == expected


@pytest.mark.parametrize("others", [[], ["note"]])
def test_a_kept_number_column_with_empty_cells_is_typed_row_for_row(others):
    # alone, an empty cell is a blank line of the CSV pandas types it from
    from skmultimodal.datasets._table import missing_numbers

    cells = {"qty": ["1", "", "3", None]}
    cells.update({name: list("abcd") for name in others})
    df = pd.DataFrame(cells, dtype=object)
    out = missing_numbers(df, ["qty"])
    assert out["qty"].tolist()[::2] == [1, 3]
    assert out["qty"].isna().tolist() == [False, True, False, True]
    assert df["qty"].tolist() == cells["qty"]  # the kept copy: as written
    # a cell of spaces: the column as pandas reads it (texts; the model
    # reads "1" as 1 and "  " as missing), one row for each row
    spaced = missing_numbers(df.assign(qty=["1", "  ", "", "3"]), ["qty"])
    assert spaced["qty"].tolist()[::3] == ["1", "3"] and len(spaced) == 4
