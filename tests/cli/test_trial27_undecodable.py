"""Under ``--missing raise`` (the default), evaluate and train refuse every
undecodable image file of the table before anything is fitted, each named by
its CSV line, instead of the first one a fold's training rows meet."""

import pandas as pd
import pytest

from skmultimodal import cli

from .conftest import CSV_ARGS, run_error


def _broken(csv, rows, name="broken"):
    """The CSV with the images of ``rows`` replaced by files that exist but
    are not images."""
    df = pd.read_csv(csv)
    for row in rows:
        bad = csv.parent / "images" / f"{name}{row}.png"
        bad.write_bytes(b"not an image")
        df.loc[row, "picture"] = f"images/{bad.name}"
    out = csv.parent / f"{name}.csv"
    df.to_csv(out, index=False)
    return out


@pytest.mark.parametrize(
    "command",
    [
        ["evaluate", "--models", "image-only", "--cv", "2"],
        ["train"],
    ],
    ids=["evaluate", "train"],
)
def test_every_undecodable_file_is_named_before_fitting(
    tiny_csv, tmp_path, capsys, command
):
    broken = _broken(tiny_csv, [0, 5, 11])
    out = tmp_path / ("m.skops" if command[0] == "train" else "report")
    argv = [*command, "--csv", broken, *CSV_ARGS, "--output", out]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    # rows 0, 5 and 11 are lines 2, 7 and 13 (the header is line 1)
    assert "3 image file(s) of column 'picture'" in line
    for n, row in ((2, 0), (7, 5), (13, 11)):
        assert f"line {n}, path " in line and f"broken{row}.png" in line
    assert "in fold" not in line  # the table's fault, not one fold's
    assert "Fix or drop the rows, or have them treated as missing" in line
    assert not out.exists()


def test_an_undecodable_file_of_the_test_csv_is_named_by_its_line(
    tiny_csv, tmp_path, capsys
):
    test_csv = _broken(tiny_csv, [3], name="test_broken")
    argv = [
        "evaluate",
        "--csv",
        tiny_csv,
        "--test-csv",
        test_csv,
        *CSV_ARGS,
        "--models",
        "image-only",
        "--output",
        tmp_path / "report",
    ]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    assert f"of {str(test_csv)!r} cannot be decoded: line 5, path" in line
    assert "Fix or drop the row, or have it treated as missing" in line


def test_a_filling_policy_still_reads_them_as_missing(tiny_csv, tmp_path):
    from .conftest import run_main

    broken = _broken(tiny_csv, [0, 5], name="filled")
    proc = run_main(
        "train",
        "--csv",
        broken,
        *CSV_ARGS,
        "--missing",
        "mean",
        "--output",
        tmp_path / "m.skops",
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "m.skops").exists()


def _emptied(csv, column, name):
    df = pd.read_csv(csv)
    df[column] = None
    out = csv.parent / f"{name}.csv"
    df.to_csv(out, index=False)
    return out, len(df)


@pytest.mark.parametrize("policy", ["raise", "mean"])
def test_an_image_column_empty_in_every_row_says_so(tiny_csv, tmp_path, capsys, policy):
    """Not a list of every line with a policy to fill them (which would fill
    every row), nor a note on relative paths: the column is empty."""
    empty, n = _emptied(tiny_csv, "picture", f"no_pictures_{policy}")
    argv = ["evaluate", "--csv", empty, *CSV_ARGS, "--missing", policy]
    status, line = run_error([*argv, "--output", tmp_path / "report"], capsys)
    assert status == cli.EXIT_USAGE
    assert (
        f"modality 'image' (column 'picture') is empty in every row of "
        f"{str(empty)!r} ({n} rows)" in line
    )
    assert line.endswith(
        "fill the column, or leave the image modality out (--models text-only)"
    )
    assert "relative to" not in line and "on lines" not in line


def test_a_text_column_empty_in_every_row_says_how_train_leaves_it_out(
    tiny_csv, tmp_path, capsys
):
    empty, n = _emptied(tiny_csv, "caption", "no_captions")
    argv = ["train", "--csv", empty, *CSV_ARGS, "--missing", "zero"]
    status, line = run_error([*argv, "--output", tmp_path / "m.skops"], capsys)
    assert status == cli.EXIT_USAGE
    assert "modality 'text' (column 'caption') is empty in every row" in line
    assert line.endswith(
        "(train leaves it out when the CSV has no 'text' column and no "
        "--text-column is given)"
    )


def test_a_test_csv_without_images_is_scored(tiny_csv, tmp_path):
    """Only the training table needs a modality to fit on: a test table whose
    image column is empty is scored from its text, under a filling policy."""
    from .conftest import run_main

    empty, _ = _emptied(tiny_csv, "picture", "test_no_pictures")
    proc = run_main(
        "evaluate",
        "--csv",
        tiny_csv,
        "--test-csv",
        empty,
        *CSV_ARGS,
        "--missing",
        "mean",
        "--models",
        "fusion",
        "--output",
        tmp_path / "r",
    )
    assert proc.returncode == 0, proc.stderr
