"""Accuracy of every fusion method on load_emoji (issue 3, item 6).

Protocol: 5-fold StratifiedKFold(shuffle=True, random_state=0) over the 1,884
emoji; every pipeline (feature extraction, block normalisation, projections,
late-fusion weights) is fitted inside each training fold only. The same image
branch (HOG + HSV colour histogram + 16x16 RGB pixels, standardised), text
branch (TF-IDF) and classifier (LogisticRegression, C=10) are used for every
row, so the rows differ only in how the modalities are combined. Nothing is
tuned on the test folds: LateFusionClassifier's ``weights="auto"`` and the
one tuned row (image weight and C chosen by a 3-fold GridSearchCV) use an
internal cross-validation of the training fold only.

Usage::

    python benchmarks/bench_fusion_accuracy.py          # full table (2 cores)
    python benchmarks/bench_fusion_accuracy.py --quick  # 400 rows, smoke test

Prints a markdown table: accuracy and macro-F1 (mean ± std over folds) and the
mean fit time per fold.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.preprocessing import StandardScaler

from skmultimodal.datasets import load_emoji
from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion.methods import ConcatFusion

C = 10.0


def image_branch():
    try:
        from skmultimodal.image import ColorHistogram, HOGFeatures, PixelFeatures
    except ImportError as exc:  # pragma: no cover - needs the image module
        raise SystemExit(f"skmultimodal.image is needed: {exc}") from None
    return make_pipeline(
        make_union(
            HOGFeatures(),
            ColorHistogram(color_space="hsv"),
            PixelFeatures(color="rgb"),
        ),
        StandardScaler(),
    )


def text_branch():
    try:
        from skmultimodal.text import TextFeatures

        return TextFeatures(method_params={"sublinear_tf": True})
    except ImportError:  # pragma: no cover - plain scikit-learn fallback
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(sublinear_tf=True)


def classifier():
    return LogisticRegression(C=C, max_iter=3000)


def fused(method=None, **kw):
    branches = [("image", image_branch(), "image"), ("text", text_branch(), "text")]
    return Pipeline(
        [
            ("fusion", ModalityFusion(branches, method=method or "concat", **kw)),
            ("clf", classifier()),
        ]
    )


def single(name):
    branch = image_branch() if name == "image" else text_branch()
    return Pipeline(
        [("fusion", ModalityFusion([(name, branch, name)])), ("clf", classifier())]
    )


def configurations():
    rs = {"random_state": 0}
    return {
        "image only": single("image"),
        "text only": single("text"),
        "concat (default: frobenius block norm)": fused("concat"),
        "concat, image weight and C tuned (nested 3-fold grid search)": GridSearchCV(
            fused("concat"),
            {
                "fusion__weights": [None, {"image": 0.5}, {"image": 0.3}],
                "clf__C": [10.0, 100.0],
            },
            cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
        ),
        "concat, block_norm='none' (naive)": fused(ConcatFusion(block_norm="none")),
        "LateFusionClassifier (weights='auto')": LateFusionClassifier(
            [
                ("image", make_pipeline(image_branch(), classifier()), "image"),
                ("text", make_pipeline(text_branch(), classifier()), "text"),
            ],
            weights="auto",
            cv=3,
        ),
        "attention": fused("attention", **rs),
        "product": fused("product", **rs),
        "sum": fused("sum", **rs),
        "mean": fused("mean", **rs),
        "tensor": fused("tensor", **rs),
        "stack (default of make_multimodal_pipeline)": fused("stack", **rs),
        "late": fused("late", **rs),
        "tokens": fused("tokens", **rs),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="400 rows only")
    parser.add_argument("--n-jobs", type=int, default=2, help="folds in parallel")
    parser.add_argument("--only", nargs="*", help="substrings of rows to run")
    args = parser.parse_args(argv)

    data = load_emoji()
    X, y = data["data"], np.asarray(data["target"])
    if args.quick:
        keep = np.random.RandomState(0).permutation(len(X))[:400]
        X, y = X.iloc[keep], y[keep]
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    rows = []
    print(
        f"load_emoji: {len(X)} rows, {len(np.unique(y))} classes; "
        f"LogisticRegression(C={C})"
    )
    for name, model in configurations().items():
        if args.only and not any(s in name for s in args.only):
            continue
        t0 = time.perf_counter()
        res = cross_validate(
            model, X, y, cv=cv, scoring=["accuracy", "f1_macro"], n_jobs=args.n_jobs
        )
        acc, f1 = res["test_accuracy"], res["test_f1_macro"]
        rows.append((name, acc, f1, res["fit_time"].mean()))
        print(
            f"  {name}: accuracy {acc.mean():.4f}, macro-F1 {f1.mean():.4f} "
            f"({time.perf_counter() - t0:.0f}s)",
            flush=True,
        )
    print()
    print("| pipeline | accuracy | macro-F1 | fit time / fold (s) |")
    print("|---|---|---|---|")
    for name, acc, f1, fit in rows:
        print(
            f"| {name} | {acc.mean():.3f} ± {acc.std():.3f} | "
            f"{f1.mean():.3f} ± {f1.std():.3f} | {fit:.1f} |"
        )


if __name__ == "__main__":
    main()
