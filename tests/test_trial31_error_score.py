"""compare_models(error_score=...): a fold that fails is scored, not raised.

As in ``cross_validate``, ``error_score="raise"`` (the default) raises the
error of a failing fold; a number gives every score of that fold that
value, with one ``FitFailedWarning`` per model naming its failed folds and
their errors. Such a model has no out-of-fold predictions, lists the failed
folds in ``failed_folds``, and the report never takes it as the best model.
"""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from skmultimodal.fusion import ModalityFusion
from skmultimodal.model_selection import compare_models
from skmultimodal.report import format_summary, format_table, write_report

MARK = 99.0  # the value of column "x" that the failing models refuse


class RefusesMark(TransformerMixin, BaseEstimator):
    """Passes its column on; refuses to be fitted on (``where="fit"``) or
    to transform new rows holding (``"predict"``) :data:`MARK`, or to be
    fitted at all (``"always"``)."""

    def __init__(self, where="predict"):
        self.where = where

    def _check(self, X, step):
        if self.where == "always" and step == "fit":
            raise ValueError("refused to fit")
        if self.where == step and (np.asarray(X) == MARK).any():
            raise ValueError(f"refused to {step} the marked row")

    def fit(self, X, y=None):
        self._check(X, "fit")
        self.n_features_in_ = np.shape(X)[1]
        return self

    def fit_transform(self, X, y=None):
        return self.fit(X, y).transform(X, new=False)

    def transform(self, X, new=True):
        if new:
            self._check(X, "predict")
        return np.asarray(X, dtype=float)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(input_features, dtype=object)


