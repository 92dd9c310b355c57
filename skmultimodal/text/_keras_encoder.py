"""KerasTextEncoder: a user's ``.keras`` text encoder, registered as the
``"keras_encoder"`` text method. Keras is imported only when a model is
loaded."""

from __future__ import annotations

import os
import threading
import weakref
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils.validation import check_is_fitted

from skmultimodal.utils import describe_failures, describe_row
from skmultimodal.utils._errors import check_tensorflow_not_forked, require_keras
from skmultimodal.utils._io import check_keras_file_name, file_sha256, load_keras_file
from skmultimodal.utils._keras import traced_inference
from skmultimodal.utils._parallel import warn_at_caller
from skmultimodal.utils._validation import Count, is_blank

from ._validation import TextColumnMixin, check_texts
from ._vectors import TextEmbeddingWarning

__all__ = ["KerasTextEncoder"]

# The loaded Keras model of each fitted encoder and its inference function
# (see _compile), kept outside the estimator so that no TensorFlow object is
# ever pickled, deep-copied or saved with it: a copy (pickle, clone, skops)
# reloads the model from its path. _LOAD_LOCK makes concurrent first calls
# load the model once.
_LOADED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOAD_LOCK = threading.Lock()


def _compile(model, shape):
    """``model`` as one inference function of a 1-D string tensor of any
    length (:func:`~skmultimodal.utils._keras.traced_inference`), reshaped
    inside to the model's ``(None, 1)`` input where that is its ``shape``."""

    def encode(texts):
        import tensorflow as tf

        batch = tf.reshape(texts, (-1, 1)) if len(shape) == 2 else texts
        return model(batch, training=False)

    return traced_inference(model, [((), "string")], call=encode)


