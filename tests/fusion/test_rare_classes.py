"""A class too rare to reach every internal training fold of the
class-score fusion methods (a two-class target with one or two rows of one
class): the fit works, and the fold that saw one class scores with it."""

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion.methods import LateFusion, StackFusion, SumFusion


def _data(n_rare):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = np.array(["common"] * 60, dtype=object)
    y[:n_rare] = "rare"
    X[:n_rare] += 3.0
    return X, y


def _fusion(method):
    return ModalityFusion(
        [("a", StandardScaler(), [0, 1]), ("b", StandardScaler(), [2, 3])],
        method=method(random_state=0),
    )


@pytest.mark.parametrize("method", [StackFusion, SumFusion, LateFusion])
def test_one_row_of_a_class_fits_and_scores(method):
    X, y = _data(1)
    fusion = _fusion(method)
    Z = fusion.fit_transform(X, y)
    assert np.isfinite(np.asarray(Z)).all()
    # the expert on all rows saw both classes and tells the rare row apart
    expert = fusion.method_.estimators_[0]
    assert not isinstance(expert, DummyClassifier)
    assert list(expert.classes_) == ["common", "rare"]
    # at transform the experts fitted on all rows score the rare row
    assert fusion.transform(X[:1]).shape[0] == 1


def test_cross_validation_with_two_rows_of_a_class():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    X, y = _data(2)
    scores = cross_val_score(
        make_pipeline(_fusion(StackFusion), LogisticRegression()), X, y, cv=3
    )
    assert np.isfinite(scores).all()
