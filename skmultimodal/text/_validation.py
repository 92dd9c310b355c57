"""Turning a text column into a list of strings, by one documented rule."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Set
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

from skmultimodal.utils import as_column, describe_row, is_missing
from skmultimodal.utils._errors import RowError
from skmultimodal.utils._validation import to_pandas, type_name


class NotATextError(RowError):
    """A row of a text column holds a value that is neither a string nor
    missing, or a string that is not valid Unicode. A composite names its
    modality, without the hint on rows read as missing (only None, NaN,
    ``pandas.NA`` and NaT are missing texts)."""

    missing_hint = False


class TextColumnMixin:
    """Tags of an estimator whose input is one column of texts.

    The column may hold missing values (they become ``""``, see
    :func:`check_texts`); 2-D numeric input is not accepted.
    """

    def _name(self):
        """The name its messages give: the class name, or the one given by
        :func:`messages_name` while a composite calls it."""
        named = _MESSAGES_NAME.get()
        if named is not None and named[0] is self:
            return named[1]
        return type(self).__name__

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.one_d_array = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags


#: ``(estimator, name)`` while :func:`messages_name` is in effect.
_MESSAGES_NAME = ContextVar("skmultimodal_text_messages_name", default=None)


@contextmanager
def messages_name(estimator, name):
    """Within the block, the messages of ``estimator`` (a text transformer
    of this package) give ``name`` instead of its class name: TextFeatures
    names what the user built, e.g. ``TextFeatures(method='word_vectors')``,
    while it calls the extractor it made. Nothing is stored on
    ``estimator``."""
    token = _MESSAGES_NAME.set((estimator, name))
    try:
        yield
    finally:
        _MESSAGES_NAME.reset(token)


MISSING_RULE = (
    "None, NaN, pandas.NA and NaT are missing texts (the empty string '' for a "
    "text transformer on its own; in ModalityFusion, a missing modality that "
    "its missing policy handles)"
)


#: A lone surrogate: a str that no UTF-8 codec (TensorFlow, a CSV) encodes.
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_texts(X, *, owner, what="X", action=None):
    """Return ``(texts, labels)`` for one text column.

    ``X`` is a Series or a one-column DataFrame (pandas, or polars, pyarrow
    and other DataFrames that narwhals reads, converted to pandas), a
    list/tuple or a 1-D (or ``(n, 1)``) array; any other container (a dict,
    a set, an iterator) raises a ValueError naming its type. Missing values
    (None, NaN, ``pandas.NA``, NaT) become ``""``; strings (including numpy
    ``str_``) are kept as they are; anything else (numbers, bytes, lists,
    ...) and a string that is not valid Unicode (a lone surrogate, which
    UTF-8 cannot encode) raise a ValueError (:class:`NotATextError`) naming
    the row.

    Parameters
    ----------
    X : column of texts
    owner : str
        Name of the estimator, used in error messages.
    what : str, default="X"
        Name of the argument, used in error messages.
    action : {"fit", "transform"} or None, default=None
        When given, a column of 0 rows is refused, naming the estimator and
        the action (as scikit-learn's estimators refuse 0 samples).

    Returns
    -------
    texts : list of str
    labels : list
        Index labels for error messages.
    """
    X = to_pandas(X, series=True, what=f"{owner}: {what}")
    if not isinstance(X, pd.Series | pd.DataFrame | list | tuple | np.ndarray):
        hint = ""
        if isinstance(X, Mapping):
            hint = " (its keys would be taken; pass pd.Series(X) for its values)"
        elif isinstance(X, Set):
            hint = " (a set has no row order)"
        elif isinstance(X, Iterator):
            hint = " (fit would use it up; pass list(X))"
        raise ValueError(
            f"{owner}: {what} must be a pandas Series or a one-column DataFrame "
            "(or a polars or pyarrow one), a list or tuple or a 1-D array of "
            f"texts, got a {type_name(X)}{hint}."
        )
    items, labels = as_column(X, what=f"{owner}: {what}")
    texts = []
    for i, value in enumerate(items):
        if isinstance(value, str):
            if not value.isascii() and (bad := _SURROGATE.search(value)):
                raise NotATextError(
                    f"{owner}: {describe_row(labels, i)} of {what} is not valid "
                    f"Unicode: it holds the lone surrogate {bad.group()!r} at "
                    f"character {bad.start()}, which cannot be encoded as UTF-8 "
                    "(bytes decoded with errors='surrogateescape'?). Decode the "
                    "source with its right encoding (e.g. pd.read_csv(..., "
                    "encoding='latin-1'))."
                )
            texts.append(str(value))
        elif not isinstance(value, bytes) and is_missing(value):
            texts.append("")
        else:
            shown = repr(value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            raise NotATextError(
                f"{owner}: {describe_row(labels, i)} of {what} holds a value of type "
                f"{type_name(value)} ({shown}), not a string. Text columns "
                f"take str values; {MISSING_RULE}."
            )
    if action is not None and not texts:
        raise ValueError(
            f"{owner}: X has 0 rows (found 0 samples); at least 1 text is "
            f"required to {action}."
        )
    return texts, labels


def dotless_lower(text):
    r"""``text`` with the ``"i"`` + U+0307 (combining dot above) that
    lower-casing makes of a capital dotted I (``"İ"``, Turkish and Azeri)
    written ``"i"``: the lower case that language gives it, and one letter,
    where the mark, which ``\w`` does not match, would cut the word
    (``"İstanbul"`` would be the token ``"stanbul"``)."""
    return text.replace("i\u0307", "i") if "\u0307" in text else text


def _nfc(text):
    """``text`` in Unicode's NFC form (accents composed with their letters),
    a lower-cased capital dotted I as ``"i"`` (:func:`dotless_lower`)."""
    return dotless_lower(unicodedata.normalize("NFC", text))


def build_analyzer(owner, *, lowercase, token_pattern):
    """scikit-learn's word analyzer (``CountVectorizer.build_analyzer``) with
    this ``lowercase`` and ``token_pattern``, on the text in Unicode NFC
    form (``strip_accents``, scikit-learn's hook for it), so that a word
    typed with a combining accent (``"e"`` + U+0301, as some systems write
    it) is the word with the accent composed, not two tokens around a mark
    that ``\\w`` does not match; a pattern that is not a valid regular
    expression raises a ValueError naming ``owner`` and the parameter."""
    check_token_pattern(owner, token_pattern)
    return CountVectorizer(
        lowercase=lowercase, token_pattern=token_pattern, strip_accents=_nfc
    ).build_analyzer()


def check_token_pattern(owner, pattern, of=""):
    """A ValueError naming ``owner`` (and ``of``, e.g. the method whose
    parameter it is) where ``pattern`` is not a valid regular expression:
    Python's ``re.error`` names neither, nor is it a ValueError."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(
            f"{owner}: token_pattern {pattern!r}{of} is not a valid regular "
            f"expression: {exc}"
        ) from None
