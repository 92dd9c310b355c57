"""Shared reliability helpers: atomic file writes (and that every file the
library writes goes through them), boolean environment variables."""

import contextlib
import json
import os
import threading
import warnings

import pytest

from skmultimodal.utils import atomic_write, env_flag
from tests._concurrency import race

from .cli.conftest import write_dataset


# ---------------------------------------------------------- atomic_write --
def _listing(folder):
    return sorted(os.listdir(folder))


def test_atomic_write_binary_and_text(tmp_path):
    path = tmp_path / "out.bin"
    with atomic_write(path) as fh:
        fh.write(b"\x00\x01")
        assert not path.exists()  # nothing at the destination until the end
    assert path.read_bytes() == b"\x00\x01"
    text = tmp_path / "out.csv"
    with atomic_write(text, "w", newline="") as fh:
        fh.write("a,b\r\né,2\r\n")
    assert text.read_bytes() == "a,b\r\né,2\r\n".encode()  # utf-8, newlines kept
    assert _listing(tmp_path) == ["out.bin", "out.csv"]


def test_atomic_write_failure_keeps_the_previous_file(tmp_path):
    path = tmp_path / "data.json"
    path.write_text('{"good": true}')
    with pytest.raises(RuntimeError, match="midway"):
        with atomic_write(path, "w") as fh:
            fh.write('{"partial": ')
            fh.flush()
            raise RuntimeError("midway")
    assert path.read_text() == '{"good": true}'
    assert _listing(tmp_path) == ["data.json"]  # the temporary file is gone
    fresh = tmp_path / "new.json"
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(fresh, "w") as fh:
            fh.write("x")
            raise KeyboardInterrupt
    assert _listing(tmp_path) == ["data.json"]


def test_atomic_write_checks_its_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="folder .* does not exist"):
        with atomic_write(tmp_path / "absent" / "f.txt", "w"):
            pass
    with pytest.raises(ValueError, match="for writing"):
        with atomic_write(tmp_path / "f.txt", "a"):
            pass
    with pytest.raises(ValueError, match="text mode only"):
        with atomic_write(tmp_path / "f.txt", "wb", encoding="utf-8"):
            pass
    assert _listing(tmp_path) == []


def test_atomic_write_permissions_and_links(tmp_path):
    old = os.umask(0o077)
    try:
        with atomic_write(tmp_path / "private.txt", "w") as fh:
            fh.write("x")
    finally:
        os.umask(old)
    assert (tmp_path / "private.txt").stat().st_mode & 0o777 == 0o600
    shared = tmp_path / "shared.txt"
    shared.write_text("old")
    shared.chmod(0o644)
    with atomic_write(shared, "w") as fh:
        fh.write("new")
    assert shared.stat().st_mode & 0o777 == 0o644 and shared.read_text() == "new"
    # a link at the destination is replaced, never written through: a link
    # planted in an output folder cannot redirect the write elsewhere
    link = tmp_path / "link.txt"
    link.symlink_to(shared)
    with atomic_write(link, "w") as fh:
        fh.write("not through the link")
    assert not link.is_symlink() and link.read_text() == "not through the link"
    mask = os.umask(0)
    os.umask(mask)
    assert shared.read_text() == "new"
    assert link.stat().st_mode & 0o777 == 0o666 & ~mask
    # a dangling link too; a link in the folder part is followed
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "elsewhere" / "x.txt")
    with atomic_write(dangling, "w") as fh:
        fh.write("d")
    assert dangling.read_text() == "d" and not (tmp_path / "elsewhere").exists()
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    with atomic_write(tmp_path / "alias" / "f.txt", "w") as fh:
        fh.write("f")
    assert (tmp_path / "real" / "f.txt").read_text() == "f"


def test_concurrent_atomic_writes_are_never_torn(tmp_path):
    path = tmp_path / "big.bin"
    contents = {who: who.encode() * 2_000_000 for who in ("a", "b")}
    path.write_bytes(contents["a"])
    seen, done = [], threading.Event()

    def writer(who):
        for _ in range(10):
            with atomic_write(path) as fh:
                for i in range(0, len(contents[who]), 65536):
                    fh.write(contents[who][i : i + 65536])

    def reader():
        while not done.is_set():
            seen.append(path.read_bytes() in contents.values())

    race(writer, reader, done)
    assert seen and all(seen)
    assert _listing(tmp_path) == ["big.bin"]


