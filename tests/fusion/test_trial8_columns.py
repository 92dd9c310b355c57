"""Serving one request to a fitted pipeline: duplicated column names, a
dict of single values, one row as a Series or a 1-D array, and a text cell
that is not a string, each refused with a message that says what to do."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import load_emoji
from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.text import TextFeatures


@pytest.fixture(scope="module")
def served():
    """The trial's model, on fewer rows: ``(pipe, X)``."""
    X, y = load_emoji(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe = make_multimodal_pipeline(image_features="color_histogram")
        pipe.fit(X.iloc[::32], y.iloc[::32])
    return pipe, X


def _with_a_second_text(X):
    return X.assign(extra=X.text).rename(columns={"extra": "text"})


def test_duplicated_column_names_are_named_in_predict(served):
    pipe, X = served
    with pytest.raises(ValueError) as info:
        pipe.predict(_with_a_second_text(X).iloc[:1])
    message = str(info.value)
    assert "duplicated column names ('text' 2 times)" in message
    assert "is not in X" not in message


def test_duplicated_column_names_are_named_in_fit():
    X = pd.DataFrame({"a": ["x y", "y z"], "b": ["z", "x"], "c": [1.0, 2.0]})
    X.columns = ["a", "b", "a"]
    fusion = ModalityFusion([("text", TfidfVectorizer(), "b")])
    with pytest.raises(ValueError, match=r"duplicated column names \('a' 2 times\)"):
        fusion.fit(X)


def test_a_dict_of_single_values_says_to_wrap_them_in_lists(served):
    pipe, X = served
    with pytest.raises(ValueError) as info:
        pipe.predict({"image": X.image[0], "text": X.text[0]})
    message = str(info.value)
    assert "the value of 'image' in the dict X is a single str, not a column" in (
        message
    )
    assert "{'image': [...], 'text': [...]}" in message
    assert "pd.DataFrame([row])" in message
    assert "different lengths" not in message


@pytest.mark.parametrize(
    "value, kind",
    [
        (3.0, "float"),
        (np.float64(3.0), "numpy.float64"),
        (None, "NoneType"),
        (b"ab", "bytes"),
    ],
)
def test_a_dict_with_a_scalar_value_says_to_wrap_it(value, kind):
    fusion = ModalityFusion([("text", TfidfVectorizer(), "text")])
    X = {"text": ["a b", "b c"], "len": value}
    with pytest.raises(ValueError) as info:
        fusion.fit(X)
    message = str(info.value)
    assert f"'len' in the dict X is a single {kind}," in message
    assert "wrap each value in a list ({'text': [...], 'len': [...]})" in message


def test_one_row_as_a_series_says_how_to_pass_one_row(served):
    pipe, X = served
    with pytest.raises(ValueError) as info:
        pipe.predict(X.iloc[0])
    message = str(info.value)
    assert "pandas Series of 2 values, which looks like one row" in message
    assert "row.to_frame().T or pd.DataFrame([row])" in message
    assert "reshape(-1, 1)" not in message


def test_one_sample_as_a_1d_array_says_reshape_1_minus_1(served):
    pipe, X = served
    with pytest.raises(ValueError) as info:
        pipe.predict(X.iloc[0].to_numpy())
    message = str(info.value)
    assert "1-D array of shape (2,), which looks like one sample" in message
    assert "array.reshape(1, -1)" in message
    assert "reshape(-1, 1)" not in message


def test_a_number_in_the_text_column_names_the_modality(served):
    pipe, X = served
    with pytest.raises(ValueError) as info:
        pipe.predict(X.iloc[:1].assign(text=123))
    message = str(info.value)
    assert message.startswith("modality 'text': TextFeatures: row 0 ")
    assert "holds a value of type int (123), not a string" in message
    assert "_OptionalTextFeatures" not in message
    # the hint on unreadable images does not apply to a text
    assert "on_error" not in message


def test_a_number_in_a_late_fusion_text_column_names_the_modality():
    X = pd.DataFrame({"text": ["a cat", "a dog", "the cat", "the dog"]})
    y = [0, 1, 0, 1]
    model = make_pipeline(TextFeatures(), LogisticRegression())
    late = LateFusionClassifier([("words", model, "text")]).fit(X, y)
    with pytest.raises(ValueError, match=r"^modality 'words': TextFeatures: row 1 "):
        late.predict(X.assign(text=["a cat", 7, "x", "y"]))
