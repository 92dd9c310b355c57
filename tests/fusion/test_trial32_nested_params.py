"""Nested ``estimator__<param>`` on a fusion method whose estimator is None
(the default, chosen at fit): a ValueError saying what to give instead, not
scikit-learn's ``AttributeError`` on None."""

import re

import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion import methods

WITH_ESTIMATOR = [
    getattr(methods, name)
    for name in methods.__all__
    if "estimator" in getattr(methods, name)._get_param_names()
]


def test_every_method_with_an_estimator_is_covered():
    names = {cls.__name__ for cls in WITH_ESTIMATOR}
    assert {"StackFusion", "LateFusion", "SumFusion"} <= names


@pytest.mark.parametrize("cls", WITH_ESTIMATOR, ids=lambda c: c.__name__)
def test_a_nested_estimator_parameter_on_none_names_the_instance_to_give(cls):
    name = cls.__name__
    with pytest.raises(ValueError) as info:
        cls().set_params(estimator__C=1.0)
    message = str(info.value)
    assert message.startswith("cannot set estimator__C:")
    assert f"{name}'s estimator is None (its default, LogisticRegression(C=10))" in (
        message
    )
    assert f"{name}(estimator=LogisticRegression(C=...))" in message


def test_the_estimator_given_in_the_same_call_takes_the_nested_value():
    fusion = methods.StackFusion().set_params(
        estimator=LogisticRegression(), estimator__C=0.5
    )
    assert fusion.estimator.C == 0.5
    # and once configured, the nested parameter alone
    assert fusion.set_params(estimator__C=2.0).estimator.C == 2.0
    with pytest.raises(ValueError, match="estimator is None"):
        fusion.set_params(estimator=None, estimator__C=1.0)


def test_an_int_cv_is_named_with_its_value():
    with pytest.raises(ValueError, match=r"StackFusion's cv is 3, which has no"):
        methods.StackFusion().set_params(cv__n_splits=2)


def test_an_unknown_parameter_keeps_scikit_learns_message():
    with pytest.raises(ValueError, match="Invalid parameter 'nope'"):
        methods.StackFusion().set_params(nope__x=1)


def test_in_a_pipeline_with_a_method_instance():
    pipe = make_multimodal_pipeline(method=methods.StackFusion())
    with pytest.raises(ValueError, match=re.escape("StackFusion(estimator=")):
        pipe.set_params(fusion__method__estimator__C=1.0)
    pipe = make_multimodal_pipeline(
        method=methods.StackFusion(estimator=LogisticRegression())
    )
    pipe.set_params(fusion__method__estimator__C=3.0)
    assert clone(pipe).get_params()["fusion__method__estimator__C"] == 3.0


def test_in_a_pipeline_with_the_default_method_name():
    pipe = make_multimodal_pipeline()
    assert pipe.get_params()["fusion__method"] == "stack"
    with pytest.raises(ValueError) as info:
        pipe.set_params(fusion__method__estimator__C=1.0)
    message = str(info.value)
    assert "method is the name 'stack'" in message
    assert "method=StackFusion(estimator=LogisticRegression(C=...))" in message
    # a parameter the method has keeps its message
    with pytest.raises(ValueError, match="method=StackFusion\\(cv=\\.\\.\\.\\)"):
        pipe.set_params(fusion__method__cv=5)
