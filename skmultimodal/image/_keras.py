"""Features from a Keras image network: a ``keras.applications`` backbone
(ImageNet weights, a local weights file or a seeded random initialization)
or a user's ``.keras`` model file, cut at a layer and pooled.

TensorFlow is imported only when a network is built (in ``fit``, or in the
first ``transform`` after unpickling). The network is never stored on the
estimator: it is kept in ``_LOADED``, keyed weakly by the extractor (as
``KerasTextEncoder`` keeps its model), so pickles, ``clone`` and joblib
workers carry no TensorFlow object and the network goes with the extractor.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import threading
import warnings
import weakref
import zipfile
from pathlib import Path

import cv2
import numpy as np
from sklearn.base import _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from skmultimodal.utils import describe_failures, describe_row
from skmultimodal.utils._errors import check_tensorflow_not_forked, require_keras
from skmultimodal.utils._io import check_keras_file_name, file_sha256, load_keras_file
from skmultimodal.utils._keras import traced_inference
from skmultimodal.utils._parallel import warn_at_caller
from skmultimodal.utils._validation import Count, check_column_name

from ._base import ImageExtractor, _same
from ._io import (
    ImageDecodeError,
    ImageWarning,
    ItemFunction,
    _Failed,
    _IndexedError,
    image_column,
    resize,
    to_rgb,
    to_uint8,
)
from ._transformers import (
    _COLUMN_ATTRS,
    _EXTRACTOR_PARAMS,
    _as_size,
    _check_size_param,
)

__all__ = ["KerasFeatures"]

# Input sizes ``keras.applications`` models are built and trained at, where
# not 224 x 224 (their own ``default_size``).
_DEFAULT_SIZES = {
    "InceptionV3": 299,
    "InceptionResNetV2": 299,
    "Xception": 299,
    "NASNetLarge": 331,
    "EfficientNetB1": 240,
    "EfficientNetB2": 260,
    "EfficientNetB3": 300,
    "EfficientNetB4": 380,
    "EfficientNetB5": 456,
    "EfficientNetB6": 528,
    "EfficientNetB7": 600,
    "EfficientNetV2B1": 240,
    "EfficientNetV2B2": 260,
    "EfficientNetV2B3": 300,
    "EfficientNetV2S": 384,
    "EfficientNetV2M": 480,
    "EfficientNetV2L": 480,
}
_MODEL_SUFFIXES = (".keras",)
_POOLING = {"avg": "Average", "max": "Max"}
# The parameters the network and the input size are found from: changed with
# set_params after fit, they are found again at transform (see _current).
_NETWORK_PARAMS = ("model", "weights", "layer", "pooling", "input_size")


def _is_model_file(model) -> bool:
    """Whether ``model`` is a file (path-like, or a name ending in
    ``.keras`` in any case, as ``KerasTextEncoder`` takes it) rather than a
    ``keras.applications`` name."""
    return isinstance(model, os.PathLike) or os.fspath(model).lower().endswith(
        _MODEL_SUFFIXES
    )


def _application_names():
    import keras

    return sorted(
        n for n in dir(keras.applications) if n[:1].isupper() and n[:1] != "_"
    )


def _application(name):
    """``(constructor, family)``: e.g. ``(keras.applications.ResNet50,
    "resnet")``, the family being the ``keras.applications`` module holding
    its ``preprocess_input``."""
    import difflib

    import keras

    fn = getattr(keras.applications, name, None) if name[:1].isupper() else None
    if fn is None or not callable(fn):
        close = difflib.get_close_matches(name, _application_names(), n=3)
        hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"model={name!r} is neither a keras.applications model nor a .keras "
            f"file path.{hint} Known models: {', '.join(_application_names())}."
        )
    return fn, fn.__module__.rsplit(".", 1)[-1]


def _preprocess_function(family):
    """``keras.applications.<family>.preprocess_input``, looked up when used."""
    import keras

    module = getattr(keras.applications, family, None)
    fn = getattr(module, "preprocess_input", None)
    if fn is None:
        known = sorted(
            n
            for n in dir(keras.applications)
            if n[:1].islower()
            and hasattr(getattr(keras.applications, n), "preprocess_input")
        )
        raise ValueError(
            f"preprocessing={family!r} is not a keras.applications module with a "
            f"preprocess_input; use 'auto', 'none' or one of {known}."
        )
    return fn


def _cache_folder() -> Path:
    """Where ``keras.utils.get_file`` keeps the application weights."""
    from keras.src.backend import config

    home = os.path.expanduser(config.keras_home())
    if not os.access(home, os.W_OK) and os.path.isdir(home):
        home = os.path.join("/tmp", ".keras")  # Keras' own fallback
    return Path(home) / "models"


def _offline_error(model, exc):
    """The one clear error for ImageNet weights neither cached nor
    downloadable, or None when ``exc`` is not a failed download."""
    message = str(exc)
    prefix = "URL fetch failure on "
    if not message.startswith(prefix):
        return None
    url, _, reason = message[len(prefix) :].partition(": ")
    reason = reason.strip().removeprefix("None -- ")  # no errno
    target = _cache_folder() / url.rsplit("/", 1)[-1]
    return OSError(
        f"the ImageNet weights of {model} (without its classification top) are "
        f"not in Keras' cache and could not be downloaded ({reason.strip()}). "
        f"Download {url} where there is network access and copy it to "
        f"{target} (Keras' cache: $KERAS_HOME/models, by default "
        "~/.keras/models); the file is then used without any network access. "
        "Or pass weights=<path of a weights file>."
    )


def _file_variables(path):
    """``{path in the file: shape}`` of the variables in the Keras 3 weights
    file ``path`` (``.weights.h5``, sharded ``.weights.json``, or a
    ``.keras`` archive's weights); None for another format (legacy HDF5,
    whose layer count Keras checks itself)."""
    import h5py

    name = os.fspath(path)
    if name.endswith(".weights.h5"):
        files = [name]
    elif name.endswith(".weights.json"):
        with open(name, encoding="utf-8") as index:
            shards = json.load(index)["weight_map"].values()
        files = sorted(
            {
                os.path.join(os.path.dirname(name), shard)
                for entry in shards
                for shard in (entry if isinstance(entry, list) else [entry])
            }
        )
    elif name.endswith(".keras"):
        with zipfile.ZipFile(name) as archive:
            if "model.weights.h5" not in archive.namelist():
                return None
            files = [io.BytesIO(archive.read("model.weights.h5"))]
    else:
        return None
    found = {}

    def visit(key, item):
        if isinstance(item, h5py.Dataset):
            found[key] = item.shape

    for file in files:
        with h5py.File(file, "r") as h5:
            h5.visititems(visit)
    return found


_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _unreadable_weights(path):
    """Why ``path`` is no weights file Keras can read (empty; named ``.h5``
    but another kind of file, or a damaged HDF5 file), or "". A
    ``.weights.h5`` file is HDF5 (its signature at the start, as Keras
    writes it); other names (``.keras``, ``.weights.json``) are left to
    Keras."""
    import h5py

    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        return f"it cannot be read ({exc})"
    if not head:
        return "the file is empty (0 bytes)"
    if not str(path).lower().endswith((".h5", ".hdf5")):
        return ""  # a .keras archive or sharded .weights.json: Keras reads it
    if head.startswith(b"PK\x03\x04"):
        return (
            "it is a zip archive, as a .keras model file is, not an HDF5 "
            "weights file: give a .keras file as model= (with layer=), or the "
            "file that model.save_weights writes"
        )
    if head != _HDF5_SIGNATURE:
        return (
            f"it is not an HDF5 weights file (it starts with {head!r}, not "
            "HDF5's signature): give the file that model.save_weights writes"
        )
    try:
        with h5py.File(path, "r"):
            pass
    except OSError as exc:
        return f"h5py cannot read it, a truncated or damaged file ({exc})"
    return ""


def _variables_not_in(base, weights_file):
    """The variables (``{path: shape}``) of ``weights_file`` that the network
    ``base`` has no place for (Keras loads such a file without a word),
    found by comparing with the file ``base.save_weights`` writes. An
    optimizer's state (a file saved from a trained, compiled model) is not
    a part of the network and is left out."""
    found = _file_variables(weights_file)
    if not found:
        return {}
    with tempfile.TemporaryDirectory() as folder:
        own = os.path.join(folder, "network.weights.h5")
        with warnings.catch_warnings():
            # h5py's NumPy 2 copy-keyword notice, once per variable: this
            # file is the library's own, not the user's
            warnings.simplefilter("ignore", DeprecationWarning)
            base.save_weights(own)
        expected = _file_variables(own)
    return {
        key: shape
        for key, shape in found.items()
        if key not in expected and key.split("/", 1)[0] != "optimizer"
    }


def _pool(keras, tensor, pooling):
    """The layer output as one vector per image: global average or max over
    the spatial (or sequence) axes, or flattened (``pooling=None``)."""
    rank = len(tensor.shape)
    if rank == 2:
        return tensor
    if pooling is None:
        return keras.layers.Flatten(name="features")(tensor)
    kind = _POOLING[pooling]
    if rank == 4:
        return getattr(keras.layers, f"Global{kind}Pooling2D")(name="features")(tensor)
    if rank == 3:
        return getattr(keras.layers, f"Global{kind}Pooling1D")(name="features")(tensor)
    raise ValueError(f"cannot pool a layer output of shape {tuple(tensor.shape)}")


def _output_names(model):
    """The names of the layers giving ``model``'s outputs."""
    names = getattr(model, "output_names", None)
    if not names or len(names) != len(model.outputs):
        names = [t._keras_history[0].name for t in model.outputs]
    return list(names)


