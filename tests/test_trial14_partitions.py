"""An image path that is not a file, for a model trained with
``missing="raise"`` and run with another policy, is a missing image with an
:class:`~skmultimodal.image.ImageWarning`, not a line printed on standard
error: ``predict_partitions`` issues a worker's in the calling process,
naming the partition, and the command line shows it once, ``--dask`` or
not."""

import warnings

import pandas as pd
import pytest

from skmultimodal import cli
from skmultimodal.datasets._table import load_table
from skmultimodal.image import ImageWarning
from tests.cli.conftest import CSV_ARGS, run_main, write_dataset

ABSENT = (
    "image file not found on line 7 of column 'picture': 'images/absent.png'; "
    "treated as a missing image"
)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A model trained with the default ``raise`` policy and a 24-row CSV
    whose line 7 names an absent image file."""
    folder = tmp_path_factory.mktemp("trial14_partitions")
    csv = write_dataset(folder)
    model = folder / "model.skops"
    args = ["train", "--csv", csv, *CSV_ARGS, "--method", "concat"]
    assert cli.main([str(a) for a in [*args, "--output", model]]) == 0
    df = pd.read_csv(csv)
    df.loc[5, "picture"] = "images/absent.png"  # CSV line 7
    holes = folder / "holes.csv"
    df.to_csv(holes, index=False)
    return model, holes


def test_an_absent_image_read_as_missing_is_a_warning_not_a_printed_line(files, capfd):
    _, holes = files
    with pytest.warns(ImageWarning) as record:
        X, _, _ = load_table(
            holes,
            image_column="picture",
            text_column="caption",
            absent_images_as_missing=True,
        )
    assert [str(w.message) for w in record] == [ABSENT]
    assert record[0].filename == __file__  # the caller's line
    assert pd.isna(X.loc[7, "image"])
    assert capfd.readouterr().err == ""


def _issued(call):
    """The texts of the warnings ``call()`` issues in this process."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [(w.category, str(w.message)) for w in caught]


@pytest.mark.slow
def test_a_workers_absent_image_warning_reaches_the_caller_naming_the_partition(
    files, client, tmp_path
):
    import dask.dataframe as dd

    from skmultimodal.distributed import predict_partitions

    model, holes = files
    # a CSV: the partition of lines 6 to 10 warns, naming line 7
    issued = _issued(
        lambda: predict_partitions(
            model, holes, tmp_path / "csv", client=client, missing="mean", chunk_size=5
        )
    )
    assert issued == [
        (ImageWarning, f"partition 1 ({str(holes)!r}, lines 7 to 11): {ABSENT}")
    ], issued
    # a dask DataFrame: paths as given, rows named by index label
    X, _, _ = load_table(
        holes, image_column="picture", text_column="caption", allow_absent_images=True
    )
    X = X.reset_index(drop=True)
    assert X.loc[5, "image"].endswith("absent.png")
    frame = dd.from_pandas(X, npartitions=3)
    issued = _issued(
        lambda: predict_partitions(
            model, frame, tmp_path / "frame", client=client, missing="mean"
        )
    )
    assert len(issued) == 1 and issued[0][0] is ImageWarning, issued
    text = issued[0][1]
    assert text.startswith("partition 0 (") and "image file not found" in text, text
    assert "index label 5 of column 'image'" in text, text
    assert text.endswith("absent.png'; treated as a missing image"), text
    assert len(pd.read_parquet(tmp_path / "frame")) == len(X)


@pytest.mark.slow
def test_the_command_line_shows_the_absent_image_once_with_and_without_dask(
    files, client, tmp_path
):
    model, holes = files
    args = ["predict", "--model", model, "--csv", holes, "--missing", "mean"]
    res = run_main(*args, "--chunk-size", "5", "--output", tmp_path / "p.csv")
    assert res.returncode == 0, res.stderr
    assert res.stderr.splitlines() == [f"skmultimodal: warning: {ABSENT}"]
    res = run_main(
        *args, "--chunk-size", "5", "--dask", client.scheduler.address,
        "--output", tmp_path / "parts",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stderr.splitlines() == [
        f"skmultimodal: warning: partition 1 ({str(holes)!r}, lines 7 to 11): " + ABSENT
    ], res.stderr
