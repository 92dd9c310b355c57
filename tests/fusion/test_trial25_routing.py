"""Metadata routing through ModalityFusion: with
``enable_metadata_routing=True`` a branch's transformer gets the metadata
it requests (on its present rows), as in ColumnTransformer, and one whose
request is unset is fitted without it (as the branches always were); the
fusion method gets ``sample_weight`` unless the fusion's own request
refuses it; routing off, nothing changes."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion.methods import ConcatFusion


class Recorder(TransformerMixin, BaseEstimator):
    """Passes its column through; records the metadata its fit got."""

    def fit(self, X, y=None, sample_weight=None, tag=None):
        self.sample_weight_, self.tag_ = sample_weight, tag
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float).reshape(len(X), -1)


class RecordingConcat(ConcatFusion):
    def fit_transform(self, blocks, y=None, sample_weight=None):
        self.sample_weight_ = sample_weight
        return super().fit_transform(blocks, y, sample_weight=sample_weight)


def _data(n=40):
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"price": rng.randn(n) * 10 + 50, "size": rng.randn(n)})
    y = np.arange(n) % 2
    w = np.where(np.arange(n) < 5, 20.0, 1.0)
    return X, y, w


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def test_a_branch_gets_the_weights_it_requests_as_in_column_transformer(routing):
    X, y, w = _data()
    scaler = StandardScaler().set_fit_request(sample_weight=True)
    ct = ColumnTransformer([("num", scaler, ["price"])]).fit(X, y, sample_weight=w)
    fusion = ModalityFusion(
        [("num", scaler, ["price"]), ("other", Recorder(), ["size"])], method="concat"
    )
    fusion.set_fit_request(sample_weight=True).fit(X, y, sample_weight=w)
    weighted = fusion.named_transformers_["num"].mean_
    np.testing.assert_allclose(weighted, ct.named_transformers_["num"].mean_)
    assert not np.allclose(weighted, X["price"].mean())
    # a branch that does not request them is fitted unweighted
    assert fusion.named_transformers_["other"].sample_weight_ is None


def test_the_method_gets_the_weights_only_where_the_fusion_requests_them(routing):
    X, y, w = _data()
    branches = [("num", Recorder().set_fit_request(sample_weight=True), ["price"])]
    for own, expected in [(False, None), (True, w), (None, w)]:
        fusion = ModalityFusion(branches, method=RecordingConcat())
        fusion.set_fit_request(sample_weight=own).fit(X, y, sample_weight=w)
        np.testing.assert_array_equal(
            fusion.named_transformers_["num"].sample_weight_, w
        )
        got = fusion.method_.sample_weight_
        assert (got is None) if expected is None else np.array_equal(got, expected)


def test_routed_metadata_follows_the_present_rows(routing):
    X, y, w = _data(12)
    X.loc[3, "price"] = np.nan  # missing in that row: the branch never sees it
    tag = np.arange(12) * 10
    recorder = Recorder().set_fit_request(sample_weight=True, tag=True)
    fusion = ModalityFusion(
        [("num", recorder, "price"), ("other", Recorder(), ["size"])],
        method="concat",
        missing="mean",
    )
    fusion.fit(X, y, sample_weight=w, tag=tag)
    fitted = fusion.named_transformers_["num"]
    keep = np.arange(12) != 3
    np.testing.assert_array_equal(fitted.sample_weight_, w[keep])
    np.testing.assert_array_equal(fitted.tag_, tag[keep])


def test_routing_through_a_pipeline_and_a_grid_search(routing):
    X, y, w = _data()
    fusion = ModalityFusion(
        [("num", Recorder().set_fit_request(sample_weight=True), ["price", "size"])],
        method="concat",
    )
    fusion.set_fit_request(sample_weight=False)  # for the branch only
    pipe = make_pipeline(
        fusion,
        LogisticRegression().set_fit_request(sample_weight=True),
    )
    scoring = get_scorer("accuracy").set_score_request(sample_weight=True)
    grid = {"logisticregression__C": [1.0]}
    search = GridSearchCV(pipe, grid, cv=2, scoring=scoring, error_score="raise")
    search.fit(X, y, sample_weight=w)
    got = search.best_estimator_[0].named_transformers_["num"].sample_weight_
    np.testing.assert_array_equal(got, w)


def test_unrequested_metadata_is_refused(routing):
    X, y, w = _data()
    fusion = ModalityFusion([("num", Recorder(), ["price"])], method="concat")
    with pytest.raises(TypeError, match=r"metadata \['tag'\] that no branch requests"):
        fusion.fit(X, y, tag=np.arange(len(y)))


def test_the_default_pipeline_keeps_working_under_routing(routing):
    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.datasets import make_multimodal_classification

    X, y = make_multimodal_classification(n_samples=60, random_state=0)
    w = np.linspace(0.5, 2.0, len(y))
    pipe = make_multimodal_pipeline(random_state=0)
    pipe["fusion"].set_fit_request(sample_weight=True)
    pipe["classifier"].set_fit_request(sample_weight=True)
    pipe.fit(X, y, sample_weight=w)  # its branches' scalers request nothing
    weighted = pipe.predict_proba(X)
    with sklearn.config_context(enable_metadata_routing=False):
        plain = make_multimodal_pipeline(random_state=0)
        plain.fit(X, y, fusion__sample_weight=w, classifier__sample_weight=w)
    np.testing.assert_allclose(weighted, plain.predict_proba(X))


def test_routing_off_other_metadata_is_an_error_and_weights_skip_the_branches():
    X, y, w = _data()
    fusion = ModalityFusion([("num", Recorder(), ["price"])], method="concat")
    with pytest.raises(ValueError, match="tag"):
        fusion.fit(X, y, tag=np.arange(len(y)))
    fusion.fit(X, y, sample_weight=w)
    assert fusion.named_transformers_["num"].sample_weight_ is None
