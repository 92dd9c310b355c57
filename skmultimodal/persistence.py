"""Saving and loading fitted models: joblib for all, skops for classical ones.

A model file holds a small envelope around the fitted estimator::

    {"format": "skmultimodal-model", "format_version": 1,
     "skmultimodal_version": "...", "metadata": {...}, "estimator": <fitted>}

so that :func:`load_model` recognises a file that is not a skmultimodal
model and says so, and so that the command line finds the column names and
classes the model was trained with.

Two formats, chosen by the file name's suffix, for saving and for loading
alike (the content is checked against the name, never used to pick the
reader):

- ``.joblib`` (or ``.pkl``, ``.pickle``): joblib's pickle, for every
  estimator including
  :class:`~skmultimodal.models.MultimodalAttentionClassifier` (its Keras
  model is stored inside). Loading a pickle runs code chosen by whoever
  wrote the file, so :func:`load_model` refuses it unless told
  ``trusted=True``.
- ``.skops``: skops' secure format for classical pipelines (no Keras). It
  stores no code; on loading, every type in the file is checked against
  :data:`TRUSTED_TYPES` and anything else is refused unless trusted
  explicitly. A ``.skops`` name is only ever read with skops: a pickle
  renamed ``.skops`` is refused, not unpickled.

Files are written atomically (a temporary file in the same folder, then a
rename), so a failed save leaves the previous file as it was. Loading a
file written by another skmultimodal version warns with
:class:`InconsistentVersionWarning`.

See ``docs/persistence.md``.
"""

from __future__ import annotations

import pickle
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skmultimodal.utils import atomic_write
from skmultimodal.utils._errors import (
    MissingExtraError,
    MissingExtraValueError,
    install_hint,
)
from skmultimodal.utils._paths import as_path, output_file_problem
from skmultimodal.utils._validation import type_name

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "TRUSTED_TYPES",
    "InconsistentVersionWarning",
    "ModelFileError",
    "SavedModel",
    "UntrustedPickleError",
    "UntrustedTypesError",
    "check_save_path",
    "load_model",
    "save_model",
    "trusted_types",
]

FORMAT = "skmultimodal-model"
"""The ``format`` entry of every model file's envelope: :func:`load_model`
refuses a file without it (a :class:`ModelFileError`: not a skmultimodal
model)."""
FORMAT_VERSION = 1
"""The ``format_version`` entry of the envelope :func:`save_model` writes;
:func:`load_model` reads this version only and names another one in its
:class:`ModelFileError`."""
_JOBLIB_SUFFIXES = (".joblib", ".pkl", ".pickle")
_SKOPS_SUFFIXES = (".skops",)

TRUSTED_TYPES = (
    # skmultimodal estimators and the state they keep once fitted
    "skmultimodal.fusion._modality_fusion.ModalityFusion",
    "skmultimodal.fusion._late.LateFusionClassifier",
    "skmultimodal.fusion._methods.ConcatFusion",
    "skmultimodal.fusion._methods.ProductFusion",
    "skmultimodal.fusion._methods.SumFusion",
    "skmultimodal.fusion._methods.MeanFusion",
    "skmultimodal.fusion._methods.TensorFusion",
    "skmultimodal.fusion._methods.AttentionFusion",
    "skmultimodal.fusion._methods.TokenFusion",
    "skmultimodal.fusion._methods.StackFusion",
    "skmultimodal.fusion._methods.LateFusion",
    "skmultimodal.fusion._layout.Block",
    "skmultimodal.fusion._layout.BlockLayout",
    "skmultimodal.fusion._layout.FusedArray",
    "skmultimodal.image._features.ImageFeatures",
    "skmultimodal.image._features.HOGFeatures",
    "skmultimodal.image._features.PixelFeatures",
    "skmultimodal.image._features.ImageArray",
    "skmultimodal.image._features.ColorHistogram",
    "skmultimodal.image._union.ImageFeatureUnion",
    "skmultimodal.image._keras.KerasFeatures",
    "skmultimodal.image._transformers.ImageReader",
    "skmultimodal.image._transformers.Grayscale",
    "skmultimodal.image._transformers.Resize",
    "skmultimodal.image._transformers.Binarize",
    "skmultimodal.image._transformers.Normalize",
    "skmultimodal.text._features.TextFeatures",
    "skmultimodal.text._features._OptionalTextFeatures",
    "skmultimodal.text._cleaner.TextCleaner",
    "skmultimodal.text._cleaner.nfkc",  # the default text branch's normaliser
    "skmultimodal.text._sequencer.TextSequencer",
    "skmultimodal.text._vectors.WordVectorFeatures",
    "skmultimodal.text._keras_encoder.KerasTextEncoder",
    "skmultimodal.pipeline._TableCells",
    "skmultimodal.pipeline._TableColumns",  # splits tabular=[...] by dtype
    "skmultimodal.pipeline._TabularNames",  # the columns of tabular=
    # the branches' memory= cache: its folder and two joblib settings
    "skmultimodal.utils._memory.FileStampMemory",
    # scikit-learn helpers held by fitted pipelines
    "sklearn.utils._bunch.Bunch",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.CountVectorizer",
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.pipeline.FeatureUnion",
    # split tabular=[...] columns by dtype before _TableColumns (models saved
    # then still load); holds only its three parameters
    "sklearn.compose._column_transformer.make_column_selector",
    "builtins.slice",
    "collections.OrderedDict",
    "numpy.dtype",  # OneHotEncoder(dtype=np.float64) of the tabular branch
    "numpy.dtypes.Float64DType",
    "numpy.dtypes.Int64DType",
    "numpy.dtypes.ObjectDType",
    "numpy.dtypes.StrDType",
    # sparse matrices and arrays of the formats scipy.sparse.save_npz writes
    # (a fitted nearest-neighbours model keeps its TF-IDF rows): skops
    # rebuilds every one with load_npz, which reads arrays without pickle
    *(
        f"scipy.sparse._{fmt}.{fmt}_{kind}"
        for fmt in ("csr", "csc", "coo", "bsr", "dia")
        for kind in ("matrix", "array")
    ),
)
"""Types a ``.skops`` model file may contain beyond those skops trusts by
default (scikit-learn estimators, NumPy/SciPy containers, builtins). These
are the classes :func:`~skmultimodal.make_multimodal_pipeline` builds for
classical pipelines plus the few library types they hold once fitted."""


