"""The lowest versions the bounds allow: OpenCV before 4.13 (no
``cv2.utils.logging``) and Keras before 3.14 (no mask shapes passed to
``compute_output_shape``)."""

import types

import cv2
import numpy as np
import pytest

from skmultimodal.image import ImageReader
from skmultimodal.image._io import quiet_opencv


@pytest.fixture
def opencv_before_4_13(monkeypatch):
    """cv2 as OpenCV 4.10-4.12 has it: no ``cv2.utils.logging``, the log level
    through the top-level ``cv2.getLogLevel``/``cv2.setLogLevel``."""
    state = {"level": 3, "calls": []}  # 3: LOG_LEVEL_WARNING, the default

    def set_level(level):
        state["calls"].append(level)
        previous, state["level"] = state["level"], level
        return previous

    utils = types.SimpleNamespace(
        **{k: v for k, v in vars(cv2.utils).items() if k != "logging"}
    )
    monkeypatch.setattr(cv2, "utils", utils)
    monkeypatch.setattr(cv2, "getLogLevel", lambda: state["level"], raising=False)
    monkeypatch.setattr(cv2, "setLogLevel", set_level, raising=False)
    return state


def test_quiet_opencv_uses_the_top_level_log_level_before_4_13(opencv_before_4_13):
    state = opencv_before_4_13
    state["level"] = 4  # the user's: LOG_LEVEL_INFO
    with quiet_opencv:
        assert state["level"] == 0  # silent
        with quiet_opencv:  # re-entrant: switched once
            assert state["level"] == 0
        assert state["level"] == 0
    assert state["level"] == 4
    assert state["calls"] == [0, 4]


def test_images_are_read_without_cv2_utils_logging(opencv_before_4_13):
    ok, png = cv2.imencode(".png", np.full((8, 6, 3), 200, np.uint8))
    assert ok
    out = ImageReader().fit_transform([png.tobytes(), png.tobytes()])
    assert len(out) == 2
    assert opencv_before_4_13["calls"][-1] == 3  # the level is back


def test_layers_output_shape_without_the_mask_shapes():
    # Keras before 3.14 leaves ``*_mask`` arguments out of the shapes it
    # passes to compute_output_shape (symbolic calls, e.g. building the model)
    pytest.importorskip("keras")
    from skmultimodal.models._layers import (
        AttentionPooling,
        CrossAttention,
        LSTMEncoder,
        TransformerBlock,
    )

    shape = (None, 5, 8)
    assert TransformerBlock(8, 2).compute_output_shape(inputs_shape=shape) == shape
    assert LSTMEncoder(4).compute_output_shape(inputs_shape=shape) == (None, 5, 4)
    assert (
        CrossAttention(8, 2).compute_output_shape(
            query_shape=shape, context_shape=(None, 3, 8)
        )
        == shape
    )
    assert AttentionPooling([2, 3]).compute_output_shape(inputs_shape=shape) == [
        (None, 16),
        (None, 5),
    ]
