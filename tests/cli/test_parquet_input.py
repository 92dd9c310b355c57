"""``--parquet FILE``, the other input of ``predict`` and ``featurize``: read
in row batches, image paths relative to the file's folder, rows labelled by
their row number (from 0) in messages, the same output as the same table
given as ``--csv``."""

import re

import numpy as np
import pandas as pd
import pytest

from skmultimodal import cli

from .conftest import CSV_ARGS, run_main, write_dataset

pytest.importorskip("pyarrow", reason="--parquet needs pyarrow (the parquet extra)")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A saved model, and a new table of 12 rows as CSV and as Parquet (row
    groups of 5 rows), in the folder of its images."""
    folder = tmp_path_factory.mktemp("parquet_input")
    train = write_dataset(folder / "train")
    model = folder / "model.skops"
    args = ["train", "--csv", train, *CSV_ARGS, "--method", "concat"]
    assert cli.main([str(a) for a in [*args, "--output", model]]) == 0
    csv = write_dataset(folder / "new", n_per_class=4, seed=1, target=False)
    df = pd.read_csv(csv)
    df.insert(0, "sku", [f"SKU-{i:03d}" for i in range(len(df))])
    df.to_csv(csv, index=False)
    parquet = csv.with_suffix(".parquet")
    df.to_parquet(parquet, index=False, row_group_size=5)
    return model, csv, parquet


def _parquet_like(data, tmp_path, name, edit):
    """The Parquet table after ``edit(df)``, in ``tmp_path`` next to a link
    to the images."""
    _, _, parquet = data
    df = pd.read_parquet(parquet)
    edit(df)
    if not (tmp_path / "images").exists():
        (tmp_path / "images").symlink_to(parquet.parent / "images")
    out = tmp_path / name
    df.to_parquet(out, index=False)
    return out


def _run(command, model, *args):
    return run_main(command, "--model", model, *CSV_ARGS, *args)


@pytest.mark.parametrize("command", ["predict", "featurize"])
@pytest.mark.parametrize("chunk", ["3", "5", "100"])
def test_parquet_in_gives_what_csv_in_gives(data, tmp_path, command, chunk):
    model, csv, parquet = data
    outputs = {}
    for option, table in (("--csv", csv), ("--parquet", parquet)):
        out = tmp_path / f"{option[2:]}.parquet"
        extra = ["--output", out, "--id-column", "sku", "--chunk-size", chunk]
        proc = _run(command, model, option, table, *extra)
        assert proc.returncode == 0, proc.stderr
        outputs[option] = pd.read_parquet(out)
    pd.testing.assert_frame_equal(outputs["--csv"], outputs["--parquet"])
    assert outputs["--parquet"]["sku"].tolist() == pd.read_csv(csv)["sku"].tolist()


def test_image_paths_are_relative_to_the_parquet_folder(data, tmp_path, monkeypatch):
    model, csv, parquet = data
    monkeypatch.chdir(tmp_path)  # no images folder here
    proc = _run("predict", model, "--parquet", parquet, "--output", "pred.csv")
    assert proc.returncode == 0, proc.stderr
    assert len(pd.read_csv(tmp_path / "pred.csv")) == 12


def test_a_dictionary_encoded_column_is_read_as_its_values(data, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    model, csv, parquet = data
    table = pq.read_table(parquet)
    for name in ("picture", "caption"):
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, table[name].dictionary_encode())
    encoded = parquet.parent / "encoded.parquet"
    pq.write_table(table, encoded)
    assert pa.types.is_dictionary(pq.read_table(encoded).schema.field("caption").type)
    outs = []
    for i, source in enumerate((parquet, encoded)):
        outs.append(tmp_path / f"pred{i}.csv")
        proc = _run("predict", model, "--parquet", source, "--output", outs[-1])
        assert proc.returncode == 0, proc.stderr
    pd.testing.assert_frame_equal(pd.read_csv(outs[0]), pd.read_csv(outs[1]))


@pytest.mark.parametrize("chunk", ["4", "100"])
def test_an_absent_image_names_its_row_and_column(data, tmp_path, chunk):
    model = data[0]

    def absent(df):
        df.loc[9, "picture"] = "images/absent.png"

    bad = _parquet_like(data, tmp_path, "bad.parquet", absent)
    out = tmp_path / "features.parquet"
    args = ["--parquet", bad, "--output", out, "--chunk-size", chunk]
    proc = _run("featurize", model, *args)
    assert proc.returncode == cli.EXIT_USAGE
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "image file not found on row 9 of column 'picture'" in proc.stderr
    assert "index labels are CSV line numbers" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.parquet", "images"]


def test_empty_cells_with_missing_raise_name_every_row(data, tmp_path):
    model = data[0]

    def holes(df):
        df.loc[[2, 10], "caption"] = None

    bad = _parquet_like(data, tmp_path, "holes.parquet", holes)
    proc = _run("predict", model, "--parquet", bad, "--chunk-size", "100")
    assert proc.returncode == cli.EXIT_USAGE
    assert re.search(
        r"modality 'text' \(column 'caption'\) is empty in 2 row\(s\), on rows 2 "
        r"and 10 of '.*holes.parquet'",
        proc.stderr,
    ), proc.stderr
    # another policy fills them
    out = tmp_path / "pred.csv"
    proc = _run(
        "predict", model, "--parquet", bad, "--missing", "mean", "--output", out
    )
    assert proc.returncode == 0, proc.stderr
    pred = pd.read_csv(out)
    assert len(pred) == 12 and np.isfinite(pred.filter(like="proba_")).all().all()


def test_a_text_column_of_numbers_is_refused(data, tmp_path):
    model = data[0]

    def numbers(df):
        df["caption"] = np.arange(len(df)) * 1.5

    bad = _parquet_like(data, tmp_path, "numbers.parquet", numbers)
    proc = _run("predict", model, "--parquet", bad)
    assert proc.returncode == cli.EXIT_USAGE
    assert "text column 'caption' of" in proc.stderr
    assert "holds numbers, not texts (row 0: 0.0)" in proc.stderr


@pytest.mark.parametrize("command", ["predict", "featurize"])
def test_csv_and_parquet_are_one_or_the_other(data, command):
    model, csv, parquet = data
    both = _run(command, model, "--csv", csv, "--parquet", parquet)
    assert both.returncode == cli.EXIT_USAGE
    assert "argument --parquet: not allowed with argument --csv" in both.stderr
    neither = _run(command, model)
    assert neither.returncode == cli.EXIT_USAGE
    assert "one of the arguments --csv --parquet is required" in neither.stderr


@pytest.mark.parametrize(
    "make, message",
    [
        (None, r"cannot read Parquet file '.*nope\.parquet': no such file"),
        ("csv", r"cannot parse Parquet file '.*table\.parquet': Parquet magic bytes"),
        ("empty", r"Parquet file '.*table\.parquet' has no rows"),
        (
            "columns",
            r"columns 'picture', 'caption' not found in '.*table\.parquet'; "
            r"available columns: sku, image, text",
        ),
    ],
)
def test_bad_parquet_files_are_one_line_errors(data, tmp_path, make, message):
    model, csv, parquet = data
    table = tmp_path / ("nope.parquet" if make is None else "table.parquet")
    df = pd.read_parquet(parquet)
    if make == "csv":
        table.write_bytes(csv.read_bytes())
    elif make == "empty":
        df.iloc[:0].to_parquet(table)
    elif make == "columns":
        df.rename(columns={"picture": "image", "caption": "text"}).to_parquet(table)
    proc = _run("featurize", model, "--parquet", table, "--output", tmp_path / "f.csv")
    assert proc.returncode == cli.EXIT_USAGE
    assert len(proc.stderr.strip().splitlines()) == 1
    assert re.search(message, proc.stderr), proc.stderr
    assert not (tmp_path / "f.csv").exists()


def test_a_bad_kept_column_names_the_parquet_file(data):
    model, _, parquet = data
    proc = _run("predict", model, "--parquet", parquet, "--id-column", "nope")
    assert proc.returncode == cli.EXIT_USAGE
    assert f"column 'nope' not found in {str(parquet)!r}" in proc.stderr


def test_parquet_input_without_pyarrow_is_refused_first(data, tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    _, _, parquet = data
    missing_model = tmp_path / "absent.skops"  # pyarrow is checked before it
    out = tmp_path / "pred.csv"
    proc = _run("predict", missing_model, "--parquet", parquet, "--output", out)
    assert proc.returncode == cli.EXIT_USAGE
    assert "reading Parquet needs pyarrow" in proc.stderr
    assert "skmultimodal[parquet]" in proc.stderr and "--csv" in proc.stderr
    assert not out.exists()