class ModelFileError(ValueError):
    """The file is missing, unreadable or not a skmultimodal model file."""


class UntrustedTypesError(ModelFileError):
    """A ``.skops`` file holds types outside :data:`TRUSTED_TYPES`."""


class UntrustedPickleError(ModelFileError):
    """A pickle-based file (``.joblib``, ``.pkl``, ``.pickle``) was to be
    loaded without ``trusted=True``: unpickling runs code from the file."""


class InconsistentVersionWarning(UserWarning):
    """A model file was written by another version of skmultimodal.

    Modelled on :class:`sklearn.exceptions.InconsistentVersionWarning`: the
    fitted state of an estimator may change between versions, so a model
    saved with one version and loaded with another can break or give
    wrong results. Retrain (or save again) with the running version.

    Attributes
    ----------
    original_version : str or None
        The version that wrote the file (None when the file does not say).
    current_version : str
        The running version, ``skmultimodal.__version__``.
    path : str or None
        The file.
    """

    def __init__(self, *, original_version, current_version, path=None):
        self.original_version = original_version
        self.current_version = current_version
        self.path = path

    def __str__(self):
        where = f" {self.path!r}" if self.path is not None else ""
        written = (
            f"skmultimodal {self.original_version}"
            if self.original_version
            else "an unknown skmultimodal version"
        )
        return (
            f"the model file{where} was written by {written} and is loaded with "
            f"skmultimodal {self.current_version}. This might lead to breaking "
            "code or invalid results; use it at your own risk, or retrain and "
            "save the model with this version."
        )


@dataclass
class SavedModel:
    """A loaded model: the fitted estimator and what was saved with it.

    Attributes
    ----------
    estimator : estimator
        The fitted estimator (pipeline).
    metadata : dict
        Free-form metadata given to :func:`save_model` (the command line
        stores the column names, the target name and the classes).
    skmultimodal_version : str
        Version of skmultimodal that wrote the file.
    path : pathlib.Path
        The file it was loaded from.
    """

    estimator: Any
    metadata: dict = field(default_factory=dict)
    skmultimodal_version: str = ""
    path: Path | None = None

    def predict(self, X):
        """Shortcut for ``self.estimator.predict(X)``."""
        return self.estimator.predict(X)

    def predict_proba(self, X):
        """Shortcut for ``self.estimator.predict_proba(X)``."""
        return self.estimator.predict_proba(X)


def _format_of(path: Path, error=ValueError) -> str:
    suffix = path.suffix.lower()
    if suffix in _JOBLIB_SUFFIXES:
        return "joblib"
    if suffix in _SKOPS_SUFFIXES:
        return "skops"
    raise error(
        f"cannot tell the format of {str(path)!r} from its suffix: use "
        f"{', '.join(_JOBLIB_SUFFIXES)} (joblib, any model) or .skops "
        "(secure format, classical pipelines)"
    )


class _SkopsMissingError(MissingExtraError, ModelFileError):
    """Loading ``.skops`` without skops: an ImportError naming the
    ``persist`` extra, and the ModelFileError it was before."""


def _skops_io(action="saving", error=ValueError):
    """``skops.io``; without skops (the ``persist`` extra), ``error`` with a
    message saying that ``action`` ("saving", "loading") .skops needs it (a
    ValueError or ModelFileError ``error`` is raised as one that is also an
    ImportError, :class:`~skmultimodal.utils._errors.MissingExtraError`)."""
    try:
        import skops.io as sio
    except ImportError:
        also = (
            ", or save as .joblib (pickle; loading it needs trust)"
            if action == "saving"
            else ""
        )
        error = {
            ValueError: MissingExtraValueError,
            ModelFileError: _SkopsMissingError,
        }.get(error, error)
        raise error(
            f"{action} .skops needs skops: {install_hint('persist')}{also}"
        ) from None
    return sio


def check_save_path(path, *, keras=None, error=ValueError) -> str:
    """Check, before fitting, that a model can be saved at ``path``.

    Its suffix must name a format, as for :func:`save_model`; a model
    holding a Keras network cannot go in a ``.skops`` file, and a
    ``.skops`` file needs skops (the ``persist`` extra); the folder must
    exist and be writable (a temporary file is created there and
    removed), and ``path`` must not be a folder.

    Parameters
    ----------
    path : str, bytes or path-like
        Where the model will be saved.
    keras : str, default=None
        What, in the model to be saved, holds a Keras network (such as
        ``"--classifier attention"``), named in the message; None: nothing.
    error : callable, default=ValueError
        Called with the message to make the exception raised.

    Returns
    -------
    format : {"joblib", "skops"}
        The format of the file :func:`save_model` will write.

    Examples
    --------
    >>> from skmultimodal.persistence import check_save_path
    >>> check_save_path("model.skops")
    'skops'
    >>> check_save_path("model.joblib", keras="the attention classifier")
    'joblib'
    >>> check_save_path("model.skops", keras="the attention classifier")
    Traceback (most recent call last):
    ...
    ValueError: the .skops format stores classical pipelines only, ...
    """
    path = as_path(path)
    fmt = _format_of(path, error=error)
    if fmt == "skops" and keras:
        raise error(
            f"the .skops format stores classical pipelines only, and {keras} "
            f"holds a Keras model: save it as {path.with_suffix('.joblib').name}"
        )
    if fmt == "skops":
        _skops_io(error=error)
    problem = output_file_problem(path)
    if problem:
        raise error(problem)
    return fmt


_ZIP_MAGIC = b"PK\x03\x04"
# pickles start with PROTO (0x80); joblib also writes zlib/gzip/xz/lz4
# compressed pickles.
_PICKLE_MAGICS = (b"\x80", b"\x78", b"\x1f\x8b", b"\xfd7", b"\x04\x22", b"ZF")


def _head(path, n=4):
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError as exc:
        raise ModelFileError(f"cannot read model file {str(path)!r}: {exc}") from exc


def _looks_like_pickle(head):
    return bool(head) and any(head.startswith(k) for k in _PICKLE_MAGICS)


def _uses_keras(estimator) -> bool:
    def visit(obj, seen):
        if id(obj) in seen:
            return False
        seen.add(id(obj))
        if type(obj).__module__.startswith(("skmultimodal.models", "scikeras")):
            return True
        if hasattr(obj, "get_params"):
            try:
                values = obj.get_params(deep=False).values()
            except Exception:
                return False
            return any(_visit_value(v, seen) for v in values)
        return False

    def _visit_value(v, seen):
        if isinstance(v, list | tuple):
            return any(_visit_value(x, seen) for x in v)
        return visit(v, seen)

    return visit(estimator, set())


