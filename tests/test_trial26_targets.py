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
