"""Defects of a sixth new-user trial: branch names chosen by the builder,
the target-type message of the fusion methods, and the rows of
LateFusionClassifier in which every modality is missing."""

import ast
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import LateFusionClassifier
from skmultimodal.plugins import register_plugin, unregister_plugin
from tests._methods import HStackMethod, fusion_plugin


@pytest.fixture(scope="module")
def table():
    """Two image and three text columns, named as the trial named them, one
    text column called ``method`` (a ModalityFusion parameter)."""
    X, y = make_multimodal_classification(n_samples=60, n_classes=2, random_state=0)
    words = X["text"].str.split()
    X = pd.DataFrame(
        {
            "front": X["image"],
            "back": X["image"].iloc[::-1].to_numpy(),
            "title": X["text"],
            "body": words.str[::-1].str.join(" "),
            "method": words.str[:3].str.join(" "),
        }
    )
    return X, y


def _pipe(**kwargs):
    return make_multimodal_pipeline(image_features="pixels", random_state=0, **kwargs)


# -- branch names -------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, column, why",
    [
        ({"text": ["title", "image"]}, "image", "unique"),
        ({"text": ["method", "body"]}, "method", "constructor arguments"),
        ({"text": ["weights", "body"]}, "weights", "constructor arguments"),
        ({"text": ["missing", "body"]}, "missing", "constructor arguments"),
        ({"text": ["my__title", "body"]}, "my__title", "__"),
        ({"text": ["tabular", "body"], "tabular": ["x"]}, "tabular", "unique"),
        ({"text": ["joint", "body"]}, "joint", "joint block"),
        (
            {"text": ["presence", "body"], "missing": "indicator"},
            "presence",
            "presence columns",
        ),
        (
            {
                "text": ["title", "title_words"],
                "image_tokens": True,
                "classifier": "attention",
            },
            "title_words",
            "unique",
        ),
    ],
)
def test_a_column_that_makes_a_refused_branch_name_fails_at_build(kwargs, column, why):
    # before: the pipeline was built, and fit failed telling the user to
    # "rename the modality", which the builder gave no way to do
    with pytest.raises(ValueError) as info:
        make_multimodal_pipeline(image="front", **kwargs)
    message = str(info.value)
    assert f"text= column {column!r} gives the branch name {column!r}" in message
    assert why in message
    # the message spells the fix: a dict {branch name: column} ...
    found = re.search(r"text=(\{.*\})$", message)
    assert found, message
    fix = ast.literal_eval(found.group(1))
    assert column in fix.values() and column not in fix
    # ... which the builder accepts
    pipe = make_multimodal_pipeline(image="front", **{**kwargs, "text": fix})
    names = [name for name, _, _ in pipe.named_steps["fusion"].transformers]
    assert len(set(names)) == len(names)


def test_the_suggested_dict_fits(table):
    X, y = table
    with pytest.raises(ValueError, match="column 'method'") as info:
        _pipe(image="front", text=["title", "method"])
    fix = ast.literal_eval(re.search(r"text=(\{.*\})$", str(info.value)).group(1))
    pipe = _pipe(image="front", text=fix).fit(X, y)
    assert set(pipe.predict(X)) <= set(y)


def test_a_dict_names_the_branches(table):
    X, y = table
    pipe = _pipe(
        image={"photo": "front", "rear": "back"},
        text={"title": "title", "how": "method"},
        method="concat",
        weights={"photo": 1.0, "rear": 0.5, "title": 1.0, "how": 1.0},
    )
    fusion = pipe.named_steps["fusion"]
    assert [(n, c) for n, _, c in fusion.transformers] == [
        ("photo", "front"),
        ("rear", "back"),
        ("title", "title"),
        ("how", "method"),
    ]
    pipe.fit(X, y)
    prefixes = {name.split("__")[0] for name in fusion.get_feature_names_out()}
    assert prefixes == {"photo", "rear", "title", "how"}
    # a one-entry dict keeps its key (a plain string would name it "image")
    single = _pipe(image={"photo": "front"}, text=None).named_steps["fusion"]
    assert [n for n, _, _ in single.transformers] == ["photo"]


@pytest.mark.parametrize(
    "text, match",
    [
        (
            {"method": "body"},
            "gives column 'body' the branch name 'method'.*"
            "constructor arguments.*another key in text=",
        ),
        ({"front": "body"}, "branch 'front'.*unique"),
    ],
)
def test_a_refused_dict_key_is_named(text, match):
    with pytest.raises(ValueError, match=match):
        make_multimodal_pipeline(image={"front": "front"}, text=text)


@pytest.mark.parametrize("text", [{}, {"a": 1.5}, {1: "a"}])
def test_a_malformed_dict_is_refused(text):
    with pytest.raises(ValueError, match=r"text= must be .* a dict \{branch name"):
        make_multimodal_pipeline(text=text)


def test_joint_and_presence_are_free_where_nothing_adds_them():
    # ModalityFusion refuses them only next to the block that uses the name
    pipe = make_multimodal_pipeline(
        image="front", text=["joint", "presence"], method="concat"
    )
    names = [n for n, _, _ in pipe.named_steps["fusion"].transformers]
    assert names == ["image", "joint", "presence"]


