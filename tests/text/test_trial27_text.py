"""Text edge cases: a capital dotted I, an invalid token pattern in the
scikit-learn vectorizers, over-long character references, a sequencer's
vocabulary parameters changed after fit, and the word-vector reader's and
Keras encoder's messages."""

import warnings

import numpy as np
import pytest

from skmultimodal.text import TextCleaner, TextFeatures, TextSequencer
from skmultimodal.text._vectors import read_word_vectors


def test_a_capital_dotted_i_lowercases_to_one_word():
    texts = ["İstanbul", "istanbul", "İSTANBUL"]
    seq = TextSequencer(max_length=3).fit(texts)
    assert seq.vocabulary_ == {"istanbul": 2}
    cleaned = TextCleaner().fit_transform(texts)
    assert list(cleaned) == ["istanbul"] * 3
    words = TextFeatures().fit(cleaned).get_feature_names_out()
    assert list(words) == ["istanbul"]
    # the default text branch's words (NFKC after lower-casing)
    from skmultimodal.pipeline import _text_defaults

    word_params, _ = _text_defaults()
    features = TextFeatures(method_params=word_params).fit(texts)
    assert list(features.get_feature_names_out()) == ["istanbul"]
    # without lower-casing the capital stays one letter of the word
    kept = TextSequencer(lowercase=False).fit(["İstanbul"]).vocabulary_
    assert kept == {"İstanbul": 2}


def test_a_capital_dotted_i_finds_its_word_vector(tmp_path):
    path = tmp_path / "tr.vec"
    path.write_text("istanbul 1 0\nankara 0 1\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no out-of-vocabulary warning
        X = TextFeatures("word_vectors", method_params={"path": str(path)})
        out = X.fit_transform(["ankara", "İSTANBUL"])
    np.testing.assert_array_equal(out, [[0, 1], [1, 0]])


@pytest.mark.parametrize("method", ["tfidf", "count", "hashing"])
def test_an_invalid_token_pattern_is_a_value_error_naming_it(method):
    est = TextFeatures(method, method_params={"token_pattern": "("})
    with pytest.raises(ValueError) as info:
        est.fit(["red cat", "blue dog"])
    message = str(info.value)
    assert message.startswith(
        f"TextFeatures: token_pattern '(' of method {method!r} is not a valid "
        "regular expression: missing )"
    )


def test_an_over_long_character_reference_is_the_replacement_character():
    cleaner = TextCleaner(remove_html=True, lowercase=False)
    texts = [
        "&#" + "9" * 5000 + ";",  # html.unescape refuses so many digits
        "&#x" + "f" * 9 + ";",
        "a&#1114112;b",  # out of range: U+FFFD, as html.unescape says
        "&#00000065;&#x0000041;",  # leading zeros: short references
        "caf&#233; &amp; &#x41;",
    ]
    out = cleaner.fit_transform(texts)
    assert list(out) == ["\ufffd", "\ufffd", "a\ufffdb", "AA", "café & A"]


def test_a_sequencers_vocabulary_parameters_are_refused_once_changed():
    seq = TextSequencer(max_length=3).fit(["Cat dog", "cat bird"])
    for param, value in [
        ("lowercase", False),
        ("token_pattern", r"\w+"),
        ("max_vocabulary", 1),
        ("min_frequency", 2),
    ]:
        seq.set_params(**{param: value})
        with pytest.raises(ValueError, match=f"changed since fit \\({param} from"):
            seq.transform(["Cat dog"])
        seq.set_params(**{param: TextSequencer().get_params()[param]})
    seq.set_params(max_length=5, padding="pre")  # only the output's shape
    assert seq.transform(["cat dog"]).tolist() == [[0, 0, 0, 2, 4]]  # bird is 3


def test_read_word_vectors_refuses_one_word_as_a_string(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat 1 0\n", encoding="utf-8")
    with pytest.raises(TypeError, match=r"not one str \('cat'\); pass \{'cat'\}"):
        read_word_vectors(path, words="cat")


def test_a_utf16_vector_file_is_named_as_such(tmp_path):
    path = tmp_path / "v16.txt"
    path.write_bytes("cat 1 0\ndog 0 1\n".encode("utf-16"))
    with pytest.raises(
        ValueError, match="the file is UTF-16 text.*convert it to UTF-8"
    ):
        read_word_vectors(path)


@pytest.mark.slow
def test_a_keras_encoder_whose_one_output_is_wrapped_is_told_so(tmp_path):
    wrap = "dict"
    keras = pytest.importorskip("keras")
    pytest.importorskip("tensorflow")
    vectorize = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=3)
    vectorize.adapt(["red cat"])
    inputs = keras.Input(shape=(1,), dtype="string")
    pooled = keras.layers.GlobalAveragePooling1D()(
        keras.layers.Embedding(20, 4)(vectorize(inputs))
    )
    path = tmp_path / f"{wrap}.keras"
    keras.Model(inputs, {"a": pooled}).save(path)
    est = TextFeatures("keras_encoder", method_params={"path": str(path)})
    with pytest.raises(ValueError, match=f"returns its one output in a {wrap}"):
        est.fit(["red cat"])
