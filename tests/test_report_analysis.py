"""Error analysis, reproducibility and the three tasks in the evaluation
report (``skmultimodal.report``)."""

import hashlib
import json
import platform
import re
from importlib import metadata

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import precision_recall_fscore_support

from skmultimodal import report
from skmultimodal.report import (
    below_best_single_modality,
    best_model,
    format_summary,
    format_table,
    metrics_json,
    write_report,
)

pytest.importorskip("matplotlib")

CLASSES = ["cat", "dog", "fox"]


def _entry(scores, modalities, method, **extra):
    """A model entry of the results: mean, std and folds of each score."""
    entry = {"fit_time": 0.2, "fit_time_folds": [0.2, 0.2, 0.2]}
    for key, value in scores.items():
        entry.update(
            {
                key: value,
                f"{key}_std": 0.01,
                f"{key}_folds": [value - 0.01, value, value + 0.01],
            }
        )
    return {
        **entry,
        "modalities": modalities,
        "method": method,
        "contribution": None,
        **extra,
    }


def _classification(n=90, seed=0, proba=True):
    """Results of three classifiers whose out-of-fold probabilities are
    random (Dirichlet) and whose predictions are their argmax."""
    rng = np.random.default_rng(seed)
    y = np.array(CLASSES, dtype=object)[rng.integers(0, 3, n)]
    models = {}
    for i, (name, mods, method) in enumerate(
        [
            ("image-only", ["image"], "-"),
            ("text-only", ["text"], "-"),
            ("late-fusion", ["image", "text"], "late"),
        ]
    ):
        P = rng.dirichlet(np.full(3, 0.7), size=n)
        # let the true class win more often for the better models
        P[np.arange(n), np.searchsorted(CLASSES, y)] += 0.3 * i
        P /= P.sum(axis=1, keepdims=True)
        pred = np.array(CLASSES, dtype=object)[P.argmax(axis=1)]
        acc = float(np.mean(pred == y))
        models[name] = _entry(
            {"accuracy": acc, "macro_f1": acc - 0.05},
            mods,
            method,
            oof_pred=pred,
            oof_proba=P if proba else None,
        )
    models["late-fusion"]["contribution"] = {"image": 0.4, "text": 0.6}
    return {
        "models": models,
        "classes": list(CLASSES),
        "y_true": y,
        "n_samples": n,
        "n_classes": 3,
        "cv": 3,
        "cv_kind": "stratified k-fold",
        "skipped": {},
    }


def _regression(n=40, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n)
    models = {}
    for name, mods, noise in [
        ("image-only", ["image"], 1.0),
        ("text-only", ["text"], 0.5),
        ("late-fusion", ["image", "text"], 0.7),
    ]:
        pred = y + rng.normal(scale=noise, size=n)
        r2 = 1 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
        mae = float(np.mean(np.abs(pred - y)))
        models[name] = _entry(
            {"r2": float(r2), "mae": mae},
            mods,
            "late" if len(mods) > 1 else "-",
            oof_pred=pred,
            oof_proba=None,
        )
    return {
        "task": "regression",
        "scoring": ["r2", "mae"],
        "greater_is_better": {"r2": True, "mae": False},
        "models": models,
        "classes": [],
        "y_true": y,
        "n_samples": n,
        "cv": 3,
        "cv_kind": "k-fold",
        "skipped": {},
    }


