"""How the command line handles its files: an output that is its own
input, SIGTERM while writing, tables it cannot read as they are (no rows,
a column named twice, not UTF-8, not comma-separated), a ``--dask``
output folder that is not empty, and the advice for an unreadable image
worded in the command's options."""

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from skmultimodal import cli
from skmultimodal.datasets._table import load_table

from .conftest import CSV_ARGS, ROOT, run_error, write_dataset


@pytest.fixture(scope="module")
def model_and_csv(tmp_path_factory):
    """A model trained with the default ``--missing raise``, and a CSV of
    new rows to predict."""
    folder = tmp_path_factory.mktemp("cli_files")
    train = write_dataset(folder / "train", n_per_class=6)
    model = folder / "model.skops"
    args = ["train", "--csv", train, *CSV_ARGS, "--method", "concat"]
    assert cli.main([str(a) for a in [*args, "--output", model]]) == 0
    new = write_dataset(folder / "new", n_per_class=2, seed=1, target=False)
    return model, new


def _copy(csv, folder, name="data.csv", **columns):
    """``csv``'s table written to ``folder/name`` with its image paths made
    absolute (so it reads from any folder), ``columns`` replacing columns."""
    df = pd.read_csv(csv)
    df["picture"] = [str(csv.parent / p) for p in df["picture"]]
    for name_, values in columns.items():
        df[name_] = values
    path = folder / name
    df.to_csv(path, index=False)
    return path


# ------------------------------------------------------ output = input ---
def _same_file_cases(tmp_path):
    """``(argv, the input file)`` of each command writing over its input,
    by the same name, through ``..`` and through a link."""
    data = tmp_path / "data.csv"
    data.write_text("picture,caption,label\na.png,x,1\n")
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.csv"
    link.symlink_to(data)
    model = tmp_path / "absent.skops"  # refused before the model is read
    table = [*CSV_ARGS, "--model", model]
    named = tmp_path / "table.skops"  # a table named like the model written
    named.write_text(data.read_text())
    report = tmp_path / "metrics.json"
    report.write_text(data.read_text())
    return {
        "predict same name": (["predict", "--csv", data, *table, "--output", data]),
        "predict through ..": (
            ["predict", "--csv", data, *table, "--output", tmp_path / "sub/../data.csv"]
        ),
        "predict through a link": (
            ["predict", "--csv", data, *table, "--output", link]
        ),
        "featurize": (["featurize", "--csv", data, *table, "--output", data]),
        "predict --dask": (
            ["predict", "--csv", data, *table, "--dask", "local", "--output", data]
        ),
        "train": (["train", "--csv", named, *CSV_ARGS, "--output", named]),
        "evaluate --json": (
            [
                "evaluate",
                "--csv",
                report,
                *CSV_ARGS,
                "--json",
                report,
                "--output",
                tmp_path / "report",
            ]
        ),
        "evaluate --test-csv and --json": (
            [
                "evaluate",
                "--csv",
                data,
                "--test-csv",
                report,
                *CSV_ARGS,
                "--json",
                report,
                "--output",
                tmp_path / "report",
            ]
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "predict same name",
        "predict through ..",
        "predict through a link",
        "featurize",
        "predict --dask",
        "train",
        "evaluate --json",
        "evaluate --test-csv and --json",
    ],
)
def test_an_output_that_is_the_input_is_refused(case, tmp_path, capsys):
    argv = _same_file_cases(tmp_path)[case]
    inputs = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    assert "is the input file" in line and "destroy the input" in line, line
    option = "--json" if "--json" in case else "--output"
    assert f"{option} '" in line
    assert any(f in line for f in ("--csv '", "--test-csv '")), line
    assert {p: p.read_bytes() for p in inputs} == inputs  # nothing written


