"""Text estimators for the common checks (see tests/test_common.py)."""

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from skmultimodal.text import TextCleaner, TextFeatures, TextSequencer

INSTANCES = [
    TextCleaner(),
    TextCleaner(
        unicode_form=None,
        strip_accents="unicode",
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


NON_TABULAR = {
    "TextCleaner": _texts,
    "TextSequencer": _texts,
    "TextFeatures": _texts,
}
