"""Defects found in user trials of the text module: the documented
``TextCleaner.set_output``, empty input to ``TextFeatures`` and the other
text transformers, and a relative ``"keras_encoder"`` path used from
another folder."""

import os
import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

from skmultimodal.persistence import load_model, save_model
from skmultimodal.plugins import get_registry
from skmultimodal.text import (
    TextCleaner,
    TextFeatures,
    TextSequencer,
    WordVectorFeatures,
)
from skmultimodal.text._plugin import register_builtin_text_features

TEXTS = ["red cat", "blue dog", "red dog sat", "a cat on a mat", "blue sky"]
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user_guide" / "text.md"


# ------------------------------------------------ TextCleaner.set_output ---
def test_cleaner_set_output_switches_between_series_and_array():
    X = pd.Series(["A  b", None], index=[10, 11])
    cleaner = TextCleaner().fit(X)
    assert isinstance(cleaner.transform(X), np.ndarray)
    out = cleaner.set_output(transform="pandas").transform(X)
    assert isinstance(out, pd.Series) and list(out.index) == [10, 11]
    assert out.name == cleaner.get_feature_names_out()[0]
    assert cleaner.set_output(transform=None) is cleaner  # leaves it as it was
    assert isinstance(cleaner.transform(X), pd.Series)
    back = cleaner.set_output(transform="default").transform(X)
    assert isinstance(back, np.ndarray) and back.ndim == 1
    assert back.tolist() == out.tolist() == ["a b", ""]


def test_cleaner_follows_the_global_pandas_output_config():
    with sklearn.config_context(transform_output="pandas"):
        out = TextCleaner().fit_transform(["A"])
    assert isinstance(out, pd.Series) and out.tolist() == ["a"]


def _words(text):
    return " ".join(text.replace("*", "").replace("`", "").split())


@pytest.mark.parametrize(
    "doc", [TextCleaner.__doc__, GUIDE.read_text("utf-8")], ids=["docstring", "guide"]
)
def test_docs_describe_the_set_output_that_exists(doc):
    words = _words(doc)
    assert callable(TextCleaner().set_output)
    assert "no set_output" not in words
    assert 'set_output(transform="pandas")' in words


# ------------------------------------------------ empty input, TextFeatures ---
EMPTY = {
    "list": lambda: [],
    "series": lambda: pd.Series([], dtype=object),
    "array": lambda: np.array([], dtype=object),
    "frame": lambda: pd.DataFrame({"text": pd.Series([], dtype=object)}),
}


@pytest.fixture(scope="module")
def vec_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("vectors") / "tiny.txt"
    path.write_text("red 1 0\ncat 0 1\nblue 1 1\ndog 0 2\n", encoding="utf-8")
    return str(path)


def _builtin_names():
    names = []
    register_builtin_text_features(lambda name, cls: names.append(name))
    return names


# every built-in method but "keras_encoder" (TensorFlow: the slow test below)
FAST_METHODS = ["tfidf", "count", "hashing", "word_vectors"]


def test_every_builtin_method_is_checked_on_empty_input():
    assert set(_builtin_names()) == {*FAST_METHODS, "keras_encoder"}


@pytest.mark.parametrize("empty", list(EMPTY), ids=list(EMPTY))
def test_fit_on_empty_input_is_refused_for_every_registered_method(empty):
    names = get_registry("text_features").names()
    assert set(_builtin_names()) <= set(names)
    for name in names:
        with pytest.raises(
            ValueError,
            match=r"^TextFeatures: X has 0 rows .*at least 1 text is required to fit",
        ):
            TextFeatures(name).fit(EMPTY[empty]())


@pytest.mark.parametrize("empty", list(EMPTY), ids=list(EMPTY))
@pytest.mark.parametrize("method", [*FAST_METHODS, "instance"])
def test_transform_on_empty_input_is_refused_like_fit(method, empty, vec_path):
    if method == "instance":
        tf = TextFeatures(TfidfVectorizer())
    else:
        params = {"path": vec_path} if method == "word_vectors" else None
        tf = TextFeatures(method, method_params=params)
    tf.fit(TEXTS)
    with pytest.raises(
        ValueError,
        match=r"^TextFeatures: X has 0 rows .*at least 1 text is required to "
        r"transform",
    ):
        tf.transform(EMPTY[empty]())
    assert tf.transform(TEXTS[:1]).shape[0] == 1  # the fitted state is intact


# -------------------------------------- empty input, every text transformer ---
def _standalone(name, vec_path):
    if name == "WordVectorFeatures":
        return WordVectorFeatures(path=vec_path)
    return {"TextCleaner": TextCleaner, "TextSequencer": TextSequencer}[name]()


STANDALONE = ["TextCleaner", "TextSequencer", "WordVectorFeatures"]


@pytest.mark.parametrize("empty", list(EMPTY), ids=list(EMPTY))
@pytest.mark.parametrize("name", STANDALONE)
def test_standalone_transformers_refuse_empty_input_in_fit_and_transform(
    name, empty, vec_path
):
    # as TextFeatures, the image extractors and TfidfVectorizer.transform([])
    with pytest.raises(ValueError, match=rf"^{name}: X has 0 rows .*to fit"):
        _standalone(name, vec_path).fit(EMPTY[empty]())
    est = _standalone(name, vec_path).fit(TEXTS)
    with pytest.raises(ValueError, match=rf"^{name}: X has 0 rows .*to transform"):
        est.transform(EMPTY[empty]())
    assert len(est.transform(TEXTS[:1])) == 1  # the fitted state is intact


