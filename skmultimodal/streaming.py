"""Out-of-core training of a fused model (linear, or the attention
network): tables larger than memory, read a chunk of rows at a time.

:func:`make_out_of_core_pipeline` builds the model, an ordinary scikit-learn
``Pipeline([("fusion", ModalityFusion(method="concat")), ("classifier",
SGDClassifier(loss="log_loss"))])`` whose every feature statistic can be
learnt from one chunk at a time; ``pipe.fit(X, y)`` fits it in memory.
:func:`fit_out_of_core` fits the same pipeline from an iterable of
``(X, y)`` chunks without ever holding more than one chunk:

1. one streaming pass fits the feature statistics: the image features'
   :class:`~sklearn.preprocessing.StandardScaler` with ``partial_fit``, the
   tabular numeric columns' scaler likewise, the categories of the tabular
   categorical columns, the class list and counts, and the fill values of
   the missing-modality policy; texts go through a stateless
   :class:`~sklearn.feature_extraction.text.HashingVectorizer`, which needs
   no vocabulary;
2. ``epochs`` passes train the classifier with ``partial_fit`` on each
   chunk's fused features; with ``classifier="attention"``, Keras trains
   :class:`~skmultimodal.models.MultimodalAttentionClassifier` for
   ``epochs`` epochs from a ``keras.utils.PyDataset`` that reads the chunks
   in order and cuts their fused features into mini-batches
   (:meth:`~skmultimodal.models.MultimodalAttentionClassifier.fit_chunks`).

:func:`csv_chunks` reads a CSV that way (what ``skmultimodal train
--chunk-size N`` does).

Why ``concat``: the builder's default fusion method, ``stack``, fits one
expert per modality on out-of-fold predictions, i.e. it needs every row of
a fold at once, and its meta-learner is fitted on the experts' predictions
for all rows; neither can be learnt a chunk at a time. ``concat`` only
places the blocks side by side, which needs no statistic at all.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from numbers import Integral, Real
from pathlib import Path

import numpy as np

__all__ = [
    "ATTENTION_HASHING_FEATURES",
    "DEFAULT_HASHING_FEATURES",
    "csv_chunks",
    "fit_out_of_core",
    "make_out_of_core_pipeline",
]

DEFAULT_HASHING_FEATURES = 2**16
"""Columns of each hashed text block (words, character n-grams) of
:func:`make_out_of_core_pipeline`: 2**16. More columns mean fewer
collisions but a larger model: the fitted pipeline keeps a name and a
coefficient per class for every column (a ``.skops`` file stores each
name as its own entry)."""
ATTENTION_HASHING_FEATURES = 2**14
"""Columns of each hashed text block with ``classifier="attention"``: 2**14.
The network densifies each mini-batch and projects every block with a
dense layer, whose weights grow with the block's width."""


# ------------------------------------------------------------- the model ---
def _text_branch(n_features):
    """Words and character 3-5-grams (within word boundaries), each hashed
    into ``n_features`` columns, L2-normalised rows, kept sparse: the
    default text branch's features without a vocabulary or IDF."""
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline

    from skmultimodal.text import TextFeatures

    common = {"n_features": n_features, "alternate_sign": False, "norm": "l2"}
    words = HashingVectorizer(**common)
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common)
    features = FeatureUnion(
        [("words", TextFeatures(words)), ("chars", TextFeatures(chars))]
    )
    return Pipeline([("features", features), ("scale", "passthrough")])


