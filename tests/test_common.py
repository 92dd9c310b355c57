"""scikit-learn's estimator checks over every public estimator, plus our own
common checks for estimators whose input is not a 2-D numeric table.

Each ``tests/<module>/estimator_instances.py`` provides:

``INSTANCES``
    estimator instances to check (small, fast settings);
``EXPECTED_FAILED_CHECKS``
    ``{class name: {check name: one-line reason}}``;
``NON_TABULAR``
    ``{class name: callable() -> (X, y)}`` for estimators that take a column
    of images or texts: scikit-learn generates no checks for those (honest
    ``input_tags``: ``two_d_array=False``), so ``tests/estimator_checks.py``
    runs our own common checks on the sample data given here.
"""

import importlib
import inspect

import pytest
from sklearn.base import BaseEstimator
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

from tests.estimator_checks import NON_TABULAR_CHECKS

MODULES = ("image", "text", "fusion", "models")

INSTANCES = []
EXPECTED_FAILED = {}
NON_TABULAR = {}
for _m in MODULES:
    _spec = importlib.import_module(f"tests.{_m}.estimator_instances")
    INSTANCES.extend(_spec.INSTANCES)
    EXPECTED_FAILED.update(getattr(_spec, "EXPECTED_FAILED_CHECKS", {}))
    NON_TABULAR.update(getattr(_spec, "NON_TABULAR", {}))

TABULAR = [e for e in INSTANCES if get_tags(e).input_tags.two_d_array]
OTHER = [e for e in INSTANCES if not get_tags(e).input_tags.two_d_array]
# estimators that run TensorFlow in every check: the "slow" tier
_KERAS_MODULES = ("skmultimodal.models", "skmultimodal.image._keras")
KERAS = [e for e in TABULAR if type(e).__module__.startswith(_KERAS_MODULES)]
TABULAR = [e for e in TABULAR if e not in KERAS]
KERAS_OTHER = [e for e in OTHER if type(e).__module__.startswith(_KERAS_MODULES)]
OTHER = [e for e in OTHER if e not in KERAS_OTHER]


def _expected_failed_checks(estimator):
    """Expected failures by class name, or by ``"Class(method='name')"`` for
    the instance of a composite built with that method."""
    name = type(estimator).__name__
    method = getattr(estimator, "method", None)
    if isinstance(method, str) and f"{name}(method={method!r})" in EXPECTED_FAILED:
        return EXPECTED_FAILED[f"{name}(method={method!r})"]
    return EXPECTED_FAILED.get(name, {})


def _public_estimator_classes():
    for m in MODULES:
        module = importlib.import_module(f"skmultimodal.{m}")
        for name in module.__all__:
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
                and not name.endswith("Mixin")
                and not getattr(obj, "_abstract_interface", False)
            ):
                yield name, obj


def test_every_public_estimator_is_checked():
    covered = {type(e) for e in INSTANCES}
    missing = [n for n, c in _public_estimator_classes() if c not in covered]
    assert not missing, f"public estimators missing from the common checks: {missing}"


def test_non_tabular_estimators_have_sample_data():
    # scikit-learn skips estimators whose input is not a 2-D table; each of
    # those must be covered by our own checks instead.
    missing = [
        type(e).__name__
        for e in OTHER + KERAS_OTHER
        if type(e).__name__ not in NON_TABULAR
    ]
    assert not missing, missing


def test_expected_failures_have_reasons():
    for cls, checks in EXPECTED_FAILED.items():
        for check, reason in checks.items():
            assert isinstance(reason, str) and len(reason) > 15, (cls, check)


@parametrize_with_checks(TABULAR, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.slow
@parametrize_with_checks(KERAS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_keras_estimator(estimator, check):
    check(estimator)


def test_keras_estimators_are_checked():
    assert KERAS, "no Keras estimator among the instances"


def _numbered_ids(estimators):
    """Class names, numbered where a class has several instances: ids that
    are the same in every process (the workers of a parallel run each
    collect the tests, and their ids must agree)."""
    names = [type(e).__name__ for e in estimators]
    seen = {}
    ids = []
    for name in names:
        seen[name] = seen.get(name, -1) + 1
        ids.append(f"{name}-{seen[name]}" if names.count(name) > 1 else name)
    return ids


@pytest.mark.parametrize("estimator", OTHER, ids=_numbered_ids(OTHER))
@pytest.mark.parametrize("check", NON_TABULAR_CHECKS, ids=lambda c: c.__name__)
def test_non_tabular_estimator(estimator, check):
    X, y = NON_TABULAR[type(estimator).__name__]()
    check(estimator, X, y)


@pytest.mark.slow
@pytest.mark.parametrize("estimator", KERAS_OTHER, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", NON_TABULAR_CHECKS, ids=lambda c: c.__name__)
def test_non_tabular_keras_estimator(estimator, check):
    X, y = NON_TABULAR[type(estimator).__name__]()
    check(estimator, X, y)
