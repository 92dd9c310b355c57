"""The command line, driven in-process (``cli.main``) on a tiny CSV made here;
the entry point once in a subprocess."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skmultimodal import cli
from skmultimodal.datasets._table import load_table
from skmultimodal.model_selection import modality_contributions
from skmultimodal.model_selection._models import EVALUATED_MODELS, resolve_models
from skmultimodal.report import format_summary, format_table

from .conftest import CSV_ARGS, run_cli, run_main, write_dataset

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FAST_MODELS = "image-only,text-only,fusion,late-fusion"
#: --methods of the shared evaluation: each adds a model fusion-<method>
METHODS = "concat,product"
EVALUATED = [*FAST_MODELS.split(","), "fusion-concat", "fusion-product"]
#: the table's note on a fused model below the best single modality
NOTE = r"\s+below the best single modality"


def _error_line(proc):
    """The one stderr line the CLI prints for bad input (no traceback)."""
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("skmultimodal:")]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("skmultimodal: error: ")
    return lines[0]


# ------------------------------------------------------------------ help --
@pytest.mark.slow
def test_module_and_help_in_subprocess():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for sub in ("evaluate", "train", "predict", "plugins", "datasets"):
        assert sub in proc.stdout


@pytest.mark.parametrize(
    "sub, expected",
    [
        ("evaluate", "--group-column"),
        ("train", "--output"),
        ("predict", "--model"),
        ("plugins", "--json"),
        ("datasets", "--json"),
    ],
)
def test_every_subcommand_has_help(sub, expected, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([sub, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: skmultimodal {sub}")
    assert expected in out


def test_no_command_prints_help_and_fails(capsys):
    assert cli.main([]) != 0
    out, err = capsys.readouterr()
    assert "usage: skmultimodal" in err and out == ""


# -------------------------------------------------------------- evaluate --
@pytest.fixture(scope="module")
def evaluated(tiny_csv, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    json_path = out / "metrics-doc.json"
    proc = run_main(
        "evaluate",
        "--csv",
        tiny_csv,
        *CSV_ARGS,
        "--target",
        "label",
        "--cv",
        "2",
        "--quick",
        "--models",
        FAST_MODELS,
        "--methods",
        METHODS,
        "--output",
        out / "report",
        "--json",
        json_path,
    )
    assert proc.returncode == 0, proc.stderr
    return proc, out / "report", json_path


def test_evaluate_json_schema(evaluated):
    _, _, json_path = evaluated
    doc = json.loads(json_path.read_text())
    assert set(doc) == {
        "dataset",
        "n_samples",
        "n_classes",
        "cv",
        "models",
        "best_model",
    }
    assert isinstance(doc["dataset"], str)
    assert (doc["n_samples"], doc["n_classes"], doc["cv"]) == (24, 3, 2)
    assert list(doc["models"]) == EVALUATED
    for m in doc["models"].values():
        assert set(m) == {
            "accuracy",
            "accuracy_std",
            "macro_f1",
            "fit_time",
            "modalities",
        }
        for key in ("accuracy", "accuracy_std", "macro_f1", "fit_time"):
            assert isinstance(m[key], float)
        assert 0.0 <= m["accuracy"] <= 1.0 and 0.0 <= m["macro_f1"] <= 1.0
        assert m["fit_time"] > 0
    assert doc["models"]["image-only"]["modalities"] == ["image"]
    assert doc["models"]["text-only"]["modalities"] == ["text"]
    assert doc["models"]["fusion"]["modalities"] == ["image", "text"]
    # the tiny images and texts are easy: every model learns something
    assert doc["models"]["fusion"]["accuracy"] > 1 / 3
    models = doc["models"]
    best = max(models, key=lambda n: (models[n]["accuracy"], models[n]["macro_f1"]))
    assert doc["best_model"] == best


def test_evaluate_names_the_best_model(evaluated):
    proc, report, json_path = evaluated
    doc = json.loads(json_path.read_text())
    best = doc["best_model"]
    acc, std = doc["models"][best]["accuracy"], doc["models"][best]["accuracy_std"]
    line = f"best: {best} (accuracy {acc:.3f} ± {std:.3f})"
    assert line in proc.stdout.splitlines()
    # ... after the table
    assert proc.stdout.index(line) > proc.stdout.index("fusion-product")
    html = (report / "report.html").read_text()
    assert f"Best model (bold): <b>{best}</b>, accuracy {acc:.3f}" in html


def test_evaluate_methods_add_fused_models(evaluated):
    proc, report, _ = evaluated
    metrics = json.loads((report / "metrics.json").read_text())
    for method in METHODS.split(","):
        m = metrics["models"][f"fusion-{method}"]
        assert m["modalities"] == ["image", "text"]
        assert m["method"] == method
        row = rf"^fusion-{method}\s+\d\.\d{{3}} ± .*\s{method}({NOTE})?$"
        assert re.search(row, proc.stdout, re.M)
    # the default fused model is labelled with its method
    assert metrics["models"]["fusion"]["method"] == "stack (default)"
    row = rf"^fusion\s+\d.*stack \(default\)({NOTE})?$"
    assert re.search(row, proc.stdout, re.M)


def test_evaluate_report_folder(evaluated):
    proc, report, json_path = evaluated
    metrics = json.loads((report / "metrics.json").read_text())
    doc = json.loads(json_path.read_text())
    assert metrics["models"]["text-only"]["accuracy"] == pytest.approx(
        doc["models"]["text-only"]["accuracy"]
    )
    assert metrics["best_model"] in doc["models"]
    cm = metrics["confusion_matrix"]
    assert len(cm) == 3 and sum(map(sum, cm)) == 24
    for png in ("confusion_matrix.png", "modality_contribution.png"):
        assert (report / png).read_bytes()[:8] == PNG_SIGNATURE
    html = (report / "report.html").read_text()
    # the figures (and the thumbnails of the most confident errors) are
    # embedded: confusion matrix, contributions, reliability diagram
    assert len(re.findall(r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', html)) >= 3
    assert metrics["reproducibility"]["command"].startswith("skmultimodal evaluate")
    assert "<img" in html and 'src="http' not in html
    # the table printed on stdout has one row per model with mean ± std
    for name in EVALUATED:
        assert re.search(rf"^{name}\s+\d\.\d{{3}} ± \d\.\d{{3}}", proc.stdout, re.M)
    # learned late-fusion weights are reported per modality and sum to 1
    contrib = metrics["models"]["late-fusion"]["contribution"]
    assert set(contrib) == {"image", "text"}
    assert sum(contrib.values()) == pytest.approx(1.0)


def test_evaluate_grouped_cv(tiny_csv, tmp_path):
    proc = run_main(
        "evaluate",
        "--csv",
        tiny_csv,
        *CSV_ARGS,
        "--group-column",
        "group",
        "--cv",
        "2",
        "--models",
        "text-only",
        "--output",
        tmp_path / "r",
        "--no-progress",
    )
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert metrics["cv_kind"] == "stratified group k-fold"


def test_evaluate_unknown_method_lists_the_available_ones(tiny_csv, tmp_path):
    from skmultimodal.plugins import get_registry

    available = get_registry("fusion_method").names()
    # checked before the CSV is even read: nothing is fitted
    proc = run_main(
        "evaluate",
        "--csv",
        tmp_path / "absent.csv",
        "--methods",
        "concat,nope",
        "--output",
        tmp_path / "r",
    )
    assert proc.returncode == 2
    line = _error_line(proc)
    assert "unknown fusion method 'nope'" in line
    assert f"available methods: {', '.join(available)}" in line
    assert {"stack", "late", "concat"} <= set(available)
    assert not (tmp_path / "r").exists()
    # --models takes fusion-<registered method> and names the choices
    proc = run_main("evaluate", "--csv", tiny_csv, "--models", "fusion-nope")
    assert proc.returncode == 2
    line = _error_line(proc)
    assert "unknown model 'fusion-nope'" in line
    assert "image-only, text-only, fusion, late-fusion, attention-classifier" in line


def test_cli_model_names():
    assert list(EVALUATED_MODELS) == [
        "image-only",
        "text-only",
        "fusion",
        "late-fusion",
        "attention-classifier",
    ]
    assert resolve_models(["text-only"], ["sum", "concat"]) == [
        "text-only",
        "fusion-sum",
        "fusion-concat",
    ]
    assert resolve_models(None, ["stack"])[-1] == "fusion-stack"
    assert resolve_models(["fusion-late"], ["late"]) == ["fusion-late"]
    with pytest.raises(ValueError, match="available methods: attention, concat"):
        resolve_models(None, ["bogus"])


def _with_holes(csv, name):
    """The CSV with rows 2 and 10's image cells empty and row 5's image absent
    (CSV lines 4, 12 and 7: the header is line 1)."""
    df = pd.read_csv(csv)
    df.loc[[2, 10], "picture"] = None
    df.loc[5, "picture"] = "images/absent.png"
    out = csv.parent / f"{name}.csv"
    df.to_csv(out, index=False)
    return out


def test_evaluate_missing_mean_fills_empty_image_cells(tiny_csv, tmp_path):
    holes = _with_holes(tiny_csv, "holes_evaluate")
    args = [*CSV_ARGS, "--cv", "2", "--quick", "--no-progress"]
    proc = run_main(
        "evaluate",
        "--csv",
        holes,
        *args,
        "--models",
        "image-only,fusion",
        "--missing",
        "mean",
        "--output",
        tmp_path / "r",
        "--json",
        tmp_path / "m.json",
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "m.json").read_text())
    assert list(doc["models"]) == ["image-only", "fusion"]
    assert doc["models"]["fusion"]["accuracy"] > 1 / 3
    # the default policy stops at the absent file and the empty cells, all
    # named in one message that points at --missing
    proc = run_main("evaluate", "--csv", holes, *args, "--output", tmp_path / "r2")
    line = _error_line(proc)
    assert "image file not found on line 7" in line
    assert "is empty in 2 row(s), on lines 4 and 12" in line
    assert "pass --missing zero, mean or indicator" in line


def test_predict_missing_overrides_the_trained_policy(tiny_csv, tmp_path):
    model = tmp_path / "model.skops"
    proc = run_main(
        "train", "--csv", tiny_csv, *CSV_ARGS, "--method", "concat", "--output", model
    )
    assert proc.returncode == 0, proc.stderr
    holes = _with_holes(tiny_csv, "holes_predict")
    # trained with --missing raise (the default): the absent file stops the run
    proc = run_main("predict", "--model", model, "--csv", holes)
    assert proc.returncode == 2
    assert "image file not found on line 7" in _error_line(proc)
    # --missing mean: empty cells and the absent file are missing images
    out = tmp_path / "pred.csv"
    proc = run_main(
        "predict",
        "--model",
        model,
        "--csv",
        holes,
        "--missing",
        "mean",
        "--output",
        out,
    )
    assert proc.returncode == 0, proc.stderr
    assert "line 7" in proc.stderr and "treated as a missing image" in proc.stderr
    pred = pd.read_csv(out)
    assert len(pred) == 24 and np.isfinite(pred.filter(like="proba_")).all().all()
    # indicator changes the features the classifier was fitted on
    proc = run_main(
        "predict", "--model", model, "--csv", holes, "--missing", "indicator"
    )
    assert proc.returncode == 2
    line = _error_line(proc)
    assert "--missing indicator" in line and "trained with --missing raise" in line


def _results(accuracies):
    """A minimal run_evaluation result: name -> (accuracy, modalities)."""
    return {
        "models": {
            name: {
                "accuracy": acc,
                "accuracy_std": 0.01,
                "macro_f1": acc,
                "macro_f1_std": 0.02,
                "fit_time": 0.5,
                "modalities": mods,
                "method": "-" if len(mods) == 1 else "x",
            }
            for name, (acc, mods) in accuracies.items()
        }
    }


def test_fused_models_below_the_best_single_modality_are_flagged():
    from skmultimodal.report import below_best_single_modality

    both = ["image", "text"]
    results = _results(
        {
            "image-only": (0.70, ["image"]),
            "text-only": (0.80, ["text"]),
            "fusion": (0.90, both),
            "late-fusion": (0.75, both),
            "fusion-product": (0.80, both),
        }
    )
    assert below_best_single_modality(results) == ("text-only", ["late-fusion"])
    table = format_table(results).splitlines()
    assert table[0].split()[-1] == "note"
    (flagged,) = [row for row in table if row.endswith("single modality")]
    assert flagged.startswith("late-fusion ")
    assert format_summary(results).splitlines() == [
        "best: fusion (accuracy 0.900 ± 0.010)",
        "below the best single modality (text-only, accuracy 0.800): late-fusion",
    ]
    # nothing to flag: no note column, one summary line
    del results["models"]["late-fusion"]
    assert "note" not in format_table(results).splitlines()[0]
    assert format_summary(results).count("\n") == 0


def test_contribution_of_late_fusion_and_attention_method(tiny_csv):
    from skmultimodal.fusion.methods import AttentionFusion
    from skmultimodal.pipeline import make_multimodal_pipeline

    X, y, _ = load_table(
        tiny_csv, image_column="picture", text_column="caption", target="label"
    )
    late = make_multimodal_pipeline(method="late", random_state=0).fit(X, y)
    contrib = modality_contributions(late, X)
    weights = late.named_steps["fusion"].method_.weights_
    assert list(contrib) == ["image", "text"]
    assert list(contrib.values()) == pytest.approx(weights)
    # the attention method, given by name or as an instance
    for method in ("attention", AttentionFusion(temperature=0.2)):
        est = make_multimodal_pipeline(method=method, random_state=0).fit(X, y)
        contrib = modality_contributions(est, X)
        assert set(contrib) == {"image", "text"}
        assert sum(contrib.values()) == pytest.approx(1.0)
    # no per-modality weights: no contribution
    est = make_multimodal_pipeline(method="concat").fit(X, y)
    assert modality_contributions(est, X) is None


def test_train_help_names_the_default_method(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "default: stack" in out and "concat with one modality" in out


# ------------------------------------------------------------- bad input --
def test_missing_column(tiny_csv, tmp_path):
    proc = run_main(
        "evaluate",
        "--csv",
        tiny_csv,
        *CSV_ARGS,
        "--target",
        "nope",
        "--output",
        tmp_path,
    )
    line = _error_line(proc)
    assert "'nope' not found" in line and "available columns: picture" in line


def test_unreadable_csv(tmp_path):
    proc = run_main("evaluate", "--csv", tmp_path / "absent.csv", "--output", tmp_path)
    assert "no such file" in _error_line(proc)
    garbage = tmp_path / "bad.csv"
    garbage.write_bytes(b"\xff\xfe\x00\x01\x80" * 50)
    proc = run_main("evaluate", "--csv", garbage, "--output", tmp_path)
    assert "cannot parse CSV" in _error_line(proc)


def test_empty_csv(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "is empty" in _error_line(run_main("evaluate", "--csv", empty))
    header = tmp_path / "header.csv"
    header.write_text("image,text,label\n")
    assert "no rows" in _error_line(run_main("evaluate", "--csv", header))


def test_single_class_target(tiny_csv, tmp_path):
    df = pd.read_csv(tiny_csv)
    df["label"] = "circle"
    one = tiny_csv.parent / "one_class.csv"
    df.to_csv(one, index=False)
    proc = run_main("train", "--csv", one, *CSV_ARGS, "--output", tmp_path / "m.joblib")
    line = _error_line(proc)
    assert "single class" in line and "'circle'" in line


def test_image_path_does_not_exist(tiny_csv, tmp_path):
    df = pd.read_csv(tiny_csv)
    df.loc[5, "picture"] = "images/missing.png"
    bad = tiny_csv.parent / "bad_path.csv"
    df.to_csv(bad, index=False)
    proc = run_main("evaluate", "--csv", bad, *CSV_ARGS, "--output", tmp_path)
    line = _error_line(proc)
    # index labels are CSV line numbers: row 5 is line 7 (header: line 1)
    assert "image file not found on line 7" in line and "missing.png" in line


def test_too_few_rows_per_class_for_cv(tiny_csv, tmp_path):
    proc = run_main(
        "evaluate", "--csv", tiny_csv, *CSV_ARGS, "--cv", "20", "--output", tmp_path
    )
    assert "--cv 20 needs at least 20 samples of every class" in _error_line(proc)


def test_model_file_that_is_not_ours(tiny_csv, tmp_path):
    fake = tmp_path / "model.joblib"
    fake.write_text("this is not a model\n")
    proc = run_main("predict", "--model", fake, "--csv", tiny_csv, *CSV_ARGS)
    assert "is not a skmultimodal model file" in _error_line(proc)
    assert proc.returncode == 2  # bad input, not an internal error
    import joblib

    joblib.dump({"some": "dict"}, tmp_path / "other.joblib")
    proc = run_main(
        "predict", "--model", tmp_path / "other.joblib", "--csv", tiny_csv, "--trust"
    )
    assert "not a skmultimodal model file" in _error_line(proc)
    # a pickle is refused without --trust, and a pickle named .skops always
    proc = run_main("predict", "--model", tmp_path / "other.joblib", "--csv", tiny_csv)
    line = _error_line(proc)
    assert "refusing to load" in line and "--trust" in line
    assert proc.returncode == 2
    (tmp_path / "other.skops").write_bytes((tmp_path / "other.joblib").read_bytes())
    proc = run_main(
        "predict", "--model", tmp_path / "other.skops", "--csv", tiny_csv, "--trust"
    )
    assert "does not match its .skops name" in _error_line(proc)
    assert proc.returncode == 2


def test_debug_lets_the_error_through(tmp_path):
    with pytest.raises(ValueError, match="cannot read CSV .*: no such file"):
        cli.main(["evaluate", "--csv", str(tmp_path / "absent.csv"), "--debug"])


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "", "OFF"])
def test_debug_env_var_off_values_keep_tracebacks_off(
    tmp_path, monkeypatch, capsys, value
):
    monkeypatch.setenv("SKMULTIMODAL_DEBUG", value)
    status = cli.main(["evaluate", "--csv", str(tmp_path / "absent.csv")])
    assert status == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("skmultimodal: error: ") and "Traceback" not in err


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_debug_env_var_on_values_raise(tmp_path, monkeypatch, value):
    monkeypatch.setenv("SKMULTIMODAL_DEBUG", value)
    with pytest.raises(ValueError, match="no such file"):
        cli.main(["evaluate", "--csv", str(tmp_path / "absent.csv")])


def test_debug_env_var_with_a_bad_value_is_an_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SKMULTIMODAL_DEBUG", "maybe")
    status = cli.main(["evaluate", "--csv", str(tmp_path / "absent.csv")])
    assert status == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "SKMULTIMODAL_DEBUG='maybe' is not a boolean" in err


# --------------------------------------------------------- train/predict --
@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_train_predict_round_trip(tiny_csv, tmp_path, suffix):
    model = tmp_path / f"model{suffix}"
    proc = run_main("train", "--csv", tiny_csv, *CSV_ARGS, "--output", model)
    assert proc.returncode == 0, proc.stderr
    assert model.is_file()
    # new data in another folder: its image paths are relative to that CSV
    new_csv = write_dataset(tmp_path / "new", n_per_class=3, seed=1, target=False)
    out = tmp_path / "pred.csv"
    # a .joblib model is a pickle: it loads only with --trust
    trust = ["--trust"] if suffix == ".joblib" else []
    proc = run_main(
        "predict", "--model", model, "--csv", new_csv, "--output", out, *trust
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == sorted(
        [model.name, out.name]
    )  # no temporary file left by the atomic writes
    pred = pd.read_csv(out)
    assert len(pred) == 9
    assert list(pred.columns) == [
        "prediction",
        "proba_circle",
        "proba_square",
        "proba_stripe",
    ]
    assert set(pred["prediction"]) <= {"circle", "square", "stripe"}
    proba = pred.filter(like="proba_").to_numpy()
    assert proba.sum(axis=1) == pytest.approx(1.0)
    assert (
        pred.filter(like="proba_").idxmax(axis=1).str[6:] == pred["prediction"]
    ).all()


def test_predictions_csv_is_written_atomically(tiny_csv, tmp_path, monkeypatch):
    model = tmp_path / "model.skops"
    args = ["--csv", str(tiny_csv), *CSV_ARGS]
    assert cli.main(["train", *args, "--method", "concat", "--output", str(model)]) == 0
    out = tmp_path / "pred.csv"
    out.write_text("previous predictions\n")
    real_to_csv = pd.DataFrame.to_csv

    def to_csv_then_disk_full(self, path_or_buf=None, **kwargs):
        if hasattr(path_or_buf, "write"):
            path_or_buf.write("prediction,proba_")
        else:
            Path(path_or_buf).write_text("prediction,proba_")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv_then_disk_full)
    predict = ["predict", "--model", str(model), *args, "--output", str(out)]
    assert cli.main(predict) == cli.EXIT_FAILURE
    assert out.read_text() == "previous predictions\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.skops", "pred.csv"]
    monkeypatch.setattr(pd.DataFrame, "to_csv", real_to_csv)
    assert cli.main(predict) == 0
    assert len(pd.read_csv(out)) == 24


def _with_broken_images(csv, folder):
    """The CSV with row 1's image absent and row 4's image not a PNG."""
    df = pd.read_csv(csv)
    df.loc[1, "picture"] = "images/absent.png"
    (csv.parent / "images" / "broken.png").write_bytes(b"not an image")
    df.loc[4, "picture"] = "images/broken.png"
    out = csv.parent / f"{folder}.csv"
    df.to_csv(out, index=False)
    return out


def test_train_and_predict_treat_unreadable_images_as_missing(tiny_csv, tmp_path):
    broken = _with_broken_images(tiny_csv, "broken_train")
    model = tmp_path / "model.skops"
    proc = run_main(
        "train", "--csv", broken, *CSV_ARGS, "--missing", "mean", "--output", model
    )
    assert proc.returncode == 0, proc.stderr
    # every warning is one line of the command's own form
    lines = proc.stderr.splitlines()
    assert lines and all(x.startswith("skmultimodal: warning: ") for x in lines)
    # the absent file is named once, by its CSV line, and is a missing image
    assert (
        "warning: image file not found on line 3 of column 'picture': "
        "'images/absent.png'; treated as a missing image"
    ) in proc.stderr
    assert proc.stderr.count("images/absent.png") == 1
    # the file that is not an image is named once, by its line, as evaluate
    # names it, and is a missing image
    assert "could not be read" not in proc.stderr  # the library's own words
    assert "ImageFeatureUnion" not in proc.stderr
    assert proc.stderr.count("broken.png") == 1
    assert "cannot be decoded" in proc.stderr and "line 6" in proc.stderr
    assert "(index" not in proc.stderr
    out = tmp_path / "pred.csv"
    proc = run_main("predict", "--model", model, "--csv", broken, "--output", out)
    assert proc.returncode == 0, proc.stderr
    assert "treated as missing" in proc.stderr
    pred = pd.read_csv(out)
    assert len(pred) == 24 and np.isfinite(pred.filter(like="proba_")).all().all()

    # the default policy stops at the first unreadable row
    proc = run_main("train", "--csv", broken, *CSV_ARGS, "--output", model)
    assert "image file not found on line 3" in _error_line(proc)


def test_out_of_core_training_names_each_unreadable_image_once(tiny_csv, tmp_path):
    # every chunk of every pass over the data meets the same bad rows: each
    # warning is printed once, naming the CSV line
    broken = _with_broken_images(tiny_csv, "broken_chunks")
    model = tmp_path / "model.skops"
    args = ["train", "--csv", broken, *CSV_ARGS, "--missing", "mean"]
    proc = run_main(*args, "--chunk-size", "4", "--output", model)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines and all(x.startswith("skmultimodal: warning: ") for x in lines)
    assert len(lines) == len(set(lines))
    for name, line in [("absent.png", 3), ("broken.png", 6)]:
        named = [x for x in lines if name in x]
        # named by CSV line, not by its position within its chunk
        assert len(named) == 1 and f"(all NaN): line {line}, path" in named[0]
        assert "(index" not in named[0]


def test_train_refuses_unknown_suffix(tiny_csv, tmp_path):
    proc = run_main(
        "train", "--csv", tiny_csv, *CSV_ARGS, "--output", tmp_path / "m.txt"
    )
    assert "cannot tell the format" in _error_line(proc)


# ------------------------------------------------------- plugins/datasets --
def test_plugins_and_datasets_subcommands():
    proc = run_main("plugins")
    assert proc.returncode == 0, proc.stderr
    for name in ("concat", "hog", "tfidf"):
        assert re.search(rf"\b{name}\b", proc.stdout)
    proc = run_main("datasets", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["name"]: r for r in json.loads(proc.stdout)}
    assert rows["emoji"]["n_samples"] > 1000 and rows["emoji"]["n_classes"] == 9


@pytest.mark.parametrize("given, seed", [([], 0), (["--random-state", "7"], 7)])
def test_evaluate_random_state_seeds_the_folds_and_the_models(
    tiny_csv, tmp_path, monkeypatch, given, seed
):
    """``evaluate --random-state`` reaches the shuffled folds and every
    model (default 0, as before the option existed)."""
    from skmultimodal.model_selection import _models

    seen = {}

    class Stop(Exception):
        pass

    def record(X, y, **kwargs):
        seen.update(kwargs)
        raise Stop

    monkeypatch.setattr(_models, "run_evaluation", record)
    with pytest.raises(Stop):
        cli.main(
            ["evaluate", "--csv", str(tiny_csv), *CSV_ARGS, "--target", "label",
             "--cv", "2", "--output", str(tmp_path / "r"), "--debug", *given]
        )  # fmt: skip
    assert seen["random_state"] == seed
    assert seen["cv"].random_state == seed and seen["cv"].shuffle
