"""Sample weights through LateFusionClassifier and ModalityFusion."""

import numpy as np
import pytest
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion.methods import (
    ConcatFusion,
    LateFusion,
    ProductFusion,
    StackFusion,
    SumFusion,
)

N = 90


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1, 2], N // 3)
    X = rng.normal(size=(N, 4)) + 0.6 * y[:, None]
    return X, y, rng.randint(0, 4, N)  # integer weights, zeros included


def _exact():
    return LogisticRegression(tol=1e-12, max_iter=10_000)


def _late(weights=None, cv=3):
    scaled = make_pipeline(StandardScaler(), _exact())
    return LateFusionClassifier(
        [("a", scaled, [0, 1]), ("b", _exact(), [2, 3])], weights=weights, cv=cv
    )


def test_late_fusion_integer_weights_equal_repeated_rows(data):
    # a model sees the weights: a weight of k is k copies of the row (model
    # "b"; model "a" is a Pipeline whose scaler is fitted unweighted, so
    # its statistics differ from those of the copies)
    X, y, w = data
    weighted = _late().fit(X, y, sample_weight=w)
    rows = np.repeat(np.arange(N), w)
    copies = _late().fit(X[rows], y[rows])
    b_weighted = weighted.named_estimators_["b"]
    b_copies = copies.named_estimators_["b"]
    np.testing.assert_allclose(b_weighted.coef_, b_copies.coef_, rtol=1e-5)
    unweighted = _late().fit(X, y).named_estimators_["b"]
    assert not np.allclose(b_weighted.coef_, unweighted.coef_, rtol=1e-3)


def test_late_fusion_auto_weights_follow_the_sample_weights(data):
    # modality "a" tells the classes apart in the even rows only, "b" in
    # the odd rows only: weighting the odd rows moves the learned weight
    # to "b"
    X, y, _ = data
    rng = np.random.RandomState(1)
    half = np.arange(N) % 2 == 0  # every class in both halves
    X = rng.normal(size=(N, 4))
    X[half, :2] += 2.0 * y[half, None]
    X[~half, 2:] += 2.0 * y[~half, None]
    w = (~half).astype(float)
    unweighted = _late("auto").fit(X, y).weights_
    weighted = _late("auto").fit(X, y, sample_weight=w).weights_
    assert unweighted[1] < 0.6 and weighted[1] > 0.9


@pytest.mark.parametrize(
    "weights, message",
    [
        (np.full(N, np.nan), "sample_weight contains NaN"),
        (-np.ones(N), "Negative values in data passed to `sample_weight`"),
        (np.ones(5), r"sample_weight.shape == \(5,\), expected \(90,\)"),
    ],
)
def test_late_fusion_refuses_bad_weights(data, weights, message):
    X, y, _ = data
    with pytest.raises(ValueError, match=message):
        _late().fit(X, y, sample_weight=weights)


def test_late_fusion_names_a_model_without_sample_weight(data):
    X, y, w = data
    clf = LateFusionClassifier(
        [
            ("a", _exact(), [0, 1]),
            ("knn", make_pipeline(KNeighborsClassifier()), [2, 3]),
        ]
    )
    with pytest.raises(ValueError, match=r"estimator 'knn' \(KNeighborsClassifier\)"):
        clf.fit(X, y, sample_weight=w)
    clf.fit(X, y)  # unweighted, it fits


METHODS = {
    "concat": ConcatFusion,
    "late": LateFusion,
    "product": ProductFusion,
    "stack": StackFusion,
    "sum": SumFusion,
}


def _fusion(method="stack"):
    params = {} if method == "concat" else {"random_state": 0}
    return ModalityFusion(
        [("a", StandardScaler(), [0, 1]), ("b", StandardScaler(), [2, 3])],
        method=METHODS[method](**params),
    )


@pytest.mark.parametrize("method", ["stack", "sum", "product", "late"])
def test_fusion_experts_are_fitted_with_the_weights(data, method):
    X, y, w = data
    weighted = _fusion(method).fit(X, y, sample_weight=w).method_
    plain = _fusion(method).fit(X, y).method_
    ones = _fusion(method).fit(X, y, sample_weight=np.ones(N)).method_
    for k in range(2):
        np.testing.assert_allclose(
            ones.estimators_[k].coef_, plain.estimators_[k].coef_, rtol=1e-6
        )
        assert not np.allclose(
            weighted.estimators_[k].coef_, plain.estimators_[k].coef_
        )
    assert not hasattr(weighted, "_sw") and not hasattr(weighted, "_y")


@pytest.mark.parametrize("block_norm", ["frobenius", "standard"])
def test_concat_statistics_weigh_the_rows_as_copies(data, block_norm):
    X, y, w = data
    rows = np.repeat(np.arange(N), w)
    blocks = [X[:, :2] * 3.0, X[:, 2:]]
    weighted = ConcatFusion(block_norm=block_norm).fit(blocks, sample_weight=w)
    copies = ConcatFusion(block_norm=block_norm).fit([b[rows] for b in blocks])
    np.testing.assert_allclose(weighted.transform(blocks), copies.transform(blocks))
    plain = ConcatFusion(block_norm=block_norm).fit(blocks)
    assert not np.allclose(weighted.transform(blocks), plain.transform(blocks))


class Unweighted(ConcatFusion):
    """A fusion method whose fit takes no sample weights (as a plugin's may)."""

    def fit(self, blocks, y=None):
        return super().fit(blocks, y)

    def fit_transform(self, blocks, y=None):
        return self.fit(blocks, y).transform(blocks)


def test_a_method_without_weights_and_a_multilabel_target_refuse_them(data):
    X, y, w = data
    fusion = ModalityFusion([("a", StandardScaler(), [0, 1])], method=Unweighted())
    with pytest.raises(ValueError, match="fusion method 'Unweighted' does not take"):
        fusion.fit(X, y, sample_weight=w)
    fusion.fit(X, y)
    Y = np.column_stack([y == 0, y == 1]).astype(int)
    with pytest.raises(ValueError, match="not supported for a multi-label target"):
        _fusion("stack").fit(X, Y, sample_weight=w)


def test_pipeline_weights_through_metadata_routing(data):
    # with metadata routing, pipe.fit(X, y, sample_weight=w) reaches the
    # fusion's experts and the classifier that ask for it
    X, y, w = data
    expected = make_pipeline(_fusion(), _exact()).fit(
        X, y, modalityfusion__sample_weight=w, logisticregression__sample_weight=w
    )
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            _fusion().set_fit_request(sample_weight=True),
            _exact().set_fit_request(sample_weight=True),
        ).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(pipe.predict_proba(X), expected.predict_proba(X))


def test_user_guide_example():
    from tests._docs_runner import USER_GUIDE, assert_code_blocks_print_what_they_claim

    assert_code_blocks_print_what_they_claim(
        USER_GUIDE / "fusion.md", containing="fusion__sample_weight"
    )