def _cut(keras, base, layer, pooling, what):
    if layer is None:
        if len(base.outputs) != 1:
            names = _output_names(base)
            raise ValueError(
                f"{what} has {len(names)} outputs, the layers "
                f"{', '.join(map(repr, names))}; layer=None takes a model's one "
                f"output: choose the feature with layer=..., e.g. "
                f"layer={names[0]!r}."
            )
        output = base.outputs[0]
    else:
        try:
            output = base.get_layer(layer).output
        except ValueError:
            names = [lyr.name for lyr in base.layers if not _numbered(lyr)]
            shown = ", ".join(map(repr, names[-8:]))
            numbered = (
                f" Names such as {layer!r}, numbered by Keras as it builds a "
                "network, change from one build to the next: give a name the "
                "network sets itself."
                if re.fullmatch(r"[a-z0-9_]+_\d+", str(layer))
                else ""
            )
            raise ValueError(
                f"layer={layer!r} is not a layer of {what}; its {len(base.layers)} "
                f"layers end with {shown} (those named by the network itself)."
                f"{numbered}"
            ) from None
    try:
        return keras.Model(base.inputs, _pool(keras, output, pooling))
    except ValueError:
        if layer is not None and isinstance(base.get_layer(layer), keras.Model):
            raise ValueError(
                f"layer={layer!r} of {what} is a nested model: its output is that "
                "of its own graph, not of one connected to the input of "
                f"{what}. Give a layer of the outer model (the layer after "
                f"{layer!r}, or none for the model's output), or save the "
                "nested model on its own and give that file."
            ) from None
        raise


