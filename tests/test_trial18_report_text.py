"""User text on the evaluation report's figures and page
(``skmultimodal.report``): ``$`` drawn as written, long model names
shortened, the contribution figure's height, a leading ``_`` in the legend,
the ``dataset`` argument, the columns beside the failures and control
characters."""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skmultimodal import make_multimodal_pipeline, report
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.model_selection import compare_models
from skmultimodal.report import write_report
from tests.test_report_analysis import _classification

mpl = pytest.importorskip("matplotlib")
from matplotlib.text import Text  # noqa: E402


def _relabelled(results, classes=None, models=None):
    """``results`` with its classes and model names renamed
    (``{old: new}``)."""
    classes = classes or {}
    models = models or {}
    rename = np.vectorize(lambda c: classes.get(c, c), otypes=[object])
    out = dict(results)
    out["classes"] = [classes.get(c, c) for c in results["classes"]]
    out["y_true"] = rename(results["y_true"])
    out["models"] = {
        models.get(name, name): {**m, "oof_pred": rename(m["oof_pred"])}
        for name, m in results["models"].items()
    }
    return out


@pytest.fixture
def figures(monkeypatch):
    """The Figures write_report draws (each also saved as usual)."""
    drawn = []
    png = report._png

    def capture(fig):
        drawn.append(fig)
        return png(fig)

    monkeypatch.setattr(report, "_png", capture)
    return drawn


def _texts(figs):
    """Every non-empty Text of ``figs``."""
    return [
        t for fig in figs for t in fig.findobj(Text) if t.get_text() and t.get_visible()
    ]


# ------------------------------------------------------- 1. "$" as written --
def test_dollar_signs_are_drawn_as_written(tmp_path, figures):
    classes = {"cat": "under $5", "dog": "$5 to $10", "fox": r"$\frac$ odd"}
    model = r"logreg $\C$=10"
    results = _relabelled(
        _classification(), classes=classes, models={"late-fusion": model}
    )
    # mathtext would fail on \frac and \C: the report is written
    out = write_report(tmp_path / "r", results, dataset="prices")
    assert (out / "confusion_matrix.png").exists()
    texts = _texts(figures)
    dollars = [t for t in texts if "$" in t.get_text()]
    shown = {t.get_text() for t in dollars}
    assert set(classes.values()) <= shown  # tick labels
    assert any(t.startswith(model) for t in shown)  # titles
    assert model in shown  # the reliability diagram's legend
    assert not any(t.get_parse_math() for t in dollars)


# ---------------------------------------------------- 2. dataset argument --
@pytest.mark.parametrize("dataset", [None, 3, b"toy"])
def test_dataset_must_be_a_string_checked_first(dataset, tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("computed before dataset was checked")

    monkeypatch.setattr(report, "_check_results", fail)
    with pytest.raises(TypeError, match=r"^dataset must be a string.*got "):
        write_report(tmp_path / "r", _classification(), dataset=dataset)
    assert not (tmp_path / "r").exists()


def test_dataset_path_is_shown_as_its_string(tmp_path):
    path = Path("data") / "products.csv"
    out = write_report(tmp_path / "r", _classification(), dataset=path)
    assert json.loads((out / "metrics.json").read_text())["dataset"] == str(path)
    assert f"<code>{path}</code>" in (out / "report.html").read_text()


# ------------------------------------------------- 3. long model names ----
def test_long_model_names_are_shortened_on_the_figures(tmp_path, figures):
    base = "fusion-concat with " + ", ".join(f"p{i}=v{i}" for i in range(40))
    names = {"late-fusion": base + " A", "text-only": base + " B"}
    results = _relabelled(_classification(), models=names)
    results["models"][base + " A"]["contribution"] = {"image": 0.4, "text": 0.6}
    out = write_report(tmp_path / "r", results, dataset="long")
    texts = [t.get_text() for t in _texts(figures)]
    assert not any(base in t for t in texts)
    ticks = [
        label.get_text()
        for fig in figures
        for ax in fig.axes
        for label in ax.get_yticklabels()
        if label.get_text().startswith("fusion")
    ]
    assert set(ticks) == set(report._tick_labels(list(names.values())))
    assert len(set(ticks)) == 2  # still told apart
    assert all(len(t) <= report.MAX_TICK_LABEL for t in ticks)
    short = report._model_label(base + " A")  # the best model, in titles
    assert sum(t.startswith(f"{short}: ") for t in texts) >= 2
    page = (out / "report.html").read_text()
    assert base + " A" in page  # the page keeps the whole name


# ----------------------------------------- 4. contribution figure height --
def test_contribution_figure_grows_with_the_models():
    entry = _classification()["models"]["text-only"]
    results = {
        **_classification(),
        "models": {f"text-config-{i:02d}": dict(entry) for i in range(40)},
    }
    fig = report._report_style(report._contribution_plot)(results)
    assert 4 < fig.get_size_inches()[1] <= report.MAX_CONFUSION_SIZE
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].get_yticklabels()]
    assert len(boxes) == 40
    for a, b in zip(boxes, boxes[1:]):
        assert not a.overlaps(b)
    few = report._report_style(report._contribution_plot)(_classification())
    assert few.get_size_inches()[1] == 4  # a few models: as before


