"""Other targets than single-label classes: regression (a continuous target)
and multi-label (a 0/1 label matrix), through the fusion methods, the
builder and the evaluation engine."""

from importlib.util import find_spec

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import f1_score, r2_score
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.datasets._target import prepare_target
from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion.methods import LateFusion, StackFusion
from skmultimodal.model_selection import compare_models
from skmultimodal.model_selection._models import prediction_table, run_evaluation


@pytest.fixture(scope="module")
def data():
    X, y = make_multimodal_classification(n_samples=150, n_classes=2, random_state=0)
    rng = np.random.RandomState(0)
    value = 3.0 * y + rng.normal(0, 0.5, len(y))  # the class, as a number
    # two labels: the class, and a random one that no modality predicts
    Y = np.c_[y == 0, rng.rand(len(y)) < 0.3].astype(int)
    return X, y, value, Y


def _pipe(**kwargs):
    return make_multimodal_pipeline(image_features="pixels", random_state=0, **kwargs)


CV = KFold(3, shuffle=True, random_state=0)


@pytest.mark.parametrize("method", ["stack", "late", "concat"])
def test_regression_pipeline_learns_the_target(data, method):
    X, _, value, _ = data
    pipe = _pipe(estimator="ridge", method=method)
    assert pipe.named_steps["fusion"].target_type == "continuous"
    pred = cross_val_predict(pipe, X, value, cv=CV)
    # better than predicting the training mean (out of fold, R² <= 0), and
    # finite everywhere
    assert np.isfinite(pred).all()
    assert r2_score(value, pred) > 0.0


def test_regression_names_and_fused_width(data):
    X, _, value, _ = data
    pipe = _pipe(estimator=Ridge()).fit(X, value)
    names = pipe.named_steps["fusion"].get_feature_names_out()
    assert list(names) == ["image__pred", "text__pred", "joint__pred"]
    late = _pipe(estimator="ridge", method="late").fit(X, value)
    assert list(late.named_steps["fusion"].get_feature_names_out()) == ["late__pred"]


def test_late_regression_weights_follow_the_informative_modality(data):
    X, _, value, _ = data
    shuffled = X.copy()
    shuffled["text"] = X["text"].sample(frac=1, random_state=0).to_numpy()
    late = _pipe(estimator="ridge", method="late").fit(shuffled, value)
    w = late.named_steps["fusion"].method_.weights_
    assert np.isclose(sum(w), 1.0)
    assert w[0] > w[1]  # the image still carries the target; the text not


@pytest.mark.parametrize("method", ["stack", "late", "concat"])
def test_multilabel_pipeline_learns_each_label(data, method):
    X, _, _, Y = data
    pipe = _pipe(target_type="multilabel-indicator", method=method)
    assert isinstance(pipe.named_steps["classifier"], OneVsRestClassifier)
    pred = cross_val_predict(pipe, X, Y, cv=CV)
    assert pred.shape == Y.shape
    # the label derived from the class is learned: clearly above the F1 of
    # predicting it everywhere (about 2/3 here)
    everywhere = f1_score(Y[:, 0], np.ones(len(Y)))
    assert f1_score(Y[:, 0], pred[:, 0]) > everywhere + 0.05
    proba = clone(pipe).fit(X, Y).predict_proba(X)
    assert proba.shape == Y.shape and ((proba >= 0) & (proba <= 1)).all()


def test_multilabel_stack_scores_are_per_label(data):
    X, _, _, Y = data
    fusion = _pipe(target_type="multilabel-indicator").fit(X, Y)[0]
    names = fusion.get_feature_names_out()
    assert len(names) == 3 * Y.shape[1]  # image, text, joint: one per label
    assert names[0] == "image__proba_0"