def _tabular_branch(tabular):
    """The cells read as :func:`~skmultimodal.make_multimodal_pipeline`
    reads them (a missing cell: None, NaN, ``pd.NA`` or an empty or
    whitespace-only text); numeric columns standardised (the scaler ignores
    missing cells), their missing cells then set to 0, the mean;
    categorical ones given their most frequent category for a missing cell
    and one-hot encoded (categories unseen in training ignored)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from skmultimodal.pipeline import _TableCells, _tabular_selectors

    # a list is split by dtype: in fit, or on the first chunk out of core
    numeric, categorical = _tabular_selectors(tabular)
    numbers = Pipeline(
        [
            ("cells", _TableCells("numeric")),
            ("scale", StandardScaler()),
            (
                "impute",
                SimpleImputer(
                    strategy="constant", fill_value=0.0, keep_empty_features=True
                ),
            ),
        ]
    )
    # the in-memory branch's categories: a column empty in every training
    # row is kept, as the one category 0
    categories = Pipeline(
        [
            ("cells", _TableCells("categorical")),
            (
                "impute",
                SimpleImputer(strategy="most_frequent", keep_empty_features=True),
            ),
            ("encode", OneHotEncoder(handle_unknown="ignore")),
        ]
    )
    return ColumnTransformer(
        [("numeric", numbers, numeric), ("categorical", categories, categorical)],
        verbose_feature_names_out=False,
    )


def make_out_of_core_pipeline(
    image="image",
    text="text",
    *,
    tabular=None,
    image_features=None,
    n_features=None,
    missing="raise",
    classifier="sgd",
    epochs=None,
    alpha=1e-4,
    class_weight=None,
    random_state=None,
):
    """Build the fused model that :func:`fit_out_of_core` trains.

    The result is an ordinary, unfitted scikit-learn
    :class:`~sklearn.pipeline.Pipeline` ``[("fusion", ModalityFusion(
    method="concat")), ("classifier", SGDClassifier(loss="log_loss"))]``
    (or the attention network as classifier) whose feature statistics can
    all be learnt one chunk of rows at a time.
    ``pipe.fit(X, y)`` fits it in memory; :func:`fit_out_of_core` fits the
    same features out of core.

    Parameters
    ----------
    image : str, list of str, dict or None, default="image"
        Column(s) of images, as in
        :func:`~skmultimodal.make_multimodal_pipeline` (a dict
        ``{branch name: column}`` names the branches; names are checked
        when the pipeline is built). Each image branch is
        the builder's (by default HOG, an HSV colour histogram and 16x16 RGB
        pixels), standardised by a ``StandardScaler``.
    text : str, list of str, dict or None, default="text"
        Column(s) of texts, likewise. Each text branch hashes words and character
        3-5-grams (``HashingVectorizer``, no vocabulary, no IDF), each into
        ``n_features`` columns, rows L2-normalised.
    tabular : list of str, dict or None, default=None
        Numeric and categorical columns of a ``"tabular"`` branch: a list is
        split by dtype (by the first chunk's dtypes out of core);
        ``{"numeric": [...], "categorical": [...]}`` says which is which.
        The cells are read as :func:`~skmultimodal.make_multimodal_pipeline`
        reads them, with the same categories: a missing cell is None, NaN,
        ``pd.NA`` or an empty or whitespace-only text (never a category); a
        number written as text is that number. Numeric columns are
        standardised (the missing cells ignored), then their missing cells
        set to 0 (the mean); categorical ones give a missing cell their
        most frequent category (a column missing in every row: the one
        category ``0``) and are one-hot encoded.
    image_features : str, transformer or None, default=None
        Image feature extractor, as in
        :func:`~skmultimodal.make_multimodal_pipeline`. Out of core it must
        learn nothing in ``fit`` (HOG, pixels, colour histograms and
        pretrained backbones do not): it is fitted on the first chunk only.
    n_features : int or None, default=None
        Columns of each hashed text block. None: 2**16
        (:data:`DEFAULT_HASHING_FEATURES`), or 2**14
        (:data:`ATTENTION_HASHING_FEATURES`) with ``classifier="attention"``.
    missing : {"raise", "zero", "mean", "indicator"}, default="raise"
        Missing-modality policy of :class:`~skmultimodal.fusion.ModalityFusion`.
        Except with ``"raise"``, an unreadable image is a missing image too.
    classifier : {"sgd", "attention"}, default="sgd"
        ``"sgd"``: ``SGDClassifier(loss="log_loss")``, trained out of core
        with ``partial_fit``. ``"attention"``:
        :class:`~skmultimodal.models.MultimodalAttentionClassifier` with the
        settings of ``make_multimodal_pipeline(estimator="attention")``
        (one token per modality block), trained out of core by its
        ``fit_chunks`` (needs TensorFlow).
    epochs : int or None, default=None
        Passes over the training rows. None: 10 with ``"sgd"``, 20 with
        ``"attention"``. For ``"sgd"`` the classifier's ``max_iter`` (in
        memory, with ``tol=None``) or the number of ``partial_fit`` passes
        over the chunks (out of core); for ``"attention"`` its ``epochs``.
    alpha : float, default=1e-4
        L2 penalty of the ``SGDClassifier`` (not used by ``"attention"``).
    class_weight : dict, "balanced" or None, default=None
        Class weights of the classifier. Out of core, ``"balanced"`` is
        computed from the class counts of the statistics pass (the weights
        applied are the fitted classifier's ``class_weight_``; its parameter
        stays ``"balanced"``, so ``clone`` gives the unfitted model). To go
        on training the fitted classifier with its own ``partial_fit``, set
        its ``class_weight`` to ``class_weight_`` first: with
        ``"balanced"``, ``SGDClassifier`` weighs each later chunk by that
        chunk's own class counts.
    random_state : int or None, default=None
        Seed of the classifier's shuffling within each pass or chunk (and of
        the attention network's weights and dropout).

    Returns
    -------
    pipeline : Pipeline
        Unfitted.

    See Also
    --------
    fit_out_of_core : fit this pipeline from chunks of rows.
    skmultimodal.make_multimodal_pipeline : the in-memory default model.

    Examples
    --------
    >>> from skmultimodal.streaming import make_out_of_core_pipeline
    >>> pipe = make_out_of_core_pipeline(epochs=5)
    >>> pipe.named_steps["fusion"].method
    'concat'
    >>> type(pipe.named_steps["classifier"]).__name__
    'SGDClassifier'
    """
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import Pipeline

    from skmultimodal.fusion import ModalityFusion
    from skmultimodal.fusion._missing_policy import canonical_missing
    from skmultimodal.pipeline import (
        _check_branch_names,
        _check_features,
        _check_tabular,
        _columns,
        _image_branch,
        _Origin,
        _tabular_columns,
    )

    if classifier not in ("sgd", "attention"):
        raise ValueError(f"classifier must be 'sgd' or 'attention', got {classifier!r}")
    attention = classifier == "attention"
    if epochs is None:
        epochs = 20 if attention else 10
    if n_features is None:
        n_features = DEFAULT_HASHING_FEATURES
        if attention:
            n_features = ATTENTION_HASHING_FEATURES
    if not isinstance(epochs, Integral) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs must be an integer of at least 1, got {epochs!r}")
    if (
        not isinstance(n_features, Integral)
        or isinstance(n_features, bool)
        or n_features < 1
    ):
        raise ValueError(f"n_features must be a positive integer, got {n_features!r}")
    if not isinstance(alpha, Real) or alpha <= 0:
        raise ValueError(f"alpha must be a positive number, got {alpha!r}")
    _check_features(image_features, "image_features")
    tabular = _check_tabular(tabular)
    missing = canonical_missing(missing)
    images, texts = _columns(image, "image"), _columns(text, "text")
    if not (images or texts or tabular):
        raise ValueError(
            "At least one of image=, text= and tabular= must name a column."
        )
    on_error = "raise" if missing == "raise" else "missing"
    branches = [
        (name, _image_branch(image_features, None, on_error), column)
        for name, column, _ in images
    ]
    branches += [(name, _text_branch(n_features), column) for name, column, _ in texts]
    if tabular:
        branches.append(
            ("tabular", _tabular_branch(tabular), _tabular_columns(tabular))
        )
    # a classifier after it: another target is refused before any branch
    # is fitted (pipe.fit in memory)
    fusion = ModalityFusion(
        branches,
        method="concat",
        missing=missing,
        estimator_target_types=("binary", "multiclass"),
    )
    origins = [_Origin("image", column, how) for _, column, how in images]
    origins += [_Origin("text", column, how) for _, column, how in texts]
    if tabular:
        origins.append(_Origin("tabular", None, "the branch of tabular=", fixed=True))
    _check_branch_names(
        fusion, origins, {"image": image, "text": text}, "make_out_of_core_pipeline"
    )
    if attention:
        from skmultimodal.models import MultimodalAttentionClassifier
        from skmultimodal.pipeline import ATTENTION_SETTINGS

        settings = {**ATTENTION_SETTINGS, "epochs": int(epochs)}
        network = MultimodalAttentionClassifier(
            **settings, class_weight=class_weight, random_state=random_state
        )
        return Pipeline([("fusion", fusion), ("classifier", network)])
    classifier = SGDClassifier(
        loss="log_loss",
        alpha=alpha,
        max_iter=epochs,
        tol=None,
        class_weight=class_weight,
        random_state=random_state,
    )
    return Pipeline([("fusion", fusion), ("classifier", classifier)])


# ------------------------------------------------------------ the chunks ---
def _dask_chunks(what):
    """The error for a dask collection ``what`` given where the chunks (or
    a chunk) are: what to pass instead."""
    return TypeError(
        f"{what}; fit_out_of_core reads pandas chunks: pass a function "
        "returning them, computed one partition at a time, e.g. lambda: "
        "((p[columns], p[target]) for p in (part.compute() for part in "
        "ddf.partitions))"
    )


def _passes(chunks):
    """A function returning a fresh iterable of the chunks at each call."""
    if hasattr(chunks, "__dask_graph__"):
        raise _dask_chunks(f"chunks is a dask {type(chunks).__name__}")
    if callable(chunks):
        return chunks
    if isinstance(chunks, str | bytes | Path):
        raise TypeError(
            "chunks must be an iterable of (X, y) pairs or a function returning "
            f"one; got the path {str(chunks)!r}: read a CSV with "
            "skmultimodal.streaming.csv_chunks(path, chunk_size=...)"
        )
    try:
        one_shot = iter(chunks) is chunks
    except TypeError:
        from skmultimodal.utils._validation import type_name

        raise TypeError(
            "chunks must be an iterable of (X, y) pairs or a function returning "
            f"one; got {type_name(chunks)}"
        ) from None
    if one_shot:
        raise TypeError(
            "chunks is an iterator, which can be read only once, but "
            "fit_out_of_core reads the chunks 1 + epochs times: pass a function "
            "returning a fresh iterator (e.g. lambda: iter_chunks(...)) or a list"
        )
    return lambda: chunks


def _read(passes, what):
    """Yield ``(k, X, y)`` for each chunk of one pass, checked: the labels of
    every chunk of the type of the first chunk's first label, a row out of
    type named by its position in the pass (counted across the chunks) and
    its index label."""
    import pandas as pd
    from sklearn.utils.multiclass import type_of_target

    from skmultimodal.fusion._columns import check_unique_columns
    from skmultimodal.utils._validation import (
        _Labels,
        check_label_types,
        plain_label,
        to_pandas,
        type_name,
    )

    empty = True
    first, start = None, 0  # the pass's first label; the chunk's first row
    for k, item in enumerate(passes()):
        pair = item if isinstance(item, tuple | list) and len(item) == 2 else ()
        dask = [v for v in (item, *pair) if hasattr(v, "__dask_graph__")]
        if dask:
            kind = f"a dask {type(dask[0]).__name__}"
            raise _dask_chunks(f"chunk {k} of the {what} is (or holds) {kind}")
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise ValueError(
                f"chunk {k} of the {what} is not an (X, y) pair; got {type_name(item)}"
            )
        X, y = item
        X = to_pandas(X, what=f"chunk {k} of the {what}")  # polars, pyarrow, ...
        if not isinstance(X, pd.DataFrame):
            raise TypeError(
                f"chunk {k} of the {what}: X must be a DataFrame (pandas, or "
                f"polars, pyarrow, ...: converted to pandas), got a {type_name(X)}"
            )
        with _in_chunk(k, what):  # a name twice selects two columns
            check_unique_columns(X, "fit_out_of_core")
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != len(X):
            raise ValueError(
                f"chunk {k} of the {what}: y has shape {y.shape} for {len(X)} rows "
                "of X; one label per row is needed"
            )
        if len(X) == 0:
            continue
        empty = False
        nan = pd.isna(y)
        if nan.any():
            raise ValueError(
                f"chunk {k} of the {what}: the label is missing at index "
                f"{_labels(X, nan)}; every row needs a label"
            )
        rows = _Labels(X.index, np.arange(start, start + len(X)))
        try:
            first = check_label_types(y, rows, first=first)
        except ValueError as exc:
            raise ValueError(f"chunk {k} of the {what}: {exc}") from None
        # after the types are checked (type_of_target sorts the labels)
        if type_of_target(y) == "continuous":  # some value not a whole number
            i = int(np.argmax(np.asarray(y, dtype=float) % 1 != 0))
            raise ValueError(
                f"chunk {k} of the {what}: the labels are continuous numbers "
                f"(type_of_target: 'continuous'; {plain_label(y[i])!r} at index "
                f"{plain_label(X.index[i])!r}{_position(X, i)}); out of core a "
                "classifier learns one class per row. Fit a regression target in "
                "memory: make_multimodal_pipeline(estimator='ridge')"
            )
        start += len(X)
        yield k, X, y
    if empty:
        raise ValueError(f"the chunks of the {what} hold no rows")


@contextmanager
def _in_chunk(k, what):
    """Name chunk ``k`` of the pass ``what`` in an input check's error
    raised while processing it (a missing column, a bad cell, an unreadable
    image under ``missing="raise"``), as the label errors of :func:`_read`
    do: ``"chunk 2 of the statistics pass: column 'text' ..."``. The
    exception keeps its type (``ImageDecodeError`` stays one); any other
    failure (an error inside NumPy, a bug) is raised as it is."""
    from skmultimodal.utils._errors import is_bad_input

    try:
        yield
    except (ValueError, TypeError) as exc:
        if not is_bad_input(exc):
            raise
        message = f"chunk {k} of the {what}: {exc}"
        try:
            named = type(exc)(message)
            rebuilt = str(named) == message
        except Exception:  # a type built from more than one message
            rebuilt = False
        if not rebuilt:  # the original kept as the cause
            kind = TypeError if isinstance(exc, TypeError) else ValueError
            raise kind(message) from exc
        named.__dict__.update(exc.__dict__)  # any attributes of the error
        raise named from None


def _labels(X, mask, limit=10):
    """The index labels of the rows of ``mask`` (the first ``limit``), and
    their positions in the chunk when its index repeats labels (a label
    alone would name several rows)."""
    from skmultimodal.utils._validation import plain_label

    rows = np.flatnonzero(mask)
    shown = [plain_label(v) for v in X.index[rows[:limit]]]
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    if X.index.is_unique:
        return f"{shown}{more}"
    return (
        f"{shown}{more} (positions {rows[:limit].tolist()} in the chunk: its "
        "index repeats labels)"
    )


def _position(X, i):
    """``" (position 3 in the chunk: ...)"`` beside the index label of row
    ``i`` when the chunk's index repeats labels, else ``""``."""
    if X.index.is_unique:
        return ""
    return f" (position {i} in the chunk: its index repeats labels)"


