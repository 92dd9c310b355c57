"""The models ``skmultimodal evaluate`` compares, by name, and the
evaluation behind its table and report.

``image-only``, ``text-only``, ``fusion``, ``late-fusion`` and
``attention-classifier`` (:data:`EVALUATED_MODELS`), plus ``fusion-<name>``,
``make_multimodal_pipeline(method=<name>)``, for any registered fusion
method. Unknown names are a ValueError listing the choices.
"""

from __future__ import annotations

import os
import re
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
#: The model of the table columns alone, evaluated when there are some
#: (``evaluate --numeric-columns/--categorical-columns``); the fused models
#: then take them too.
TABULAR_MODEL = "tabular-only"
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
    if name == TABULAR_MODEL:
        kwargs, used = {"image": None, "text": None}, ("tabular",)
    elif name in EVALUATED_MODELS:
        kwargs, used = EVALUATED_MODELS[name]
    elif name.startswith(METHOD_MODEL_PREFIX) and method in fusion_method_names():
        kwargs, used = {"method": method}, ("image", "text")
    else:
        raise ValueError(
            f"unknown model {name!r}; choose from {', '.join(EVALUATED_MODELS)}, "
            f"{TABULAR_MODEL} (with table columns), "
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


def resolve_models(models=None, methods=None, tabular=False):
    """The model names to evaluate, checked before anything is fitted.

    ``models``: names from :data:`EVALUATED_MODELS` or ``fusion-<method>``
    (None: every default model); ``methods``: registered fusion method names,
    each adding ``fusion-<method>``; ``tabular``: the default models include
    ``tabular-only``. Raises ValueError naming the available models or
    methods for an unknown name.
    """
    if models is None:
        names = list(EVALUATED_MODELS)
        if tabular:  # beside the image-only and text-only models
            names.insert(2, TABULAR_MODEL)
    else:
        names = list(models)
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


#: ``make_multimodal_pipeline`` keywords of each task (evaluate, train).
TASK_PIPELINE = {
    "classification": {},
    "regression": {"target_type": "continuous"},
    "multilabel": {"target_type": "multilabel-indicator"},
}


def task_kwargs(kwargs, task, class_weight=None):
    """``make_multimodal_pipeline`` keywords of one model for ``task``, or a
    string saying why the model cannot do it."""
    kwargs = {**kwargs, **TASK_PIPELINE[task]}
    if task == "regression":
        if kwargs.pop("classifier", None) == "attention":
            return "the attention classifier is a classifier: no regression"
        kwargs["estimator"] = "ridge"
    if class_weight is not None:
        kwargs["class_weight"] = class_weight
    return kwargs


def build_models(
    names,
    *,
    modalities,
    quick,
    memory,
    random_state,
    missing="raise",
    task="classification",
    class_weight=None,
    tabular=None,
    columns=None,
):
    """``({name: (unfitted pipeline, modalities used, fusion label)},
    {name: why skipped})``: a model needing a column ``modalities`` lacks,
    an optional dependency that is not installed, or a ``task`` it cannot
    do, is skipped. ``tabular``: the builder's ``tabular=``, the table
    columns that ``tabular-only`` and every fused model take. ``columns``:
    the column, or list of columns, of each modality (``{"image": ["front",
    "back"], "text": "title"}``), the builder's ``image=`` and ``text=`` of
    every model using that modality (None: the columns ``image`` and
    ``text``); several columns of a modality are one branch each, fused
    even in the image-only or text-only model."""
    from skmultimodal.fusion._missing_policy import canonical_missing
    from skmultimodal.pipeline import make_multimodal_pipeline

    columns = {m: c for m, c in (columns or {}).items() if c}
    models, skipped = {}, {}
    for name in names:
        kwargs, used, label = model_spec(name)
        if tabular and (len(used) > 1 or used == ("tabular",)):
            kwargs["tabular"] = tabular
            used = tuple(dict.fromkeys([*used, "tabular"]))
            if label == "-" and len(used) > 1:  # a fused model now
                label = model_spec("fusion")[2]
        if not set(used) <= set(modalities):
            skipped[name] = f"needs the {' and '.join(used)} columns"
            continue
        for modality in {"image", "text"} - set(modalities):
            kwargs.setdefault(modality, None)
        for modality in set(columns) & set(used):
            kwargs[modality] = columns[modality]
        branches = sum(
            len(columns[m]) if isinstance(columns.get(m), list) else 1 for m in used
        )
        if label == "-" and branches > 1:  # one modality's columns, fused
            label = model_spec("fusion")[2]
        kwargs = task_kwargs(kwargs, task, class_weight)
        if isinstance(kwargs, str):
            skipped[name] = kwargs
            continue
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
    task="classification",
    class_weight=None,
    scoring=None,
    test=None,
    tabular=None,
    columns=None,
):
    """Cross-validate ``skmultimodal evaluate``'s models; return the results
    its table and report show.

    ``models``: names from :data:`EVALUATED_MODELS` or ``fusion-<method>``
    (None: the default models), all checked before anything is fitted;
    ``cv``: number of folds or a splitter; ``missing``: the missing-modality
    policy of every model; ``task``: ``"classification"``, ``"regression"``
    (y numbers; the models end in ``RidgeCV``) or ``"multilabel"`` (y a 0/1
    matrix; one logistic regression per label); ``class_weight``: the
    classifiers' ``class_weight``; ``scoring``: ``{name: scorer}``, the
    first picking the best model (None: the task's
    :data:`~skmultimodal.model_selection._compare.TASK_SCORING`), for the
    folds and the test set; ``tabular``: table columns (the builder's
    ``tabular=``), a ``tabular-only`` model's and every fused model's.
    ``columns``: the column, or list of columns, of each modality in X
    (``{"image": ["front", "back"], "text": ["title", "body"]}``): the
    modalities evaluated are its keys, and every model using a modality
    reads all of its columns (None: X's columns ``image`` and ``text``).
    ``test``: ``(X_test, y_test, name)``, a separate test set: every model
    is then also fitted on all of ``X`` and scored on it. Each fold
    featurizes its rows once: the image and text branches of every model
    share a joblib cache in a temporary folder. The
    result is :func:`~skmultimodal.model_selection.compare_models`'s, each
    model with its ``modalities`` and fusion ``method`` label, plus
    ``cv_kind``, ``skipped`` (``{name: why}``) and, with ``test``, ``test``:
    ``{"dataset", "n_samples", "models": {name: {score: value}}}``.
    """
    import tempfile

    import numpy as np
    from joblib import Memory
    from tqdm.auto import tqdm

    from skmultimodal.utils._parallel import record_warnings, warn_at_caller

    from ._compare import compare_models, make_cv, model_warning

    y = np.asarray(y)
    names = resolve_models(models, tabular=bool(tabular))
    if isinstance(cv, int):
        cv = make_cv(cv, y, groups, random_state=random_state, task=task)
    splits = list(cv.split(X, y, groups))
    if columns is None:
        modalities = [c for c in ("image", "text") if c in X.columns]
    else:
        modalities = [m for m in ("image", "text") if columns.get(m)]
    if tabular:
        modalities.append("tabular")
    with tempfile.TemporaryDirectory(prefix="skmultimodal-cache-") as cache:
        built, skipped = build_models(
            names,
            modalities=modalities,
            quick=quick,
            memory=Memory(cache, verbose=0),
            random_state=random_state,
            missing=missing,
            task=task,
            class_weight=class_weight,
            tabular=tabular,
            columns=columns,
        )
        if not built:
            why = "; ".join(f"{name} {reason}" for name, reason in skipped.items())
            # each reason says what is lacking: columns, or a package
            raise ValueError(f"no model can be evaluated: {why}")
        if not progress:
            shown = {"disable": True}
        elif "TQDM_DISABLE" in os.environ:  # tqdm's default, which it reads
            shown = {}
        else:  # drawn on a terminal only: not into a log file or a pipe
            shown = {"disable": None}
        bar = tqdm(
            total=len(splits) * len(built),
            desc="evaluate",
            unit="fit",
            file=sys.stderr,
            **shown,
        )
        results, scores = {}, {}
        with bar:
            for name, (est, used, label) in built.items():
                bar.set_postfix_str(name)
                # the folds' warnings, relayed naming the model, and those of
                # the fit on all rows for the test set, named too: each once
                with record_warnings() as caught:
                    one = compare_models(
                        {name: est},
                        X,
                        y,
                        groups=groups,
                        cv=splits,
                        task=task,
                        scoring=scoring,
                    )
                    if test is not None:
                        with record_warnings() as fitted:
                            scores[name] = _test_scores(
                                est, X, y, test[0], test[1], task, groups, scoring
                            )
                        caught += [(c, model_warning(name, t)) for c, t in fitted]
                for category, text in dict.fromkeys(caught):
                    warn_at_caller(text, category)
                results[name] = one.models[name]
                results[name].update(modalities=used, method=label)
                del results[name]["estimators"]  # one model's folds at a time
                bar.update(len(splits))
    kind = "group k-fold" if groups is not None else "k-fold"
    if task == "classification":
        one["baseline"] = _majority_baseline(y, splits, scoring)
    one.update(
        models=results,
        splitter=cv if hasattr(cv, "split") else None,
        skipped=skipped,
        cv_kind=f"stratified {kind}" if task == "classification" else kind,
    )
    if test is not None:
        one.test = {
            "dataset": str(test[2]),
            "n_samples": len(test[1]),
            "models": scores,
        }
    return one


