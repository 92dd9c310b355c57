"""Prediction and featurization on Dask partitions: rows per second and
peak memory per process, one process against a two-worker ``LocalCluster``.

Protocol: the default fused model (``skmultimodal train`` on the 1,884
emoji, or 200 of them with ``--quick``; saved as ``.skops``) predicts and
featurizes a CSV of 100,000 rows whose image paths cycle over the 1,884
emoji PNGs and whose texts are their names (every row is read, decoded and
featurized: nothing is cached between rows). *One process*: the command
line's chunked loop (``iter_table``, the model, one Parquet file written
chunk by chunk) in a fresh Python process, timed from the loaded model on
(import and loading are reported apart). *Dask*:
:func:`skmultimodal.distributed.predict_partitions` on a ``LocalCluster`` of
2 worker processes with 1 thread each, started in a fresh process (its
start-up is reported, not counted; a warm-up run on a small table has every
worker import skmultimodal and load the model first); each worker writes its
partitions' Parquet files. Both use partitions (chunks) of 10,000 rows. Peak
RSS is each process's own ``VmHWM``: the one process; the Dask client
(scheduler included) and each worker.

Per-partition overhead: the same pipeline over a 2,000-row table cut into
200 partitions of about 10 rows with a no-op ``kind`` (no model call), so the time
per partition is the scheduler round trip, the CSV block read, the row
count and the Parquet write; and a bare ``client.submit`` of a no-op task.
The 10 M-row estimate extrapolates the measured rows per second per worker
linearly; its assumptions are printed with it.

Usage::

    python benchmarks/bench_dask.py           # 100,000 rows (~10 min on 2 cores)
    python benchmarks/bench_dask.py --quick   # 300 rows, partitions of 100
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from _harness import PEAK_RSS_CODE, run_child, run_cli

ONE_PROCESS = (
    PEAK_RSS_CODE
    + r"""
import json, sys, time
t0 = time.perf_counter()
from skmultimodal.datasets._table import iter_table
from skmultimodal.distributed import KINDS
from skmultimodal.persistence import load_model
from skmultimodal.utils._output import table_writer
model, csv, out, chunk, kind = sys.argv[1:6]
saved = load_model(model)
est, meta = saved.estimator, saved.metadata
table = KINDS[kind]
t = time.perf_counter()  # imported and loaded: the rows from here
n = 0
chunks = iter_table(csv, image_column="image", text_column="text",
                    chunksize=int(chunk), keep_columns=["sku"])
with table_writer(out) as write:
    for X, kept in chunks:
        out_ = kept.join(table(est, X, meta, True))
        write(out_)
        n += len(out_)
seconds = time.perf_counter() - t
print(json.dumps({"rows": n, "seconds": seconds, "startup_seconds": t - t0,
                  "peak_rss_bytes": peak_rss_bytes()}))
"""
)

ON_DASK = (
    PEAK_RSS_CODE
    + r"""
import json, sys, time
import dask
import pandas as pd
from dask.distributed import Client, LocalCluster
from skmultimodal.distributed import predict_partitions

def noop(est, X):
    return pd.DataFrame({"n": 1}, index=X.index)

def nothing(i):
    return i

model, csv, out, chunk, tiny_csv, scratch = sys.argv[1:7]
# the scratch space of the scheduler, nanny and workers: not $TMPDIR
dask.config.set({"temporary-directory": scratch})
t0 = time.perf_counter()
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                  dashboard_address=None) as cluster, Client(cluster) as client:
    start = time.perf_counter() - t0
    res = {"start_seconds": start}
    # warm-up: every worker imports skmultimodal and loads the model once
    for kind in ("predict", "featurize"):
        predict_partitions(model, tiny_csv, f"{out}-warm-{kind}", kind=kind,
                           client=client, chunk_size=10)
    # per-partition overhead: 10-row partitions, nothing computed
    meta = predict_partitions(model, tiny_csv, f"{out}-tiny", kind=noop,
                              client=client, chunk_size=10)
    res["tiny"] = {"parts": meta["parts"], "seconds": meta["seconds"]}
    for kind in ("predict", "featurize"):
        meta = predict_partitions(model, csv, f"{out}-{kind}", kind=kind,
                                  client=client, chunk_size=int(chunk),
                                  id_column="sku")
        res[kind] = {"rows": meta["rows"], "parts": meta["parts"],
                     "seconds": meta["seconds"]}
    n = 1000
    t = time.perf_counter()
    client.gather([client.submit(nothing, i, pure=False) for i in range(n)])
    res["bare_task_seconds"] = (time.perf_counter() - t) / n
    res["worker_peak_rss_bytes"] = sorted(client.run(peak_rss_bytes).values())
res["peak_rss_bytes"] = peak_rss_bytes()
print(json.dumps(res))
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


