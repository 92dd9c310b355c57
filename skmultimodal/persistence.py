"""Saving and loading fitted models: joblib for all, skops for classical ones.

A model file holds a small envelope around the fitted estimator::

    {"format": "skmultimodal-model", "format_version": 1,
     "skmultimodal_version": "...", "metadata": {...}, "estimator": <fitted>}

so that :func:`load_model` recognises a file that is not a skmultimodal
model and says so, and so that the command line finds the column names and
classes the model was trained with.

Two formats, chosen by the file name's suffix:

- ``.joblib`` (or ``.pkl``): joblib's pickle, for every estimator including
  :class:`~skmultimodal.models.MultimodalAttentionClassifier` (its Keras
  model is stored inside). Loading a pickle runs code chosen by whoever
  wrote the file: load only files you trust.
- ``.skops``: skops' secure format for classical pipelines (no Keras). It
  stores no code; on loading, every type in the file is checked against
  :data:`TRUSTED_TYPES` and anything else is refused unless trusted
  explicitly.

See ``docs/persistence.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "TRUSTED_TYPES",
    "ModelFileError",
    "SavedModel",
    "UntrustedTypesError",
    "load_model",
    "save_model",
]

FORMAT = "skmultimodal-model"
FORMAT_VERSION = 1
_JOBLIB_SUFFIXES = (".joblib", ".pkl", ".pickle")
_SKOPS_SUFFIXES = (".skops",)

#: Types a ``.skops`` model file may contain beyond those skops trusts by
#: default (scikit-learn estimators, NumPy/SciPy containers, builtins). These
#: are the classes :func:`~skmultimodal.make_multimodal_pipeline` builds for
#: classical pipelines plus the few library types they hold once fitted.
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
    "skmultimodal.image._features.ColorHistogram",
    "skmultimodal.image._transformers.ImageReader",
    "skmultimodal.image._transformers.Grayscale",
    "skmultimodal.image._transformers.Resize",
    "skmultimodal.image._transformers.Binarize",
    "skmultimodal.image._transformers.Normalize",
    "skmultimodal.text._features.TextFeatures",
    "skmultimodal.text._cleaner.TextCleaner",
    "skmultimodal.text._sequencer.TextSequencer",
    # scikit-learn helpers held by fitted pipelines
    "sklearn.utils._bunch.Bunch",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.CountVectorizer",
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.pipeline.FeatureUnion",
    "builtins.slice",
    "collections.OrderedDict",
    "numpy.dtypes.Float64DType",
    "numpy.dtypes.Int64DType",
    "numpy.dtypes.ObjectDType",
    "numpy.dtypes.StrDType",
)


class ModelFileError(ValueError):
    """The file is missing, unreadable or not a skmultimodal model file."""


class UntrustedTypesError(ModelFileError):
    """A ``.skops`` file holds types outside :data:`TRUSTED_TYPES`."""


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


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _JOBLIB_SUFFIXES:
        return "joblib"
    if suffix in _SKOPS_SUFFIXES:
        return "skops"
    raise ValueError(
        f"cannot tell the format of {str(path)!r} from its suffix: use "
        f"{', '.join(_JOBLIB_SUFFIXES)} (joblib, any model) or .skops "
        "(secure format, classical pipelines)"
    )


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
    path : str or path-like
        Destination; its suffix picks the format: ``.joblib``/``.pkl``
        (joblib pickle) or ``.skops`` (skops secure format).
    metadata : dict, default=None
        JSON-like data stored alongside (column names, classes, ...).

    Returns
    -------
    path : pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        Unknown suffix, a missing destination folder, or a Keras model
        asked for in ``.skops``.

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

    path = Path(path)
    fmt = _format_of(path)
    if not path.resolve().parent.is_dir():
        raise ValueError(f"cannot write {str(path)!r}: folder does not exist")
    envelope = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "skmultimodal_version": __version__,
        "metadata": dict(metadata or {}),
        "estimator": estimator,
    }
    if fmt == "joblib":
        import joblib

        joblib.dump(envelope, path)
        return path
    if _uses_keras(estimator):
        raise ValueError(
            "the .skops format stores classical pipelines only; this one holds a "
            "Keras model: save it as .joblib"
        )
    import skops.io as sio

    try:
        data = sio.dumps(envelope)
        # skops rebuilds objects from a schema, not from pickled code: check
        # that this estimator comes back with the same types before writing.
        back = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
        _restore_layouts(back)
        problem = _type_mismatch(estimator, back["estimator"])
    except Exception as exc:
        raise ValueError(
            f"cannot save this estimator in the .skops format ({exc}); "
            "save it as .joblib"
        ) from exc
    if problem:
        raise ValueError(
            f"the .skops format cannot store this estimator faithfully ({problem}); "
            "save it as .joblib"
        )
    path.write_bytes(data)
    return path


def _not_ours(path, why):
    return ModelFileError(f"{str(path)!r} is not a skmultimodal model file ({why})")


def load_model(path, *, trusted=None) -> SavedModel:
    """Load a model written by :func:`save_model`.

    Parameters
    ----------
    path : str or path-like
        A ``.joblib``/``.pkl`` or ``.skops`` file (the content decides).
    trusted : None, True or list of str, default=None
        For ``.skops`` files: types accepted in addition to
        :data:`TRUSTED_TYPES` (None: none; True: any, only for files you
        wrote yourself). Ignored for joblib files, which are pickles: load
        only pickles you trust, they can run any code.

    Returns
    -------
    model : SavedModel
        ``model.estimator`` is the fitted estimator, ``model.metadata`` what
        was saved with it.

    Raises
    ------
    ModelFileError
        The file does not exist, cannot be read, or is not a skmultimodal
        model file.
    UntrustedTypesError
        A ``.skops`` file holds types outside the trusted list.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"model file {str(path)!r} does not exist")
    with open(path, "rb") as fh:
        is_zip = fh.read(4) == b"PK\x03\x04"
    if is_zip:
        envelope = _load_skops(path, trusted)
    else:
        envelope = _load_joblib(path)
    if not (isinstance(envelope, dict) and envelope.get("format") == FORMAT):
        raise _not_ours(
            path,
            f"it holds a {type(envelope).__name__}, not a model saved by "
            "skmultimodal.persistence.save_model or 'skmultimodal train'",
        )
    version = envelope.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"{str(path)!r} uses model file format version {version}; this "
            f"skmultimodal reads version {FORMAT_VERSION}"
        )
    return SavedModel(
        estimator=envelope["estimator"],
        metadata=dict(envelope.get("metadata") or {}),
        skmultimodal_version=str(envelope.get("skmultimodal_version", "")),
        path=path,
    )


