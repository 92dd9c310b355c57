"""``ModalityFusion.set_params``: nested ``method__<param>`` needs a method
given as an instance; everything else is scikit-learn's behaviour."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion.methods import ConcatFusion


def _data():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(45, 4)), columns=list("abcd"))
    return X, np.arange(45) % 2


def _fusion(method="concat"):
    return ModalityFusion(
        [("x", StandardScaler(), ["a", "b"]), ("z", "passthrough", ["c", "d"])],
        method=method,
    )


def test_nested_parameter_of_a_method_name_is_refused():
    fusion = _fusion("concat")
    before = fusion.get_params(deep=False)
    with pytest.raises(ValueError) as info:
        fusion.set_params(method__block_norm="l2", missing="zero")
    message = str(info.value)
    assert message.startswith("cannot set method__block_norm: method is the name")
    assert "'concat'" in message
    assert "need an instance as method" in message
    assert "method=ConcatFusion(block_norm=...)" in message
    assert fusion.get_params(deep=False) == before  # nothing was set


def test_setting_a_name_and_its_nested_parameter_together_is_refused():
    fusion = _fusion(ConcatFusion())
    with pytest.raises(ValueError, match="method is the name 'concat'"):
        fusion.set_params(method="concat", method__block_norm="l2")
    assert isinstance(fusion.method, ConcatFusion)


def test_in_a_pipeline_the_error_is_a_value_error_not_attribute_error():
    pipe = Pipeline([("fusion", _fusion("concat")), ("clf", LogisticRegression())])
    with pytest.raises(ValueError, match="cannot set method__block_norm"):
        pipe.set_params(fusion__method__block_norm="l2")


def test_nested_parameters_of_an_instance_still_work():
    fusion = _fusion(ConcatFusion())
    assert fusion.set_params(method__block_norm="l2") is fusion
    assert fusion.method.block_norm == "l2"
    # switching to an instance and setting it in one call
    fusion = _fusion("concat").set_params(
        method=ConcatFusion(), method__block_norm="l2", x__with_mean=False
    )
    assert fusion.method.block_norm == "l2"
    assert fusion.transformers[0][1].with_mean is False
    # unknown parameters keep scikit-learn's error
    with pytest.raises(ValueError, match="Invalid parameter 'nope'"):
        _fusion().set_params(nope=1)


def test_grid_of_instances_with_nested_parameters():
    X, y = _data()
    pipe = Pipeline([("fusion", _fusion("concat")), ("clf", LogisticRegression())])
    grid = [
        {"fusion__method": ["concat", "sum"]},
        {
            "fusion__method": [ConcatFusion()],
            "fusion__method__block_norm": ["l2", "frobenius"],
        },
    ]
    search = GridSearchCV(pipe, grid, cv=3, error_score="raise").fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
