"""``set_output`` on the image-to-image transformers (their output is images,
which stay images: a Series of them under pandas output, keeping the index)
and the checking of Resize's ``size``."""

import numpy as np
import pandas as pd
import pytest
from sklearn import config_context
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from skmultimodal.image import (
    Binarize,
    Grayscale,
    HOGFeatures,
    ImageReader,
    Normalize,
    PixelFeatures,
    Resize,
)

IMAGE_TO_IMAGE = [
    ImageReader(),
    Grayscale(),
    Resize(size=(5, 7)),
    Binarize(),
    Normalize(),
]


def _images():
    rng = np.random.default_rng(0)
    return [
        rng.integers(0, 256, (20, 24, 3), dtype=np.uint8),
        rng.integers(0, 256, (18, 18), dtype=np.uint8),
        rng.random((22, 20, 3)).astype(np.float32),
    ]


def _pipeline():
    return make_pipeline(Grayscale(), Resize(size=(16, 16)), PixelFeatures())


def test_pipeline_set_output_pandas_gives_named_frame():
    X = _images()
    pipe = _pipeline().set_output(transform="pandas")
    Z = pipe.fit_transform(X)
    assert isinstance(Z, pd.DataFrame)
    extractor = pipe[-1]
    assert list(Z.columns) == list(extractor.get_feature_names_out())
    assert Z.shape == (len(X), extractor.n_features_out_)
    # the same numbers as the default output, and as the global setting
    plain = _pipeline().fit_transform(X)
    np.testing.assert_array_equal(Z.to_numpy(), plain)
    with config_context(transform_output="pandas"):
        global_out = _pipeline().fit_transform(X)
    pd.testing.assert_frame_equal(Z, global_out)


@pytest.mark.parametrize("est", IMAGE_TO_IMAGE, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("transform", [None, "default", "pandas", "polars"])
def test_set_output_returns_self_and_images_stay_images(est, transform):
    X = _images()
    est = clone(est)
    expected = clone(est).fit_transform(X)
    assert est.set_output(transform=transform) is est
    out = est.fit_transform(X)
    if transform == "pandas":  # one column of images, named, never a frame
        assert isinstance(out, pd.Series) and out.dtype == object
        assert out.name == "image"
        out = out.to_numpy()
    assert isinstance(out, np.ndarray) and out.dtype == object
    assert out.shape == (len(X),)
    for got, want in zip(out, expected):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("est", IMAGE_TO_IMAGE, ids=lambda e: type(e).__name__)
def test_pandas_output_keeps_the_index_through_an_image_step(est):
    X = pd.Series(_images(), index=["a", "b", "c"], name="photo")
    out = clone(est).set_output(transform="pandas").fit_transform(X)
    assert list(out.index) == ["a", "b", "c"]
    assert out.name == "image"  # get_feature_names_out: a Series has no column
    pipe = make_pipeline(clone(est), Resize(size=(4, 4)), PixelFeatures(size=(2, 2)))
    Z = pipe.set_output(transform="pandas").fit_transform(X)
    assert list(Z.index) == ["a", "b", "c"]
    with config_context(transform_output="pandas"):  # the global setting too
        assert list(clone(pipe).fit_transform(X).index) == ["a", "b", "c"]
    frame = pd.DataFrame({"photo": X})
    assert pd.concat([frame, Z], axis=1).shape == (3, 1 + Z.shape[1])


@pytest.mark.parametrize("est", IMAGE_TO_IMAGE, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("bad", ["pandsa", "DataFrame", 1, ["pandas"]])
def test_set_output_refuses_unknown_value(est, bad):
    with pytest.raises(ValueError, match="transform must be None or one of") as info:
        clone(est).set_output(transform=bad)
    msg = str(info.value)
    assert type(est).__name__ in msg
    assert repr(bad) in msg
    for option in ("default", "pandas", "polars"):
        assert option in msg


def test_pipeline_set_output_refuses_unknown_value_at_image_step():
    with pytest.raises(ValueError, match="Grayscale.set_output"):
        _pipeline().set_output(transform="pandsa")


@pytest.mark.parametrize(
    "size", [[8, 6], (8, 6), np.array([8, 6]), (np.int64(8), np.int32(6))]
)
def test_resize_accepts_any_length_2_integer_sequence(size):
    img = np.zeros((20, 20, 3), np.uint8)
    original = size.copy() if isinstance(size, np.ndarray) else size
    est = Resize(size=size)
    out = est.fit_transform([img])
    assert out[0].shape == (8, 6, 3)
    # the parameter is kept as given, not rewritten
    assert est.get_params()["size"] is size
    np.testing.assert_array_equal(size, original)


@pytest.mark.parametrize(
    "size",
    [
        (True, 8),
        (8, False),
        np.array([True, True]),
        (8.0, 8),
        np.array([8.0, 8.0]),
        (8, 0),
        (-1, 8),
        (8,),
        (8, 8, 8),
        [[8, 8]],
        np.array([[8, 8]]),
        "88",
        {8, 9},
        8,
        None,
    ],
    ids=repr,
)
def test_resize_refuses_bad_size_at_fit_naming_it(size):
    est = Resize(size=size)
    with pytest.raises(ValueError, match=r"The 'size' parameter of Resize") as info:
        est.fit([np.zeros((4, 4), np.uint8)])
    assert "(height, width)" in str(info.value)
    assert not hasattr(est, "_fitted")


@pytest.mark.parametrize(
    "extractor", [HOGFeatures(size=(True, 8)), PixelFeatures(size=(8, False))]
)
def test_a_boolean_size_of_an_extractor_is_refused(extractor):
    with pytest.raises(ValueError, match=r"'size' parameter of \w+ must be a"):
        extractor.fit([np.zeros((8, 8, 3), np.uint8)])
