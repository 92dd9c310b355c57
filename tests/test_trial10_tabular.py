"""Tabular trial: cells holding sequences, the same categories whatever the
dtype (codes as numbers or text, dates, bools), Arrow decimals as numbers,
complex numbers refused, and NumPy string column labels."""

import decimal
import warnings

import numpy as np
import pandas as pd
import pytest

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.pipeline import _TableCells, _tabular_selectors


@pytest.fixture(scope="module")
def data():
    X, y = make_multimodal_classification(n_samples=60, random_state=0)
    X["price"] = np.arange(60.0)
    return X, np.asarray(y)


def _table(tabular, X, y):
    """A pipeline of the tabular branch only, fitted."""
    return make_multimodal_pipeline(
        image=None, text=None, tabular=tabular, method="concat", random_state=0
    ).fit(X, y)


def _names(pipe, prefix):
    return [n for n in pipe[0].get_feature_names_out() if n.startswith(prefix)]


# -- 1. cells holding lists, tuples or arrays -----------------------------------
@pytest.mark.parametrize(
    "cell", [(1, 2), [1, 2], np.array([1, 2])], ids=["tuple", "list", "array"]
)
def test_cells_holding_equal_length_sequences_are_text(data, cell):
    X, y = data
    X = X.assign(size=pd.Series([cell] * len(X), dtype=object))
    pipe = _table(["size", "price"], X, y)
    # an array is the text of its list, as an Arrow list cell is
    text = str(cell.tolist()) if isinstance(cell, np.ndarray) else str(cell)
    assert _names(pipe, "size") == [f"size_{text}"]
    assert pipe.predict(X).shape == (len(X),)
    out = _TableCells("categorical").fit_transform(X[["size"]])
    assert out.shape == (len(X), 1) and out[1, 0] == text
    # as a numeric column: refused naming its column and first row
    with pytest.raises(ValueError, match="'size' holds 60 cell.s. that are not num"):
        _table({"numeric": ["size"]}, X, y)


# -- 2. category codes as numbers or as text ------------------------------------
def test_number_codes_given_as_text_are_the_same_categories(data):
    X, y = data
    X = X.assign(store=y)  # int codes, tied to the class
    pipe = _table({"numeric": ["price"], "categorical": ["store"]}, X, y)
    base = pipe.predict_proba(X)
    for codes in [X["store"].astype(str), X["store"].astype(float), X["store"]]:
        new = X.assign(store=codes)
        np.testing.assert_allclose(pipe.predict_proba(new), base)
    new = X.assign(store=X["store"].map(lambda c: f" {c}.0"))
    np.testing.assert_allclose(pipe.predict_proba(new), base)


def test_text_codes_given_as_numbers_are_the_same_categories(data):
    X, y = data
    codes = pd.Series(y.astype(str), dtype=object).where(np.arange(len(y)) % 9 > 0)
    X = X.assign(store=codes.fillna("none"))
    pipe = _table({"numeric": ["price"], "categorical": ["store"]}, X, y)
    assert _names(pipe, "store") == ["store_0", "store_1", "store_2", "store_none"]
    base = pipe.predict_proba(X)
    floats = X["store"].map(lambda c: c if c == "none" else float(c))
    for store in [floats, X["store"].astype("string")]:
        np.testing.assert_allclose(pipe.predict_proba(X.assign(store=store)), base)


# -- 3. dates and bools: one category whatever the dtype --------------------------
def test_dates_are_one_category_whatever_the_dtype(data):
    X, y = data
    days = np.array(["2024-01-02", "2024-02-03", "2024-03-04T10:30"])
    X = X.assign(day=pd.to_datetime(days[y], format="ISO8601"))  # datetime64
    pipe = _table({"numeric": ["price"], "categorical": ["day"]}, X, y)
    names = ["day_2024-01-02", "day_2024-02-03", "day_2024-03-04 10:30:00"]
    assert _names(pipe, "day") == names
    base = pipe.predict_proba(X)
    for dtype in ["timestamp[ns][pyarrow]", object, "datetime64[s]"]:
        new = X.assign(day=X["day"].astype(dtype))
        np.testing.assert_allclose(pipe.predict_proba(new), base)
    new = X.assign(day=[d.to_pydatetime() for d in X["day"]])
    np.testing.assert_allclose(pipe.predict_proba(new), base)


