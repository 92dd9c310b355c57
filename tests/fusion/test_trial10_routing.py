"""One rule for sample weights under metadata routing: every fit of an
expert or per-modality model follows the fusion's own rule (the weights go
to its fit, or to a Pipeline's final step) whatever the caller's routing;
meta-estimator experts with ``fit(**params)``; the group-splitter message
under routing."""

import numpy as np
import pytest
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion.methods import StackFusion

N = 60


def _data():
    rng = np.random.RandomState(0)
    y = np.arange(N) % 3
    X = rng.normal(size=(N, 4)) + 0.7 * y[:, None]
    w = np.where(y == 2, 5.0, 0.5)
    return X, y, w


def _fusion(method):
    return ModalityFusion(
        [("a", "passthrough", [0, 1]), ("b", "passthrough", [2, 3])], method=method
    )


def _stack():
    expert = make_pipeline(StandardScaler(with_mean=False), LogisticRegression())
    # the experts' scores are the output (not one expert's features)
    return _fusion(StackFusion(estimator=expert, allow_features=False, random_state=0))


def test_stack_pipeline_expert_same_with_routing_on_and_off():
    X, y, w = _data()
    fitted_off = _stack()
    off = fitted_off.fit_transform(X, y, sample_weight=w)
    with sklearn.config_context(enable_metadata_routing=True):
        on = _stack().fit_transform(X, y, sample_weight=w)
        # the ModalityFusion requests the weights from a Pipeline around it
        routed = make_pipeline(
            _stack().set_fit_request(sample_weight=True),
            LogisticRegression().set_fit_request(sample_weight=True),
        )
        routed.fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(np.asarray(on), np.asarray(off))
    np.testing.assert_array_equal(
        np.asarray(routed[0].transform(X)), np.asarray(fitted_off.transform(X))
    )
    assert not np.allclose(np.asarray(off), np.asarray(_stack().fit_transform(X, y)))


def _calibrated(request):
    lr = LogisticRegression(C=10).set_fit_request(sample_weight=request)
    return CalibratedClassifierCV(lr, cv=2)


@pytest.mark.parametrize(
    "final",
    [
        lambda: _calibrated(True),
        lambda: _calibrated(False),
        lambda: LogisticRegression(C=10).set_fit_request(sample_weight=False),
    ],
    ids=["calibrated-requested", "calibrated-not-requested", "logistic"],
)
def test_late_auto_weights_same_with_routing_on_and_off(final):
    # the out-of-fold fits and the final fit follow one rule: the final
    # step gets the weights, requests set inside it are not consulted
    X, y, w = _data()

    def late():
        return LateFusionClassifier(
            [
                ("a", make_pipeline(StandardScaler(), final()), [0, 1]),
                ("b", make_pipeline(final()), [2, 3]),
            ],
            weights="auto",
            cv=3,
        )

    with sklearn.config_context(enable_metadata_routing=True):  # the requests
        off, on, plain = late(), late(), late()
        on.fit(X, y, sample_weight=w)
        P_on = on.predict_proba(X)
    off.fit(X, y, sample_weight=w)
    assert on.cv_log_loss_ == off.cv_log_loss_
    np.testing.assert_array_equal(on.weights_, off.weights_)
    np.testing.assert_array_equal(P_on, off.predict_proba(X))
    assert not np.allclose(plain.fit(X, y).predict_proba(X), P_on)


def _grid():
    return GridSearchCV(LogisticRegression(), {"C": [1.0, 10.0]}, cv=2)


def test_meta_estimator_expert_with_fit_params_takes_sample_weight():
    X, y, w = _data()

    def stack():
        return _fusion(
            StackFusion(estimator=_grid(), allow_features=False, random_state=0)
        )  # the experts' scores are the output (not one expert's features)

    weighted = stack().fit_transform(X, y, sample_weight=w)
    assert not np.allclose(
        np.asarray(weighted), np.asarray(stack().fit_transform(X, y))
    )

    def late():
        grid = make_pipeline(StandardScaler(), _grid())
        return LateFusionClassifier([("a", grid, [0, 1]), ("b", _grid(), [2, 3])])

    P = late().fit(X, y, sample_weight=w).predict_proba(X)
    assert not np.allclose(P, late().fit(X, y).predict_proba(X))


def test_group_splitter_message_under_routing_says_to_request_groups():
    X, y, _ = _data()
    g = np.arange(N) // 4
    late = LateFusionClassifier(  # two members: one alone learns no weights
        [("a", LogisticRegression(), [0, 1]), ("b", LogisticRegression(), [2, 3])],
        weights="auto",
        cv=GroupKFold(3),
    )
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            _fusion(StackFusion(cv=GroupKFold(3))), LogisticRegression()
        )
        for model, owner in [(pipe, "ModalityFusion"), (late, "LateFusionClassifier")]:
            with pytest.raises(ValueError) as exc:
                model.fit(X, y)
            message = str(exc.value)
            assert f"request them (set_fit_request(groups=True) on the {owner})" in (
                message
            )
            assert "fit(X, y, groups=...)" in message
            assert "__groups" not in message
        # the advice works
        pipe[0].set_fit_request(groups=True)
        pipe.fit(X, y, groups=g)
        late.set_fit_request(groups=True)
        cross_validate(late, X, y, cv=GroupKFold(2), params={"groups": g})
    with pytest.raises(ValueError, match=r"pass them to fit \(ModalityFusion\.fit"):
        make_pipeline(_fusion(StackFusion(cv=GroupKFold(3))), LogisticRegression()).fit(
            X, y
        )
