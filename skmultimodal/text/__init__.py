"""Text: cleaning, token-id sequences and feature vectors of text columns.

Every estimator takes one column of texts (a pandas Series, a one-column
DataFrame, a list or a 1-D array). Missing texts (None, NaN, ``pandas.NA``,
NaT) become ``""``; any other non-string value raises a ValueError naming the
row.
"""

from ._cleaner import TextCleaner, nfkc
from ._features import TextFeatures
from ._sequencer import TextSequencer
from ._vectors import TextEmbeddingWarning, WordVectorFeatures, read_word_vectors

__all__ = [
    "TextCleaner",
    "TextEmbeddingWarning",
    "TextFeatures",
    "TextSequencer",
    "WordVectorFeatures",
    "nfkc",
    "read_word_vectors",
]
