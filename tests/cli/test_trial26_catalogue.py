"""A product catalogue tried on the command line: a Parquet column of image
bytes, an image column empty in every row, scores that do not fit the task,
names given twice, and a spread of rounding noise."""

import pandas as pd
import pytest

from skmultimodal.report import _mean_std

from .conftest import CSV_ARGS, run_main, write_dataset


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shop")
    csv = write_dataset(folder, n_per_class=6)
    model = folder / "m.skops"
    res = run_main(
        "train", "--csv", csv, *CSV_ARGS, "--missing", "mean", "--output", model
    )
    assert res.returncode == 0, res.stderr
    return folder, csv, model


def test_a_parquet_column_of_image_bytes_is_read_as_images(shop, tmp_path):
    # before: each value was made a path "b'\\x89PNG...'", every image missing
    folder, csv, model = shop
    df = pd.read_csv(csv).drop(columns=["label", "group"])
    as_paths = tmp_path / "paths.csv"
    df.to_csv(as_paths, index=False)
    df["picture"] = [(folder / p).read_bytes() for p in df["picture"]]
    parquet = tmp_path / "bytes.parquet"
    df.to_parquet(parquet, index=False)
    out = {}
    for name, option, source in (
        ("bytes", "--parquet", parquet), ("paths", "--csv", csv),
    ):  # fmt: skip
        out[name] = tmp_path / f"{name}.csv"
        res = run_main(
            "predict", "--model", model, option, source, *CSV_ARGS,
            "--output", out[name],
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        assert "warning" not in res.stderr, res.stderr
    pd.testing.assert_frame_equal(pd.read_csv(out["bytes"]), pd.read_csv(out["paths"]))


def test_an_image_column_empty_in_every_row_is_warned_of(shop, tmp_path):
    folder, csv, model = shop
    df = pd.read_csv(csv)
    df["picture"] = ""
    empty = folder / "noimg.csv"
    df.to_csv(empty, index=False)
    res = run_main(
        "predict", "--model", model, "--csv", empty, *CSV_ARGS,
        "--output", tmp_path / "p.csv", "--chunk-size", "5",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "column 'picture' of" in res.stderr
    assert "is empty in all 18 rows" in res.stderr
    assert res.stderr.count("is empty in all") == 1
    res = run_main(
        "predict", "--model", model, "--csv", csv, *CSV_ARGS,
        "--output", tmp_path / "q.csv", "--chunk-size", "5",
    )  # fmt: skip
    assert "is empty in all" not in res.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--scoring", "r2"], "r2 scores a regression and this target is classes"),
        (["--scoring", "f1"], "use its averages: f1_macro"),
        (["--models", "text-only,text-only"], "--models: 'text-only' is given twice"),
    ],
)
def test_options_that_do_not_fit_are_named(shop, tmp_path, extra, message):
    _, csv, _ = shop
    res = run_main(
        "evaluate", "--csv", csv, *CSV_ARGS, "--cv", "3", "--no-progress",
        "--output", tmp_path / "r", *extra,
    )  # fmt: skip
    assert res.returncode == 2
    assert message in res.stderr


def test_a_classes_score_on_a_regression_says_so(shop, tmp_path):
    _, csv, _ = shop
    df = pd.read_csv(csv)
    df["price"] = range(len(df))
    priced = csv.parent / "priced.csv"  # its image paths relative to it
    df.to_csv(priced, index=False)
    res = run_main(
        "evaluate", "--csv", priced, *CSV_ARGS, "--target", "price", "--task",
        "regression", "--scoring", "accuracy", "--output", tmp_path / "r",
    )  # fmt: skip
    assert res.returncode == 2
    assert "accuracy scores classes and this is a regression" in res.stderr


def test_a_spread_of_rounding_noise_is_written_at_the_means_precision():
    assert _mean_std({"a": 0.988, "a_std": 1.11e-16}, "a") == "0.988 ± 0.000"
    assert _mean_std({"a": 0.98, "a_std": 0.0123}, "a") == "0.980 ± 0.012"
    assert _mean_std({"a": 2e-5, "a_std": 4e-6}, "a") == "2e-05 ± 4e-06"


def test_every_infinite_number_is_named_before_any_fold(shop, tmp_path):
    # before: found inside fold 1, one column at a time, counted in the fold
    _, csv, _ = shop
    df = pd.read_csv(csv)
    df["price"], df["stock"] = 1.0, 2.0
    df = df.astype({"price": object, "stock": object})
    df.loc[3, "price"] = "1e400"  # read as inf
    df.loc[[5, 6], "stock"] = ["inf", "-Infinity"]
    bad = csv.parent / "inf.csv"
    df.to_csv(bad, index=False)
    res = run_main(
        "evaluate", "--csv", bad, *CSV_ARGS, "--numeric-columns", "price,stock",
        "--cv", "3", "--no-progress", "--output", tmp_path / "r",
    )  # fmt: skip
    assert res.returncode == 2
    err = res.stderr
    infinite = "that are infinite (or beyond ±1.8e308, too large for a float)"
    assert f"'price' holds 1 cell(s) {infinite}, the first on line 5" in err
    assert f"'stock' holds 2 cell(s) {infinite}, the first on line 7" in err
    assert "fold" not in err
