"""Does the default fused model hold on data it was never tuned on?

Compares the default fused model of ``make_multimodal_pipeline()`` with the
best single modality on:

- ``load_emoji`` as is, with the text column shuffled across rows (text
  carries no signal) and with the image column shuffled (images carry none);
  the same three with grouped folds that hold out whole subcategories
  (:func:`emoji_grouped`);
- ``load_icons`` (Font Awesome Free icons), with grouped folds (icons that
  share a name stem stay in one fold);
- ``make_multimodal_classification`` swept over per-modality
  informativeness: one modality pure noise, each modality alone allowing at
  most 2/3, and partial signals;
- ``load_emoji`` relabelled with many rare classes (the subcategory, the
  first word of the name: :func:`long_tail_data`), in accuracy and
  macro-F1, ``concat`` alongside (folds of 5, and of 3 with classes of 3
  rows).

Also: every built-in fusion method on emoji, each followed by the default
classifier, and the attention classifier of
``make_multimodal_pipeline(classifier="attention")`` on emoji as is and
with either column shuffled (not with ``--quick``). Protocol: 5-fold
``StratifiedKFold(shuffle=True, random_state=0)`` (``StratifiedGroupKFold``
for icons and the emoji subcategories); every fitted part,
the fusion method's internal out-of-fold experts included, sees the
training fold only, so any tuning is nested inside it (the long-tail
table's folds are stated in its rows).

Usage::

    python benchmarks/bench_robustness.py            # full tables (2 cores)
    python benchmarks/bench_robustness.py --quick    # tiny smoke run
    python benchmarks/bench_robustness.py --attention-only
    python benchmarks/bench_robustness.py --long-tail-only
    python benchmarks/bench_robustness.py --csv my.csv --target category \
        [--image-column image] [--text-column text] [--group-column group]

``--csv`` checks the claim on a table of your own instead (read as
``skmultimodal evaluate --csv`` reads it): the same three models as is,
with the text column shuffled and with the image column shuffled.

Prints Markdown tables; the fusion user guide shows the full run's.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.model_selection import (
    StratifiedGroupKFold,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
)

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import load_emoji, make_multimodal_classification
from skmultimodal.model_selection._compare import _group_params

METHODS = [
    "concat",
    "product",
    "sum",
    "mean",
    "tensor",
    "attention",
    "tokens",
    "stack",
    "late",
]


ONLY = ("image only", "text only")


def models(**common):
    """The single-modality models and the default fused one."""
    return {
        "image only": dict(text=None, **common),
        "text only": dict(image=None, **common),
        "default fused": dict(common),
    }


def word_tfidf():
    """The previous default text branch: word TF-IDF alone."""
    from skmultimodal.text import TextFeatures

    return TextFeatures("tfidf", method_params={"sublinear_tf": True})


def score(kwargs, X, y, cv, groups=None, n_jobs=2):
    """Mean and std of the accuracy over ``cv``; with ``groups``, the outer
    folds and the fusion's internal folds keep each group whole (as
    ``compare_models`` and ``skmultimodal evaluate`` do)."""
    pipe = make_multimodal_pipeline(random_state=0, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of tiny folds
        s = cross_val_score(
            pipe,
            X,
            y,
            cv=cv,
            groups=groups,
            n_jobs=n_jobs,
            error_score="raise",
            params=_group_params(pipe, groups),
        )
    return s.mean(), s.std()


def shuffled(X, column, seed=0):
    X = X.copy()
    X[column] = X[column].to_numpy()[np.random.RandomState(seed).permutation(len(X))]
    return X


def verdict(fused, image, text, margin=0.01, gain=None):
    from _harness import reaches

    best = max(image, text)
    ok = reaches(fused, best - margin)
    if gain is not None:
        ok = ok and reaches(fused, best + gain)
    return "met" if ok else "**missed**"


def emoji_data(quick):
    """Emoji (200 random rows with ``--quick``) and the folds used on it."""
    data = load_emoji()
    X, y = data.data, np.asarray(data.target)
    if quick:
        keep = np.random.RandomState(0).permutation(len(X))[:200]
        X, y = X.iloc[keep].reset_index(drop=True), y[keep]
    return X, y, StratifiedKFold(5 if not quick else 2, shuffle=True, random_state=0)


def emoji_grouped(quick):
    """Emoji with its subcategories as groups (``load_emoji().groups``, such
    as "face-smiling"; 200 random rows with ``--quick``) and 5-fold
    ``StratifiedGroupKFold``: each test fold's subcategories are unseen in
    training, the groups also reach the fusion's internal folds."""
    data = load_emoji()
    X, y, groups = data.data, np.asarray(data.target), np.asarray(data.groups)
    if quick:
        keep = np.random.RandomState(0).permutation(len(X))[:200]
        X, y, groups = X.iloc[keep].reset_index(drop=True), y[keep], groups[keep]
    cv = StratifiedGroupKFold(5 if not quick else 2, shuffle=True, random_state=0)
    return X, y, groups, cv


