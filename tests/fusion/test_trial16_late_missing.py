"""LateFusionClassifier(missing="skip"): a member model that never saw a class
does not veto it under voting="log" (fit warns, naming the modality and the
class); weights="auto" reduces a modality's internal folds to what its present
rows allow, and refuses, naming the modality and cv, where no split is
possible."""

import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

import skmultimodal.fusion._late as late_module
import skmultimodal.fusion._pooling as pooling_module
from skmultimodal.fusion import LateFusionClassifier
from skmultimodal.fusion._pooling import EPS, normalize_weights, pool


def _data(n_per=12, seed=0):
    """Three classes; modality `a` (columns 0, 1) and `b` (columns 2, 3)
    both separate them."""
    rng = np.random.RandomState(seed)
    y = np.repeat([0, 1, 2], n_per)
    centres = 3 * np.array([[0, 0], [1, 0], [0, 1]])
    a = rng.normal(size=(len(y), 2)) + centres[y]
    b = rng.normal(size=(len(y), 2)) + centres[y]
    return np.hstack([a, b]), y


def _clf(**kw):
    kw.setdefault("missing", "skip")
    return LateFusionClassifier(
        [("a", LogisticRegression(), [0, 1]), ("b", LogisticRegression(), [2, 3])],
        **kw,
    )


def _without_b(X, rows):
    out = X.copy()
    out[rows, 2:] = np.nan
    return out


def _fit(clf, X, y, **params):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y, **params)
    return clf, [str(w.message) for w in caught]


# -- defect 5: a class a member never saw ------------------------------------


def test_log_voting_does_not_let_a_member_veto_a_class_it_never_saw():
    X, y = _data()
    clf, messages = _fit(_clf(voting="log"), _without_b(X, y == 0), y)
    assert clf.named_estimators_["b"].classes_.tolist() == [1, 2]
    # b present at predict: class 0 is still predicted (it was never, before)
    assert np.mean(clf.predict(X)[y == 0] == 0) > 0.8  # a alone: 0.75
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # the product of class 0 is a's alone; classes 1, 2 that of a and b
    pa = clf.named_estimators_["a"].predict_proba(X[:, :2])
    pb = clf.named_estimators_["b"].predict_proba(X[:, 2:])
    s = np.column_stack(
        [
            np.log(pa[:, 0]),
            0.5 * np.log(pa[:, 1]) + 0.5 * np.log(pb[:, 0]),
            0.5 * np.log(pa[:, 2]) + 0.5 * np.log(pb[:, 1]),
        ]
    )
    np.testing.assert_allclose(proba, np.exp(s - logsumexp(s, axis=1)[:, None]))
    unseen = [m for m in messages if "never saw" in m]
    assert len(unseen) == 1
    assert (
        "modality 'b' is missing or unreadable (and skipped) in every training "
        "row of class 0." in unseen[0]
    )


def test_soft_voting_keeps_the_sum_rule_for_a_class_a_member_never_saw():
    X, y = _data()
    clf, _ = _fit(_clf(voting="soft"), _without_b(X, y == 0), y)
    pa = clf.named_estimators_["a"].predict_proba(X[:, :2])
    pb = clf.named_estimators_["b"].predict_proba(X[:, 2:])
    expected = 0.5 * pa + 0.5 * np.column_stack([np.zeros(len(y)), pb])
    np.testing.assert_allclose(clf.predict_proba(X), expected)


def test_log_voting_class_no_present_member_saw_stays_near_zero():
    # a row where only b (which never saw class 0) is present: class 0 gets
    # no evidence from anyone, so its probability stays ~0 (not 1)
    X, y = _data()
    clf, _ = _fit(_clf(voting="log"), _without_b(X, y == 0), y)
    row = X[[20]].copy()
    row[0, :2] = np.nan
    proba = clf.predict_proba(row)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(), 1.0)
    assert proba[0, 0] < 1e-6
    pb = clf.named_estimators_["b"].predict_proba(row[:, 2:])
    np.testing.assert_allclose(proba[0, 1:], pb[0], atol=1e-9)


def test_pool_member_of_weight_zero_that_alone_saw_a_class():
    # member 1 weighs 0 and is the only one that saw class 2: the class keeps
    # the plain product (probability ~0), not an empty one (probability 1)
    P = np.array([[[0.6, 0.4, 0.0]], [[0.1, 0.1, 0.8]]])
    masks = np.ones((1, 2), dtype=bool)
    seen = np.array([[True, True, False], [True, True, True]])
    out = pool(P, masks, np.array([1.0, 0.0]), "log", seen)
    np.testing.assert_allclose(out, pool(P, masks, np.array([1.0, 0.0]), "log"))
    assert out[0, 2] < 1e-9


