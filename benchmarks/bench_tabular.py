"""A tabular modality beside images and texts: does it add what it carries?

Data: ``make_multimodal_classification(n_samples=900, n_classes=3,
image_signal=0.7, text_signal=0.7, random_state=0)`` (70 % of the images
and of the texts carry their factor, so image + text alone is far from
perfect), plus two table columns: ``price``, the label plus Gaussian noise
(sd 2, and 10 % of the cells empty), and ``brand``, a category naming the
label in 25 % of the rows and drawn from five other brands otherwise.
A second variant replaces both columns by pure noise (the same marginal
distributions, shuffled across rows).

Protocol: 5-fold ``StratifiedKFold(shuffle=True, random_state=0)``; every
model is ``make_multimodal_pipeline`` (the default fused model, ``stack``,
with two or more modalities), so everything is fitted inside the training
folds. Targets: with the informative table, image + text + tabular ≥
image + text + 0.05; with the noise table, ≥ image + text − 0.01.

Usage::

    python benchmarks/bench_tabular.py           # ~3 min on 2 cores
    python benchmarks/bench_tabular.py --quick   # 300 samples, 3 folds
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np


def log(msg):
    print(f"  {msg}", file=sys.stderr, flush=True)


def data(n, noise_table, seed=0):
    from skmultimodal.datasets import make_multimodal_classification

    X, y = make_multimodal_classification(
        n_samples=n, n_classes=3, image_signal=0.7, text_signal=0.7, random_state=seed
    )
    rng = np.random.RandomState(seed)
    y_num = np.asarray(y, dtype=float)
    price = y_num + rng.normal(scale=2.0, size=n)
    price[rng.rand(n) < 0.1] = np.nan
    others = np.array(["acme", "bolt", "cora", "dune", "echo"])
    brand = np.where(
        rng.rand(n) < 0.25,
        np.array(["brand_a", "brand_b", "brand_c"])[np.asarray(y)],
        others[rng.randint(0, len(others), n)],
    )
    if noise_table:
        price, brand = rng.permutation(price), rng.permutation(brand)
    X = X.assign(price=price, brand=brand)
    return X, np.asarray(y)


MODELS = {
    "image only": {"text": None},
    "text only": {"image": None},
    "tabular only": {"image": None, "text": None, "tabular": ["price", "brand"]},
    "image + text": {},
    "image + text + tabular": {"tabular": ["price", "brand"]},
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    from skmultimodal import make_multimodal_pipeline

    t_start = time.perf_counter()
    n, k = (300, 3) if args.quick else (900, 5)
    cv = StratifiedKFold(k, shuffle=True, random_state=0)
    results = {}
    for variant, noise in (("informative table", False), ("noise table", True)):
        X, y = data(n, noise)
        for name, kwargs in MODELS.items():
            if noise and name in ("image only", "text only", "image + text"):
                results[variant, name] = results["informative table", name]
                continue  # these models do not see the table
            pipe = make_multimodal_pipeline(random_state=0, **kwargs)
            scores = cross_val_score(pipe, X, y, cv=cv, error_score="raise")
            results[variant, name] = scores
            log(f"{variant}, {name}: {scores.mean():.3f}")

    print("# A tabular modality (`bench_tabular.py`)\n")
    print(
        f"{n} synthetic samples, {k}-fold StratifiedKFold(shuffle=True, "
        "random_state=0); accuracy, mean ± sd over the folds.\n"
    )
    print("| model | informative table | noise table |")
    print("|---|---|---|")
    for name in MODELS:
        cells = [results[v, name] for v in ("informative table", "noise table")]
        print(
            f"| {name} | "
            + " | ".join(f"{c.mean():.3f} ± {c.std():.3f}" for c in cells)
            + " |"
        )
    base = {v: results[v, "image + text"].mean() for v in ("informative table",)}
    gain = (
        results["informative table", "image + text + tabular"].mean()
        - base["informative table"]
    )
    loss = (
        results["noise table", "image + text + tabular"].mean()
        - results["noise table", "image + text"].mean()
    )
    print(
        f"\nTargets: informative table adds {gain:+.3f} (≥ +0.05: "
        f"**{'met' if gain >= 0.05 else 'missed'}**); noise table changes "
        f"image + text by {loss:+.3f} (≥ −0.01: "
        f"**{'met' if loss >= -0.01 else 'missed'}**)."
    )
    print(f"\n*Total time: {time.perf_counter() - t_start:.0f} s.*")
    return 0


if __name__ == "__main__":
    sys.exit(main())
