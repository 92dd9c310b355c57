"""Decoded files are turned upright by their EXIF orientation tag, as
``cv2.imread`` and image viewers show them; arrays are used as given."""

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from skmultimodal.image import (
    ColorHistogram,
    HOGFeatures,
    ImageFeatureUnion,
    ImageReader,
    PixelFeatures,
)
from tests._workers import NONE_OR_TWO

# A small image that no turn or mirror maps onto itself.
STORED = (np.random.RandomState(0).rand(6, 10, 3) * 255).astype(np.uint8)


def _encode(array, fmt, orientation=None, exif=None):
    """``array`` (RGB or RGBA) encoded by Pillow with an orientation tag."""
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
    extra = {"exif": exif} if exif is not None else {}
    if fmt == "JPEG":
        extra["quality"] = 95
    if fmt == "WEBP":
        extra["lossless"] = True
    out = io.BytesIO()
    Image.fromarray(array).save(out, fmt, **extra)
    return out.getvalue()


def _opencv_upright(data):
    """What ``cv2.imread``'s default flags give (orientation applied), RGB."""
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _read(item):
    return ImageReader().fit_transform([item])[0]


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "JPEG"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_is_read_upright(fmt, orientation):
    data = _encode(STORED, fmt, orientation)
    got = _read(data)
    assert np.array_equal(got, _opencv_upright(data))
    assert got.flags.c_contiguous
    if fmt == "WEBP" and not len(
        cv2.imdecodeWithMetadata(np.frombuffer(data, np.uint8))[1]
    ):
        return  # OpenCV before 4.13 reads no WebP EXIF, and imread turns none
    if fmt != "JPEG":  # lossless: also what Pillow shows after exif_transpose
        shown = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
        assert np.array_equal(got, np.asarray(shown))
    turned = orientation in (5, 6, 7, 8)
    assert got.shape[:2] == ((10, 6) if turned else (6, 10))


def test_a_path_and_alpha_follow_the_same_rule(tmp_path):
    """An RGBA photo tagged "turn clockwise" reads as its upright array."""
    rgba = np.dstack([STORED, np.linspace(0, 255, 60).reshape(6, 10)]).astype(np.uint8)
    path = tmp_path / "sideways.png"
    path.write_bytes(_encode(rgba, "PNG", orientation=6))
    upright = np.ascontiguousarray(np.rot90(rgba, -1))  # 90 degrees clockwise
    assert np.array_equal(_read(str(path)), _read(upright))


def test_tiff_is_turned_once(tmp_path):
    # the TIFF decoder applies its own tag: no second turn on top of it
    data = _encode(STORED, "TIFF", orientation=6)
    assert np.array_equal(_read(data), np.rot90(STORED, -1))


@pytest.mark.parametrize(
    "exif",
    [
        b"MM\x00*\x00\x00\xff\xff",  # IFD past the end
        b"II*\x00",  # a header only
        b"MM\x00*\x00\x00\x00\x08\x00\x05\x01\x12\x00",  # entries cut short
        b"MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x02\x00\x00\x00\x01x\x00\x00\x00",
    ],
    ids=["bad-offset", "header-only", "cut-short", "ascii-tag"],
)
def test_a_malformed_block_leaves_the_pixels_as_stored(exif):
    data = _encode(STORED, "PNG", exif=exif)
    found = cv2.imdecodeWithMetadata(np.frombuffer(data, np.uint8))[1]
    assert len(found) == 1  # the decoder reports the block
    assert np.array_equal(_read(data), STORED)
    assert np.array_equal(_read(data), _opencv_upright(data))


@pytest.mark.parametrize("orientation", [0, 9, 65535])
def test_an_out_of_range_tag_leaves_the_pixels_as_stored(orientation):
    data = _encode(STORED, "PNG", orientation)
    assert np.array_equal(_read(data), STORED)
    assert np.array_equal(_read(data), _opencv_upright(data))


def test_arrays_are_used_as_given():
    assert np.array_equal(_read(STORED), STORED)


@pytest.mark.parametrize("n_jobs", NONE_OR_TWO)
def test_features_of_a_tagged_photo_are_those_of_the_upright_one(tmp_path, n_jobs):
    """Every extractor, the decode-once union and worker processes read the
    tagged files upright: the same features as the upright files, and not
    those of the pixels as stored."""
    big = cv2.resize(STORED, (40, 24), interpolation=cv2.INTER_NEAREST)
    files = {"tagged": [], "upright": [], "stored": []}
    for k, orientation in enumerate([3, 6, 8, 5] * 2):
        stored = np.roll(big, k, axis=1)
        data = {
            "tagged": _encode(stored, "PNG", orientation),
            "upright": _encode(_read(_encode(stored, "PNG", orientation)), "PNG"),
            "stored": _encode(stored, "PNG"),
        }
        for kind, encoded in data.items():
            files[kind].append(str(tmp_path / f"{kind}{k}.png"))
            (tmp_path / f"{kind}{k}.png").write_bytes(encoded)
    union = ImageFeatureUnion(
        [
            ("hog", HOGFeatures(size=(32, 32))),
            ("hist", ColorHistogram()),
            ("pixels", PixelFeatures(size=(8, 8), color="rgb")),
        ],
        n_jobs=n_jobs,
    )
    for est in [union, HOGFeatures(size=(32, 32), n_jobs=n_jobs)]:
        tagged = est.fit_transform(files["tagged"])
        assert np.array_equal(tagged, est.fit_transform(files["upright"]))
        assert not np.array_equal(tagged, est.fit_transform(files["stored"]))


@pytest.mark.parametrize("mode", ["L", "LA", "RGBA", "I;16"])
@pytest.mark.parametrize("orientation", [2, 5, 6, 7, 8])
def test_gray_alpha_and_16_bit_files_turn_alike(mode, orientation):
    """Whatever the decoder returns (gray, gray + alpha, BGRA, 16-bit), the
    tagged file reads as the upright file."""
    rng = np.random.RandomState(1)
    if mode == "I;16":
        image = Image.fromarray((rng.rand(6, 10) * 65535).astype(np.uint16))
    else:
        channels = {"L": 1, "LA": 2, "RGBA": 4}[mode]
        pixels = (rng.rand(6, 10, channels) * 255).astype(np.uint8)
        image = Image.fromarray(pixels.squeeze(), mode)
    exif = Image.Exif()
    exif[0x0112] = orientation
    tagged, upright = io.BytesIO(), io.BytesIO()
    image.save(tagged, "PNG", exif=exif)
    ImageOps.exif_transpose(Image.open(io.BytesIO(tagged.getvalue()))).save(
        upright, "PNG"
    )
    got = _read(tagged.getvalue())
    assert got.shape[:2] == ((10, 6) if orientation >= 5 else (6, 10))
    assert np.array_equal(got, _read(upright.getvalue()))