def table_rows(csv, image_column, text_column, target, group_column, n_jobs):
    """The three rows of a user's table (read as ``skmultimodal evaluate
    --csv`` reads it: image paths relative to its folder): as is, with the
    text column shuffled and with the image column shuffled; 5-fold
    ``StratifiedKFold(shuffle=True, random_state=0)``, or
    ``StratifiedGroupKFold`` with ``group_column`` (whose groups also reach
    the fusion's internal folds)."""
    from skmultimodal.datasets._table import load_table

    X, y, groups = load_table(
        csv,
        image_column=image_column,
        text_column=text_column,
        target=target,
        group_column=group_column,
        refuse_empty=("image", "text"),
    )
    X, y = X.reset_index(drop=True), np.asarray(y)
    if groups is not None:
        groups = np.asarray(groups)
        cv = StratifiedGroupKFold(5, shuffle=True, random_state=0)
    else:
        cv = StratifiedKFold(5, shuffle=True, random_state=0)
    return three_rows(Path(csv).name, X, y, cv, groups, n_jobs)


def three_rows(name, X, y, cv, groups, n_jobs):
    """The rows of ``X`` as is (target: ≥ best single), with its text column
    shuffled and with its image column shuffled (≥ the other modality −
    0.01), each with the three models of :func:`models` over ``cv`` (with
    ``groups``, which also reach the fusion's internal folds)."""
    rows = []
    for label, Xv, margin, target in [
        (name, X, 0.0, "≥ best single"),
        (f"{name}, text shuffled", shuffled(X, "text"), 0.01, "≥ image only − 0.01"),
        (f"{name}, image shuffled", shuffled(X, "image"), 0.01, "≥ text only − 0.01"),
    ]:
        s = {
            m: score(kw, Xv, y, cv, groups=groups, n_jobs=n_jobs)
            for m, kw in models().items()
        }
        ok = verdict(
            s["default fused"][0], s["image only"][0], s["text only"][0], margin
        )
        rows.append((label, s, target, ok))
        print(f"  {label}: done", file=sys.stderr, flush=True)
    return rows


def print_rows(rows):
    print("| data | image only | text only | default fused (`stack`) | target | |")
    print("|---|---|---|---|---|---|")
    for name, s, target, ok in rows:
        print(
            f"| {name} | {fmt(s['image only'])} | {fmt(s['text only'])} | "
            f"{fmt(s['default fused'])} | {target} | {ok} |"
        )


