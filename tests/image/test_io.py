"""Reading images: item kinds, containers, colour rules and every bad input."""

import os
import pickle
import warnings

import cv2
import numpy as np
import pandas as pd
import pytest
from joblib import parallel_backend

from skmultimodal.image import (
    HOGFeatures,
    ImageDecodeError,
    ImageReader,
    ImageWarning,
    PixelFeatures,
)


def _png(rgb):
    """PNG bytes of an RGB(A) uint8/uint16 array (OpenCV wants BGR(A))."""
    code = cv2.COLOR_RGBA2BGRA if rgb.ndim == 3 and rgb.shape[2] == 4 else None
    if rgb.ndim == 3 and rgb.shape[2] == 3:
        code = cv2.COLOR_RGB2BGR
    data = rgb if code is None else cv2.cvtColor(rgb, code)
    ok, buf = cv2.imencode(".png", data)
    assert ok
    return buf.tobytes()


def _jpeg(rgb):
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    return buf.tobytes()


@pytest.fixture
def rgb():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (12, 9, 3), dtype=np.uint8)


def test_path_bytes_and_array_give_the_same_rgb_image(tmp_path, rgb):
    path = tmp_path / "émoji 图.png"  # non-ASCII path
    path.write_bytes(_png(rgb))
    out = ImageReader().fit_transform([str(path), path, _png(rgb), rgb])
    assert out.dtype == object and out.shape == (4,)
    for img in out:
        assert img.dtype == np.uint8
        np.testing.assert_array_equal(img, rgb)


def test_channel_order_is_rgb(tmp_path):
    red = np.zeros((2, 2, 3), np.uint8)
    red[..., 0] = 255
    path = tmp_path / "red.png"
    cv2.imwrite(str(path), red[..., ::-1])  # OpenCV writes BGR
    img = ImageReader().fit_transform([str(path)])[0]
    assert img[0, 0].tolist() == [255, 0, 0]


def test_rgba_is_composited_on_white():
    rgba = np.zeros((1, 4, 4), np.uint8)
    rgba[0, :, :3] = [[10, 20, 30], [10, 20, 30], [0, 0, 0], [200, 100, 0]]
    rgba[0, :, 3] = [0, 255, 128, 64]
    expected = np.rint(
        rgba[..., :3] * (rgba[..., 3:] / 255.0) + 255 * (1 - rgba[..., 3:] / 255.0)
    )
    for item in (rgba, _png(rgba)):
        out = ImageReader().fit_transform([item])[0]
        assert out.shape == (1, 4, 3)
        np.testing.assert_array_equal(out, expected)
    assert out[0, 0].tolist() == [255, 255, 255]  # fully transparent -> white
    assert out[0, 1].tolist() == [10, 20, 30]  # opaque -> unchanged


def test_float_rgba_is_composited_on_white():
    rgba = np.array([[[0.0, 0.5, 1.0, 0.5]]])
    out = ImageReader().fit_transform([rgba])[0]
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[0, 0], [0.5, 0.75, 1.0])


def test_16_bit_is_scaled_to_8_bit():
    arr = np.array([[0, 257, 65535, 32896]], dtype=np.uint16)
    out = ImageReader().fit_transform([arr, _png(arr)])
    for img in out:
        assert img.dtype == np.uint8
        assert img.tolist() == [[0, 1, 255, 128]]


def test_gray_and_single_channel_stay_gray():
    g = np.arange(12, dtype=np.uint8).reshape(3, 4)
    out = ImageReader().fit_transform([g, g[..., None], _png(g)])
    for img in out:
        np.testing.assert_array_equal(img, g)


def test_containers_series_dataframe_and_stacks(rgb):
    frame = pd.DataFrame({"image": [rgb, rgb[:5]]}, index=["a", "b"])
    for X in (frame, frame["image"], np.array([rgb, rgb[:5]], dtype=object)):
        out = ImageReader().fit_transform(X)
        assert [o.shape for o in out] == [(12, 9, 3), (5, 9, 3)]
    stack3 = np.zeros((3, 4, 5), np.uint8)
    stack4 = np.zeros((2, 4, 5, 4), np.uint8)
    assert len(ImageReader().fit_transform(stack3)) == 3
    assert ImageReader().fit_transform(stack4)[1].shape == (4, 5, 3)
    with pytest.raises(ValueError, match="stack of images"):
        ImageReader().fit(np.zeros((4, 5), np.uint8))
    with pytest.raises(ValueError, match="no images"):
        PixelFeatures().fit([])


