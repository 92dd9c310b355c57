"""Without dask.distributed or pyarrow, predict_partitions and run_on_dask
raise one ImportError naming the extra to install, before anything is read
(it was a bare ModuleNotFoundError from their first line, or a failure on
a worker once a cluster had started)."""

import sys

import pytest

from skmultimodal.distributed import predict_partitions, run_on_dask

EXTRA = ' (not installed): pip install "skmultimodal[distributed,parquet]"'


@pytest.mark.parametrize("absent", ["dask", "distributed", "pyarrow"])
def test_a_missing_extra_is_named_before_any_work(monkeypatch, absent, tmp_path):
    monkeypatch.setitem(sys.modules, absent, None)  # its import fails
    for call in (predict_partitions, run_on_dask):
        with pytest.raises(ImportError) as info:
            call("m.joblib", "nowhere.csv", tmp_path / "out")
        message = str(info.value)
        # "dask and distributed" when distributed is not imported yet
        assert message.startswith(f"{call.__name__} needs {absent}")
        assert message.endswith(EXTRA)
    assert not (tmp_path / "out").exists()