# -- target types ---------------------------------------------------------------
@pytest.fixture
def undeclared():
    plugin = fusion_plugin(undeclared_test=HStackMethod)
    register_plugin(plugin, name="undeclared-test-plugin")
    yield
    unregister_plugin(plugin)


def test_target_message_lists_only_methods_that_declare_the_type(undeclared):
    with pytest.raises(ValueError) as info:
        make_multimodal_pipeline(method="sum", estimator="ridge")
    message = str(info.value)
    able, _, rest = message.partition("Methods that can: ")[2].partition(".")
    assert set(able.split(", ")) == {"concat", "late", "stack"}
    # a method that declares nothing is named apart, as not checked
    assert "undeclared_test" not in able
    assert re.search(r"Not checked .*undeclared_test", rest)


@pytest.mark.parametrize("target_type", ["continuous", "multilabel-indicator"])
def test_a_method_is_refused_at_build_for_a_target_it_declares_it_cannot_fit(
    target_type,
):
    # before: built, then refused at fit once every branch was featurized
    with pytest.raises(ValueError, match="cannot fit a (continuous|multi-label)"):
        make_multimodal_pipeline(method="product", target_type=target_type)


def test_late_regression_fills_a_row_with_every_modality_missing(table):
    # ModalityFusion fills such rows (missing="mean"), also for the late
    # method with a continuous target
    X, y = table
    X = X[["front", "title"]].copy()
    value = y + np.random.RandomState(0).normal(0, 0.1, len(y))
    X.loc[0, :] = None
    pipe = _pipe(
        image="front", text="title", method="late", estimator="ridge", missing="mean"
    )
    pred = pipe.fit(X, value).predict(X.iloc[:3])
    assert np.isfinite(pred).all()


# -- LateFusionClassifier: rows with no modality -------------------------------
def _late_table(n=40):
    y = np.arange(n) % 3
    X = pd.DataFrame(
        {
            "a": [["cat one", "dog two", "owl three"][c] for c in y],
            "b": np.where(y == 0, 0.0, 2.0 * y) + np.linspace(0, 0.5, n),
        }
    )
    return X, y


def _late(**kwargs):
    return LateFusionClassifier(
        [
            ("a", make_pipeline(TfidfVectorizer(), LogisticRegression()), "a"),
            ("b", GaussianNB(), ["b"]),
        ],
        missing="skip",
        **kwargs,
    )


@pytest.mark.parametrize("weights", [None, "auto"])
def test_late_fit_leaves_out_rows_with_no_modality(weights):
    X, y = _late_table()
    empty = [0, 7]
    Xm = X.copy()
    Xm.loc[empty, :] = None
    with pytest.warns(UserWarning, match=r"rows 0 and 7; they carry no evidence"):
        clf = _late(weights=weights, cv=3).fit(Xm, y)
    assert clf.named_estimators_["b"].class_count_.sum() == len(y) - len(empty)
    # the same models and weights as without those rows
    keep = np.setdiff1d(np.arange(len(y)), empty)
    ref = _late(weights=weights, cv=3).fit(X.iloc[keep], y[keep])
    np.testing.assert_allclose(clf.weights_, ref.weights_)
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba(X))
    # the prior counts every training row: the labels are real observations
    expected = np.array([np.mean(y == c) for c in clf.classes_])
    np.testing.assert_allclose(clf.class_prior_, expected)


def test_late_predict_gives_the_class_prior_to_rows_with_no_modality():
    X, y = _late_table()
    y = np.where(np.arange(len(y)) < 20, 0, y)  # an uneven prior
    clf = _late().fit(X, y)
    Xm = X.iloc[:6].copy()
    Xm.loc[[1, 4], :] = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        proba = clf.predict_proba(Xm)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "rows 1 and 4" in messages[0]
    assert "class_prior_" in messages[0]
    np.testing.assert_allclose(proba[[1, 4]], np.tile(clf.class_prior_, (2, 1)))
    others = [0, 2, 3, 5]
    np.testing.assert_allclose(proba[others], clf.predict_proba(X.iloc[others]))
    with pytest.warns(UserWarning, match="class prior"):
        pred = clf.predict(Xm)
    assert list(pred[[1, 4]]) == [clf.classes_[np.argmax(clf.class_prior_)]] * 2


def test_late_multilabel_prior_is_the_training_mean():
    X, y = _late_table()
    Y = np.column_stack([y == 0, y == 1, np.arange(len(y)) % 4 == 0]).astype(int)
    model = make_pipeline(TfidfVectorizer(), OneVsRestClassifier(LogisticRegression()))
    clf = LateFusionClassifier([("a", model, "a")], missing="skip")
    Xm = X.copy()
    Xm.loc[3, "a"] = None
    with pytest.warns(UserWarning, match="row 3; they carry no evidence"):
        clf.fit(Xm, Y)
    np.testing.assert_allclose(clf.class_prior_, Y.mean(axis=0))
    with pytest.warns(UserWarning, match=r"row 0 \(index 3\); their prob"):
        proba = clf.predict_proba(Xm.iloc[3:5])
    np.testing.assert_allclose(proba[0], Y.mean(axis=0))
    np.testing.assert_allclose(proba[1], clf.predict_proba(X.iloc[[4]])[0])
