"""When the attention classifier's training runs eagerly (``run_eagerly="auto"``).

Protocol: ``MultimodalAttentionClassifier`` fitted with ``run_eagerly=True``
and with ``run_eagerly=False`` in the same process, alternately, on
``make_classification`` rows (300 features, 4 classes), 2 epochs with the
default batch size of 32, for a range of optimizer steps (rows / 32 x 2).
A traced fit pays for tracing the training graph once (seconds); an eager
fit pays Python's dispatch of every operation at every step. The ratio
eager / traced says which is cheaper: below 1 eager wins. ``"auto"`` runs
eagerly up to 20 steps (``_EAGER_MAX_STEPS``); the table shows where the
ratio crosses 1. The default network (width 64, 4 heads) and a tiny one
(width 8, 2 heads) are both measured.

Usage::

    python benchmarks/bench_eager.py             # 8 to 64 steps, 3 repeats
    python benchmarks/bench_eager.py --quick     # 8 steps, tiny network
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def log(msg):
    print(f"  {msg}", file=sys.stderr, flush=True)


def main(argv=None):
    from _harness import positive_int

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument("--repeats", type=positive_int, default=3)
    args = parser.parse_args(argv)

    from sklearn.datasets import make_classification

    from skmultimodal.models import MultimodalAttentionClassifier
    from skmultimodal.models._classifier import _EAGER_MAX_STEPS

    steps_list = (8,) if args.quick else (8, 16, 24, 32, 48, 64)
    nets = {"tiny (width 8, 2 heads)": dict(width=8, n_heads=2)}
    if not args.quick:
        nets = {"default (width 64, 4 heads)": {}, **nets}
    repeats = 1 if args.quick else args.repeats
    start = time.perf_counter()
    load = os.getloadavg()[0]
    print("# Eager or traced training (`bench_eager.py`)\n")
    print(
        f"`MultimodalAttentionClassifier`, 2 epochs, batch size 32, on "
        "`make_classification` rows (300 features, 4 classes); median of "
        f"{repeats} fit(s) each, eager and traced alternately in one process. "
        f'`run_eagerly="auto"` runs eagerly up to {_EAGER_MAX_STEPS} steps.\n'
    )
    print(
        "| network | optimizer steps | eager fit | traced fit | eager / traced "
        "| auto picks |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for label, net in nets.items():
        for steps in steps_list:
            n = steps // 2 * 32
            X, y = make_classification(
                n, n_features=300, n_informative=20, n_classes=4, random_state=0
            )
            times = {True: [], False: []}
            for _ in range(repeats):
                for eager in (True, False):
                    clf = MultimodalAttentionClassifier(
                        **net,
                        epochs=2,
                        batch_size=32,
                        random_state=0,
                        run_eagerly=eager,
                    )
                    t = time.perf_counter()
                    clf.fit(X, y)
                    times[eager].append(time.perf_counter() - t)
            e, g = statistics.median(times[True]), statistics.median(times[False])
            picks = "eager" if steps <= _EAGER_MAX_STEPS else "traced"
            log(f"{label}, {steps} steps: eager {e:.2f} s, traced {g:.2f} s")
            ratio = e / g
            print(
                f"| {label} | {steps} | {e:.2f} s | {g:.2f} s | {ratio:.2f} | {picks} |"
            )
    print(
        f"\n*Total time: {time.perf_counter() - start:.0f} s; 1-minute load "
        f"average at start / end: {load:.1f} / {os.getloadavg()[0]:.1f}.*"
    )


if __name__ == "__main__":
    main()
