"""Parallel featurization: ``HOGFeatures(n_jobs=2)`` against ``n_jobs=1`` on
the emoji PNG paths (each worker decodes and describes its own images).

Run alone: ``python benchmarks/bench_parallel.py [--quick] [--repeats R]``.
"""

from __future__ import annotations

import os
import time

import numpy as np
from _harness import Context, Section, compare, emoji_paths, usable_cores


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
        rows=[row],
    )
    if not row.met:
        why = (
            "the machine had other work running (see the load average): two "
            "workers only get two cores when nothing else wants them"
            if load_before > cores
            else "per-chunk costs (pickling the results back, one HOG "
            "descriptor built per chunk) are not fully hidden at this size"
        )
        if cores < 2:
            why = "fewer than 2 usable cores"
        section.notes.append(f"**Target missed**: {why}.")
    section.seconds = time.perf_counter() - start
    return section


if __name__ == "__main__":
    from _harness import main_single

    main_single(run)