def csv_chunks(
    csv,
    *,
    chunk_size,
    image_column="image",
    text_column="text",
    target="label",
    tabular_columns=(),
    missing="raise",
    categorical_columns=(),
):
    """A function reading a CSV ``chunk_size`` rows at a time, as
    :func:`fit_out_of_core` takes it: each call gives a fresh iterator of
    ``(X, y)`` chunks.

    X is what :func:`skmultimodal.datasets._table.load_table` gives (columns
    ``image`` and ``text``, image paths made absolute against the CSV's
    folder, index labels the CSV line numbers, ``tabular_columns`` under
    their own names), y the ``target`` column.

    Parameters
    ----------
    csv : str or Path
        The CSV file.
    chunk_size : int
        Rows per chunk (at least 1).
    image_column, text_column : str, list of str or None, default="image", "text"
        Columns of the image paths and of the texts (None: no such
        modality). When either is a list (several columns of a modality),
        every image and text column is read under its own name, as the
        pipeline of ``make_out_of_core_pipeline(image=[...], text=[...])``
        reads them; otherwise they are read as ``image`` and ``text``.
    target : str, default="label"
        Column of the class labels; an empty cell is an error naming its line.
    tabular_columns : sequence of str, default=()
        Columns copied into X under their own names.
    missing : {"raise", "zero", "mean", "indicator"}, default="raise"
        The model's missing-modality policy. With ``"raise"`` an empty image
        or text cell is an error listing the chunk's empty lines; otherwise
        an image file that does not exist is left to the model (a missing
        image).
    categorical_columns : sequence of str, default=()
        Those of ``tabular_columns`` read as text, as written (a code
        ``007`` stays ``"007"``), not by pandas' type inference.

    Returns
    -------
    chunks : callable
        ``chunks()`` returns an iterator of ``(X, y)``.
    """
    from skmultimodal.fusion._missing_policy import canonical_missing

    if not isinstance(chunk_size, Integral) or isinstance(chunk_size, bool):
        from skmultimodal.utils._validation import type_name

        raise ValueError(
            "chunk_size must be a positive integer (the rows per chunk), got "
            f"{chunk_size!r} ({type_name(chunk_size)})"
        )
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size!r}")
    policy = canonical_missing(missing)
    columns = {"image": image_column, "text": text_column}
    own = None
    if any(isinstance(c, (list, tuple)) for c in columns.values()):
        image, text = (
            [c] if isinstance(c, str) else list(c or ()) for c in columns.values()
        )
        read = list(dict.fromkeys([*image, *text]))
        own = {
            "image": image,
            "text": text,
            "read": read,
            "order": [*read, *tabular_columns],
        }

    def chunks():
        from skmultimodal.datasets._table import (
            check_filled,
            check_no_missing,
            iter_table,
            own_modalities,
        )

        reader = iter_table(
            csv,
            image_column=image_column if own is None else None,
            text_column=text_column if own is None else None,
            chunksize=chunk_size,
            keep_columns=[target, *(own["read"] if own else [])],
            tabular_columns=tabular_columns,
            allow_absent_images=policy != "raise",
            refuse_empty=None if own is None else (),
            categorical_columns=categorical_columns,
        )
        try:
            for X, kept in reader:
                if own is not None:
                    X = own_modalities(
                        X, kept, own, Path(csv), policy, "line", keep_absent=True
                    )
                y = kept[target]
                check_filled(y, target, csv)  # every empty line of the chunk
                if policy == "raise" and own is None:  # own: refused above
                    used = [m for m in ("image", "text") if m in X.columns]
                    check_no_missing(X, used, columns, csv)
                yield X, y
        finally:
            reader.close()

    return chunks


