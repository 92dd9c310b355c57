"""Two findings of a scikit-learn integration trial: the builder gives an
estimator that takes no sparse input (its tags) a dense fused matrix, so
``method="concat"`` with ``HistGradientBoostingClassifier`` fits (it failed
inside scikit-learn's input check); and a whole-array reduction of a
``FusedArray`` is a NumPy scalar, as an ndarray's, not a 0-d FusedArray
(which JSON and dict keys refuse)."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion import BlockLayout, FusedArray, get_block_layout


def test_a_dense_only_estimator_gets_a_dense_fused_matrix():
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1], 30)
    X = pd.DataFrame(
        {
            "image": [
                (rng.randint(0, 80, (8, 8, 3)) + 150 * k).astype(np.uint8) for k in y
            ],
            "text": [f"word{k} other{i % 3}" for i, k in enumerate(y)],
        }
    )
    dense = make_multimodal_pipeline(
        method="concat",
        estimator=HistGradientBoostingClassifier(),
        image_features="pixels",
    )
    assert dense.get_params()["fusion__sparse_threshold"] == 0
    assert dense.fit(X, y).score(X, y) == 1.0
    assert not sparse.issparse(dense[:-1].transform(X))
    # an estimator that takes sparse input keeps the sparse TF-IDF block
    kept = make_multimodal_pipeline(
        method="concat", estimator=LogisticRegression(), image_features="pixels"
    )
    assert kept.get_params()["fusion__sparse_threshold"] is None
    assert sparse.issparse(kept.fit(X, y)[:-1].transform(X))


@pytest.mark.parametrize(
    "reduce",
    [
        lambda Z: Z.sum(),
        lambda Z: Z.max(),
        lambda Z: Z.std(),
        lambda Z: np.sum(Z),
        lambda Z: np.mean(Z),
        lambda Z: np.median(Z),
    ],
)
def test_a_whole_array_reduction_is_a_numpy_scalar(reduce):
    layout = BlockLayout.from_feature_names(["a__x", "b__y", "b__z"])
    Z = FusedArray(np.arange(12.0).reshape(4, 3), layout)
    value = reduce(Z)
    assert type(value) is np.float64
    assert value == reduce(np.asarray(Z))
    assert json.loads(json.dumps({"v": value}))["v"] == float(value)
    # along the rows, the layout stays; along the columns, it goes
    assert get_block_layout(Z.sum(axis=0)) is None  # one row: no 2-D array
    assert get_block_layout(Z[1:3] * 2).names == ["a", "b"]


def test_pandas_output_keeps_the_index_of_a_dict_of_series():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import StandardScaler

    from skmultimodal.fusion import ModalityFusion

    X = pd.DataFrame(
        {"a": np.arange(4.0), "t": ["x1 y", "y2 z", "z3", "w4"]},
        index=["r0", "r1", "r2", "r3"],
    )
    fusion = ModalityFusion(
        [("num", StandardScaler(), ["a"]), ("text", TfidfVectorizer(), "t")],
        sparse_threshold=0,
    ).set_output(transform="pandas")
    assert fusion.fit_transform({"a": X["a"], "t": X["t"]}).index.tolist() == [
        "r0",
        "r1",
        "r2",
        "r3",
    ]
    rows = {"a": X["a"].iloc[2:], "t": X["t"].iloc[2:]}
    assert fusion.transform(rows).index.tolist() == ["r2", "r3"]
    # no pandas column: a default index
    plain = {"a": X["a"].to_numpy(), "t": list(X["t"])}
    assert fusion.transform(plain).index.tolist() == [0, 1, 2, 3]
