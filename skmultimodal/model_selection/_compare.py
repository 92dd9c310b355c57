"""Cross-validated comparison of models, and the share of each modality."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import hamming_loss, make_scorer
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedGroupKFold,
    StratifiedKFold,
    check_cv,
    cross_validate,
)
from sklearn.utils import Bunch
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

#: Scores :func:`compare_models` computes by default: name -> scorer.
DEFAULT_SCORING = {"accuracy": "accuracy", "macro_f1": "f1_macro"}
#: The tasks :func:`compare_models` knows, and the scores of each (the first
#: is the one the best model is chosen by).
TASKS = ("classification", "regression", "multilabel")
TASK_SCORING = {
    "classification": DEFAULT_SCORING,
    "regression": {"r2": "r2", "mae": "neg_mean_absolute_error"},
    "multilabel": {
        "micro_f1": "f1_micro",
        "macro_f1": "f1_macro",
        "hamming_loss": make_scorer(hamming_loss, greater_is_better=False),
    },
}
#: Scores that are errors (lower is better): scikit-learn's scorers give
#: them negated; the results hold the error itself.
LOWER_IS_BETTER = frozenset({"mae", "hamming_loss"})


def infer_task(y):
    """``"multilabel"`` for a 2-D 0/1 target, ``"regression"`` for a
    continuous one, else ``"classification"``."""
    kind = type_of_target(y, input_name="y")
    if kind == "multilabel-indicator":
        return "multilabel"
    return "regression" if kind.startswith("continuous") else "classification"


def make_cv(
    n_splits, y, groups=None, *, random_state=0, param="cv", task="classification"
):
    """``StratifiedKFold(n_splits, shuffle=True)``, or ``StratifiedGroupKFold``
    with ``groups``, once every class (and the groups) can fill every fold;
    for a ``"regression"`` or ``"multilabel"`` ``task``, ``KFold`` (or
    ``GroupKFold``) shuffled, once the rows (and the groups) can.

    ``param`` names the setting in the messages (``"--cv"`` on the command
    line)."""
    option = param.startswith("--")
    named = f"{param} {n_splits}" if option else f"{param}={n_splits}"
    if n_splits < 2:
        raise ValueError(f"{param} must be at least 2, got {n_splits}")
    if task != "classification":  # nothing to stratify on
        if len(y) < n_splits:
            raise ValueError(f"{named} needs at least {n_splits} rows; got {len(y)}")
        if groups is None:
            return KFold(n_splits, shuffle=True, random_state=random_state)
        _check_groups(groups, n_splits, named, option)
        return GroupKFold(n_splits, shuffle=True, random_state=random_state)
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    small = counts.min()
    if small < n_splits:
        raise ValueError(
            f"{named} needs at least {n_splits} samples of every class; "
            f"class {labels[counts.argmin()]!r} has {small}"
        )
    if groups is None:
        return StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    _check_groups(groups, n_splits, named, option)
    return StratifiedGroupKFold(n_splits, shuffle=True, random_state=random_state)


def _check_groups(groups, n_splits, named, option):
    n_groups = len(np.unique(np.asarray(groups, dtype=str)))
    if n_groups < n_splits:
        where = "the group column" if option else "groups"
        raise ValueError(
            f"{named} needs at least {n_splits} groups; {where} has {n_groups}"
        )


def _scorers(scoring):
    if scoring is None:
        return dict(DEFAULT_SCORING)
    if isinstance(scoring, str):
        return {scoring: scoring}
    if isinstance(scoring, dict):
        return dict(scoring)
    if callable(scoring):
        return {"score": scoring}
    return {name: name for name in scoring}


def modality_contributions(estimator, X):
    """Share of each modality in a fitted model's decisions.

    The learned weights of late fusion (``ModalityFusion(method="late")``,
    or a :class:`~skmultimodal.fusion.LateFusionClassifier`), else the mean
    per-sample attention over the rows of ``X``: of the attention classifier
    (which also gives a share to the ``joint`` block of the default
    ``"stack"`` fusion) or of a fusion method with per-sample weights, such
    as ``"attention"``. The shares sum to 1.

    Parameters
    ----------
    estimator : estimator
        A fitted pipeline ``[("fusion", ModalityFusion), ("classifier",
        ...)]``, as :func:`~skmultimodal.make_multimodal_pipeline` builds,
        or a fitted ``LateFusionClassifier``.
    X : pandas.DataFrame
        Rows over which per-sample attention is averaged (unused for late
        fusion's weights).

    Returns
    -------
    contributions : dict of str to float or None
        ``{modality (or block) name: share}``, or None when the model has no
        per-modality weights (e.g. ``method="concat"``) or they cannot be
        computed.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        When ``estimator`` is an estimator that is not fitted yet.

    See Also
    --------
    compare_models : Averages these shares over the folds of each model.

    Examples
    --------
    >>> from skmultimodal import make_multimodal_pipeline
    >>> from skmultimodal.datasets import make_multimodal_classification
    >>> from skmultimodal.model_selection import modality_contributions
    >>> X, y = make_multimodal_classification(n_samples=60, random_state=0)
    >>> late = make_multimodal_pipeline(
    ...     method="late", image_features="pixels", random_state=0).fit(X, y)
    >>> shares = modality_contributions(late, X)
    >>> sorted(shares), round(sum(shares.values()), 6)
    (['image', 'text'], 1.0)
    >>> concat = make_multimodal_pipeline(
    ...     method="concat", image_features="pixels").fit(X, y)
    >>> modality_contributions(concat, X) is None
    True
    """
    if hasattr(estimator, "fit"):  # an unfitted model has no shares yet
        check_is_fitted(estimator)
    if hasattr(estimator, "weights_") and hasattr(estimator, "estimators_"):
        names = [n for n, _, _ in estimator.estimators_]  # LateFusionClassifier
        return dict(zip(names, np.asarray(estimator.weights_, dtype=float).tolist()))
    steps = getattr(estimator, "named_steps", None)
    if not steps or "fusion" not in steps:
        return None
    fusion, clf = steps["fusion"], steps.get("classifier")
    names = list(getattr(fusion, "modality_names_", []))
    from skmultimodal.fusion.methods import LateFusion

    method = getattr(fusion, "method_", None)
    if isinstance(method, LateFusion):
        w = np.asarray(getattr(method, "weights_", []), dtype=float)
        if w.shape != (len(names),) or not w.sum() > 0:
            return None
        return dict(zip(names, (w / w.sum()).tolist()))
    try:
        if hasattr(clf, "attention_weights"):
            w = clf.attention_weights(fusion.transform(X))
        elif hasattr(fusion, "modality_weights"):
            # available only when the fitted method (a name or an instance)
            # gives per-sample weights, e.g. "attention"
            w = fusion.modality_weights(X)
        else:
            return None
    except Exception:  # explanations are a bonus; never fail the caller
        return None
    if hasattr(w, "columns"):  # DataFrame: one column per modality (or token)
        names = [str(c) for c in w.columns]
    w = np.asarray(w, dtype=float)
    while w.ndim > 2:  # heads / layers / query tokens: average them out
        w = w.mean(axis=1)
    if w.ndim != 2 or w.shape[1] != len(names):
        return None
    mean = w.mean(axis=0)
    return dict(zip(names, (mean / mean.sum()).tolist()))


def _fold_proba(est, X_test, y):
    """One fold model's class probabilities of its test rows, columns
    aligned on ``np.unique(y)`` (multi-label: one per label); None for a
    model without them."""
    if not hasattr(est, "predict_proba"):
        return None
    try:
        P = np.asarray(est.predict_proba(X_test), dtype=float)
    except Exception:  # e.g. a pipeline ending in a regressor
        return None
    if y.ndim == 2:  # multi-label indicator target
        return P if P.shape[1] == y.shape[1] else None
    classes = np.unique(y)
    out = np.zeros((P.shape[0], len(classes)))
    out[:, np.searchsorted(classes, getattr(est, "classes_", classes))] = P
    return out


def _summary(cv_results, scorers, X, y):
    """One model's entry of :func:`compare_models`'s result."""
    tests = cv_results["indices"]["test"]
    fitted = cv_results["estimator"]
    entry = Bunch()
    for key in scorers:
        folds = cv_results[f"test_{key}"]
        if key in LOWER_IS_BETTER:  # the scorer gave the error negated
            folds = -np.asarray(folds)
        entry[f"{key}_folds"] = [float(s) for s in folds]
        entry[key] = float(np.mean(folds))
        entry[f"{key}_std"] = float(np.std(folds))
    entry.fit_time_folds = [float(t) for t in cv_results["fit_time"]]
    entry.fit_time = float(np.mean(cv_results["fit_time"]))
    entry.oof_pred = np.empty(y.shape, dtype=y.dtype)
    # out-of-fold probabilities, columns in np.unique(y) order (multi-label:
    # one column per label); None when a fold model has no predict_proba
    entry.oof_proba = None
    probas, shares = [], []
    for est, test in zip(fitted, tests):
        X_test = X.iloc[test] if hasattr(X, "iloc") else X[test]
        entry.oof_pred[test] = np.asarray(est.predict(X_test))
        probas.append(_fold_proba(est, X_test, y))
        share = modality_contributions(est, X_test)
        if share is not None:
            shares.append(share)
    if all(p is not None for p in probas):
        entry.oof_proba = np.zeros((len(y), probas[0].shape[1]))
        for P, test in zip(probas, tests):
            entry.oof_proba[test] = P
    entry.contribution = (
        {m: float(np.mean([s[m] for s in shares])) for m in shares[0]}
        if shares
        else None
    )
    entry.estimators = list(fitted)
    entry.test_indices = list(tests)
    return entry


def compare_models(
    models,
    X,
    y,
    *,
    groups=None,
    cv=None,
    scoring=None,
    n_jobs=None,
    random_state=0,
    task=None,
):
    """Cross-validate several models on the same folds.

    Each model goes through :func:`sklearn.model_selection.cross_validate`
    (``return_estimator=True``, ``return_indices=True``) on one shared list
    of splits; the fitted fold models then give every row's out-of-fold
    prediction and each model's :func:`modality_contributions`.

    Parameters
    ----------
    models : dict of str to estimator
        The models to compare, by name (cloned for every fold; kept in
        this order).
    X : pandas.DataFrame or array-like of shape (n_samples, ...)
        The samples, e.g. a DataFrame with ``image`` and ``text`` columns.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        Class labels, a 0/1 label matrix (multi-label) or numbers
        (regression).
    groups : array-like of shape (n_samples,), default=None
        Group of each row: with an integer ``cv``, rows of one group stay
        in one fold (``StratifiedGroupKFold``; ``GroupKFold`` without
        classes).
    cv : int, cross-validation generator or iterable, default=None
        None or an int: that many stratified folds (default 5), shuffled
        with ``random_state`` (``StratifiedKFold``, or
        ``StratifiedGroupKFold`` with ``groups``); every class needs at
        least ``cv`` rows. Anything else is used as
        :func:`~sklearn.model_selection.cross_validate` uses it.
    scoring : str, callable, list or dict, default=None
        Scores per fold, as in ``cross_validate``; None scores the task's
        :data:`TASK_SCORING`: ``accuracy`` and ``macro_f1`` (macro-averaged
        F1) for classification, ``r2`` and ``mae`` (mean absolute error)
        for regression, ``micro_f1``, ``macro_f1`` and ``hamming_loss`` for
        multi-label. Errors (:data:`LOWER_IS_BETTER`) are stored positive.
    n_jobs : int, default=None
        Folds fitted in parallel (``cross_validate``'s ``n_jobs``).
    random_state : int, default=0
        Seed of the fold shuffling when ``cv`` is None or an int.
    task : {"classification", "regression", "multilabel"} or None, default=None
        None infers it from ``y`` (:func:`infer_task`). Without classes,
        an integer ``cv`` gives shuffled ``KFold``.

    Returns
    -------
    result : sklearn.utils.Bunch
        ``models``: ``{name: Bunch}`` holding, for each score ``key``,
        ``key`` (mean over folds), ``key_std`` and ``key_folds``; and
        ``fit_time`` (mean seconds per fold), ``fit_time_folds``,
        ``oof_pred`` (out-of-fold prediction of every row),
        ``contribution`` (mean :func:`modality_contributions` over the
        folds, or None), ``estimators`` (the fitted fold models) and
        ``test_indices``, and ``oof_proba``, the out-of-fold class (or
        per-label) probabilities, None for a model without
        ``predict_proba``. Also ``task``, ``scoring`` (the score names, the
        first the main one), ``greater_is_better`` (``{score: bool}``),
        ``classes`` (empty for regression; label indices for multi-label),
        ``n_samples``, ``n_classes``, ``cv`` (number of folds) and
        ``y_true``.

    Raises
    ------
    ValueError
        When an integer ``cv`` is below 2 or exceeds the rows of a class (or
        the groups). An error while fitting or scoring a model is raised
        as it is.

    See Also
    --------
    modality_contributions : The per-modality shares of one fitted model.

    Examples
    --------
    >>> from skmultimodal import make_multimodal_pipeline
    >>> from skmultimodal.datasets import make_multimodal_classification
    >>> from skmultimodal.model_selection import compare_models
    >>> X, y = make_multimodal_classification(n_samples=60, random_state=0)
    >>> models = {
    ...     "text-only": make_multimodal_pipeline(image=None),
    ...     "late-fusion": make_multimodal_pipeline(
    ...         method="late", image_features="pixels", random_state=0),
    ... }
    >>> result = compare_models(models, X, y, cv=3)
    >>> list(result.models), result.cv
    (['text-only', 'late-fusion'], 3)
    >>> late = result.models["late-fusion"]
    >>> len(late.accuracy_folds), late.oof_pred.shape, sorted(late.contribution)
    (3, (60,), ['image', 'text'])
    """
    y = np.asarray(y)
    task = infer_task(y) if task is None else task
    if task not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)}, got {task!r}")
    if cv is None or isinstance(cv, int | np.integer):
        k = 5 if cv is None else int(cv)
        cv = make_cv(k, y, groups, random_state=random_state, task=task)
    classifier = task == "classification"
    splits = list(check_cv(cv, y, classifier=classifier).split(X, y, groups))
    scorers = _scorers(TASK_SCORING[task] if scoring is None else scoring)
    result = {}
    for name, model in models.items():
        cv_results = cross_validate(
            model,
            X,
            y,
            cv=splits,
            scoring=scorers,
            n_jobs=n_jobs,
            error_score="raise",
            return_estimator=True,
            return_indices=True,
        )
        result[name] = _summary(cv_results, scorers, X, y)
    if task == "regression":
        classes = np.array([])
    elif task == "multilabel":
        classes = np.arange(y.shape[1])
    else:
        classes = np.unique(y)
    return Bunch(
        models=result,
        task=task,
        scoring=list(scorers),
        greater_is_better={k: k not in LOWER_IS_BETTER for k in scorers},
        classes=[c.item() if hasattr(c, "item") else c for c in classes],
        n_samples=len(y),
        n_classes=len(classes),
        cv=len(splits),
        y_true=y,
    )
