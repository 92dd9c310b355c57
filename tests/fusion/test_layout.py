"""The block layout contract read by downstream estimators."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skmultimodal.fusion import (
    Block,
    BlockLayout,
    FusedArray,
    ModalityFusion,
    get_block_layout,
)


class SequenceIds(FunctionTransformer):
    """Stands in for TextSequencer: integer ids, flagged as a sequence."""

    sequence_output = True

    def fit(self, X, y=None):
        self.vocabulary_size_ = 7
        return super().fit(X, y)


def _ids(texts):
    return np.array([[len(t) % 7, 1, 0] for t in texts], dtype=float)


def _table(n=12):
    rng = np.random.RandomState(0)
    return pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "c": rng.normal(size=n),
            "text": [f"w{i}" * (i % 3 + 1) for i in range(n)],
        }
    )


class LayoutSpy(ClassifierMixin, BaseEstimator):
    """Records the layout it finds in X at fit and predict."""

    def fit(self, X, y):
        self.fit_layout_ = get_block_layout(X)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        self.predict_layout_ = get_block_layout(X)
        return np.full(len(X), self.classes_[0])


def test_from_feature_names_groups_blocks_and_sequences():
    layout = BlockLayout.from_feature_names(
        ["image__hog0", "image__hog1", "text__seq0", "text__seq1", "x"],
        vocabulary_sizes={"text": 50},
    )
    assert layout == (
        Block("image", 0, 2, "features"),
        Block("text", 2, 4, "sequence", 50),
        Block("x", 4, 5, "features"),
    )
    assert layout.names == ["image", "text", "x"]
    assert layout.n_features == 5
    assert layout.get("text").width == 2


def test_layout_rejects_gaps_and_bad_kinds():
    with pytest.raises(ValueError, match="contiguous"):
        BlockLayout([Block("a", 0, 2), Block("b", 3, 4)])
    with pytest.raises(ValueError, match="kind"):
        BlockLayout([Block("a", 0, 2, "pixels")])


def test_fused_array_keeps_layout_on_rows_and_drops_it_on_columns():
    layout = BlockLayout.from_feature_names(["a__x", "b__y", "b__z"])
    Z = FusedArray(np.arange(12.0).reshape(4, 3), layout)
    assert get_block_layout(Z[1:3]) == layout
    assert get_block_layout(Z[[0, 2]]) == layout
    assert get_block_layout(Z * 2) == layout
    assert get_block_layout(Z[:, :2]) is None
    assert get_block_layout(Z.sum(axis=0)) is None
    plain = np.asarray(Z)
    assert type(plain) is np.ndarray
    with pytest.raises(ValueError, match="covers 3 columns"):
        FusedArray(np.zeros((2, 4)), layout)


def test_fused_array_pickles_with_its_layout():
    layout = BlockLayout.from_feature_names(
        ["a__x", "b__seq0"], vocabulary_sizes={"b": 9}
    )
    Z = FusedArray(np.ones((3, 2)), layout)
    loaded = pickle.loads(pickle.dumps(Z))
    assert isinstance(loaded, FusedArray)
    assert loaded.block_layout == layout
    assert loaded.block_layout[1].vocabulary_size == 9
    np.testing.assert_array_equal(loaded, Z)


def test_layout_from_dataframe_columns():
    df = pd.DataFrame(np.zeros((2, 3)), columns=["img__a", "img__b", "txt__seq0"])
    assert get_block_layout(df).names == ["img", "txt"]
    assert get_block_layout(pd.DataFrame(np.zeros((2, 2)))) is None
    assert get_block_layout(np.zeros((2, 2))) is None


@pytest.mark.parametrize("method", ["tokens", "concat"])
def test_pipeline_step_after_fusion_sees_the_layout(method):
    X = _table()
    y = np.arange(len(X)) % 2
    fusion = ModalityFusion(
        [
            ("num", StandardScaler(), ["a", "b", "c"]),
            ("text", SequenceIds(_ids), "text"),
        ],
        method=method,
        random_state=0,
    )
    pipe = Pipeline([("fusion", fusion), ("clf", LayoutSpy())]).fit(X, y)
    layout = pipe.named_steps["clf"].fit_layout_
    assert layout == pipe.named_steps["fusion"].block_layout_
    width = 2 if method == "tokens" else 3
    assert layout == (
        Block("num", 0, width, "features"),
        Block("text", width, width + 3, "sequence", 7),
    )
    pipe.predict(X.iloc[:5])
    assert pipe.named_steps["clf"].predict_layout_ == layout
    # the sequence block is passed through unchanged (ids, not normalised)
    Z = pipe.named_steps["fusion"].transform(X)
    np.testing.assert_array_equal(Z[:, width:], _ids(X["text"]))


def test_pandas_output_layout_from_column_names():
    X = _table()
    fusion = ModalityFusion(
        [("num", StandardScaler(), ["a", "b"]), ("more", StandardScaler(), ["c"])]
    ).set_output(transform="pandas")
    Z = fusion.fit_transform(X)
    assert isinstance(Z, pd.DataFrame)
    assert get_block_layout(Z) == fusion.block_layout_
    assert list(Z.index) == list(X.index)
