"""Accuracy on ``load_emoji``: every built-in fusion method, the late-fusion
classifier and the attention classifier against image-only and text-only
models, 5-fold ``StratifiedKFold(shuffle=True, random_state=0)``.

Run alone: ``python benchmarks/bench_accuracy.py [--quick] [--repeats R]``
(``--repeats`` is not used: cross-validation is the repetition).
"""

from __future__ import annotations

import time

import numpy as np
from _harness import Context, Section
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# Image features are fixed functions of each image (nothing is fitted), so
# they are computed once and looked up by path inside the cross-validation;
# everything that learns (scaling, TF-IDF, fusion projections, classifiers)
# is fitted inside each fold.
ATTENTION_EPOCHS = 20
IMAGE_FEATURES = (
    "HOG (32×32 gray, 324 values) + RGB colour histogram (8 bins per channel)"
)


class ImageLookup(TransformerMixin, BaseEstimator):
    """Rows of a precomputed ``{path: features}`` table."""

    def __init__(self, table=None):
        self.table = table

    def fit(self, X, y=None):
        return self

    def __sklearn_is_fitted__(self):
        return True  # stateless

    def transform(self, X):
        return np.stack([self.table[p] for p in list(X)])


class Densify(TransformerMixin, BaseEstimator):
    """Sparse to dense (the projecting fusion methods take dense blocks)."""

    def fit(self, X, y=None):
        return self

    def __sklearn_is_fitted__(self):
        return True  # stateless

    def transform(self, X):
        return X.toarray() if hasattr(X, "toarray") else np.asarray(X)


def image_table(paths):
    from skmultimodal.image import ColorHistogram, HOGFeatures

    hog = HOGFeatures(size=(32, 32), n_jobs=-1).fit_transform(paths)
    hist = ColorHistogram(bins=8, n_jobs=-1).fit_transform(paths)
    feats = np.hstack([hog, hist]).astype(np.float64)
    return dict(zip(paths, feats))


def _clf():
    return LogisticRegression(max_iter=2000, C=1.0)


def models(table, quick):
    """``{label: estimator}`` over the DataFrame columns ``image``/``text``."""
    from sklearn.compose import make_column_transformer

    from skmultimodal.fusion import ModalityFusion

    def image_branch():
        return make_pipeline(ImageLookup(table), StandardScaler())

    def text_branch():
        return make_pipeline(TfidfVectorizer(sublinear_tf=True), Densify())

    out = {
        "image only": make_pipeline(
            make_column_transformer((image_branch(), "image")), _clf()
        ),
        "text only": make_pipeline(
            make_column_transformer((TfidfVectorizer(sublinear_tf=True), "text")),
            _clf(),
        ),
    }
    for name in _fusion_methods():
        out[name] = make_pipeline(
            ModalityFusion(
                [("image", image_branch(), "image"), ("text", text_branch(), "text")],
                method=name,
                random_state=0,
            ),
            StandardScaler(),
            _clf(),
        )
    out["LateFusionClassifier"] = _late(table)
    out["MultimodalAttentionClassifier"] = attention_model(
        image_branch, text_branch, quick
    )
    return out


def _late(table):
    import inspect

    from skmultimodal.fusion import LateFusionClassifier

    sig = inspect.signature(LateFusionClassifier)
    first = next(iter(sig.parameters))
    estimators = [
        ("image", make_pipeline(ImageLookup(table), StandardScaler(), _clf()), "image"),
        ("text", make_pipeline(TfidfVectorizer(sublinear_tf=True), _clf()), "text"),
    ]
    return LateFusionClassifier(**{first: estimators})


def attention_model(image_branch, text_branch, quick):
    """The attention classifier on the two blocks (None without Keras)."""
    try:
        from skmultimodal.models import MultimodalAttentionClassifier
    except ImportError:  # Keras not installed
        return None
    from skmultimodal.fusion import ModalityFusion

    return make_pipeline(
        ModalityFusion(
            [("image", image_branch(), "image"), ("text", text_branch(), "text")],
            method="tokens",
            random_state=0,
        ),
        MultimodalAttentionClassifier(
            epochs=2 if quick else ATTENTION_EPOCHS,
            width=32,
            n_heads=2,
            random_state=0,
        ),
    )


def configurations(X, quick):
    """``({label: estimator}, description)``.

    The fusion rows are the fusion benchmark's own configurations
    (``bench_fusion_accuracy.configurations()``), so both pages agree; the
    attention classifier is added with the same branches.
    """
    try:
        import bench_fusion_accuracy as bfa
    except ImportError:
        bfa = None
    if bfa is not None and hasattr(bfa, "configurations"):
        configs = dict(bfa.configurations())
        # any registered method the fusion benchmark does not list (plugins
        # included) is added with the same branches
        for name in _fusion_methods():
            if not any(label.split(" ")[0] == name for label in configs):
                configs[f"{name}"] = bfa.fused(name, random_state=0)
        att = attention_model(bfa.image_branch, bfa.text_branch, quick)
        describe = (
            "Pipelines of `benchmarks/bench_fusion_accuracy.py`: image branch "
            "`HOGFeatures()` + HSV `ColorHistogram`, standardised; text branch "
            "`TextFeatures` TF-IDF (sublinear tf); classifier "
            f"`LogisticRegression(C={getattr(bfa, 'C', '?')})`. Everything, "
            "feature extraction included, is fitted inside each training fold."
        )
    else:
        table = image_table(X["image"].tolist())
        configs = models(table, quick)
        att = configs.pop("MultimodalAttentionClassifier", None)
        describe = (
            f"Image features: {IMAGE_FEATURES}, computed once (they learn "
            "nothing) and standardised inside each fold. Text: "
            "`TfidfVectorizer(sublinear_tf=True)` fitted inside each fold. "
            "Classifier: `StandardScaler` + `LogisticRegression`."
        )
    if att is not None:
        configs["MultimodalAttentionClassifier"] = att
    if quick:  # a few rows, enough to run every code path of the page
        keep = ("image only", "text only", "MultimodalAttentionClassifier")
        configs = {
            k: v for i, (k, v) in enumerate(configs.items()) if k in keep or i == 2
        }
    return configs, describe


