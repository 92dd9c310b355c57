"""Bad input: refused up front, exit status 2, CSV line numbers, quiet
broken pipes and quiet TensorFlow logs. Mostly in-process (``cli.main``)."""

import importlib.util
import os
import subprocess
import sys
import time

import pandas as pd
import pytest

from skmultimodal import cli, persistence
from skmultimodal.datasets import _bundled, _table
from skmultimodal.model_selection import _models
from skmultimodal.utils import _paths, _quiet
from skmultimodal.utils._errors import is_bad_input

from .conftest import CSV_ARGS, ROOT, run_error


def _fail_if_called(*args, **kwargs):
    raise AssertionError("reached reading or fitting before the options were checked")


@pytest.fixture
def nothing_is_read(monkeypatch):
    """Reading the CSV or the model file fails the test: the options under
    test must be refused before any data is read (let alone fitted)."""
    monkeypatch.setattr(_table, "load_table", _fail_if_called)
    monkeypatch.setattr(_bundled, "load_bundled", _fail_if_called)
    monkeypatch.setattr(_models, "run_evaluation", _fail_if_called)
    monkeypatch.setattr(persistence, "load_model", _fail_if_called)


# ------------------------------------------- 1. outputs checked up front --
BAD_OUTPUTS = {
    "evaluate --output in a missing folder": (
        ["evaluate", "--output", "{tmp}/absent/report"],
        "--output",
        "does not exist",
    ),
    "evaluate --output naming a file": (
        ["evaluate", "--output", "{csv}"],
        "--output",
        "not a folder",
    ),
    "evaluate --json in a missing folder": (
        ["evaluate", "--output", "{tmp}/r", "--json", "{tmp}/absent/m.json"],
        "--json",
        "does not exist",
    ),
    "evaluate --json without .json": (
        ["evaluate", "--output", "{tmp}/r", "--json", "{tmp}/m.txt"],
        "--json",
        "must end in .json",
    ),
    "evaluate --json naming a folder": (
        ["evaluate", "--output", "{tmp}/r", "--json", "{tmp}/dir.json"],
        "--json",
        "it is a folder",
    ),
    "train --output with an unknown suffix": (
        ["train", "--csv", "{csv}", "--output", "{tmp}/m.txt"],
        "--output",
        "cannot tell the format",
    ),
    "train --output in a missing folder": (
        ["train", "--csv", "{csv}", "--output", "{tmp}/absent/m.joblib"],
        "--output",
        "does not exist",
    ),
    "train --classifier attention as .skops": (
        ["train", "--csv", "{csv}", "--classifier", "attention"]
        + ["--output", "{tmp}/m.skops"],
        "--output",
        "save it as m.joblib",
    ),
    "predict --output without .csv": (
        ["predict", "--model", "{tmp}/m.skops", "--csv", "{csv}"]
        + ["--output", "{tmp}/p.txt"],
        "--output",
        "must end in .csv",
    ),
    "predict --output in a missing folder": (
        ["predict", "--model", "{tmp}/m.skops", "--csv", "{csv}"]
        + ["--output", "{tmp}/absent/p.csv"],
        "--output",
        "does not exist",
    ),
}


@pytest.mark.parametrize("case", list(BAD_OUTPUTS))
def test_bad_outputs_are_refused_before_anything_is_read(
    case, tiny_csv, tmp_path, nothing_is_read, capsys
):
    argv, option, why = BAD_OUTPUTS[case]
    (tmp_path / "dir.json").mkdir()
    argv = [a.format(tmp=tmp_path, csv=tiny_csv) for a in argv]
    t0 = time.perf_counter()
    status, line = run_error(argv, capsys)
    assert time.perf_counter() - t0 < 2
    assert status == cli.EXIT_USAGE
    assert f"error: {option}" in line and why in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.json"]


class _Reached(Exception):
    """Raised where the CSV would be read: the output checks passed."""


def _reach(*args, **kwargs):
    raise _Reached


