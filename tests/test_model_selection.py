"""compare_models and modality_contributions: the cross-validated comparison
behind ``skmultimodal evaluate``, as a library."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold, StratifiedKFold

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.model_selection import compare_models, modality_contributions


@pytest.fixture(scope="module")
def data():
    return make_multimodal_classification(n_samples=60, random_state=0)


def _text_only():
    return make_multimodal_pipeline(image=None)


def _late():
    return make_multimodal_pipeline(
        method="late", image_features="pixels", random_state=0
    )


def test_public_names():
    import skmultimodal.model_selection as ms

    assert (
        ms.__all__ == sorted(ms.__all__) == ["compare_models", "modality_contributions"]
    )


def test_scores_are_those_of_fitting_each_fold(data):
    """The same folds, seeds and scores as fitting each fold by hand."""
    X, y = data
    result = compare_models({"text-only": _text_only()}, X, y, cv=3)
    r = result.models["text-only"]
    folds = StratifiedKFold(3, shuffle=True, random_state=0).split(X, y)
    oof = np.empty_like(y)
    for k, (train, test) in enumerate(folds):
        pred = _text_only().fit(X.iloc[train], y[train]).predict(X.iloc[test])
        oof[test] = pred
        assert r.accuracy_folds[k] == accuracy_score(y[test], pred)
        assert r.macro_f1_folds[k] == f1_score(y[test], pred, average="macro")
        assert list(r.test_indices[k]) == list(test)
    assert r.accuracy == np.mean(r.accuracy_folds)
    assert r.accuracy_std == np.std(r.accuracy_folds)
    assert (r.oof_pred == oof).all()
    assert len(r.estimators) == len(r.fit_time_folds) == 3
    assert r.contribution is None  # one modality: nothing to share
    assert (result.cv, result.n_samples, result.n_classes) == (3, 60, 3)
    assert result.classes == [0, 1, 2] and (result.y_true == y).all()


def test_every_model_sees_the_same_folds(data):
    X, y = data
    result = compare_models({"text-only": _text_only(), "late": _late()}, X, y, cv=3)
    assert list(result.models) == ["text-only", "late"]
    text, late = result.models["text-only"], result.models["late"]
    for a, b in zip(text.test_indices, late.test_indices):
        assert list(a) == list(b)
    assert set(late.contribution) == {"image", "text"}
    assert sum(late.contribution.values()) == pytest.approx(1.0)


def test_groups_stay_in_one_fold(data):
    X, y = data
    groups = np.arange(len(y)) // 4
    result = compare_models({"t": _text_only()}, X, y, groups=groups, cv=3)
    for test in result.models["t"].test_indices:
        held_out = set(groups[test])
        assert not held_out & set(np.delete(groups, test))


def test_cv_splitter_and_scoring_are_passed_on(data):
    X, y = data
    groups = np.arange(len(y)) % 5
    result = compare_models(
        {"t": _text_only()}, X, y, groups=groups, cv=GroupKFold(5), scoring="accuracy"
    )
    r = result.models["t"]
    assert result.cv == 5 and len(r.accuracy_folds) == 5
    assert "macro_f1" not in r


@pytest.mark.parametrize(
    "cv, groups, message",
    [
        (1, None, "cv must be at least 2, got 1"),
        (25, None, "cv=25 needs at least 25 samples of every class"),
        (3, np.arange(60) % 2, "cv=3 needs at least 3 groups; groups has 2"),
    ],
)
def test_bad_cv_is_refused_before_fitting(data, cv, groups, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        compare_models({"t": _text_only()}, X, y, cv=cv, groups=groups)


def test_an_error_while_fitting_is_raised_as_it_is(data):
    X, y = data
    broken = make_multimodal_pipeline(image=None, text="no such column")
    with pytest.raises(ValueError, match="no such column"):
        compare_models({"broken": broken}, X, y, cv=3)


def test_modality_contributions(data):
    X, y = data
    late = _late().fit(X, y)
    shares = modality_contributions(late, X)
    weights = late.named_steps["fusion"].method_.weights_
    assert list(shares) == ["image", "text"]
    assert list(shares.values()) == pytest.approx(np.divide(weights, sum(weights)))
    concat = make_multimodal_pipeline(method="concat", image_features="pixels")
    assert modality_contributions(concat.fit(X, y), X) is None
    with pytest.raises(TypeError, match="must be a fitted estimator.*got object"):
        modality_contributions(object(), X)  # not a model: a caller's mistake


# ------------------------------------------- several columns a modality ---
def _two_of_each(data):
    """The data with two image and two text columns of their own names."""
    X, y = data
    X2 = X.assign(front=X["image"], back=X["image"][::-1].to_numpy())
    X2 = X2.assign(title=X["text"], body=X["text"].str.upper())
    return X2.drop(columns=["image", "text"]), y


def test_build_models_gives_every_model_the_columns_of_its_modalities():
    from skmultimodal.model_selection._models import build_models

    columns = {"image": ["front", "back"], "text": "title"}
    names = ["image-only", "text-only", "fusion", "late-fusion", "fusion-concat"]
    built, skipped = build_models(
        names, modalities=["image", "text"], quick=True, memory=None,
        random_state=0, columns=columns,
    )  # fmt: skip
    assert not skipped
    read = {
        name: [c for _, _, c in est.named_steps["fusion"].transformers]
        for name, (est, _, _) in built.items()
    }
    assert read["image-only"] == ["front", "back"]
    assert read["text-only"] == ["title"]
    for name in ("fusion", "late-fusion", "fusion-concat"):
        assert read[name] == ["front", "back", "title"], name
    # one modality's two columns are fused: the label says how
    assert built["image-only"][2] == "stack (default)"
    assert built["text-only"][2] == "-"
    assert built["late-fusion"][2] == "late"


def test_run_evaluation_takes_the_modalities_from_the_columns(data):
    from skmultimodal.model_selection._models import run_evaluation

    X, y = _two_of_each(data)
    columns = {"image": ["front", "back"], "text": ["title", "body"]}
    results = run_evaluation(
        X, y, cv=3, models=["image-only", "text-only"], progress=False,
        columns=columns,
    )  # fmt: skip
    assert set(results.models) == {"image-only", "text-only"}
    assert results.models["text-only"]["modalities"] == ["text"]
    assert 0 <= results.models["text-only"]["accuracy"] <= 1
    # without the mapping, X has no "image" or "text" column to evaluate
    with pytest.raises(ValueError, match="no model can be evaluated"):
        run_evaluation(X, y, cv=3, models=["text-only"], progress=False)
    # a modality left out of the mapping is not evaluated
    results = run_evaluation(
        X, y, cv=3, models=["image-only", "text-only"], progress=False,
        columns={"text": ["title", "body"]},
    )  # fmt: skip
    assert list(results.models) == ["text-only"]
    assert "image-only" in results.skipped


# ------------------------------------------------ plain values in messages ---
def test_make_cv_names_a_class_by_its_plain_value():
    from skmultimodal.model_selection._compare import make_cv

    y = np.array([-1, *[0] * 5, *[1] * 5], dtype=np.int64)
    with pytest.raises(ValueError, match="needs at least 3") as info:
        make_cv(3, y, None)
    assert "class -1 has 1" in str(info.value)
    assert "np." not in str(info.value)


def test_prepare_target_names_a_constant_by_its_plain_value():
    import pandas as pd

    from skmultimodal.datasets._target import prepare_target

    with pytest.raises(ValueError, match="one value only") as info:
        prepare_target(pd.Series([7.5] * 4), task="regression", column="price")
    assert "(7.5)" in str(info.value) and "np." not in str(info.value)


def test_make_cv_counts_the_short_classes_and_hints_at_regression():
    from skmultimodal.model_selection._compare import make_cv

    prices = np.arange(100, 130)  # 30 whole numbers, one row each
    with pytest.raises(ValueError) as info:
        make_cv(3, prices, None)
    message = str(info.value)
    assert "class 100 has 1, and 29 other class(es) have fewer than 3" in message
    assert "pass task='regression'" in message
    with pytest.raises(ValueError) as info:  # a few classes: no such hint
        make_cv(3, np.array([0, 0, 0, 1, 1, 2]), None, param="--cv")
    assert "regression" not in str(info.value)
