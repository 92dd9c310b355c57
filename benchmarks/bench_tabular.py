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

Speed: the tabular branch ``make_multimodal_pipeline(tabular=...)`` builds
(``skmultimodal.pipeline._tabular_branch``), ``fit_transform`` on 100,000
rows of 2 numeric and 3 categorical columns (object strings, a pandas
``category`` column and an int code column declared categorical), against
scikit-learn's ``ColumnTransformer`` with the same imputers and encoders
and without the branch's cell normalisation (one category whatever the
column's dtype), timed in interleaved rounds; both must give the same
features, and the branch's categorical cells must be the frame's own.

Usage::

    python benchmarks/bench_tabular.py           # ~4 min on 2 cores
    python benchmarks/bench_tabular.py --quick   # 200 samples, 2 folds; 2,000 rows
    python benchmarks/bench_tabular.py --skip-accuracy   # the speed part only
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import pandas as pd


def log(msg):
    print(f"  {msg}", file=sys.stderr, flush=True)


def verdict(change, bar):
    """``"met"`` if an accuracy change reaches ``bar`` (``_harness.reaches``)."""
    from _harness import reaches

    return "met" if reaches(change, bar) else "missed"


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


def speed_table(n, seed=0):
    """``n`` rows: 2 numeric columns (one 10 % empty) and 3 categorical ones
    (object strings 5 % empty, a pandas category, an int code), and the
    ``tabular=`` dict that names them."""
    rng = np.random.RandomState(seed)
    price = rng.normal(50, 10, n)
    price[rng.rand(n) < 0.1] = np.nan
    brands = np.array(["acme", "bolt", "cora", "dune", "echo", "fern"], dtype=object)
    brand = brands[rng.randint(0, len(brands), n)]
    brand[rng.rand(n) < 0.05] = np.nan
    colour = pd.Categorical(
        np.array(["red", "green", "blue", "grey"])[rng.randint(0, 4, n)]
    )
    X = pd.DataFrame(
        {
            "price": price,
            "weight": rng.gamma(2.0, 3.0, n),
            "brand": brand,
            "colour": colour,
            "code": rng.randint(100, 140, n),
        }
    )
    spec = {"numeric": ["price", "weight"], "categorical": ["brand", "colour", "code"]}
    return X, spec


def reference_branch(spec):
    """scikit-learn's ColumnTransformer with the branch's imputers, scaler
    and encoder, without its cell normalisation."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = make_pipeline(
        SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler()
    )
    categories = make_pipeline(
        SimpleImputer(strategy="most_frequent", keep_empty_features=True),
        OneHotEncoder(handle_unknown="ignore"),
    )
    return ColumnTransformer(
        [
            ("numeric", numbers, spec["numeric"]),
            ("categorical", categories, spec["categorical"]),
        ],
        verbose_feature_names_out=False,
    )


def check_equal(X, spec):
    """The branch and the reference give equal outputs on ``X``, and the
    branch's categorical cells are the frame's own (these columns need no
    normalisation): each the same value of the same type."""
    from skmultimodal.pipeline import _TableCells, _tabular_branch

    ours, plain = _tabular_branch(spec).fit(X), reference_branch(spec).fit(X)
    names = list(ours.get_feature_names_out())
    if names != list(plain.get_feature_names_out()):
        raise AssertionError("the tabular branch and the reference disagree")
    a, b = ours.transform(X).toarray(), plain.transform(X).toarray()
    k = len(spec["numeric"])  # numbers: equal up to rounding; categories: exactly
    if not (
        np.allclose(a[:, :k], b[:, :k], rtol=0, atol=1e-9)
        and (a[:, k:] == b[:, k:]).all()
    ):
        raise AssertionError("the tabular branch and the reference disagree")
    frame = X[spec["categorical"]]
    cells = _TableCells("categorical").fit_transform(frame)
    plain_cells = frame.astype(object).to_numpy()
    for got, want in zip(cells.ravel().tolist(), plain_cells.ravel().tolist()):
        same = (
            pd.isna(want) if pd.isna(got) else type(got) is type(want) and got == want
        )
        if not same:
            raise AssertionError(f"categorical cell {want!r} became {got!r}")


def speed(n, repeats):
    """Markdown of the timing part: the tabular branch against the plain
    ColumnTransformer on ``n`` rows."""
    from _harness import compare, rows_table

    from skmultimodal.pipeline import _tabular_branch

    X, spec = speed_table(n)
    before = X.copy()
    check_equal(X, spec)
    pd.testing.assert_frame_equal(X, before)  # the caller's frame untouched
    load = os.getloadavg()[0]
    row = compare(
        "2 numeric + 3 categorical columns (object, category, int code)",
        (
            "tabular branch `fit_transform`",
            lambda: _tabular_branch(spec).fit_transform(X),
        ),
        (
            "ColumnTransformer `fit_transform`",
            lambda: reference_branch(spec).fit_transform(X),
        ),
        n=n,
        repeats=repeats,
        note="the branch normalises each categorical cell",
    )
    return "\n".join(
        [
            "### Speed of the tabular branch\n",
            "`fit_transform` of the branch `make_multimodal_pipeline(tabular="
            "{'numeric': [...], 'categorical': [...]})` builds, against "
            "scikit-learn's `ColumnTransformer` with the same imputers (median; "
            "most frequent), `StandardScaler` and `OneHotEncoder("
            'handle_unknown="ignore")` without the branch\'s cell normalisation '
            "(one category whatever the column's dtype). Both give the same "
            "features (categories exactly, numbers to 1e-9) and the branch's "
            "categorical cells are the frame's own values (checked). Data: 2 "
            "numeric columns (one 10 % empty), object strings "
            "(5 % empty), a pandas `category` column, an int code column "
            "declared categorical.\n",
            rows_table([row]),
            f"\n1-minute load average before / after the timings: {load:.1f} / "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores shared with "
            "other jobs.",
        ]
    )


def main(argv=None):
    from _harness import positive_int

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument(
        "--repeats", type=positive_int, default=None, help="timed repeats"
    )
    parser.add_argument(
        "--skip-accuracy", action="store_true", help="the speed part only"
    )
    args = parser.parse_args(argv)
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    from skmultimodal import make_multimodal_pipeline

    t_start = time.perf_counter()
    repeats = args.repeats or (2 if args.quick else 5)
    timing = speed(2_000 if args.quick else 100_000, repeats)
    if args.skip_accuracy:
        print("# A tabular modality (`bench_tabular.py`)\n")
        print(timing)
        print(f"\n*Total time: {time.perf_counter() - t_start:.0f} s.*")
        return 0
    n, k = (200, 2) if args.quick else (900, 5)
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
        f"**{verdict(gain, 0.05)}**); noise table changes "
        f"image + text by {loss:+.3f} (≥ −0.01: "
        f"**{verdict(loss, -0.01)}**)."
    )
    print("\n" + timing)
    print(f"\n*Total time: {time.perf_counter() - t_start:.0f} s.*")
    return 0


if __name__ == "__main__":
    sys.exit(main())
