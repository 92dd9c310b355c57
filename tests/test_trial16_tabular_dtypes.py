"""Tabular trial 16: durations and date-times as seconds whatever their unit,
float32 categories as their shortest text, list cells one text whatever
their container."""

import numpy as np
import pandas as pd
import pytest

from skmultimodal import make_multimodal_pipeline
from skmultimodal.pipeline import _TableCells

pa = pytest.importorskip("pyarrow")

Y = np.array([0, 1, 2, 3] * 6)


def _table(tabular, X):
    """A pipeline of the tabular branch only, fitted on X and Y."""
    return make_multimodal_pipeline(
        image=None, text=None, tabular=tabular, method="concat", random_state=0
    ).fit(X, Y)


def _numbers(column):
    return _TableCells("numeric").fit_transform(column.to_frame("z")).ravel()


# -- 1. and 5. durations, and date-times declared numeric -----------------------
DURATION_UNITS = ["timedelta64[s]", "timedelta64[ms]", "timedelta64[us]"] + [
    pd.ArrowDtype(pa.duration(u)) for u in ("s", "ms", "us", "ns")
]


@pytest.mark.parametrize("dtype", DURATION_UNITS, ids=str)
def test_a_duration_is_seconds_whatever_its_unit(dtype):
    # was its count in the storage unit; Arrow duration[s/ms/us] was refused
    seconds = [3.0, 3600.0, np.nan, -2.0]
    if "[s]" not in str(dtype):
        seconds[0] = 0.25
    cells = pd.Series(pd.to_timedelta(seconds, unit="s")).astype(dtype)
    np.testing.assert_array_equal(_numbers(cells), seconds)


def test_durations_fitted_in_one_unit_predict_alike_in_another():
    codes = np.array([1, 5, 9, 20])[Y] * 3600 + np.arange(len(Y))
    age = pd.Series(pd.to_timedelta(codes, unit="s"))
    fitted = pd.DataFrame({"age": age.astype("timedelta64[s]")})
    pipe = _table(["age"], fitted)  # a duration is numeric in the list form
    base = pipe.predict_proba(fitted)
    assert (pipe.predict(fitted) == Y).all()
    for dtype in ["timedelta64[us]", pd.ArrowDtype(pa.duration("ms"))]:
        other = pd.DataFrame({"age": age.astype(dtype)})
        np.testing.assert_allclose(pipe.predict_proba(other), base)


@pytest.mark.parametrize(
    "dtype",
    ["datetime64[s]", "datetime64[ms]", "datetime64[ns]"]
    + [pd.ArrowDtype(pa.timestamp(u)) for u in ("s", "us")],
    ids=str,
)
def test_a_datetime_declared_numeric_is_seconds_since_the_epoch(dtype):
    when = pd.Series(
        pd.to_datetime(["1970-01-02 00:00:00", None, "2024-01-01 00:00:01"])
    )
    expected = [86400.0, np.nan, 1704067201.0]
    np.testing.assert_array_equal(_numbers(when.astype(dtype)), expected)


def test_a_zoned_datetime_or_a_date_declared_numeric_is_its_utc_seconds():
    paris = pd.Series([pd.Timestamp("1970-01-01 01:00", tz="Europe/Paris"), None])
    tokyo = paris.astype(pd.ArrowDtype(pa.timestamp("s", "Asia/Tokyo")))
    for cells in [paris, paris.astype("datetime64[s, UTC]"), tokyo]:
        np.testing.assert_array_equal(_numbers(cells), [0.0, np.nan])
    day = pd.Series([pd.Timestamp("1970-01-02").date(), None])
    for dtype in [pa.date32(), pa.date64()]:
        got = _numbers(day.astype(pd.ArrowDtype(dtype)))
        np.testing.assert_array_equal(got, [86400.0, np.nan])


