"""Root pytest configuration: the doctests that run TensorFlow (the Keras
models, the backbone extractor, the text encoder) belong to the ``slow``
tier, like the tests marked ``@pytest.mark.slow``; plain ``pytest`` still
runs them all."""

from pathlib import Path

import pytest

_PACKAGE = Path(__file__).parent / "skmultimodal"
_KERAS_DOCTESTS = (
    _PACKAGE / "models",
    _PACKAGE / "image" / "_keras.py",
    _PACKAGE / "text" / "_keras_encoder.py",
)


def _runs_tensorflow(path):
    path = Path(path)
    return any(p == path or p in path.parents for p in _KERAS_DOCTESTS)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if isinstance(item, pytest.DoctestItem) and _runs_tensorflow(item.path):
            item.add_marker(pytest.mark.slow)