def test_model_suffixes_are_those_persistence_accepts(tiny_csv, tmp_path, monkeypatch):
    from skmultimodal.persistence import _JOBLIB_SUFFIXES, _SKOPS_SUFFIXES

    monkeypatch.setattr(_table, "load_table", _reach)
    train = ["train", "--csv", str(tiny_csv), "--output"]
    for suffix in _JOBLIB_SUFFIXES + _SKOPS_SUFFIXES:
        with pytest.raises(_Reached):
            cli.main([*train, str(tmp_path / f"m{suffix}"), "--debug"])
    for suffix in _JOBLIB_SUFFIXES:  # a Keras model goes in a pickle
        with pytest.raises(_Reached):
            argv = [*train, str(tmp_path / f"m{suffix}"), "--classifier", "attention"]
            cli.main([*argv, "--debug"])
    with pytest.raises(cli.CLIError, match=r"--output.*\.joblib, \.pkl, \.pickle"):
        cli.main([*train, str(tmp_path / "m.zip"), "--debug"])


def test_json_may_go_in_the_report_folder_it_creates(tmp_path):
    report = _paths.check_output_dir(tmp_path / "report")
    _paths.check_output_file(
        report / "m.json", "--json", (".json",), also_ok=report.resolve()
    )
    with pytest.raises(ValueError, match="--json"):
        _paths.check_output_file(tmp_path / "other" / "m.json", "--json", (".json",))


# -------------------------------------------------------- 2. exit status --
def test_missing_model_file_exits_2(tiny_csv, tmp_path, capsys):
    argv = ["predict", "--model", tmp_path / "absent.skops", "--csv", tiny_csv]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE and "does not exist" in line


def _edited(csv, name, **cells):
    """The CSV with cells replaced: ``column=(rows, value)``."""
    df = pd.read_csv(csv)
    for column, (rows, value) in cells.items():
        df.loc[rows, column] = value
    out = csv.parent / f"{name}.csv"
    df.to_csv(out, index=False)
    return out


@pytest.mark.parametrize("policy", [[], ["--missing", "raise"], ["--missing", "error"]])
def test_empty_image_cells_without_missing_exit_2(tiny_csv, tmp_path, capsys, policy):
    """The default policy, raise, also spelled error (its former name)."""
    holes = _edited(tiny_csv, "holes_train", picture=([2, 10], None))
    argv = ["train", "--csv", holes, *CSV_ARGS, "--output", tmp_path / "m.skops"]
    status, line = run_error([*argv, *policy], capsys)
    assert status == cli.EXIT_USAGE
    # CSV lines: the header is line 1, so rows 2 and 10 are lines 4 and 12
    assert "modality 'image' (column 'picture') is empty in 2 row(s)" in line
    assert "lines 4 and 12" in line and "--missing zero, mean or indicator" in line
    assert "with --missing raise every row needs every modality" in line
    assert not (tmp_path / "m.skops").exists()


def test_all_numeric_text_column_exits_2(tiny_csv, tmp_path, capsys):
    df = pd.read_csv(tiny_csv)
    df["caption"] = range(len(df))
    numbers = tiny_csv.parent / "numeric_text.csv"
    df.to_csv(numbers, index=False)
    argv = ["train", "--csv", numbers, *CSV_ARGS, "--output", tmp_path / "m.skops"]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    assert "text column 'caption'" in line and "holds numbers, not texts" in line
    assert "(line 2: 0)" in line and "--text-column" in line


def test_library_check_while_fitting_exits_2_citing_csv_lines(
    tiny_csv, tmp_path, capsys
):
    (tiny_csv.parent / "images" / "garbage.png").write_bytes(b"not an image")
    broken = _edited(tiny_csv, "garbage", picture=(4, "images/garbage.png"))
    argv = ["train", "--csv", broken, *CSV_ARGS, "--output", tmp_path / "m.skops"]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_USAGE
    # every undecodable file is refused before fitting, by its CSV line, with
    # the command's own option where the library names the builder's
    assert "1 image file(s) of column 'picture'" in line
    assert "cannot be decoded: line 6, path" in line and "garbage.png" in line
    assert "(index" not in line and "row 4" not in line
    assert "have it treated as missing: --missing mean (or zero, indicator)" in line
    assert "make_multimodal_pipeline" not in line