def _majority_baseline(y, splits, scoring=None):
    """``{"class", "score", "value"}``: the primary score (the first of
    ``scoring``, else accuracy), over ``splits``, of a model that always
    answers its training rows' most frequent class, which the summary line
    names when no model does better (a rare class that accuracy hides);
    None when the scorer cannot score it."""
    import warnings

    import numpy as np
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import cross_val_score

    from ._compare import TASK_SCORING, _stored_sign

    key, scorer = next(iter((scoring or TASK_SCORING["classification"]).items()))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ill-defined scores of one class
            values = cross_val_score(
                DummyClassifier(strategy="most_frequent"),
                np.zeros((len(y), 1)),
                y,
                cv=splits,
                scoring=scorer,
                error_score="raise",
            )
    except ValueError:
        return None
    labels, counts = np.unique(y, return_counts=True)
    return {
        "class": labels[counts.argmax()],
        "score": key,
        "value": _stored_sign(key, scorer) * float(np.mean(values)),
    }


def _test_scores(est, X, y, X_test, y_test, task, groups=None, scoring=None):
    """``{score: value}`` of ``est`` fitted on all of ``X`` (its ``groups``
    given to the fusion's internal folds) and scored on the test set by
    ``scoring`` (``{name: scorer}``; None: the task's), errors positive and
    ``neg_*`` names negated, as in the cross-validation results."""
    from sklearn.base import clone
    from sklearn.metrics import check_scoring

    from ._compare import TASK_SCORING, _group_params, _stored_sign

    fitted = clone(est).fit(X, y, **_group_params(est, groups))
    out = {}
    for key, scorer in (scoring or TASK_SCORING[task]).items():
        value = float(check_scoring(fitted, scoring=scorer)(fitted, X_test, y_test))
        out[key] = _stored_sign(key, scorer) * value
    return out


