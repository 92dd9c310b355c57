"""skmultimodal: multimodal (image + text) learning as scikit-learn estimators.

Submodules are imported on first attribute access so that ``import
skmultimodal`` stays fast and never imports TensorFlow or Keras.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "datasets",
    "distributed",
    "fusion",
    "image",
    "model_selection",
    "models",
    "persistence",
    "pipeline",
    "plotting",
    "plugins",
    "streaming",
    "text",
    "utils",
)
# Top-level conveniences, resolved lazily: name -> module that defines it.
_LAZY_ATTRS = {
    "make_multimodal_pipeline": "skmultimodal.pipeline",
}

__all__ = [*_SUBMODULES, *_LAZY_ATTRS, "__version__"]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"skmultimodal.{name}")
    if name in _LAZY_ATTRS:
        return getattr(importlib.import_module(_LAZY_ATTRS[name]), name)
    raise AttributeError(f"module 'skmultimodal' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
