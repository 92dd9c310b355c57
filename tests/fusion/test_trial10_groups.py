"""Groups at the internal folds of the class-score fusion methods and of
LateFusionClassifier: fewer than 2 groups (an outer fold holding one group)
fall back, with a warning, to the ungrouped folds; a class kept in one group
is scored by a prior in the folds that never see it; a group splitter is
checked on each modality's own rows; a stratified splitter refuses a
multi-label target."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GroupKFold,
    StratifiedGroupKFold,
    StratifiedKFold,
)
from sklearn.multiclass import OneVsRestClassifier

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion._late import _oof_proba
from skmultimodal.fusion.methods import StackFusion
from skmultimodal.pipeline import make_multimodal_pipeline

N = 40


def _data():
    rng = np.random.RandomState(0)
    y = np.arange(N) % 2
    X = rng.normal(size=(N, 4)) + y[:, None]
    return X, y


def _fusion(method):
    return ModalityFusion(
        [("a", "passthrough", [0, 1]), ("b", "passthrough", [2, 3])], method=method
    )


def _late(cv=3, **kw):
    return LateFusionClassifier(
        [("a", LogisticRegression(), [0, 1]), ("b", LogisticRegression(), [2, 3])],
        weights="auto",
        cv=cv,
        **kw,
    )


# -- fewer than 2 groups: the ungrouped folds, with one warning --------------


def test_stack_with_one_group_falls_back_to_ungrouped_folds():
    X, y = _data()
    with pytest.warns(UserWarning) as record:
        Z = _fusion(StackFusion(random_state=0)).fit_transform(X, y, groups=np.zeros(N))
    texts = [str(w.message) for w in record]
    ours = [t for t in texts if "groups has 1 distinct value" in t]
    assert len(ours) == 1
    assert "fusion method 'stack'" in ours[0]
    assert "ignore groups" in ours[0]
    assert not any("is ignored by" in t for t in texts)  # no groups to split
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = _fusion(StackFusion(random_state=0)).fit_transform(X, y)
    np.testing.assert_allclose(np.asarray(Z), np.asarray(plain))


def test_group_splitter_with_one_group_still_refused():
    X, y = _data()
    fusion = _fusion(StackFusion(cv=GroupKFold(2), random_state=0))
    with pytest.raises(ValueError, match="makes 2 folds, but groups has only 1"):
        fusion.fit(X, y, groups=np.zeros(N))


def test_late_fusion_with_one_group_falls_back_with_one_warning():
    X, y = _data()
    with pytest.warns(UserWarning) as record:
        late = _late().fit(X, y, groups=np.zeros(N))
    ours = [str(w.message) for w in record if "distinct value" in str(w.message)]
    assert len(ours) == 1
    assert "modalities 'a' and 'b'" in ours[0]
    assert "groups has 1 distinct value" in ours[0]
    plain = _late().fit(X, y)
    np.testing.assert_allclose(late.weights_, plain.weights_)


def test_compare_models_with_one_group_per_training_fold():
    from skmultimodal.datasets import make_multimodal_classification
    from skmultimodal.model_selection import compare_models

    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    pipe = make_multimodal_pipeline(image_features="pixels", random_state=0)
    with pytest.warns(UserWarning, match="groups has 1 distinct value"):
        result = compare_models({"stack": pipe}, X, y, groups=np.arange(40) % 2, cv=2)
    assert 0.0 <= result.models["stack"]["accuracy"] <= 1.0


# -- a class kept in one group --------------------------------------------


def _one_group_class():
    rng = np.random.RandomState(0)
    y = np.array([1] * 10 + [0] * 20)
    X = rng.normal(size=(30, 4)) + y[:, None]
    groups = np.repeat([0, 1, 2], 10)  # class 1 lives in group 0 only
    return X, y, groups


def test_late_fusion_fold_without_a_class_scores_with_the_class_it_saw():
    X, y, groups = _one_group_class()
    late = _late(cv=5).fit(X, y, groups=groups)
    assert np.isclose(late.weights_.sum(), 1.0)
    assert late.predict_proba(X).shape == (30, 2)
    oof = _oof_proba(LogisticRegression(), X[:, :2], y, GroupKFold(3), groups=groups)
    # group 0's fold was trained on class 0 only
    np.testing.assert_allclose(oof[:10], np.tile([1.0, 0.0], (10, 1)))
    assert np.all(oof[10:, 1] > 0)  # the other folds saw both classes


def test_late_fusion_fold_without_a_class_as_the_stacking():
    X, y, groups = _one_group_class()
    fusion = _fusion(StackFusion(cv=StratifiedGroupKFold(3), random_state=0))
    fusion.fit(X, y, groups=groups)  # the stacking's fold fallback
    late = _late(cv=StratifiedGroupKFold(3)).fit(X, y, groups=groups)
    assert np.isfinite(late.cv_log_loss_)


# -- a group splitter checked on each modality's rows ----------------------


def test_group_splitter_checked_on_each_modality_rows():
    X, y = _data()
    groups = np.arange(N) // 10  # both classes in each group
    df = pd.DataFrame(X, columns=["a1", "a2", "b1", "b2"])
    df.loc[groups >= 2, ["a1", "a2"]] = np.nan  # "a" missing in groups 2, 3
    late = LateFusionClassifier(
        [
            ("a", LogisticRegression(), ["a1", "a2"]),
            ("b", LogisticRegression(), ["b1", "b2"]),
        ],
        weights="auto",
        missing="skip",
        cv=GroupKFold(3),
    )
    with pytest.raises(
        ValueError,
        match=r"the rows of modality 'a'\): cv=GroupKFold.*makes 3 folds, but "
        "groups has only 2 distinct values",
    ):
        late.fit(df, y, groups=groups)
    late.set_params(cv=GroupKFold(2)).fit(df, y, groups=groups)


# -- a stratified splitter and a multi-label target ------------------------


@pytest.mark.parametrize(
    "cv, groups",
    [(StratifiedKFold(3), None), (StratifiedGroupKFold(3), np.arange(N) // 4)],
)
def test_stratified_splitter_refuses_multilabel_target(cv, groups):
    X, y = _data()
    Y = np.column_stack([y, 1 - y, np.arange(N) % 3 == 0]).astype(int)
    match = "a stratified splitter cannot split a multi-label target; use KFold or"
    with pytest.raises(ValueError, match=f"fusion method 'stack'.*{match}"):
        _fusion(StackFusion(cv=cv, random_state=0)).fit(X, Y, groups=groups)
    late = LateFusionClassifier(
        [
            ("a", OneVsRestClassifier(LogisticRegression()), [0, 1]),
            ("b", OneVsRestClassifier(LogisticRegression()), [2, 3]),
        ],
        weights="auto",
        cv=cv,
    )
    with pytest.raises(ValueError, match=f"LateFusionClassifier: .*{match}"):
        late.fit(X, Y, groups=groups)


def test_stratified_splitter_refuses_continuous_target():
    X, y = _data()
    target = X[:, 0] + np.arange(N) / N
    fusion = _fusion(StackFusion(cv=StratifiedKFold(3), random_state=0))
    with pytest.raises(ValueError, match="cannot split a continuous target"):
        fusion.fit(X, target)
