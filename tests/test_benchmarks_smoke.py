"""The documented benchmark command still runs and writes its page.

Runs ``python benchmarks/run_all.py --quick --repeats 1`` at tiny sizes in a
subprocess. Nothing here checks a timing: speed is what the page reports,
not what a test asserts.
"""

import subprocess
import sys
from pathlib import Path

import pytest

# benchmark smoke runs: subprocesses on real data
pytestmark = pytest.mark.slow

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
        timeout=600,
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


def test_streaming_reports_peak_memory(page):
    section = page.split("## Streaming featurization", 1)[1].split("\n## ", 1)[0]
    assert "peak RSS" in section
    assert "GiB" in section