def save_model(estimator, path, *, metadata=None) -> Path:
    """Save a fitted estimator with its metadata.

    Parameters
    ----------
    estimator : estimator
        Usually fitted; any picklable estimator for ``.joblib``, a classical
        (non-Keras) one for ``.skops``.
    path : str, bytes or path-like
        Destination; its suffix picks the format: ``.joblib``/``.pkl``/
        ``.pickle`` (joblib pickle) or ``.skops`` (skops secure format). The
        file is written atomically: to a temporary file in the same folder,
        renamed over ``path`` once complete, so a failed save leaves an
        existing file as it was.
    metadata : dict, default=None
        JSON-like data stored alongside (column names, classes, ...): str
        keys, and values that are str, int, float, bool, None (NumPy
        scalars of those kinds count as such), or lists, tuples and dicts
        of them. Checked before anything is written, for both formats, so
        that every model file loads without trusting extra types.

    Returns
    -------
    path : pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        Unknown suffix, a missing destination folder or one that cannot be
        written, ``path`` naming a folder, a Keras model asked
        for in ``.skops``, ``.skops`` without skops installed, or a
        ``.skops`` file that :func:`load_model`
        would refuse because a parameter holds a path object
        (``pathlib.Path``): the message names the parameter; pass a str.
        An estimator that the format cannot store, such as one holding a
        lambda: the message names the parameter holding it, and advises
        ``.joblib`` only for an estimator that pickle can store.
    TypeError
        ``estimator`` is not an estimator (it has no ``fit``) or is an
        estimator class rather than an instance, or
        ``metadata`` is not a dict, or holds a key or value of another type
        than those listed above (the message names it and its type), or
        ``path`` is not a str, bytes or path-like object.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmultimodal.persistence import load_model, save_model
    >>> clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.skops"
    >>> _ = save_model(clf, path, metadata={"note": "demo"})
    >>> load_model(path).metadata
    {'note': 'demo'}
    """
    from skmultimodal import __version__

    if isinstance(estimator, type):  # hasattr(LogisticRegression, "fit")
        name = estimator.__name__
        raise TypeError(
            f"save_model saves an estimator instance; got the class {name} "
            f"(pass an instance: {name}())"
        )
    if not hasattr(estimator, "fit"):  # e.g. the result of fit's caller
        raise TypeError(
            f"save_model saves an estimator (with a fit method); got "
            f"{type_name(estimator)}"
        )
    path = as_path(path)
    fmt = _format_of(path)
    problem = output_file_problem(path)  # no folder, a folder there, unwritable
    if problem:
        raise ValueError(f"cannot write {str(path)!r}: {problem}")
    metadata = _check_metadata(metadata)
    envelope = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "skmultimodal_version": __version__,
        "metadata": metadata,
        "estimator": estimator,
    }
    if fmt == "joblib":
        import joblib

        # written to a temporary file renamed over `path` once complete: a
        # failure (an unpicklable step, a full disk) leaves the old file
        try:
            with atomic_write(path, "wb") as fh:
                digest = _Digesting(fh)
                # the pickle says that its checksum line follows it
                joblib.dump({**envelope, "checksum": "sha256"}, digest)
                fh.write(_CHECKSUM + digest.sha.hexdigest().encode() + b"\n")
        except _PICKLE_ERRORS as exc:
            raise ValueError(
                f"cannot save this estimator as {path.suffix}: "
                f"{_pickling_failure(estimator, exc)}"
            ) from exc
        return path
    if _uses_keras(estimator):
        raise ValueError(
            "the .skops format stores classical pipelines only; this one holds a "
            "Keras model: save it as .joblib"
        )
    sio = _skops_io()

    try:
        data = sio.dumps(envelope)
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as exc:
        raise _not_skops(estimator, exc) from exc
    _check_no_paths(estimator, untrusted)
    try:
        # skops rebuilds objects from a schema, not from pickled code: check
        # that this estimator comes back with the same types before writing.
        back = sio.loads(data, trusted=untrusted)
        _restore_layouts(back)
        problem = _type_mismatch(estimator, back["estimator"])
    except Exception as exc:
        raise _not_skops(estimator, exc) from exc
    if problem:
        raise ValueError(
            f"the .skops format cannot store this estimator faithfully ({problem}); "
            "save it as .joblib"
        )
    _warn_untrusted_at_load(path, untrusted)
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return path


def _warn_untrusted_at_load(path, untrusted):
    """Warn, when saving, of the types ``load_model`` will refuse without
    ``trusted=[...]`` (outside :func:`trusted_types`): a plugin that keeps
    a class of its own in its fitted state and does not list it in its
    registered class's ``trusted_types`` would otherwise learn of it only
    when the file is loaded."""
    refused = sorted(set(untrusted) - set(trusted_types()))
    if refused:
        warnings.warn(
            f"{str(path)!r} holds {', '.join(refused)}, outside the types "
            "load_model trusts: loading it will need trusted=[...] with "
            "them. A class of a plugin's fitted state belongs in the "
            "trusted_types attribute of the plugin's registered class (see "
            "the plugin guide, 'Saving models that use a plugin')",
            UserWarning,
            stacklevel=3,
        )


#: What pickle raises for an object it cannot store: a lambda or a function
#: defined inside another (PicklingError, AttributeError), a lock or an open
#: file (TypeError).
_PICKLE_ERRORS = (pickle.PicklingError, TypeError, AttributeError)


def _not_skops(estimator, exc):
    """The error for an estimator that skops failed (``exc``) to store:
    saving it as .joblib is advised only if pickle can store it."""
    failure = _pickling_failure(estimator)
    advice = "save it as .joblib" if failure is None else f"nor as .joblib: {failure}"
    return ValueError(
        f"cannot save this estimator in the .skops format ({exc}); {advice}"
    )