def robustness_rows(quick, n_jobs):
    rows = []
    X, y, cv = emoji_data(quick)
    variants = [
        ("emoji", X, "≥ 0.82 and ≥ best single"),
        ("emoji, text shuffled", shuffled(X, "text"), "≥ image only − 0.01"),
        ("emoji, image shuffled", shuffled(X, "image"), "≥ text only − 0.01"),
    ]
    for name, Xv, target in variants:
        s = {m: score(kw, Xv, y, cv, n_jobs=n_jobs) for m, kw in models().items()}
        ok = verdict(s["default fused"][0], s["image only"][0], s["text only"][0])
        if name == "emoji" and s["default fused"][0] < 0.82:
            ok = "**missed**"
        rows.append((name, s, target, ok))
        print(f"  {name}: done", file=sys.stderr, flush=True)

    X, y, groups, cv_g = emoji_grouped(quick)
    name = "emoji, unseen subcategories (grouped folds)"
    rows += three_rows(name, X, y, cv_g, groups, n_jobs)

    try:
        from skmultimodal.datasets import load_icons

        icons = load_icons()
    except ImportError as exc:
        print(f"  icons skipped: {exc}")
    else:
        Xi, yi, gi = icons.data, np.asarray(icons.target), np.asarray(icons.groups)
        cv_g = StratifiedGroupKFold(5 if not quick else 2, shuffle=True, random_state=0)
        s = {
            m: score(kw, Xi, yi, cv_g, groups=gi, n_jobs=n_jobs)
            for m, kw in models().items()
        }
        ok = verdict(
            s["default fused"][0], s["image only"][0], s["text only"][0], margin=0
        )
        rows.append(("icons (grouped folds)", s, "≥ best single", ok))
        s = {
            m: score(kw, Xi, yi, cv_g, groups=gi, n_jobs=n_jobs)
            for m, kw in models(text_features=word_tfidf()).items()
        }
        ok = verdict(
            s["default fused"][0], s["image only"][0], s["text only"][0], margin=0
        )
        rows.append(("icons, words-only text branch", s, "≥ best single", ok))
        print("  icons: done", file=sys.stderr, flush=True)

    n = 200 if quick else 900
    sweep = [
        ("synthetic, both informative (each ≤ 2/3 alone)", 1.0, 1.0, 0.05),
        ("synthetic, text pure noise", 1.0, 0.0, None),
        ("synthetic, image pure noise", 0.0, 1.0, None),
        ("synthetic, image 50 % signal", 0.5, 1.0, None),
        ("synthetic, both 70 % signal", 0.7, 0.7, None),
    ]
    for name, image_signal, text_signal, gain in sweep:
        Xs, ys = make_multimodal_classification(
            n_samples=n,
            n_classes=3,
            image_signal=image_signal,
            text_signal=text_signal,
            random_state=0,
        )
        cv_s = StratifiedKFold(5 if not quick else 2, shuffle=True, random_state=0)
        s = {m: score(kw, Xs, ys, cv_s, n_jobs=n_jobs) for m, kw in models().items()}
        target = "≥ best single − 0.01"
        if gain is not None:
            target = f"≥ best single + {gain:.2f}"
        ok = verdict(
            s["default fused"][0], s["image only"][0], s["text only"][0], gain=gain
        )
        rows.append((name, s, target, ok))
        print(f"  {name}: done", file=sys.stderr, flush=True)
    return rows


def long_tail_data(quick):
    """Emoji relabelled with many rare classes: ``(name, X, y, cv)`` each.

    The subcategory (``load_emoji().groups``, "face-smiling", ...) and the
    first word of the name ("flag", "man", ...), the classes of fewer rows
    than the folds dropped: with 5 folds a class keeps 4 or more training
    rows; with 3 folds and classes of 3 rows, as few as 2. With ``--quick``:
    300 random rows, first words of 2 rows or more, 2 folds.
    """
    data = load_emoji()
    X = data.data
    first_word = X["text"].str.split().str[0].to_numpy()
    cases = [
        ("subcategory", np.asarray(data.groups).astype(str), 5),
        ("first word of the name", first_word, 5),
        ("first word of the name", first_word, 3),
    ]
    if quick:
        keep = np.random.RandomState(0).permutation(len(X))[:300]
        X, first_word = X.iloc[keep].reset_index(drop=True), first_word[keep]
        cases = [("first word of the name", first_word, 2)]
    for label, y, folds in cases:
        values, counts = np.unique(y, return_counts=True)
        keep = np.isin(y, values[counts >= folds])
        Xk, yk = X[keep].reset_index(drop=True), y[keep]
        n_classes = len(np.unique(yk))
        name = (
            f"{label}: {n_classes} classes of {folds}+ rows, {folds} folds "
            f"({len(yk):,} rows)"
        )
        yield name, Xk, yk, StratifiedKFold(folds, shuffle=True, random_state=0)


