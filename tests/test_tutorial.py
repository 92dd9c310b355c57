"""docs/tutorial.md runs as written, in page order, in a fresh folder: its
``python`` blocks print what their comments say, its ``skmultimodal ...``
commands succeed and print the ``text`` blocks shown after them (times
aside), and the files the page talks about are written."""

import re
import shlex
from pathlib import Path

import cv2  # noqa: F401
import pytest
import scipy.optimize  # noqa: F401
import sklearn.linear_model  # noqa: F401
from threadpoolctl import threadpool_limits

from tests._docs_runner import assert_code_blocks_print_what_they_claim
from tests.cli.conftest import run_main

PAGE = Path(__file__).resolve().parents[1] / "docs" / "tutorial.md"
# what the page says the commands write, relative to the working folder
OUTPUTS = [
    "catalogue/catalogue.csv",
    "catalogue/phone.csv",
    "skmultimodal-report/report.html",
    "skmultimodal-report/metrics.json",
    "skmultimodal-report/confusion_matrix.png",
    "skmultimodal-report/modality_contribution.png",
    "phone-report/report.html",
    "model.skops",
    "predictions.parquet",
    "features.parquet",
]


def page_blocks(text):
    """The fenced code blocks of ``text``: ``(language, body)`` in page order."""
    return re.findall(r"^```(\w+)\n(.*?)^```", text, re.S | re.M)


def commands(bash):
    """The ``skmultimodal ...`` command lines of a bash block, with the
    backslash-continued lines joined."""
    joined = re.sub(r"\\\n\s*", " ", bash)
    return [line for line in joined.splitlines() if line.startswith("skmultimodal ")]


def stable(output):
    """The lines of a command's output without what varies between runs:
    the table's fit-time column and durations such as ``(4 s)``."""
    drop = None  # index of the fit-time column in the current table
    result = []
    for line in output.strip().splitlines():
        fields = re.split(r"\s{2,}", line.rstrip())
        if "fit time (s)" in fields:
            drop = fields.index("fit time (s)")
        elif not line.strip():
            drop = None
        if drop is not None and len(fields) > drop:
            del fields[drop]
        result.append(re.sub(r"\b\d+(?:\.\d+)? s\b", "N s", "  ".join(fields)))
    return result


# a score may move by one row of the 60 (about 0.017) on another CPU, whose
# floating-point rounding (its BLAS kernels) differs: the page says so
ONE_ROW = 0.02
NUMBER = re.compile(r"\d+\.\d+")


def same_output(page, run, tol=ONE_ROW):
    """Whether the stable lines of ``page`` and ``run`` are the same, each
    decimal number within ``tol`` of the page's, every other text equal."""
    page, run = stable(page), stable(run)
    if len(page) != len(run):
        return False
    for a, b in zip(page, run):
        if NUMBER.split(a) != NUMBER.split(b):
            return False
        numbers = zip(NUMBER.findall(a), NUMBER.findall(b))
        if any(abs(float(x) - float(y)) > tol for x, y in numbers):
            return False
    return True


def test_same_output_allows_one_row_and_nothing_else():
    out = (
        "model  accuracy       fit time (s)  modalities\n"
        "text   0.883 ± 0.047  0.31          text\n"
        "best: text (accuracy 0.883)\n"
    )
    assert same_output(out, out.replace("0.883", "0.900"))
    assert not same_output(out, out.replace("0.883", "0.917"))  # two rows
    assert not same_output(out, out.replace("best: text", "best: image"))
    assert not same_output(out, out + "one more line\n")
    assert same_output(out, out.replace("0.31", "9.50"))  # a fit time


def test_stable_drops_fit_times_and_durations():
    out = (
        "model   accuracy       fit time (s)  modalities\n"
        "------  -------------  ------------  ----------\n"
        "text    0.900 ± 0.010  0.31          text\n"
        "best: text (accuracy 0.900 ± 0.010)\n"
        "trained on 60 rows in 0.8 s; report written (12 s)\n"
    )
    assert stable(out) == [
        "model  accuracy  modalities",
        "------  -------------  ----------",
        "text  0.900 ± 0.010  text",
        "best: text (accuracy 0.900 ± 0.010)",
        "trained on 60 rows in N s; report written (N s)",
    ]
    other = out.replace("0.31", "12.50").replace("0.8 s", "1.2 s")
    assert stable(other) == stable(out)
    assert stable(out.replace("0.900 ± 0.010  0.31", "0.800 ± 0.010  0.31")) != (
        stable(out)
    )


# several CLI runs (cross-validation, training) and reports with figures
@pytest.mark.slow
def test_tutorial_runs_as_written(tmp_path, monkeypatch):
    for module, extra in [
        ("pyarrow", "parquet"),
        ("skops", "persist"),
        ("matplotlib", "plot"),
    ]:
        pytest.importorskip(
            module, reason=f"the tutorial uses the {extra!r} extra ({module})"
        )
    text = PAGE.read_text("utf-8")
    blocks = page_blocks(text)
    monkeypatch.chdir(tmp_path)
    n_commands = n_outputs = 0
    previous = csv_head = None
    # one BLAS/OpenMP thread: the data are small, threads only contend (the
    # libraries are imported above, so that the limit reaches each of them)
    with threadpool_limits(1):
        for language, body in blocks:
            if language == "python":
                assert_code_blocks_print_what_they_claim(PAGE, containing=body)
            elif language == "bash":
                stdout = []
                for line in commands(body):
                    result = run_main(*shlex.split(line)[1:])
                    assert result.returncode == 0, (line, result.stderr[-3000:])
                    stdout.append(result.stdout)
                    n_commands += 1
                previous = "".join(stdout)
                continue
            elif language == "text":
                if body.startswith("sku,image,title"):  # the CSV's first lines
                    csv_head = body.strip().splitlines()  # checked once written
                else:  # the output of the commands just above
                    assert previous is not None, f"output without a command:\n{body}"
                    assert same_output(body, previous), (body, previous)
                    n_outputs += 1
            previous = None
    assert n_commands >= 5 and n_outputs >= 4 and csv_head is not None
    written = Path("catalogue/catalogue.csv").read_text("utf-8").splitlines()
    assert written[: len(csv_head)] == csv_head
    for output in OUTPUTS:
        assert f"`{Path(output).name}`" in text or output in text, output
        assert Path(output).is_file(), output
