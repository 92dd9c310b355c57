"""The command line's table handling, twelfth round: a pandas-written
Parquet file keeps its nullable integers beside a category column, every
empty (or whitespace-only) target and group cell is named, in-process and
out of core, and JSON lines write dates and times as the CSV does."""

import datetime
import json

import pandas as pd
import pytest

from skmultimodal import cli
from skmultimodal.datasets._table import iter_parquet, load_table
from skmultimodal.utils._output import table_writer

from .conftest import CSV_ARGS, run_main, write_dataset

pa = pytest.importorskip("pyarrow", reason="--parquet needs pyarrow")
pq = pytest.importorskip("pyarrow.parquet", reason="--parquet needs pyarrow")


def _pandas_parquet(path, n=4):
    """A pandas-written Parquet file: an ``Int64`` column with a null beside
    a category (dictionary-encoded) column."""
    pd.DataFrame(
        {
            "text": [f"w{i} x" for i in range(n)],
            "sku": pd.array([1, None, *range(3, n + 1)], dtype="Int64"),
            "shop": pd.Categorical(list("ns" * (n // 2))),
        }
    ).to_parquet(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_category_column_keeps_the_pandas_metadata(tmp_path, suffix):
    # Int64 read back as Int64 with the category column kept: "1", not "1.0"
    path = _pandas_parquet(tmp_path / "in.parquet")
    out = tmp_path / f"out{suffix}"
    with table_writer(out) as write:
        for _, kept in iter_parquet(
            path,
            image_column=None,
            text_column="text",
            keep_columns=["sku", "shop"],
            chunksize=3,
        ):
            assert kept["sku"].dtype == "Int64"
            write(kept)
    if suffix == ".csv":
        assert out.read_text().splitlines()[:3] == ["sku,shop", "1,n", ",s"]
    else:
        back = pd.read_parquet(out)
        assert back["sku"].dtype == "Int64"
        assert back["sku"].tolist()[:2] == [1, pd.NA]
        assert back["shop"].tolist() == list("nsns")


def test_dask_partitions_read_parquet_as_in_process(tmp_path):
    # the rows a --dask partition reads: decoded, pandas metadata kept
    from skmultimodal.distributed import _read_parquet_groups

    path = _pandas_parquet(tmp_path / "in.parquet")
    df, table = _read_parquet_groups(path, [0])
    assert df["sku"].dtype == "Int64"
    assert df["shop"].tolist() == list("nsns")
    assert not isinstance(df["shop"].dtype, pd.CategoricalDtype)
    assert pa.types.is_dictionary(table.schema.field("shop").type)


@pytest.mark.slow  # starts a 2-process LocalCluster
def test_dask_keeps_a_nullable_integer_beside_a_category(tmp_path):
    pytest.importorskip("distributed", reason="--dask needs the distributed extra")
    folder = tmp_path / "data"
    csv = write_dataset(folder, n_per_class=2)
    model = tmp_path / "model.skops"
    args = ["train", "--csv", csv, *CSV_ARGS, "--method", "concat"]
    assert cli.main([str(a) for a in [*args, "--output", model]]) == 0
    df = pd.read_csv(csv).drop(columns="label")
    df["sku"] = pd.array([1, None, *range(3, len(df) + 1)], dtype="Int64")
    df["shop"] = pd.Categorical(["n", "s"] * (len(df) // 2))
    parquet = folder / "new.parquet"
    df.to_parquet(parquet, index=False)
    parts = tmp_path / "parts"
    proc = run_main(
        "predict", "--model", model, *CSV_ARGS, "--parquet", parquet,
        "--output", parts, "--id-column", "sku", "--keep-columns", "shop",
        "--dask", "local",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    back = pd.read_parquet(parts)
    assert back["sku"].dtype == "Int64"
    assert back["sku"].tolist()[:2] == [1, pd.NA]
    assert pq.read_schema(next(parts.glob("*.parquet"))).field("sku").type == (
        pa.int64()
    )


def _blank(folder, column, rows, value=None):
    csv = write_dataset(folder)
    df = pd.read_csv(csv)
    df[column] = df[column].astype(object)
    df.loc[rows, column] = value
    df.to_csv(csv, index=False)
    return csv


@pytest.mark.parametrize("chunk", [[], ["--chunk-size", "100"], ["--chunk-size", "5"]])
def test_every_empty_target_line_is_named_out_of_core(tmp_path, chunk, capsys):
    # rows 2, 5 and 9: lines 4, 7 and 11, one message, read whole or in chunks
    csv = _blank(tmp_path, "label", [2, 5, 9])
    argv = ["train", "--csv", csv, *CSV_ARGS, "--method", "concat"]
    rc = cli.main([str(a) for a in [*argv, "--output", tmp_path / "m.skops", *chunk]])
    assert rc == 2
    err = capsys.readouterr().err
    # a chunk of 5 rows (lines 2 to 6) holds line 4 only: that chunk's
    lines = "line 4" if chunk[-1:] == ["5"] else "lines 4, 7 and 11"
    assert f"target column 'label' is empty on {lines} of {str(csv)!r}" in err


@pytest.mark.parametrize("chunk", [[], ["--chunk-size", "100"]])
def test_a_whitespace_target_cell_is_empty(tmp_path, chunk, capsys):
    csv = _blank(tmp_path, "label", [2, 5], "  ")
    argv = ["train", "--csv", csv, *CSV_ARGS, "--method", "concat"]
    rc = cli.main([str(a) for a in [*argv, "--output", tmp_path / "m.skops", *chunk]])
    assert rc == 2
    assert "target column 'label' is empty on lines 4 and 7" in capsys.readouterr().err


def test_a_whitespace_group_cell_is_empty(tmp_path):
    csv = _blank(tmp_path, "group", [3, 6], " ")
    with pytest.raises(ValueError, match="group column 'group' is empty on lines 5 "):
        load_table(
            csv,
            image_column="picture",
            text_column="caption",
            target="label",
            group_column="group",
        )


def test_jsonl_writes_dates_and_times_as_the_csv(tmp_path):
    df = pd.DataFrame(
        {
            "day": [datetime.date(2024, 1, 2), None],
            "day32": pd.array(
                [datetime.date(2024, 1, 2), None], dtype=pd.ArrowDtype(pa.date32())
            ),
            "zoned": pd.to_datetime(["2024-01-02 03:04:05+02:00", None]),
            "when": pd.to_datetime(["2024-01-02 03:04:05", None]),
            "text": ["a, b", None],
        }
    )
    texts = {}
    for suffix in (".jsonl", ".csv"):
        with table_writer(tmp_path / f"out{suffix}") as write:
            write(df)
        texts[suffix] = (tmp_path / f"out{suffix}").read_text("utf-8")
    rows = [json.loads(line) for line in texts[".jsonl"].splitlines()]
    assert rows[0] == {
        "day": "2024-01-02",
        "day32": "2024-01-02",
        "zoned": "2024-01-02 03:04:05+02:00",
        "when": "2024-01-02 03:04:05",
        "text": "a, b",
    }
    assert rows[1] == dict.fromkeys(df.columns)
    assert texts[".csv"].splitlines()[1] == (
        '2024-01-02,2024-01-02,2024-01-02 03:04:05+02:00,2024-01-02 03:04:05,"a, b"'
    )
    assert df["day"][1] is None  # the input is left as it was