def test_datetimes_fitted_in_one_unit_predict_alike_in_another():
    days = np.array([1, 50, 100, 200])[Y] + np.arange(len(Y)) % 3
    when = pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"))
    fitted = pd.DataFrame({"when": when.astype("datetime64[s]")})
    pipe = _table({"numeric": ["when"]}, fitted)
    base = pipe.predict_proba(fitted)
    assert (pipe.predict(fitted) == Y).all()
    for other in [when.astype("datetime64[ns]"), when.dt.tz_localize("UTC")]:
        np.testing.assert_allclose(pipe.predict_proba(other.to_frame("when")), base)


# -- 2. float32 categories ---------------------------------------------------------
FLOAT32 = ["float32", "Float32", pd.ArrowDtype(pa.float32()), "float16"]


@pytest.mark.parametrize("dtype", FLOAT32, ids=str)
def test_a_float32_category_is_its_shortest_text(dtype):
    rate = pd.Series(np.array([0.1, 0.2, 0.7, 1.3])[Y])
    fitted = pd.DataFrame({"rate": rate})
    other = pd.DataFrame({"rate": rate.astype(dtype)})
    # fitted on float64, predicted on float32: the same categories
    pipe = _table({"categorical": ["rate"]}, fitted)
    np.testing.assert_allclose(pipe.predict_proba(other), pipe.predict_proba(fitted))
    # fitted on float32: named as the float64 numbers are
    names = _table({"categorical": ["rate"]}, other)[0].get_feature_names_out()
    assert list(names) == ["rate_0.1", "rate_0.2", "rate_0.7", "rate_1.3"]


def test_float32_cells_in_an_object_column_are_their_shortest_text():
    texts = pd.DataFrame({"rate": [0.1, "a", 0.7]}, dtype=object)
    fitted = _TableCells("categorical").fit(texts)
    cells = pd.DataFrame(
        {"rate": [np.float32(0.1), "a", np.float16(0.7)]}, dtype=object
    )
    assert list(fitted.transform(cells).ravel()) == ["0.1", "a", "0.7"]
    # a column all numbers keeps them: float32 0.1 is the float64 0.1
    numbers = pd.DataFrame({"rate": [np.float32(0.1), np.float32(2.0)]}, dtype=object)
    assert list(_TableCells("categorical").fit_transform(numbers).ravel()) == [0.1, 2]


def test_a_float32_categorical_dtype_is_its_shortest_text():
    cells = pd.Series([0.1, 0.7], dtype="float32").astype("category")
    got = _TableCells("categorical").fit_transform(cells.to_frame("rate")).ravel()
    assert list(got) == [0.1, 0.7]


# -- 6. cells holding lists ----------------------------------------------------------
def test_a_list_cell_is_one_text_whatever_its_container():
    tags = [[1, 2], [3], [4, 5], [6]]
    listed = pd.Series([tags[c] for c in Y], dtype=object)
    arrow = listed.astype(pd.ArrowDtype(pa.list_(pa.int64())))
    pipe = _table({"categorical": ["tags"]}, listed.to_frame("tags"))
    names = ["tags_[1, 2]", "tags_[3]", "tags_[4, 5]", "tags_[6]"]
    assert list(pipe[0].get_feature_names_out()) == names
    assert (pipe.predict(arrow.to_frame("tags")) == Y).all()
    fitted = _table({"categorical": ["tags"]}, arrow.to_frame("tags"))
    assert list(fitted[0].get_feature_names_out()) == names


def test_nested_arrow_lists_and_structs_are_list_text():
    nested = pd.Series(
        [[[1, 2], [3]], None], dtype=pd.ArrowDtype(pa.list_(pa.list_(pa.int64())))
    )
    struct = pd.Series(
        [{"a": 1, "b": [1, 2]}],
        dtype=pd.ArrowDtype(
            pa.struct([("a", pa.int64()), ("b", pa.list_(pa.int64()))])
        ),
    )
    cells = _TableCells("categorical")
    assert cells.fit_transform(nested.to_frame("t"))[0, 0] == "[[1, 2], [3]]"
    assert cells.fit_transform(struct.to_frame("t"))[0, 0] == "{'a': 1, 'b': [1, 2]}"
    array = pd.Series([np.array([1, 2])], dtype=object)
    assert cells.fit_transform(array.to_frame("t"))[0, 0] == "[1, 2]"
