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
