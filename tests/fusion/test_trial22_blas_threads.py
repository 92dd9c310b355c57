"""The class-score fusion methods fit their default experts (logistic
regressions) with one BLAS thread, and leave a given ``estimator`` on the
caller's threads: SciPy's L-BFGS-B and NumPy each bring an OpenBLAS, whose
idle threads slowed the default fit about twofold on 2 cores
(``benchmarks/bench_threads.py``)."""

import os
import subprocess
import sys

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


# OpenBLAS ignores a thread's limit once the main thread has set one, as
# this suite's set-up does under pytest-xdist: the script runs in a process
# of its own where nobody has.
_OVERLAP = """
import threading
from threadpoolctl import threadpool_info
from skmultimodal.utils._parallel import one_blas_thread

def blas():
    info = threadpool_info()
    return sorted({i["num_threads"] for i in info if i["user_api"] == "blas"})

before = blas()
first_in, second_in, first_out = (threading.Event() for _ in range(3))
inside = []

def first():
    with one_blas_thread():
        first_in.set()
        second_in.wait(30)
        inside.append(blas())
    first_out.set()

def second():
    first_in.wait(30)
    with one_blas_thread():
        second_in.set()
        first_out.wait(30)
        inside.append(blas())  # the first has left: still one thread

threads = [threading.Thread(target=f) for f in (first, second)]
for t in threads:
    t.start()
for t in threads:
    t.join(60)
print(before, inside, blas())
"""


@pytest.mark.slow
def test_contexts_overlapping_in_threads_restore_the_process_threads():
    """The limit is the process's: two threads whose contexts overlap (the
    first leaves while the second is still in) leave the limits the
    process had, not one thread (what the second found on entering)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"}
    out = subprocess.run(
        [sys.executable, "-c", _OVERLAP],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    assert out.split() == ["[2]", "[[1],", "[1]]", "[2]"], out