# -------------------------------------------------- streaming statistics ---
def _learns_from_rows(extractor, path):
    """``(path, step)`` of the first step of a branch's ``extractor`` (at
    ``path``) that learns from the rows in ``fit``, or None. Out of core the
    extractor is fitted on the first chunk only, so such a step would learn
    from that chunk alone. Learners are scikit-learn's estimators whose
    ``requires_fit`` tag is set (a TF-IDF or count vocabulary, a scaler,
    PCA) and skmultimodal's text vocabularies (``WordVectorFeatures``,
    ``TextSequencer``); pipelines, unions and ``TextFeatures`` or
    ``ImageFeatures`` are looked into. skmultimodal's image extractors learn
    nothing, and another package's extractor is taken to learn nothing (as
    :func:`make_out_of_core_pipeline` documents for ``image_features``)."""
    from sklearn.utils import get_tags

    from skmultimodal.text import TextSequencer, WordVectorFeatures

    if extractor is None or isinstance(extractor, str):  # "passthrough", "drop"
        return None
    if hasattr(extractor, "steps"):  # a Pipeline
        parts = extractor.steps
    elif hasattr(extractor, "transformer_list"):  # FeatureUnion, ImageFeatureUnion
        parts = extractor.transformer_list
    elif hasattr(extractor, "_make_extractor"):  # TextFeatures, ImageFeatures
        parts = [("method", extractor._make_extractor())]
    else:
        parts = None
    if parts is not None:
        for name, part in parts:
            found = _learns_from_rows(part, f"{path}__{name}")
            if found is not None:
                return found
        return None
    if isinstance(extractor, TextSequencer | WordVectorFeatures):
        return path, extractor
    if (
        type(extractor).__module__.startswith("sklearn.")
        and get_tags(extractor).requires_fit
    ):
        return path, extractor
    return None


class _EmptyModality(ValueError):
    """A modality missing or unreadable in every row of the statistics pass
    (``modality``: its branch name): nothing to fit its transformer on."""

    def __init__(self, modality):
        self.modality = modality
        super().__init__(
            f"modality {modality!r} is missing or unreadable in every row; "
            "nothing to fit its transformer on"
        )


class _FeatureBranch:
    """A ``[("features", extractor), ("scale", StandardScaler or
    "passthrough")]`` branch fitted a chunk at a time: the extractor (which
    learns nothing) on the first rows, the scaler with ``partial_fit``, and
    the column means and variances of its output (for
    :func:`_rms_centred_norm` and the fill values)."""

    def __init__(self, name, branch, column):
        from sklearn.base import clone
        from sklearn.preprocessing import StandardScaler

        steps = getattr(branch, "steps", None)
        scale = dict(steps).get("scale") if steps and len(steps) == 2 else None
        if not (
            steps
            and steps[0][0] == "features"
            and (isinstance(scale, StandardScaler) or scale == "passthrough")
        ):
            raise ValueError(
                f"branch {name!r} cannot be fitted out of core: it must be a "
                "Pipeline [('features', extractor), ('scale', StandardScaler() "
                "or 'passthrough')], as make_out_of_core_pipeline builds it"
            )
        learner = _learns_from_rows(steps[0][1], "features")
        if learner is not None:
            path, step = learner
            raise ValueError(
                f"branch {name!r} cannot be fitted out of core: its step {path} "
                f"({type(step).__name__}) learns from the rows in fit (such as "
                "a vocabulary or IDF weights), which out of core it would learn "
                "from the first chunk alone. Build the model with "
                "skmultimodal.streaming.make_out_of_core_pipeline (texts hashed "
                "by HashingVectorizer, which learns nothing), or use only "
                "extractors that learn nothing in fit"
            )
        self.name, self.column = name, column
        self.features = clone(steps[0][1])
        self.scale = clone(scale) if scale != "passthrough" else None
        self.fitted = False
        # the output's moments, unscaled: StandardScaler's stable updates
        self.moments = StandardScaler(with_mean=False) if self.scale is None else None
        self.count = 0

    def partial_fit(self, data, labels):
        """Learn from the present rows ``data``; return the mask of the rows
        whose features are all NaN (unreadable)."""
        from scipy import sparse

        from skmultimodal.fusion._columns import all_nan_rows

        if not self.fitted:
            self.features.fit(data)
            self.fitted = True
        Z = self.features.transform(data)
        if not sparse.issparse(Z):
            Z = np.asarray(Z)
        unreadable = all_nan_rows(Z)
        if unreadable is not None and unreadable.any():
            Z = Z[~unreadable]
        if Z.shape[0]:
            self.count += Z.shape[0]
            (self.scale or self.moments).partial_fit(Z)
        return unreadable

    def finish(self):
        """The fitted branch and the moments of its output: the column
        means, the column sums of squared deviations and the row count."""
        from sklearn.pipeline import Pipeline

        if self.scale is None:
            fitted = Pipeline([("features", self.features), ("scale", "passthrough")])
            m = self.moments
            return fitted, (m.mean_, m.n_samples_seen_ * m.var_, self.count)
        fitted = Pipeline([("features", self.features), ("scale", self.scale)])
        # standardised columns: mean 0, squares summing to n var / scale**2
        scale = self.scale
        squares = scale.n_samples_seen_ * scale.var_ / scale.scale_**2
        return fitted, (np.zeros_like(squares), squares, self.count)


