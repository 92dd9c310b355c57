"""Text estimators for the common checks (see tests/test_common.py)."""

import atexit
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from skmultimodal.text import (
    TextCleaner,
    TextFeatures,
    TextSequencer,
    WordVectorFeatures,
)

# a tiny GloVe-style file, written by the sample-data callable below into a
# folder removed when the test process ends
_FOLDER = tempfile.mkdtemp(prefix="skmultimodal-tests-")
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
_VECTORS = Path(_FOLDER) / "wv.txt"

INSTANCES = [
    TextCleaner(),
    TextCleaner(
        unicode_form=None,
        strip_accents="unicode",
        remove_html=True,
        remove_urls=True,
        remove_digits=True,
        remove_punctuation=True,
        collapse_whitespace=False,
    ),
    TextSequencer(max_length=6),
    TextSequencer(max_length=3, max_vocabulary=4, padding="pre", truncating="pre"),
    TextFeatures(),
    TextFeatures(method="count", method_params={"ngram_range": (1, 2)}),
    TextFeatures(method=TfidfVectorizer(sublinear_tf=True)),
    WordVectorFeatures(path=str(_VECTORS), pooling="tfidf", warn_oov_rate=None),
]

# None of the text estimators is expected to fail a common check.
EXPECTED_FAILED_CHECKS = {}


def _texts():
    X = pd.Series(
        [
            "The red Cat sat on the mat.",
            "A blue dog ran 3 km, see https://example.org",
            None,
            "Café crème: ﬁne FOOD!",
            "red dog, blue cat",
            np.nan,
            "the cat and the dog",
            "  spaced   out   text ",
        ],
        index=[f"doc{i}" for i in range(8)],
        dtype=object,
        name="text",
    )
    y = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    return X, y


def _texts_and_vectors():
    """The texts, and a vector file for most of their words ("spaced out
    text" has none: a missing row)."""
    _VECTORS.parent.mkdir(exist_ok=True)
    words = "the red cat sat on mat blue dog ran km see example org café food and"
    _VECTORS.write_text(
        "".join(f"{w} {i % 3} {i % 5 - 2} 0.5\n" for i, w in enumerate(words.split())),
        encoding="utf-8",
    )
    return _texts()


NON_TABULAR = {
    "TextCleaner": _texts,
    "TextSequencer": _texts,
    "TextFeatures": _texts,
    "WordVectorFeatures": _texts_and_vectors,
}
