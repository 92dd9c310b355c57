"""LateFusionClassifier: combination formulas, learned weights, missing
modalities, parameters and errors."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_predict
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skmultimodal.fusion import LateFusionClassifier


def _data(n=60, seed=0):
    """Modality `good` predicts y well, `noise` not at all."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 3
    good = rng.normal(size=(n, 2)) + 3 * np.eye(3)[y][:, :2]
    noise = rng.normal(size=(n, 2))
    return np.hstack([good, noise]), y


def _clf(**kw):
    return LateFusionClassifier(
        [("good", LogisticRegression(), [0, 1]), ("noise", GaussianNB(), [2, 3])], **kw
    )


def test_soft_voting_is_weighted_mean_of_probabilities():
    X, y = _data()
    clf = _clf(weights=[3, 1]).fit(X, y)
    np.testing.assert_allclose(clf.weights_, [0.75, 0.25])
    p_good = clf.named_estimators_["good"].predict_proba(X[:, :2])
    p_noise = clf.named_estimators_["noise"].predict_proba(X[:, 2:])
    np.testing.assert_allclose(clf.predict_proba(X), 0.75 * p_good + 0.25 * p_noise)
    np.testing.assert_array_equal(
        clf.predict(X), clf.classes_[np.argmax(clf.predict_proba(X), axis=1)]
    )


def test_log_voting_is_normalised_weighted_geometric_mean():
    X, y = _data()
    clf = _clf(voting="log", weights={"good": 1.0, "noise": 1.0}).fit(X, y)
    p_good = clf.named_estimators_["good"].predict_proba(X[:, :2])
    p_noise = clf.named_estimators_["noise"].predict_proba(X[:, 2:])
    g = np.sqrt(p_good * p_noise)
    np.testing.assert_allclose(clf.predict_proba(X), g / g.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(clf.predict_proba(X)))


def test_auto_weights_favour_the_informative_modality_and_use_internal_cv():
    X, y = _data()
    clf = _clf(weights="auto", cv=3).fit(X, y)
    assert clf.weights_[0] > 0.7
    np.testing.assert_allclose(clf.weights_.sum(), 1.0)
    # the learned weights minimise the log-loss of the out-of-fold combination
    oof = [
        cross_val_predict(
            LogisticRegression(), X[:, :2], y, cv=3, method="predict_proba"
        ),
        cross_val_predict(GaussianNB(), X[:, 2:], y, cv=3, method="predict_proba"),
    ]

    def loss(w):
        p = w * oof[0] + (1 - w) * oof[1]
        return -np.mean(np.log(p[np.arange(len(y)), y]))

    grid = np.linspace(0, 1, 201)
    best = grid[np.argmin([loss(w) for w in grid])]
    assert abs(clf.weights_[0] - best) < 0.02
    np.testing.assert_allclose(clf.cv_log_loss_, loss(clf.weights_[0]), rtol=1e-6)


def test_string_labels_and_dataframe_with_text():
    rng = np.random.RandomState(0)
    n = 30
    labels = np.array(["cat", "dog", "owl"])[np.arange(n) % 3]
    X = pd.DataFrame(
        {"text": [f"{lab} pet" for lab in labels], "num": rng.normal(size=n)}
    )
    clf = LateFusionClassifier(
        [
            ("text", make_pipeline(TfidfVectorizer(), LogisticRegression()), "text"),
            ("num", GaussianNB(), ["num"]),
        ],
        weights="auto",
        cv=3,
    ).fit(X, labels)
    assert list(clf.classes_) == ["cat", "dog", "owl"]
    assert (clf.predict(X) == labels).mean() > 0.9


def test_missing_policy_raise_and_skip():
    rng = np.random.RandomState(0)
    n = 30
    y = np.arange(n) % 2
    X = pd.DataFrame(
        {"text": [["cat", "dog"][c] for c in y], "num": rng.normal(size=n) + 3 * y}
    )
    X.loc[3, "text"] = None
    X.loc[4, "num"] = np.nan
    ests = [
        ("text", make_pipeline(TfidfVectorizer(), LogisticRegression()), "text"),
        ("num", GaussianNB(), ["num"]),
    ]
    with pytest.raises(ValueError, match=r"modality 'text' .* in row 3\b"):
        LateFusionClassifier(ests).fit(X, y)
    clf = LateFusionClassifier(ests, missing="skip", weights=[0.5, 0.5]).fit(X, y)
    assert len(clf.named_estimators_["num"].theta_) == 2
    new = pd.DataFrame({"text": [None, "dog"], "num": [3.0, np.nan]})
    proba = clf.predict_proba(new)
    assert np.isfinite(proba).all()
    # a row missing one modality uses the other one alone
    only_num = clf.named_estimators_["num"].predict_proba(pd.DataFrame({"num": [3.0]}))
    np.testing.assert_allclose(proba[0], only_num[0])
    # a row with no modality at all gets the training class prior
    both_missing = pd.DataFrame({"text": ["", "cat"], "num": [np.nan, np.nan]})
    with pytest.warns(UserWarning, match=r"missing or unreadable in row 0;"):
        proba = clf.predict_proba(both_missing)
    np.testing.assert_allclose(proba[0], clf.class_prior_)
    np.testing.assert_allclose(clf.class_prior_, [np.mean(y == 0), np.mean(y == 1)])


def test_params_clone_pickle_and_grid_search():
    X, y = _data()
    clf = _clf()
    assert clf.get_params()["good__C"] == 1.0
    clf.set_params(good__C=0.5)
    assert clf.estimators[0][1].C == 0.5
    fitted = clone(clf).fit(X, y)
    loaded = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_allclose(loaded.predict_proba(X), fitted.predict_proba(X))
    grid = GridSearchCV(clf, {"good__C": [0.1, 1.0], "voting": ["soft", "log"]}, cv=2)
    assert grid.fit(X, y).best_params_["good__C"] in (0.1, 1.0)


def test_errors():
    X, y = _data()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _clf().fit(X, y[:-1])  # scikit-learn's standard message
    with pytest.raises(ValueError, match="3 weights for 2 modalities"):
        _clf(weights=[1, 2, 3]).fit(X, y)
    with pytest.raises(ValueError, match="non-negative"):
        _clf(weights=[1, -1]).fit(X, y)
    # NaN or inf weights would give NaN probabilities: refused at fit
    for bad in ([np.nan, 1.0], [np.inf, 1.0], [0.0, 0.0]):
        with pytest.raises(ValueError, match="finite and non-negative"):
            _clf(weights=bad).fit(X, y)
    with pytest.raises(TypeError, match="'t' must have fit and predict_proba"):
        LateFusionClassifier([("t", FunctionTransformer(), [0])]).fit(X, y)
    with pytest.raises(ValueError, match=r"constructor arguments: \['voting'\]"):
        LateFusionClassifier([("voting", GaussianNB(), [0])]).fit(X, y)
    with pytest.raises(
        ValueError, match=r"column position\(s\) \[7\] of modality 'good' are out"
    ):
        LateFusionClassifier([("good", GaussianNB(), [0, 7])]).fit(X, y)


def test_html_repr_expands_into_branches():
    from sklearn.utils import estimator_html_repr

    X, y = _data()
    for estimator in (_clf(), _clf().fit(X, y)):
        html = estimator_html_repr(estimator)
        assert ">good<" in html and "LogisticRegression" in html
        assert ">noise<" in html and "GaussianNB" in html