def _numbered(layer):
    """Whether Keras named ``layer`` after its class, numbered (``re_lu_13``:
    the number changes with each build in a process), not the network."""
    cls = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", type(layer).__name__)
    cls = re.sub(r"([a-z])([A-Z])", r"\1_\2", cls).lower()
    return re.fullmatch(rf"{re.escape(cls)}(_\d+)?", layer.name) is not None


def _check_one_input(base, what):
    """Refuse a loaded model without a defined input (a Sequential model
    saved before it was built) or with several inputs."""
    try:
        inputs = base.inputs
    except AttributeError:
        inputs = None
    if not inputs:
        raise ValueError(
            f"{what} has no defined input: a Sequential model saved before it "
            "was built. Start it with keras.Input(shape=(height, width, 3)) (or "
            "call it on a batch) before saving."
        )
    if len(inputs) != 1:
        raise ValueError(
            f"{what} has {len(inputs)} inputs; it must take one input, the "
            "(batch, height, width, 3) RGB images."
        )


class _Network:
    """A feature network and its inference function (see :func:`_compile`)."""

    __slots__ = ("model", "predict", "__weakref__")

    def __init__(self, model, predict):
        self.model = model
        self.predict = predict


def _compile(network):
    """``network`` as one inference function of a float32 batch of any size
    (:func:`~skmultimodal.utils._keras.traced_inference`)."""
    return traced_inference(network, [(tuple(network.inputs[0].shape)[1:], "float32")])


