"""MultimodalAttentionClassifier on load_emoji: accuracy and wrapper overhead.

Protocol: 5-fold StratifiedKFold(shuffle=True, random_state=0) over the 1,884
emoji. Per fold, the fused matrix is computed once, outside every timed part:
``ModalityFusion(method="concat")`` (balanced blocks) over three image
branches (HOG; HSV colour histogram; 12x12 RGB pixels; each standardised)
and a TF-IDF text branch; each block is one modality token.
Then ``MultimodalAttentionClassifier`` is fitted on it (timed), and the very
same Keras network (``skmultimodal.models._network.build_network``, same
seed, same arrays, same epochs and batch size) is built and fitted directly
with Keras (timed). The two fits alternate which goes first. The overhead
figure is the ratio of the median fit times (target <= 1.15).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _harness import Row, Section, Timing, positive_int, section_markdown
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def _params():
    """Every parameter of the classifier benchmarked: the recommended
    settings of ``make_multimodal_pipeline(classifier="attention")``, the
    estimator's defaults for the rest (listed in the results)."""
    from skmultimodal.models import MultimodalAttentionClassifier
    from skmultimodal.pipeline import ATTENTION_SETTINGS

    shown = (
        "width n_heads n_attention_layers dropout epochs batch_size "
        "learning_rate optimizer weight_decay linear_skip input_dropout "
        "label_smoothing tokens_per_block sequence_encoder random_state"
    ).split()
    clf = MultimodalAttentionClassifier(**ATTENTION_SETTINGS, random_state=0)
    return {k: clf.get_params()[k] for k in shown}


def fusion():
    from skmultimodal.fusion import ModalityFusion
    from skmultimodal.image import ColorHistogram, HOGFeatures, PixelFeatures
    from skmultimodal.text import TextFeatures

    return ModalityFusion(
        [
            ("hog", make_pipeline(HOGFeatures(), StandardScaler()), "image"),
            (
                "color",
                make_pipeline(ColorHistogram(color_space="hsv"), StandardScaler()),
                "image",
            ),
            (
                "pixels",
                make_pipeline(
                    PixelFeatures(color="rgb", size=(12, 12)), StandardScaler()
                ),
                "image",
            ),
            ("text", TextFeatures("tfidf"), "text"),
        ],
        method="concat",
    )


def direct_keras_fit(clf, Z, y, epochs=None):
    """Fit ``clf``'s network with Keras alone, on the same arrays: same
    layers, seed, optimizer, epochs and batch size, no estimator around it.
    ``clf`` only provides the parameters and the token spec (not timed)."""
    from skmultimodal.models._classifier import _seeded
    from skmultimodal.models._network import build_network

    p = clf.get_params()
    X = Z.toarray() if hasattr(Z, "toarray") else Z
    X = np.asarray(X, dtype=np.float32)
    codes = np.searchsorted(clf.classes_, y).astype(np.float32).reshape(-1, 1)
    with _seeded(p["random_state"]):
        model = build_network(
            clf._token_spec(),
            X.shape[1],
            len(clf.classes_),
            width=p["width"],
            n_heads=p["n_heads"],
            n_attention_layers=p["n_attention_layers"],
            dropout=p["dropout"],
            sequence_encoder=p["sequence_encoder"],
            learning_rate=p["learning_rate"],
            optimizer=p["optimizer"],
            linear_skip=p["linear_skip"],
            weight_decay=p["weight_decay"],
            input_dropout=p["input_dropout"],
            label_smoothing=p["label_smoothing"],
        )
        model.run_eagerly = False
        model.fit(
            X,
            codes,
            batch_size=p["batch_size"],
            epochs=epochs or p["epochs"],
            shuffle=True,
            verbose=0,
        )
    return model


