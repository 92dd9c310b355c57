"""More attention heads than the token width is refused at fit, naming both."""

import numpy as np
import pytest

from skmultimodal.models import MultimodalAttentionClassifier


def _data():
    rng = np.random.RandomState(0)
    return rng.rand(20, 4), np.arange(20) % 2


def test_more_heads_than_width_is_refused_at_fit():
    X, y = _data()
    clf = MultimodalAttentionClassifier(
        modalities=[("a", 2), ("b", 2)], width=2, n_heads=4, epochs=1
    )
    with pytest.raises(ValueError, match=r"n_heads=4 is larger than width=2"):
        clf.fit(X, y)
    chunks = [(X[:10], y[:10]), (X[10:], y[10:])]
    with pytest.raises(ValueError, match=r"n_heads must be at most width"):
        clf.fit_chunks(lambda: iter(chunks), classes=[0, 1])


def test_as_many_heads_as_width_fits():
    X, y = _data()
    clf = MultimodalAttentionClassifier(
        modalities=[("a", 2), ("b", 2)], width=2, n_heads=2, epochs=1, random_state=0
    )
    assert clf.fit(X, y).predict(X).shape == (20,)