def _network(model, weights, layer, pooling, size, seed, digests):
    """Build the feature network for one parameter set and trace its
    inference function (see :func:`_network_of` for when).

    ``digests`` maps each file the network is built from to the SHA-256
    recorded by ``fit``: a file changed since then is refused here.
    """
    require_keras("KerasFeatures")
    import keras

    for path, digest in digests:
        if file_sha256(path) != digest:
            raise ValueError(
                f"{path} changed since the extractor was fitted (its SHA-256 "
                "differs): the features would not be the fitted ones. Refit "
                "the extractor, or restore the file. A fitted extractor may "
                "come from a Pipeline's memory= cache, which hands back the "
                "one fitted before the change: then clear the cache folder, "
                "or build the pipeline without memory=."
            )
    weights_file = weights if weights not in ("imagenet", None) else None
    if _is_model_file(model):
        base = load_keras_file(model, f"cannot load the Keras model file {model}")
        what = f"the model in {model}"
        _check_one_input(base, what)
    else:
        from skmultimodal.models._classifier import _seeded

        fn, _ = _application(model)
        built = "imagenet" if weights == "imagenet" else None
        with _seeded(seed if built is None else None):
            try:
                base = fn(
                    include_top=False,
                    weights=built,
                    input_shape=(size[0], size[1], 3),
                )
            except Exception as exc:
                offline = _offline_error(model, exc) if built else None
                if offline is not None:
                    raise offline from None
                raise ValueError(
                    f"cannot build {model} with input_size={size}: {exc}"
                ) from exc
        what = model
    if weights_file is not None:
        # Keras loads a file that matches only in part with warnings and the
        # unmatched layers left as initialized, and a file with parts the
        # network lacks (another, larger network) silently: both refused here.
        cannot = f"cannot load the weights file {weights_file} into {what}"
        top = (
            ""
            if _is_model_file(model)
            else (
                f" If it holds {model} with its classification top: {model} is "
                "built here without its top, so give the weights of "
                f"keras.applications.{model}(include_top=False) (saved with "
                "save_weights, or Keras' ImageNet file whose name ends in "
                "notop.h5 or no_top*.h5)."
            )
        )
        problem = _unreadable_weights(weights_file)
        if problem:
            raise ValueError(f"{cannot}: {problem}")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                base.load_weights(weights_file)
            except Exception as exc:
                raise ValueError(f"{cannot}: {exc}{top}") from exc
        partial = [w for w in caught if "freshly-initialized" in str(w.message)]
        if partial:
            raise ValueError(
                f"{cannot}: it does not match the network ({len(partial)} "
                "part(s) not found in the file, e.g. "
                f"{str(partial[0].message)[:160]}).{top}"
            )
        extra = _variables_not_in(base, weights_file)
        if extra:
            items = list(extra.items())
            shown = ", ".join(f"{key} {shape}" for key, shape in items[:3])
            more = ", ..." if len(extra) > 3 else ""
            raise ValueError(
                f"{cannot}: the file holds {len(extra)} variable(s) the network "
                f"has no place for ({shown}{more}): it is the weights file of "
                "another, larger network. Give a weights file saved from this "
                f"same network.{top}"
            )
    network = _cut(keras, base, layer, pooling, what)
    if len(network.output_shape) != 2 or network.output_shape[1] is None:
        raise ValueError(
            f"the output of {what} (layer={layer!r}) has shape "
            f"{network.output_shape}, not a fixed-length vector per image; set "
            "input_size or choose another layer."
        )
    return _Network(network, _compile(network))


# The network of each extractor and the key (the arguments of _network) it
# was built for. Kept outside the estimator, as KerasTextEncoder's _LOADED, so
# that no TensorFlow object is pickled, deep-copied or saved with it; the
# entry goes when the extractor is collected. _SHARED lets extractors with
# the same key (clones, refits, copies) share one network while any of them
# lives. _BUILD_LOCK makes concurrent first calls build once, and keeps
# builds (which seed Keras' global random state) from interleaving.
_LOADED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SHARED: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_BUILD_LOCK = threading.Lock()


def _network_of(owner, key):
    """The network of the extractor ``owner`` for ``key`` (``_network``'s
    arguments): the one it holds, else that of another live extractor with
    the same key, else built now (checking the files' digests); a
    RuntimeError in a process forked after TensorFlow started."""
    check_tensorflow_not_forked(type(owner).__name__)
    entry = _LOADED.get(owner)
    if entry is not None and entry[0] == key:
        return entry[1]
    with _BUILD_LOCK:
        entry = _LOADED.get(owner)
        if entry is None or entry[0] != key:
            network = _SHARED.get(key)
            if network is None:
                network = _SHARED[key] = _network(*key)
            entry = _LOADED[owner] = (key, network)
    return entry[1]


def _forget_networks():
    """Drop every network held, as in a fresh process: each extractor
    rebuilds its own (and checks its files) at its next use."""
    with _BUILD_LOCK:
        _LOADED.clear()
        _SHARED.clear()


class _ReadAndResize(ItemFunction):
    """Per-item callable: read the item, RGB, resize to the network's input
    size, ``uint8``. Carries only ``on_error`` and the size to the workers."""

    def __init__(self, on_error, size):
        super().__init__(on_error)
        self.size = size

    def process(self, img):
        return to_uint8(to_rgb(resize(img, self.size, cv2.INTER_AREA)))


