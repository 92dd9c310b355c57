"""The models ``skmultimodal evaluate`` compares, by name, and the
evaluation behind its table and report.

``image-only``, ``text-only``, ``fusion``, ``late-fusion`` and
``attention-classifier`` (:data:`EVALUATED_MODELS`), plus ``fusion-<name>``,
``make_multimodal_pipeline(method=<name>)``, for any registered fusion
method. Unknown names are a ValueError listing the choices.
"""

from __future__ import annotations

import sys

#: Models compared by ``skmultimodal evaluate``: name -> (pipeline keyword
#: arguments for :func:`make_multimodal_pipeline`, modalities used).
#: ``fusion`` is the builder's default fused model (``method=None``, i.e.
#: :data:`skmultimodal.pipeline.DEFAULT_METHOD`, ``"stack"``). Besides these,
#: ``fusion-<name>`` is ``make_multimodal_pipeline(method=<name>)`` for any
#: registered fusion method.
EVALUATED_MODELS = {
    "image-only": ({"text": None}, ("image",)),
    "text-only": ({"image": None}, ("text",)),
    "fusion": ({}, ("image", "text")),
    "late-fusion": ({"method": "late"}, ("image", "text")),
    "attention-classifier": ({"classifier": "attention"}, ("image", "text")),
}
#: Prefix of the models a registered fusion method adds: ``fusion-<name>``.
METHOD_MODEL_PREFIX = "fusion-"


def fusion_method_names():
    """Registered fusion method names (built-ins and plugins), sorted."""
    from skmultimodal.plugins import get_registry

    return get_registry("fusion_method").names()


def unknown_method(name, where):
    """The ValueError for an unregistered fusion method ``name``."""
    return ValueError(
        f"unknown fusion method {name!r} in {where}; available methods: "
        f"{', '.join(fusion_method_names())}"
    )


def model_spec(name):
    """``(pipeline kwargs, modalities used, fusion label)`` of a model name:
    one of :data:`EVALUATED_MODELS` or ``fusion-<registered method>``."""
    from skmultimodal.pipeline import DEFAULT_METHOD

    method = name[len(METHOD_MODEL_PREFIX) :]
    if name in EVALUATED_MODELS:
        kwargs, used = EVALUATED_MODELS[name]
    elif name.startswith(METHOD_MODEL_PREFIX) and method in fusion_method_names():
        kwargs, used = {"method": method}, ("image", "text")
    else:
        raise ValueError(
            f"unknown model {name!r}; choose from {', '.join(EVALUATED_MODELS)}, "
            f"or {METHOD_MODEL_PREFIX}<method> with a registered fusion method "
            f"({', '.join(fusion_method_names())})"
        )
    if len(used) < 2:
        label = "-"
    elif kwargs.get("method") is None:
        label = f"{DEFAULT_METHOD} (default)"
    else:
        label = str(kwargs["method"])
    return dict(kwargs), tuple(used), label


def resolve_models(models=None, methods=None):
    """The model names to evaluate, checked before anything is fitted.

    ``models``: names from :data:`EVALUATED_MODELS` or ``fusion-<method>``
    (None: every default model); ``methods``: registered fusion method names,
    each adding ``fusion-<method>``. Raises ValueError naming the available
    models or methods for an unknown name.
    """
    names = list(EVALUATED_MODELS) if models is None else list(models)
    for name in names:
        model_spec(name)
    registered = set(fusion_method_names())
    for method in methods or ():
        if method not in registered:
            raise unknown_method(method, "--methods")
        name = METHOD_MODEL_PREFIX + method
        if name not in names:
            names.append(name)
    if not names:
        raise ValueError("no model to evaluate")
    return names


def _shrink(est):
    """Fewer epochs / internal folds for ``quick``."""
    params = est.get_params()
    small = {}
    for key in params:
        leaf = key.rsplit("__", 1)[-1]
        if leaf == "epochs":
            small[key] = min(params[key] or 10, 10)
        elif key == "cv" and isinstance(params[key], int):
            small[key] = 3
    if small:
        est.set_params(**small)


def build_models(names, *, modalities, quick, memory, random_state, missing="raise"):
    """``({name: (unfitted pipeline, modalities used, fusion label)},
    {name: why skipped})``: a model needing a column ``modalities`` lacks,
    or an optional dependency that is not installed, is skipped."""
    from skmultimodal.fusion._missing_policy import canonical_missing
    from skmultimodal.pipeline import make_multimodal_pipeline

    models, skipped = {}, {}
    for name in names:
        kwargs, used, label = model_spec(name)
        if not set(used) <= set(modalities):
            skipped[name] = f"needs the {' and '.join(used)} columns"
            continue
        for modality in {"image", "text"} - set(modalities):
            kwargs.setdefault(modality, None)
        try:
            est = make_multimodal_pipeline(
                memory=memory,
                random_state=random_state,
                missing=canonical_missing(missing),
                **kwargs,
            )
        except ImportError as exc:
            skipped[name] = f"needs an optional dependency ({exc})"
            continue
        if quick:
            _shrink(est)
        models[name] = (est, list(used), label)
    return models, skipped


