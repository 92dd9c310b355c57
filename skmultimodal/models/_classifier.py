"""MultimodalAttentionClassifier: a cross-modal attention network in Keras,
wrapped with SciKeras and made a well-behaved scikit-learn classifier.

This module imports TensorFlow, Keras and SciKeras. ``skmultimodal.models``
imports it only when the class is first asked for.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep a user's own setting

import random
import threading
import warnings
import weakref
from contextlib import contextmanager
from numbers import Integral, Real

import keras
import numpy as np
from scikeras.utils.transformers import ClassifierLabelEncoder
from scikeras.wrappers import BaseWrapper
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from skmultimodal.utils._errors import check_tensorflow_not_forked
from skmultimodal.utils._keras import traced_inference
from skmultimodal.utils._validation import (
    Count,
    _Labels,
    check_class_weight,
    check_label_types,
    check_target_present,
    check_two_classes,
    describe_row,
    plain_label,
    type_name,
)

from ._layers import feature_token_count, patch_grid
from ._network import attention_model, build_network

try:  # the fusion module's public names, once it exports them
    from skmultimodal.fusion import Block, BlockLayout, get_block_layout
except ImportError:  # pragma: no cover - until fusion re-exports its layout
    from skmultimodal.fusion._layout import Block, BlockLayout, get_block_layout

_PREDICT_CHUNK = 2048

# Up to this many optimizer steps a fit runs eagerly (run_eagerly="auto"):
# tracing the training graph costs about as much as 20 eager steps (3.5-4 s
# against 0.15-0.2 s a step on 2 cores, for the default network and for a
# tiny one alike), so longer fits are traced.
_EAGER_MAX_STEPS = 20

# The traced inference function (see _inference) of each fitted classifier's
# network and of its attention explainer: ``{classifier: {what: (model,
# function)}}``. Kept outside the estimator, as KerasFeatures' networks are,
# so that no TensorFlow function is pickled, deep-copied, cloned or saved
# with it, and predict leaves its ``__dict__`` as it was: a copy (unpickled
# in this process or another) traces its own at its first prediction. The
# entry goes when the classifier is collected; a refit's new network
# replaces it. _TRACE_LOCK makes concurrent first predictions trace once.
_TRACED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TRACE_LOCK = threading.Lock()


def _positive_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= 1


def _native_encoders():
    """SciKeras' feature and target encoders are scikit-learn transformers:
    under a global ``set_config(transform_output="pandas")`` their outputs,
    the network's inputs and targets, would be DataFrames."""
    from sklearn import config_context

    return config_context(transform_output="default")


#: Held for the whole of a seeded fit: Keras draws from the process's
#: global generators, so two seeded fits in threads at once would interleave
#: their draws (different models) and restore each other's states.
_SEED_LOCK = threading.RLock()


@contextmanager
def _seeded(seed):
    """Seed Python, NumPy, TensorFlow and Keras for the duration of a fit,
    then put every global random state back as it was.

    SciKeras' own helper leaves TensorFlow's op-determinism switch in a state
    where a later unseeded fit fails with "Random ops require a seed"; this
    one never touches that switch (CPU kernels are deterministic without
    it) and restores the global seeds, so seeded and unseeded fits mix.
    TensorFlow's sequence of operation seeds is restored too (setting the
    global seed alone would start the user's sequence again from its first
    draw). Seeded fits in several threads run one at a time
    (:data:`_SEED_LOCK`), so each gives the model it gives alone.
    """
    if seed is None:
        yield
        return
    import tensorflow as tf
    from tensorflow.python.eager import context

    try:
        from keras.src.backend.common import global_state
        from keras.src.random.seed_generator import GLOBAL_SEED_GENERATOR
    except ImportError:  # pragma: no cover - Keras internals moved
        global_state = None
    with _SEED_LOCK:
        py_state = random.getstate()
        np_state = np.random.get_state()  # noqa: NPY002 (restored below)
        tf_seed = context.global_seed()
        ctx = context.context()
        # the generator of operation seeds that the global seed starts
        tf_rng = getattr(ctx, "_rng", None)
        tf_rng_state = None if tf_rng is None else tf_rng.getstate()
        if global_state is not None:
            keras_seed = global_state.get_global_attribute("global_random_seed")
            keras_gen = global_state.get_global_attribute(GLOBAL_SEED_GENERATOR)
        keras.utils.set_random_seed(int(seed))
        try:
            yield
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)  # noqa: NPY002
            tf.random.set_seed(tf_seed)
            if hasattr(ctx, "_rng"):
                if tf_rng_state is None:
                    ctx._rng = tf_rng
                else:
                    ctx._rng.setstate(tf_rng_state)
            if global_state is not None:
                global_state.set_global_attribute("global_random_seed", keras_seed)
                global_state.set_global_attribute(GLOBAL_SEED_GENERATOR, keras_gen)


class _Divergence(keras.callbacks.Callback):
    """Stops a fit at the end of the first epoch whose training loss or
    weights are not finite (a diverged fit); :meth:`check` then raises.

    Keras' ``TerminateOnNaN`` prints its own message, checks the loss only
    (a fit can end with a finite loss and NaN weights) and raises no error
    of ours."""

    def __init__(self):
        super().__init__()
        self.problem = None

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            self.problem = f"its training loss in epoch {epoch + 1} is {float(loss)}"
        elif not all(np.isfinite(w).all() for w in self.model.get_weights()):
            self.problem = (
                f"the network's weights are NaN or infinite after epoch {epoch + 1}"
            )
        else:
            return
        self.model.stop_training = True

    def check(self, clf):
        """Raise the ValueError of a diverged fit of ``clf``."""
        if self.problem is not None:
            raise ValueError(
                f"{type(clf).__name__}: the fit diverged: {self.problem}; scale "
                "the features (e.g. with StandardScaler) or use a smaller "
                f"learning_rate (now {clf.learning_rate!r})"
            )


def _dense(X):
    return X.toarray() if hasattr(X, "toarray") else X


def _check_unique_names(layout, source, advice, feature_names=None):
    """Refuse a ``layout`` naming a block more than once (the network's layers
    are named after the blocks): ``source`` says where the names come from,
    ``advice`` what to do; the repeated block's columns are named (by
    ``feature_names`` when given)."""
    names = layout.names
    repeated = [name for name in dict.fromkeys(names) if names.count(name) > 1]
    if not repeated:
        return
    name = repeated[0]
    spans = []
    for b in layout:
        if b.name == name:
            span = f"{b.start}:{b.stop}"
            if feature_names is not None:
                first, last = feature_names[b.start], feature_names[b.stop - 1]
                span += f" ({first!r}" + (f"..{last!r})" if b.width > 1 else ")")
            spans.append(span)
    raise ValueError(
        f"{source} the block {name!r} {names.count(name)} times ({names}), at "
        f"columns {', '.join(spans)}; each block needs its own name: {advice}"
    )


