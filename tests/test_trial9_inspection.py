"""Model inspection and conventions: modality shares of any pipeline, feature
names through image steps, the block layout of reordered columns, input
feature names checked, docstrings that numpydoc parses."""

import importlib
import inspect
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.externals._numpydoc.docscrape import NumpyDocString
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import (
    BlockLayout,
    FusedArray,
    ModalityFusion,
    get_block_layout,
)
from skmultimodal.image import (
    Binarize,
    Grayscale,
    ImageReader,
    Normalize,
    PixelFeatures,
    Resize,
)
from skmultimodal.model_selection import compare_models, modality_contributions
from skmultimodal.text import TextCleaner, TextFeatures


@pytest.fixture(scope="module")
def data():
    return make_multimodal_classification(n_samples=40, random_state=0)


def _fusion(method="late", image=None):
    image = PixelFeatures(size=(8, 8)) if image is None else image
    return ModalityFusion(
        [("image", image, "image"), ("text", TextFeatures(), "text")],
        method=method,
        random_state=0,
    )


def _clf():
    return LogisticRegression(max_iter=500)


# ------------------------------------------------ 1. modality_contributions


@pytest.mark.parametrize(
    "build",
    [
        lambda: make_pipeline(_fusion(), _clf()),
        lambda: Pipeline([("fuse", _fusion()), ("clf", _clf())]),
        lambda: make_pipeline(_fusion(), StandardScaler(), _clf()),
        lambda: make_pipeline(FunctionTransformer(), _fusion(), _clf()),
    ],
    ids=["make_pipeline", "other-names", "step-between", "step-before"],
)
def test_contributions_find_the_fusion_step_by_type(data, build):
    X, y = data
    model = build().fit(X, y)
    shares = modality_contributions(model, X)
    fusion = next(s for s in model if isinstance(s, ModalityFusion))
    weights = np.asarray(fusion.method_.weights_, dtype=float)
    assert shares is not None and sorted(shares) == ["image", "text"]
    assert shares == pytest.approx(
        dict(zip(["image", "text"], weights / weights.sum()))
    )


def test_contributions_of_attention_fusion_in_make_pipeline(data):
    X, y = data
    model = make_pipeline(_fusion("attention"), _clf()).fit(X, y)
    shares = modality_contributions(model, X)
    assert sorted(shares) == ["image", "text"]
    assert sum(shares.values()) == pytest.approx(1.0)


def test_contributions_still_none_without_weights(data):
    X, y = data
    concat = make_pipeline(_fusion("concat"), _clf()).fit(X, y)
    assert modality_contributions(concat, X) is None
    plain = make_pipeline(FunctionTransformer(lambda Z: Z[["n"]]), _clf())
    assert modality_contributions(plain.fit(X.assign(n=1.0), y), X) is None


def test_contributions_check_the_rows_of_make_pipeline(data):
    X, y = data
    model = make_pipeline(_fusion(), _clf()).fit(X, y)
    with pytest.raises(ValueError, match="image"):
        modality_contributions(model, X.drop(columns="image"))


def test_compare_models_contribution_of_make_pipeline(data):
    X, y = data
    result = compare_models({"m": make_pipeline(_fusion(), _clf())}, X, y, cv=2)
    assert sorted(result.models["m"].contribution) == ["image", "text"]


# ------------------------------------------- 2. names through image steps


IMAGE_STEPS = [ImageReader(), Grayscale(), Resize(size=(8, 8)), Binarize(), Normalize()]


@pytest.mark.parametrize("step", IMAGE_STEPS, ids=lambda s: type(s).__name__)
def test_image_steps_pass_one_name_through(data, step):
    X, _ = data
    assert step.fit(X["image"]).get_feature_names_out().tolist() == ["image"]
    assert step.get_feature_names_out(["photo"]).tolist() == ["photo"]
    with pytest.raises(ValueError, match="length"):
        step.get_feature_names_out(["a", "b"])
    step.fit(X[["image"]].rename(columns={"image": "photo"}))
    assert step.get_feature_names_out().tolist() == ["photo"]
    with pytest.raises(ValueError, match="feature_names_in_"):
        step.get_feature_names_out(["bogus"])


def test_pipeline_of_image_steps_is_named_by_its_extractor(data):
    X, y = data
    pipe = make_pipeline(Grayscale(), Resize(size=(8, 8)), PixelFeatures(size=(8, 8)))
    names = pipe.fit(X["image"]).get_feature_names_out()
    assert names[:2].tolist() == ["pixel0", "pixel1"]
    fusion = _fusion("concat", image=pipe).fit(X, y)
    assert fusion.get_feature_names_out()[:2].tolist() == [
        "image__pixel0",
        "image__pixel1",
    ]


class _NoNames(TransformerMixin, BaseEstimator):
    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.ones((len(X), 2))


