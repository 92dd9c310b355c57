"""Messages of trial 14: a forgotten --target, image paths none of which
is a file, and a spreadsheet given as --csv."""

import zipfile

import pandas as pd
import pytest

from .conftest import CSV_ARGS, run_main, usage_error, write_dataset


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("trial14")
    write_dataset(root, n_per_class=3)
    return root


def test_forgotten_target_names_the_option(folder):
    df = pd.read_csv(folder / "data.csv").rename(columns={"label": "category"})
    df.to_csv(folder / "category.csv", index=False)
    for command in ("train", "evaluate"):
        out = "m.skops" if command == "train" else folder / "report"
        line = usage_error(
            run_main(command, "--csv", folder / "category.csv", *CSV_ARGS,
                     "--output", out)
        )  # fmt: skip
        assert "column 'label' not found" in line
        assert "'label' is the --target column (default 'label')" in line
        assert "pass --target NAME" in line


@pytest.mark.parametrize("prefix", ["wrong/", "https://cdn.example.com/"])
def test_every_image_path_failing_does_not_suggest_missing(folder, prefix):
    df = pd.read_csv(folder / "data.csv")
    df["picture"] = prefix + df["picture"]
    csv = folder / "paths.csv"
    df.to_csv(csv, index=False)
    args = ["train", "--csv", csv, *CSV_ARGS, "--output", folder / "m.skops"]
    line = usage_error(run_main(*args))
    assert "--missing" not in line
    assert "not one image of column 'picture' can be read" in line
    assert "fix the paths, or leave the image modality out" in line
    relative = "relative to the CSV's folder, " + repr(str(folder.resolve()))
    assert (relative in line) == (prefix == "wrong/")
    assert "(looked for " in line or prefix != "wrong/"
    # following the old advice: one clear refusal, before any fit
    proc = run_main(*args, "--missing", "mean")
    line = usage_error(proc)
    assert "is missing in every row of" in line
    assert "fix the paths, or leave the image modality out" in line
    assert "no 'image' column" in line
    evaluate = ["evaluate", "--csv", csv, *CSV_ARGS, "--missing", "mean"]
    line = usage_error(run_main(*evaluate, "--output", folder / "rep"))
    assert "leave the image modality out (--models text-only)" in line


def test_some_image_paths_failing_still_suggest_missing(folder):
    df = pd.read_csv(folder / "data.csv")
    df.loc[0, "picture"] = "nope.png"
    df.to_csv(folder / "one.csv", index=False)
    line = usage_error(
        run_main("train", "--csv", folder / "one.csv", *CSV_ARGS, "--output", "m.skops")
    )
    assert "--missing mean (or zero, indicator) treats such a path" in line
    assert "not one image" not in line


def test_spreadsheet_given_as_csv(folder):
    xlsx = folder / "data.xlsx"
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>' * 20)
        z.writestr("xl/workbook.xml", "<workbook/>" * 50)
    # the text column only: the default image column is looked for first
    proc = run_main("train", "--csv", xlsx, "--text-column", "caption",
                    "--output", folder / "m.skops")  # fmt: skip
    line = usage_error(proc)
    assert "spreadsheet" in line and "export the sheet as CSV" in line
    assert "iconv" not in line and "UTF-8" not in line
    assert "warning" not in proc.stderr


def test_semicolon_file_gets_no_absent_column_warning(folder):
    df = pd.read_csv(folder / "data.csv").rename(columns={"picture": "image"})
    df.to_csv(folder / "semi.csv", sep=";", index=False)
    proc = run_main("train", "--csv", folder / "semi.csv", "--text-column",
                    "caption", "--output", folder / "m.skops")  # fmt: skip
    line = usage_error(proc)
    assert "separated by ';'" in line
    assert "warning" not in proc.stderr
