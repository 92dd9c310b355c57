"""Word-vector text features: the file reader and WordVectorFeatures (fast:
every test writes its own tiny vector file)."""

import math
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from skmultimodal.fusion import ModalityFusion
from skmultimodal.persistence import load_model, save_model
from skmultimodal.plugins import get_registry
from skmultimodal.text import (
    TextEmbeddingWarning,
    TextFeatures,
    WordVectorFeatures,
    read_word_vectors,
)

VECTORS = {"cat": [1.0, 0.0], "dog": [0.0, 1.0], "red": [2.0, 2.0], "sat": [-1.0, 3.0]}


def _lines(vectors=VECTORS, trailing=""):
    return [
        f"{w} {' '.join(str(v) for v in vec)}{trailing}\n" for w, vec in vectors.items()
    ]


def write_word2vec(path, vectors=VECTORS):
    dim = len(next(iter(vectors.values())))
    path.write_text(f"{len(vectors)} {dim}\n" + "".join(_lines(vectors)), "utf-8")
    return path


def write_glove(path, vectors=VECTORS):
    path.write_text("".join(_lines(vectors)), "utf-8")
    return path


def write_fasttext(path, vectors=VECTORS):
    # fastText's .vec: a header, and a space after each line's last value
    dim = len(next(iter(vectors.values())))
    body = "".join(_lines(vectors, trailing=" "))
    path.write_text(f"{len(vectors)} {dim}\n" + body, "utf-8")
    return path


@pytest.fixture
def vec_path(tmp_path):
    return write_word2vec(tmp_path / "vectors.vec")


# -- the reader ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "writer, fmt",
    [
        (write_word2vec, "word2vec"),
        (write_glove, "glove"),
        (write_fasttext, "word2vec"),
    ],
)
def test_reader_detects_the_header_of_each_format(tmp_path, writer, fmt):
    path = writer(tmp_path / "v.txt")
    vocabulary, vectors, info = read_word_vectors(path)
    assert list(vocabulary) == list(VECTORS)
    np.testing.assert_array_equal(vectors, np.array(list(VECTORS.values())))
    assert vectors.dtype == np.float32
    assert info["format"] == fmt and info["dim"] == 2 and info["n_vectors"] == 4
    assert len(info["sha256"]) == 64


def test_reader_keeps_only_the_words_asked_for_in_file_order(vec_path):
    vocabulary, vectors, info = read_word_vectors(vec_path, {"red", "cat", "zebra"})
    assert vocabulary == {"cat": 0, "red": 1}
    np.testing.assert_array_equal(vectors, [[1, 0], [2, 2]])
    assert info["n_vectors"] == 4


