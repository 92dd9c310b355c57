"""How the evaluation report picks the best model when a score is NaN, what
it does with an earlier report in its folder, and how its figures look
whatever the user's matplotlib settings (``skmultimodal.report``)."""

import json
import struct

import numpy as np
import pytest

from skmultimodal import report
from skmultimodal.report import (
    below_best_single_modality,
    best_model,
    format_summary,
    format_table,
    metrics_json,
    write_report,
)
from tests.test_report_analysis import _classification, _entry, _regression

mpl = pytest.importorskip("matplotlib")

NAN = float("nan")


def _metrics(out):
    return json.loads((out / "metrics.json").read_text())


def _png_size(data):
    """(width, height) of PNG bytes, from the IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _reordered(results, names):
    return {**results, "models": {n: results["models"][n] for n in names}}


# ------------------------------------------------------------ NaN scores --
@pytest.mark.parametrize("nan_first", [True, False], ids=["nan-first", "nan-last"])
def test_a_nan_score_is_never_the_best(nan_first, tmp_path):
    results = _classification()
    results["models"]["late-fusion"]["accuracy"] = NAN
    order = ["image-only", "text-only"]
    order = ["late-fusion", *order] if nan_first else [*order, "late-fusion"]
    results = _reordered(results, order)
    models = results["models"]
    expected = max(["image-only", "text-only"], key=lambda n: models[n]["accuracy"])

    assert best_model(results) == expected
    assert format_summary(results).startswith(f"best: {expected} (accuracy ")
    assert metrics_json(results, "toy")["best_model"] == expected
    doc = _metrics(write_report(tmp_path / "r", results, dataset="toy"))
    assert doc["best_model"] == expected
    assert doc["per_class"]["model"] == expected
    assert doc["best_single_modality"] == expected
    # a fused model whose score is unknown is not flagged as below
    assert doc["below_best_single_modality"] == []


@pytest.mark.parametrize("nan_first", [True, False], ids=["nan-first", "nan-last"])
def test_a_nan_single_modality_is_never_the_best_single(nan_first):
    results = _classification()
    models = results["models"]
    models["image-only"]["accuracy"] = NAN
    models["text-only"]["accuracy"] = 0.5
    models["late-fusion"]["accuracy"] = 0.4
    order = ["text-only", "late-fusion"]
    order = ["image-only", *order] if nan_first else [*order, "image-only"]
    results = _reordered(results, order)

    assert best_model(results) == "text-only"
    assert below_best_single_modality(results) == ("text-only", ["late-fusion"])
    assert (
        format_summary(results)
        .splitlines()[1]
        .startswith("below the best single modality (text-only, accuracy 0.500)")
    )


def test_a_nan_secondary_score_loses_a_tie():
    results = _classification()
    models = results["models"]
    for name in models:
        models[name]["accuracy"] = 0.6
    models["late-fusion"]["macro_f1"] = NAN
    models["image-only"]["macro_f1"] = 0.1
    models["text-only"]["macro_f1"] = 0.2
    for order in (["late-fusion", "image-only", "text-only"], list(models)[::-1]):
        assert best_model(_reordered(results, order)) == "text-only"


def test_a_lower_is_better_nan_score_is_never_the_best():
    results = _regression()
    results["scoring"] = ["mae", "r2"]
    results["models"]["text-only"]["mae"] = NAN
    results = _reordered(results, ["text-only", "image-only", "late-fusion"])
    models = results["models"]
    assert best_model(results) == min(
        ["image-only", "late-fusion"], key=lambda n: models[n]["mae"]
    )
    assert below_best_single_modality(results)[0] == "image-only"


def test_every_score_nan_names_no_best_model(tmp_path):
    results = _classification()
    for entry in results["models"].values():
        entry["accuracy"] = NAN

    assert best_model(results) is None
    assert below_best_single_modality(results) == (None, [])
    assert format_summary(results) == "best: none (every model's accuracy is NaN)"
    assert "nan ± 0.010" in format_table(results)  # the table is as it was
    assert metrics_json(results, "toy")["best_model"] is None
    out = write_report(tmp_path / "r", results, dataset="toy")
    doc = _metrics(out)
    assert doc["best_model"] is None and doc["best_single_modality"] is None
    for key in ("confusion_matrix", "per_class", "calibration", "failures"):
        assert key not in doc
    assert not (out / "confusion_matrix.png").exists()
    page = (out / "report.html").read_text()
    assert "No best model: every model's accuracy is NaN." in page
    assert "Best model (bold)" not in page


# --------------------------------------------- an earlier report's files --
def test_a_new_report_removes_only_the_earlier_reports_files(tmp_path):
    out = tmp_path / "r"
    write_report(out, _regression(), dataset="prices")
    assert (out / "predicted_vs_true.png").is_file()
    (out / "notes.txt").write_text("mine")
    (out / "plot.png").write_bytes(b"mine")
    (out / "extra").mkdir()

    write_report(out, _classification(), dataset="pets")
    assert sorted(p.name for p in out.iterdir()) == [
        "confusion_matrix.png",
        "extra",
        "metrics.json",
        "modality_contribution.png",
        "notes.txt",
        "plot.png",
        "report.html",
    ]
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "plot.png").read_bytes() == b"mine"

    write_report(out, _regression(), dataset="prices")
    assert (out / "predicted_vs_true.png").is_file()
    assert not (out / "confusion_matrix.png").exists()
    assert (out / "notes.txt").read_text() == "mine"


def test_a_failed_report_removes_nothing(tmp_path, monkeypatch):
    out = tmp_path / "r"
    write_report(out, _regression(), dataset="prices")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fail(*args, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(report, "contribution_figure", fail)
    with pytest.raises(RuntimeError, match="drawing failed"):
        write_report(out, _classification(), dataset="pets")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# ---------------------------------------------------------------- figures --
def _draw_all():
    """PNG bytes of every figure the report draws."""
    results = _classification()
    regression = _regression()
    calibration = report.calibration_summary(results, "late-fusion")
    return [
        report.confusion_figure(results, "late-fusion"),
        report.contribution_figure(results),
        report.regression_figure(regression, "text-only"),
        report.calibration_figure(calibration, "late-fusion"),
    ]


def test_the_users_matplotlib_style_does_not_reach_the_figures():
    plain = _draw_all()
    with mpl.rc_context():
        mpl.style.use("dark_background")
        mpl.rcParams["axes.grid"] = True
        mpl.rcParams["savefig.transparent"] = True
        mpl.rcParams["font.size"] = 20
        before = dict(mpl.rcParams)
        styled = _draw_all()
        assert dict(mpl.rcParams) == before  # the user's settings are kept
    for a, b in zip(plain, styled):
        assert a == b


@pytest.mark.parametrize("plot", ["_confusion_plot", "_contribution_plot"])
def test_no_grid_lines_over_the_figures(plot):
    results = _classification()
    args = (results, "late-fusion") if plot == "_confusion_plot" else (results,)
    with mpl.rc_context({"axes.grid": True}):
        fig = report._report_style(getattr(report, plot))(*args)
        assert mpl.rcParams["axes.grid"]
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            assert not any(line.get_visible() for line in axis.get_gridlines())


def test_long_class_names_are_shortened_on_the_figure_only(tmp_path):
    rng = np.random.default_rng(0)
    classes = [f"très longue catégorie numéro {i} — ünïcödé ✓" for i in range(50)]
    y = np.array(classes, dtype=object)[rng.integers(0, 50, 400)]
    pred = np.where(rng.random(400) < 0.6, y, np.roll(y, 1))
    results = {
        "models": {
            "text-only": _entry(
                {"accuracy": 0.6, "macro_f1": 0.5}, ["text"], "-", oof_pred=pred
            )
        },
        "classes": classes,
        "y_true": y,
        "n_samples": 400,
        "n_classes": 50,
        "cv": 3,
    }
    fig = report._report_style(report._confusion_plot)(results, "text-only")
    ax = fig.axes[0]
    for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
        ticks = [t.get_text() for t in ticks]
        assert len(set(ticks)) == len(classes)  # still tell the classes apart
        assert all(len(t) <= report.MAX_TICK_LABEL for t in ticks)
        assert all("…" in t for t in ticks)
    out = write_report(tmp_path / "r", results, dataset="many")
    width, height = _png_size((out / "confusion_matrix.png").read_bytes())
    limit = (report.MAX_CONFUSION_SIZE + 4) * 110  # figure, margins, at 110 dpi
    assert width <= limit and height <= limit
    doc = _metrics(out)
    assert doc["classes"] == classes
    assert [r["class"] for r in doc["per_class"]["classes"]] == classes


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["cat", "dog"], ["cat", "dog"]),
        (["x" * 30], ["x" * 15 + "…" + "x" * 8]),
        (
            ["x" * 30 + "A", "x" * 30 + "B"],
            ["x" * 15 + "…" + "x" * 7 + c for c in "AB"],
        ),
    ],
)
def test_tick_labels(names, expected):
    assert report._tick_labels(names) == expected


def _overlap(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.parametrize(
    "scores",
    [
        [(0.97, 0.02), (0.5, 0.1), (0.05, 0.04)],  # unit score, near 1 and 0
        [(0.95, 0.1), (0.99, 0.0), (0.3, 0.3)],
        [(NAN, NAN), (0.7, 0.05), (0.9, 0.05)],
    ],
)
def test_value_labels_are_clear_of_the_error_bars(scores):
    from matplotlib.container import ErrorbarContainer
    from matplotlib.transforms import Bbox

    results = _classification()
    for entry, (mean, std) in zip(results["models"].values(), scores):
        entry["accuracy"], entry["accuracy_std"] = mean, std
    fig = report._report_style(report._contribution_plot)(results)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    (errorbar,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    _, caplines, barlines = errorbar.lines
    dpi = fig.dpi / 72
    boxes = []
    for line in caplines:
        half = line.get_markersize() * dpi / 2
        for x, y in ax.transData.transform(line.get_xydata()):
            boxes.append(Bbox([[x - 1, y - half], [x + 1, y + half]]))
    for collection in barlines:
        for segment in collection.get_segments():
            (x0, y0), (x1, y1) = ax.transData.transform(segment)
            boxes.append(Bbox([[min(x0, x1), y0 - 1], [max(x0, x1), y1 + 1]]))
    texts = [t for t in ax.texts if t.get_text()]
    assert [t.get_text() for t in texts] == [
        "NaN" if np.isnan(m) else f"{m:.3f}" for m, _ in scores
    ]
    inside = ax.get_window_extent(renderer)
    for text in texts:
        box = text.get_window_extent(renderer)
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1, text.get_text()
        assert not any(_overlap(box, cap) for cap in boxes), text.get_text()