class _TabularBranch:
    """The tabular ``ColumnTransformer`` of :func:`make_out_of_core_pipeline`
    fitted a chunk at a time, its cells read as the in-memory fit reads them
    (``_TableCells``): the numeric scaler with ``partial_fit`` (it ignores
    missing cells), the categories of each categorical column gathered and
    counted (missing cells apart: they take the most frequent category),
    each column's spelling of its categories decided in the order met, as
    ``_TableCells`` decides it over every row."""

    def __init__(self, name, branch, column):
        from sklearn.compose import ColumnTransformer
        from sklearn.impute import SimpleImputer
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        from skmultimodal.pipeline import _TableCells

        def steps(part, names, *kinds):
            steps = getattr(part, "steps", [])
            return [s[0] for s in steps] == names and all(
                isinstance(est, kind) for (_, est), kind in zip(steps, kinds)
            )

        parts = getattr(branch, "transformers", None)
        ok = isinstance(branch, ColumnTransformer) and [p[0] for p in parts] == [
            "numeric",
            "categorical",
        ]
        earlier = False
        if ok:  # what is learnt a chunk at a time: see partial_fit and finish
            numbers, categories = parts[0][1], parts[1][1]
            # the layout before the cells step (an empty cell a category)
            earlier = steps(
                numbers, ["scale", "impute"], StandardScaler, SimpleImputer
            ) and isinstance(categories, OneHotEncoder)
            ok = (
                steps(
                    numbers,
                    ["cells", "scale", "impute"],
                    _TableCells,
                    StandardScaler,
                    SimpleImputer,
                )
                and numbers.steps[2][1].strategy == "constant"
                and steps(
                    categories,
                    ["cells", "impute", "encode"],
                    _TableCells,
                    SimpleImputer,
                    OneHotEncoder,
                )
                and categories.steps[1][1].strategy == "most_frequent"
            )
        if earlier:
            raise ValueError(
                f"branch {name!r} cannot be fitted out of core: it was built by "
                "an earlier skmultimodal, whose make_out_of_core_pipeline read "
                "the table cells otherwise (no cells step; an empty cell was a "
                "category): rebuild the model with this version's "
                "make_out_of_core_pipeline(...) and fit that (a fit starts from "
                "scratch anyway)"
            )
        if not ok:
            raise ValueError(
                f"branch {name!r} cannot be fitted out of core: it must be the "
                "tabular ColumnTransformer of make_out_of_core_pipeline (numeric "
                "columns: cells, StandardScaler, then SimpleImputer(strategy="
                "'constant'); categorical ones: cells, SimpleImputer(strategy="
                "'most_frequent'), then OneHotEncoder), whose statistics are "
                "learnt a chunk at a time"
            )
        self.name, self.column, self.branch = name, column, branch
        self.numeric = self.categorical = self.scale = None
        self.scales, self.counts, self.spelt = [], {}, {}
        self.n_rows = 0

    def _part(self, name):
        return {n: est for n, est, _ in self.branch.transformers}[name]

    def _resolve(self, data):
        """The column lists (a dtype selector is applied to the first
        chunk) and a fresh scaler."""
        from sklearn.base import clone

        specs = {n: spec for n, _, spec in self.branch.transformers}
        for part in ("numeric", "categorical"):
            spec = specs[part]
            setattr(self, part, list(spec(data) if callable(spec) else spec))
        # one scaler per numeric column, as a chunk may have no value in a
        # column: scikit-learn's StandardScaler.partial_fit makes the
        # column's mean or variance NaN then, so such a chunk is left out of
        # that column's statistics only (finish puts the columns together)
        template = self._part("numeric").named_steps["scale"]
        self.scales = [clone(template) for _ in self.numeric]
        self.counts = {c: {} for c in self.categorical}
        # each column's as _TableCells has it: None (numbers kept) or
        # {text: spelling}, spelt as first met
        self.spelt = dict.fromkeys(self.categorical)

    def _spell(self, c, cells, texts):
        """Merge into column ``c``'s spelling this chunk's ``cells`` (as
        the chunk alone makes them) and ``texts`` (their ``{text:
        spelling}``, or None: numbers): a column all numbers so far keeps
        its numbers; once a chunk holds a text, every category is spelt as
        its text was first met."""
        import pandas as pd

        from skmultimodal.pipeline import _category_text

        spelt = self.spelt[c]
        if spelt is None and texts is None:
            return
        if spelt is None:  # the numbers counted so far become texts
            spelt = self.spelt[c] = {}
            counts, self.counts[c] = self.counts[c], {}
            for value, n in counts.items():
                key = spelt.setdefault(_category_text(value), str(value))
                self.counts[c][key] = self.counts[c].get(key, 0) + n
        if texts is None:  # this chunk's numbers, in the order met
            for value in pd.unique(cells[~pd.isna(cells)]):
                spelt.setdefault(_category_text(value), str(value))
        else:
            for text, spelling in texts.items():
                spelt.setdefault(text, spelling)

    def partial_fit(self, data, labels):
        import pandas as pd
        from sklearn.base import clone

        from skmultimodal.utils._validation import plain_label

        if self.numeric is None:
            self._resolve(data)
        self.n_rows += len(data)
        if self.numeric:  # a bad cell is refused, naming its row
            cells = clone(self._part("numeric").named_steps["cells"])
            values = cells.fit_transform(data[self.numeric])
            for j, scale in enumerate(self.scales):
                if not np.isnan(values[:, j]).all():
                    scale.partial_fit(values[:, [j]])
        if not self.categorical:
            return None
        frame = data[self.categorical]
        cells = clone(self._part("categorical").named_steps["cells"])
        values, texts = cells._cells(frame, None)  # as this chunk alone has them
        for i, c in enumerate(self.categorical):
            self._spell(c, values[:, i], texts[i])
        spelt = [self.spelt[c] for c in self.categorical]
        if any(s is not None for s in spelt):  # as the columns spell them
            values, _ = cells._cells(frame, spelt)
        for i, c in enumerate(self.categorical):
            column = values[:, i]
            codes, found = pd.factorize(column[~pd.isna(column)])
            counts = self.counts[c]
            for value, n in zip(found, np.bincount(codes, minlength=len(found))):
                value = plain_label(value)
                counts[value] = counts.get(value, 0) + int(n)
        return None

    def finish(self):
        """The numeric scaler and the categorical imputer and encoder, their
        statistics learnt, and the mean output row (the ``"mean"`` fill
        value)."""
        from sklearn.base import clone

        categories, total, modes = [], [], []
        for c in self.categorical:
            counts = self.counts[c]
            try:
                values = sorted(counts)
            except TypeError:
                from skmultimodal.utils._validation import type_name

                kinds = sorted({type_name(v) for v in counts})
                raise ValueError(
                    f"categorical tabular column {c!r} mixes value types "
                    f"({', '.join(kinds)}) across chunks; give the column one "
                    "type (e.g. read it as strings)"
                ) from None
            # SimpleImputer's most frequent value (ties: the least); a column
            # missing in every row is the one category 0, as in memory
            top = max(counts.values(), default=0)
            mode = min((v for v in values if counts[v] == top), default=0)
            counts = {**counts, mode: counts.get(mode, 0)}
            counts[mode] += self.n_rows - sum(counts.values())  # missing cells
            values = sorted(counts)
            modes.append(mode if top else np.nan)
            categories.append(values)
            total.append(np.asarray([counts[v] for v in values], dtype=np.float64))
        impute = None
        if self.categorical:
            impute = clone(self._part("categorical").named_steps["impute"])
            impute.fit(np.asarray([modes], dtype=object))
        encoder = clone(self._part("categorical").named_steps["encode"])
        encoder.set_params(categories=categories)
        # standardised columns sum to 0 (missing cells are set to 0), their
        # squares to n var / scale**2; a one-hot column's squares are its sum
        squares = list(total)
        if self.numeric:
            scale = self.scale = self._scale()
            total.insert(0, np.zeros(len(self.numeric)))
            squares.insert(0, scale.n_samples_seen_ * scale.var_ / scale.scale_**2)
        total = np.concatenate(total) if total else np.zeros(0)
        squares = np.concatenate(squares) if squares else np.zeros(0)
        mean = total / max(self.n_rows, 1)  # one-hot: counts, exact
        return (impute, encoder), (mean, squares - total * mean, self.n_rows)

    def _scale(self):
        """The scaler of the numeric columns: the per-column scalers'
        statistics side by side (a column with no value in any chunk has
        those of a fit on its missing cells, as in memory)."""
        from sklearn.base import clone

        template = self._part("numeric").named_steps["scale"]
        parts = [
            scale
            if hasattr(scale, "n_samples_seen_")
            else clone(template).fit(np.full((1, 1), np.nan))
            for scale in self.scales
        ]
        scale = clone(template)
        for name in ("mean_", "var_", "scale_"):
            values = [getattr(part, name) for part in parts]
            setattr(
                scale,
                name,
                None if any(v is None for v in values) else np.concatenate(values),
            )
        scale.n_samples_seen_ = np.array(
            [np.ravel(part.n_samples_seen_)[0] for part in parts], dtype=np.int64
        )
        scale.n_features_in_ = len(parts)
        return scale

    def fit_parts(self, parts, prototype):
        """The ColumnTransformer with its parts (their statistics learnt)
        frozen, fitted on the ``prototype`` rows."""
        from sklearn.base import clone
        from sklearn.frozen import FrozenEstimator

        impute, encoder = parts
        data = prototype[self.numeric + self.categorical]
        numbers = clone(self._part("numeric"))
        categories = clone(self._part("categorical"))
        # a part without columns is left unfitted, as ColumnTransformer does
        if self.numeric:
            cells = numbers.named_steps["cells"]
            scaled = self.scale.transform(cells.fit_transform(data[self.numeric]))
            numbers.named_steps["impute"].fit(scaled)
            numbers.steps[1] = ("scale", self.scale)
        if self.categorical:
            cells = categories.named_steps["cells"].fit(data[self.categorical])
            cells._as_text = [self.spelt[c] for c in self.categorical]
            encoder.fit(impute.transform(cells.transform(data[self.categorical])))
            categories.steps[1:] = [("impute", impute), ("encode", encoder)]
        branch = clone(self.branch)
        branch.set_params(
            transformers=[
                ("numeric", FrozenEstimator(numbers), self.numeric),
                ("categorical", FrozenEstimator(categories), self.categorical),
            ]
        )
        return branch.fit(data)


