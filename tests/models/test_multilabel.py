"""Multi-label targets (a 0/1 indicator matrix) in MultimodalAttentionClassifier
(tiny networks, CPU)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.utils import get_tags

from skmultimodal.models import MultimodalAttentionClassifier

# TensorFlow/Keras models
pytestmark = pytest.mark.slow

TINY = dict(width=8, n_heads=2, epochs=2, batch_size=16, random_state=0)


def _data(n=60, seed=0):
    """X and a 3-label indicator Y, each label a different rule on X."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 6))
    Y = np.column_stack([X[:, 0] + X[:, 3] > 0, X[:, 1] > 0, X[:, 2] > 0.5]).astype(
        np.int64
    )
    return X, Y


@pytest.fixture(scope="module")
def tiny():
    X, Y = _data()
    return MultimodalAttentionClassifier(**TINY).fit(X, Y), X, Y


def test_multi_label_tag_is_set():
    assert get_tags(MultimodalAttentionClassifier()).classifier_tags.multi_label


def test_indicator_target_gives_one_sigmoid_per_label(tiny):
    clf, X, Y = tiny
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.n_outputs_ == 3
    assert clf.model_.output_shape == (None, 3)
    assert clf.model_.get_layer("proba").activation.__name__ == "sigmoid"
    assert "binary_crossentropy" in clf.model_.loss.name

    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3) and proba.dtype == np.float64
    assert np.all((proba > 0) & (proba < 1))
    # independent labels: rows do not sum to 1
    assert not np.allclose(proba.sum(axis=1), 1.0)
    pred = clf.predict(X)
    assert pred.shape == Y.shape and pred.dtype == Y.dtype
    np.testing.assert_array_equal(pred, (proba > 0.5).astype(int))
    # ClassifierMixin.score: subset accuracy, as for every sklearn classifier
    assert clf.score(X, Y) == accuracy_score(Y, pred)
    weights = clf.attention_weights(X[:5])
    assert list(weights.columns) == ["X"]
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-6)


def test_same_seed_same_probabilities(tiny):
    clf, X, Y = tiny
    again = clone(clf).fit(X, Y)
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


def test_dataframe_sparse_and_list_targets_fit_the_same_network(tiny):
    clf, X, Y = tiny
    expected = clf.predict_proba(X)
    frame = pd.DataFrame(Y.astype(bool), columns=["a", "b", "c"])
    from_frame = clone(clf).fit(X, frame)
    np.testing.assert_array_equal(from_frame.predict_proba(X), expected)
    # predictions have the dtype of the target fitted on
    assert from_frame.predict(X[:4]).dtype == bool
    from_sparse = clone(clf).fit(X, sparse.csr_matrix(Y))
    np.testing.assert_array_equal(from_sparse.predict_proba(X), expected)
    from_lists = clone(clf).fit(X, Y.tolist())
    np.testing.assert_array_equal(from_lists.predict(X), clf.predict(X))


def test_refit_on_single_label_target_builds_a_softmax_network(tiny):
    clf, X, _ = tiny
    y = np.digitize(X[:, 0], [-0.5, 0.5])
    refit = clone(clf).fit(X, _data()[1]).fit(X, y)
    fresh = clone(clf).fit(X, y)
    assert refit.model_.output_shape == (None, 3)
    assert refit.predict(X).shape == (len(X),)
    np.testing.assert_allclose(refit.predict_proba(X).sum(axis=1), 1.0)
    np.testing.assert_array_equal(refit.predict_proba(X), fresh.predict_proba(X))


def test_value_other_than_0_1_is_named_by_row_and_column():
    X, Y = _data()
    frame = pd.DataFrame(Y, columns=["a", "b", "c"])
    frame.iloc[5, 1] = 3
    with pytest.raises(ValueError, match=r"row 5 has 3 in column 1 \('b'\)"):
        MultimodalAttentionClassifier(**TINY).fit(X, frame)
    classes = np.column_stack([np.arange(60) % 3, np.arange(60) % 2])
    with pytest.raises(ValueError, match="row 2 has 2 in column 0; pass a 1-D y"):
        MultimodalAttentionClassifier(**TINY).fit(X, classes)
    with pytest.raises(ValueError, match="row 0 has .(yes|no). in column 0"):
        MultimodalAttentionClassifier(**TINY).fit(X, np.where(Y == 1, "yes", "no"))
    nan = Y.astype(float)
    nan[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"y is missing .* in 1 row\(s\): row 3\."):
        MultimodalAttentionClassifier(**TINY).fit(X, nan)


def test_one_column_target_is_a_column_vector_of_classes():
    # scikit-learn's convention (check_supervised_y_2d): a (n, 1) y is a
    # column vector of class labels, raveled with a DataConversionWarning.
    X, Y = _data()
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        clf = MultimodalAttentionClassifier(**TINY).fit(X, Y[:, :1])
    assert clf.n_outputs_ == 1
    assert clf.predict(X).shape == (len(X),)


