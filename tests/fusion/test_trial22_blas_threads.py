"""The class-score fusion methods fit their default experts (logistic
regressions) with one BLAS thread when fitted in the main thread: SciPy's
L-BFGS-B and NumPy each bring an OpenBLAS, whose idle threads slowed the
default fit about twofold on 2 cores (``benchmarks/bench_threads.py``). A
given ``estimator``, RidgeCV (continuous targets) and fits in other threads
run on the process's threads."""

import os
import subprocess
import sys
import threading

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, RidgeCV
from threadpoolctl import threadpool_info, threadpool_limits

from skmultimodal.fusion import _methods
from skmultimodal.fusion.methods import ProductFusion, StackFusion
from skmultimodal.utils._parallel import one_blas_thread


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


def test_a_continuous_target_keeps_the_callers_threads(monkeypatch):
    """RidgeCV, the default expert of a continuous target, runs in one BLAS
    library: it is faster on the caller's threads, and keeps them."""
    seen = []

    class _RecordingRidge(RidgeCV):
        def fit(self, X, y, sample_weight=None, **params):
            seen.append(_blas_threads())
            return super().fit(X, y, sample_weight, **params)

    monkeypatch.setattr(_methods, "RidgeCV", _RecordingRidge)
    rng = np.random.RandomState(0)
    X = [rng.rand(60, 6), rng.rand(60, 4)]
    y = X[0][:, 0] + rng.rand(60)
    with threadpool_limits(2, user_api="blas"):
        StackFusion(cv=3, random_state=0).fit_transform(X, y)
    assert seen and all(s == {2} for s in seen), seen


def test_one_thread_gives_the_scores_of_two(recording, monkeypatch):
    """Blocks of 3,000 rows of 64 columns (products above the size from
    which OpenBLAS uses its threads), each fit checked to run on the threads
    intended: the scores on 1 and on 2 threads agree up to rounding."""
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1, 2], 1000)
    X = [rng.randn(3000, 64) + 0.3 * y[:, None], rng.randn(3000, 64)]
    limited = StackFusion(cv=3, random_state=0).fit(X, y).transform(X)
    assert recording and all(seen == {1} for seen in recording), recording
    recording.clear()
    monkeypatch.setattr(
        _methods, "one_blas_thread", lambda: threadpool_limits(2, user_api="blas")
    )
    lifted = StackFusion(cv=3, random_state=0).fit(X, y).transform(X)
    assert recording and all(seen == {2} for seen in recording), recording
    np.testing.assert_allclose(limited, lifted, atol=1e-6)


def test_a_thread_other_than_the_main_one_sets_no_limit():
    """OpenBLAS ignores a limit set from another thread while a thread that
    set one is alive, so only the main thread sets it."""
    seen = []

    def other():
        with one_blas_thread():
            seen.append(_blas_threads())

    with threadpool_limits(2, user_api="blas"):
        with one_blas_thread():
            assert _blas_threads() == {1}
            with one_blas_thread():  # nested: restores what it found
                assert _blas_threads() == {1}
            assert _blas_threads() == {1}
        assert _blas_threads() == {2}
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert seen == [{2}]


# Each script runs in a process of its own: under pytest-xdist this
# suite's set-up has limited the BLAS threads from the main thread.
_HEADER = """
import threading, warnings
from concurrent.futures import ThreadPoolExecutor
import numpy as np
from threadpoolctl import threadpool_info
from skmultimodal.fusion.methods import StackFusion

warnings.simplefilter("ignore")

def blas():
    info = threadpool_info()
    return sorted({i["num_threads"] for i in info if i["user_api"] == "blas"})

rng = np.random.RandomState(0)
y = np.repeat([0, 1, 2], 100)
X = [rng.rand(300, 20) + y[:, None], rng.rand(300, 10)]

def fit(_=None):
    StackFusion(cv=3, random_state=0).fit(X, y)

before = blas()
"""

_POOL = """
with ThreadPoolExecutor(2) as pool:
    list(pool.map(fit, range(4)))
    idle = blas()  # the pool's threads still alive
fit()  # then one in the main thread
print(before, idle, blas())
"""

_MAIN_AND_THREAD = """
thread = threading.Thread(target=lambda: [fit() for _ in range(4)])
thread.start()
for _ in range(2):
    fit()
thread.join()
print(before, blas())
"""


def _run(script):
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"}
    return subprocess.run(
        [sys.executable, "-c", _HEADER + script],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    ).stdout.split()


@pytest.mark.slow
def test_fits_in_a_thread_pool_leave_the_process_threads():
    """Default fits in a pool's threads keep the process's threads (they
    set no limit), and a main-thread fit after them still restores it."""
    assert _run(_POOL) == ["[2]", "[2]", "[2]"]


@pytest.mark.slow
def test_a_main_thread_fit_overlapping_a_threads_fit_leaves_the_process_threads():
    assert _run(_MAIN_AND_THREAD) == ["[2]", "[2]"]