def _pickling_failure(estimator, exc=None):
    """Why pickle cannot store ``estimator`` (``exc``: the error it raised;
    None: try), naming the deepest parameter whose value it cannot store;
    None when it can."""

    def fails(value):
        try:
            pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:
            return error
        return None

    if exc is None and (exc := fails(estimator)) is None:
        return None
    try:
        params = estimator.get_params(deep=True)
    except Exception:  # not a scikit-learn estimator
        params = {}
    failing = [key for key, value in params.items() if fails(value) is not None]
    key = max(failing, key=lambda k: k.count("__"), default=None)
    holder = (
        "the estimator holds an object that"
        if key is None
        else f"its parameter {key!r} holds {_short_repr(params[key])}, which"
    )
    value = params[key] if key is not None else None
    if (callable(value) and not isinstance(value, type)) or "lambda" in str(exc):
        advice = (
            "pass a function defined at the top level of an importable module "
            "(not a lambda or a function defined inside another function), or "
            "another object that pickle can store"
        )
    else:  # a lock, an open file, a connection: state of this process only
        advice = (
            "pass an object that pickle can store (a lock, an open file or a "
            "connection lives in this process only: create it where it is used)"
        )
    return f"{holder} cannot be pickled ({type(exc).__name__}: {exc}); {advice}"


def _short_repr(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_path_type(name):
    """Whether the type ``name`` (as skops reports it) is a path class
    (``pathlib.Path`` and the like); only modules already imported are
    looked at."""
    import os
    import sys

    module, _, attr = name.rpartition(".")
    cls = getattr(sys.modules.get(module), attr, None)
    return isinstance(cls, type) and issubclass(cls, os.PathLike)


def _path_parameters(estimator):
    """The parameters (``get_params(deep=True)`` keys, with the key inside
    a dict or the position inside a list) holding a path object."""
    import os

    found = []

    def visit(value, where):
        if isinstance(value, os.PathLike):
            found.append(where)
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(item, f"{where}[{key!r}]")
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                visit(item, f"{where}[{i}]")

    try:
        params = estimator.get_params(deep=True)
    except Exception:
        return found
    for key, value in params.items():
        if not hasattr(value, "get_params"):  # an estimator's own are listed
            visit(value, repr(key))
    return found


def _check_no_paths(estimator, untrusted):
    """Refuse to write a ``.skops`` file holding path objects: no path type
    is trusted, so :func:`load_model` would refuse the file."""
    paths = sorted(t for t in untrusted if _is_path_type(t))
    if paths:
        trusted = trusted_types()
        paths = [t for t in paths if t not in trusted]
    if not paths:
        return
    where = _path_parameters(estimator)
    held = (
        f"the parameter(s) {', '.join(where)} hold"
        if where
        else "its fitted state holds"
    )
    raise ValueError(
        f"cannot save this estimator in the .skops format: {held} a path object "
        f"({', '.join(paths)}), a type load_model does not trust, so the file "
        "would not load. Pass the path as a str (str(path)), or save it as "
        ".joblib; nothing was written."
    )


_METADATA_TYPES = (
    "str keys, and values that are str, int, float, bool, None (or NumPy "
    "scalars of those kinds), or lists, tuples and dicts of them"
)


def _check_metadata(metadata):
    """A copy of ``metadata`` (None: empty) once every key and value is
    JSON-like; TypeError naming the first one that is not."""
    from collections.abc import Mapping

    import numpy as np

    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise TypeError(
            f"metadata must be a dict, not {type_name(metadata)}; it holds "
            f"{_METADATA_TYPES}"
        )

    def bad(where, what):
        return TypeError(
            f"cannot save metadata: {where} {what}; metadata holds "
            f"{_METADATA_TYPES}. Convert it (e.g. to str) before saving."
        )

    def check(value, where, active):
        if value is None or type(value) in (str, int, float, bool):
            return
        if isinstance(value, np.generic) and value.dtype.kind in "biufU":
            return
        if type(value) in (dict, list, tuple) or value is metadata:
            if id(value) in active:
                raise bad(where, "contains itself")
            active = active | {id(value)}
            if isinstance(value, list | tuple):
                for i, item in enumerate(value):
                    check(item, f"{where}[{i}]", active)
                return
            for key, item in value.items():
                if type(key) is not str and not isinstance(key, np.str_):
                    raise bad(f"key {key!r} of {where}", f"has type {type_name(key)}")
                check(item, f"{where}[{key!r}]", active)
            return
        raise bad(where, f"has type {type_name(value)}")

    try:
        check(metadata, "metadata", frozenset())
    except RecursionError:  # not something save_model can write out
        raise TypeError(
            "cannot save metadata: it is nested too deeply (Python's recursion "
            f"limit); metadata holds {_METADATA_TYPES}"
        ) from None
    return dict(metadata)


def _not_ours(path, why):
    return ModelFileError(f"{str(path)!r} is not a skmultimodal model file ({why})")


def _truncated(path, why):
    return ModelFileError(
        f"{str(path)!r} is truncated or corrupt: {why}. Copy it again, or save "
        "the model again."
    )


def _reason(exc):
    """``exc``'s message, or its type's name when it has none (EOFError)."""
    return str(exc) or type(exc).__name__


def load_model(path, *, trusted=None) -> SavedModel:
    """Load a model written by :func:`save_model`.

    Parameters
    ----------
    path : str, bytes or path-like
        A ``.skops`` or ``.joblib``/``.pkl``/``.pickle`` file. The suffix
        picks the reader and the content must match it: a ``.skops`` name is
        only ever read with skops (a pickle under that name is refused, never
        unpickled); any other suffix is refused.
    trusted : None, True, str or list of str, default=None
        How far the file's author is trusted. None: ``.skops`` files may hold
        only :data:`TRUSTED_TYPES`, pickle-based files are refused. A list of
        type names (or one name as a str): accepted in ``.skops`` files in
        addition to :data:`TRUSTED_TYPES` (pickle-based files are still
        refused: a pickle cannot be checked type by type). True: the author
        is trusted entirely; any type in a ``.skops`` file, and pickle-based files are
        unpickled. Unpickling runs code chosen by the file's author: pass
        True only for files you (or someone you trust) wrote, kept where
        nobody else can change them.

    Returns
    -------
    model : SavedModel
        ``model.estimator`` is the fitted estimator, ``model.metadata`` what
        was saved with it.

    Raises
    ------
    ModelFileError
        The file does not exist, cannot be read, has an unknown suffix, its
        content does not match its suffix, or it is not a skmultimodal model
        file (its ``format_version`` not an integer, its metadata not a
        dict); or it is a ``.skops`` file and skops is not installed.
    UntrustedTypesError
        A ``.skops`` file holds types outside the trusted list. Types of a
        plugin that is installed but disabled (by name, or with
        ``SKMULTIMODAL_DISABLE_PLUGIN_AUTOLOAD``) are named as such, with the
        plugin and how it was disabled: enabling it again loads the model.
    UntrustedPickleError
        A pickle-based file without ``trusted=True``.
    TypeError
        ``path`` is not a str, bytes or path-like object.

    Warns
    -----
    InconsistentVersionWarning
        The file was written by another version of skmultimodal.
    """
    from skmultimodal import __version__

    path = as_path(path)
    trusted = _check_trusted(trusted)
    if not path.is_file():
        why = "is a folder, not a model file" if path.is_dir() else "does not exist"
        if path.exists() and not path.is_dir():
            why = "is not a regular file"
        raise ModelFileError(f"model file {str(path)!r} {why}")
    fmt = _format_of(path, error=ModelFileError)
    head = _head(path)
    if not head:
        raise _truncated(
            path, "it is empty (0 bytes), as when a copy or download was cut short"
        )
    if fmt == "skops":
        if not head.startswith(_ZIP_MAGIC):
            hint = (
                "; it looks like a pickle (joblib) file, which is never unpickled "
                "under a .skops name"
                if _looks_like_pickle(head)
                else ""
            )
            raise ModelFileError(
                f"the content of {str(path)!r} does not match its .skops name: it "
                f"is not a skops (zip) file{hint}"
            )
        envelope = _load_skops(path, trusted)
    else:
        if head.startswith(_ZIP_MAGIC):
            raise ModelFileError(
                f"the content of {str(path)!r} does not match its "
                f"{path.suffix} name: it is a zip archive, not a pickle; if it "
                "is a skops model file, name it .skops"
            )
        if not _looks_like_pickle(head):
            raise _not_ours(path, "not a joblib/pickle file")
        if trusted is not True:
            listed = (
                " (a list of trusted types applies to .skops files only: a "
                "pickle cannot be checked type by type)"
                if trusted
                else ""
            )
            raise UntrustedPickleError(
                f"refusing to load {str(path)!r}: a {path.suffix} file is a "
                "pickle, and unpickling runs whatever code its author put in "
                f"it{listed}. Pass trusted=True (command line: --trust) only "
                "if you or someone you trust wrote it and nobody else could "
                "change it; to share a model, save it as .skops."
            )
        envelope = _load_joblib(path, head)
    if not (isinstance(envelope, dict) and envelope.get("format") == FORMAT):
        raise _not_ours(
            path,
            f"it holds a {type_name(envelope)}, not a model saved by "
            "skmultimodal.persistence.save_model or 'skmultimodal train'",
        )
    version = envelope.get("format_version")
    if type(version) is not int:  # a str "1" would print as version 1
        raise _truncated(
            path,
            f"its format_version is {_short_repr(version)} (a "
            f"{type_name(version)}), not an integer",
        )
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"{str(path)!r} uses model file format version {version}; this "
            f"skmultimodal reads version {FORMAT_VERSION}"
        )
    if "estimator" not in envelope:
        raise _truncated(path, "its estimator entry is missing (damaged bytes?)")
    if isinstance(envelope["estimator"], type) or not hasattr(
        envelope["estimator"], "fit"
    ):  # save_model writes estimator instances only
        raise _not_ours(
            path,
            f"its estimator entry is a {type_name(envelope['estimator'])}, not "
            "an estimator",
        )
    metadata = envelope.get("metadata")
    if not isinstance(metadata, dict | None):
        raise _truncated(path, f"its metadata is a {type_name(metadata)}, not a dict")
    original = envelope.get("skmultimodal_version")
    if original != __version__:
        warnings.warn(
            InconsistentVersionWarning(
                original_version=None if original is None else str(original),
                current_version=__version__,
                path=str(path),
            ),
            stacklevel=2,
        )
    return SavedModel(
        estimator=envelope["estimator"],
        metadata=dict(metadata or {}),
        skmultimodal_version="" if original is None else str(original),
        path=path,
    )


