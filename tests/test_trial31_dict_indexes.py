"""A dict X whose columns are pandas Series with different indexes is
refused: a dict's columns are joined by position, which silently paired
the image of one row with the text of another (pandas would align them on
the index). Series with one index, or lists and arrays beside a Series,
are joined by position as before."""

import numpy as np
import pandas as pd
import pytest

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.model_selection import compare_models


@pytest.fixture(scope="module")
def fitted():
    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    pipe = make_multimodal_pipeline(image_features="pixels", random_state=0)
    return X, y, pipe.fit(X, y)


def test_series_with_different_indexes_are_refused(fitted):
    X, _, pipe = fitted
    d = {"image": X["image"].iloc[2:4], "text": X["text"].iloc[:2]}
    with pytest.raises(ValueError) as info:
        pipe.predict_proba(d)
    assert str(info.value).startswith(
        "ModalityFusion: the columns 'image' and 'text' of the dict X are pandas "
        "Series with different indexes (at position 0, index 2 against 0): a "
        "dict's columns are joined by position"
    )


def test_series_of_one_index_and_plain_columns_join_by_position(fitted):
    X, _, pipe = fitted
    rows = X.iloc[5:9]
    expected = pipe.predict_proba(rows)
    same = {"image": rows["image"], "text": rows["text"]}
    np.testing.assert_array_equal(pipe.predict_proba(same), expected)
    mixed = {"image": rows["image"], "text": list(rows["text"])}
    np.testing.assert_array_equal(pipe.predict_proba(mixed), expected)
    arrays = {"image": rows["image"].to_numpy(), "text": X["text"].iloc[5:9]}
    np.testing.assert_array_equal(pipe.predict_proba(arrays), expected)


def test_compare_models_refuses_them_before_fitting(fitted):
    X, y, _ = fitted
    d = {"image": X["image"], "text": X["text"].set_axis(np.arange(40) + 100)}
    model = make_multimodal_pipeline(image_features="pixels")
    with pytest.raises(ValueError, match=r"^compare_models: the columns 'image' and"):
        compare_models({"m": model}, d, y, cv=2)
    # a dict of one DataFrame's columns is that DataFrame
    res = compare_models({"m": model}, dict(X), y, cv=2)
    assert res.n_samples == 40
    pd.testing.assert_series_equal(d["image"], X["image"])  # left as it was
