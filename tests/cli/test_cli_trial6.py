"""Defects a new-user trial found in the command line: a constant
regression target refused in a classifier's terms, NumPy reprs in
messages, several image or text columns, the regression report's wording
and what ``skmultimodal datasets`` lists."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets._table import load_table
from skmultimodal.model_selection._models import feature_table
from skmultimodal.persistence import save_model

from .conftest import (
    CSV_ARGS,
    run_main,
    write_columns_dataset,
)
from .conftest import (
    usage_error as _error,
)


@pytest.fixture(scope="module")
def csv(tmp_path_factory):
    """The tiny dataset with two image and two text columns, as the trial
    rearranged its rows (``front``, ``back``, ``title``, ``body``), and a
    constant and a whole-number ``price``."""
    path = write_columns_dataset(tmp_path_factory.mktemp("trial6"), n_per_class=8)
    df = pd.read_csv(path)
    df["picture"], df["caption"] = df["front"], df["title"]  # for CSV_ARGS
    df["constant"] = 7.5
    # distinct whole numbers, the rarest first: -1
    df["price"] = [-1, *range(10, 10 + 3 * (len(df) - 1), 3)]
    df.to_csv(path, index=False)
    return path


EVAL = [*CSV_ARGS, "--cv", "3", "--quick", "--no-progress"]


# --------------------------------------------------- regression wording ---
@pytest.mark.parametrize("command", ["evaluate", "train"])
def test_a_constant_regression_target_is_refused_in_regression_terms(
    command, csv, tmp_path
):
    output = tmp_path / ("r" if command == "evaluate" else "m.skops")
    args = [*EVAL] if command == "evaluate" else [*CSV_ARGS]
    proc = run_main(
        command, "--csv", csv, *args, "--target", "constant",
        "--task", "regression", "--output", output,
    )  # fmt: skip
    line = _error(proc)
    assert "nothing to regress" in line and "(7.5)" in line, line
    assert "class" not in line and "np." not in line, line
    assert not output.exists()


def test_one_label_set_in_every_row_is_refused_in_multilabel_terms(csv, tmp_path):
    df = pd.read_csv(csv).assign(tags="red|round")
    path = csv.parent / "same_tags.csv"
    df.to_csv(path, index=False)
    proc = run_main(
        "evaluate", "--csv", path, *EVAL, "--target", "tags",
        "--label-separator", "|", "--output", tmp_path / "r",
    )  # fmt: skip
    line = _error(proc)
    assert "same label set ('red|round') in every row" in line, line
    assert "classifier" not in line, line


def test_a_constant_test_target_is_refused_in_regression_terms(csv, tmp_path):
    proc = run_main(
        "evaluate", "--csv", csv, *EVAL, "--target", "price", "--task",
        "regression", "--test-csv", csv, "--models", "image-only",
        "--output", tmp_path / "r",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr  # the same, valid table
    df = pd.read_csv(csv).assign(price=3)
    test = csv.parent / "const_test.csv"
    df.to_csv(test, index=False)
    proc = run_main(
        "evaluate", "--csv", csv, *EVAL, "--target", "price", "--task",
        "regression", "--test-csv", test, "--output", tmp_path / "r2",
    )  # fmt: skip
    line = _error(proc)
    assert "const_test.csv'" in line and "holds one value only (3)" in line, line


def test_folds_message_prints_a_plain_class_and_suggests_regression(csv, tmp_path):
    proc = run_main(
        "evaluate", "--csv", csv, *EVAL, "--target", "price",
        "--output", tmp_path / "r",
    )  # fmt: skip
    line = _error(proc)
    assert "class -1 has 1" in line, line
    assert "other class(es) have fewer than 3" in line, line
    assert "--task regression" in line and "np." not in line, line


def test_few_whole_number_classes_get_no_regression_hint(csv, tmp_path):
    df = pd.read_csv(csv)
    df["grade"] = [2, *([0, 1] * len(df))[: len(df) - 1]]  # class 2 once
    path = csv.parent / "grades.csv"
    df.to_csv(path, index=False)
    proc = run_main(
        "evaluate", "--csv", path, *EVAL, "--target", "grade",
        "--output", tmp_path / "r",
    )  # fmt: skip
    line = _error(proc)
    assert "class 2 has 1" in line and "--task regression" not in line, line


# ------------------------------------------------------ several columns ---
def test_comma_separated_columns_get_the_spelling_that_works(csv, tmp_path):
    proc = run_main(
        "evaluate", "--csv", csv, "--image-column", "front,back",
        "--text-column", "title,body", "--cv", "3", "--output", tmp_path / "r",
    )  # fmt: skip
    line = _error(proc)
    assert "--image-column front back --text-column title body" in line, line


@pytest.fixture(scope="module")
def list_model(csv, tmp_path_factory):
    """A library pipeline of two image and two text columns, saved by
    ``save_model`` (no command-line metadata), and its input table."""
    X, y, _ = load_table(
        csv, image_column=None, text_column=None, target="label",
        tabular_columns=["front", "back", "title", "body"],
    )  # fmt: skip
    base = csv.resolve().parent
    for column in ("front", "back"):  # as the command line resolves them
        X[column] = [str(base / p) for p in X[column]]
    model = make_multimodal_pipeline(
        image=["front", "back"], text=["title", "body"], method="concat",
        image_features="pixels", random_state=0,
    ).fit(X, y)  # fmt: skip
    path = save_model(model, tmp_path_factory.mktemp("model") / "lists.skops")
    return model, path, X


def test_a_model_of_several_columns_predicts_from_them(list_model, csv, tmp_path):
    model, path, X = list_model
    out = tmp_path / "pred.csv"
    proc = run_main(
        "predict", "--model", path, "--csv", csv, "--image-column", "front",
        "back", "--text-column", "title", "--text-column", "body",
        "--output", out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    pred = pd.read_csv(out)
    assert pred["prediction"].tolist() == model.predict(X).tolist()
    proba = pred[[f"proba_{c}" for c in model.classes_]].to_numpy()
    np.testing.assert_allclose(proba, model.predict_proba(X), atol=1e-9)


def test_a_model_of_several_columns_featurizes_them(list_model, csv, tmp_path):
    model, path, X = list_model
    out = tmp_path / "features.csv"
    proc = run_main(
        "featurize", "--model", path, "--csv", csv, "--image-column", "front",
        "back", "--text-column", "title", "body", "--output", out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    expected = feature_table(model, X)
    got = pd.read_csv(out)
    assert list(got.columns) == list(expected.columns)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), atol=1e-6)


def test_a_model_of_several_columns_names_the_ones_not_given(list_model, csv):
    _, path, _ = list_model
    proc = run_main(
        "predict", "--model", path, "--csv", csv,
        "--image-column", "front", "--text-column", "title",
    )  # fmt: skip
    line = _error(proc)
    assert "'back', 'body' not given" in line, line
    assert "column 'front' of modality" not in line
    proc = run_main("predict", "--model", path, "--csv", csv)
    line = _error(proc)
    assert "--image-column front back" in line, line  # several names: how


def test_several_image_columns_refuse_each_missing_cell(list_model, csv, tmp_path):
    _, path, _ = list_model
    df = pd.read_csv(csv)
    df.loc[3, "back"] = np.nan  # CSV line 5
    df.loc[6, "body"] = np.nan  # CSV line 8
    holes = csv.parent / "holes.csv"
    df.to_csv(holes, index=False)
    proc = run_main(
        "predict", "--model", path, "--csv", holes, "--image-column", "front",
        "back", "--text-column", "title", "body",
    )  # fmt: skip
    line = _error(proc)
    assert "modality 'back'" in line and "line 5" in line, line
    assert "modality 'body'" in line and "line 8" in line, line


# ---------------------------------------------------------------- report ---
def test_regression_report_wording_and_json(csv, tmp_path):
    out, doc = tmp_path / "rep", tmp_path / "m.json"
    proc = run_main(
        "evaluate", "--csv", csv, *EVAL, "--target", "price", "--task",
        "regression", "--models", "image-only,late-fusion", "--output", out,
        "--json", doc,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    page = (out / "report.html").read_text()
    assert "least-squares weights learned on each modality's out-of-fold" in page
    assert "class probabilities" not in page and "class prob" not in page
    # the failure list names CSV lines, as every message does
    names = re.findall(r'<div class="row">(\w+) (\d+)</div>', page)
    assert names and {unit for unit, _ in names} == {"line"}, names
    lines = {int(n) for _, n in names}
    assert lines <= set(range(2, 2 + 24)), lines
    for path in (doc, out / "metrics.json"):
        metrics = json.loads(path.read_text())
        assert metrics["n_classes"] is None, path
    assert json.loads((out / "metrics.json").read_text())["classes"] is None


# -------------------------------------------------------------- datasets ---
def test_datasets_lists_the_real_class_range_and_the_catalogue():
    from skmultimodal.datasets import _synthetic
    from skmultimodal.datasets._catalogue import CATEGORIES

    proc = run_main("datasets", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["name"]: r for r in json.loads(proc.stdout)}
    assert "any" not in str(rows["synthetic"]["n_classes"])
    assert str(rows["synthetic"]["n_classes"]).startswith(
        f"2-{_synthetic.MAX_CLASSES} "
    )
    catalogue = rows["catalogue"]
    assert catalogue["loader"] == "skmultimodal.datasets.write_example_catalogue"
    assert catalogue["n_classes"] == len(CATEGORIES)
    table = run_main("datasets").stdout
    assert "write_example_catalogue" in table
