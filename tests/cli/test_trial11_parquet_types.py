"""The kept columns (``--id-column``, ``--keep-columns``) of a ``--parquet``
input keep their Arrow types and values in a Parquet output, in every
chunk, in-process and with ``--dask``; a CSV or JSON lines output is
written as before (each chunk's columns as pandas reads them, but integers
stay integers in every chunk)."""

import datetime
import decimal
import io
import json
import warnings

import pandas as pd
import pytest

from skmultimodal import cli

from .conftest import CSV_ARGS, run_main, write_columns_dataset, write_dataset

pa = pytest.importorskip("pyarrow", reason="--parquet needs pyarrow")
pq = pytest.importorskip("pyarrow.parquet", reason="--parquet needs pyarrow")

KEPT = ["sku", "price", "weight", "day", "seen", "ok", "note", "shop", "late"]
ROWS = 12


def _kept_columns():
    """Arrow columns of :data:`ROWS` rows, of types pandas reads as others
    (or, per chunk of a few rows, as several others)."""
    d = decimal.Decimal
    prices = [d("1.50"), d("12345678.99"), None, d("0.01")] * 3
    weights = [d("0.000000001"), None, d("123456789.5"), d("-7")] * 3
    seen, hour = datetime.datetime(2024, 3, 31, 1, 30), datetime.timedelta(hours=1)
    return {
        # an id column with nulls and a value a float cannot hold
        "sku": pa.array([2**53 + 1, None, *range(2, ROWS)], pa.int64()),
        "price": pa.array(prices, pa.decimal128(12, 2)),
        "weight": pa.array(weights, pa.decimal128(38, 9)),
        "day": pa.array(
            [datetime.date(2024, 1, 1 + i) if i % 3 else None for i in range(ROWS)],
            pa.date32(),
        ),
        "seen": pa.array(
            [seen + i * hour if i % 4 else None for i in range(ROWS)],
            pa.timestamp("ms", tz="Europe/Paris"),
        ),
        "ok": pa.array([True, None, False] * 4, pa.bool_()),
        "note": pa.array([None, "a", "b c", None] * 3, pa.string()),
        "shop": pa.array(["north", "south", None] * 4).dictionary_encode(),
        # empty in the whole first chunk, integers in the others
        "late": pa.array([None] * 5 + list(range(ROWS - 5)), pa.int32()),
    }


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A saved model, and a Parquet file of 12 new rows (row groups of 4,
    no pandas metadata) with the kept columns of :func:`_kept_columns`, in
    the folder of its images."""
    folder = tmp_path_factory.mktemp("parquet_types")
    train = write_dataset(folder / "train")
    model = folder / "model.skops"
    args = ["train", "--csv", train, *CSV_ARGS, "--method", "concat"]
    assert cli.main([str(a) for a in [*args, "--output", model]]) == 0
    csv = write_dataset(folder / "new", n_per_class=4, seed=1, target=False)
    new = pd.read_csv(csv)
    table = pa.table(
        {
            **_kept_columns(),
            "picture": pa.array(new["picture"], pa.string()),
            "caption": pa.array(new["caption"], pa.string()),
        }
    )
    parquet = csv.with_suffix(".parquet")
    pq.write_table(table, parquet, row_group_size=4)
    return model, parquet


def _run(command, model, parquet, out, *args, chunk="5"):
    proc = run_main(
        command, "--model", model, *CSV_ARGS, "--parquet", parquet,
        "--output", out, "--id-column", "sku",
        "--keep-columns", ",".join(KEPT[1:]), "--chunk-size", chunk, *args,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc


def _assert_kept_as_stored(got, parquet):
    """``got`` (an Arrow table) has the kept columns of ``parquet`` with
    their Arrow types and values, nulls as nulls."""
    stored = pq.read_table(parquet)
    assert got.column_names[: len(KEPT)] == KEPT
    for name in KEPT:
        assert got.schema.field(name).type == stored.schema.field(name).type, name
        assert got.column(name).to_pylist() == stored.column(name).to_pylist(), name


@pytest.mark.parametrize("command", ["predict", "featurize"])
@pytest.mark.parametrize("chunk", ["5", "100"])
def test_kept_columns_keep_their_arrow_types(data, tmp_path, command, chunk):
    model, parquet = data
    out = tmp_path / "out.parquet"
    _run(command, model, parquet, out, chunk=chunk)
    _assert_kept_as_stored(pq.read_table(out), parquet)
    # and pandas reads them back as from the input, not as pyarrow-backed
    expected = pq.read_table(parquet).select(KEPT).to_pandas()
    pd.testing.assert_frame_equal(pd.read_parquet(out)[KEPT], expected)


def _as_before(parquet, chunk, write):
    """What ``write`` (``to_csv`` or ``to_json`` of a chunk) gave for the
    kept columns of ``parquet`` read ``chunk`` rows at a time as pandas
    reads them, dictionary-encoded columns as their values."""
    parts = []
    batches = pq.ParquetFile(parquet).iter_batches(batch_size=chunk, columns=KEPT)
    for i, batch in enumerate(batches):
        arrays = [
            a.dictionary_decode() if pa.types.is_dictionary(a.type) else a
            for a in batch.columns
        ]
        # integers stay integers in every chunk (nullable), as written
        ints = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int32Dtype()}
        df = pa.RecordBatch.from_arrays(arrays, names=KEPT).to_pandas(
            types_mapper=ints.get
        )
        with warnings.catch_warnings():  # pandas' notice of a future format
            warnings.simplefilter("ignore", DeprecationWarning)
            parts.append(write(df, first=i == 0))
    return "".join(parts)


@pytest.mark.parametrize("command", ["predict", "featurize"])
def test_a_csv_output_is_written_as_before(data, tmp_path, command):
    model, parquet = data
    out = tmp_path / "out.csv"
    _run(command, model, parquet, out)
    expected = _as_before(
        parquet, 5, lambda df, first: df.to_csv(index=False, header=first)
    )

    def read(text):
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)

    got = read(out.read_text(encoding="utf-8"))[KEPT]
    pd.testing.assert_frame_equal(got, read(expected))


def test_a_jsonl_output_is_written_as_before(data, tmp_path):
    model, parquet = data
    out = tmp_path / "out.jsonl"
    _run("predict", model, parquet, out)
    expected = _as_before(
        parquet,
        5,
        lambda df, first: df.to_json(
            orient="records",
            lines=True,
            force_ascii=False,
            date_format="iso",  # dates as ISO texts, as the JSON lines writer
            date_unit="us",
        ),
    )
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = [json.loads(line) for line in expected.splitlines()]
    # a date and a zoned time as the CSV writes them, not as ISO date-times
    # in UTC: 2024-01-02, 2024-03-31 05:30:00+02:00
    csv = tmp_path / "out.csv"
    _run("predict", model, parquet, csv)
    texts = pd.read_csv(csv, dtype=str).astype(object)
    texts = texts.where(texts.notna(), None)
    for row, text in zip(expected, texts.to_dict("records")):
        row.update(day=text["day"], seen=text["seen"])
    assert expected[1]["day"] == "2024-01-02"
    assert expected[2]["seen"] == "2024-03-31 05:30:00+02:00"
    assert [{k: row[k] for k in KEPT} for row in got] == expected


def test_pandas_nullable_integers_are_written_to_csv_as_before(data, tmp_path):
    # a column the file's pandas metadata reads as Int64 stays one: "3",
    # not "3.0", in a CSV; its Arrow type in a Parquet output
    model, parquet = data
    df = pq.read_table(parquet).select(["picture", "caption"]).to_pandas()
    df["sku"] = pd.array([3, None, *range(4, 4 + ROWS - 2)], dtype="Int64")
    typed = parquet.with_name("nullable.parquet")
    df.to_parquet(typed, index=False)
    csv, parq = tmp_path / "out.csv", tmp_path / "out.parquet"
    for out in (csv, parq):
        proc = run_main(
            "predict", "--model", model, *CSV_ARGS, "--parquet", typed,
            "--output", out, "--id-column", "sku", "--chunk-size", "5",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    assert csv.read_text().splitlines()[1].split(",")[0] == "3"
    assert pq.read_table(parq).schema.field("sku").type == pa.int64()
    assert pd.read_parquet(parq)["sku"].dtype == "Int64"


def test_a_kept_modality_column_is_read_as_before(data, tmp_path):
    # the text column, also kept: the model reads it as pandas does
    model, parquet = data
    out, base = tmp_path / "out.parquet", tmp_path / "base.parquet"
    for path, keep in ((out, "caption,price"), (base, "price")):
        proc = run_main(
            "predict", "--model", model, *CSV_ARGS, "--parquet", parquet,
            "--output", path, "--keep-columns", keep, "--chunk-size", "5",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    got, before = pd.read_parquet(out), pd.read_parquet(base)
    pd.testing.assert_frame_equal(got.drop(columns="caption"), before)
    assert got["caption"].tolist() == pq.read_table(parquet)["caption"].to_pylist()
    assert pq.read_table(out).schema.field("price").type == pa.decimal128(12, 2)


def test_a_model_reading_columns_of_their_own_names(tmp_path):
    # image and text columns read under their own names come as kept
    # columns: they are read as before; the other kept columns are typed
    csv = write_columns_dataset(tmp_path / "train", n_per_class=4)
    model = tmp_path / "model.skops"
    columns = ["--image-column", "front", "back", "--text-column", "title", "body"]
    proc = run_main("train", "--csv", csv, *columns, "--output", model)
    assert proc.returncode == 0, proc.stderr
    table = pa.Table.from_pandas(pd.read_csv(csv).drop(columns="label"))
    kept = _kept_columns()
    table = table.append_column("price", kept["price"])
    table = table.append_column("note", kept["note"])
    parquet = csv.with_suffix(".parquet")
    pq.write_table(table, parquet, row_group_size=4)
    outputs = {}
    for option, source in (("--csv", csv), ("--parquet", parquet)):
        out = tmp_path / f"{option[2:]}.parquet"
        keep = "price,note,title" if option == "--parquet" else "title"
        proc = run_main(
            "predict", "--model", model, option, source, "--output", out,
            "--keep-columns", keep, "--chunk-size", "5",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        outputs[option] = pd.read_parquet(out)
    got = pq.read_table(tmp_path / "parquet.parquet")
    assert got.schema.field("price").type == pa.decimal128(12, 2)
    assert got.column("price").to_pylist() == kept["price"].to_pylist()
    assert got.column("note").to_pylist() == kept["note"].to_pylist()
    # a kept string column the model does not read keeps its type too
    assert got.schema.field("note").type == kept["note"].type
    pd.testing.assert_frame_equal(
        outputs["--parquet"].drop(columns=["price", "note"]), outputs["--csv"]
    )


@pytest.mark.slow  # starts a 2-process LocalCluster
@pytest.mark.parametrize("command", ["predict", "featurize"])
def test_dask_parts_keep_the_arrow_types(data, tmp_path, command):
    pytest.importorskip("distributed", reason="--dask needs the distributed extra")
    model, parquet = data
    parts = tmp_path / "parts"
    proc = _run(command, model, parquet, parts, "--dask", "local", chunk="4")
    assert "Parquet parts" in proc.stdout
    files = sorted(parts.glob("part-*.parquet"))
    assert len(files) == 3  # 12 rows, row groups of 4
    stored = pq.read_schema(parquet)
    for path in files:  # each part alone, whatever its rows hold
        schema = pq.read_schema(path)
        for name in KEPT:
            assert schema.field(name).type == stored.field(name).type, (path, name)
    _assert_kept_as_stored(pq.read_table(parts), parquet)


def test_a_decimal_column_with_larger_values_in_later_chunks(data, tmp_path):
    # each chunk's decimals of their own precision: a later chunk's larger
    # values fit the file's type, not the first chunk's
    model, parquet = data
    d = decimal.Decimal
    amounts = [d("1.5")] * 5 + [d("123456.7891")] * (ROWS - 5)
    table = pq.read_table(parquet).select(["picture", "caption"])
    table = table.append_column("amount", pa.array(amounts, pa.decimal128(20, 4)))
    wide = parquet.with_name("wide.parquet")
    pq.write_table(table, wide)
    out = tmp_path / "out.parquet"
    proc = run_main(
        "predict", "--model", model, *CSV_ARGS, "--parquet", wide,
        "--output", out, "--id-column", "amount", "--chunk-size", "5",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    got = pq.read_table(out)
    assert got.schema.field("amount").type == pa.decimal128(20, 4)
    assert got.column("amount").to_pylist() == amounts
