"""DataFrame output (``set_output(transform="pandas")``, ``set_config``) and
readable feature names of ModalityFusion and the default pipeline."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn import config_context
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import ModalityFusion, _modality_fusion, get_block_layout

METHODS = [
    "concat",
    "product",
    "sum",
    "mean",
    "tensor",
    "attention",
    "tokens",
    "stack",
    "late",
]


@pytest.fixture(scope="module")
def table():
    X, y = make_multimodal_classification(n_samples=60, random_state=0)
    rng = np.random.RandomState(0)
    X = X.assign(
        price=np.asarray(y) + rng.normal(size=len(y)),
        brand=rng.choice(["red", "blue", "green"], size=len(y)),
    )
    X.index = [f"r{i}" for i in range(len(X))]
    return X, np.asarray(y)


def _fusion(method=None, **kw):
    pipe = make_multimodal_pipeline(
        tabular=["price", "brand"], method=method, random_state=0, **kw
    )
    return pipe["fusion"]


def _values(Z):
    return Z.toarray() if sparse.issparse(Z) else np.asarray(Z)


def _check_frame(Z, fusion, X):
    assert isinstance(Z, pd.DataFrame)
    assert list(Z.columns) == list(fusion.get_feature_names_out())
    assert list(Z.index) == list(X.index)
    assert (Z.dtypes == np.float64).all()


# ------------------------------------------------------------ every method
@pytest.mark.parametrize("method", METHODS)
def test_every_builtin_method_gives_a_dataframe_of_the_default_values(method, table):
    X, y = table
    default = _fusion(method)
    fused = _values(default.fit_transform(X, y))  # out-of-fold scores, if any
    fusion = clone(default).set_output(transform="pandas")
    Z = fusion.fit_transform(X, y)
    _check_frame(Z, fusion, X)
    np.testing.assert_allclose(Z.to_numpy(), fused)
    Z = fusion.transform(X)
    _check_frame(Z, fusion, X)
    np.testing.assert_allclose(Z.to_numpy(), _values(default.transform(X)))
    assert list(fusion.get_feature_names_out()) == list(default.get_feature_names_out())
    assert len(set(Z.columns)) == Z.shape[1]


def test_default_pipeline_set_output_on_the_whole_pipeline(table):
    X, y = table
    pipe = make_multimodal_pipeline(tabular=["price", "brand"], random_state=0)
    assert pipe["fusion"].method == "stack"
    reference = clone(pipe).fit(X, y)
    pipe.set_output(transform="pandas").fit(X, y)
    Z = pipe["fusion"].transform(X)
    _check_frame(Z, pipe["fusion"], X)
    assert list(Z.columns)[:2] == ["image__proba_0", "image__proba_1"]
    # the classifier learns from the named columns, and predicts the same
    assert list(pipe["classifier"].feature_names_in_) == list(Z.columns)
    np.testing.assert_array_equal(pipe.predict(X), reference.predict(X))


def test_set_config_reaches_the_fused_output_not_the_branches(table):
    X, y = table
    reference = _fusion("concat").fit(X, y)
    with config_context(transform_output="pandas"):
        fusion = _fusion("concat").fit(X, y)
        Z = fusion.transform(X)
        pipe = make_multimodal_pipeline(tabular=["price"], random_state=0).fit(X, y)
        stacked = pipe["fusion"].transform(X)
    _check_frame(Z, fusion, X)
    _check_frame(stacked, pipe["fusion"], X)
    np.testing.assert_allclose(Z.to_numpy(), _values(reference.transform(X)))
    # outside the context the same fitted estimator gives its native output
    assert sparse.issparse(fusion.transform(X))


class _Records(TransformerMixin, BaseEstimator):
    """Records the type of what it is given; passes it on as an array."""

    def fit(self, X, y=None):
        self.seen_ = type(X).__name__
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(["a", "b"], dtype=object)


def test_branches_keep_native_output_unless_a_step_asks_for_pandas(table):
    X, y = table
    X = X.assign(a=X["price"], b=X["price"] * 2)
    native = make_pipeline(StandardScaler(), _Records())
    asked = make_pipeline(StandardScaler().set_output(transform="pandas"), _Records())
    fusion = ModalityFusion(
        [("native", native, ["a", "b"]), ("asked", asked, ["a", "b"])]
    )
    with config_context(transform_output="pandas"):
        Z = fusion.fit_transform(X, y)
    assert fusion.named_transformers_["native"][-1].seen_ == "ndarray"
    assert fusion.named_transformers_["asked"][-1].seen_ == "DataFrame"
    _check_frame(Z, fusion, X)


def test_dict_input_gives_a_range_index(table):
    X, y = table
    fusion = _fusion("stack").set_output(transform="pandas")
    Z = fusion.fit_transform({c: X[c].tolist() for c in X}, y)
    assert isinstance(Z, pd.DataFrame)
    assert list(Z.index) == list(range(len(X)))


# ---------------------------------------------------------- sparse output
def test_sparse_output_over_the_limit_is_a_clear_error(table, monkeypatch):
    X, y = table
    fusion = _fusion("concat").fit(X, y)
    size = int(np.prod(fusion.transform(X).shape))
    fusion.set_output(transform="pandas")
    monkeypatch.setattr(_modality_fusion, "DENSE_OUTPUT_MAX_VALUES", size)
    assert isinstance(fusion.transform(X), pd.DataFrame)  # at the limit
    monkeypatch.setattr(_modality_fusion, "DENSE_OUTPUT_MAX_VALUES", size - 1)
    with pytest.raises(ValueError) as exc:
        fusion.transform(X)
    msg = str(exc.value)
    assert "cannot give pandas output" in msg
    assert f"60 x {size // 60:,} = {size:,} values" in msg
    # names the sparse branches and the fixes
    assert "block of transformer 'text'" in msg
    assert "method='stack'" in msg and "TruncatedSVD" in msg
    assert "set_output(transform='default')" in msg
    # the default output is unaffected
    assert sparse.issparse(fusion.set_output(transform="default").transform(X))


def test_polars_output_when_installed(table):
    pl = pytest.importorskip("polars", reason="polars is an optional dependency")
    X, y = table
    fusion = _fusion("concat").set_output(transform="polars")
    Z = fusion.fit_transform(X, y)
    assert isinstance(Z, pl.DataFrame)
    assert Z.columns == list(fusion.get_feature_names_out())


# ----------------------------------------------------------- feature names
def test_default_pipeline_names_are_readable_and_unique(table):
    X, y = table
    fusion = _fusion("concat").fit(X, y)
    names = list(fusion.get_feature_names_out())
    assert len(set(names)) == len(names)
    assert "image__hog__0" in names and "image__hog__hog0" not in names
    assert "image__color_histogram__h0" in names
    assert "image__pixels__0" in names
    words = fusion.named_transformers_["text"]["features"]
    term = words.transformer_list[0][1].get_feature_names_out()[0]
    assert f"text__words__{term}" in names
    assert any(n.startswith("text__chars__") for n in names)
    # the table's columns by their own names, after the text block
    assert names[-4:] == ["price", "brand_blue", "brand_green", "brand_red"]
    # the layout still knows the blocks
    assert fusion.block_layout_.names == ["image", "text", "tabular"]
    assert fusion.block_layout_.get("tabular").width == 4


def test_table_names_keep_the_prefix_only_where_they_would_collide(table):
    X, y = table
    X = X.assign(code=X["brand"].map({"red": 0, "blue": 1, "green": 2}))
    fusion = ModalityFusion(
        [
            ("a", StandardScaler(), ["price"]),
            ("b", "passthrough", ["price", "code"]),  # price collides with a's
            ("c", StandardScaler(), ["code"]),  # and code with b's
            ("d", PCA(n_components=1), ["price", "code"]),  # not column names
            ("e", "passthrough", "price"),  # a single column
        ]
    ).fit(X, y)
    assert list(fusion.get_feature_names_out()) == [
        "a__price",
        "b__price",
        "b__code",
        "c__code",
        "d__pca0",
        "e__price",
    ]
    fusion.set_params(a="drop", e="drop").fit(X, y)
    # b's names still collide with c's code; d's are not column names
    assert list(fusion.get_feature_names_out()) == [
        "b__price",
        "b__code",
        "c__code",
        "d__pca0",
    ]
    fusion.set_params(c="drop").fit(X, y)
    assert list(fusion.get_feature_names_out()) == ["price", "code", "d__pca0"]


def test_dataframe_output_carries_the_block_layout(table):
    X, y = table
    fusion = _fusion("concat").set_output(transform="pandas")
    Z = fusion.fit_transform(X, y)
    assert "price" in Z.columns  # not "<modality>__..." everywhere
    assert get_block_layout(Z) == fusion.block_layout_
    # a column subset does not inherit it (nor can its names give it)
    assert get_block_layout(Z.iloc[:, -5:]) is None


def test_image_union_names_drop_only_the_extractors_own_prefix():
    from skmultimodal.image import ImageExtractor, ImageFeatureUnion, PixelFeatures

    class Corners(ImageExtractor):
        _feature_prefix = "corner_"

        def _check_params(self):
            return 2

        def _extract(self, image):
            return np.zeros(2)

    class Named(Corners):
        def get_feature_names_out(self, input_features=None):
            return np.asarray(["top", "corner_x"], dtype=object)

    class Same(Corners):
        def get_feature_names_out(self, input_features=None):
            return np.asarray(["corner_", "corner_"], dtype=object)

    union = ImageFeatureUnion(
        [
            ("corners", Corners()),
            ("named", Named()),  # not all with the prefix: kept whole
            ("same", Same()),  # empty without it: kept whole
            ("px", PixelFeatures(size=(1, 1), color="gray")),
        ]
    ).fit([np.zeros((4, 4), np.uint8)])
    assert list(union.get_feature_names_out()) == [
        "corners__0",
        "corners__1",
        "named__top",
        "named__corner_x",
        "same__corner_",
        "same__corner_",
        "px__0",
    ]


def test_user_guide_section_runs_and_prints_what_it_claims():
    from tests._docs_runner import USER_GUIDE, assert_code_blocks_print_what_they_claim

    assert_code_blocks_print_what_they_claim(
        USER_GUIDE / "fusion.md", containing='concat.set_output(transform="pandas")'
    )
