"""Trial 15, the command line in scripts: a piped --csv in the report, the
results written before they are printed, UTF-8 on standard output, floats
in full in JSON lines, the progress bar kept out of logs, and SIGHUP."""

import contextlib
import errno
import io
import json
import os
import signal
import threading
import time
import types

import numpy as np
import pandas as pd
import pytest

from skmultimodal import cli

from .conftest import CSV_ARGS, run_main, write_dataset

EVAL = [*CSV_ARGS, "--models", "text-only", "--cv", "2", "--no-progress"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("trial15batch")
    write_dataset(root, n_per_class=4)
    return root


@contextlib.contextmanager
def stdout_as(stream):
    """``sys.stdout`` replaced by ``stream`` (a text file over bytes)."""
    with contextlib.redirect_stdout(stream):
        yield stream


class _FullDisk(io.RawIOBase):
    """A file on a full disk: every write fails with ENOSPC."""

    def writable(self):
        return True

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _main(*argv):
    """``(status, stderr)`` of ``cli.main(argv)``, standard output as it is."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = cli.main([str(a) for a in argv])
    return status, err.getvalue()


# ------------------------------------------------ 1. a pipe as --csv ---
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe (POSIX)")
def test_evaluate_reads_a_pipe_and_reports_it_without_a_checksum(folder, tmp_path):
    fifo = folder / "piped.csv"  # beside the images its paths name
    with contextlib.suppress(FileNotFoundError):
        fifo.unlink()
    os.mkfifo(fifo)
    text = (folder / "data.csv").read_bytes()

    def feed():  # as `zcat data.csv.gz |` would
        with open(fifo, "wb") as fh:
            fh.write(text)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    report = tmp_path / "rep"
    json_doc = report / "m.json"  # --json inside the new report folder
    argv = ["evaluate", "--csv", fifo, *EVAL, "--output", report, "--json", json_doc]
    proc = run_main(*argv)
    writer.join(timeout=30)
    fifo.unlink()
    assert proc.returncode == 0, proc.stderr
    assert "report written to" in proc.stdout
    (entry,) = json.loads((report / "metrics.json").read_text())["reproducibility"][
        "data_files"
    ]
    assert entry["path"] == str(fifo)
    assert entry["sha256"] is None and entry["bytes"] is None
    assert "not a regular file" in entry["note"] and "no checksum" in entry["note"]
    assert "not a regular file" in (report / "report.html").read_text("utf-8")
    assert json.loads(json_doc.read_text())["models"]["text-only"]


def test_a_data_file_that_is_a_folder_is_still_refused(tmp_path):
    from skmultimodal.report import _check_inputs

    results = {"y_true": [0, 1]}
    with pytest.raises(ValueError, match=r"data_files: '.*' is a folder"):
        _check_inputs(results, None, None, [tmp_path])


def test_a_failed_report_leaves_no_folder_holding_the_json(
    folder, tmp_path, monkeypatch
):
    from skmultimodal import report

    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(report, "write_report", fail)
    out = tmp_path / "rep"
    argv = ["evaluate", "--csv", folder / "data.csv", *EVAL, "--output", out]
    proc = run_main(*argv, "--json", out / "m.json")
    assert proc.returncode == cli.EXIT_FAILURE
    assert not out.exists()  # not a folder holding only m.json


# ----------------------------------------- 2. written, then printed ---
def test_evaluate_writes_its_results_before_a_stdout_that_fails(folder, tmp_path):
    out, doc = tmp_path / "rep", tmp_path / "m.json"
    argv = ["evaluate", "--csv", folder / "data.csv", *EVAL, "--output", out]
    # an ASCII standard output: the table's "±" cannot be written
    ascii_out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    with stdout_as(ascii_out):
        status, err = _main(*argv, "--json", doc)
    assert status == cli.EXIT_FAILURE
    (line,) = [ln for ln in err.splitlines() if ln.startswith("skmultimodal:")]
    assert "could not write to standard output" in line
    assert "PYTHONIOENCODING=utf-8" in line
    assert f"the report folder {str(out)!r} and --json {str(doc)!r}" in line
    assert (out / "metrics.json").is_file() and (out / "report.html").is_file()
    assert json.loads(doc.read_text())["models"]["text-only"]


def test_train_says_the_model_was_saved_when_stdout_is_full(folder, tmp_path):
    model = tmp_path / "m.skops"
    full = io.TextIOWrapper(io.BufferedWriter(_FullDisk()), encoding="utf-8")
    argv = ["train", "--csv", folder / "data.csv", *CSV_ARGS, "--method", "concat"]
    with stdout_as(full):
        status, err = _main(*argv, "--output", model)
    assert status == cli.EXIT_FAILURE
    assert "could not write to standard output: [Errno 28]" in err
    assert f"the results were written (the model {str(model)!r})" in err
    assert model.is_file()


# ------------------------------------------------ 3. UTF-8 on stdout ---
@pytest.fixture(scope="module")
def model(folder):
    path = folder / "model.skops"
    proc = run_main("train", "--csv", folder / "data.csv", *CSV_ARGS,
                    "--method", "concat", "--output", path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return path


def test_predict_to_stdout_is_utf8_whatever_its_encoding(folder, model, tmp_path):
    df = pd.read_csv(folder / "data.csv")
    df.loc[0, "caption"] = "猫 café round"
    data = folder / "enc.csv"  # beside the images its paths name
    df.to_csv(data, index=False)
    argv = ["predict", "--model", model, "--csv", data, *CSV_ARGS,
            "--keep-columns", "caption"]  # fmt: skip
    assert run_main(*argv, "--output", tmp_path / "o.csv").returncode == 0
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1", newline="")
    with stdout_as(latin):
        status, err = _main(*argv, "--output", "-")
        latin.flush()
    assert status == 0, err
    assert latin.buffer.getvalue() == (tmp_path / "o.csv").read_bytes()
    assert "猫 café round".encode() in latin.buffer.getvalue()


class _ShortWrites(io.RawIOBase):
    """A binary stream taking at most 5 bytes a call, as ``sys.stdout.buffer``
    may when the reader of its pipe goes away mid-write."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, data):
        self.data += bytes(data[:5])
        return min(len(data), 5)


def test_table_writer_stream_writes_all_after_what_was_printed_first():
    from skmultimodal.utils._output import table_writer

    df = pd.DataFrame({"t": ["猫", "a longer text"]})
    stream = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    stream.write("before\n")
    with table_writer(None, stream=stream) as write:
        write(df)
    assert stream.buffer.getvalue() == "before\nt\n猫\na longer text\n".encode()
    short = types.SimpleNamespace(buffer=_ShortWrites(), flush=lambda: None)
    with table_writer(None, stream=short) as write:
        write(df)
    assert bytes(short.buffer.data) == "t\n猫\na longer text\n".encode()


# --------------------------------------------- 4. JSON lines floats ---
def test_jsonl_floats_read_back_as_the_csv_does(tmp_path):
    from skmultimodal.utils._output import table_writer

    df = pd.DataFrame(
        {
            "path": ["img/a.png", "b\u2028c"],
            "weight": [1.23456789012345e-11, 0.1 + 0.2],
            "f32": np.array([0.1, np.inf], dtype=np.float32),
            "proba": [1 / 3, np.nan],
            "n": [1, 2],
        }
    )
    for name in ("o.jsonl", "o.csv"):
        with table_writer(tmp_path / name) as write:
            write(df)
    lines = (tmp_path / "o.jsonl").read_text("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 3  # one line per row
    rows = [json.loads(line) for line in lines[:-1]]
    assert [r["weight"] for r in rows] == df["weight"].tolist()
    assert rows[0]["proba"] == 1 / 3 and rows[1]["proba"] is None
    assert [r["f32"] for r in rows] == [0.1, None]  # 0.1 as the CSV has it
    assert [r["path"] for r in rows] == df["path"].tolist()
    assert [r["n"] for r in rows] == [1, 2]
    csv = pd.read_csv(tmp_path / "o.csv")
    assert csv["weight"].tolist() == [r["weight"] for r in rows]


# --------------------------------------------------- 5. progress bar ---
class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(
    ("stderr", "flags", "drawn"),
    [
        (io.StringIO, [], False),  # a log file or a pipe
        (_Terminal, [], True),
        (_Terminal, ["--no-progress"], False),
    ],
)
def test_the_progress_bar_is_drawn_on_a_terminal_only(
    folder, tmp_path, stderr, flags, drawn
):
    if drawn and "TQDM_DISABLE" in os.environ:  # tqdm's own off switch
        pytest.skip("TQDM_DISABLE is set: tqdm draws no bar")
    argv = ["evaluate", "--csv", folder / "data.csv", *CSV_ARGS,
            "--models", "text-only", "--cv", "2", *flags,
            "--output", tmp_path / "rep"]  # fmt: skip
    err = stderr()
    with contextlib.redirect_stderr(err), stdout_as(io.StringIO()):
        assert cli.main([str(a) for a in argv]) == 0
    assert ("evaluate:" in err.getvalue()) is drawn, err.getvalue()


# ----------------------------------------------------------- 6. SIGHUP ---
@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP here")
def test_sighup_raises_terminated_unless_ignored():
    from skmultimodal._commands import Terminated, sigterm_raises

    def unhandled(signum, frame):  # not the default action: it would end pytest
        raise AssertionError("SIGHUP reached the handler set before the block")

    previous = signal.signal(signal.SIGHUP, unhandled)
    try:
        with pytest.raises(Terminated, match="SIGHUP") as info, sigterm_raises():
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(5)  # the handler raises before this ends
        assert info.value.signum == signal.SIGHUP
        assert signal.getsignal(signal.SIGHUP) is unhandled  # restored
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
        with sigterm_raises():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)
