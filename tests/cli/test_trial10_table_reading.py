"""Defects a user trial of table columns read from CSV found: codes given
to ``--categorical-columns`` read as numbers (``007`` as 7, merged with
``7``) by every CSV reader, and a row whose table cells are empty or
whitespace-only missed by the up-front check of empty rows."""

import pandas as pd
import pytest

from .conftest import CSV_ARGS, run_main, write_columns_dataset, write_dataset

CODES = ["007", "7", "012"]
TABLE = ["--numeric-columns", "qty", "--categorical-columns", "code"]


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    """``(csv, model)``: the tiny dataset (12 rows) with a ``qty`` column
    and a ``code`` column of the texts ``007``, ``7`` and ``012`` (one cell
    empty), and a ``concat`` model trained on it."""
    folder = tmp_path_factory.mktemp("trial10codes")
    csv = write_dataset(folder, n_per_class=4)
    df = pd.read_csv(csv)
    df["qty"] = range(len(df))
    df["code"] = [CODES[i % 3] for i in range(len(df))]
    df.loc[4, "code"] = None  # an empty cell: missing, imputed
    df.to_csv(csv, index=False)
    assert ",007\n" in csv.read_text()  # written as text
    model = folder / "model.skops"
    proc = run_main(
        "train", "--csv", csv, *CSV_ARGS, *TABLE, "--method", "concat",
        "--output", model,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return csv, model


def _code_columns(frame):
    return sorted(c for c in frame.columns if c.startswith("code_"))


def _check_codes(features):
    """Train read ``007`` and ``7`` as two categories (not the numbers 7
    and 12), and featurize each row's code as its own category."""
    assert _code_columns(features) == ["code_007", "code_012", "code_7"]
    hot = features[_code_columns(features)].idxmax(axis=1)
    for row, code in enumerate(CODES[i % 3] for i in range(len(features))):
        if row != 4:  # every row in its own code's column
            assert hot[row] == f"code_{code}", (row, features.iloc[row])


@pytest.mark.parametrize("chunk", ["10000", "5"])  # one chunk, and three
def test_categorical_codes_are_read_as_text(coded, tmp_path, chunk):
    csv, model = coded
    out = tmp_path / "features.csv"
    proc = run_main(
        "featurize", "--model", model, "--csv", csv, *CSV_ARGS,
        "--chunk-size", chunk, "--output", out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    _check_codes(pd.read_csv(out))


def test_categorical_codes_are_read_as_text_with_several_columns(tmp_path):
    csv = write_columns_dataset(tmp_path, n_per_class=4)
    df = pd.read_csv(csv)
    df["qty"] = range(len(df))
    df["code"] = [CODES[i % 3] for i in range(len(df))]
    df.to_csv(csv, index=False)
    columns = ["--image-column", "front", "back", "--text-column", "title", "body"]
    model, out = tmp_path / "model.skops", tmp_path / "features.csv"
    proc = run_main(
        "train", "--csv", csv, *columns, *TABLE, "--method", "concat",
        "--output", model,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    proc = run_main("featurize", "--model", model, "--csv", csv, "--output", out)
    assert proc.returncode == 0, proc.stderr
    _check_codes(pd.read_csv(out))


def test_dask_block_reader_reads_categorical_codes_as_text(coded):
    pytest.importorskip("fsspec")
    from skmultimodal.distributed import _partition_frame
    from skmultimodal.persistence import load_model

    csv, model = coded
    saved = load_model(model)
    part = {
        "source": "csv",
        "path": str(csv),
        "offset": 0,
        "length": csv.stat().st_size,
        "first_row": 0,
        "rows": 12,
    }
    settings = {"keep_columns": [], "image_column": None, "text_column": None}
    _, X, _ = _partition_frame(
        part, saved.estimator, saved.metadata, settings, "raise", "raise"
    )
    codes = X["code"].tolist()
    assert codes[:4] == ["007", "7", "012", "007"]
    assert pd.isna(codes[4])  # an empty cell stays missing


def test_whitespace_table_cells_are_named_by_the_empty_rows_check(tmp_path):
    csv = write_dataset(tmp_path, n_per_class=4)
    df = pd.read_csv(csv)
    df["qty"] = [float(i) for i in range(len(df))]
    df["code"] = [CODES[i % 3] for i in range(len(df))]
    df["qty"] = df["qty"].astype(object)
    df.loc[4, ["qty", "code"]] = ["", "  "]  # CSV line 6
    df.loc[9, ["qty", "code"]] = [None, None]  # CSV line 11
    df.to_csv(csv, index=False)
    proc = run_main(
        "train", "--csv", csv, *CSV_ARGS, *TABLE, "--method", "concat",
        "--output", tmp_path / "model.skops",
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("skmultimodal:")]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "modality 'tabular' (columns 'qty', 'code')" in lines[0]
    assert "on lines 6 and 11 of" in lines[0] and str(csv) in lines[0]


def test_out_of_core_training_reads_categorical_codes_as_text(coded, tmp_path):
    csv, _ = coded
    model, out = tmp_path / "chunked.joblib", tmp_path / "features.csv"
    # 256 hashed text columns: a narrow features file to write and read
    proc = run_main(
        "train", "--csv", csv, *CSV_ARGS, *TABLE, "--chunk-size", "5",
        "--epochs", "2", "--n-features", "256", "--output", model,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    proc = run_main(
        "featurize", "--model", model, "--csv", csv, *CSV_ARGS, "--trust",
        "--output", out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # out of core as in memory, an empty cell is missing, not a category
    features = pd.read_csv(out)
    assert "code_nan" not in features
    _check_codes(features)
