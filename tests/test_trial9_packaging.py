"""Installed without every extra: the report without matplotlib, ``.skops``
without skops, and the credit line of the bundled datasets' images."""

import html
import json
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skmultimodal import report
from skmultimodal.datasets._bundled import image_credit
from skmultimodal.datasets._emoji import DESCR as EMOJI_DESCR
from skmultimodal.datasets._icons import DESCR as ICONS_DESCR
from skmultimodal.persistence import (
    ModelFileError,
    check_save_path,
    load_model,
    save_model,
)
from skmultimodal.report import FIGURES_LEFT_OUT, write_report
from tests.test_report import _results  # a small evaluation result

PERSIST = 'pip install "skmultimodal[persist]"'


def _table():
    """Six rows with an image (a small array) and a text each."""
    return pd.DataFrame(
        {
            "image": [np.full((8, 8, 3), 40 * i, np.uint8) for i in range(6)],
            "text": [f"item {i}" for i in range(6)],
        }
    )


@pytest.fixture
def no_matplotlib(monkeypatch):
    """matplotlib cannot be imported, as without the ``plot`` extra."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)


@pytest.fixture
def no_skops(monkeypatch):
    """skops cannot be imported, as without the ``persist`` extra."""
    monkeypatch.setitem(sys.modules, "skops", None)
    monkeypatch.setitem(sys.modules, "skops.io", None)


# ------------------------------------------------- report without matplotlib
def test_report_without_matplotlib_is_written_without_figures(tmp_path, no_matplotlib):
    out = tmp_path / "report"
    with pytest.warns(UserWarning, match=r'pip install "skmultimodal\[plot\]"') as rec:
        write_report(out, _results(), dataset="toy", X=_table())
    assert len([w for w in rec if "figures" in str(w.message)]) == 1
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "report.html"]
    doc = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert doc["best_model"] == "late-fusion"
    assert doc["confusion_matrix"] == [[2, 1], [1, 2]]
    page = (out / "report.html").read_text(encoding="utf-8")
    note = html.escape(FIGURES_LEFT_OUT)
    # where each figure would be: the contribution and the confusion matrix
    assert page.count(note) == 2
    assert f"Confusion matrix of the best model (late-fusion): left out, {note}" in page
    assert "<figure" not in page
    assert "thumb" in page  # the thumbnails do not need matplotlib


def test_report_without_matplotlib_removes_an_earlier_reports_figures(
    tmp_path, monkeypatch
):
    out = write_report(tmp_path / "report", _results(), dataset="toy")
    assert (out / "confusion_matrix.png").is_file()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.warns(UserWarning, match="figures were left out"):
        write_report(out, _results(), dataset="toy")
    # no figure of another evaluation left beside the new page
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "report.html"]


def test_report_failing_to_write_leaves_no_new_folder(tmp_path, monkeypatch):
    def failing(folder, files):
        assert "report.html" in files
        raise OSError("No space left on device")

    monkeypatch.setattr(report, "replace_files", failing)
    out = tmp_path / "report"
    with pytest.raises(OSError, match="No space"):
        write_report(out, _results(), dataset="toy")
    assert not out.exists()
    # a folder that was there before is kept, with what else it holds
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OSError, match="No space"):
        write_report(out, _results(), dataset="toy")
    assert (out / "notes.txt").read_text() == "mine"


# --------------------------------------------------------- .skops without skops
def test_check_save_path_refuses_skops_without_skops(tmp_path, no_skops):
    with pytest.raises(ValueError, match="saving .skops needs skops") as info:
        check_save_path(tmp_path / "model.skops")
    assert PERSIST in str(info.value)
    assert "save as .joblib (pickle; loading it needs trust)" in str(info.value)
    assert check_save_path(tmp_path / "model.joblib") == "joblib"
    # the command line's error, as the train command passes it
    with pytest.raises(RuntimeError, match=r"--output: saving \.skops needs skops"):
        check_save_path(
            tmp_path / "model.skops",
            error=lambda msg: RuntimeError(f"--output: {msg}"),
        )


def test_train_refuses_skops_before_fitting_without_skops(tmp_path, no_skops, capsys):
    from skmultimodal import cli

    csv = tmp_path / "data.csv"
    csv.write_text("image,text,label\n")  # never read: refused before
    model = tmp_path / "model.skops"
    status = cli.main(["train", "--csv", str(csv), "--output", str(model)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert "saving .skops needs skops" in err and PERSIST in err
    assert "Traceback" not in err and not model.exists()


def test_save_and_load_skops_without_skops(tmp_path, monkeypatch):
    clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    saved = save_model(clf, tmp_path / "saved.skops")
    monkeypatch.setitem(sys.modules, "skops", None)
    monkeypatch.setitem(sys.modules, "skops.io", None)
    path = tmp_path / "model.skops"
    with pytest.raises(ValueError, match="saving .skops needs skops") as info:
        save_model(clf, path)
    assert PERSIST in str(info.value) and not path.exists()
    with pytest.raises(ModelFileError, match="loading .skops needs skops") as info:
        load_model(saved)
    assert PERSIST in str(info.value)


# ------------------------------------------------------------------ credit
@pytest.mark.parametrize(
    "name, descr, words",
    [
        ("emoji", EMOJI_DESCR, ("Twemoji", "CC-BY 4.0")),
        ("icons", ICONS_DESCR, ("Font Awesome Free", "CC BY 4.0")),
    ],
)
def test_image_credit_is_the_datasets_own(name, descr, words):
    credit = image_credit(name)
    assert all(w in credit for w in words)
    assert credit in " ".join(descr.split())  # taken from DESCR, not rewritten
    assert image_credit("synthetic") is None


@pytest.mark.parametrize("dataset", ["emoji", "icons"])
def test_report_credits_a_bundled_datasets_images(tmp_path, dataset):
    out = write_report(tmp_path / "r", _results(), dataset=dataset, X=_table())
    credit = image_credit(dataset)
    doc = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert doc["credit"] == credit
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"Images: {html.escape(credit)}" in page
    # the credit follows the thumbnails it is about
    assert page.index('class="thumb"') < page.index("Images: ")


def test_report_without_images_or_bundled_data_has_no_credit(tmp_path):
    X = _table().drop(columns="image")
    for dataset, table in (("emoji", X), ("data.csv", _table())):
        out = write_report(tmp_path / dataset, _results(), dataset=dataset, X=table)
        doc = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
        assert "credit" not in doc
        assert "Images: " not in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("plot", ["plot_attention_weights", "plot_image_attention"])
def test_plotting_without_matplotlib_names_the_extra(plot, monkeypatch):
    from skmultimodal import plotting

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    args = {
        "plot_attention_weights": (pd.DataFrame({"image": [0.3], "text": [0.7]}),),
        "plot_image_attention": (np.zeros((1, 8, 8, 3), np.uint8), np.ones((1, 2, 2))),
    }[plot]
    with pytest.raises(ImportError, match=r"pip install \"skmultimodal\[plot\]\""):
        getattr(plotting, plot)(*args)
