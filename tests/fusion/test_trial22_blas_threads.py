"""The class-score fusion methods fit their default experts (logistic
regressions) with one BLAS thread, and leave a given ``estimator`` on the
caller's threads: SciPy's L-BFGS-B and NumPy each bring an OpenBLAS, whose
idle threads slowed the default fit about twofold on 2 cores
(``benchmarks/bench_threads.py``)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_info, threadpool_limits

from skmultimodal.fusion import _methods
from skmultimodal.fusion.methods import ProductFusion, StackFusion


def _blas_threads():
    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


class _Recording(LogisticRegression):
    """A logistic regression that records the BLAS threads it was fitted with."""

    seen: list = []

    def fit(self, X, y, sample_weight=None):
        _Recording.seen.append(_blas_threads())
        return super().fit(X, y, sample_weight)


@pytest.fixture
def blocks():
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1, 2], 20)
    return [rng.rand(60, 6) + y[:, None], rng.rand(60, 4)], y


@pytest.fixture
def recording(monkeypatch):
    # the default expert is built as LogisticRegression(C=10, ...)
    monkeypatch.setattr(_methods, "LogisticRegression", _Recording)
    _Recording.seen = []
    return _Recording.seen


@pytest.mark.parametrize("method", [StackFusion, ProductFusion])
def test_default_experts_fit_on_one_blas_thread(blocks, recording, method):
    X, y = blocks
    with threadpool_limits(2, user_api="blas"):
        method(cv=3, random_state=0).fit_transform(X, y)
        assert _blas_threads() == {2}, "the caller's threads are restored"
    # 3 folds and the final fit, per modality (and the joint expert)
    assert len(recording) >= 8
    assert all(seen == {1} for seen in recording), recording


def test_a_given_estimator_keeps_the_callers_threads(blocks, recording):
    X, y = blocks
    with threadpool_limits(2, user_api="blas"):
        StackFusion(estimator=_Recording(), cv=3, random_state=0).fit_transform(X, y)
    assert recording and all(seen == {2} for seen in recording), recording


def test_one_thread_gives_the_scores_of_the_default_threads(blocks, monkeypatch):
    X, y = blocks
    limited = StackFusion(cv=3, random_state=0).fit(X, y).transform(X)
    monkeypatch.setattr(_methods, "one_blas_thread", lambda: threadpool_limits(2))
    lifted = StackFusion(cv=3, random_state=0).fit(X, y).transform(X)
    np.testing.assert_allclose(limited, lifted, atol=1e-6)