def test_reader_keeps_the_first_of_duplicated_words(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat 1 0\ncat 9 9\n", "utf-8")
    _, vectors, _ = read_word_vectors(path)
    np.testing.assert_array_equal(vectors, [[1, 0]])


def test_a_header_only_counts_when_it_is_two_integers(tmp_path):
    # a one-dimensional GloVe file whose first word is a word, not a count
    path = tmp_path / "v.txt"
    path.write_text("cat 1\ndog 2\n", "utf-8")
    vocabulary, vectors, info = read_word_vectors(path)
    assert info["format"] == "glove" and vocabulary == {"cat": 0, "dog": 1}


@pytest.mark.parametrize(
    "content, line, says",
    [
        ("4 2\ncat 1 0\ndog 0 1 5\n", 3, "3 value(s) after the word, expected 2"),
        ("cat 1 0\ndog 0\n", 2, "1 value(s) after the word, expected 2"),
        ("cat 1 0\ndog 0  1\n", 2, "expected 2"),
        ("cat 1 0\ndog zero 1\n", 2, "not all finite numbers"),
        ("cat 1 0\ndog nan 1\n", 2, "not all finite numbers"),
        ("cat 1 0\ndog 1e39 1\n", 2, "not all finite numbers"),
        ("cat\ndog 1\n", 1, "a word without values"),
    ],
)
def test_bad_lines_name_the_file_and_the_line(tmp_path, content, line, says):
    path = tmp_path / "bad.txt"
    path.write_text(content, "utf-8")
    with pytest.raises(ValueError, match=f"bad.txt'?, line {line}") as exc:
        read_word_vectors(path)
    assert says in str(exc.value)


def test_header_count_must_match_the_file(tmp_path):
    path = tmp_path / "short.vec"
    path.write_text("3 2\ncat 1 0\ndog 0 1\n", "utf-8")
    with pytest.raises(ValueError, match="announces 3 vectors, the file holds 2"):
        read_word_vectors(path)


def test_encoding_errors_name_the_line_and_the_fix(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("cat 1 0\ncafé 0 1\n".encode("latin-1"))
    with pytest.raises(
        ValueError, match=r"latin.txt', line 2: bytes that are not utf-8"
    ):
        read_word_vectors(path)
    vocabulary, _, _ = read_word_vectors(path, encoding="latin-1")
    assert "café" in vocabulary


def test_binary_word2vec_is_refused_with_a_reason(tmp_path):
    path = tmp_path / "vectors.bin"
    path.write_bytes(b"2 2\ncat " + np.array([1, 0], "<f4").tobytes() + b"\n")
    with pytest.raises(ValueError, match="binary word2vec format is not supported"):
        read_word_vectors(path)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.txt"):
        read_word_vectors(tmp_path / "nothing.txt")
    (tmp_path / "empty.txt").write_text("\n", "utf-8")
    with pytest.raises(ValueError, match="holds no vector"):
        read_word_vectors(tmp_path / "empty.txt")


# -- pooling ---------------------------------------------------------------------------
def test_mean_pooling_is_the_mean_of_token_vectors(vec_path):
    wv = WordVectorFeatures(path=vec_path).fit(["Red cat sat", "dog"])
    Z = wv.transform(["Red cat sat", "dog dog cat zebra"])
    # tokens counted as often as they occur; "zebra" is out of vocabulary
    np.testing.assert_allclose(Z[0], [(2 + 1 - 1) / 3, (2 + 0 + 3) / 3])
    np.testing.assert_allclose(Z[1], [(0 + 0 + 1) / 3, (1 + 1 + 0) / 3])
    assert Z.dtype == np.float64 and Z.shape == (2, 2)


def test_tfidf_pooling_weights_by_tf_times_sklearns_idf(vec_path):
    train = ["red cat", "dog dog cat", "sat", "red red"]
    wv = WordVectorFeatures(path=vec_path, pooling="tfidf").fit(train)
    n = len(train)

    def idf(df):  # scikit-learn's smoothed IDF
        return math.log((1 + n) / (1 + df)) + 1

    w_dog, w_cat = 2 * idf(1), 1 * idf(2)  # "dog dog cat": tf * idf
    expected = (w_dog * np.array([0, 1]) + w_cat * np.array([1, 0])) / (w_dog + w_cat)
    np.testing.assert_allclose(wv.transform(["dog dog cat"])[0], expected)
    np.testing.assert_allclose(
        wv.tfidf_.idf_[[wv.vocabulary_[w] for w in ("cat", "dog", "red")]],
        [idf(2), idf(1), idf(2)],
    )


def test_lowercase_and_token_pattern_are_configurable(tmp_path):
    path = write_glove(tmp_path / "v.txt", {"Cat": [1.0], "a": [3.0], "cat": [5.0]})
    assert WordVectorFeatures(path=path).fit(["Cat a"]).transform(["Cat a"])[0, 0] == 5
    cased = WordVectorFeatures(path=path, lowercase=False, token_pattern=r"\w+")
    np.testing.assert_allclose(cased.fit(["Cat a"]).transform(["Cat a"]), [[2.0]])


# -- out-of-vocabulary words and missing rows ------------------------------------------
def test_oov_tokens_are_counted_in_fit(vec_path):
    wv = WordVectorFeatures(path=vec_path).fit(["red zebra", "cat cat", "gnu"])
    assert (wv.n_tokens_, wv.n_oov_) == (5, 2)
    assert wv.oov_rate_ == pytest.approx(0.4)
    assert set(wv.vocabulary_) == {"red", "cat"}  # only words of the texts kept
    assert wv.vectors_.shape == (2, 2)


def test_oov_warning_is_quiet_by_default_and_configurable(vec_path):
    wv = WordVectorFeatures(path=vec_path).fit(["red cat dog"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wv.transform(["red zebra cat"])  # 1 of 3 out of vocabulary: quiet
    with pytest.warns(TextEmbeddingWarning, match=r"3 of the 4 tokens .*\(75%\)"):
        wv.transform(["red zebra gnu yak"])
    quiet = clone(wv).set_params(warn_oov_rate=None).fit(["red cat dog"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet.transform(["red zebra gnu yak"])


def test_words_unseen_in_fit_are_oov_even_if_in_the_file(vec_path):
    wv = WordVectorFeatures(path=vec_path, warn_oov_rate=None).fit(["red cat"])
    assert "sat" not in wv.vocabulary_
    np.testing.assert_allclose(wv.transform(["cat sat"]), [[1.0, 0.0]])


def test_a_text_with_no_known_word_is_a_missing_row(vec_path):
    wv = WordVectorFeatures(path=vec_path, warn_oov_rate=None).fit(["red cat"])
    X = pd.Series(["red", "zebra gnu", "", "cat"], index=list("abcd"))
    with pytest.warns(TextEmbeddingWarning) as record:
        Z = wv.transform(X)
    assert np.isnan(Z[[1, 2]]).all() and np.isfinite(Z[[0, 3]]).all()
    (message,) = [str(w.message) for w in record]
    assert "row 1 (index 'b'), 2 token(s), none in the vocabulary" in message
    assert "row 2 (index 'c'), no token" in message


def test_missing_rows_become_missing_modalities_in_modality_fusion(vec_path):
    X = pd.DataFrame(
        {"text": ["red cat", "zebra", "dog sat", "cat"], "num": [1.0, 2.0, 3.0, 4.0]}
    )
    fusion = ModalityFusion(
        [
            (
                "text",
                TextFeatures(
                    method="word_vectors", method_params={"path": str(vec_path)}
                ),
                "text",
            ),
            ("num", "passthrough", ["num"]),
        ],
        missing="zero",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the extractor's and the fusion's
        Z = fusion.fit_transform(X)
    assert np.isfinite(Z).all()
    np.testing.assert_array_equal(Z[1, :2], [0.0, 0.0])  # missing: zeros
    # present rows keep the pooled vector's direction ("red cat": [1.5, 1])
    assert Z[0, 0] / Z[0, 1] == pytest.approx(1.5)


def test_no_known_word_in_fit_is_an_error(vec_path):
    with pytest.raises(ValueError, match=r"none of the 2 distinct tokens of X"):
        WordVectorFeatures(path=vec_path).fit(["zebra gnu"])


def test_fit_without_a_path_or_with_no_text(vec_path):
    with pytest.raises(ValueError, match="path is None"):
        WordVectorFeatures().fit(["red"])
    with pytest.raises(ValueError, match="0 samples"):
        WordVectorFeatures(path=vec_path).fit([])
    with pytest.raises(ValueError, match="pooling"):
        WordVectorFeatures(path=vec_path, pooling="max").fit(["red"])
    with pytest.raises(ValueError, match="token_pattern '\\(' is not a valid"):
        WordVectorFeatures(path=vec_path, token_pattern="(").fit(["red"])
    with pytest.raises(ValueError, match="encoding 'utf-9' is not a known"):
        WordVectorFeatures(path=vec_path, encoding="utf-9").fit(["red"])


# -- through TextFeatures, names, clone, persistence -----------------------------------
def test_registered_as_word_vectors_and_usable_through_textfeatures(vec_path):
    assert get_registry("text_features").get("word_vectors") is WordVectorFeatures
    tf = TextFeatures(
        method="word_vectors", method_params={"path": str(vec_path), "pooling": "tfidf"}
    )
    X = pd.Series(["red cat", None, "dog"])
    before = X.copy()
    with pytest.warns(TextEmbeddingWarning, match="row 1, no token"):
        Z = tf.fit_transform(X)
    assert Z.shape == (3, 2) and np.isnan(Z[1]).all()
    assert list(tf.get_feature_names_out()) == ["wordvec0", "wordvec1"]
    pd.testing.assert_series_equal(X, before)  # input untouched


def test_clone_and_pandas_output(vec_path):
    wv = WordVectorFeatures(path=vec_path, pooling="tfidf")
    twin = clone(wv)
    assert twin.get_params() == wv.get_params() and not hasattr(twin, "vectors_")
    out = twin.set_output(transform="pandas").fit(["red cat"]).transform(["red cat"])
    assert list(out.columns) == ["wordvec0", "wordvec1"]


@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_save_and_load_give_identical_features_without_the_file(tmp_path, suffix):
    path = write_fasttext(tmp_path / "vectors.vec")
    X = ["red cat", "dog sat sat", "cat"]
    tf = TextFeatures(
        method="word_vectors", method_params={"path": str(path), "pooling": "tfidf"}
    ).fit(X)
    expected = tf.transform(X)
    saved = save_model(tf, tmp_path / f"model{suffix}")
    path.unlink()  # the fitted extractor does not need the file any more
    back = load_model(saved, trusted=True if suffix == ".joblib" else None).estimator
    np.testing.assert_array_equal(back.transform(X), expected)
    assert back.extractor_.vectors_info_ == tf.extractor_.vectors_info_
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(tf)).transform(X), expected)


@pytest.mark.slow
def test_importing_the_text_package_never_imports_tensorflow(vec_path):
    code = (
        "import sys; import skmultimodal; from skmultimodal.text import TextFeatures;"
        f"params = {{'path': {str(vec_path)!r}}};"
        "TextFeatures(method='word_vectors', method_params=params).fit(['red cat']);"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_word_may_hold_spaces_but_not_spilled_values(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat 1 0\n. . . 0 1\n", "utf-8")
    vocabulary, vectors, _ = read_word_vectors(path)
    assert vocabulary == {"cat": 0, ". . .": 1}


def test_a_byte_order_mark_and_windows_line_ends_are_accepted(tmp_path):
    path = tmp_path / "v.vec"
    path.write_bytes("\ufeff2 2\r\ncat 1 0\r\ndog 0 1\r\n".encode("utf-8"))
    vocabulary, vectors, info = read_word_vectors(path)
    assert vocabulary == {"cat": 0, "dog": 1} and info["format"] == "word2vec"


def test_passes_the_feature_extractor_checks(vec_path):
    # the checks plugins run: registry interface, scikit-learn API checks,
    # clone, pickling, missing texts (here: NaN rows) ...
    from skmultimodal.utils.estimator_checks import check_feature_extractor

    X = pd.Series(["red cat", "dog sat", "cat dog", "red red", "sat", "cat"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TextEmbeddingWarning)
        for pooling in ("mean", "tfidf"):
            est = WordVectorFeatures(path=str(vec_path), pooling=pooling)
            check_feature_extractor(est, X=X, y=np.arange(6) % 2)
