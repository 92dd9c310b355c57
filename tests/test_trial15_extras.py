"""Without the ``keras`` extra, the Keras-backed parts name the extra to
install instead of failing with a bare ``No module named 'keras'``."""

import sys

import numpy as np
import pytest

from skmultimodal.image import KerasFeatures
from skmultimodal.text import TextFeatures
from skmultimodal.utils._errors import require_keras


@pytest.fixture
def no_keras(monkeypatch):
    """``import keras`` fails as when the extra is not installed."""
    monkeypatch.setitem(sys.modules, "keras", None)


def test_require_keras_names_the_extra(no_keras):
    with pytest.raises(ImportError, match=r"Owner needs Keras.*skmultimodal\[keras\]"):
        require_keras("Owner")


def test_keras_backed_extractors_name_the_extra(no_keras, tmp_path):
    model = tmp_path / "encoder.keras"
    model.write_bytes(b"not read: the extra is missing first")
    fits = [
        lambda: KerasFeatures(model="MobileNetV3Small", weights=None).fit(
            [np.zeros((8, 8, 3), np.uint8)]
        ),
        lambda: TextFeatures("keras_encoder", method_params={"path": model}).fit(
            ["a text"]
        ),
    ]
    for fit in fits:
        with pytest.raises(ImportError, match=r'pip install "skmultimodal\[keras\]"'):
            fit()


def test_attention_classifier_names_the_extra_without_scikeras(monkeypatch):
    import skmultimodal.models as models

    monkeypatch.setitem(sys.modules, "scikeras", None)
    monkeypatch.delitem(sys.modules, "skmultimodal.models._classifier", raising=False)
    monkeypatch.delitem(vars(models), "MultimodalAttentionClassifier", raising=False)
    with pytest.raises(ImportError, match=r"'scikeras' is not installed.*\[keras\]"):
        models.MultimodalAttentionClassifier  # noqa: B018
