"""Trial 9: a learning rate given as an int or a NumPy scalar reaches Keras
as a float (TensorFlow: slow tier)."""

import numpy as np
import pytest

from skmultimodal.models import MultimodalAttentionClassifier

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("learning_rate", [np.float32(0.01), np.int64(1)])
def test_numpy_scalar_learning_rate_fits(learning_rate):
    X = np.random.RandomState(0).randn(30, 6).astype("float32")
    y = np.arange(30) % 3
    clf = MultimodalAttentionClassifier(
        learning_rate=learning_rate, epochs=1, width=8, n_heads=2, random_state=0
    )
    assert clf.fit(X, y).predict(X).shape == (30,)


@pytest.mark.parametrize("optimizer", ["adam", "adamw"])
def test_make_optimizer_passes_floats(optimizer):
    from skmultimodal.models._network import make_optimizer

    opt = make_optimizer(optimizer, 1, np.float32(0.5))
    assert float(opt.learning_rate) == 1.0
    assert opt.weight_decay == 0.5 and isinstance(opt.weight_decay, float)
