"""LateFusionClassifier: one classifier per modality, probabilities combined."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn import config_context
from sklearn.base import ClassifierMixin, _fit_context, clone
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold, check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)

from skmultimodal.utils import check_target_present
from skmultimodal.utils._parallel import each_warning_once, warn_at_caller
from skmultimodal.utils._validation import (
    N_JOBS,
    check_groups,
    check_label_types,
    check_two_classes,
    plain_label,
    row_positions,
    type_name,
)

from ._columns import (
    ColumnComposition,
    MissingModalityWarning,
    all_nan_rows,
    describe_rows,
    naming_branch,
    row_index,
    take_rows,
    take_y,
    validate_table,
)
from ._columns import is_drop as _is_drop
from ._methods import (
    _GROUP_SPLITTERS,
    MULTILABEL,
    _binary_rows,
    _check_split_rows,
    _check_test_folds,
    _indicator_matrix,
    _unseen_class_rows,
)
from ._pooling import (
    _STRATIFIED_SPLITTERS,
    EPS,
    check_fold_weights,
    check_group_splitter,
    check_stratifiable,
    checked_sample_weight,
    grouped_n_splits,
    kept_weights,
    learn_pool_weights,
    normalize_weights,
    pool,
    unrouted,
    warn_ungrouped,
    weight_params,
)

__all__ = ["LateFusionClassifier"]


def _split(estimator):
    """``(transformer steps, final model)`` of a Pipeline branch; ``(None,
    estimator)`` for any other model."""
    if isinstance(estimator, Pipeline) and len(estimator.steps) > 1:
        return estimator[:-1], estimator.steps[-1][1]
    return None, estimator


def _fit_one(estimator, data, y, sample_weight=None):
    """Fit one model (run in the workers); ``sample_weight`` goes to its
    final step, whatever the caller's metadata routing (as in
    :func:`_oof_proba`: requests set inside the model are not consulted).

    Returns the model and a one-column marker of the rows its transformer
    steps output as all NaN (unreadable items; the final model is then left
    unfitted, to be refitted without them), or None for a model that is not
    a Pipeline, whose features cannot be seen.
    """
    with unrouted():
        return _fit_one_unrouted(estimator, data, y, sample_weight)


def _fit_one_unrouted(estimator, data, y, sample_weight=None):
    weighted = {} if sample_weight is None else {"sample_weight": sample_weight}
    head, final = _split(estimator)
    if _one_class(y):  # the rule of _oof_proba's folds (fit warns)
        final = DummyClassifier(strategy="prior")
        estimator = final if head is None else estimator
    if head is None:
        return estimator.fit(data, y, **weight_params(estimator, sample_weight)), None
    Xt = head.fit_transform(data, y)
    # a Pipeline with memory fits clones of its steps: keep the fitted ones
    estimator.steps = [*head.steps, (estimator.steps[-1][0], final)]
    unreadable = all_nan_rows(Xt)
    if unreadable is None:
        final.fit(Xt, y, **weighted)
        return estimator, None
    if not unreadable.any():
        final.fit(Xt, y, **weighted)
    return estimator, np.where(unreadable, np.nan, 0.0)[:, None]


def _oof_proba(
    estimator, data, y, cv, sample_weight=None, name=None, groups=None, full=None
):
    """Out-of-fold probabilities of ``estimator`` (modality ``name``), with
    ``sample_weight`` given to its final step in each fold and ``groups`` to
    the splitter: columns follow ``np.unique(y)`` (a multi-label ``y``: the
    model's per-label probabilities).

    A fold whose training rows hold one class (a class too rare, or kept in
    too few groups, to reach them) scores its rows with the class it saw (a
    ``DummyClassifier``), as the class-score fusion methods' folds do: no
    classifier can fit one class. A row whose class its fold trained on no
    row of is then scored by ``full`` (the model fitted on all rows, which
    saw it), as in those methods: its fold gives its class 0, which would
    count against the modality's weight as a confident error.
    """
    try:
        splits = list(cv.split(data, y, groups))
    except ValueError as exc:  # scikit-learn's names neither modality nor cv
        raise ValueError(
            f"LateFusionClassifier: the internal cross-validation of "
            f"weights='auto' (cv={cv!r}) cannot split the {len(y)} rows where "
            f"modality {name!r} is present: {exc}"
        ) from exc
    owner = "LateFusionClassifier"
    _check_split_rows(splits, len(y), owner, f"modality {name!r} has")
    gives = "out-of-fold probabilities for weights='auto'"
    _check_test_folds(splits, len(y), owner, gives, f" (of modality {name!r})")
    what = f"LateFusionClassifier's estimator {name!r}"
    for fold, (train, _) in enumerate(splits):
        check_fold_weights(sample_weight, train, what, fold)
    classes = np.unique(y) if y.ndim == 1 else None
    out = np.zeros((len(y), len(classes) if y.ndim == 1 else y.shape[1]))
    for train, test in splits:
        model = clone(estimator)
        if _one_class(y[train]):
            model = DummyClassifier(strategy="prior")
        w = None if sample_weight is None else sample_weight[train]
        # the rule of _fit_one: the weights go to the final step (as
        # ``step__sample_weight``) whatever the caller's metadata routing
        with unrouted():
            model.fit(take_rows(data, train), y[train], **weight_params(model, w))
            proba = model.predict_proba(take_rows(data, test))
        if classes is None:
            out[test] = _checked_labels(proba, y.shape[1], name)
        else:
            out[np.ix_(test, np.searchsorted(classes, model.classes_))] = proba
    if classes is not None and full is not None:
        rows = _unseen_class_rows(splits, y)
        if rows.size:
            proba = full.predict_proba(take_rows(data, rows))
            out[rows] = 0.0
            out[np.ix_(rows, np.searchsorted(classes, full.classes_))] = proba
    return out


def _one_class(y):
    """Whether the class target ``y`` holds a single class, which no
    classifier can fit (a ``DummyClassifier`` then gives it its probability
    1); a multi-label ``y`` is left to its models."""
    return np.ndim(y) == 1 and len(np.unique(y)) < 2


def _present_splits(splits, present, n, name):
    """``splits`` (``(train, test)`` pairs over ``n`` rows: indices or
    masks) mapped onto the rows ``present`` of modality ``name``: each part
    keeps its present rows, numbered by their position among them; a split
    testing none of them is left out."""
    if len(present) == n:
        return splits
    position = np.full(n, -1)
    position[present] = np.arange(len(present))
    out = []
    for fold, split in enumerate(splits):
        train, test = (position[row_positions(part)] for part in split)
        train, test = train[train >= 0], test[test >= 0]
        if len(test) and not len(train):
            raise ValueError(
                f"LateFusionClassifier: split {fold} of cv trains on none of the "
                f"rows of modality {name!r} (missing in all of them), so no "
                "model can score its test rows; give an int or a splitter, "
                "which split the modality's own rows"
            )
        if len(test):
            out.append((train, test))
    return out


def _checked_labels(proba, n_labels, name):
    """The per-label probabilities of estimator ``name`` for a multi-label
    target of ``n_labels`` labels, checked."""
    proba = np.asarray(proba, dtype=float)
    if proba.ndim != 2 or proba.shape[1] != n_labels:
        raise ValueError(
            f"estimator {name!r} gives probabilities of shape {proba.shape} "
            f"for a multi-label target of {n_labels} labels; use "
            "a model with one probability per label, such as "
            "OneVsRestClassifier(LogisticRegression())"
        )
    return proba


class LateFusionClassifier(ClassifierMixin, ColumnComposition):
    """One classifier per modality; their class probabilities are combined.

    Each entry ``(name, estimator, column)`` is a classifier (usually a
    Pipeline: feature extractor then model) fitted on one modality column.
    The combined probability of class :math:`c` for a sample :math:`x` is,
    over the modalities :math:`i` present in :math:`x` with weights
    :math:`w_i \\ge 0` renormalised to sum to 1,

    - ``voting="soft"``: :math:`P(c \\mid x) = \\sum_i w_i P_i(c \\mid x)`;
    - ``voting="log"``: :math:`P(c \\mid x) \\propto \\exp \\sum_i w_i \\log
      P_i(c \\mid x)` (a weighted geometric mean, a product of experts).

    A multi-label target (``y`` a 0/1 matrix, one column per label) needs
    models that give one probability per label (e.g. a
    :class:`~sklearn.multiclass.OneVsRestClassifier`): each label is then
    combined as a two-class problem, by the same rule and weights, and
    ``predict`` gives the labels whose combined probability exceeds 0.5.

    With ``missing="skip"``, a missing modality value (None, NaN, empty
    string; for a multi-column selection, a row of NaN) is never given to
    its model, at fit or predict: that modality is left out of the sample's
    combination. For a Pipeline model, a row that its transformer steps
    output as all NaN could not be read (an extractor with
    ``on_error="missing"`` outputs such a row for an unreadable image) and
    counts as missing too: the model is fitted again without those rows, and
    at predict they are not given to its final step. A modality present only
    in rows of one class, which no classifier can fit, gets (as its final
    step) a ``DummyClassifier(strategy="prior")`` giving that class
    probability 1, with a warning naming it, as the internal folds of
    ``weights="auto"`` do for a fold of one class. A modality missing in
    every training row of a class (but present in rows of two classes or
    more) has a model that never saw that class, and no opinion about it:
    with ``voting="log"`` that class's product leaves the model out (its
    probability 0 would veto the class), with a warning at fit naming the
    modality and the class. A row in which every modality is missing or
    unreadable carries no evidence: at fit it is left out of every
    modality's model (and of the learned weights), with one warning naming
    the rows; at predict its probabilities are the training
    class prior ``class_prior_`` (the per-label training mean for a
    multi-label target), with one warning naming the rows.

    Parameters
    ----------
    estimators : list of (name, estimator, column) tuples
        (or lists of three, as a configuration read from JSON gives them).
        ``estimator`` has ``fit`` and ``predict_proba``, or is ``"drop"``
        (as in :class:`~sklearn.ensemble.VotingClassifier`, e.g. through
        ``set_params(name="drop")``): that member is left out of fit,
        predict and the weights; at least one must remain. ``column`` is as
        in :class:`ModalityFusion` (a name gives a 1-D column, a list a
        table, ints select array columns by position, or a callable).
    weights : None, "auto", list of float or dict, default=None
        Weight of each modality. None: equal weights. ``"auto"``: learned in
        ``fit`` by minimising the log-loss of the combination on out-of-fold
        probabilities from an internal cross-validation (``cv``) of each
        model on the training data only; a single estimator left (the others
        ``"drop"``) weighs 1, with no cross-validation. A list (in order) or
        ``{name: weight}``: fixed weights; a list gives one per estimator,
        and the weight of a ``"drop"`` one is ignored.
    voting : {"soft", "log"}, default="soft"
        Arithmetic or geometric combination of the probabilities.
    missing : {"raise", "skip"}, default="raise"
        ``"raise"``: a missing (or unreadable) modality value raises a
        ValueError naming the rows and the modality. ``"skip"``: leave that
        modality out of the sample's combination (fit and predict alike),
        with one warning naming unreadable rows; a row with no modality at
        all gets ``class_prior_`` at predict (see above).

        .. deprecated:: 0.2
           ``"error"`` is the old spelling of ``"raise"``; it still works,
           with a FutureWarning, and will be removed in 0.4.
    cv : int, cross-validation generator or iterable, default=5
        Internal cross-validation used when ``weights="auto"``; an int means
        (Stratified)KFold without shuffling, or StratifiedGroupKFold
        (GroupKFold for a multi-label target) when ``fit`` gets ``groups``
        (a group splitter needs them), unless a modality's rows hold fewer
        than 2 groups: its folds are then those without groups, with a
        warning. A stratified splitter refuses a multi-label target. A list
        of splits fits only the rows it was made for: in an outer
        cross-validation (a subset of them), give an int or a splitter.
        With ``missing="skip"``, a modality's folds are the rows of each
        split where it is present (a split testing none is left out). An
        int's folds are reduced, with a warning naming the modality, to what
        its rows allow (a stratified splitter: the rows of their largest
        class); a modality too rare for 2 folds is an error naming it.
    n_jobs : int, default=None
        Number of models fitted in parallel
        (:class:`sklearn.utils.parallel.Parallel`).

    Attributes
    ----------
    estimators_ : list of (name, fitted estimator, column)
        The fitted per-modality models (``"drop"`` ones left out), with a
        callable ``column`` resolved on the X given to ``fit``.
    named_estimators_ : Bunch
        Fitted models by name (``"drop"`` for a dropped one).
    weights_ : ndarray of shape (n_modalities,)
        The weights used (one per model of ``estimators_``), summing to 1.
    classes_ : ndarray of shape (n_classes,)
        Class labels (multi-label: the label indices ``0 .. n_labels - 1``).
    class_prior_ : ndarray of shape (n_classes,)
        The (``sample_weight``-weighted) frequency of each class among all
        training rows (multi-label: of each label), the prediction for a
        row in which every modality is missing.
    cv_log_loss_ : float
        With ``weights="auto"``: the out-of-fold log-loss at the weights learned.
    multilabel_ : bool
        Whether ``y`` was a multi-label indicator matrix.
    n_features_in_ : int
        Number of columns of X seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of X, when it has string names.

    See Also
    --------
    ModalityFusion : early fusion of feature blocks.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmultimodal.fusion import LateFusionClassifier
    >>> rng = np.random.RandomState(0)
    >>> y = np.repeat([0, 1], 20)
    >>> X = rng.normal(size=(40, 4)) + y[:, None]
    >>> clf = LateFusionClassifier([
    ...     ("a", LogisticRegression(), [0, 1]),
    ...     ("b", LogisticRegression(), [2, 3]),
    ... ], weights="auto", cv=3).fit(X, y)
    >>> clf.predict_proba(X).shape
    (40, 2)
    >>> bool(np.isclose(clf.weights_.sum(), 1.0))
    True
    """

    _branches_param = "estimators"
    _fitted_param = "estimators_"
    _branch_word = "estimator"
    _missing_hint = (
        "Pass missing='skip' to LateFusionClassifier to leave missing "
        "modalities out of those samples' combination."
    )
    _unreadable_hint = (
        "Pass missing='skip' to LateFusionClassifier to leave unreadable "
        "modalities out of those samples' combination."
    )
    _row_error_hint = (
        "Fix or drop the row, or leave it out of that sample's combination: "
        "missing='skip', with image extractors of on_error='missing'."
    )
    _fit_one = staticmethod(_fit_one)
    _parameter_constraints = {
        "estimators": [list],
        "weights": [StrOptions({"auto"}), list, tuple, np.ndarray, dict, None],
        "voting": [StrOptions({"soft", "log"})],
        "missing": [StrOptions({"raise", "skip", "error"}, deprecated={"error"})],
        "cv": ["cv_object"],
        "n_jobs": N_JOBS,
    }

    def __init__(
        self,
        estimators,
        *,
        weights=None,
        voting="soft",
        missing="raise",
        cv=5,
        n_jobs=None,
    ):
        self.estimators = estimators
        self.weights = weights
        self.voting = voting
        self.missing = missing
        self.cv = cv
        self.n_jobs = n_jobs

    @each_warning_once  # a model per modality and internal fold
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Fit one model per modality (and the weights when ``"auto"``).

        Parameters
        ----------
        X : DataFrame, dict of columns or 2-D array of shape (n_samples, ...)
            One column (or several) per modality.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 0/1 label matrix (multi-label).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample, given to the final step of
            every model (the rows where its modality is present), to their
            internal cross-validation, and to the log-loss that
            ``weights="auto"`` minimises. Every model's final step must
            take ``sample_weight`` in ``fit``.
        groups : array-like of shape (n_samples,), default=None
            Group of each sample, for the internal cross-validation of
            ``weights="auto"``: its folds then keep each group whole, so that
            the weights are learned from probabilities of models that never
            saw the row's group. Give the same groups as the outer folds'.
            Not used with fixed weights.

        Returns
        -------
        self : LateFusionClassifier
        """
        self._validate_branches()
        for name, est, _ in self.estimators:
            if _is_drop(est):
                continue
            if not hasattr(est, "fit") or not hasattr(est, "predict_proba"):
                raise TypeError(
                    f"estimator {name!r} must have fit and predict_proba, or be "
                    f"'drop'; got {type_name(est)}"
                )
        if not self.estimators:
            raise ValueError("LateFusionClassifier needs at least one estimator")
        if not self._branches(fitted=False):
            raise ValueError(
                "LateFusionClassifier: every estimator is 'drop'; at least one "
                "must be a classifier"
            )
        X, n = validate_table(self, X, self._columns(), reset=True)
        if y is None:
            raise ValueError(
                "LateFusionClassifier requires y to be passed, but the target y "
                "is None."
            )
        check_target_present(y, row_index(X))
        check_label_types(y, row_index(X))
        if sample_weight is not None:
            sample_weight = self._check_sample_weight(sample_weight, n)
        groups = check_groups(groups, n, "LateFusionClassifier")
        if isinstance(self.cv, _GROUP_SPLITTERS) and self._learns_weights():
            owner = "LateFusionClassifier"
            check_group_splitter(self.cv, groups, owner, owner)
        self.multilabel_ = type_of_target(y, input_name="y") == MULTILABEL
        if self.multilabel_:  # one probability per label
            y = _indicator_matrix(y)
            check_consistent_length(np.arange(n), y)
            self.classes_ = np.arange(y.shape[1])
            if self._learns_weights():
                check_stratifiable(self.cv, "multi-label", "LateFusionClassifier")
        else:
            y = column_or_1d(y, warn=True)
            check_consistent_length(np.arange(n), y)  # scikit-learn's message
            check_classification_targets(y)
            self.classes_ = np.unique(y)
            # as the members would say (a modality present only in rows of
            # one class gets a prior; fit warns)
            check_two_classes(self.classes_, "LateFusionClassifier")
        self.class_prior_ = self._prior(y, sample_weight)
        try:  # the models get their native blocks whatever set_config says
            with config_context(transform_output="default"):
                fitted = self._fit_branches(
                    X,
                    y,
                    n,
                    policy=self._missing_policy(),
                    index=row_index(X),
                    sample_weight=sample_weight,
                )
        except ValueError as exc:
            if not self.multilabel_:
                raise
            raise ValueError(
                f"a model could not fit the multi-label target ({exc}); "
                "LateFusionClassifier needs models with one probability per "
                "label, such as OneVsRestClassifier(LogisticRegression())"
            ) from exc
        self._check_fit_rows([b.present for b, _, _ in fitted], n, row_index(X))
        self._warn_one_class([b for b, _, _ in fitted], y)
        self.estimators_ = [(b.name, est, b.column) for b, est, _ in fitted]
        self._estimator_names = [name for name, _, _ in self.estimators]
        with config_context(transform_output="default"):
            branches = [b for b, _, _ in fitted]
            self.weights_ = self._resolve_weights(branches, y, n, sample_weight, groups)
        return self

    @property
    def named_estimators_(self):
        """The fitted models by name, ``"drop"`` for a dropped one (a Bunch):
        built on each access from ``estimators_``, so that a saved model
        holds each fitted model once."""
        fitted = {name: est for name, est, _ in self.estimators_}
        return Bunch(**{n: fitted.get(n, "drop") for n in self._estimator_names})

    def __setstate__(self, state):
        # a model saved when it was stored (now built from estimators_)
        if "named_estimators_" in state:
            state["_estimator_names"] = list(state.pop("named_estimators_"))
        super().__setstate__(state)

    def _check_sample_weight(self, sample_weight, n):
        """``sample_weight`` checked, once every model's final step is known
        to take it."""
        for name, est, _ in self._branches(fitted=False):
            owner = f"the final step of estimator {name!r}"
            checked_sample_weight(sample_weight, n, est, owner)
        return checked_sample_weight(sample_weight, n, None, "")

    def _prior(self, y, sample_weight):
        """The training frequency of each class (multi-label: the mean of
        each label), weighted by ``sample_weight``."""
        if self.multilabel_:
            return np.average(y, axis=0, weights=sample_weight).astype(float)
        onehot = (y[:, None] == self.classes_[None, :]).astype(float)
        return np.average(onehot, axis=0, weights=sample_weight)

    @staticmethod
    def _covered(presents, n):
        """Which rows at least one modality is present in."""
        covered = np.zeros(n, dtype=bool)
        for present in presents:
            covered[present] = True
        return covered

    def _check_fit_rows(self, presents, n, index):
        """Rows with no modality at all are left out of every model (their
        ``present`` rows never hold them): one warning names them."""
        covered = self._covered(presents, n)
        if not covered.any():  # every modality missing in every row
            raise ValueError(
                "every modality is missing or unreadable in every row; "
                "LateFusionClassifier has nothing to fit on."
            )
        if not covered.all():
            rows = describe_rows(np.flatnonzero(~covered), index)
            warn_at_caller(
                f"LateFusionClassifier: every modality is missing or unreadable "
                f"in {rows}; they carry no evidence and are left out of every "
                "modality's model (at predict such a row gets the training "
                "class prior, class_prior_).",
                MissingModalityWarning,
            )

    def _warn_one_class(self, branches, y):
        """One warning for each modality whose present rows hold a single
        class of the two or more of ``y`` (its other rows missing or
        unreadable, skipped): :func:`_fit_one` fitted a ``DummyClassifier``
        in its place, as the internal folds do; and one for the modalities
        whose present rows miss some classes (more than one held), which
        their models never saw (see :func:`pool`)."""
        if self.multilabel_ or len(self.classes_) < 2:
            return
        unseen = []
        for branch in branches:
            held = np.unique(take_y(y, branch.present)).tolist()
            never = np.setdiff1d(self.classes_, held)
            if len(held) > 1 and len(never):
                many = "es" if len(never) > 1 else ""
                listed = ", ".join(repr(plain_label(c)) for c in never)
                unseen.append(
                    f"modality {branch.name!r} is missing or unreadable (and "
                    f"skipped) in every training row of class{many} {listed}"
                )
            if len(held) == 1:
                warn_at_caller(
                    f"LateFusionClassifier: modality {branch.name!r} is present "
                    f"only in rows of class {held[0]!r} (it is missing or "
                    "unreadable, and skipped, in the others); no classifier can "
                    "fit a single class, so its model (a Pipeline: its final "
                    "step) is DummyClassifier(strategy='prior'), which gives "
                    "that class probability 1 wherever the modality is present, "
                    "as the internal folds of weights='auto' do for a fold of "
                    "one class."
                )
        if unseen:
            warn_at_caller(
                f"LateFusionClassifier: {'; '.join(unseen)}. A model that never "
                "saw a class has no opinion about it: with voting='log' the "
                "class's product leaves that model out (its probability 0 "
                "would veto the class); with voting='soft' the model adds 0 to "
                "the class's sum. Give the class training rows with the "
                "modality for its model to weigh in on it."
            )

    def _resolve_weights(self, branches, y, n, sample_weight=None, groups=None):
        names = [b.name for b in branches]
        w = self.weights
        if w is None:
            return normalize_weights(np.ones(len(names)))
        if isinstance(w, str):  # "auto"; one model left weighs 1
            if not self._learns_weights():
                return np.ones(1)
            return self._learn_weights(branches, y, n, sample_weight, groups)
        every = [name for name, _, _ in self.estimators]
        return normalize_weights(kept_weights(w, every, names, "estimator"))

    def _learn_weights(self, branches, y, n, sample_weight=None, groups=None):
        P = np.zeros((len(branches), n, len(self.classes_)))
        masks = np.zeros((n, len(branches)), dtype=bool)
        rows = [b.present if len(b.present) < n else slice(None) for b in branches]
        ungrouped = self._check_groups(branches, [take_y(groups, r) for r in rows])
        listed = self._listed_splits(n, branches)
        seen = []  # the classes each modality's models saw (present rows)
        for i, (name, est, _, data, present) in enumerate(branches):
            y_p, w_p, g_p = (take_y(v, rows[i]) for v in (y, sample_weight, groups))
            if name in ungrouped:  # the folds split without them
                g_p = None
            if listed is None:
                cv = self._internal_cv(y_p, g_p, name, n)
            else:
                splits = _present_splits(listed, present, n, name)
                cv = check_cv(splits, y_p, classifier=True)
            full = self.named_estimators_[name]  # fitted on all its rows
            oof = _oof_proba(clone(est), data, y_p, cv, w_p, name, g_p, full)
            if self._multilabel:
                P[i, present] = self._check_labels(oof, name=name)
            else:
                seen.append(np.unique(y_p))
                P[i, present] = self._align(oof, seen[-1])
            masks[present, i] = True
        covered = masks.any(axis=1)  # rows with no modality carry no evidence
        if not covered.all():
            P, masks, y = P[:, covered], masks[covered], y[covered]
            if sample_weight is not None:
                sample_weight = sample_weight[covered]
        if self._multilabel:  # each (row, label) a two-class problem
            k = len(self.classes_)
            P, masks, y_idx = _binary_rows(P), np.repeat(masks, k, axis=0), y.ravel()
            if sample_weight is not None:
                sample_weight = np.repeat(sample_weight, k)
        else:
            y_idx = np.searchsorted(self.classes_, y)
        weights, self.cv_log_loss_ = learn_pool_weights(
            P, masks, y_idx, self.voting, sample_weight, self._seen(seen)
        )
        return weights

    def _check_groups(self, branches, groups):
        """The names of the modalities whose rows hold fewer than 2 of
        their ``groups`` (one array per branch, or None), whose internal
        folds for an int ``cv`` then ignore groups (one warning names them);
        a group splitter ``cv`` is refused there, naming the modality."""
        names = [b.name for b in branches]
        if groups[0] is None:
            return []
        if isinstance(self.cv, _GROUP_SPLITTERS):
            for name, g in zip(names, groups):
                what = f"LateFusionClassifier (the rows of modality {name!r})"
                check_group_splitter(self.cv, g, what, "LateFusionClassifier")
        if not isinstance(self.cv, Integral):
            return []
        counts = {nm: len(np.unique(g)) for nm, g in zip(names, groups)}
        few = {nm: k for nm, k in counts.items() if k < 2}
        if few:
            which = " and ".join(repr(nm) for nm in few)
            word = "modality" if len(few) == 1 else "modalities"
            what = f"LateFusionClassifier (the rows of {word} {which})"
            warn_ungrouped(what, max(few.values()))
        return list(few)

    def _listed_splits(self, n, branches):
        """A ``cv`` given as a list (or other iterable) of splits, read once;
        None for an int or a splitter. Where a modality misses rows, the
        splits are checked against the ``n`` rows fitted here (each
        modality's folds are then its present rows of each split, see
        :func:`_present_splits`); else by :func:`_oof_proba`."""
        if (
            self.cv is None
            or isinstance(self.cv, Integral)
            or hasattr(self.cv, "split")
        ):
            return None
        splits = list(self.cv)
        if any(len(b.present) < n for b in branches):
            _check_split_rows(splits, n, "LateFusionClassifier")
        return splits

    def _internal_cv(self, y, groups, name, n):
        """The splitter of ``weights="auto"`` for the rows of modality
        ``name`` (labels ``y``: its present rows of the ``n`` fitted):
        ``cv``, an int becoming a group splitter with ``groups`` (at least 2
        of them, see :meth:`_check_groups`), its folds then reduced to what
        those rows allow (see :meth:`_fewer_folds`)."""
        if not isinstance(self.cv, Integral):
            return check_cv(self.cv, y, classifier=True)
        what = "LateFusionClassifier"  # not reached: 2 groups or more
        if groups is None:
            cv = check_cv(self.cv, y, classifier=True)
        elif self._multilabel:
            cv = GroupKFold(grouped_n_splits(self.cv, groups, what))
        else:
            cv = StratifiedGroupKFold(grouped_n_splits(self.cv, groups, what, y))
        return self._fewer_folds(cv, y, name, n)

    def _fewer_folds(self, cv, y, name, n):
        """The splitter ``cv`` of an int ``cv`` for the rows of modality
        ``name`` (labels ``y``, of the ``n`` fitted), its folds reduced, with
        a warning naming the modality, to what those rows allow: a
        stratified splitter makes at most as many folds as the rows of their
        largest class, another as the rows (scikit-learn's splitters refuse
        more). A modality with too few rows for 2 folds (present in a single
        row, or in one row of each class) is an error naming it and ``cv``."""
        stratified = isinstance(cv, _STRATIFIED_SPLITTERS)
        most = np.unique(y, return_counts=True)[1].max() if stratified else len(y)
        if cv.n_splits <= most:
            return cv
        if len(y) < n:
            rows = (
                f"is present in {len(y)} of the {n} training rows (missing or "
                "unreadable, and skipped, in the others)"
            )
        else:
            rows = f"has {n} training rows"
        if stratified:
            rows += f", at most {most} of one class"
        if most < 2:
            raise ValueError(
                f"LateFusionClassifier: modality {name!r} {rows}, and the internal "
                f"cross-validation of weights='auto' (cv={self.cv}) needs 2 rows"
                f"{' of one class' if stratified else ''} to make 2 folds; give "
                "fixed weights (None, a list or a dict), gather more rows with "
                f"the modality, or leave it out (set_params({name}='drop'))"
            )
        warn_at_caller(
            f"LateFusionClassifier: modality {name!r} {rows}: too few for the "
            f"{self.cv} internal folds of weights='auto' (cv={self.cv}), so its "
            f"folds are reduced to {most}; its out-of-fold probabilities, and "
            "the weights learned from them, rest on few rows."
        )
        return type(cv)(int(most))

    def _branches(self, fitted):
        """The triples to iterate over: the fitted ones, or the given ones
        not ``"drop"``."""
        if fitted:
            return self.estimators_
        return [t for t in self.estimators if not _is_drop(t[1])]

    @property
    def _multilabel(self):
        return getattr(self, "multilabel_", False)

    def _check_labels(self, proba, name):
        """A model's per-label probabilities, checked for a multi-label
        target."""
        return _checked_labels(proba, len(self.classes_), name)

    def _seen(self, classes):
        """Which of ``classes_`` each modality's model saw (one array of
        classes per modality), for :func:`pool`; None for a multi-label
        target, whose models see each label."""
        if self._multilabel:
            return None
        return np.array([np.isin(self.classes_, c) for c in classes])

    def _align(self, proba, classes):
        """Columns of an estimator's proba mapped onto ``classes_``."""
        out = np.zeros((proba.shape[0], len(self.classes_)))
        out[:, np.searchsorted(self.classes_, classes)] = proba
        return out

    def predict_proba(self, X):
        """Combined class probabilities.

        Parameters
        ----------
        X : DataFrame, dict of columns or 2-D array
            Same columns as in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``; rows sum to 1. Multi-label: the
            combined probability of each label.
        """
        check_is_fitted(self, "estimators_")
        with config_context(transform_output="default"):  # native blocks
            return self._predict_proba(X)

    def _predict_proba(self, X):
        X, n = validate_table(self, X, self._columns(fitted=True), reset=False)
        policy = self._missing_policy(warn=False)
        index = row_index(X)
        branches = list(self._iter(X, n, fitted=True, policy=policy, index=index))
        P = np.zeros((len(branches), n, len(self.classes_)))
        masks = np.zeros((n, len(branches)), dtype=bool)
        presents = []
        for i, branch in enumerate(branches):
            est, data, present = branch.estimator, branch.data, branch.present
            head, final = _split(est)
            if len(present) and head is not None:
                rows = present if len(present) < n else None
                with naming_branch(branch.name, self._row_error_hint, data, rows):
                    data = head.transform(data)
                unreadable = self._unreadable_rows(
                    branch, data, index, "predict", policy
                )
                if len(unreadable):
                    keep = np.setdiff1d(np.arange(len(present)), unreadable)
                    data, present = take_rows(data, keep), present[keep]
            if len(present) and self._multilabel:
                P[i, present] = self._check_labels(
                    final.predict_proba(data), branch.name
                )
                masks[present, i] = True
            elif len(present):
                P[i, present] = self._align(final.predict_proba(data), est.classes_)
                masks[present, i] = True
            presents.append(present)
        covered = self._covered(presents, n)
        self._check_weighted(presents, n, index, covered)
        if not covered.all():
            rows = describe_rows(np.flatnonzero(~covered), index)
            if not hasattr(self, "class_prior_"):  # fitted by an older version
                raise ValueError(
                    f"every modality is missing or unreadable in {rows}; this "
                    "LateFusionClassifier was fitted without class_prior_ (an "
                    "older version), which such rows get: fit it again."
                )
            warn_at_caller(
                f"LateFusionClassifier: every modality is missing or unreadable "
                f"in {rows}; their probabilities are the training class prior "
                "(class_prior_).",
                MissingModalityWarning,
            )
        out = np.empty((n, len(self.classes_)))
        if not covered.all():
            out[~covered] = self.class_prior_
        if not covered.any():
            return out
        P, masks = P[:, covered], masks[covered]
        if self._multilabel:  # each label pooled as two classes
            k = len(self.classes_)
            two = pool(
                _binary_rows(P), np.repeat(masks, k, axis=0), self.weights_, self.voting
            )
            two = two / two.sum(axis=1, keepdims=True)
            out[covered] = two[:, 1].reshape(-1, k)
            return out
        seen = self._seen(b.estimator.classes_ for b in branches)
        proba = pool(P, masks, self.weights_, self.voting, seen)
        # weights below pool's EPS would leave a row summing to less than 1
        out[covered] = proba / proba.sum(axis=1, keepdims=True)
        return out

    def _check_weighted(self, presents, n, index, covered):
        """Rows whose present modalities all have weight 0 have no
        combination (their probabilities would all be 0); rows with no
        modality at all (not ``covered``) get the prior instead."""
        weighted = ~covered
        for w, present in zip(self.weights_, presents):
            if w > 0:
                weighted[present] = True
        if not weighted.all():
            rows = describe_rows(np.flatnonzero(~weighted), index)
            zero = [
                nm for (nm, _, _), w in zip(self.estimators_, self.weights_) if w <= 0
            ]
            raise ValueError(
                f"only modalities of weight 0 ({zero}) are present in {rows}; "
                "LateFusionClassifier cannot combine them. Give those "
                "modalities a weight > 0 or drop those rows."
            )

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`."""
        return np.log(np.clip(self.predict_proba(X), EPS, 1.0))

    def predict(self, X):
        """The class with the highest combined probability.

        Parameters
        ----------
        X : DataFrame, dict of columns or 2-D array
            Same columns as in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Multi-label: 1 for each label whose combined probability exceeds
            0.5.
        """
        check_is_fitted(self, "estimators_")
        if self._multilabel:
            return (self.predict_proba(X) > 0.5).astype(int)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        # NaN marks a missing modality value, which "skip" accepts
        tags.input_tags.allow_nan = isinstance(self.missing, str) and (
            self.missing == "skip"
        )
        tags.classifier_tags.multi_label = True  # a 0/1 label matrix as y
        return tags

    def __skmultimodal_internal_folds__(self):
        """Whether fit splits its training rows into internal folds (to
        learn ``weights="auto"``), which ``groups`` should keep whole."""
        return self._learns_weights()

    def _learns_weights(self):
        """Whether fit learns ``weights="auto"`` on internal folds: not with a
        single estimator left (the others ``"drop"``), whose weight is 1."""
        if not (isinstance(self.weights, str) and self.weights == "auto"):
            return False
        try:
            return len(self._branches(fitted=False)) > 1
        except (TypeError, IndexError, KeyError):  # estimators not yet checked
            return True