# -------------------------------------------------------------- SIGTERM ---
@pytest.mark.slow  # the command runs in a subprocess
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe (POSIX)")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_sigterm_while_writing_removes_the_partial_output(
    model_and_csv, tmp_path, name
):
    """The input is a named pipe nobody writes to: the command waits on it
    with the output's temporary file open, until it is sent SIGTERM (or
    SIGHUP: the terminal hung up)."""
    signum = getattr(signal, name)
    model, _ = model_and_csv
    fifo = tmp_path / "input.csv"
    os.mkfifo(fifo)
    out = tmp_path / "out" / "predictions.csv"
    out.parent.mkdir()
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    argv = ["predict", "--model", model, "--csv", fifo, *CSV_ARGS, "--output", out]
    proc = subprocess.Popen(
        [sys.executable, "-m", "skmultimodal", *map(str, argv)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # the signal's default action, even where the test runs under nohup
        # (whose ignored SIGHUP the command keeps ignoring, as it should)
        preexec_fn=lambda: signal.signal(signum, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 240
        while not any(out.parent.iterdir()):  # the temporary file, once open
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no temporary file appeared"
            time.sleep(0.2)
        time.sleep(0.5)  # in the blocking read of the pipe
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 128 + signum, err  # exited, not killed
    assert list(out.parent.iterdir()) == []  # no partial file left
    assert err.strip().splitlines()[-1] == f"skmultimodal: terminated ({name})"


def test_main_restores_the_sigterm_handler(tmp_path, capsys):
    before = signal.getsignal(signal.SIGTERM)
    data = tmp_path / "data.csv"
    data.write_text("picture,caption\na.png,x\n")
    argv = ["predict", "--model", tmp_path / "m.skops", "--csv", data]
    run_error([*argv, *CSV_ARGS, "--output", data], capsys)
    assert signal.getsignal(signal.SIGTERM) is before


# --------------------------------------------------------- table files ---
def test_a_header_only_csv_is_refused_by_name(model_and_csv, tmp_path, capsys):
    model, _ = model_and_csv
    empty = tmp_path / "header.csv"
    empty.write_text("picture,caption\n")
    for command in ("predict", "featurize"):
        argv = [command, "--model", model, "--csv", empty, *CSV_ARGS]
        status, line = run_error([*argv, "--output", tmp_path / "o.csv"], capsys)
        assert status == cli.EXIT_USAGE
        assert line.endswith("CSV '" + str(empty) + "' has a header but no rows"), line
    empty.write_text("picture,caption,label\n")
    argv = ["train", "--csv", empty, *CSV_ARGS, "--output", tmp_path / "m.skops"]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE and "has a header but no rows" in line


def test_a_parquet_file_of_no_rows_is_refused_by_name(model_and_csv, tmp_path, capsys):
    pytest.importorskip("pyarrow", reason="Parquet input needs pyarrow")
    model, _ = model_and_csv
    empty = tmp_path / "empty.parquet"
    pd.DataFrame({"picture": pd.Series([], dtype=str), "caption": []}).to_parquet(empty)
    argv = ["predict", "--model", model, "--parquet", empty, *CSV_ARGS]
    status, line = run_error([*argv, "--output", tmp_path / "o.csv"], capsys)
    assert status == cli.EXIT_USAGE
    assert f"Parquet file {str(empty)!r} has no rows" in line, line


def test_a_column_named_twice_is_refused(model_and_csv, tmp_path, capsys):
    model, new = model_and_csv
    df = pd.read_csv(_copy(new, tmp_path))
    twice = tmp_path / "twice.csv"
    df[["picture", "caption", "caption"]].to_csv(twice, index=False)
    argv = ["predict", "--model", model, "--csv", twice, *CSV_ARGS]
    status, line = run_error([*argv, "--output", tmp_path / "o.csv"], capsys)
    assert status == cli.EXIT_USAGE
    assert f"CSV {str(twice)!r} names column(s) 'caption' more than once" in line
    with pytest.raises(ValueError, match="'caption' more than once"):
        load_table(twice, image_column="picture", text_column="caption")


def test_a_parquet_column_named_twice_is_refused(model_and_csv, tmp_path, capsys):
    pa = pytest.importorskip("pyarrow", reason="Parquet input needs pyarrow")
    pq = pytest.importorskip("pyarrow.parquet", reason="Parquet input needs pyarrow")
    model, new = model_and_csv
    df = pd.read_csv(_copy(new, tmp_path))
    arrays = [pa.array(df[c].astype(str)) for c in ("picture", "caption", "caption")]
    twice = tmp_path / "twice.parquet"
    pq.write_table(
        pa.Table.from_arrays(arrays, names=["picture", "caption", "caption"]), twice
    )
    argv = ["predict", "--model", model, "--parquet", twice, *CSV_ARGS]
    status, line = run_error([*argv, "--output", tmp_path / "o.csv"], capsys)
    assert status == cli.EXIT_USAGE
    assert f"Parquet file {str(twice)!r} names column(s) 'caption'" in line, line


def test_a_csv_not_in_utf8_names_the_line_and_the_conversion(
    model_and_csv, tmp_path, capsys
):
    model, new = model_and_csv
    text = _copy(new, tmp_path).read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(",", ",café ", 1)  # line 4: a Latin-1 é
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("\n".join(text).encode("latin-1") + b"\n")
    argv = ["predict", "--model", model, "--csv", latin1, *CSV_ARGS]
    status, line = run_error([*argv, "--output", tmp_path / "o.csv"], capsys)
    assert status == cli.EXIT_USAGE
    assert "byte 0xe9 on line 4" in line and "not UTF-8" in line, line
    assert "iconv -f latin1 -t utf-8" in line and "position" not in line


def test_a_csv_not_separated_by_commas_hints_at_the_separator(
    model_and_csv, tmp_path, capsys
):
    model, new = model_and_csv
    df = pd.read_csv(_copy(new, tmp_path))
    for sep, name in ((";", "semi.csv"), ("\t", "tabs.csv")):
        path = tmp_path / name
        df.to_csv(path, index=False, sep=sep)
        argv = ["predict", "--model", model, "--csv", path, *CSV_ARGS]
        status, line = run_error([*argv, "--output", tmp_path / "o.csv"], capsys)
        assert status == cli.EXIT_USAGE
        assert "not found" in line and "read as comma-separated" in line, line
    # a comma in a later field: pandas counts the fields of that line
    semi = tmp_path / "semi.csv"
    lines = semi.read_text().splitlines()
    lines[3] = lines[3] + ",a,b"
    semi.write_text("\n".join(lines) + "\n")
    argv = ["predict", "--model", model, "--csv", semi, *CSV_ARGS]
    status, line = run_error([*argv, "--output", tmp_path / "o.csv"], capsys)
    assert status == cli.EXIT_USAGE
    assert "Expected 1 fields in line 4" in line, line
    assert "read as comma-separated" in line


def test_a_constant_target_is_refused_in_the_tasks_terms(tmp_path):
    csv = write_dataset(tmp_path)
    df = pd.read_csv(csv)
    df["label"] = 7.5
    df.to_csv(csv, index=False)
    columns = {"image_column": "picture", "text_column": "caption", "target": "label"}
    with pytest.raises(ValueError, match=r"nothing to regress") as regression:
        load_table(csv, task="regression", **columns)
    assert "classifier" not in str(regression.value)
    with pytest.raises(ValueError, match=r"single class \(7\.5\); a classifier"):
        load_table(csv, **columns)
    df["label"] = "red|round"
    df.to_csv(csv, index=False)
    with pytest.raises(ValueError, match=r"same label set \('red\|round'\)"):
        load_table(csv, task="multilabel", **columns)


# ---------------------------------------------------------------- --dask ---
def test_dask_into_a_folder_not_empty_names_what_the_user_can_do(tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_text("picture,caption\na.png,x\n")
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "old.parquet").write_bytes(b"")
    argv = ["predict", "--model", tmp_path / "m.skops", "--csv", data, *CSV_ARGS]
    status, line = run_error([*argv, "--dask", "local", "--output", folder], capsys)
    assert status == cli.EXIT_USAGE
    assert "choose an empty or new --output folder, or remove its files" in line
    assert "overwrite=True" not in line


# ------------------------------------------------------ unreadable image ---
@pytest.mark.parametrize("missing", [[], ["--missing", "mean"]])
def test_an_unreadable_image_on_predict_is_advised_in_cli_terms(
    model_and_csv, tmp_path, capsys, missing
):
    model, new = model_and_csv
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"not an image")
    csv = _copy(new, tmp_path)
    df = pd.read_csv(csv)
    df.loc[1, "picture"] = str(garbage)  # line 3
    df.to_csv(csv, index=False)
    argv = ["predict", "--model", model, "--csv", csv, *CSV_ARGS, *missing]
    status, line = run_error([*argv, "--output", tmp_path / "o.csv"], capsys)
    assert status == cli.EXIT_USAGE
    assert "cannot read image at line 3" in line, line
    assert "retrain the model with --missing mean (or zero, indicator)" in line
    for python in ("on_error", "make_multimodal_pipeline", "ModalityFusion", "='"):
        assert python not in line, line


def test_a_url_in_an_image_column_says_urls_are_not_read(
    model_and_csv, tmp_path, capsys
):
    model, new = model_and_csv
    df = pd.read_csv(new)
    urls = ["https://example.com/a.png"] + [None] * (len(df) - 1)
    data = _copy(new, tmp_path, picture=urls)
    argv = ["predict", "--model", model, "--csv", data, *CSV_ARGS]
    status, line = run_error([*argv, "--output", tmp_path / "o.csv"], capsys)
    assert status == cli.EXIT_USAGE, line
    assert "is a URL; URLs are not read" in line, line
    assert "looked for" not in line, line
