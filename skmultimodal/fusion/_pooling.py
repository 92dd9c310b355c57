"""Pooling of per-modality class probabilities, shared by the class-score
fusion methods and :class:`LateFusionClassifier`."""

from __future__ import annotations

import contextlib
from inspect import Parameter, signature
from numbers import Number

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp, softmax
from sklearn import config_context, get_config
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    StratifiedGroupKFold,
    StratifiedKFold,
    StratifiedShuffleSplit,
)
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError

from skmultimodal.utils._parallel import warn_at_caller

EPS = 1e-12

#: scikit-learn's splitters that stratify on class labels.
_STRATIFIED_SPLITTERS = (
    RepeatedStratifiedKFold,
    StratifiedGroupKFold,
    StratifiedKFold,
    StratifiedShuffleSplit,
)


def pool(P, masks, w, voting, seen=None):
    """Pool per-modality probabilities into one distribution per sample.

    Parameters
    ----------
    P : ndarray of shape (n_modalities, n_samples, n_classes)
        Class probabilities of each modality (rows of absent modalities are
        ignored).
    masks : ndarray of bool of shape (n_samples, n_modalities) or None
        Which modalities are present in each sample; None means all.
    w : ndarray of shape (n_modalities,)
        Non-negative weights, renormalised per sample over the present
        modalities.
    voting : {"soft", "log"}
        ``"soft"``: :math:`\\sum_i w_i P_i` (the sum rule); ``"log"``:
        :math:`\\propto \\exp \\sum_i w_i \\log P_i` (the product rule).
    seen : ndarray of bool of shape (n_modalities, n_classes), default=None
        Which classes each modality's model was fitted on; None means all.
        With ``"log"``, a model that never saw a class has no opinion about
        it: that class's product leaves it out (the weights renormalised,
        per sample and class, over the present modalities that saw it),
        instead of its probability 0 vetoing the class. A class that no
        present modality of weight > 0 saw keeps the rule above (its
        probability is then near 0). ``"soft"`` ignores it: a model adds
        its probability 0 to the sum, which lowers the class, never vetoes it.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        Rows sum to 1.
    """
    if voting not in ("soft", "log"):  # e.g. set on a fitted model
        raise InvalidParameterError(
            f"The 'voting' parameter must be a str among {{'log', 'soft'}}. "
            f"Got {voting!r} instead."
        )
    m, n = P.shape[0], P.shape[1]
    if masks is None:
        masks = np.ones((n, m), dtype=bool)
    ww = normalize_weights(w, masks)
    if voting == "soft":
        return np.einsum("nm,mnc->nc", ww, P)
    logP = np.log(np.clip(P, EPS, 1.0))
    if seen is None or np.all(seen):
        s = np.einsum("nm,mnc->nc", ww, logP)
    else:  # per (sample, class): the present modalities that saw the class
        by_class = masks[:, None, :] & seen.T[None, :, :]  # (n, c, m)
        unseen = ~(by_class & (np.asarray(w) > 0)).any(axis=-1, keepdims=True)
        by_class = np.where(unseen, masks[:, None, :], by_class)
        s = np.einsum("ncm,mnc->nc", normalize_weights(w, by_class), logP)
    return np.exp(s - logsumexp(s, axis=1, keepdims=True))


def learn_pool_weights(P, masks, y_idx, voting, sample_weight=None, seen=None):
    """Weights minimising the log-loss of :func:`pool` on held-out
    probabilities.

    Parameters
    ----------
    P : ndarray of shape (n_modalities, n_samples, n_classes)
        Out-of-fold class probabilities of each modality.
    masks : ndarray of bool of shape (n_samples, n_modalities) or None
    y_idx : ndarray of int of shape (n_samples,)
        Index of each sample's class in the class axis of ``P``.
    voting : {"soft", "log"}
    sample_weight : ndarray of shape (n_samples,), default=None
        Weight of each sample in the mean log-loss.
    seen : ndarray of bool of shape (n_modalities, n_classes), default=None
        Which classes each modality's model saw (see :func:`pool`).

    Returns
    -------
    weights : ndarray of shape (n_modalities,)
        Non-negative, summing to 1 (a softmax parameterisation).
    loss : float
        The minimised (weighted) mean log-loss.
    """
    n = P.shape[1]
    rows = np.arange(n)

    def loss(theta):
        proba = pool(P, masks, softmax(theta), voting, seen)
        losses = -np.log(np.clip(proba[rows, y_idx], EPS, 1.0))
        return np.average(losses, weights=sample_weight)

    res = minimize(
        loss,
        np.zeros(P.shape[0]),
        method="Nelder-Mead",
        options={"xatol": 1e-4, "fatol": 1e-6, "maxiter": 400},
    )
    return softmax(res.x), float(res.fun)


