"""A NumPy function never strips the layout of the FusedArray given to it
(``np.hstack([Z, extra])``, ``np.atleast_1d(Z, v)``), and
``LateFusionClassifier(missing="skip")`` fits a modality present only in
rows of one class as its internal folds do: a DummyClassifier, with a
warning naming the modality."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skmultimodal.fusion import (
    BlockLayout,
    FusedArray,
    LateFusionClassifier,
    get_block_layout,
)

LAYOUT = BlockLayout.from_feature_names(["a__x", "a__y", "b__z"])


def _fused(n=5):
    return FusedArray(np.arange(3.0 * n).reshape(n, 3), LAYOUT)


# -- FusedArray: the inputs keep their layout -------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda Z, v: np.hstack([Z, v]),
        lambda Z, v: np.column_stack([Z, v]),
        lambda Z, v: np.atleast_1d(Z, v),
        lambda Z, v: np.atleast_3d(Z, v),
        lambda Z, v: np.block([[Z, v]]),
        lambda Z, v: np.broadcast_arrays(Z, Z),
        lambda Z, v: np.atleast_1d(Z),
    ],
    ids=["hstack", "column_stack", "atleast_1d", "atleast_3d", "block", "bcast", "1"],
)
def test_a_numpy_function_leaves_the_input_layout_alone(call):
    Z = _fused()
    call(Z, np.ones((5, 1)))
    assert get_block_layout(Z) == LAYOUT


def test_an_input_returned_in_a_tuple_is_a_view_without_layout():
    Z, v = _fused(), np.ones((5, 1))
    out = np.atleast_1d(Z, v)
    assert isinstance(out, tuple | list) and out[1] is v
    assert out[0] is not Z and np.shares_memory(out[0], Z)
    assert get_block_layout(out[0]) is None  # as before: the result has none
    assert get_block_layout(Z) == LAYOUT
    assert get_block_layout(np.hstack([Z, v])) is None


@pytest.mark.parametrize("positional", [False, True])
def test_an_out_array_written_with_mixed_columns_drops_its_layout(positional):
    Z, W = _fused(), _fused()
    perm = [2, 0, 1]
    out = np.take(Z, perm, 1, W) if positional else np.take(Z, perm, axis=1, out=W)
    assert out is W
    np.testing.assert_array_equal(W, np.asarray(Z)[:, perm])
    assert get_block_layout(W) is None  # its columns moved
    assert get_block_layout(Z) == LAYOUT


# -- LateFusionClassifier: a modality present in rows of one class ----------


def _one_class_table(n=40, seed=0):
    """Modality ``b`` present only where y is "pos" (missing, NaN, where
    y is "neg"); modality ``a`` everywhere."""
    rng = np.random.RandomState(seed)
    y = np.where(np.arange(n) % 2, "pos", "neg")
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a1", "a2", "b"])
    X[["a1", "a2"]] += (y == "pos")[:, None]
    X.loc[y == "neg", "b"] = np.nan
    return X, y


def _late(b_model, **kw):
    return LateFusionClassifier(
        [("a", LogisticRegression(), ["a1", "a2"]), ("b", b_model, ["b"])],
        missing="skip",
        **kw,
    )


def _fit_recording(clf, X, y):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        clf.fit(X, y)
    return [str(w.message) for w in rec]


@pytest.mark.parametrize("weights", [None, "auto"])
def test_a_modality_of_one_class_gets_a_dummy_final_step_with_a_warning(weights):
    X, y = _one_class_table()
    b_model = make_pipeline(StandardScaler(), LogisticRegression())
    clf = _late(b_model, weights=weights, cv=3)
    messages = _fit_recording(clf, X, y)
    (message,) = [m for m in messages if "single class" in m]
    assert "modality 'b'" in message and "class 'pos'" in message
    assert "DummyClassifier" in message
    assert not any("modality 'a'" in m for m in messages)
    fitted = clf.named_estimators_["b"]
    assert isinstance(fitted[-1], DummyClassifier)
    assert isinstance(fitted[0], StandardScaler)  # the steps before it fitted
    assert isinstance(clf.named_estimators_["a"], LogisticRegression)
    assert isinstance(b_model[-1], LogisticRegression)  # the user's untouched
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # b gives "pos" probability 1 where present; rows without it: a alone
    missing_b = X["b"].isna().to_numpy()
    a_alone = clf.named_estimators_["a"].predict_proba(X[["a1", "a2"]])
    np.testing.assert_allclose(proba[missing_b], a_alone[missing_b])
    assert (proba[~missing_b, 1] >= a_alone[~missing_b, 1] - 1e-12).all()


def test_a_plain_model_of_one_class_becomes_a_dummy():
    X, y = _one_class_table()
    clf = _late(LogisticRegression())
    messages = _fit_recording(clf, X, y)
    assert any("modality 'b'" in m and "single class" in m for m in messages)
    assert isinstance(clf.named_estimators_["b"], DummyClassifier)
    assert list(clf.named_estimators_["b"].classes_) == ["pos"]
    assert clf.predict(X).shape == (len(y),)


def test_one_class_left_after_unreadable_rows_are_skipped():
    """b is present in every row, but its transformer outputs all NaN (an
    unreadable item) for the "neg" rows: the refit without them sees one
    class."""
    X, y = _one_class_table()
    X["b"] = np.where(y == "neg", 1e6, 1.0)
    unreadable = FunctionTransformer(lambda v: np.where(v > 1e3, np.nan, v))
    clf = _late(make_pipeline(unreadable, LogisticRegression()))
    messages = _fit_recording(clf, X, y)
    assert any("modality 'b'" in m and "single class" in m for m in messages)
    assert isinstance(clf.named_estimators_["b"][-1], DummyClassifier)
    with pytest.warns(UserWarning, match="could not be read in 20 row"):
        proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_no_warning_when_each_modality_sees_two_classes():
    X, y = _one_class_table()
    X.loc[X.index[:2], "b"] = 0.5  # rows 0 ("neg") and 1 ("pos")
    clf = clone(_late(LogisticRegression()))
    messages = _fit_recording(clf, X, y)
    assert not any("single class" in m for m in messages)
    assert isinstance(clf.named_estimators_["b"], LogisticRegression)


def test_a_target_of_one_class_is_refused_naming_it():
    X = pd.DataFrame({"a": np.arange(12.0), "b": np.arange(12.0) % 3})
    late = LateFusionClassifier(
        [("a", LogisticRegression(), ["a"]), ("b", LogisticRegression(), ["b"])]
    )
    match = "at least 2 classes in y; found one class only: 'pos'"
    with pytest.raises(ValueError, match=match):
        late.fit(X, np.array(["pos"] * 12))
