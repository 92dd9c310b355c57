"""The documented benchmark command still runs and writes its page.

Runs ``python benchmarks/run_all.py --quick --repeats 1`` at tiny sizes in a
subprocess. Nothing here checks a timing: speed is what the page reports,
not what a test asserts.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# benchmark smoke runs: subprocesses on real data. The whole quick run is
# about 4 minutes on 2 cores alone; the first test's limit (the page is made
# in its setup) leaves room for a machine twice as slow, shared with another
# test process.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]

ROOT = Path(__file__).resolve().parents[1]

SECTIONS = [
    "## Machine",
    "## Targets at a glance",
    "## HOG features",
    "## Reading and decoding images",
    "## Fusion overhead (concat)",
    "## Parallel featurization",
    "## Streaming featurization",
    "## Accuracy on the emoji data",
    "## Unreadable images as missing modalities",
    "## Default image branch: decode once",
    "## Pretrained image backbones",
    "## style_shift (`benchmarks/bench_style_shift.py`)",
    "## image_tokens (`benchmarks/bench_image_tokens.py`)",
    "## predict (`benchmarks/bench_predict.py`)",
    "## tabular (`benchmarks/bench_tabular.py`)",
    "### Speed of the tabular branch",
    "## File-stamp cache (memory=)",
    "## out_of_core (`benchmarks/bench_out_of_core.py`)",
    "## Model files (.joblib)",
    "## scale (`benchmarks/bench_scale.py`)",
    "## dask (`benchmarks/bench_dask.py`)",
    "## eager (`benchmarks/bench_eager.py`)",
    "## BLAS threads in the default experts",
]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "benchmarks.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run_all.py"),
            "--quick",
            "--repeats",
            "1",
            "--output",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=2100,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return out.read_text(encoding="utf-8")


def test_page_has_every_section(page):
    missing = [s for s in SECTIONS if s not in page]
    assert not missing, f"sections missing from the page: {missing}"
    assert "failed" not in "".join(
        line for line in page.splitlines() if line.startswith("## ")
    )


def test_page_describes_the_machine_and_the_run(page):
    assert "Quick mode" in page
    assert "- CPU: " in page
    for dist in ("numpy", "scikit-learn", "opencv-python-headless"):
        assert f"{dist} " in page


def test_every_timed_row_has_n_repeats_and_a_ratio(page):
    rows = [
        line
        for line in page.splitlines()
        if line.startswith("| ")
        and ("× the reference's time" in line or "× faster" in line)
    ]
    assert rows, "no timed rows on the page"
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        n, repeats = cells[3].replace(",", ""), cells[4]
        assert n.isdigit() and int(n) > 0, line
        assert repeats.isdigit() and int(repeats) >= 1, line


def test_out_of_core_reports_the_three_models_and_the_target(page):
    section = page.split("## out_of_core (`benchmarks/bench_out_of_core.py`)", 1)[1]
    section = section.split("\n## ", 1)[0]
    models = [
        line.split("|")[1].strip()
        for line in section.splitlines()
        if line.startswith("| ") and " ± " in line
    ]
    assert models[:3] == ["out of core", "in memory, SGD", "in memory, logistic"]
    # the attention classifier, out of core and in memory, unless skipped
    assert models[3:] in ([], ["attention, out of core", "attention, in memory"])
    assert "points of in-memory SGD" in section
    assert "peak RSS" in section  # memory of train --chunk-size at two sizes


def test_dask_reports_both_kinds_and_the_estimate(page):
    section = page.split("## dask (`benchmarks/bench_dask.py`)", 1)[1]
    section = section.split("\n## ", 1)[0]
    runs = [
        line.split("|")[2].strip()
        for line in section.splitlines()
        if line.startswith(("| predict |", "| featurize |"))
    ]
    assert runs == ["one process", "Dask, 2 workers"] * 2, runs
    assert "Per-partition overhead:" in section
    estimate = [
        line.split("|")[1].strip()
        for line in section.splitlines()
        if line.startswith("| ")
    ]
    assert {"8", "32", "128"} <= set(estimate)


def test_streaming_reports_peak_memory(page):
    section = page.split("## Streaming featurization", 1)[1].split("\n## ", 1)[0]
    assert "peak RSS" in section
    assert "GiB" in section


def test_scale_reports_both_commands_at_both_sizes(page):
    section = page.split("## scale (`benchmarks/bench_scale.py`)", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = [
        line
        for line in section.splitlines()
        if line.startswith(("| featurize |", "| predict |"))
    ]
    commands = [line.split("|")[1].strip() for line in rows]
    assert commands == ["featurize", "featurize", "predict", "predict"]
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[2].endswith(" s") and cells[6].endswith(" GiB"), line
    assert "Marginal rate from" in section
    assert "peak RSS ≤ 1.3×" in section


# ---------------------------------------------- drawing-style shift benchmark
STYLE_SHIFT = ROOT / "benchmarks" / "bench_style_shift.py"
NOTO_FONT = Path(
    os.environ.get(
        "SKMM_NOTO_EMOJI_FONT", "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
    )
)


def _run_style_shift(args, env=None, timeout=600):
    return subprocess.run(
        [sys.executable, str(STYLE_SHIFT), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize("how", ["--font", "env"])
def test_style_shift_skips_without_the_font(tmp_path, how):
    missing = tmp_path / "no-such-font.ttf"
    if how == "--font":
        proc = _run_style_shift(["--font", str(missing), "--cache", str(tmp_path)])
    else:
        proc = _run_style_shift(
            ["--cache", str(tmp_path)], env={"SKMM_NOTO_EMOJI_FONT": str(missing)}
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "skipped: Noto Color Emoji font not found" in out
    assert str(missing) in out
    assert "fonts-noto-color-emoji" in out
    assert "|---" not in out  # no table: nothing was run
    assert not list(tmp_path.rglob("*.png"))  # nothing rendered


@pytest.mark.skipif(
    not NOTO_FONT.is_file(),
    reason=f"Noto Color Emoji font absent ({NOTO_FONT}; Debian package "
    "fonts-noto-color-emoji)",
)
def test_style_shift_quick_run(tmp_path):
    proc = _run_style_shift(
        ["--quick", "--skip-keras", "--skip-cv", "--cache", str(tmp_path)]
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    out = proc.stdout
    assert "Quick mode" in out
    assert "| 1. default image branch" in out
    assert "skipped (`--skip-keras`)" in out
    # every candidate is reported, exactly one is selected by the proxy rule
    candidates = [
        line for line in out.splitlines() if line.startswith(("| C", "| **C"))
    ]
    assert len(candidates) == 8
    assert sum("(selected)" in line for line in candidates) == 1
    # the rule: the highest proxy mean (4th column; printed rounded)
    means = [float(line.split("|")[4].strip(" *")) for line in candidates]
    chosen = next(i for i, line in enumerate(candidates) if "(selected)" in line)
    assert means[chosen] == max(means)
    assert "The proxy rule selected" in out
    assert "by the selected model" in out
    assert "*Total time:" in out
    # the renders are cached as PNGs and re-used
    assert len(list(tmp_path.rglob("*.png"))) > 0


# ------------------------------------------------- decode once, step by step
def test_decode_once_command_prints_the_steps():
    """``bench_image.py --decode-once``, the command the decode-once section
    names for its per-step times, runs to its end (it is not part of
    ``run_all.py``)."""
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_image.py"),
            "--decode-once",
            "--n",
            "24",
            "--repeats",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    out = proc.stdout
    assert "## Default image branch: decode once" in out
    assert "as the three-read branch: **True**" in out
    for step in ("read + decode", "HOG (gray", "HSV colour histogram", "16x16 RGB"):
        assert step in out, step
    assert "ratio from these steps" in out
