"""WordVectorFeatures: pooled pretrained word vectors (word2vec, GloVe,
fastText text files), registered as the ``"word_vectors"`` text method."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import shlex
from numbers import Real
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from skmultimodal.utils import describe_failures
from skmultimodal.utils._parallel import warn_at_caller
from skmultimodal.utils._validation import check_column_name

from ._validation import TextColumnMixin, _nfc, build_analyzer, check_texts

__all__ = ["TextEmbeddingWarning", "WordVectorFeatures", "read_word_vectors"]

_DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's vectorizers'


class TextEmbeddingWarning(UserWarning):
    """Texts left as missing rows (all NaN) by a text embedding, or a large
    share of out-of-vocabulary words: the message names the rows or gives
    the rate."""


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


# A value as a text vector file writes it: ASCII decimal (float() also takes
# "1_000", full-width or Arabic-Indic digits); nan and inf are numbers here,
# refused as not finite when parsed
_NUMBER = r"(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|nan|[+-]?inf(?:inity)?)"
_DECIMAL = re.compile(_NUMBER, re.ASCII | re.IGNORECASE)
# a character that float() may take but no such number holds (a quick scan of
# the values of a kept line, which float32 parsing then checks)
_NOT_DECIMAL = re.compile(r"[^0-9.eE+\- nNaAiIfFtTyY]")


def _tabbed(word):
    """Whether a line's word is a tab-separated word and value."""
    return "\t" in word and _is_number(word.rsplit("\t", 1)[1])


def _is_count(text):
    return text.isascii() and text.isdigit()


def _describe_line(path, lineno):
    return f"{str(path)!r}, line {lineno}"


# compressed files and archives, by their first bytes: (magic, what, command)
_COMPRESSED = [
    (rb"\x1f\x8b", "gzip-compressed", "gunzip"),
    (rb"PK\x03\x04", "a zip archive", "unzip"),
    (rb"BZh[1-9](1AY&SY|\x17rE8P\x90)", "bzip2-compressed", "bunzip2"),
    (rb"\xfd7zXZ\x00", "xz-compressed", "unxz"),
]


def _check_not_compressed(path, head):
    for magic, what, command in _COMPRESSED:
        if re.match(magic, head):
            action = (
                "extract the vector file" if command == "unzip" else "decompress it"
            )
            raise ValueError(
                f"word-vector file {str(path)!r} is {what}: {action} first "
                f"(e.g. {command} {shlex.quote(str(path))}) and pass the text file"
            )


def _check_encoding(encoding, owner, path):
    """Refuse an ``encoding`` Python does not know as a text encoding, or
    one that is not ASCII-compatible: the file is split into lines at the
    byte ``b"\\n"`` before decoding, which UTF-16 and UTF-32 do not write
    as the newline alone."""
    try:
        codecs.lookup(encoding)
        ascii_compatible = b"a b\n".decode(encoding) == "a b\n"
    except LookupError:  # unknown, or a bytes codec ("hex", "rot13")
        raise ValueError(
            f"{owner}: encoding {encoding!r} is not a known text encoding"
        ) from None
    except UnicodeError:  # UTF-32: not 4 bytes of a character
        ascii_compatible = False
    if not ascii_compatible:
        iconv = codecs.lookup(encoding).name.upper()
        iconv = iconv.replace("-LE", "LE").replace("-BE", "BE")
        source = Path(os.fspath(path))
        target = source.with_name(f"{source.stem}.utf8{source.suffix}")
        raise ValueError(
            f"{owner}: encoding {encoding!r} is not ASCII-compatible (a newline "
            "is not the single byte b'\\n', as in UTF-16 and UTF-32), and "
            "vector files are read line by line: convert the file to UTF-8 "
            f"first (e.g. iconv -f {iconv} -t UTF-8 {shlex.quote(str(source))} "
            f"> {shlex.quote(str(target))}) and pass encoding='utf-8'"
        )


def _values(parts):
    """A line's values as float32, or None when one is not a finite number."""
    try:
        with np.errstate(over="ignore"):  # inf: refused below
            row = np.array(parts, dtype=np.float32)
    except ValueError:
        return None
    return row if np.isfinite(row).all() else None


