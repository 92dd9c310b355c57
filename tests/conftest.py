"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest

from skmultimodal.plugins import get_plugin_manager, register_plugin, unregister_plugin


def pytest_configure(config):
    """Under pytest-xdist, each process's BLAS and OpenMP libraries get their
    share of the cores (as scikit-learn's own test suite does), so that one
    process per core does not run several threads per core. A single
    process (``-n 0``) keeps the libraries' defaults."""
    workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if workers is None:
        return
    import cv2  # noqa: F401  (its OpenBLAS is loaded now, and limited too)
    import scipy.linalg  # noqa: F401  (SciPy's OpenBLAS, as NumPy's)
    from joblib import cpu_count
    from threadpoolctl import threadpool_limits

    threadpool_limits(max(cpu_count() // int(workers), 1))


@pytest.fixture
def fresh_manager():
    """A plugin manager that starts empty and is reset again afterwards, so
    warnings of one test never leak into (or hide from) another."""
    manager = get_plugin_manager()
    manager.reset()
    yield manager
    manager.reset()


@pytest.fixture
def use_plugin(fresh_manager):
    """Register throwaway plugin objects; all are unregistered afterwards."""
    registered = []

    def _use(plugin, name=None, **kwargs):
        ok = register_plugin(plugin, name, **kwargs)
        if ok:
            registered.append(plugin)
        return ok

    yield _use
    for plugin in registered:
        if fresh_manager._pm.is_registered(plugin):
            unregister_plugin(plugin)


@pytest.fixture
def agg_backend():
    """matplotlib's pyplot on the Agg backend; every figure closed after."""
    matplotlib = pytest.importorskip(
        "matplotlib", reason="skmultimodal.plotting needs the plot extra (matplotlib)"
    )
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.fixture
def unwritable_folder(tmp_path, monkeypatch):
    """A folder ``ro`` in which no file can be created, as in a read-only
    folder, for root too: creating a temporary file there (the output
    checks' probe, and atomic_write) fails with ``PermissionError``."""
    ro = tmp_path / "ro"
    ro.mkdir()
    real = tempfile.NamedTemporaryFile

    def named_temporary_file(*args, dir=None, **kwargs):
        if dir is not None and Path(dir).resolve() == ro.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", named_temporary_file)
    return ro


@pytest.fixture(scope="module")
def client():
    """A Dask client on a loopback cluster (:func:`tests._dask.loopback_client`),
    one per test module; modules that need other settings define their own."""
    pytest.importorskip("dask.distributed", reason="the [distributed] extra")
    pytest.importorskip("pyarrow", reason="the parts are written as Parquet")
    from tests._dask import loopback_client

    with loopback_client() as c:
        yield c