def test_bools_are_one_category_whatever_the_dtype(data):
    X, y = data
    X = X.assign(gift=pd.Series(y == 1, dtype=object))  # Python bools
    pipe = _table({"numeric": ["price"], "categorical": ["gift"]}, X, y)
    assert _names(pipe, "gift") == ["gift_False", "gift_True"]
    base = pipe.predict_proba(X)
    for dtype in [bool, "boolean", "bool[pyarrow]"]:
        new = X.assign(gift=X["gift"].astype(dtype))
        np.testing.assert_allclose(pipe.predict_proba(new), base)
    # and the other way round, fitted on a bool column
    pipe = _table(
        {"numeric": ["price"], "categorical": ["gift"]}, X.astype({"gift": bool}), y
    )
    np.testing.assert_allclose(pipe.predict_proba(X), base)


# -- 4. Arrow decimals are numbers ----------------------------------------------
def _decimals(n):
    import pyarrow as pa

    values = [decimal.Decimal(i) / 4 for i in range(n)]
    return pd.Series(values, dtype=pd.ArrowDtype(pa.decimal128(10, 2)))


def test_arrow_decimal_columns_are_numeric(data):
    pytest.importorskip("pyarrow")
    X, y = data
    X = X.assign(cost=_decimals(len(X)))
    pipe = _table(["cost", "price"], X, y)
    assert _names(pipe, "cost") == ["cost"]  # one scaled column, not one-hot
    numeric, _ = _tabular_selectors(["cost", "price"])
    assert numeric(X) == ["price", "cost"]
    X.loc[3, "cost"] = None  # a missing decimal, imputed
    for tabular in [["cost", "price"], {"numeric": ["cost", "price"]}]:
        pipe = _table(tabular, X, y)
        assert np.isfinite(pipe.predict_proba(X)).all()
    cells = _TableCells("numeric").fit_transform(X[["cost"]])
    assert np.isnan(cells[3, 0]) and cells[5, 0] == 1.25


# -- 5. complex numbers -----------------------------------------------------------
def test_a_complex_column_is_refused_naming_it(data):
    X, y = data
    X = X.assign(z=np.arange(len(X)) + 1j * np.arange(len(X))[::-1])
    message = r"numeric table column 'z' holds 60 cell\(s\) that are complex numbers"
    for tabular in [["z", "price"], {"numeric": ["z"]}]:
        with pytest.raises(ValueError, match=message):
            _table(tabular, X, y)
    mixed = X.assign(z=pd.Series([1.0, 2 + 1j, "a"] * 20, dtype=object))
    with pytest.raises(ValueError, match=r"'z' holds 20 cell\(s\) that are complex"):
        _table({"numeric": ["z"]}, mixed, y)


# -- 6. NumPy string column labels ------------------------------------------------
def test_numpy_string_keys_reach_the_column_transformer_as_str(data):
    X, y = data
    tabular = {"numeric": [np.str_("price")], "categorical": [np.str_("brand")]}
    numeric, categorical = _tabular_selectors(tabular)
    assert [type(c) for c in numeric + categorical] == [str, str]
    X = X.assign(brand=np.array(["a", "b", "c"])[y])
    X.columns = pd.Index([np.str_(c) for c in X.columns], dtype=object)
    numeric, categorical = _tabular_selectors(["price", "brand"])
    table = X[["price", "brand"]]
    assert [type(c) for c in numeric(table) + categorical(table)] == [str, str]
    pipe = make_multimodal_pipeline(
        image=None, text=None, tabular=["price", "brand"], method="concat"
    )
    with warnings.catch_warnings():
        # e.g. "the feature names of branch 'tabular' could not be computed"
        warnings.simplefilter("error", UserWarning)
        pipe.fit(X, y)
    assert pipe.score(X, y) > 0.9
