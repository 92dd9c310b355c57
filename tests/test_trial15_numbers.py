"""Trial 15 numbers: branch steps that learn from y before the internal folds,
Binarize's exact uint8 comparison, concat's block scale for a large offset."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.feature_selection import SelectFromModel, SelectKBest, f_classif
from sklearn.impute import IterativeImputer
from sklearn.linear_model import BayesianRidge, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler, TargetEncoder

from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion.methods import ConcatFusion, StackFusion
from skmultimodal.image import Binarize
from skmultimodal.pipeline import make_multimodal_pipeline

# -- 1. a branch step that learns from y, under internal folds -------------


def _table():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(30, 6)), columns=list("abcdef"))
    return X, np.repeat([0, 1, 2], 10)


def _fit_recording(fusion, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fusion.fit(X, y)
    return [w for w in caught if "learns from the labels" in str(w.message)]


def _unsupervised_score(X, y=None):
    return X.var(axis=0)


def test_supervised_branch_step_warns_under_internal_folds():
    X, y = _table()
    branch = make_pipeline(StandardScaler(), SelectKBest(f_classif, k=2))
    fusion = ModalityFusion(
        [("noise", branch, list("abcd")), ("sig", "passthrough", ["e", "f"])],
        method="stack",
        random_state=0,
    )
    caught = _fit_recording(fusion, X, y)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "'noise'" in message and "SelectKBest" in message
    assert "estimator" in message and "concat" in message
    assert caught[0].filename == __file__  # points at the caller


@pytest.mark.parametrize(
    "branch",
    [
        SelectKBest(k=2),  # the transformer itself
        ColumnTransformer([("te", TargetEncoder(), [0])], remainder="passthrough"),
        make_pipeline(SelectFromModel(LogisticRegression())),  # nested deeper
    ],
)
def test_nested_or_bare_supervised_step_warns(branch):
    X, y = _table()
    fusion = ModalityFusion(
        [("noise", branch, list("abcd")), ("sig", "passthrough", ["e", "f"])],
        method=StackFusion(joint=False),
        random_state=0,
    )
    assert len(_fit_recording(fusion, X, y)) == 1


@pytest.mark.parametrize(
    "branch, method",
    [
        (make_pipeline(StandardScaler(), SelectKBest(k=2)), "concat"),
        (StandardScaler(), "stack"),
        (SelectKBest(_unsupervised_score, k=2), "stack"),  # ignores y
        # the imputer fits its regressor on X: no label reaches the branch
        (IterativeImputer(estimator=BayesianRidge(), max_iter=2), "stack"),
    ],
)
def test_no_warning_without_folds_or_without_a_supervised_step(branch, method):
    X, y = _table()
    fusion = ModalityFusion(
        [("noise", branch, list("abcd")), ("sig", "passthrough", ["e", "f"])],
        method=method,
        random_state=0,
    )
    assert _fit_recording(fusion, X, y) == []


def test_no_warning_for_the_builder_default_pipeline():
    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    pipe = make_multimodal_pipeline(random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pipe.fit(X, y)
    assert not [w for w in caught if "learns from the labels" in str(w.message)]


# -- 2. Binarize compares uint8 intensities exactly -------------------------


@pytest.mark.parametrize("threshold", [0.0, 0.2, 0.4, 0.5, 0.8, 1.0])
def test_binarize_uint8_matches_intensity_over_255(threshold):
    img = np.arange(256, dtype=np.uint8).reshape(16, 16)
    got = Binarize(threshold=threshold).fit_transform([img])[0]
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, np.where(img / 255 > threshold, 255, 0))


def test_binarize_uint8_equal_to_threshold_is_black_float_unchanged():
    assert (
        Binarize(threshold=0.2).fit_transform([np.array([[51]], np.uint8)])[0][0, 0]
        == 0
    )
    img = np.array([[0.2, 0.21]], np.float32)
    assert Binarize(threshold=0.2).fit_transform([img])[0].tolist() == [[0, 255]]


# -- 3. concat's block scale is centred before squaring ----------------------


def _reference_scale(B, w=None):
    w = np.ones(len(B)) if w is None else np.asarray(w, dtype=float)
    w = w / w.sum()
    centred = B - w @ B
    return np.sqrt(w @ (centred**2).sum(axis=1))


@pytest.mark.parametrize("make", [np.asarray, sparse.csr_matrix])
@pytest.mark.parametrize("weighted", [False, True])
def test_concat_scale_of_a_block_with_a_large_offset(make, weighted):
    rng = np.random.RandomState(0)
    A = rng.normal(size=(200, 3))
    B = 1.7e9 + rng.normal(size=(200, 2))  # e.g. unscaled timestamps
    w = rng.uniform(0.5, 2.0, size=200) if weighted else None
    cf = ConcatFusion().fit([A, make(B)], sample_weight=w)
    assert cf.scales_[1] == pytest.approx(_reference_scale(B, w), rel=1e-6)


@pytest.mark.parametrize("weighted", [False, True])
def test_concat_scale_sparse_block_with_unstored_cells(weighted):
    rng = np.random.RandomState(1)
    B = rng.normal(size=(100, 2))
    B[:, 0] += 1.7e9  # stored in every row (but one of weight 0)
    B[rng.rand(100) < 0.5, 1] = 0.0  # unstored cells, off the mean
    w = None
    if weighted:
        w = rng.uniform(0.5, 2.0, size=100)
        w[0], B[0, 0] = 0.0, 0.0  # a row of weight 0 counts for nothing
    block = sparse.csr_matrix(B)
    cf = ConcatFusion().fit([rng.normal(size=(100, 2)), block], sample_weight=w)
    assert cf.scales_[1] == pytest.approx(_reference_scale(B, w), rel=1e-6)


def test_out_of_core_concat_scale_has_no_cancellation():
    """The out-of-core block scale merges centred moments: on a block with a
    large offset and filled missing rows it equals the in-memory scale."""
    from skmultimodal.fusion._methods import _rms_centred_norm as in_memory
    from skmultimodal.streaming import _rms_centred_norm as out_of_core

    rng = np.random.RandomState(0)
    present = 1.7e9 + rng.normal(size=(40, 2))
    fill = present.mean(axis=0)
    block = np.vstack([present, np.tile(fill, (10, 1))])
    deviations = ((present - present.mean(axis=0)) ** 2).sum(axis=0)
    scale = out_of_core(present.mean(axis=0), deviations, 40, fill, 50)
    np.testing.assert_allclose(scale, in_memory(block), rtol=1e-9)
    np.testing.assert_allclose(scale, 1.2, atol=0.3)  # about sqrt(2 * 0.8)


def test_concat_of_a_sparse_block_without_stored_values():
    """A hashed text branch whose training texts hold no token."""
    blocks = [sparse.csr_matrix((6, 5)), np.arange(12.0).reshape(6, 2)]
    for weights in (None, np.arange(1.0, 7.0)):
        method = ConcatFusion()
        Z = method.fit_transform(blocks, [0, 1] * 3, sample_weight=weights)
        assert Z.shape == (6, 7) and method.scales_[0] == 1.0


def test_contributions_without_any_share_are_none():
    """Attention that gives no row any share (a sequence-only model whose
    texts are all empty) has no contributions, not 0/0."""
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.pipeline import Pipeline

    from skmultimodal.model_selection import modality_contributions

    class NoShare(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            self.classes_ = np.unique(y)
            return self

        def attention_weights(self, Z):
            return np.zeros((Z.shape[0], 2))

    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    fusion = make_multimodal_pipeline(method="concat", image_features="pixels")[0]
    pipe = Pipeline([("fusion", fusion), ("clf", NoShare())]).fit(X, y)
    assert modality_contributions(pipe, X) is None