def test_late_multilabel_outputs_log_odds(data):
    X, _, _, Y = data
    rng = np.random.RandomState(0)
    blocks = [rng.rand(len(Y), 4) + Y[:, :1], rng.rand(len(Y), 3)]
    late = LateFusion(cv=3, random_state=0).fit(blocks, Y)
    Z = late.transform(blocks)
    assert Z.shape == Y.shape
    p = 1 / (1 + np.exp(-Z))  # the pooled probabilities back
    assert ((p > 0) & (p < 1)).all()
    assert late.weights_[0] > late.weights_[1]


@pytest.mark.parametrize("method", ["product", "sum", "mean", "tensor", "attention"])
def test_class_probability_methods_refuse_other_targets(data, method):
    X, _, value, Y = data
    # the target type is known when the pipeline is built: refused there
    with pytest.raises(ValueError, match=r"cannot fit a continuous .*late.*stack"):
        _pipe(estimator="ridge", method=method)
    with pytest.raises(ValueError, match="cannot fit a multi-label target"):
        _pipe(target_type="multilabel-indicator", method=method)
    # with target_type="auto", ModalityFusion refuses the y it is given
    fusion = _pipe(method=method).named_steps["fusion"]
    fusion.set_params(estimator_target_types=None)  # the method's own check
    with pytest.raises(ValueError, match="cannot fit a multi-label target"):
        fusion.fit(X, Y)


def test_auto_target_type_is_recorded(data):
    X, y, value, Y = data
    fusion = ModalityFusion(
        [("image", make_multimodal_pipeline(text=None)[0].transformers[0][1], "image")],
        method="stack",
    )
    assert clone(fusion).fit(X, y).target_type_ == "binary"
    assert clone(fusion).fit(X, Y).target_type_ == "multilabel-indicator"
    assert clone(fusion).fit(X, value).target_type_ == "continuous"


@pytest.mark.parametrize(
    "estimator, target, found, advice",
    [
        (None, "labels", "multi-label", "target_type='multilabel-indicator'"),
        ("logistic", "labels", "multi-label", "target_type='multilabel-indicator'"),
        (None, "value", "continuous", "estimator='ridge'"),
        pytest.param(
            "attention",
            "value",
            "continuous",
            "estimator='ridge'",
            marks=pytest.mark.skipif(
                find_spec("keras") is None,
                reason="the attention classifier needs the keras extra",
            ),
        ),
    ],
)
def test_auto_target_the_named_classifier_cannot_fit_is_refused_early(
    data, monkeypatch, estimator, target, found, advice
):
    X, _, value, Y = data
    y = {"labels": Y, "value": value}[target]
    pipe = _pipe(estimator=estimator)

    def no_featurizing(*args, **kwargs):
        raise AssertionError("a branch was fitted before the target was checked")

    monkeypatch.setattr(ModalityFusion, "_fit_branches", no_featurizing)
    with pytest.raises(ValueError, match=found) as info:
        pipe.fit(X, y)
    assert f"make_multimodal_pipeline({advice}" in str(info.value)
    assert "type_of_target" in str(info.value)


def test_auto_target_check_spares_what_the_estimator_fits(data):
    X, y, value, Y = data
    fusion = _pipe().named_steps["fusion"]
    assert fusion.estimator_target_types == ("binary", "multiclass")
    _pipe().fit(X, y)  # binary: the default logistic fits it
    # the builder told the target: one classifier per label, no check
    multi = _pipe(target_type="multilabel-indicator")
    assert multi.named_steps["fusion"].estimator_target_types is None
    assert multi.fit(X, Y).predict(X.iloc[:2]).shape == (2, 2)
    # an instance: the builder does not guess what it fits
    ovr = _pipe(estimator=OneVsRestClassifier(LogisticRegression()))
    assert ovr.named_steps["fusion"].estimator_target_types is None
    assert ovr.fit(X, Y).predict(X.iloc[:2]).shape == (2, 2)
    # a classifier put in the default one's place, the check switched off
    swapped = _pipe().set_params(
        classifier=OneVsRestClassifier(LogisticRegression()),
        fusion__estimator_target_types=None,
    )
    assert swapped.fit(X, Y).predict(X.iloc[:2]).shape == (2, 2)
    # a regressor: "auto" means continuous
    assert _pipe(estimator="ridge").named_steps["fusion"].estimator_target_types is None