def _check_pipeline(pipeline):
    from sklearn.pipeline import Pipeline

    from skmultimodal.fusion import ModalityFusion
    from skmultimodal.utils._validation import type_name

    steps = getattr(pipeline, "named_steps", None)
    if not (
        isinstance(pipeline, Pipeline)
        and [name for name, _ in pipeline.steps] == ["fusion", "classifier"]
        and isinstance(steps["fusion"], ModalityFusion)
    ):
        raise ValueError(
            "fit_out_of_core fits the pipelines of make_out_of_core_pipeline "
            "([('fusion', ModalityFusion), ('classifier', ...)]); got "
            f"{type_name(pipeline)}"
        )
    fusion, clf = steps["fusion"], steps["classifier"]
    if fusion.method != "concat":
        raise ValueError(
            f"fusion method {fusion.method!r} cannot be fitted out of core: only "
            "'concat' learns nothing from the rows (the default 'stack' fits "
            "out-of-fold experts, which needs every row of a fold at once)"
        )
    if not (hasattr(clf, "partial_fit") or hasattr(clf, "fit_chunks")):
        raise ValueError(
            f"the classifier {type(clf).__name__} has no partial_fit; out of "
            "core it learns a chunk at a time (e.g. SGDClassifier(loss='log_loss') "
            "or MultimodalAttentionClassifier)"
        )


def _missing_masks(selected, policy, X, k):
    """The masks of the rows of chunk ``k`` where each modality of
    ``selected`` (``(name, data)`` pairs) is missing; under ``"raise"``, one
    error naming every modality with missing rows and their index labels."""
    from skmultimodal.fusion._columns import missing_mask

    masks = [missing_mask(data) for _, data in selected]
    if policy != "raise":
        return masks
    found = [
        f"modality {name!r} is missing (None, NaN or empty) in chunk {k} at "
        f"index {_labels(X, mask)}"
        for (name, _), mask in zip(selected, masks)
        if mask.any()
    ]
    if found:
        raise ValueError(
            f"{'; '.join(found)}; pass missing='zero', 'mean' or 'indicator' "
            "to fill missing modalities, or drop those rows"
        )
    return masks


def _check_classes(classes, y, X, k, what):
    known = np.isin(y, classes)
    if not known.all():
        new = list(dict.fromkeys(y[~known].tolist()))
        raise ValueError(
            f"chunk {k} of the {what} has label(s) {new[:10]} at index "
            f"{_labels(X, ~known)}, not in the classes fixed before training "
            f"({classes.tolist()}); pass classes= with every label"
        )


