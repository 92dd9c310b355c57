"""A one-column table branch: a row whose one cell is empty is a missing
modality (a row of a table selection is missing when all its cells are),
so the branch's own imputer never sees it; under missing="raise" the error
now says so, where it read as if the imputer had failed."""

import numpy as np
import pandas as pd
import pytest
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import ModalityFusion

X = pd.DataFrame({"price": [1.0, np.nan, 3.0, 4.0], "qty": [1.0, 2.0, 3.0, 4.0]})


def test_a_one_column_selection_says_why_its_empty_cell_is_a_missing_row():
    branch = make_pipeline(SimpleImputer(), StandardScaler())
    with pytest.raises(ValueError) as info:
        ModalityFusion([("num", branch, ["price"])]).fit(X, [0, 1, 0, 1])
    assert str(info.value).startswith(
        "modality 'num' is missing (None, NaN or empty) in row 1 (a row of a "
        "table selection is missing when all its cells are empty; with its one "
        "column 'price', the branch's own imputer never sees such a row). Pass "
        "missing="
    )
    # two columns: the row has a cell, and the branch imputes the other
    ModalityFusion([("num", branch, ["price", "qty"])]).fit(X, [0, 1, 0, 1])


def test_a_single_column_is_not_explained_as_a_table():
    with pytest.raises(ValueError) as info:
        ModalityFusion([("num", StandardScaler(), "price")]).fit(
            X[["price"]].assign(price=X["price"].to_numpy()), [0, 1, 0, 1]
        )
    assert "table selection" not in str(info.value)


def test_the_builders_one_column_tabular_branch():
    X, y = make_multimodal_classification(n_samples=30, random_state=0)
    X["price"] = np.arange(30.0)
    X.loc[3, "price"] = np.nan
    with pytest.raises(ValueError, match=r"with its one column 'price', the "):
        make_multimodal_pipeline(image_features="pixels", tabular=["price"]).fit(X, y)