_CHECKSUM = b"skmultimodal-sha256:"
"""What starts the last line of a ``.joblib`` file :func:`save_model` writes:
the SHA-256 of the pickle before it, in hexadecimal. A pickle ends at its
STOP opcode, so the unpickler never reads that line."""
_CHECKSUM_LINE = len(_CHECKSUM) + 64 + 1


class _Digesting:
    """A binary file whose writes also feed a SHA-256 (``sha``)."""

    def __init__(self, fh):
        import hashlib

        self.fh, self.sha = fh, hashlib.sha256()

    def write(self, data):
        self.sha.update(data)
        return self.fh.write(data)

    def __getattr__(self, name):  # tell, flush: the file's own
        return getattr(self.fh, name)


def _check_checksum(path, fh):
    """Refuse ``path`` (open as ``fh``) whose pickle no longer has the
    SHA-256 its last line records: a byte changed since :func:`save_model`
    wrote it. A file without that line (saved by an earlier version, or cut
    short, which the unpickler then reports) is not checked. Returns
    whether it was."""
    import hashlib
    import os

    size = os.fstat(fh.fileno()).st_size
    if size <= _CHECKSUM_LINE:
        return False
    fh.seek(size - _CHECKSUM_LINE)
    line = fh.read()
    if not line.startswith(_CHECKSUM):
        fh.seek(0)
        return False
    sha, left = hashlib.sha256(), size - _CHECKSUM_LINE
    fh.seek(0)
    while left:
        chunk = fh.read(min(left, 1 << 20))
        sha.update(chunk)
        left -= len(chunk)
    fh.seek(0)
    if sha.hexdigest().encode() != line[len(_CHECKSUM) : -1]:
        raise _truncated(
            path,
            "its bytes are not those save_model wrote (the SHA-256 checksum on "
            "its last line does not match its content)",
        )
    return True