# ----------------------------------------------- 5. "_" in the legend -----
def test_a_best_model_starting_with_underscore_is_in_the_legend(tmp_path, figures):
    results = _relabelled(_classification(), models={"late-fusion": "_baseline"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "No artists with labels found"
        write_report(tmp_path / "r", results, dataset="toy")
    legends = [
        [t.get_text() for t in ax.get_legend().get_texts()]
        for fig in figures
        for ax in fig.axes
        if ax.get_legend() is not None
    ]
    assert ["perfectly calibrated", "_baseline"] in legends


def test_a_modality_starting_with_underscore_is_in_the_legend():
    results = _classification()
    results["models"]["late-fusion"]["contribution"] = {"_photo": 0.3, "text": 0.7}
    fig = report._report_style(report._contribution_plot)(results)
    legend = fig.axes[1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["_photo", "text"]


# ------------------------------------- 6. the model's own column names ----
@pytest.fixture(scope="module")
def own_columns():
    X, y = make_multimodal_classification(
        n_samples=40, random_state=0, image_size=8, text_signal=0.3
    )
    X = X.rename(columns={"image": "photo", "text": "title"})
    model = make_multimodal_pipeline(
        image="photo", text="title", method="concat", image_features="pixels"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = compare_models({"fusion": model}, X, y, cv=2)
    return X, results


def test_failures_show_the_columns_the_model_reads(own_columns, tmp_path):
    X, results = own_columns
    out = write_report(tmp_path / "r", results, dataset="own", X=X)
    page = (out / "report.html").read_text()
    n = len(json.loads((out / "metrics.json").read_text())["failures"]["items"])
    assert n > 0
    assert page.count('class="thumb"') == n
    assert page.count('<div class="text">') == n


def test_failures_without_image_or_text_column_say_why(own_columns, tmp_path):
    X, results = own_columns
    X = X.rename(columns={"photo": "front", "title": "caption"})
    out = write_report(tmp_path / "r", results, dataset="own", X=X)
    page = (out / "report.html").read_text()
    assert 'class="thumb"' not in page and '<div class="text">' not in page
    assert "no thumbnails or text: the table has no column" in page


# ---------------------------------------------- 7. control characters -----
def test_escape_replaces_control_characters():
    assert report._escape("a\tb\nc\r\x00d\x08<\x7f\x85é") == (
        "a\tb\nc\r\ufffdd\ufffd&lt;\ufffd\ufffdé"
    )


def test_control_characters_do_not_reach_the_page(tmp_path):
    results = _relabelled(
        _classification(),
        classes={"cat": "c\x00at", "dog": "d\x08og"},
        models={"late-fusion": "late\x00fusion"},
    )
    X = pd.DataFrame({"text": ["bad\x00text"] * len(results["y_true"])})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = write_report(tmp_path / "r", results, dataset="toy\x01", X=X)
    page = (out / "report.html").read_text()
    for control in "\x00\x01\x08\x0b":
        assert control not in page
    assert "late\ufffdfusion" in page and "c\ufffdat" in page
    assert "bad\ufffdtext" in page
    # nor the figures: no "Glyph 0 missing from font" warning
    assert not [w for w in caught if "Glyph" in str(w.message)]


def test_tick_labels_tell_apart_names_that_differ_in_spaces():
    from skmultimodal.report import _tick_labels

    assert _tick_labels(["books", "books ", "toys"]) == ["books", "books␣", "toys"]
    assert _tick_labels(["a  b", "c\nd"]) == ["a b", "c d"]  # alike only then