class KerasTextEncoder(TextColumnMixin, TransformerMixin, BaseEstimator):
    """Vectors of texts from a user's Keras text encoder (a ``.keras`` file).

    Registered as the ``"keras_encoder"`` text feature method
    (``TextFeatures(method="keras_encoder", method_params={"path": ...})``).
    The model takes a batch of strings (a string input, e.g. a
    ``TextVectorization`` layer inside) and returns one vector per string
    (a 2-D output). Nothing is trained: ``fit`` loads and checks the model.

    Parameters
    ----------
    path : str or path-like, default=None
        The model, saved with ``model.save("encoder.keras")``. Only the
        ``.keras`` format is read, with Keras' ``safe_mode`` (no pickled
        code, no custom objects beyond those registered with Keras), even
        after ``keras.config.enable_unsafe_deserialization()``; HDF5
        (``.h5``) and SavedModel folders are refused. A relative path is
        relative to the current folder at ``fit`` (see ``model_path_``).
    batch_size : int, default=64
        Texts encoded per call of the model.

    Attributes
    ----------
    n_features_out_ : int
        The length of the vectors.
    model_path_ : str
        The absolute path of the model file read in ``fit`` (``path`` made
        absolute then; ``path`` itself is left as given), so a copy used
        from another current folder reads the same file.
    model_sha256_ : str
        The SHA-256 of the model file read in ``fit``. The estimator holds
        no TensorFlow object (the loaded model is cached beside it): a
        pickled, saved (:func:`~skmultimodal.persistence.save_model`) or
        deep-copied encoder reloads the model from ``model_path_`` on first
        use, and refuses a file whose SHA-256 differs; a file no longer
        there raises a FileNotFoundError naming ``path`` and ``model_path_``.

    See Also
    --------
    TextFeatures : uses it as ``method="keras_encoder"``.
    WordVectorFeatures : pooled pretrained word vectors, no TensorFlow.

    Notes
    -----
    An empty or whitespace-only text (a missing text becomes ``""``; a
    text of zero-width characters counts as blank too) is a
    missing modality: its row is entirely NaN and one
    :class:`TextEmbeddingWarning` names those rows; the model never sees
    it. ``fit`` runs the model on the first texts to check its output (a
    model with several outputs is refused). An output holding NaN or
    infinite values raises a ValueError naming the model file and the
    first such row; so does a batch whose output width differs from that in
    ``fit`` (a width that varies with the batch, e.g. a ``TextVectorization``
    without ``output_sequence_length``), naming its rows. An ``X`` of 0
    rows raises a ValueError in ``fit`` and ``transform`` alike. In a
    process forked after TensorFlow started (multiprocessing's ``"fork"``
    start method, ``gunicorn --preload``), where TensorFlow would hang,
    ``fit`` and ``transform`` raise a RuntimeError: start such workers with
    ``"spawn"`` or ``"forkserver"``, or load the model after forking.

    Examples
    --------
    >>> from skmultimodal.text import TextFeatures
    >>> TextFeatures(method="keras_encoder", method_params={"path": "enc.keras"})
    TextFeatures(method='keras_encoder', method_params={'path': 'enc.keras'})
    """

    _parameter_constraints: dict = {
        "path": [str, os.PathLike, None],
        "batch_size": [Count(1, None, closed="left")],
    }
    #: parameters that act in transform only: TextFeatures uses a change of
    #: them after fit (any other change needs a refit)
    _transform_time_params = ("batch_size",)

    def __init__(self, path=None, *, batch_size=64):
        self.path = path
        self.batch_size = batch_size

    def _absolute_path(self):
        """``path`` checked and made absolute (against the current folder)."""
        owner = self._name()
        if self.path is None:
            raise ValueError(
                f"{owner}: path is None; give the encoder's .keras file, e.g. "
                'method_params={"path": "encoder.keras"}'
            )
        path = Path(os.fspath(self.path))
        if path.suffix.lower() != ".keras":
            raise ValueError(
                f"{owner}: {str(path)!r} is not a .keras file; only the .keras "
                "format is loaded (never HDF5 or pickles, which can run code): "
                'save the encoder with model.save("encoder.keras")'
            )
        check_keras_file_name(path, f"{owner}: {str(path)!r}")
        return Path(os.path.abspath(path))

    def _load(self, path, expected_sha256=None):
        """Load and check the model at the absolute ``path``."""
        owner = self._name()
        require_keras(owner)
        if not path.is_file():
            given = os.fspath(self.path)
            looked = "" if given == str(path) else f" (looked for {str(path)!r})"
            raise FileNotFoundError(
                f"{owner}: model file {given!r} does not exist{looked}"
            )
        sha256 = file_sha256(path)
        if expected_sha256 is not None and sha256 != expected_sha256:
            raise ValueError(
                f"{owner}: the model file {str(path)!r} changed since this "
                f"encoder was fitted (SHA-256 {sha256[:12]}..., fitted with "
                f"{expected_sha256[:12]}...); fit again, or restore the file. "
                "A fitted encoder may come from a Pipeline's memory= cache, "
                "which hands back the one fitted before the change: then "
                "clear the cache folder, or build the pipeline without memory="
            )
        model = load_keras_file(
            path, f"{owner}: cannot load the Keras model {str(path)!r}"
        )
        inputs = getattr(model, "inputs", None) or []
        if len(inputs) != 1 or "string" not in str(inputs[0].dtype):
            got = ", ".join(f"{tuple(t.shape)} {t.dtype}" for t in inputs) or "none"
            raise ValueError(
                f"{owner}: the model {str(path)!r} must take one string input "
                f"(a batch of texts); its inputs: {got}"
            )
        outputs = getattr(model, "outputs", None) or []
        if len(outputs) > 1:
            names = getattr(model, "output_names", None) or []
            layers = f", the layers {', '.join(map(repr, names))}" if names else ""
            raise ValueError(
                f"{owner}: the model {str(path)!r} has {len(outputs)} "
                f"outputs{layers}; expected one 2-D output (one vector per "
                "text): save the encoder with that output only, e.g. "
                "keras.Model(model.inputs, model.get_layer(name).output)"
            )
        shape = tuple(inputs[0].shape)
        if shape not in ((None,), (None, 1)):
            raise ValueError(
                f"{owner}: the model's string input has shape {shape}; expected "
                "(None,) or (None, 1): one text per sample"
            )
        return model, sha256, shape

    def _model_for_use(self):
        """The loaded model and its input shape: from the cache, else
        reloaded from ``model_path_`` (checking the file's SHA-256), once
        however many threads ask at the same time."""
        check_tensorflow_not_forked(self._name())
        loaded = _LOADED.get(self)
        if loaded is not None:
            return loaded
        with _LOAD_LOCK:
            loaded = _LOADED.get(self)
            if loaded is None:
                # an encoder fitted before model_path_ existed: path as it is now
                path = getattr(self, "model_path_", None) or self._absolute_path()
                model, _, shape = self._load(Path(path), self.model_sha256_)
                loaded = _LOADED[self] = (model, _compile(model, shape))
        return loaded

    def _encode(self, encode, texts, rows=None, labels=None, width=None):
        """The vectors of ``texts`` by ``encode`` (see :func:`_compile`),
        ``batch_size`` texts at a time; ``texts`` are the rows ``rows`` of
        the column (named by the errors). Each batch's output must be 2-D
        and ``width`` wide (None: as wide as the first batch's)."""
        owner = self._name()
        import tensorflow as tf  # string tensors: the TensorFlow backend

        texts, parts = list(texts), []
        seen = "in fit" if width is not None else "for its first batch"
        for start in range(0, len(texts), self.batch_size):
            stop = min(start + self.batch_size, len(texts))
            batch = tf.constant(texts[start:stop], tf.string)
            out = encode(batch)
            if isinstance(out, list | tuple | dict):
                if len(out) != 1:
                    raise ValueError(
                        f"{owner}: the model {str(self.path)!r} has {len(out)} "
                        "outputs; expected one 2-D output (one vector per text)"
                    )
                raise ValueError(
                    f"{owner}: the model {str(self.path)!r} returns its one "
                    f"output in a {type(out).__name__}; expected the 2-D tensor "
                    "itself (one vector per text): build it with "
                    "keras.Model(inputs, outputs=x), not [x] or {'name': x}"
                )
            out = np.asarray(out)
            if out.ndim != 2 or out.shape[0] != stop - start:
                raise ValueError(
                    f"{owner}: the model {str(self.path)!r} returned an output "
                    f"of shape {out.shape} for {stop - start} texts; expected "
                    "2-D (n_texts, n_features): end the encoder with a pooling "
                    "layer"
                )
            if width is None:
                width = out.shape[1]
            elif out.shape[1] != width:
                where = (
                    f"the texts at {describe_row(labels, rows[start])} to "
                    f"{describe_row(labels, rows[stop - 1])}"
                    if rows is not None
                    else f"texts {start} to {stop - 1}"
                )
                raise ValueError(
                    f"{owner}: the model {str(self.path)!r} returned "
                    f"{out.shape[1]} features for the batch of {where}, "
                    f"{width} {seen}: "
                    "the width of its output varies with the batch (e.g. a "
                    "TextVectorization layer without output_sequence_length, "
                    "or a ragged output). The encoder must output one "
                    "fixed-width vector per text: set output_sequence_length "
                    "and pool the tokens (e.g. GlobalAveragePooling1D)"
                )
            if out.dtype.kind in "fc" and not np.isfinite(out).all():
                bad = np.argwhere(~np.isfinite(out))[0]
                first = start + int(bad[0])
                where = (
                    f"the text at {describe_row(labels, rows[first])}"
                    if rows is not None
                    else f"the text {texts[first]!r}"
                )
                raise ValueError(
                    f"{owner}: the model {str(self.path)!r} returned NaN or "
                    f"infinite values for {where}: its output is not finite; "
                    "check the model (its weights)"
                )
            parts.append(out)
        out = parts[0] if len(parts) == 1 else np.concatenate(parts)
        return out.astype(np.float64)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Load the model and check its input and output.

        Parameters
        ----------
        X : Series, one-column DataFrame, list or 1-D array of str
        y : ignored

        Returns
        -------
        self : KerasTextEncoder
        """
        owner = self._name()
        texts, labels = check_texts(X, owner=owner, action="fit")
        path = self._absolute_path()
        check_tensorflow_not_forked(owner)
        model, sha256, shape = self._load(path)
        encode = _compile(model, shape)
        rows = [i for i, t in enumerate(texts) if not is_blank(t)][: self.batch_size]
        if rows:
            probe = self._encode(encode, [texts[i] for i in rows], rows, labels)
        else:  # only empty texts: the model is tried on a word
            probe = self._encode(encode, ["a"])
        self.n_features_out_ = probe.shape[1]
        self.model_path_ = str(path)
        self.model_sha256_ = sha256
        _LOADED[self] = (model, encode)
        return self

    def transform(self, X):
        """The encoder's vector of each text; all NaN for an empty text.

        Parameters
        ----------
        X : Series, one-column DataFrame, list or 1-D array of str

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out_), dtype float64

        Raises
        ------
        ValueError
            ``X`` has 0 rows (as in ``fit``, and as scikit-learn's
            ``TfidfVectorizer.transform``), or holds a value that is neither
            a string nor missing; or a parameter set since fit is
            invalid (checked as fit checks it).
        """
        check_is_fitted(self)
        # parameters may have changed since fit: checked as fit checks them
        self._validate_params()
        owner = self._name()
        texts, labels = check_texts(X, owner=owner, action="transform")
        _, encode = self._model_for_use()
        present = np.array([not is_blank(t) for t in texts], dtype=bool)
        out = np.full((len(texts), self.n_features_out_), np.nan)
        if present.any():
            rows = np.flatnonzero(present)
            out[present] = self._encode(
                encode, [texts[i] for i in rows], rows, labels, self.n_features_out_
            )
        missing = np.flatnonzero(~present)
        if missing.size:
            warn_at_caller(
                f"{self._name()}: left {missing.size} empty text(s) as "
                "missing rows (all NaN): "
                f"{describe_failures(labels, [(i, 'empty') for i in missing])}",
                TextEmbeddingWarning,
            )
        return out

    def get_feature_names_out(self, input_features=None):
        """``encoder0`` ... ``encoder{n_features_out_-1}``.

        Parameters
        ----------
        input_features : ignored

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        return np.array(
            [f"encoder{i}" for i in range(self.n_features_out_)], dtype=object
        )
