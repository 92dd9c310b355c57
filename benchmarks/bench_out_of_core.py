"""Out-of-core training (``fit_out_of_core``) against in-memory training of
the same features on the emoji data.

Data: ``load_emoji()`` (1,884 rows, 9 categories), its rows shuffled once
(``RandomState(0)``; the bundled order is by category). Protocol: 5-fold
``StratifiedKFold(shuffle=True, random_state=0)``. In every fold, the
features are those of ``make_out_of_core_pipeline()`` (the default image
branch standardised, words and character 3-5-grams hashed, ``concat``):

- out of core: ``fit_out_of_core`` over the training rows in chunks of 256
  (one statistics pass, then 10 epochs of ``SGDClassifier(loss="log_loss")
  .partial_fit``);
- in memory, SGD: the same pipeline's ``fit`` on all training rows
  (``SGDClassifier(max_iter=10, tol=None)``, the same 10 epochs);
- in memory, logistic regression: ``LogisticRegression(C=10,
  max_iter=3000)`` (the builder's classifier) on the same fused features.

Target: out-of-core accuracy within 2 points of in-memory SGD (mean over
the folds).

The attention classifier (``make_out_of_core_pipeline(classifier=
"attention")``: the same features with texts hashed into 2**14 columns per
block, ``MultimodalAttentionClassifier`` with the builder's settings, 20
epochs) out of core (``fit_out_of_core``: ``fit_chunks`` fed by a
``keras.utils.PyDataset`` over the chunks) against the same pipeline's
in-memory ``fit``, in the same 5 folds. Target: within 3 points (the two
fits see the same rows and take the same optimizer steps; only the row
order differs, which moves a 20-epoch network by a point or two).

Memory: ``skmultimodal train --chunk-size 1000 --epochs 1`` (the linear
model: the statistics pass and one training pass) on CSVs of 20,000 and
100,000 rows whose image paths cycle over the emoji images, each run in a
fresh process; its peak resident set size (``VmHWM``) and rows per second
(rows over the whole run, imports and both passes included). Target: peak
RSS at 100,000 rows within 1.3x of that at 20,000 (memory does not grow
with the rows).

Usage::

    python benchmarks/bench_out_of_core.py           # ~11 min on 2 busy cores
    python benchmarks/bench_out_of_core.py --quick   # 160 rows, 2 folds, 2 epochs
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _harness import PEAK_RSS_CODE, positive_int, run_child

TARGET_POINTS = 2.0
#: The attention network out of core against in memory, in points.
ATTENTION_TARGET_POINTS = 3.0
#: Peak RSS at the larger table over the smaller one.
RSS_TARGET = 1.3

CHILD = (
    PEAK_RSS_CODE
    + r"""
import contextlib, json, sys, time
from skmultimodal import cli
csv, out, chunk = sys.argv[1:4]
t = time.perf_counter()
with contextlib.redirect_stdout(sys.stderr):
    status = cli.main(["train", "--csv", csv, "--output", out,
                       "--chunk-size", chunk, "--epochs", "1"])
seconds = time.perf_counter() - t
print(json.dumps({"status": status, "seconds": seconds,
                  "peak_rss_bytes": peak_rss_bytes()}))
