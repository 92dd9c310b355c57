"""Trial 10: TextFeatures under pandas output, word-vector messages naming
the user's rows and estimator, NumPy column keys and index labels."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion._columns import describe_rows, select_column
from skmultimodal.text import TextCleaner, TextFeatures, WordVectorFeatures
from skmultimodal.utils import describe_row

TEXTS, Y = ["red apple", "blue sky", "red fruit", "blue sea"], [0, 1, 0, 1]


@pytest.fixture
def vectors(tmp_path):
    path = tmp_path / "tiny.vec"
    path.write_text("3 2\ncat 1 0\ndog 0 1\nred 2 2\n", encoding="utf-8")
    return str(path)


# -- 1. a sparse output is returned as it is under pandas output ------------
@pytest.mark.parametrize("method", ["tfidf", "count", "hashing"])
def test_sparse_output_ignores_global_pandas_output(method):
    with sklearn.config_context(transform_output="pandas"):
        tf = TextFeatures(method)
        assert sp.issparse(tf.fit_transform(TEXTS))
        assert sp.issparse(tf.transform(TEXTS))
        pipe = make_pipeline(TextFeatures(method), LogisticRegression())
        assert list(pipe.fit(TEXTS, Y).predict(TEXTS)) == Y


def test_sparse_output_ignores_set_output():
    tf = TextFeatures().set_output(transform="pandas")
    assert sp.issparse(tf.fit_transform(TEXTS))
    assert sp.issparse(tf.transform(TEXTS))


def test_dense_output_follows_set_output(vectors):
    s = pd.Series(["red cat", "dog", "cat"], index=["a", "b", "c"])
    tf = TextFeatures("word_vectors", method_params={"path": vectors})
    out = tf.set_output(transform="pandas").fit_transform(s)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["wordvec0", "wordvec1"]
    with sklearn.config_context(transform_output="pandas"):
        assert isinstance(tf.set_output(transform="default").transform(s), np.ndarray)
        tf2 = TextFeatures("word_vectors", method_params={"path": vectors})
        assert isinstance(tf2.fit(s).transform(s), pd.DataFrame)


# -- 2. column keys -----------------------------------------------------------
def test_numpy_str_column_key():
    X = pd.DataFrame({"image": ["a", "b"], "text": ["x", "y"]})
    key = np.array(["text", "image"])[0]
    assert list(select_column(X, key, "text")) == ["x", "y"]
    both = [key, np.str_("image")]
    assert select_column(X, both, "m").shape == (2, 2)
    assert isinstance(both[0], np.str_)  # the caller's list is left as it is
    out = ModalityFusion([("text", TextFeatures(), key)]).fit_transform(
        pd.DataFrame({"text": TEXTS}), Y
    )
    assert out.shape[0] == 4


def test_multiindex_columns_name_the_problem():
    X = pd.DataFrame({"image": ["a", "b"], "text": ["x", "y"]})
    X.columns = pd.MultiIndex.from_tuples([("m", "image"), ("m", "text")])
    for key in [("m", "text"), "text"]:
        with pytest.raises(ValueError, match="MultiIndex columns") as info:
            select_column(X, key, "text")
        assert "is not in X" not in str(info.value)
    assert list(select_column(X, 1, "text")) == ["x", "y"]  # by position


@pytest.mark.parametrize("key", [1.5, ["text", 1], None, {"text"}])
def test_invalid_column_key_says_what_is_wrong(key):
    X = pd.DataFrame({"image": ["a", "b"], "text": ["x", "y"]})
    with pytest.raises(ValueError, match=r"a column is given by a name") as info:
        select_column(X, key, "text")
    assert "is not in X" not in str(info.value)
    assert type(key).__name__ in str(info.value)


def test_absent_column_is_not_in_x():
    X = pd.DataFrame({"image": ["a", "b"], "text": ["x", "y"]})
    with pytest.raises(ValueError, match=r"column 'nope' of modality 'm' is not in X"):
        select_column(X, "nope", "m")
    with pytest.raises(ValueError, match="boolean mask of 1 value"):
        select_column(X, [True], "m")


# -- 3. index labels as Python values ------------------------------------------
def test_describe_row_plain_labels():
    assert describe_row([np.int64(7), np.int64(20)], 1) == "row 1 (index 20)"
    labels = [(np.int64(2), np.str_("k5"))]
    assert describe_row(labels, 0) == "row 0 (index (2, 'k5'))"
    assert "np." not in describe_row([np.float64(1.5)], 0)


def test_describe_rows_plain_tuple_labels():
    index = pd.MultiIndex.from_arrays([np.arange(6) % 3, [f"k{i}" for i in range(6)]])
    assert describe_rows([5], index) == "row 5 (index (2, 'k5'))"


def test_text_error_names_nullable_int_label():
    s = pd.Series(["a b", 5], index=pd.Index([10, 20], dtype="Int64"))
    with pytest.raises(ValueError, match=r"row 1 \(index 20\) of X") as info:
        TextCleaner().fit_transform(s)
    # the CLI reads the index label of such messages back
    assert re.search(r"\brow \d+ \(index (\d+)\)", str(info.value))


def test_fusion_missing_error_names_multiindex_label():
    X = pd.DataFrame({"text": ["a", "b", None, "d"]})
    X.index = pd.MultiIndex.from_arrays([np.arange(4) % 2, ["k0", "k1", "k2", "k3"]])
    fusion = ModalityFusion([("text", TextFeatures(), "text")], missing="raise")
    with pytest.raises(ValueError, match=r"row 2 \(index \(0, 'k2'\)\)"):
        fusion.fit(X, Y)


# -- 4. word vectors name the user's rows and estimator ----------------------
def test_word_vectors_warning_names_labels_and_text_features(vectors):
    s = pd.Series(["red cat", None, "dog", "zzz"], index=["a", "b", "c", "d"])
    tf = TextFeatures(method="word_vectors", method_params={"path": vectors})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tf.fit_transform(s)
    (message,) = [str(w.message) for w in caught if "no known" in str(w.message)]
    assert message.startswith("TextFeatures(method='word_vectors'): ")
    assert "row 1 (index 'b'), no token" in message
    assert "row 3 (index 'd')" in message
    with pytest.warns(UserWarning, match=r"row 0 \(index 'z'\), no token"):
        tf.transform(pd.Series([""], index=["z"]))


def test_word_vectors_instance_is_left_as_it_is(vectors):
    given = WordVectorFeatures(vectors)
    with pytest.raises(ValueError, match=r"^TextFeatures\(method='word_vectors'\)"):
        TextFeatures("word_vectors").fit(TEXTS)
    tf = TextFeatures(given).fit(["red cat"])
    assert not hasattr(given, "_message_name")
    assert not hasattr(given, "vocabulary_")
    with pytest.warns(UserWarning, match=r"^TextFeatures\(method=WordVectorFeatures\)"):
        tf.transform(["zzz"])
