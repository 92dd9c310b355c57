"""Neural models: :class:`MultimodalAttentionClassifier` (Keras via SciKeras).

``import skmultimodal.models`` does not import TensorFlow or Keras: the
classifier's module is imported the first time the class is asked for
(``from skmultimodal.models import MultimodalAttentionClassifier``).
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for type checkers and the API pages; imported lazily below
    from ._classifier import MultimodalAttentionClassifier

__all__ = ["MultimodalAttentionClassifier"]

_LAZY = {"MultimodalAttentionClassifier": "skmultimodal.models._classifier"}


def __getattr__(name):
    if name in _LAZY:
        from skmultimodal.utils._errors import require_keras

        require_keras(name, "scikeras")  # the extra, named when missing
        module = importlib.import_module(_LAZY[name])
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skmultimodal.models' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
