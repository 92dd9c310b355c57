"""Property-based fuzzing of every public estimator and of the command line.

Hypothesis generates bad inputs: random or truncated image bytes, random
paths, arrays of wrong shapes and dtypes, every NA marker in every pandas
dtype, non-strings in text columns, bad weights and parameters, X and y of
different lengths, and small CSV files for the CLI. The property for the
library: a call either succeeds with a documented result (finite output of
the right shape), or raises a ValueError or TypeError that names the row,
column or parameter and comes from skmultimodal or scikit-learn, never from
numpy/pandas/OpenCV internals; the input is never modified. For the CLI:
the exit status is 0, 1 or 2 and a failure prints one line
``skmultimodal: error: ...``.

Examples are derandomized (CI is reproducible) and kept few and small.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import re
import tempfile
import traceback
import warnings
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.image import (
    ColorHistogram,
    HOGFeatures,
    ImageDecodeError,
    ImageFeatures,
    ImageReader,
    PixelFeatures,
)
from skmultimodal.text import TextCleaner, TextFeatures, TextSequencer


def fuzz(n):
    """Hypothesis settings: ``n`` derandomized examples, no deadline."""
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


# ------------------------------------------------------------ properties ---
# Words that make an error message identifiable: a row, a column, a
# modality, a parameter, the estimator, the samples or the target.
IDENTIFIABLE = re.compile(
    r"\brow|column|modalit|weight|method|missing|voting|\bcv\b|on_error|"
    r"parameter|sample|class|\bX\b|\by\b|target|shape|dtype|"
    r"ImageReader|HOGFeatures|PixelFeatures|ColorHistogram|ImageFeatures|"
    r"TextCleaner|TextSequencer|TextFeatures|ModalityFusion|"
    r"LateFusionClassifier|transformer|estimator",
    re.IGNORECASE,
)
# Where an error may come from: our code or scikit-learn's (parameter and
# input validation); never numpy, pandas, scipy or OpenCV internals.
ALLOWED_ORIGINS = (
    f"{os.sep}skmultimodal{os.sep}",
    f"{os.sep}sklearn{os.sep}",
)


def check_error(exc):
    """The error is a ValueError/TypeError from our code or scikit-learn's,
    naming something the user can find."""
    assert isinstance(exc, (ValueError, TypeError)), (
        f"{type(exc).__name__} is not a ValueError/TypeError: {exc!r}"
    )
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    assert any(part in frame.filename for part in ALLOWED_ORIGINS), (
        f"{type(exc).__name__} raised inside {frame.filename}:{frame.lineno} "
        f"(not skmultimodal/scikit-learn): {exc}"
    )
    assert IDENTIFIABLE.search(str(exc)), f"message names nothing: {exc}"


def call(func):
    """``(result, None)`` or ``(None, error)``, checking the error; warnings
    (ImageWarning, ConvergenceWarning, ...) are silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return func(), None
        except Exception as exc:  # the property checks it
            check_error(exc)
            return None, exc


def check_finite(out, n_rows, n_cols=None):
    """A 2-D output with ``n_rows`` rows and only finite values."""
    assert out.shape[0] == n_rows
    if n_cols is not None:
        assert out.shape[1] == n_cols
    values = out.data if sparse.issparse(out) else np.asarray(out, dtype=float)
    assert np.isfinite(values).all(), "silent NaN/inf in the output"


def same_value(a, b):
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        )
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and np.isnan(a):
        return np.isnan(b)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def assert_unchanged(before, after):
    """A deep copy taken before the call equals the input after it."""
    if isinstance(before, pd.DataFrame):
        assert list(before.columns) == list(after.columns)
        assert before.index.equals(after.index)
        for col in before.columns:
            assert before[col].dtype == after[col].dtype, col
            for a, b in zip(before[col].tolist(), after[col].tolist()):
                assert same_value(a, b), f"column {col!r} was modified"
    elif isinstance(before, pd.Series):
        assert before.dtype == after.dtype
        for a, b in zip(before.tolist(), after.tolist()):
            assert same_value(a, b), "the input Series was modified"
    else:
        assert len(before) == len(after)
        for a, b in zip(before, after):
            assert same_value(a, b), "the input was modified"


