"""A classification target of one class is refused with one message,
written by one helper (``check_two_classes``), wherever class labels are
learned from: the class-score fusion methods, LateFusionClassifier, the
attention classifier (``fit`` and ``fit_chunks``), compare_models (before
any fold) and out-of-core fitting (over all the chunks). The message names
who needs the classes and the one class found."""

import re

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import LateFusionClassifier
from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline
from skmultimodal.utils._validation import check_two_classes

NEEDS = "needs samples of at least 2 classes in"


@pytest.fixture(scope="module")
def data():
    X, y = make_multimodal_classification(
        n_samples=24, n_classes=2, image_size=8, random_state=0
    )
    return X, np.where(y == 1, "cat", "dog")


def test_the_helper_names_who_what_and_the_class():
    check_two_classes(np.array(["a", "b"]), "Model")  # two: nothing to say
    with pytest.raises(ValueError) as info:
        check_two_classes(np.array([7]), "Model", what="the labels", hint="; more")
    assert str(info.value) == (
        f"Model {NEEDS} the labels; found one class only: 7; more"
    )
    with pytest.raises(ValueError, match=f"Model {NEEDS} y; found none$"):
        check_two_classes(np.array([]), "Model")


def test_a_numpy_label_is_shown_as_a_plain_value():
    with pytest.raises(ValueError, match=r"found one class only: 3$"):
        check_two_classes(np.unique(np.array([3, 3], dtype=np.int64)), "Model")


@pytest.mark.parametrize("method", ["product", "sum", "stack"])
def test_a_class_score_fusion_method_names_itself(data, method):
    X, _ = data
    pipe = make_multimodal_pipeline(
        image_features="pixels", method=method, random_state=0
    )
    message = f"fusion method {method!r} {NEEDS} y; found one class only: 'cat'"
    with pytest.raises(ValueError, match=re.escape(message)):
        pipe.fit(X, np.repeat("cat", len(X)))


def test_late_fusion_names_itself(data):
    X, _ = data
    late = LateFusionClassifier(
        [("image", LogisticRegression(), "image"), ("text", GaussianNB(), "text")]
    )
    message = f"LateFusionClassifier {NEEDS} y; found one class only: 'dog'"
    with pytest.raises(ValueError, match=re.escape(message)):
        late.fit(X, np.repeat("dog", len(X)))


def test_out_of_core_counts_the_classes_of_every_chunk(data):
    X, y = data
    pipe = make_out_of_core_pipeline(epochs=1, random_state=0)
    one = np.repeat("cat", len(y))
    chunks = [(X[i : i + 8], one[i : i + 8]) for i in range(0, len(y), 8)]
    message = (
        f"fit_out_of_core {NEEDS} the labels of the chunks; found one class only: 'cat'"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fit_out_of_core(pipe, chunks)
    # one class per chunk, two over the chunks: fitted
    two = np.array(["cat"] * 8 + ["dog"] * (len(y) - 8))
    model = fit_out_of_core(pipe, [(X[:8], two[:8]), (X[8:], two[8:])])
    assert list(model.classes_) == ["cat", "dog"]


@pytest.mark.slow  # TensorFlow
def test_the_attention_classifier_names_itself(data):
    from skmultimodal.models import MultimodalAttentionClassifier

    Z = np.random.RandomState(0).rand(12, 4).astype(np.float32)
    clf = MultimodalAttentionClassifier(epochs=1, width=4, n_heads=1)
    message = f"MultimodalAttentionClassifier {NEEDS} y; found one class only: 'a'"
    with pytest.raises(ValueError, match=re.escape(message)):
        clf.fit(Z, np.repeat("a", 12))
    with pytest.raises(ValueError, match=re.escape(message)):
        clf.fit_chunks([(Z[:6], np.repeat("a", 6)), (Z[6:], np.repeat("a", 6))])
