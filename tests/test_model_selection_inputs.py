"""What compare_models and modality_contributions do with what a library
user hands them: folds that are not a partition of the rows, score names
that are result fields, models that are not a dict of estimators, bad cv,
task and groups, bad X, and the warnings of folds fitted in other
processes."""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import KFold

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.image import ImageWarning
from skmultimodal.model_selection import compare_models, modality_contributions


@pytest.fixture(scope="module")
def data():
    return make_multimodal_classification(n_samples=60, random_state=0)


def _text_only():
    return make_multimodal_pipeline(image=None, text_features="tfidf")


def _broken():
    """A model whose fit fails: an error from it means fitting started."""
    return make_multimodal_pipeline(image=None, text="no such column")


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


def test_regression_on_labels_names_y_and_the_task(data):
    X, y = data
    labels = np.array(["cat", "dog", "eel"], dtype=object)[y]
    labels[0] = 1.5  # a number, then a label
    with pytest.raises(
        ValueError, match=r"task='regression' needs numbers in y; row 1 of y is 'dog'"
    ):
        compare_models({"t": _text_only()}, X, labels, cv=3, task="regression")


@pytest.mark.parametrize(
    "groups, message",
    [
        (np.r_[np.arange(7) % 6, np.nan, np.arange(52) % 6], "missing value .* row 7"),
        ([None, *["a", "b", "c"] * 19, "a", "b"], "missing value .* row 0"),
        (np.arange(59) % 6, r"one value per row of y: got shape \(59,\) for 60"),
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
@pytest.mark.parametrize("n_jobs", [None, 2])
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
