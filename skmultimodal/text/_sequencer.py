"""TextSequencer: texts to padded integer token-id sequences (no TensorFlow)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from skmultimodal.utils._validation import Count, check_column_name

from ._validation import (
    TextColumnMixin,
    build_analyzer,
    check_texts,
)

PAD_ID = 0
OOV_ID = 1
PAD_TOKEN = "<pad>"
OOV_TOKEN = "<oov>"


#: The parameters that make the vocabulary: refused when changed after fit.
_VOCABULARY_PARAMS = ("lowercase", "token_pattern", "max_vocabulary", "min_frequency")


class TextSequencer(TextColumnMixin, TransformerMixin, BaseEstimator):
    """Turn texts into fixed-length sequences of integer token ids.

    ``fit`` learns a vocabulary; ``transform`` maps each text to
    ``max_length`` ids, ready for an embedding layer. Nothing here needs
    TensorFlow.

    Id scheme:

    - ``0`` is padding;
    - ``1`` is "out of vocabulary" (a token not kept at fit time);
    - ``2, 3, ...`` are the kept tokens, most frequent first (ties broken
      alphabetically), so ``vocabulary_size_ = len(vocabulary_) + 2``.

    Tokens are found exactly as scikit-learn's ``CountVectorizer`` finds them
    (its ``build_analyzer`` with this ``lowercase`` and ``token_pattern``),
    so sequences and TF-IDF features see the same words.

    Parameters
    ----------
    max_length : int, default=50
        Length of every output sequence.
    max_vocabulary : int or None, default=None
        Keep at most this many distinct tokens, the most frequent ones. The
        two reserved ids are not counted. None keeps every token.
    min_frequency : int, default=1
        Drop tokens seen fewer times than this in the training texts.
    lowercase : bool, default=True
        Lower-case texts before tokenising.
    token_pattern : str, default=r"(?u)\\b\\w\\w+\\b"
        Regular expression of a token (scikit-learn's default: two or more
        word characters).
    padding : {"post", "pre"}, default="post"
        Pad short sequences with ``0`` at the end ("post") or start ("pre").
    truncating : {"post", "pre"}, default="post"
        Cut long sequences at the end ("post", keeping the first tokens) or
        at the start ("pre", keeping the last tokens).

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Kept token -> id (ids start at 2).
    vocabulary_size_ : int
        Number of distinct ids, padding and OOV included
        (``len(vocabulary_) + 2``); the input dimension of an embedding.
    n_features_in_ : int
        Always 1: one text column.
    feature_names_in_ : ndarray of shape (1,)
        The column name, when fitted on a one-column DataFrame with a string
        column name; ``transform`` refuses a DataFrame with another column
        name, as scikit-learn's transformers do.
    sequence_output : bool
        Class attribute, True: the output is a block of token ids, not
        numeric features (fusion methods and the attention classifier use it
        to recognise sequence blocks).

    See Also
    --------
    TextFeatures : sparse TF-IDF features.
    TextCleaner : normalise texts first.

    Notes
    -----
    Missing texts (None, NaN, ``pandas.NA``, NaT) become ``""`` and thus a row of
    padding; any other non-string value raises a ValueError naming the row.
    An ``X`` of 0 rows raises a ValueError in ``fit`` and ``transform``
    alike.

    Examples
    --------
    >>> from skmultimodal.text import TextSequencer
    >>> seq = TextSequencer(max_length=4).fit(["red cat", "red dog", "red"])
    >>> seq.vocabulary_
    {'red': 2, 'cat': 3, 'dog': 4}
    >>> seq.transform(["red red fox", None])
    array([[2, 2, 1, 0],
           [0, 0, 0, 0]])
    """

    sequence_output = True

    _parameter_constraints: dict = {
        "max_length": [Count(1, None, closed="left")],
        "max_vocabulary": [Count(1, None, closed="left"), None],
        "min_frequency": [Count(1, None, closed="left")],
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "padding": [StrOptions({"post", "pre"})],
        "truncating": [StrOptions({"post", "pre"})],
    }

    def __init__(
        self,
        *,
        max_length=50,
        max_vocabulary=None,
        min_frequency=1,
        lowercase=True,
        token_pattern=r"(?u)\b\w\w+\b",
        padding="post",
        truncating="post",
    ):
        self.max_length = max_length
        self.max_vocabulary = max_vocabulary
        self.min_frequency = min_frequency
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.padding = padding
        self.truncating = truncating

    def _analyzer(self):
        return build_analyzer(
            type(self).__name__,
            lowercase=self.lowercase,
            token_pattern=self.token_pattern,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary.

        Parameters
        ----------
        X : Series, one-column DataFrame, list or 1-D array of str
        y : ignored

        Returns
        -------
        self : TextSequencer
        """
        owner = type(self).__name__
        texts, _ = check_texts(X, owner=owner, action="fit")
        check_column_name(self, X, reset=True)  # a DataFrame's column name
        analyze = self._analyzer()
        counts = Counter()
        for text in texts:
            counts.update(analyze(text))
        kept = [(t, c) for t, c in counts.items() if c >= self.min_frequency]
        if not kept:
            raise ValueError(
                f"{owner}: empty vocabulary; the texts hold no token matching "
                f"{self.token_pattern!r} seen at least min_frequency="
                f"{self.min_frequency} times."
            )
        kept.sort(key=lambda tc: (-tc[1], tc[0]))
        if self.max_vocabulary is not None:
            kept = kept[: self.max_vocabulary]
        self.vocabulary_ = {t: i + 2 for i, (t, _) in enumerate(kept)}
        self.vocabulary_size_ = len(self.vocabulary_) + 2
        self._vocabulary_params = {p: getattr(self, p) for p in _VOCABULARY_PARAMS}
        return self

    def _check_unchanged(self):
        """Refuse a parameter that made the vocabulary changed since fit
        (the tokens would no longer be those it holds); ``max_length``,
        ``padding`` and ``truncating`` only shape the output and may change
        (a model saved before this check has no record: not checked)."""
        at_fit = self.__dict__.get("_vocabulary_params")
        if at_fit is None:
            return
        changed = [
            f"{key} from {at_fit[key]!r} to {getattr(self, key)!r}"
            for key in _VOCABULARY_PARAMS
            if key in at_fit and getattr(self, key) != at_fit[key]
        ]
        if changed:
            raise ValueError(
                f"{type(self).__name__}: parameters changed since fit "
                f"({', '.join(changed)}); the vocabulary was learned with the "
                "old ones: set them back, or refit"
            )

    def transform(self, X):
        """Map texts to padded id sequences.

        Parameters
        ----------
        X : Series, one-column DataFrame, list or 1-D array of str

        Returns
        -------
        ids : ndarray of shape (n_samples, max_length), dtype=int64
            Token ids; 0 is padding, 1 an unknown token.

        Raises
        ------
        ValueError
            ``X`` has 0 rows (as in ``fit``, and as scikit-learn's
            ``TfidfVectorizer.transform``), or holds a value that is neither
            a string nor missing; ``X`` is a DataFrame whose column name
            differs from ``feature_names_in_``; or a parameter set since fit
            is invalid (checked as fit checks it), or one that made the
            vocabulary (``lowercase``, ``token_pattern``, ``max_vocabulary``,
            ``min_frequency``) differs from fit's.
        """
        check_is_fitted(self)
        # parameters may have changed since fit: checked as fit checks them,
        # and refused when changed
        self._validate_params()
        owner = type(self).__name__
        texts, _ = check_texts(X, owner=owner, action="transform")
        check_column_name(self, X, reset=False)  # as fitted, as scikit-learn
        analyze = self._analyzer()  # an invalid pattern: fit's error
        self._check_unchanged()
        vocab = self.vocabulary_
        L = self.max_length
        out = np.full((len(texts), L), PAD_ID, dtype=np.int64)
        for row, text in enumerate(texts):
            ids = [vocab.get(tok, OOV_ID) for tok in analyze(text)]
            if len(ids) > L:
                ids = ids[:L] if self.truncating == "post" else ids[-L:]
            if not ids:
                continue
            if self.padding == "post":
                out[row, : len(ids)] = ids
            else:
                out[row, L - len(ids) :] = ids
        return out

    def inverse_transform(self, X):
        """Map id sequences back to tokens, dropping padding.

        Parameters
        ----------
        X : array-like of shape (n_samples, max_length) of int

        Returns
        -------
        tokens : list of list of str
            One list per row; unknown ids (1, or ids outside the vocabulary)
            are shown as ``"<oov>"``.

        Raises
        ------
        ValueError
            ``X`` is not a 2-D array of integers of ``max_length`` columns.
        """
        check_is_fitted(self)
        ids = np.asarray(X)
        if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(
                "TextSequencer.inverse_transform takes a 2-D array of integer "
                f"ids, got shape {ids.shape} and dtype {ids.dtype}."
            )
        if ids.shape[1] != self.max_length:  # as scikit-learn checks n_features
            raise ValueError(
                f"TextSequencer.inverse_transform: X has {ids.shape[1]} columns, "
                f"but the sequences are max_length={self.max_length} ids long."
            )
        inverse = {i: t for t, i in self.vocabulary_.items()}
        return [
            [inverse.get(int(i), OOV_TOKEN) for i in row if i != PAD_ID] for row in ids
        ]

    def get_feature_names_out(self, input_features=None):
        """Position names ``seq0`` ... ``seq{max_length-1}``.

        Parameters
        ----------
        input_features : ignored

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        return np.array([f"seq{i}" for i in range(self.max_length)], dtype=object)
