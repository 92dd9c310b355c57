"""Parallel featurization: ``HOGFeatures(n_jobs=2)`` against ``n_jobs=1`` on
the emoji PNG paths (each worker decodes and describes its own images).

Run alone: ``python benchmarks/bench_parallel.py [--quick] [--repeats R]``.
"""

from __future__ import annotations

import os
import time

import numpy as np
from _harness import Context, Section, compare, emoji_paths, usable_cores

from skmultimodal.utils import parallel_map


def _spin(i, item):
    """Pure-Python CPU work: the control that scales if the cores are free."""
    total = 0
    for k in range(item):
        total += k
    return total


def run(ctx: Context) -> Section:
    from skmultimodal.image import HOGFeatures

    start = time.perf_counter()
    paths = emoji_paths(ctx.pick(None, 60))
    paths = paths * ctx.pick(2, 1)  # 3,768 images in a full run
    n = len(paths)
    one = HOGFeatures(n_jobs=1).fit(paths)
    two = HOGFeatures(n_jobs=2).fit(paths)
    assert np.array_equal(one.transform(paths[:64]), two.transform(paths[:64]))
    load_before = os.getloadavg()[0]
    row = compare(
        "HOG from 72×72 RGBA PNG paths",
        ("`HOGFeatures(n_jobs=2)`", lambda: two.transform(paths)),
        ("`HOGFeatures(n_jobs=1)`", lambda: one.transform(paths)),
        n=n,
        repeats=ctx.repeats,
        kind="speedup",
        target=1.7,
    )
    spins = [ctx.pick(60_000, 20_000)] * 200
    control = compare(
        "control: pure-Python loop, 200 items",
        ("`parallel_map(n_jobs=2)`", lambda: parallel_map(_spin, spins, n_jobs=2)),
        ("`parallel_map(n_jobs=1)`", lambda: parallel_map(_spin, spins, n_jobs=1)),
        n=len(spins),
        repeats=ctx.repeats,
        kind="speedup",
        note="how much two processes get from this machine right now",
    )
    load_after = os.getloadavg()[0]
    cores = usable_cores()
    section = Section(
        "Parallel featurization",
        intro=(
            "The work goes through joblib (loky processes by default) in "
            "contiguous chunks; the untimed warm-up call starts the worker "
            f"pool. Usable cores: {cores}. 1-minute load average before/after "
            f"the timings: {load_before:.1f} / {load_after:.1f}."
        ),
        rows=[row, control],
        notes=[
            "The control row runs a pure-Python loop with no I/O and tiny "
            "results through the same `parallel_map`: it measures how much of "
            "two cores the machine actually gives two processes at that "
            "moment, independently of the image code."
        ],
    )
    if not row.met:
        if control.value < 1.7:
            why = (
                f"the machine did not give two processes two cores: the "
                f"control itself only reached {control.value:.2f}× (load "
                f"average {load_before:.1f} on {cores} cores; the CPU share of "
                "this benchmark does not grow with its number of processes)"
            )
        else:
            why = (
                "per-chunk costs (pickling each chunk's function and paths to "
                "the worker and its float32 rows back) are not hidden at this "
                "size (about 0.2 ms of work per image) while the control "
                f"reached {control.value:.2f}×"
            )
        if cores < 2:
            why = "fewer than 2 usable cores"
        section.notes.append(f"**Target missed**: {why}.")
    section.seconds = time.perf_counter() - start
    return section


if __name__ == "__main__":
    from _harness import main_single

    main_single(run)
