"""make_multimodal_pipeline: what it builds and that it learns from both."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion import LateFusionClassifier, ModalityFusion

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


def test_default_is_concat_fusion_then_logistic_regression():
    pipe = make_multimodal_pipeline()
    assert isinstance(pipe, Pipeline)
    fusion, clf = pipe.named_steps["fusion"], pipe.named_steps["classifier"]
    assert isinstance(fusion, ModalityFusion) and fusion.method == "concat"
    assert [(n, c) for n, _, c in fusion.transformers] == [
        ("image", "image"),
        ("text", "text"),
    ]
    assert isinstance(clf, LogisticRegression)
    # nested parameters reach the branches, so GridSearchCV can tune them
    params = pipe.get_params()
    assert "fusion__image__scale__with_mean" in params
    assert "fusion__text__features__method" in params
    assert clone(pipe).get_params()["fusion__method"] == "concat"


def test_single_modality_and_column_names(data):
    X, y = data
    pipe = make_multimodal_pipeline(image=None, text="txt").fit(X, y)
    assert pipe.named_steps["fusion"].modality_names_ == ["text"]
    assert pipe.score(X, y) > 0.9
    with pytest.raises(ValueError, match="At least one"):
        make_multimodal_pipeline(image=None, text=None)


@pytest.mark.parametrize("method", ["concat", "attention", "late"])
def test_fits_and_predicts_every_kind(data, method):
    X, y = data
    pipe = make_multimodal_pipeline(
        image="img", text="txt", method=method, random_state=0
    )
    if method == "late":
        assert isinstance(pipe, LateFusionClassifier)
        pipe.set_params(cv=2)
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
    with pytest.raises(ValueError, match="Unknown classifier 'svm'"):
        make_multimodal_pipeline(classifier="svm")
    with pytest.raises(ValueError, match="estimator with fit/predict"):
        make_multimodal_pipeline(classifier=42)


def test_attention_classifier_gets_the_recommended_settings():
    pytest.importorskip("scikeras", reason="the attention classifier needs keras")
    pipe = make_multimodal_pipeline(classifier="attention", random_state=0)
    assert pipe.named_steps["fusion"].method == "concat"
    clf = pipe.named_steps["classifier"]
    assert type(clf).__name__ == "MultimodalAttentionClassifier"
    assert clf.get_params()["weight_decay"] == 0.01
    assert clf.get_params()["optimizer"] == "adamw"
    assert clf.random_state == 0
