"""Trial 15, word vectors: a file named inside a dict or list parameter is in
the ``memory=`` cache key, an encoding that is not ASCII-compatible is
refused up front, TextEmbeddingWarning points at the caller, and the docs
say what the OOV counts and the vocabulary really cover."""

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from skmultimodal import make_multimodal_pipeline
from skmultimodal.image import ImageFeatures
from skmultimodal.text import (
    TextEmbeddingWarning,
    TextFeatures,
    WordVectorFeatures,
    read_word_vectors,
)
from skmultimodal.utils._memory import file_stamp


def _extractor(pipe):
    fusion = pipe.named_steps["fusion"]
    return fusion.named_transformers_["text"].named_steps["features"].extractor_


def _rewrite(path, text):
    """Rewrite ``path`` so that its stamp changes even on a coarse clock."""
    before = os.stat(path).st_mtime_ns
    path.write_text(text, "utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_memory_sees_a_vector_file_named_in_method_params(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat 1 0\ndog 0 1\n", "utf-8")
    X = pd.DataFrame({"text": ["cat", "dog", "cat dog", "dog dog", "cat cat"]})
    y = np.array([0, 1, 0, 1, 0])
    cache = tmp_path / "cache"

    def fitted():
        tf = TextFeatures("word_vectors", method_params={"path": str(path)})
        pipe = make_multimodal_pipeline(image=None, text_features=tf, memory=cache)
        return _extractor(pipe.fit(X, y))

    assert fitted().vectors_.tolist() == [[1, 0], [0, 1]]
    _rewrite(path, "cat 7 7\ndog 9 9\n")
    assert fitted().vectors_.tolist() == [[7, 7], [9, 9]]


class _Holder(BaseEstimator):
    def __init__(self, files=None):
        self.files = files


def test_file_stamp_walks_the_dicts_of_parameters(tmp_path):
    a, b, c = (tmp_path / n for n in ("a.txt", "b.txt", "c.keras"))
    for p in (a, b, c):
        p.write_text("x", "utf-8")
    names = lambda est: [s[0] for s in file_stamp([est])]  # noqa: E731
    nested = _Holder({"k": str(a), "x": {"deep": b}, "words": [str(c)]})
    assert names(nested) == [str(a), str(b)]  # a list (of words) is not read
    images = ImageFeatures(method="keras", method_params={"model": str(c)})
    assert str(c) in names(images)
    encoder = TextFeatures("keras_encoder", method_params={"path": str(c)})
    assert names(encoder) == [str(c)]
    # bounded: a dict holding itself ends
    loop = {"path": str(a)}
    loop["self"] = loop
    assert names(_Holder(loop)) == [str(a)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "UTF_32_BE"])
def test_an_encoding_that_is_not_ascii_compatible_is_refused(tmp_path, encoding):
    path = tmp_path / "v.txt"
    path.write_text("café 1 0\ndog 0 1\n", encoding=encoding)
    tf = TextFeatures(
        "word_vectors", method_params={"path": path, "encoding": encoding}
    )
    with pytest.raises(ValueError) as exc:
        tf.fit(["café dog"])
    message = str(exc.value)
    assert f"encoding {encoding!r} is not ASCII-compatible" in message
    assert "NUL" not in message
    assert "iconv -f UTF-" in message and "-t UTF-8" in message
    with pytest.raises(ValueError, match="not ASCII-compatible"):
        read_word_vectors(path, encoding=encoding)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8-sig"])
def test_ascii_compatible_encodings_still_read(tmp_path, encoding):
    path = tmp_path / "v.txt"
    path.write_text("café 1 0\ndog 0 1\n", encoding=encoding)
    wv = WordVectorFeatures(path=path, encoding=encoding)
    assert wv.fit_transform(["café dog"]).tolist() == [[0.5, 0.5]]


def test_a_bytes_codec_is_not_a_text_encoding(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat 1 0\n", "utf-8")
    with pytest.raises(ValueError, match="'rot13' is not a known text encoding"):
        WordVectorFeatures(path=path, encoding="rot13").fit(["cat"])


def test_text_embedding_warnings_point_at_the_caller(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat 1 0\ndog 0 1\n", "utf-8")
    texts = ["cat", "zebra"]  # 50% < rate: lower warn_oov_rate to see both
    for est in (
        TextFeatures(
            "word_vectors", method_params={"path": path, "warn_oov_rate": 0.1}
        ),
        WordVectorFeatures(path=path, warn_oov_rate=0.1),
    ):
        for call in (est.fit_transform, est.transform):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                call(texts)
            found = [w for w in caught if w.category is TextEmbeddingWarning]
            assert len(found) == 2  # the OOV rate and the missing rows
            assert {w.filename for w in found} == {__file__}


def test_in_a_pipeline_the_first_fit_warns_the_full_oov_rate(tmp_path):
    """What the docstring and the text guide say: the refitted extractor
    counts only the texts with a known word; the first fit's warning gives
    the rate over every training text."""
    path = tmp_path / "v.txt"
    path.write_text("cat 1 0\ndog 0 1\n", "utf-8")
    texts = ["cat dog", "dog cat", "zebra lion", "yeti gnu", "okapi", "cat", "dog"]
    y = np.array([0, 1, 0, 1, 0, 1, 0])
    params = {"path": str(path), "warn_oov_rate": 0.3}
    tf = TextFeatures("word_vectors", method_params=params)
    pipe = make_multimodal_pipeline(image=None, text_features=tf, missing="mean")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pipe.fit(pd.DataFrame({"text": texts}), y)
    rates = [
        str(w.message) for w in caught if "out of the vocabulary" in str(w.message)
    ]
    assert len(rates) == 1 and "5 of the 11 tokens of these texts (45%)" in rates[0]
    ext = _extractor(pipe)
    assert (ext.n_tokens_, ext.n_oov_, ext.oov_rate_) == (6, 0, 0.0)


def test_a_word_in_the_file_but_in_no_training_text_gets_no_vector(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat 1 0\nkitten 0.9 0.1\ndog 0 1\npuppy 0.1 0.9\n", "utf-8")
    tf = TextFeatures("word_vectors", method_params={"path": str(path)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TextEmbeddingWarning)
        Z = tf.fit(["cat", "dog"]).transform(["kitten", "puppy"])
    assert np.isnan(Z).all()  # in the file, but in no training text
