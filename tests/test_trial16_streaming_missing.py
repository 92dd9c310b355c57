"""Out-of-core training (skmultimodal.streaming): the tabular branch reads
its cells as the in-memory tabular branch does. A missing cell (None, NaN,
``pd.NA``, an empty or whitespace-only text) is missing, never a category:
categorical columns give it their most frequent category, numeric columns
their mean; a number written as text is that number. ``fit_out_of_core``,
the in-memory ``pipe.fit`` and ``make_multimodal_pipeline`` give the same
tabular features on the same rows, whatever the chunks."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skmultimodal import make_multimodal_pipeline
from skmultimodal.streaming import (
    csv_chunks,
    fit_out_of_core,
    make_out_of_core_pipeline,
)

TABULAR = {"numeric": ["price"], "categorical": ["brand"]}


def _table(brand, price=None):
    n = len(brand)
    if price is None:
        price = np.linspace(-1.0, 1.0, n)
    X = pd.DataFrame(
        {
            "brand": pd.Series(brand, dtype=object),
            "price": pd.Series(price, dtype=object if price.dtype == object else None),
        }
    )
    return X, np.arange(n) % 2


def _chunks(X, y, size):
    return [(X.iloc[i : i + size], y[i : i + size]) for i in range(0, len(y), size)]


def _tabular(model):
    """The fitted tabular branch (unwrapped from its FrozenEstimator)."""
    branch = model.named_steps["fusion"].named_transformers_["tabular"]
    return getattr(branch, "estimator", branch)


def _fits(X, y, size, tabular=TABULAR):
    """The tabular branches of fit_out_of_core, the in-memory pipe.fit and
    make_multimodal_pipeline on the same rows."""
    pipe = make_out_of_core_pipeline(
        image=None, text=None, tabular=tabular, missing="mean", epochs=1
    )
    memory = make_multimodal_pipeline(
        image=None, text=None, tabular=tabular, method="concat", missing="mean"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SGD's convergence after 1 epoch
        fitted = (
            fit_out_of_core(pipe, _chunks(X, y, size)),
            pipe.fit(X, y),
            memory.fit(X, y),
        )
    return [_tabular(m) for m in fitted]


def _assert_same(X, y, size, tabular=TABULAR):
    ooc, memory, builder = _fits(X, y, size, tabular)
    names = list(ooc.get_feature_names_out())
    assert names == list(memory.get_feature_names_out())
    assert names == list(builder.get_feature_names_out())
    # out of core and in memory: the same statistics, the same features
    np.testing.assert_allclose(_dense(ooc, X), _dense(memory, X), atol=1e-12)
    return names


def _dense(branch, X):
    Z = branch.transform(X[branch.feature_names_in_])
    return np.asarray(Z.todense() if hasattr(Z, "todense") else Z)


@pytest.mark.parametrize("size", [2, 5, 12])
@pytest.mark.parametrize(
    "gone",
    [
        ["", "  ", "\t"],
        [None, np.nan, None],
        [None, pd.NA, np.nan],
        [pd.NA, pd.NA, pd.NA],
    ],
    ids=["blank", "None+NaN", "None+NA+NaN", "NA"],
)
def test_missing_categorical_cells_are_no_category(gone, size):
    brand = ["acme", "bolt", "cora", "acme"] * 3
    brand[1], brand[5], brand[8] = gone
    X, y = _table(brand)
    names = _assert_same(X, y, size)
    assert names == ["price", "brand_acme", "brand_bolt", "brand_cora"]


def test_a_missing_categorical_cell_takes_the_most_frequent_category():
    # "bolt" in 3 rows, "acme" in 2: the missing cells become "bolt"
    X, y = _table(["acme", "", "bolt", "bolt", "  ", "acme", "bolt", None])
    ooc, memory, _ = _fits(X, y, 3)
    Z = _dense(ooc, X)
    np.testing.assert_allclose(Z, _dense(memory, X))
    bolt = list(ooc.get_feature_names_out()).index("brand_bolt")
    assert Z[[1, 4, 7], bolt].tolist() == [1.0, 1.0, 1.0]


def test_a_column_missing_in_every_row_is_one_category_as_in_memory():
    X, y = _table(["", None, "  ", np.nan, pd.NA, ""])
    assert _assert_same(X, y, 4) == ["price", "brand_0"]


@pytest.mark.parametrize("size", [3, 4, 12])
@pytest.mark.parametrize(
    "brand",
    [
        # the first chunk(s) all numbers, texts later
        [3, 4.0, 3.0, 4, "3", "x", "007", "7", " 4 ", "x", "", None],
        # texts first, then a chunk all numbers
        ["x", "007", "7", 4.0, 3, 3.0, 4, 7.0, "3", "", None, " 4 "],
    ],
    ids=["numbers-first", "texts-first"],
)
def test_numbers_written_as_text_are_the_categories_of_the_in_memory_fit(brand, size):
    # each category spelt as first met, whatever the chunks
    X, y = _table(brand)
    names = _assert_same(X, y, size)
    assert names == [
        "price",
        "brand_ 4 ",  # a text as written
        "brand_007",
        "brand_3",
        "brand_4.0",  # 4.0 met first, 4 the same number
        "brand_7",
        "brand_x",
    ]


def test_numeric_cells_empty_or_written_as_text_are_read_as_in_memory():
    price = np.array(
        [1.5, "2.5", "", "  ", None, "-1e1", 3, pd.NA, "4", 0.5], dtype=object
    )
    X, y = _table(["acme", "bolt"] * 5, price)
    ooc, memory, _ = _fits(X, y, 3)
    a = ooc.named_transformers_["numeric"]
    a = getattr(a, "estimator", a)["scale"]
    b = memory.named_transformers_["numeric"]["scale"]
    assert a.n_samples_seen_ == b.n_samples_seen_ == 6
    np.testing.assert_allclose(a.mean_, b.mean_)
    np.testing.assert_allclose(a.var_, b.var_)
    _assert_same(X, y, 3)


def test_a_bad_numeric_cell_names_its_row_and_index():
    price = np.array([1.0, 2.0, 3.0, 4.0, 5.0, "", "cheap", 8.0], dtype=object)
    X, y = _table(["acme", "bolt"] * 4, price)
    X.index = X.index + 100
    pipe = make_out_of_core_pipeline(image=None, text=None, tabular=TABULAR)
    with pytest.raises(ValueError) as raised:
        fit_out_of_core(pipe, _chunks(X, y, 4))
    assert str(raised.value).startswith(
        "chunk 1 of the statistics pass: numeric table column 'price' holds 1 "
        "cell(s) that are not numbers, the first on row 2 (index 106): 'cheap'"
    )


def test_csv_chunks_whitespace_only_cells_are_missing(tmp_path):
    csv = tmp_path / "table.csv"
    pd.DataFrame(
        {
            "brand": ["acme", "  ", "bolt", "", "acme", "bolt", "acme", " "],
            "price": ["1", "", "3", "4", "5", "6", "", "8"],
            "label": ["a", "b"] * 4,
        }
    ).to_csv(csv, index=False)
    chunks = csv_chunks(
        csv,
        chunk_size=3,
        image_column=None,
        text_column=None,
        tabular_columns=["brand", "price"],
        categorical_columns=["brand"],
        missing="mean",
    )
    pipe = make_out_of_core_pipeline(
        image=None, text=None, tabular=TABULAR, missing="mean", epochs=1
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit_out_of_core(pipe, chunks)
    names = list(_tabular(model).get_feature_names_out())
    assert names == ["price", "brand_acme", "brand_bolt"]
    X = pd.concat([X for X, _ in chunks()])
    y = np.concatenate([np.asarray(y) for _, y in chunks()])
    assert _assert_same(X, y, 3) == names