def test_other_errors_exit_1(tiny_csv, tmp_path, monkeypatch, capsys):
    def boom(*args, **kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr(_table, "load_table", boom)
    argv = ["train", "--csv", tiny_csv, "--output", tmp_path / "m.skops"]
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_FAILURE and "something broke" in line
    assert line.endswith("(RuntimeError; --debug shows the traceback)")

    def not_a_check(*args, **kwargs):
        raise ValueError("not raised by skmultimodal or scikit-learn")

    monkeypatch.setattr(_table, "load_table", not_a_check)
    status, line = run_error(argv, capsys)
    assert status == cli.EXIT_FAILURE and "(ValueError; --debug shows" in line
    # bad input is the user's to fix: no traceback is offered
    status, line = run_error([*argv[:-1], tmp_path / "m.txt"], capsys)  # a bad suffix
    assert status == cli.EXIT_USAGE and "--debug" not in line


def test_bad_input_rule(tmp_path):
    """ValueError/TypeError: bad input only when a ``raise`` in skmultimodal
    (or scikit-learn) code raised it, not an operation failing there."""
    src = tmp_path / "fake_module.py"
    src.write_text(
        "import numpy as np\n"
        "def check(x):\n"
        "    raise TypeError(f'bad {x}')\n"
        "def compute(x):\n"
        "    return np.asarray(x, dtype=float)\n"
    )
    namespace = {"__name__": "skmultimodal._fake_module"}
    exec(compile(src.read_text(), str(src), "exec"), namespace)

    def caught(func, arg):
        try:
            func(arg)
        except Exception as exc:
            return exc
        raise AssertionError("no exception")

    assert is_bad_input(caught(namespace["check"], 1))
    assert not is_bad_input(caught(namespace["compute"], "x"))
    assert not is_bad_input(ValueError("never raised"))
    assert is_bad_input(persistence.ModelFileError("gone"))
    assert is_bad_input(cli.CLIError("bad option"), cli.CLIError)
    assert not is_bad_input(cli.CLIError("bad option"))
    assert not is_bad_input(OSError(28, "No space left on device"))
    from sklearn.utils import check_array

    assert is_bad_input(caught(check_array, [[float("nan")]]))


# ----------------------------------------------------- 3. CSV line numbers --
def test_load_table_index_is_the_csv_line_number(tiny_csv):
    X, y, groups = _table.load_table(
        tiny_csv,
        image_column="picture",
        text_column="caption",
        target="label",
        group_column="group",
    )
    assert list(X.index) == list(range(2, 26))  # header: line 1
    assert list(y.index) == list(X.index) == list(groups.index)


def test_evaluate_lists_every_missing_cell_before_cross_validation(
    tiny_csv, tmp_path, monkeypatch, capsys
):
    holes = _edited(
        tiny_csv, "holes_evaluate_all", picture=([2, 10], None), caption=(20, None)
    )
    monkeypatch.setattr(_models, "run_evaluation", _fail_if_called)
    argv = ["evaluate", "--csv", holes, *CSV_ARGS, "--cv", "2", "--no-progress"]
    status, line = run_error([*argv, "--output", tmp_path / "r"], capsys)
    assert status == cli.EXIT_USAGE
    assert "modality 'image' (column 'picture') is empty in 2 row(s)" in line
    assert "on lines 4 and 12" in line
    assert "modality 'text' (column 'caption') is empty in 1 row(s), on line 22" in line
    # only the modalities of the models asked for are checked
    status, line = run_error(
        [*argv, "--models", "image-only", "--output", tmp_path / "r"], capsys
    )
    assert status == cli.EXIT_USAGE and "'text'" not in line


# ------------------------------------------------------- 4. broken pipe --
@pytest.mark.slow
def test_broken_pipe_is_silent(tiny_csv, tmp_path):
    model = tmp_path / "model.skops"
    args = ["--csv", str(tiny_csv), *CSV_ARGS]
    assert cli.main(["train", *args, "--method", "concat", "--output", str(model)]) == 0
    # about 270 kB of predictions: more than a pipe holds, so the writer is
    # still writing when the reader goes away
    df = pd.read_csv(tiny_csv).drop(columns=["label"])
    big = tiny_csv.parent / "big_for_pipe.csv"
    pd.concat([df] * 170, ignore_index=True).to_csv(big, index=False)
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.Popen(
        [sys.executable, "-m", "skmultimodal", "predict", "--model", str(model)]
        + ["--csv", str(big), *CSV_ARGS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert proc.stdout.readline().startswith(b"prediction,proba_")
        proc.stdout.close()  # like `head -1`
        err = proc.stderr.read().decode()
        status = proc.wait(timeout=300)
    finally:
        proc.kill()
    assert status == cli.EXIT_BROKEN_PIPE == 141, err
    assert err == "", err  # no "Broken pipe", no "Exception ignored"


def test_broken_pipe_in_process_returns_141(monkeypatch, capsys):
    def closed(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "cmd_datasets", closed)  # build_parser reads it
    assert cli.main(["datasets"]) == cli.EXIT_BROKEN_PIPE
    assert capsys.readouterr().err == ""


# --------------------------------------------------- 5. TensorFlow logs --
TF_VARS = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "SKMULTIMODAL_DEBUG")


@pytest.fixture
def no_tf_env(monkeypatch):
    for name in TF_VARS:
        monkeypatch.setenv(name, "x")  # so that teardown restores the original
        monkeypatch.delenv(name)


def test_tensorflow_logs_hidden_without_debug(tmp_path, no_tf_env, capsys):
    assert cli.main(["evaluate", "--csv", str(tmp_path / "absent.csv")]) == 2
    # set while main() ran (tests/cli/test_trial16_main_state.py), put back
    assert "TF_CPP_MIN_LOG_LEVEL" not in os.environ
    # numerics untouched: oneDNN stays as TensorFlow decides
    assert "TF_ENABLE_ONEDNN_OPTS" not in os.environ
    # the import hook lives only while main() runs
    assert not any(isinstance(h, _quiet.QuietTensorFlowImport) for h in sys.meta_path)


def test_tensorflow_log_level_set_by_the_user_is_kept(
    tmp_path, no_tf_env, monkeypatch, capsys
):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "1")
    cli.main(["evaluate", "--csv", str(tmp_path / "absent.csv")])
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "1"


@pytest.mark.parametrize("how", ["--debug", "SKMULTIMODAL_DEBUG"])
def test_tensorflow_logs_not_forced_with_debug(tmp_path, no_tf_env, monkeypatch, how):
    argv = ["evaluate", "--csv", str(tmp_path / "absent.csv")]
    if how == "--debug":
        argv.append("--debug")
    else:
        monkeypatch.setenv("SKMULTIMODAL_DEBUG", "1")
    with pytest.raises(ValueError, match="no such file"):
        cli.main(argv)
    assert "TF_CPP_MIN_LOG_LEVEL" not in os.environ


def _import_tensorflow_in_main(*flags):
    """Run, in a fresh interpreter without TensorFlow's log variables, a
    command that imports TensorFlow; return the CompletedProcess."""
    code = (
        "import os, sys\n"
        "from skmultimodal import cli\n"
        "def cmd(args):\n"
        "    import tensorflow\n"
        "    print('level', os.environ.get('TF_CPP_MIN_LOG_LEVEL'))\n"
        "    return 0\n"
        "cli.cmd_datasets = cmd\n"
        f"sys.exit(cli.main(['datasets', *{list(flags)!r}]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in TF_VARS}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is None, reason="needs tensorflow"
)
def test_tensorflow_import_in_a_command_is_quiet():
    proc = _import_tensorflow_in_main()
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "level 3\n"
    for noise in _quiet.TF_IMPORT_NOISE:
        assert noise not in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    "library, command",
    [
        ("treated as missing: row 3 (index 5)", "treated as missing: line 5"),
        ("in rows 3 and 7 (index 5 and 9).", "in lines 5 and 9."),
        ("in rows 1, 2 and 4 (index 3, 4 and 6)", "in lines 3, 4 and 6"),
        ("rows 1, 2 and 4 more (index 3, 4)", "lines 3, 4 and 4 more"),
        (
            "cannot read image at row 0 (index 102), path",
            "cannot read image at line 102, path",
        ),
    ],
)
def test_library_rows_read_as_csv_lines(library, command):
    from types import SimpleNamespace

    assert cli._in_command_terms(SimpleNamespace(csv="data.csv"), library) == command


@pytest.mark.parametrize(
    "positions, expected",
    [([3], "line 5"), ([3, 7], "lines 5 and 9"), (list(range(14)), "lines 2, 3, ")],
)
def test_the_fusion_row_wording_reads_as_csv_lines(positions, expected):
    # the command rewrites what the fusion writes: the two must not drift
    from types import SimpleNamespace

    from skmultimodal.fusion._columns import describe_rows

    index = list(range(2, 22))  # CSV line numbers as index labels
    message = f"treated as missing: {describe_rows(positions, index)}."
    out = cli._in_command_terms(SimpleNamespace(csv="data.csv"), message)
    assert out.startswith(f"treated as missing: {expected}"), out
    assert "index" not in out and "row" not in out, out