# ------------------------------- every file the library writes is atomic --
@pytest.fixture
def replaced(monkeypatch):
    """Names of the files moved into place by os.replace during the test."""
    names = []
    real = os.replace

    def spy(src, dst, *args, **kwargs):
        names.append(os.path.basename(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", spy)
    return names


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    pytest.importorskip("matplotlib")
    from skmultimodal.datasets._table import load_table
    from skmultimodal.model_selection._models import run_evaluation

    csv = write_dataset(tmp_path_factory.mktemp("report_data"), n_per_class=4)
    X, y, _ = load_table(
        csv, image_column="picture", text_column="caption", target="label"
    )
    return run_evaluation(X, y, cv=2, models=["text-only"], progress=False)


REPORT_FILES = [
    "confusion_matrix.png",
    "metrics.json",
    "modality_contribution.png",
    "report.html",
]


def test_report_files_are_written_atomically(evaluation, tmp_path, replaced):
    from skmultimodal.report import write_report

    out = write_report(tmp_path / "report", evaluation, dataset="tiny")
    assert sorted(replaced) == REPORT_FILES
    assert _listing(out) == REPORT_FILES


def test_failed_report_keeps_the_previous_files(evaluation, tmp_path, monkeypatch):
    from skmultimodal import report

    out = report.write_report(tmp_path / "report", evaluation, dataset="tiny")
    before = (out / "metrics.json").read_bytes()

    import skmultimodal.utils._io as io_module

    real_fsync, calls = os.fsync, []

    def disk_full_at_the_second_file(fd):
        # the disk fills up once the report's first new file is written
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(io_module.os, "fsync", disk_full_at_the_second_file)
    with pytest.raises(OSError, match="No space left"):
        report.write_report(out, evaluation, dataset="other")
    assert (out / "metrics.json").read_bytes() == before
    assert json.loads(before)["dataset"] == "tiny"
    assert _listing(out) == REPORT_FILES


def test_cli_json_is_written_atomically(tmp_path, monkeypatch, replaced):
    from skmultimodal import _commands

    path = tmp_path / "metrics.json"
    _commands._write_json({"a": 1}, path)
    assert replaced == ["metrics.json"] and json.loads(path.read_text()) == {"a": 1}

    class HalfWritten:  # the disk fills up after the first half of the text
        def __init__(self, fh):
            self.fh = fh

        def write(self, text):
            self.fh.write(text[: len(text) // 2])
            raise OSError(28, "No space left on device")

    @contextlib.contextmanager
    def full_disk(path, *args, **kwargs):
        with atomic_write(path, *args, **kwargs) as fh:
            yield HalfWritten(fh)

    monkeypatch.setattr("skmultimodal.utils.atomic_write", full_disk)
    with pytest.raises(OSError):
        _commands._write_json({"a": 2}, path)
    assert json.loads(path.read_text()) == {"a": 1}
    assert _listing(tmp_path) == ["metrics.json"]


# -------------------------------------------------------------- env_flag --
@pytest.mark.parametrize(
    "value, expected",
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        (" on ", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
        ("", False),
        ("  ", False),
    ],
)
def test_env_flag_values(monkeypatch, value, expected):
    monkeypatch.setenv("SKMULTIMODAL_TEST_FLAG", value)
    assert env_flag("SKMULTIMODAL_TEST_FLAG") is expected
    assert env_flag("SKMULTIMODAL_TEST_FLAG", default=True) is expected


def test_env_flag_unset_and_invalid(monkeypatch):
    monkeypatch.delenv("SKMULTIMODAL_TEST_FLAG", raising=False)
    assert env_flag("SKMULTIMODAL_TEST_FLAG") is False
    assert env_flag("SKMULTIMODAL_TEST_FLAG", default=True) is True
    for value in ("2", "maybe", "disabled", "0.0"):
        monkeypatch.setenv("SKMULTIMODAL_TEST_FLAG", value)
        with pytest.raises(ValueError) as exc:
            env_flag("SKMULTIMODAL_TEST_FLAG")
        msg = str(exc.value)
        assert f"SKMULTIMODAL_TEST_FLAG={value!r} is not a boolean" in msg
        assert "1, true, yes, on" in msg and "0, false, no, off" in msg


@pytest.mark.parametrize(
    "value, disabled",
    [("0", False), ("off", False), ("", False), ("1", True), ("Yes", True)],
)
def test_plugin_autoload_switch_is_parsed(monkeypatch, value, disabled):
    from skmultimodal.plugins import DISABLE_AUTOLOAD_ENV, autoload_disabled

    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert autoload_disabled() is disabled


def test_plugin_autoload_switch_with_a_bad_value_warns_and_disables(monkeypatch):
    from skmultimodal.plugins import (
        DISABLE_AUTOLOAD_ENV,
        PluginWarning,
        autoload_disabled,
    )

    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "please")
    with pytest.warns(PluginWarning, match="is not a boolean.*not loaded") as record:
        assert autoload_disabled() is True
    assert record[0].filename == __file__  # the caller's line, not the library's
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV)
    assert autoload_disabled() is False


def test_record_warnings_keeps_each_threads_own_warnings():
    # tasks of a multi-threaded (Dask) worker record their warnings side by
    # side; catch_warnings would mix them up and could leave a recorder behind
    from skmultimodal.utils._parallel import record_warnings

    barrier = threading.Barrier(4)
    got = {}

    def task(k):
        with record_warnings() as caught:
            barrier.wait()
            for i in range(50):
                warnings.warn(f"task {k} warning {i}", UserWarning, stacklevel=1)
                if i == 25:
                    with record_warnings() as inner:  # nested: its own list
                        warnings.warn(f"task {k} inner", RuntimeWarning, stacklevel=1)
                    got[k, "inner"] = inner
        got[k] = caught

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        threads = [threading.Thread(target=task, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with pytest.warns(UserWarning, match="after recording"):  # shown again
            warnings.warn("after recording", UserWarning, stacklevel=1)
    for k in range(4):
        assert got[k] == [(UserWarning, f"task {k} warning {i}") for i in range(50)]
        assert got[k, "inner"] == [(RuntimeWarning, f"task {k} inner")]
