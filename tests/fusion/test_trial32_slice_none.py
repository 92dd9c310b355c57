"""``slice(None)`` selects every column, of a 2-D array as of a DataFrame
(scikit-learn reads it as a slice of names, which arrays do not have: the
fusion said the column was "not in X")."""

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import ModalityFusion


@pytest.mark.parametrize("frame", [False, True])
@pytest.mark.parametrize("step", [None, 2])
def test_slice_none_selects_every_column(frame, step):
    A = np.random.RandomState(0).randn(20, 4)
    X = pd.DataFrame(A, columns=list("abcd")) if frame else A
    spec = slice(None, None, step)
    fusion = ModalityFusion([("m", StandardScaler(), spec)], method="concat")
    Z = fusion.fit_transform(X)
    same = ModalityFusion(
        [("m", StandardScaler(), slice(0, None, step))], method="concat"
    )
    np.testing.assert_array_equal(Z, same.fit_transform(X))
    assert Z.shape == (20, 4 if step is None else 2)
    assert fusion.transformers == [("m", fusion.transformers[0][1], spec)]  # as given
