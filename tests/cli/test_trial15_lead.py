"""Leftovers of trial 14 in the command line: out-of-core training on image
paths none of which can be read."""

import pandas as pd
import pytest

from .conftest import CSV_ARGS, run_main, usage_error, write_dataset


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("trial15")
    write_dataset(root, n_per_class=3)
    return root


def test_out_of_core_no_readable_image_says_paths_are_relative(folder):
    df = pd.read_csv(folder / "data.csv")
    df["picture"] = "wrong/" + df["picture"]
    csv = folder / "paths.csv"
    df.to_csv(csv, index=False)
    proc = run_main("train", "--csv", csv, *CSV_ARGS, "--chunk-size", "4",
                    "--missing", "zero", "--output", folder / "m.skops")  # fmt: skip
    line = usage_error(proc)
    assert "modality 'image' (column 'picture') is missing in every row" in line
    relative = "relative to the CSV's folder, " + repr(str(folder.resolve()))
    assert relative in line
    assert "fix the paths, or leave the image modality out" in line
    assert not (folder / "m.skops").exists()