class _BrokenNames(_NoNames):
    def get_feature_names_out(self, input_features=None):
        raise ValueError("names out of order")


def test_branch_without_names_gets_generic_names_silently(data):
    X, y = data
    fusion = _fusion("concat", image=_NoNames())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fusion.fit(X, y)
    assert fusion.get_feature_names_out()[:2].tolist() == ["image__x0", "image__x1"]


def test_branch_whose_names_fail_warns(data):
    X, y = data
    fusion = _fusion("concat", image=_BrokenNames())
    with pytest.warns(UserWarning, match="branch 'image'.*names out of order"):
        fusion.fit(X, y)
    assert fusion.get_feature_names_out()[:2].tolist() == ["image__x0", "image__x1"]


# ------------------------------------------------------ 3. FusedArray layout


def _fused():
    layout = BlockLayout.from_feature_names(["a__x", "a__y", "b__z"])
    return FusedArray(np.arange(9.0).reshape(3, 3), layout), layout


REORDERED = {
    "reversed columns": lambda Z: Z[:, ::-1],
    "permuted columns": lambda Z: Z[:, [2, 0, 1]],
    "rows and permuted columns": lambda Z: Z[[0, 1], ::-1],
    "ellipsis and columns": lambda Z: Z[..., [2, 0, 1]],
    "sort along columns": lambda Z: np.sort(Z, axis=1),
    "sort by default": np.sort,
    "transpose": lambda Z: Z.T,
    "np.transpose": np.transpose,
    "fliplr": np.fliplr,
    "roll": lambda Z: np.roll(Z, 1),
    "take columns": lambda Z: Z.take([2, 0, 1], axis=1),
    "matmul": lambda Z: Z @ np.eye(3),
}


@pytest.mark.parametrize("op", list(REORDERED.values()), ids=list(REORDERED))
def test_fused_array_drops_layout_of_reordered_columns(op):
    Z, layout = _fused()
    out = op(Z)
    assert out.ndim == 2 and out.shape[1] == Z.shape[1]  # the same width
    assert get_block_layout(out) is None
    assert get_block_layout(Z) == layout  # the input keeps its own


def test_fused_array_sorted_in_place_along_columns_drops_layout():
    Z, layout = _fused()
    Z.sort(axis=1)
    assert get_block_layout(Z) is None
    Z, layout = _fused()
    Z.sort(axis=0)  # each column sorted in itself
    assert get_block_layout(Z) == layout


KEPT = {
    "rows": lambda Z: Z[[2, 0]],
    "rows and full slice": lambda Z: Z[[2, 0], :],
    "mask": lambda Z: Z[np.array([True, False, True])],
    "ellipsis": lambda Z: Z[1:, ...],
    "copy": lambda Z: Z.copy(),
    "ufunc": np.exp,
    "arithmetic": lambda Z: 2 * Z + 1,
    "sort along rows": lambda Z: np.sort(Z, axis=0),
    "take rows": lambda Z: np.take(Z, [1, 0], axis=0),
    "flip rows": np.flipud,
}


@pytest.mark.parametrize("op", list(KEPT.values()), ids=list(KEPT))
def test_fused_array_keeps_layout_of_unchanged_columns(op):
    Z, layout = _fused()
    assert get_block_layout(op(Z)) == layout


# --------------------------------------------- 4. TextCleaner input features


def test_text_cleaner_refuses_other_input_features(data):
    X, _ = data
    cleaner = TextCleaner().fit(X[["text"]])
    assert cleaner.get_feature_names_out(["text"]).tolist() == ["text"]
    with pytest.raises(ValueError, match="feature_names_in_"):
        cleaner.get_feature_names_out(["bogus"])
    with pytest.raises(ValueError, match="one name"):
        cleaner.get_feature_names_out(["text", "more"])
    # fitted without a column name: any one name is passed on
    assert TextCleaner().fit(["a"]).get_feature_names_out(["t"]).tolist() == ["t"]


# ------------------------------------------------------------ 5. docstrings


def _public_classes():
    classes = []
    for module in ("fusion", "image", "text", "models"):
        mod = importlib.import_module(f"skmultimodal.{module}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isclass(obj):
                classes.append(pytest.param(obj, id=f"{module}.{name}"))
    return classes


@pytest.mark.parametrize("cls", _public_classes())
def test_class_docstrings_parse_with_numpydoc(cls):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        NumpyDocString(inspect.getdoc(cls) or "")


def test_report_reads_the_modalities_of_make_pipeline():
    from skmultimodal.report import _fitted_modalities

    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    fusion = ModalityFusion(
        [("image", PixelFeatures(), "image"), ("text", TextFeatures(), "text")],
        method="late",
        random_state=0,
    )
    result = compare_models(
        {"m": make_pipeline(fusion, LogisticRegression())}, X, y, cv=2
    )
    assert _fitted_modalities(result.models["m"]) == (["image", "text"], "late")
