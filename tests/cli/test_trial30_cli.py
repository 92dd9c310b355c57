"""A catalogue with product titles written as numbers, a model saved before
it was fitted, column names with spaces and commas, and options checked
before anything is read."""

import numpy as np
import pandas as pd
import pytest

from skmultimodal import cli

from .conftest import CSV_ARGS, run_error, run_main, write_dataset


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A folder with the tiny dataset and a model trained on it."""
    folder = tmp_path_factory.mktemp("numbers_shop")
    csv = write_dataset(folder, n_per_class=4)
    model = folder / "m.skops"
    res = run_main("train", "--csv", csv, *CSV_ARGS, "--output", model)
    assert res.returncode == 0, res.stderr
    return folder, csv, model


def _titles(csv, titles, name):
    """The table of ``csv`` without its target, its captions ``titles``."""
    df = pd.read_csv(csv).drop(columns=["label", "group"])
    df["caption"] = [titles[i % len(titles)] for i in range(len(df))]
    out = csv.parent / name
    df.to_csv(out, index=False)
    return out


def _predict(model, csv, out, *options):
    res = run_main("predict", "--model", model, "--csv", csv, "--output", out, *options)
    assert res.returncode == 0, res.stderr
    return pd.read_csv(out, dtype={"prediction": str})


# -------------------------------------------- titles written as numbers ---
def test_titles_of_digits_are_texts_at_predict_whatever_the_chunk_size(shop, tmp_path):
    from skmultimodal.persistence import load_model

    folder, csv, model = shop
    digits = _titles(csv, ["2024", "17", "007", "3"], "digits.csv")
    whole = _predict(model, digits, tmp_path / "whole.csv")
    one = _predict(model, digits, tmp_path / "one.csv", "--chunk-size", "1")
    # the whole file read in one go, its titles as texts, as written
    df = pd.read_csv(digits, dtype=str)
    X = pd.DataFrame(
        {"image": [str(folder / p) for p in df["picture"]], "text": df["caption"]}
    )
    est = load_model(model).estimator
    expected = est.predict_proba(X)
    for got in (whole, one):
        assert got["prediction"].tolist() == [str(c) for c in est.predict(X)]
        np.testing.assert_allclose(
            got.filter(like="proba_").to_numpy(), expected, atol=1e-12
        )


def test_a_chunk_of_digit_titles_among_texts_does_not_change_predictions(
    shop, tmp_path
):
    folder, csv, model = shop
    mixed = _titles(csv, ["2024", "round ball", "box tile", "1.50"], "mixed.csv")
    whole = _predict(model, mixed, tmp_path / "whole.csv")
    for size in ("1", "2"):
        chunked = _predict(
            model, mixed, tmp_path / f"c{size}.csv", "--chunk-size", size
        )
        assert chunked["prediction"].tolist() == whole["prediction"].tolist()
        np.testing.assert_allclose(
            chunked.filter(like="proba_"), whole.filter(like="proba_"), atol=1e-12
        )


def test_featurize_reads_digit_titles_as_texts_in_every_chunk(shop, tmp_path):
    folder, csv, model = shop
    digits = _titles(csv, ["2024", "17"], "digits_f.csv")
    out = {}
    for size in ("1", "10000"):
        out[size] = tmp_path / f"f{size}.csv"
        res = run_main(
            "featurize", "--model", model, "--csv", digits, "--chunk-size", size,
            "--output", out[size],
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
    np.testing.assert_allclose(
        pd.read_csv(out["1"]).to_numpy(), pd.read_csv(out["10000"]).to_numpy()
    )


def test_train_out_of_core_refuses_numbers_by_the_whole_file_not_a_chunk(
    shop, tmp_path, capsys
):
    folder, csv, _ = shop
    df = pd.read_csv(csv)
    df.loc[0, "caption"] = "2024"  # chunk 1 is this row alone: a title
    first = folder / "first_digits.csv"
    df.to_csv(first, index=False)
    options = [*CSV_ARGS, "--chunk-size", "1", "--epochs", "1"]
    res = run_main("train", "--csv", first, *options, "--output", tmp_path / "m.skops")
    assert res.returncode == 0, res.stderr
    # a column of numbers in every chunk is still the wrong column
    df["caption"] = range(len(df))
    numbers = folder / "all_numbers.csv"
    df.to_csv(numbers, index=False)
    argv = ["train", "--csv", numbers, *options, "--output", tmp_path / "n.skops"]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    assert "text column 'caption'" in line and "holds numbers, not texts" in line
    assert "(line 2: 0)" in line and "--text-column" in line
    assert not (tmp_path / "n.skops").exists()


# ------------------------------------------------ a model never fitted ---
@pytest.mark.parametrize("command", ["predict", "featurize"])
def test_a_model_saved_before_fitting_is_refused(shop, tmp_path, capsys, command):
    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.persistence import save_model

    _, csv, _ = shop
    unfit = save_model(make_multimodal_pipeline(), tmp_path / "unfit.skops")
    argv = [command, "--model", unfit, "--csv", csv, *CSV_ARGS]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    doing = {"predict": "predicting", "featurize": "featurizing"}[command]
    assert (
        f"model file {str(unfit)!r} holds an estimator that was never fitted: "
        f"fit it (skmultimodal train ...) before {doing}"
    ) in line


# ------------------------------------- column names with spaces, commas ---
@pytest.fixture(scope="module")
def odd(shop):
    """The tiny table with a column ``' colour'`` (a space before it) and a
    column ``'price, EUR'`` (a comma in it)."""
    folder, csv, _ = shop
    df = pd.read_csv(csv)
    df[" colour"] = ["red", "blue", "green"] * (len(df) // 3)
    df["price, EUR"] = np.arange(len(df)) * 1.5
    path = folder / "odd.csv"
    df.to_csv(path, index=False)
    return path


def _train(odd, out, *options):
    return run_main("train", "--csv", odd, *CSV_ARGS, "--output", out, *options)


def _tabular_of(model):
    from skmultimodal.persistence import load_model

    meta = load_model(model).metadata
    return meta["numeric_columns"], meta["categorical_columns"]


def test_a_whole_option_value_that_is_a_column_is_that_column(odd, tmp_path):
    model = tmp_path / "m.skops"
    res = _train(
        odd, model, "--categorical-columns", " colour", "--numeric-columns",
        "price, EUR",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert _tabular_of(model) == (["price, EUR"], [" colour"])


def test_a_listed_name_is_taken_with_its_spaces_when_only_that_is_a_column(
    odd, tmp_path
):
    model = tmp_path / "m.skops"
    res = _train(odd, model, "--categorical-columns", "group, colour")
    assert res.returncode == 0, res.stderr
    assert _tabular_of(model) == ([], ["group", " colour"])


@pytest.mark.parametrize("value", ['"price, EUR"', "price, EUR,group"])
def test_a_name_with_a_comma_split_by_the_option_is_named(odd, tmp_path, capsys, value):
    argv = [
        "train", "--csv", odd, *CSV_ARGS, "--output", tmp_path / "m.skops",
        "--numeric-columns", value,
    ]  # fmt: skip
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    assert f"--numeric-columns {value!r}:" in line and "not found in" in line
    assert (
        "'price, EUR' is a column: a name with a comma must be the whole value "
        "of the option"
    ) in line


def test_keep_columns_takes_a_column_with_a_comma(shop, odd, tmp_path):
    _, _, model = shop
    out = tmp_path / "p.csv"
    res = run_main(
        "predict", "--model", model, "--csv", odd, "--keep-columns", "price, EUR",
        "--output", out,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    pred = pd.read_csv(out)
    assert pred.columns[0] == "price, EUR"
    assert pred["price, EUR"].tolist() == pd.read_csv(odd)["price, EUR"].tolist()


def test_keep_columns_takes_a_column_with_spaces_around(shop, odd, tmp_path):
    _, _, model = shop
    out = tmp_path / "p.csv"
    res = run_main(
        "predict", "--model", model, "--csv", odd, "--keep-columns", "group, colour",
        "--output", out,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert pd.read_csv(out).columns[:2].tolist() == ["group", " colour"]


# ------------------------------------------- options checked up front ---
@pytest.mark.parametrize("k", ["1", "0"])
def test_evaluate_cv_is_checked_before_the_csv_is_read(tmp_path, capsys, k):
    argv = [
        "evaluate", "--csv", tmp_path / "nope.csv", *CSV_ARGS, "--cv", k,
        "--output", tmp_path / "report",
    ]  # fmt: skip
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    assert line == f"skmultimodal: error: --cv must be at least 2, got {k}"


def test_predict_output_that_is_a_folder_is_named_a_folder(shop, tmp_path, capsys):
    _, csv, model = shop
    folder = tmp_path / "out"
    folder.mkdir()
    argv = ["predict", "--model", model, "--csv", csv, "--output", folder]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    assert f"--output {str(folder)!r}: it is a folder, not a file" in line
    assert "must end in" not in line


def test_evaluate_names_test_csv_that_does_not_exist(shop, tmp_path, capsys):
    _, csv, _ = shop
    nope = tmp_path / "nope.csv"
    argv = [
        "evaluate", "--csv", csv, *CSV_ARGS, "--test-csv", nope, "--models",
        "text-only", "--output", tmp_path / "report",
    ]  # fmt: skip
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    assert f"cannot read --test-csv {str(nope)!r}: no such file" in line
    assert not (tmp_path / "report").exists()


# ------------------------------------ a model saved with some metadata only ---
def test_a_model_saved_naming_its_image_and_text_columns_keeps_its_table(
    tmp_path,
):
    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.persistence import save_model

    csv = write_dataset(tmp_path, n_per_class=6)
    df = pd.read_csv(csv)
    df["price"] = np.arange(len(df), dtype=float) % 5
    df["brand"] = np.where(np.arange(len(df)) % 2, "acme", "bolt")
    X = pd.DataFrame(
        {
            "image": [str(tmp_path / p) for p in df["picture"]],
            "text": df["caption"],
            "price": df["price"],
            "brand": df["brand"],
        }
    )
    est = make_multimodal_pipeline(
        tabular={"numeric": ["price"], "categorical": ["brand"]}, random_state=0
    ).fit(X, df["label"])
    model = tmp_path / "m.skops"
    # as a user saves it, naming the file's image and text columns only
    save_model(
        est, model, metadata={"image_column": "picture", "text_column": "caption"}
    )
    table = tmp_path / "new.csv"
    df.drop(columns=["label"]).to_csv(table, index=False)
    got = _predict(model, table, tmp_path / "pred.csv")
    assert got["prediction"].tolist() == [str(c) for c in est.predict(X)]
