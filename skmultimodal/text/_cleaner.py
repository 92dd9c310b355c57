"""TextCleaner: lower case, Unicode normalisation and optional removals."""

from __future__ import annotations

import html
import re
import unicodedata

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.feature_extraction.text import strip_accents_ascii, strip_accents_unicode
from sklearn.utils._param_validation import StrOptions
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import check_is_fitted

from skmultimodal.utils._validation import check_column_name, one_name_out

from ._validation import TextColumnMixin, check_texts, dotless_lower

# A URL: "scheme://" then printable ASCII, the scheme starting with a letter
# that no ASCII letter, digit or underscore precedes, or "www." after the
# same; it ends at a space or at the first character outside printable
# ASCII, so that text written without spaces (Chinese, Japanese, Thai) is
# kept on both sides of a URL. Linear time: the scheme characters of a run
# are scanned from the run's start only (the first lookbehind), once to
# check that "://" ends it and once to find its first letter, whose prefix
# (group 1) is kept; the same matches as
# r"(?:(?<![a-z0-9_])[a-z][a-z0-9+.-]*://|(?<![a-z0-9_])www\.)[!-~]+",
# which rescans the run from each of its letters (quadratic on "a.a.a...").
_URL_RE = re.compile(
    r"(?<![a-z0-9+.-])(?=[a-z0-9+.-]*+://[!-~])([a-z0-9+.-]*?)"
    r"(?<![a-z0-9_])[a-z][a-z0-9+.-]*+://[!-~]+"
    r"|(?<![a-z0-9_])www\.[!-~]+",
    re.IGNORECASE,
)


# An HTML tag or comment: "<" then a letter, "/" or "!", up to the next ">";
# a "<" without one after it (as in "a < b") is text. Linear time: the part
# inside stops at the next "<" or ">".
_TAG_RE = re.compile(r"<[a-z/!][^<>]*>", re.IGNORECASE)
# numeric character references beyond U+10FFFF by their length alone
_LONG_CHARREF_RE = re.compile(
    r"&#(?:[xX]0*[1-9a-fA-F][0-9a-fA-F]{6,}|0*[1-9][0-9]{7,});?"
)


def nfkc(text):
    """``text`` in Unicode's NFKC form: one spelling of each character (an
    accent composed with its letter or written after it; full-width
    letters, ligatures and other compatibility forms as the plain ones).
    The default text branch gives it to its vectorizers as
    ``strip_accents`` (scikit-learn's hook for character normalisation,
    applied after lowercasing), so that ``"café"`` typed on two systems is
    one word; it strips no accent. A lower-cased text stays lower-cased:
    NFKC writes some compatibility characters with capitals (``"㎓"`` is
    ``"GHz"``, ``"™"`` ``"TM"``), which would be other words than the same
    ones typed. Give it to a vectorizer of your own as
    ``strip_accents=nfkc``.

    Parameters
    ----------
    text : str
        A text, as the vectorizer hands it over (lower-cased first when its
        ``lowercase`` is True).

    Returns
    -------
    str
        The text in NFKC form.

    Examples
    --------
    >>> from skmultimodal.text import nfkc
    >>> nfkc("ｃａｆé router 5㎓")
    'café router 5ghz'
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> vectorizer = TfidfVectorizer(analyzer="char", strip_accents=nfkc)
    >>> vectorizer.fit(["ｸﾞﾗｽ", "グラス"]).get_feature_names_out().tolist()
    ['グ', 'ス', 'ラ']
    """
    folded = unicodedata.normalize("NFKC", text)
    if folded != text and text == text.lower():
        folded = folded.lower()
    return dotless_lower(folded)


class _CategoryTable(dict):
    """``str.translate`` table mapping every character of some Unicode
    categories to a space, filled lazily (one lookup per distinct character)."""

    def __init__(self, prefixes):
        super().__init__()
        self.prefixes = prefixes

    def __missing__(self, code):
        char = chr(code)
        value = " " if unicodedata.category(char).startswith(self.prefixes) else char
        self[code] = value
        return value


_PUNCTUATION = _CategoryTable(("P",))
_DIGITS = _CategoryTable(("Nd",))


