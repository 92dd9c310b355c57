"""``skmultimodal predict`` throughput: rows per second and peak memory.

Protocol: the default fused model (``skmultimodal train`` on the 1,884 emoji:
``make_multimodal_pipeline()``, saved as ``.skops``) predicts CSVs of 10,000
and 100,000 rows whose image paths cycle over the 1,884 emoji PNGs and
whose texts are their names (every row is read, decoded and featurized:
nothing is cached between rows). Each size runs ``skmultimodal predict
--chunk-size 10000 --output OUT.csv`` in a fresh Python process, timed from
outside; the peak resident set size is that process's own (``VmHWM``).
Targets: the time per row at 100,000 rows within 1.2x of that at 10,000
(linear), and the peak memory within 1.3x (it does not grow with rows).

Usage::

    python benchmarks/bench_predict.py           # 10,000 and 100,000 rows (~2 min)
    python benchmarks/bench_predict.py --quick   # 200 and 600 rows, chunks of 200
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _harness import PEAK_RSS_CODE, run_child, run_cli

CHILD = (
    PEAK_RSS_CODE
    + r"""
import json, sys, time
from skmultimodal import cli
t = time.perf_counter()
status = cli.main(["predict", "--model", sys.argv[1], "--csv", sys.argv[2],
                   "--output", sys.argv[3], "--chunk-size", sys.argv[4]])
seconds = time.perf_counter() - t
print(json.dumps({"status": status, "seconds": seconds,
                  "peak_rss_bytes": peak_rss_bytes()}))
"""
)


def log(msg):
    print(f"  {msg}", file=sys.stderr, flush=True)


def write_csv(path, n, data):
    import pandas as pd

    reps = -(-n // len(data))
    table = pd.concat([data] * reps, ignore_index=True).iloc[:n]
    table.insert(0, "sku", [f"SKU-{i:07d}" for i in range(n)])
    table.to_csv(path, index=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    sizes = (200, 600) if args.quick else (10_000, 100_000)
    chunk = sizes[0]

    from skmultimodal.datasets import load_emoji

    t_start = time.perf_counter()
    data = load_emoji()
    table = data.data.copy()
    table["label"] = data.target
    if args.quick:  # smoke run: a model trained on 300 of them
        table = table.sample(300, random_state=0)
    with tempfile.TemporaryDirectory(prefix="skmm-predict-") as tmp:
        tmp = Path(tmp)
        train_csv = tmp / "train.csv"
        table.to_csv(train_csv, index=False)
        model = tmp / "model.skops"
        t = time.perf_counter()
        train = ["train", "--csv", str(train_csv), "--output", str(model)]
        run_cli(train)  # its output on stderr: stdout is the report
        log(f"trained in {time.perf_counter() - t:.0f} s")
        rows = []
        for n in sizes:
            csv = tmp / f"rows{n}.csv"
            write_csv(csv, n, table[["image", "text"]])
            out = tmp / f"pred{n}.csv"
            res = run_child(CHILD, [model, csv, out, chunk])
            rows.append((n, res["seconds"], res["peak_rss_bytes"]))
            log(f"{n} rows: {res['seconds']:.1f} s")

    print("# Prediction throughput (`bench_predict.py`)\n")
    print(
        "`skmultimodal predict` with the default fused model trained on "
        f"{len(table):,} emoji, `--chunk-size {chunk:,}`, CSV output; each size in a "
        "fresh process (import and model loading included in its time).\n"
    )
    print(
        "| rows | time | rows per second | time per row vs first size "
        "| peak RSS | peak RSS vs first size |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    n0, s0, r0 = rows[0]
    for n, seconds, rss in rows:
        ratio = (seconds / n) / (s0 / n0)
        print(
            f"| {n:,} | {seconds:.1f} s | {n / seconds:,.0f} | {ratio:.2f}× "
            f"| {rss / 2**30:.2f} GiB | {rss / r0:.2f}× |"
        )
    n1, s1, r1 = rows[-1]
    linear = (s1 / n1) / (s0 / n0) <= 1.2
    flat = r1 / r0 <= 1.3
    print(
        f"\nTargets: time per row at {n1:,} rows ≤ 1.2× that at {n0:,}: "
        f"**{'met' if linear else 'missed'}**; peak RSS ≤ 1.3×: "
        f"**{'met' if flat else 'missed'}**."
    )
    print(f"\n*Total time: {time.perf_counter() - t_start:.0f} s.*")
    return 0


if __name__ == "__main__":
    sys.exit(main())