def _gib(n):
    return f"{n / 2**30:.2f} GiB"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    n_rows, chunk = (300, 100) if args.quick else (100_000, 10_000)
    n_train = 200 if args.quick else None  # quick: train on 200 emoji
    n_tiny = 100 if args.quick else 2_000

    from skmultimodal.datasets import load_emoji

    t_start = time.perf_counter()
    load_start = os.getloadavg()[0]
    data = load_emoji()
    table = data.data.copy()
    table["label"] = data.target
    train_rows = table if n_train is None else table.sample(n_train, random_state=0)
    image_bytes = sum(os.path.getsize(p) for p in table["image"]) / len(table)
    with tempfile.TemporaryDirectory(prefix="skmm-dask-") as tmp:
        tmp = Path(tmp)
        train_csv = tmp / "train.csv"
        train_rows.to_csv(train_csv, index=False)
        model = tmp / "model.skops"
        train = ["train", "--csv", str(train_csv), "--output", str(model)]
        run_cli(train)  # its output on stderr: stdout is the report
        csv = tmp / "rows.csv"
        write_csv(csv, n_rows, table[["image", "text"]])
        tiny = tmp / "tiny.csv"
        write_csv(tiny, n_tiny, table[["image", "text"]])
        one = {}
        for kind in ("predict", "featurize"):
            out = tmp / f"one-{kind}.parquet"
            one[kind] = run_child(ONE_PROCESS, [model, csv, out, chunk, kind])
            log(f"one process, {kind}: {one[kind]['seconds']:.1f} s")
        # the workers' scratch space too goes with the temporary folder
        scratch = tmp / "dask-scratch"
        dask = run_child(ON_DASK, [model, csv, tmp / "dask", chunk, tiny, scratch])
        log(f"dask: {json.dumps(dask)}")

    print("# Dask partitions (`bench_dask.py`)\n")
    print(
        f"{n_rows:,} rows (emoji images and names, an id column), partitions "
        f"of {chunk:,} rows, the default fused model trained on "
        f"{len(train_rows):,} emoji; Parquet output. One process: the chunked "
        "loop of `skmultimodal predict`, timed once the model is loaded "
        f"(import and loading took {one['predict']['startup_seconds']:.1f} s "
        "more). Dask: "
        "`predict_partitions` on a 2-worker `LocalCluster` (1 thread each; "
        f"started in {dask['start_seconds']:.1f} s, not counted; "
        f"{dask['predict']['parts']} partitions; the row "
        "count pass over the CSV is counted; the workers had imported "
        "skmultimodal and loaded the model in a warm-up run).\n"
    )
    print("| kind | run | time | rows per second | speed-up | peak RSS per process |")
    print("|---|---|---:|---:|---:|---|")
    workers = dask["worker_peak_rss_bytes"]
    rates = {}
    for kind in ("predict", "featurize"):
        s1 = one[kind]["seconds"]
        s2 = dask[kind]["seconds"]
        rates[kind] = (n_rows / s1, n_rows / s2)
        print(
            f"| {kind} | one process | {s1:.1f} s | {n_rows / s1:,.0f} | 1.00× "
            f"| {_gib(one[kind]['peak_rss_bytes'])} |"
        )
        print(
            f"| {kind} | Dask, 2 workers "
            f"| {s2:.1f} s | {n_rows / s2:,.0f} | {s1 / s2:.2f}× "
            f"| workers {', '.join(_gib(w) for w in workers)} (both kinds); "
            f"client {_gib(dask['peak_rss_bytes'])} |"
        )
    per_part = dask["tiny"]["seconds"] / dask["tiny"]["parts"]
    bare = dask["bare_task_seconds"]
    print(
        f"\nPer-partition overhead: {per_part * 1e3:.1f} ms of wall time per "
        f"partition ({dask['tiny']['parts']} partitions of about 10 rows, nothing "
        "computed: scheduling, row count, CSV read, Parquet write, on 2 "
        f"workers); a bare no-op task: {bare * 1e3:.2f} ms.\n"
    )
    # worked estimate for 10 M rows
    cores = os.cpu_count() or 1
    per_worker = {k: r[1] / min(2, cores) for k, r in rates.items()}
    bandwidth = 200e6  # bytes/s the shared image store serves, assumed
    parts = 10_000_000 // 10_000
    print(
        "Estimate for 10,000,000 rows (partitions of 10,000 rows: "
        f"{parts:,} partitions). Assumptions: each worker is one core "
        f"processing what one worker did here ({per_worker['predict']:,.0f} "
        f"rows/s predicting, {per_worker['featurize']:,.0f} rows/s featurizing; "
        f"the machine here has {cores} cores, so 2 workers are its ceiling), "
        "throughput grows linearly with workers until the image store's "
        f"bandwidth caps it (assumed {bandwidth / 1e6:.0f} MB/s, images of "
        f"{image_bytes / 1e3:.1f} kB as the emoji here: "
        f"{bandwidth / image_bytes:,.0f} images/s), the scheduler adds the "
        "per-partition overhead measured above, and start-up is left out.\n"
    )
    print("| workers | predict | featurize | image reads needed (predict) |")
    print("|---:|---:|---:|---:|")
    for w in (8, 32, 128):
        cells = []
        for kind in ("predict", "featurize"):
            rate = min(per_worker[kind] * w, bandwidth / image_bytes)
            seconds = 10_000_000 / rate + parts * per_part / w
            cells.append(f"{seconds / 3600:.2f} h ({rate:,.0f} rows/s)")
        need = per_worker["predict"] * w * image_bytes / 1e6
        print(f"| {w} | {cells[0]} | {cells[1]} | {need:,.1f} MB/s |")
    print(
        f"\n*Total time: {time.perf_counter() - t_start:.0f} s; 1-minute load "
        f"average at start / end: {load_start:.1f} / {os.getloadavg()[0]:.1f} "
        f"on {cores} cores.*"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
