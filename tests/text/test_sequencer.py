import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from skmultimodal.text import TextSequencer

TEXTS = ["the cat sat", "the dog sat down", "the cat"]


def test_vocabulary_is_ordered_by_frequency_then_alphabet():
    seq = TextSequencer().fit(TEXTS)
    # counts: the 3, cat 2, sat 2, dog 1, down 1
    assert seq.vocabulary_ == {"the": 2, "cat": 3, "sat": 4, "dog": 5, "down": 6}
    assert seq.vocabulary_size_ == len(seq.vocabulary_) + 2


def test_ids_padding_and_oov():
    seq = TextSequencer(max_length=5).fit(TEXTS)
    out = seq.transform(["the bird sat", "", None])
    assert out.dtype.kind == "i" and out.shape == (3, 5)
    v = seq.vocabulary_
    np.testing.assert_array_equal(out[0], [v["the"], 1, v["sat"], 0, 0])
    np.testing.assert_array_equal(out[1:], 0)


@pytest.mark.parametrize(
    "padding, truncating, expected",
    [
        ("post", "post", [["a1", "b2"], ["a1", "b2"]]),
        ("pre", "pre", [["c3", "d4"], ["a1", "b2"]]),
    ],
)
def test_padding_and_truncating_sides(padding, truncating, expected):
    seq = TextSequencer(max_length=2, padding=padding, truncating=truncating)
    seq.fit(["a1 b2 c3 d4"])
    out = seq.transform(["a1 b2 c3 d4", "a1 b2"])
    assert seq.inverse_transform(out) == expected
    short = seq.transform(["d4"])[0]
    assert list(short) == (
        [seq.vocabulary_["d4"], 0] if padding == "post" else [0, seq.vocabulary_["d4"]]
    )


def test_max_vocabulary_and_min_frequency():
    seq = TextSequencer(max_vocabulary=2).fit(TEXTS)
    assert list(seq.vocabulary_) == ["the", "cat"]
    assert seq.vocabulary_size_ == 4
    out = seq.transform(["dog"])
    assert out[0, 0] == 1
    seq = TextSequencer(min_frequency=2).fit(TEXTS)
    assert set(seq.vocabulary_) == {"the", "cat", "sat"}


def test_tokens_match_sklearn_token_pattern_and_lowercase():
    seq = TextSequencer().fit(["Hello, a WORLD!"])
    # sklearn's default pattern skips one-character tokens
    assert set(seq.vocabulary_) == {"hello", "world"}
    seq = TextSequencer(token_pattern=r"(?u)\b\w+\b", lowercase=False)
    seq.fit(["Hello, a WORLD!"])
    assert set(seq.vocabulary_) == {"Hello", "a", "WORLD"}


def test_inverse_transform_round_trip_and_unknown():
    seq = TextSequencer(max_length=4).fit(TEXTS)
    assert seq.inverse_transform(seq.transform(["the cat zebra"])) == [
        ["the", "cat", "<oov>"]
    ]
    with pytest.raises(ValueError, match="2-D array of integer"):
        seq.inverse_transform(np.array([1.5, 2.0]))


def test_feature_names_and_sequence_flag():
    seq = TextSequencer(max_length=3).fit(TEXTS)
    assert list(seq.get_feature_names_out()) == ["seq0", "seq1", "seq2"]
    assert TextSequencer.sequence_output is True


def test_pandas_output():
    seq = TextSequencer(max_length=3).set_output(transform="pandas").fit(TEXTS)
    X = pd.Series(TEXTS, index=["a", "b", "c"])
    out = seq.transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["seq0", "seq1", "seq2"]


def test_transform_before_fit_raises():
    with pytest.raises(NotFittedError):
        TextSequencer().transform(TEXTS)


def test_empty_vocabulary_and_bad_values_raise():
    with pytest.raises(ValueError, match="empty vocabulary"):
        TextSequencer().fit(["", None, "a"])
    with pytest.raises(ValueError, match=r"row 2.*int"):
        TextSequencer().fit(["a cat", "the dog", 3])
    with pytest.raises(ValueError, match="max_length"):
        TextSequencer(max_length=0).fit(TEXTS)


def test_input_is_not_mutated():
    X = pd.Series(["The Cat", None], dtype=object)
    before = X.copy()
    TextSequencer().fit(X).transform(X)
    assert X.equals(before)
