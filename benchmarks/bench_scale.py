"""``skmultimodal featurize`` and ``predict`` at 100,000 and 1,000,000 rows:
rows per second, time per row and peak memory of each run.

Protocol: the default fused model (``skmultimodal train`` on the 1,884 emoji:
``make_multimodal_pipeline()``, saved as ``.skops``) featurizes and predicts
tables whose image paths cycle over the 1,884 emoji PNGs (a few images under
many names: every row is still read, decoded and featurized, nothing is
cached between rows) and whose texts are their names, with an ``sku``
column kept as the id. The input is a Parquet file written in row groups
of 100,000 rows (``--input csv``: a CSV), read with ``--parquet`` (or
``--csv``) ``--chunk-size 10000``; the output is Parquet. Each command and
size runs in a fresh Python process, so peaks do not mix: its time is that
of ``skmultimodal.cli.main`` in the process (model loading and the lazy
imports included) and its peak resident set size the process's own
(``VmHWM``). The marginal rate, ``(1,000,000 - 100,000) / (time at
1,000,000 - time at 100,000)``, is the steady rate once the process has
started and loaded the model. Targets, per command: the time per row at
1,000,000 rows within 1.2x of that at 100,000 (flat), and the peak RSS
within 1.3x (memory does not grow with the number of rows).

Usage::

    python benchmarks/bench_scale.py           # 100,000 and 1,000,000 rows (~25 min)
    python benchmarks/bench_scale.py --quick   # 400 and 1,200 rows, chunks of 200
    python benchmarks/bench_scale.py --input csv --commands predict
    python benchmarks/bench_scale.py --model model.skops  # that model, not trained here
"""

from __future__ import annotations

import argparse
import os
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
command, model, option, table, out, chunk = sys.argv[1:7]
t = time.perf_counter()
status = cli.main([command, "--model", model, option, table, "--output", out,
                   "--chunk-size", chunk, "--id-column", "sku"])
seconds = time.perf_counter() - t
print(json.dumps({"status": status, "seconds": seconds,
                  "peak_rss_bytes": peak_rss_bytes()}))
