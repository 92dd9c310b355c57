"""Scale-out on Dask: featurization, cross_validate and GridSearchCV run on a
two-process ``LocalCluster`` through joblib's dask backend and give the same
results as the local run."""

import os
from pathlib import Path

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline

distributed = pytest.importorskip(
    "dask.distributed", reason="the [distributed] extra (dask.distributed) is needed"
)

from skmultimodal.datasets import load_emoji  # noqa: E402
from skmultimodal.fusion import ModalityFusion  # noqa: E402
from skmultimodal.fusion.methods import MeanFusion  # noqa: E402
from skmultimodal.image import HOGFeatures  # noqa: E402
from skmultimodal.text import TextFeatures  # noqa: E402
from skmultimodal.utils import parallel_map  # noqa: E402
from tests._dask import loopback_client  # noqa: E402

# starts a Dask LocalCluster (worker processes)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def _pid(i, item):
    return os.getpid()


@pytest.fixture(scope="module")
def client():
    # Worker processes must import this test module (for _pid): put the
    # repository root on their path through the environment they inherit.
    with loopback_client() as c:
        yield c


@pytest.fixture(scope="module")
def emoji():
    """A small stratified subset: 8 emoji of each of the 9 categories."""
    bunch = load_emoji()
    y = np.asarray(bunch.target)
    keep = np.concatenate([np.flatnonzero(y == c)[:8] for c in np.unique(y)])
    return bunch.data.iloc[keep].reset_index(drop=True), y[keep]


def _model():
    fusion = ModalityFusion(
        [
            ("image", HOGFeatures(size=(16, 16)), "image"),
            ("text", TextFeatures(), "text"),
        ]
    )
    return make_pipeline(fusion, LogisticRegression(max_iter=500))


@pytest.mark.parametrize("n_jobs", [None, 2, -1])
def test_parallel_map_runs_on_the_dask_workers(client, n_jobs):
    # n_jobs=None means "the active backend's default", as in scikit-learn
    worker_pids = set(client.run(os.getpid).values())
    with parallel_backend("dask"):
        pids = parallel_map(_pid, range(40), n_jobs=n_jobs)
    assert len(pids) == 40
    assert set(pids) <= worker_pids
    assert os.getpid() not in pids


def test_featurization_on_dask_equals_local(client, emoji):
    X, _ = emoji
    paths = X["image"]
    local = HOGFeatures(size=(32, 32), n_jobs=1).fit_transform(paths)
    with distributed.get_task_stream(client) as tasks:
        with parallel_backend("dask"):
            remote = HOGFeatures(size=(32, 32), n_jobs=2).fit_transform(paths)
    assert len(tasks.data) > 0, "no task ran on the cluster"
    np.testing.assert_array_equal(remote, local)


def test_cross_validate_on_dask_equals_local(client, emoji):
    X, y = emoji
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    local = cross_validate(_model(), X, y, cv=cv, n_jobs=1)
    with distributed.get_task_stream(client) as tasks:
        with parallel_backend("dask"):
            remote = cross_validate(_model(), X, y, cv=cv, n_jobs=-1)
    assert len(tasks.data) > 0, "no task ran on the cluster"
    np.testing.assert_allclose(remote["test_score"], local["test_score"])


def test_grid_search_on_dask_equals_local(client, emoji):
    X, y = emoji
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    grid = [
        {"modalityfusion__method": ["concat"], "logisticregression__C": [0.1, 10.0]},
        {
            # seeded internal folds, so that both runs fit the same model
            "modalityfusion__method": [MeanFusion(random_state=0)],
            "logisticregression__C": [0.1, 10.0],
        },
    ]
    local = GridSearchCV(_model(), grid, cv=cv, n_jobs=1).fit(X, y)
    with parallel_backend("dask"):
        remote = GridSearchCV(_model(), grid, cv=cv, n_jobs=-1).fit(X, y)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