def test_class_weight_is_refused_for_multi_label_targets():
    X, Y = _data()
    for class_weight in ("balanced", {0: 1.0, 1: 2.0}):
        with pytest.raises(ValueError, match="class_weight is not supported"):
            MultimodalAttentionClassifier(class_weight=class_weight, **TINY).fit(X, Y)


def test_constant_label_warns_naming_it():
    X, Y = _data()
    Y[:, 1] = 0
    frame = pd.DataFrame(Y, columns=["a", "b", "c"])
    frame["c"] = 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = MultimodalAttentionClassifier(**TINY).fit(X, frame)
    messages = [str(w.message) for w in caught if w.category is UserWarning]
    assert messages == [
        "label 1 ('b') is absent in all 60 training samples; the network "
        "learns it as always absent",
        "label 2 ('c') is present in all 60 training samples; the network "
        "learns it as always present",
    ]
    assert all(w.filename == __file__ for w in caught if w.category is UserWarning)
    assert clf.predict_proba(X).shape == (60, 3)


def test_early_stopping_and_sample_weight_with_multi_label_target():
    X, Y = _data(n=80)
    noise = np.random.RandomState(0).randint(0, 2, size=Y.shape)
    params = {**TINY, "epochs": 40}
    # nothing to learn: the validation loss stalls
    clf = MultimodalAttentionClassifier(
        early_stopping=True, patience=1, validation_split=0.2, **params
    ).fit(X, noise)
    assert clf.n_iter_ < 40
    assert len(clf.history_["val_loss"]) == clf.n_iter_
    # weight 0 drops a sample: fitting without those rows gives the same fit
    base = MultimodalAttentionClassifier(**TINY)
    keep = np.arange(80) % 4 != 0
    weighted = clone(base).fit(X, Y, sample_weight=keep.astype(float))
    dropped = clone(base).fit(X[keep], Y[keep])
    np.testing.assert_array_equal(weighted.predict_proba(X), dropped.predict_proba(X))


# ---------------------------------------------------- through the pipeline
def _multimodal_multilabel(n=300, seed=0):
    """Two labels per sample from the synthetic classes 0..3: "high"
    (class >= 2) and "odd" (odd class); either needs both modalities."""
    from skmultimodal.datasets import make_multimodal_classification

    X, y = make_multimodal_classification(
        n_samples=n, n_classes=4, image_size=16, random_state=seed
    )
    y = np.asarray(y)
    Y = np.column_stack([y >= 2, y % 2 == 1]).astype(np.int64)
    return train_test_split(X, Y, test_size=0.3, random_state=0)


@pytest.fixture(scope="module")
def pipeline():
    from skmultimodal import make_multimodal_pipeline

    X_train, X_test, Y_train, Y_test = _multimodal_multilabel()
    pipe = make_multimodal_pipeline(
        method="concat", classifier="attention", random_state=0
    )
    pipe.set_params(classifier__epochs=10)
    return pipe.fit(X_train, Y_train), X_test, Y_test


def test_pipeline_learns_both_labels(pipeline):
    pipe, X_test, Y_test = pipeline
    pred = pipe.predict(X_test)
    assert pred.shape == Y_test.shape
    # the best constant predictor for micro-F1 says "present" everywhere
    constant = f1_score(Y_test, np.ones_like(Y_test), average="micro")
    assert f1_score(Y_test, pred, average="micro") > constant + 0.1
    for j in range(Y_test.shape[1]):
        majority = max(Y_test[:, j].mean(), 1 - Y_test[:, j].mean())
        assert accuracy_score(Y_test[:, j], pred[:, j]) > majority + 0.15


def test_pipeline_probabilities_and_attention(pipeline):
    pipe, X_test, Y_test = pipeline
    proba = pipe.predict_proba(X_test)
    assert proba.shape == Y_test.shape
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_array_equal(pipe.predict(X_test), (proba > 0.5).astype(int))
    clf = pipe["classifier"]
    assert clf.block_layout_.names == ["image", "text"]
    weights = clf.attention_weights(pipe["fusion"].transform(X_test))
    assert list(weights.columns) == ["image", "text"]
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)


def test_pipeline_save_and_load_give_identical_probabilities(pipeline, tmp_path):
    from skmultimodal.persistence import load_model, save_model

    pipe, X_test, _ = pipeline
    path = save_model(pipe, tmp_path / "multilabel.joblib")
    loaded = load_model(path, trusted=True).estimator
    np.testing.assert_array_equal(
        loaded.predict_proba(X_test), pipe.predict_proba(X_test)
    )
    np.testing.assert_array_equal(loaded.predict(X_test), pipe.predict(X_test))
    Z = pipe["fusion"].transform(X_test)
    pd.testing.assert_frame_equal(
        loaded["classifier"].attention_weights(Z),
        pipe["classifier"].attention_weights(Z),
    )


def test_models_guide_multi_label_snippet_runs():
    from tests._docs_runner import USER_GUIDE, assert_code_blocks_print_what_they_claim

    assert_code_blocks_print_what_they_claim(
        USER_GUIDE / "models.md", containing="Y_train"
    )