def _multilabel(n=50, seed=0):
    rng = np.random.default_rng(seed)
    Y = (rng.random((n, 3)) < 0.4).astype(int)
    models = {}
    for name, mods in [("text-only", ["text"]), ("late-fusion", ["image", "text"])]:
        P = 0.35 * Y + 0.65 * rng.random((n, 3))  # some labels wrong
        pred = (P >= 0.5).astype(int)
        models[name] = _entry(
            {"micro_f1": 0.7, "macro_f1": 0.6, "hamming_loss": 0.2},
            mods,
            "late" if len(mods) > 1 else "-",
            oof_pred=pred,
            oof_proba=P,
        )
    models["late-fusion"]["micro_f1"] = 0.8
    return {
        "task": "multilabel",
        "scoring": ["micro_f1", "macro_f1", "hamming_loss"],
        "greater_is_better": {
            "micro_f1": True,
            "macro_f1": True,
            "hamming_loss": False,
        },
        "models": models,
        "classes": ["red", "round", "small"],
        "y_true": Y,
        "n_samples": n,
        "cv": 3,
        "cv_kind": "k-fold",
        "skipped": {},
    }


def _png_bytes(color):
    cv2 = pytest.importorskip("cv2")
    ok, buf = cv2.imencode(".png", np.full((40, 30, 3), color, np.uint8))
    assert ok
    return buf.tobytes()


def _table(results, tmp_path):
    """An evaluated table for ``results``: every 4th image unreadable (a
    missing file), every 5th row without an image, text with HTML."""
    n = len(results["y_true"])
    images = []
    for i in range(n):
        if i % 5 == 0:
            images.append(None)
        elif i % 4 == 0:
            images.append(str(tmp_path / f"missing-{i}.png"))
        elif i % 2:
            images.append(np.full((20, 20, 3), 10 * (i % 25), np.uint8))
        else:
            images.append(_png_bytes(5 * (i % 50)))
    texts = [f"<b>row {i}</b> & " + "long words " * (i % 3 * 20) for i in range(n)]
    return pd.DataFrame({"image": images, "text": texts}, index=range(100, 100 + n))


def _metrics(out):
    return json.loads((out / "metrics.json").read_text())


def _html(out):
    return (out / "report.html").read_text()


# ------------------------------------------------------- classification --
def test_per_class_table_equals_sklearn(tmp_path):
    results = _classification()
    out = write_report(tmp_path / "r", results, dataset="toy")
    doc = _metrics(out)
    best = doc["best_model"]
    assert doc["per_class"]["model"] == best
    p, r, f, s = precision_recall_fscore_support(
        results["y_true"],
        results["models"][best]["oof_pred"],
        labels=CLASSES,
        zero_division=0,
    )
    rows = doc["per_class"]["classes"]
    assert [row["class"] for row in rows] == CLASSES
    np.testing.assert_allclose([row["precision"] for row in rows], p)
    np.testing.assert_allclose([row["recall"] for row in rows], r)
    np.testing.assert_allclose([row["f1"] for row in rows], f)
    assert [row["support"] for row in rows] == s.tolist()
    page = _html(out)
    for row in rows:  # one line of the table per class
        assert f'<td>{row["class"]}</td><td class="num">{row["precision"]:.3f}' in page


def test_confidently_wrong_items_are_wrong_and_sorted(tmp_path):
    results = _classification()
    X = _table(results, tmp_path)
    before = X.copy()
    out = write_report(tmp_path / "r", results, dataset="toy", X=X)
    pd.testing.assert_frame_equal(X, before)  # nothing the user passed changes
    doc = _metrics(out)
    fail = doc["failures"]
    best = results["models"][fail["model"]]
    y, pred, P = results["y_true"], best["oof_pred"], best["oof_proba"]
    assert fail["ranked_by"] == "confidence"
    items = fail["items"]
    wrong = np.flatnonzero(pred != y)
    assert len(items) == min(report.N_FAILURES, wrong.size) > 0
    confidence = [item["confidence"] for item in items]
    assert confidence == sorted(confidence, reverse=True)
    for item in items:
        i = item["position"]
        assert item["true"] == y[i] != item["predicted"] == pred[i]
        assert item["confidence"] == pytest.approx(P[i, CLASSES.index(pred[i])])
        assert item["row"] == X.index[i]
    # no wrong row left out is more confident than the last one shown
    shown = {item["position"] for item in items}
    left = [P[i, CLASSES.index(pred[i])] for i in wrong if i not in shown]
    assert max(left, default=0) <= confidence[-1]
    page = _html(out)
    cards = re.findall(r'<div class="card">(.*?)</div></div>', page)
    assert len(cards) == len(items)
    for item, card in zip(items, cards):
        assert f"row {item['row']}" in card and f"{item['confidence']:.3f}" in card