def _load_joblib(path):
    import pickle

    import joblib

    with open(path, "rb") as fh:
        head = fh.read(2)
    # pickles start with PROTO (0x80); joblib also writes zlib/gzip/xz/lz4
    # compressed pickles; anything else is not a model file.
    known = (b"\x80", b"\x78", b"\x1f\x8b", b"\xfd7", b"\x04\x22", b"ZF")
    if not head or not any(head.startswith(k) for k in known):
        raise _not_ours(path, "not a joblib/pickle file")
    try:
        return joblib.load(path)
    except (pickle.UnpicklingError, EOFError, ValueError, KeyError, IndexError) as exc:
        raise _not_ours(path, f"cannot unpickle it: {exc}") from exc
    except (ModuleNotFoundError, AttributeError) as exc:
        raise ModelFileError(
            f"cannot load {str(path)!r}: it needs code that is not installed ({exc})"
        ) from exc


def _load_skops(path, trusted):
    import skops.io as sio

    try:
        found = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise _not_ours(path, f"not a skops file: {exc}") from exc
    if trusted is True:
        allowed = found
    else:
        allowed = [t for t in found if t in TRUSTED_TYPES or t in (trusted or ())]
        refused = sorted(set(found) - set(allowed))
        if refused:
            raise UntrustedTypesError(
                f"{str(path)!r} holds types outside the trusted list: "
                f"{', '.join(refused)}; pass trusted=[...] (or --trust) only "
                "if you trust the file's author"
            )
    try:
        envelope = sio.load(path, trusted=allowed)
    except Exception as exc:
        raise _not_ours(path, f"cannot load it with skops: {exc}") from exc
    _restore_layouts(envelope)
    return envelope


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


def _type_mismatch(a, b, where="estimator", depth=0, seen=None):
    """First place where ``b`` (reloaded) differs in type from ``a``."""
    import numpy as np

    seen = set() if seen is None else seen
    if depth > 40 or id(a) in seen:
        return None
    seen.add(id(a))
    if type(a) is not type(b):
        return f"{where}: {type(a).__qualname__} became {type(b).__qualname__}"
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
        items = [(f"{where}.{k}", v, vars(b).get(k)) for k, v in vars(a).items()]
    else:
        return None
    for w, x, z in items:
        found = _type_mismatch(x, z, w, depth + 1, seen)
        if found:
            return found
    return None
