"""Preloaded by the workers of the local Dask cluster that ``--dask local``
starts (``preload=`` of :class:`~distributed.LocalCluster`).

Ctrl-C in a terminal sends SIGINT to every process of the command, the
workers included: each would stop with a traceback of its own before the
command prints its one line. The workers ignore it instead; the command
itself stops them when it is interrupted (closing the cluster).
"""

import signal


def dask_setup(worker):
    """Called by Dask in the worker process, on its main thread, as it
    starts."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
