"""Image tokens learned end to end on load_emoji: accuracy and fit time.

Protocol: 5-fold StratifiedKFold(shuffle=True, random_state=0) over the 1,884
emoji. Each fold fits the whole pipeline of
``make_multimodal_pipeline(classifier="attention", image_tokens=True,
random_state=0)`` on the training rows (decoded 64x64 images through the
network's convolutional stem with training-time augmentation, TF-IDF text
features, and word ids whose tokens cross-attend to the image patches) and
scores the held-out rows; the fit time covers the whole pipeline (reading
the images included). Rows: the multimodal model, the same network without
augmentation, and the image-only model (``text=None``). Target of the
multimodal model: accuracy >= 0.82.

Usage::

    python benchmarks/bench_image_tokens.py           # full run (~35 min on 2 cores)
    python benchmarks/bench_image_tokens.py --quick   # 150 rows, 2 folds, 1 epoch
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

TARGET = 0.82


def log(msg):
    """Progress, on stderr (stdout is the Markdown report)."""
    print(f"  {msg}", file=sys.stderr, flush=True)


def models():
    from skmultimodal import make_multimodal_pipeline

    def build(**kw):
        return make_multimodal_pipeline(
            classifier="attention", image_tokens=True, random_state=0, **kw
        )

    plain = build()
    plain.set_params(classifier__image_augmentation=False)
    return [
        ("image + text (default: augmentation on)", build()),
        ("image + text, no augmentation", plain),
        ("image only (`text=None`)", build(text=None)),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    args = parser.parse_args(argv)

    from sklearn.base import clone
    from sklearn.metrics import accuracy_score
    from sklearn.model_selection import StratifiedKFold

    from skmultimodal.datasets import load_emoji

    t_start = time.perf_counter()
    data = load_emoji()
    X, y = data.data, np.asarray(data.target)
    n_splits = 5
    if args.quick:
        keep = np.random.RandomState(0).permutation(len(y))[:150]
        X, y, n_splits = X.iloc[keep].reset_index(drop=True), y[keep], 2
    folds = list(StratifiedKFold(n_splits, shuffle=True, random_state=0).split(X, y))

    print("# Image tokens learned end to end (`bench_image_tokens.py`)\n")
    print(
        f"{n_splits}-fold StratifiedKFold(shuffle=True, random_state=0) over "
        f"{len(y):,} emoji; each fold fits the whole pipeline on its training "
        "rows. Fit time per fold is wall time on this machine, reading and "
        "decoding the images included."
        + (" Quick run: 150 rows, 1 epoch." if args.quick else "")
        + "\n"
    )
    print("| model | accuracy | per fold | fit time per fold (median) | target |")
    print("|---|---|---|---:|---|")
    for name, pipe in models():
        if args.quick:
            pipe.set_params(classifier__epochs=1)
        accs, fits = [], []
        for k, (train, test) in enumerate(folds):
            t = time.perf_counter()
            fitted = clone(pipe).fit(X.iloc[train], y[train])
            fits.append(time.perf_counter() - t)
            accs.append(accuracy_score(y[test], fitted.predict(X.iloc[test])))
            log(f"{name}: fold {k}: {accs[-1]:.3f} in {fits[-1]:.0f} s")
        mean = float(np.mean(accs))
        if name.startswith("image + text (default"):
            met = "met" if mean >= TARGET else "**missed**"
            target = f"≥ {TARGET} ({met})"
        else:
            target = ""
        folds_txt = ", ".join(f"{a:.3f}" for a in accs)
        print(
            f"| {name} | {mean:.3f} ± {np.std(accs):.3f} | {folds_txt} | "
            f"{np.median(fits):.0f} s | {target} |"
        )
    print()
    from skmultimodal.models import MultimodalAttentionClassifier
    from skmultimodal.pipeline import ATTENTION_SETTINGS

    shown = "width n_heads dropout epochs batch_size optimizer weight_decay"
    clf = MultimodalAttentionClassifier(**ATTENTION_SETTINGS, random_state=0)
    params = ", ".join(f"`{k}={clf.get_params()[k]!r}`" for k in shown.split())
    print(
        f"Network settings (`ATTENTION_SETTINGS`): {params}; image 64×64 RGB, "
        "patch 8 (an 8×8 grid of tokens).\n"
    )
    print(f"*Total time: {time.perf_counter() - t_start:.0f} s.*")


if __name__ == "__main__":
    main()
