"""Cross-validated comparison of models, and the share of each modality."""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from numbers import Real

import numpy as np
import pandas as pd
from sklearn.base import is_classifier, is_regressor
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import get_scorer, hamming_loss, make_scorer
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedGroupKFold,
    StratifiedKFold,
    check_cv,
    cross_validate,
)
from sklearn.utils import Bunch, column_or_1d
from sklearn.utils._param_validation import (
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.metadata_routing import MetadataRequest, get_routing_for_object
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from skmultimodal.fusion._columns import check_dict_indexes
from skmultimodal.utils import check_target_present
from skmultimodal.utils._parallel import record_warnings, warn_at_caller
from skmultimodal.utils._validation import (
    N_JOBS,
    check_groups,
    check_label_types,
    check_partition,
    check_regression_target,
    check_two_classes,
    plain_label,
    to_pandas,
    type_name,
)

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


def score_sign(scorer):
    """``-1`` for a scorer of an error or loss (lower is better), else ``1``:
    the sign scikit-learn's scorer carries (``make_scorer(...,
    greater_is_better=False)`` and the ``neg_*`` scorers give the error
    negated); a name is looked up with :func:`sklearn.metrics.get_scorer`. A
    plain callable gives ``1``: ``cross_validate`` takes its scores as they
    are. :func:`compare_models` multiplies each score by it, so that an
    error is stored positive, and records ``greater_is_better`` from it."""
    if isinstance(scorer, str):
        scorer = get_scorer(scorer)
    return -1 if getattr(scorer, "_sign", 1) < 0 else 1


def _stored_sign(key, scorer):
    """What a score named ``key`` is multiplied by in the results: the
    scorer's :func:`score_sign`, so that an error is stored positive, but 1
    for a name that says the score is negated (``neg_*``, scikit-learn's
    names such as ``"neg_mean_squared_error"``), which keeps the value
    scikit-learn gives under it."""
    return 1 if str(key).startswith("neg_") else score_sign(scorer)


#: The fields of a model's entry in :func:`compare_models`'s result that
#: are not scores (``skmultimodal evaluate`` adds ``modalities`` and
#: ``method``): no score may take one of these names.
RESULT_FIELDS = (
    "fit_time",
    "fit_time_folds",
    "oof_pred",
    "oof_proba",
    "contribution",
    "estimators",
    "test_indices",
    "failed_folds",
    "modalities",
    "method",
)


def infer_task(y):
    """``"multilabel"`` for a 2-D 0/1 target, ``"regression"`` for a
    continuous one, else ``"classification"``."""
    kind = type_of_target(y, input_name="y")
    if kind == "multilabel-indicator":
        return "multilabel"
    return "regression" if kind.startswith("continuous") else "classification"


#: More distinct whole-number classes than this, too rare for the folds,
#: suggest a regression target (prices, counts) to :func:`make_cv`.
MANY_INTEGER_CLASSES = 10


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
    short = counts < n_splits
    if short.any():
        rarest = plain_label(labels[counts.argmin()])
        message = (
            f"{named} needs at least {n_splits} samples of every class; class "
            f"{rarest!r} has {counts.min()}"
        )
        if short.sum() > 1:
            message += (
                f", and {short.sum() - 1} other class(es) have fewer than {n_splits}"
            )
        whole = labels.dtype.kind in "iu" or (
            labels.dtype.kind == "f" and (labels == np.round(labels)).all()
        )
        if whole and len(labels) > MANY_INTEGER_CLASSES:
            task_hint = "--task regression" if option else "task='regression'"
            message += (
                f"; the target holds {len(labels)} distinct whole numbers: if "
                f"they are quantities (prices, counts), pass {task_hint}"
            )
        raise ValueError(message)
    if groups is None:
        return StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    _check_groups(groups, n_splits, named, option)
    _warn_confined_classes(y, groups, n_splits, named)
    return StratifiedGroupKFold(n_splits, shuffle=True, random_state=random_state)


def _warn_confined_classes(y, groups, n_splits, named):
    """Warn when a class lives in fewer groups than folds: a group stays in
    one fold, so some test fold holds rows of a class that its training
    rows never show, and no model can predict them."""
    frame = pd.DataFrame({"y": np.asarray(y), "g": np.asarray(groups, dtype=str)})
    spread = frame.groupby("y")["g"].nunique()
    confined = spread[spread < n_splits]
    if len(confined):
        listed = ", ".join(
            f"{plain_label(c)!r} (in {k} group{'s' if k > 1 else ''})"
            for c, k in confined.items()
        )
        which = "class" if len(confined) == 1 else "classes"
        warn_at_caller(
            f"{named}: {which} {listed} {'lies' if len(confined) == 1 else 'lie'} "
            f"in fewer groups than the {n_splits} folds; a group stays in one "
            "fold, so some test fold holds rows of a class its training rows "
            "never show (scored wrong whatever the model)",
        )


def _check_groups(groups, n_splits, named, option):
    n_groups = len(np.unique(np.asarray(groups, dtype=str)))
    if n_groups < n_splits:
        where = "the group column" if option else "groups"
        raise ValueError(
            f"{named} needs at least {n_splits} groups; {where} has {n_groups}"
        )


def _scorers(scoring):
    """``scoring`` as ``cross_validate`` takes it: a dict of name -> scorer,
    or a callable as it is (``cross_validate`` names its score ``score``,
    or its scores by the keys of the dict it returns)."""
    if scoring is None:
        return dict(DEFAULT_SCORING)
    if isinstance(scoring, str):
        return {scoring: scoring}
    if isinstance(scoring, dict):
        return dict(scoring)
    if callable(scoring):
        return scoring
    twice = [name for i, name in enumerate(scoring) if name in list(scoring)[:i]]
    if twice:  # cross_validate refuses them too
        raise ValueError(
            f"scoring lists {twice[0]!r} twice: name each score once (or use a "
            "dict to score one metric under two names)"
        )
    return {name: name for name in scoring}


def _check_score_names(scorers):
    """A ValueError when a score's fields (``key``, ``key_std``,
    ``key_folds``) would overwrite a result field or another score's."""
    taken = {field: f"the result field {field!r}" for field in RESULT_FIELDS}
    for key in scorers:
        for field in (key, f"{key}_std", f"{key}_folds"):
            if field in taken:
                raise ValueError(
                    f"scoring name {key!r} clashes with {taken[field]}: each score "
                    f"fills the fields <name>, <name>_std and <name>_folds, "
                    f"and these names are taken: {', '.join(RESULT_FIELDS)}. "
                    "Rename the score with a dict, e.g. "
                    f"scoring={{'my_{key}': ...}}"
                )
        for field in (key, f"{key}_std", f"{key}_folds"):
            taken[field] = f"the field {field!r} of score {key!r}"


def _check_models(models):
    """``models`` as a dict of name -> estimator, or a clear error."""
    if not isinstance(models, Mapping):
        raise TypeError(
            "models must be a dict mapping names to estimators, e.g. "
            f"{{'text-only': model}}; got {type_name(models)}"
        )
    if not models:
        raise ValueError("models is empty: pass at least one {name: estimator}")
    for name, model in models.items():
        if not isinstance(name, str):
            raise TypeError(
                f"models must be named by strings (they name the table's rows "
                f"and the report's columns); got {name!r} "
                f"({type_name(name)}): use {{{str(name)!r}: model}}"
            )
        if not hasattr(model, "fit"):
            raise TypeError(
                f"models[{name!r}] is not an estimator (it has no fit method): "
                f"got {type_name(model)}"
            )
    return dict(models)


def _row_labels(X, y):
    """The index of ``X`` when it labels the rows of ``y`` (as in fit's
    messages), else None."""
    index = getattr(X, "index", None)
    try:
        return index if index is not None and len(index) == len(y) else None
    except TypeError:  # a y without a length: the checks after this say so
        return None


def _names(names):
    return ", ".join(repr(name) for name in names)


def _kind(model):
    """``"regressor"``, ``"classifier"`` or None (neither, or a model
    without scikit-learn's tags)."""
    try:
        if is_regressor(model):
            return "regressor"
        return "classifier" if is_classifier(model) else None
    except AttributeError:  # no __sklearn_tags__: no known kind
        return None


def _check_task(task, models, y):
    """The task of :func:`compare_models`, checked before anything is
    fitted: ``task`` itself, or (None) the models' (all regressors:
    ``"regression"``), or else ``y``'s (:func:`infer_task`). A ValueError
    naming the models when they mix regressors and classifiers or
    contradict ``task``, and when a classification task meets a continuous
    ``y``.

    ``is_regressor`` and ``is_classifier`` see through pipelines; a model
    that is neither agrees with any task."""
    if task is not None and task not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)}, got {task!r}")
    kinds = {name: _kind(model) for name, model in models.items()}
    regressors = [name for name, kind in kinds.items() if kind == "regressor"]
    classifiers = [name for name, kind in kinds.items() if kind == "classifier"]
    if task is None and regressors and classifiers:
        raise ValueError(
            f"models mixes regressors ({_names(regressors)}) and classifiers "
            f"({_names(classifiers)}), and compare_models scores every model "
            "on one task: compare the regressors (task='regression') and the "
            "classifiers (task='classification' or 'multilabel') in separate "
            "calls"
        )
    if task == "regression" and classifiers:
        raise ValueError(
            f"task='regression' does not fit the classifier(s) "
            f"{_names(classifiers)}: use regressors, or task='classification' "
            "(or 'multilabel') for classifiers; task=None follows the models"
        )
    if task in ("classification", "multilabel") and regressors:
        raise ValueError(
            f"task={task!r} does not fit the regressor(s) {_names(regressors)}: "
            "use classifiers, or task='regression' for regressors; task=None "
            "follows the models"
        )
    if task == "multilabel" and infer_task(y) != "multilabel":
        kind = type_of_target(y, input_name="y")
        raise ValueError(
            "task='multilabel' needs a 2-D 0/1 label matrix y (one column per "
            f"label); got a {y.ndim}-D {kind} target. task=None infers the task "
            "from y"
        )
    if task == "classification" and infer_task(y) == "multilabel":
        raise ValueError(
            "task='classification' needs one class label per row of y; got a "
            "2-D 0/1 label matrix (multilabel-indicator): use task='multilabel' "
            "(or task=None) for it"
        )
    if task is None and regressors:
        return "regression"
    if task is None and not classifiers:
        return infer_task(y)
    if task in (None, "classification") and infer_task(y) == "regression":
        by = f" (the classifier(s) {_names(classifiers)})" if classifiers else ""
        raise ValueError(
            f"y holds continuous numbers, but classification{by} needs class "
            "labels (strings or whole numbers): use regressors "
            "(task='regression') for numbers"
        )
    return task or infer_task(y)


