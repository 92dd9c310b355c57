"""TextFeatures: a named text feature extractor from the plugin registry."""

from __future__ import annotations

import numbers
import reprlib
import warnings

import joblib
import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils._param_validation import HasMethods
from sklearn.utils._set_output import _wrap_data_with_container
from sklearn.utils.validation import check_is_fitted

from skmultimodal.utils._validation import (
    NamedMethodParams,
    check_column_name,
    with_row_positions,
)

from ._validation import (
    TextColumnMixin,
    check_texts,
    check_token_pattern,
    messages_name,
)

#: The starts of scikit-learn's messages for min_df/max_df that prune every
#: term of a vectorizer's vocabulary.
_PRUNED = ("After pruning, no terms remain", "max_df corresponds to < documents")


def _public_name(estimator):
    """The class name that messages give: the first public one of its
    classes (``TextFeatures`` for the default text branch's private one)."""
    return next(c.__name__ for c in type(estimator).__mro__ if c.__name__[0] != "_")


def _same_param(a, b):
    """Whether two values of an extractor's parameter are the same: an
    estimator by its class and parameters (fitted or not), lists, tuples and
    dicts item by item, anything else by ``==`` or, where that fails (an
    array, an object without ``__eq__`` that ``clone`` copied), by content."""
    if hasattr(a, "get_params") and not isinstance(a, type):
        return type(a) is type(b) and _same_param(
            a.get_params(deep=False), b.get_params(deep=False)
        )
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same_param, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_param(a[k], b[k]) for k in a)
    try:
        if a is b or bool(a == b):
            return True
    except Exception:  # an array's == is element-wise
        pass
    try:
        return joblib.hash(a) == joblib.hash(b)
    except Exception:  # values that cannot be compared count as changed
        return False


def _labelled(X, texts):
    """``texts`` (the checked texts of ``X``) with the index labels and row
    positions of ``X``, for an extractor that names rows in its messages."""
    if isinstance(X, pd.Series | pd.DataFrame):
        out = pd.Series(texts, index=X.index, dtype=object)
        out.attrs = dict(X.attrs)
        return out
    positions = getattr(X, "row_positions", None)
    if positions is not None and len(positions) == len(texts):
        return with_row_positions(list(texts), positions)
    return texts


