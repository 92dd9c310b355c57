"""With ``--missing raise`` (the default), every problem of the table that
the policy refuses -- image paths that are absent, directories or other
non-regular files, and empty cells of each modality -- is named in one
error, grouped by kind and column, before anything is fitted or written.
In-process (``cli.main``)."""

import os

import numpy as np
import pandas as pd
import pytest

from skmultimodal import cli

from .conftest import CSV_ARGS, run_error, write_dataset

#: Where the problems of :func:`bad_csv` are, as CSV lines (the header is
#: line 1, so row ``i`` of the table is line ``i + 2``).
ABSENT_LINES = (7, 11)
DIRECTORY_LINE = 9
EMPTY_IMAGE_LINE = 4
EMPTY_TEXT_LINE = 14


def _edited(csv, name, edit):
    """A copy of ``csv`` beside it, named ``name``, with ``edit(df)``."""
    df = pd.read_csv(csv)
    edit(df)
    out = csv.parent / name
    df.to_csv(out, index=False)
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("table_problems")
    write_dataset(folder)
    (folder / "images" / "adir.png").mkdir()  # a directory named like an image
    return folder


@pytest.fixture(scope="module")
def bad_csv(folder):
    def edit(df):
        for line in ABSENT_LINES:
            df.loc[line - 2, "picture"] = f"images/absent_{line}.png"
        df.loc[DIRECTORY_LINE - 2, "picture"] = "images/adir.png"
        df.loc[EMPTY_IMAGE_LINE - 2, "picture"] = None
        df.loc[EMPTY_TEXT_LINE - 2, "caption"] = None

    return _edited(folder / "data.csv", "bad.csv", edit)


@pytest.fixture(scope="module")
def model(folder):
    path = folder / "model.skops"
    argv = ["train", "--csv", folder / "data.csv", *CSV_ARGS, "--method", "concat"]
    assert cli.main([str(a) for a in [*argv, "--output", path]]) == 0
    return path


def _parts(line):
    """The positions, in the error line, of the parts of every kind."""
    first, second = ABSENT_LINES
    parts = [
        # the first row of a kind with its cell, the others by line
        "image file not found on line 7 of column 'picture': "
        f"'images/absent_{first}.png' (looked for '",
        f", and on line {second}; ",
        f"image path on line {DIRECTORY_LINE} of column 'picture' is a "
        "directory, not an image file: 'images/adir.png'",
        "modality 'image' (column 'picture') is empty in 1 row(s), on line "
        f"{EMPTY_IMAGE_LINE}; ",
        "modality 'text' (column 'caption') is empty in 1 row(s), on line "
        f"{EMPTY_TEXT_LINE} of '",
        "with --missing raise every row needs every modality: pass --missing "
        "zero, mean or indicator",
    ]
    for part in parts:
        assert part in line, (part, line)
    return [line.index(part) for part in parts]