def _check_after_pickle(path, fh, checked, envelope, head):
    """Refuse bytes after the pickle of ``fh`` other than the checksum line
    ``checked`` found (part of that line, cut short with the file), and a
    pickle (``envelope``) that says a checksum line follows it when none
    does. A compressed file (``head``: not a bare pickle's first bytes) is
    not one save_model wrote: it is not checked."""
    import os

    if not head.startswith(b"\x80"):
        return
    left = os.fstat(fh.fileno()).st_size - fh.tell()
    if not checked and isinstance(envelope, dict) and "checksum" in envelope:
        raise _truncated(
            path,
            "its pickle is whole, but the checksum line save_model writes "
            "after it is missing, as when a copy or download was cut short",
        )
    if left != (_CHECKSUM_LINE if checked else 0):
        raise _truncated(
            path,
            f"{left} bytes follow its pickle where save_model writes its "
            f"{_CHECKSUM_LINE}-byte checksum line, as when a copy or download "
            "was cut short",
        )


def _load_joblib(path, head):
    """Unpickle ``path`` (whose first bytes are ``head``): only after the
    caller checked ``trusted=True``, and that its bytes match the checksum
    :func:`save_model` wrote after them."""
    import joblib

    with open(path, "rb") as fh:
        checked = _check_checksum(path, fh)
        try:
            envelope = joblib.load(fh)
            _check_after_pickle(path, fh, checked, envelope, head)
            return envelope
        except (ModelFileError, Warning):  # a warning made an error: as it is
            raise
        except (ModuleNotFoundError, AttributeError) as exc:
            raise ModelFileError(
                f"cannot load {str(path)!r}: it needs code that is not installed "
                f"({exc})"
            ) from exc
        except Exception as exc:
            # damaged bytes fail anywhere in the unpickling of what the file
            # holds, with any error: in pickle's reader (an opcode, a frame
            # length: MemoryError), in a reconstructor or __setstate__
            # (NumPy's, scikit-learn's: TypeError, KeyError, RuntimeError) or
            # in an archive inside (a Keras model's zip: BadZipFile "Bad
            # CRC-32", h5py's OSError)
            if _cut_short(exc, fh, head):
                raise _truncated(
                    path,
                    "its data end before the pickle is complete, as when a copy "
                    f"or download was cut short (cannot unpickle it: {_reason(exc)})",
                ) from exc
            error = type(exc).__name__
            raise ModelFileError(
                f"cannot unpickle {str(path)!r} ({error}"
                f"{f': {exc}' if str(exc) else ''}): the file may be damaged "
                "or truncated (copy it again), or need other versions of the "
                "packages it was saved with (save the model again with these)"
            ) from exc


def _cut_short(exc, fh, head):
    """Whether unpickling ``fh`` (first bytes ``head``) failed with ``exc``
    for want of data: the reader says so, or it got to the end of the file
    and an uncompressed pickle lacks its final STOP."""
    import os

    if isinstance(exc, EOFError) or str(exc).startswith(
        ("pickle exhausted", "EOF")  # a frame, a NumPy array cut short
    ):
        return True
    if fh.tell() < os.fstat(fh.fileno()).st_size:
        return False  # it stopped at bad content before the end
    if head.startswith(b"\x80"):  # not compressed: a whole pickle ends with "."
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) != b"."
    return True


def trusted_types(extra=None):
    """The type names a ``.skops`` file may hold without ``trusted=True``.

    :data:`TRUSTED_TYPES`, every class registered through the plugin hooks
    (built-in and installed plugins' fusion methods and feature
    extractors: the user chose to install them) with the types those
    classes list in a ``trusted_types`` class attribute (helper classes
    their fitted state holds), and the names in ``extra``. Every name is
    also accepted by its public path: ``"skmultimodal.fusion.methods.
    StackFusion"`` stands for ``"skmultimodal.fusion._methods.StackFusion"``,
    the module path skops reports.

    Parameters
    ----------
    extra : list of str, str or None, default=None
        More type names (``load_model(..., trusted=[...])``); a str is one
        type name.

    Returns
    -------
    set of str
    """
    names = set(TRUSTED_TYPES)
    from skmultimodal.plugins import get_plugin_manager

    for registry in get_plugin_manager().registries().values():
        for entry in registry.entries():
            names.add(_type_path(entry.obj))
            names.update(getattr(entry.obj, "trusted_types", ()))
    names.update(_check_trusted(extra, "extra") or ())
    return names | {_canonical(name) for name in names}


def _check_trusted(trusted, name="trusted"):
    """``trusted`` with one type name given as a str made a list of it."""
    if trusted is None or isinstance(trusted, bool):
        return trusted
    if isinstance(trusted, str):
        return [trusted]
    from collections.abc import Mapping

    try:
        if isinstance(trusted, Mapping):  # its keys are not meant as the list
            raise TypeError
        names = list(trusted)
    except TypeError:
        names = None
    if names is None or not all(isinstance(n, str) for n in names):
        raise TypeError(
            f"{name} must be None, True, a type name or a list of type names "
            f"(str), not {trusted!r}"
        )
    return names


def _type_path(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _canonical(name):
    """The defining module's path of the class ``name`` names (a public
    re-export resolves to its private module); ``name`` itself when it does
    not name an importable class."""
    import importlib
    import inspect

    module, _, attr = str(name).rpartition(".")
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError, ValueError, TypeError):
        return name
    return _type_path(obj) if inspect.isclass(obj) else name


def _load_skops(path, trusted):
    import zipfile
    import zlib

    sio = _skops_io("loading", ModelFileError)

    # one open file for the checks and the load: a file another process
    # replaces meanwhile (save_model's rename) is read whole, old or new,
    # never its types from one and its contents from the other
    with open(path, "rb") as fh:
        try:
            _check_archive(path, fh)  # before skops decompresses anything
            fh.seek(0)
            found = sio.get_untrusted_types(file=fh)
        except (zipfile.BadZipFile, zlib.error) as exc:  # starts as a zip
            raise _broken_zip(path, exc) from exc
        except ModelFileError:
            raise
        except Exception as exc:
            raise _not_ours(path, f"not a skops file: {exc}") from exc
        fh.seek(0)
        return _load_checked_skops(sio, path, fh, found, trusted)


def _load_checked_skops(sio, path, fh, found, trusted):
    """Load the ``.skops`` file open as ``fh`` (checked by
    :func:`_load_skops`), holding the types ``found``, with ``trusted``."""
    import zipfile
    import zlib

    if trusted is True:
        allowed = found
    else:
        accepted = trusted_types(trusted)
        allowed = [t for t in found if t in accepted]
        refused = sorted(set(found) - set(allowed))
        if refused:
            raise UntrustedTypesError(_untrusted_message(path, refused))
    try:
        envelope = sio.load(fh, trusted=allowed)
    except ModuleNotFoundError as exc:
        raise ModelFileError(
            f"{str(path)!r} cannot be loaded: it needs the module {exc.name!r}"
            f"{_MODULE_MISSING}"
        ) from exc
    except (zipfile.BadZipFile, zlib.error) as exc:
        raise _broken_zip(path, exc) from exc
    except Exception as exc:
        raise _not_ours(path, f"cannot load it with skops: {exc}") from exc
    _restore_layouts(envelope)
    return envelope