def _explicit_layout(modalities, n_features):
    """A BlockLayout from a user's ``modalities`` list."""
    if isinstance(modalities, BlockLayout):
        layout = modalities
    else:
        blocks, start = [], 0
        for item in modalities:
            if isinstance(item, Block):
                blocks.append(item)
                start = item.stop
                continue
            entry = item
            item = tuple(item) if isinstance(item, list | tuple) else (item,)
            if len(item) < 2 or len(item) > 4:
                raise ValueError(
                    "each entry of modalities must be (name, width), "
                    "(name, width, kind), (name, width, 'sequence', "
                    "vocabulary_size) or (name, width, 'image', (height, width, "
                    f"channels)); got {entry!r}"
                )
            name, width, *rest = item
            if not _positive_int(width):
                raise ValueError(
                    f"modalities entry {entry!r}: the width of block {name!r} "
                    "must be a positive integer (its number of columns of X); "
                    f"got {width!r}"
                )
            if len(rest) == 2 and rest[0] == "image":
                rest = ["image", None, tuple(rest[1])]
            elif rest == ["image"]:
                raise ValueError(
                    f"image block {name!r} needs its shape: (name, width, "
                    "'image', (height, width, channels))"
                )
            blocks.append(Block(str(name), start, start + int(width), *rest))
            start += int(width)
        layout = BlockLayout(blocks)
    _check_unique_names(
        layout, "modalities names", "rename one of them or merge their columns"
    )
    if layout.n_features != n_features:
        raise ValueError(
            f"modalities cover {layout.n_features} columns ({layout!r}) but X has "
            f"{n_features} features"
        )
    return layout


def _check_token_ids(layout, X):
    """Refuse a sequence block of ``layout`` whose columns of ``X`` hold
    anything but non-negative integer ids, naming the first such row."""
    for b in layout:
        if b.kind != "sequence":
            continue
        ids = _dense(X[:, b.slice])
        bad = (ids < 0) | (ids != np.round(ids))
        if bad.any():
            row = int(np.nonzero(bad.any(axis=1))[0][0])
            raise ValueError(
                f"block {b.name!r} (columns {b.start}:{b.stop}) holds token ids, "
                f"but row {row} has {plain_label(ids[row][bad[row]][0])!r}; expected "
                "non-negative integers (0 = padding)"
            )


def _n_target_columns(y):
    """Number of columns of a target: 1 for a 1-D one; a ragged nested list
    counts as 1 and is left to the single-label checks to refuse."""
    shape = getattr(y, "shape", None)
    if shape is None:
        try:
            shape = np.asarray(y).shape
        except ValueError:
            return 1
    return shape[1] if len(shape) == 2 else 1


class _MultiLabelEncoder(TransformerMixin, BaseEstimator):
    """Target encoder of a multi-label fit, in SciKeras' interface: the 0/1
    indicator matrix as float32 columns, one sigmoid output each; inverse:
    probabilities above 0.5 to 0/1 in the dtype of the target fitted on."""

    def fit(self, y):
        self.n_labels_ = y.shape[1]
        self.dtype_ = y.dtype
        return self

    def transform(self, y):
        return np.asarray(y, dtype=np.float32)

    def inverse_transform(self, proba):
        return (np.asarray(proba) > 0.5).astype(self.dtype_)

    def get_metadata(self):
        return {
            "classes_": np.arange(self.n_labels_),
            "n_classes_": self.n_labels_,
            "n_outputs_": self.n_labels_,
            "n_outputs_expected_": 1,  # one Keras output of n_labels units
        }


def _check_chunks(chunks, name):
    """Yield the ``(X, y)`` pairs of one pass, ``y`` a 1-D array of as many
    rows as ``X``, its labels of the type of the pass's first label (a row
    out of type named by its position counted across the chunks)."""
    first, start = None, 0  # the pass's first label; the chunk's first row
    for k, item in enumerate(chunks):
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise ValueError(
                f"{name}.fit_chunks: chunk {k} is not an (X, y) pair, got "
                f"{type_name(item)}"
            )
        X, y = item
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(
                f"{name}.fit_chunks: chunk {k} has y of shape {y.shape}; chunks "
                "take 1-D class labels (fit a multi-label y in memory with fit)"
            )
        if getattr(X, "shape", (None,))[0] != len(y):
            raise ValueError(
                f"{name}.fit_chunks: chunk {k} has {getattr(X, 'shape', '?')} X "
                f"for {len(y)} labels; X and y need as many rows"
            )
        rows = np.arange(start, start + len(y))
        try:
            check_target_present(y)
            first = check_label_types(y, _Labels(rows, rows), first=first)
        except ValueError as exc:
            raise ValueError(f"{name}.fit_chunks: chunk {k}: {exc}") from None
        start += len(y)
        if len(y):
            yield X, y


def _chunk_passes(chunks, name):
    """A function returning a fresh iterable of the chunks at each call:
    ``chunks`` itself, or one returning the re-iterable collection
    ``chunks``; a one-shot iterator (read once, but the chunks are read once
    per epoch) is refused."""
    if callable(chunks):
        return chunks
    try:
        one_shot = isinstance(chunks, str | bytes) or iter(chunks) is chunks
    except TypeError:
        one_shot = True
    if one_shot:
        raise TypeError(
            f"{name}.fit_chunks reads the chunks once per epoch: pass a "
            "function returning a fresh iterable of (X, y) pairs, or a "
            f"re-iterable collection of them (a list), got {type_name(chunks)}"
        )
    return lambda: chunks