class KerasFeatures(ImageExtractor):
    __doc__ = f"""Features from a pretrained Keras image network (a backbone).

    Each image is read (see :class:`ImageReader`), resized to the network's
    input size, preprocessed as the network expects and passed through the
    network, cut at ``layer`` and pooled into one vector. Images go through
    in batches of ``batch_size``: a batch is decoded, run, and only its
    features are kept, so memory does not grow with the number of images.
    Registered as ``ImageFeatures(method="keras")``.

    TensorFlow is imported when the network is first built, never by
    ``import skmultimodal``. It does not survive a fork: in a process forked
    after TensorFlow started (multiprocessing's ``"fork"`` start method,
    ``gunicorn --preload``) ``fit`` and ``transform`` raise a RuntimeError
    instead of hanging; start such workers with ``"spawn"`` or
    ``"forkserver"``, or load the model after forking.

    Parameters
    ----------
    model : str or path-like, default="MobileNetV3Small"
        A ``keras.applications`` model name (``"MobileNetV3Small"``,
        ``"MobileNetV3Large"``, ``"EfficientNetV2B0"``, ``"ResNet50"``,
        ``"ConvNeXtTiny"``, ...), built without its classification top, or
        the path of a ``.keras`` model file (with the weights saved in it),
        read in Keras' safe mode even after
        ``keras.config.enable_unsafe_deserialization()``: a model holding
        Python code (``Lambda`` layers) is refused.

    weights : "imagenet", None or path, default="imagenet"
        For a ``keras.applications`` name: ``"imagenet"``, Keras' ImageNet
        weights, read from Keras' cache (``$KERAS_HOME/models``, by default
        ``~/.keras/models``) and downloaded there if absent (an
        :class:`OSError` says which file to put where when that fails);
        the path of a weights file (``.weights.h5``) of the same network
        without its top; or None, a random initialization seeded by
        ``random_state`` (for tests and benchmarks: the features mean
        nothing). For a ``.keras`` file the weights saved in it are used,
        replaced by those of a weights file when a path is given; None is
        refused.

    layer : str, default=None
        Name of the layer whose output is the feature; None: the network's
        output (for an application, that of the last layer before the top).
        A ``.keras`` model with several outputs needs a layer: None is a
        ValueError at ``fit`` naming the layers of its outputs.

    pooling : {{"avg", "max"}} or None, default="avg"
        Global average or max over the spatial (or sequence) axes of the
        layer output; None flattens it. A layer that already outputs one
        vector per image is used as is.

    input_size : (int, int), default=None
        ``(height, width)`` the images are resized to (a tuple, list or
        integer array of two positive integers). None: the
        application's own size (224 x 224 for most; 299 for Inception and
        Xception, ...), or the fixed input size of the ``.keras`` model.
        A ``.keras`` model whose input fixes its height and width takes
        only that size: another one is a ValueError at ``fit`` naming the
        file and its input shape (images are never resized to the model's
        size behind your back); a model with a free size needs one here.

    preprocessing : str, default="auto"
        ``"auto"``: an application's own
        ``keras.applications.<family>.preprocess_input``; for a ``.keras``
        file, ``"none"``. ``"none"``: RGB values 0-255 as ``float32`` (the
        networks that preprocess inside, like MobileNetV3, EfficientNet and
        ConvNeXt, expect that). A ``keras.applications`` module name
        (``"resnet"``, ``"mobilenet_v2"``, ...): that module's
        ``preprocess_input``, e.g. for a fine-tuned ResNet saved as
        ``.keras``.

    batch_size : int, default=32
        Images decoded and run through the network at once.

    random_state : int, RandomState instance or None, default=None
        Seed of the random initialization when ``weights=None``; the seed
        drawn is kept (``seed_``), so a pickled extractor rebuilds the very
        same network.
{_EXTRACTOR_PARAMS}

    Attributes
    ----------
    n_features_out_ : int
        Length of the feature vector (e.g. 576 for MobileNetV3Small).

    input_size_ : tuple of (int, int)
        The size the images are resized to.

    seed_ : int or None
        Seed of the random initialization (``weights=None``), else None.

    file_digests_ : tuple of (str, str)
        ``(absolute path, SHA-256)`` of the ``.keras`` model and weights
        files the network is built from: a file changed after ``fit`` is
        refused when the network is built again (see Notes) rather than
        giving other features.

    files_ : dict
        The absolute paths of those files (``"model"``, ``"weights"``; empty
        for an application with ``"imagenet"`` or None weights), found at
        fit: a saved extractor reads them from any current folder.
{_COLUMN_ATTRS}

    See Also
    --------
    ImageFeatures : choose the extractor by name (``method="keras"``).
    ImageFeatureUnion : several extractors on one decoding of each image.

    Notes
    -----
    ``n_jobs`` workers decode and resize the images of each batch; the
    network runs in the calling process (TensorFlow uses the cores itself).

    ``model``, ``weights``, ``layer``, ``pooling`` and ``input_size``
    changed with ``set_params`` after fit are used by ``transform``: the
    network and input size are found for them as ``fit`` finds them (with
    the fitted ``seed_``; a file named anew is read from the current folder),
    and one giving another number of features than ``n_features_out_`` is a
    ValueError there and in ``get_feature_names_out``: refit. The fitted
    attributes stay those of ``fit``.

    A network output holding NaN or infinite values (broken weights, say)
    raises a ValueError in ``transform`` naming the model and the first
    such image's row.

    Pickling (and :func:`skmultimodal.persistence.save_model`, ``.joblib``
    and ``.skops``) stores the parameters and the fitted attributes only:
    no TensorFlow object. The network is rebuilt from them at the first
    ``transform`` after loading (ImageNet weights from Keras' cache, files
    from their paths, a random network from ``seed_``; Keras' seeded
    initialization is reproducible within one Keras version).

    Each fitted extractor builds its network once per process and keeps it
    while it lives (outside the estimator; it is freed with the extractor).
    Extractors with the same parameters, seed and files (clones, refits,
    copies) share one network while any of them holds it, and threads
    calling ``transform`` at once build it once. The files' SHA-256 are
    checked whenever the network is built: in ``fit``, and in the first
    ``transform`` (or feature union call) of an extractor that holds no
    network yet and finds none shared, e.g. after loading it in a new
    process. An extractor holding its network keeps giving the fitted
    features, whatever happens to the files afterwards.

    Examples
    --------
    >>> import numpy as np
    >>> from skmultimodal.image import KerasFeatures
    >>> images = [np.zeros((40, 50, 3), np.uint8), np.full((30, 30), 200, np.uint8)]
    >>> est = KerasFeatures(
    ...     model="MobileNetV3Small", weights=None, input_size=(32, 32), random_state=0
    ... )
    >>> est.fit_transform(images).shape
    (2, 576)
    >>> est.get_feature_names_out()[:2].tolist()
    ['mobilenetv3small_0', 'mobilenetv3small_1']
    """

    _parameter_constraints: dict = {
        "model": [str, os.PathLike],
        "weights": [str, os.PathLike, None],
        "layer": [str, None],
        "pooling": [StrOptions({"avg", "max"}), None],
        "input_size": "no_validation",  # checked by _check_size_param
        "preprocessing": [str],
        "batch_size": [Count(1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        model="MobileNetV3Small",
        weights="imagenet",
        layer=None,
        pooling="avg",
        input_size=None,
        preprocessing="auto",
        batch_size=32,
        random_state=None,
        on_error="raise",
        n_jobs=None,
        verbose=0,
    ):
        self.model = model
        self.weights = weights
        self.layer = layer
        self.pooling = pooling
        self.input_size = input_size
        self.preprocessing = preprocessing
        self.batch_size = batch_size
        self.random_state = random_state
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    # ------------------------------------------------------------ fitting
    def _fitted_file(self, name):
        """The absolute path fit found for the file parameter ``name``
        (``"model"`` or ``"weights"``) while that parameter is the one fit
        saw, so that a saved extractor reads it from any current folder; None
        when there is none, or the parameter changed with set_params since."""
        path = getattr(self, "files_", {}).get(name)
        fitted = getattr(self, "_fit_params", None)
        if fitted is not None and not _same(getattr(self, name), fitted.get(name)):
            return None
        return path

    def _resolve(self):
        """Check the parameters without building anything: ``(model, weights,
        family or None, preprocessing, files)``, ``files`` the paths of the
        model and weights files the network is built from."""
        model, weights = self.model, self.weights
        if self.input_size is not None:
            _check_size_param(self.input_size, "input_size", type(self).__name__)
        files = []
        if _is_model_file(model):
            model = self._fitted_file("model") or os.fspath(model)
            if not os.path.isfile(model):
                raise ValueError(
                    f"model={os.fspath(self.model)!r}: no such .keras model file"
                    + (
                        f" (looked for {model!r})."
                        if model != os.fspath(self.model)
                        else "."
                    )
                )
            check_keras_file_name(model, f"model={os.fspath(self.model)!r}")
            if weights is None:
                raise ValueError(
                    "weights=None re-initializes a keras.applications model; a "
                    ".keras file keeps its saved weights: leave weights at its "
                    "default or give a weights file path."
                )
            files.append(model)
            family = None
        else:
            _, family = _application(model)
        if weights is not None and (
            isinstance(weights, os.PathLike) or weights != "imagenet"
        ):
            weights = self._fitted_file("weights") or os.fspath(weights)
            if not os.path.isfile(weights):
                raise ValueError(
                    f"weights={os.fspath(self.weights)!r} is not 'imagenet', None "
                    "or the path of an existing weights file"
                    + (
                        f" (looked for {weights!r})."
                        if weights != os.fspath(self.weights)
                        else "."
                    )
                )
            files.append(weights)
        elif _is_model_file(model):
            weights = None  # the weights saved in the file
        preprocessing = self.preprocessing
        if preprocessing == "auto":
            preprocessing = family or "none"
        if preprocessing != "none":
            _preprocess_function(preprocessing)
        return model, weights, family, preprocessing, files

    def _check_params(self):
        _, _, _, _, files = self._resolve()
        self._file_digests = tuple((os.path.abspath(p), file_sha256(p)) for p in files)
        network, self._size = self._network_and_size(self._seed, self._file_digests)
        return int(network.model.output_shape[1])

    def _network_and_size(self, seed, digests):
        """The network of the current parameters and the ``(height, width)``
        images are resized to, as fit finds them; ``seed`` (of a random
        network) and ``digests`` (``(absolute path, SHA-256)`` of files, those
        of the files used now being checked) as fit drew and recorded them."""
        model, weights, family, _, files = self._resolve()
        size = self.input_size
        if size is not None:
            size = _as_size(size)
        elif family is not None:
            side = _DEFAULT_SIZES.get(model, 224)
            size = (side, side)
        used = {os.path.abspath(p) for p in files}
        digests = tuple((path, sha) for path, sha in digests if path in used)
        # a .keras model is loaded as saved, at any input size
        key_size = size if family is not None else None
        key = (model, weights, self.layer, self.pooling, key_size, seed, digests)
        network = _network_of(self, key)
        if family is None:  # a .keras file: its own input size, if fixed
            size = self._model_file_size(model, network.model.input_shape, size)
        return network, size

    def _changed_since_fit(self):
        """The parameters the network is found from changed with set_params
        since fit (none for an extractor fitted before fit recorded them)."""
        fitted = getattr(self, "_fit_params", {})
        return [
            name
            for name in _NETWORK_PARAMS
            if name in fitted and not _same(getattr(self, name), fitted[name])
        ]

    def _current(self):
        """``(network, input size)`` for :meth:`transform`: fit's, found again
        from the parameters changed since fit where some are (fit's seed, and
        the digests fit recorded for the files still used)."""
        if self.weights is None and self.seed_ is None:
            raise ValueError(
                f"{type(self).__name__}: weights=None set since fit: fit built "
                "the network with other weights and drew no seed (from "
                "random_state) for a random one; refit it."
            )
        return self._network_and_size(self.seed_, self.file_digests_)

    @staticmethod
    def _model_file_size(model, shape, size):
        """The ``(height, width)`` images are resized to for the ``.keras``
        file ``model`` whose input has ``shape``: ``size`` (``input_size``),
        refused where the model fixes another one, or the model's own."""
        shape = tuple(shape)
        if len(shape) != 4 or shape[3] not in (None, 3):
            raise ValueError(
                f"the model in {model} takes inputs of shape {shape}; images "
                "are given to it as (batch, height, width, 3) RGB arrays."
            )
        fixed = shape[1:3]
        if size is None:
            if None in fixed:
                raise ValueError(
                    f"the model in {model} takes inputs of shape {shape}, with no "
                    "fixed height and width: set input_size=(height, width)."
                )
            return (int(fixed[0]), int(fixed[1]))
        if any(f is not None and f != s for f, s in zip(fixed, size)):
            own = tuple(int(f) if f is not None else s for f, s in zip(fixed, size))
            raise ValueError(
                f"input_size={tuple(size)} does not fit the model in {model}: it "
                f"takes inputs of shape {shape}, i.e. {fixed[0]} x {fixed[1]} "
                f"images. Set input_size={own} (in method_params for "
                "ImageFeatures), or leave it None for the model's own size."
            )
        return tuple(size)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters, build the network (or find it built) and
        check that ``X`` is a non-empty column of images.

        No image is read: the features are fixed functions of each image.

        Parameters
        ----------
        X : column of images
            Paths, encoded bytes or arrays (see :class:`ImageReader`).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted extractor.
        """
        require_keras(type(self).__name__)
        image_column(X)
        check_column_name(self, X, reset=True)
        self._seed = None
        if self.weights is None:
            rng = check_random_state(self.random_state)
            self._seed = int(rng.randint(np.iinfo(np.int32).max))
        self.__dict__.pop("files_", None)  # a refit finds the files again
        n_features = self._check_params()
        model, weights, _, _, files = self._resolve()
        self.files_ = {  # only files: not an application name, nor "imagenet"
            name: os.path.abspath(path)
            for name, path in (("model", model), ("weights", weights))
            if path is not None and path in files
        }
        self.seed_ = self._seed
        self.file_digests_ = self._file_digests
        self.input_size_ = self._size
        self.n_features_out_ = n_features
        self._fit_params = self.get_params(deep=False)  # as ImageExtractor.fit
        del self._seed, self._file_digests, self._size
        return self

    # ----------------------------------------------------------- features
    def _run(self, network, preprocess, images, rows=None, labels=None):
        """Features of a list of ``uint8`` RGB images of the input size
        (those at ``rows`` of the column, for the error message); a
        ValueError when the network gives NaN or infinite values."""
        batch = np.stack(images).astype(np.float32)
        if preprocess is not None:
            batch = np.asarray(preprocess(batch), dtype=np.float32)
        out = np.asarray(network.predict(batch), dtype=np.float32)
        bad = np.flatnonzero(~np.isfinite(out).all(axis=1))
        if bad.size:
            model, weights, _, _, _ = self._resolve()
            what = (
                f"the model in {model}"
                if _is_model_file(self.model)
                else f"{model} (weights={weights!r})"
            )
            where = (
                f"the image at {describe_row(labels, rows[bad[0]])}"
                if rows is not None
                else "an image"
            )
            more = f" (and {bad.size - 1} more in its batch)" if bad.size > 1 else ""
            raise ValueError(
                f"{type(self).__name__}: {what} gave NaN or infinite features "
                f"for {where}{more}: the network's output is not finite; check "
                "its weights (and the layer chosen)."
            )
        return out

    def _check_fitted_params(self):
        # At transform (also from ImageFeatureUnion) the constraints are
        # checked again and the network found (built for parameters changed
        # since fit): it must still give the fitted number of features. Files
        # are not hashed again: fit keeps their digests.
        check_is_fitted(self)
        self._validate_params()
        network, _ = self._current()
        n_features = int(network.model.output_shape[1])
        if n_features != self.n_features_out_:
            what = ", ".join(self._changed_since_fit()) or "its parameters"
            raise ValueError(
                f"{type(self).__name__}: {what} changed since fit: the network "
                f"now gives {n_features} features, {self.n_features_out_} in "
                "fit; refit it."
            )

    def _preprocess(self):
        _, _, _, preprocessing, _ = self._resolve()
        return None if preprocessing == "none" else _preprocess_function(preprocessing)

    def _extract(self, image):
        # one image (e.g. from ImageFeatureUnion): a batch of one
        network, size = self._current()
        reader = _ReadAndResize(self.on_error, size)
        return self._run(network, self._preprocess(), [reader.process(image)])[0]

    def transform(self, X):
        """Compute the features of each image, ``batch_size`` images at a time.

        Parameters
        ----------
        X : column of images
            Paths, encoded bytes or arrays; a Series, one-column DataFrame,
            list, 1-D object array or an ``(n, H, W[, C])`` stack.

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out_), dtype=float32
            One row per image; all NaN for an unreadable one under
            ``on_error="missing"``.
        """
        from skmultimodal.utils import parallel_map

        self._check_fitted_params()
        items, labels = image_column(X)
        check_column_name(self, X, reset=False)
        (network, size), preprocess = self._current(), self._preprocess()
        reader = _ReadAndResize(self.on_error, size)
        name = type(self).__name__
        out = np.empty((len(items), self.n_features_out_), dtype=np.float32)
        failures = []
        bar = None
        if self.verbose:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(items), desc=name, unit="image", leave=False)
        for start in range(0, len(items), self.batch_size):
            chunk = items[start : start + self.batch_size]
            try:
                images = parallel_map(
                    reader,
                    chunk,
                    n_jobs=self.n_jobs,
                    desc=name,
                    prefer="threads",
                    catch=_IndexedError,
                )
            except _IndexedError as exc:
                raise ImageDecodeError(
                    f"cannot read image at "
                    f"{describe_row(labels, start + exc.index)}, {exc.message}"
                ) from None
            keep = []
            for k, img in enumerate(images):
                if type(img) is _Failed:
                    failures.append((start + k, img.message))
                    if img.value is None:  # missing: a row of NaN
                        out[start + k] = np.nan
                        continue
                    images[k] = img.value
                keep.append(k)
            if keep:
                rows = [start + k for k in keep]
                out[rows] = self._run(
                    network, preprocess, [images[k] for k in keep], rows, labels
                )
            if bar is not None:
                bar.update(len(chunk))
        if bar is not None:
            bar.close()
        if failures:
            shown = describe_failures(labels, failures)
            if self.on_error == "missing":
                what = "left {} unreadable item(s) as missing rows (all NaN)"
            else:
                what = "substituted a blank image for {} unreadable item(s)"
            warn_at_caller(
                f"{name}: {what.format(len(failures))}: {shown}", ImageWarning
            )
        return out

    def get_feature_names_out(self, input_features=None):
        """Output feature names ``<model>_0``, ``<model>_1``, ...

        ``<model>`` is the application name or the ``.keras`` file's stem,
        lower-cased, followed by ``_<layer>`` when a layer is chosen.

        Parameters
        ----------
        input_features : None
            Ignored (the input is a column of images).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        if self._changed_since_fit():  # names of the network transform uses
            self._check_fitted_params()
        stem = (
            Path(os.fspath(self.model)).stem
            if _is_model_file(self.model)
            else self.model
        )
        prefix = str(stem).lower() + (f"_{self.layer}" if self.layer else "")
        return np.asarray(
            [f"{prefix}_{k}" for k in range(self.n_features_out_)], dtype=object
        )