def long_tail_rows(quick, n_jobs):
    """Accuracy and macro-F1 of the single modalities, the default fused
    model and ``concat`` on :func:`long_tail_data`."""
    rows = []
    kinds = {**models(), "concat": dict(method="concat")}
    for name, X, y, cv in long_tail_data(quick):
        s = {}
        for m, kw in kinds.items():
            pipe = make_multimodal_pipeline(random_state=0, **kw)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the rare classes' warnings
                r = cross_validate(
                    pipe,
                    X,
                    y,
                    cv=cv,
                    n_jobs=n_jobs,
                    scoring=["accuracy", "f1_macro"],
                    error_score="raise",
                )
            s[m] = (r["test_accuracy"].mean(), r["test_f1_macro"].mean())
        ok = verdict(s["default fused"][0], s["image only"][0], s["text only"][0])
        rows.append((name, s, ok))
        print(f"  long tail, {name}: done", file=sys.stderr, flush=True)
    return rows


def print_long_tail(rows):
    print(
        "| labels (emoji) | image only | text only | default fused (`stack`) "
        "| concat | default ≥ best single − 0.01 (accuracy) |"
    )
    print("|---|---|---|---|---|---|")
    for name, s, ok in rows:
        cells = " | ".join(
            f"{s[m][0]:.3f} / {s[m][1]:.3f}"
            for m in ("image only", "text only", "default fused", "concat")
        )
        print(f"| {name} | {cells} | {ok} |")
    print("\nCells: accuracy / macro-F1, means over the folds.\n")


def method_rows(quick, n_jobs):
    X, y, cv = emoji_data(quick)
    out = {}
    for m, kw in [("image only", dict(text=None)), ("text only", dict(image=None))]:
        out[m] = score(kw, X, y, cv, n_jobs=n_jobs)
    for method in METHODS if not quick else ["concat", "product"]:
        out[method] = score(dict(method=method), X, y, cv, n_jobs=n_jobs)
        print(f"  method {method}: done", file=sys.stderr, flush=True)
    return out


def attention_rows(n_jobs, singles=None):
    """``make_multimodal_pipeline(classifier="attention")`` on emoji as is
    and with either column shuffled, each with its target: ``(name, score,
    target, verdict)`` rows (None without the keras extra)."""
    try:
        import scikeras  # noqa: F401
    except ImportError:
        return None
    data = load_emoji()
    X, y = data.data, np.asarray(data.target)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    # the informative modality of each shuffled variant, on the same folds
    if singles is None:  # not measured yet in this run
        singles = {m: score(models()[m], X, y, cv, n_jobs=n_jobs)[0] for m in ONLY}
    image, text = singles["image only"], singles["text only"]
    rows = []
    for name, Xv, bar, target in [
        ("emoji", X, 0.82, "≥ 0.82"),
        (
            "emoji, text shuffled",
            shuffled(X, "text"),
            image - 0.01,
            f"≥ image only − 0.01 = {image - 0.01:.3f}",
        ),
        (
            "emoji, image shuffled",
            shuffled(X, "image"),
            text - 0.01,
            f"≥ text only − 0.01 = {text - 0.01:.3f}",
        ),
    ]:
        s = score(dict(classifier="attention"), Xv, y, cv, n_jobs=n_jobs)
        rows.append((name, s, target, "met" if s[0] >= bar else "**missed**"))
        print(f"  attention, {name}: done", file=sys.stderr, flush=True)
    return rows


