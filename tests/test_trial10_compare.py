"""compare_models: groups that cannot reach a model's internal folds are
said (a warning without metadata routing, an error for an unset request
with it), a one-column y, and a dict of columns as X."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.exceptions import DataConversionWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion.methods import StackFusion
from skmultimodal.model_selection import compare_models


def _grouped(n_groups=30, size=4, seed=0):
    """Each group: ``size`` identical rows with one label, random across
    groups, so only a model that saw a row's group can know it."""
    rng = np.random.RandomState(seed)
    g = np.repeat(np.arange(n_groups), size)
    y = np.repeat(rng.randint(0, 3, n_groups), size)
    X = np.repeat(rng.normal(size=(n_groups, 4)), size, axis=0)
    return X, y, g


def _late():
    return LateFusionClassifier(
        [
            ("a", KNeighborsClassifier(n_neighbors=1), [0, 1]),
            ("b", KNeighborsClassifier(n_neighbors=1), [2, 3]),
        ],
        weights="auto",
        cv=3,
    )


def _fusion():
    return ModalityFusion(
        [("a", "passthrough", [0, 1]), ("b", "passthrough", [2, 3])],
        method=StackFusion(estimator=KNeighborsClassifier(n_neighbors=1)),
    )


def _train_scores(entry, X, y):
    """Each fold model's accuracy on its own training rows."""
    out = []
    for est, test in zip(entry.estimators, entry.test_indices):
        train = np.setdiff1d(np.arange(len(y)), test)
        out.append(est.score(X[train], y[train]))
    return np.array(out)


# ------------------------------------------ routing off: a bare searched model


