"""ModalityFusion next to ColumnTransformer: the block layout of DataFrame
output through copies and row selections, polars output whose names would
read as another layout, column specs resolved at fit (selectors and
callables) at transform, the output names of equivalent specs, an empty
selection, ``FusedArray.dot`` and blank bytes."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import (
    BlockLayout,
    LateFusionClassifier,
    ModalityFusion,
    get_block_layout,
)
from skmultimodal.fusion._columns import missing_mask
from tests.fusion.test_modality_fusion import _data


def _table(n=30, seed=0):
    """The table of ``test_modality_fusion`` (numbers ``a`` and ``b``, a
    ``text``) with a third number, ``c``."""
    X, y = _data(n, seed)
    c = np.random.RandomState(seed).randint(0, 3, size=n).astype(float)
    return X.assign(c=c), y


def _fusion(spec=("a", "b"), **kwargs):
    spec = list(spec) if isinstance(spec, tuple) else spec
    return ModalityFusion(
        [("num", StandardScaler(), spec), ("text", TfidfVectorizer(), "text")],
        method="concat",
        **kwargs,
    )


def _dense(Z):
    return Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z)


def _blocks(layout):
    return [(b.name, b.start, b.stop) for b in layout]


@pytest.mark.parametrize("columns", [["a", "b"], ["price__usd", "weight__kg"]])
def test_pandas_output_keeps_its_layout_through_copies_and_row_selections(columns):
    X, y = _table()
    X = X.rename(columns=dict(zip(["a", "b"], columns)))
    fusion = _fusion(tuple(columns)).set_output(transform="pandas").fit(X, y)
    Z = fusion.transform(X)
    expected = _blocks(fusion.block_layout_)
    assert expected[0] == ("num", 0, 2)
    for derived in (Z, Z.copy(), Z.iloc[:5], Z.iloc[::-1], pd.concat([Z, Z])):
        assert _blocks(get_block_layout(derived)) == expected
    # another set of columns: the layout kept no longer applies (names read)
    subset = Z[list(Z.columns[2:])]
    assert _blocks(get_block_layout(subset)) == [("text", 0, Z.shape[1] - 2)]


def test_polars_output_warns_when_its_names_read_as_another_layout():
    pl = pytest.importorskip("polars")
    X, y = _table()
    plain = _fusion().set_output(transform="polars").fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Z = plain.transform(X)  # own names without "__": one block "X", no warning
    assert isinstance(Z, pl.DataFrame) and get_block_layout(Z) is None
    X2 = X.rename(columns={"a": "price__usd", "b": "weight__kg"})
    fusion = _fusion(("price__usd", "weight__kg")).set_output(transform="polars")
    with pytest.warns(UserWarning, match="polars output keeps no block layout") as rec:
        fusion.fit(X2, y)
    message = str(rec[0].message)
    assert "BlockLayout(price[0:1], weight[1:2]" in message
    assert "BlockLayout(num[0:2]" in message and "transform='pandas'" in message


@pytest.mark.parametrize(
    "spec",
    [make_column_selector(dtype_include="number"), lambda X: ["a", "b", "c"]],
    ids=["selector", "callable"],
)
def test_a_spec_resolved_at_fit_takes_extra_and_reordered_columns(spec):
    """As with a list of names, and as in ColumnTransformer: the names the
    spec chose in fit are found by name."""
    X, y = _table()
    extra = X.assign(row_id=np.arange(len(X)))
    reordered = X[["c", "b", "a", "text"]]
    fusion = _fusion(spec).fit(X, y)
    reference = ColumnTransformer(
        [("num", StandardScaler(), spec), ("text", TfidfVectorizer(), "text")]
    ).fit(X, y)
    for other in (extra, reordered):
        np.testing.assert_allclose(
            _dense(fusion.transform(other)), _dense(fusion.transform(X))
        )
        assert reference.transform(other).shape == reference.transform(X).shape
    late = LateFusionClassifier(
        [
            ("num", make_pipeline(StandardScaler(), LogisticRegression()), spec),
            ("text", make_pipeline(TfidfVectorizer(), LogisticRegression()), "text"),
        ]
    ).fit(X, y)
    for other in (extra, reordered):
        np.testing.assert_allclose(late.predict_proba(other), late.predict_proba(X))


def test_positions_still_need_the_columns_seen_in_fit():
    X, y = _table()
    fusion = _fusion([0, 1]).fit(X, y)
    with pytest.raises(ValueError, match="feature names"):
        fusion.transform(X[["c", "b", "a", "text"]])


@pytest.mark.parametrize(
    "spec",
    [
        ("a", "b"),
        np.array(["a", "b"]),
        pd.Index(["a", "b"]),
        slice("a", "b"),
        lambda X: np.array(["a", "b"]),
        [0, 1],
        [True, True, False, False],
    ],
    ids=["list", "array", "index", "slice", "callable", "positions", "mask"],
)
def test_equivalent_specs_give_the_same_output_names(spec):
    X, y = _table()
    names = _fusion(spec).fit(X, y).get_feature_names_out()
    assert list(names[:2]) == ["a", "b"]
    assert all(n.startswith("text__") for n in names[2:])


@pytest.mark.parametrize(
    "spec",
    [
        [],
        make_column_selector(dtype_include="datetime"),
        lambda X: [],
        np.zeros(4, dtype=bool),
    ],
    ids=["empty list", "selector", "callable", "mask"],
)
@pytest.mark.parametrize("method", ["concat", "stack"])
def test_a_spec_that_selects_no_column_is_refused_by_name(spec, method):
    X, y = _table()
    fusion = ModalityFusion(
        [("num", StandardScaler(), spec), ("text", TfidfVectorizer(), "text")],
        method=method,
    )
    with pytest.raises(ValueError, match="modality 'num' selects no column of X"):
        fusion.fit(X, y)


def test_fused_array_dot_drops_the_layout():
    X, y = _table()
    Z = ModalityFusion(
        [("n", StandardScaler(), ["a", "b"]), ("m", StandardScaler(), ["c"])],
        method="concat",
    ).fit_transform(X, y)
    assert isinstance(get_block_layout(Z), BlockLayout)
    P = np.eye(Z.shape[1])[::-1]  # a permutation of the columns
    for product in (Z.dot(P), Z @ P, np.dot(Z, P)):
        assert get_block_layout(product) is None
    out = np.empty(Z.shape)
    assert get_block_layout(Z.dot(P, out)) is None
    assert get_block_layout(Z[:3]) is not None  # rows: kept


def test_blank_bytes_are_missing_as_blank_strings_are():
    texts = ["", " ", "\u200b", "\ufeff", " \u200b ", "word", "\u200bword"]
    as_str = missing_mask(pd.Series(texts, dtype=object))
    as_bytes = missing_mask(pd.Series([t.encode() for t in texts], dtype=object))
    expected = [True, True, True, True, True, False, False]
    assert as_str.tolist() == expected and as_bytes.tolist() == expected
    latin1 = missing_mask(pd.Series([b"\xff", b"\xe2\x80"], dtype=object))
    assert latin1.tolist() == [False, False]  # not UTF-8: shown bytes


@pytest.mark.parametrize(
    "weights", [[3.0, 1.0, 2.0], {"n": 3.0, "m": 1.0, "t": 2.0}], ids=["list", "dict"]
)
def test_a_method_instances_weights_count_drop_branches_as_weights_does(weights):
    from skmultimodal.fusion.methods import SumFusion

    X, y = _table(48)
    branches = [
        ("n", StandardScaler(), ["a"]),
        ("m", "drop", ["b"]),
        ("t", TfidfVectorizer(), "text"),
    ]
    on_fusion = ModalityFusion(branches, method="sum", weights=weights, random_state=0)
    on_method = ModalityFusion(
        branches, method=SumFusion(weights=weights), random_state=0
    )
    np.testing.assert_allclose(
        on_method.fit_transform(X, y), on_fusion.fit_transform(X, y)
    )
    assert on_method.method_.weights == [3.0, 2.0]
    assert on_method.method.weights == weights  # the given instance untouched
    kept_only = ModalityFusion(branches, method=SumFusion(weights=[3.0, 2.0]))
    np.testing.assert_allclose(
        kept_only.set_params(random_state=0).fit_transform(X, y),
        on_fusion.fit_transform(X, y),
    )