def test_thumbnails_text_and_placeholders(tmp_path):
    results = _classification()
    X = _table(results, tmp_path)
    out = write_report(tmp_path / "r", results, dataset="toy", X=X)
    items = _metrics(out)["failures"]["items"]
    page = _html(out)
    readable = [
        i["position"]
        for i in items
        if i["position"] % 5 and not (i["position"] % 4 == 0 and i["position"] % 2 == 0)
    ]
    thumbs = re.findall(
        r'<img class="thumb" alt="row (\d+)" src="data:image/png;base64,', page
    )
    assert sorted(map(int, thumbs)) == sorted(X.index[p] for p in readable)
    placeholders = page.count("image missing or unreadable")
    assert placeholders == len(items) - len(readable) > 0
    # text is escaped and truncated
    assert "<b>row" not in page and "&lt;b&gt;row" in page
    for text in re.findall(r'<div class="text">(.*?)</div>', page):
        assert (
            len(text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
            <= report.MAX_TEXT
        )


def test_report_is_self_contained(tmp_path):
    results = _classification()
    out = write_report(
        tmp_path / "r", results, dataset="<toy>", X=_table(results, tmp_path)
    )
    page = _html(out)
    sources = re.findall(r"""\bsrc\s*=\s*["']?([^"'\s>]*)""", page, re.I)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r"\bhref\s*=", page, re.I)
    assert not re.search(r"<(link|script|iframe)\b", page, re.I)
    assert not re.search(r"url\(", page, re.I)
    assert "<toy>" not in page and "&lt;toy&gt;" in page


def test_calibration_curve_and_expected_error(tmp_path):
    results = _classification()
    out = write_report(tmp_path / "r", results, dataset="toy")
    doc = _metrics(out)
    cal = doc["calibration"]
    P = results["models"][cal["model"]]["oof_proba"]
    hit = np.array(CLASSES, dtype=object)[P.argmax(1)] == results["y_true"]
    prob_true, prob_pred = calibration_curve(hit, P.max(1), n_bins=10)
    np.testing.assert_allclose(cal["prob_true"], prob_true)
    np.testing.assert_allclose(cal["prob_pred"], prob_pred)
    assert sum(cal["bin_counts"]) == len(hit)
    # the expected calibration error, bin by bin
    conf = P.max(1)
    ece = 0.0
    for lo, hi in zip(np.linspace(0, 1, 11)[:-1], np.linspace(0, 1, 11)[1:]):
        inside = (conf >= lo) & ((conf < hi) | (hi == 1.0))
        if inside.any():
            ece += inside.mean() * abs(hit[inside].mean() - conf[inside].mean())
    assert cal["expected_calibration_error"] == pytest.approx(ece)
    assert f"expected calibration error {ece:.3f}" in _html(out).lower()
    assert len(re.findall(r'src="data:image/png;base64,', _html(out))) == 3


@pytest.mark.parametrize(
    "confidence, correct, expected",
    [(1.0, 0.5, 0.5), (0.75, 0.75, 0.0), (0.95, 0.0, 0.95)],
)
def test_expected_calibration_error_extremes(confidence, correct, expected):
    # two classes: the top class always has ``confidence``; it is right in
    # a share ``correct`` of the rows
    n = 40
    y = np.array(["a"] * n, dtype=object)
    P = np.tile([confidence, 1 - confidence], (n, 1))
    P[int(correct * n) :] = P[int(correct * n) :, ::-1]
    results = {
        "models": {"m": {"oof_proba": P}},
        "classes": ["a", "b"],
        "y_true": y,
    }
    cal = report.calibration_summary(results, "m")
    assert cal["expected_calibration_error"] == pytest.approx(expected)