# ------------------------------------------------------------ strategies ---
NA_MARKERS = [None, np.nan, pd.NA, pd.NaT]


def _png(img):
    ok, buf = cv2.imencode(".png", img)
    assert ok
    return buf.tobytes()


def _jpeg(img):
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return buf.tobytes()


@st.composite
def good_images(draw):
    h = draw(st.integers(8, 32))
    w = draw(st.integers(8, 32))
    c = draw(st.sampled_from([None, 1, 3, 4]))
    dtype = draw(st.sampled_from([np.uint8, np.uint16, np.float32, np.float64]))
    shape = (h, w) if c is None else (h, w, c)
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        return rng.random(shape).astype(dtype)
    return rng.integers(0, np.iinfo(dtype).max, shape, endpoint=True).astype(dtype)


def _bad_arrays():
    small = st.integers(0, 6)
    return st.one_of(
        # wrong number of dimensions
        st.builds(lambda n: np.zeros(n, np.uint8), small),
        st.builds(lambda a, b: np.zeros((a, b, 2, 2), np.uint8), small, small),
        st.just(np.array(7, dtype=np.uint8)),
        # zero-size and wrong channel counts
        st.builds(lambda n: np.zeros((0, n), np.uint8), small),
        st.builds(lambda n: np.zeros((n, 0, 3), np.uint8), small),
        st.builds(lambda c: np.zeros((8, 8, c), np.uint8), st.sampled_from([5, 6])),
        # unsupported dtypes
        st.sampled_from(
            [
                np.zeros((8, 8), bool),
                np.zeros((8, 8), np.complex128),
                np.full((8, 8), 0.5, dtype=object),
                np.zeros((8, 8), np.int64),
                np.zeros((8, 8, 3), np.int8),
                np.zeros((8, 8), "datetime64[ns]"),
                np.full((8, 8), "a"),
            ]
        ),
        # float images with NaN/inf or out of [0, 1]
        st.builds(
            lambda v, c: np.full((8, 8, c), v),
            st.sampled_from([np.nan, np.inf, -np.inf, -0.5, 1.5, 255.0, 1e300]),
            st.sampled_from([1, 3, 4]),
        ),
    )


@st.composite
def truncated_images(draw):
    img = np.full((8, 8, 3), draw(st.integers(0, 255)), np.uint8)
    data = draw(st.sampled_from([_png, _jpeg]))(img)
    cut = draw(st.integers(0, len(data) - 1))
    return data[:cut]


def bad_items():
    """Anything that is not a readable image."""
    return st.one_of(
        _bad_arrays(),
        st.binary(max_size=64),
        truncated_images(),
        st.text(max_size=20),  # random relative paths (never existing files)
        st.builds(lambda name: f"/nonexistent-dir/{name}.png", st.text(max_size=10)),
        st.sampled_from(["/", "/tmp", "a\x00b.png", "\ud800.png", "x" * 5000]),
        st.sampled_from(NA_MARKERS),
        st.integers(),
        st.floats(),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )


def image_items():
    return st.one_of(good_images(), bad_items())


def image_estimators(on_error):
    return [
        ImageReader(on_error=on_error),
        HOGFeatures(size=(16, 16), on_error=on_error),
        PixelFeatures(size=(4, 4), color="rgb", on_error=on_error),
        ColorHistogram(bins=4, on_error=on_error),
        ImageFeatures("pixels", method_params={"size": (4, 4), "on_error": on_error}),
    ]


def as_container(items, kind):
    if kind == "list":
        return list(items)
    if kind == "series":
        return pd.Series(
            items, dtype=object, index=[f"r{i}" for i in range(len(items))]
        )
    arr = np.empty(len(items), dtype=object)
    for k, v in enumerate(items):
        arr[k] = v
    return arr


