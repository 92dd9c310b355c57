"""``skmultimodal predict`` output a pipeline can use: kept input columns,
probabilities on request, CSV / JSON lines / Parquet by suffix, written
chunk by chunk to a temporary file that replaces the output at the end."""

import json

import numpy as np
import pandas as pd
import pytest

from skmultimodal import cli

from .conftest import CSV_ARGS, run_main, write_dataset

CLASSES = ["circle", "square", "stripe"]


@pytest.fixture(scope="module")
def model_and_csv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("predict_output")
    train = write_dataset(folder / "train")
    model = folder / "model.skops"
    args = ["train", "--csv", train, *CSV_ARGS, "--method", "concat"]
    assert cli.main([str(a) for a in [*args, "--output", model]]) == 0
    new = write_dataset(folder / "new", n_per_class=4, seed=1, target=False)
    df = pd.read_csv(new)
    df.insert(0, "sku", [f"SKU-{i:03d}" for i in range(len(df))])
    df.to_csv(new, index=False)
    return model, new


def _predict(model, csv, *extra):
    proc = run_main("predict", "--model", model, "--csv", csv, *CSV_ARGS, *extra)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_chunks_give_the_same_predictions_as_one_pass(model_and_csv, tmp_path):
    model, csv = model_and_csv
    whole = tmp_path / "whole.csv"
    chunked = tmp_path / "chunked.csv"
    _predict(model, csv, "--output", whole)
    proc = _predict(model, csv, "--output", chunked, "--chunk-size", "5")
    assert "12 predictions written" in proc.stdout
    a, b = pd.read_csv(whole), pd.read_csv(chunked)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["prediction"] + [f"proba_{c}" for c in CLASSES]
    # the label is the most probable class
    proba = a[[f"proba_{c}" for c in CLASSES]].to_numpy()
    assert (np.asarray(CLASSES)[proba.argmax(axis=1)] == a["prediction"]).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_id_and_kept_columns_come_first(model_and_csv, tmp_path):
    model, csv = model_and_csv
    out = tmp_path / "pred.csv"
    keep = ["--id-column", "sku", "--keep-columns", "caption,sku", "--no-proba"]
    _predict(model, csv, "--output", out, "--chunk-size", "7", *keep)
    pred = pd.read_csv(out)
    assert list(pred.columns) == ["sku", "caption", "prediction"]
    source = pd.read_csv(csv)
    assert pred["sku"].tolist() == source["sku"].tolist()
    assert pred["caption"].tolist() == source["caption"].tolist()


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_other_formats_hold_the_same_table(model_and_csv, tmp_path, suffix):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow", reason="Parquet output needs pyarrow")
    model, csv = model_and_csv
    reference = tmp_path / "pred.csv"
    _predict(model, csv, "--output", reference, "--id-column", "sku")
    out = tmp_path / f"pred{suffix}"
    args = ["--output", out, "--id-column", "sku", "--chunk-size", "5"]
    _predict(model, csv, *args)
    if suffix == ".jsonl":
        lines = out.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 12 and all(json.loads(line) for line in lines)
        got = pd.read_json(out, lines=True)
    else:
        got = pd.read_parquet(out)
        import pyarrow.parquet as pq

        assert pq.ParquetFile(out).num_row_groups == 3  # one per chunk
    pd.testing.assert_frame_equal(got, pd.read_csv(reference), check_dtype=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [reference.name, out.name]
    )  # no temporary file left


def test_standard_output_streams_csv(model_and_csv):
    model, csv = model_and_csv
    proc = _predict(model, csv, "--chunk-size", "5", "--id-column", "sku")
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("sku,prediction,proba_")
    assert len(lines) == 13  # one header, then 12 rows


def test_a_failing_chunk_leaves_the_previous_output(model_and_csv, tmp_path):
    model, csv = model_and_csv
    bad = tmp_path / "bad.csv"
    df = pd.read_csv(csv)
    df.loc[9, "picture"] = "images/absent.png"  # line 11, in the 2nd chunk
    df.to_csv(bad, index=False)
    (tmp_path / "images").symlink_to(csv.parent / "images")
    out = tmp_path / "pred.jsonl"
    out.write_text("previous\n")
    proc = run_main(
        "predict", "--model", model, "--csv", bad, *CSV_ARGS,
        "--output", out, "--chunk-size", "5",
    )  # fmt: skip
    assert proc.returncode == cli.EXIT_USAGE
    assert "image file not found on line 11" in proc.stderr
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "images", out.name]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--output", "pred.xlsx"], r"must end in \.csv or \.jsonl or \.parquet"),
        (["--chunk-size", "0"], "--chunk-size must be at least 1"),
        (["--keep-columns", ","], "--keep-columns needs at least one column name"),
        (["--id-column", "nope"], "column 'nope' not found"),
        (["--keep-columns", "prediction_src"], "not found"),
    ],
)
def test_bad_options_are_one_line_errors(model_and_csv, tmp_path, extra, message):
    model, csv = model_and_csv
    extra = [str(tmp_path / e) if e.startswith("pred.") else e for e in extra]
    proc = run_main("predict", "--model", model, "--csv", csv, *CSV_ARGS, *extra)
    assert proc.returncode == cli.EXIT_USAGE, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert pytest.importorskip("re").search(message, proc.stderr)


