"""The command line reads images with the library's limits, which the
environment variables SKMULTIMODAL_MAX_IMAGE_PIXELS and
SKMULTIMODAL_MAX_FILE_BYTES change (the CLI has no Python to set them)."""

import pytest

from .conftest import CSV_ARGS, run_main, write_dataset


@pytest.mark.parametrize(
    "variable, low",
    [("SKMULTIMODAL_MAX_IMAGE_PIXELS", "100"), ("SKMULTIMODAL_MAX_FILE_BYTES", "50")],
)
def test_the_environment_changes_the_limits_of_train(
    tmp_path, monkeypatch, variable, low
):
    csv = write_dataset(tmp_path, n_per_class=4)  # 24 x 24 PNGs
    model = tmp_path / "model.skops"
    monkeypatch.setenv(variable, low)
    proc = run_main("train", "--csv", csv, *CSV_ARGS, "--output", model)
    assert proc.returncode == 2
    assert variable in proc.stderr  # the message says how to raise it
    assert not model.exists()
    monkeypatch.setenv(variable, "none")
    proc = run_main("train", "--csv", csv, *CSV_ARGS, "--output", model)
    assert proc.returncode == 0, proc.stderr
    assert model.exists()


def test_a_bad_value_is_one_clear_error(tmp_path, monkeypatch):
    csv = write_dataset(tmp_path, n_per_class=4)
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", "many")
    proc = run_main("train", "--csv", csv, *CSV_ARGS, "--output", tmp_path / "m.skops")
    assert proc.returncode == 2
    assert "environment variable SKMULTIMODAL_MAX_IMAGE_PIXELS must be" in proc.stderr
    assert "Traceback" not in proc.stderr