def normalize_weights(w, masks=None):
    """Non-negative weights scaled to sum to 1.

    Parameters
    ----------
    w : array-like of shape (n_modalities,)
        Non-negative weights (see :func:`check_weights`).
    masks : ndarray of bool of shape (n_samples, n_modalities), default=None
        Which modalities are present in each sample: the weights are then
        renormalised per sample over its present modalities.

    Returns
    -------
    weights : ndarray of shape (n_modalities,) or (n_samples, n_modalities)
        Summing to 1 (per sample with ``masks``); a sample whose present
        modalities all weigh 0 gets a row of zeros.

    Examples
    --------
    >>> from skmultimodal.fusion._pooling import normalize_weights
    >>> normalize_weights([3.0, 1.0]).tolist()
    [0.75, 0.25]
    >>> normalize_weights([3.0, 1.0], masks=np.array([[True, True], [False, True]]))
    array([[0.75, 0.25],
           [0.  , 1.  ]])
    """
    w = np.asarray(w, dtype=float)
    top = w.max(initial=0.0)
    if top > 0:
        w = w / top  # the sum of huge weights (1e308) would overflow
    ww = w if masks is None else masks * w[None, :]
    total = ww.sum(axis=-1, keepdims=True)
    return np.divide(ww, total, out=np.zeros_like(ww), where=total > 0)


