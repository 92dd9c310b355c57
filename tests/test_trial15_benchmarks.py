"""The benchmark scripts' command lines: where ``run_all.py`` writes its page
and which modules ``--only`` runs (the modules stubbed: nothing is measured),
the positive-integer options, the tabular verdict at float round-off, a
failing command's status and message, progress on stderr."""

import argparse
import importlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


@pytest.fixture
def bench(monkeypatch):
    """Import a benchmark module by name (``benchmarks/`` on sys.path)."""
    monkeypatch.syspath_prepend(str(BENCH))
    return importlib.import_module


# ------------------------------------------------------------------ run_all
@pytest.fixture
def run_all(bench, monkeypatch, tmp_path):
    """``run_all`` with every module stubbed and the page recorded, not
    written; the temporary folder is ``tmp_path``."""
    module = bench("run_all")
    _harness = bench("_harness")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    calls = {"ran": [], "pages": []}

    def run_module(name, ctx):
        calls["ran"].append(name)
        return [_harness.Section(f"stub {name}", markdown="x")]

    def write_page(path, sections, **kw):
        calls["pages"].append((Path(path), [s.title for s in sections], kw))

    monkeypatch.setattr(module, "run_module", run_module)
    monkeypatch.setattr(module, "write_page", write_page)
    module.calls = calls
    return module


def test_full_run_writes_the_docs_page(run_all):
    assert run_all.main([]) == 0
    ((path, titles, kw),) = run_all.calls["pages"]
    assert path == ROOT / "docs" / "benchmarks.md"
    assert len(titles) == len(run_all.calls["ran"]) > 10
    assert kw["command"] == "python benchmarks/run_all.py"


@pytest.mark.parametrize(
    "argv", [["--quick"], ["--only", "hog", "streaming"], ["--quick", "--only", "hog"]]
)
def test_quick_or_partial_run_leaves_the_docs_page_alone(run_all, argv, tmp_path):
    assert run_all.main(argv) == 0
    ((path, _, kw),) = run_all.calls["pages"]
    assert path != ROOT / "docs" / "benchmarks.md"
    assert path.parent == tmp_path and path.suffix == ".md"
    # the header states the command that made the page
    assert kw["command"] == "python benchmarks/run_all.py " + " ".join(argv)


def test_given_output_is_used_and_named_in_the_header(run_all, tmp_path):
    out = tmp_path / "page.md"
    assert run_all.main(["--quick", "--repeats", "1", "--output", str(out)]) == 0
    ((path, _, kw),) = run_all.calls["pages"]
    assert path == out
    assert kw["command"] == (
        f"python benchmarks/run_all.py --quick --repeats 1 --output {out}"
    )


@pytest.mark.parametrize(
    "only, ran",
    [
        (["read"], ["read"]),  # not bench_unreadable too
        (["image"], ["image"]),  # not bench_image_tokens too
        (["bench_hog"], ["hog"]),
        (["streaming", "hog"], ["hog", "streaming"]),
    ],
)
def test_only_matches_exact_module_names(run_all, only, ran):
    assert run_all.main(["--quick", "--only", *only]) == 0
    assert run_all.calls["ran"] == ran


@pytest.mark.parametrize("argv", [["--only"], ["--only", "hogg"], ["--repeats", "0"]])
def test_bad_arguments_are_argparse_errors(run_all, argv, capsys):
    with pytest.raises(SystemExit) as exc:
        run_all.main(argv)
    assert exc.value.code == 2
    assert run_all.calls["ran"] == [] and run_all.calls["pages"] == []
    err = capsys.readouterr().err
    if "hogg" in argv:  # the valid names are listed
        assert "invalid choice: 'hogg'" in err and "'hog'" in err
        assert "'image_tokens'" in err


# ------------------------------------------------------------ positive ints
def test_positive_int(bench):
    positive_int = bench("_harness").positive_int
    assert positive_int("3") == 3
    for bad in ("0", "-3", "x", "1.5"):
        with pytest.raises(argparse.ArgumentTypeError, match="integer"):
            positive_int(bad)


@pytest.mark.parametrize(
    "module, argv",
    [
        ("bench_image", ["--n", "0"]),
        ("bench_image", ["--n", "-5"]),
        ("bench_image", ["--repeats", "0"]),
        ("bench_models", ["--folds", "0"]),
        ("bench_tabular", ["--repeats", "-3"]),
        ("bench_out_of_core", ["--chunk-size", "0"]),
        ("bench_eager", ["--repeats", "0"]),
    ],
)
def test_scripts_reject_non_positive_sizes(bench, module, argv, capsys):
    with pytest.raises(SystemExit) as exc:
        bench(module).main(argv)
    assert exc.value.code == 2
    assert f"argument {argv[0]}" in capsys.readouterr().err


def test_models_benchmark_refuses_more_folds_than_it_has(bench, capsys):
    with pytest.raises(SystemExit) as exc:
        bench("bench_models").main(["--folds", "6"])
    assert exc.value.code == 2
    assert "the benchmark has 5 folds, got 6" in capsys.readouterr().err


def test_harness_repeats_must_be_positive(bench, capsys):
    with pytest.raises(SystemExit):
        bench("_harness").main_single(lambda ctx: [], ["--repeats", "0"])
    assert "argument --repeats" in capsys.readouterr().err


