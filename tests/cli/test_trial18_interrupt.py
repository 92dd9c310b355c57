"""Ctrl-C while the command line loads (scikit-learn and the commands take
a second or two) or before a command's own handling starts: the one line
and status 130 of a later Ctrl-C, not a traceback."""

import importlib.metadata
import subprocess
import sys

import pytest

import skmultimodal.cli as cli
from skmultimodal.__main__ import run


class _InterruptImport:
    """A meta path finder: importing ``name`` is interrupted."""

    def __init__(self, name):
        self.name = name

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.name:
            raise KeyboardInterrupt
        return None


def test_ctrl_c_while_the_command_line_loads(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "skmultimodal.cli")
    monkeypatch.setattr(sys, "meta_path", [_InterruptImport("skmultimodal.cli")])
    assert run() == 130
    assert capsys.readouterr().err == "skmultimodal: interrupted\n"


def test_ctrl_c_before_the_commands_own_handling(monkeypatch, capsys):
    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert run() == 130
    assert capsys.readouterr().err == "skmultimodal: interrupted\n"


def test_run_gives_main_status(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["skmultimodal", "--help"])
    with pytest.raises(SystemExit) as info:  # argparse's --help
        run()
    assert info.value.code == 0
    assert "usage: skmultimodal" in capsys.readouterr().out


def test_the_command_is_run():
    (script,) = importlib.metadata.entry_points(
        group="console_scripts", name="skmultimodal"
    )
    assert script.value == "skmultimodal.__main__:run"


def test_sigint_during_the_import_in_a_process():
    # the signal arrives 50 ms in, while skmultimodal.cli is being imported
    code = (
        "import os, signal, sys, threading\n"
        "threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()\n"
        "from skmultimodal.__main__ import run\n"
        "sys.exit(run())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == "skmultimodal: interrupted\n"


def test_main_from_several_threads_leaves_the_warning_state_as_it_was(monkeypatch):
    # a command sets the process's warning filters and printer while it
    # runs: overlapping calls each put back the other's, unless they take
    # turns
    import threading
    import time
    import warnings

    running, overlap = [], []

    def slow_command(args):
        running.append(1)
        overlap.append(len(running))
        time.sleep(0.05)
        warnings.warn("a command's warning", FutureWarning, stacklevel=2)
        running.pop()
        return 0

    monkeypatch.setattr(cli, "cmd_evaluate", slow_command)
    filters, show = list(warnings.filters), warnings.showwarning
    threads = [
        threading.Thread(target=cli.main, args=(["evaluate", "--dataset", "emoji"],))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlap == [1, 1, 1, 1]  # one after the other
    assert warnings.filters == filters and warnings.showwarning is show
