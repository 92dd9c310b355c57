"""Several image and text columns in ``evaluate`` and ``train``
(``--image-column front back --text-column title body``): every model
using a modality reads all of its columns, ``train`` stores them for
``predict``, the ``--missing`` policies name the columns, and a column
given to two options is refused."""

import json

import numpy as np
import pandas as pd
import pytest

from skmultimodal import cli
from skmultimodal.datasets._table import load_table
from skmultimodal.persistence import load_model

from .conftest import run_main, write_columns_dataset
from .conftest import usage_error as _error

COLUMNS = ["--image-column", "front", "back", "--text-column", "title", "body"]
EVAL = ["--cv", "3", "--quick", "--no-progress"]
MODELS = ["--models", "image-only,text-only,fusion"]


@pytest.fixture(scope="module")
def csv(tmp_path_factory):
    """60 rows with two image columns (``front``, ``back``) and two text
    columns (``title``, ``body``); no ``image`` or ``text`` column."""
    path = write_columns_dataset(tmp_path_factory.mktemp("columns"), n_per_class=20)
    return path


@pytest.fixture(scope="module")
def holes(csv):
    """The table with an empty ``back`` cell (CSV line 5) and an empty
    ``body`` cell (CSV line 8)."""
    df = pd.read_csv(csv)
    df.loc[3, "back"] = np.nan
    df.loc[6, "body"] = np.nan
    path = csv.parent / "holes.csv"
    df.to_csv(path, index=False)
    return path


def _table(csv):
    """The table as the command line reads it: every column under its own
    name, image paths made absolute."""
    X, y, _ = load_table(
        csv, image_column=None, text_column=None, target="label",
        tabular_columns=["front", "back", "title", "body"],
    )  # fmt: skip
    base = csv.resolve().parent
    for column in ("front", "back"):
        X[column] = [None if pd.isna(p) else str(base / p) for p in X[column]]
    return X, y


