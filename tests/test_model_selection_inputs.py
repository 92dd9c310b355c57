"""What compare_models and modality_contributions do with what a library
user hands them: folds that are not a partition of the rows, score names
that are result fields, models that are not a dict of estimators, bad cv,
task and groups, bad X, and the warnings of folds fitted in other
processes."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.model_selection import KFold

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.image import ImageWarning
from skmultimodal.model_selection import compare_models, modality_contributions
from tests._workers import NONE_OR_TWO


@pytest.fixture(scope="module")
def data():
    return make_multimodal_classification(n_samples=60, random_state=0)


def _text_only():
    return make_multimodal_pipeline(image=None, text_features="tfidf")


def _ridge():
    return make_multimodal_pipeline(
        image=None, text_features="tfidf", estimator="ridge"
    )


def _broken(estimator=None):
    """A model whose fit fails: an error from it means fitting started."""
    return make_multimodal_pipeline(
        image=None, text="no such column", estimator=estimator
    )


# ------------------------------------------------------ folds and rows ---
@pytest.mark.parametrize(
    "cv, message",
    [
        (
            [(np.arange(40), np.arange(40, 60))],
            r"40 of 60 rows are in no test fold \(rows 0, 1, 2, 3, 4, \.\.\.\)",
        ),
        (
            [
                (np.arange(30), np.arange(30, 60)),
                (np.arange(40, 60), np.arange(10, 40)),
            ],
            r"10 of 60 rows are in no test fold \(rows 0, .*\) and 10 of 60 rows "
            r"are in several test folds \(rows 30, ",
        ),
        (
            KFold(3).split(np.arange(60)),  # a generator, used once
            None,
        ),
    ],
    ids=["holdout", "overlap", "partition"],
)
def test_folds_must_be_a_partition_of_the_rows(data, cv, message):
    """Out-of-fold predictions need every row in exactly one test fold: any
    other cv is refused before anything is fitted."""
    X, y = data
    if message is None:  # a partition: the broken model gets to be fitted
        with pytest.raises(ValueError, match="no such column"):
            compare_models({"broken": _broken()}, X, y, cv=list(cv))
        return
    with pytest.raises(ValueError, match="exactly one test fold") as info:
        compare_models({"broken": _broken()}, X, y, cv=cv)
    assert info.match(message)


def test_boolean_test_masks_are_rows(data):
    X, y = data
    masks = [(np.arange(60) % 3 != k, np.arange(60) % 3 == k) for k in range(3)]
    r = compare_models({"t": _text_only()}, X, y, cv=masks).models["t"]
    assert [list(t) for t in r.test_indices] == [
        list(np.flatnonzero(np.arange(60) % 3 == k)) for k in range(3)
    ]
    assert r.oof_pred.dtype == y.dtype and np.isin(r.oof_pred, y).all()
    assert np.allclose(r.oof_proba.sum(axis=1), 1.0)


# -------------------------------------------------------------- scoring ---
@pytest.mark.parametrize(
    "scoring, message",
    [
        (
            {"fit_time": "accuracy"},
            "'fit_time' clashes with the result field 'fit_time':",
        ),
        (
            {"oof_pred": "accuracy"},
            "'oof_pred' clashes with the result field 'oof_pred':",
        ),
        (
            {"acc": "accuracy", "acc_std": "f1_macro"},
            "scoring name 'acc_std' clashes with the field 'acc_std' of score 'acc':",
        ),
        ("contribution", "scoring name 'contribution' clashes"),
    ],
)
def test_score_names_may_not_overwrite_result_fields(data, scoring, message):
    X, y = data
    with pytest.raises(ValueError, match=message) as info:
        compare_models({"broken": _broken()}, X, y, cv=3, scoring=scoring)
    assert info.match("these names are taken: fit_time, fit_time_folds, oof_pred")


# --------------------------------------------------------------- models ---
@pytest.mark.parametrize(
    "models, error, message",
    [
        ({}, ValueError, "models is empty"),
        (
            [_text_only()],
            TypeError,
            "models must be a dict mapping names to estimators.*got list",
        ),
        (
            {"ok": _text_only(), "x": 5},
            TypeError,
            r"models\['x'\] is not an estimator .*got int",
        ),
    ],
    ids=["empty", "list", "not-an-estimator"],
)
def test_models_must_be_a_dict_of_estimators(data, models, error, message):
    X, y = data
    with pytest.raises(error, match=message):
        compare_models(models, X, y, cv=3)


# ------------------------------------------------- cv, task and groups ---
def test_a_bool_cv_is_refused_as_a_bool(data):
    X, y = data
    with pytest.raises(TypeError, match="cv must be a number of folds.*bool True"):
        compare_models({"t": _text_only()}, X, y, cv=True)


@pytest.mark.parametrize("task", ["regression", None])
def test_regression_on_labels_names_y_and_the_task(data, task):
    """Explicit, or followed from the regressors: y must hold numbers."""
    X, y = data
    labels = np.array(["cat", "dog", "eel"], dtype=object)[y]
    labels[0] = 1.5  # a number, then a label
    with pytest.raises(
        ValueError, match=r"task='regression' needs numbers in y; row 1 of y is 'dog'"
    ):
        compare_models({"r": _broken("ridge")}, X, labels, cv=3, task=task)


def test_regressors_on_whole_numbers_are_a_regression(data):
    """y of class-like whole numbers: the task follows the regressors (their
    scores, unstratified folds, float out-of-fold predictions)."""
    X, y = data
    result = compare_models({"r": _ridge()}, X, y, cv=3)
    assert result.task == "regression" and result.scoring == ["r2", "mae"]
    assert result.classes == [] and result.n_classes == 0
    m = result.models["r"]
    assert np.isfinite(m.r2) and m.mae > 0 and m.oof_proba is None
    # each row's prediction by the fold model that did not see it, untruncated
    for est, test in zip(m.estimators, m.test_indices):
        assert np.allclose(m.oof_pred[test], est.predict(X.iloc[test]))
    assert m.oof_pred.dtype.kind == "f" and not np.allclose(m.oof_pred, y)


@pytest.mark.parametrize(
    "task, models, message",
    [
        (
            None,
            {"r": _broken("ridge"), "c": _broken(), "c2": _broken()},
            r"models mixes regressors \('r'\) and classifiers \('c', 'c2'\).*"
            r"\(task='regression'\).*\(task='classification'",
        ),
        (
            "classification",
            {"c": _broken(), "r": _broken("ridge")},
            r"task='classification' does not fit the regressor\(s\) 'r': .*"
            "task='regression'",
        ),
        (
            "multilabel",
            {"r": _broken("ridge")},
            r"task='multilabel' does not fit the regressor\(s\) 'r'",
        ),
        (
            "regression",
            {"r": _broken("ridge"), "c": _broken()},
            r"task='regression' does not fit the classifier\(s\) 'c': .*"
            "task='classification'",
        ),
    ],
    ids=["mixed", "classification-regressor", "multilabel-regressor", "regression"],
)
def test_models_of_another_task_are_refused_naming_them(data, task, models, message):
    """Before anything is fitted (the broken models would fail in fit)."""
    X, y = data
    with pytest.raises(ValueError, match=message):
        compare_models(models, X, y, cv=3, task=task)


class _Mean(BaseEstimator):
    """A model of neither kind (no estimator type): predicts y's mean."""

    def fit(self, X, y):
        self.mean_ = np.mean(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


@pytest.mark.parametrize("continuous", [False, True])
def test_models_of_neither_kind_take_the_task_of_y(data, continuous):
    X, y = data
    target = y + 0.5 * continuous
    result = compare_models({"mean": _Mean()}, X, target, cv=3, scoring="r2")
    assert result.task == ("regression" if continuous else "classification")


@pytest.mark.parametrize("task", [None, "classification"])
def test_classifiers_on_continuous_numbers_are_refused(data, task):
    X, _ = data
    value = np.random.RandomState(0).normal(size=len(X))
    with pytest.raises(
        ValueError,
        match=r"y holds continuous numbers, but classification.* needs class labels",
    ) as info:
        compare_models({"c": _broken()}, X, value, cv=3, task=task)
    assert "(the classifier(s) 'c')" in str(info.value)


@pytest.mark.parametrize("model", [_ridge, _text_only])
@pytest.mark.parametrize("kind", ["array", "series"])
def test_a_missing_target_is_refused_as_fit_refuses_it(data, model, kind):
    """The rows named in fit's own words, before any fold is fitted and
    without NumPy's warnings."""
    X, y = data
    X = X.set_axis([f"p{i}" for i in range(len(X))])
    target = y.astype(float)
    target[[2, 7]] = np.nan
    if kind == "series":
        target = pd.Series(target, index=X.index).astype(object)
        target.iloc[7] = None
    with pytest.raises(ValueError) as fitted:
        model().fit(X, target)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # e.g. NaN cast to int
        with pytest.raises(ValueError) as compared:
            compare_models({"m": model()}, X, target, cv=3)
    assert str(compared.value) == str(fitted.value)
    assert compared.match(r"y is missing .* in 2 row\(s\): row 2 \(index 'p2'\)")


@pytest.mark.parametrize(
    "groups, message",
    [
        (np.r_[np.arange(7) % 6, np.nan, np.arange(52) % 6], "missing value .* row 7"),
        ([None, *["a", "b", "c"] * 19, "a", "b"], "missing value .* row 0"),
        (np.arange(59) % 6, r"one value per row: got shape \(59,\) for 60"),
    ],
    ids=["nan", "none", "short"],
)
def test_bad_groups_are_refused_naming_the_row(data, groups, message):
    X, y = data
    for cv in (3, KFold(3)):  # with or without groups of its own
        with pytest.raises(ValueError, match=message):
            compare_models({"broken": _broken()}, X, y, cv=cv, groups=groups)


# ------------------------------------------------- modality_contributions ---
@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return {
        method: make_multimodal_pipeline(
            method=method, image_features="pixels", random_state=0
        ).fit(X, y)
        for method in ("late", "attention", "concat")
    }


@pytest.mark.parametrize("method", ["late", "attention", "concat"])
def test_modality_contributions_refuses_bad_x(data, fitted, method):
    X, _ = data
    model = fitted[method]
    shares = modality_contributions(model, X)
    assert (shares is None) == (method == "concat")  # no per-modality weights
    with pytest.raises(ValueError, match="column 'text' of modality 'text' is not"):
        modality_contributions(model, X.rename(columns={"text": "caption"}))
    with pytest.raises(ValueError, match="column 'image' of modality 'image'"):
        modality_contributions(model, X[["text"]])
    with pytest.raises(TypeError, match="X must be the rows .* got None"):
        modality_contributions(model, None)
    with pytest.raises(ValueError, match="0 sample"):
        modality_contributions(model, X.iloc[:0])


@pytest.mark.parametrize("estimator", ["hello", object(), None])
def test_modality_contributions_needs_an_estimator(data, estimator):
    X, _ = data
    with pytest.raises(TypeError, match="estimator must be a fitted estimator"):
        modality_contributions(estimator, X)


def test_a_model_without_a_fusion_step_has_no_shares_but_x_is_checked(data):
    X, y = data
    model = _text_only()[-1].fit(np.eye(3), [0, 1, 2])  # a plain classifier
    assert modality_contributions(model, X) is None
    with pytest.raises(TypeError, match="X must be a table of rows .* got int"):
        modality_contributions(model, 5)
    with pytest.raises(ValueError, match="X has no rows"):
        modality_contributions(model, X.iloc[:0])


# -------------------------------------------------------------- warnings ---
@pytest.mark.parametrize("n_jobs", NONE_OR_TWO)
def test_fold_warnings_reach_the_caller_once(data, n_jobs):
    """An unreadable image under missing="mean": each fold's warnings reach
    the caller's catch_warnings, from worker processes too, each distinct
    one once, attributed to the line calling compare_models."""
    X, y = data
    X = X.astype({"image": object})
    X.at[5, "image"] = "/nonexistent.png"
    model = make_multimodal_pipeline(
        method="late", image_features="pixels", missing="mean", random_state=0
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _line() + 1
        result = compare_models({"late": model}, X, y, cv=3, n_jobs=n_jobs)
    texts = [str(w.message) for w in caught]
    assert len(texts) == len(set(texts)) > 0, texts
    assert {(w.filename, w.lineno) for w in caught} == {(__file__, line)}
    # the image features name the row's position among the rows they read:
    # in the training rows of the folds fitted on row 5, in the test rows
    # of the fold predicting it (the same text from two folds comes once)
    where = set()
    for test in result.models["late"].test_indices:
        rows = list(test) if 5 in test else list(np.setdiff1d(np.arange(60), test))
        where.add(f"row {rows.index(5)} (index 5), path '/nonexistent.png'")
    unreadable = [w for w in caught if issubclass(w.category, ImageWarning)]
    assert len(unreadable) == len(where)
    assert {m for m in where for w in unreadable if m in str(w.message)} == where


def _line():
    import inspect

    return inspect.currentframe().f_back.f_lineno
