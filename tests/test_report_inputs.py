"""What ``skmultimodal.report.write_report`` and
``skmultimodal.model_selection.modality_contributions`` do with what a
library user hands them: compare_models's output as it is, a model instead
of results, results with keys missing, a model not fitted yet."""

import copy
import json

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import LateFusionClassifier
from skmultimodal.model_selection import compare_models, modality_contributions
from skmultimodal.report import write_report
from tests.test_report import _results


@pytest.fixture(scope="module")
def data():
    return make_multimodal_classification(n_samples=45, random_state=0)


@pytest.fixture(scope="module")
def compared(data):
    """compare_models's output: one single-modality and two fused models."""
    X, y = data
    models = {
        "text-only": make_multimodal_pipeline(image=None),
        "late-fusion": make_multimodal_pipeline(
            method="late", image_features="pixels", random_state=0
        ),
        "concat": make_multimodal_pipeline(method="concat", image_features="pixels"),
    }
    return compare_models(models, X, y, cv=3)


def _snapshot(results):
    """What ``results`` holds, comparable after a call (arrays as lists)."""
    return {
        name: {k: v for k, v in entry.items() if k != "estimators"}
        for name, entry in results["models"].items()
    } | {k: v for k, v in results.items() if k != "models"}


def _same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], dict):
            _same(a[key], b[key])
        elif hasattr(a[key], "split"):  # the fold splitter: by its parameters
            assert repr(a[key]) == repr(b[key])
        else:
            np.testing.assert_equal(a[key], b[key])


# ------------------------------------------------------- compare_models ---
def test_compare_models_output_is_reported_as_it_is(compared, tmp_path):
    pytest.importorskip("matplotlib")
    before = copy.deepcopy(_snapshot(compared))
    out = write_report(tmp_path / "r", compared, dataset="toy")
    metrics = json.loads((out / "metrics.json").read_text())
    models = metrics["models"]
    # the modalities and fusion method of each model, read from its fitted
    # fold models, as `skmultimodal evaluate` labels them
    assert models["text-only"]["modalities"] == ["text"]
    assert models["text-only"]["method"] == "-"
    assert models["late-fusion"]["modalities"] == ["image", "text"]
    assert models["late-fusion"]["method"] == "late"
    assert models["concat"]["method"] == "concat"
    assert metrics["best_single_modality"] == "text-only"
    assert metrics["skipped"] == {}
    assert metrics["cv_kind"] == "cross-validation"
    assert "3-fold cross-validation" in (out / "report.html").read_text()
    assert models["late-fusion"]["contribution"] == pytest.approx(
        compared.models["late-fusion"].contribution
    )
    # nothing added to, or changed in, what the caller passed
    assert "modalities" not in compared.models["text-only"]
    assert "cv_kind" not in compared and "skipped" not in compared
    _same(_snapshot(compared), before)


def test_the_table_summary_and_json_take_compare_models_output(compared):
    from skmultimodal.report import format_summary, format_table, metrics_json

    before = copy.deepcopy(_snapshot(compared))
    table = format_table(compared).splitlines()
    assert table[0].split()[0] == "model" and len(table) == 2 + len(compared.models)
    row = next(line for line in table if line.startswith("late-fusion"))
    assert "image+text" in row and row.split()[-1] == "late"
    assert format_summary(compared).startswith("best: ")
    doc = metrics_json(compared, "toy")
    assert doc["models"]["text-only"]["modalities"] == ["text"]
    _same(_snapshot(compared), before)
    with pytest.raises(TypeError, match="results must be a dict"):
        format_table([])


def test_given_modalities_and_labels_win_over_the_fitted_ones(compared, tmp_path):
    pytest.importorskip("matplotlib")
    results = dict(compared)
    results["models"] = {n: dict(m) for n, m in compared.models.items()}
    results["models"]["concat"].update(modalities=["pixels", "words"], method="mine")
    results.update(cv_kind="stratified k-fold", skipped={"image-only": "no images"})
    out = write_report(tmp_path / "r", results, dataset="toy")
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["models"]["concat"]["modalities"] == ["pixels", "words"]
    assert metrics["models"]["concat"]["method"] == "mine"
    assert metrics["cv_kind"] == "stratified k-fold"
    assert metrics["skipped"] == {"image-only": "no images"}