def quick_subset(X, y, groups, n, stratify=True, random_state=0):
    """A random subset of ``n`` rows (``evaluate --quick``), drawn with
    ``random_state`` (the run's ``--random-state``), stratified by class
    unless ``stratify=False``: ``(X, y, groups)`` with y and groups as
    arrays."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(
        np.arange(len(y)),
        train_size=n,
        stratify=np.asarray(y) if stratify else None,
        random_state=random_state,
    )
    keep = np.sort(keep)
    y = np.asarray(y)[keep]
    groups = None if groups is None else np.asarray(groups)[keep]
    return X.iloc[keep], y, groups


def train_model(X, y, args, groups=None):
    """Fit what ``skmultimodal train`` saves: the builder's pipeline with the
    command's options (``args``: its argparse namespace). One column of a
    modality is read as ``image`` (``text``); with several of either
    (``args.image_column == ["front", "back"]``), X holds every image and
    text column under its own name and the pipeline reads them so, one
    branch each. Returns the fitted pipeline and the metadata stored with
    it, the image and text column names (or lists) included, for
    ``predict``. ``groups`` (``--group-column``) go to the fusion's
    internal folds, as ``compare_models`` gives them."""
    from skmultimodal.fusion._missing_policy import canonical_missing
    from skmultimodal.pipeline import make_multimodal_pipeline

    from ._compare import _group_params

    task = getattr(args, "task", "classification")
    # several columns of a modality are read under their own names (one
    # column under the modality's name, ``image`` or ``text``)
    several = any(isinstance(c, list) for c in (args.image_column, args.text_column))
    est = make_multimodal_pipeline(
        image=(args.image_column if several else "image")
        if args.image_column
        else None,
        text=(args.text_column if several else "text") if args.text_column else None,
        method=args.method,
        estimator=args.classifier,
        missing=canonical_missing(args.missing),
        random_state=args.random_state,
        tabular=getattr(args, "tabular", None),
        class_weight=getattr(args, "class_weight", None),
        **TASK_PIPELINE[task],
    )
    if args.epochs is not None:
        keys = [k for k in est.get_params() if k.rsplit("__", 1)[-1] == "epochs"]
        est.set_params(**dict.fromkeys(keys, args.epochs))
    est.fit(X, y, **_group_params(est, groups))
    method = est.named_steps["fusion"].method  # e.g. the builder's "stack"
    if task == "multilabel":
        classes = list(args.labels)  # the label of each column of y
    elif task == "regression":
        classes = []
    else:
        from skmultimodal.utils._validation import plain_label

        classes = [plain_label(c) for c in est.classes_]
    default = "ridge" if task == "regression" else "logistic"
    metadata = {
        "image_column": args.image_column,
        "text_column": args.text_column,
        "target": args.target,
        "task": task,
        "classes": classes,
        "n_samples": len(y),
        "method": method if isinstance(method, str) else args.method,
        "classifier": args.classifier or default,
        "missing": canonical_missing(args.missing),
        "class_weight": getattr(args, "class_weight", None),
    }
    if task == "multilabel":
        metadata["label_separator"] = args.label_separator
    tabular = getattr(args, "tabular", None)
    if tabular:
        metadata["numeric_columns"] = list(tabular["numeric"])
        metadata["categorical_columns"] = list(tabular["categorical"])
    return est, metadata


def prediction_table(est, X, proba=True, labels=None, separator="|"):
    """``skmultimodal predict``'s output: the predicted label of each row of
    ``X`` and, with ``proba`` for a classifier with ``predict_proba``, one
    ``proba_<class>`` column per class (the label is their argmax, computed
    once). A regressor gives its predicted number. A multi-label model
    (``labels``: the label of each column of its 0/1 output) gives each
    row's labels joined by ``separator`` (the separator alone for a row
    with no label: the empty set, as ``skmultimodal train`` reads it), and
    one ``proba_<label>`` column per label (a label is predicted above
    0.5)."""
    import numpy as np
    import pandas as pd

    if labels is not None:
        if proba and hasattr(est, "predict_proba"):
            P = np.asarray(est.predict_proba(X), dtype=float)
            Y = P > 0.5
        else:
            P, Y = None, np.asarray(est.predict(X)) > 0
        joined = [separator.join(np.asarray(labels)[row]) or separator for row in Y]
        out = pd.DataFrame({"prediction": joined}, index=X.index)
        if P is None:
            return out
        return _with_proba(out, P, [f"proba_{label}" for label in labels])
    if not (proba and hasattr(est, "predict_proba")):
        return pd.DataFrame({"prediction": est.predict(X)}, index=X.index)
    P = est.predict_proba(X)
    out = pd.DataFrame({"prediction": est.classes_[P.argmax(axis=1)]}, index=X.index)
    return _with_proba(out, P, proba_columns(est.classes_))


def _with_proba(out, P, names):
    """``out`` with the columns of ``P`` appended under ``names``, as one
    block: one column inserted at a time fragments the frame (pandas'
    PerformanceWarning from about a hundred classes on)."""
    import pandas as pd

    proba = pd.DataFrame(P, index=out.index, columns=names)
    return pd.concat([out, proba], axis=1)


def proba_columns(classes):
    """The ``proba_<class>`` column names of :func:`prediction_table`, each
    class written as the prediction cells are
    (:func:`~skmultimodal.utils._output._dates_as_texts`): a date-time
    class as ``2021-01-01 00:00:00``, not numpy's
    ``2021-01-01T00:00:00.000000``."""
    import pandas as pd

    from skmultimodal.utils._output import _dates_as_texts

    cells = _dates_as_texts(pd.DataFrame({"class": classes}), durations=True)
    return [f"proba_{c}" for c in cells["class"]]


def _featurizer(est):
    """``est[:-1]``, the steps of a fitted pipeline before its final
    estimator; a ValueError for anything else."""
    steps = getattr(est, "steps", None)
    if not isinstance(steps, list) or len(steps) < 2:
        from skmultimodal.utils._validation import type_name

        kind = type_name(est)
        raise ValueError(
            f"featurizing needs a fitted pipeline of at least two steps (the "
            f"features, then an estimator), got {kind}"
            + (f" of {len(steps)} step(s)" if isinstance(steps, list) else "")
        )
    return est[:-1]


#: A class-score feature of the fusion: ``<modality>__proba_<class>`` (stack
#: and the other class-probability methods) or ``late__<class>``.
_CLASS_FEATURE = re.compile(r"^(.*__proba_|late__)(\d+)$")


def feature_names(est, labels=None):
    """The column names of :func:`feature_table` for the fitted pipeline
    ``est``: ``est[:-1].get_feature_names_out()`` as strings, or None when a
    step cannot name its output.

    ``labels`` (a multi-label model's label of each column of its 0/1
    target) names its class scores by label, as a multiclass model's are
    named by class: ``image__proba_red``, not ``image__proba_0``."""
    featurizer = _featurizer(est)
    try:
        names = [str(n) for n in featurizer.get_feature_names_out()]
    except (AttributeError, NotImplementedError, TypeError, ValueError):
        return None
    steps = getattr(est, "named_steps", None) or {}
    numbered = getattr(getattr(steps.get("fusion"), "method_", None), "classes_", None)
    if not labels or numbered is None:
        return names
    if [str(c) for c in numbered] != [str(j) for j in range(len(labels))]:
        return names  # not class scores over the label columns
    out = []
    for name in names:
        match = _CLASS_FEATURE.match(name)
        if match and int(match.group(2)) < len(labels):
            name = f"{match.group(1)}{labels[int(match.group(2))]}"
        out.append(name)
    return out


def feature_table(est, X, *, columns=None):
    """``skmultimodal featurize``'s output: the features that the final
    estimator of the fitted pipeline ``est`` receives for the rows of ``X``.

    Parameters
    ----------
    est : sklearn.pipeline.Pipeline
        A fitted pipeline of at least two steps, such as
        :func:`~skmultimodal.pipeline.make_multimodal_pipeline`'s: every step
        but the last (``est[:-1]``, there the ``fusion`` step) transforms X.
    X : pandas.DataFrame
        The rows, with the columns the pipeline takes.
    columns : list of str, default=None
        The column names, as :func:`feature_names` gives them (None: asked
        of ``est``; when a step cannot name its output, ``feature_0``,
        ``feature_1``, ...). Passing them saves asking for each chunk.

    Returns
    -------
    pandas.DataFrame of shape (n_samples, n_features)
        ``est[:-1].transform(X)`` made dense, one float32 column per
        feature, indexed as X.

    Raises
    ------
    ValueError
        ``est`` is not a pipeline of two steps or more, or ``columns`` does
        not name every feature.

    Examples
    --------
    >>> import pandas as pd
    >>> from skmultimodal.pipeline import make_multimodal_pipeline
    >>> from skmultimodal.model_selection._models import feature_table
    >>> X = pd.DataFrame({"text": ["red ball", "blue box", "red ring", "blue bin"]})
    >>> model = make_multimodal_pipeline(image=None).fit(X, ["a", "b", "a", "b"])
    >>> features = feature_table(model, X)
    >>> features.shape == (4, len(model[:-1].get_feature_names_out()))
    True
    >>> features.dtypes.unique().tolist()
    [dtype('float32')]
    """
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    featurizer = _featurizer(est)
    Z = featurizer.transform(X)
    Z = Z.toarray() if sp.issparse(Z) else Z
    Z = np.asarray(Z, dtype=np.float32)
    if columns is None:
        columns = feature_names(est)
    if columns is None:
        columns = [f"feature_{j}" for j in range(Z.shape[1])]
    if len(columns) != Z.shape[1]:
        raise ValueError(
            f"{len(columns)} column names for {Z.shape[1]} features; pass "
            "feature_names(est)"
        )
    return pd.DataFrame(Z, columns=columns, index=X.index)
