"""A two-process Dask ``LocalCluster`` on loopback for the tests."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def loopback_client(**config):
    """A ``Client`` of 2 single-threaded worker processes on 127.0.0.1.

    The workers import test modules (for the functions they run), so the
    repository root goes on the path they inherit through ``PYTHONPATH``;
    ``config`` is set with ``dask.config.set`` while the cluster starts.
    The workers' scratch space is a temporary folder, removed at the end
    (Dask's default, ``dask-scratch-space`` in the system's temporary
    folder, would stay behind).
    """
    import dask
    import distributed

    scratch = tempfile.TemporaryDirectory(prefix="skmm-dask-")
    config = {"temporary-directory": scratch.name, **config}
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in [str(ROOT), old] if p)
    try:
        with dask.config.set(config):
            cluster = distributed.LocalCluster(
                n_workers=2,
                processes=True,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
                local_directory=scratch.name,
            )
    finally:
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old
    with scratch, cluster, distributed.Client(cluster) as client:
        yield client
