"""Sample weights in the fusion methods and LateFusionClassifier: metadata
routing, wrong lengths, zero-weight internal folds, Pipeline experts and
group splitters."""

import numpy as np
import pytest
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion.methods import StackFusion


def _data(n=60, seed=0):
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 3
    X = rng.normal(size=(n, 4)) + y[:, None]
    return X, y


def _late(**kw):
    return LateFusionClassifier(
        [
            ("a", make_pipeline(StandardScaler(), LogisticRegression()), [0, 1]),
            ("b", make_pipeline(StandardScaler(), LogisticRegression()), [2, 3]),
        ],
        weights="auto",
        cv=3,
        **kw,
    )


def _fusion(method):
    return ModalityFusion(
        [("a", "passthrough", [0, 1]), ("b", "passthrough", [2, 3])],
        method=method,
    )


def test_late_auto_weights_with_metadata_routing():
    X, y = _data()
    w = np.where(y == 2, 5.0, 1.0)
    off = _late().fit(X, y, sample_weight=w)
    with sklearn.config_context(enable_metadata_routing=True):
        on = _late().fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(on.weights_, off.weights_)
    np.testing.assert_array_equal(on.predict_proba(X), off.predict_proba(X))
    # the weights are used: they change the learned combination
    plain = _late().fit(X, y)
    assert not np.allclose(plain.predict_proba(X), off.predict_proba(X))


def test_fusion_sample_weight_wrong_length():
    X, y = _data()
    with pytest.raises(ValueError, match=r"sample_weight has 59 values .* 60 rows"):
        _fusion("stack").fit(X, y, sample_weight=np.ones(59))


@pytest.mark.parametrize("method", ["stack", "sum"])
def test_fusion_fold_without_weight(method):
    X, y = _data(n=90)
    w = np.zeros(90)
    w[0] = 1.0
    with pytest.raises(
        ValueError, match=rf"fold \d of fusion method '{method}' all have weight 0"
    ):
        _fusion(method).fit(X, y, sample_weight=w)


def test_late_fold_without_weight():
    X, y = _data(n=90)
    w = np.zeros(90)
    w[0] = w[1] = w[2] = 1.0
    with pytest.raises(ValueError, match=r"fold \d of LateFusionClassifier's"):
        _late().fit(X, y, sample_weight=w)


def test_pipeline_expert_takes_sample_weight():
    X, y = _data()
    w = np.where(y == 2, 5.0, 1.0)
    expert = make_pipeline(StandardScaler(with_mean=False), LogisticRegression())
    # the experts' scores are the output (not one expert's features)
    params = {"estimator": expert, "allow_features": False, "random_state": 0}
    fusion = _fusion(StackFusion(**params))
    weighted = fusion.fit_transform(X, y, sample_weight=w)
    plain = _fusion(StackFusion(**params)).fit_transform(X, y)
    assert not np.allclose(np.asarray(weighted), np.asarray(plain))
    assert expert.steps[-1][1].get_params() == LogisticRegression().get_params()


def test_pipeline_expert_refused_when_final_step_cannot_weigh():
    from sklearn.neighbors import KNeighborsClassifier

    X, y = _data()
    expert = make_pipeline(StandardScaler(), KNeighborsClassifier())
    with pytest.raises(ValueError, match="KNeighborsClassifier"):
        _fusion(StackFusion(estimator=expert)).fit(X, y, sample_weight=np.ones(60))


@pytest.mark.parametrize("cv", [GroupKFold(3), StratifiedGroupKFold(3)])
def test_group_splitter_as_internal_cv_refused(cv):
    X, y = _data()
    with pytest.raises(
        ValueError, match="needs groups, but fit got none; pass them to fit"
    ):
        _fusion(StackFusion(cv=cv)).fit(X, y)


def test_late_one_step_pipeline_with_metadata_routing():
    X, y = _data()
    w = np.where(y == 2, 5.0, 1.0)

    def late():
        return LateFusionClassifier(
            [
                ("a", make_pipeline(LogisticRegression()), [0, 1]),
                ("b", LogisticRegression(), [2, 3]),
            ]
        )

    off = late().fit(X, y, sample_weight=w)
    with sklearn.config_context(enable_metadata_routing=True):
        on = late().fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(on.predict_proba(X), off.predict_proba(X))