class _ChunkDataset(keras.utils.PyDataset):
    """The batches of one epoch read from the chunks in order: batch ``i``
    holds rows ``i * batch_size`` onwards of the stream of chunks (rows
    shuffled within each chunk), densified and encoded as in ``fit``.
    Keras reads the batches in order; asking for an earlier one restarts
    the stream. Every pass must give the ``n_rows`` rows (counted ``source``,
    e.g. "of the first pass"). An error is kept in ``error`` (Keras' data
    pipeline wraps it in its own)."""

    def __init__(self, clf, chunks, n_rows, class_weight, seed, source):
        super().__init__()
        self.clf, self.chunks, self.n_rows = clf, chunks, n_rows
        self.class_weight, self.seed, self.source = class_weight, seed, source
        self.batch_size = min(clf.batch_size, n_rows)
        self.error = None
        self._next = None  # the index of the next batch of the stream
        self._passes = 0
        # the epoch being read, for the errors; Keras reads the first
        # batches once before the first epoch begins (to learn their shapes)
        self._epoch = 1
        self._begun = 0

    def on_epoch_begin(self):
        self._begun += 1
        self._epoch = self._begun

    def __len__(self):
        return int(np.ceil(self.n_rows / self.batch_size))

    def _restart(self):
        self._passes += 1
        self._stream = enumerate(_check_chunks(self.chunks(), type(self.clf).__name__))
        self._parts, self._rows, self._next = [], 0, 0
        self._seen = 0  # rows read from the chunks in this pass

    def _read_chunk(self):
        clf = self.clf
        k, (X, y) = next(self._stream)
        classes = clf.classes_
        known = np.isin(y, classes)
        if not known.all():
            from skmultimodal.fusion._columns import describe_rows

            new = list(dict.fromkeys(y[~known].tolist()))
            raise ValueError(
                f"{type(clf).__name__}.fit_chunks: chunk {k} has label(s) "
                f"{new[:10]} at {describe_rows(np.flatnonzero(~known), None)} "
                f"of the chunk, not among the classes {classes.tolist()}"
            )
        # the feature checks of predict, a sparse chunk kept sparse
        try:
            X = validate_data(
                clf, X, reset=False, dtype=np.float32, accept_sparse="csr"
            )
        except ValueError as exc:
            name = type(clf).__name__
            raise ValueError(f"{name}.fit_chunks: chunk {k}: {exc}") from None
        try:
            _check_token_ids(clf.block_layout_, X)
        except ValueError as exc:
            name = type(clf).__name__
            raise ValueError(f"{name}.fit_chunks: chunk {k}: {exc}") from None
        for b in clf.block_layout_:
            ids = _dense(X[:, b.slice]) if b.kind == "sequence" else None
            if ids is not None and ids.max(initial=0) >= b.vocabulary_size:
                raise ValueError(
                    f"chunk {k} has token ids of block {b.name!r} beyond the "
                    f"vocabulary of {b.vocabulary_size} set by the first "
                    "chunk; give the block its vocabulary_size"
                )
        order = np.random.RandomState([self.seed, self._passes, k]).permutation(len(y))
        w = None
        if self.class_weight is not None:
            w = np.asarray([self.class_weight[c] for c in y[order].tolist()])
            w = w.astype(np.float32)
        target = clf.target_encoder_.transform(y[order])
        self._parts.append((X[order], target, w))
        self._rows += len(y)
        self._seen += len(y)

    def _take(self):
        """The rows of batch ``_next``: the next ``batch_size`` rows of the
        stream, for the last batch those left of the ``n_rows``."""
        want = min(self.batch_size, self.n_rows - self._next * self.batch_size)
        while self._rows < want:
            try:
                self._read_chunk()
            except StopIteration:
                raise self._count_error(self._seen) from None
        out, parts, need = [], [], want
        for X, t, w in self._parts:
            m = min(need, len(t))
            if m > 0:
                out.append((X[:m], t[:m], None if w is None else w[:m]))
                need -= m
            if m < len(t):
                parts.append((X[m:], t[m:], None if w is None else w[m:]))
        self._parts, self._rows = parts, self._rows - want
        X = np.concatenate([_dense(p[0]) for p in out]).astype(np.float32, copy=False)
        X = self.clf.feature_encoder_.transform(X)
        t = np.concatenate([p[1] for p in out])
        if self.class_weight is None:
            return X, t
        return X, t, np.concatenate([p[2] for p in out])

    def __getitem__(self, index):
        try:
            if self._next is None or index < self._next:
                self._restart()
            while self._next < index:  # skipped batches
                self._take()
                self._next += 1
            batch = self._take()
            self._next += 1
            if self._next == len(self):
                self._check_end()
            return batch
        except Exception as exc:
            self.error = exc
            raise

    def _check_end(self):
        """Refuse a pass with rows left after the ``n_rows``."""
        rest = sum(X.shape[0] for _, (X, _y) in self._stream)
        if self._rows or rest:
            raise self._count_error(self._seen + rest)

    def _count_error(self, n):
        """The error of a pass that gave ``n`` rows instead of ``n_rows``."""
        side = "fewer" if n < self.n_rows else "more"
        return ValueError(
            f"{type(self.clf).__name__}.fit_chunks: the chunks gave {n} rows in "
            f"the pass of epoch {self._epoch}, {side} than the {self.n_rows} rows "
            f"{self.source}; every pass must give the same rows"
        )


