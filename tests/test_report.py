"""The report draws on its own Figure objects: the user's matplotlib backend
and pyplot state are left as they were."""

import json
import sys

import numpy as np
import pytest

from skmultimodal.report import write_report


def _results():
    """A small evaluation result, as ``skmultimodal evaluate`` makes."""
    y = np.array(["a", "b", "a", "b", "a", "b"])
    model = {
        "accuracy": 0.5,
        "accuracy_std": 0.1,
        "macro_f1": 0.5,
        "macro_f1_std": 0.1,
        "fit_time": 0.1,
        "accuracy_folds": [0.4, 0.6],
        "macro_f1_folds": [0.4, 0.6],
        "fit_time_folds": [0.1, 0.1],
        "oof_pred": np.array(["a", "a", "a", "b", "b", "b"]),
    }
    return {
        "models": {
            "text-only": {**model, "modalities": ["text"], "method": "-"},
            "late-fusion": {
                **model,
                "accuracy": 0.6,
                "modalities": ["image", "text"],
                "method": "late",
                "contribution": {"image": 0.3, "text": 0.7},
            },
        },
        "classes": ["a", "b"],
        "y_true": y,
        "n_samples": 6,
        "n_classes": 2,
        "cv": 2,
        "cv_kind": "stratified k-fold",
        "skipped": {},
    }


def test_report_leaves_the_backend_and_pyplot_alone(tmp_path):
    mpl = pytest.importorskip("matplotlib")
    before = mpl.get_backend()
    mpl.use("svg")  # the backend a user chose
    had_pyplot = "matplotlib.pyplot" in sys.modules
    figures = sys.modules["matplotlib.pyplot"].get_fignums() if had_pyplot else None
    try:
        out = write_report(tmp_path / "report", _results(), dataset="tiny")
        assert mpl.get_backend() == "svg"
        if had_pyplot:  # no figure left open in pyplot's figure manager
            assert sys.modules["matplotlib.pyplot"].get_fignums() == figures
    finally:
        mpl.use(before)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["best_model"] == "late-fusion"
    assert metrics["best_single_modality"] == "text-only"
    for png in ("confusion_matrix.png", "modality_contribution.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"


def test_report_module_does_not_use_pyplot_or_the_command_line():
    from pathlib import Path

    source = (Path(__file__).parents[1] / "skmultimodal" / "report.py").read_text()
    for call in ("matplotlib.pyplot", "matplotlib.use(", "skmultimodal.cli"):
        assert call not in source


@pytest.mark.parametrize("index_name, unit", [(None, "row"), ("line", "line")])
def test_failures_name_rows_by_the_index_name(tmp_path, index_name, unit):
    import re

    import pandas as pd

    index = pd.Index([10, 11, 12, 13, 14, 15], name=index_name)
    X = pd.DataFrame({"text": list("uvwxyz")}, index=index)
    out = write_report(tmp_path / "r", _results(), dataset="tiny", X=X)
    page = (out / "report.html").read_text()
    named = re.findall(r'<div class="row">(\w+) (\d+)</div>', page)
    # the best model, late-fusion, is wrong at positions 1 and 4
    assert sorted(named) == [(unit, "11"), (unit, "14")]
    assert X.index.name == index_name  # the caller's table is left alone


def test_regression_report_explains_least_squares_late_fusion_weights(tmp_path):
    results = _results()
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    renamed = {"accuracy": "r2", "macro_f1": "mae"}
    for entry in results["models"].values():
        for old, new in renamed.items():
            for suffix in ("", "_std", "_folds"):
                entry[new + suffix] = entry.pop(old + suffix)
        entry["oof_pred"] = y + 0.5
    results.update(
        task="regression", scoring=["r2", "mae"], y_true=y, classes=[], n_classes=0
    )
    out = write_report(tmp_path / "r", results, dataset="tiny")
    page = (out / "report.html").read_text()
    assert "least-squares weights learned on each modality's out-of-fold" in page
    assert "class probabilities" not in page
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_classes"] is None and metrics["classes"] is None
