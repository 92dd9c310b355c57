"""Trial 15 (security): ``.skops`` archives checked for size before skops
reads them (zip bombs, arrays declaring impossible sizes), and output
locations checked, folders refused and writability probed, before any work
(the API's save_model and every command line output option)."""

import io
import os
import sys
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from skmultimodal import cli, persistence
from skmultimodal.datasets import _bundled, _table
from skmultimodal.model_selection import _models
from skmultimodal.persistence import ModelFileError, load_model, save_model
from skmultimodal.utils import _paths

pytest.importorskip("skops")


@pytest.fixture
def model(tmp_path):
    clf = LogisticRegression().fit(
        np.random.RandomState(0).rand(20, 3), np.arange(20) % 2
    )
    return save_model(clf, tmp_path / "ok.skops")


def _rebuild(src, dst, edit=lambda name, data: data, extra=()):
    """``src`` archive written again to ``dst`` (deflated), each member
    through ``edit``, with the ``(name, data)`` of ``extra`` added."""
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for name in zin.namelist():
            zout.writestr(name, edit(name, zin.read(name)))
        for name, data in extra:
            zout.writestr(name, data)
    return dst


def _loaded(path):
    """Whether ``path`` loads; the ModelFileError otherwise."""
    try:
        load_model(path)
    except ModelFileError as exc:
        return exc
    return None


# ------------------------------------------------------- 1. zip bombs --
def test_a_member_expanding_far_beyond_its_compressed_size_is_refused(model, tmp_path):
    # valid JSON followed by 20 MB of spaces: skops would read all of it
    bomb = _rebuild(
        model,
        tmp_path / "bomb.skops",
        lambda n, b: b + b" " * (20 << 20) if n == "schema.json" else b,
    )
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(ModelFileError) as info:
        load_model(bomb)
    message = str(info.value)
    assert "bomb.skops" in message and "'schema.json'" in message
    assert "zip bomb" in message and "more than 100 times over" in message


def test_small_members_adding_up_to_too_much_are_refused(model, tmp_path):
    # each under the size from which one member's ratio counts
    pads = [(f"pad{i}.bin", b"\0" * (10 << 20)) for i in range(3)]
    bomb = _rebuild(model, tmp_path / "pads.skops", extra=pads)
    with pytest.raises(ModelFileError, match=r"its members expand from .* in all"):
        load_model(bomb)


def _huge_header(name, data):
    if not name.endswith(".npy"):
        return data
    array = np.load(io.BytesIO(data))
    buf = io.BytesIO()
    header = {"descr": array.dtype.str, "fortran_order": False, "shape": (10**6,) * 2}
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue() + array.tobytes()


def test_an_array_declaring_more_data_than_it_holds_is_corrupt(model, tmp_path):
    forged = _rebuild(model, tmp_path / "npy.skops", _huge_header)
    exc = _loaded(forged)
    assert exc is not None
    message = str(exc)
    # not "not a skmultimodal model file (... Unable to allocate 7.28 TiB)"
    assert "is truncated or corrupt" in message and "allocate" not in message
    assert "declares the shape (1000000, 1000000)" in message and ".npy'" in message


def test_a_damaged_array_header_is_corrupt(model, tmp_path):
    def damage(name, data):
        return data[:10] + b"\xff" * 20 + data[30:] if name.endswith(".npy") else data

    exc = _loaded(_rebuild(model, tmp_path / "header.skops", damage))
    assert exc is not None and "has a damaged header" in str(exc)


def _sparse_model(path):
    X = sp.random(40, 20, density=0.2, format="csr", random_state=0)
    return save_model(KNeighborsClassifier(3).fit(X, np.arange(40) % 2), path)


def test_arrays_inside_a_sparse_matrix_are_checked_too(tmp_path):
    path = _sparse_model(tmp_path / "knn.skops")
    load_model(path, trusted=True)  # the .npz member, an archive, passes

    def forge(name, data):
        if not name.endswith(".npz"):
            return data
        inner = io.BytesIO()
        _rebuild(io.BytesIO(data), inner, _huge_header)
        return inner.getvalue()

    exc = None
    try:
        load_model(_rebuild(path, tmp_path / "forged.skops", forge), trusted=True)
    except ModelFileError as e:
        exc = e
    assert exc is not None and "declares the shape" in str(exc)
    assert ".npz/" in str(exc)


def test_files_save_model_writes_stay_well_inside_the_bounds(model, tmp_path):
    for path in (model, _sparse_model(tmp_path / "knn.skops")):
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
        assert sum(i.file_size for i in infos) <= path.stat().st_size
        with open(path, "rb") as fh:  # stored: a ratio of 1, far below 100
            persistence._check_archive(path, fh)


