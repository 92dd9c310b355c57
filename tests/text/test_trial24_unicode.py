"""The default text branch reads one word however its characters are
encoded: accents composed or decomposed (NFC, NFD), full-width letters."""

import unicodedata

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import load_emoji
from skmultimodal.persistence import load_model, save_model
from skmultimodal.text._cleaner import nfkc

TEXTS = ["crème brûlée café", "pomme tarte", "café noir", "tarte aux pommes"] * 5
LABELS = ["a", "b", "a", "b"] * 5


@pytest.fixture(scope="module")
def fitted():
    X = pd.DataFrame({"text": TEXTS})
    return make_multimodal_pipeline(image=None, random_state=0).fit(X, LABELS)


def _branch(pipe):
    return pipe.named_steps["fusion"].named_transformers_["text"]


def test_decomposed_accents_are_the_same_words(fitted):
    composed = pd.DataFrame({"text": ["crème brûlée café"]})
    decomposed = composed.map(lambda t: unicodedata.normalize("NFD", t))
    assert decomposed["text"][0] != composed["text"][0]
    branch = _branch(fitted)
    np.testing.assert_array_equal(
        branch.transform(decomposed).toarray(), branch.transform(composed).toarray()
    )
    np.testing.assert_array_equal(
        fitted.predict_proba(decomposed), fitted.predict_proba(composed)
    )
    words = branch.named_steps["features"].transformer_list[0][1]
    vocabulary = words.get_feature_names_out()
    assert "crème" in vocabulary and "cre" not in vocabulary and "me" not in vocabulary


def test_full_width_letters_are_the_plain_ones(fitted):
    plain = pd.DataFrame({"text": ["pomme tarte"]})
    wide = pd.DataFrame({"text": ["ＰＯＭＭＥ ＴＡＲＴＥ"]})
    np.testing.assert_array_equal(
        _branch(fitted).transform(wide).toarray(),
        _branch(fitted).transform(plain).toarray(),
    )


def test_the_normaliser_is_a_searchable_parameter_and_strips_no_accent(fitted):
    params = fitted.get_params()
    assert params["fusion__text__features__words__method__strip_accents"] is nfkc
    assert params["fusion__text__features__chars__method__strip_accents"] is nfkc
    assert nfkc("Café ﬁne ＡＢ") == "Café fine AB"  # accents kept, forms folded
    off = clone(fitted).set_params(
        fusion__text__features__words__method__strip_accents=None,
        fusion__text__features__chars__method__strip_accents=None,
    )
    X = pd.DataFrame({"text": [unicodedata.normalize("NFD", t) for t in TEXTS]})
    words = _branch(off.fit(X, LABELS)).named_steps["features"].transformer_list[0][1]
    assert "cre" in words.get_feature_names_out()  # as before: split at the accent


def test_a_saved_default_pipeline_loads_without_trusting_anything(fitted, tmp_path):
    path = tmp_path / "model.skops"
    save_model(fitted, path)
    loaded = load_model(path)
    X = pd.DataFrame({"text": [unicodedata.normalize("NFD", "café noir")]})
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    assert (
        loaded.estimator.get_params()[
            "fusion__text__features__words__method__strip_accents"
        ]
        is nfkc
    )


def test_the_bundled_texts_give_the_features_they_gave_before():
    """NFKC leaves the emoji texts as they are (the accents of "curaçao" are
    composed), so every figure measured on them stands."""
    X = load_emoji().data[["text"]]
    y = load_emoji().target
    pipe = make_multimodal_pipeline(image=None, random_state=0)
    before = clone(pipe).set_params(
        fusion__text__features__words__method__strip_accents=None,
        fusion__text__features__chars__method__strip_accents=None,
    )
    now = _branch(pipe.fit(X, y)).transform(X)
    then = _branch(before.fit(X, y)).transform(X)
    assert (now != then).nnz == 0
    assert any(not t.isascii() for t in X["text"])  # accented names are there