"""
)


def log(msg):
    print(f"  {msg}", file=sys.stderr, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument(
        "--chunk-size",
        type=positive_int,
        default=None,
        help="rows per chunk (256; quick 64)",
    )
    parser.add_argument(
        "--skip-attention", action="store_true", help="no attention classifier"
    )
    parser.add_argument("--skip-memory", action="store_true", help="no peak-RSS runs")
    args = parser.parse_args(argv)
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from skmultimodal.datasets import load_emoji
    from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline

    t_start = time.perf_counter()
    X, y = load_emoji(return_X_y=True)
    order = np.random.RandomState(0).permutation(len(y))
    X, y = X.iloc[order].reset_index(drop=True), np.asarray(y)[order]
    total = len(y)
    n, k, epochs = (160, 2, 2) if args.quick else (total, 5, 10)
    X, y = X.iloc[:n], y[:n]
    cv = StratifiedKFold(k, shuffle=True, random_state=0)
    pipe = make_out_of_core_pipeline(epochs=epochs, random_state=0)
    size = args.chunk_size or (64 if args.quick else 256)
    scores = {"out of core": [], "in memory, SGD": [], "in memory, logistic": []}
    times = {name: [] for name in scores}
    for fold, (train, test) in enumerate(cv.split(X, y)):
        X_train, y_train = X.iloc[train], y[train]
        X_test, y_test = X.iloc[test], y[test]
        chunks = [
            (X_train.iloc[i : i + size], y_train[i : i + size])
            for i in range(0, len(train), size)
        ]
        t0 = time.perf_counter()
        model = fit_out_of_core(pipe, chunks)
        times["out of core"].append(time.perf_counter() - t0)
        scores["out of core"].append(np.mean(model.predict(X_test) == y_test))

        t0 = time.perf_counter()
        memory = clone(pipe).fit(X_train, y_train)
        times["in memory, SGD"].append(time.perf_counter() - t0)
        scores["in memory, SGD"].append(np.mean(memory.predict(X_test) == y_test))

        # the same fitted features, the builder's logistic regression
        fusion = memory.named_steps["fusion"]
        t0 = time.perf_counter()
        Z = fusion.transform(X_train).tocsr()
        # hashed columns empty in every training row get a zero weight under
        # the L2 penalty: leaving them out gives the same model, faster
        used = np.unique(Z.indices)
        logistic = LogisticRegression(C=10.0, max_iter=3000)
        logistic.fit(Z[:, used], y_train)
        times["in memory, logistic"].append(
            time.perf_counter() - t0 + times["in memory, SGD"][-1]
        )
        pred = logistic.predict(fusion.transform(X_test).tocsr()[:, used])
        scores["in memory, logistic"].append(np.mean(pred == y_test))
        log(
            f"fold {fold}: "
            + ", ".join(f"{name} {s[-1]:.3f}" for name, s in scores.items())
        )

    print("# Out-of-core training (`bench_out_of_core.py`)\n")
    print(
        f"{f'The first {n} of the' if args.quick else 'The'} {total} emoji rows "
        f"(shuffled once), {k}-fold StratifiedKFold(shuffle=True, "
        f"random_state=0); chunks of {size} rows, {epochs} epochs; accuracy, "
        "mean ± sd over the folds; fit time per fold, median (the logistic "
        "row includes fitting the features).\n"
    )
    print("| model | accuracy | fit time per fold |")
    print("|---|---|---:|")
    for name, s in scores.items():
        print(
            f"| {name} | {np.mean(s):.3f} ± {np.std(s):.3f} | "
            f"{np.median(times[name]):.1f} s |"
        )
    gap = 100 * (np.mean(scores["in memory, SGD"]) - np.mean(scores["out of core"]))
    met = gap <= TARGET_POINTS
    print(
        f"\nTarget: out of core within {TARGET_POINTS:g} points of in-memory SGD "
        f"on the same features; in-memory SGD minus out of core: {gap:+.1f} "
        f"points (**{'met' if met else 'missed'}**)."
    )
    if not args.skip_attention:
        attention(X, y, size, quick=args.quick)
    if not args.skip_memory:
        memory_runs(quick=args.quick)
    print(f"\n*Total time: {time.perf_counter() - t_start:.0f} s.*")
    return 0


def attention(X, y, size, *, quick):
    """The attention classifier out of core against in memory."""
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline

    k, epochs = (2, 1) if quick else (5, 20)
    cv = StratifiedKFold(k, shuffle=True, random_state=0)
    pipe = make_out_of_core_pipeline(
        classifier="attention", epochs=epochs, random_state=0
    )
    scores = {"attention, out of core": [], "attention, in memory": []}
    times = {name: [] for name in scores}
    for fold, (train, test) in enumerate(cv.split(X, y)):
        X_train, y_train = X.iloc[train], y[train]
        X_test, y_test = X.iloc[test], y[test]
        chunks = [
            (X_train.iloc[i : i + size], y_train[i : i + size])
            for i in range(0, len(train), size)
        ]
        for name in scores:
            t0 = time.perf_counter()
            if name.endswith("out of core"):
                model = fit_out_of_core(pipe, chunks)
            else:
                model = clone(pipe).fit(X_train, y_train)
            times[name].append(time.perf_counter() - t0)
            scores[name].append(np.mean(model.predict(X_test) == y_test))
        log(
            f"attention fold {fold}: "
            + ", ".join(f"{name} {s[-1]:.3f}" for name, s in scores.items())
        )
    print(
        f'\nThe attention classifier (`classifier="attention"`) in the same '
        f"{k} folds; chunks of {size} rows, {epochs} epochs (out of core every "
        "row is read and featurized again at each epoch), texts hashed into "
        "2**14 columns per block.\n"
    )
    print("| model | accuracy | fit time per fold |")
    print("|---|---|---:|")
    for name, s in scores.items():
        print(
            f"| {name} | {np.mean(s):.3f} ± {np.std(s):.3f} | "
            f"{np.median(times[name]):.1f} s |"
        )
    gap = 100 * (
        np.mean(scores["attention, in memory"])
        - np.mean(scores["attention, out of core"])
    )
    met = abs(gap) <= ATTENTION_TARGET_POINTS
    print(
        f"\nTarget: the attention classifier out of core within "
        f"{ATTENTION_TARGET_POINTS:g} points of in memory; in memory minus out of "
        f"core: {gap:+.1f} points (**{'met' if met else 'missed'}**)."
    )


def memory_runs(*, quick):
    """Peak RSS of ``train --chunk-size`` on a small and a large CSV."""
    from skmultimodal.datasets import load_emoji

    sizes, chunk = ((300, 900), 100) if quick else ((20_000, 100_000), 1_000)
    data = load_emoji()
    table = data.data[["image", "text"]].assign(label=np.asarray(data.target))
    table = table.iloc[np.random.RandomState(0).permutation(len(table))]
    results = {}
    with tempfile.TemporaryDirectory(prefix="skmm-ooc-") as tmp:
        tmp = Path(tmp)
        for n in sizes:
            csv = tmp / f"rows{n}.csv"
            rows = np.arange(n) % len(table)
            table.iloc[rows].to_csv(csv, index=False)
            load = os.getloadavg()[0]
            res = run_child(CHILD, [csv, tmp / f"model{n}.joblib", chunk])
            results[n] = (res["seconds"], res["peak_rss_bytes"], load)
            log(
                f"train {n:,} rows: {res['seconds']:.1f} s, peak RSS "
                f"{res['peak_rss_bytes'] / 2**30:.2f} GiB"
            )
            with contextlib.suppress(OSError):
                csv.unlink()
    n0, n1 = sizes
    print(
        f"\nMemory: `skmultimodal train --csv IN --chunk-size {chunk} --epochs 1` "
        "(the linear model: a statistics pass and one training pass) on CSVs "
        f"whose image paths cycle over the emoji images, each run in a fresh "
        "process (imports and saving included in its time).\n"
    )
    print(f"| rows | time | rows per second | peak RSS | peak RSS vs {n0:,} |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        seconds, rss, _ = results[n]
        print(
            f"| {n:,} | {seconds:.1f} s | {n / seconds:,.0f} | "
            f"{rss / 2**30:.2f} GiB | {rss / results[n0][1]:.2f}× |"
        )
    ratio = results[n1][1] / results[n0][1]
    print(
        f"\nTarget: peak RSS at {n1:,} rows within {RSS_TARGET:g}× of that at "
        f"{n0:,}: {ratio:.2f}× (**{'met' if ratio <= RSS_TARGET else 'missed'}**). "
        "1-minute load average at the start of each run: "
        + ", ".join(f"{n:,} rows {results[n][2]:.1f}" for n in sizes)
        + f" on {os.cpu_count()} cores."
    )


if __name__ == "__main__":
    sys.exit(main())
