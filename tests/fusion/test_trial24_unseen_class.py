"""A row whose class its internal fold trained on no row of (a class of one
row; a class kept in one group) is scored by the expert fitted on all rows,
not 0: scored 0, the lone positive of a rare class taught the classifier
after the fusion that the class goes with a low score of it, and the fused
model ranked that class's rows last."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion.methods import (
    LateFusion,
    ProductFusion,
    StackFusion,
    SumFusion,
)


def _one_positive(n=60, seed=0):
    """Two blocks; the one positive row (row 0) stands out in block a."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4))
    y = np.zeros(n, dtype=int)
    y[0] = 1
    X[0, :2] += 4.0
    return X, y


def _fusion(method):
    return ModalityFusion(
        [("a", StandardScaler(), [0, 1]), ("b", StandardScaler(), [2, 3])],
        method=method(random_state=0),
    )


@pytest.mark.parametrize("method", [StackFusion, LateFusion, SumFusion, ProductFusion])
def test_the_lone_row_of_a_class_is_not_scored_lowest(method):
    X, y = _one_positive()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the class of one row is named
        fusion = _fusion(method)
        Z = fusion.fit_transform(X, y)
    names = list(fusion.get_feature_names_out())
    column = next(i for i, n in enumerate(names) if n.endswith("1"))
    # its own expert's score of the positive, above every negative's
    assert Z[0, column] > Z[1:, column].max(), names[column]


def test_the_stacked_model_ranks_a_new_row_of_the_rare_class_first():
    X, y = _one_positive(seed=0)
    X_new, y_new = _one_positive(n=40, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make_pipeline(_fusion(StackFusion), LogisticRegression()).fit(X, y)
    coef = model[-1].coef_.ravel()
    names = list(model[0].get_feature_names_out())
    assert coef[names.index("a__proba_1")] > 0  # a score of the class: for it
    assert roc_auc_score(y_new, model.predict_proba(X_new)[:, 1]) == 1.0


def test_a_given_splitter_missing_a_class_says_how_its_rows_are_scored():
    X = np.random.RandomState(0).normal(size=(30, 4))
    y = np.repeat([0, 1, 2], 10)
    # each fold holds out one whole class: its training rows have none of it
    folds = [(np.flatnonzero(y != k), np.flatnonzero(y == k)) for k in range(3)]
    fusion = ModalityFusion(
        [("a", StandardScaler(), [0, 1]), ("b", StandardScaler(), [2, 3])],
        method=StackFusion(cv=folds),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Z = fusion.fit_transform(X, y)
    text = " ".join(str(w.message) for w in caught)
    assert "internal fold 0 trains on no row of class 0" in text
    assert "scored by the expert fitted on all rows" in text
    assert "0 out-of-fold" not in text
    # every row is held out in the fold without its class: all in-sample
    names = list(fusion.get_feature_names_out())
    for k in range(3):
        own = Z[y == k, names.index(f"a__proba_{k}")]
        assert (own > 0).all()
    assert np.isfinite(Z).all()
    pd.testing.assert_index_equal(
        pd.Index(names[:3]), pd.Index(["a__proba_0", "a__proba_1", "a__proba_2"])
    )


def test_late_fusion_classifier_weighs_the_lone_row_by_its_full_model():
    """``weights="auto"`` learns from out-of-fold probabilities: the lone
    positive, which its fold never trained on, gave its class 0 there, a
    confident error that dominated the log-loss the weights minimise."""
    from skmultimodal.fusion import LateFusionClassifier

    X, y = _one_positive()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = LateFusionClassifier(
            [("a", LogisticRegression(), [0, 1]), ("b", LogisticRegression(), [2, 3])],
            weights="auto",
            cv=3,
        ).fit(X, y)
    assert clf.weights_[0] > clf.weights_[1]  # the modality that shows it
    # about 0.46 when the positive was scored 0 (log of the probability floor)
    assert clf.cv_log_loss_ < 0.05


def test_late_fusion_out_of_fold_rows_are_unchanged_when_every_fold_saw_every_class():
    from skmultimodal.fusion._late import _oof_proba

    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 2))
    y = np.repeat([0, 1, 2, 3], 10)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    full = LogisticRegression().fit(X, y)
    with_full = _oof_proba(LogisticRegression(), X, y, cv, full=full)
    without = _oof_proba(LogisticRegression(), X, y, cv)
    np.testing.assert_array_equal(with_full, without)