def test_model_without_probabilities_gives_a_note(tmp_path):
    results = _classification(proba=False)
    X = _table(results, tmp_path)
    out = write_report(tmp_path / "r", results, dataset="toy", X=X)
    doc = _metrics(out)
    assert doc["calibration"]["expected_calibration_error"] is None
    assert "no probabilities" in doc["calibration"]["note"]
    page = _html(out)
    assert "Reliability diagram" not in page and "gives no probabilities" in page
    # confusion matrix and contributions only
    assert (
        len(re.findall(r'src="data:image/png;base64,', page.split('class="thumbs"')[0]))
        == 2
    )
    fail = doc["failures"]
    assert fail["ranked_by"] == "table order"
    positions = [item["position"] for item in fail["items"]]
    best = results["models"][fail["model"]]
    wrong = np.flatnonzero(best["oof_pred"] != results["y_true"])
    assert positions == wrong[: report.N_FAILURES].tolist()
    assert all(item["confidence"] is None for item in fail["items"])


# ------------------------------------------------------ reproducibility --
def test_checksum_follows_the_data_file(tmp_path):
    results = _classification()
    data = tmp_path / "data.csv"
    data.write_text("image,text,label\na.png,hello,cat\n")
    out = write_report(
        tmp_path / "r", results, dataset="toy", data_files=[data], command="skm eval"
    )
    env = _metrics(out)["reproducibility"]
    (entry,) = env["data_files"]
    assert entry["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert entry["path"] == str(data) and entry["bytes"] == data.stat().st_size
    assert env["command"] == "skm eval" and "<pre>skm eval</pre>" in _html(out)
    data.write_text("image,text,label\na.png,hello,dog\n")
    again = _metrics(write_report(out, results, dataset="toy", data_files=[data]))
    assert again["reproducibility"]["data_files"][0]["sha256"] != entry["sha256"]
    assert again["reproducibility"]["command"] is None


def test_table_checksum_follows_every_cell(tmp_path):
    results = _classification()
    X = _table(results, tmp_path)
    first = report.table_sha256(X, results["y_true"])
    assert first == report.table_sha256(X.copy(), results["y_true"].copy())
    changed = X.copy()
    changed.at[101, "image"] = changed.at[101, "image"].copy()
    changed.at[101, "image"][0, 0, 0] += 1  # one pixel of one array image
    assert report.table_sha256(changed, results["y_true"]) != first
    changed = X.copy()
    changed.at[102, "text"] += "!"
    assert report.table_sha256(changed, results["y_true"]) != first
    y = results["y_true"].copy()
    y[0] = "dog" if y[0] != "dog" else "cat"
    assert report.table_sha256(X, y) != first
    out = write_report(tmp_path / "r", results, dataset="toy", X=X)
    assert _metrics(out)["reproducibility"]["table_sha256"] == first


def test_versions_are_recorded(tmp_path):
    out = write_report(tmp_path / "r", _classification(), dataset="toy")
    env = _metrics(out)["reproducibility"]
    assert env["python"] == platform.python_version()
    for name in ("scikit-learn", "numpy", "pandas"):
        assert env["versions"][name] == metadata.version(name)
    from skmultimodal import __version__

    assert env["versions"]["skmultimodal"] == __version__
    page = _html(out)
    assert f"<td>numpy</td><td>{metadata.version('numpy')}</td>" in page


@pytest.mark.slow
def test_report_does_not_import_tensorflow(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from skmultimodal.report import write_report\n"
        "from tests.test_report_analysis import _classification\n"
        f"write_report({str(tmp_path / 'r')!r}, _classification(), dataset='t')\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    from pathlib import Path

    root = Path(__file__).parents[1]
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


def test_bad_arguments_are_refused_before_anything_is_written(tmp_path):
    results = _classification()
    out = tmp_path / "r"
    X = _table(results, tmp_path)
    with pytest.raises(ValueError, match=r"X has 89 rows but the results have 90"):
        write_report(out, results, dataset="toy", X=X.iloc[1:])
    with pytest.raises(TypeError, match="X must be the evaluated table"):
        write_report(out, results, dataset="toy", X=X.to_numpy())
    with pytest.raises(TypeError, match="command must be a string"):
        write_report(out, results, dataset="toy", command=["skmultimodal"])
    missing = tmp_path / "nope.csv"
    with pytest.raises(ValueError, match=r"data_files: '.*nope\.csv' does not exist"):
        write_report(out, results, dataset="toy", data_files=[missing])
    assert not out.exists()


# ------------------------------------------------------------- tasks ---
def test_regression_report(tmp_path):
    results = _regression()
    X = _table(results, tmp_path)
    out = write_report(tmp_path / "r", results, dataset="prices", X=X)
    assert sorted(p.name for p in out.iterdir()) == [
        "metrics.json",
        "modality_contribution.png",
        "predicted_vs_true.png",
        "report.html",
    ]
    doc = _metrics(out)
    models = results["models"]
    assert doc["best_model"] == max(models, key=lambda n: models[n]["r2"])
    assert doc["task"] == "regression" and doc["scoring"] == ["r2", "mae"]
    assert "confusion_matrix" not in doc and "per_class" not in doc
    assert "calibration" not in doc
    fail = doc["failures"]
    assert fail["ranked_by"] == "absolute error"
    best = models[doc["best_model"]]
    errors = np.abs(best["oof_pred"] - results["y_true"])
    assert [i["abs_error"] for i in fail["items"]] == pytest.approx(
        np.sort(errors)[::-1][: report.N_FAILURES]
    )
    for name, m in doc["models"].items():
        assert m["mae_folds"] == models[name]["mae_folds"]
    page = _html(out)
    assert "Largest errors" in page and "R²" in page and "MAE" in page
    assert "Reliability diagram" not in page
    table = format_table(results).splitlines()
    assert table[0].split()[:4] == ["model", "R²", "MAE", "fit"]
    key = doc["best_model"]
    assert format_summary(results).startswith(
        f"best: {key} (R² {models[key]['r2']:.3f} ± 0.010)"
    )


def test_lower_is_better_primary_score():
    results = _regression()
    results["scoring"] = ["mae", "r2"]
    models = results["models"]
    best = min(models, key=lambda n: models[n]["mae"])
    assert best_model(results) == best
    # late-fusion's error lies between the two single modalities'
    single, below = below_best_single_modality(results)
    assert single == "text-only" and below == ["late-fusion"]
    assert "below the best single modality" in format_table(results)
    doc = metrics_json(results, "prices")
    assert doc["best_model"] == best
    assert doc["greater_is_better"] == {"mae": False, "r2": True}
    assert set(doc["models"][best]) == {
        "mae",
        "mae_std",
        "r2",
        "fit_time",
        "modalities",
    }


def test_multilabel_report(tmp_path):
    results = _multilabel()
    out = write_report(
        tmp_path / "r", results, dataset="tags", X=_table(results, tmp_path)
    )
    names = sorted(p.name for p in out.iterdir())
    assert "confusion_matrix.png" not in names and "predicted_vs_true.png" not in names
    doc = _metrics(out)
    assert doc["best_model"] == "late-fusion"
    best = results["models"]["late-fusion"]
    p, r, f, s = precision_recall_fscore_support(
        results["y_true"], best["oof_pred"], average=None, zero_division=0
    )
    rows = doc["per_label"]["labels"]
    assert [row["label"] for row in rows] == results["classes"]
    np.testing.assert_allclose([row["f1"] for row in rows], f)
    assert [row["support"] for row in rows] == s.tolist()
    cal = doc["calibration"]
    prob_true, _ = calibration_curve(
        results["y_true"].ravel(), best["oof_proba"].ravel(), n_bins=10
    )
    np.testing.assert_allclose(cal["prob_true"], prob_true)
    wrong = (best["oof_pred"] != results["y_true"]).any(axis=1)
    assert len(doc["failures"]["items"]) == min(report.N_FAILURES, wrong.sum()) > 0
    for item in doc["failures"]["items"]:
        assert wrong[item["position"]]
        i = item["position"]
        labels = np.array(results["classes"])
        assert item["true"] == labels[results["y_true"][i] > 0].tolist()
        assert item["predicted"] == labels[best["oof_pred"][i] > 0].tolist()
        bad = best["oof_pred"][i] != results["y_true"][i]
        p = best["oof_proba"][i]
        sure = np.where(best["oof_pred"][i] > 0, p, 1 - p)
        assert item["confidence"] == pytest.approx(sure[bad].max())
    confidence = [item["confidence"] for item in doc["failures"]["items"]]
    assert confidence == sorted(confidence, reverse=True)
    page = _html(out)
    assert "per label" in page and "Hamming loss" in page and "3 labels" in page
    assert format_table(results).splitlines()[0].split()[:4] == [
        "model",
        "micro-F1",
        "macro-F1",
        "Hamming",
    ]


# --------------------------------------------------------- test scores --
def test_test_set_scores_are_shown(tmp_path):
    results = _classification()
    results["test"] = {
        "dataset": "holdout.csv",
        "n_samples": 30,
        "models": {
            name: {"accuracy": 0.5 + i / 10, "macro_f1": 0.4 + i / 10}
            for i, name in enumerate(results["models"])
        },
    }
    table = format_table(results).splitlines()
    assert table[0].split()[:7] == [
        "model",
        "accuracy",
        "macro-F1",
        "test",
        "accuracy",
        "test",
        "macro-F1",
    ]
    assert re.match(
        r"^late-fusion\s+\S+ ± \S+\s+\S+ ± \S+\s+0\.700\s+0\.600\s", table[-1]
    )
    best = best_model(results)
    test_acc = results["test"]["models"][best]["accuracy"]
    assert f"; test accuracy {test_acc:.3f} on holdout.csv)" in format_summary(results)
    doc = metrics_json(results, "toy")
    assert doc["test"]["models"][best]["accuracy"] == test_acc
    assert doc["test"]["n_samples"] == 30
    out = write_report(tmp_path / "r", results, dataset="toy")
    page = _html(out)
    assert '<th class="num">test accuracy</th>' in page
    assert f"on the test set, accuracy {test_acc:.3f}" in page
    assert _metrics(out)["test"] == doc["test"]


def test_classification_json_keeps_its_schema():
    doc = metrics_json(_classification(), "toy")
    assert list(doc) == [
        "dataset",
        "n_samples",
        "n_classes",
        "cv",
        "models",
        "best_model",
    ]
    for m in doc["models"].values():
        assert list(m) == [
            "accuracy",
            "accuracy_std",
            "macro_f1",
            "fit_time",
            "modalities",
        ]


def test_contribution_explanation_names_each_kind(tmp_path):
    results = _classification()
    attention = dict(results["models"]["late-fusion"], method="stack (default)")
    attention["contribution"] = {"image": 0.7, "joint": 0.1, "text": 0.2}
    results["models"]["attention-classifier"] = attention
    page = _html(write_report(tmp_path / "r", results, dataset="toy"))
    section = page.split("<h2>Modality contributions</h2>")[1].split("<h2>")[0]
    assert "Late-fusion weights</b> (late-fusion)" in section
    assert "Attention shares</b> (attention-classifier)" in section
    assert "not how much accuracy" in section and "opposite directions" in section
