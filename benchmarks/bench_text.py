"""Text benchmarks on the bundled emoji data (1,884 emoji names).

Accuracy: 5-fold ``StratifiedKFold(shuffle=True, random_state=0)`` accuracy
and macro-F1 of ``TextFeatures("tfidf")`` + ``LogisticRegression`` side by
side with the plain scikit-learn pipeline it wraps (``TfidfVectorizer`` +
``LogisticRegression``), with the default ``C=1`` and with ``C=10``, on all
categories and without "Flags" (whose names all contain "flag"). Speed:
``TextFeatures``, ``TextCleaner`` and ``TextSequencer`` on the 1,884 texts,
each against a bare ``TfidfVectorizer().fit_transform`` timed in the same
rounds.

Run ``python benchmarks/bench_text.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import time

from _harness import Context, Section, compare
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from skmultimodal.datasets import load_emoji
from skmultimodal.text import TextCleaner, TextFeatures, TextSequencer


def _cv(pipe, X, y, n_splits):
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)
    # One BLAS thread: tiny per-fold problems only lose time to contention.
    with threadpool_limits(1):
        res = cross_validate(pipe, X, y, cv=cv, scoring=("accuracy", "f1_macro"))
    return res["test_accuracy"], res["test_f1_macro"]


def accuracy_section(ctx: Context) -> Section:
    start = time.perf_counter()
    n_splits = 5
    lines = [
        "| pipeline | C | exclude_flags | n | accuracy (mean ± sd) "
        "| macro-F1 (mean ± sd) |",
        "|---|---:|---|---:|---:|---:|",
    ]
    settings = [(1.0, False), (10.0, False), (1.0, True)]
    if ctx.quick:
        settings = settings[:1]
    for C, exclude_flags in settings:
        X, y = load_emoji(return_X_y=True, exclude_flags=exclude_flags)
        if ctx.quick:
            X, y = X.iloc[::4], y.iloc[::4]
        pipes = {
            'TextFeatures("tfidf") + LogisticRegression': make_pipeline(
                TextFeatures("tfidf"), LogisticRegression(C=C, max_iter=2000)
            ),
            "TfidfVectorizer() + LogisticRegression (plain scikit-learn)": (
                make_pipeline(TfidfVectorizer(), LogisticRegression(C=C, max_iter=2000))
            ),
        }
        for name, pipe in pipes.items():
            acc, f1 = _cv(pipe, X["text"], y, n_splits)
            lines.append(
                f"| {name} | {C:g} | {exclude_flags} | {len(y):,} "
                f"| {acc.mean():.3f} ± {acc.std():.3f} "
                f"| {f1.mean():.3f} ± {f1.std():.3f} |"
            )
    return Section(
        "Text classification on the emoji names (TF-IDF + logistic regression)",
        intro=(
            f"{n_splits}-fold StratifiedKFold(shuffle=True, random_state=0) on "
            "the `text` column of `load_emoji()`, target = category. "
            '`TextFeatures("tfidf")` delegates to scikit-learn\'s '
            "`TfidfVectorizer`, so both rows of a setting must agree exactly."
        ),
        markdown="\n".join(lines),
        seconds=time.perf_counter() - start,
    )


def speed_section(ctx: Context) -> Section:
    start = time.perf_counter()
    texts = load_emoji().data["text"]
    if ctx.quick:
        texts = texts.iloc[:200]
    n = len(texts)
    reference = (
        "TfidfVectorizer().fit_transform",
        lambda: TfidfVectorizer().fit_transform(texts),
    )
    rows = [
        compare(
            "TF-IDF features",
            (
                'TextFeatures("tfidf").fit_transform',
                lambda: TextFeatures().fit_transform(texts),
            ),
            reference,
            n=n,
            repeats=ctx.repeats,
            target=1.2,
            note="input checks (None/NaN rule) on top of the same vectorizer",
        ),
        compare(
            "cleaning",
            (
                "TextCleaner(remove_punctuation=True).fit_transform",
                lambda: TextCleaner(remove_punctuation=True).fit_transform(texts),
            ),
            reference,
            n=n,
            repeats=ctx.repeats,
        ),
        compare(
            "token-id sequences",
            (
                "TextSequencer(max_length=16).fit_transform",
                lambda: TextSequencer(max_length=16).fit_transform(texts),
            ),
            reference,
            n=n,
            repeats=ctx.repeats,
        ),
    ]
    return Section(
        "Text transformers: time relative to a bare TfidfVectorizer",
        intro=(
            "Each candidate and `TfidfVectorizer().fit_transform` on the same "
            "texts, timed in interleaved rounds."
        ),
        rows=rows,
        seconds=time.perf_counter() - start,
    )


def run(ctx: Context) -> list:
    return [accuracy_section(ctx), speed_section(ctx)]


if __name__ == "__main__":
    from _harness import main_single

    main_single(run)
