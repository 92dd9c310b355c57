"""Shared machinery of the benchmarks: timing, machine description, peak
memory of a subprocess and the Markdown page.

Every figure is a ratio against a reference measured in the same run. The
candidate and the reference are timed in interleaved rounds (A, B, A, B,
...) after one untimed warm-up call each, so a slow spell of the machine
hits both sides; the figure is the ratio of the medians.

A benchmark module ``benchmarks/bench_<name>.py`` exposes
``run(ctx) -> Section`` (or a list of sections); ``benchmarks/run_all.py``
collects them into ``docs/benchmarks.md``.
"""

from __future__ import annotations

import dataclasses
import gc
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

# Distributions whose versions the page lists (missing ones are skipped).
VERSIONED = [
    "skmultimodal",
    "numpy",
    "scipy",
    "scikit-learn",
    "scikit-image",
    "opencv-python-headless",
    "joblib",
    "pandas",
    "tensorflow-cpu",
    "tensorflow",
    "keras",
    "scikeras",
    "dask",
    "distributed",
]


@dataclasses.dataclass
class Context:
    """Settings every benchmark receives."""

    quick: bool = False
    repeats: int = 5
    workdir: Path = dataclasses.field(default_factory=lambda: Path("."))
    only: tuple = ()
    # Sections produced earlier in the same run, by module name ("models"),
    # so a later benchmark can reuse a figure instead of measuring it twice.
    shared: dict = dataclasses.field(default_factory=dict)

    def pick(self, full, quick):
        """``quick`` in quick mode, ``full`` otherwise."""
        return quick if self.quick else full


@dataclasses.dataclass
class Timing:
    """Repeated wall-clock times of one callable (seconds)."""

    times: list

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def repeats(self) -> int:
        return len(self.times)


@dataclasses.dataclass
class Row:
    """One figure: the candidate against its reference.

    ``kind="time"``: the figure is ``candidate / reference`` (lower is
    better; the target is a maximum). ``kind="speedup"``: the figure is
    ``reference / candidate`` (higher is better; the target is a minimum).
    """

    case: str
    candidate: str
    reference: str
    n: int
    candidate_time: Timing
    reference_time: Timing
    kind: str = "time"
    target: float | None = None
    note: str = ""

    @property
    def value(self) -> float:
        c, r = self.candidate_time.median, self.reference_time.median
        return c / r if self.kind == "time" else r / c

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.kind == "time":
            return self.value <= self.target
        return self.value >= self.target


@dataclasses.dataclass
class Section:
    """A titled part of the page: text, a table of rows and/or free Markdown."""

    title: str
    intro: str = ""
    rows: list = dataclasses.field(default_factory=list)
    markdown: str = ""
    notes: list = dataclasses.field(default_factory=list)
    seconds: float = 0.0


def time_interleaved(
    funcs: dict[str, Callable[[], object]],
    repeats: int,
    *,
    warmup: int = 1,
    setup: dict[str, Callable[[], object]] | None = None,
) -> dict[str, Timing]:
    """Time each callable ``repeats`` times, alternating between them.

    Each callable runs ``warmup`` untimed times first (imports, worker pools,
    caches). ``setup[name]()``, where given, runs untimed before each call
    of ``funcs[name]`` (e.g. to empty a cache folder). The garbage collector
    is run between calls and disabled during each timed call.
    """
    setup = setup or {}

    def prepare(name):
        if name in setup:
            setup[name]()

    for _ in range(warmup):
        for name, f in funcs.items():
            prepare(name)
            f()
    times = {name: [] for name in funcs}
    for _ in range(max(1, repeats)):
        for name, f in funcs.items():
            prepare(name)
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                f()
                times[name].append(time.perf_counter() - start)
            finally:
                gc.enable()
    return {name: Timing(t) for name, t in times.items()}


def compare(
    case: str,
    candidate: tuple[str, Callable],
    reference: tuple[str, Callable],
    *,
    n: int,
    repeats: int,
    kind: str = "time",
    target: float | None = None,
    note: str = "",
    warmup: int = 1,
) -> Row:
    """Time a candidate and its reference in interleaved rounds; one Row."""
    (cname, cfunc), (rname, rfunc) = candidate, reference
    t = time_interleaved({"c": cfunc, "r": rfunc}, repeats, warmup=warmup)
    return Row(case, cname, rname, n, t["c"], t["r"], kind, target, note)


