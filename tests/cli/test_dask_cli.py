"""``predict --dask`` and ``featurize --dask``: the same rows as the local
run, written as Parquet parts by the workers of a local cluster."""

import pandas as pd
import pytest

from .conftest import run_main

pytest.importorskip("distributed", reason="--dask needs the distributed extra")
pytest.importorskip("pyarrow", reason="--dask writes Parquet (the parquet extra)")

# starts a 2-process LocalCluster per command
pytestmark = pytest.mark.slow


@pytest.fixture
def model(tiny_model):
    return tiny_model


@pytest.mark.parametrize("command", ["predict", "featurize"])
def test_dask_output_equals_the_local_output(command, model, tiny_csv, tmp_path):
    local = tmp_path / "local.parquet"
    args = [command, "--model", model, "--csv", tiny_csv, "--id-column", "picture"]
    res = run_main(*args, "--output", local)
    assert res.returncode == 0, res.stderr
    parts = tmp_path / "parts"
    res = run_main(*args, "--output", parts, "--dask", "local", "--chunk-size", "7")
    assert res.returncode == 0, res.stderr
    assert "Parquet parts" in res.stdout
    assert len(list(parts.glob("part-*.parquet"))) == 4  # 24 rows, 7 a part
    expected = pd.read_parquet(local)
    got = pd.read_parquet(parts).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)


def test_dask_needs_an_output_folder(model, tiny_csv):
    res = run_main("predict", "--model", model, "--csv", tiny_csv, "--dask", "local")
    assert res.returncode == 2
    assert "give --output a folder" in res.stderr


def test_dask_refuses_a_bad_address(model, tiny_csv, tmp_path):
    res = run_main(
        "predict", "--model", model, "--csv", tiny_csv,
        "--output", tmp_path / "out", "--dask", "http://nowhere",
    )  # fmt: skip
    assert res.returncode == 2
    assert "must be 'local' or a scheduler address" in res.stderr


@pytest.mark.parametrize("absent", ["distributed", "pyarrow"])
def test_dask_without_an_extra_names_it_before_any_work(
    absent, model, tiny_csv, tmp_path, monkeypatch
):
    import sys

    monkeypatch.setitem(sys.modules, absent, None)  # its import fails
    parts = tmp_path / "parts"
    res = run_main(
        "predict", "--model", model, "--csv", tiny_csv, "--output", parts,
        "--dask", "local",
    )  # fmt: skip
    assert res.returncode == 2
    assert res.stderr == (
        f"skmultimodal: error: --dask needs {absent} (not installed): pip install "
        '"skmultimodal[distributed,parquet]"\n'
    )
    assert not parts.exists()
