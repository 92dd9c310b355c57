"""Common checks for estimators that take a column of images or texts.

scikit-learn's ``parametrize_with_checks`` generates nothing for estimators
whose ``input_tags.two_d_array`` is False (they cannot be fed its random
numeric tables). These checks cover the same contract on real modality data:
cloning, parameters, fitting twice, not mutating input, pickling, the
not-fitted error, feature names, pandas output and ``n_jobs`` equivalence.
"""

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags


def _dense(Z):
    if sparse.issparse(Z):
        return Z.toarray()
    if isinstance(Z, pd.DataFrame):
        return Z.to_numpy()
    return np.asarray(Z)


def _equal(a, b):
    a, b = _dense(a), _dense(b)
    assert a.shape == b.shape
    if a.dtype == object:
        assert all(np.array_equal(x, y) for x, y in zip(a.ravel(), b.ravel()))
    else:
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def _output(est, X):
    if hasattr(est, "transform"):
        return est.transform(X)
    if hasattr(est, "predict_proba"):
        return est.predict_proba(X)
    return est.predict(X)


def _snapshot(X):
    return copy.deepcopy(X)


def _same_input(a, b):
    if isinstance(a, (pd.Series, pd.DataFrame)):
        assert a.equals(b) or all(
            np.array_equal(np.asarray(x), np.asarray(y))
            for x, y in zip(np.ravel(a.to_numpy()), np.ravel(b.to_numpy()))
        )
        return
    assert len(a) == len(b)
    for x, y in zip(a, b):
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y) and x.dtype == y.dtype
        else:
            assert x == y or (x != x and y != y)


def check_clone_and_params(est, X, y):
    params = est.get_params()
    twin = clone(est)
    assert twin.get_params().keys() == params.keys()
    twin.set_params(**{k: v for k, v in params.items() if "__" not in k})
    assert not any(k.endswith("_") and hasattr(twin, k) for k in vars(twin))


def check_not_fitted_error(est, X, y):
    est = clone(est)
    method = next(
        m for m in ("transform", "predict_proba", "predict") if hasattr(est, m)
    )
    with pytest.raises(NotFittedError):
        getattr(est, method)(X)


def check_fit_does_not_mutate_input(est, X, y):
    before = _snapshot(X)
    est = clone(est).fit(X, y)
    _output(est, X)
    _same_input(X, before)


def check_fit_idempotent(est, X, y):
    a = _output(clone(est).fit(X, y), X)
    b = _output(clone(est).fit(X, y), X)
    _equal(a, b)


def check_fit_transform_equals_fit_then_transform(est, X, y):
    if not hasattr(est, "fit_transform"):
        pytest.skip("not a transformer")
    if get_tags(est).non_deterministic:
        pytest.skip("non-deterministic estimator")
    _equal(clone(est).fit_transform(X, y), clone(est).fit(X, y).transform(X))


def check_pickle_round_trip(est, X, y):
    est = clone(est).fit(X, y)
    loaded = pickle.loads(pickle.dumps(est))
    _equal(_output(est, X), _output(loaded, X))


def check_n_samples_preserved(est, X, y):
    est = clone(est).fit(X, y)
    out = _output(est, X)
    assert out.shape[0] == len(X)


def check_feature_names_out(est, X, y):
    if not hasattr(est, "get_feature_names_out"):
        pytest.skip("no get_feature_names_out")
    est = clone(est).fit(X, y)
    out = est.transform(X)
    names = est.get_feature_names_out()
    if out.ndim == 2:
        assert len(names) == out.shape[1]
    assert len(set(names)) == len(names), "feature names must be unique"


def check_set_output_pandas(est, X, y):
    if not hasattr(est, "set_output") or not hasattr(est, "get_feature_names_out"):
        pytest.skip("no set_output")
    plain = clone(est).fit(X, y).transform(X)
    if sparse.issparse(plain):
        pytest.skip("sparse output cannot be a DataFrame")
    est = clone(est).set_output(transform="pandas").fit(X, y)
    out = est.transform(X)
    if np.ndim(plain) == 1:
        # One output column (e.g. cleaned texts): a named Series.
        assert isinstance(out, pd.Series)
        assert [out.name] == list(est.get_feature_names_out())
        _equal(out.to_numpy(), plain)
        return
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(est.get_feature_names_out())
    _equal(out, plain)


def check_n_jobs_equivalence(est, X, y):
    if "n_jobs" not in est.get_params():
        pytest.skip("no n_jobs parameter")
    a = _output(clone(est).set_params(n_jobs=1).fit(X, y), X)
    b = _output(clone(est).set_params(n_jobs=2).fit(X, y), X)
    _equal(a, b)


def check_empty_input_error(est, X, y):
    with pytest.raises(ValueError):
        clone(est).fit(X[:0] if hasattr(X, "iloc") else list(X)[:0], y[:0])


NON_TABULAR_CHECKS = [
    check_clone_and_params,
    check_not_fitted_error,
    check_fit_does_not_mutate_input,
    check_fit_idempotent,
    check_fit_transform_equals_fit_then_transform,
    check_pickle_round_trip,
    check_n_samples_preserved,
    check_feature_names_out,
    check_set_output_pandas,
    check_n_jobs_equivalence,
    check_empty_input_error,
]
