"""Root pytest configuration: the doctests of the Keras models belong to the
``slow`` tier (they import TensorFlow and train networks), like the tests
marked ``@pytest.mark.slow``; plain ``pytest`` still runs them all."""

from pathlib import Path

import pytest

_KERAS_DOCTESTS = Path(__file__).parent / "skmultimodal" / "models"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if isinstance(item, pytest.DoctestItem) and _KERAS_DOCTESTS in Path(
            item.path
        ).parents:
            item.add_marker(pytest.mark.slow)