def test_stack_on_whole_number_regression_needs_continuous(data):
    X, y, _, _ = data
    counts = (y * 2).astype(int)  # whole numbers: "auto" reads them as classes
    blocks = [np.c_[counts + 0.1 * np.arange(len(y)) % 1]]
    stack = StackFusion(cv=3, random_state=0).set_target_type("continuous")
    assert stack.fit_transform(blocks, counts).shape == (len(y), 2)
    assert stack.target_kind_ == "continuous"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"estimator": "ridge", "class_weight": "balanced"}, "weighs classes"),
        ({"estimator": "logistic", "target_type": "continuous"}, "needs a regressor"),
        ({"estimator": Ridge(), "target_type": "binary"}, "needs a classifier"),
        ({"estimator": "ridge", "classifier": "logistic"}, "not both"),
        ({"estimator": "svm"}, "Unknown estimator 'svm'"),
        ({"target_type": "ordinal"}, "target_type must be"),
    ],
)
def test_builder_refuses_mismatched_estimator_and_target(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_multimodal_pipeline(**kwargs)


def test_classifier_is_another_name_for_estimator():
    a = make_multimodal_pipeline(classifier=LogisticRegression(C=3.0))
    b = make_multimodal_pipeline(estimator=LogisticRegression(C=3.0))
    assert a.named_steps["classifier"].C == b.named_steps["classifier"].C == 3.0


def test_compare_models_regression_scores(data):
    X, _, value, _ = data
    result = compare_models({"fused": _pipe(estimator="ridge")}, X, value, cv=3)
    assert result.task == "regression"
    assert result.scoring == ["r2", "mae"]
    assert result.greater_is_better == {"r2": True, "mae": False}
    m = result.models["fused"]
    # the stored MAE is the error itself, equal to the out-of-fold one
    assert m.mae > 0
    assert m.oof_proba is None and result.classes == []
    assert np.isclose(r2_score(value, m.oof_pred), m.r2, atol=0.05)


def test_compare_models_multilabel_scores(data):
    X, _, _, Y = data
    pipe = _pipe(target_type="multilabel-indicator")
    result = compare_models({"fused": pipe}, X, Y, cv=3)
    m = result.models["fused"]
    assert result.task == "multilabel"
    assert result.scoring == ["micro_f1", "macro_f1", "hamming_loss"]
    assert 0 < m.hamming_loss < 0.5
    assert m.oof_pred.shape == Y.shape and m.oof_proba.shape == Y.shape
    assert np.isclose(np.mean(m.oof_pred != Y), m.hamming_loss, atol=0.02)


def test_run_evaluation_scores_a_separate_test_set(data):
    X, _, value, _ = data
    train, test = np.arange(100), np.arange(100, 150)
    results = run_evaluation(
        X.iloc[train],
        value[train],
        cv=3,
        models=["image-only", "fusion"],
        progress=False,
        task="regression",
        test=(X.iloc[test], value[test], "held-out"),
    )
    assert results.cv_kind == "k-fold"
    scores = results.test["models"]["fusion"]
    fitted = make_multimodal_pipeline(estimator="ridge", random_state=0)
    fitted.fit(X.iloc[train], value[train])
    expected = r2_score(value[test], fitted.predict(X.iloc[test]))
    assert results.test["n_samples"] == 50
    assert np.isclose(scores["r2"], expected, atol=0.05)


def test_run_evaluation_skips_the_attention_classifier_for_regression(data):
    X, _, value, _ = data
    results = run_evaluation(
        X,
        value,
        cv=3,
        models=["text-only", "attention-classifier"],
        progress=False,
        task="regression",
    )
    assert list(results.models) == ["text-only"]
    assert "no regression" in results.skipped["attention-classifier"]


def test_prediction_table_joins_the_predicted_labels(data):
    X, _, _, Y = data
    pipe = _pipe(target_type="multilabel-indicator").fit(X, Y)
    out = prediction_table(pipe, X.iloc[:20], labels=["a", "b"], separator="|")
    assert list(out.columns) == ["prediction", "proba_a", "proba_b"]
    for (_, row), pred in zip(out.iterrows(), pipe.predict(X.iloc[:20])):
        expected = [lab for lab, v in zip("ab", pred) if v]
        # no label: the separator alone, the empty set as train reads it
        assert row["prediction"] == ("|".join(expected) or "|")


# -- reading a target column ------------------------------------------------
def _col(values):
    return pd.Series(values, index=range(2, 2 + len(values)))  # CSV lines


def test_prepare_target_splits_label_sets():
    Y, labels = prepare_target(
        _col(["a|b", "b", " c | a ", "|"]), task="multilabel", separator="|"
    )
    assert labels == ["a", "b", "c"]
    assert Y.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1], [0, 0, 0]]
    # a test table is binarized on the training labels
    Y2, _ = prepare_target(_col(["c"]), task="multilabel", separator="|", labels=labels)
    assert Y2.tolist() == [[0, 0, 1]]


