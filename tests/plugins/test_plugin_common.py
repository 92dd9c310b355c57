"""The project's common estimator checks on the bundled plugins' estimators.

``LBPFeatures`` takes a column of images, so it gets the project's own
non-tabular checks (``tests/estimator_checks.py``); the GMU runs inside
``ModalityFusion`` on numeric tables, so it gets scikit-learn's full
``parametrize_with_checks`` exactly like the built-in fusion methods.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmultimodal.fusion import ModalityFusion
from tests.estimator_checks import NON_TABULAR_CHECKS
from tests.fusion.estimator_instances import first_half, second_half

lbp = pytest.importorskip(
    "skmultimodal_lbp", reason="skmultimodal-lbp not installed (.ci/run installs it)"
)
gmu = pytest.importorskip(
    "skmultimodal_gmu", reason="skmultimodal-gmu not installed (.ci/run installs it)"
)


def _images():
    rng = np.random.RandomState(0)
    X = pd.Series(
        [rng.randint(0, 256, (12 + k, 10, 3), dtype=np.uint8) for k in range(6)],
        index=[f"s{k}" for k in range(6)],
    )
    return X, np.arange(6) % 2


@pytest.mark.parametrize("check", NON_TABULAR_CHECKS, ids=lambda c: c.__name__)
def test_lbp_common_checks(check):
    X, y = _images()
    check(lbp.LBPFeatures(size=(8, 8)), X, y)


@parametrize_with_checks(
    [
        ModalityFusion(
            [("a", StandardScaler(), first_half), ("b", StandardScaler(), second_half)],
            method="gmu",
            method_params={"n_components": 2, "max_iter": 20, "random_state": 0},
        )
    ]
)
def test_gmu_in_modality_fusion_sklearn_checks(estimator, check):
    check(estimator)