#: How far the members of a ``.skops`` file may expand. :func:`save_model`
#: stores them uncompressed, so a member of more than
#: ``_SKOPS_SMALL`` bytes compressed more than ``_SKOPS_MAX_RATIO``
#: times over is refused, and so are members adding up to more than
#: ``_SKOPS_MAX_RATIO`` times the file's size plus ``_SKOPS_SMALL``: a zip
#: bomb would otherwise be decompressed, into memory, before anything
#: else is checked.
_SKOPS_MAX_RATIO = 100
_SKOPS_SMALL = 16 << 20


def _check_archive(path, fh):
    """Refuse, before skops reads it, a ``.skops`` archive (``path``, open
    as ``fh``) whose members
    expand far beyond what the file holds, or whose NumPy arrays declare
    more data than they hold (NumPy would allocate the declared size). The
    sizes a zip declares bound what :mod:`zipfile` returns, so they are
    checked without decompressing anything but the arrays' headers."""
    import os
    import zipfile

    with zipfile.ZipFile(fh) as zf:
        _check_members(path, zf, os.fstat(fh.fileno()).st_size, "")


def _check_members(path, zf, size, where):
    """:func:`_check_archive` for the open archive ``zf`` of ``size``
    bytes, its members named ``where`` + name in messages; a SciPy sparse
    matrix's ``.npz`` member, itself an archive, is checked in turn: its
    arrays' headers only, since SciPy deflates them (a sparse matrix of
    ones shrinks about 700 times over; deflate itself bounds the ratio
    near 1000:1)."""
    import io
    import zipfile

    infos = zf.infolist()
    for info in infos:  # a damaged name in the central directory: BadZipFile
        zf.open(info).close()  # (its local header has the name as written)
    for info in infos if not where else ():
        if (
            info.file_size > _SKOPS_SMALL
            and info.file_size > _SKOPS_MAX_RATIO * info.compress_size
        ):
            raise _bomb(
                path,
                f"its member {where + info.filename!r} expands from "
                f"{_size(info.compress_size)} to {_size(info.file_size)}",
            )
    total = sum(info.file_size for info in infos)
    if not where and total > _SKOPS_MAX_RATIO * size + _SKOPS_SMALL:
        largest = max(infos, key=lambda info: info.file_size)
        whose = f"the members of {where[:-1]!r}" if where else "its members"
        raise _bomb(
            path,
            f"{whose} expand from {_size(size)} to {_size(total)} in all (the "
            f"largest, {where + largest.filename!r}: {_size(largest.file_size)})",
        )
    for info in infos:
        name = where + info.filename
        if info.filename.endswith(".npy"):
            _check_npy(path, zf, info, name)
        elif info.filename.endswith(".npz"):
            try:
                inner = zipfile.ZipFile(io.BytesIO(zf.read(info)))
            except zipfile.BadZipFile as exc:
                raise _truncated(
                    path,
                    f"its sparse matrix {name!r} is not a readable archive ({exc})",
                ) from exc
            with inner:
                _check_members(path, inner, info.file_size, f"{name}/")


def _bomb(path, what):
    return ModelFileError(
        f"refusing to load {str(path)!r}: {what}, more than "
        f"{_SKOPS_MAX_RATIO} times over; save_model stores .skops members "
        "uncompressed, so this is a damaged or forged file (a zip bomb); do "
        "not use it."
    )


def _check_npy(path, zf, info, name):
    """Refuse the ``.npy`` member ``info`` when its header is damaged or
    declares more data than the member holds."""
    import math
    import zipfile
    import zlib

    import numpy as np

    fmt = np.lib.format
    # version 3.0 has 2.0's layout (a UTF-8 header, whose shape and dtype
    # are ASCII); NumPy refuses any other version before allocating
    readers = {
        (1, 0): fmt.read_array_header_1_0,
        (2, 0): fmt.read_array_header_2_0,
        (3, 0): fmt.read_array_header_2_0,
    }
    try:
        with zf.open(info) as fh:
            read = readers.get(fmt.read_magic(fh))
            if read is None:  # another version: NumPy says what it is
                return
            shape, _, dtype = read(fh)
            held = info.file_size - fh.tell()
    except (OSError, zipfile.BadZipFile, zlib.error):
        raise  # reading the archive itself failed: said by the caller
    except Exception as exc:  # ValueError, SyntaxError, tokenize's TokenError
        raise _truncated(
            path, f"its array {name!r} has a damaged header ({_reason(exc)})"
        ) from exc
    if dtype.hasobject:  # refused by np.load(allow_pickle=False)
        return
    if any(n < 0 for n in shape):
        raise _truncated(path, f"its array {name!r} declares the shape {shape}")
    needed = math.prod(shape) * dtype.itemsize
    if needed > held:
        raise _truncated(
            path,
            f"its array {name!r} declares the shape {shape} of {dtype} "
            f"({_size(needed)}) but holds {_size(held)} of data",
        )


def _size(n):
    """``n`` bytes for people: ``"817.2 KB"``, ``"8.0 TB"``."""
    if n < 1000:
        return f"{n} bytes"
    for unit in ("KB", "MB", "GB"):
        n /= 1000
        if n < 1000:
            return f"{n:.1f} {unit}"
    return f"{n / 1000:.1f} TB"


def _broken_zip(path, exc):
    """The error for a file that starts as a zip archive (a skops file) but
    cannot be read as one: cut short when the end of the archive, its
    central directory, is missing."""
    import os

    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, os.fstat(fh.fileno()).st_size - _ZIP_TAIL))
            tail = fh.read()
    except OSError:  # it was just read: do not guess why it cannot be now
        return _truncated(path, f"it cannot be read as a zip archive ({exc})")
    at = tail.rfind(b"PK\x05\x06")  # the end record: 22 bytes, then a comment
    has_end = at >= 0 and len(tail) >= at + 22 + int.from_bytes(
        tail[at + 20 : at + 22], "little"
    )
    if not has_end:
        why = (
            "it starts as a zip archive (a skops file) but its end, the zip's "
            "central directory, is missing, as when a copy or download was cut short"
        )
    else:
        why = f"it is a zip archive (a skops file) that cannot be read ({exc})"
    return _truncated(path, why)


