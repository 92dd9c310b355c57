"""A regression target with several cells that are not numbers names the
first one and the lines of the others."""

import pandas as pd
import pytest

from skmultimodal.datasets._target import prepare_target


def test_every_bad_regression_cell_is_named():
    y = pd.Series(["1", "x", "2", "n/a", "inf", "3"], index=[2, 3, 4, 5, 6, 7])
    with pytest.raises(ValueError) as err:
        prepare_target(y, task="regression", column="price", source="t.csv")
    msg = str(err.value)
    assert "'x' on line 3 of 't.csv'" in msg
    assert "not a number either on lines 5 and 6" in msg


def test_one_bad_regression_cell_is_named_alone():
    y = pd.Series(["1", "x", "2"], index=[2, 3, 4])
    with pytest.raises(ValueError, match=r"'x' on line 3 of 't.csv': a regression"):
        prepare_target(y, task="regression", column="price", source="t.csv")


def test_many_bad_regression_cells_are_counted():
    y = pd.Series(["a"] * 60 + ["1", "2"], index=range(2, 64))
    with pytest.raises(ValueError, match=r"lines 3, 4, .* and 9 more\)"):
        prepare_target(y, task="regression", column="price")


def test_a_target_too_large_to_square_is_refused():
    # before: "Eigenvalues did not converge" in train, nan scores in evaluate
    y = pd.Series(["1", "2e160", "3"], index=[2, 3, 4])
    with pytest.raises(ValueError, match=r"'2e160' on line 3: values beyond ±1e150"):
        prepare_target(y, task="regression", column="price")
    y = pd.Series(["1", "2e140", "3"], index=[2, 3, 4])
    assert prepare_target(y, task="regression", column="price")[0][1] == 2e140