def test_a_large_sparse_matrix_of_ones_loads(tmp_path):
    """SciPy deflates a sparse matrix's arrays: a matrix of ones shrinks
    hundreds of times over, and is no zip bomb."""
    rng = np.random.default_rng(0)
    n, nnz = 40_000, 2_200_000  # data.npy: 17.6 MB, past the 16 MB floor
    X = sp.csr_matrix(
        (np.ones(nnz), (rng.integers(0, n, nnz), rng.integers(0, 500, nnz))),
        shape=(n, 500),
    )
    X.data[:] = 1.0  # duplicates summed: ones again
    clf = KNeighborsClassifier(algorithm="brute").fit(X, rng.integers(0, 2, n))
    path = save_model(clf, tmp_path / "ones.skops")
    loaded = load_model(path, trusted=True).estimator
    assert (loaded._fit_X != X).nnz == 0


# ------------------------------------------- 2. outputs checked first --
def _fail_if_called(*args, **kwargs):
    raise AssertionError("reached serializing, reading or fitting before the checks")


@pytest.mark.parametrize("suffix", [".skops", ".joblib"])
def test_save_model_refuses_a_folder_before_serializing(tmp_path, monkeypatch, suffix):
    import joblib
    import skops.io

    (tmp_path / f"m{suffix}").mkdir()
    monkeypatch.setattr(skops.io, "dumps", _fail_if_called)
    monkeypatch.setattr(joblib, "dump", _fail_if_called)
    clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(ValueError, match="it is a folder, not a file"):
        save_model(clf, tmp_path / f"m{suffix}")
    assert list((tmp_path / f"m{suffix}").iterdir()) == []


def test_save_model_refuses_a_folder_it_cannot_write_in(unwritable_folder, monkeypatch):
    import skops.io

    monkeypatch.setattr(skops.io, "dumps", _fail_if_called)
    clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(ValueError, match=r"cannot write in folder '.*ro' \(Permission"):
        save_model(clf, unwritable_folder / "m.skops")
    with pytest.raises(ValueError, match=r"^--output: cannot write in folder"):
        persistence.check_save_path(
            unwritable_folder / "m.skops",
            error=lambda msg: ValueError(f"--output: {msg}"),
        )


def test_the_probe_leaves_nothing_behind(tmp_path):
    assert _paths.output_file_problem(tmp_path / "m.csv") is None
    assert _paths.check_output_dir(tmp_path / "report") == tmp_path / "report"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0,
    reason="root (and Windows) write in a folder whatever its mode: chmod "
    "cannot make one unwritable there; the unwritable_folder tests simulate it",
)
def test_a_folder_without_write_permission_is_refused(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(ValueError, match="--json .*cannot write in folder"):
            _paths.check_output_file(ro / "r.json", "--json", (".json",))
        with pytest.raises(ValueError, match="--output .*cannot write in folder"):
            _paths.check_output_dir(ro, "--output")
    finally:
        ro.chmod(0o700)


@pytest.fixture
def nothing_is_read(monkeypatch):
    monkeypatch.setattr(_table, "load_table", _fail_if_called)
    monkeypatch.setattr(_bundled, "load_bundled", _fail_if_called)
    monkeypatch.setattr(_models, "run_evaluation", _fail_if_called)
    monkeypatch.setattr(persistence, "load_model", _fail_if_called)
    try:
        from skmultimodal import distributed
    except ImportError:
        return
    monkeypatch.setattr(distributed, "run_on_dask", _fail_if_called)


TEXT = ["--csv", "{tmp}/data.csv", "--text-column", "title"]
UNWRITABLE = {
    "train --output": (["train", *TEXT, "--output", "{ro}/m.skops"], "--output"),
    "train --chunk-size --output": (
        ["train", *TEXT, "--chunk-size", "5", "--output", "{ro}/m.skops"],
        "--output",
    ),
    "predict --output": (
        ["predict", "--model", "{tmp}/m.skops", *TEXT, "--output", "{ro}/p.csv"],
        "--output",
    ),
    "featurize --output": (
        ["featurize", "--model", "{tmp}/m.skops", *TEXT, "--output", "{ro}/f.csv"],
        "--output",
    ),
    "predict --dask --output": (
        ["predict", "--dask", "local", "--model", "{tmp}/m.skops", *TEXT]
        + ["--output", "{ro}/parts"],
        "--output",
    ),
    "evaluate --output in it": (
        ["evaluate", *TEXT, "--output", "{ro}/rep"],
        "--output",
    ),
    "evaluate --output it": (["evaluate", *TEXT, "--output", "{ro}"], "--output"),
    "evaluate --json": (
        ["evaluate", *TEXT, "--output", "{tmp}/rep", "--json", "{ro}/r.json"],
        "--json",
    ),
}


@pytest.mark.parametrize("case", list(UNWRITABLE))
def test_cli_outputs_in_a_folder_that_cannot_be_written_are_refused_first(
    case, tmp_path, unwritable_folder, nothing_is_read, capsys
):
    (tmp_path / "data.csv").write_text("title,label\na b,x\nc d,y\n")
    argv, option = UNWRITABLE[case]
    argv = [a.format(tmp=tmp_path, ro=unwritable_folder) for a in argv]
    status = cli.main(argv)
    err = capsys.readouterr().err
    assert status == cli.EXIT_USAGE, err
    assert f"error: {option} '{unwritable_folder}" in err
    assert f"cannot write in folder '{unwritable_folder}' (Permission denied)" in err
    assert "Traceback" not in err and ".tmp" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "ro"]