# ------------------------------------------------------------ image items ---
@fuzz(60)
@given(
    data=st.data(),
    on_error=st.sampled_from(["raise", "blank"]),
    kind=st.sampled_from(["list", "series", "array"]),
)
def test_image_estimators_on_bad_items(data, on_error, kind):
    good = data.draw(st.lists(good_images(), min_size=0, max_size=2), label="good")
    bad = data.draw(st.lists(bad_items(), min_size=0, max_size=2), label="bad")
    items = data.draw(st.permutations(good + bad), label="order")
    if not items:
        items = [np.zeros((8, 8), np.uint8)]
    X = as_container(items, kind)
    before = copy.deepcopy(X)
    for est in image_estimators(on_error):
        out, err = call(lambda est=est: est.fit_transform(X))
        assert_unchanged(before, X)
        if err is None:
            if isinstance(est, ImageReader):
                assert out.shape == (len(items),)
                for img in out:
                    assert img.dtype in (np.uint8, np.float32)
                    assert img.ndim == 2 or (img.ndim == 3 and img.shape[2] == 3)
                    assert np.isfinite(img).all()
            else:
                check_finite(out, len(items))
            continue
        # only an unreadable item may fail, and only with on_error="raise"
        assert on_error == "raise" and bad, f"{type(est).__name__}: {err}"
        assert isinstance(err, ImageDecodeError), err
        assert "row" in str(err)


def test_regression_path_rejected_by_open_is_an_unreadable_item():
    # A path that open() refuses with a ValueError (a NUL byte, a lone
    # surrogate) escaped as a bare ValueError without the row, and
    # on_error="blank" did not replace it.
    for path in ["a\x00b.png", "\ud800.png"]:
        with pytest.raises(ImageDecodeError, match=r"row 1, path .*invalid file path"):
            PixelFeatures(size=(2, 2)).fit_transform([np.zeros((4, 4)), path])
        with pytest.warns(UserWarning, match="row 0"):
            out = PixelFeatures(size=(2, 2), on_error="blank").fit_transform([path])
        assert out.tolist() == [[1.0] * 4]


# ------------------------------------------------------- image containers ---
BAD_CONTAINERS = [
    np.zeros((3, 3)),  # 2-D numeric
    np.zeros((1, 2, 8, 8, 3), np.uint8),  # 5-D
    np.zeros((2, 8, 8, 3), bool),
    np.zeros((2, 8, 8), np.complex128),
    np.full((2, 8, 8), np.nan),
    np.zeros((0, 8, 8), np.uint8),
    np.zeros((2, 0, 8), np.uint8),
    np.zeros((2, 8, 8), object),
    np.empty((2, 2), object),
    [],
    3,
    "image.png",
    b"\x89PNG",
    None,
    {"a": 1},
    pd.DataFrame({"a": [np.zeros((4, 4))], "b": [np.zeros((4, 4))]}),
    pd.Series([], dtype=object),
]


@pytest.mark.parametrize("X", BAD_CONTAINERS, ids=lambda x: type(x).__name__)
@pytest.mark.parametrize("on_error", ["raise", "blank"])
def test_image_estimators_on_bad_containers(X, on_error):
    before = copy.deepcopy(X)
    for est in image_estimators(on_error):
        out, err = call(lambda est=est: est.fit_transform(X))
        if err is None:
            n = X.shape[0] if isinstance(X, np.ndarray) else len(X)
            if not isinstance(est, ImageReader):
                check_finite(out, n)
        if isinstance(X, np.ndarray):
            np.testing.assert_array_equal(before, X)


