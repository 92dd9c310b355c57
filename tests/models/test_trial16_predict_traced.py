"""MultimodalAttentionClassifier predicts through its network traced once
(a concrete function with a ``None`` batch dimension), not eagerly at each
call: the same predictions as the eager network, one tracing per network
whatever the batch sizes and threads, and nothing of it pickled."""

import copy
import gc
import logging
import pickle
import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from skmultimodal.fusion import ModalityFusion
from skmultimodal.image import ImageArray
from skmultimodal.models import MultimodalAttentionClassifier, _classifier
from skmultimodal.text import TextSequencer

# TensorFlow/Keras models
pytestmark = pytest.mark.slow

TINY = dict(width=8, n_heads=2, epochs=2, batch_size=16, random_state=0)
SIZES = (1, 7, 50)


def _features_and_words(n=60):
    """A feature block and a block of word ids (a sequence block)."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n, 4))
    ids = rng.randint(0, 6, size=(n, 3)).astype(float)
    y = (X[:, 0] + (ids[:, 0] > 2) > 0.5).astype(int)
    clf = MultimodalAttentionClassifier(
        modalities=[("a", 4), ("ids", 3, "sequence")], **TINY
    ).fit(np.hstack([X, ids]), y)
    return clf, np.hstack([X, ids])


def _image_tokens(n=60):
    """Image tokens (an image block) and a sequence block, as in a pipeline."""
    rng = np.random.RandomState(0)
    y = np.arange(n) % 3
    images = [rng.randint(0, 255, size=(16, 16, 3)).astype(np.uint8) for _ in y]
    text = [f"class {label} word {rng.choice(['a', 'b'])}" for label in y]
    Z = ModalityFusion(
        [
            ("image", ImageArray(size=(16, 16)), "image"),
            ("text", TextSequencer(max_length=4), "text"),
        ],
        method="concat",
    ).fit_transform(pd.DataFrame({"image": images, "text": text}), y)
    return MultimodalAttentionClassifier(**TINY).fit(Z, y), Z


@pytest.fixture(scope="module", params=["features_and_words", "image_tokens"])
def fitted(request):
    make = {"features_and_words": _features_and_words, "image_tokens": _image_tokens}
    return make[request.param]()


def _eager(clf, monkeypatch):
    """A copy of ``clf`` that runs its network eagerly, as before."""
    monkeypatch.setattr(
        _classifier,
        "traced_inference",
        lambda model: lambda b: model(b, training=False),
    )
    return pickle.loads(pickle.dumps(clf))


def _counting(monkeypatch):
    traced = []
    inference = _classifier.traced_inference

    def count(model):
        traced.append(model)
        return inference(model)

    monkeypatch.setattr(_classifier, "traced_inference", count)
    return traced


def test_traced_predictions_are_the_eager_network_s(fitted):
    clf, Z = fitted
    with pytest.MonkeyPatch.context() as mp:
        eager = _eager(clf, mp)
        expected = {n: eager.predict_proba(Z[:n]) for n in SIZES}
        attention = eager.token_attention(Z[:7])
    for n in SIZES:
        np.testing.assert_allclose(
            clf.predict_proba(Z[:n]), expected[n], rtol=1e-6, atol=1e-7
        )
    for name, weights in clf.token_attention(Z[:7]).items():
        np.testing.assert_allclose(weights, attention[name], rtol=1e-6, atol=1e-7)


def test_one_tracing_whatever_the_batch_sizes_and_threads(fitted, monkeypatch, caplog):
    clf, Z = fitted
    copy_ = pickle.loads(pickle.dumps(clf))  # traces its own, lazily
    traced = _counting(monkeypatch)
    with caplog.at_level(logging.WARNING):
        with ThreadPoolExecutor(4) as pool:  # concurrent first predictions
            first = list(pool.map(copy_.predict_proba, [Z[:1], Z[:7], Z[:50]] * 2))
        assert traced == [copy_.model_]
        for _ in range(3):
            for n in SIZES:
                copy_.predict_proba(Z[:n])
                copy_.predict(Z[:n])
        assert traced == [copy_.model_]
        copy_.attention_weights(Z[:7])
        copy_.attention_weights(Z[:1])
        assert len(traced) == 2  # and the explainer's network, once
    assert "retracing" not in caplog.text
    np.testing.assert_array_equal(first[2], copy_.predict_proba(Z[:50]))


def test_nothing_traced_is_pickled_cloned_or_kept_on_the_estimator(fitted):
    clf, Z = fitted
    expected = clf.predict_proba(Z[:7])
    fresh = pickle.loads(pickle.dumps(clf))
    params, keys = fresh.get_params(), set(vars(fresh))
    fresh.predict_proba(Z[:7])  # traces: nothing set on the estimator
    fresh.predict(Z[:50])
    assert set(vars(fresh)) == keys and fresh.get_params() == params
    clf.attention_weights(Z[:7])
    for copied in (pickle.loads(pickle.dumps(clf)), copy.deepcopy(clf)):
        assert copied not in _classifier._TRACED  # traces its own when used
        np.testing.assert_array_equal(copied.predict_proba(Z[:7]), expected)
        pd.testing.assert_frame_equal(
            copied.attention_weights(Z[:7]), clf.attention_weights(Z[:7])
        )
    assert clone(clf) not in _classifier._TRACED


def test_refit_traces_the_new_network_and_a_dropped_model_is_freed(monkeypatch):
    clf, Z = _features_and_words(n=30)
    clf.predict_proba(Z)
    y = np.arange(len(Z)) % 2
    clf.set_params(random_state=1).fit(Z, y)  # another network, same estimator
    with pytest.MonkeyPatch.context() as mp:
        expected = _eager(clf, mp).predict_proba(Z)
    np.testing.assert_allclose(clf.predict_proba(Z), expected, rtol=1e-6, atol=1e-7)
    network = weakref.ref(clf.model_)
    del clf
    gc.collect()
    assert network() is None  # the cache does not keep it alive


def test_pickling_leaves_the_classifier_as_it_was(fitted):
    clf, Z = fitted
    clf.attention_weights(Z[:7])  # builds the explainer, which is not pickled
    before = set(vars(clf))
    assert "_explainer" in before
    pickle.dumps(clf)
    assert set(vars(clf)) == before
