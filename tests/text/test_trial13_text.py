"""Trial 13: ``TextFeatures.transform`` checks ``method_params`` (and
``method``) changed since fit as fit checks them, and refuses a valid change
(refit: a fitted vocabulary cannot follow it) but of a parameter that only
acts in transform (the keras encoder's ``batch_size``, the word vectors'
``warn_oov_rate``), which it uses."""

import re

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import InvalidParameterError

from skmultimodal.text import TextEmbeddingWarning, TextFeatures

TEXTS = ["red cat", "blue dog", "red dog"]


def _refit(what):
    return re.escape(f"TextFeatures: parameters of method {what} changed since fit")


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"no_such_param": 1}, ValueError, r"method_params \['no_such_param'\] are"),
        ({"ngram_range": "bad"}, InvalidParameterError, "'ngram_range' parameter"),
    ],
)
def test_an_invalid_method_params_set_after_fit_is_fits_error(params, error, match):
    with pytest.raises(error, match=match) as at_fit:
        TextFeatures("tfidf", method_params=params).fit(TEXTS)
    tf = TextFeatures("tfidf").fit(TEXTS).set_params(method_params=params)
    with pytest.raises(error, match=match) as at_transform:
        tf.transform(TEXTS)
    assert str(at_transform.value) == str(at_fit.value)


def test_a_valid_method_params_change_after_fit_asks_for_a_refit():
    tf = TextFeatures("tfidf").fit(TEXTS)
    tf.set_params(method_params={"ngram_range": (1, 2)})
    with pytest.raises(ValueError, match=_refit("'tfidf'")) as exc:
        tf.transform(TEXTS)
    message = str(exc.value)
    assert "ngram_range from (1, 1) to (1, 2)" in message
    assert message.endswith("refit it.")
    assert tf.set_params(method_params=None).transform(TEXTS).shape == (3, 4)
    # the same values given again are no change
    tf = TextFeatures("count", method_params={"ngram_range": (1, 2)}).fit(TEXTS)
    tf.set_params(method_params={"ngram_range": (1, 2)})
    assert tf.transform(TEXTS).shape == (3, 7)
    tf = TextFeatures("hashing", method_params={"n_features": 8}).fit(TEXTS)
    tf.set_params(method_params={"n_features": 16})
    with pytest.raises(ValueError, match="n_features from 8 to 16"):
        tf.transform(TEXTS)


def test_a_changed_method_after_fit_asks_for_a_refit():
    tf = TextFeatures("tfidf").fit(TEXTS).set_params(method="count")
    with pytest.raises(ValueError, match="TextFeatures: method changed since fit"):
        tf.transform(TEXTS)


class _ScaledCounts(TransformerMixin, BaseEstimator):
    """Word counts times a random weight drawn in fit."""

    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y=None):
        self.weight_ = check_random_state(self.random_state).uniform(1, 2)
        self.counts_ = CountVectorizer().fit(X)
        return self

    def transform(self, X):
        return self.counts_.transform(X) * self.weight_

    def get_feature_names_out(self, input_features=None):
        return self.counts_.get_feature_names_out()


def test_an_instance_method_changed_after_fit_asks_for_a_refit():
    tf = TextFeatures(_ScaledCounts(np.random.RandomState(0))).fit(TEXTS)
    # fit drew from (so changed) the RandomState of its copy: no change of
    # the parameter for all that
    assert tf.transform(TEXTS).shape == (3, 4)
    tf.set_params(method__random_state=1)
    with pytest.raises(ValueError, match=_refit("_ScaledCounts") + ".*to 1\\)"):
        tf.transform(TEXTS)


def test_a_transform_time_parameter_changed_after_fit_is_used(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("red 1 0\ncat 0 1\ndog 1 1\n", "utf-8")
    params = {"path": str(path), "warn_oov_rate": None}
    tf = TextFeatures("word_vectors", method_params=params).fit(TEXTS)
    tf.set_params(method_params={**params, "warn_oov_rate": 0.1})
    with pytest.warns(TextEmbeddingWarning, match="out of the vocabulary"):
        tf.transform(["red zebra"])
    assert tf.extractor_.warn_oov_rate == 0.1
    tf.set_params(method_params={**params, "warn_oov_rate": 2.0})
    with pytest.raises(InvalidParameterError, match="'warn_oov_rate' parameter"):
        tf.transform(["red zebra"])
    tf.set_params(method_params={**params, "pooling": "tfidf"})
    with pytest.raises(ValueError, match="pooling from 'mean' to 'tfidf'"):
        tf.transform(TEXTS)


@pytest.mark.slow
def test_the_keras_encoders_batch_size_is_used_and_its_path_refused(tmp_path):
    keras = pytest.importorskip("keras")
    pytest.importorskip("tensorflow")
    path, other = tmp_path / "enc.keras", tmp_path / "other.keras"
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(), dtype="string")
    vectorize = keras.layers.TextVectorization(
        vocabulary=["red", "cat", "dog", "blue"], output_sequence_length=4
    )
    pooled = keras.layers.GlobalAveragePooling1D()(
        keras.layers.Embedding(6, 3)(vectorize(inputs))
    )
    keras.Model(inputs, pooled).save(path)
    keras.Model(inputs, pooled).save(other)
    tf = TextFeatures("keras_encoder", method_params={"path": str(path)}).fit(TEXTS)
    before = tf.transform(TEXTS)
    tf.set_params(method_params={"path": str(path), "batch_size": 1})
    np.testing.assert_allclose(tf.transform(TEXTS), before, rtol=1e-6)
    assert tf.extractor_.batch_size == 1
    tf.set_params(method_params={"path": str(path), "batch_size": 0})
    with pytest.raises(InvalidParameterError, match="'batch_size' parameter"):
        tf.transform(TEXTS)
    tf.set_params(method_params={"path": str(other)})
    with pytest.raises(ValueError, match=_refit("'keras_encoder'") + ".*path from"):
        tf.transform(TEXTS)


def test_a_transform_time_parameter_set_back_to_its_fit_value_is_used(tmp_path):
    """warn_oov_rate set to None after fit, then back to its fit value: the
    warning comes back (the fitted extractor follows the current value)."""
    import warnings

    path = tmp_path / "v.vec"
    path.write_text("2 2\ncat 1 0\ndog 0 1\n", encoding="utf-8")
    params = {"path": str(path), "warn_oov_rate": 0.5}
    tf = TextFeatures("word_vectors", method_params=params).fit(["cat dog", "dog"])
    unknown = ["cat zz yy xx ww", "qq"]  # 5 of 6 tokens unknown

    def warned():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tf.transform(unknown)
        return any("5 of the 6 tokens" in str(w.message) for w in caught)

    assert warned()
    tf.set_params(method_params={**params, "warn_oov_rate": None})
    assert not warned()
    tf.set_params(method_params=params)
    assert warned()
