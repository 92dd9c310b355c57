"""Missing-marker trial 16: an empty or whitespace-only string cell is
missing whatever its column's dtype (NumPy str/bytes arrays, Arrow strings
in the tabular branch), as ``is_missing`` says."""

import numpy as np
import pandas as pd
import pytest

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion._columns import missing_mask
from skmultimodal.pipeline import _TableCells
from skmultimodal.utils import is_missing

pa = pytest.importorskip("pyarrow")

TEXTS = ["a", "", "  ", "\t", " \n ", "\u3000", "\x1c", " a ", "a b"]


# -- 1. NumPy str and bytes arrays ------------------------------------------------
@pytest.mark.parametrize("kind", ["U", "S", "O"])
def test_a_numpy_array_cell_is_missing_as_is_missing_says(kind):
    # a whitespace-only str/bytes was not missing in a U or S array
    values = TEXTS if kind != "S" else [t.encode() for t in TEXTS if t.isascii()]
    cells = np.array(values, dtype=kind)
    expected = [is_missing(v) for v in values]
    assert expected.count(True) >= 3
    assert missing_mask(cells).tolist() == expected
    # 2-D: a row is missing when each of its cells is
    rows = np.stack([cells, np.array(values[:1] * len(values), dtype=kind)], 1)
    assert missing_mask(rows).tolist() == [False] * len(values)
    assert missing_mask(np.stack([cells, cells], 1)).tolist() == expected


def test_a_whitespace_text_in_a_numpy_str_array_is_missing_end_to_end():
    # the str array fitted without error where the object one refused row 1
    X = np.array([["red ball"], ["   "], ["red ring"], ["blue bin"]] * 3)
    y = [0, 1, 0, 1] * 3
    for cells in (X, X.astype(object)):
        pipe = make_multimodal_pipeline(image=None, text=0, missing="raise")
        with pytest.raises(ValueError, match=r"'text' is missing .* in rows 1, 5"):
            pipe.fit(cells, y)


# -- 2. every string dtype of a table column ------------------------------------
STRING_DTYPES = [
    object,
    "string",
    "string[pyarrow]",
    "str",
    "category",
    pd.ArrowDtype(pa.string()),
    pd.ArrowDtype(pa.large_string()),
    pd.ArrowDtype(pa.dictionary(pa.int32(), pa.string())),
]
BRANDS = ["acme", "", "  ", None, "\t", "bolt", "acme", "cora"]


@pytest.mark.parametrize("dtype", STRING_DTYPES, ids=str)
def test_an_empty_table_cell_is_missing_whatever_the_string_dtype(dtype):
    # "" and "  " of an Arrow string column were categories of their own
    cells = pd.Series(BRANDS).astype(dtype)
    expected = [is_missing(v) for v in BRANDS]
    assert _TableCells._missing(cells).tolist() == expected
    assert missing_mask(cells).tolist() == expected  # the fusion's rule
    got = _TableCells("categorical").fit_transform(cells.to_frame("brand")).ravel()
    assert pd.isna(got).tolist() == expected
    assert set(got[~pd.isna(got)]) == {"acme", "bolt", "cora"}


def test_an_empty_arrow_text_in_a_numeric_table_column_is_missing():
    # was refused as a cell that is not a number
    cells = pd.Series(["1", "", "  ", "2.5"], dtype=pd.ArrowDtype(pa.string()))
    got = _TableCells("numeric").fit_transform(cells.to_frame("price")).ravel()
    np.testing.assert_array_equal(got, [1.0, np.nan, np.nan, 2.5])


def test_an_arrow_string_column_gives_the_categories_of_an_object_one():
    # a price in every row: the rows reach the table's cells, not the fusion's
    # missing-modality policy
    brand = pd.Series(["acme", "bolt", "", "  "] * 6)
    X = pd.DataFrame({"brand": brand, "price": np.arange(24.0)})
    y = np.array([0, 1, 0, 1] * 6)
    names = []
    for dtype in (object, pd.ArrowDtype(pa.string())):
        pipe = make_multimodal_pipeline(
            image=None, text=None, tabular=["brand", "price"], method="concat"
        ).fit(X.astype({"brand": dtype}), y)
        tabular = pipe["fusion"].named_transformers_["tabular"]
        names.append(list(tabular.get_feature_names_out()))
    assert names[0] == names[1]
    assert [n for n in names[1] if "brand" in n] == ["brand_acme", "brand_bolt"]