def fit_out_of_core(pipeline, chunks, *, classes=None):
    """Fit a :func:`make_out_of_core_pipeline` model from chunks of rows.

    Never holds more than one chunk (and its features) in memory: one
    streaming pass fits every feature statistic (scalers with
    ``partial_fit``, hashed texts, tabular categories, the class list and
    counts, the missing-modality fill values), then ``epochs`` passes
    (the classifier's ``max_iter``) train the classifier with
    ``partial_fit`` on each chunk's fused features. The chunks are read
    ``1 + epochs`` times, in the order given: rows sorted by class should be
    shuffled once beforehand (the classifier also shuffles each chunk).
    A pipeline ending in
    :class:`~skmultimodal.models.MultimodalAttentionClassifier`
    (``classifier="attention"``) is trained by its ``fit_chunks`` instead:
    ``epochs`` Keras epochs fed from a ``keras.utils.PyDataset`` over the
    chunks' fused features, one chunk at a time, cut into mini-batches.

    Parameters
    ----------
    pipeline : Pipeline
        Made by :func:`make_out_of_core_pipeline`; not modified (a fitted
        clone is returned).
    chunks : callable or iterable of (X, y)
        A function returning a fresh iterable of ``(X, y)`` pairs at each
        call (e.g. :func:`csv_chunks`), or a re-iterable collection of them
        (a list); X a DataFrame with the modality columns, y its labels. A
        one-shot iterator is refused: the chunks are read several times.
    classes : array-like or None, default=None
        Every class label. None: those of the statistics pass. A label
        outside them in any pass is an error naming the rows.

    Returns
    -------
    pipeline : Pipeline
        A fitted clone of ``pipeline``, an ordinary scikit-learn pipeline
        (``predict``, ``predict_proba``, ``save_model``).

    Raises
    ------
    ValueError
        A pipeline that is not one of :func:`make_out_of_core_pipeline`
        (``stack`` and other fusion methods cannot be fitted out of core,
        nor a branch with a step that learns from the rows in ``fit``, such
        as the TF-IDF vocabulary of ``make_multimodal_pipeline``),
        a chunk that is not ``(DataFrame, labels)``, a missing modality
        under ``missing="raise"``, a label outside ``classes``, labels of
        mixed types (ints and strs, in one chunk or across chunks: the
        message names the chunk and the row, counted across the chunks,
        and its index label), or (the
        attention classifier) ``early_stopping=True``. An error in a
        chunk's data (a missing column, a bad cell, an unreadable image
        under ``missing="raise"``) names the chunk, counted from 0, and the
        pass (``"chunk 2 of the statistics pass: ..."``), and keeps its type
        (e.g. :class:`~skmultimodal.image.ImageDecodeError`); chunks read
        by :func:`csv_chunks` are checked as they are read, and their errors
        name the CSV line instead (``"image file not found on line 335 of
        column 'image'..."``).
    TypeError
        A chunk's X that is not a DataFrame, or a dask DataFrame given as
        the chunks (or its partitions as chunks): pass ``lambda: ((p[columns],
        p[target]) for p in (part.compute() for part in ddf.partitions))``.

    See Also
    --------
    make_out_of_core_pipeline : the model.
    csv_chunks : read a CSV a chunk at a time.

    Notes
    -----
    The fitted pipeline is the in-memory ``pipeline.fit(X, y)`` of the same
    rows up to the classifier's path: the same feature statistics (up to
    floating-point rounding), the classifier trained on the chunks in order
    instead of on all rows shuffled. Each fitted branch of the fusion step
    is a :class:`~sklearn.frozen.FrozenEstimator` around the branch fitted
    out of core (in ``fusion.transformers_``); the fusion step's parameters
    are those of ``pipeline``, so ``clone`` gives the unfitted model again.

    Examples
    --------
    >>> from skmultimodal.datasets import make_multimodal_classification
    >>> from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline
    >>> X, y = make_multimodal_classification(n_samples=60, random_state=0)
    >>> chunks = [(X[i : i + 20], y[i : i + 20]) for i in range(0, 60, 20)]
    >>> pipe = make_out_of_core_pipeline(epochs=3, random_state=0)
    >>> model = fit_out_of_core(pipe, chunks)
    >>> model.predict(X[:3]).shape
    (3,)
    """
    return _fit(pipeline, chunks, classes)[0]


def _fit(pipeline, chunks, classes):
    """:func:`fit_out_of_core`; also returns the statistics pass's summary."""
    from sklearn.base import clone

    _check_pipeline(pipeline)
    passes = _passes(chunks)
    pipeline = clone(pipeline)
    fusion, clf = pipeline.named_steps["fusion"], pipeline.named_steps["classifier"]
    epochs = clf.get_params().get("max_iter", 1)
    if classes is not None:
        from skmultimodal.utils._validation import check_label_types

        check_label_types(classes, what="classes")
        classes = np.unique(np.asarray(classes))
        if len(classes) < 2:
            raise ValueError(
                f"classes must hold at least 2 labels, got {classes.tolist()}"
            )
    stats = _statistics_pass(fusion, passes, classes)
    if classes is None:
        classes = stats["classes"]
    _fit_fusion(fusion, stats)
    if hasattr(clf, "fit_chunks") and not hasattr(clf, "partial_fit"):
        _fit_network(clf, fusion, passes, classes, stats["counts"])
        return pipeline, stats
    balanced = clf.get_params().get("class_weight") == "balanced"
    if balanced:
        # partial_fit cannot count the classes: it takes the weights that
        # "balanced" gives the class counts of the statistics pass, as a dict
        # for the training passes only (the parameter stays "balanced")
        counts, n = stats["counts"], sum(stats["counts"].values())
        weights = {
            c: n / (len(counts) * counts[c]) for c in classes.tolist() if c in counts
        }
        clf.set_params(class_weight=weights)
    for _ in range(epochs):
        with _reported_by_the_statistics_pass():
            for k, X, y in _read(passes, "training pass"):
                _check_classes(classes, y, X, k, "training pass")
                with _in_chunk(k, "training pass"):
                    Z = fusion.transform(X)
                clf.partial_fit(Z, y, classes=classes)
    if balanced:
        clf.set_params(class_weight="balanced")
        clf.class_weight_ = weights
    return pipeline, stats


@contextmanager
def _reported_by_the_statistics_pass():
    """Silence, in a training pass, the warnings about missing modalities and
    unreadable images: the statistics pass reported each row once."""
    from skmultimodal.image import ImageWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ModalityFusion: modality")
        warnings.filterwarnings("ignore", category=ImageWarning)
        yield


def _fit_network(clf, fusion, passes, classes, counts):
    """Train a classifier with ``fit_chunks`` (the attention network) on the
    fused features of the chunks, read once per epoch."""

    def fused():
        for k, X, y in _read(passes, "training pass"):
            _check_classes(classes, y, X, k, "training pass")
            with _in_chunk(k, "training pass"):
                Z = fusion.transform(X)
            yield Z, y

    with _reported_by_the_statistics_pass():
        clf.fit_chunks(fused, classes=classes, class_counts=counts)


def _statistics_pass(fusion, passes, classes):
    """The one pass fitting every feature statistic."""
    from sklearn.compose import ColumnTransformer

    from skmultimodal.fusion._columns import select_column
    from skmultimodal.utils._parallel import warn_at_caller
    from skmultimodal.utils._validation import with_row_positions

    policy = fusion._missing_policy(warn=False)
    branches = []
    for name, trans, column in fusion.transformers:
        if isinstance(trans, str) and trans == "drop":
            continue
        kind = (
            _TabularBranch if isinstance(trans, ColumnTransformer) else _FeatureBranch
        )
        branches.append(kind(name, trans, column))
    counts, n_rows = {}, 0
    unreadable = dict.fromkeys((b.name for b in branches), 0)
    prototype = {}  # branch name -> its first present, readable row (a frame)
    for k, X, y in _read(passes, "statistics pass"):
        if classes is not None:
            _check_classes(classes, y, X, k, "statistics pass")
        n_rows += len(y)
        values, n = np.unique(y, return_counts=True)
        for v, c in zip(values.tolist(), n.tolist()):
            counts[v] = counts.get(v, 0) + c
        selected = []
        for branch in branches:
            with _in_chunk(k, "statistics pass"):
                selected.append(
                    (branch.name, select_column(X, branch.column, branch.name))
                )
        masks = _missing_masks(selected, policy, X, k)  # names k
        for branch, (_, data), mask in zip(branches, selected, masks):
            present = np.flatnonzero(~mask)
            if len(present) == 0:
                continue
            if len(present) < len(X):
                # messages name the chunk's rows, not the subset's
                data = with_row_positions(data.iloc[present], present)
            with _in_chunk(k, "statistics pass"):
                bad = branch.partial_fit(data, y[present])
            ok = present if bad is None else present[~bad]
            if bad is not None:
                unreadable[branch.name] += int(bad.sum())
            if branch.name not in prototype and len(ok):
                prototype[branch.name] = X.iloc[[ok[0]]]
    for branch in branches:
        if branch.name not in prototype:
            raise _EmptyModality(branch.name)
        if unreadable[branch.name]:
            warn_at_caller(
                f"fit_out_of_core: modality {branch.name!r} could not be read in "
                f"{unreadable[branch.name]} row(s); treated as missing"
            )
    try:
        found = np.asarray(sorted(counts))
    except TypeError:
        from skmultimodal.utils._validation import type_name

        kinds = sorted({type_name(v) for v in counts})
        raise ValueError(
            f"the labels mix types ({', '.join(kinds)}) across chunks; give the "
            "target one type"
        ) from None
    if classes is None:
        from skmultimodal.utils._validation import check_two_classes

        check_two_classes(found, "fit_out_of_core", what="the labels of the chunks")
    return {
        "branches": branches,
        "classes": found,
        "counts": counts,
        "n_rows": n_rows,
        "prototype": prototype,
        "policy": policy,
    }


