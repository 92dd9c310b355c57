"""Long-tail label sets: many classes (40 to 120), some with only 2 or 3
rows, through ``predict``'s table, ``evaluate``'s warnings and
``metrics.json``, and the fusions' per-modality models."""

import warnings

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier
from sklearn.multiclass import OneVsRestClassifier

from skmultimodal.model_selection._models import prediction_table


def _long_tail(n_classes=120, seed=0):
    """Class labels 0..n_classes-1, each on 2 or 3 rows."""
    rng = np.random.default_rng(seed)
    return np.repeat(np.arange(n_classes), rng.integers(2, 4, n_classes))


# ------------------------------------------------------- prediction_table --
def test_prediction_table_of_120_classes_is_built_in_one_block():
    y = _long_tail()
    X = pd.DataFrame(
        {"a": np.arange(len(y), dtype=float)}, index=100 + np.arange(len(y))
    )
    est = DummyClassifier(strategy="prior").fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas' PerformanceWarning too
        table = prediction_table(est, X)
    assert list(table.columns) == ["prediction"] + [f"proba_{c}" for c in est.classes_]
    P = est.predict_proba(X)
    np.testing.assert_array_equal(table.iloc[:, 1:].to_numpy(), P)
    np.testing.assert_array_equal(table["prediction"], est.classes_[P.argmax(axis=1)])
    pd.testing.assert_index_equal(table.index, X.index)


def test_prediction_table_of_120_labels_is_built_in_one_block():
    rng = np.random.default_rng(0)
    Y = (rng.random((60, 120)) < 0.3).astype(int)
    Y[0], Y[1] = 1, 0  # every label both present and absent
    X = pd.DataFrame({"a": np.arange(60, dtype=float)})
    est = OneVsRestClassifier(DummyClassifier(strategy="prior")).fit(X, Y)
    labels = [f"tag{j}" for j in range(120)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = prediction_table(est, X, labels=labels)
    assert list(table.columns) == ["prediction"] + [f"proba_{t}" for t in labels]
    P = est.predict_proba(X)
    np.testing.assert_array_equal(table.iloc[:, 1:].to_numpy(), P)
    expected = ["|".join(np.asarray(labels)[row > 0.5]) or "|" for row in P]
    assert table["prediction"].tolist() == expected
