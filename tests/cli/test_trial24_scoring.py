"""``skmultimodal evaluate --scoring``: the scores of the folds, of the test
set and of the report, the first one picking the best model (a rare class
that accuracy hides)."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, f1_score

from tests.cli.conftest import run_main


def _imbalanced(path, n=120, seed=0):
    """A text-only CSV, 1 row in 12 of class "rare": its texts share most
    words with the others', so that always answering "common" scores an
    accuracy of 11/12."""
    rng = np.random.default_rng(seed)
    labels = np.where(np.arange(n) % 12 == 0, "rare", "common")
    words = [
        f"{'r' if c == 'rare' and rng.random() < 0.5 else 'c'}{rng.integers(3)} "
        f"c{rng.integers(9)} c{rng.integers(9)}"
        for c in labels
    ]
    pd.DataFrame({"text": words, "label": labels}).to_csv(path, index=False)
    return path


def _evaluate(tmp_path, *extra):
    csv = _imbalanced(tmp_path / "train.csv")
    out = tmp_path / "report"
    res = run_main(
        "evaluate", "--csv", csv, "--models", "text-only", "--cv", "3",
        "--no-progress", "--output", out, *extra,
    )  # fmt: skip
    return res, out


def test_scoring_names_the_columns_the_best_model_and_metrics_json(tmp_path):
    res, out = _evaluate(tmp_path, "--scoring", "balanced_accuracy,accuracy")
    assert res.returncode == 0, res.stderr
    header = res.stdout.splitlines()[0].split()
    assert header[:3] == ["model", "balanced_accuracy", "accuracy"]
    assert "macro-F1" not in res.stdout
    best = [line for line in res.stdout.splitlines() if line.startswith("best:")]
    assert best == [best[0]] and "(balanced_accuracy " in best[0]
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["scoring"] == ["balanced_accuracy", "accuracy"]
    assert doc["greater_is_better"] == {"balanced_accuracy": True, "accuracy": True}
    model = doc["models"]["text-only"]
    assert set(model) >= {"balanced_accuracy", "accuracy"}
    # a model that misses the rare class: balanced accuracy sees it
    assert model["balanced_accuracy"] < model["accuracy"]
    assert "balanced_accuracy" in (out / "report.html").read_text()


def test_the_default_scores_are_those_of_before(tmp_path):
    res, out = _evaluate(tmp_path)
    assert res.returncode == 0, res.stderr
    header = res.stdout.splitlines()[0]
    assert header.split()[:3] == ["model", "accuracy", "macro-F1"]
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["scoring"] == ["accuracy", "macro_f1"]  # the task's, as before


def test_a_task_score_name_is_taken_as_the_task_scores_it(tmp_path):
    res, out = _evaluate(tmp_path, "--scoring", "macro_f1")
    assert res.returncode == 0, res.stderr
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["scoring"] == ["macro_f1"]
    assert res.stdout.splitlines()[0].split()[:2] == ["model", "macro-F1"]


@pytest.mark.parametrize(
    "value, said",
    [
        ("balanced_acuracy", "'balanced_acuracy' is not a score name"),
        ("accuracy,accuracy", "'accuracy' is given twice"),
        (",", "--scoring needs at least one score name"),
    ],
)
def test_a_wrong_score_name_is_refused_before_any_fit(tmp_path, value, said):
    res, out = _evaluate(tmp_path, "--scoring", value)
    assert res.returncode == 2
    assert said in res.stderr
    if "not a score name" in said:
        assert "balanced_accuracy" in res.stderr  # scikit-learn's names offered
        assert "accuracy, macro_f1" in res.stderr  # and the task's
    assert not out.exists()


def test_the_test_set_is_scored_by_the_same_scores(tmp_path):
    train = _imbalanced(tmp_path / "train.csv")
    test = _imbalanced(tmp_path / "test.csv", n=60, seed=1)
    out = tmp_path / "report"
    res = run_main(
        "evaluate", "--csv", train, "--test-csv", test, "--models", "text-only",
        "--cv", "3", "--no-progress", "--output", out,
        "--scoring", "balanced_accuracy,f1_macro",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "test balanced_accuracy" in res.stdout.splitlines()[0]
    doc = json.loads((out / "metrics.json").read_text())
    scores = doc["test"]["models"]["text-only"]
    assert set(scores) == {"balanced_accuracy", "f1_macro"}
    # the same values as scikit-learn's, of the model fitted on all of train
    from skmultimodal import make_multimodal_pipeline

    X = pd.read_csv(train)
    X_test = pd.read_csv(test)
    model = make_multimodal_pipeline(image=None, random_state=0)
    pred = model.fit(X[["text"]], X["label"]).predict(X_test[["text"]])
    expected = balanced_accuracy_score(X_test["label"], pred)
    assert scores["balanced_accuracy"] == pytest.approx(expected, abs=1e-3)
    expected = f1_score(X_test["label"], pred, average="macro")
    assert scores["f1_macro"] == pytest.approx(expected, abs=1e-3)
    assert isinstance(model.named_steps["classifier"], LogisticRegression)


def test_a_score_that_cannot_score_the_target_is_named_before_any_fit(tmp_path):
    """``average_precision`` takes the label 1 as positive: text labels have
    none. Stopped with the score's name, not in a fold with scikit-learn's
    words alone."""
    res, out = _evaluate(tmp_path, "--scoring", "accuracy,average_precision")
    assert res.returncode == 2
    assert (
        "skmultimodal: error: --scoring average_precision cannot score this "
        "target: pos_label=1 is not a valid label"
    ) in res.stderr
    assert "use roc_auc or a macro average (f1_macro)" in res.stderr
    assert "fold" not in res.stderr
    assert not out.exists()


def test_roc_auc_of_more_than_two_classes_points_to_its_multiclass_forms(tmp_path):
    csv = tmp_path / "three.csv"
    labels = np.repeat(["a", "b", "c"], 10)
    pd.DataFrame({"text": [f"w{c} x" for c in labels], "label": labels}).to_csv(
        csv, index=False
    )
    res = run_main(
        "evaluate", "--csv", csv, "--models", "text-only", "--cv", "3",
        "--no-progress", "--output", tmp_path / "r", "--scoring", "roc_auc",
    )  # fmt: skip
    assert res.returncode == 2
    assert "--scoring roc_auc cannot score this target" in res.stderr
    assert "roc_auc_ovr and roc_auc_ovo score more than two classes" in res.stderr
    res = run_main(
        "evaluate", "--csv", csv, "--models", "text-only", "--cv", "3",
        "--no-progress", "--output", tmp_path / "r", "--scoring", "roc_auc_ovr",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "best: text-only (roc_auc_ovr 1.000" in res.stdout


def test_average_precision_of_0_1_labels_ranks_by_it(tmp_path):
    csv = tmp_path / "binary.csv"
    table = pd.read_csv(_imbalanced(tmp_path / "train.csv"))
    table["label"] = (table["label"] == "rare").astype(int)
    table.to_csv(csv, index=False)
    res = run_main(
        "evaluate", "--csv", csv, "--models", "text-only", "--cv", "3",
        "--no-progress", "--output", tmp_path / "r",
        "--scoring", "average_precision,accuracy",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads((tmp_path / "r" / "metrics.json").read_text())
    ap = doc["models"]["text-only"]["average_precision"]
    assert 0.0 < ap < 1.0 and ap < doc["models"]["text-only"]["accuracy"]


def _noise(path, n=120, seed=0):
    """1 row in 12 of class "rare", texts that say nothing of the class."""
    rng = np.random.default_rng(seed)
    labels = np.where(np.arange(n) % 12 == 0, "rare", "common")
    words = [f"w{rng.integers(20)} w{rng.integers(20)}" for _ in labels]
    pd.DataFrame({"text": words, "label": labels}).to_csv(path, index=False)
    return path


def _summary(res):
    lines = res.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("best:"))
    return lines[start:]


def test_a_best_model_no_better_than_the_majority_answer_is_pointed_out(tmp_path):
    csv = _noise(tmp_path / "noise.csv")
    argv = ["evaluate", "--csv", csv, "--models", "text-only", "--cv", "3"]
    res = run_main(*argv, "--no-progress", "--output", tmp_path / "a")
    assert res.returncode == 0, res.stderr
    best, note = _summary(res)[:2]
    assert best.startswith("best: text-only (accuracy ")
    assert float(best.split()[3]) <= 11 / 12  # no better than 11 rows in 12
    assert note == (
        "note: always answering the most frequent class ('common') scores "
        "accuracy 0.917 on the same folds: no model does better; with a rare "
        "class, rank the models by --scoring balanced_accuracy (or roc_auc)"
    )
    # the report folder says it too: metrics.json and the page
    doc = json.loads((tmp_path / "a" / "metrics.json").read_text())
    assert doc["baseline"] == {
        "class": "common",
        "score": "accuracy",
        "value": pytest.approx(11 / 12, abs=0.01),
        "note": note.removeprefix("note: "),
    }
    page = (tmp_path / "a" / "report.html").read_text()
    assert "<b>Note</b>: always answering the most frequent class (&#x27;common" in page
    res = run_main(
        *argv, "--no-progress", "--output", tmp_path / "b",
        "--scoring", "balanced_accuracy",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    note = _summary(res)[1]
    assert "scores balanced_accuracy 0.500 on the same folds" in note
    assert note.endswith("weigh it up with --class-weight balanced")


def test_no_note_when_a_model_beats_the_majority_answer(tmp_path):
    csv = tmp_path / "clear.csv"
    table = pd.read_csv(_noise(tmp_path / "noise.csv"))
    table.loc[table["label"] == "rare", "text"] += " rare"  # a word that says it
    table.to_csv(csv, index=False)
    argv = ["evaluate", "--csv", csv, "--models", "text-only", "--cv", "3"]
    for scoring in ("accuracy", "balanced_accuracy"):
        res = run_main(
            *argv, "--no-progress", "--output", tmp_path / scoring,
            "--scoring", scoring,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        summary = _summary(res)
        assert summary[0].startswith(f"best: text-only ({scoring} 1.000")
        assert not any(line.startswith("note:") for line in summary)
        doc = json.loads((tmp_path / scoring / "metrics.json").read_text())
        assert doc["baseline"]["note"] is None
        assert doc["baseline"]["value"] < 1.0
        page = (tmp_path / scoring / "report.html").read_text()
        assert "always answering" not in page
