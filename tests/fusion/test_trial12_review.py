"""Trial 12 review: a search's candidates asked for internal folds, lists of
splits under missing="skip", parameters checked at transform, positions of
the builder, the tabular branch on an array, a single member of
weights="auto", the weights of "drop" members, and one check that test
folds partition the rows."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import randint
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, RandomizedSearchCV
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion.methods import StackFusion
from skmultimodal.model_selection import compare_models
from skmultimodal.model_selection._compare import _searches_internal_folds
from skmultimodal.persistence import load_model, save_model

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _frame(n=80, seed=0):
    rng = np.random.RandomState(seed)
    X = pd.DataFrame({"a": rng.randn(n), "b": rng.randn(n)})
    return X, (X.a > 0).astype(int).to_numpy()


def _late(a=None, b=None, **kw):
    return LateFusionClassifier(
        [
            ("a", a or LogisticRegression(), ["a"]),
            ("b", b or LogisticRegression(), ["b"]),
        ],
        **kw,
    )


class _Counting(LogisticRegression):
    """Records the number of rows of every fit (clones included)."""

    fits = []

    def fit(self, X, y, sample_weight=None):
        _Counting.fits.append(len(X))
        return super().fit(X, y, sample_weight)


# -- 1. a search's internal folds: every candidate of its grid ---------------------
def test_search_internal_folds_ask_every_candidate():
    late = _late()
    assert _searches_internal_folds(GridSearchCV(late, {"weights": ["auto"]}))
    assert _searches_internal_folds(GridSearchCV(late, {"weights": [None, "auto"]}))
    assert _searches_internal_folds(
        GridSearchCV(late, [{"cv": [3]}, {"weights": ["auto"]}])
    )
    auto = _late(weights="auto")
    assert not _searches_internal_folds(GridSearchCV(auto, {"weights": [None]}))
    assert _searches_internal_folds(GridSearchCV(auto, {"cv": [2, 3]}))
    # one member left: its weight is 1, no folds, whatever the grid
    assert not _searches_internal_folds(GridSearchCV(auto, {"b": ["drop"]}))
    # lists of param_distributions are enumerated; a distribution keeps the
    # model's own value
    search = RandomizedSearchCV(late, {"weights": ["auto"], "cv": randint(2, 4)})
    assert _searches_internal_folds(search)
    assert not _searches_internal_folds(RandomizedSearchCV(late, {"cv": randint(2, 4)}))
    assert _searches_internal_folds(RandomizedSearchCV(auto, {"cv": randint(2, 4)}))
    fusion = ModalityFusion([("a", "passthrough", ["a"])])
    assert _searches_internal_folds(
        GridSearchCV(fusion, {"method": ["concat", "stack"]})
    )
    assert not _searches_internal_folds(GridSearchCV(fusion, {"method": ["concat"]}))


def _routing_warnings(search):
    X, y = _frame(120)
    groups = np.repeat(np.arange(12), 10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compare_models({"s": search}, X, y, groups=groups, cv=3)
    return [str(w.message) for w in caught if "internal folds" in str(w.message)]


def test_compare_models_warns_of_a_grid_that_switches_internal_folds_on():
    assert _routing_warnings(GridSearchCV(_late(), {"weights": ["auto"]}, cv=2))
    assert not _routing_warnings(
        GridSearchCV(_late(weights="auto"), {"weights": [None]}, cv=2)
    )


# -- 2. a list of splits under missing="skip" --------------------------------------
def test_skip_maps_a_list_of_splits_onto_each_modalitys_rows():
    X, y = _frame()
    X.loc[[0, 1, 2], "b"] = np.nan  # in the test part of the first split
    splits = list(KFold(4).split(X))
    _Counting.fits = []
    late = _late(b=_Counting(), weights="auto", cv=splits, missing="skip")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        late.fit(X, y)
    # b's folds: the present rows of each split (77 rows; 3 left out of a test part)
    assert sorted(_Counting.fits) == [57, 57, 57, 60, 77]
    masks = [
        (np.isin(np.arange(80), tr), np.isin(np.arange(80), te)) for tr, te in splits
    ]
    _Counting.fits = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        late.set_params(cv=masks).fit(X, y)
    assert sorted(_Counting.fits) == [57, 57, 57, 60, 77]
    X.loc[np.arange(20, 80), "b"] = np.nan  # b only in the first test part
    with pytest.raises(ValueError, match="split 0 of cv trains on none of the rows"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            late.set_params(cv=splits).fit(X, y)
    X.loc[np.arange(20, 80), "b"], X.loc[np.arange(20), "b"] = 1.0, np.nan
    _Counting.fits = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        late.fit(X, y)  # the split testing none of b's rows is left out
    assert sorted(_Counting.fits) == [40, 40, 40, 60]
    more = list(KFold(4).split(np.arange(90)))
    with pytest.raises(ValueError, match="index rows up to 89 but fit got 80 rows"):
        late.set_params(cv=more).fit(X, y)


# -- 3. parameters read at transform and predict, checked --------------------------
def test_n_jobs_set_after_fit_is_refused_naming_it():
    X, y = _frame(40)
    branches = [("a", StandardScaler(), ["a"]), ("b", StandardScaler(), ["b"])]
    fusion = ModalityFusion(branches).fit(X, y)
    with pytest.raises(
        InvalidParameterError, match="'n_jobs' parameter of ModalityFusion"
    ):
        fusion.set_params(n_jobs=0).transform(X)
    late = _late().fit(X, y)
    with pytest.raises(
        InvalidParameterError, match="'n_jobs' parameter of LateFusionClassifier"
    ):
        late.set_params(n_jobs=0).predict(X)


# -- 4. positions from the start and from the end ----------------------------------
def test_builder_refuses_positions_from_both_ends():
    for kw in (
        {"image": [0, -2], "text": None},
        {"image": 0, "text": {"f": 1, "b": -1}},
    ):
        with pytest.raises(ValueError, match="mixes positions from the start"):
            make_multimodal_pipeline(**kw)
    with pytest.raises(ValueError, match="names a column twice"):
        make_multimodal_pipeline(image=[-1, -1], text=None)
    pipe = make_multimodal_pipeline(image=[-2, -1], text=None)
    assert [(n, c) for n, _, c in pipe[0].transformers] == [
        ("image_-2", -2),
        ("image_-1", -1),
    ]
    make_multimodal_pipeline(image=0, text=-1)  # one position each: allowed


# -- 5. the tabular branch on an array --------------------------------------------
def test_tabular_on_an_array_says_it_needs_a_dataframe():
    X, y = make_multimodal_classification(40, 2, random_state=0)
    X = X.assign(price=np.arange(40.0))
    pipe = make_multimodal_pipeline(
        image=0, text=1, tabular=["price"], image_features="pixels", method="concat"
    )
    with pytest.raises(ValueError) as info:
        pipe.fit(X.to_numpy(), y)
    message = str(info.value)
    assert "tabular= selects columns by name only: pass X as a DataFrame" in message
    assert "by position" not in message


def test_the_tabular_hint_travels_with_the_columns_not_the_branch_name(tmp_path):
    X, y = make_multimodal_classification(40, 2, random_state=0)
    X = X.assign(price=np.arange(40.0))
    pipe = make_multimodal_pipeline(
        image=0, text=1, tabular=["price"], image_features="pixels", method="concat"
    )
    save_model(pipe, tmp_path / "model.skops")  # the .skops format keeps it too
    loaded = load_model(tmp_path / "model.skops").estimator
    for copy in (clone(pipe), pickle.loads(pickle.dumps(pipe)), loaded):
        with pytest.raises(ValueError, match="tabular= selects columns by name"):
            copy.fit(X.to_numpy(), y)
    columns = dict((n, c) for n, _, c in pipe[0].transformers)["tabular"]
    assert columns == ["price"] and isinstance(columns, list)
    mine = ModalityFusion([("tabular", "passthrough", ["price"])])
    with pytest.raises(ValueError, match="Select an array's columns by position"):
        mine.fit(X[["price"]].to_numpy(), y)


@pytest.mark.parametrize("name", ["a", "tabular"])
def test_hand_built_fusion_gets_no_builder_advice(name):
    X, y = _frame(20)
    fusion = ModalityFusion([(name, "passthrough", ["a"])])
    with pytest.raises(
        ValueError, match="Select an array's columns by position"
    ) as info:
        fusion.fit(X.to_numpy(), y)
    assert "make_multimodal_pipeline" not in str(info.value)


# -- 6. an int is a position, whatever the column labels ---------------------------
def test_an_int_is_a_position_on_int_labels():
    X = pd.DataFrame({1: [1.0, 2.0], 0: [3.0, 4.0]})
    out = np.asarray(ModalityFusion([("m", "passthrough", 1)]).fit_transform(X))
    np.testing.assert_allclose(out.ravel() / out[0, 0], [1.0, 4.0 / 3.0])  # column 0


# -- 7. weights="auto" with a single member ----------------------------------------
@pytest.mark.parametrize("single", ["drop", "alone"])
def test_auto_weights_of_a_single_member_skip_the_folds(single):
    X, y = _frame(100)
    _Counting.fits = []
    if single == "drop":
        late = _late(a=_Counting(), b="drop", weights="auto")
    else:
        late = LateFusionClassifier([("a", _Counting(), ["a"])], weights="auto")
    assert not late.__skmultimodal_internal_folds__()
    late.fit(X, y)
    assert _Counting.fits == [100]
    np.testing.assert_array_equal(late.weights_, [1.0])
    assert _late(weights="auto").__skmultimodal_internal_folds__()


# -- 8. the positive weights all belong to "drop" members --------------------------
def test_weights_of_dropped_members_only_are_named():
    X, y = _frame(40)
    late = _late(b="drop", weights={"a": 0, "b": 1})
    with pytest.raises(
        InvalidParameterError,
        match=r"every estimator kept \(\['a'\]\) weighs 0, and the only positive "
        r"weights are those of \['b'\], which are 'drop'",
    ):
        late.fit(X, y)
    with pytest.raises(InvalidParameterError, match=r"those of \['b'\]"):
        late.set_params(weights=[0, 2]).fit(X, y)
    with pytest.raises(InvalidParameterError, match="finite and non-negative"):
        late.set_params(weights=[-1, 2]).fit(X, y)


# -- 11. one check that test folds partition the rows ------------------------------
def test_a_row_twice_in_one_test_fold_is_refused():
    X, y = _frame(60)
    splits = [
        (np.arange(30, 60), np.arange(30)),
        (np.arange(30), np.r_[np.arange(30, 60), 30]),
    ]
    with pytest.raises(
        ValueError, match=r"every row \(of modality 'a'\) in exactly one"
    ):
        _late(weights="auto", cv=splits).fit(X, y)
    fusion = ModalityFusion(
        [("a", "passthrough", ["a"]), ("b", "passthrough", ["b"])],
        method=StackFusion(cv=splits),
    )
    with pytest.raises(ValueError, match="every row in exactly one test fold"):
        fusion.fit(X, y)
