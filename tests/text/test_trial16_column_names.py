"""Trial 16: TextFeatures, TextSequencer and WordVectorFeatures handle a
DataFrame's column name as TextCleaner and the image estimators do."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from skmultimodal.fusion import ModalityFusion
from skmultimodal.text import (
    TextCleaner,
    TextFeatures,
    TextSequencer,
    WordVectorFeatures,
)
from skmultimodal.text._features import _OptionalTextFeatures

TEXTS = ["red shoe", "blue hat", "green shoe", "red hat"]
TITLE = pd.DataFrame({"title": TEXTS})
PRICE = pd.DataFrame({"price": TEXTS})


@pytest.fixture
def vectors(tmp_path):
    path = tmp_path / "wv.txt"
    path.write_text(
        "red 1 0\nblue 0 1\nshoe 1 1\nhat 0 0\ngreen 1 1\n", encoding="utf-8"
    )
    return str(path)


def _estimators(vectors):
    return [
        TextFeatures(),
        TextFeatures("word_vectors", method_params={"path": vectors}),
        TextSequencer(max_length=3),
        WordVectorFeatures(vectors),
    ]


def _dense(Z):
    return Z.toarray() if sp.issparse(Z) else np.asarray(Z)


def test_fit_on_a_dataframe_records_the_column_name(vectors):
    for est in _estimators(vectors):
        est.fit(TITLE)
        assert est.n_features_in_ == 1, est
        assert list(est.feature_names_in_) == ["title"], est
        # the same column gives what its texts give
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            same = _dense(est.transform(TITLE))
        np.testing.assert_array_equal(same, _dense(est.fit(TEXTS).transform(TEXTS)))


def test_another_column_name_is_refused_as_textcleaner_refuses_it(vectors):
    with pytest.raises(ValueError) as cleaner:
        TextCleaner().fit(TITLE).transform(PRICE)
    expected = str(cleaner.value).removeprefix("TextCleaner: ")
    for est in _estimators(vectors):
        est.fit(TITLE)
        with pytest.raises(ValueError) as exc:
            est.transform(PRICE)
        assert str(exc.value) == f"{type(est).__name__}: {expected}"
        assert "price" in expected and "title" in expected
    # fit_transform records it too
    est = TextFeatures()
    est.fit_transform(TITLE)
    with pytest.raises(ValueError, match="feature names should match"):
        est.transform(PRICE)


def test_unnamed_inputs_keep_working(vectors):
    for est in _estimators(vectors):
        for X in (TEXTS, pd.Series(TEXTS, name="title"), np.array(TEXTS, object)):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                est.fit(X).transform(X)
            assert est.n_features_in_ == 1
            assert not hasattr(est, "feature_names_in_"), est
        # a DataFrame after fit on names-less texts warns, as scikit-learn
        with pytest.warns(UserWarning, match="fitted without feature names"):
            est.transform(TITLE)
        # and a names-less column after fit on a DataFrame
        est.fit(TITLE)
        with pytest.warns(UserWarning, match="fitted with feature names"):
            est.transform(TEXTS)


def test_refit_on_a_list_forgets_the_column_name():
    est = TextSequencer().fit(TITLE)
    assert list(est.feature_names_in_) == ["title"]
    est.fit(TEXTS)
    assert not hasattr(est, "feature_names_in_")


def test_get_feature_names_out_ignores_input_features_as_images_do(vectors):
    for est in _estimators(vectors):
        est.fit(TITLE)
        assert list(est.feature_names_in_) == ["title"]
        names = est.get_feature_names_out()
        np.testing.assert_array_equal(est.get_feature_names_out(["price"]), names)


def test_the_default_text_branch_without_words_checks_the_name():
    emoji = pd.DataFrame({"title": ["🙂", "🙃 !"]})
    with pytest.warns(UserWarning, match="found no word"):
        est = _OptionalTextFeatures().fit(emoji)
    assert list(est.feature_names_in_) == ["title"]
    assert est.transform(emoji).shape == (2, 0)
    with pytest.raises(ValueError, match="feature names should match"):
        est.transform(emoji.rename(columns={"title": "price"}))


def test_modality_fusion_passes_a_column_without_warnings(vectors):
    X = pd.DataFrame({"title": TEXTS * 3, "other": range(12)})
    y = [0, 1] * 6
    fusion = ModalityFusion(
        [
            ("words", TextFeatures(), "title"),
            ("seq", TextSequencer(max_length=3), "title"),
            ("wv", WordVectorFeatures(vectors), "title"),
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Z = fusion.fit_transform(X, y)
        np.testing.assert_array_equal(_dense(fusion.transform(X)), _dense(Z))
        LogisticRegression().fit(_dense(Z), y)
    # the branches are given a Series: one column, no name to check
    for _, est, _ in fusion.transformers_:
        assert est.n_features_in_ == 1
        assert not hasattr(est, "feature_names_in_")