def test_a_kept_column_may_not_shadow_the_predictions(model_and_csv, tmp_path):
    model, csv = model_and_csv
    clash = tmp_path / "clash.csv"
    df = pd.read_csv(csv)
    df["prediction"] = "x"
    df.to_csv(clash, index=False)
    (tmp_path / "images").symlink_to(csv.parent / "images")
    proc = run_main(
        "predict", "--model", model, "--csv", clash, *CSV_ARGS,
        "--keep-columns", "prediction",
    )  # fmt: skip
    assert proc.returncode == cli.EXIT_USAGE
    assert "share a name with the predictions" in proc.stderr


def test_parquet_without_pyarrow_is_refused_before_reading(
    model_and_csv, tmp_path, monkeypatch
):
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    model, csv = model_and_csv
    out = tmp_path / "pred.parquet"
    proc = run_main(
        "predict", "--model", model, "--csv", csv, *CSV_ARGS, "--output", out
    )
    assert proc.returncode == cli.EXIT_USAGE
    assert "skmultimodal[parquet]" in proc.stderr
    assert not out.exists()


def test_train_and_predict_with_a_tabular_modality(tmp_path):
    from skmultimodal.persistence import load_model

    csv = write_dataset(tmp_path / "data")
    df = pd.read_csv(csv)
    rng = np.random.RandomState(0)
    df["price"] = df["label"].map({"circle": 1.0, "square": 2.0, "stripe": 3.0})
    df["price"] += rng.normal(scale=0.1, size=len(df))
    df.loc[2, "price"] = np.nan  # imputed, not a missing modality
    df["brand"] = rng.choice(["x", "y"], len(df))
    df.to_csv(csv, index=False)
    model = tmp_path / "model.skops"
    table = ["--numeric-columns", "price", "--categorical-columns", "brand"]
    proc = run_main("train", "--csv", csv, *CSV_ARGS, *table, "--output", model)
    assert proc.returncode == 0, proc.stderr
    saved = load_model(model)
    assert saved.metadata["numeric_columns"] == ["price"]
    assert saved.metadata["categorical_columns"] == ["brand"]
    fusion = saved.estimator["fusion"]
    assert [n for n, _, _ in fusion.transformers] == ["image", "text", "tabular"]
    out = tmp_path / "pred.csv"
    _predict(model, csv, "--output", out, "--id-column", "group")
    pred = pd.read_csv(out)
    assert len(pred) == len(df) and pred.columns[0] == "group"
    # predict reads the table columns the model was trained with
    no_price = tmp_path / "data" / "no_price.csv"
    df.drop(columns=["price"]).to_csv(no_price, index=False)
    proc = run_main("predict", "--model", model, "--csv", no_price, *CSV_ARGS)
    assert proc.returncode == cli.EXIT_USAGE
    assert "column 'price' not found" in proc.stderr
    both = ["--numeric-columns", "price", "--categorical-columns", "price"]
    proc = run_main("train", "--csv", csv, *CSV_ARGS, *both, "--output", model)
    assert proc.returncode == cli.EXIT_USAGE
    assert "given as both numeric and categorical" in proc.stderr
    # the label given as a feature too: refused, for every command that fits
    for command, option in [
        ("train", "--categorical-columns"),
        ("evaluate", "--numeric-columns"),
        ("train", "--text-column"),
    ]:
        args = [command, "--csv", csv, "--target", "label", *CSV_ARGS]
        if option == "--text-column":  # repeated, it would add a column
            args = [*args[:-2], "--text-column", "label"]
        else:
            args = [*args, option, "label"]
        if command == "train":
            args += ["--output", model]
        proc = run_main(*args)
        assert proc.returncode == cli.EXIT_USAGE, (command, option)
        assert f"--target 'label' is also given in {option}" in proc.stderr


def test_train_class_weight_balanced(tmp_path):
    from skmultimodal.persistence import load_model

    csv = write_dataset(tmp_path / "data")
    model = tmp_path / "model.skops"
    weight = ["--class-weight", "balanced"]
    proc = run_main("train", "--csv", csv, *CSV_ARGS, *weight, "--output", model)
    assert proc.returncode == 0, proc.stderr
    saved = load_model(model)
    assert saved.estimator["classifier"].class_weight == "balanced"
    assert saved.metadata["class_weight"] == "balanced"
    proc = run_main(
        "train", "--csv", csv, *CSV_ARGS, "--class-weight", "often", "--output", model
    )
    assert proc.returncode == cli.EXIT_USAGE
    assert "invalid choice: 'often'" in proc.stderr