def _bad_fields(path, lineno, line, dim, header):
    """The error for a line that does not split as 'word v1 ... vd' (``dim``
    None: the first line, which sets the dimension)."""
    fields = line.split(" ") if dim is None else line.rsplit(" ", dim)
    if "\t" in fields[-1] or _tabbed(fields[0]):  # allowed in a word only
        problem = "is tab-separated"
    elif not fields[0]:
        problem = "starts with a space"
    elif "" in fields[1:]:
        problem = "has values separated by more than one space"
    elif dim is None:
        return ValueError(
            f"{_describe_line(path, lineno)}: a word without values "
            f"({line[:40]!r}); expected 'word v1 v2 ...' (GloVe) or a "
            "'count dim' header (word2vec, fastText)"
        )
    else:
        got = len(line.split()) - 1
        where = "header" if header else "first line"
        return ValueError(
            f"{_describe_line(path, lineno)}: {got} value(s) after the word, "
            f"expected {dim} (the dimension set by the {where})"
        )
    expected = (
        "a word and its values" if dim is None else f"{dim} values after the word"
    )
    return ValueError(
        f"{_describe_line(path, lineno)}: the line {problem} ({line[:40]!r}); "
        f"expected {expected}, separated by single spaces"
    )


def read_word_vectors(path, words=None, *, encoding="utf-8"):
    """Read a word-vector file in the text format of word2vec, GloVe or
    fastText.

    Each line is a word followed by its values, separated by single spaces
    (a trailing space, as fastText writes, is allowed; tabs or runs of
    spaces between values are refused). A word may contain spaces, unless a
    part after a space is a number: that line has too many values. word2vec
    and fastText ``.vec`` files start with a header line ``"<count> <dim>"``;
    GloVe files have none: the header is detected (a first line of exactly
    two integers) and, when present, its count and dimension are checked.
    Every line's layout and dimension are checked; the values are parsed
    (finite float32 numbers written in ASCII decimal, as such files write
    them: not ``1_000`` nor other scripts' digits, which Python's ``float``
    takes) for the kept words only. Words are compared and returned in
    Unicode NFC form (accents composed with their letters), whichever form
    the file and ``words`` write them in.

    Parameters
    ----------
    path : str or path-like
        The vector file (text format; compressed files and the binary
        word2vec format are not read).
    words : set of str or None, default=None
        Keep only the vectors of these words (the file is still read whole,
        every line's dimension checked, and the values of these words
        parsed); None keeps every word.
    encoding : str, default="utf-8"
        The file's text encoding: one that writes ASCII as ASCII (UTF-8,
        Latin-1, cp1252, ...); UTF-16 and UTF-32 are refused (convert such a
        file to UTF-8 first).

    Returns
    -------
    vocabulary : dict of str to int
        Each kept word (in NFC form) and its row in ``vectors``, in file
        order. A word listed twice (in either form) keeps its first vector.
    vectors : ndarray of shape (n_words, dim), dtype float32
    info : dict
        ``format`` (``"word2vec"`` with a header, ``"glove"`` without),
        ``n_vectors`` (lines read), ``dim`` and ``sha256`` (of the file's
        bytes).

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ValueError
        Naming the file and the line: a line whose number of values differs
        from the dimension or whose values are not separated by single
        spaces (tabs, runs of spaces), a value that is not a finite float32
        number in ASCII decimal (checked for the kept words), bytes that are
        not ``encoding``, a header whose count does not match the file, a
        compressed, binary or empty file; an ``encoding`` that is unknown or
        not ASCII-compatible (UTF-16, UTF-32).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skmultimodal.text import read_word_vectors
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.txt"
    >>> _ = path.write_text("cat 1 0\\ndog 0 1\\nbird 1 1\\n", encoding="utf-8")
    >>> vocabulary, vectors, info = read_word_vectors(path, {"dog", "cat"})
    >>> vocabulary, info["format"], info["dim"]
    ({'cat': 0, 'dog': 1}, 'glove', 2)
    """
    path = Path(os.fspath(path))
    if not path.is_file():
        raise FileNotFoundError(
            f"word-vector file {str(path)!r} does not exist (or is not a file)"
        )
    _check_encoding(encoding, "read_word_vectors", path)
    if isinstance(words, str | bytes):  # a set of its characters otherwise
        raise TypeError(
            "read_word_vectors: words is a set of words, not one "
            f"{type(words).__name__} ({words!r:.40}); pass {{{words!r:.40}}}"
        )
    if words is not None:  # compared in NFC form, as the file's words
        words = set(map(_nfc, words))
    digest = hashlib.sha256()
    vocabulary: dict[str, int] = {}
    rows: list[np.ndarray] = []
    dim = header = None
    n_vectors = 0
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            digest.update(raw)
            if lineno == 1:
                _check_not_compressed(path, raw)
            if b"\x00" in raw and lineno == 1 and raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raise ValueError(  # a byte-order mark of UTF-16
                    f"{_describe_line(path, lineno)}: the file is UTF-16 text "
                    "(it starts with UTF-16's byte-order mark); convert it to "
                    "UTF-8 (iconv -f UTF-16 -t UTF-8 IN > OUT)"
                )
            if b"\x00" in raw:
                raise ValueError(
                    f"{_describe_line(path, lineno)}: NUL bytes; this looks like a "
                    "binary file (the binary word2vec format is not supported: "
                    "use a text-format .txt/.vec file)"
                )
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"{_describe_line(path, lineno)}: bytes that are not "
                    f"{encoding} (at byte {exc.start} of the line: "
                    f"{raw[exc.start : exc.start + 4]!r}); pass the file's "
                    "encoding as encoding=..., or a text-format vector file "
                    "(the binary word2vec format is not supported)"
                ) from None
            if lineno == 1:
                line = line.removeprefix("\ufeff")  # a byte-order mark
            line = line.rstrip()
            if not line:
                continue  # blank lines (e.g. at the end) carry nothing
            if dim is None:
                fields = line.split(" ")
                if len(fields) == 2 and all(map(_is_count, fields)):
                    header = (int(fields[0]), int(fields[1]))
                    dim = header[1]
                    if dim < 1:
                        raise ValueError(
                            f"{_describe_line(path, lineno)}: the header "
                            f"{line!r} announces dimension {dim}"
                        )
                    continue
                if len(fields) < 2 or "" in fields or _tabbed(fields[0]):
                    raise _bad_fields(path, lineno, line, None, header)
                # the values are the numbers that end the line: the word may
                # hold spaces ("new york"), but no number after one
                dim = 0
                while dim < len(fields) - 1 and _DECIMAL.fullmatch(fields[-1 - dim]):
                    dim += 1
                if not dim or any(map(_is_number, fields[1 : len(fields) - dim])):
                    raise ValueError(
                        f"{_describe_line(path, lineno)}: the value "
                        f"{fields[-1 - dim]!r} is not a number written in ASCII "
                        f"decimal ({line[:40]!r}); expected 'word v1 v2 ...'"
                    )
            parts = line.rsplit(" ", dim)
            # a word may hold spaces (a few GloVe words do), but not numbers
            # after one: then the line has too many values
            spilled = " " in parts[0] and any(
                _is_number(f) for f in parts[0].split(" ")[1:]
            )
            if len(parts) != dim + 1 or not parts[0] or "" in parts[1:] or spilled:
                raise _bad_fields(path, lineno, line, dim, header)
            n_vectors += 1
            word = _nfc(parts[0])  # the file's may be NFD
            # the values are parsed for the kept words only: parsing every
            # line would cost several times the read of a large file
            if (words is None or word in words) and word not in vocabulary:
                row = None
                if not _NOT_DECIMAL.search(line, len(parts[0]) + 1):
                    row = _values(parts[1:])
                if row is None:
                    bad = [v for v in parts[1:] if not _DECIMAL.fullmatch(v)]
                    raise ValueError(
                        f"{_describe_line(path, lineno)}: the values of {word!r} "
                        "are not all finite numbers (float32) written in ASCII "
                        f"decimal{f' ({bad[0]!r})' if bad else ''}"
                    )
                rows.append(row)
                vocabulary[word] = len(vocabulary)
    if dim is None:
        raise ValueError(f"word-vector file {str(path)!r} holds no vector")
    if header is not None and header[0] != n_vectors:
        raise ValueError(
            f"word-vector file {str(path)!r}: the header announces {header[0]} "
            f"vectors, the file holds {n_vectors} (truncated or edited?)"
        )
    vectors = np.vstack(rows) if rows else np.zeros((0, dim), dtype=np.float32)
    info = {
        "format": "word2vec" if header is not None else "glove",
        "n_vectors": n_vectors,
        "dim": dim,
        "sha256": digest.hexdigest(),
    }
    return vocabulary, vectors, info


