"""ModalityFusion: the weight of a "drop" branch ignored, weights and
declared targets checked before any branch is fitted, feature names of
positional columns counted in X (and from input_features) as in
ColumnTransformer, and the one regression-target check shared with
compare_models (numbers only, all finite, rows named)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skmultimodal.fusion import ModalityFusion
from skmultimodal.model_selection import compare_models
from skmultimodal.utils._validation import check_regression_target


def _table(n=60, seed=0):
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 3
    X = pd.DataFrame(
        rng.normal(size=(n, 4)) + y[:, None], columns=["a1", "a2", "b1", "c1"]
    )
    return X, y


def _branches():
    return [
        ("a", StandardScaler(), ["a1", "a2"]),
        ("b", "passthrough", ["b1"]),
        ("c", "passthrough", ["c1"]),
    ]


class _Spy(FunctionTransformer):
    """A branch that counts its fits, to tell whether an error came before
    any branch was fitted."""

    fits = []

    def fit(self, X, y=None):
        _Spy.fits.append(1)
        return super().fit(X, y)


@pytest.fixture
def spy():
    _Spy.fits.clear()
    yield _Spy
    _Spy.fits.clear()


# ----------------------------------------- 1. weights of a "drop" branch


@pytest.mark.parametrize(
    "weights", [{"a": 5.0, "b": 2.0}, [5.0, 2.0, 1.0]], ids=["dict", "list"]
)
@pytest.mark.parametrize("method", ["concat", "sum"])
def test_weight_of_a_dropped_branch_is_ignored(weights, method):
    X, y = _table()
    fusion = ModalityFusion(_branches(), method=method, weights=weights)
    fusion.set_params(a="drop").fit(X, y)
    assert fusion.modality_names_ == ["b", "c"]
    assert fusion.method_.get_params()["weights"] == [2.0, 1.0]
    if method == "sum":  # learned weights: one per kept branch
        fusion.set_params(weights="auto").fit(X, y)
        assert len(fusion.method_.weights_) == 2


def test_grid_dropping_a_weighted_branch_fits():
    X, y = _table()
    pipe = Pipeline(
        [
            ("fusion", ModalityFusion(_branches(), weights={"a": 2.0, "b": 1.0})),
            ("clf", LogisticRegression()),
        ]
    )
    grid = GridSearchCV(
        pipe, {"fusion__a": ["drop", StandardScaler()]}, cv=3, error_score="raise"
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 2


def test_a_list_of_weights_gives_one_per_declared_branch():
    X, y = _table()
    fusion = ModalityFusion(_branches(), weights=[2.0, 1.0]).set_params(a="drop")
    with pytest.raises(ValueError, match="got 2 weights for 3 transformers.*'drop'"):
        fusion.fit(X, y)


def test_only_dropped_branches_weighing_is_named():
    X, y = _table()
    fusion = ModalityFusion(_branches(), weights=[1.0, 0.0, 0.0]).set_params(a="drop")
    with pytest.raises(InvalidParameterError, match=r"positive weights.*\['a'\]"):
        fusion.fit(X, y)


# ----------------------------------------- 2. weights checked before fitting


@pytest.mark.parametrize(
    "weights, match",
    [
        ([1, 2, 3], "got 3 weights for 2 modalities"),
        ({"tabb": 1.0}, r"unknown modalities \['tabb'\]"),
        ([np.nan, 1], "finite"),
    ],
)
def test_bad_weights_are_refused_before_any_branch_is_fitted(spy, weights, match):
    X, y = _table()
    fusion = ModalityFusion(
        [("tab", spy(), ["a1", "a2"]), ("b", "passthrough", ["b1"])],
        method="stack",
        weights=weights,
    )
    with pytest.raises(ValueError, match=match):
        fusion.fit(X, y)
    assert spy.fits == []


# ----------------------------------------- 3. feature names by X's columns


def _positional():
    return [("a", StandardScaler(), [3, 4]), ("b", "passthrough", [5])]


@pytest.mark.parametrize("frame", [False, True], ids=["array", "int-labelled"])
def test_positional_names_count_in_X_as_column_transformer(frame):
    rng = np.random.RandomState(0)
    A = rng.normal(size=(40, 6))
    y = np.arange(40) % 2
    X = pd.DataFrame(A) if frame else A
    fusion = ModalityFusion(_positional()).fit(X, y)
    ct = ColumnTransformer(_positional()).fit(X, y)
    assert fusion.get_feature_names_out().tolist() == ["a__x3", "a__x4", "b__x5"]
    assert (
        fusion.get_feature_names_out().tolist() == ct.get_feature_names_out().tolist()
    )
    names = [f"f{i}" for i in range(6)]
    assert fusion.get_feature_names_out(names).tolist() == ["a__f3", "a__f4", "b__f5"]
    assert fusion.get_feature_names_out(names).tolist() == (
        ct.get_feature_names_out(names).tolist()
    )
    with pytest.raises(ValueError, match="input_features"):
        fusion.get_feature_names_out(names[:5])
    # a table with column names keeps them
    X = pd.DataFrame(A, columns=names)
    fusion = ModalityFusion(_positional()).fit(X, y)
    assert fusion.get_feature_names_out().tolist() == ["f3", "f4", "f5"]
    assert fusion.get_feature_names_out(names).tolist() == ["f3", "f4", "f5"]
    with pytest.raises(ValueError, match="input_features is not equal"):
        fusion.get_feature_names_out([f"g{i}" for i in range(6)])


def test_pandas_output_names_positional_columns_by_X():
    rng = np.random.RandomState(0)
    A = rng.normal(size=(40, 6))
    fusion = ModalityFusion(_positional()).set_output(transform="pandas")
    out = fusion.fit_transform(A, np.arange(40) % 2)
    assert list(out.columns) == ["a__x3", "a__x4", "b__x5"]


# ----------------------------------------- 4. a declared target_type is checked


def _labels():
    y = np.arange(60) % 3
    Y = np.stack([y == 0, y == 1, y == 2], axis=1).astype(int)
    bad = Y.copy()
    bad[5, 1] = 2
    lists = [["red", "round"] if c == 0 else ["round"] for c in y]
    return y, Y, bad, lists


@pytest.mark.parametrize(
    "declared, which, match, good",
    [
        ("multilabel-indicator", "classes", "matrix.*1-D 'multiclass'", "matrix"),
        ("multilabel-indicator", "lists", "target_type='multilabel-indicator'", None),
        ("multilabel-indicator", "bad", "multioutput'.*row 5, column 1 holds 2", None),
        ("binary", "classes", "two classes.*'multiclass'.*3 classes", "two"),
        ("multiclass", "matrix", "one class label per row.*3 columns", "two"),
    ],
)
def test_declared_target_type_is_checked_before_any_branch(
    spy, declared, which, match, good
):
    X, _ = _table()
    y, Y, bad, lists = _labels()
    targets = {
        "classes": y,
        "two": (y > 0).astype(int),  # "multiclass" takes two classes too
        "matrix": Y,
        "bad": bad,
        "lists": lists,
    }
    fusion = ModalityFusion(
        [("a", spy(), ["a1", "a2"])], method="stack", target_type=declared
    )
    with pytest.raises(ValueError, match=match):
        fusion.fit(X, targets[which])
    assert spy.fits == []
    if good is not None:  # a target of the type declared fits
        assert fusion.fit_transform(X, targets[good]).shape[0] == 60


def test_two_column_continuous_target_names_the_methods_that_fit_it(spy):
    X, y = _table()
    target = np.c_[y + 0.5, y * 2.5]
    fusion = ModalityFusion(
        [("a", spy(), ["a1", "a2"])], method="stack", target_type="continuous"
    )
    with pytest.raises(ValueError, match="2 columns.*Methods that can: concat"):
        fusion.fit(X, target)
    assert spy.fits == []
    fusion.set_params(method="concat").fit(X, target)
    assert fusion.target_type_ == "continuous-multioutput"


# ----------------------------------------- 5. one regression-target check


def _price(n=60):
    return pd.Series(np.arange(n) * 1.5, index=np.arange(1000, 1000 + n))


@pytest.mark.parametrize("method", ["concat", "stack"])
def test_infinite_regression_target_is_named_by_row_and_index(spy, method):
    X, _ = _table()
    X.index = np.arange(1000, 1060)
    price = _price()
    price.iloc[7] = np.inf
    fusion = ModalityFusion(
        [("a", spy(), ["a1", "a2"])], method=method, target_type="continuous"
    )
    with pytest.raises(
        ValueError, match=r"infinite in 1 row\(s\): row 7 \(index 1007\)"
    ):
        fusion.fit(X, price)
    assert spy.fits == []


def _compare_models(X, y):
    model = make_pipeline(
        ModalityFusion(_branches(), method="concat", target_type="continuous"),
        Ridge(),
    )
    return compare_models({"ridge": model}, X, y, cv=3)


def test_compare_models_names_an_infinite_target():
    X, _ = _table()
    price = np.array(_price())
    price[4] = -np.inf
    with pytest.raises(ValueError, match=r"y is infinite in 1 row\(s\): row 4\b"):
        _compare_models(X, price)


@pytest.mark.parametrize(
    "value, match",
    [
        ("cheap", "row 5 of y is 'cheap'"),
        ("12.5", "row 5 of y is '12.5' \\(a number written as text\\)"),
    ],
)
def test_text_in_a_regression_target_is_named_by_fit_and_compare_models(
    spy, value, match
):
    X, _ = _table()
    price = _price().astype(object).reset_index(drop=True)
    price.iloc[5] = value
    fusion = ModalityFusion([("a", spy(), ["a1", "a2"])], target_type="continuous")
    with pytest.raises(ValueError, match="target_type='continuous'.*" + match):
        fusion.fit(X, price)
    assert spy.fits == []
    with pytest.raises(ValueError, match="task='regression'.*" + match):
        _compare_models(X, price)


def test_object_regression_target_of_numbers_is_read_as_floats():
    X, _ = _table()
    price = _price().astype(object).reset_index(drop=True)
    fusion = ModalityFusion(_branches(), method="stack", target_type="continuous")
    # one prediction per modality and the joint one
    assert fusion.fit_transform(X, price).shape == (60, 4)
    result = _compare_models(X, price)
    assert result.y_true.dtype == np.float64


def test_check_regression_target_names_the_cell_of_a_2d_target():
    Y = np.array([[1.0, 2.0], [3.0, np.inf]])
    with pytest.raises(ValueError, match="row 1, column 1"):
        check_regression_target(Y)
    out = check_regression_target(np.array([[1, 2.5], [3, 4]], dtype=object))
    assert out.dtype == np.float64 and out.shape == (2, 2)


@pytest.mark.parametrize("estimator", ["logistic", "ridge"])
def test_an_infinite_target_is_named_by_row_whatever_the_target_type(estimator):
    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.datasets import make_multimodal_classification

    X, _ = make_multimodal_classification(30, 2, random_state=0)
    y = np.arange(30.0)
    y[7] = np.inf
    pipe = make_multimodal_pipeline(image_features="pixels", estimator=estimator)
    with pytest.raises(ValueError, match=r"y is infinite in 1 row\(s\): row 7\."):
        pipe.fit(X, y)


# -- a review of the round ---------------------------------------------------------
def _small(n=40, columns=3):
    rng = np.random.RandomState(0)
    y = np.arange(n) % 2
    X = pd.DataFrame(
        rng.normal(size=(n, columns)) + y[:, None], columns=list("abc")[:columns]
    )
    return X, y


def test_a_one_column_label_matrix_is_refused_as_a_binary_target():
    X, y = _small()
    fusion = ModalityFusion(
        [("a", StandardScaler(), ["a"]), ("b", StandardScaler(), ["b", "c"])],
        method="stack",
        target_type="multilabel-indicator",
    )
    with pytest.raises(ValueError, match="label matrix y of one column: one label"):
        fusion.fit(X, y[:, None])


def test_whole_numbers_past_int64_declared_as_classes_get_the_message():
    X, _ = _small(30, 2)
    y = np.array([1e19, 2e19, 3e19])[np.arange(30) % 3]
    fusion = ModalityFusion(
        [("a", StandardScaler(), ["a"]), ("b", StandardScaler(), ["b"])],
        method="stack",
        target_type="multiclass",
    )
    with pytest.raises(ValueError, match=r"y is 'continuous' \(type_of_target\)\."):
        fusion.fit(X, y)


def test_a_branch_keeping_its_own_input_names_is_named_without_a_warning():
    from sklearn.impute import SimpleImputer

    A = np.random.RandomState(0).normal(size=(40, 6))
    inner = make_pipeline(
        SimpleImputer().set_output(transform="pandas"), StandardScaler()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fusion = ModalityFusion([("a", inner, [3, 4]), ("b", "passthrough", [5])])
        names = fusion.fit(A, np.arange(40) % 2).get_feature_names_out()
    assert names.tolist() == ["a__x0", "a__x1", "b__x5"]  # the branch's own names


@pytest.mark.parametrize("weights", [[-1.0, 1.0, 1.0], {"a": np.nan}, ["x", 1, 1]])
def test_the_weight_of_a_dropped_branch_is_checked_too(weights):
    X, y = _small()
    branches = [
        ("a", StandardScaler(), ["a"]),
        ("b", StandardScaler(), ["b"]),
        ("c", "passthrough", ["c"]),
    ]
    fusion = ModalityFusion(branches, method="sum", weights=weights).set_params(
        a="drop"
    )
    with pytest.raises(ValueError, match="weights must be"):
        fusion.fit(X, y)
