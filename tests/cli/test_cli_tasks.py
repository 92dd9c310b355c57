"""``--task regression``, ``--label-separator`` (multi-label),
``--class-weight`` and ``--test-csv`` on evaluate, train and predict."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mean_absolute_error

from skmultimodal.persistence import load_model

from .conftest import CSV_ARGS, run_main, write_dataset

PRICE = {"circle": 10.0, "square": 20.0, "stripe": 30.0}


def _with_targets(path, seed):
    """Add a price (the shape, in numbers, plus noise) and tags (the shape,
    ``round`` for circles, ``odd`` for every other row) to a dataset."""
    df = pd.read_csv(path)
    rng = np.random.default_rng(seed)
    df["price"] = (df["label"].map(PRICE) + rng.normal(0, 2, len(df))).round(2)
    df["tags"] = [
        label + ("|round" if label == "circle" else "") + ("|odd" if i % 2 else "")
        for i, label in enumerate(df["label"])
    ]
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    root = tmp_path_factory.mktemp("tasks")
    train = _with_targets(write_dataset(root / "train", n_per_class=10, seed=0), 0)
    # the test table lives in another folder: its image paths are its own
    test = _with_targets(write_dataset(root / "test", n_per_class=5, seed=1), 1)
    return train, test


FAST = [*CSV_ARGS, "--cv", "3", "--no-progress", "--models", "image-only,fusion"]


def test_evaluate_regression_reports_r2_and_mae_on_cv_and_test(tables, tmp_path):
    train, test = tables
    doc = tmp_path / "m.json"
    res = run_main(
        "evaluate", "--csv", train, *FAST, "--target", "price",
        "--task", "regression", "--test-csv", test,
        "--output", tmp_path / "rep", "--json", doc,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    header = res.stdout.splitlines()[0]
    assert "R²" in header and "MAE" in header and "test R²" in header
    metrics = json.loads(doc.read_text())
    fusion = metrics["models"]["fusion"]
    assert fusion["r2"] > 0.5 and fusion["mae"] > 0  # the MAE itself, positive
    assert metrics["test"]["n_samples"] == 15
    assert set(metrics["test"]["models"]) == {"image-only", "fusion"}


def test_evaluate_multilabel_reports_f1_and_hamming(tables, tmp_path):
    train, test = tables
    doc = tmp_path / "m.json"
    res = run_main(
        "evaluate", "--csv", train, *FAST, "--target", "tags",
        "--label-separator", "|", "--test-csv", test,
        "--output", tmp_path / "rep", "--json", doc,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "Hamming loss" in res.stdout.splitlines()[0]
    metrics = json.loads(doc.read_text())
    m = metrics["models"]["fusion"]
    assert 0 <= m["hamming_loss"] < 0.5 and m["micro_f1"] > 0.5
    # the image carries the shape labels: the test figures are real too
    assert metrics["test"]["models"]["fusion"]["micro_f1"] > 0.5


def test_evaluate_with_class_weight(tables, tmp_path):
    train, _ = tables
    res = run_main(
        "evaluate", "--csv", train, *FAST, "--class-weight", "balanced",
        "--output", tmp_path / "rep",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr


def test_train_and_predict_regression(tables, tmp_path):
    train, test = tables
    model = tmp_path / "price.skops"
    res = run_main(
        "train", "--csv", train, *CSV_ARGS, "--target", "price",
        "--task", "regression", "--output", model,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "a numeric target" in res.stdout
    meta = load_model(model).metadata
    assert meta["task"] == "regression" and meta["classifier"] == "ridge"
    out = tmp_path / "pred.csv"
    res = run_main("predict", "--model", model, "--csv", test, "--output", out)
    assert res.returncode == 0, res.stderr
    pred = pd.read_csv(out)
    assert list(pred.columns) == ["prediction"]
    truth = pd.read_csv(test)["price"]
    # far closer than predicting the middle price for every row
    assert mean_absolute_error(truth, pred["prediction"]) < 0.5 * mean_absolute_error(
        truth, np.full(len(truth), 20.0)
    )


def test_train_and_predict_multilabel(tables, tmp_path):
    train, test = tables
    model = tmp_path / "tags.skops"
    res = run_main(
        "train", "--csv", train, *CSV_ARGS, "--target", "tags",
        "--label-separator", "|", "--output", model,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "5 labels" in res.stdout
    meta = load_model(model).metadata
    assert meta["classes"] == ["circle", "odd", "round", "square", "stripe"]
    out = tmp_path / "pred.csv"
    res = run_main("predict", "--model", model, "--csv", test, "--output", out)
    assert res.returncode == 0, res.stderr
    pred = pd.read_csv(out, keep_default_na=False)
    assert list(pred.columns) == ["prediction"] + [
        f"proba_{c}" for c in meta["classes"]
    ]
    for _, row in pred.iterrows():  # the labels are those above 0.5
        above = [c for c in meta["classes"] if row[f"proba_{c}"] > 0.5]
        assert row["prediction"] == ("|".join(above) or "|")  # "|": no label
    shapes = (
        pred["prediction"].str.split("|").apply(lambda s: [t for t in s if t in PRICE])
    )
    truth = pd.read_csv(test)["label"]
    assert np.mean([s == [t] for s, t in zip(shapes, truth)]) > 0.8


@pytest.mark.parametrize(
    "args, match",
    [
        (["--target", "price"], "numbers with fractions .* --task regression"),
        (["--target", "label", "--task", "regression"], "'circle' on line 2"),
        (["--target", "tags", "--task", "multilabel"], "needs --label-separator"),
        (
            ["--target", "label", "--label-separator", "|", "--task", "regression"],
            "--label-separator splits multi-label targets",
        ),
        (
            ["--target", "price", "--task", "regression", "--classifier", "logistic"],
            "needs --classifier ridge",
        ),
        (["--target", "label", "--classifier", "ridge"], "ridge is a regressor"),
        (["--target", "label", "--label-separator", ""], "at least one character"),
        (
            ["--target", "price", "--task", "regression", "--class-weight", "balanced"],
            "^skmultimodal: error: --class-weight balanced weighs classes; --task "
            "regression has none$",
        ),
    ],
)
def test_train_refuses_a_target_that_does_not_fit_the_task(
    tables, tmp_path, args, match
):
    train, _ = tables
    res = run_main(
        "train", "--csv", train, *CSV_ARGS, *args, "--output", tmp_path / "m.skops"
    )
    assert res.returncode == 2
    assert re.search(match, res.stderr, re.MULTILINE), res.stderr


def test_evaluate_refuses_class_weight_with_a_regression(tables, tmp_path):
    train, _ = tables
    res = run_main(
        "evaluate", "--csv", train, *FAST, "--target", "price", "--task",
        "regression", "--class-weight", "balanced", "--output", tmp_path / "r",
    )  # fmt: skip
    assert res.returncode == 2
    assert "--class-weight balanced weighs classes; --task regression" in res.stderr


def test_test_csv_with_an_unknown_label_is_refused(tables, tmp_path):
    train, test = tables
    df = pd.read_csv(test)
    df.loc[0, "tags"] = "circle|gold"
    odd = tmp_path / "odd.csv"
    df.assign(picture=[str(test.parent / p) for p in df["picture"]]).to_csv(
        odd, index=False
    )
    res = run_main(
        "evaluate", "--csv", train, *FAST, "--target", "tags",
        "--label-separator", "|", "--test-csv", odd, "--output", tmp_path / "r",
    )  # fmt: skip
    assert res.returncode == 2
    assert "label 'gold' is not one of the training labels" in res.stderr


def test_bundled_dataset_refuses_other_tasks(tmp_path):
    res = run_main("evaluate", "--task", "regression", "--output", tmp_path / "r")
    assert res.returncode == 2 and "--task needs --csv" in res.stderr


def test_bundled_dataset_refuses_a_group_column(tmp_path):
    # it named a column of no table: the run used plain stratified folds
    res = run_main("evaluate", "--group-column", "g", "--output", tmp_path / "r")
    assert res.returncode == 2
    assert "--group-column needs --csv: it is a column of the CSV" in res.stderr
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


def test_evaluate_with_table_columns_adds_a_tabular_model(tables, tmp_path):
    train, _ = tables
    doc = tmp_path / "m.json"
    res = run_main(
        "evaluate", "--csv", train, *CSV_ARGS, "--cv", "3", "--no-progress",
        "--models", "text-only,tabular-only,fusion", "--target", "label",
        "--numeric-columns", "price", "--output", tmp_path / "r", "--json", doc,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    models = json.loads(doc.read_text())["models"]
    assert models["tabular-only"]["modalities"] == ["tabular"]
    assert models["fusion"]["modalities"] == ["image", "text", "tabular"]
    # the price follows the shape: the table alone nearly always knows it
    assert models["tabular-only"]["accuracy"] > 0.8


def test_tabular_only_needs_table_columns(tables, tmp_path):
    train, _ = tables
    res = run_main(
        "evaluate", "--csv", train, *FAST[:-2], "--models", "tabular-only",
        "--output", tmp_path / "r",
    )  # fmt: skip
    assert res.returncode == 2
    assert "tabular-only needs the tabular columns" in res.stderr


def test_rows_without_any_table_cell_are_refused_with_raise(tables, tmp_path):
    train, _ = tables
    df = pd.read_csv(train)
    df.loc[[3, 7], "price"] = np.nan  # CSV lines 5 and 9
    holes = train.parent / "holes.csv"
    df.to_csv(holes, index=False)
    args = [*FAST, "--numeric-columns", "price", "--output", tmp_path / "r"]
    res = run_main("evaluate", "--csv", holes, *args)
    assert res.returncode == 2
    assert (
        "modality 'tabular' (columns 'price') is empty in 2 row(s), on lines 5 and 9"
    ) in res.stderr
    assert "--missing" in res.stderr
    res = run_main("evaluate", "--csv", holes, *args, "--missing", "mean")
    assert res.returncode == 0, res.stderr


def _empty_set_table(folder):
    """A table whose squares have no tag (a cell holding only the separator,
    the empty set): circles are ``round``, stripes ``lined``."""
    path = write_dataset(folder, n_per_class=8, seed=3)
    df = pd.read_csv(path)
    df["tags"] = df["label"].map({"circle": "round", "square": "|", "stripe": "lined"})
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def tags_model(tmp_path_factory):
    """The table of :func:`_empty_set_table` and a multi-label model trained
    on it: ``(table, model path)``."""
    folder = tmp_path_factory.mktemp("tags")
    data = _empty_set_table(folder / "d")
    model = folder / "tags.skops"
    res = run_main(
        "train", "--csv", data, *CSV_ARGS, "--target", "tags",
        "--label-separator", "|", "--output", model,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    return data, model


def test_predict_writes_an_empty_label_set_that_train_reads_back(tags_model, tmp_path):
    data, model = tags_model
    # next to the table: the kept relative image paths resolve from there
    out = data.parent / "pred.csv"
    for proba in ("--proba", "--no-proba"):
        res = run_main(
            "predict", "--model", model, "--csv", data, "--output", out,
            "--keep-columns", "picture,caption,label", proba,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        pred = pd.read_csv(out, keep_default_na=False)
        squares = pred[pred["label"] == "square"]["prediction"]
        assert len(squares) and (squares == "|").all(), list(squares)
        assert (pred["prediction"] != "").all()
        assert set(pred["prediction"]) == {"round", "|", "lined"}
    # the predictions are a target train takes as it is
    res = run_main(
        "train", "--csv", out, *CSV_ARGS, "--target", "prediction",
        "--label-separator", "|", "--output", tmp_path / "again.skops",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "2 labels" in res.stdout


@pytest.mark.parametrize("task", ["multilabel", "classification"])
def test_featurize_names_class_scores_by_label(tables, tmp_path, task):
    train, _ = tables
    target = ["--target", "tags", "--label-separator", "|"]
    if task == "classification":
        target = ["--target", "label"]
    model = tmp_path / "m.skops"
    res = run_main("train", "--csv", train, *CSV_ARGS, *target, "--output", model)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "features.csv"
    res = run_main("featurize", "--model", model, "--csv", train, "--output", out)
    assert res.returncode == 0, res.stderr
    names = list(pd.read_csv(out, nrows=1).columns)
    classes = load_model(model).metadata["classes"]
    assert names == [
        f"{block}__proba_{c}" for block in ("image", "text", "joint") for c in classes
    ]


def test_featurize_keeps_the_names_of_fused_features(tables, tmp_path):
    train, _ = tables
    model = tmp_path / "m.skops"
    res = run_main(
        "train", "--csv", train, *CSV_ARGS, "--target", "tags",
        "--label-separator", "|", "--method", "concat", "--output", model,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    out = tmp_path / "features.csv"
    res = run_main("featurize", "--model", model, "--csv", train, "--output", out)
    assert res.returncode == 0, res.stderr
    names = list(pd.read_csv(out, nrows=1).columns)
    expected = load_model(model).estimator[:-1].get_feature_names_out()
    assert names == [str(n) for n in expected]  # features, not class scores


def test_test_csv_class_unseen_in_training_is_named_in_a_warning(tables, tmp_path):
    train, test = tables
    df = pd.read_csv(test)
    df.loc[[0, 3], "label"] = "hexagon"  # CSV lines 2 and 5
    odd = tmp_path / "odd.csv"
    df.assign(picture=[str(test.parent / p) for p in df["picture"]]).to_csv(
        odd, index=False
    )
    res = run_main(
        "evaluate", "--csv", train, *FAST, "--test-csv", odd,
        "--output", tmp_path / "r",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    warning = [line for line in res.stderr.splitlines() if "'hexagon'" in line]
    assert len(warning) == 1, res.stderr
    assert "2 of its 15 rows (lines 2 and 5)" in warning[0]
    assert "scored as errors" in warning[0]
    # the classes seen in training: no warning
    res = run_main(
        "evaluate", "--csv", train, *FAST, "--test-csv", test,
        "--output", tmp_path / "r2",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "never occur in the training" not in res.stderr


def test_dask_partitions_name_and_write_label_sets_as_the_commands_do(
    tags_model, tmp_path
):
    # --dask runs the partition functions of skmultimodal.distributed, not
    # the commands' own code: both must give the same columns and cells
    from skmultimodal.distributed import KINDS

    data, model = tags_model
    loaded = load_model(model)
    meta, labels = loaded.metadata, loaded.metadata["classes"]
    table = pd.read_csv(data)
    X = pd.DataFrame(  # as the partition runner hands the model its columns
        {"image": [str(data.parent / p) for p in table["picture"]]}
    ).assign(text=table["caption"])
    features = KINDS["featurize"](loaded.estimator, X, meta, True)
    assert [c for c in features.columns if "__proba_" in c] == [
        f"{block}__proba_{c}" for block in ("image", "text", "joint") for c in labels
    ]
    out = tmp_path / "f.csv"
    res = run_main("featurize", "--model", model, "--csv", data, "--output", out)
    assert res.returncode == 0, res.stderr
    assert list(pd.read_csv(out, nrows=1).columns) == list(features.columns)
    predictions = KINDS["predict"](loaded.estimator, X, meta, True)
    squares = predictions["prediction"][table["label"].to_numpy() == "square"]
    assert len(squares) and (squares == "|").all(), list(squares)


def test_evaluate_help_lists_the_tabular_model():
    res = run_main("evaluate", "--help")
    flat = "".join(res.stdout.split())  # argparse wraps at hyphens and spaces
    assert "tabular-only(withtablecolumns)" in flat