def print_attention(n_jobs, singles=None):
    rows = attention_rows(n_jobs, singles)
    if rows is None:
        print("Attention classifier skipped: the keras extra is not installed.\n")
        return
    print(
        "| data (attention classifier after `stack`, every expert kept) "
        "| accuracy | target | |"
    )
    print("|---|---|---|---|")
    for name, ms, target, ok in rows:
        print(f"| {name} | {fmt(ms)} | {target} | {ok} |")
    print()


def cost_ratio(quick):
    """Fit time of the default fused model over the concat one, on emoji,
    alternated in one process (median of 3)."""
    data = load_emoji()
    X, y = data.data, np.asarray(data.target)
    if quick:
        X, y = X.iloc[:200], y[:200]
    times = {"default": [], "concat": []}
    for _ in range(1 if quick else 3):
        for name, kw in (("concat", dict(method="concat")), ("default", {})):
            pipe = make_multimodal_pipeline(random_state=0, **kw)
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pipe.fit(X, y)
            times[name].append(time.perf_counter() - t0)
    d, c = np.median(times["default"]), np.median(times["concat"])
    return d, c


def fmt(ms):
    return f"{ms[0]:.3f} ± {ms[1]:.3f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument("--n-jobs", type=int, default=2, help="folds in parallel")
    parser.add_argument(
        "--skip-methods", action="store_true", help="no per-method table"
    )
    parser.add_argument(
        "--skip-attention",
        action="store_true",
        help="no attention-classifier table (always skipped with --quick)",
    )
    parser.add_argument(
        "--long-tail-only",
        action="store_true",
        help="only the table of emoji relabelled with many rare classes",
    )
    parser.add_argument(
        "--attention-only",
        action="store_true",
        help="only the attention-classifier table",
    )
    parser.add_argument(
        "--csv",
        metavar="FILE",
        help="only the three rows of this table (as is, text shuffled, image "
        "shuffled), read as `skmultimodal evaluate --csv` reads it",
    )
    parser.add_argument("--image-column", default="image", metavar="NAME")
    parser.add_argument("--text-column", default="text", metavar="NAME")
    parser.add_argument("--target", default="label", metavar="NAME")
    parser.add_argument(
        "--group-column", default=None, metavar="NAME", help="grouped folds"
    )
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    if args.csv is not None:
        print_rows(
            table_rows(
                args.csv,
                args.image_column,
                args.text_column,
                args.target,
                args.group_column,
                args.n_jobs,
            )
        )
        print(f"\n*Total time: {time.perf_counter() - t0:.0f} s.*")
        return
    if args.long_tail_only:
        print_long_tail(long_tail_rows(args.quick, args.n_jobs))
        print(f"*Total time: {time.perf_counter() - t0:.0f} s.*")
        return
    if args.attention_only:
        print_attention(args.n_jobs)
        print(f"*Total time: {time.perf_counter() - t0:.0f} s.*")
        return
    print("# Robustness of the default fused model\n")
    rows = robustness_rows(args.quick, args.n_jobs)
    print()
    print_rows(rows)
    print()
    print_long_tail(long_tail_rows(args.quick, args.n_jobs))
    if not args.skip_methods:
        out = method_rows(args.quick, args.n_jobs)
        best = max(out["image only"][0], out["text only"][0])
        print(
            "| method (emoji, then the default classifier) | accuracy | ≥ best single |"
        )
        print("|---|---|---|")
        for name, ms in out.items():
            mark = (
                "" if name.endswith("only") else ("yes" if ms[0] >= best else "**no**")
            )
            print(f"| {name} | {fmt(ms)} | {mark} |")
        print()
    if not args.quick and not args.skip_attention:
        emoji = rows[0][1]  # the same data and folds: its single modalities
        print_attention(args.n_jobs, {m: emoji[m][0] for m in ONLY})
    d, c = cost_ratio(args.quick)
    print(
        f"Fit time on emoji (one process, median of {1 if args.quick else 3}): "
        f"default fused {d:.1f} s, concat {c:.1f} s: **{d / c:.2f}×** (target ≤ 3×)."
    )
    print(f"\n*Total time: {time.perf_counter() - t0:.0f} s.*")


if __name__ == "__main__":
    main()
