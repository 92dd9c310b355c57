"""What ``predict --chunk-size`` writes does not depend on the chunk size:
absent image files are named by one warning, for the first chunk that has
any, and counted in one more at the end (not one warning per chunk); a
kept date-time column is written in one form in every chunk (a midnight
as ``2024-01-02 00:00:00``, not as a date in a chunk of midnights)."""

import datetime
import warnings

import pandas as pd
import pytest

from skmultimodal.datasets._table import iter_table
from skmultimodal.image import ImageWarning
from skmultimodal.utils._output import table_writer

from .conftest import CSV_ARGS, run_main, write_columns_dataset

#: rows (from 0) whose image is an absent file: line 4 in the first chunk
#: of 10 rows, the others in later chunks (lines 15, 16, 40 and 61)
ABSENT = [2, 13, 14, 38, 59]


def _with_absent_images(csv, folder, column="picture", rows=ABSENT, times=3):
    df = pd.concat([pd.read_csv(csv)] * times, ignore_index=True)
    df.loc[rows, column] = [f"images/absent{i}.png" for i in range(len(rows))]
    path = folder / "absent.csv"
    df.to_csv(path, index=False)
    (folder / "images").symlink_to(csv.parent / "images")
    return path


def _warnings(stderr):
    return [ln for ln in stderr.splitlines() if "warning:" in ln]


@pytest.mark.parametrize("output", ["pred.csv", "-"])
def test_absent_images_warn_once_then_a_count(tiny_model, tiny_csv, tmp_path, output):
    csv = _with_absent_images(tiny_csv, tmp_path)
    out = output if output == "-" else tmp_path / output
    proc = run_main(
        "predict", "--model", tiny_model, "--csv", csv, *CSV_ARGS,
        "--missing", "mean", "--chunk-size", "10", "--output", out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # was one warning per chunk with an absent file (4 here)
    first, total = _warnings(proc.stderr)
    assert first.endswith(
        "image file not found on line 4 of column 'picture': "
        "'images/absent0.png'; treated as a missing image"
    ), first
    assert total.endswith(
        f"image files not found on 4 more lines of column 'picture' in later "
        f"chunks of {str(csv)!r} (lines 15 to 61); treated as missing images, "
        "5 in all"
    ), total
    # in one chunk: one warning naming them all, as before
    proc = run_main(
        "predict", "--model", tiny_model, "--csv", csv, *CSV_ARGS,
        "--missing", "mean", "--output", tmp_path / "whole.csv",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (only,) = _warnings(proc.stderr)
    assert "line 4 of column 'picture'" in only
    assert only.endswith("and on lines 15, 16, 40 and 61; treated as missing images")


def test_iter_table_warns_for_the_first_chunk_and_counts_the_rest(tiny_csv, tmp_path):
    csv = _with_absent_images(tiny_csv, tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chunks = list(
            iter_table(
                csv, image_column="picture", text_column="caption", chunksize=10,
                absent_images_as_missing=True,
            )
        )  # fmt: skip
    assert len(chunks) == 8
    texts = [str(w.message) for w in caught if w.category is ImageWarning]
    assert len(texts) == 2, texts
    assert "line 4 of column 'picture'" in texts[0]
    assert "4 more lines" in texts[1] and "5 in all" in texts[1]
    emptied = pd.concat([X for X, _ in chunks])["image"].isna()
    assert emptied[emptied].index.tolist() == [r + 2 for r in ABSENT]


def test_own_image_columns_warn_once_then_a_count(tmp_path):
    train = write_columns_dataset(tmp_path / "train", n_per_class=3)
    columns = ["--image-column", "front", "back", "--text-column", "title", "body"]
    model = tmp_path / "model.joblib"
    proc = run_main(
        "train", "--csv", train, *columns, "--target", "label", "--output", model
    )
    assert proc.returncode == 0, proc.stderr
    csv = _with_absent_images(train, tmp_path, "back", rows=[0, 5, 17], times=2)
    proc = run_main(
        "predict", "--model", model, "--trust", "--csv", csv, *columns,
        "--missing", "mean", "--chunk-size", "4", "--output", tmp_path / "p.csv",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    first, total = _warnings(proc.stderr)
    assert "on line 2 of column 'back'" in first
    assert total.endswith(
        f"image files not found on 2 more lines of column 'back' in later chunks "
        f"of {str(csv)!r} (lines 7 to 19); treated as missing images, 3 in all"
    ), total


# -- B. date-times in .csv and .jsonl outputs ---------------------------------
def _moments(n=10):
    """Midnights in the first 5 rows, times of day (one with a fraction of
    a second) later; zoned; whole days then hours."""
    when = [datetime.datetime(2024, 1, 2 + i) for i in range(5)]
    when += [datetime.datetime(2024, 1, 7 + i, 10, 30) for i in range(n - 5)]
    when[7] = when[7].replace(microsecond=500000)
    when = pd.Series(pd.to_datetime(when))
    when[8] = pd.NaT
    return pd.DataFrame(
        {
            "when": when,
            "zoned": when.dt.tz_localize("Europe/Paris"),
            "wait": when - pd.Timestamp("2024-01-01"),
        }
    )


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_date_times_are_written_alike_whatever_the_chunks(tmp_path, suffix):
    df = _moments()
    outputs = []
    for size in (5, 100):
        path = tmp_path / f"out{size}{suffix}"
        with table_writer(path) as write:
            for start in range(0, len(df), size):
                write(df.iloc[start : start + size])
        outputs.append(path.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]  # was "2024-01-02" in the chunk of midnights
    assert "2024-01-02 00:00:00" in outputs[0]
    assert "2024-01-02 00:00:00+01:00" in outputs[0]
    assert "2024-01-09 10:30:00.500000" in outputs[0]
    if suffix == ".csv":  # a duration as its own text too, not "1 days"
        assert "1 days 00:00:00" in outputs[0]


def test_a_kept_parquet_date_time_is_written_alike_whatever_the_chunk_size(
    tiny_model, tiny_csv, tmp_path
):
    pytest.importorskip("pyarrow")
    table = pd.read_csv(tiny_csv).iloc[:10].drop(columns=["label"])
    moments = _moments()
    table[moments.columns] = moments
    table["day"] = [d.date() if d is not pd.NaT else None for d in moments["when"]]
    source = tmp_path / "moments.parquet"
    table.to_parquet(source)
    (tmp_path / "images").symlink_to(tiny_csv.parent / "images")
    keep = ["--keep-columns", "when,zoned,wait,day", "--no-proba"]
    for suffix in (".csv", ".jsonl"):
        texts = []
        for size in ("5", "100"):
            out = tmp_path / f"out{size}{suffix}"
            proc = run_main(
                "predict", "--model", tiny_model, "--parquet", source, *CSV_ARGS,
                "--chunk-size", size, "--output", out, *keep,
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            texts.append(out.read_text(encoding="utf-8"))
        assert texts[0] == texts[1], suffix  # was a date in the chunk of 5
        first = next(ln for ln in texts[0].splitlines() if "2024-01-02" in ln)
        assert "2024-01-02 00:00:00" in first and "2024-01-02 00:00:00+01:00" in first
        assert first.count("2024-01-02") == 3, first  # "day": a date