def test_a_model_whose_modalities_cannot_be_read_is_named(data, tmp_path):
    """A plain scikit-learn model has no fusion step to read them from."""
    X, y = data
    plain = make_pipeline(
        FunctionTransformer(lambda X: np.c_[X["text"].str.len()]),
        LogisticRegression(),
    )
    results = compare_models({"plain": plain}, X, y, cv=3)
    out = tmp_path / "r"
    with pytest.raises(ValueError) as info:
        write_report(out, results, dataset="toy")
    message = str(info.value)
    assert message.startswith("results['models']['plain'] lacks 'modalities':")
    assert "compare_models" in message
    assert "give it for 'plain', e.g. ['image', 'text']" in message
    assert not out.exists()
    # given by the caller, the report is written
    pytest.importorskip("matplotlib")
    results.models["plain"]["modalities"] = ["text"]
    metrics = json.loads(
        (write_report(out, results, dataset="t") / "metrics.json").read_text()
    )
    assert metrics["models"]["plain"]["modalities"] == ["text"]


# ------------------------------------------------------- refused input ---
def test_a_model_instead_of_results_is_a_type_error(data, tmp_path):
    X, y = data
    fitted = make_multimodal_pipeline(image=None).fit(X, y)
    out = tmp_path / "r"
    with pytest.raises(TypeError) as info:
        write_report(out, fitted, dataset="x")
    message = str(info.value)
    assert message.startswith(
        "results must be a dict of evaluation results, got sklearn.Pipeline"
    )
    assert "skmultimodal.model_selection.compare_models" in message
    assert "compare_models({'my-model': model}, X, y), not a model" in message
    with pytest.raises(TypeError, match=r"must be a dict .*, got list; write_report"):
        write_report(out, [1, 2], dataset="x")
    with pytest.raises(
        TypeError, match=r"results\['models'\] must be a dict .* got list"
    ):
        write_report(out, {**_results(), "models": ["late-fusion"]}, dataset="x")
    assert not out.exists()


def test_every_missing_key_is_named_in_one_error(tmp_path):
    out = tmp_path / "r"
    with pytest.raises(ValueError) as info:
        write_report(out, {}, dataset="x")
    assert str(info.value).startswith(
        "results lacks 'models', 'y_true', 'n_samples', 'cv', 'classes': "
        "write_report takes the output of skmultimodal.model_selection.compare_models"
    )
    results = _results()
    del results["cv"]
    del results["models"]["late-fusion"]["macro_f1_folds"]
    del results["models"]["text-only"]["modalities"]
    del results["models"]["text-only"]["oof_pred"]
    before = copy.deepcopy(results)
    with pytest.raises(ValueError) as info:
        write_report(out, results, dataset="x")
    assert str(info.value).startswith(
        "results lacks 'cv'; "
        "results['models']['text-only'] lacks 'oof_pred', 'modalities'; "
        "results['models']['late-fusion'] lacks 'macro_f1_folds': "
    )
    assert "give it for 'text-only'" in str(info.value)
    _same(results, before)  # nothing filled in the caller's dict
    assert not out.exists()


def test_regression_results_need_no_classes(tmp_path):
    results = {**_results(), "task": "regression", "scoring": ["accuracy"]}
    del results["classes"], results["cv"]
    with pytest.raises(ValueError) as info:
        write_report(tmp_path / "r", results, dataset="x")
    assert str(info.value).startswith("results lacks 'cv': write_report takes")


def test_results_without_models_are_refused(tmp_path):
    out = tmp_path / "r"
    with pytest.raises(ValueError, match=r"results\['models'\] is empty"):
        write_report(out, {**_results(), "models": {}}, dataset="x")
    assert not out.exists()


# ------------------------------------------------- modality_contributions ---
@pytest.mark.parametrize(
    "model",
    [
        make_multimodal_pipeline(method="late", image_features="pixels"),
        make_multimodal_pipeline(method="concat", image_features="pixels"),
        LateFusionClassifier(
            [
                ("text", make_multimodal_pipeline(image=None), ["text"]),
                ("image", make_multimodal_pipeline(text=None), ["image"]),
            ]
        ),
    ],
    ids=["late", "concat", "LateFusionClassifier"],
)
def test_an_unfitted_model_is_not_fitted_error(model, data):
    X, _ = data
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        modality_contributions(model, X)


def test_a_fitted_model_still_gives_its_shares_or_none(data):
    X, y = data
    late = make_multimodal_pipeline(method="late", image_features="pixels").fit(X, y)
    shares = modality_contributions(late, X)
    assert sorted(shares) == ["image", "text"]
    assert sum(shares.values()) == pytest.approx(1.0)
    with pytest.raises(TypeError, match="must be a fitted estimator"):
        modality_contributions(object(), X)  # not a model: the caller's mistake
    concat = make_multimodal_pipeline(method="concat", image_features="pixels")
    assert modality_contributions(concat.fit(X, y), X) is None  # no shares