def run_evaluation(
    X,
    y,
    *,
    groups=None,
    cv=5,
    models=None,
    quick=False,
    random_state=0,
    progress=True,
    missing="raise",
):
    """Cross-validate ``skmultimodal evaluate``'s models; return the results
    its table and report show.

    ``models``: names from :data:`EVALUATED_MODELS` or ``fusion-<method>``
    (None: the default models), all checked before anything is fitted;
    ``cv``: number of folds or a splitter; ``missing``: the missing-modality
    policy of every model. Each fold featurizes its rows once: the image and
    text branches of every model share a joblib cache in a temporary folder.
    The result is :func:`~skmultimodal.model_selection.compare_models`'s,
    each model with its ``modalities`` and fusion ``method`` label, plus
    ``cv_kind`` and ``skipped`` (``{name: why}``).
    """
    import tempfile

    import numpy as np
    from joblib import Memory
    from tqdm.auto import tqdm

    from ._compare import compare_models, make_cv

    y = np.asarray(y)
    names = resolve_models(models)
    if isinstance(cv, int):
        cv = make_cv(cv, y, groups, random_state=random_state)
    splits = list(cv.split(X, y, groups))
    modalities = [c for c in ("image", "text") if c in X.columns]
    with tempfile.TemporaryDirectory(prefix="skmultimodal-cache-") as cache:
        built, skipped = build_models(
            names,
            modalities=modalities,
            quick=quick,
            memory=Memory(cache, verbose=0),
            random_state=random_state,
            missing=missing,
        )
        if not built:
            raise ValueError("no model can be evaluated on these columns")
        bar = tqdm(
            total=len(splits) * len(built),
            desc="evaluate",
            unit="fit",
            disable=not progress,
            file=sys.stderr,
        )
        results = {}
        with bar:
            for name, (est, used, label) in built.items():
                bar.set_postfix_str(name)
                one = compare_models({name: est}, X, y, cv=splits)
                results[name] = one.models[name]
                results[name].update(modalities=used, method=label)
                del results[name]["estimators"]  # one model's folds at a time
                bar.update(len(splits))
    one.update(
        models=results,
        skipped=skipped,
        cv_kind=(
            "stratified group k-fold" if groups is not None else "stratified k-fold"
        ),
    )
    return one


def quick_subset(X, y, groups, n):
    """A stratified random subset of ``n`` rows (``evaluate --quick``):
    ``(X, y, groups)`` with y and groups as arrays."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(
        np.arange(len(y)), train_size=n, stratify=np.asarray(y), random_state=0
    )
    keep = np.sort(keep)
    y = np.asarray(y)[keep]
    groups = None if groups is None else np.asarray(groups)[keep]
    return X.iloc[keep], y, groups


def train_model(X, y, args):
    """Fit what ``skmultimodal train`` saves: the builder's pipeline with the
    command's options (``args``: its argparse namespace). Returns the fitted
    pipeline and the metadata stored with it."""
    from skmultimodal.fusion._missing_policy import canonical_missing
    from skmultimodal.pipeline import make_multimodal_pipeline

    est = make_multimodal_pipeline(
        image="image" if args.image_column else None,
        text="text" if args.text_column else None,
        method=args.method,
        classifier=args.classifier,
        missing=canonical_missing(args.missing),
        random_state=args.random_state,
        tabular=getattr(args, "tabular", None),
        class_weight=getattr(args, "class_weight", None),
    )
    if args.epochs is not None:
        keys = [k for k in est.get_params() if k.rsplit("__", 1)[-1] == "epochs"]
        est.set_params(**dict.fromkeys(keys, args.epochs))
    est.fit(X, y)
    method = est.named_steps["fusion"].method  # e.g. the builder's "stack"
    metadata = {
        "image_column": args.image_column,
        "text_column": args.text_column,
        "target": args.target,
        "classes": [c.item() if hasattr(c, "item") else c for c in est.classes_],
        "n_samples": len(y),
        "method": method if isinstance(method, str) else args.method,
        "classifier": args.classifier,
        "missing": canonical_missing(args.missing),
        "class_weight": getattr(args, "class_weight", None),
    }
    tabular = getattr(args, "tabular", None)
    if tabular:
        metadata["numeric_columns"] = list(tabular["numeric"])
        metadata["categorical_columns"] = list(tabular["categorical"])
    return est, metadata


def prediction_table(est, X, proba=True):
    """``skmultimodal predict``'s output: the predicted label of each row of
    ``X`` and, with ``proba`` for a classifier with ``predict_proba``, one
    ``proba_<class>`` column per class (the label is their argmax, computed
    once)."""
    import pandas as pd

    if not (proba and hasattr(est, "predict_proba")):
        return pd.DataFrame({"prediction": est.predict(X)}, index=X.index)
    P = est.predict_proba(X)
    out = pd.DataFrame({"prediction": est.classes_[P.argmax(axis=1)]}, index=X.index)
    for j, c in enumerate(est.classes_):
        out[f"proba_{c}"] = P[:, j]
    return out