class TextCleaner(
    TextColumnMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Normalise texts: Unicode form, lower case, optional removals.

    Takes one column of texts and returns a 1-D object array of cleaned
    strings, so it composes with scikit-learn's own vectorizers and with
    :class:`TextFeatures` / :class:`TextSequencer`.

    The steps run in this order, each only when enabled:

    1. missing values (None, NaN, ``pandas.NA``, NaT) become ``""``;
    2. HTML tags are replaced by a space and character references
       (``&amp;``, ``&#233;``) decoded (``html.unescape``);
    3. Unicode normalisation ``unicode_form`` (e.g. NFKC folds full-width
       letters and ligatures: "ﬁ" -> "fi");
    4. URLs (``scheme://...`` or ``www....`` up to the next whitespace) are
       replaced by a space;
    5. lower case (``str.lower``);
    6. accents are stripped (scikit-learn's ``strip_accents_unicode`` /
       ``strip_accents_ascii``);
    7. decimal digits (Unicode category Nd) are replaced by a space;
    8. punctuation (Unicode categories P*) is replaced by a space;
    9. runs of whitespace are collapsed to one space and the ends stripped.

    Parameters
    ----------
    lowercase : bool, default=True
        Convert to lower case.
    remove_html : bool, default=False
        Replace HTML tags and comments (``<`` then a letter, ``/`` or
        ``!``, up to the next ``>``) by a space, then decode HTML character
        references with :func:`html.unescape` (``"Tom &amp; Jerry"`` ->
        ``"Tom & Jerry"``, ``&nbsp;`` -> a no-break space). For markup in
        scraped cells (product descriptions); it is not an HTML parser:
        the text inside ``<script>`` or ``<style>`` is kept, and a ``<``
        that starts no tag (``"a < b"``) is text.
    unicode_form : {"NFC", "NFKC", "NFD", "NFKD"} or None, default="NFKC"
        Unicode normalisation form applied first; None keeps the text as is.
    strip_accents : {"unicode", "ascii"} or None, default=None
        Remove accents as scikit-learn's vectorizers do: "unicode" removes
        combining marks after NFKD decomposition, "ascii" also drops every
        character that has no ASCII equivalent.
    remove_urls : bool, default=False
        Replace URLs by a space: ``scheme://`` or ``www.``, not glued to an
        ASCII letter or digit before it, up to the next space or character
        outside printable ASCII (a URL copied from a browser is
        percent-encoded; text glued to a URL, as in Chinese or Japanese, is
        kept).
    remove_digits : bool, default=False
        Replace decimal digits by a space.
    remove_punctuation : bool, default=False
        Replace punctuation by a space ("don't" becomes "don t"). Symbols such
        as emoji or currency signs are kept.
    collapse_whitespace : bool, default=True
        Collapse runs of whitespace to one space and strip both ends.

    Attributes
    ----------
    n_features_in_ : int
        Always 1: one text column.
    feature_names_in_ : ndarray of shape (1,)
        The column name, when fitted on a one-column DataFrame with a string
        column name; ``transform`` refuses a DataFrame with another column
        name, as scikit-learn's transformers do.

    See Also
    --------
    TextFeatures : TF-IDF and other feature vectors of texts.
    TextSequencer : padded integer token sequences.

    Notes
    -----
    Missing texts are not an error: None, NaN, ``pandas.NA`` and NaT become
    ``""``. Any other non-string value (a number, bytes, a list) raises a
    ValueError naming the row and the type. An ``X`` of 0 rows raises a
    ValueError in ``fit`` and ``transform`` alike.

    The output is one-dimensional (one text column), never a DataFrame,
    which would not be a valid input for scikit-learn's vectorizers.
    ``set_output(transform="pandas")`` (or scikit-learn's global
    ``transform_output="pandas"``) makes it a :class:`pandas.Series`
    keeping the input's index and named by ``get_feature_names_out``;
    ``"default"`` gives the 1-D object array back; any other container
    (e.g. ``"polars"``) is refused with a ValueError. ``get_feature_names_out``
    returns the single column name (the input DataFrame's column name, else
    ``"text"``) so that pipelines can name their output; as scikit-learn's
    one-to-one transformers, it refuses ``input_features`` other than the
    column name seen in ``fit``.

    Examples
    --------
    >>> from skmultimodal.text import TextCleaner
    >>> TextCleaner(remove_punctuation=True).fit_transform(["Hello,  WORLD!", None])
    array(['hello world', ''], dtype=object)
    """

    _parameter_constraints: dict = {
        "lowercase": ["boolean"],
        "remove_html": ["boolean"],
        "unicode_form": [StrOptions({"NFC", "NFKC", "NFD", "NFKD"}), None],
        "strip_accents": [StrOptions({"unicode", "ascii"}), None],
        "remove_urls": ["boolean"],
        "remove_digits": ["boolean"],
        "remove_punctuation": ["boolean"],
        "collapse_whitespace": ["boolean"],
    }

    def __init__(
        self,
        *,
        lowercase=True,
        remove_html=False,
        unicode_form="NFKC",
        strip_accents=None,
        remove_urls=False,
        remove_digits=False,
        remove_punctuation=False,
        collapse_whitespace=True,
    ):
        self.lowercase = lowercase
        self.remove_html = remove_html
        self.unicode_form = unicode_form
        self.strip_accents = strip_accents
        self.remove_urls = remove_urls
        self.remove_digits = remove_digits
        self.remove_punctuation = remove_punctuation
        self.collapse_whitespace = collapse_whitespace

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the texts and remember the column name.

        Parameters
        ----------
        X : Series, one-column DataFrame, list or 1-D array of str
            Texts; missing values are allowed.
        y : ignored

        Returns
        -------
        self : TextCleaner
        """
        check_texts(X, owner=type(self).__name__, action="fit")
        check_column_name(self, X, reset=True)  # a DataFrame's column name
        return self

    def _clean(self, text):
        if self.remove_html:
            # a numeric reference too long for any character is U+FFFD, as
            # html.unescape makes of one out of range (it would refuse its
            # thousands of digits)
            text = _LONG_CHARREF_RE.sub("\ufffd", _TAG_RE.sub(" ", text))
            text = html.unescape(text)
        if self.unicode_form is not None:
            text = unicodedata.normalize(self.unicode_form, text)
        if self.remove_urls:
            text = _URL_RE.sub(r"\1 ", text)
        if self.lowercase:
            text = dotless_lower(text.lower())
        if self.strip_accents == "unicode":
            text = strip_accents_unicode(text)
        elif self.strip_accents == "ascii":
            text = strip_accents_ascii(text)
        if self.remove_digits:
            text = text.translate(_DIGITS)
        if self.remove_punctuation:
            text = text.translate(_PUNCTUATION)
        if self.collapse_whitespace:
            text = " ".join(text.split())
        return text

    def transform(self, X):
        """Clean each text.

        Parameters
        ----------
        X : Series, one-column DataFrame, list or 1-D array of str

        Returns
        -------
        texts : ndarray of shape (n_samples,), dtype=object
            Cleaned strings; missing inputs give ``""``.

        Raises
        ------
        ValueError
            ``X`` has 0 rows (as in ``fit``, and as scikit-learn's
            ``TfidfVectorizer.transform``), or holds a value that is neither
            a string nor missing; ``X`` is a DataFrame whose column name
            differs from ``feature_names_in_``; or a parameter set since fit
            is invalid (checked as fit checks it).
        """
        check_is_fitted(self)
        self._validate_params()  # parameters may have changed since fit
        owner = type(self).__name__
        texts, _ = check_texts(X, owner=owner, action="transform")
        check_column_name(self, X, reset=False)  # as fitted, as scikit-learn
        out = np.empty(len(texts), dtype=object)
        out[:] = [self._clean(t) for t in texts]
        if _get_output_config("transform", self)["dense"] == "pandas":
            import pandas as pd

            index = X.index if isinstance(X, (pd.Series, pd.DataFrame)) else None
            return pd.Series(out, index=index, name=self.get_feature_names_out()[0])
        return out

    def set_output(self, *, transform=None):
        """Choose the container of :meth:`transform`'s output.

        The output is one text column, so ``"pandas"`` gives a
        :class:`pandas.Series` (keeping the input's index), which text
        vectorizers downstream accept like any sequence of strings;
        ``"default"`` gives a 1-D object array.

        Parameters
        ----------
        transform : {"default", "pandas"} or None, default=None
            None leaves the configuration unchanged.

        Returns
        -------
        self : TextCleaner
        """
        if transform is None:
            return self
        if transform not in ("default", "pandas"):
            raise ValueError(
                "TextCleaner.set_output supports transform='default' or "
                f"'pandas' (a Series), got {transform!r}."
            )
        if not hasattr(self, "_sklearn_output_config"):
            self._sklearn_output_config = {}
        self._sklearn_output_config["transform"] = transform
        return self

    def get_feature_names_out(self, input_features=None):
        """Name of the single output column.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Checked as scikit-learn's one-to-one transformers check it: it
            must hold one name, equal to ``feature_names_in_`` when that is
            set (fitted on a DataFrame); returned.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``input_features``, else the fitted column name, else ``["text"]``.

        Raises
        ------
        ValueError
            When ``input_features`` does not hold one name, or differs from
            the column name seen in :meth:`fit`.
        """
        check_is_fitted(self)
        if input_features is not None:
            names = np.asarray(input_features, dtype=object)
            if names.shape != (1,):
                raise ValueError(
                    "TextCleaner takes one text column; input_features must "
                    f"hold one name, got {list(names.ravel())!r}."
                )
        return one_name_out(self, input_features, "text")
