"""The fusion's messages name rows in words, as the image errors do."""

import numpy as np
import pandas as pd
import pytest

from skmultimodal.fusion._columns import describe_rows
from skmultimodal.utils import describe_row


@pytest.mark.parametrize(
    "rows, index, text",
    [
        ([7], None, "row 7"),
        ([2, 5], None, "rows 2 and 5"),
        ([2, 5, 9], None, "rows 2, 5 and 9"),
        ([2, 5], [0, 1, 2, 3, 4, 5], "rows 2 and 5"),  # labels = positions
        ([3], list("abcdef"), "row 3 (index 'd')"),
        ([0, 3], list("abcdef"), "rows 0 and 3 (index 'a' and 'd')"),
        ([1, 2, 4], [3, 4, 5, 6, 7], "rows 1, 2 and 4 (index 4, 5 and 7)"),
    ],
)
def test_rows_are_listed_in_words(rows, index, text):
    assert describe_rows(np.array(rows), index) == text


def test_past_the_limit_the_rest_are_counted():
    labels = pd.Index([f"s{i}" for i in range(20)])
    rows = np.arange(2, 14)
    assert describe_rows(rows, None, limit=3) == "rows 2, 3, 4 and 9 more"
    assert describe_rows(rows, labels, limit=3) == (
        "rows 2, 3, 4 and 9 more (index 's2', 's3', 's4')"
    )


@pytest.mark.parametrize("labels", [None, list("abc"), [10, 11, 12]])
def test_one_row_reads_as_the_image_errors_name_it(labels):
    # numpy labels (of a pandas index) are named as Python values
    index = None if labels is None else pd.Index(labels)
    assert describe_rows([1], index) == describe_row(labels, 1)