# ------------------------------------------------------------------ machine
def cpu_line() -> str:
    """The CPU model as /proc/cpuinfo (or platform) names it, with core count."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    model = model or platform.processor() or platform.machine()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    return f"{model}, {usable} usable core(s) ({os.cpu_count()} logical)"


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def memory_line() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    kib = int(line.split()[1])
                    return f"{kib / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def versions() -> dict[str, str]:
    out = {}
    for dist in VERSIONED:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return out


def machine_markdown() -> str:
    vers = ", ".join(f"{k} {v}" for k, v in versions().items())
    return "\n".join(
        [
            f"- CPU: {cpu_line()}",
            f"- Memory: {memory_line()}",
            f"- OS: {platform.platform()}",
            f"- Python: {platform.python_version()} "
            f"({platform.python_implementation()})",
            f"- Libraries: {vers}",
        ]
    )


# ------------------------------------------------------------------- memory
def run_child(code: str, args: list, *, timeout: float | None = None) -> dict:
    """Run ``python -c code *args``; return its JSON result and peak RSS.

    The child must print one JSON object as the last line of its stdout; a
    non-zero ``"status"`` in it (the exit status of a command the child ran)
    raises, with the child's stderr.
    The result gets ``"peak_rss_bytes"``: the child's own peak resident set
    size, as the child reported it with :data:`PEAK_RSS_CODE` (``VmHWM`` of
    its address space), or else ``ru_maxrss`` from ``os.wait4`` of that very
    child. The latter is only an upper bound on Linux: the kernel carries the
    parent's high-water mark over the fork and exec into the child's
    ``ru_maxrss``.
    """
    import tempfile

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in [str(ROOT), str(BENCH_DIR), env.get("PYTHONPATH", "")] if p
    )
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *map(str, args)],
            stdout=out,
            stderr=err,
            text=True,
            env=env,
        )
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise RuntimeError(f"benchmark child timed out after {timeout} s")
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(
            f"benchmark child failed (exit {proc.returncode}):\n{stderr[-3000:]}"
        )
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    result = json.loads(lines[-1])
    if result.get("status", 0) != 0:  # a command the child ran, e.g. cli.main
        raise RuntimeError(
            f"benchmark child's command exited with {result['status']}:\n"
            f"{stderr[-3000:]}"
        )
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is KiB on Linux
    result["wait4_maxrss_bytes"] = usage.ru_maxrss * scale
    result.setdefault("peak_rss_bytes", result["wait4_maxrss_bytes"])
    return result


# Paste at the end of a child's code: defines peak_rss_bytes(), the peak
# resident set size of this process since its exec (Linux VmHWM), falling
# back to ru_maxrss elsewhere.
PEAK_RSS_CODE = r"""
def peak_rss_bytes():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource, sys
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib if sys.platform == "darwin" else kib * 1024
"""


# ----------------------------------------------------------------- Markdown
def _fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def _fmt_target(row: Row) -> str:
    if row.target is None:
        return "—"
    if row.kind == "time":
        return f"≤ {row.target:g}×"
    return f"≥ {row.target:g}×"


def _fmt_met(row: Row) -> str:
    met = row.met
    if met is None:
        return "—"
    return "met" if met else "**missed**"


def rows_table(rows: list) -> str:
    head = (
        "| case | candidate | reference | n | repeats | candidate (median) "
        "| reference (median) | figure | target | result |\n"
        "|---|---|---|---:|---:|---:|---:|---:|---|---|"
    )
    lines = [head]
    for r in rows:
        if r.kind == "time":
            fig = f"{r.value:.2f}× the reference's time"
        else:
            fig = f"{r.value:.2f}× faster"
        lines.append(
            f"| {r.case} | {r.candidate} | {r.reference} | {r.n:,} "
            f"| {r.candidate_time.repeats} | {_fmt_time(r.candidate_time.median)} "
            f"| {_fmt_time(r.reference_time.median)} | {fig} | {_fmt_target(r)} "
            f"| {_fmt_met(r)} |"
        )
    return "\n".join(lines)


def write_page(
    path: Path,
    sections: list,
    *,
    command: str,
    quick: bool,
    elapsed: float,
    machine_notes=(),
):
    """Write the whole page: header, machine, summary of targets, sections."""
    parts = [
        "# Benchmarks",
        "",
        "Generated by `" + command + "`; do not edit by hand.",
        "",
        "Every figure is a ratio against a reference measured in the same run "
        "on the same data: the candidate and the reference are timed in "
        "interleaved rounds after one untimed warm-up call each, and the "
        "figure is the ratio of the medians. *n* is the number of samples "
        "(images, rows) per call.",
        "",
    ]
    if quick:
        parts += [
            "> **Quick mode** (`--quick`): tiny sizes and few repeats, to check "
            "that the benchmarks run. These figures are not meaningful.",
            "",
        ]
    parts += ["## Machine", "", machine_markdown()]
    parts += [f"- {note}" for note in machine_notes]
    parts += [""]
    parts += [f"Total benchmark time: {elapsed:.0f} s.", ""]
    targeted = [(s, r) for s in sections for r in s.rows if r.target is not None]
    if targeted:
        parts += [
            "## Targets at a glance",
            "",
            "| section | case | figure | target | result |",
            "|---|---|---:|---|---|",
        ]
        for s, r in targeted:
            fig = f"{r.value:.2f}×"
            parts.append(
                f"| {s.title} | {r.case} | {fig} | {_fmt_target(r)} | {_fmt_met(r)} |"
            )
        parts.append("")
    for s in sections:
        parts.append(section_markdown(s))
    from skmultimodal.utils import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(parts))


# --------------------------------------------------------------------- data
def emoji_paths(limit: int | None = None) -> list:
    """Paths of the bundled emoji PNGs (72x72 RGBA), the first ``limit``."""
    from skmultimodal.datasets import load_emoji

    paths = load_emoji().data["image"].tolist()
    return paths if limit is None else paths[:limit]


def bare_gray64(path, size=(64, 64)):
    """A PNG as the 64x64 gray uint8 image the HOG benchmarks start from,
    prepared with plain OpenCV: alpha composited on white, ITU-R 601 gray,
    area resize."""
    import cv2
    import numpy as np

    bgra = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    bgr = bgra[..., :3]
    if bgra.shape[2] == 4:
        alpha = cv2.merge([bgra[..., 3]] * 3)
        bgr = 255 - cv2.multiply(255 - bgr, alpha, scale=1 / 255)
    gray = cv2.transform(bgr, np.array([[0.1140, 0.5870, 0.2989]]))
    return cv2.resize(gray, (size[1], size[0]), interpolation=cv2.INTER_AREA)


def hog_descriptor():
    """``cv2.HOGDescriptor`` with the parameters ``HOGFeatures()`` documents
    for its defaults (64x64, 8x8 cells, 2x2 blocks, 9 bins, L2-Hys)."""
    import cv2

    return cv2.HOGDescriptor(
        (64, 64), (16, 16), (8, 8), (8, 8), 9, 1, 1e9, cv2.HOGDescriptor_L2Hys,
        0.2, False, 64, False,
    )  # fmt: skip


def section_markdown(section: Section) -> str:
    parts = [f"## {section.title}", ""]
    if section.intro:
        parts += [section.intro.strip(), ""]
    if section.rows:
        parts += [rows_table(section.rows), ""]
    if section.markdown:
        parts += [section.markdown.strip(), ""]
    for note in section.notes:
        parts += [note.strip(), ""]
    parts += [f"*Section time: {section.seconds:.0f} s.*", ""]
    return "\n".join(parts)


def reaches(value: float, bar: float) -> bool:
    """Whether an accuracy (or a change of one) reaches ``bar``, up to float
    round-off: means of fold accuracies give -0.010000000000000009 for
    -0.01."""
    return value >= bar - 1e-9


def positive_int(text: str) -> int:
    """An argparse ``type``: an integer of at least 1 (sizes, repeats, folds)."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive integer (≥ 1)")
    return value


def run_cli(argv: list) -> None:
    """``skmultimodal.cli.main(argv)`` with its output on stderr (stdout is
    the report); raises if it exits with a non-zero status."""
    import contextlib

    from skmultimodal import cli

    with contextlib.redirect_stdout(sys.stderr):
        status = cli.main([str(a) for a in argv])
    if status != 0:
        raise RuntimeError(
            f"`skmultimodal {' '.join(map(str, argv))}` exited with {status}"
        )


def main_single(run, argv=None):
    """Command line of one benchmark module: print its section(s)."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument("--repeats", type=positive_int, default=None)
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 5)
    with tempfile.TemporaryDirectory(prefix="skmm-bench-") as tmp:
        ctx = Context(quick=args.quick, repeats=repeats, workdir=Path(tmp))
        result = run(ctx)
    for s in result if isinstance(result, list) else [result]:
        print(section_markdown(s))