# ------------------------------------------------- NA markers x dtypes ---
def na_series(dtype, marker, values):
    """A Series of ``dtype`` holding ``values`` then ``marker``; None when
    pandas refuses the marker in that dtype (e.g. NaT in Int64)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.Series([*values, marker], dtype=dtype)
    except (TypeError, ValueError):
        return None


DTYPES = ["object", "string", "Int64", "Float64", "boolean", "category"]
SAMPLE_VALUES = {
    "object": ["red cat", "blue dog"],
    "string": ["red cat", "blue dog"],
    "category": ["red cat", "blue dog"],
    "Int64": [1, 2],
    "Float64": [1.5, 2.5],
    "boolean": [True, False],
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("marker", NA_MARKERS, ids=repr)
def test_text_estimators_na_markers_in_every_dtype(dtype, marker):
    s = na_series(dtype, marker, SAMPLE_VALUES[dtype])
    if s is None:
        pytest.skip(f"pandas refuses {marker!r} in {dtype}")
    before = copy.deepcopy(s)
    strings = dtype in ("object", "string", "category")
    for est in [TextCleaner(), TextSequencer(max_length=4), TextFeatures()]:
        out, err = call(lambda est=est: est.fit_transform(s))
        assert_unchanged(before, s)
        if strings:
            assert err is None, err
            if isinstance(est, TextCleaner):
                assert list(out) == ["red cat", "blue dog", ""]
            else:
                check_finite(out, 3)
        else:  # numbers/booleans are not texts: the first row is named
            assert err is not None and "row 0" in str(err), (est, out)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("marker", NA_MARKERS, ids=repr)
@pytest.mark.parametrize("missing", ["raise", "zero", "mean", "indicator"])
def test_fusion_na_markers_in_image_and_text_columns(dtype, marker, missing):
    rng = np.random.default_rng(0)
    texts = na_series(dtype, marker, SAMPLE_VALUES[dtype] * 2)
    if texts is None:
        pytest.skip(f"pandas refuses {marker!r} in {dtype}")
    images = [rng.integers(0, 256, (8, 8, 3), dtype=np.uint8) for _ in range(4)]
    image_col = pd.Series([*images, marker], dtype=object)
    X = pd.DataFrame({"image": image_col, "text": texts})
    y = np.array([0, 1, 0, 1, 0])
    before = copy.deepcopy(X)
    fusion = ModalityFusion(
        [
            ("image", PixelFeatures(size=(2, 2)), "image"),
            ("text", TextFeatures(), "text"),
        ],
        missing=missing,
    )
    out, err = call(lambda: fusion.fit_transform(X, y))
    assert_unchanged(before, X)
    strings = dtype in ("object", "string", "category")
    if missing == "raise" or not strings:
        assert err is not None
        assert re.search(r"row", str(err)), err
    else:
        assert err is None, err
        check_finite(out, 5)


# -------------------------------------------------------- text non-strings ---
def text_values():
    return st.one_of(
        st.text(max_size=12),
        st.sampled_from(NA_MARKERS),
        st.integers(),
        st.floats(),
        st.binary(max_size=5),
        st.lists(st.text(max_size=3), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.booleans(),
        st.just(np.str_("numpy text")),
        st.just(np.bytes_(b"numpy bytes")),
    )


def _is_text_ok(v):
    if isinstance(v, str):
        return True
    if isinstance(v, bytes):
        return False
    return (
        v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))
    )


@fuzz(60)
@given(
    values=st.lists(text_values(), min_size=1, max_size=5),
    kind=st.sampled_from(["list", "series", "array"]),
)
def test_text_estimators_on_non_strings(values, kind):
    X = as_container(values, kind)
    before = copy.deepcopy(X)
    bad = [i for i, v in enumerate(values) if not _is_text_ok(v)]
    ests = [
        TextCleaner(),
        TextSequencer(max_length=3, token_pattern=r"(?u)\b\w+\b"),
        TextFeatures(),
        TextFeatures("hashing", method_params={"n_features": 16}),
    ]
    for est in ests:
        out, err = call(lambda est=est: est.fit_transform(X))
        assert_unchanged(before, X)
        if bad:
            assert err is not None, (est, values)
            assert re.search(rf"row {bad[0]}\b", str(err)), err
        elif err is None:
            if isinstance(est, TextCleaner):
                assert len(out) == len(values)
                assert all(isinstance(t, str) for t in out)
            else:
                check_finite(out, len(values))
        else:  # only texts without any token may fail: an empty vocabulary
            assert "empty vocabulary" in str(err), err
            assert type(est).__name__ in str(err), err


def test_regression_text_features_empty_vocabulary_names_the_estimator():
    # scikit-learn's bare "empty vocabulary; perhaps the documents only
    # contain stop words" did not say which estimator (or modality) failed.
    with pytest.raises(ValueError, match=r"TextFeatures: empty vocabulary.*'tfidf'"):
        TextFeatures().fit([None, "", "a"])
    with pytest.raises(ValueError, match=r"TextFeatures: empty vocabulary"):
        TextFeatures().fit_transform([np.nan, "!"])


# ------------------------------------------------------ fusion composites ---
def _table(n=6, seed=0):
    rng = np.random.default_rng(seed)
    images = [rng.integers(0, 256, (8, 8, 3), dtype=np.uint8) for _ in range(n)]
    words = ["red cat", "blue dog", "green fish", "red dog", "blue cat", "big fish"]
    X = pd.DataFrame(
        {
            "image": pd.Series(images, dtype=object),
            "text": [words[i % len(words)] for i in range(n)],
        }
    )
    y = np.arange(n) % 2
    return X, y


def _fusion(method="concat", on_error="raise", **kw):
    return ModalityFusion(
        [
            ("image", PixelFeatures(size=(2, 2), on_error=on_error), "image"),
            ("text", TextFeatures(), "text"),
        ],
        method=method,
        **kw,
    )


def _late(on_error="raise", **kw):
    return LateFusionClassifier(
        [
            (
                "image",
                make_pipeline(
                    PixelFeatures(size=(2, 2), on_error=on_error), LogisticRegression()
                ),
                "image",
            ),
            ("text", make_pipeline(TextFeatures(), LogisticRegression()), "text"),
        ],
        **kw,
    )


def weight_values():
    return st.one_of(
        st.floats(0, 1e6),
        st.sampled_from([0.0, np.nan, np.inf, -np.inf, -1.0, -1e-9]),
    )


def _valid_weights(w):
    arr = np.asarray(w, dtype=float)
    return (
        len(arr) == 2
        and np.isfinite(arr).all()
        and (arr >= 0).all()
        and (arr.sum() > 0)
    )


@fuzz(25)
@given(
    w=st.one_of(
        st.lists(weight_values(), min_size=1, max_size=3),
        st.dictionaries(st.sampled_from(["image", "text", "sound"]), weight_values()),
    ),
    method=st.sampled_from(["concat", "mean", "sum", "product"]),
)
def test_fusion_weights(w, method):
    X, y = _table()
    valid = (
        _valid_weights([w.get("image", 1.0), w.get("text", 1.0)]) and "sound" not in w
        if isinstance(w, dict)
        else _valid_weights(w)
    )
    out, err = call(lambda: _fusion(method, weights=w).fit_transform(X, y))
    if valid:
        assert err is None, err
        check_finite(out, len(X))
    else:
        assert err is not None and "weights" in str(err), err
    proba, err = call(lambda: _late(weights=w).fit(X, y).predict_proba(X))
    if valid:
        assert err is None, err
        check_finite(proba, len(X), 2)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    else:
        assert err is not None and "weights" in str(err), err


def test_regression_late_fusion_huge_weights():
    # w / w.sum() overflowed to 0 for weights near the float maximum: every
    # probability was 0.
    X, y = _table()
    proba = _late(weights=[1e308, 1e308]).fit(X, y).predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    ref = _late().fit(X, y).predict_proba(X)
    np.testing.assert_allclose(proba, ref)


def test_regression_late_fusion_row_with_only_zero_weight_modalities():
    # A row whose present modalities all had weight 0 got probabilities
    # [0, 0] (and predict() silently returned the first class).
    X, y = _table()
    clf = _late(weights=[0, 1], missing="skip").fit(X, y)
    X_test = X.copy()
    X_test.loc[2, "text"] = None
    with pytest.raises(ValueError, match=r"weight 0 \(\['image'\]\).*row 2\b"):
        clf.predict_proba(X_test)
    X_test.loc[2, "text"] = "red cat"
    X_test.loc[3, "image"] = None  # the weighted modality is present: fine
    np.testing.assert_allclose(clf.predict_proba(X_test).sum(axis=1), 1.0)


def test_fusion_huge_weights_overflow():
    # weights whose product with the features overflows: a clear error, never
    # an inf in the fused matrix
    X, y = _table()
    with pytest.raises(ValueError, match="returned NaN or inf values"):
        _fusion("concat", weights=[1e308, 1e308]).fit_transform(X, y)


BAD_PARAMS = [
    ("method", st.text(max_size=8)),
    ("method", st.sampled_from([None, 3, 2.5, object(), ["concat"]])),
    ("missing", st.one_of(st.text(max_size=8), st.sampled_from([None, 0, True]))),
    ("weights", st.sampled_from(["auto", 3, "x", 1.5])),
]


@fuzz(20)
@given(data=st.data(), which=st.sampled_from(range(len(BAD_PARAMS))))
def test_fusion_bad_parameters(data, which):
    name, strategy = BAD_PARAMS[which]
    value = data.draw(strategy, label=name)
    X, y = _table()
    out, err = call(lambda: _fusion(**{name: value}).fit_transform(X, y))
    if err is None:  # a valid value after all (e.g. the text "mean")
        check_finite(out, len(X))
    else:
        assert name in str(err) or "fusion method" in str(err), err
    late_params = {"method": "voting", "missing": "missing", "weights": "weights"}
    late_name = late_params[name]
    late = _late(cv=2, **{late_name: value})  # "auto" weights: 3 per class
    out, err = call(lambda: late.fit(X, y).predict_proba(X))
    if err is None:
        check_finite(out, len(X), 2)
    else:
        assert late_name in str(err), err


@fuzz(20)
@given(
    n_x=st.integers(2, 8),
    n_y=st.integers(0, 10),
    which=st.sampled_from(["fusion", "late", "pipeline"]),
)
def test_mismatched_lengths_of_X_and_y(n_x, n_y, which):
    X, _ = _table(n_x)
    y = np.arange(n_y) % 2
    est = {
        "fusion": lambda: _fusion("mean"),
        "late": lambda: _late(),
        "pipeline": lambda: make_multimodal_pipeline(image_features="pixels"),
    }[which]()
    _, err = call(lambda: est.fit(X, y))
    if n_x != n_y:
        assert err is not None
        assert str(n_x) in str(err) and str(n_y) in str(err), err


@fuzz(40)
@given(
    data=st.data(),
    which=st.sampled_from(["fusion", "late", "pipeline"]),
    on_error=st.sampled_from(["raise", "blank"]),
)
def test_composites_on_generated_tables(data, which, on_error):
    n = data.draw(st.integers(4, 7), label="n")
    images = data.draw(
        st.lists(
            st.one_of(good_images(), good_images(), bad_items()),
            min_size=n,
            max_size=n,
        ),
        label="images",
    )
    texts = data.draw(
        st.lists(
            st.one_of(
                st.sampled_from(["red cat", "blue dog", "green fish", "big dog"]),
                st.sampled_from(["", *NA_MARKERS]),
                st.integers(),
            ),
            min_size=n,
            max_size=n,
        ),
        label="texts",
    )
    y = np.arange(n) % 2
    X = pd.DataFrame(
        {
            "image": pd.Series(images, dtype=object),
            "text": pd.Series(texts, dtype=object),
        }
    )
    before = copy.deepcopy(X)
    if which == "fusion":
        missing = data.draw(st.sampled_from(["raise", "zero", "mean", "indicator"]))
        est = _fusion("concat", on_error=on_error, missing=missing)
        out, err = call(lambda: est.fit_transform(X, y))
        if err is None:
            check_finite(out, n)
    elif which == "late":
        missing = data.draw(st.sampled_from(["raise", "skip"]))
        est = _late(on_error=on_error, missing=missing)
        out, err = call(lambda: est.fit(X, y).predict_proba(X))
        if err is None:
            check_finite(out, n, 2)
            np.testing.assert_allclose(out.sum(axis=1), 1.0)
    else:
        missing = data.draw(st.sampled_from(["raise", "zero", "mean", "indicator"]))
        est = make_multimodal_pipeline(
            image_features="pixels", method="concat", missing=missing
        )
        out, err = call(lambda: est.fit(X, y).predict_proba(X))
        if err is None:
            check_finite(out, n, 2)
    assert_unchanged(before, X)


# ----------------------------------------------------------------- CLI ---
def run_main(argv):
    """``(status, stdout, stderr)`` of ``skmultimodal.cli.main(argv)``."""
    from skmultimodal.cli import main

    out, err = io.StringIO(), io.StringIO()
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        warnings.simplefilter("ignore")
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def check_cli_result(status, stderr):
    assert status in (0, 1, 2), status
    if status != 0:
        lines = [line for line in stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("skmultimodal: error: ")]
        assert len(errors) == 1 and lines[-1] == errors[0], stderr
        others = [line for line in lines if line not in errors]
        assert all(line.startswith("skmultimodal: warning: ") for line in others), (
            stderr
        )


@st.composite
def csv_tables(draw, folder):
    """A small CSV (written under ``folder``): half of them clean (images
    that exist, texts, two classes), the others with images that are
    garbage or absent, missing cells, odd labels or a missing column."""
    clean = draw(st.booleans())
    n = draw(st.integers(4, 8) if clean else st.integers(1, 8))
    rng = np.random.default_rng(draw(st.integers(0, 1000)))
    words = ["red cat", "blue dog", "green fish", "big dog"]
    images, texts = [], []
    for i in range(n):
        kinds = ["png"] if clean else ["png", "png", "garbage", "absent", "empty"]
        choice = draw(st.sampled_from(kinds))
        if choice == "png":
            name = f"img{i}.png"
            cv2.imwrite(str(folder / name), rng.integers(0, 256, (12, 12, 3), np.uint8))
        elif choice == "garbage":
            name = f"img{i}.png"
            (folder / name).write_bytes(draw(st.binary(max_size=30)))
        elif choice == "absent":
            name = draw(st.sampled_from(["nope.png", "dir/x.jpg", "/abs/none.png"]))
        else:
            name = ""
        images.append(name)
        if clean:
            texts.append(draw(st.sampled_from(words)))
        else:
            texts.append(
                draw(
                    st.one_of(
                        st.sampled_from([*words, ""]),
                        st.text(alphabet="abc ,\"'\n", max_size=8),
                    )
                )
            )
    kinds = ["two"] if clean else ["two", "one", "text", "float", "empty"]
    label_kind = draw(st.sampled_from(kinds))
    labels = {
        "two": [i % 2 for i in range(n)],
        "one": ["only"] * n,
        "text": [draw(st.sampled_from(["a", "b", "c d"])) for _ in range(n)],
        "float": [i % 2 + 0.5 for i in range(n)],
        "empty": [("" if i == 0 else "a") for i in range(n)],
    }[label_kind]
    columns = {"image": images, "text": texts, "label": labels}
    if draw(st.booleans()):
        columns[draw(st.text(alphabet="xyz", min_size=1, max_size=3))] = [
            draw(st.integers()) for _ in range(n)
        ]
    if not clean and draw(st.integers(0, 3)) == 0:  # a column is missing
        columns.pop(draw(st.sampled_from(["image", "text", "label"])))
    path = folder / "data.csv"
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


@fuzz(10)
@given(data=st.data(), missing=st.sampled_from(["raise", "mean"]))
def test_cli_evaluate_on_generated_csv(data, missing):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv = data.draw(csv_tables(folder), label="csv")
        status, _, stderr = run_main(
            [
                "evaluate",
                "--csv",
                str(csv),
                "--quick",
                "--cv",
                "2",
                "--models",
                "image-only,text-only",
                "--no-progress",
                "--missing",
                missing,
                "--output",
                str(folder / "report"),
            ]
        )
        check_cli_result(status, stderr)


@fuzz(6)
@given(data=st.data())
def test_cli_train_predict_on_generated_csv(data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv = data.draw(csv_tables(folder), label="csv")
        model = folder / "model.joblib"
        status, _, stderr = run_main(
            ["train", "--csv", str(csv), "--method", "concat", "--output", str(model)]
        )
        check_cli_result(status, stderr)
        if status != 0:
            return
        status, stdout, stderr = run_main(
            ["predict", "--model", str(model), "--trust", "--csv", str(csv)]
        )
        check_cli_result(status, stderr)
        if status == 0:
            assert stdout.splitlines()[0].startswith("prediction")


@pytest.mark.parametrize("missing", ["raise", "mean"])
def test_cli_garbage_image_file(tmp_path, missing):
    rng = np.random.default_rng(0)
    rows = []
    for i in range(6):
        name = f"img{i}.png"
        cv2.imwrite(str(tmp_path / name), rng.integers(0, 256, (12, 12, 3), np.uint8))
        rows.append({"image": name, "text": "red cat", "label": i % 2})
    (tmp_path / "img0.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    pd.DataFrame(rows).to_csv(tmp_path / "data.csv", index=False)
    status, _, stderr = run_main(
        [
            "evaluate",
            "--csv",
            str(tmp_path / "data.csv"),
            "--quick",
            "--cv",
            "2",
            "--models",
            "image-only,text-only",
            "--no-progress",
            "--missing",
            missing,
            "--output",
            str(tmp_path / "report"),
        ]
    )
    check_cli_result(status, stderr)
    if missing == "raise":
        assert status != 0 and "img0.png" in stderr
