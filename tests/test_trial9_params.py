"""Arguments of the builders and of compare_models checked up front, with
an error naming the parameter the user passed: compare_models' task
against the target, scoring, n_jobs and random_state; the builders'
method_params, image_tokens, tabular, feature extractors, estimator and
n_features."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from skmultimodal import make_multimodal_pipeline
from skmultimodal.image import PixelFeatures
from skmultimodal.model_selection import compare_models
from skmultimodal.streaming import make_out_of_core_pipeline


class _NoFit(ClassifierMixin, BaseEstimator):
    """A classifier that must not be fitted: the arguments are refused
    before any fold is."""

    def fit(self, X, y):
        raise AssertionError("fitted before the arguments were checked")

    def predict(self, X):  # pragma: no cover - never fitted
        return np.zeros(len(X))


X = pd.DataFrame({"text": [f"row {i}" for i in range(12)]})
y = np.array([0, 1, 2] * 4)
Y = np.eye(3, dtype=int)[y]  # the same classes as a 0/1 label matrix


# ------------------------------------------------------ compare_models ---
def test_multilabel_task_refuses_a_1d_target_before_fitting():
    with pytest.raises(
        ValueError,
        match=r"task='multilabel' needs a 2-D 0/1 label matrix y .*; got a "
        r"1-D multiclass target",
    ):
        compare_models({"m": _NoFit()}, X, y, cv=2, task="multilabel")


def test_classification_task_refuses_a_label_matrix():
    with pytest.raises(
        ValueError, match=r"task='classification' needs one class label per row"
    ):
        compare_models({"m": _NoFit()}, X, Y, cv=2, task="classification")


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("random_state", -1, "'random_state' parameter of compare_models"),
        ("random_state", "1", "'random_state' parameter of compare_models"),
        ("n_jobs", "1", "'n_jobs' parameter of compare_models"),
        ("n_jobs", 1.0, "'n_jobs' parameter of compare_models"),
        ("n_jobs", 0, "'n_jobs' parameter of compare_models"),
        ("scoring", 3, "'scoring' parameter of compare_models"),
        ("scoring", [], r"scoring=\[\] holds no score"),
        ("scoring", {}, r"scoring=\{\} holds no score"),
    ],
)
def test_compare_models_options_are_checked_before_fitting(name, value, message):
    with pytest.raises(ValueError, match=message):
        compare_models({"m": _NoFit()}, X, y, cv=2, **{name: value})


# ------------------------------------------------------------ builders ---
@pytest.mark.parametrize("value", ["block_norm=l2", [], ("block_norm", "l2")])
def test_method_params_must_be_a_dict(value):
    with pytest.raises(TypeError, match="method_params must be a dict"):
        make_multimodal_pipeline(method="concat", method_params=value)


@pytest.mark.parametrize("value", ["no", 1, None])
def test_image_tokens_must_be_a_bool(value):
    with pytest.raises(TypeError, match="image_tokens must be a bool") as info:
        make_multimodal_pipeline(classifier="attention", image_tokens=value)
    assert repr(value) in str(info.value)  # the value passed, not True


def test_image_tokens_takes_a_numpy_bool():
    pipe = make_multimodal_pipeline(image_tokens=np.False_)
    assert pipe.named_steps["fusion"].method == "stack"


@pytest.mark.parametrize(
    "value", [3, {"numeric": "price"}, {"numeric": 3}, {"categorical": [1]}]
)
@pytest.mark.parametrize("build", [make_multimodal_pipeline, make_out_of_core_pipeline])
def test_tabular_must_be_column_names(build, value):
    names = "tabular= must be a list of column names|names columns by their names"
    with pytest.raises(ValueError, match=names):
        build(tabular=value)


@pytest.mark.parametrize(
    "param, value, got",
    [
        ("image_features", 5, r"got 5 \(int\)"),
        ("image_features", ["pixels"], r"got \['pixels'\] \(list\)"),
        ("image_features", PixelFeatures, r"the class PixelFeatures .*PixelFeatures"),
        ("text_features", 5, r"got 5 \(int\)"),
    ],
)
def test_feature_extractors_are_names_or_transformers(param, value, got):
    with pytest.raises(TypeError, match=rf"^{param} must be a registered") as info:
        make_multimodal_pipeline(**{param: value})
    assert info.match(got)


@pytest.mark.parametrize("param", ["classifier", "estimator"])
def test_estimator_errors_name_the_parameter_used(param):
    with pytest.raises(ValueError, match=rf"^{param} must be a name in .*, got int"):
        make_multimodal_pipeline(**{param: 5})
    with pytest.raises(ValueError, match=rf"'svm' \(given as {param}=\)"):
        make_multimodal_pipeline(**{param: "svm"})
    with pytest.raises(ValueError, match=r"the class LogisticRegression"):
        make_multimodal_pipeline(**{param: LogisticRegression})


def test_out_of_core_checks_image_features():
    with pytest.raises(TypeError, match="^image_features must be a registered"):
        make_out_of_core_pipeline(image_features=3)


def test_out_of_core_refuses_a_bool_n_features():
    with pytest.raises(ValueError, match="n_features must be a positive integer"):
        make_out_of_core_pipeline(n_features=True)


def _counts_given_a_bool():
    from skmultimodal.datasets import write_example_catalogue
    from skmultimodal.image import KerasFeatures
    from skmultimodal.models import MultimodalAttentionClassifier

    return {
        "epochs": MultimodalAttentionClassifier(epochs=True)._validate_params,
        "width": MultimodalAttentionClassifier(width=np.True_)._validate_params,
        "keras-batch-size": KerasFeatures(batch_size=True)._validate_params,
        "catalogue": lambda: write_example_catalogue("unused", n_per_class=True),
    }


@pytest.mark.parametrize("case", ["epochs", "width", "keras-batch-size", "catalogue"])
def test_a_bool_is_no_count(case):
    from sklearn.utils._param_validation import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=r"\(not a bool\)"):
        _counts_given_a_bool()[case]()


@pytest.mark.parametrize("thing", [None, "hello", {"a": 1}])
def test_save_model_refuses_what_is_not_an_estimator(thing, tmp_path):
    from skmultimodal.persistence import save_model

    with pytest.raises(TypeError, match="save_model saves an estimator"):
        save_model(thing, tmp_path / "model.joblib")
    assert not (tmp_path / "model.joblib").exists()


def test_compare_models_refuses_names_that_are_not_strings():
    from sklearn.dummy import DummyClassifier

    from skmultimodal.model_selection import compare_models

    X, y = np.zeros((10, 1)), np.arange(10) % 2
    with pytest.raises(TypeError, match=r"named by strings .*; got 1 \(int\)"):
        compare_models({1: DummyClassifier()}, X, y, cv=2)
