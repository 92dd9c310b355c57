"""Dask partitions (:mod:`skmultimodal.distributed`): empty partitions,
frames with absent images or repeated index labels, CSV parse errors named
by the file's line, Parquet files with a named index, and the checks made
before any task runs."""

import re

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip(
    "dask.distributed", reason="the [distributed] extra (dask.distributed) is needed"
)
pytest.importorskip("pyarrow", reason="the parts are written as Parquet (pyarrow)")

import dask.dataframe as dd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from skmultimodal import cli, make_multimodal_pipeline  # noqa: E402
from skmultimodal.datasets._table import load_table  # noqa: E402
from skmultimodal.distributed import (  # noqa: E402
    PartitionError,
    predict_partitions,
    run_on_dask,
)
from skmultimodal.model_selection._models import prediction_table  # noqa: E402
from skmultimodal.persistence import save_model  # noqa: E402
from tests.cli.conftest import write_dataset  # noqa: E402

# starts a Dask LocalCluster (worker processes)
pytestmark = pytest.mark.slow

COLUMNS = dict(image_column="picture", text_column="caption")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A model (missing modalities: raise) fitted on columns image and
    text, saved with the file's names, and a 30-row CSV to predict (relative
    image paths, an id column) with its table as the model reads it."""
    folder = tmp_path_factory.mktemp("trial8_dask")
    train = write_dataset(folder / "train", n_per_class=4)
    X, y, _ = load_table(train, target="label", **COLUMNS)
    est = make_multimodal_pipeline(method="concat", image_features="pixels")
    est.fit(X, y)
    model = folder / "model.skops"
    save_model(est, model, metadata=COLUMNS)
    csv = write_dataset(folder / "new", n_per_class=10, seed=1, target=False)
    df = pd.read_csv(csv)
    df.insert(0, "sku", [f"SKU-{i:03d}" for i in range(len(df))])
    df.to_csv(csv, index=False)
    table, _, _ = load_table(csv, **COLUMNS)
    table = table.reset_index(drop=True)
    table.insert(0, "sku", df["sku"])
    return est, model, csv, table


def test_empty_partitions_give_empty_parts_and_all_empty_is_refused(
    client, data, tmp_path
):
    est, _, _, table = data
    ddf = dd.from_pandas(table, npartitions=3)
    kept = ddf[ddf["sku"] >= "SKU-010"]  # partition 0 holds no row now
    assert kept.map_partitions(len).compute().tolist()[0] == 0
    out = tmp_path / "out"
    run = predict_partitions(est, kept, out, client=client, id_column="sku")
    assert run["rows"] == 20 and run["parts"] == 3
    # every partition has its part, the empty one with the columns and types
    first, second = (pq.read_schema(out / f"part-0000{i}.parquet") for i in (0, 1))
    assert pq.read_metadata(out / "part-00000.parquet").num_rows == 0
    assert first.names == second.names and first.types == second.types
    got = pd.read_parquet(out)
    rows = table[table["sku"] >= "SKU-010"]
    expected = prediction_table(est, rows[["image", "text"]]).reset_index(drop=True)
    expected.insert(0, "sku", rows["sku"].to_numpy())
    # (dask makes a text column its "string" dtype)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert len(dd.read_parquet(out).compute()) == 20
    # no row anywhere: the usual error, and nothing written
    with pytest.raises(ValueError, match="the input has no rows"):
        predict_partitions(est, ddf[ddf["sku"] < "A"], tmp_path / "none", client=client)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_frame_absent_image_with_another_policy_is_a_missing_image(
    client, data, tmp_path
):
    # a model trained with missing="raise", run with missing="mean": an
    # absent image file is a missing image, as for a CSV
    est, _, csv, table = data
    table = table.copy()
    table.loc[5, "image"] = str(tmp_path / "absent.png")
    frame = predict_partitions(
        est,
        dd.from_pandas(table, npartitions=2),
        tmp_path / "frame",
        client=client,
        missing="mean",
        id_column="sku",
    )
    assert frame["rows"] == 30
    bad = pd.read_csv(csv)
    bad.loc[5, "picture"] = str(tmp_path / "absent.png")
    bad.to_csv(tmp_path / "bad.csv", index=False)
    (tmp_path / "images").symlink_to(csv.parent / "images")
    predict_partitions(
        est,
        tmp_path / "bad.csv",
        tmp_path / "csv",
        client=client,
        missing="mean",
        id_column="sku",
        **COLUMNS,
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "frame"),
        pd.read_parquet(tmp_path / "csv"),
        check_dtype=False,  # dask makes a text column its "string" dtype
    )


def test_repeated_index_labels_keep_one_output_row_per_input_row(
    client, data, tmp_path
):
    est, _, _, table = data
    # index 0..14 twice (two tables appended)
    twice = pd.concat([table.iloc[:15], table.iloc[15:].reset_index(drop=True)])
    ddf = dd.from_pandas(twice, npartitions=1, sort=False)
    out = tmp_path / "out"
    run = predict_partitions(est, ddf, out, client=client, id_column="sku")
    assert run["rows"] == 30
    got = pd.read_parquet(out)
    assert got["sku"].tolist() == twice["sku"].tolist()
    expected = prediction_table(est, table[["image", "text"]])["prediction"]
    assert got["prediction"].tolist() == expected.tolist()


def _ragged(csv, folder, row):
    """A copy of ``csv`` in ``folder`` with two fields too many on data row
    ``row``."""
    (folder / "images").symlink_to(csv.parent / "images")
    lines = csv.read_text().split("\n")
    lines[row + 1] += ",extra,fields"
    path = folder / "ragged.csv"
    path.write_text("\n".join(lines))
    return path


def test_csv_parse_error_names_the_file_line(client, data, tmp_path):
    _, model, csv, _ = data
    ragged = _ragged(csv, tmp_path, 24)  # CSV line 26 (the header is line 1)
    with pytest.raises(ValueError, match="cannot parse CSV") as info:
        predict_partitions(model, ragged, tmp_path / "out", client=client, chunk_size=4)
    assert re.search(r"Expected 4 fields in line 26\b", str(info.value)), info.value
    # as without Dask
    with pytest.raises(ValueError, match=r"Expected 4 fields in line 26\b"):
        load_table(ragged, **COLUMNS)
    assert not (tmp_path / "out").exists()


def test_a_quoted_line_break_split_between_partitions_is_named(client, data, tmp_path):
    _, model, csv, _ = data
    df = pd.read_csv(csv)
    df["caption"] = df["caption"] + "\nsecond line"
    df.to_csv(tmp_path / "multiline.csv", index=False)
    with pytest.raises(ValueError) as info:
        predict_partitions(
            model,
            tmp_path / "multiline.csv",
            tmp_path / "o",
            client=client,
            chunk_size=3,
        )
    message = str(info.value)
    assert "EOF inside string" not in message
    assert "quoted field holding a line break" in message, message
    assert "split between partitions" in message and "Parquet" in message
    line = int(re.search(r"starting on line (\d+)", message).group(1))
    assert 2 <= line <= 31  # a row of the table, counted as without Dask


def test_cli_dask_prints_one_line_on_error(data, tmp_path, capfd):
    _, model, csv, _ = data
    ragged = _ragged(csv, tmp_path, 24)
    status = cli.main(
        [
            "predict",
            "--model",
            str(model),
            "--csv",
            str(ragged),
            "--output",
            str(tmp_path / "out"),
            "--dask",
            "local",
            "--chunk-size",
            "4",
        ]
    )
    err = capfd.readouterr().err
    assert status != 0
    assert "distributed." not in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert "line 26" in err


def test_cli_dask_debug_shows_the_workers_logs(data, tmp_path, capfd):
    """``--debug`` lets the local cluster's workers log their failure (and
    the command prints its traceback)."""
    _, model, csv, _ = data
    ragged = _ragged(csv, tmp_path, 24)
    args = ["predict", "--model", str(model), "--csv", str(ragged), "--output"]
    args += [str(tmp_path / "out"), "--dask", "local", "--chunk-size", "4"]
    with pytest.raises(ValueError, match="line 26"):  # --debug: raised
        cli.main([*args, "--debug"])
    err = capfd.readouterr().err
    assert "Compute Failed" in err, err[-3000:]


def test_parquet_named_index_is_read_as_a_column(client, data, tmp_path):
    est, model, csv, _ = data
    df = pd.read_csv(csv)
    parquet = csv.parent / "indexed.parquet"  # next to the images
    df.set_index("sku").to_parquet(parquet, row_group_size=10)
    out = tmp_path / "out"
    predict_partitions(model, parquet, out, client=client, id_column="sku")
    got = pd.read_parquet(out)
    assert got["sku"].tolist() == df["sku"].tolist()


def test_chunk_size_takes_numpy_integers_not_booleans(client, data, tmp_path):
    _, model, csv, _ = data
    run = predict_partitions(
        model, csv, tmp_path / "out", client=client, chunk_size=np.int64(15)
    )
    assert run["rows"] == 30
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        predict_partitions(model, csv, tmp_path / "b", client=client, chunk_size=True)


@pytest.mark.parametrize("name", ["preds.csv", "preds.jsonl", "preds.json"])
def test_an_output_named_like_a_file_is_refused(client, data, tmp_path, name):
    _, model, csv, _ = data
    with pytest.raises(ValueError, match="folder of Parquet parts"):
        predict_partitions(model, csv, tmp_path / name, client=client)
    assert list(tmp_path.iterdir()) == []


def test_an_output_folder_named_parquet_is_fine(client, data, tmp_path):
    _, model, csv, _ = data
    run = predict_partitions(model, csv, tmp_path / "preds.parquet", client=client)
    assert (tmp_path / "preds.parquet").is_dir() and run["rows"] == 30


def test_frame_columns_are_checked_before_any_task_runs(
    client, data, tmp_path, monkeypatch
):
    est, _, _, table = data
    ddf = dd.from_pandas(table.drop(columns="text"), npartitions=2)

    def refuse(*args, **kwargs):
        raise AssertionError("a task was submitted")

    monkeypatch.setattr(distributed.Client, "compute", refuse)
    monkeypatch.setattr(distributed.Client, "submit", refuse)
    with pytest.raises(ValueError) as info:
        predict_partitions(est, ddf, tmp_path / "out", client=client)
    assert not isinstance(info.value, PartitionError)
    message = str(info.value)
    assert "'text'" in message and "sku, image" in message, message
    assert not (tmp_path / "out").exists()


def test_run_on_dask_refuses_a_file_name_before_a_cluster_starts(
    data, tmp_path, monkeypatch
):
    _, model, csv, _ = data

    def refuse(*args, **kwargs):
        raise AssertionError("a cluster was started")

    monkeypatch.setattr("distributed.LocalCluster", refuse)
    with pytest.raises(ValueError, match="folder of Parquet parts"):
        run_on_dask(model, csv, tmp_path / "preds.csv", address="local")


def test_trailing_commas_are_read_in_every_partition_as_in_the_whole_file(
    client, data, tmp_path
):
    _, model, csv, table = data
    (tmp_path / "images").symlink_to(csv.parent / "images")
    lines = csv.read_text().rstrip("\n").split("\n")
    trailing = tmp_path / "trailing.csv"
    trailing.write_text("\n".join([lines[0]] + [line + "," for line in lines[1:]]))
    out = tmp_path / "out"
    predict_partitions(model, trailing, out, client=client, chunk_size=4)
    got = pd.read_parquet(out)
    expected = predict_partitions(
        model, csv, tmp_path / "plain", client=client, chunk_size=4
    )
    assert expected["rows"] == len(got) == 30
    np.testing.assert_array_equal(
        got["prediction"], pd.read_parquet(tmp_path / "plain")["prediction"]
    )
