"""A text cell that holds only the marks of bidirectional text (what exports
of Arabic and Hebrew text leave in empty cells) shows nothing: it is
missing, as a cell of zero-width spaces is, in every path that reads cells
(one at a time, and the fusion's vectorised check)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from skmultimodal.fusion import ModalityFusion
from skmultimodal.utils import is_missing

MARKS = ["\u200f", "\u200e", "\u061c", "\u2067\u2069", " \u202b\u202c ", "\u202e"]


@pytest.mark.parametrize("cell", MARKS)
def test_a_cell_of_marks_is_missing(cell):
    assert is_missing(cell)
    assert is_missing(cell.encode())
    assert not is_missing(cell + "\u05e9")  # a letter beside them shows


def test_the_fusion_names_the_rows_of_marks_as_missing():
    texts = ["שלום עולם", "\u200f", "hello", "\u2067\u2069", "world"]
    fusion = ModalityFusion([("title", TfidfVectorizer(), "title")])
    with pytest.raises(
        ValueError, match=r"modality 'title' is missing .* rows 1 and 3"
    ):
        fusion.fit(pd.DataFrame({"title": texts}))
    filled = fusion.set_params(missing="zero").fit_transform(
        pd.DataFrame({"title": texts})
    )
    dense = filled.toarray()
    assert not dense[[1, 3]].any() and dense[[0, 2, 4]].any(axis=1).all()
    np.testing.assert_array_equal(dense[1], dense[3])