def data(n=20):
    x = np.arange(n, dtype=float)
    x[3] = MARK  # row 3: in the test rows of the first of KFold(4)'s folds
    X = pd.DataFrame({"x": x})
    y = np.array(["a", "b"] * (n // 2))
    return X, y


CV = KFold(4)  # unshuffled: row 3 is in fold 0's test rows


def model(where=None):
    """A one-branch ModalityFusion over column "x" (the report reads the
    modalities from the fusion step), through ``RefusesMark(where)`` (none:
    as it is), then the majority class."""
    step = "passthrough" if where is None else RefusesMark(where)
    fusion = ModalityFusion([("num", step, ["x"])], method="concat")
    return make_pipeline(fusion, DummyClassifier())


def test_a_fold_failing_at_predict_is_scored_error_score_and_named():
    X, y = data()
    models = {"broken": model("predict"), "dummy": model()}
    with pytest.warns(FitFailedWarning) as record:
        res = compare_models(models, X, y, cv=CV, error_score=np.nan)
    texts = [str(w.message) for w in record if w.category is FitFailedWarning]
    assert texts == [
        "models['broken']: 1 of 4 folds failed and are scored error_score=nan "
        "(their rows have no out-of-fold prediction: oof_pred and oof_proba are "
        "None; failed_folds, from 0: [0]). fold 1: ValueError: refused to "
        "predict the marked row"
    ]
    broken = res.models["broken"]
    assert np.isnan(broken.accuracy_folds[0])
    assert not np.isnan(broken.accuracy_folds[1:]).any()
    assert np.isnan(broken.accuracy) and np.isnan(broken.macro_f1)
    assert broken.failed_folds == [0]
    assert broken.estimators[0] is None
    assert all(hasattr(e[-1], "classes_") for e in broken.estimators[1:])
    assert broken.oof_pred is None and broken.oof_proba is None
    assert len(broken.fit_time_folds) == 4
    # the other model is untouched
    dummy = res.models["dummy"]
    assert dummy.failed_folds == []
    assert dummy.oof_pred.shape == (20,) and not np.isnan(dummy.accuracy)


def test_the_default_still_raises_with_the_fold_named():
    X, y = data()
    with pytest.raises(ValueError, match="refused to predict") as info:
        compare_models({"broken": model("predict")}, X, y, cv=CV)
    assert "in fold 1 of 4 of models['broken']" in "".join(info.value.__notes__)


def test_a_numeric_error_score_is_the_failed_folds_score():
    # fit fails on the 3 folds that train on row 3; fold 0 scores
    X, y = data()
    with pytest.warns(FitFailedWarning, match=r"folds 2, 3, 4: ValueError: refused"):
        res = compare_models({"broken": model("fit")}, X, y, cv=CV, error_score=0.0)
    broken = res.models["broken"]
    assert broken.accuracy_folds[1:] == [0.0, 0.0, 0.0]
    # fold 0 trains on rows 5-19 (8 "b", 7 "a"): "b" on rows 0-4 (a b a b a)
    assert broken.accuracy_folds[0] == 0.4
    assert broken.accuracy == pytest.approx(0.1)
    assert broken.failed_folds == [1, 2, 3]
    assert broken.contribution is None


def test_a_loss_stored_positive_gets_error_score_with_its_sign_flipped():
    X, y = data()
    with pytest.warns(FitFailedWarning):
        res = compare_models(
            {"broken": model("predict")},
            X,
            y,
            cv=CV,
            scoring={"err": "neg_log_loss", "neg_ll": "neg_log_loss"},
            error_score=-5.0,
        )
    # error_score is a value as the scorer gives it: an error stored
    # positive is flipped, a "neg_*" name keeps scikit-learn's sign
    assert res.models["broken"].err_folds[0] == 5.0
    assert res.models["broken"].neg_ll_folds[0] == -5.0
    assert res.models["broken"].err_folds[1] > 0


def test_error_score_is_checked_before_anything_is_fitted():
    X, y = data()
    with pytest.raises(InvalidParameterError, match="'error_score' parameter"):
        compare_models({"m": model()}, X, y, error_score="nan")


def test_every_fold_of_every_model_failing_is_an_error():
    X, y = data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        with pytest.raises(ValueError) as info:
            compare_models(
                {"broken": model("always")},
                X,
                y,
                cv=KFold(2),
                error_score=np.nan,
            )
    assert str(info.value) == (
        "compare_models: all 2 fits failed (every fold of every model), so "
        "nothing is scored; the errors: ValueError: refused to fit "
        "(error_score='raise' raises the first one with its traceback)"
    )


@pytest.mark.slow  # worker processes
def test_failed_folds_in_parallel_folds():
    X, y = data()
    with pytest.warns(FitFailedWarning, match="fold 1: ValueError"):
        res = compare_models(
            {"broken": model("predict")},
            X,
            y,
            cv=CV,
            error_score=np.nan,
            n_jobs=2,
        )
    assert res.models["broken"].failed_folds == [0]


def test_the_report_never_takes_a_model_with_failed_folds_as_best(tmp_path):
    X, y = data()
    models = {"dummy": model(), "broken": model("fit")}
    with pytest.warns(FitFailedWarning):
        # error_score=1.0: the broken model's mean beats the dummy's
        res = compare_models(models, X, y, cv=CV, error_score=1.0)
    assert res.models["broken"].accuracy > res.models["dummy"].accuracy
    assert format_summary(res).startswith("best: dummy (")
    table = format_table(res)
    assert "folds 2, 3, 4 of 4 failed" in table.splitlines()[3]
    write_report(tmp_path, res, X=X, dataset="marked")
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["best_model"] == "dummy"
    assert metrics["models"]["broken"]["failed_folds"] == [1, 2, 3]
    assert "failed_folds" not in metrics["models"]["dummy"]
    assert "folds 2, 3, 4 of 4 failed" in (tmp_path / "report.html").read_text()


def test_only_models_with_failed_folds_leave_no_best_model():
    X, y = data()
    with pytest.warns(FitFailedWarning):
        res = compare_models({"broken": model("predict")}, X, y, cv=CV, error_score=0.0)
    assert format_summary(res) == (
        "best: none (every model's accuracy is NaN or it has failed folds)"
    )


def test_multilabel_classes_are_the_label_columns_of_a_dataframe_target(tmp_path):
    X, _ = data()
    rng = np.random.RandomState(0)
    Y = pd.DataFrame({"red": rng.rand(20) < 0.5, "round": rng.rand(20) < 0.5}).astype(
        int
    )
    res = compare_models({"m": model()}, X, Y, cv=CV)
    assert res.task == "multilabel" and res.classes == ["red", "round"]
    # an array target has no names: the label indices
    assert compare_models({"m": model()}, X, Y.to_numpy(), cv=CV).classes == [0, 1]
    write_report(tmp_path, res, X=X, dataset="labels")
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["classes"] == ["red", "round"]
    assert [row["label"] for row in metrics["per_label"]["labels"]] == [
        "red",
        "round",
    ]
