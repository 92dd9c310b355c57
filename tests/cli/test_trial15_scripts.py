"""The command line as scripts use it: a failed write (full disk, file size
limit) leaves no hidden temporary file and names the file it could not
write; ``--debug`` keeps the exit status; no command is a usage error on
standard error."""

import contextlib
import errno
import os
import sys

import pytest

from skmultimodal import cli
from skmultimodal.utils import atomic_write

from .conftest import CSV_ARGS, run_main

resource = pytest.importorskip("resource")
signal = pytest.importorskip("signal")


@contextlib.contextmanager
def file_size_limit(n_bytes):
    """Writes past ``n_bytes`` fail with EFBIG (as on a full disk) in this
    process, SIGXFSZ ignored; both restored afterwards."""
    if not hasattr(signal, "SIGXFSZ"):
        pytest.skip("no SIGXFSZ on this platform")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (n_bytes, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


@pytest.mark.parametrize("mode", ["wb", "w"])
def test_failed_write_removes_the_temporary_file_and_names_the_file(tmp_path, mode):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    chunk = b"y" * 100 if mode == "wb" else "y" * 100
    # the buffered bytes fail again when close() flushes them: the temporary
    # file must be removed all the same
    with pytest.raises(OSError) as info, file_size_limit(60_000):
        with atomic_write(path, mode) as fh:
            for _ in range(2000):
                fh.write(chunk)
    assert sorted(os.listdir(tmp_path)) == ["out.bin"]
    assert path.read_bytes() == b"old"
    assert info.value.errno == errno.EFBIG
    assert f"cannot write {str(path)!r}: File too large" in str(info.value)
    assert isinstance(info.value.__cause__, OSError)  # the original, chained


def test_disk_full_in_the_block_names_the_file_other_errors_are_kept(tmp_path):
    path = tmp_path / "out.csv"
    with pytest.raises(OSError, match=r"\[Errno 28\] cannot write .*out\.csv'"):
        with atomic_write(path, "w") as fh:
            fh.write("a")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    # an error that is not the write's (reading an input, say) is not renamed
    with pytest.raises(FileNotFoundError) as info:
        with atomic_write(path, "w"):
            (tmp_path / "absent.csv").read_text()
    assert info.value.filename == str(tmp_path / "absent.csv")
    assert os.listdir(tmp_path) == []
    # nor is a full disk met by another file the block writes (a cache)
    cache = str(tmp_path / "cache.bin")
    with pytest.raises(OSError) as info:
        with atomic_write(path, "w"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), cache)
    assert info.value.filename == cache and "cannot write" not in str(info.value)


def test_cli_failed_write_names_the_output_and_leaves_nothing(
    tiny_csv, tiny_model, tmp_path
):
    out = tmp_path / "p.csv"
    out.write_text("OLD\n")
    with file_size_limit(16):
        proc = run_main(
            "predict", "--model", tiny_model, "--csv", tiny_csv, *CSV_ARGS,
            "--output", out,
        )  # fmt: skip
    assert proc.returncode == cli.EXIT_FAILURE, proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith("skmultimodal: error: [Errno 27] cannot write ")
    assert f"{str(out)!r}: File too large (OSError; --debug shows" in line
    assert sorted(os.listdir(tmp_path)) == ["p.csv"] and out.read_text() == "OLD\n"


@pytest.mark.parametrize("how", ["--debug", "SKMULTIMODAL_DEBUG"])
def test_debug_from_the_shell_keeps_the_exit_status(tmp_path, monkeypatch, capsys, how):
    argv = ["skmultimodal", "train", "--csv", str(tmp_path / "absent.csv")]
    argv += ["--output", str(tmp_path / "m.skops")]
    if how == "--debug":
        argv.append("--debug")
    else:
        monkeypatch.setenv("SKMULTIMODAL_DEBUG", "1")
    monkeypatch.setattr(sys, "argv", argv)  # as the console script runs it
    assert cli.main() == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "ValueError: cannot read CSV" in err
    assert err.splitlines()[-1].startswith("skmultimodal: error: cannot read CSV")


@pytest.mark.parametrize("args", [[], ["--debug"]])
def test_no_command_is_a_usage_error_on_stderr(args):
    proc = run_main(*args)
    assert proc.returncode == cli.EXIT_USAGE and proc.stdout == ""
    assert proc.stderr.startswith("usage: skmultimodal")