def _fit_fusion(fusion, stats):
    """Fit the fusion step with its branches frozen (fitted out of core) on
    one present row per modality, then give it what it would have learnt
    from every row of the pass: the fill values of the missing-modality
    policy and the ``concat`` block scales."""
    import pandas as pd
    from sklearn.frozen import FrozenEstimator

    prototype = pd.concat(list(stats["prototype"].values()))
    given, frozen, moments = list(fusion.transformers), {}, {}
    for branch in stats["branches"]:
        fitted, moments[branch.name] = branch.finish()
        if isinstance(branch, _TabularBranch):
            fitted = branch.fit_parts(fitted, prototype)
        frozen[branch.name] = FrozenEstimator(fitted)
    fusion.set_params(
        transformers=[
            (name, frozen.get(name, trans), column) for name, trans, column in given
        ]
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ModalityFusion: modality")
        fusion.fit(prototype.reset_index(drop=True))
    fusion.set_params(transformers=given)
    fills, scales = {}, []
    for name in fusion.modality_names_:
        mean, deviations, count = moments[name]
        # the mean block row is learned whatever the policy (as ModalityFusion
        # does); the rows "zero" fills hold zeros
        fills[name] = mean
        fill = np.zeros_like(mean) if stats["policy"] == "zero" else mean
        scales.append(_rms_centred_norm(mean, deviations, count, fill, stats["n_rows"]))
    # fitted attributes of ModalityFusion and ConcatFusion: the values a fit
    # on every row gives, not those of the few rows the step was fitted on
    fusion.method_.scales_ = scales
    fusion.fill_values_ = dict(fills)
    fusion._fills = dict(fills)


def _rms_centred_norm(mean, deviations, count, fill, n):
    """``ConcatFusion``'s block scale, the root-mean-square centred row norm
    of a block, from its column means and sums of squared deviations over
    its ``count`` present rows, the other ``n - count`` rows holding
    ``fill`` (centred moments merged: no cancellation for a block with a
    large offset)."""
    missing = n - count
    centre = (count * mean + missing * fill) / n
    squares = deviations + count * (mean - centre) ** 2 + missing * (fill - centre) ** 2
    scale = float(np.sqrt(np.sum(squares) / n))
    return scale if scale > 1e-12 else 1.0


# ------------------------------------------------------ the command line ---
def train_command(args, *, tabular, error):
    """``skmultimodal train --chunk-size N``: fit
    :func:`make_out_of_core_pipeline` with the command's options out of core
    (the CSV read ``N`` rows at a time by :func:`csv_chunks`; ``--classifier
    attention`` trains the attention network instead of the linear model),
    save it with the metadata ``predict`` reads and print one line. ``tabular`` is the
    command's ``{"numeric": [...], "categorical": [...]}`` (or None);
    ``error`` makes the exception for a bad option."""
    import time

    from skmultimodal.fusion._missing_policy import canonical_missing
    from skmultimodal.persistence import check_save_path, save_model
    from skmultimodal.utils._validation import plain_label

    path, option = Path(args.output), f"--output {str(args.output)!r}"
    if args.chunk_size < 1:
        raise error(f"--chunk-size must be at least 1, got {args.chunk_size}")
    task = getattr(args, "task", None) or "classification"
    if task != "classification" or getattr(args, "label_separator", None):
        raise error(
            "--chunk-size trains a classifier of one label per row; --task "
            f"{task if task != 'classification' else 'multilabel'} is not "
            "trained out of core"
        )
    if args.classifier not in (None, "logistic", "attention"):
        raise error(
            "--chunk-size trains a linear model (SGDClassifier(loss='log_loss')) "
            f"or --classifier attention; --classifier {args.classifier} is not "
            "trained out of core"
        )
    attention = args.classifier == "attention"
    if args.method not in (None, "concat"):
        raise error(
            f"--chunk-size trains the concat fusion; --method {args.method} "
            "cannot be fitted a chunk at a time"
        )
    if args.epochs is not None and args.epochs < 1:
        raise error(f"--epochs must be at least 1, got {args.epochs}")
    n_features = getattr(args, "n_features", None)
    if n_features is not None and n_features < 1:
        raise error(f"--n-features must be at least 1, got {n_features}")
    check_save_path(
        path,
        keras="--classifier attention" if attention else None,
        error=lambda msg: error(f"{option}: {msg}"),
    )
    missing = canonical_missing(args.missing)
    several = any(isinstance(c, list) for c in (args.image_column, args.text_column))
    pipe = make_out_of_core_pipeline(  # several: every column its own name
        image=(args.image_column if several else "image")
        if args.image_column
        else None,
        text=(args.text_column if several else "text") if args.text_column else None,
        tabular=tabular,
        missing=missing,
        classifier="attention" if attention else "sgd",
        epochs=args.epochs,
        n_features=n_features,
        class_weight=getattr(args, "class_weight", None),
        random_state=args.random_state,
    )
    columns = [c for cols in (tabular or {}).values() for c in cols]
    chunks = csv_chunks(
        args.csv,
        chunk_size=args.chunk_size,
        image_column=args.image_column,
        text_column=args.text_column,
        target=args.target,
        tabular_columns=columns,
        missing=missing,
        categorical_columns=(tabular or {}).get("categorical", ()),
    )
    t0 = time.perf_counter()
    est, stats = _fit(pipe, chunks, None)
    fit_time = time.perf_counter() - t0
    classes = [plain_label(c) for c in est.classes_]
    metadata = {
        "image_column": args.image_column,
        "text_column": args.text_column,
        "target": args.target,
        "classes": classes,
        "n_samples": stats["n_rows"],
        "method": "concat",
        "classifier": "attention" if attention else "sgd",
        "missing": missing,
        "class_weight": getattr(args, "class_weight", None),
        "chunk_size": args.chunk_size,
        "n_features": n_features,
        "epochs": pipe.named_steps["classifier"].get_params()[
            "epochs" if attention else "max_iter"
        ],
    }
    if tabular:
        metadata["numeric_columns"] = list(tabular["numeric"])
        metadata["categorical_columns"] = list(tabular["categorical"])
    path = save_model(est, path, metadata=metadata)
    print(
        f"trained out of core on {metadata['n_samples']} rows, {len(classes)} "
        f"classes in {fit_time:.1f} s ({args.chunk_size} rows at a time); "
        f"saved to {path}"
    )
    return 0