# ------------------------------------------------ "keras_encoder" ---
def _save_encoder(path):
    """A tiny text encoder (TextVectorization, Embedding, mean pooling)."""
    keras = pytest.importorskip("keras", reason="the Keras encoder needs keras")
    pytest.importorskip("tensorflow", reason="the Keras encoder needs tensorflow")
    keras.utils.set_random_seed(0)
    vectorize = keras.layers.TextVectorization(max_tokens=30, output_sequence_length=6)
    vectorize.adapt(TEXTS)
    inputs = keras.Input(shape=(1,), dtype="string")
    x = keras.layers.Embedding(30, 3)(vectorize(inputs))
    keras.Model(inputs, keras.layers.GlobalAveragePooling1D()(x)).save(path)


@pytest.fixture
def fitted_in_a_folder(tmp_path, monkeypatch):
    """An encoder fitted on a relative path from ``tmp_path / "fit"``; the
    current folder is then ``tmp_path / "elsewhere"``."""
    (tmp_path / "fit").mkdir()
    (tmp_path / "elsewhere").mkdir()
    _save_encoder(tmp_path / "fit" / "enc.keras")
    monkeypatch.chdir(tmp_path / "fit")
    tf = TextFeatures("keras_encoder", method_params={"path": "enc.keras"})
    expected = tf.fit(TEXTS).transform(TEXTS)
    data = pickle.dumps(tf)
    monkeypatch.chdir(tmp_path / "elsewhere")
    return tf, data, expected


@pytest.mark.slow
def test_keras_encoder_resolves_a_relative_path_at_fit(fitted_in_a_folder, tmp_path):
    tf, data, expected = fitted_in_a_folder
    encoder = tf.extractor_
    assert encoder.path == "enc.keras"  # the parameter is left as given
    assert tf.get_params()["method_params"] == {"path": "enc.keras"}
    assert os.path.isabs(encoder.model_path_)
    assert os.path.samefile(encoder.model_path_, tmp_path / "fit" / "enc.keras")
    back = pickle.loads(data)  # reloads the model: from another folder
    np.testing.assert_allclose(back.transform(TEXTS), expected, rtol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_keras_encoder_saved_pipeline_loads_from_another_folder(
    fitted_in_a_folder, tmp_path, monkeypatch, suffix
):
    tf, _, expected = fitted_in_a_folder
    saved = save_model(tf, tmp_path / f"model{suffix}")
    (tmp_path / "third").mkdir()
    monkeypatch.chdir(tmp_path / "third")
    back = load_model(saved, trusted=True if suffix == ".joblib" else None).estimator
    np.testing.assert_allclose(back.transform(TEXTS), expected, rtol=1e-6)


@pytest.mark.slow
def test_keras_encoder_missing_file_names_both_paths(fitted_in_a_folder, tmp_path):
    _, data, _ = fitted_in_a_folder
    absolute = os.path.abspath(tmp_path / "fit" / "enc.keras")
    os.remove(absolute)
    pattern = rf"model file 'enc\.keras' does not exist.*{re.escape(repr(absolute))}"
    with pytest.raises(FileNotFoundError, match=pattern):
        pickle.loads(data).transform(TEXTS)


@pytest.mark.slow
def test_keras_encoder_refuses_empty_input_like_the_other_methods(
    fitted_in_a_folder,
):
    tf, _, _ = fitted_in_a_folder
    with pytest.raises(
        ValueError, match=r"^TextFeatures: X has 0 rows .*required to transform"
    ):
        tf.transform([])


def test_emoji_only_texts_fit_the_default_text_branch_on_its_character_ngrams(
    tmp_path,
):
    # the default branch's word TF-IDF finds no word in emoji-only captions:
    # the whole fit failed, though its character n-grams describe them
    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.datasets import make_multimodal_classification
    from skmultimodal.persistence import load_model, save_model

    X, y = make_multimodal_classification(n_samples=30, random_state=0)
    X["text"] = ["\U0001f600\U0001f431", "\U0001f436 \U0001f355", "! ?"] * 10
    pipe = make_multimodal_pipeline(image_features="pixels", method="concat")
    with pytest.warns(UserWarning, match="found no word in the 30 text"):
        pipe.fit(X, y)
    branch = pipe.named_steps["fusion"].named_transformers_["text"]
    union = branch.named_steps["features"]
    assert union.transform(X["text"]).shape[1] > 0  # the character n-grams
    names = list(pipe.named_steps["fusion"].get_feature_names_out())
    assert any(n.startswith("text__chars__") for n in names)
    assert not any(n.startswith("text__words__") for n in names)
    words = union.transformer_list[0][1]
    assert words.transform(["a red cat", "\U0001f600"]).shape == (2, 0)
    path = tmp_path / "m.skops"  # a trusted type: no trusted= needed
    save_model(pipe, path)
    np.testing.assert_array_equal(load_model(path).predict(X), pipe.predict(X))


def test_a_word_analyzer_with_no_word_names_the_analyzer_and_the_remedy():
    with pytest.raises(ValueError, match=r"TfidfVectorizer \(analyzer='word'\)") as e:
        TextFeatures(TfidfVectorizer()).fit(["\U0001f600", "! ?"])
    assert "analyzer='char_wb'" in str(e.value)
