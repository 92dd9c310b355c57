"""Long-tail label sets: many classes (40 to 120), some with only 2 or 3
rows, through ``predict``'s table, ``evaluate``'s warnings and
``metrics.json``, and the fusions' per-modality models."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion import LateFusionClassifier
from skmultimodal.model_selection._models import prediction_table
from tests.cli.conftest import run_main


def _long_tail(n_classes=120, seed=0):
    """Class labels 0..n_classes-1, each on 2 or 3 rows."""
    rng = np.random.default_rng(seed)
    return np.repeat(np.arange(n_classes), rng.integers(2, 4, n_classes))


# ------------------------------------------------------- prediction_table --
def test_prediction_table_of_120_classes_is_built_in_one_block():
    y = _long_tail()
    X = pd.DataFrame(
        {"a": np.arange(len(y), dtype=float)}, index=100 + np.arange(len(y))
    )
    est = DummyClassifier(strategy="prior").fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas' PerformanceWarning too
        table = prediction_table(est, X)
    assert list(table.columns) == ["prediction"] + [f"proba_{c}" for c in est.classes_]
    P = est.predict_proba(X)
    np.testing.assert_array_equal(table.iloc[:, 1:].to_numpy(), P)
    np.testing.assert_array_equal(table["prediction"], est.classes_[P.argmax(axis=1)])
    pd.testing.assert_index_equal(table.index, X.index)


def test_prediction_table_of_120_labels_is_built_in_one_block():
    rng = np.random.default_rng(0)
    Y = (rng.random((60, 120)) < 0.3).astype(int)
    Y[0], Y[1] = 1, 0  # every label both present and absent
    X = pd.DataFrame({"a": np.arange(60, dtype=float)})
    est = OneVsRestClassifier(DummyClassifier(strategy="prior")).fit(X, Y)
    labels = [f"tag{j}" for j in range(120)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = prediction_table(est, X, labels=labels)
    assert list(table.columns) == ["prediction"] + [f"proba_{t}" for t in labels]
    P = est.predict_proba(X)
    np.testing.assert_array_equal(table.iloc[:, 1:].to_numpy(), P)
    expected = ["|".join(np.asarray(labels)[row > 0.5]) or "|" for row in P]
    assert table["prediction"].tolist() == expected


# -------------------------------------------------- evaluate's warnings --
def _text_table(path, labels, seed=0):
    """A text-only CSV of ``labels``: each row's text names its class among
    words of other classes (some rows are misclassified)."""
    rng = np.random.default_rng(seed)
    words = [f"w{c} w{rng.choice(labels)} w{rng.choice(labels)}" for c in labels]
    pd.DataFrame({"text": words, "label": labels}).to_csv(path, index=False)
    return path


class _WarnsOnAllRows(LogisticRegression):
    """A logistic regression that warns when fitted on all 60 rows of the
    training table (the fit for ``--test-csv``), not on a fold's."""

    def fit(self, X, y, sample_weight=None):
        if len(y) == 60:
            warnings.warn("fitted on every row", UserWarning, stacklevel=2)
        return super().fit(X, y, sample_weight)


@pytest.mark.parametrize("where", ["every fit", "the fit for the test set"])
def test_evaluate_test_csv_names_the_model_in_each_warning_once(
    where, tmp_path, monkeypatch
):
    import skmultimodal.pipeline as pipeline

    classifier = pipeline._classifier

    def patched(*args, **kwargs):
        clf = classifier(*args, **kwargs)
        if where == "every fit":  # a ConvergenceWarning in every fit
            return clf.set_params(max_iter=1)
        return _WarnsOnAllRows(**clf.get_params())

    monkeypatch.setattr(pipeline, "_classifier", patched)
    labels = np.repeat([0, 1, 2], 20)
    train = _text_table(tmp_path / "train.csv", labels)
    test = _text_table(tmp_path / "test.csv", labels[::4], seed=1)
    res = run_main(
        "evaluate", "--csv", train, "--test-csv", test, "--models", "text-only",
        "--cv", "3", "--no-progress", "--output", tmp_path / "r",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    text = "failed to converge" if where == "every fit" else "fitted on every row"
    lines = [line for line in res.stderr.splitlines() if text in line]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("skmultimodal: warning: models['text-only']: ")


# ------------------------------------------------------------ metrics.json --
def test_metrics_json_writes_integer_classes_alike_everywhere(tmp_path):
    labels = np.repeat([0, 1, 2, 10], 15)
    train = _text_table(tmp_path / "train.csv", labels)
    res = run_main(
        "evaluate", "--csv", train, "--models", "text-only", "--cv", "3",
        "--no-progress", "--output", tmp_path / "r",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert doc["classes"] == ["0", "1", "2", "10"]
    assert [row["class"] for row in doc["per_class"]["classes"]] == doc["classes"]
    items = doc["failures"]["items"]
    assert items  # the texts share words: some rows are misclassified
    for item in items:
        assert item["true"] in doc["classes"] and item["predicted"] in doc["classes"]
        assert item["true"] != item["predicted"]


# ------------------------------------------- the fusions' per-modality models --
def _long_tail_table(seed=0):
    y = _long_tail(40, seed)
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "text": [f"w{c} w{c}x common{rng.integers(5)}" for c in y],
            "num": rng.normal(size=len(y)),
        }
    )
    return X, y


MANY_CLASSES = "The number of unique classes is greater than 50%"


def _many_classes_warnings(fit):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit()
    return [w for w in caught if str(w.message).startswith(MANY_CLASSES)]


@pytest.mark.parametrize("method", ["stack", "late"])
def test_fusion_warns_of_many_classes_once_per_fit(method):
    X, y = _long_tail_table()
    # all rows: fewer classes than half the rows; an internal fold's: more
    assert len(np.unique(y)) <= len(y) / 2
    est = make_multimodal_pipeline(
        image=None,
        text="text",
        tabular={"numeric": ["num"], "categorical": []},
        method=method,
        random_state=0,
    )
    shown = _many_classes_warnings(lambda: est.fit(X, y))
    assert len(shown) == 1  # once, not once per modality and fold
    assert shown[0].filename == __file__  # the line calling fit


def test_late_fusion_classifier_warns_of_many_classes_once_per_fit():
    y = _long_tail(100)
    X = np.random.default_rng(0).normal(size=(len(y), 4))
    est = LateFusionClassifier(
        [("a", LogisticRegression(), [0, 1]), ("b", LogisticRegression(), [2, 3])],
        weights="auto",
        cv=3,
    )
    shown = _many_classes_warnings(lambda: est.fit(X, y))
    assert len(shown) == 1
    assert shown[0].filename == __file__
