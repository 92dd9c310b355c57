"""make_multimodal_pipeline: what it builds and that it learns from both."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion import FusionMethod, ModalityFusion
from skmultimodal.fusion.methods import ConcatFusion
from skmultimodal.plugins import (
    get_registry,
    hookimpl,
    register_plugin,
    unregister_plugin,
)

from .cli.conftest import write_dataset


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    import pandas as pd

    path = write_dataset(tmp_path_factory.mktemp("pipe"), n_per_class=6)
    df = pd.read_csv(path)
    X = pd.DataFrame(
        {
            "img": [str(path.parent / p) for p in df["picture"]],
            "txt": df["caption"],
        }
    )
    return X, df["label"].to_numpy()


def test_default_is_stack_fusion_then_logistic_regression():
    pipe = make_multimodal_pipeline()
    assert isinstance(pipe, Pipeline)
    fusion, clf = pipe.named_steps["fusion"], pipe.named_steps["classifier"]
    assert isinstance(fusion, ModalityFusion) and fusion.method == "stack"
    assert fusion.method_params is None  # no parameters baked into the slot
    assert [(n, c) for n, _, c in fusion.transformers] == [
        ("image", "image"),
        ("text", "text"),
    ]
    assert isinstance(clf, LogisticRegression)
    # nested parameters reach the branches, so GridSearchCV can tune them
    params = pipe.get_params()
    assert "fusion__image__scale__with_mean" in params
    assert "fusion__text__features__words__method" in params
    assert clone(pipe).get_params()["fusion__method"] == "stack"
    # one modality: nothing to stack, plain concat
    assert make_multimodal_pipeline(text=None).named_steps["fusion"].method == "concat"


def test_single_modality_and_column_names(data):
    X, y = data
    pipe = make_multimodal_pipeline(image=None, text="txt").fit(X, y)
    assert pipe.named_steps["fusion"].modality_names_ == ["text"]
    assert pipe.score(X, y) > 0.9
    with pytest.raises(ValueError, match="At least one"):
        make_multimodal_pipeline(image=None, text=None)


@pytest.mark.parametrize("method", ["concat", "attention", "late", "stack"])
def test_fits_and_predicts_every_kind(data, method):
    X, y = data
    pipe = make_multimodal_pipeline(
        image="img", text="txt", method=method, random_state=0
    )
    assert isinstance(pipe, Pipeline)
    pipe.fit(X, y)
    proba = pipe.predict_proba(X)
    assert proba.shape == (len(y), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert list(pipe.classes_) == ["circle", "square", "stripe"]


def test_custom_classifier_and_named_extractors(data):
    X, y = data
    pipe = make_multimodal_pipeline(
        image="img",
        text="txt",
        classifier=DecisionTreeClassifier(random_state=0),
        image_features="color_histogram",
        text_features="count",
    )
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.mean() > 1 / 3  # better than chance on the easy tiny data
    assert isinstance(pipe.named_steps["classifier"], DecisionTreeClassifier)


def test_bad_classifier_and_method():
    with pytest.raises(ValueError, match="Unknown estimator 'svm'"):
        make_multimodal_pipeline(classifier="svm")
    with pytest.raises(ValueError, match="estimator with fit/predict"):
        make_multimodal_pipeline(classifier=42)


@pytest.mark.slow  # imports TensorFlow
def test_attention_classifier_gets_the_recommended_settings():
    pytest.importorskip("scikeras", reason="the attention classifier needs keras")
    pipe = make_multimodal_pipeline(classifier="attention", random_state=0)
    # stacking that keeps every expert: the network leaves out a modality
    method = pipe.named_steps["fusion"].method
    assert type(method).__name__ == "StackFusion" and method.select is None
    clf = pipe.named_steps["classifier"]
    assert type(clf).__name__ == "MultimodalAttentionClassifier"
    assert clf.get_params()["weight_decay"] == 0.01
    assert clf.get_params()["optimizer"] == "adamw"
    assert clf.random_state == 0


class _MaxFusion(FusionMethod):
    """A throwaway plugin method: element-wise max of the dense blocks."""

    accepts_sparse = True

    def fit(self, blocks, y=None):
        self.width_ = min(b.shape[1] for b in blocks)
        return self

    def transform(self, blocks):
        dense = [b.toarray() if hasattr(b, "toarray") else b for b in blocks]
        return np.maximum.reduce([np.asarray(b)[:, : self.width_] for b in dense])

    def get_feature_names_out(self, input_features):
        return np.array([f"max__{j}" for j in range(self.width_)], dtype=object)


class _MaxPlugin:
    @hookimpl
    def skmultimodal_register_fusion_methods(self, register):
        register("max_test", _MaxFusion)


@pytest.fixture
def max_plugin():
    plugin = _MaxPlugin()
    register_plugin(plugin, name="max-test-plugin")
    yield
    unregister_plugin(plugin)


def test_one_grid_over_every_registered_method(data, max_plugin):
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    X, y = data
    names = get_registry("fusion_method").names()
    assert {"max_test", "late", "stack", "concat"} <= set(names)
    grid = GridSearchCV(
        make_multimodal_pipeline(image="img", text="txt", random_state=0),
        {"fusion__method": [*names, ConcatFusion(block_norm="l2")]},
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        error_score="raise",
    ).fit(X, y)
    scores = grid.cv_results_["mean_test_score"]
    assert len(scores) == len(names) + 1 and np.isfinite(scores).all()
    # a method's parameters never travel to another one
    for params in grid.cv_results_["params"]:
        pipe = clone(grid.estimator).set_params(**params)
        assert pipe.named_steps["fusion"].method_params is None


def test_unknown_method_in_a_grid_fails_at_fit_listing_the_methods(data):
    from sklearn.model_selection import GridSearchCV

    X, y = data
    grid = GridSearchCV(
        make_multimodal_pipeline(image="img", text="txt"),
        {"fusion__method": ["concat", "nope"]},
        cv=2,
        error_score="raise",
    )
    with pytest.raises(ValueError, match="Unknown fusion method 'nope'") as exc:
        grid.fit(X, y)
    for name in ("concat", "stack", "late", "product"):
        assert name in str(exc.value)


def test_method_params_build_a_configured_instance():
    pipe = make_multimodal_pipeline(method="concat", method_params={"block_norm": "l2"})
    method = pipe.named_steps["fusion"].method
    assert isinstance(method, ConcatFusion) and method.block_norm == "l2"
    assert pipe.get_params()["fusion__method__block_norm"] == "l2"
    with pytest.raises(ValueError, match="are not valid for method 'sum'"):
        make_multimodal_pipeline(method="sum", method_params={"block_norm": "l2"})


def test_default_text_branch_parameters_are_searchable_one_by_one(data, tmp_path):
    import pickle

    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import FeatureUnion

    from skmultimodal.persistence import load_model, save_model
    from skmultimodal.text import TextFeatures

    X, y = data
    pipe = make_multimodal_pipeline(image="img", text="txt", random_state=0)
    params = pipe.get_params(deep=True)
    words = "fusion__text__features__words__method__"
    chars = "fusion__text__features__chars__method__"
    assert params[words + "ngram_range"] == (1, 1)
    assert params[words + "sublinear_tf"] is True
    assert params[chars + "ngram_range"] == (3, 5)
    assert params[chars + "analyzer"] == "char_wb"
    # one parameter set on its own; the other vectorizer keeps its settings
    tuned = clone(pipe).set_params(**{words + "ngram_range": (1, 2)})
    assert tuned.get_params()[words + "ngram_range"] == (1, 2)
    assert tuned.get_params()[chars + "ngram_range"] == (3, 5)
    assert pipe.get_params()[words + "ngram_range"] == (1, 1)  # not shared

    # the same features as the vectorizers given by name and method_params
    by_name = FeatureUnion(
        [
            ("words", TextFeatures("tfidf", method_params={"sublinear_tf": True})),
            (
                "chars",
                TextFeatures(
                    "tfidf",
                    method_params={
                        "sublinear_tf": True,
                        "analyzer": "char_wb",
                        "ngram_range": (3, 5),
                    },
                ),
            ),
        ]
    )
    branch = clone(params["fusion__text__features"])
    expected = by_name.fit_transform(X["txt"], y).toarray()
    np.testing.assert_array_equal(branch.fit_transform(X["txt"], y).toarray(), expected)
    assert list(branch.get_feature_names_out()) == list(by_name.get_feature_names_out())

    # a grid over that one parameter fits
    grid = GridSearchCV(
        pipe,
        {words + "ngram_range": [(1, 1), (1, 2)]},
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        error_score="raise",
    ).fit(X, y)
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert grid.best_estimator_.get_params()[words + "ngram_range"] in [(1, 1), (1, 2)]

    # clone, pickle and the .skops format (trusted types only) keep it
    fitted = clone(pipe).fit(X, y)
    expected = fitted.predict_proba(X)
    np.testing.assert_allclose(
        pickle.loads(pickle.dumps(fitted)).predict_proba(X), expected
    )
    path = save_model(fitted, tmp_path / "model.skops")
    loaded = load_model(path).estimator
    np.testing.assert_allclose(loaded.predict_proba(X), expected)
    assert loaded.get_params()[words + "ngram_range"] == (1, 1)
