"""Streaming: featurize 10k, 30k and 100k generated 64×64 PNG files given
as paths; time per image and peak memory at each size.

Each size runs in a fresh Python process (`HOGFeatures(n_jobs=1)`, so the
whole computation lives in that one process); its peak resident set size is
read by the process itself at its end (`VmHWM`: the peak since it started).
The images are 64 distinct random
drawings encoded once and written under many names.

Run alone: ``python benchmarks/bench_streaming.py [--quick] [--repeats R]``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from _harness import PEAK_RSS_CODE, Context, Row, Section, Timing, run_child

RSS_LIMIT = 2 * 2**30  # 2 GiB
LINEAR_TARGET = 1.2  # per-image time at n / per-image time at the smallest n
FILES_PER_DIR = 1000

CHILD = r"""
import gc, json, sys, time
from pathlib import Path
from skmultimodal.image import HOGFeatures

root = Path(sys.argv[1])
n, repeats, per_dir = (int(a) for a in sys.argv[2:5])
paths = [str(root / f"{i // per_dir:04d}" / f"{i:06d}.png") for i in range(n)]
est = HOGFeatures(size=(64, 64), n_jobs=1).fit(paths)
times = []
for _ in range(repeats):
    gc.collect()
    start = time.perf_counter()
    Z = est.transform(paths)
    times.append(time.perf_counter() - start)
    shape = Z.shape
    del Z
result = {"times": times, "shape": list(shape), "peak_rss_bytes": peak_rss_bytes()}
print(json.dumps(result))
"""


def _base_images(k, rng):
    """k distinct 64×64 RGBA drawings, PNG-encoded."""
    import cv2

    encoded = []
    for _ in range(k):
        img = np.zeros((64, 64, 4), np.uint8)  # transparent background
        for _ in range(3):
            color = tuple(int(c) for c in rng.integers(0, 256, 3)) + (255,)
            center = tuple(int(c) for c in rng.integers(8, 56, 2))
            if rng.random() < 0.5:
                cv2.circle(img, center, int(rng.integers(6, 24)), color, -1)
            else:
                corner = tuple(int(c) for c in rng.integers(0, 64, 2))
                cv2.rectangle(img, center, corner, color, -1)
        ok, buf = cv2.imencode(".png", img)
        assert ok
        encoded.append(buf.tobytes())
    return encoded


def write_images(root: Path, n: int, *, seed=0) -> float:
    """Write ``n`` PNG files under ``root``; return the seconds it took."""
    start = time.perf_counter()
    encoded = _base_images(64, np.random.default_rng(seed))
    for d in range((n + FILES_PER_DIR - 1) // FILES_PER_DIR):
        folder = root / f"{d:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(d * FILES_PER_DIR, min(n, (d + 1) * FILES_PER_DIR)):
            with open(folder / f"{i:06d}.png", "wb") as fh:
                fh.write(encoded[i % len(encoded)])
    return time.perf_counter() - start


def run(ctx: Context) -> Section:
    start = time.perf_counter()
    sizes = ctx.pick([10_000, 30_000, 100_000], [100, 300, 1_000])
    root = Path(ctx.workdir) / "streaming"
    gen_seconds = write_images(root, max(sizes))
    results = {}
    for n in sizes:
        results[n] = run_child(
            PEAK_RSS_CODE + CHILD, [root, n, ctx.repeats, FILES_PER_DIR], timeout=3600
        )
    base = sizes[0]
    base_per_image = Timing([t / base for t in results[base]["times"]])
    rows = []
    mem_lines = [
        "| n | output shape | median time | time per image | peak RSS | "
        "target | result |",
        "|---:|---|---:|---:|---:|---|---|",
    ]
    for n in sizes:
        res = results[n]
        per_image = Timing([t / n for t in res["times"]])
        rows.append(
            Row(
                f"{n:,} PNG paths",
                f"time per image at n = {n:,}",
                f"time per image at n = {base:,}",
                n,
                per_image,
                base_per_image,
                kind="time",
                target=LINEAR_TARGET if n != base else None,
            )
        )
        rss = res["peak_rss_bytes"]
        ok = rss < RSS_LIMIT
        mem_lines.append(
            f"| {n:,} | {res['shape'][0]:,} × {res['shape'][1]:,} float32 "
            f"| {np.median(res['times']):.2f} s "
            f"| {np.median(res['times']) / n * 1e3:.3f} ms "
            f"| {rss / 2**30:.2f} GiB | < 2 GiB | {'met' if ok else '**missed**'} |"
        )
    section = Section(
        "Streaming featurization",
        intro=(
            __doc__.split("\n\n")[1].replace("\n", " ")
            + f" Writing the {max(sizes):,} files took {gen_seconds:.1f} s "
            "(not part of any timing). Linear growth means the time per image "
            f"stays flat: the figure is the time per image at n over that at "
            f"n = {base:,} (target ≤ {LINEAR_TARGET}×)."
        ),
        rows=rows,
        markdown="\n".join(mem_lines),
        notes=[
            "The peak RSS includes the output matrix itself "
            f"(n × 1,764 float32: {max(sizes) * 1764 * 4 / 2**30:.2f} GiB at "
            f"n = {max(sizes):,}) and the Python interpreter "
            "with NumPy, OpenCV and scikit-learn loaded; the images are read "
            "one at a time and dropped after use, never all at once."
        ],
    )
    missed = [r for r in rows if r.met is False]
    if missed:
        section.notes.append(
            "**Linearity target missed** at "
            + ", ".join(f"n = {r.n:,} ({r.value:.2f}×)" for r in missed)
            + ": a larger file set no longer fits the operating system's "
            "file cache as well, and other processes on the machine disturb "
            "long runs more; see the load average in the Machine section."
        )
    section.seconds = time.perf_counter() - start
    return section


if __name__ == "__main__":
    from _harness import main_single

    main_single(run)
