"""Text baseline on the emoji dataset: TextFeatures("tfidf") + LogisticRegression.

5-fold StratifiedKFold(shuffle=True, random_state=0) accuracy and macro-F1,
side by side with the plain scikit-learn pipeline (TfidfVectorizer +
LogisticRegression) it must reproduce, with and without the "Flags"
category (whose names all contain "flag"). Also times TextCleaner,
TextSequencer and TextFeatures on the 1,884 texts relative to a bare
TfidfVectorizer.

Run: ``python benchmarks/bench_text.py`` (about 20 s on 2 cores). Prints a
Markdown table.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline

from skmultimodal.datasets import load_emoji
from skmultimodal.text import TextCleaner, TextFeatures, TextSequencer


def _cv(pipe, X, y):
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    res = cross_validate(pipe, X, y, cv=cv, scoring=("accuracy", "f1_macro"))
    return res["test_accuracy"], res["test_f1_macro"]


def _best_time(func, repeat=5):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    rows = []
    for exclude_flags in (False, True):
        X, y = load_emoji(return_X_y=True, exclude_flags=exclude_flags)
        pipes = {
            'TextFeatures("tfidf") + LogisticRegression': make_pipeline(
                TextFeatures("tfidf"), LogisticRegression(max_iter=1000)
            ),
            "TfidfVectorizer() + LogisticRegression (plain sklearn)": make_pipeline(
                TfidfVectorizer(), LogisticRegression(max_iter=1000)
            ),
        }
        for name, pipe in pipes.items():
            acc, f1 = _cv(pipe, X["text"], y)
            rows.append((name, exclude_flags, len(y), acc, f1))

    print("| pipeline | exclude_flags | n | accuracy (mean ± sd) | macro-F1 (mean ± sd) |")
    print("|---|---|---|---|---|")
    for name, ex, n, acc, f1 in rows:
        print(
            f"| {name} | {ex} | {n} | {acc.mean():.3f} ± {acc.std():.3f} "
            f"| {f1.mean():.3f} ± {f1.std():.3f} |"
        )

    X, _ = load_emoji(return_X_y=True)
    texts = X["text"]
    base = _best_time(lambda: TfidfVectorizer().fit_transform(texts))
    timings = {
        "TfidfVectorizer().fit_transform (reference)": base,
        'TextFeatures("tfidf").fit_transform': _best_time(
            lambda: TextFeatures().fit_transform(texts)
        ),
        "TextCleaner(remove_punctuation=True).fit_transform": _best_time(
            lambda: TextCleaner(remove_punctuation=True).fit_transform(texts)
        ),
        "TextSequencer(max_length=16).fit_transform": _best_time(
            lambda: TextSequencer(max_length=16).fit_transform(texts)
        ),
    }
    print()
    print(f"| step on {len(texts)} texts | best of 5 (ms) | ratio to TfidfVectorizer |")
    print("|---|---|---|")
    for name, t in timings.items():
        print(f"| {name} | {t * 1e3:.1f} | {t / base:.2f} |")


if __name__ == "__main__":
    main()