# ------------------------------------------------------------------ tabular
def test_tabular_verdict_allows_float_round_off(bench):
    verdict = bench("bench_tabular").verdict
    assert verdict(-0.010000000000000009, -0.01) == "met"  # printed -0.010
    assert verdict(-0.0101, -0.01) == "missed"
    assert verdict(0.05, 0.05) == "met"
    assert verdict(0.049, 0.05) == "missed"


# ------------------------------------------------------ a failing command
def test_run_child_shows_stderr_of_a_failed_command(bench):
    code = (
        "import json, sys\n"
        "print('Error: --model /nowhere.skops: no such file', file=sys.stderr)\n"
        "print(json.dumps({'status': 2}))\n"
    )
    with pytest.raises(RuntimeError, match="exited with 2") as exc:
        bench("_harness").run_child(code, [])
    assert "no such file" in str(exc.value)


def test_run_child_passes_a_zero_status(bench):
    code = "import json; print(json.dumps({'status': 0, 'seconds': 1.0}))"
    assert bench("_harness").run_child(code, [])["seconds"] == 1.0


def test_run_cli_raises_with_the_status(bench, monkeypatch, capsys):
    """Not an ``assert`` (gone under ``python -O``): an explicit check."""
    import skmultimodal.cli

    def main(argv):
        print("training...")
        return 3

    monkeypatch.setattr(skmultimodal.cli, "main", main)
    with pytest.raises(RuntimeError, match="skmultimodal train .* exited with 3"):
        bench("_harness").run_cli(["train", "--csv", "x.csv"])
    out = capsys.readouterr()
    assert out.out == "" and "training..." in out.err  # stdout is the report


@pytest.mark.parametrize("argv", [["--commands", ""], ["--commands", "fit"]])
def test_scale_commands_are_checked(bench, argv, capsys):
    with pytest.raises(SystemExit) as exc:
        bench("bench_scale").main(argv)
    assert exc.value.code == 2
    assert "featurize, predict" in capsys.readouterr().err


def test_scale_missing_model_is_an_argparse_error(bench, tmp_path, capsys):
    missing = tmp_path / "nonexistent.skops"
    with pytest.raises(SystemExit) as exc:
        bench("bench_scale").main(["--quick", "--model", str(missing)])
    assert exc.value.code == 2
    assert f"--model {missing}: no such file" in capsys.readouterr().err


# -------------------------------------------------------- progress, fonts
def test_robustness_progress_goes_to_stderr(bench, monkeypatch, capsys):
    robustness = bench("bench_robustness")
    monkeypatch.setattr(robustness, "score", lambda *a, **k: (0.5, 0.0))
    out = robustness.method_rows(True, 1)
    assert set(out) == {"image only", "text only", "concat", "product"}
    captured = capsys.readouterr()
    assert "done" not in captured.out
    assert "method concat: done" in captured.err


@pytest.mark.parametrize("quick", [False, True])
def test_long_tail_cases_keep_classes_of_at_least_as_many_rows_as_folds(bench, quick):
    """Each relabelled emoji case keeps only classes with a row in every
    fold, and its name says how many classes, rows and folds it has."""
    robustness = bench("bench_robustness")
    cases = list(robustness.long_tail_data(quick))
    assert len(cases) == (1 if quick else 3)
    for name, X, y, cv in cases:
        assert len(X) == len(y)
        _, counts = np.unique(y, return_counts=True)
        assert counts.min() >= cv.n_splits
        assert f"{len(counts)} classes of {cv.n_splits}+ rows" in name
        assert f"({len(y):,} rows)" in name
        assert len(counts) > 20  # many classes, most of them rare
        assert X.index.equals(pd.RangeIndex(len(y)))


def test_long_tail_table_names_every_model_and_the_verdict(bench, monkeypatch, capsys):
    robustness = bench("bench_robustness")
    fake = {
        "test_accuracy": np.array([0.5, 0.7]),
        "test_f1_macro": np.array([0.2, 0.4]),
    }
    monkeypatch.setattr(robustness, "cross_validate", lambda *a, **k: fake)
    rows = robustness.long_tail_rows(True, 1)
    robustness.print_long_tail(rows)
    captured = capsys.readouterr()
    table = captured.out.splitlines()
    assert "| image only | text only | default fused (`stack`) | concat |" in table[0]
    assert table[2].count("0.600 / 0.300") == 4
    assert table[2].endswith("| met |")  # equal to the best single modality
    assert "long tail" in captured.err and "long tail" not in captured.out


def test_style_shift_skips_a_file_that_is_not_a_font(bench, tmp_path, capsys):
    fake = tmp_path / "notafont.ttf"
    fake.write_text("not a font")
    status = bench("bench_style_shift").main(
        ["--font", str(fake), "--cache", str(tmp_path / "cache")]
    )
    assert status == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines[-1].startswith("Style-shift benchmark skipped:")
    assert f"{fake} is not a font Pillow can open" in lines[-1]
    assert "--font" in lines[-1]
    assert not (tmp_path / "cache").exists()  # nothing rendered


def test_dask_cluster_scratch_space_is_in_the_temporary_folder(bench):
    """The workers' scratch space is a folder passed in (under the run's
    temporary folder), not ``dask-scratch-space`` in $TMPDIR."""
    on_dask = bench("bench_dask").ON_DASK
    assert 'dask.config.set({"temporary-directory": scratch})' in on_dask