class WordVectorFeatures(TextColumnMixin, TransformerMixin, BaseEstimator):
    """Pooled pretrained word vectors of texts.

    Registered as the ``"word_vectors"`` text feature method
    (``TextFeatures(method="word_vectors", method_params={"path": ...})``).
    Texts are split into tokens as scikit-learn's vectorizers do (same
    ``token_pattern`` and ``lowercase``); each text becomes the mean of
    the vectors of its known tokens, plain or TF-IDF weighted.

    Parameters
    ----------
    path : str or path-like, default=None
        A vector file in the text format of word2vec, GloVe or fastText
        (``.vec``): one ``word v1 ... vd`` line per word, with or without a
        ``"count dim"`` header line (detected). Read in ``fit`` only.
    pooling : {"mean", "tfidf"}, default="mean"
        ``"mean"``: the mean of the vectors of the known tokens, a token
        counted as often as it occurs. ``"tfidf"``: the mean weighted by
        each word's ``tf * idf``, the IDF fitted on the training texts by
        scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfTransformer`
        (``idf(t) = ln((1 + n) / (1 + df(t))) + 1``).
    lowercase : bool, default=True
        Lower-case texts before tokenizing (as scikit-learn's vectorizers).
        Set it to False for case-sensitive vectors (word2vec's).
    token_pattern : str, default=r"(?u)\\b\\w\\w+\\b"
        Regular expression of a token (scikit-learn's default: two or more
        word characters).
    encoding : str, default="utf-8"
        The vector file's encoding: one that writes ASCII as ASCII (UTF-8,
        Latin-1, cp1252, ...). UTF-16 and UTF-32 are refused in ``fit``
        (the file is read line by line at the newline byte): convert such
        a file to UTF-8 first (e.g. ``iconv -f UTF-16 -t UTF-8``).
    warn_oov_rate : float in [0, 1] or None, default=0.5
        Warn (:class:`TextEmbeddingWarning`) when more than this share of
        the tokens of the texts given to ``transform`` are out of the
        vocabulary, a sign of a mismatched file or tokenization (one warning
        per call); None never warns. The rate of the texts ``fit`` was
        given is kept in ``oov_rate_``.

    Attributes
    ----------
    vocabulary_ : dict of str to int
        The words kept: those of the training texts found in the file, and
        their row in ``vectors_``.
    vectors_ : ndarray of shape (n_words, dim), dtype float32
        Their vectors.
    tfidf_ : TfidfTransformer or None
        The fitted IDF weighting (``pooling="tfidf"``), over ``vocabulary_``.
    n_tokens_ : int
        Tokens in the texts ``fit`` was given.
    n_oov_ : int
        Of those, tokens not in the file (out of vocabulary).
    oov_rate_ : float
        ``n_oov_ / n_tokens_`` (0.0 when there is no token). In a fusion
        whose ``missing`` is not ``"raise"``
        (:class:`~skmultimodal.fusion.ModalityFusion` and
        :func:`~skmultimodal.make_multimodal_pipeline` with ``"zero"``,
        ``"mean"`` or ``"indicator"``,
        :class:`~skmultimodal.fusion.LateFusionClassifier` with ``"skip"``),
        the branch is fitted on every row, then refitted without the texts
        that have no known word (missing rows): the fitted extractor's
        three counts are those of the texts with at least one known word,
        leaving out every token of the texts left out (all out of
        vocabulary), so its ``oov_rate_`` is lower than the training
        texts' and may be 0.0. The rate over all the training texts is the
        one reported by the :class:`TextEmbeddingWarning` of the first fit,
        when above ``warn_oov_rate``.
    vectors_info_ : dict
        The file read: ``path``, ``format`` (``"word2vec"`` with a header
        line, ``"glove"`` without), ``n_vectors``, ``dim`` and ``sha256``.
    n_features_in_ : int
        Always 1: one text column.
    feature_names_in_ : ndarray of shape (1,)
        The column name, when fitted on a one-column DataFrame with a string
        column name; ``transform`` refuses a DataFrame with another column
        name, as scikit-learn's transformers do.

    See Also
    --------
    TextFeatures : uses it as ``method="word_vectors"``.
    read_word_vectors : the file reader.

    Notes
    -----
    **Memory.** ``fit`` reads the whole file once (checking every line) but
    keeps only the vectors of words that occur in the training texts; the
    file is not needed after ``fit`` (the fitted estimator holds those
    vectors and pickles or saves with them). Consequently a word met in
    ``transform`` but not in the training texts is out of vocabulary even
    if the file has it, exactly as for scikit-learn's vectorizers (and, for
    ``"tfidf"``, it would have no IDF). Fit on texts representative of
    those to transform.

    **Missing rows.** A text with no known token (empty, missing or only
    out-of-vocabulary words) gives a row that is entirely NaN, the
    library's missing-modality row (see
    :class:`~skmultimodal.fusion.ModalityFusion`'s ``missing``), and one
    :class:`TextEmbeddingWarning` naming those rows. An ``X`` of 0 rows
    raises a ValueError in ``fit`` and ``transform`` alike.

    **Formats.** The binary word2vec format (``.bin``) and fastText's
    ``.bin`` models are not read: they carry no lines, so a damaged file
    cannot be reported by line, and fastText's ``.bin`` is a model, not a
    vector table. Convert them to the text format once (fastText ships
    ``.vec`` files beside its ``.bin`` models).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skmultimodal.text import WordVectorFeatures
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.vec"
    >>> _ = path.write_text("2 2\\ncat 1 0\\ndog 0 1\\n", encoding="utf-8")
    >>> wv = WordVectorFeatures(path=path).fit(["cat dog", "dog"])
    >>> wv.transform(["cat dog", "dog dog"])
    array([[0.5, 0.5],
           [0. , 1. ]])
    >>> wv.get_feature_names_out()
    array(['wordvec0', 'wordvec1'], dtype=object)
    """

    _parameter_constraints: dict = {
        "path": [str, os.PathLike, None],
        "pooling": [StrOptions({"mean", "tfidf"})],
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "encoding": [str],
        "warn_oov_rate": [Interval(Real, 0, 1, closed="both"), None],
    }
    #: parameters that act in transform only: TextFeatures uses a change of
    #: them after fit (any other change needs a refit)
    _transform_time_params = ("warn_oov_rate",)

    def __init__(
        self,
        path=None,
        *,
        pooling="mean",
        lowercase=True,
        token_pattern=_DEFAULT_TOKEN_PATTERN,
        encoding="utf-8",
        warn_oov_rate=0.5,
    ):
        self.path = path
        self.pooling = pooling
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.encoding = encoding
        self.warn_oov_rate = warn_oov_rate

    def _analyzer(self):
        return build_analyzer(
            self._name(),
            lowercase=self.lowercase,
            token_pattern=self.token_pattern,
        )

    def _counts(self, texts):
        """Counts of the known tokens (sparse, one column per vocabulary
        word) and the number of tokens of each text."""
        analyze = self._analyzer()
        vocabulary = self.vocabulary_
        indptr, indices, n_tokens = [0], [], np.zeros(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            tokens = analyze(text)
            n_tokens[i] = len(tokens)
            indices.extend(vocabulary[t] for t in tokens if t in vocabulary)
            indptr.append(len(indices))
        counts = sparse.csr_matrix(
            (np.ones(len(indices)), np.asarray(indices, dtype=np.int64), indptr),
            shape=(len(texts), len(vocabulary)),
        )
        counts.sum_duplicates()
        return counts, n_tokens

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Read the vectors of the training texts' words; fit the IDF.

        Parameters
        ----------
        X : Series, one-column DataFrame, list or 1-D array of str
        y : ignored

        Returns
        -------
        self : WordVectorFeatures
        """
        owner = self._name()
        texts, _ = check_texts(X, owner=owner, action="fit")
        check_column_name(self, X, reset=True)  # a DataFrame's column name
        if self.path is None:
            raise ValueError(
                f"{owner}: path is None; give the word-vector file, e.g. "
                'method_params={"path": "glove.6B.100d.txt"}'
            )
        _check_encoding(self.encoding, owner, self.path)
        analyze = self._analyzer()
        words = set()
        for text in texts:
            words.update(analyze(text))
        if not words:
            raise ValueError(
                f"{owner}: the {len(texts)} text(s) of X hold no token (every "
                "text empty or missing, or no match of token_pattern "
                f"{self.token_pattern!r}); nothing to look up in the word vectors"
            )
        vocabulary, vectors, info = read_word_vectors(
            self.path, words, encoding=self.encoding
        )
        if not vocabulary:
            shown = ", ".join(repr(w) for w in sorted(words)[:5])
            raise ValueError(
                f"{owner}: none of the {len(words)} distinct tokens of X ({shown}"
                f"{', ...' if len(words) > 5 else ''}) is in {str(self.path)!r}; "
                "check the file, lowercase and token_pattern"
            )
        self.vocabulary_ = vocabulary
        self.vectors_ = vectors
        self.vectors_info_ = {"path": os.fspath(self.path), **info}
        counts, n_tokens = self._counts(texts)
        self.tfidf_ = (
            TfidfTransformer(norm=None).fit(counts) if self.pooling == "tfidf" else None
        )
        self.n_tokens_ = int(n_tokens.sum())
        self.n_oov_ = self.n_tokens_ - int(counts.sum())
        self.oov_rate_ = self.n_oov_ / self.n_tokens_ if self.n_tokens_ else 0.0
        return self

    def _warn_oov(self, n_oov, n_tokens):
        rate = n_oov / n_tokens if n_tokens else 0.0
        if self.warn_oov_rate is not None and rate > self.warn_oov_rate:
            warn_at_caller(
                f"{self._name()}: {n_oov} of the {n_tokens} tokens of "
                f"these texts ({rate:.0%}) are out of the vocabulary of "
                f"{self.vectors_info_['path']!r} (vocabulary: words of the "
                "training texts found in the file); check the file, lowercase "
                "and token_pattern (warn_oov_rate=None silences this)",
                TextEmbeddingWarning,
            )

    def transform(self, X):
        """The pooled vector of each text; all NaN for a text with no known
        token.

        Parameters
        ----------
        X : Series, one-column DataFrame, list or 1-D array of str

        Returns
        -------
        features : ndarray of shape (n_samples, dim), dtype float64

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
        owner = self._name()
        texts, labels = check_texts(X, owner=owner, action="transform")
        check_column_name(self, X, reset=False)  # as fitted, as scikit-learn
        counts, n_tokens = self._counts(texts)
        weights = counts if self.tfidf_ is None else self.tfidf_.transform(counts)
        weights = sparse.csr_matrix(weights, dtype=np.float64)
        totals = np.asarray(weights.sum(axis=1)).ravel()
        out = np.asarray(weights @ self.vectors_.astype(np.float64))
        known = totals > 0
        out[known] /= totals[known, None]
        out[~known] = np.nan
        total = int(n_tokens.sum())
        self._warn_oov(total - int(counts.sum()), total)
        missing = np.flatnonzero(~known)
        if missing.size:
            failures = [
                (
                    i,
                    "no token"
                    if n_tokens[i] == 0
                    else f"{n_tokens[i]} token(s), none in the vocabulary",
                )
                for i in missing
            ]
            shown = describe_failures(labels, failures)
            warn_at_caller(
                f"{self._name()}: left {missing.size} text(s) with no known "
                f"word as missing rows (all NaN): {shown}",
                TextEmbeddingWarning,
            )
        return out

    def get_feature_names_out(self, input_features=None):
        """``wordvec0`` ... ``wordvec{dim-1}``.

        Parameters
        ----------
        input_features : ignored

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        dim = self.vectors_.shape[1]
        return np.array([f"wordvec{i}" for i in range(dim)], dtype=object)