def _as_table(X):
    """``X``, or a dict of equal-length columns as a DataFrame (the folds
    take rows of it by position), the dict itself left as it is. A
    ValueError naming the column for a value that is not a column, columns
    of different lengths, or a multi-dimensional array, which a DataFrame
    column cannot hold."""
    if not isinstance(X, dict):
        return X
    columns, lengths = {}, {}
    for key, column in X.items():
        if isinstance(column, str | bytes) or not hasattr(column, "__len__"):
            raise ValueError(
                f"the value of {key!r} in the dict X is a single "
                f"{type_name(column)}, not a column: a dict X holds one "
                "column (a list of values, one per row) per modality"
            )
        if isinstance(column, np.ndarray) and column.ndim > 1:
            raise ValueError(
                f"the value of {key!r} in the dict X is an array of shape "
                f"{column.shape}: compare_models takes the rows of a dict X "
                "as a DataFrame, whose columns hold one value per row; pass "
                "X as a DataFrame, e.g. with an image (or vector) per row, "
                f"{{{key!r}: list(array), ...}}, as the model's columns expect"
            )
        # a Series by position, as the models read it (not aligned on its index)
        columns[key] = column.to_numpy() if isinstance(column, pd.Series) else column
        lengths[key] = len(column)
    if len(set(lengths.values())) > 1:
        raise ValueError(
            "the columns of the dict X have different lengths: "
            + ", ".join(f"{k!r}: {v}" for k, v in lengths.items())
            + ". Every column needs one value per row."
        )
    check_dict_indexes(X, "compare_models")
    return pd.DataFrame(columns)


