"""Trial 9: the text transformers check their parameters again in
``transform`` (a parameter set after ``fit`` raises fit's error), refuse a
bool where an int is expected, and name an invalid ``token_pattern``; the
synthetic dataset refuses bool counts."""

import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.text import (
    TextCleaner,
    TextFeatures,
    TextSequencer,
    WordVectorFeatures,
)
from skmultimodal.text._keras_encoder import KerasTextEncoder

TEXTS = ["a cat sat", "the dog ran"]


@pytest.mark.parametrize(
    "param, value",
    [
        ("strip_accents", "unicod"),
        ("unicode_form", "nfkc"),
        ("lowercase", "yes"),
        ("remove_punctuation", None),
    ],
)
def test_cleaner_checks_parameters_set_after_fit(param, value):
    cleaner = TextCleaner().fit(TEXTS)
    cleaner.set_params(**{param: value})
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter of Text"):
        cleaner.transform(["Café, ﬁne"])


@pytest.mark.parametrize(
    "param, value",
    [
        ("max_length", 0),
        ("max_length", 2.5),
        ("max_length", True),
        ("padding", "left"),
        ("truncating", None),
        ("lowercase", "no"),
    ],
)
def test_sequencer_checks_parameters_set_after_fit(param, value):
    seq = TextSequencer(max_length=4).fit(TEXTS)
    seq.set_params(**{param: value})
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter of Text"):
        seq.transform(TEXTS)


def test_sequencer_valid_change_after_fit_still_works():
    seq = TextSequencer(max_length=4).fit(TEXTS)
    assert seq.set_params(max_length=2).transform(TEXTS).shape == (2, 2)


@pytest.mark.parametrize("param", ["max_length", "max_vocabulary", "min_frequency"])
def test_sequencer_refuses_bool_counts(param):
    # True passes scikit-learn's Interval(Integral, 1, None) (False does not)
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter.*not a bool"):
        TextSequencer(**{param: True}).fit_transform(["a cat sat"])


def test_sequencer_names_an_invalid_token_pattern():
    message = "TextSequencer: token_pattern '((' is not a valid regular expression: "
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        TextSequencer(token_pattern="((").fit(["a b"])
    seq = TextSequencer().fit(["a cat"])
    seq.set_params(token_pattern="[")
    with pytest.raises(ValueError, match="token_pattern '\\[' is not a valid"):
        seq.transform(["a cat"])


def test_word_vectors_check_parameters_set_after_fit(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat 1 0\ndog 0 1\n", "utf-8")
    wv = WordVectorFeatures(path=path).fit(["cat dog"])
    wv.set_params(warn_oov_rate="high")
    with pytest.raises(InvalidParameterError, match="'warn_oov_rate' parameter"):
        wv.transform(["cat"])
    wv.set_params(warn_oov_rate=0.5, token_pattern="((")
    with pytest.raises(ValueError, match="WordVectorFeatures: token_pattern '\\(\\("):
        wv.transform(["cat"])


def test_text_features_check_parameters_set_after_fit():
    tf = TextFeatures().fit(TEXTS)
    tf.set_params(method_params="ngram_range=(1, 2)")
    with pytest.raises(InvalidParameterError, match="'method_params' parameter"):
        tf.transform(TEXTS)


def test_keras_encoder_refuses_a_bool_batch_size():
    # refused before the model file is looked at (no TensorFlow needed)
    encoder = KerasTextEncoder(path="encoder.keras", batch_size=True)
    with pytest.raises(InvalidParameterError, match="'batch_size' parameter.*bool"):
        encoder.fit(TEXTS)


@pytest.mark.parametrize("param", ["n_samples", "text_length"])
def test_synthetic_dataset_refuses_bool_counts(param):
    with pytest.raises(
        InvalidParameterError,
        match=f"'{param}' parameter of make_multimodal_classification.*not a bool",
    ):
        make_multimodal_classification(**{param: True})