"""
)
#: The commands measured (``--commands``).
COMMANDS = ("featurize", "predict")
#: Rows per Parquet row group of the input tables.
ROW_GROUP = 100_000
#: Targets: time per row and peak RSS at the larger size over the smaller.
TIME_TARGET, RSS_TARGET = 1.2, 1.3


def log(msg):
    print(f"  {msg}", file=sys.stderr, flush=True)


def write_table(path, n, data, kind):
    """``n`` rows cycling over ``data``, with an ``sku`` column first."""
    import numpy as np

    rows = np.arange(n) % len(data)
    table = data.iloc[rows].reset_index(drop=True)
    table.insert(0, "sku", [f"SKU-{i:07d}" for i in range(n)])
    if kind == "parquet":
        table.to_parquet(path, index=False, row_group_size=ROW_GROUP)
    else:
        table.to_csv(path, index=False)


def command_list(text):
    """An argparse ``type``: comma-separated commands, each featurize or predict."""
    commands = [c.strip() for c in text.split(",") if c.strip()]
    unknown = [c for c in commands if c not in COMMANDS]
    if not commands or unknown:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give one or more of {', '.join(COMMANDS)}, comma-separated"
        )
    return commands


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument(
        "--input", choices=["parquet", "csv"], default="parquet", help="input format"
    )
    parser.add_argument(
        "--commands",
        type=command_list,
        default=",".join(COMMANDS),
        help="comma-separated commands to run (default: %(default)s)",
    )
    parser.add_argument(
        "--model", type=Path, help="a saved model to use instead of training one"
    )
    args = parser.parse_args(argv)
    if args.model is not None and not args.model.is_file():
        parser.error(f"--model {args.model}: no such file (a model saved by train)")
    sizes = (400, 1_200) if args.quick else (100_000, 1_000_000)
    chunk = 200 if args.quick else 10_000
    commands = args.commands

    from skmultimodal.datasets import load_emoji

    t_start = time.perf_counter()
    data = load_emoji()
    table = data.data.copy()
    table["label"] = data.target
    train_rows = table.sample(200, random_state=0) if args.quick else table
    with tempfile.TemporaryDirectory(prefix="skmm-scale-") as tmp:
        tmp = Path(tmp)
        train_csv = tmp / "train.csv"
        train_rows.to_csv(train_csv, index=False)
        model = args.model or tmp / "model.skops"
        if args.model is None:
            t = time.perf_counter()
            train = ["train", "--csv", str(train_csv), "--output", str(model)]
            run_cli(train)  # its output on stderr: stdout is the report
            seconds = time.perf_counter() - t
            log(f"trained on {len(train_rows):,} rows in {seconds:.0f} s")
        option = f"--{args.input}"
        tables = {}
        for n in sizes:
            tables[n] = tmp / f"rows{n}.{args.input}"
            write_table(tables[n], n, table[["image", "text"]], args.input)
        results, loads = {}, []
        for command in commands:
            for n in sizes:
                out = tmp / f"{command}{n}.parquet"
                argv = [command, model, option, tables[n], out, chunk]
                load = os.getloadavg()[0]
                res = run_child(CHILD, argv)
                loads.append(f"{command} {n:,}: {load:.1f} / {os.getloadavg()[0]:.1f}")
                results[command, n] = (res["seconds"], res["peak_rss_bytes"])
                log(
                    f"{command} {n:,} rows: {res['seconds']:.1f} s, peak RSS "
                    f"{res['peak_rss_bytes'] / 2**30:.2f} GiB"
                )
                out.unlink()

    n0, n1 = sizes
    print("# Featurize and predict at scale (`bench_scale.py`)\n")
    if args.quick:
        print("> **Quick mode**: tiny sizes, to check that it runs.\n")
    what = (
        f"the default fused model trained on {len(train_rows):,} emoji"
        if args.model is None
        else f"the model `{args.model.name}`"
    )
    print(
        f"{' and '.join(f'`skmultimodal {c}`' for c in commands)} with "
        f"{what}, `{option} IN "
        f"--output OUT.parquet --chunk-size {chunk:,} --id-column sku`; the "
        f"input cycles over the emoji images"
        + (
            f" (Parquet row groups of {ROW_GROUP:,} rows)"
            if option == "--parquet"
            else ""
        )
        + "; each run in a fresh process (import and model loading included "
        "in its time).\n"
    )
    print(
        "| command | rows | time | rows per second | time per row "
        f"| time per row vs {n0:,} | peak RSS | peak RSS vs {n0:,} |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    verdicts, marginal = [], []
    for command in commands:
        s0, r0 = results[command, n0]
        for n in sizes:
            seconds, rss = results[command, n]
            ratio = (seconds / n) / (s0 / n0)
            print(
                f"| {command} | {n:,} | {seconds:.1f} s | {n / seconds:,.0f} "
                f"| {seconds / n * 1e3:.3f} ms | {ratio:.2f}× "
                f"| {rss / 2**30:.2f} GiB | {rss / r0:.2f}× |"
            )
        s1, r1 = results[command, n1]
        rate = f"{(n1 - n0) / (s1 - s0):,.0f} rows per second" if s1 > s0 else "n/a"
        marginal.append(f"{command} {rate}")
        flat = (s1 / n1) / (s0 / n0) <= TIME_TARGET
        bounded = r1 / r0 <= RSS_TARGET
        verdicts.append(
            f"{command}: time per row ≤ {TIME_TARGET}×: "
            f"**{'met' if flat else 'missed'}**; peak RSS ≤ {RSS_TARGET}×: "
            f"**{'met' if bounded else 'missed'}**"
        )
    print(f"\nMarginal rate from {n0:,} to {n1:,} rows: " + ", ".join(marginal) + ".")
    print(f"\nTargets ({n1:,} rows against {n0:,}): " + "; ".join(verdicts) + ".")
    print(
        "\n1-minute load average of the machine at the start / end of each run "
        "(other processes slow a run down; memory is each process's own): "
        + "; ".join(loads)
        + "."
    )
    print(f"\n*Total time: {time.perf_counter() - t_start:.0f} s.*")
    return 0


if __name__ == "__main__":
    sys.exit(main())