COMMANDS = {
    "train": ["train", "--output", "{tmp}/m.skops"],
    "train --chunk-size": [
        "train",
        "--output",
        "{tmp}/m.skops",
        "--chunk-size",
        "100",
    ],
    "evaluate": ["evaluate", "--output", "{tmp}/report"],
    "predict": ["predict", "--model", "{model}", "--output", "{tmp}/p.csv"],
    "predict --chunk-size": [
        "predict",
        "--model",
        "{model}",
        "--output",
        "{tmp}/p.csv",
        "--chunk-size",
        "100",
    ],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_problem_of_the_table_in_one_message(
    command, bad_csv, model, tmp_path, capsys
):
    argv = [a.format(tmp=tmp_path, model=model) for a in COMMANDS[command]] + [
        "--csv",
        bad_csv,
        *CSV_ARGS,
    ]
    if command.startswith(("train", "evaluate")):
        argv += ["--target", "label"]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    positions = _parts(line)
    assert positions == sorted(positions)  # by kind, then by column
    assert str(bad_csv) in line and "(index" not in line
    assert list(tmp_path.iterdir()) == []  # refused before anything is written


@pytest.mark.parametrize("command", ["train", "predict"])
def test_chunked_reading_names_every_problem_of_the_chunk(
    command, bad_csv, model, tmp_path, capsys
):
    """With --chunk-size, the problems are checked a chunk at a time: the
    first chunk (lines 2 to 11) is refused with all of its problems."""
    argv = [command, "--csv", bad_csv, *CSV_ARGS, "--chunk-size", "10"]
    if command == "train":
        argv += ["--target", "label", "--output", tmp_path / "m.skops"]
    else:
        argv += ["--model", model, "--output", tmp_path / "p.csv"]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    assert "image file not found on line 7 of column 'picture'" in line
    assert ", and on line 11; " in line
    assert f"on line {DIRECTORY_LINE} of column 'picture' is a directory" in line
    assert "modality 'image' (column 'picture') is empty in 1 row(s), on line 4" in (
        line
    )
    assert list(tmp_path.iterdir()) == []


def test_a_directory_alone_is_named_as_a_directory(folder, tmp_path, capsys):
    def edit(df):
        df.loc[DIRECTORY_LINE - 2, "picture"] = "images/adir.png"

    csv = _edited(folder / "data.csv", "dir_only.csv", edit)
    argv = ["train", "--csv", csv, *CSV_ARGS, "--output", tmp_path / "m.skops"]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    assert (
        f"image path on line {DIRECTORY_LINE} of column 'picture' is a directory, "
        "not an image file: 'images/adir.png'"
    ) in line
    assert "not found" not in line
    # only paths to fix: the policy that treats them as missing images
    assert "--missing mean (or zero, indicator) treats such a path" in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="os.mkfifo needs POSIX")
def test_a_named_pipe_is_not_an_image_file(folder, tmp_path, capsys):
    os.mkfifo(tmp_path / "pipe.png")

    def edit(df):
        df.loc[3, "picture"] = str(tmp_path / "pipe.png")

    csv = _edited(folder / "data.csv", "pipe.csv", edit)
    argv = ["train", "--csv", csv, *CSV_ARGS, "--output", tmp_path / "m.skops"]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    assert "image path on line 5 of column 'picture' is not a regular file" in line
    assert not (tmp_path / "m.skops").exists()


def test_long_lists_of_lines_are_shortened(tmp_path, capsys):
    csv = write_dataset(tmp_path / "many", n_per_class=12)

    def edit(df):
        df.loc[:24, "picture"] = [f"images/gone_{i}.png" for i in range(25)]

    csv = _edited(csv, "gone.csv", edit)
    argv = ["train", "--csv", csv, *CSV_ARGS, "--output", tmp_path / "m.skops"]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    # the first by its cell, the next 20 by line, then a count
    assert (
        "image file not found on line 2 of column 'picture': 'images/gone_0.png'"
        in (line)
    )
    shown = ", ".join(str(n) for n in range(3, 23))
    assert f", and on lines {shown} and 4 more of '" in line


def test_an_empty_tabular_modality_is_named_with_the_other_problems(
    folder, tmp_path, capsys
):
    def edit(df):
        df["price"] = np.arange(len(df), dtype=float)
        df.loc[6, "price"] = None  # line 8: every table column empty
        df.loc[EMPTY_IMAGE_LINE - 2, "picture"] = None

    csv = _edited(folder / "data.csv", "tabular.csv", edit)
    argv = ["train", "--csv", csv, *CSV_ARGS, "--numeric-columns", "price"]
    status, line = run_error([*argv, "--output", tmp_path / "m.skops"], capsys)
    assert status == cli.EXIT_USAGE
    assert "modality 'image' (column 'picture') is empty in 1 row(s), on line 4" in (
        line
    )
    assert "modality 'tabular' (columns 'price') is empty in 1 row(s), on line 8" in (
        line
    )


def test_other_policies_treat_a_directory_as_a_missing_image(
    bad_csv, model, tmp_path, capsys
):
    out = tmp_path / "p.csv"
    argv = ["predict", "--model", model, "--csv", bad_csv, *CSV_ARGS]
    status = cli.main([str(a) for a in [*argv, "--missing", "mean", "--output", out]])
    err = capsys.readouterr().err
    assert status == 0, err
    assert (
        f"; image path on line {DIRECTORY_LINE} of column 'picture' is a "
        "directory, not an image file: 'images/adir.png'"
    ) in err
    assert "treated as missing images" in err
    assert len(pd.read_csv(out)) == len(pd.read_csv(bad_csv))