def check_weights(w, names, what="weights"):
    """Validated weights in block order: finite, >= 0, at least one > 0.

    ``w`` is a list (one per modality, in order) or a ``{name: weight}``
    dict (missing names weigh 1). Bad weights raise scikit-learn's
    ``InvalidParameterError`` (a ValueError), naming each modality's weight.
    """
    given = w
    if isinstance(w, dict):
        unknown = sorted(set(w) - set(names))
        if unknown:
            raise ValueError(
                f"{what} name unknown modalities {unknown}; modalities: {list(names)}"
            )
        w = [w.get(name, 1.0) for name in names]
    # a text or a bool would pass as a number ("2" as 2.0, True as 1.0)
    items = w.tolist() if isinstance(w, np.ndarray) else w
    if isinstance(items, list | tuple) and (
        wrong := [v for v in items if isinstance(v, str | bytes | bool | np.bool_)]
    ):
        raise ValueError(
            f"{what} must be numbers; got {wrong[0]!r} ({type(wrong[0]).__name__}) "
            f"in {given!r}"
        )
    try:
        arr = np.asarray(w, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be numbers; got {w!r}") from None
    if arr.shape[0] != len(names):
        raise ValueError(
            f"got {arr.shape[0]} {what} for {len(names)} modalities {list(names)}"
        )
    if not np.isfinite(arr).all() or (arr < 0).any() or arr.sum() <= 0:
        raise InvalidParameterError(
            f"{what} must be finite and non-negative with at least one > 0; got "
            f"{dict(zip(names, arr.tolist()))}"
        )
    return arr


def kept_weights(w, every, kept, what):
    """Fixed weights ``w``, given per declared member ``every`` (a dict by
    name, or one per member in order, ``"drop"`` ones included), as the
    checked weights of the ``kept`` members in order: a dropped member's
    weight is ignored, as VotingClassifier's, so that a grid over
    ``<name>: ["drop", ...]`` keeps them. Errors name ``what``
    (``"transformer"``, ``"estimator"``)."""
    dropped = [name for name in every if name not in kept]
    given = w
    if dropped and isinstance(w, dict):
        ignored = {name: v for name, v in w.items() if name in dropped}
        w = {name: v for name, v in w.items() if name not in dropped}
    elif dropped:
        w = list(np.ravel(np.asarray(w, dtype=object)))
        if len(w) != len(every):
            raise ValueError(
                f"got {len(w)} weights for {len(every)} {what}s {every}; give "
                f"one per {what}, 'drop' ones included (their weight is "
                "ignored), or a dict {name: weight}"
            )
        ignored = {name: v for name, v in zip(every, w) if name in dropped}
        w = [v for name, v in zip(every, w) if name not in dropped]
    if dropped:  # ignored, but valid: a grid's candidates agree on it
        try:
            values = np.asarray(list(ignored.values()), dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"weights must be numbers; got {given!r}") from None
        if not np.isfinite(values).all() or (values < 0).any():
            raise InvalidParameterError(
                f"weights must be finite and non-negative, those of the 'drop' "
                f"{what}s too (their weight is ignored); got {ignored}"
            )
    try:
        return check_weights(w, kept)
    except InvalidParameterError:
        full = None
        if dropped:  # valid but for the dropped members holding every positive?
            with contextlib.suppress(ValueError):
                full = check_weights(given, every)
        if full is None:
            raise
        positive = [nm for nm, v in zip(every, full) if v > 0 and nm in dropped]
        raise InvalidParameterError(
            f"weights: every {what} kept ({kept}) weighs 0, and the only "
            f"positive weights are those of {positive}, which are 'drop' (left "
            f"out, their weight ignored); give a kept {what} a weight > 0"
        ) from None


def final_step(estimator):
    """The model that takes the sample weights: a Pipeline's last step."""
    return estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator


def unrouted():
    """The context of every fit of a per-modality model or expert (each
    internal fold's and the final one alike): metadata routing off, so
    ``sample_weight`` reaches the model by the fusion's own rule (its
    ``fit``, or a Pipeline's final step's) whatever the caller's setting;
    requests set inside the model are neither needed nor consulted."""
    return config_context(enable_metadata_routing=False)


def weight_params(estimator, sample_weight):
    """``fit`` keyword arguments giving ``sample_weight`` to the final step
    (a Pipeline's last step)."""
    if sample_weight is None:
        return {}
    last = estimator.steps[-1][0] + "__" if isinstance(estimator, Pipeline) else ""
    return {f"{last}sample_weight": sample_weight}


def checked_sample_weight(sample_weight, n, model, owner):
    """``sample_weight`` as ``n`` finite non-negative floats, once ``model``
    (None: no model to ask; a Pipeline: its final step) is known to take it
    in ``fit`` (a ``fit(X, y, **params)``, as a meta-estimator's, counts:
    its own error, if any, then names what it cannot take); ``owner`` names
    whose model it is in the error."""
    from sklearn.utils.validation import _check_sample_weight

    sample_weight = one_weight_per_row(sample_weight, n)
    model = None if model is None else final_step(model)
    if model is not None and not _takes_sample_weight(model):
        raise ValueError(
            f"sample_weight: {owner} ({type(model).__name__}) does not take "
            "sample_weight in fit; use a model that does, or fit without weights"
        )
    return _check_sample_weight(
        sample_weight, np.zeros((n, 0)), ensure_non_negative=True
    )


def one_weight_per_row(sample_weight, n):
    """``sample_weight`` given as one number: that weight for each of the
    ``n`` rows (as scikit-learn takes it); any other value as it is. A
    single value that is not a number is a TypeError naming the parameter."""
    if isinstance(sample_weight, Number):
        try:
            return np.full(n, float(sample_weight))
        except TypeError:  # a complex number
            pass
    elif sample_weight is None or (
        not isinstance(sample_weight, str | bytes)
        and (hasattr(sample_weight, "__len__") or hasattr(sample_weight, "__array__"))
    ):  # array-likes as they are: scikit-learn's checks read them
        return sample_weight
    raise TypeError(
        f"sample_weight must be a number or one number per row; got {sample_weight!r}"
    )


def _takes_sample_weight(model):
    params = signature(model.fit).parameters
    return "sample_weight" in params or any(
        p.kind is Parameter.VAR_KEYWORD for p in params.values()
    )


def check_fold_weights(sample_weight, train, what, fold):
    """Raise when the training rows of an internal cross-validation fold
    all have weight 0 (no model can fit them); ``what`` names whose folds
    they are, ``fold`` the fold's number from 0."""
    if sample_weight is not None and not np.any(sample_weight[train] > 0):
        raise ValueError(
            f"sample_weight: the training rows of internal cross-validation fold "
            f"{fold} of {what} all have weight 0, so no model can be fitted "
            "on them; use fewer cv folds or give more rows a weight > 0"
        )


def grouped_n_splits(cv, groups, what, y=None):
    """The number of internal folds for an int ``cv`` with ``groups``: at
    most one per group and, with class labels ``y``, at most the rows of
    the smallest class (as without groups).

    None when ``groups`` has fewer than 2 distinct values (as in the
    training rows of an outer fold that holds one group): no folds can keep
    each group whole, and the caller uses its folds without groups, with
    one warning naming ``what`` (see :func:`warn_ungrouped`).
    """
    n_groups = len(np.unique(groups))
    if n_groups < 2:
        warn_ungrouped(what, n_groups)
        return None
    n_splits = min(cv, n_groups)
    if y is not None:
        smallest = np.unique(y, return_counts=True)[1].min()
        n_splits = min(n_splits, max(smallest, 2))
    return int(n_splits)


def warn_ungrouped(what, n_groups):
    """Warn that the internal folds of ``what`` ignore ``groups``, which
    has ``n_groups`` (< 2) distinct values in the rows fitted."""
    warn_at_caller(
        f"{what}: groups has {n_groups} distinct value in the rows fitted (as "
        "have the training rows of an outer cross-validation fold holding one "
        "group), and internal cross-validation folds that keep each group "
        "whole need at least 2 groups; the internal folds ignore groups "
        "instead (as when fit gets none)."
    )


def check_stratifiable(cv, target, what):
    """Refuse a stratified splitter ``cv`` for a ``target`` kind it cannot
    split (``"multi-label"`` or ``"continuous"``); ``what`` names whose
    folds they are."""
    if isinstance(cv, _STRATIFIED_SPLITTERS):
        raise ValueError(
            f"{what}: cv={cv!r} is a stratified splitter, and a stratified "
            f"splitter cannot split a {target} target; use KFold or an int "
            "(GroupKFold with groups)"
        )


def check_group_splitter(cv, groups, what, owner):
    """Refuse a group splitter ``cv`` without ``groups`` (the message says
    how to give them to the fit of ``owner``, ``"ModalityFusion"`` or
    ``"LateFusionClassifier"``, with metadata routing on or off), or with
    fewer groups than its folds."""
    if groups is None:
        if get_config()["enable_metadata_routing"]:
            how = (
                f"request them (set_fit_request(groups=True) on the {owner}) and "
                "pass fit(X, y, groups=...) (or params={'groups': groups} to "
                "cross_validate)"
            )
        else:
            how = (
                f"pass them to fit ({owner}.fit(X, y, groups=...), in a Pipeline "
                f"fit(X, y, <{owner} step>__groups=...))"
            )
        raise ValueError(
            f"{what}: cv={cv!r} needs groups, but fit got none; {how}, or use an "
            "int or a splitter that needs no groups (such as KFold)"
        )
    n_splits = getattr(cv, "n_splits", None)
    n_groups = len(np.unique(groups))
    if isinstance(n_splits, int) and n_splits > n_groups:
        raise ValueError(
            f"{what}: cv={cv!r} makes {n_splits} folds, but groups has only "
            f"{n_groups} distinct values; use fewer folds"
        )