def test_evaluate_reads_every_column_of_each_modality(csv, tmp_path):
    doc = tmp_path / "m.json"
    proc = run_main(
        "evaluate", "--csv", csv, *COLUMNS, *EVAL, *MODELS,
        "--output", tmp_path / "r", "--json", doc,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    models = json.loads(doc.read_text())["models"]
    assert set(models) == {"image-only", "text-only", "fusion"}
    assert models["image-only"]["modalities"] == ["image"]
    assert models["fusion"]["modalities"] == ["image", "text"]
    # image-only is both image columns together, fused as two branches
    table = proc.stdout.splitlines()
    row = next(ln for ln in table if ln.startswith("image-only"))
    assert row.split()[-3:] == ["image", "stack", "(default)"], row


def test_train_stores_the_columns_and_predict_reads_them(csv, tmp_path):
    model_path, out = tmp_path / "m.skops", tmp_path / "pred.csv"
    proc = run_main("train", "--csv", csv, *COLUMNS, "--output", model_path)
    assert proc.returncode == 0, proc.stderr
    model = load_model(model_path)
    meta = model.metadata
    assert meta["image_column"] == ["front", "back"]
    assert meta["text_column"] == ["title", "body"]
    est = model.estimator
    assert list(est.feature_names_in_) == ["front", "back", "title", "body"]
    branches = [name for name, _, _ in est.named_steps["fusion"].transformers]
    assert branches == ["front", "back", "title", "body"]
    # predict finds the columns in the metadata: no column option needed
    proc = run_main("predict", "--model", model_path, "--csv", csv, "--output", out)
    assert proc.returncode == 0, proc.stderr
    X, _ = _table(csv)
    pred = pd.read_csv(out)
    assert pred["prediction"].tolist() == est.predict(X).tolist()
    proba = pred[[f"proba_{c}" for c in est.classes_]].to_numpy()
    np.testing.assert_allclose(proba, est.predict_proba(X), atol=1e-9)


def test_one_image_column_and_several_text_columns(csv, tmp_path):
    model_path = tmp_path / "m.skops"
    proc = run_main(
        "train", "--csv", csv, "--image-column", "front",
        "--text-column", "title", "body", "--output", model_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    est = load_model(model_path).estimator
    assert list(est.feature_names_in_) == ["front", "title", "body"]
    out = tmp_path / "pred.csv"
    proc = run_main("predict", "--model", model_path, "--csv", csv, "--output", out)
    assert proc.returncode == 0, proc.stderr
    assert len(pd.read_csv(out)) == 60


@pytest.mark.parametrize("command", ["evaluate", "train"])
def test_raise_policy_names_each_empty_cell(command, holes, tmp_path):
    output = tmp_path / ("r" if command == "evaluate" else "m.skops")
    extra = [*EVAL, *MODELS] if command == "evaluate" else []
    proc = run_main(
        command, "--csv", holes, *COLUMNS, *extra, "--output", output
    )  # fmt: skip
    line = _error(proc)
    assert "modality 'back'" in line and "line 5" in line, line
    assert "modality 'body'" in line and "line 8" in line, line
    assert not output.exists()


def test_a_model_without_the_empty_modality_is_not_refused(holes, tmp_path):
    """The raise policy refuses empty cells of the modalities evaluated
    only: the image-only model does not read ``body``."""
    proc = run_main(
        "evaluate", "--csv", holes, "--image-column", "front",
        "--text-column", "title", "body", *EVAL, "--models", "image-only",
        "--output", tmp_path / "r",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("policy", ["zero", "mean", "indicator"])
def test_fill_policies_evaluate_with_empty_cells(policy, holes, tmp_path):
    doc = tmp_path / "m.json"
    proc = run_main(
        "evaluate", "--csv", holes, *COLUMNS, *EVAL, "--models", "fusion",
        "--missing", policy, "--output", tmp_path / "r", "--json", doc,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert np.isfinite(json.loads(doc.read_text())["models"]["fusion"]["accuracy"])


def test_train_with_a_fill_policy_predicts_rows_with_empty_cells(holes, tmp_path):
    model_path, out = tmp_path / "m.skops", tmp_path / "pred.csv"
    proc = run_main(
        "train", "--csv", holes, *COLUMNS, "--missing", "mean",
        "--output", model_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert load_model(model_path).metadata["missing"] == "mean"
    proc = run_main("predict", "--model", model_path, "--csv", holes, "--output", out)
    assert proc.returncode == 0, proc.stderr
    pred = pd.read_csv(out)
    assert len(pred) == 60 and pred["prediction"].notna().all()


@pytest.mark.parametrize("command", ["evaluate", "train"])
@pytest.mark.parametrize(
    "columns, options",
    [
        (
            ["--image-column", "front", "back", "--text-column", "back"],
            ("--image-column", "--text-column"),
        ),
        (
            [*COLUMNS, "--numeric-columns", "title"],
            ("--text-column", "--numeric-columns"),
        ),
    ],
)
def test_a_column_named_twice_is_refused(command, columns, options, csv, tmp_path):
    output = tmp_path / ("r" if command == "evaluate" else "m.skops")
    proc = run_main(command, "--csv", csv, *columns, "--output", output)
    line = _error(proc)
    assert f"both {options[0]} and {options[1]}" in line, line
    assert not output.exists()


def test_out_of_core_training_reads_every_column_of_each_modality(csv, tmp_path):
    """``train --chunk-size`` fits one branch per column, each read under its
    own name, and stores the lists; ``predict`` (whole and in chunks) then
    needs no column option and gives the same predictions both ways."""
    model_path = tmp_path / "m.skops"
    proc = run_main(
        "train", "--csv", csv, *COLUMNS, "--chunk-size", "20",
        "--output", model_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "20 rows at a time" in proc.stdout
    model = load_model(model_path)
    assert model.metadata["image_column"] == ["front", "back"]
    assert model.metadata["text_column"] == ["title", "body"]
    est = model.estimator
    fusion = est.named_steps["fusion"]
    assert [(n, c) for n, _, c in fusion.transformers] == [
        ("front", "front"), ("back", "back"), ("title", "title"), ("body", "body"),
    ]  # fmt: skip
    X, y = _table(csv)
    expected = est.predict(X)
    assert (expected == y).mean() > 0.9  # the classes are easy
    preds = []
    for extra in ([], ["--chunk-size", "7"]):
        out = tmp_path / f"p{len(extra)}.csv"
        proc = run_main(
            "predict", "--model", model_path, "--csv", csv, *extra, "--output", out
        )
        assert proc.returncode == 0, proc.stderr
        preds.append(pd.read_csv(out)["prediction"].to_numpy())
    np.testing.assert_array_equal(preds[0], expected)
    np.testing.assert_array_equal(preds[1], expected)


def test_out_of_core_training_of_several_columns_names_empty_cells(holes, tmp_path):
    """With ``--missing raise`` an empty cell of any column is refused with
    its column and CSV line; with ``mean`` the rows are filled and the
    model trains."""
    model_path = tmp_path / "m.skops"
    proc = run_main(
        "train", "--csv", holes, *COLUMNS, "--chunk-size", "4",
        "--output", model_path,
    )  # fmt: skip
    line = _error(proc)
    assert "modality 'back' (column 'back')" in line, line
    assert "line 5" in line, line
    assert not model_path.exists()
    proc = run_main(
        "train", "--csv", holes, *COLUMNS, "--chunk-size", "4", "--missing",
        "mean", "--output", model_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert load_model(model_path).metadata["missing"] == "mean"


@pytest.mark.parametrize("command", ["predict", "featurize"])
def test_dask_says_it_reads_one_column_each(command, csv, tmp_path):
    proc = run_main(
        command, "--model", tmp_path / "m.skops", "--csv", csv, *COLUMNS,
        "--dask", "local", "--output", tmp_path / "out",
    )  # fmt: skip
    line = _error(proc)
    assert "--dask reads one image column" in line, line
    assert f"{command} without --dask reads several" in line, line


@pytest.mark.slow  # worker processes
def test_dask_refuses_a_model_trained_on_several_columns(csv, tmp_path):
    """The columns come from the model's metadata, not from the options: the
    refusal names them instead of a partition failing on missing columns."""
    pytest.importorskip("distributed", reason="--dask needs the distributed extra")
    pytest.importorskip("pyarrow", reason="--dask writes Parquet (the parquet extra)")
    model_path = tmp_path / "m.skops"
    proc = run_main(
        "train", "--csv", csv, *COLUMNS, "--method", "concat", "--output", model_path
    )
    assert proc.returncode == 0, proc.stderr
    proc = run_main(
        "predict", "--model", model_path, "--csv", csv,
        "--dask", "local", "--output", tmp_path / "out",
    )  # fmt: skip
    line = _error(proc)
    assert "reads several columns per modality" in line, line
    assert "image columns ['front', 'back']" in line, line
    assert "without --dask" in line, line


@pytest.mark.parametrize("command", ["evaluate", "train"])
def test_a_column_named_twice_in_one_option_is_refused(command, csv, tmp_path):
    output = tmp_path / ("r" if command == "evaluate" else "m.skops")
    proc = run_main(
        command, "--csv", csv, "--image-column", "front", "back", "front",
        "--text-column", "title", "--output", output,
    )  # fmt: skip
    line = _error(proc)
    assert "--image-column names 'front' more than once" in line, line
    assert not output.exists()


@pytest.mark.parametrize("command", ["evaluate", "train", "predict", "featurize"])
def test_help_says_every_command_takes_several_columns(command, capsys):
    """Each command's help for the column options says several columns are
    taken (all four commands read several since they learned to)."""
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for flag in ("--image-column", "--text-column"):
        text = out.split(f"{flag} NAME [NAME ...] ", 1)[1]
        assert text.startswith("column(s) of"), (flag, text[:80])
    assert "several separated by spaces" in out
