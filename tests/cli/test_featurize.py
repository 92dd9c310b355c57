"""``skmultimodal featurize``: the features a saved model's final estimator
receives (``model[:-1].transform``), dense float32 columns named by
``get_feature_names_out()``, written chunk by chunk to a temporary file that
replaces the output only once every row is written."""

import json

import numpy as np
import pandas as pd
import pytest

from skmultimodal import cli
from skmultimodal.datasets._table import load_table
from skmultimodal.persistence import load_model

from .conftest import CSV_ARGS, run_main, write_dataset


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """Two saved models (``concat``: sparse fused features; the default
    ``stack``: dense class scores) and a new CSV of 12 rows with an id."""
    folder = tmp_path_factory.mktemp("featurize")
    train = write_dataset(folder / "train")
    models = {}
    for method in ("concat", "stack"):
        models[method] = folder / f"{method}.skops"
        args = ["train", "--csv", train, *CSV_ARGS, "--method", method]
        assert cli.main([str(a) for a in [*args, "--output", models[method]]]) == 0
    new = write_dataset(folder / "new", n_per_class=4, seed=1, target=False)
    df = pd.read_csv(new)
    df.insert(0, "sku", [f"SKU-{i:03d}" for i in range(len(df))])
    df.to_csv(new, index=False)
    return models, new


def _featurize(model, csv, *extra):
    proc = run_main("featurize", "--model", model, "--csv", csv, *CSV_ARGS, *extra)
    assert proc.returncode == 0, proc.stderr
    return proc


def _expected(model, csv):
    """``model[:-1].transform`` of the whole table, dense, and the names."""
    est = load_model(model).estimator
    X, _, _ = load_table(csv, image_column="picture", text_column="caption")
    Z = est[:-1].transform(X)
    Z = Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z)
    return Z, [str(n) for n in est[:-1].get_feature_names_out()]


@pytest.mark.parametrize("method", ["concat", "stack"])
def test_features_are_the_pipeline_transform(data, tmp_path, method):
    pytest.importorskip("pyarrow", reason="Parquet output needs pyarrow")
    models, csv = data
    out = tmp_path / "features.parquet"
    proc = _featurize(models[method], csv, "--output", out, "--id-column", "sku")
    Z, names = _expected(models[method], csv)
    assert f"12 rows of {len(names)} features written to {out}" in proc.stdout
    got = pd.read_parquet(out)
    assert list(got.columns) == ["sku", *names]
    assert got["sku"].tolist() == pd.read_csv(csv)["sku"].tolist()
    features = got[names]
    assert (features.dtypes == np.float32).all()
    np.testing.assert_allclose(features.to_numpy(), Z, rtol=1e-6, atol=1e-7)
    assert Z.shape == (12, len(names)) and np.abs(Z).sum() > 0


def test_chunk_size_does_not_change_the_features(data, tmp_path):
    pytest.importorskip("pyarrow", reason="Parquet output needs pyarrow")
    import pyarrow.parquet as pq

    models, csv = data
    whole, chunked = tmp_path / "whole.parquet", tmp_path / "chunked.parquet"
    _featurize(models["concat"], csv, "--output", whole)
    _featurize(models["concat"], csv, "--output", chunked, "--chunk-size", "5")
    assert pq.ParquetFile(chunked).num_row_groups == 3  # 5 + 5 + 2 rows
    pd.testing.assert_frame_equal(pd.read_parquet(whole), pd.read_parquet(chunked))


def test_csv_jsonl_and_standard_output_hold_the_same_table(data, tmp_path):
    models, csv = data
    Z, names = _expected(models["stack"], csv)
    keep = ["--id-column", "sku", "--keep-columns", "caption", "--chunk-size", "7"]
    for suffix in (".csv", ".jsonl"):
        out = tmp_path / f"features{suffix}"
        _featurize(models["stack"], csv, "--output", out, *keep)
        if suffix == ".jsonl":
            lines = out.read_text(encoding="utf-8").splitlines()
            assert len(lines) == 12 and all(json.loads(line) for line in lines)
            got = pd.read_json(out, lines=True)
        else:
            got = pd.read_csv(out)
        assert list(got.columns) == ["sku", "caption", *names]
        np.testing.assert_allclose(got[names].to_numpy(), Z, rtol=1e-5, atol=1e-6)
    proc = _featurize(models["stack"], csv, *keep)  # no --output: CSV on stdout
    lines = proc.stdout.splitlines()
    assert lines[0] == ",".join(["sku", "caption", *names])
    assert len(lines) == 13
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "features.csv",
        "features.jsonl",
    ]  # no temporary file left


def test_an_unreadable_image_mid_file_leaves_no_output(data, tmp_path):
    models, csv = data
    bad = tmp_path / "bad.csv"
    df = pd.read_csv(csv)
    df.loc[9, "picture"] = "images/absent.png"  # line 11, in the 2nd chunk
    df.to_csv(bad, index=False)
    (tmp_path / "images").symlink_to(csv.parent / "images")
    out = tmp_path / "features.csv"
    proc = run_main(
        "featurize", "--model", models["concat"], "--csv", bad, *CSV_ARGS,
        "--output", out, "--chunk-size", "5", "--missing", "raise",
    )  # fmt: skip
    assert proc.returncode == cli.EXIT_USAGE
    assert "image file not found on line 11 of column 'picture'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "images"]


