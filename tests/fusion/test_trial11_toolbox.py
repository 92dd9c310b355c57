"""Trial 11: tensor feature names for any class labels, fixed lists of
inner splits fitted on a subset of rows, and "drop" members of
LateFusionClassifier."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion.methods import StackFusion, TensorFusion

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _blocks(labels, n=60, seed=0):
    rng = np.random.RandomState(seed)
    k = len(labels)
    y_idx = np.arange(n) % k
    a = rng.normal(size=(n, 3)) + y_idx[:, None]
    b = rng.normal(size=(n, 2)) - y_idx[:, None]
    return [a, b], np.asarray(labels)[y_idx]


# -- 1. tensor feature names ---------------------------------------------------
def test_tensor_names_are_unique_with_a_class_called_one():
    blocks, y = _blocks(["one", "two", "three"])
    t = TensorFusion(cv=3, random_state=0).fit(blocks, y)
    names = list(t.set_modalities(["image", "text"]).get_feature_names_out([[], []]))
    assert len(names) == 16 and len(set(names)) == 16
    assert "tensor__image_onextext_one" in names  # the class "one" keeps its name
    assert "tensor__image_one_xtext_one_" in names  # the constants, renamed


def test_tensor_with_a_class_called_one_fits_in_modality_fusion():
    blocks, y = _blocks(["one", "two"])
    X = pd.DataFrame(np.column_stack(blocks), columns=list("abcde"))
    fusion = ModalityFusion(
        [
            ("image", "passthrough", ["a", "b", "c"]),
            ("text", "passthrough", ["d", "e"]),
        ],
        method=TensorFusion(cv=3, random_state=0),
    )
    out = fusion.fit_transform(X, y)
    names = fusion.get_feature_names_out()
    assert out.shape[1] == len(names) == len(set(names)) == 9


def test_tensor_names_are_unique_for_labels_colliding_through_the_join():
    # "image_a" x "text_bxtext_c" reads as "image_axtext_b" x "text_c"
    labels = ["a", "c", "bxtext_c", "axtext_b"]
    blocks, y = _blocks(labels, n=80)
    t = TensorFusion(cv=3, random_state=0).fit(blocks, y)
    names = list(t.set_modalities(["image", "text"]).get_feature_names_out([[], []]))
    assert len(names) == 25 and len(set(names)) == 25


def test_tensor_names_are_unchanged_for_common_labels():
    blocks, y = _blocks([0, 1])
    t = TensorFusion(cv=3, random_state=0).fit(blocks, y)
    names = list(t.set_modalities(["a", "b"]).get_feature_names_out([[], []]))
    assert names[:3] == ["tensor__a_0xb_0", "tensor__a_0xb_1", "tensor__a_0xb_one"]
    assert names[-1] == "tensor__a_onexb_one"


# -- 2. a fixed list of inner splits on a subset of rows -----------------------
def _table(n=90, seed=0):
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    X = rng.normal(size=(n, 4)) + y[:, None]
    return X, y


def test_stack_refuses_splits_made_for_more_rows():
    X, y = _table()
    splits = list(KFold(3).split(X))
    blocks = [X[:, :2], X[:, 2:]]
    StackFusion(cv=splits, random_state=0).fit(blocks, y)  # the rows it was made for
    with pytest.raises(
        ValueError,
        match="fusion method 'stack': cv's splits index "
        "rows up to 89 but fit got 60 rows: a list of splits",
    ):
        StackFusion(cv=splits).fit([b[:60] for b in blocks], y[:60])


def test_class_score_method_refuses_negative_split_indices():
    X, y = _table()
    splits = [(np.arange(-30, 60), np.arange(60, 90))] + list(KFold(3).split(X))[:2]
    with pytest.raises(ValueError, match="negative row index -30"):
        TensorFusion(cv=splits).fit([X[:, :2], X[:, 2:]], y)


def test_stack_in_cross_val_score_names_cv():
    X, y = _table()
    fusion = ModalityFusion(
        [("a", "passthrough", [0, 1]), ("b", "passthrough", [2, 3])],
        method=StackFusion(cv=list(KFold(3).split(X))),
    )
    pipe = make_pipeline(fusion, LogisticRegression())
    with pytest.raises(ValueError, match="cv's splits index rows up to 89"):
        cross_val_score(pipe, X, y, cv=3, error_score="raise")


def _late(**kw):
    return LateFusionClassifier(
        [("a", LogisticRegression(), [0, 1]), ("b", LogisticRegression(), [2, 3])],
        **kw,
    )


def test_late_fusion_refuses_splits_made_for_more_rows():
    X, y = _table()
    lf = _late(weights="auto", cv=list(KFold(3).split(X)))
    lf.fit(X, y)
    with pytest.raises(
        ValueError,
        match="LateFusionClassifier: cv's splits index "
        "rows up to 89 but modality 'a' has 60 rows",
    ):
        cross_val_score(lf, X, y, cv=3, error_score="raise")
    bad = [(np.arange(-5, 60), np.arange(60, 90))] + list(KFold(3).split(X))[:2]
    with pytest.raises(ValueError, match="negative row index -5"):
        _late(weights="auto", cv=bad).fit(X, y)


# -- 3. "drop" members of LateFusionClassifier ---------------------------------
def test_late_fusion_drops_a_member():
    X, y = _table()
    lf = _late().set_params(a="drop").fit(X, y)
    assert [name for name, _, _ in lf.estimators_] == ["b"]
    assert lf.named_estimators_["a"] == "drop"
    np.testing.assert_allclose(lf.weights_, [1.0])
    alone = LogisticRegression().fit(X[:, 2:], y)
    np.testing.assert_allclose(lf.predict_proba(X), alone.predict_proba(X[:, 2:]))
    assert lf.score(X, y) == alone.score(X[:, 2:], y)
    # the dropped member's missing values are not looked at
    X2 = X.copy()
    X2[0, 0] = np.nan
    np.testing.assert_allclose(lf.predict_proba(X2[1:]), lf.predict_proba(X[1:]))


def test_late_fusion_drop_ignores_the_dropped_members_weight():
    X, y = _table()
    voting = VotingClassifier(
        [("a", "drop"), ("b", LogisticRegression())], voting="soft", weights=[5, 2]
    ).fit(X[:, 2:], y)
    for weights in ([5.0, 2.0], {"a": 5.0, "b": 2.0}, "auto"):
        lf = _late(weights=weights, cv=3).set_params(a="drop").fit(X, y)
        np.testing.assert_allclose(lf.weights_, [1.0])
        np.testing.assert_allclose(lf.predict_proba(X), voting.predict_proba(X[:, 2:]))
    with pytest.raises(ValueError, match="got 1 weights for 2 estimators"):
        _late(weights=[1.0]).set_params(a="drop").fit(X, y)


def test_late_fusion_refuses_every_member_dropped_and_other_strings():
    X, y = _table()
    with pytest.raises(ValueError, match="every estimator is 'drop'"):
        _late().set_params(a="drop", b="drop").fit(X, y)
    with pytest.raises(TypeError, match="must have fit and predict_proba"):
        _late().set_params(a=None).fit(X, y)


def test_late_fusion_grid_search_over_drop():
    X, y = _table()
    lf = _late()
    before = clone(lf).get_params(deep=False)
    grid = GridSearchCV(
        lf, {"a": ["drop", LogisticRegression()]}, cv=3, error_score="raise"
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 2
    assert lf.get_params(deep=False).keys() == before.keys()
    assert lf.estimators[0][1] != "drop"  # the user's model is not mutated
