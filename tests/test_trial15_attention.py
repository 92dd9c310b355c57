"""MultimodalAttentionClassifier: "balanced" class weights from the weighted
class counts, a repeated block name of an "auto" layout refused clearly, no
feature token of padding only, and no attention on a row of padding only."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("scikeras", reason="the attention classifier needs keras")

import keras

from skmultimodal.models import MultimodalAttentionClassifier
from skmultimodal.models._layers import (
    AttentionPooling,
    feature_token_count,
)

# TensorFlow/Keras models
pytestmark = pytest.mark.slow

KW = dict(width=8, n_heads=2, epochs=1, random_state=0)


def _keras_fit_weights(monkeypatch, clf, X, y, sample_weight=None):
    """The per-row weights ``clf.fit`` passes to Keras (the network is not
    trained)."""
    seen = {}

    def fake_fit(model, x, y, sample_weight=None, **kwargs):
        seen["weights"] = np.asarray(sample_weight, dtype=np.float64)
        return SimpleNamespace(history={"loss": [0.0]})

    with monkeypatch.context() as m:
        m.setattr(keras.Model, "fit", fake_fit)
        clf.fit(X, y, sample_weight=sample_weight)
    return seen["weights"]


def test_balanced_counts_a_row_of_weight_k_as_k_rows(monkeypatch):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 3))
    y = np.array(["a"] * 8 + ["b"] * 4)
    sw = np.where(y == "b", 3, 1).astype(float)
    sw[0] = 2.0
    clf = MultimodalAttentionClassifier(class_weight="balanced", **KW)
    weighted = _keras_fit_weights(monkeypatch, clf, X, y, sw)
    # the same data with each row repeated sample_weight times
    extra = np.repeat(np.arange(len(y)), sw.astype(int) - 1)
    Xd, yd = np.vstack([X, X[extra]]), np.r_[y, y[extra]]
    duplicated = _keras_fit_weights(monkeypatch, clf, Xd, yd)
    # a row of weight k weighs as much as its k copies
    np.testing.assert_allclose(weighted, sw * duplicated[: len(y)], rtol=1e-6)
    # and the classes are balanced: equal total weight
    totals = [weighted[y == c].sum() for c in ("a", "b")]
    np.testing.assert_allclose(totals[0], totals[1], rtol=1e-6)
    # without sample_weight, scikit-learn's balanced weights of the row counts
    plain = _keras_fit_weights(monkeypatch, clf, X, y)
    np.testing.assert_allclose(plain, np.where(y == "a", 12 / 16, 12 / 8), rtol=1e-6)


@pytest.mark.parametrize(
    "columns, message",
    [
        (
            ["image__a", "text__b", "image__c"],
            r"modalities='auto': the layout of X names the block 'image' 2 times "
            r"\(\['image', 'text', 'image'\]\), at columns 0:1 \('image__a'\), "
            r"2:3 \('image__c'\); each block needs its own name: .*pass "
            "modalities explicitly",
        ),
        (
            ["text__seq0", "text__seq1", "text__len"],
            r"names the block 'text' 2 times .* at columns 0:2 "
            r"\('text__seq0'..'text__seq1'\), 2:3 \('text__len'\)",
        ),
    ],
)
def test_auto_layout_naming_a_block_twice_is_refused(columns, message):
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.randint(1, 5, size=(20, 3)).astype(float), columns=columns)
    y = np.arange(20) % 2
    with pytest.raises(ValueError, match=message):
        MultimodalAttentionClassifier(**KW).fit(X, y)
    # the explicit list keeps its own message
    with pytest.raises(ValueError, match=r"modalities names the block 'image' 2"):
        MultimodalAttentionClassifier(
            modalities=[("image", 1), ("text", 1), ("image", 1)], **KW
        ).fit(X.to_numpy(), y)


def test_feature_token_count_leaves_no_token_of_padding_only():
    assert feature_token_count(10, 9) == 5  # chunks of 2 columns
    assert feature_token_count(10, 4) == 4  # 3, 3, 3, 1
    assert feature_token_count(10, 5) == 5
    assert feature_token_count(6, 3) == 3
    assert feature_token_count(3, 7) == 3  # capped at the width
    assert feature_token_count(7, 1) == 1
    for n in range(1, 30):
        for k in range(1, 35):
            t = feature_token_count(n, k)
            chunk = -(-n // min(k, n))
            assert t <= min(k, n) and chunk * (t - 1) < n <= chunk * t


def test_tokens_that_do_not_divide_the_block_all_hold_columns():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(24, 12))
    y = (X[:, 0] > 0).astype(int)
    clf = MultimodalAttentionClassifier(
        modalities=[("a", 10), ("b", 2)], tokens_per_block={"a": 9}, **KW
    ).fit(X, y)
    assert clf.tokens_per_modality_ == {"a": 5, "b": 1}
    layer = clf.model_.get_layer("a_tokens")
    assert (layer.n_tokens, layer.chunk, layer.pad) == (5, 2, 0)
    sub = keras.Model(clf.model_.input, layer.output)
    T = keras.ops.convert_to_numpy(sub(X[:2].astype("float32")))
    # every token changes with the input: none is padding only
    assert all(not np.allclose(T[0, k], T[1, k]) for k in range(T.shape[1]))
    tokens = clf.token_attention(X[:3])
    assert tokens["a"].shape == (3, 5)
    assert clf.attention_weights(X[:3], modality="a").shape == (3, 5)
    np.testing.assert_allclose(tokens["a"].sum(1) + tokens["b"].sum(1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("n_tokens", [1, 3])
def test_pooling_gives_a_row_of_padding_only_no_weight(n_tokens):
    rng = np.random.RandomState(0)
    x = rng.normal(size=(2, n_tokens, 4)).astype("float32")
    mask = np.ones((2, n_tokens), "float32")
    mask[0] = 0
    if n_tokens > 1:
        mask[1, -1] = 0
    pooled, weights = AttentionPooling([n_tokens])(x, token_mask=mask)
    pooled, weights = (keras.ops.convert_to_numpy(t) for t in (pooled, weights))
    np.testing.assert_array_equal(weights[0], 0.0)
    np.testing.assert_array_equal(pooled[0], 0.0)
    np.testing.assert_allclose(weights[1].sum(), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(weights[1][mask[1] == 0], 0.0)


def test_empty_sequence_in_a_sequence_only_model_gets_no_attention():
    rng = np.random.RandomState(0)
    ids = rng.randint(1, 12, size=(24, 5)).astype(float)
    y = (ids[:, 0] > 6).astype(int)
    clf = MultimodalAttentionClassifier(
        modalities=[("words", 5, "sequence")], **KW
    ).fit(ids, y)
    rows = np.array([[0, 0, 0, 0, 0], [3, 4, 0, 0, 0]], float)
    words = clf.token_attention(rows)["words"]
    np.testing.assert_array_equal(words[0], 0.0)
    np.testing.assert_array_equal(words[1, 2:], 0.0)
    np.testing.assert_allclose(words[1].sum(), 1.0, rtol=1e-5)
    shares = clf.attention_weights(rows)["words"].to_numpy()
    np.testing.assert_allclose(shares, [0.0, 1.0], atol=1e-5)