def _fusion_methods():
    from skmultimodal.plugins import get_registry

    return get_registry("fusion_method").names()


def _attention_from_models(ctx, n_splits, n_rows):
    """Per-fold accuracies of the attention classifier measured earlier in
    this run by ``bench_models`` on the same folds, with its time; or None.

    ``bench_models`` uses the same ``StratifiedKFold(5, shuffle=True,
    random_state=0)`` over the full data, so its fold accuracies are this
    table's row; they are reused instead of training the network twice.
    """
    if ctx.quick or n_splits != 5 or n_rows < 1000:
        return None
    for section in ctx.shared.get("models", []):
        for line in (section.markdown or "").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 4 and cells[0] == "accuracy":
                try:
                    folds = [float(v) for v in cells[3].split(",")]
                except ValueError:
                    return None
                if len(folds) == n_splits:
                    return np.asarray(folds), section.seconds
    return None


def run(ctx: Context) -> Section:
    from skmultimodal.datasets import load_emoji

    start = time.perf_counter()
    bunch = load_emoji()
    X, y = bunch.data, np.asarray(bunch.target)
    if ctx.quick:
        keep = np.concatenate([np.flatnonzero(y == c)[:10] for c in np.unique(y)])
        X, y = X.iloc[keep].reset_index(drop=True), y[keep]
    cv = StratifiedKFold(n_splits=ctx.pick(5, 2), shuffle=True, random_state=0)
    configs, describe = configurations(X, ctx.quick)
    results = {}
    failures = {}
    reused = _attention_from_models(ctx, cv.get_n_splits(), len(y))
    if reused is not None:
        configs.pop("MultimodalAttentionClassifier", None)
    for label, est in configs.items():
        t0 = time.perf_counter()
        try:
            scores = cross_validate(
                est,
                X,
                y,
                cv=cv,
                scoring="accuracy",
                error_score="raise",
                # Keras uses both cores itself; the others run folds in parallel.
                n_jobs=1 if label == "MultimodalAttentionClassifier" else 2,
            )
        except Exception as exc:  # report it on the page, keep the others
            failures[label] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            continue
        results[label] = (scores["test_score"], time.perf_counter() - t0)
    if reused is not None:
        results["MultimodalAttentionClassifier (from the models section)"] = reused
    ref = {k: results[k][0].mean() for k in ("image only", "text only") if k in results}
    best_single = max(ref.values()) if ref else float("nan")
    lines = [
        "| model | accuracy (mean ± std over folds) | vs image only | vs text only "
        "| vs best single modality | CV time |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, (scores, seconds) in results.items():
        m = scores.mean()
        lines.append(
            f"| {label} | {m:.3f} ± {scores.std():.3f} "
            f"| {m - ref.get('image only', np.nan):+.3f} "
            f"| {m - ref.get('text only', np.nan):+.3f} "
            f"| {m / best_single:.3f}× | {seconds:.0f} s |"
        )
    notes = [
        describe,
        "The attention classifier row comes from the "
        "`MultimodalAttentionClassifier on load_emoji` section when that ran "
        "on the same 5 folds (its own recommended pipeline: HOG, HSV "
        'histogram, 12x12 RGB pixels and TF-IDF through `method="concat"`; '
        "its CV time includes the Keras-only reference fits). Otherwise it "
        "is trained here: it "
        "takes the two blocks through "
        '`ModalityFusion(method="tokens")` (each block projected to 32 '
        "dimensions, one token per modality) and trains "
        f"{ATTENTION_EPOCHS} epochs (width 32, 2 heads, `random_state=0`). "
        "Differences are in accuracy points; the last ratio is accuracy over "
        "the better of image-only and text-only, both measured in this run.",
        "The text is the emoji's name, which names its category for some "
        "classes (every flag's name contains 'flag'), so text alone is strong "
        "and fusion gains are small.",
    ]
    for label, why in failures.items():
        notes.append(f"**{label} failed**: `{why}`")
    section = Section(
        "Accuracy on the emoji data",
        intro=(
            f"{len(y):,} emoji, {len(np.unique(y))} categories; "
            f"{cv.get_n_splits()}-fold `StratifiedKFold(shuffle=True, "
            "random_state=0)`, the same folds for every model."
        ),
        markdown="\n".join(lines),
        notes=notes,
    )
    section.seconds = time.perf_counter() - start
    return section


if __name__ == "__main__":
    from _harness import main_single

    main_single(run)
