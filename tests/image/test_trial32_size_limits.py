"""A ``size`` larger than an image may be read is refused at fit, naming
the parameter, instead of failing inside OpenCV or NumPy (or exhausting
memory) at transform; and the decompression-bomb message names the limit in
force: with ``SKMULTIMODAL_MAX_IMAGE_PIXELS`` set, raising Pillow's setting
does not help."""

import cv2
import numpy as np
import pytest
from PIL import Image
from sklearn.utils._param_validation import InvalidParameterError

from skmultimodal.image import HOGFeatures, ImageReader, PixelFeatures, Resize
from skmultimodal.image._transformers import _check_size_param

IMAGES = [np.full((8, 8), 128, np.uint8)]


@pytest.mark.parametrize(
    "est",
    [
        Resize(size=(10**6, 10**6), on_error="blank"),
        PixelFeatures(size=(100_000, 100_000), on_error="missing"),
        HOGFeatures(size=(60_000, 60_000), on_error="missing"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_huge_size_is_refused_at_fit_naming_it(est):
    h, w = est.size
    with pytest.raises(InvalidParameterError) as info:
        est.fit(IMAGES)
    message = str(info.value)
    assert message.startswith(f"The 'size' parameter of {type(est).__name__} asks")
    assert f"{h * w:,} pixels, more than the 89,478,485" in message
    assert "(PIL.Image.MAX_IMAGE_PIXELS)" in message


def test_the_limit_in_force_sets_the_largest_size(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 200_000_000)
    _check_size_param((10_000, 10_000), "size", "Resize")  # 10^8: allowed now
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", "1000")
    # a limit lowered to refuse files does not refuse a small resize ...
    _check_size_param((64, 64), "size", "Resize")
    with pytest.raises(InvalidParameterError, match="(Pillow's default limit)"):
        _check_size_param((10_000, 10_000), "size", "Resize")
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", "none")  # no limit
    _check_size_param((10**6, 10**6), "size", "Resize")


def test_the_bomb_message_names_the_environment_variable_when_set(
    monkeypatch, tmp_path
):
    path = tmp_path / "big.png"
    cv2.imwrite(str(path), np.zeros((20, 20, 3), np.uint8))
    with pytest.raises(ValueError) as info:
        with monkeypatch.context() as m:
            m.setattr(Image, "MAX_IMAGE_PIXELS", 100)
            ImageReader().fit_transform([str(path)])
    assert "to read larger images raise PIL.Image.MAX_IMAGE_PIXELS" in str(info.value)
    monkeypatch.setenv("SKMULTIMODAL_MAX_IMAGE_PIXELS", "100")
    with pytest.raises(ValueError) as info:
        ImageReader().fit_transform([str(path)])
    message = str(info.value)
    assert "more than the limit of 100 pixels" in message
    assert "the limit is the environment variable SKMULTIMODAL_MAX_IMAGE_PIXELS" in (
        message
    )
    assert "raise PIL.Image.MAX_IMAGE_PIXELS" not in message