@pytest.mark.parametrize(
    "values, kwargs, match",
    [
        (["1.5", "x", "2"], {"task": "regression"}, r"'x' on line 3.*a number"),
        ([1.0, 1.0], {"task": "regression"}, "one value only"),
        ([1.25, 2.0, 1.0], {}, r"1.25 on line 2.*--task regression"),
        (["a", "a|a"], {"task": "multilabel", "separator": "|"}, "1 label"),
        (["a"], {"task": "multilabel"}, "needs one"),
        (["a", "b"], {"separator": "|"}, "goes with the multi-label task"),
        (
            ["a|z"],
            {"task": "multilabel", "separator": "|", "labels": ["a", "b"]},
            "label 'z' is not one of the training labels",
        ),
    ],
)
def test_prepare_target_errors_name_the_problem(values, kwargs, match):
    with pytest.raises(ValueError, match=match):
        prepare_target(_col(values), column="label", **kwargs)


def test_prepare_target_keeps_whole_number_classes():
    y, labels = prepare_target(_col([1.0, 2.0, 1.0]))
    assert labels is None and y.tolist() == [1.0, 2.0, 1.0]


def _late_classifier(final):
    from sklearn.pipeline import make_pipeline

    from skmultimodal.fusion import LateFusionClassifier
    from skmultimodal.image import ImageFeatures
    from skmultimodal.text import TextFeatures

    return LateFusionClassifier(
        [
            ("image", make_pipeline(ImageFeatures("pixels"), final()), "image"),
            ("text", make_pipeline(TextFeatures("tfidf"), final()), "text"),
        ],
        weights="auto",
        cv=3,
    )


def test_late_fusion_classifier_multilabel(data):
    X, y, _, Y = data
    clf = _late_classifier(lambda: OneVsRestClassifier(LogisticRegression()))
    pred = cross_val_predict(clf, X, Y, cv=CV)
    assert pred.shape == Y.shape and set(np.unique(pred)) <= {0, 1}
    everywhere = f1_score(Y[:, 0], np.ones(len(Y)))
    assert f1_score(Y[:, 0], pred[:, 0]) > everywhere + 0.05
    clf.fit(X, Y)
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and ((proba > 0) & (proba < 1)).all()
    np.testing.assert_array_equal(clf.predict(X), (proba > 0.5).astype(int))
    assert np.isclose(sum(clf.weights_), 1.0)
    # single-label fits are unchanged: one probability row per sample
    single = _late_classifier(LogisticRegression).fit(X, y)
    assert np.allclose(single.predict_proba(X).sum(axis=1), 1.0)


def test_late_fusion_classifier_multilabel_needs_per_label_models(data):
    X, _, _, Y = data
    with pytest.raises(ValueError, match="one probability per label"):
        _late_classifier(LogisticRegression).fit(X, Y)