def _ravel_column(y):
    """A one-column ``y`` as 1-D, with scikit-learn's DataConversionWarning
    (as ``fit`` gives), issued from the line calling compare_models."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = column_or_1d(y, warn=True)
    for w in caught:
        warn_at_caller(str(w.message), w.category)
    return y


def _check_regression_target(y, labels=None):
    """``y`` checked as fit checks a continuous target (numbers only, all
    finite; an object array of numbers as floats), with a ValueError naming
    the first row that is not (by ``labels``, X's index)."""
    return check_regression_target(
        y,
        labels,
        who="task='regression'",
        hint="Use classifiers and task='classification' for class labels.",
    )


def _as_indices(rows):
    """Row positions of a split's train or test part (a boolean mask too)."""
    rows = np.asarray(rows)
    return np.flatnonzero(rows) if rows.dtype == bool else rows.astype(int)


def modality_contributions(estimator, X):
    """Share of each modality in a fitted model's decisions.

    The learned weights of late fusion (``ModalityFusion(method="late")``,
    or a :class:`~skmultimodal.fusion.LateFusionClassifier`), else the mean
    per-sample attention over the rows of ``X``: of the attention classifier
    (which also gives a share to the ``joint`` block of the default
    ``"stack"`` fusion) or of a fusion method with per-sample weights, such
    as ``"attention"``. The shares sum to 1.

    Attention shares say where a network looks, not how far its decisions
    rely on a modality: a modality of pure noise can get as large a share as
    an informative one. Late fusion's weights are learned from out-of-fold
    scores, and a modality without signal gets little of them. The default
    ``"stack"`` fusion with a logistic regression gives None: its stacking
    model's coefficients are per class and expert, not one share each.

    Parameters
    ----------
    estimator : estimator
        A fitted :class:`~sklearn.pipeline.Pipeline` holding a
        :class:`~skmultimodal.fusion.ModalityFusion` step, whatever the
        steps' names (as :func:`~skmultimodal.make_multimodal_pipeline` or
        :func:`~sklearn.pipeline.make_pipeline` builds it; the attention
        classifier is its last step), or a fitted ``LateFusionClassifier``.
    X : pandas.DataFrame
        Rows over which per-sample attention is averaged (unused for late
        fusion's weights, but checked all the same: at least one row, with
        the columns the model takes).

    Returns
    -------
    contributions : dict of str to float or None
        ``{modality (or block) name: share}``, or None when the model has no
        per-modality weights (e.g. ``method="concat"``, or a model without
        a ``ModalityFusion`` step) or they cannot be computed from it. A
        mistake in the arguments raises instead (see Raises).

    Raises
    ------
    TypeError
        When ``estimator`` is not an estimator (has no ``fit``), or ``X`` is
        None or not a table.
    ValueError
        When ``X`` has no rows, or lacks a column that the model's fusion
        step (or ``LateFusionClassifier``) takes; the message names it.
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
    if not hasattr(estimator, "fit"):
        raise TypeError(
            "estimator must be a fitted estimator (a pipeline of "
            "make_multimodal_pipeline, or a LateFusionClassifier); got "
            f"{type_name(estimator)}"
        )
    check_is_fitted(estimator)  # an unfitted model has no shares yet
    if X is None:
        raise TypeError(
            "X must be the rows (a DataFrame with the model's modality "
            "columns) to average the shares over; got None"
        )
    late = hasattr(estimator, "weights_") and hasattr(estimator, "estimators_")
    position, fusion = (0, estimator) if late else _fusion_step(estimator)
    if position:  # steps before the fusion step make its input
        X = estimator[:position].transform(X)
    _check_rows(fusion, X)
    if late:
        names = [n for n, _, _ in estimator.estimators_]  # LateFusionClassifier
        return dict(zip(names, np.asarray(estimator.weights_, dtype=float).tolist()))
    if fusion is None:
        return None
    clf = estimator.steps[-1][1]  # the final estimator, whatever its name
    names = list(getattr(fusion, "modality_names_", []))
    from skmultimodal.fusion.methods import LateFusion

    method = getattr(fusion, "method_", None)
    if isinstance(method, LateFusion):
        w = np.asarray(getattr(method, "weights_", []), dtype=float)
        if w.shape != (len(names),) or not w.sum() > 0:
            return None
        return dict(zip(names, (w / w.sum()).tolist()))
    # what the final estimator sees: the fused rows, through any steps after
    attends = hasattr(clf, "attention_weights")
    Z = estimator[position:-1].transform(X) if attends else None
    try:
        if Z is not None:
            w = clf.attention_weights(Z)
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
    if not mean.sum() > 0:  # no row has a share (every text empty, say)
        return None
    return dict(zip(names, (mean / mean.sum()).tolist()))


def _fusion_step(estimator):
    """``(position, step)`` of the first ``ModalityFusion`` step of a
    pipeline, found by type whatever its name; ``(None, None)`` without one
    (or for a model that is not a pipeline)."""
    from sklearn.pipeline import Pipeline

    from skmultimodal.fusion import ModalityFusion

    if isinstance(estimator, Pipeline):
        for position, (_, step) in enumerate(estimator.steps):
            if isinstance(step, ModalityFusion):
                return position, step
    return None, None


def _check_rows(fusion, X):
    """A ValueError (or TypeError) for an ``X`` without rows or without the
    columns the fitted ``fusion`` step (or LateFusionClassifier) takes."""
    if hasattr(fusion, "_branches") and hasattr(fusion, "n_features_in_"):
        from skmultimodal.fusion._columns import select_column, validate_table

        X, n = validate_table(fusion, X, fusion._columns(), reset=False)
        for name, _, column in fusion._branches(fitted=True):
            # the fusion step's own error, naming the column and the branch
            select_column(X, column(X) if callable(column) else column, name)
    else:
        try:
            n = len(X)
        except TypeError:
            raise TypeError(
                f"X must be a table of rows (a DataFrame); got {type_name(X)}"
            ) from None
    if n == 0:
        raise ValueError("X has no rows: the shares are averaged over its rows")


def _fold_proba(est, X_test, y):
    """One fold model's class probabilities of its test rows, columns
    aligned on ``np.unique(y)`` (multi-label: one per label); None for a
    model without them."""
    if not hasattr(est, "predict_proba"):
        return None
    try:
        P = est.predict_proba(X_test)
        if y.ndim == 2:  # multi-label indicator target
            return _label_proba(P, getattr(est, "classes_", None), y.shape[1])
        P = np.asarray(P, dtype=float)
    except Exception:  # e.g. a pipeline ending in a regressor
        return None
    classes = np.unique(y)
    out = np.zeros((P.shape[0], len(classes)))
    out[:, np.searchsorted(classes, getattr(est, "classes_", classes))] = P
    return out


def _label_proba(P, classes, n_labels):
    """The probability of each label, ``(n_samples, n_labels)``, from a
    multi-label model's ``predict_proba``: an array of that shape as it is
    (e.g. ``OneVsRestClassifier``), or, from a list of one
    ``(n_samples, n_classes)`` array per label (``MultiOutputClassifier``),
    the column of each label's positive class (1): located by the label's
    ``classes_`` where the model has them (a label whose training rows
    never held it gets 0), else the last column, as scikit-learn's
    multi-label scoring takes it. None for anything else."""
    if isinstance(P, list | tuple):  # one array per label
        if len(P) != n_labels:
            return None
        if not isinstance(classes, list | tuple) or len(classes) != n_labels:
            classes = [None] * n_labels
        columns = []
        for p, c in zip(P, classes):
            p = np.asarray(p, dtype=float)
            if p.ndim != 2:
                return None
            if c is None:
                columns.append(p[:, -1])
                continue
            positive = np.flatnonzero(np.asarray(c) == 1)
            columns.append(p[:, positive[0]] if positive.size else np.zeros(len(p)))
        return np.column_stack(columns)
    P = np.asarray(P, dtype=float)
    return P if P.ndim == 2 and P.shape[1] == n_labels else None


def _take_rows(X, rows):
    return X.iloc[rows] if hasattr(X, "iloc") else X[rows]


def _group_params(model, groups):
    """``fit`` parameters giving the training rows' ``groups`` to ``model``
    (or to its Pipeline steps) where its ``fit`` takes them, and to a
    search: ``groups`` for its splitter, and ``<step>__groups`` for the
    steps of a Pipeline it searches. A model searched bare gets none, since
    a search gives ``groups`` to its splitter only (:func:`_check_group_routing`
    warns of it). Under metadata routing, ``{"groups": groups}`` where the
    model's own requests take them (an unset request is refused before
    this, by :func:`_check_group_routing`), else none."""
    from inspect import signature

    from sklearn import get_config
    from sklearn.model_selection._search import BaseSearchCV
    from sklearn.pipeline import Pipeline

    def takes(est):
        fit = getattr(est, "fit", None)
        return fit is not None and "groups" in signature(fit).parameters

    if groups is None:
        return {}
    if get_config().get("enable_metadata_routing", False):
        return {"groups": groups} if _requests_groups(model) else {}
    if isinstance(model, BaseSearchCV):  # its folds, then its model's
        return {"groups": groups, **_group_params(model.estimator, groups)}
    if isinstance(model, Pipeline):
        steps = [
            (name, step)
            for name, step in model.steps
            if step not in (None, "passthrough")
        ]
        return {f"{name}__groups": groups for name, step in steps if takes(step)}
    return {"groups": groups} if takes(model) else {}


def _check_group_routing(models, groups):
    """Before anything is fitted, where ``groups`` cannot reach a model's
    internal folds as the caller may think.

    With metadata routing disabled, a UserWarning (once per model, naming
    it) for a search over a model that takes ``groups`` itself (not a
    Pipeline) and has internal folds in some candidate of its grid
    (:func:`_searches_internal_folds`): the search gives ``groups`` to its
    splitter only. With
    routing enabled, a ValueError naming the model and the consumer for a
    model holding a consumer of ``groups`` whose request is unset, as
    scikit-learn refuses metadata passed to one
    (``UnsetMetadataPassedError``); a request set to False leaves them
    out, and a model without a consumer gets none."""
    from sklearn import get_config
    from sklearn.model_selection._search import BaseSearchCV

    if groups is None:
        return
    for name, model in models.items():
        if get_config().get("enable_metadata_routing", False):
            unset = _unset_group_requests(get_routing_for_object(model), "fit")
            if unset:
                path, owner = unset[0]
                where = (
                    f"its {owner} (at {' -> '.join(map(repr, path))})"
                    if path
                    else f"the model itself (a {owner})"
                )
                raise ValueError(
                    f"models[{name!r}]: {where} takes groups in fit, but has not "
                    "said whether it wants them: with metadata routing enabled, "
                    "compare_models(groups=...) reaches a model only as it "
                    "requests them, and an unset request is refused (as by "
                    "scikit-learn's cross_validate). Call "
                    f"set_fit_request(groups=True) on that {owner} so that its "
                    "internal folds keep each group whole, or "
                    "set_fit_request(groups=False) to leave the groups out of it"
                )
        elif (
            isinstance(model, BaseSearchCV)
            and "groups" in _group_params(model.estimator, groups)
            and _searches_internal_folds(model)
        ):
            inner = type(model.estimator).__name__
            warn_at_caller(
                f"models[{name!r}]: groups reach only the splitter of this "
                f"{type(model).__name__}, not the {inner} it searches, so the "
                f"internal folds of that {inner} (of weights='auto', or of a "
                "stacking fusion) do not keep each group whole: with metadata "
                "routing disabled, a search gives fit's groups to its splitter "
                "only. To group them, enable metadata routing "
                "(sklearn.set_config(enable_metadata_routing=True)) and call "
                f"set_fit_request(groups=True) on the {inner}, or wrap it in a "
                "Pipeline, so that '<step>__groups' reaches it",
            )


def _searches_internal_folds(search):
    """Whether some candidate of ``search`` (a scikit-learn search) has
    internal folds (:func:`_uses_internal_folds`): its model cloned with
    each parameter combination of ``param_grid`` or ``param_distributions``
    set, nothing fitted. A parameter drawn from a distribution (not a list)
    keeps the model's own value; a search with neither attribute is
    answered by its model."""
    from sklearn.base import clone
    from sklearn.model_selection import ParameterGrid

    base = search.estimator
    grid = getattr(search, "param_grid", None)
    if grid is None:
        grid = getattr(search, "param_distributions", None)
    if grid is None:
        return _uses_internal_folds(base)
    parts = grid if isinstance(grid, (list, tuple)) else [grid]
    try:  # a distribution cannot be listed: the model's own value stays
        candidates = ParameterGrid(
            [{k: v for k, v in part.items() if not hasattr(v, "rvs")} for part in parts]
        )
    except (AttributeError, TypeError, ValueError):  # a bad grid is reported by fit
        return _uses_internal_folds(base)
    for candidate in candidates:
        try:
            model = clone(base).set_params(**candidate)
        except (TypeError, ValueError):  # a bad grid is reported by fit
            model = base
        if _uses_internal_folds(model):
            return True
    return False


def _uses_internal_folds(model):
    """Whether ``model``, a consumer of ``groups``, splits its training rows
    into internal folds, as its optional ``__skmultimodal_internal_folds__()``
    answers (in the manner of scikit-learn's ``__sklearn_is_fitted__``):
    LateFusionClassifier, ModalityFusion, and any model that defines it.
    Not knowing (a model without it): yes."""
    answer = getattr(model, "__skmultimodal_internal_folds__", None)
    return True if answer is None else bool(answer())


def _unset_group_requests(routing, method):
    """``(path, owner name)`` of each consumer in ``routing`` (scikit-learn's
    routing of a model) whose request for ``groups`` in ``method`` is unset
    (None), following the routes of ``method`` through routers."""
    if isinstance(routing, MetadataRequest):
        requests = getattr(routing, method, None)
        if requests is None or "groups" not in requests.requests:
            return []
        if requests.requests["groups"] is not None:  # True, False or an alias
            return []
        owner = routing.owner
        return [((), owner if isinstance(owner, str) else type(owner).__name__)]
    found = []
    for child, pair in routing:
        for caller, callee in pair.mapping:
            if caller != method:
                continue
            for path, owner in _unset_group_requests(pair.router, callee):
                path = path if child == "$self_request" else (child, *path)
                if (path, owner) not in found:
                    found.append((path, owner))
    return found


def _requests_groups(model):
    """Whether ``model`` (under metadata routing) asks for ``groups`` in fit."""
    routing = get_routing_for_object(model)
    return "groups" in routing.consumes(method="fit", params={"groups"})


def _fit_params(name, model, groups, params):
    """The ``fit`` parameters of ``models[name]``'s folds: those giving it
    ``groups`` (:func:`_group_params`) and the caller's ``params``; a name
    given by both is refused."""
    own = _group_params(model, groups)
    both = sorted(set(own) & set(params or {}))
    if both:
        raise ValueError(
            f"compare_models: params gives {', '.join(map(repr, both))} to "
            f"models[{name!r}], which groups= gives already: pass the groups "
            "once, as groups="
        )
    return {**own, **(params or {})}


def _run_fold(
    model, X, y, split, scorers, params=None, where=None, error_score="raise"
):
    """Fit and score one fold (``cross_validate`` on that split, ``params``
    its fit parameters), predict
    its test rows and read the model's shares: ``(fold, warnings)``, the
    warnings issued meanwhile recorded as ``(category, text)`` pairs, each
    distinct one once (predicting for the scores and for ``oof_pred`` and
    ``oof_proba`` transforms the test rows more than once). An error is
    raised as it is, with the note ``where`` (the model and fold), under
    ``error_score="raise"``; otherwise the fold comes back failed (its
    ``error`` the exception's type and text, its ``fit_time`` the seconds
    until it failed)."""
    start = time.perf_counter()
    with record_warnings() as caught:
        try:
            fold = _fit_fold(model, X, y, split, scorers, params)
        except Exception as exc:
            if error_score == "raise":
                if where:
                    exc.add_note(where)
                raise
            fold = Bunch(
                error=f"{type(exc).__name__}: {exc}",
                fit_time=time.perf_counter() - start,
                estimator=None,
            )
    return fold, list(dict.fromkeys(caught))


def _fit_fold(model, X, y, split, scorers, params):
    """:func:`_run_fold`'s work: the fold's Bunch."""
    res = cross_validate(
        model,
        X,
        y,
        cv=[split],
        scoring=scorers,
        error_score="raise",
        return_estimator=True,
        params=params,
    )
    est = res["estimator"][0]
    X_test = _take_rows(X, split[1])
    return Bunch(
        estimator=est,
        error=None,
        fit_time=float(res["fit_time"][0]),
        # one per key of the scoring dict, or of the dict a callable
        # returned (cross_validate's test_<key>)
        scores={
            key.removeprefix("test_"): float(value[0])
            for key, value in res.items()
            if key.startswith("test_")
        },
        pred=np.asarray(est.predict(X_test)),
        proba=_fold_proba(est, X_test, y),
        share=modality_contributions(est, X_test),
    )


def model_warning(name, text):
    """A warning met while fitting or scoring ``models[name]``, naming it."""
    return f"models[{name!r}]: {text}"


def _fold_note(name, i, k, split):
    """The note of an error in fold ``i`` (from 0) of ``k`` of ``models[name]``."""
    return (
        f"in fold {i + 1} of {k} of models[{name!r}], fitted on its "
        f"{len(split[0])} training rows (its test rows: {len(split[1])})"
    )


def _check_fold_scores(folds, signs, name):
    """A ValueError when a fold of ``models[name]`` gave other scores than
    ``signs`` names (a callable ``scoring`` returning a dict with other
    keys than on the first fold; their order may differ, as in
    ``cross_validate``). Failed folds have no scores of their own."""
    for i, fold in enumerate(folds):
        if fold.error is None and set(fold.scores) != set(signs):
            raise ValueError(
                f"scoring returned the scores {list(fold.scores)} on fold {i} "
                f"of models[{name!r}], but {list(signs)} on the first fold: a "
                "callable scoring must return one number, or a dict with the "
                "same keys, on every fold"
            )


def _failed_note(folds, k, error_score):
    """The text of the warning about a model's failed folds: how many, the
    score they were given and each distinct error with its folds."""
    errors = {}
    for i, fold in enumerate(folds):
        if fold.error is not None:
            errors.setdefault(fold.error, []).append(str(i + 1))
    failed = [i for i, fold in enumerate(folds) if fold.error is not None]
    details = "; ".join(
        f"fold{'s' if len(at) > 1 else ''} {', '.join(at)}: {error}"
        for error, at in errors.items()
    )
    return (
        f"{len(failed)} of {k} folds failed and are scored error_score="
        f"{error_score!r} (their rows have no out-of-fold prediction: oof_pred "
        f"and oof_proba are None; failed_folds, from 0: {failed}). {details}"
    )


def _summary(folds, splits, signs, y, error_score=np.nan):
    """One model's entry of :func:`compare_models`'s result; ``signs`` holds
    :func:`score_sign` of each score. A failed fold scores ``error_score``
    (signed as the scorer's value), has no fitted estimator (None) and
    leaves ``oof_pred``, ``oof_proba`` None."""
    tests = [test for _, test in splits]
    failed = [i for i, fold in enumerate(folds) if fold.error is not None]
    entry = Bunch()
    for key, sign in signs.items():
        # an error's scorer gives it negated: stored positive
        scores = [
            sign * (error_score if fold.error is not None else fold.scores[key])
            for fold in folds
        ]
        entry[f"{key}_folds"] = scores
        entry[key] = float(np.mean(scores))
        entry[f"{key}_std"] = float(np.std(scores))
    entry.fit_time_folds = [fold.fit_time for fold in folds]
    entry.fit_time = float(np.mean(entry.fit_time_folds))
    entry.failed_folds = failed
    done = [fold for fold in folds if fold.error is None]
    entry.oof_pred = entry.oof_proba = None
    if not failed:
        # every row is in exactly one test fold (checked before fitting)
        # in y's dtype; float for a whole-number y predicted in floats (by
        # a regressor), which y's dtype would truncate
        dtype = y.dtype
        if dtype.kind in "biu" and any(fold.pred.dtype.kind == "f" for fold in folds):
            dtype = np.result_type(dtype, np.float64)
        entry.oof_pred = np.empty(y.shape, dtype=dtype)
        for fold, test in zip(folds, tests):
            entry.oof_pred[test] = fold.pred
        # out-of-fold probabilities, columns in np.unique(y) order
        # (multi-label: one column per label); None when a fold model has
        # no predict_proba
        if all(fold.proba is not None for fold in folds):
            entry.oof_proba = np.zeros((len(y), folds[0].proba.shape[1]))
            for fold, test in zip(folds, tests):
                entry.oof_proba[test] = fold.proba
    shares = [fold.share for fold in done if fold.share is not None]
    entry.contribution = (
        {m: float(np.mean([s[m] for s in shares])) for m in shares[0]}
        if shares
        else None
    )
    entry.estimators = [fold.estimator for fold in folds]
    entry.test_indices = tests
    return entry


#: The types and ranges of :func:`compare_models`' options, checked before
#: anything is fitted (as scikit-learn's ``validate_params`` would).
_PARAMETER_CONSTRAINTS = {
    "scoring": [str, callable, list, tuple, dict, None],
    "n_jobs": N_JOBS,
    "random_state": ["random_state"],
    "params": [dict, None],
    "error_score": [StrOptions({"raise"}), Real],
}


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
    params=None,
    error_score="raise",
):
    """Cross-validate several models on the same folds.

    Each fold of each model goes through
    :func:`sklearn.model_selection.cross_validate` (``return_estimator=True``)
    on one shared list of splits; the fitted fold models then give every
    row's out-of-fold prediction and each model's
    :func:`modality_contributions`. The arguments are checked before
    anything is fitted.

    Parameters
    ----------
    models : dict of str to estimator
        The models to compare, by name (cloned for every fold; kept in
        this order). At least one.
    X : pandas.DataFrame, dict of columns or array-like of shape (n_samples, ...)
        The samples, e.g. a DataFrame with ``image`` and ``text`` columns. A
        dict of equal-length columns (lists or 1-D arrays) is taken as the
        DataFrame of those columns (the dict is left as it is); a column
        that is a multi-dimensional array is refused (pass a DataFrame).
        A polars DataFrame or a pyarrow ``Table`` or ``RecordBatch`` is
        converted to pandas once, before the folds.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        Class labels, a 0/1 label matrix (multi-label) or numbers
        (regression); none missing (None, NaN or ``pandas.NA``). A single
        column (a one-column DataFrame, an ``(n_samples, 1)`` array) is
        taken as 1-D, with a ``DataConversionWarning``, as ``fit`` takes it.
    groups : array-like of shape (n_samples,), default=None
        Group of each row: with an integer ``cv``, rows of one group stay
        in one fold (``StratifiedGroupKFold``; ``GroupKFold`` without
        classes). One value per row, none missing (NaN or None). With
        metadata routing disabled (scikit-learn's default), they also reach
        the ``fit`` of a model that takes ``groups`` (a
        :class:`~skmultimodal.fusion.ModalityFusion`, a
        :class:`~skmultimodal.fusion.LateFusionClassifier`), of such a step
        of a Pipeline (as ``<step>__groups``), and of a search: its
        splitter, and such a step of a Pipeline it searches; so the internal
        folds of these models keep each group whole too. A search gives
        ``groups`` to its splitter only, so the internal folds of a model it
        searches bare (not in a Pipeline) are not grouped: a UserWarning
        names such a search when a candidate of its grid has internal folds
        (its model with that candidate's parameters set, nothing fitted;
        a parameter drawn from a distribution keeps the model's value, so
        only lists of values are looked at). A model says
        whether it has them with a method
        ``__skmultimodal_internal_folds__()`` returning a bool; without one
        it is assumed to). With metadata routing enabled they reach a model
        as its requests say (``set_fit_request(groups=True)`` on the
        consumer, ``groups=False`` to leave them out), searched models
        included; a model holding a consumer of ``groups`` whose request is
        unset is refused before anything is fitted, as scikit-learn refuses
        metadata passed to an unset request.
    cv : int, cross-validation generator or iterable, default=None
        None or an int: that many stratified folds (default 5), shuffled
        with ``random_state`` (``StratifiedKFold``, or
        ``StratifiedGroupKFold`` with ``groups``); every class needs at
        least ``cv`` rows. Anything else is used as
        :func:`~sklearn.model_selection.cross_validate` uses it, except that
        its test folds must put every row in exactly one test fold (a
        partition, as k-fold splitters give), since every row gets one
        out-of-fold prediction: a hold-out split, ``ShuffleSplit`` or
        repeated k-fold is refused (as by
        :func:`~sklearn.model_selection.cross_val_predict`); score them with
        ``cross_validate`` itself.
    scoring : str, callable, list or dict, default=None
        Scores per fold, as in ``cross_validate``: a callable is named
        ``score``, or, when it returns a dict of scores, gives one score per
        key (the same keys on every fold); None scores the task's
        :data:`TASK_SCORING`: ``accuracy`` and ``macro_f1`` (macro-averaged
        F1) for classification, ``r2`` and ``mae`` (mean absolute error)
        for regression, ``micro_f1``, ``macro_f1`` and ``hamming_loss`` for
        multi-label. A score whose scorer is an error or loss (its sign,
        :func:`score_sign`: made with ``make_scorer(...,
        greater_is_better=False)``, or a ``neg_*`` name such as
        ``"neg_mean_absolute_error"``) is stored positive, the error
        itself, and ``greater_is_better`` says False for it, unless its
        name starts with ``neg_`` (as scikit-learn's names of such scorers
        do): that name keeps scikit-learn's negated value. A plain
        callable's scores are stored as it returns them.
        A score may not be named after a result field
        (:data:`RESULT_FIELDS`, e.g. ``fit_time``) nor after another
        score's fields (``<name>_std``, ``<name>_folds``).
    n_jobs : int, default=None
        Folds fitted in parallel (through joblib, as ``cross_validate``'s
        ``n_jobs``). The warnings of the folds reach the caller either way:
        see the Notes.
    random_state : int, RandomState instance or None, default=0
        Seed of the fold shuffling when ``cv`` is None or an int.
    task : {"classification", "regression", "multilabel"} or None, default=None
        None follows the models: ``"regression"`` when they are regressors
        (:func:`sklearn.base.is_regressor`, which sees through pipelines),
        whatever ``y`` holds (whole numbers too); with classifiers, or
        models of neither kind, it is inferred from ``y`` (:func:`infer_task`:
        ``"multilabel"`` for a 0/1 label matrix, else
        ``"classification"``). Regressors and classifiers together are
        refused, as is a task that a model cannot do (a classifier under
        ``"regression"``, a regressor under another task). Without classes,
        an integer ``cv`` gives shuffled ``KFold``. ``"regression"`` needs
        numbers in ``y``, ``"classification"`` class labels (not
        continuous numbers).
    params : dict, default=None
        Parameters for every model's ``fit``, as
        :func:`~sklearn.model_selection.cross_validate` takes them: an
        array of one value per row (``{"classifier__sample_weight": w}``
        for a Pipeline) is cut to each fold's training rows, anything else
        is passed as it is. Under metadata routing, as the models' requests
        say. The scores are not weighted. A name ``groups=`` already gives
        (``fusion__groups``) is refused.
    error_score : "raise" or float, default="raise"
        What a fold that fails (an error while fitting, scoring or
        predicting it) gives, as in ``cross_validate``: ``"raise"`` raises
        the error, with a note naming the model and the fold; a number
        (``np.nan``, ``0``) is that fold's value of every score, taken as
        the scorer's own value (a score stored positive, an error, has its
        sign flipped as on the other folds), and one ``FitFailedWarning``
        per model names its failed folds and their errors. A model with a
        failed fold has no ``oof_pred`` and ``oof_proba`` (None: some rows
        have no prediction), None for the failed folds in ``estimators``,
        its ``contribution`` from the other folds, and lists the failed
        folds (from 0) in ``failed_folds``;
        :func:`~skmultimodal.report.write_report` never chooses it as the
        best model. When every fold of every model fails, a ValueError
        names the errors.

    Returns
    -------
    result : sklearn.utils.Bunch
        ``models``: ``{name: Bunch}`` holding, for each score ``key``,
        ``key`` (mean over folds), ``key_std`` and ``key_folds``; and
        ``fit_time`` (mean seconds per fold), ``fit_time_folds``,
        ``oof_pred`` (out-of-fold prediction of every row),
        ``contribution`` (mean :func:`modality_contributions` over the
        folds, or None), ``estimators`` (the fitted fold models),
        ``test_indices``, ``failed_folds`` (the folds that failed under a
        numeric ``error_score``, from 0; empty otherwise) and
        ``oof_proba``, the out-of-fold class (or per-label: of each
        label's positive class, also from a model giving one array per
        label, as ``MultiOutputClassifier``) probabilities, None for a
        model without ``predict_proba``. Also ``task``,
        ``scoring`` (the score names, the first the main one),
        ``greater_is_better`` (``{score: bool}``),
        ``classes`` (empty for regression; for multi-label, the column
        names of a DataFrame ``y``, else the label indices),
        ``n_samples``, ``n_classes``, ``cv`` (number of folds),
        ``splitter`` (the splitter that made them; None for given splits),
        ``random_state`` and ``y_true``.

    Raises
    ------
    TypeError
        When ``models`` is not a dict, one of its values is not an
        estimator (named by its key), ``X`` is None, or ``cv`` is a bool or
        a string; when
        ``scoring``, ``n_jobs`` or ``random_state`` is of a wrong type or out
        of range (scikit-learn's ``InvalidParameterError``, also a
        ValueError, naming the parameter).
    ValueError
        When ``models`` is empty, or mixes regressors and classifiers with
        ``task=None``, or holds a model that cannot do ``task`` (the
        message names the models); ``y`` has a missing value (the message
        names the rows, as ``fit`` does); an integer ``cv`` is below 2 or
        exceeds the rows of a class (or the groups); the test folds of
        ``cv`` leave rows out or hold some twice (the message counts them);
        a score is named after a result field (a callable's dict keys:
        once its first model is fitted), or a callable ``scoring`` returns
        other keys on another fold; with metadata routing
        enabled and ``groups`` given, a model holds a consumer of
        ``groups`` whose request is unset (the message names the model and
        the consumer); a dict ``X`` holds a value that is not a column, a
        multi-dimensional array or columns of different lengths (the
        message names them); ``task="regression"`` meets
        a ``y`` that is not numbers, or ``groups`` has a missing value (the
        messages name the row); classification meets a continuous ``y``, a
        0/1 label matrix or a ``y`` of a single class, ``task="multilabel"``
        a ``y`` that is not one; the class labels mix types (ints and strs:
        the message names the types and the first row out of type), before
        any fold is fitted; ``scoring`` is an empty list or dict, or lists a
        name twice; ``cv`` splits by groups (``GroupKFold``) and ``groups``
        is None.
        An error while fitting or scoring a model is raised as it is, with
        a note naming the model and the fold (``in fold 2 of 5 of
        models['late'], ...``), unless ``error_score`` is a number; then a
        ValueError only when every fold of every model failed.

    See Also
    --------
    modality_contributions : The per-modality shares of one fitted model.

    Notes
    -----
    The warnings issued while a fold is fitted, scored and predicted (an
    unreadable image under ``missing="mean"``, a solver that did not
    converge) are recorded, in the folds' worker processes too, where they
    would otherwise only reach the workers' standard error, and issued
    again in the calling process, attributed to the line that called
    ``compare_models`` and prefixed with the model's key
    (``models['late']: ...``): each distinct warning once per model, for
    any ``n_jobs``, although the test rows of a fold are transformed more
    than once (for the scores, ``oof_pred`` and ``oof_proba``).
    ``warnings.catch_warnings`` and the warning filters of the caller
    apply to them (the filters also reach the workers, as scikit-learn's
    ``Parallel`` passes them on).

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
    models = _check_models(models)
    validate_parameter_constraints(
        _PARAMETER_CONSTRAINTS,
        {
            "scoring": scoring,
            "n_jobs": n_jobs,
            "random_state": random_state,
            "params": params,
            "error_score": error_score,
        },
        caller_name="compare_models",
    )
    if isinstance(scoring, list | tuple | dict) and not scoring:
        raise ValueError(
            f"scoring={scoring!r} holds no score: give at least one (a name or a "
            "scorer), or scoring=None for the task's default scores"
        )
    if X is None:
        raise TypeError(
            "compare_models: X must be the rows to cross-validate (a DataFrame "
            "with the modality columns, a dict of columns or an array); got None"
        )
    # another library's table (polars, a pyarrow Table or RecordBatch) as
    # pandas, once: the folds take its rows by position
    X = _as_table(to_pandas(X, what="compare_models: X"))
    # fit's own checks and wording, naming the rows by X's index
    check_target_present(y, _row_labels(X, y))
    regressors = any(_kind(model) == "regressor" for model in models.values())
    if task != "regression" and not (task is None and regressors):
        # class labels of one type, before the task is read from y
        check_label_types(y, _row_labels(X, y))
    # a label matrix's column names name the labels (multi-label classes)
    label_names = list(y.columns) if isinstance(y, pd.DataFrame) else None
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:  # one column: a target, as fit takes it
        y = _ravel_column(y)
    task = _check_task(task, models, y)
    if task == "classification":
        # before any fold: every fold would fail
        check_two_classes(
            np.unique(y),
            "compare_models (it compares classifiers)",
            hint=f", in all {len(y)} rows: give rows of other classes too",
        )
    if task == "regression":
        y = _check_regression_target(y, _row_labels(X, y))
        if len(y) and np.all(y == y[0]):  # as the command line refuses it
            raise ValueError(
                f"compare_models: the target holds one value only ({float(y[0])!r}) in "
                f"all {len(y)} rows: nothing to regress (R² is undefined for a "
                "constant target; scikit-learn's r2 scores such a fold 1.0 or "
                "0.0); a regression target needs at least 2 distinct values"
            )
    if groups is not None:
        groups = check_groups(groups, len(y))
    _check_group_routing(models, groups)
    if isinstance(cv, bool | np.bool_ | str | bytes):
        raise TypeError(
            "cv must be a number of folds (an int), a splitter or an iterable "
            f"of (train, test) splits; got the {type_name(cv)} {cv!r}"
        )
    if cv is None or isinstance(cv, int | np.integer):
        k = 5 if cv is None else int(cv)
        cv = make_cv(k, y, groups, random_state=random_state, task=task)
    classifier = task == "classification"
    try:
        splits = [
            (_as_indices(train), _as_indices(test))
            for train, test in check_cv(cv, y, classifier=classifier).split(
                X, y, groups
            )
        ]
    except ValueError as exc:
        if groups is None and "'groups' parameter should not be None" in str(exc):
            raise ValueError(
                f"compare_models: cv={cv!r} splits by groups: pass groups=, the "
                "group of each row"
            ) from exc
        raise
    check_partition(
        splits,
        len(y),
        "compare_models",
        why=", since it gives each row one out-of-fold prediction (oof_pred, "
        "oof_proba)",
        fix=" Use k-fold splits (an int cv, KFold, StratifiedKFold, GroupKFold), "
        "or sklearn.model_selection.cross_validate for other splits.",
    )
    scorers = _scorers(TASK_SCORING[task] if scoring is None else scoring)
    signs = None  # {score: score_sign}; a callable's names come with its scores
    if isinstance(scorers, dict):
        _check_score_names(scorers)
        signs = {key: _stored_sign(key, scorer) for key, scorer in scorers.items()}
    k = len(splits)
    runs = {}
    for name, model in models.items():
        fit_params = _fit_params(name, model, groups, params)
        # one task per fold, so that the warnings of folds fitted in other
        # processes reach the caller too (there they would only go to the
        # workers' standard error); each distinct one once per model
        done = Parallel(n_jobs=n_jobs)(
            delayed(_run_fold)(
                model,
                X,
                y,
                split,
                scorers,
                fit_params,
                _fold_note(name, i, k, split),
                error_score,
            )
            for i, split in enumerate(splits)
        )
        relayed = dict.fromkeys(w for _, caught in done for w in caught)
        for category, text in relayed:  # from the line calling compare_models
            # naming the model: the same text relayed for the next model would
            # otherwise be a repeat from this line, which the "default" action
            # drops (unless the folds reset the registry: run in this process)
            warnings.warn(model_warning(name, text), category, stacklevel=2)
        folds = runs[name] = [fold for fold, _ in done]
        if any(fold.error is not None for fold in folds):
            warnings.warn(
                model_warning(name, _failed_note(folds, k, error_score)),
                FitFailedWarning,
                stacklevel=2,
            )
        if signs is None:  # the first fold's scores name those of a callable
            scored = [fold for fold in folds if fold.error is None]
            if scored:
                signs = {key: _stored_sign(key, scorers) for key in scored[0].scores}
                _check_score_names(signs)
        if signs is not None:
            _check_fold_scores(folds, signs, name)
    every = [fold for folds in runs.values() for fold in folds]
    if all(fold.error is not None for fold in every):  # under a numeric error_score
        errors = dict.fromkeys(fold.error for fold in every)
        raise ValueError(
            f"compare_models: all {k * len(runs)} fits failed (every fold of "
            f"every model), so nothing is scored; the errors: {'; '.join(errors)}"
            " (error_score='raise' raises the first one with its traceback)"
        )
    result = {}
    for name, folds in runs.items():
        result[name] = _summary(folds, splits, signs, y, error_score)
        for key in signs:  # cross_validate keeps a NaN score without a word
            nan = [
                i + 1
                for i, v in enumerate(result[name][f"{key}_folds"])
                if v != v and folds[i].error is None
            ]
            if nan:
                warnings.warn(
                    model_warning(
                        name,
                        f"the score {key!r} is NaN on fold(s) "
                        f"{', '.join(map(str, nan))} of {k}: its mean is NaN, "
                        "and the model is not ranked by it",
                    ),
                    UserWarning,
                    stacklevel=2,
                )
    if task == "regression":
        classes = np.array([])
    elif task == "multilabel":
        classes = np.arange(y.shape[1]) if label_names is None else label_names
    else:
        classes = np.unique(y)
    return Bunch(
        models=result,
        task=task,
        scoring=list(signs),
        greater_is_better={key: sign > 0 for key, sign in signs.items()},
        classes=[plain_label(c) for c in classes],
        n_samples=len(y),
        n_classes=len(classes),
        cv=len(splits),
        # how the folds were made, for a report's reproducibility record
        splitter=cv if hasattr(cv, "split") else None,
        random_state=random_state,
        y_true=y,
    )