def test_an_interrupted_run_leaves_the_previous_output(data, tmp_path, monkeypatch):
    from skmultimodal.fusion import ModalityFusion

    models, csv = data
    out = tmp_path / "features.csv"
    out.write_text("previous\n")
    real_transform = ModalityFusion.transform
    calls = []

    def interrupted_on_the_second_chunk(self, X, *args, **kwargs):
        calls.append(len(X))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_transform(self, X, *args, **kwargs)

    monkeypatch.setattr(ModalityFusion, "transform", interrupted_on_the_second_chunk)
    proc = run_main(
        "featurize", "--model", models["concat"], "--csv", csv, *CSV_ARGS,
        "--output", out, "--chunk-size", "5",
    )  # fmt: skip
    assert proc.returncode == 130
    assert "interrupted" in proc.stderr
    assert calls == [5, 5]  # the first chunk was written, to the temporary file
    assert out.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["features.csv"]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--output", "features.xlsx"], r"must end in \.csv or \.jsonl or \.parquet"),
        (["--chunk-size", "0"], "--chunk-size must be at least 1"),
        (["--id-column", "nope"], "column 'nope' not found"),
        (["--image-column", "photo"], "column 'photo' not found in .*new/data.csv"),
        (["--keep-columns", ","], "--keep-columns needs at least one column name"),
    ],
)
def test_bad_options_are_one_line_errors(data, tmp_path, extra, message):
    import re

    models, csv = data
    extra = [str(tmp_path / e) if e.startswith("features.") else e for e in extra]
    # a repeated --image-column adds a column: CSV_ARGS's is left out then
    columns = ["--text-column", "caption"] if "--image-column" in extra else CSV_ARGS
    proc = run_main(
        "featurize", "--model", models["concat"], "--csv", csv, *columns, *extra
    )
    assert proc.returncode == cli.EXIT_USAGE, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert re.search(message, proc.stderr), proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_kept_column_may_not_shadow_a_feature(data, tmp_path):
    models, csv = data
    _, names = _expected(models["stack"], csv)
    clash = tmp_path / "clash.csv"
    df = pd.read_csv(csv)
    df[names[0]] = "x"
    df.to_csv(clash, index=False)
    proc = run_main(
        "featurize", "--model", models["stack"], "--csv", clash, *CSV_ARGS,
        "--keep-columns", names[0],
    )  # fmt: skip
    assert proc.returncode == cli.EXIT_USAGE
    assert f"kept column(s) {names[0]!r} would share a name with the features" in (
        proc.stderr
    )


def test_a_model_that_is_not_a_pipeline_is_refused(data, tmp_path):
    from sklearn.linear_model import LogisticRegression

    from skmultimodal.persistence import save_model

    models, csv = data
    model = tmp_path / "plain.skops"
    save_model(LogisticRegression().fit([[0.0], [1.0]], [0, 1]), model)
    proc = run_main("featurize", "--model", model, "--csv", csv, *CSV_ARGS)
    assert proc.returncode == cli.EXIT_USAGE
    assert "needs a fitted pipeline of at least two steps" in proc.stderr
    assert "got sklearn.LogisticRegression" in proc.stderr


def test_feature_table_is_the_library_function(data):
    from skmultimodal.model_selection._models import feature_names, feature_table

    models, csv = data
    est = load_model(models["concat"]).estimator
    X, _, _ = load_table(csv, image_column="picture", text_column="caption")
    X = X.set_index(X.index + 100)  # kept as it is
    before = X.copy()
    table = feature_table(est, X)
    Z, names = _expected(models["concat"], csv)
    assert list(table.columns) == names == feature_names(est)
    assert table.index.tolist() == X.index.tolist()
    np.testing.assert_allclose(table.to_numpy(), Z, rtol=1e-6, atol=1e-7)
    pd.testing.assert_frame_equal(X, before)  # the input is not mutated
    with pytest.raises(ValueError, match="2 column names for"):
        feature_table(est, X, columns=["a", "b"])
    with pytest.raises(ValueError, match="got sklearn.Pipeline of 1 step"):
        feature_table(est[:1], X)


def test_an_out_of_core_model_warns_of_a_wide_output_and_n_features_narrows_it(
    data, tmp_path
):
    _, new = data
    train = new.parent.parent / "train" / "data.csv"
    args = ["train", "--csv", train, *CSV_ARGS, "--chunk-size", "8"]
    wide, narrow = tmp_path / "wide.skops", tmp_path / "narrow.skops"
    assert run_main(*args, "--output", wide).returncode == 0
    proc = run_main(*args, "--n-features", "32", "--output", narrow)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "features.csv"
    proc = _featurize(wide, new, "--output", out)
    width = len(_expected(wide, new)[1])
    assert width > 2 * 65_536  # words and character n-grams, hashed
    assert f"warning: the model gives {width:,} features per row" in proc.stderr
    assert "train it with --n-features" in proc.stderr
    proc = _featurize(narrow, new, "--output", out)
    assert "warning" not in proc.stderr
    names = pd.read_csv(out, nrows=0).columns
    assert len(names) == len(_expected(narrow, new)[1]) == width - 2 * (65_536 - 32)
    assert load_model(narrow).metadata["n_features"] == 32


def test_n_features_without_chunk_size_is_refused(data, tmp_path):
    _, new = data
    train = new.parent.parent / "train" / "data.csv"
    args = ["train", "--csv", train, *CSV_ARGS, "--output", tmp_path / "m.skops"]
    proc = run_main(*args, "--n-features", "32")
    assert proc.returncode == 2 and "pass --chunk-size too" in proc.stderr
    proc = run_main(*args, "--n-features", "0", "--chunk-size", "8")
    assert proc.returncode == 2 and "--n-features must be at least 1" in proc.stderr
