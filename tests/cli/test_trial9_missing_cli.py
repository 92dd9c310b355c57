"""Defects a user trial of missing data on the command line found: a
text-only evaluation refused for an absent image file it never reads,
``predict --missing`` replacing the fill a model was trained with, and the
warnings of undecodable image files repeated per fold and model."""

import pandas as pd
import pytest

from .conftest import CSV_ARGS, run_main, write_columns_dataset, write_dataset

EVAL = ["--cv", "2", "--quick", "--no-progress"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The tiny dataset (24 rows), as written by ``write_dataset``."""
    folder = tmp_path_factory.mktemp("trial9m")
    write_dataset(folder, n_per_class=8)
    return folder


def _edited(folder, name, **cells):
    """The tiny dataset with ``cells`` (``column=[(row, value), ...]``)
    changed, written to ``folder/name``."""
    df = pd.read_csv(folder / "data.csv")
    for column, changes in cells.items():
        for row, value in changes:
            df.loc[row, column] = value
    path = folder / name
    df.to_csv(path, index=False)
    return path


# ------------------------------------ 1. no image read, no image checked ---
@pytest.mark.parametrize("missing", [[], ["--missing", "mean"]])
def test_a_text_only_evaluation_does_not_look_at_the_image_files(
    folder, tmp_path, missing
):
    csv = _edited(folder, "gone.csv", picture=[(3, "images/gone.png")])
    proc = run_main(
        "evaluate", "--csv", csv, *CSV_ARGS, "--target", "label", *EVAL,
        "--models", "text-only", *missing, "--output", tmp_path / "r",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "gone.png" not in proc.stderr, proc.stderr
    assert "text-only" in proc.stdout


def test_a_text_only_evaluation_of_several_columns_does_not_look_at_images(
    tmp_path,
):
    csv = write_columns_dataset(tmp_path / "data", n_per_class=8)
    df = pd.read_csv(csv)
    df.loc[4, "back"] = "images/gone.png"
    df.to_csv(csv, index=False)
    proc = run_main(
        "evaluate", "--csv", csv, "--image-column", "front", "back",
        "--text-column", "title", "body", "--target", "label", *EVAL,
        "--models", "text-only", "--output", tmp_path / "r",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "gone.png" not in proc.stderr, proc.stderr


def test_a_model_reading_images_still_refuses_an_absent_file(folder, tmp_path):
    csv = _edited(folder, "gone.csv", picture=[(3, "images/gone.png")])
    proc = run_main(
        "evaluate", "--csv", csv, *CSV_ARGS, "--target", "label", *EVAL,
        "--models", "text-only,image-only", "--output", tmp_path / "r",
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "image file not found on line 5 of column 'picture'" in proc.stderr


# ------------------------------- 2. predict keeps the fill it was trained with ---
@pytest.fixture(scope="module")
def holes(folder):
    """Rows of the tiny dataset, every other one with an empty text cell."""
    df = pd.read_csv(folder / "data.csv").drop(columns=["label"])
    df.loc[::2, "caption"] = None
    path = folder / "holes.csv"
    df.to_csv(path, index=False)
    return path


def _probabilities(model, csv, tmp_path, *missing):
    out = tmp_path / f"p{len(list(tmp_path.iterdir()))}.csv"
    proc = run_main(
        "predict", "--model", model, "--csv", csv, *CSV_ARGS, *missing,
        "--output", out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return pd.read_csv(out).filter(like="proba_").to_numpy()


@pytest.mark.parametrize("trained", ["zero", "mean"])
def test_predict_keeps_the_fill_of_a_model_trained_with_one(
    folder, holes, tmp_path, trained
):
    model = tmp_path / f"{trained}.skops"
    proc = run_main(
        "train", "--csv", folder / "data.csv", *CSV_ARGS, "--target", "label",
        "--missing", trained, "--method", "concat", "--output", model,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    own = _probabilities(model, holes, tmp_path)
    for asked in ("zero", "mean"):
        given = _probabilities(model, holes, tmp_path, "--missing", asked)
        assert given == pytest.approx(own), (trained, asked)


def test_predict_fills_a_model_trained_with_raise_as_asked(folder, holes, tmp_path):
    model = tmp_path / "raise.skops"
    proc = run_main(
        "train", "--csv", folder / "data.csv", *CSV_ARGS, "--target", "label",
        "--method", "concat", "--output", model,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    zero = _probabilities(model, holes, tmp_path, "--missing", "zero")
    mean = _probabilities(model, holes, tmp_path, "--missing", "mean")
    assert zero != pytest.approx(mean)
    refused = run_main(
        "predict", "--model", model, "--csv", holes, *CSV_ARGS,
        "--output", tmp_path / "x.csv",
    )  # fmt: skip
    assert refused.returncode == 2 and "is empty in 12 row(s)" in refused.stderr


# ------------------------------ 3. undecodable files named once, on one line ---
def test_evaluate_names_the_undecodable_image_files_once(folder, tmp_path):
    (folder / "images" / "corrupt.png").write_bytes(b"not an image")
    good = (folder / "images" / "circle_0_0.png").read_bytes()
    (folder / "images" / "cut.png").write_bytes(good[: len(good) // 3])
    csv = _edited(
        folder,
        "holed.csv",
        picture=[(4, "images/corrupt.png"), (5, "images/cut.png")],
    )
    proc = run_main(
        "evaluate", "--csv", csv, *CSV_ARGS, "--target", "label", *EVAL,
        "--missing", "indicator", "--models", "fusion,image-only",
        "--output", tmp_path / "r",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "could not be read in" not in proc.stderr, proc.stderr
    assert "unreadable item(s)" not in proc.stderr, proc.stderr
    warned = [ln for ln in proc.stderr.splitlines() if "warning:" in ln]
    about = [ln for ln in warned if "corrupt.png" in ln or "cut.png" in ln]
    assert len(about) == 1, proc.stderr
    line = about[0]
    assert "2 image file(s) of column 'picture'" in line, line
    assert "line 6, path" in line and "line 7, path" in line, line
    assert "corrupt.png" in line and "cut.png" in line, line
    assert line.endswith("treated as missing images"), line