def test_learned_log_weights_use_the_same_rule(monkeypatch):
    X, y = _data()
    calls = []
    original = late_module.learn_pool_weights

    def recording(*args, **kw):
        calls.append(args)
        return original(*args, **kw)

    monkeypatch.setattr(late_module, "learn_pool_weights", recording)
    clf, _ = _fit(_clf(voting="log", weights="auto", cv=3), _without_b(X, y == 0), y)
    seen = calls[0][5]
    assert seen.tolist() == [[True, True, True], [False, True, True]]
    assert np.isfinite(clf.weights_).all() and np.isclose(clf.weights_.sum(), 1)
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.mean(clf.predict(X)[y == 0] == 0) > 0.8  # a alone: 0.75


def _old_pool(P, masks, w, voting, seen=None):
    """pool before `seen` (verbatim), which ignores it."""
    m, n = P.shape[0], P.shape[1]
    if masks is None:
        masks = np.ones((n, m), dtype=bool)
    ww = normalize_weights(w, masks)
    if voting == "soft":
        return np.einsum("nm,mnc->nc", ww, P)
    s = np.einsum("nm,mnc->nc", ww, np.log(np.clip(P, EPS, 1.0)))
    return np.exp(s - logsumexp(s, axis=1, keepdims=True))


@pytest.mark.parametrize(
    "voting, missing_b", [("log", False), ("log", True), ("soft", True)]
)
def test_every_class_seen_is_bit_identical_to_before(monkeypatch, voting, missing_b):
    # no class lacks a modality (with or without missing rows): the new rule
    # gives exactly what the plain pool gave, weights and probabilities
    X, y = _data()
    if missing_b:
        X = _without_b(X, [0, 13, 25])
    clf = _clf(voting=voting, weights="auto", cv=3).fit(X, y)
    with monkeypatch.context() as patch:
        patch.setattr(late_module, "pool", _old_pool)
        patch.setattr(pooling_module, "pool", _old_pool)
        before = _clf(voting=voting, weights="auto", cv=3).fit(X, y)
        before_proba = before.predict_proba(X)
    assert np.array_equal(clf.weights_, before.weights_)
    assert clf.cv_log_loss_ == before.cv_log_loss_
    assert np.array_equal(clf.predict_proba(X), before_proba)


# -- defect 6: weights="auto" on a modality present in few rows ---------------


def test_auto_weights_reduce_folds_of_a_modality_in_few_rows():
    X, y = _data()
    keep = [0, 1, 12, 13, 24, 25]  # b present in 2 rows of each class
    Xm = _without_b(X, np.setdiff1d(np.arange(len(y)), keep))
    clf, messages = _fit(_clf(weights="auto", cv=3), Xm, y)
    reduced = [m for m in messages if "reduced to" in m]
    assert reduced == [
        "LateFusionClassifier: modality 'b' is present in 6 of the 36 training "
        "rows (missing or unreadable, and skipped, in the others), at most 2 of "
        "one class: too few for the 3 internal folds of weights='auto' (cv=3), "
        "so its folds are reduced to 2; its out-of-fold probabilities, and the "
        "weights learned from them, rest on few rows."
    ]
    assert np.isfinite(clf.weights_).all() and np.isclose(clf.weights_.sum(), 1)
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("keep", [[0], [0, 24], [0, 12, 24]])
def test_auto_weights_refuse_a_modality_too_rare_to_split(keep):
    X, y = _data()
    Xm = _without_b(X, np.setdiff1d(np.arange(len(y)), keep))
    match = (
        rf"modality 'b' is present in {len(keep)} of the 36 training rows .*at "
        r"most 1 of one class, and the internal cross-validation of "
        r"weights='auto' \(cv=3\) needs 2 rows of one class to make 2 folds"
    )
    with pytest.raises(ValueError, match=match):
        _clf(weights="auto", cv=3).fit(Xm, y)
    _clf(weights=None, cv=3).fit(Xm, y)  # the fixed weights the error offers


def test_auto_weights_refuse_too_rare_a_modality_with_groups():
    X, y = _data()
    Xm = _without_b(X, np.setdiff1d(np.arange(len(y)), [0, 12, 24]))
    groups = np.arange(len(y)) // 2
    with pytest.raises(ValueError, match=r"modality 'b' .*\(cv=3\) needs 2 rows"):
        _clf(weights="auto", cv=3).fit(Xm, y, groups=groups)


def test_a_splitter_too_fine_for_a_modality_names_it_and_cv():
    X, y = _data()
    Xm = _without_b(X, np.setdiff1d(np.arange(len(y)), [0, 1, 12, 13, 24, 25]))
    match = (
        r"internal cross-validation of weights='auto' \(cv=StratifiedKFold\("
        r".*\) cannot split the 6 rows where modality 'b' is present: n_splits=3"
    )
    with pytest.raises(ValueError, match=match):
        _clf(weights="auto", cv=StratifiedKFold(3)).fit(Xm, y)


def test_full_table_folds_unchanged():
    # a class of 2 rows in a full table: scikit-learn's 3 folds, as before
    X, y = _data()
    keep = np.r_[0:12, 12:14, 24:36]
    clf, messages = _fit(_clf(weights="auto", cv=3), X[keep], y[keep])
    assert not [m for m in messages if "reduced to" in m]
    assert any("least populated class" in m for m in messages)
