"""compare_models: a callable scoring that returns a dict of scores, the
out-of-fold probabilities of a model giving one array per label, and the
direction of each score decided by its scorer; write_report's metrics.json
holds NaN as null."""

import json

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, f1_score, make_scorer
from sklearn.model_selection import KFold, LeaveOneOut, StratifiedKFold, cross_validate
from sklearn.multioutput import MultiOutputClassifier
from sklearn.tree import DecisionTreeClassifier

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.model_selection import compare_models
from skmultimodal.model_selection._compare import TASK_SCORING, score_sign
from skmultimodal.report import best_model, write_report
from skmultimodal.report import greater_is_better as report_greater_is_better
from skmultimodal.utils._io import json_text


def _classes(n=40, seed=0):
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    X = rng.normal(size=(n, 3)) + y[:, None]
    return X, y


def _numbers(n=30, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    return X, X @ [1.0, -2.0, 0.5] + rng.normal(0, 0.5, n)


def _multi(est, X, y):
    p = est.predict(X)
    return {"acc": accuracy_score(y, p), "f1": f1_score(y, p, average="macro")}


# a callable scoring returning a dict: one score per key, as cross_validate


def test_callable_returning_a_dict_gives_one_score_per_key():
    X, y = _classes()
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    result = compare_models({"lr": LogisticRegression()}, X, y, cv=cv, scoring=_multi)
    expected = cross_validate(LogisticRegression(), X, y, cv=cv, scoring=_multi)
    assert result.scoring == ["acc", "f1"]
    assert result.greater_is_better == {"acc": True, "f1": True}
    entry = result.models["lr"]
    np.testing.assert_allclose(entry.acc_folds, expected["test_acc"])
    np.testing.assert_allclose(entry.f1_folds, expected["test_f1"])
    assert entry.acc == pytest.approx(np.mean(expected["test_acc"]))


def test_callable_returning_other_keys_on_another_fold_is_refused():
    X, y = _classes()
    calls = []

    def drifting(est, X, y):
        calls.append(1)
        return {f"s{len(calls) > 1}": accuracy_score(y, est.predict(X))}

    with pytest.raises(ValueError, match=r"scoring returned the scores.*fold 1"):
        compare_models({"lr": LogisticRegression()}, X, y, cv=3, scoring=drifting)


def test_callable_dict_key_clashing_with_a_result_field_is_refused():
    X, y = _classes()

    def clash(est, X, y):
        return {"fit_time": accuracy_score(y, est.predict(X))}

    with pytest.raises(ValueError, match="scoring name 'fit_time' clashes"):
        compare_models({"lr": LogisticRegression()}, X, y, cv=3, scoring=clash)


# multi-label: predict_proba as a list of one (n, 2) array per label


def _labels(n):
    return np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0]] * (n // 3))


def test_list_of_per_label_probabilities_gives_the_positive_columns():
    X, _ = _classes(30)
    Y = _labels(30)
    model = MultiOutputClassifier(LogisticRegression())
    result = compare_models({"mo": model}, X, Y, cv=3)
    entry = result.models["mo"]
    assert entry.oof_proba.shape == (30, 3)
    for est, test in zip(entry.estimators, entry.test_indices):
        expected = np.column_stack([p[:, 1] for p in est.predict_proba(X[test])])
        np.testing.assert_allclose(entry.oof_proba[test], expected)


def test_as_many_test_rows_as_labels_is_no_shape_coincidence():
    # 3 folds of 3 rows and 3 labels: the list's (3, 3, 2) array once
    # passed for a (3, 3) one, and then failed to broadcast
    X, _ = _classes(9)
    Y = _labels(9)
    model = MultiOutputClassifier(LogisticRegression())
    entry = compare_models({"mo": model}, X, Y, cv=3).models["mo"]
    assert entry.oof_proba.shape == (9, 3)
    assert ((entry.oof_proba > 0) & (entry.oof_proba < 1)).all()


def test_label_without_its_positive_class_in_training_gets_zero():
    X, _ = _classes(12)
    Y = _labels(12)
    Y[:, 2] = 0
    Y[:3, 2] = 1  # label 2 is positive only in the first test fold
    splits = [(np.arange(3, 12), np.arange(3))] + [
        (np.setdiff1d(np.arange(12), t), t) for t in (np.arange(3, 6), np.arange(6, 12))
    ]
    model = MultiOutputClassifier(DecisionTreeClassifier(random_state=0))
    entry = compare_models({"mo": model}, X, Y, cv=splits).models["mo"]
    # that fold's tree saw label 2 only as 0: its one column is P(0) = 1
    assert list(entry.estimators[0].estimators_[2].classes_) == [0]
    np.testing.assert_array_equal(entry.oof_proba[:3, 2], 0.0)


# the direction of a score comes from its scorer, not from its name


def test_error_scores_are_positive_whatever_their_name():
    X, y = _numbers()
    scoring = {
        "mae": "neg_mean_absolute_error",
        "mse": "neg_mean_squared_error",
        "rmse": "neg_root_mean_squared_error",
    }
    cv = KFold(3, shuffle=True, random_state=0)
    result = compare_models({"r": Ridge()}, X, y, cv=cv, scoring=scoring)
    expected = cross_validate(Ridge(), X, y, cv=cv, scoring=scoring)
    assert result.greater_is_better == {"mae": False, "mse": False, "rmse": False}
    for key in scoring:
        np.testing.assert_allclose(
            result.models["r"][f"{key}_folds"], -expected[f"test_{key}"]
        )
        assert result.models["r"][key] > 0


def test_a_neg_name_keeps_scikit_learns_negated_value():
    X, y = _numbers()
    scoring = ["r2", "neg_mean_squared_error"]
    cv = KFold(3, shuffle=True, random_state=0)
    result = compare_models({"r": Ridge()}, X, y, cv=cv, scoring=scoring)
    expected = cross_validate(Ridge(), X, y, cv=cv, scoring=scoring)
    folds = result.models["r"]["neg_mean_squared_error_folds"]
    np.testing.assert_allclose(folds, expected["test_neg_mean_squared_error"])
    assert max(folds) < 0
    assert result.greater_is_better == {"r2": True, "neg_mean_squared_error": True}


def test_positive_custom_scorer_named_mae_is_not_flipped():
    X, y = _classes()
    error_rate = make_scorer(lambda t, p: np.mean(t != p))  # greater_is_better=True
    models = {"lr": LogisticRegression(), "lr2": LogisticRegression(C=0.001)}
    result = compare_models(models, X, y, cv=3, scoring={"mae": error_rate})
    assert result.greater_is_better == {"mae": True}
    assert all(result.models[n].mae >= 0 for n in models)
    # the report follows the recorded direction, not the name
    assert report_greater_is_better(result, "mae") is True
    best = best_model(result)
    assert result.models[best].mae == max(result.models[n].mae for n in models)


def test_single_error_scorer_is_stored_positive():
    X, y = _numbers()
    scorer = make_scorer(lambda t, p: np.mean(np.abs(t - p)), greater_is_better=False)
    result = compare_models({"r": LinearRegression()}, X, y, cv=3, scoring=scorer)
    assert result.scoring == ["score"]
    assert result.greater_is_better == {"score": False}
    assert result.models["r"].score > 0


def test_default_errors_and_the_report_agree():
    X, y = _numbers()
    result = compare_models({"r": Ridge()}, X, y, cv=3)
    assert result.models["r"].mae > 0
    assert result.greater_is_better == {"r2": True, "mae": False}
    errors = {
        key
        for scoring in TASK_SCORING.values()
        for key, scorer in scoring.items()
        if score_sign(scorer) < 0
    }
    assert errors == {"mae", "hamming_loss"}
    for key in errors:  # the report's fallback says the same
        assert report_greater_is_better({}, key) is False
    assert score_sign("neg_log_loss") == -1 and score_sign("accuracy") == 1


# metrics.json: NaN as null, never a bare NaN


def _strict(text):
    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def test_json_text_writes_nan_and_infinity_as_null():
    doc = {"a": float("nan"), "b": [np.float64("inf"), 1.5, (np.float32("nan"),)]}
    assert _strict(json_text(doc)) == {"a": None, "b": [None, 1.5, [None]]}


def test_write_report_metrics_json_is_strict_json_with_a_nan_score(tmp_path):
    X, y = make_multimodal_classification(n_samples=12, random_state=0, image_size=16)
    yr = y + np.random.RandomState(0).normal(0, 0.3, 12)
    model = make_multimodal_pipeline(image=None, estimator=Ridge())
    with pytest.warns(Warning):  # R^2 of a single test row is not defined
        result = compare_models({"ridge": model}, X, yr, cv=LeaveOneOut())
    assert np.isnan(result.models["ridge"].r2)
    out = write_report(tmp_path / "rep", result, dataset="toy")
    doc = _strict((out / "metrics.json").read_text(encoding="utf-8"))
    assert doc["models"]["ridge"]["r2"] is None
    assert doc["models"]["ridge"]["r2_std"] is None
    assert doc["models"]["ridge"]["mae"] > 0


def test_a_callable_may_return_its_keys_in_another_order_on_another_fold():
    X, y = _classes()
    calls = []

    def both(est, X, y):
        calls.append(1)
        scores = {
            "acc": accuracy_score(y, est.predict(X)),
            "f1": f1_score(y, est.predict(X)),
        }
        return scores if len(calls) % 2 else dict(reversed(scores.items()))

    result = compare_models({"lr": LogisticRegression()}, X, y, cv=3, scoring=both)
    assert sorted(result.scoring) == ["acc", "f1"]
    assert len(result.models["lr"].f1_folds) == 3
