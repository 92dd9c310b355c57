"""run_eagerly="auto": a fit of at most 20 optimizer steps runs eagerly,
a longer one is traced, in ``fit`` and in ``fit_chunks`` alike (tracing
costs about as much as 20 eager steps; see the constant's comment)."""

import numpy as np
import pytest

from skmultimodal.models import MultimodalAttentionClassifier

# TensorFlow fits
pytestmark = pytest.mark.slow

TINY = dict(width=8, n_heads=2, epochs=1, batch_size=16, random_state=0)


def _data(n):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 4))
    return X, np.arange(n) % 2


@pytest.mark.parametrize(
    "n_rows, epochs, eager",
    # 20 steps of one epoch; 2 epochs of 11 steps
    [(320, 1, True), (161, 2, False)],
)
def test_auto_runs_eagerly_up_to_twenty_steps(n_rows, epochs, eager):
    X, y = _data(n_rows)
    clf = MultimodalAttentionClassifier(**dict(TINY, epochs=epochs)).fit(X, y)
    assert clf.model_.run_eagerly is eager


@pytest.mark.parametrize("n_rows, eager", [(320, True), (321, False)])
def test_fit_chunks_counts_the_steps_of_every_chunk(n_rows, eager):
    X, y = _data(n_rows)
    half = n_rows // 2
    clf = MultimodalAttentionClassifier(**TINY).fit_chunks(
        lambda: [(X[:half], y[:half]), (X[half:], y[half:])]
    )
    assert clf.model_.run_eagerly is eager