class MultimodalAttentionClassifier(ClassifierMixin, BaseWrapper):
    """Cross-modal attention network (Keras) as a scikit-learn classifier.

    Each modality block of the input becomes one or more tokens of a common
    ``width``: a feature block (e.g. HOG or TF-IDF features) through a learned
    projection, optionally split into several region tokens; a sequence
    block (integer token ids from ``TextSequencer``) through an embedding and
    an LSTM or self-attention encoder, whose word tokens then attend to the
    other modalities' tokens (cross-attention). Multi-head self-attention
    runs across all tokens, attention pooling with a learned query weighs
    them, and a dropout + linear head gives logits, to which a linear skip
    path over the feature blocks adds its own (``linear_skip``) before the
    softmax (sigmoid for two classes).

    A 2-D ``y``, a 0/1 label indicator matrix of shape ``(n_samples,
    n_labels)`` (scikit-learn's "multilabel-indicator" target), fits a
    multi-label network instead: one sigmoid output per label, trained with
    binary cross-entropy; ``predict`` then returns the 0/1 matrix (a label
    is predicted present when its probability exceeds 0.5) and
    ``predict_proba`` the per-label probabilities.

    The modality blocks are found by themselves after
    ``ModalityFusion(..., method="tokens")`` (``modalities="auto"``); a plain
    2-D array is one feature block.

    Built on SciKeras' ``BaseWrapper`` with the classifier behaviour of
    scikit-learn 1.9 (``is_classifier``, tags, feature-count checks,
    reproducible seeding) fixed here. TensorFlow is imported only when this
    class is first used.

    Parameters
    ----------
    modalities : "auto", BlockLayout or list, default="auto"
        The modality blocks of the columns of ``X``. "auto": the layout
        attached by ``ModalityFusion`` (or read from ``<modality>__...``
        DataFrame column names), else the whole of ``X`` is one feature
        block. A list gives blocks in column order as ``(name, width)``,
        ``(name, width, "sequence")``, ``(name, width, "sequence",
        vocabulary_size)`` or ``(name, width, "image", (height, width,
        channels))``. Each block needs its own name (any string) and a
        positive integer width (its number of columns).
    tokens_per_block : int or dict, default=1
        Number of tokens a feature block is split into (contiguous chunks,
        e.g. HOG cells); a dict maps block names to counts (others get 1;
        a name that is no block of ``X`` is refused at fit). Capped at the
        block's width. The block is cut into chunks of ``ceil(block width /
        count)`` columns, the last one zero padded, and gets one token per
        chunk: fewer tokens than asked when the count does not divide the
        width (10 columns in 9 tokens: 5 tokens of 2 columns), so that no
        token is padding only; ``tokens_per_modality_`` has the counts made.
        Sequence blocks have one token per id.
    sequence_encoder : {"lstm", "attention"}, default="lstm"
        Encoder of embedded sequence tokens.
    width : int, default=64
        Common token width.
    n_heads : int, default=4
        Attention heads, each of key size ``width // n_heads``; at most
        ``width`` (a larger value is a ValueError at fit).
    n_attention_layers : int, default=1
        Self-attention layers across all modality tokens.
    dropout : float, default=0.1
        Dropout rate in attention, feed-forward layers and the head.
    epochs : int, default=30
        Passes over the training data (an upper bound with early stopping).
    batch_size : int, default=32
        Mini-batch size.
    learning_rate : float, default=1e-3
        Optimizer learning rate.
    optimizer : {"adam", "adamw", "rmsprop", "sgd"}, default="adam"
        Keras optimizer.
    weight_decay : float, default=0.0
        Decoupled weight decay of the optimizer (0 disables it).
    linear_skip : bool, default=True
        Add the logits of a linear layer over the concatenated feature blocks
        (sequence id blocks excluded) to the attention path's logits, so
        the network is at least a multinomial logistic regression on the
        fused features and attention learns a correction on top of it.
    input_dropout : float, default=0.0
        Dropout rate on the feature blocks, before their token projection
        and the linear skip path.
    label_smoothing : float, default=0.0
        Label smoothing of the cross-entropy loss (of each label's binary
        cross-entropy for a multi-label ``y``).
    image_augmentation : bool, default=True
        Augment the images of image blocks while training (Keras
        preprocessing layers, the identity at inference): horizontal flip,
        shifts and zooms of up to 10 %, a colour jitter (brightness and
        contrast, and saturation for RGB images) and a Gaussian blur.
    image_patch_size : {2, 4, 8, 16}, default=8
        Side in pixels of the image patch behind each token of an image
        block: the convolutional stem has ``log2(image_patch_size)``
        stride-2 convolutions, so a 64x64 image gives 8x8 = 64 tokens.
    early_stopping : bool, default=False
        Hold out ``validation_split`` of the training data (stratified by
        class; a plain random split for a multi-label ``y``) and stop when
        its loss has not improved for ``patience`` epochs, keeping
        the best weights.
    validation_split : float, default=0.1
        Held-out fraction for early stopping.
    patience : int, default=5
        Epochs without improvement before stopping.
    class_weight : dict, "balanced" or None, default=None
        Weights of classes, multiplied into the sample weights: a dict's
        weights finite and non-negative (else a ValueError at fit naming the
        class). "balanced": ``n_samples / (n_classes * count)`` from the
        class counts weighted by ``sample_weight``, as scikit-learn's
        classifiers do (a row of weight ``k`` counts as ``k`` rows). Not
        supported with a multi-label ``y`` (a ValueError): weight
        samples with ``sample_weight`` there.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, shuffling and the validation
        split: the same data and integer seed give identical predictions,
        also in another process. Global random states are restored after
        the fit.
    verbose : int, default=0
        Keras' training log level (0 silent, 1 progress bar, 2 one line per
        epoch).
    run_eagerly : bool or "auto", default="auto"
        Run the training steps eagerly instead of as a traced TensorFlow
        graph. "auto" runs eagerly only when the fit has at most 20
        optimizer steps (tracing costs more than it saves there).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels; for a multi-label ``y``, the label (column) indices
        ``0 .. n_labels - 1``, as scikit-learn's multi-label classifiers
        (``OneVsRestClassifier``, ``MLPClassifier``) have them.
    n_outputs_ : int
        Number of target columns: 1 for a 1-D ``y``, ``n_labels`` for a
        multi-label ``y``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` was a DataFrame with string column names.
    block_layout_ : BlockLayout
        The modality blocks used (sequence blocks with their vocabulary size).
    tokens_per_modality_ : dict
        Number of tokens of each block (for a feature block, at most its
        ``tokens_per_block``: see there).
    model_ : keras.Model
        The fitted network.
    history_ : dict
        Per-epoch training (and validation) loss.
    n_iter_ : int
        Epochs run.
    patch_grids_ : dict
        ``{image block: (rows, columns)}`` of its patch tokens (a property).
    n_classes_ : int
        Number of classes (multi-label: of labels), from SciKeras' BaseWrapper.
    n_outputs_expected_ : int
        Number of outputs of the Keras model, from SciKeras' BaseWrapper.
    target_encoder_ : transformer
        Fitted encoder of ``y`` to the network's targets, from SciKeras' BaseWrapper.
    feature_encoder_ : transformer
        Fitted encoder of ``X`` (the identity), from SciKeras' BaseWrapper.
    initialized_ : bool
        Whether the model is built, from SciKeras' BaseWrapper (a property).

    See Also
    --------
    skmultimodal.plotting.plot_attention_weights : Draw the attention weights.

    Notes
    -----
    Persist a fitted classifier with ``pickle`` or ``joblib``: the Keras
    model travels in Keras' own saving format; all custom layers are
    registered Keras-serializable.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.models import MultimodalAttentionClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 6))
    >>> y = (X[:, 0] + X[:, 3] > 0).astype(int)
    >>> clf = MultimodalAttentionClassifier(
    ...     modalities=[("image", 3), ("text", 3)], width=8, n_heads=2,
    ...     epochs=2, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> clf.attention_weights(X[:2]).columns.tolist()
    ['image', 'text']
    """

    _parameter_constraints: dict = {
        "modalities": [StrOptions({"auto"}), list, tuple],
        "tokens_per_block": [Count(1, None, closed="left"), dict],
        "sequence_encoder": [StrOptions({"lstm", "attention"})],
        "width": [Count(1, None, closed="left")],
        "n_heads": [Count(1, None, closed="left")],
        "n_attention_layers": [Count(0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "epochs": [Count(1, None, closed="left")],
        "batch_size": [Count(1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions({"adam", "adamw", "rmsprop", "sgd"})],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "linear_skip": ["boolean"],
        "input_dropout": [Interval(Real, 0, 1, closed="left")],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "image_augmentation": ["boolean"],
        "image_patch_size": [Options(Integral, {2, 4, 8, 16})],
        "early_stopping": ["boolean"],
        "validation_split": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Count(0, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "run_eagerly": ["boolean", StrOptions({"auto"})],
    }

    # SciKeras' BaseWrapper reads this in its fit; warm starts are not offered.
    warm_start = False

    def __init__(
        self,
        modalities="auto",
        *,
        tokens_per_block=1,
        sequence_encoder="lstm",
        width=64,
        n_heads=4,
        n_attention_layers=1,
        dropout=0.1,
        epochs=30,
        batch_size=32,
        learning_rate=1e-3,
        optimizer="adam",
        weight_decay=0.0,
        linear_skip=True,
        input_dropout=0.0,
        label_smoothing=0.0,
        image_augmentation=True,
        image_patch_size=8,
        early_stopping=False,
        validation_split=0.1,
        patience=5,
        class_weight=None,
        random_state=None,
        verbose=0,
        run_eagerly="auto",
    ):
        self.modalities = modalities
        self.tokens_per_block = tokens_per_block
        self.sequence_encoder = sequence_encoder
        self.width = width
        self.n_heads = n_heads
        self.n_attention_layers = n_attention_layers
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.linear_skip = linear_skip
        self.input_dropout = input_dropout
        self.label_smoothing = label_smoothing
        self.image_augmentation = image_augmentation
        self.image_patch_size = image_patch_size
        self.early_stopping = early_stopping
        self.validation_split = validation_split
        self.patience = patience
        self.class_weight = class_weight
        self.random_state = random_state
        self.verbose = verbose
        self.run_eagerly = run_eagerly

    # scikit-learn's parameter handling, not SciKeras' routed ``__dict__`` one:
    # get_params/set_params/clone/repr see exactly the ``__init__`` arguments.
    _get_param_names = classmethod(BaseEstimator._get_param_names.__func__)
    set_params = BaseEstimator.set_params
    __repr__ = BaseEstimator.__repr__

    @property
    def partial_fit(self):
        # Hide SciKeras' partial_fit: it bypasses the checks of ``fit``.
        raise AttributeError(
            f"{type(self).__name__} has no partial_fit; call fit with more epochs"
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.input_tags.two_d_array = True
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = False
        tags.target_tags.required = True
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = False
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = True
        tags.classifier_tags.poor_score = True
        return tags

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Fused modality blocks (e.g. ``ModalityFusion(method="tokens")``
            output), or any 2-D numeric array. A sparse matrix (e.g. from
            ``method="concat"`` with TF-IDF blocks) is densified.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 0/1 label indicator matrix (array, sparse
            matrix or DataFrame of 0/1 or boolean columns, at least 2
            columns) for multi-label classification. A single column is a
            column vector of class labels, as everywhere in scikit-learn
            (a DataConversionWarning, then raveled).
        sample_weight : array-like of shape (n_samples,), default=None
            Finite, non-negative per-sample weights, not all 0 (multiplied
            with ``class_weight``); rows of weight 0 are left out.

        Returns
        -------
        self : MultimodalAttentionClassifier

        Raises
        ------
        ValueError
            A 2-D ``y`` with a value other than 0/1 (named by row and
            column), a ``class_weight`` dict with a negative or non-finite
            weight (named by class), a multi-label ``y`` with ``class_weight``
            set, a 1-D ``y`` of a single class, or a ``sample_weight`` of
            another length, with NaN, all 0 or with a negative weight (the
            first negative row named). A ``modalities`` entry whose width is
            not a positive integer. A diverged fit: a training loss or
            weights that are NaN or infinite (the fit stops at the end of that
            epoch, named; scale the features or lower ``learning_rate``).

        Warns
        -----
        UserWarning
            A label of a multi-label ``y`` that is the same (all 0 or all 1)
            in every training sample: the network learns it as constant.
        """
        check_tensorflow_not_forked(type(self).__name__)  # it would hang
        check_class_weight(self.class_weight, type(self).__name__)
        rs = self.random_state
        if rs is None or isinstance(rs, Integral):
            self._seed = None if rs is None else int(rs)
        else:
            self._seed = int(check_random_state(rs).randint(np.iinfo(np.int32).max))
        self.__dict__.pop("_explainer", None)
        with _seeded(self._seed), _native_encoders():
            # SciKeras' fit flow: validation, target encoding (its
            # ClassifierLabelEncoder), model build and the fit below.
            self._fit(
                X,
                y,
                sample_weight=sample_weight,
                warm_start=False,
                epochs=self.epochs,
                initial_epoch=0,
            )
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_chunks(self, chunks, *, classes=None, class_counts=None):
        """Fit the network from chunks of rows, never holding more than one.

        Keras is fed by a :class:`keras.utils.PyDataset` that reads the
        chunks in order, one at a time, and cuts them into mini-batches of
        ``batch_size`` rows (a batch may span two chunks, so there are as
        many optimizer steps per epoch as in :meth:`fit`); the rows of each
        chunk are shuffled within the chunk. A sparse chunk stays sparse,
        only each mini-batch is densified. The network, its block layout,
        classes and target encoding are set up by the same code as in
        :meth:`fit`, so the fitted classifier is used, explained and saved
        like any other.

        Parameters
        ----------
        chunks : callable or iterable of (X, y)
            A function returning a fresh iterable of ``(X, y)`` pairs at each
            call, or a re-iterable collection of them (a list); a one-shot
            iterator or generator is refused (a TypeError), as the chunks are
            read once per epoch. ``X`` of shape ``(n_rows, n_features)``
            (array or sparse matrix, e.g. a fitted ``ModalityFusion``'s
            output, whose block layout is read as in :meth:`fit`), ``y`` its
            1-D class labels. Every pass must give the same rows.
        classes : array-like or None, default=None
            Every class label. None: the labels of ``class_counts``, else
            those found by a first pass over the chunks.
        class_counts : dict or None, default=None
            Rows of each label over one pass (e.g. from a statistics pass
            that already read the chunks); it gives the number of rows and
            the ``"balanced"`` class weights. None: one extra pass over the
            chunks counts them.

        Returns
        -------
        self : MultimodalAttentionClassifier

        Raises
        ------
        TypeError
            ``chunks`` neither a function nor a re-iterable collection (e.g.
            a generator, which can be read only once).
        ValueError
            ``early_stopping=True`` (no rows are held out of a stream), a
            chunk that is not an ``(X, y)`` pair of as many rows, a 2-D
            ``y`` (multi-label targets are fitted in memory), a label outside
            ``classes``, or a later pass that gives another number of rows
            than the first (or than ``class_counts`` counts), named by its
            epoch; a diverged fit, as in :meth:`fit`.

        See Also
        --------
        skmultimodal.streaming.fit_out_of_core : fit a fused pipeline ending
            in this classifier from chunks of raw rows (images, texts).

        Examples
        --------
        >>> import numpy as np
        >>> from skmultimodal.models import MultimodalAttentionClassifier
        >>> rng = np.random.RandomState(0)
        >>> X = rng.normal(size=(90, 4))
        >>> y = (X[:, 0] > 0).astype(int)
        >>> def chunks():  # e.g. a file read 30 rows at a time
        ...     return ((X[i : i + 30], y[i : i + 30]) for i in range(0, 90, 30))
        >>> clf = MultimodalAttentionClassifier(
        ...     width=8, n_heads=2, epochs=2, random_state=0).fit_chunks(chunks)
        >>> clf.predict_proba(X[:2]).shape
        (2, 2)
        """
        name = type(self).__name__
        check_class_weight(self.class_weight, type(self).__name__)
        chunks = _chunk_passes(chunks, name)
        if self.early_stopping:
            raise ValueError(
                f"{name}.fit_chunks cannot hold out validation rows from a "
                "stream: set early_stopping=False"
            )
        counted = class_counts is None
        if counted:
            class_counts = {}
            for _, y in _check_chunks(chunks(), name):
                labels, n = np.unique(y, return_counts=True)
                for label, c in zip(labels.tolist(), n.tolist()):
                    class_counts[label] = class_counts.get(label, 0) + c
        n_rows = int(sum(class_counts.values()))
        if n_rows < 1:
            raise ValueError(f"{name}.fit_chunks: the chunks hold no rows")
        classes = np.asarray(sorted(class_counts) if classes is None else classes)
        classes = np.unique(classes)
        check_two_classes(classes, name)
        check_classification_targets(classes)
        rs = self.random_state
        if rs is None or isinstance(rs, Integral):
            self._seed = None if rs is None else int(rs)
        else:
            self._seed = int(check_random_state(rs).randint(np.iinfo(np.int32).max))
        self.__dict__.pop("_explainer", None)
        with _seeded(self._seed), _native_encoders():
            stream = _check_chunks(chunks(), name)
            first = next(stream, None)
            stream.close()
            if first is None:
                raise ValueError(f"{name}.fit_chunks: the chunks hold no rows")
            self._initialize_stream(first[0], classes)
            del first, stream
            weights = None
            if self.class_weight is not None:
                present = [c for c in classes.tolist() if class_counts.get(c, 0)]
                if self.class_weight == "balanced":
                    weights = {
                        c: n_rows / (len(present) * class_counts[c]) for c in present
                    }
                else:
                    weights = {c: self.class_weight.get(c, 1.0) for c in present}
            seed = self._seed
            if seed is None:
                seed = int(check_random_state(None).randint(np.iinfo(np.int32).max))
            source = "of the first pass" + ("" if counted else " (class_counts)")
            dataset = _ChunkDataset(self, chunks, n_rows, weights, seed, source)
            eager = self.run_eagerly
            if eager == "auto":
                eager = self.epochs * len(dataset) <= _EAGER_MAX_STEPS
            self.model_.run_eagerly = bool(eager)
            divergence = _Divergence()
            try:
                hist = self.model_.fit(
                    dataset,
                    epochs=self.epochs,
                    verbose=self.verbose,
                    shuffle=False,  # the batches must come in order
                    callbacks=[divergence],
                )
            except Exception:
                if dataset.error is not None:  # raised in the data pipeline
                    raise dataset.error.with_traceback(None) from None
                raise
        self.history_ = {
            k: [float(v) for v in vals] for k, vals in hist.history.items()
        }
        self.n_iter_ = len(self.history_.get("loss", []))
        divergence.check(self)
        return self

    def _initialize_stream(self, X, classes):
        """SciKeras' ``_initialize`` for a fit from chunks: the feature
        checks and block layout from the first chunk ``X``, the target
        encoder from the class list, then the network built and compiled as
        in :meth:`fit`."""
        hint = get_block_layout(X) if self.modalities == "auto" else None
        self._multilabel = False
        self._random_state = self._seed
        X = _dense(
            validate_data(self, X, reset=True, dtype=np.float32, accept_sparse="csr")
        )
        self.block_layout_ = self._fit_layout(hint, X)
        self.target_encoder_ = self.target_encoder.fit(classes)
        vars(self).update(**self.target_encoder_.get_metadata())
        self.feature_encoder_ = self.feature_encoder.fit(X)
        vars(self).update(**getattr(self.feature_encoder, "get_metadata", dict)())
        self.model_ = self._build_keras_model()
        self._initialize_callbacks()
        self._ensure_compiled_model()
        self._check_model_compatibility(self.target_encoder_.transform(classes))

    @property
    def target_encoder(self):
        # SciKeras' label encoder: labels -> ordinal codes (classes_ kept);
        # for a multi-label y (seen by _validate_data) the indicator matrix.
        if getattr(self, "_multilabel", False):
            return _MultiLabelEncoder()
        return ClassifierLabelEncoder(loss=None, categories="auto")

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        # Replaces SciKeras' check: sklearn's validate_data gives the standard
        # n_features / feature-name / sparse / NaN errors.
        if X is None:
            return None, column_or_1d(y)
        hint = get_block_layout(X) if reset and self.modalities == "auto" else None
        if y is not None:  # a missing label named by its row, not NumPy's sort
            check_target_present(y, getattr(X, "index", None))
        if reset:
            self._multilabel = y is not None and _n_target_columns(y) > 1
        if y is not None and getattr(self, "_multilabel", False):
            return self._validate_multilabel(X, y, reset, hint)
        # Sparse input (e.g. ModalityFusion(method="concat") with TF-IDF) is
        # densified: the network's projections are dense matmuls anyway.
        if y is None:
            X = validate_data(
                self, X, reset=reset, dtype=np.float32, accept_sparse="csr"
            )
            return _dense(X), None
        check_label_types(y)  # before scikit-learn calls it "unknown"
        X, y = validate_data(
            self, X, y, reset=reset, dtype=np.float32, accept_sparse="csr"
        )
        X = _dense(X)
        check_classification_targets(y)
        if reset:
            check_two_classes(np.unique(y), type(self).__name__)
            self._check_class_weight_keys(np.unique(y))
            self.block_layout_ = self._fit_layout(hint, X)
        return X, y

    def _check_class_weight_keys(self, classes):
        """A ``class_weight`` dict whose keys are no class of ``y``, where
        scikit-learn refuses it (some class has no weight), named before the
        network is built: scikit-learn names the classes, not the keys."""
        if not isinstance(self.class_weight, dict):
            return
        known = set(classes.tolist())
        unknown = [k for k in self.class_weight if k not in known]
        if unknown and any(c not in self.class_weight for c in known):
            shown = ", ".join(repr(plain_label(c)) for c in classes[:20])
            raise ValueError(
                f"class_weight names {plain_label(unknown[0])!r}, which is not "
                f"a class of y (its classes: {shown}"
                f"{', ...' if len(classes) > 20 else ''})"
            )

    def _validate_multilabel(self, X, y, reset, hint):
        columns = getattr(y, "columns", None)
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            dtype=np.float32,
            accept_sparse="csr",
            multi_output=True,
        )
        X, y = _dense(X), _dense(y)
        name = type(self).__name__

        def label(j, what="label"):
            return f"{what} {j}" + ("" if columns is None else f" ({columns[j]!r})")

        bad = ~((y == 0) | (y == 1))
        if bad.any():
            row, col = (int(i[0]) for i in np.nonzero(bad))
            value = plain_label(y[row, col])
            raise ValueError(
                f"{name}: a 2-D y is a multi-label indicator matrix (one column "
                f"of 0/1 per label), but row {row} has {value!r} in "
                f"{label(col, 'column')}; pass a 1-D y for single-label classes"
            )
        if self.class_weight is not None:
            raise ValueError(
                f"{name}: class_weight is not supported with a multi-label y "
                f"({y.shape[1]} labels); weight the samples with sample_weight"
            )
        if reset:
            positives = y.astype(bool).sum(axis=0)
            for j in np.nonzero((positives == 0) | (positives == len(y)))[0]:
                value = "present" if positives[j] else "absent"
                warnings.warn(
                    f"{label(j)} is {value} in all {len(y)} training samples; "
                    f"the network learns it as always {value}",
                    UserWarning,
                    stacklevel=7,  # the caller of fit
                )
            self.block_layout_ = self._fit_layout(hint, X)
        return X, y

    def _fit_layout(self, hint, X):
        n_features = X.shape[1]
        if self.modalities == "auto":
            layout = hint or BlockLayout([Block("X", 0, n_features, "features")])
            _check_unique_names(
                layout,
                "modalities='auto': the layout of X names",
                "put each modality's <modality>__ columns side by side (and "
                "its <modality>__seq<k> ids apart from its features under "
                "another name), or pass modalities explicitly",
                getattr(self, "feature_names_in_", None),
            )
        else:
            layout = _explicit_layout(self.modalities, n_features)
        _check_token_ids(layout, X)
        blocks = []
        for b in layout:
            if b.kind == "sequence":
                seen = int(X[:, b.slice].max(initial=0)) + 1
                vocab = max(b.vocabulary_size or 0, seen, 2)
                b = Block(b.name, b.start, b.stop, "sequence", vocab)
            blocks.append(b)
        return BlockLayout(blocks)

    def _token_spec(self):
        tpb = self.tokens_per_block
        if isinstance(tpb, dict):
            names = [b.name for b in self.block_layout_]
            unknown = [k for k in tpb if k not in names]
            bad = [k for k, v in tpb.items() if not _positive_int(v)]
            if unknown or bad:
                what = (
                    f"names no block: {unknown}"
                    if unknown
                    else f"counts {bad} are not positive integers"
                )
                raise ValueError(
                    f"tokens_per_block {what}; the blocks of X are {names}"
                )
        spec = []
        for b in self.block_layout_:
            if b.kind == "sequence":
                n_tokens = b.width
            elif b.kind == "image":
                rows, cols = patch_grid(b.shape, self.image_patch_size)
                n_tokens = rows * cols
            else:
                n = tpb.get(b.name, 1) if isinstance(tpb, dict) else tpb
                n_tokens = feature_token_count(b.width, n)
            spec.append(
                {
                    "name": b.name,
                    "start": b.start,
                    "stop": b.stop,
                    "kind": b.kind,
                    "n_tokens": n_tokens,
                    "vocabulary_size": b.vocabulary_size,
                    "shape": b.shape,
                }
            )
        return spec

    def _build_keras_model(self):
        if self.n_heads > self.width:
            raise ValueError(
                f"n_heads={self.n_heads} is larger than width={self.width}: each "
                "attention head works in width // n_heads dimensions, so "
                "n_heads must be at most width"
            )
        spec = self._token_spec()
        self.tokens_per_modality_ = {s["name"]: s["n_tokens"] for s in spec}
        return build_network(
            spec,
            self.n_features_in_,
            len(self.classes_),
            multilabel=getattr(self, "_multilabel", False),
            width=self.width,
            n_heads=self.n_heads,
            n_attention_layers=self.n_attention_layers,
            dropout=self.dropout,
            sequence_encoder=self.sequence_encoder,
            learning_rate=self.learning_rate,
            optimizer=self.optimizer,
            linear_skip=self.linear_skip,
            weight_decay=self.weight_decay,
            input_dropout=self.input_dropout,
            label_smoothing=self.label_smoothing,
            image_augmentation=self.image_augmentation,
            image_patch_size=self.image_patch_size,
        )

    def _validate_sample_weight(self, X, y, sample_weight):
        # SciKeras' check (one finite weight per row, not all 0; rows of
        # weight 0 dropped), refusing negative weights too, as scikit-learn's
        # ``_check_sample_weight(..., ensure_non_negative=True)`` does.
        weights = _check_sample_weight(sample_weight, X, dtype=np.float32)
        negative = np.flatnonzero(weights < 0)
        if negative.size:
            row = int(negative[0])
            raise ValueError(
                f"{type(self).__name__}: sample_weight must be non-negative, but "
                f"row {row} has {float(weights[row])!r} ({negative.size} of "
                f"{len(weights)} weights negative)"
            )
        return BaseWrapper._validate_sample_weight(X, y, weights)

    def _fit_keras_model(
        self, X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs
    ):
        if self.class_weight == "balanced":
            # from the weighted class counts, as scikit-learn's classifiers:
            # a row of weight k counts as k duplicated rows
            codes = np.asarray(y).ravel().astype(int)
            present, index = np.unique(codes, return_inverse=True)
            cw = compute_class_weight(
                "balanced", classes=present, y=codes, sample_weight=sample_weight
            )[index].astype(np.float32)
            sample_weight = cw if sample_weight is None else sample_weight * cw
        elif self.class_weight is not None:
            labels = self.classes_[np.asarray(y).ravel().astype(int)]
            cw = compute_sample_weight(self.class_weight, labels).astype(np.float32)
            sample_weight = cw if sample_weight is None else sample_weight * cw
            if not np.any(sample_weight):  # nothing left to learn from
                raise ValueError(
                    f"class_weight={self.class_weight!r} gives every training "
                    "row a weight of 0 (with sample_weight, if given): at least "
                    "one row must count"
                )
        validation_data = None
        divergence = _Divergence()
        callbacks = [divergence]
        if self.early_stopping:
            X, y, sample_weight, validation_data = self._validation_split(
                X, y, sample_weight
            )
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss",
                    patience=self.patience,
                    restore_best_weights=True,
                )
            )
        batch_size = min(self.batch_size, X.shape[0])
        eager = self.run_eagerly
        if eager == "auto":
            steps = epochs * int(np.ceil(X.shape[0] / batch_size))
            eager = steps <= _EAGER_MAX_STEPS
        self.model_.run_eagerly = bool(eager)
        hist = self.model_.fit(
            X,
            y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            epochs=epochs,
            initial_epoch=initial_epoch,
            verbose=self.verbose,
            shuffle=True,
            validation_data=validation_data,
            callbacks=callbacks,
        )
        self.history_ = {
            k: [float(v) for v in vals] for k, vals in hist.history.items()
        }
        self.n_iter_ = len(self.history_.get("loss", []))
        divergence.check(self)

    def _validation_split(self, X, y, sample_weight):
        n_val = int(np.ceil(self.validation_split * X.shape[0]))
        if n_val < 1 or X.shape[0] - n_val < 1:
            raise ValueError(
                f"early_stopping needs at least one training and one validation "
                f"sample; validation_split={self.validation_split} of "
                f"{X.shape[0]} samples leaves none"
            )
        index = np.arange(X.shape[0])
        # scikit-learn has no multi-label stratification: a plain random split
        labels = None if getattr(self, "_multilabel", False) else np.asarray(y).ravel()
        try:
            train, val = train_test_split(
                index, test_size=n_val, stratify=labels, random_state=self._seed
            )
        except ValueError:  # a class too small to stratify
            train, val = train_test_split(
                index, test_size=n_val, random_state=self._seed
            )
        sw_val = None if sample_weight is None else sample_weight[val]
        sw_train = None if sample_weight is None else sample_weight[train]
        return X[train], y[train], sw_train, (X[val], y[val], sw_val)

    # -------------------------------------------------------------- predict
    def _forward(self, model, X, what):
        """The output of ``model`` (the network or its attention weights,
        ``what``, for the error) on ``X``, refused when not finite."""
        import pandas as pd

        check_tensorflow_not_forked(type(self).__name__)  # it would hang
        check_is_fitted(self)
        labels = X.index if isinstance(X, pd.DataFrame) else None  # for the error
        X, _ = self._validate_data(X)
        _check_token_ids(self.block_layout_, X)
        function = self._inference_of(model, what)
        out = [
            keras.ops.convert_to_numpy(function(X[i : i + _PREDICT_CHUNK]))
            for i in range(0, X.shape[0], _PREDICT_CHUNK)
        ]
        out = np.concatenate(out, axis=0).astype(np.float64)
        bad = np.flatnonzero(~np.isfinite(out.reshape(len(out), -1)).all(axis=1))
        if bad.size:
            n = bad.size - 1
            more = f" (and {n} more row{'s' if n > 1 else ''})" if n else ""
            raise ValueError(
                f"{type(self).__name__}: the network gave NaN or infinite {what} "
                f"for {describe_row(labels, bad[0])}{more}: its output is not "
                "finite; check that row's features (values far larger than those "
                "fitted on overflow the network: scale them as for fit)"
            )
        return out

    def _inference_of(self, model, what):
        """The traced inference function of ``model`` (this classifier's
        network or explainer, ``what``), traced at its first use."""
        entry = _TRACED.get(self, {}).get(what)
        if entry is None or entry[0] is not model:
            with _TRACE_LOCK:
                entry = _TRACED.get(self, {}).get(what)
                if entry is None or entry[0] is not model:
                    entry = (model, traced_inference(model))
                    _TRACED.setdefault(self, {})[what] = entry
        return entry[1]

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; rows sum to 1. For a
            multi-label fit, shape ``(n_samples, n_labels)``: each label's
            probability of being present, independent of the others.

        Raises
        ------
        ValueError
            A sequence block holding an id that is not a non-negative
            integer (named by block, columns and row), as in ``fit``; an id
            beyond the vocabulary is read as out of vocabulary. A row whose
            probabilities are NaN or infinite (the first such row named),
            e.g. features far larger than those fitted on.
        """
        check_is_fitted(self)
        raw = self._forward(self.model_, X, "probabilities")
        if getattr(self, "_multilabel", False):
            return raw
        if len(self.classes_) == 2:
            raw = np.column_stack([1.0 - raw[:, 0], raw[:, 0]])
        raw = np.clip(raw, 0.0, None)
        return raw / raw.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            For a multi-label fit, the 0/1 label indicator matrix (a label
            is present when its probability exceeds 0.5), of the dtype of
            the ``y`` fitted on.
        """
        check_is_fitted(self)
        proba = self.predict_proba(X)
        if getattr(self, "_multilabel", False):
            return self.target_encoder_.inverse_transform(proba)
        return self.classes_[np.argmax(proba, axis=1)]

    # --------------------------------------------------------- explanations
    def _pooling_weights(self, X):
        check_is_fitted(self)
        if getattr(self, "_explainer", None) is None:
            self._explainer = attention_model(self.model_)
        return self._forward(self._explainer, X, "attention weights")

    def token_attention(self, X):
        """Attention weight of every token of every modality block.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        weights : dict of str to ndarray
            For each block, its tokens' share of the pooling attention
            (all blocks of a row together sum to 1), of shape
            ``(n_samples, n_tokens)``: for a sequence block one column per
            position (word) of the sequence, 0 at padding; for a feature
            block one column per region token (``tokens_per_modality_``).
            For an image block the patch tokens keep their place in the
            image: shape ``(n_samples, rows, columns)`` (see
            ``patch_grids_``). A row whose every token is padding (every
            block a sequence block, each empty) has 0 everywhere: there is
            nothing to attend to.
        """
        weights = self._pooling_weights(X)
        grids = self.patch_grids_
        out, pos = {}, 0
        for name, n in self.tokens_per_modality_.items():
            w = weights[:, pos : pos + n]
            out[name] = w.reshape(-1, *grids[name]) if name in grids else w
            pos += n
        return out

    @property
    def patch_grids_(self):
        """``{image block: (rows, columns)}`` of its patch tokens."""
        check_is_fitted(self)
        return {
            b.name: patch_grid(b.shape, self.image_patch_size)
            for b in self.block_layout_
            if b.kind == "image"
        }

    def attention_weights(self, X, modality=None):
        """Attention given to each modality, or to each patch of an image.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        modality : str or None, default=None
            None: one share per modality. The name of a block: that block's
            per-token shares, which for an image block is a per-patch map.

        Returns
        -------
        weights : pandas.DataFrame of shape (n_samples, n_modalities) or ndarray
            With ``modality=None``, the share of the pooling attention each
            modality block receives; rows sum to 1 (0 for every block of a
            row that is padding only, see :meth:`token_attention`), and the
            index is ``X``'s when it is a DataFrame. With a block name, an
            array of shape ``(n_samples, rows, columns)`` for an image block
            (the patch map, drawn over the image by
            :func:`skmultimodal.plotting.plot_image_attention`) and
            ``(n_samples, n_tokens)`` otherwise, in the same units (the
            block's tokens sum to its share).
        """
        import pandas as pd

        tokens = self.token_attention(X)
        if modality is not None:
            if modality not in tokens:
                raise ValueError(
                    f"no modality block {modality!r}; blocks: {list(tokens)}"
                )
            return tokens[modality]
        index = X.index if isinstance(X, pd.DataFrame) else None
        return pd.DataFrame(
            {name: w.reshape(w.shape[0], -1).sum(axis=1) for name, w in tokens.items()},
            index=index,
        )

    # ---------------------------------------------------------- persistence
    def __getstate__(self):
        # a copy: BaseEstimator's may be the instance's own __dict__
        state = dict(super().__getstate__())
        for key in ("_explainer", "_fit_callbacks", "_predict_callbacks"):
            state.pop(key, None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fit_callbacks = []
        self._predict_callbacks = []