def run(ctx=None, *, n_splits=5, quick=False) -> Section:
    from skmultimodal.datasets import load_emoji
    from skmultimodal.models import MultimodalAttentionClassifier

    start = time.perf_counter()
    X, y = load_emoji(return_X_y=True)
    y = np.asarray(y)
    params = _params()
    quick = quick or (ctx is not None and ctx.quick)
    if quick:
        # smoke run: one fold of 400 rows, one epoch
        keep = np.sort(np.random.RandomState(0).permutation(len(y))[:400])
        X, y = X.iloc[keep].reset_index(drop=True), y[keep]
        params["epochs"] = 1
        n_splits = 1
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    acc, f1, est_times, keras_times, fusion_times = [], [], [], [], []
    for fold, (train, test) in enumerate(cv.split(X, y)):
        if fold >= n_splits:
            break
        t0 = time.perf_counter()
        fz = fusion()
        Z_train = fz.fit_transform(X.iloc[train], y[train])
        Z_test = fz.transform(X.iloc[test])
        fusion_times.append(time.perf_counter() - t0)
        # The estimator takes the fusion's (sparse, layout-carrying) output
        # as a user's pipeline does and densifies it inside its timed fit;
        # the Keras-only fit gets the dense array, made here untimed.
        Z_dense = Z_train.toarray() if hasattr(Z_train, "toarray") else Z_train

        clf = MultimodalAttentionClassifier(**params)
        spec_clf = _layout_only(params, Z_train, y[train])  # untimed
        if fold == 0 and not quick:  # untimed warm-up of both paths
            warm = dict(params, epochs=1, run_eagerly=False)
            MultimodalAttentionClassifier(**warm).fit(Z_train[:256], y[train][:256])
            direct_keras_fit(spec_clf, Z_dense[:256], y[train][:256], epochs=1)
        order = ("estimator", "keras") if fold % 2 == 0 else ("keras", "estimator")
        for which in order:
            t0 = time.perf_counter()
            if which == "estimator":
                clf.fit(Z_train, y[train])
                est_times.append(time.perf_counter() - t0)
            else:
                direct_keras_fit(spec_clf, Z_dense, y[train])
                keras_times.append(time.perf_counter() - t0)
        pred = clf.predict(Z_test)
        acc.append(accuracy_score(y[test], pred))
        f1.append(f1_score(y[test], pred, average="macro"))
        print(
            f"[bench_models] fold {fold}: accuracy {acc[-1]:.3f} macro-F1 "
            f"{f1[-1]:.3f} fit {est_times[-1]:.1f}s (Keras alone "
            f"{keras_times[-1]:.1f}s)",
            flush=True,
        )

    row = Row(
        "fit on fused emoji features (per fold)",
        "MultimodalAttentionClassifier.fit",
        "same Keras model, model.fit",
        len(train),
        Timing(est_times),
        Timing(keras_times),
        kind="time",
        target=1.15,
        note="median over folds, same run, alternating order",
    )
    table = "| metric | mean | std | per fold |\n|---|---|---|---|\n" + "".join(
        f"| {name} | {np.mean(v):.3f} | {np.std(v):.3f} | "
        + ", ".join(f"{x:.3f}" for x in v)
        + " |\n"
        for name, v in [
            ("accuracy", acc),
            ("macro-F1", f1),
            ("fit time (s)", est_times),
            ("Keras-only fit time (s)", keras_times),
            ("fusion fit+transform (s, untimed part)", fusion_times),
        ]
    )
    section = Section(
        "MultimodalAttentionClassifier on load_emoji",
        intro=__doc__.split("\n\n")[1].replace("\n", " "),
        rows=[row],
        markdown=(
            f"{len(acc)} folds; parameters: "
            + ", ".join(f"`{k}={v!r}`" for k, v in params.items())
            + f"; target accuracy >= 0.80: "
            f"{'met' if np.mean(acc) >= 0.80 else 'NOT met'}.\n\n" + table
        ),
        seconds=time.perf_counter() - start,
    )
    return section


def _layout_only(params, Z, y):
    """An unfitted estimator with its layout and classes set: the Keras-only
    fit reads the network's token spec from it."""
    from skmultimodal.models import MultimodalAttentionClassifier

    clf = MultimodalAttentionClassifier(**params)
    clf._validate_data(Z, y, reset=True)
    clf.classes_ = np.unique(y)
    return clf


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="one fold of 400 rows, one epoch"
    )
    parser.add_argument(
        "--folds",
        type=positive_int,
        default=5,
        help="how many of the 5 shuffled folds to run (1 to 5)",
    )
    args = parser.parse_args(argv)
    if args.folds > 5:
        parser.error(f"--folds: the benchmark has 5 folds, got {args.folds}")
    section = run(n_splits=args.folds, quick=args.quick)
    print(section_markdown(section))


if __name__ == "__main__":
    main()