class HashingTextFeatures(HashingVectorizer):
    """scikit-learn's ``HashingVectorizer`` with feature names.

    Registered as the ``"hashing"`` text feature extractor. Identical to
    :class:`sklearn.feature_extraction.text.HashingVectorizer` (same
    parameters, same output); it only adds ``get_feature_names_out``, which
    returns ``hash0`` ... ``hash{n_features-1}``.

    Examples
    --------
    >>> from skmultimodal.text import TextFeatures
    >>> TextFeatures(method="hashing", method_params={"n_features": 8}).fit_transform(
    ...     ["a red cat"]
    ... ).shape
    (1, 8)
    """

    def get_feature_names_out(self, input_features=None):
        """``hash0`` ... ``hash{n_features-1}``.

        Parameters
        ----------
        input_features : ignored

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        return np.array([f"hash{i}" for i in range(self.n_features)], dtype=object)


class TextFeatures(
    NamedMethodParams,
    TextColumnMixin,
    TransformerMixin,
    BaseEstimator,
    auto_wrap_output_keys=None,
):
    """Feature vectors of texts by a named (pluggable) extractor.

    ``method`` names an extractor of the ``"text_features"`` registry
    (built-ins below; plugins add more) or is an unfitted transformer
    instance. TextFeatures applies the project's text input rules, then
    delegates to the extractor:

    - ``"tfidf"`` (default): scikit-learn's own
      :class:`~sklearn.feature_extraction.text.TfidfVectorizer`, sparse
      output, feature names are the vocabulary terms;
    - ``"count"``: :class:`~sklearn.feature_extraction.text.CountVectorizer`;
    - ``"hashing"``: ``HashingVectorizer`` (stateless; names ``hash<i>``).

    Parameters
    ----------
    method : str or transformer instance, default="tfidf"
        Registered name (built in: ``"tfidf"``, ``"count"``, ``"hashing"``,
        ``"word_vectors"`` (:class:`WordVectorFeatures`) and
        ``"keras_encoder"`` (a user's ``.keras`` text encoder); plugins add
        more), or an estimator with ``fit`` and ``transform``
        taking a 1-D sequence of strings (it is cloned, never fitted in
        place; its parameters are searchable as ``method__<param>``).
    method_params : dict or None, default=None
        Keyword arguments for the extractor, e.g.
        ``{"ngram_range": (1, 2), "min_df": 2}`` for "tfidf". With an
        instance ``method`` they are applied with ``set_params`` to its clone
        (the instance itself is left as it is). A key that is not a
        parameter of the extractor is a ValueError naming the valid ones.

    Attributes
    ----------
    extractor_ : transformer
        The fitted extractor.
    n_features_in_ : int
        Always 1: one text column.
    feature_names_in_ : ndarray of shape (1,)
        The column name, when fitted on a one-column DataFrame with a string
        column name; ``transform`` refuses a DataFrame with another column
        name, as scikit-learn's transformers do.

    See Also
    --------
    TextCleaner : normalise texts first.
    TextSequencer : token-id sequences for neural models.

    Notes
    -----
    Missing texts (None, NaN, ``pandas.NA``, NaT) become ``""`` before the
    extractor sees them; any other non-string value raises a ValueError
    naming the row. An ``X`` of 0 rows raises a ValueError in ``fit`` and
    ``transform`` alike, whatever the method. TF-IDF is computed by
    scikit-learn (never re-implemented here): with its defaults,
    ``idf(t) = ln((1 + n) / (1 + df(t))) + 1`` and each row is
    L2-normalised. The output of "tfidf", "count" and "hashing"
    is a sparse matrix, returned as it is whatever ``set_output`` (or
    scikit-learn's global ``transform_output``) says, as scikit-learn's
    vectorizers return it; scale it with e.g. ``MaxAbsScaler``. A dense
    output follows ``set_output``.

    ``method`` and ``method_params`` changed with ``set_params`` after fit
    are checked by :meth:`transform` as fit checks them; a valid change is
    refused there (refit: the fitted vocabulary, or the loaded model, cannot
    follow it), but for a parameter that only acts in ``transform``
    (``batch_size`` of ``"keras_encoder"``, ``warn_oov_rate`` of
    ``"word_vectors"``), which is used.

    Examples
    --------
    >>> from skmultimodal.text import TextFeatures
    >>> tf = TextFeatures(method_params={"ngram_range": (1, 1)})
    >>> Z = tf.fit_transform(["red cat", "red dog", None])
    >>> Z.shape
    (3, 3)
    >>> tf.get_feature_names_out()
    array(['cat', 'dog', 'red'], dtype=object)
    """

    _parameter_constraints: dict = {
        "method": [str, HasMethods(["fit", "transform"])],
        "method_params": [dict, None],
    }

    def __init__(self, method="tfidf", *, method_params=None):
        self.method = method
        self.method_params = method_params

    def _make_extractor(self):
        from skmultimodal.plugins import get_registry

        return get_registry("text_features").create(self.method, self.method_params)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit the extractor on the texts.

        Parameters
        ----------
        X : Series, one-column DataFrame, list or 1-D array of str
        y : array-like of shape (n_samples,), default=None
            Passed to the extractor.

        Returns
        -------
        self : TextFeatures
        """
        self._fit(X, y)
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X, y=None):
        """Fit the extractor and return the features of ``X``.

        Same result as ``fit(X, y).transform(X)``, in one pass.

        Parameters
        ----------
        X : Series, one-column DataFrame, list or 1-D array of str
        y : array-like of shape (n_samples,), default=None

        Returns
        -------
        features : sparse matrix or ndarray of shape (n_samples, n_features)
        """
        return self._dense_output(self._fit(X, y, transform=True), X)

    def _dense_output(self, out, X):
        """``out`` in the container ``set_output`` asks for when it is dense;
        a sparse matrix as it is (as scikit-learn's vectorizers return it)."""
        if sp.issparse(out):
            return out
        return _wrap_data_with_container("transform", out, X, self)

    def _extractor_messages_name(self):
        """The name the extractor's messages give (a text transformer of
        this package, see :func:`messages_name`): this TextFeatures and its
        method, e.g. ``TextFeatures(method='word_vectors')``."""
        return f"{_public_name(self)}(method={self._method_label()})"

    def _method_label(self):
        """``method`` in messages: ``'tfidf'``, or an instance's class name."""
        label = self.method
        return repr(label) if isinstance(label, str) else type(label).__name__

    def _extractor_input(self, extractor, X, texts):
        """What the extractor is given: the checked texts, with the labels of
        ``X`` for one of the project's text transformers (which names rows
        in its messages)."""
        if not isinstance(extractor, TextColumnMixin):
            return texts
        return _labelled(X, texts)

    def _fit(self, X, y, transform=False):
        owner = _public_name(self)
        texts, _ = check_texts(X, owner=owner, action="fit")
        check_column_name(self, X, reset=True)  # a DataFrame's column name
        extractor = self._make_extractor()  # a fresh one, never the user's
        if hasattr(extractor, "set_output"):
            # this TextFeatures' set_output gives the container, not the
            # extractor's (nor scikit-learn's global one through it)
            try:
                extractor.set_output(transform="default")
            except ValueError:
                # a Pipeline whose vectorizer has no set_output: scikit-learn
                # cannot configure it, and its steps give what they give
                pass
        given = self._extractor_input(extractor, X, texts)
        pattern = getattr(extractor, "token_pattern", None)
        if isinstance(pattern, str):  # checked now: a hashing one is at transform
            check_token_pattern(owner, pattern, f" of method {self._method_label()}")
        try:
            with messages_name(extractor, self._extractor_messages_name()):
                if transform and hasattr(extractor, "fit_transform"):
                    out = extractor.fit_transform(given, y)
                else:
                    extractor.fit(given, y)
                    out = extractor.transform(given) if transform else None
        except ValueError as exc:
            # scikit-learn's vectorizers say only "empty vocabulary; perhaps
            # the documents only contain stop words" or, for min_df/max_df
            # that prune every term, "After pruning, no terms remain" or
            # "max_df corresponds to < documents than min_df": name the
            # estimator, the method and the parameters
            message = str(exc)
            pruned = message.startswith(_PRUNED)
            if not pruned and "empty vocabulary" not in message:
                raise
            label = self._method_label()
            analyzer = getattr(extractor, "analyzer", None)
            if pruned:
                given = ", ".join(
                    f"{p}={getattr(extractor, p)!r}"
                    for p in ("min_df", "max_df", "max_features")
                    if hasattr(extractor, p)
                )
                n = len(texts)
                low, high = (
                    v if isinstance(v, numbers.Integral) else v * n
                    for v in (extractor.min_df, extractor.max_df)
                )
                raise ValueError(
                    f"{owner}: method {label} with {given} keeps no term of the "
                    f"{n} text(s) of X: no term is in at least {low:g} and at "
                    f"most {high:g} of them (a float min_df/max_df is a share "
                    "of the texts, an int a number of texts). Lower min_df or "
                    "raise max_df."
                ) from exc
            if isinstance(analyzer, str):
                label += f" (analyzer={analyzer!r})"
            hint = ""
            if analyzer == "word":
                hint = (
                    " Word analyzers keep words of two or more letters or "
                    "digits: texts of emoji, symbols or single characters hold "
                    "none, while character n-grams (analyzer='char_wb') keep "
                    "them."
                )
            raise ValueError(
                f"{owner}: empty vocabulary; the {len(texts)} text(s) of X hold "
                f"no token that method {label} keeps (every text missing, empty "
                f"or only stop words / 1-character tokens?).{hint}"
            ) from exc
        self.extractor_ = extractor
        # the parameters as an extractor built now has them, never fitted
        # (fit may change a value in place, e.g. a RandomState)
        self._fit_params = self._make_extractor().get_params(deep=False)
        return out

    def _check_extractor_params(self):
        """Check ``method`` and ``method_params`` as fit does, and refuse a
        change since fit (a fitted vocabulary cannot follow it: refit), but
        of the extractor's parameters that only act in ``transform`` (its
        class's ``_transform_time_params``, e.g. a ``batch_size``): those
        are set on the fitted extractor."""
        now = self._make_extractor()  # an unknown key: fit's ValueError
        if hasattr(now, "_parameter_constraints"):
            now._validate_params()  # an invalid value: fit's error
        fitted = self.extractor_
        if fitted is None:  # _OptionalTextFeatures that found no word
            return
        owner = _public_name(self)
        if type(now) is not type(fitted):
            raise ValueError(
                f"{owner}: method changed since fit (the fitted extractor is "
                f"{type(fitted).__name__}, method now gives {type(now).__name__}); "
                "refit it."
            )
        at_fit = getattr(self, "_fit_params", None) or fitted.get_params(deep=False)
        changed = {
            key: value
            for key, value in now.get_params(deep=False).items()
            if not _same_param(value, at_fit.get(key))
        }
        transform_time = getattr(fitted, "_transform_time_params", ())
        if refit := [key for key in changed if key not in transform_time]:
            label = self._method_label()
            what = ", ".join(
                f"{key} from {reprlib.repr(at_fit.get(key))} to "
                f"{reprlib.repr(changed[key])}"
                for key in refit
            )
            raise ValueError(
                f"{owner}: parameters of method {label} changed since fit "
                f"({what}): the fitted extractor (its vocabulary, or the model "
                "it loaded) cannot follow a change; refit it."
            )
        # the transform-time ones as they are now, also when set back to the
        # value fit saw after another transform used a different one
        params, current = now.get_params(deep=False), fitted.get_params(deep=False)
        stale = {
            key: params[key]
            for key in transform_time
            if key in params and not _same_param(params[key], current.get(key))
        }
        if stale:
            fitted.set_params(**stale)

    def transform(self, X):
        """Features of the texts.

        Parameters
        ----------
        X : Series, one-column DataFrame, list or 1-D array of str

        Returns
        -------
        features : sparse matrix or ndarray of shape (n_samples, n_features)

        Raises
        ------
        ValueError
            ``X`` has 0 rows (whatever the method, as in ``fit``), or holds
            a value that is neither a string nor missing; ``X`` is a
            DataFrame whose column name differs from ``feature_names_in_``;
            or a parameter set since fit is invalid (checked as fit checks
            it); or
            ``method`` or ``method_params`` changed since fit (refit), but
            for a parameter that only acts here, such as the
            ``batch_size`` of ``"keras_encoder"``, which is used.
        """
        check_is_fitted(self)
        self._validate_params()  # parameters may have changed since fit
        self._check_extractor_params()
        return self._dense_output(self._transform(X), X)

    def _transform(self, X):
        owner = _public_name(self)
        texts, _ = check_texts(X, owner=owner, action="transform")
        check_column_name(self, X, reset=False)  # as fitted, as scikit-learn
        given = self._extractor_input(self.extractor_, X, texts)
        with messages_name(self.extractor_, self._extractor_messages_name()):
            return self.extractor_.transform(given)

    def get_feature_names_out(self, input_features=None):
        """The extractor's feature names (for "tfidf": the vocabulary terms).

        Parameters
        ----------
        input_features : ignored

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        return np.asarray(self.extractor_.get_feature_names_out(), dtype=object)


# transform and fit_transform give set_output's container themselves, to a
# dense output only (TextFeatures is not wrapped by scikit-learn, which
# refuses a sparse output under pandas output); set_output stays available
TextFeatures._sklearn_auto_wrap_output_keys = {"transform"}


class _OptionalTextFeatures(TextFeatures):
    """:class:`TextFeatures` that may find no token: the word part of
    ``make_multimodal_pipeline``'s default text branch. Texts without any
    word (emoji, symbols, single characters) leave it empty, zero columns
    and one warning, rather than failing the branch, whose character
    n-grams still describe them."""

    def _fit(self, X, y, transform=False):
        try:
            return super()._fit(X, y, transform=transform)
        except ValueError as exc:
            if "empty vocabulary" not in str(exc):
                raise
        texts, _ = check_texts(X, owner=_public_name(self))
        warnings.warn(
            f"the word TF-IDF of the default text branch found no word in the "
            f"{len(texts)} text(s) (emoji, symbols or single characters only); "
            "the branch describes them by its character n-grams alone",
            UserWarning,
            stacklevel=2,
        )
        self.extractor_ = None
        return sp.csr_matrix((len(texts), 0)) if transform else None

    def _transform(self, X):
        if self.extractor_ is not None:
            return super()._transform(X)
        texts, _ = check_texts(X, owner=_public_name(self), action="transform")
        check_column_name(self, X, reset=False)
        return sp.csr_matrix((len(texts), 0))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        if self.extractor_ is None:
            return np.asarray([], dtype=object)
        return super().get_feature_names_out(input_features)