# how far from its end a zip archive's end record starts, at most: 22 bytes
# and a comment of up to 65535
_ZIP_TAIL = 22 + 65535


def _disabled_plugins():
    """Top-level module of each installed entry-point plugin the user
    disabled, by name or with plugin autoload off: ``{module: (plugin,
    distribution, reason, what to do)}``."""
    import os
    from importlib import metadata

    from skmultimodal.plugins import (
        DISABLE_AUTOLOAD_ENV,
        autoload_disabled,
        list_plugins,
    )

    if autoload_disabled():  # no entry-point plugin is loaded
        value = os.environ.get(DISABLE_AUTOLOAD_ENV, "")
        off = (
            f"not loaded: {DISABLE_AUTOLOAD_ENV}={value} turns plugin autoload off",
            f"Unset {DISABLE_AUTOLOAD_ENV} (or set it to 0)",
        )
        disabled = None
    else:
        disabled = {
            (row["plugin"], row["distribution"]): row["reason"]
            for row in list_plugins(include_failures=True)
            if row["status"] == "disabled"
        }
    found = {}
    for ep in metadata.entry_points(group="skmultimodal"):
        dist = ep.dist.name if ep.dist else None
        if disabled is None:
            reason, enable = off
        else:
            reason, enable = disabled.get((ep.name, dist)), _ENABLE_PLUGIN
        if reason:
            found[ep.module.partition(".")[0]] = (ep.name, dist, reason, enable)
    return found


#: How to enable again a plugin disabled by name.
_ENABLE_PLUGIN = (
    "Enable it again (do not name it in SKMULTIMODAL_DISABLE_PLUGINS, "
    "--disable-plugin or disable_plugins())"
)


def _untrusted_message(path, refused):
    """Why ``path`` is refused: types of installed but disabled plugins are
    named as such (enabling the plugin loads the model); the rest are
    outside the trusted list."""
    try:
        plugins = _disabled_plugins()
    except Exception:  # the listing must not hide the refusal itself
        plugins = {}
    of_plugins = {}
    missing = {}  # top-level module that cannot be imported: its types
    unknown = []
    for name in refused:
        top = name.partition(".")[0]
        who = plugins.get(top)
        if who:
            of_plugins.setdefault(who, []).append(name)
        elif not _importable(top):
            missing.setdefault(top, []).append(name)
        else:
            unknown.append(name)
    parts = []
    for module, names in missing.items():
        parts.append(
            f"{str(path)!r} holds {', '.join(names)} from the module "
            f"{module!r}{_MODULE_MISSING}"
        )
    for (plugin, dist, reason, enable), names in of_plugins.items():
        parts.append(
            f"{str(path)!r} holds {', '.join(names)} of the skmultimodal plugin "
            f"{plugin!r} (distribution {dist}), which is installed but "
            f"{reason}. {enable} and its types load, with no trusted=... needed."
        )
    if unknown:
        also = " also" if parts else ""
        parts.append(
            f"{str(path)!r}{also} holds types outside the trusted list: "
            f"{', '.join(unknown)}; pass trusted=[...] (or --trust) only if "
            "you trust the file's author"
        )
    return " ".join(parts)


#: Why a module a model file needs cannot be imported, and what to do.
_MODULE_MISSING = (
    ", which cannot be imported here: the plugin providing it is not "
    "installed (or a package it depends on is missing), or (registered by hand with "
    "register_plugin()) not registered in this process. Install the plugin "
    "(or import and register it) and load the file again; trusting the file "
    "(trusted=[...] or --trust) does not help while the module cannot be "
    "imported."
)


def _importable(module):
    """Whether the top-level ``module`` can be found, without importing it
    (the name comes from a file not trusted yet)."""
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _looks_like_layout(value):
    from skmultimodal.fusion import Block

    return (
        type(value) is tuple
        and len(value) > 0
        and all(isinstance(b, Block) for b in value)
    )


def _restore_layouts(obj, seen=None):
    """skops stores tuple subclasses as plain tuples: turn the block layouts
    of skmultimodal objects back into :class:`BlockLayout` of :class:`Block`."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, dict):
        children = list(obj.values())
    elif isinstance(obj, list | tuple):
        children = list(obj)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type):
        attrs = vars(obj)
        if type(obj).__module__.startswith("skmultimodal."):
            from skmultimodal.fusion import BlockLayout

            for key, value in attrs.items():
                if _looks_like_layout(value):
                    attrs[key] = BlockLayout(value)
        children = list(attrs.values())
    else:
        return
    for child in children:
        _restore_layouts(child, seen)


def _saved_state(obj):
    """The attributes of ``obj`` that are saved: its ``__getstate__`` (which
    skops and pickle store), leaving out a cache rebuilt after loading."""
    try:
        state = obj.__getstate__()
    except Exception:
        state = None
    return state if isinstance(state, dict) else vars(obj)


def _type_mismatch(a, b, where="estimator", depth=0, seen=None):
    """First place where ``b`` (reloaded) differs in type from ``a``."""
    import numpy as np

    seen = set() if seen is None else seen
    if depth > 40 or id(a) in seen:
        return None
    seen.add(id(a))
    if type(a) is not type(b):
        return f"{where}: {type_name(a)} became {type_name(b)}"
    if a is None or isinstance(a, np.ndarray | str | bytes | int | float | bool):
        return None
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{where}: keys changed"
        items = [(f"{where}[{k!r}]", a[k], b[k]) for k in a]
    elif isinstance(a, list | tuple):
        if len(a) != len(b):
            return f"{where}: length changed"
        items = [(f"{where}[{i}]", x, z) for i, (x, z) in enumerate(zip(a, b))]
    elif hasattr(a, "__dict__") and hasattr(b, "__dict__"):
        saved = _saved_state(a)
        items = [
            (f"{where}.{k}", v, vars(b).get(k))
            for k, v in vars(a).items()
            if k in saved
        ]
    else:
        return None
    for w, x, z in items:
        found = _type_mismatch(x, z, w, depth + 1, seen)
        if found:
            return found
    return None