def test_output_never_shares_memory_with_input(rgb):
    before = rgb.copy()
    out = ImageReader().fit_transform([rgb])[0]
    out[:] = 0
    np.testing.assert_array_equal(rgb, before)


# ------------------------------------------------------------ bad inputs
def _truncated_png(rgb):
    data = _png(rgb)
    return data[: len(data) // 2]


def _truncated_jpeg(rgb):
    data = _jpeg(rgb)
    return data[: len(data) * 2 // 3]


BAD_ITEMS = {
    "missing file": (lambda tmp, rgb: str(tmp / "nope.png"), "file not found"),
    "garbage bytes": (lambda tmp, rgb: b"certainly not an image", "not a decodable"),
    "text file": (
        lambda tmp, rgb: (tmp / "a.png").write_text("hello") and str(tmp / "a.png"),
        "not a decodable",
    ),
    "truncated png bytes": (lambda tmp, rgb: _truncated_png(rgb), "truncated PNG"),
    "truncated png file": (
        lambda tmp, rgb: (
            (tmp / "t.png").write_bytes(_truncated_png(rgb)) and str(tmp / "t.png")
        ),
        "truncated PNG",
    ),
    "truncated jpeg file": (
        lambda tmp, rgb: (
            (tmp / "t.jpg").write_bytes(_truncated_jpeg(rgb)) and str(tmp / "t.jpg")
        ),
        "truncated JPEG",
    ),
    "empty file": (
        lambda tmp, rgb: (
            (tmp / "e.png").write_bytes(b"") is not None and str(tmp / "e.png")
        ),
        "empty data",
    ),
    "directory": (lambda tmp, rgb: str(tmp), "cannot read file"),
    "zero-size": (lambda tmp, rgb: np.zeros((0, 4, 3), np.uint8), "zero-size"),
    "five channels": (lambda tmp, rgb: np.zeros((4, 4, 5), np.uint8), "channels"),
    "1-D array": (lambda tmp, rgb: np.zeros(5, np.uint8), "unsupported array shape"),
    "4-D array": (lambda tmp, rgb: np.zeros((2, 2, 2, 3), np.uint8), "shape"),
    "int64": (lambda tmp, rgb: np.zeros((4, 4), np.int64), "unsupported dtype int64"),
    "bool": (lambda tmp, rgb: np.zeros((4, 4), bool), "unsupported dtype bool"),
    "float 0-255": (lambda tmp, rgb: rgb.astype(float), r"must lie in \[0, 1\]"),
    "float nan": (lambda tmp, rgb: np.full((3, 3), np.nan), "NaN"),
    "None": (lambda tmp, rgb: None, "missing value"),
    "NaN": (lambda tmp, rgb: float("nan"), "missing value"),
    "empty string": (lambda tmp, rgb: "", "missing value"),
    "number": (lambda tmp, rgb: 3, "unsupported item type int"),
}


@pytest.mark.parametrize("case", list(BAD_ITEMS))
def test_bad_item_raises_one_clear_error(tmp_path, rgb, case):
    make, detail = BAD_ITEMS[case]
    bad = make(tmp_path, rgb)
    X = pd.Series([rgb, bad, rgb], index=[10, 11, 12])
    with pytest.raises(ImageDecodeError, match=detail) as info:
        ImageReader().fit_transform(X)
    message = str(info.value)
    assert "row 1 (index 11)" in message
    if isinstance(bad, str) and bad:
        assert bad in message  # the path is named
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert isinstance(info.value, ValueError)
    # blank: the same details as a warning, a blank (white) image instead
    with pytest.warns(ImageWarning, match=detail) as record:
        out = ImageReader(on_error="blank").fit_transform(X)
    assert "row 1 (index 11)" in str(record[0].message)
    assert out[1].shape == (1, 1, 3) and out[1].min() == 255
    np.testing.assert_array_equal(out[0], rgb)
    # missing (extractors): the same details, a row of NaN instead
    with pytest.warns(ImageWarning, match=detail) as record:
        Z = PixelFeatures(size=(2, 2), on_error="missing").fit_transform(X)
    assert len(record) == 1 and "row 1 (index 11)" in str(record[0].message)
    assert np.isnan(Z[1]).all() and not np.isnan(Z[[0, 2]]).any()


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_workers_give_the_same_results_errors_and_warnings(tmp_path, backend):
    # loky: worker processes, results pickled back; threading: no pickling
    with parallel_backend(backend):
        _same_results_errors_and_warnings(tmp_path)


def _same_results_errors_and_warnings(tmp_path):
    rng = np.random.default_rng(5)
    images = [rng.integers(0, 256, (30, 40, 3), dtype=np.uint8) for _ in range(7)]
    paths = []
    for k, img in enumerate(images):
        paths.append(str(tmp_path / f"{k}.png"))
        cv2.imwrite(paths[-1], img[..., ::-1])
    one = HOGFeatures(size=(16, 16)).fit_transform(paths)
    two = HOGFeatures(size=(16, 16), n_jobs=2, verbose=1).fit_transform(paths)
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(one, HOGFeatures(size=(16, 16)).fit_transform(images))

    missing = str(tmp_path / "missing.png")
    X = paths[:5] + [missing] + paths[5:]
    with pytest.raises(ImageDecodeError, match="row 5") as info:
        HOGFeatures(size=(16, 16), n_jobs=2).fit_transform(X)
    assert missing in str(info.value)
    with pytest.warns(ImageWarning, match="row 5.*file not found"):
        Z = PixelFeatures(size=(2, 2), on_error="blank", n_jobs=2).fit_transform(X)
    np.testing.assert_array_equal(Z[5], 1.0)  # blank is white
    with pytest.warns(ImageWarning, match="row 5.*file not found") as record:
        Z = PixelFeatures(size=(2, 2), on_error="missing", n_jobs=2).fit_transform(X)
    assert len(record) == 1
    assert np.isnan(Z[5]).all() and not np.isnan(np.delete(Z, 5, axis=0)).any()


def test_blank_warning_summarises_many_failures(rgb):
    X = [None] * 8 + [rgb]
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        PixelFeatures(on_error="blank").fit_transform(X)
    assert len(record) == 1
    assert "8 unreadable" in str(record[0].message)
    assert "and 3 more" in str(record[0].message)


def test_error_class_pickles():
    err = pickle.loads(pickle.dumps(ImageDecodeError("row 1, path 'x': bad")))
    assert isinstance(err, ImageDecodeError) and "row 1" in str(err)


def test_a_chunk_of_feature_rows_travels_as_one_array():
    # what a worker process sends back: one stacked buffer, not one pickled
    # object per image; it comes back as the same rows
    from skmultimodal.utils._parallel import _Results

    rows = _Results(np.arange(12, dtype=np.float32).reshape(4, 3).copy())
    _, (stacked,) = rows.__reduce__()
    assert isinstance(stacked, np.ndarray) and stacked.shape == (4, 3)
    back = pickle.loads(pickle.dumps(rows))
    assert type(back) is list and len(back) == 4
    for a, b in zip(back, rows):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == np.float32
    mixed = _Results([np.zeros(3, np.float32), None, np.zeros(2, np.float32)])
    back = pickle.loads(pickle.dumps(mixed))
    assert back[1] is None and [np.shape(r) for r in back] == [(3,), (), (2,)]


def test_a_worker_reuses_its_chunk_buffer_only_where_that_is_safe():
    from skmultimodal.image._io import _pickles_results_at_once, chunk_output

    me = os.getpid()
    # in the calling process (threads, or no workers): always a new array
    a, b = chunk_output((4, 3), me), chunk_output((4, 3), me)
    assert not np.shares_memory(a, b) and a.dtype == np.float32
    assert not np.shares_memory(chunk_output((4, 3), None), chunk_output((4, 3), None))
    # in a worker process of a loky or multiprocessing pool (the caller's
    # pid differs): the leading rows of one buffer, grown when too small
    other = me + 1
    a, b = chunk_output((4, 3), other), chunk_output((3, 3), other)
    assert np.shares_memory(a, b) and b.shape == (3, 3)
    c = chunk_output((9, 3), other)
    assert c.shape == (9, 3) and not np.shares_memory(a, c)
    assert chunk_output((2, 5), other).shape == (2, 5)
    # only backends whose workers pickle each result as soon as it returns
    assert _pickles_results_at_once()  # loky, the default
    for backend, expected in [("threading", False), ("multiprocessing", True)]:
        with parallel_backend(backend):
            assert _pickles_results_at_once() is expected
