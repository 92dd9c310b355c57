"""``n_jobs`` values for a test run once in its own process and once in
worker processes. The worker case starts a process pool, as a subprocess
test starts a process, so it is ``slow``: ``pytest -m "not slow"`` keeps the
in-process case, and plain ``pytest`` runs both."""

import pytest

#: ``n_jobs=None`` (in this process), then 2 (two worker processes, slow)
NONE_OR_TWO = [None, pytest.param(2, marks=pytest.mark.slow)]
#: ``n_jobs=1``, then 2 (two worker processes, slow)
ONE_OR_TWO = [1, pytest.param(2, marks=pytest.mark.slow)]
