"""Output file names up to the file system's 255 bytes save (the hidden
temporary file's name is bounded, and the check before any work probes with
that same name); longer ones are refused before any work. Model paths may
be bytes, or path-like objects returning bytes; anything else is a
TypeError naming ``path``."""

import os
import tempfile

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skmultimodal.persistence import check_save_path, load_model, save_model
from skmultimodal.utils import atomic_write
from skmultimodal.utils._io import NAME_MAX, temp_file
from skmultimodal.utils._paths import check_output_file, output_file_problem

from .cli.conftest import CSV_ARGS, run_main, write_dataset
from .image.test_trial17_paths import BadPath  # a path object, broken on demand

# stems of names of 255 bytes or fewer with ".joblib" (ASCII, 2- and 4-byte
# UTF-8), the longest at the limit
LEGAL = {
    "ascii-240": "n" * 240,
    "ascii-248": "n" * 248,
    "accents-124": "é" * 124,
    "emoji-62": "😀" * 62,
}
TOO_LONG = "é" * 125 + ".skops"  # 256 bytes, 131 characters


@pytest.fixture(scope="module")
def est():
    X = np.random.default_rng(0).normal(size=(20, 3))
    return LogisticRegression().fit(X, np.arange(20) % 2)


# ------------------------------------------------------- long file names ---
@pytest.mark.parametrize("stem", LEGAL.values(), ids=LEGAL)
def test_temporary_name_fits_in_255_bytes(tmp_path, stem):
    fh = temp_file(tmp_path, stem + ".joblib")
    fh.close()
    made = os.path.basename(fh.name)
    assert len(os.fsencode(made)) <= NAME_MAX
    assert made.startswith("." + stem[:50]) and made.endswith(".tmp")
    made.encode("utf-8")  # no character cut in half (no surrogate escape)


@pytest.mark.parametrize("suffix", [".skops", ".joblib"])
@pytest.mark.parametrize("stem", LEGAL.values(), ids=LEGAL)
def test_save_model_with_a_name_up_to_255_bytes(tmp_path, est, stem, suffix):
    name = stem + suffix
    path = tmp_path / name
    assert check_save_path(path) == suffix[1:]
    assert save_model(est, path) == path
    assert type(load_model(path, trusted=True).estimator) is LogisticRegression
    assert os.listdir(tmp_path) == [name]  # no temporary file left


def test_check_probes_with_the_temporary_name_the_save_uses(tmp_path, monkeypatch):
    made = []
    real = tempfile.NamedTemporaryFile

    def spy(*args, **kwargs):
        made.append((kwargs["dir"], kwargs["prefix"], kwargs["suffix"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", spy)
    path = tmp_path / (LEGAL["ascii-248"] + ".joblib")
    assert output_file_problem(path) is None
    with atomic_write(path) as fh:
        fh.write(b"x")
    assert len(made) == 2 and made[0] == made[1]


def test_a_name_over_255_bytes_is_refused_before_any_work(tmp_path, est):
    path = tmp_path / TOO_LONG
    with pytest.raises(ValueError, match="256 bytes long .* shorter name"):
        check_save_path(path)
    with pytest.raises(ValueError, match="256 bytes long"):
        save_model(est, path)
    with pytest.raises(ValueError, match=r"--json .*256 bytes long"):
        check_output_file(tmp_path / TOO_LONG, "--json", also_ok=tmp_path)
    assert os.listdir(tmp_path) == []


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    return write_dataset(tmp_path_factory.mktemp("small"), n_per_class=4)


def test_cli_writes_outputs_with_long_names(tmp_path, small_csv):
    model = tmp_path / ("m" * 240 + ".skops")
    proc = run_main("train", "--csv", small_csv, *CSV_ARGS, "--output", model)
    assert proc.returncode == 0, proc.stderr
    assert model.is_file()
    table = tmp_path / ("p" * 240 + ".csv")
    proc = run_main(
        "predict", "--model", model, "--csv", small_csv, *CSV_ARGS, "--output", table
    )
    assert proc.returncode == 0, proc.stderr
    assert table.is_file()
    assert sorted(os.listdir(tmp_path)) == sorted([model.name, table.name])


def test_cli_refuses_a_name_over_255_bytes_before_training(tmp_path, small_csv):
    model = tmp_path / TOO_LONG
    proc = run_main("train", "--csv", small_csv, *CSV_ARGS, "--output", model)
    assert proc.returncode != 0
    assert "--output" in proc.stderr and "256 bytes long" in proc.stderr
    assert "trained" not in proc.stdout
    assert os.listdir(tmp_path) == []


# -------------------------------------------------------------- bytes paths ---
@pytest.mark.parametrize("wrap", [os.fsencode, lambda p: BadPath(os.fsencode(p))])
def test_save_and_load_model_take_bytes_paths(tmp_path, est, wrap):
    path = tmp_path / "mod èl.skops"
    assert check_save_path(wrap(path)) == "skops"
    assert save_model(est, wrap(path)) == path
    loaded = load_model(wrap(path))
    assert type(loaded.estimator) is LogisticRegression
    assert loaded.path == path


def test_atomic_write_takes_a_bytes_path(tmp_path):
    with atomic_write(os.fsencode(tmp_path / "é.txt"), "w") as fh:
        fh.write("ok")
    assert (tmp_path / "é.txt").read_text() == "ok"


@pytest.mark.parametrize(
    "path, why",
    [
        (3, "not int"),
        (BadPath(3), "__fspath__"),
        (BadPath(RuntimeError("no such volume")), "no such volume"),
    ],
)
def test_a_path_that_is_not_a_path_is_a_type_error_naming_path(est, path, why):
    for call in (
        lambda: save_model(est, path),
        lambda: load_model(path),
        lambda: check_save_path(path),
    ):
        with pytest.raises(TypeError, match=rf"path=.* is not a file path.*{why}"):
            call()