def test_search_over_a_bare_consumer_warns_once_naming_the_model():
    X, y, g = _grouped()
    piped = GridSearchCV(
        make_pipeline(_fusion(), LogisticRegression()), {}, cv=GroupKFold(2)
    )
    bare = GridSearchCV(_late(), {"voting": ["soft"]}, cv=GroupKFold(2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compare_models({"piped": piped, "bare": bare}, X, y, groups=g, cv=3)
    said = [w for w in caught if "reach only the splitter" in str(w.message)]
    assert len(said) == 1  # once for the model, not once per fold
    message = str(said[0].message)
    assert "models['bare']" in message and "LateFusionClassifier" in message
    assert "set_fit_request(groups=True)" in message and "Pipeline" in message
    assert said[0].filename == __file__  # the line calling compare_models


def test_search_over_a_bare_modality_fusion_warns():
    X, y, g = _grouped()
    search = GridSearchCV(_fusion(), {"weights": [None]}, cv=GroupKFold(2))
    with pytest.warns(UserWarning, match=r"models\['f'\].*not the ModalityFusion"):
        # a transformer has no score: the search fails, warned before fitting
        with pytest.raises(TypeError, match="should have a 'score' method"):
            compare_models({"f": search}, X, y, groups=g, cv=3)


def test_search_over_a_pipeline_does_not_warn():
    X, y, g = _grouped()
    search = GridSearchCV(
        make_pipeline(_fusion(), LogisticRegression()), {}, cv=GroupKFold(2)
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compare_models({"p": search}, X, y, groups=g, cv=3)
    assert not [w for w in caught if "reach only the splitter" in str(w.message)]


# ------------------------------------------------ routing on: unset requests


class _Counting(LogisticRegression):
    fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


def test_unset_groups_request_is_refused_before_fitting():
    X, y, g = _grouped()
    _Counting.fits = 0
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(_fusion(), _Counting())
        with pytest.raises(
            ValueError,
            match=r"models\['stack'\]: its ModalityFusion \(at 'modalityfusion'\)"
            r".*set_fit_request\(groups=True\).*set_fit_request\(groups=False\)",
        ):
            compare_models({"plain": _Counting(), "stack": pipe}, X, y, groups=g, cv=3)
        assert _Counting.fits == 0  # refused before anything was fitted
        with pytest.raises(ValueError, match=r"the model itself \(a Late"):
            compare_models({"late": _late()}, X, y, groups=g, cv=3)
        search = GridSearchCV(_late(), {"voting": ["soft"]}, cv=GroupKFold(2))
        with pytest.raises(
            ValueError,
            match=r"models\['s'\]: its LateFusion\w+ \(at 'estimator'",
        ):
            compare_models({"s": search}, X, y, groups=g, cv=3)


def test_groups_request_false_leaves_them_out_and_true_gives_them():
    X, y, g = _grouped()
    with sklearn.config_context(enable_metadata_routing=True):
        ignored = make_pipeline(
            _fusion().set_fit_request(groups=False), LogisticRegression()
        )
        wanted = make_pipeline(
            _fusion().set_fit_request(groups=True), LogisticRegression()
        )
        result = compare_models(
            {"ignored": ignored, "wanted": wanted, "none": LogisticRegression()},
            X,
            y,
            groups=g,
            cv=3,
        )
        # a searched bare model gets them once it asks
        late = _late().set_fit_request(groups=True)
        search = GridSearchCV(late, {"voting": ["soft"]}, cv=GroupKFold(2))
        searched = compare_models({"s": search}, X, y, groups=g, cv=3)
    # ungrouped, the stacking trusts its 1-NN experts and fits its rows
    assert (_train_scores(result.models["ignored"], X, y) == 1.0).all()
    assert (_train_scores(result.models["wanted"], X, y) < 0.9).all()
    fitted = [e.best_estimator_ for e in searched.models["s"].estimators]
    assert all(e.cv_log_loss_ > 8.0 for e in fitted)  # learned on grouped folds


# ------------------------------------------------------------ one-column y


@pytest.fixture(scope="module")
def small():
    return make_multimodal_classification(n_samples=30, random_state=0)


@pytest.mark.parametrize("shape", ["frame", "array"])
def test_one_column_y_is_raveled_with_a_warning(small, shape):
    X, y = small
    column = pd.DataFrame({"label": y}) if shape == "frame" else y.reshape(-1, 1)
    with pytest.warns(DataConversionWarning, match="column-vector y") as caught:
        result = compare_models(
            {"t": make_multimodal_pipeline(image=None)}, X, column, cv=3
        )
    entry = result.models["t"]
    assert entry.oof_pred.shape == (30,) and result.y_true.shape == (30,)
    assert result.task == "classification" and result.n_classes == 3
    assert all(w.filename == __file__ for w in caught)  # the calling line
    expected = compare_models({"t": make_multimodal_pipeline(image=None)}, X, y, cv=3)
    np.testing.assert_array_equal(entry.oof_pred, expected.models["t"].oof_pred)


def test_one_column_y_is_raveled_before_fitting():
    X, y, _ = _grouped()
    _Counting.fits = 0
    with pytest.warns(DataConversionWarning):
        with pytest.raises(ValueError, match="cv=3 needs at least 3 samples"):
            compare_models({"c": _Counting()}, X, np.r_[y[:-2], 5, 5][:, None], cv=3)
    assert _Counting.fits == 0


# ---------------------------------------------------------- a dict as X


def test_dict_of_columns_as_x(small):
    X, y = small
    columns = {c: X[c].tolist() for c in X}
    before = {k: list(v) for k, v in columns.items()}
    result = compare_models(
        {"t": make_multimodal_pipeline(image=None)}, columns, y, cv=3
    )
    expected = compare_models({"t": make_multimodal_pipeline(image=None)}, X, y, cv=3)
    np.testing.assert_array_equal(
        result.models["t"].oof_pred, expected.models["t"].oof_pred
    )
    assert list(columns) == list(before)  # the dict is left as it is
    assert all(columns[k] == before[k] for k in before)
    # a Series column is read by position, as the models read it
    shuffled = {"text": pd.Series(X["text"].to_numpy(), index=np.arange(30)[::-1])}
    by_position = compare_models(
        {"t": make_multimodal_pipeline(image=None)}, shuffled, y, cv=3
    )
    np.testing.assert_array_equal(
        by_position.models["t"].oof_pred, expected.models["t"].oof_pred
    )


@pytest.mark.parametrize(
    "columns, message",
    [
        ({"text": ["a"] * 30, "image": ["b"] * 29}, r"'text': 30, 'image': 29"),
        ({"text": "a"}, r"value of 'text' in the dict X is a single str"),
        ({"image": np.zeros((30, 2, 2))}, r"'image' .* array of shape \(30, 2, 2\)"),
    ],
)
def test_bad_dict_x_is_refused_before_fitting(columns, message):
    _Counting.fits = 0
    with pytest.raises(ValueError, match=message):
        compare_models({"c": _Counting()}, columns, np.arange(30) % 3, cv=3)
    assert _Counting.fits == 0
