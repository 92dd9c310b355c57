import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skmultimodal.plugins import (
    get_registry,
    hookimpl,
    register_plugin,
    unregister_plugin,
)
from skmultimodal.text import TextFeatures

TEXTS = ["red cat", "red dog", "blue cat", "blue dog sat", "a red red sun"]


def test_tfidf_is_exactly_sklearns_tfidf_vectorizer():
    params = {"ngram_range": (1, 2), "sublinear_tf": True}
    ours = TextFeatures(method_params=params).fit(TEXTS)
    ref = TfidfVectorizer(**params).fit(TEXTS)
    Z = ours.transform(TEXTS)
    assert sparse.issparse(Z)
    np.testing.assert_allclose(Z.toarray(), ref.transform(TEXTS).toarray())
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    assert isinstance(ours.extractor_, TfidfVectorizer)


def test_missing_texts_are_empty_documents():
    Z = TextFeatures().fit(TEXTS).transform(pd.Series(["red cat", None, np.nan]))
    assert Z.shape[0] == 3
    assert Z[1].nnz == 0 and Z[2].nnz == 0 and Z[0].nnz == 2


def test_non_string_value_raises_before_the_vectorizer():
    X = pd.Series(["red cat", 7], index=[10, 11], dtype=object)
    with pytest.raises(ValueError, match=r"row 1 \(index 11\).*int"):
        TextFeatures().fit(X)


def test_count_and_hashing_methods():
    Z = TextFeatures(method="count").fit_transform(TEXTS)
    np.testing.assert_array_equal(
        Z.toarray(), CountVectorizer().fit_transform(TEXTS).toarray()
    )
    h = TextFeatures(method="hashing", method_params={"n_features": 16}).fit(TEXTS)
    assert h.transform(TEXTS).shape == (5, 16)
    assert list(h.get_feature_names_out()[:2]) == ["hash0", "hash1"]


def test_unknown_method_lists_available_names():
    with pytest.raises(
        ValueError,
        match=r"Unknown text feature extractor 'bm25'.*count.*hashing.*tfidf",
    ):
        TextFeatures(method="bm25").fit(TEXTS)


def test_bad_method_params_are_reported():
    with pytest.raises(ValueError, match="not valid for method 'tfidf'"):
        TextFeatures(method_params={"no_such": 1}).fit(TEXTS)


def test_unknown_key_for_an_instance_names_the_valid_ones():
    vec = TfidfVectorizer()
    with pytest.raises(
        ValueError,
        match=r"method_params \['no_such'\] are not valid for method "
        r"TfidfVectorizer .*valid parameters: \[.*'ngram_range'",
    ):
        TextFeatures(vec, method_params={"no_such": 1}).fit(TEXTS)
    assert vec.get_params() == TfidfVectorizer().get_params()


def test_instance_method_is_cloned_and_nested_params_are_searchable():
    vec = TfidfVectorizer()
    tf = TextFeatures(method=vec)
    assert "method__ngram_range" in tf.get_params()
    tf.fit(TEXTS)
    assert tf.extractor_ is not vec and not hasattr(vec, "vocabulary_")
    y = [0, 0, 1, 1, 0, 1, 0, 1]
    texts = TEXTS + ["blue sky", "red sky", "blue sea"]
    search = GridSearchCV(
        make_pipeline(TextFeatures(method=TfidfVectorizer()), LogisticRegression()),
        {"textfeatures__method__ngram_range": [(1, 1), (1, 2)]},
        cv=2,
    ).fit(texts, y)
    assert search.best_params_["textfeatures__method__ngram_range"] in [(1, 1), (1, 2)]
    search = GridSearchCV(
        make_pipeline(TextFeatures(), LogisticRegression()),
        {"textfeatures__method": ["tfidf", "count"]},
        cv=2,
    ).fit(texts, y)
    assert len(search.cv_results_["params"]) == 2


def test_fit_transform_matches_fit_then_transform():
    a = TextFeatures().fit_transform(TEXTS)
    b = TextFeatures().fit(TEXTS).transform(TEXTS)
    np.testing.assert_allclose(a.toarray(), b.toarray())


def test_transform_before_fit_raises():
    with pytest.raises(NotFittedError):
        TextFeatures().transform(TEXTS)


def test_builtins_satisfy_the_registry_interface():
    registry = get_registry("text_features")
    for name in ("tfidf", "count", "hashing"):
        cls = registry.get(name)
        est = cls().fit(TEXTS)
        assert est.transform(TEXTS).shape[0] == len(TEXTS)
        assert len(est.get_feature_names_out()) == est.transform(TEXTS).shape[1]


class _Lengths:
    """A throwaway plugin registering a tiny extractor."""

    @hookimpl
    def skmultimodal_register_text_features(self, register):
        register("lengths", _LengthFeatures)


class _LengthFeatures(TransformerMixin, BaseEstimator):
    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.array([[len(t)] for t in X], dtype=float)

    def get_feature_names_out(self, input_features=None):
        return np.array(["length"], dtype=object)


def test_plugin_extractor_is_usable_by_name():
    plugin = _Lengths()
    register_plugin(plugin, name="test-lengths")
    try:
        tf = TextFeatures(method="lengths").fit(["ab", None])
        np.testing.assert_array_equal(tf.transform(["ab", None]), [[2.0], [0.0]])
        assert list(tf.get_feature_names_out()) == ["length"]
    finally:
        unregister_plugin(plugin)
