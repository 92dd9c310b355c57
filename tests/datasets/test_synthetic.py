import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from threadpoolctl import threadpool_limits

from skmultimodal.datasets import make_multimodal_classification


def test_output_types_shapes_and_balance():
    X, y = make_multimodal_classification(
        n_samples=30, n_classes=3, image_size=24, random_state=0
    )
    assert isinstance(X, pd.DataFrame) and list(X.columns) == ["image", "text"]
    assert y.shape == (30,) and y.dtype.kind == "i"
    np.testing.assert_array_equal(np.bincount(y), [10, 10, 10])
    for img in X["image"]:
        assert img.shape == (24, 24, 3) and img.dtype == np.uint8
    assert all(isinstance(t, str) and len(t.split()) == 8 for t in X["text"])


def test_deterministic_given_random_state():
    a = make_multimodal_classification(n_samples=20, random_state=3)
    b = make_multimodal_classification(n_samples=20, random_state=3)
    c = make_multimodal_classification(n_samples=20, random_state=4)
    np.testing.assert_array_equal(a[1], b[1])
    assert a[0]["text"].tolist() == b[0]["text"].tolist()
    assert all(np.array_equal(p, q) for p, q in zip(a[0]["image"], b[0]["image"]))
    assert a[0]["text"].tolist() != c[0]["text"].tolist()


def test_no_shuffle_sorts_by_class():
    _, y = make_multimodal_classification(
        n_samples=12, n_classes=4, shuffle=False, random_state=0
    )
    assert list(y) == sorted(y)


def test_text_length_and_noise_words():
    X, _ = make_multimodal_classification(
        n_samples=10, text_length=5, text_noise=1.0, vocabulary_size=30, random_state=0
    )
    assert all(len(t.split()) == 5 for t in X["text"])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_classes": 1}, "n_classes"),
        ({"n_classes": 12}, "n_classes"),
        ({"image_signal": 1.5}, "image_signal"),
        ({"text_noise": -0.1}, "text_noise"),
        ({"image_size": 4}, "image_size"),
        ({"n_samples": 0}, "n_samples"),
        ({"vocabulary_size": 3, "n_classes": 5}, "vocabulary_size=3 is too small"),
    ],
)
def test_invalid_parameters_raise_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_multimodal_classification(**kwargs)


def _pixels(images):
    # darkness of each pixel (shape mask), independent of its colour
    return np.stack([(255 - img.min(axis=2)).ravel() / 255.0 for img in images])


def _scores(X, y):
    P = _pixels(X["image"])
    T = CountVectorizer().fit_transform(X["text"]).toarray()
    lr = LogisticRegression(max_iter=500)
    # one BLAS thread: tiny problems only lose time to thread contention
    with threadpool_limits(1):
        return [
            cross_val_score(lr, Z, y, cv=3).mean() for Z in (P, T, np.hstack([P, T]))
        ]


def test_both_modalities_beat_each_alone():
    X, y = make_multimodal_classification(
        n_samples=240, n_classes=3, image_size=16, random_state=0
    )
    image, text, both = _scores(X, y)
    assert both > image + 0.1 and both > text + 0.1
    assert image > 0.4 and text > 0.4  # each modality alone carries some signal


def test_zero_signal_makes_a_modality_uninformative():
    X, y = make_multimodal_classification(
        n_samples=240, n_classes=3, image_size=16, text_signal=0.0, random_state=0
    )
    image, text, both = _scores(X, y)
    assert text < 0.45
    assert both < image + 0.1


@pytest.mark.parametrize("n_classes", [2, 11])
def test_extreme_class_counts_are_balanced_and_use_every_shape(n_classes):
    X, y = make_multimodal_classification(
        n_samples=22 * n_classes, n_classes=n_classes, image_size=16, random_state=0
    )
    counts = np.bincount(y, minlength=n_classes)
    assert counts.min() == counts.max() == 22
    # white background; shape colours have every channel <= 189
    assert all((img.min(axis=2) < 200).sum() > 5 for img in X["image"])


def test_input_parameters_do_not_leak_between_calls():
    rng = np.random.RandomState(0)
    a, _ = make_multimodal_classification(n_samples=5, random_state=rng)
    b, _ = make_multimodal_classification(n_samples=5, random_state=rng)
    assert a["text"].tolist() != b["text"].tolist()  # the RandomState advanced
