"""ColumnTransformer habits: ModalityFusion and LateFusionClassifier take a
branch's name in [] (the fitted estimator once fitted, else the one given);
an int column spec out of range is named as a position; a vectorizer given a
one-column list is told to give the column as a str; an empty
make_column_selector is shown by its settings."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion

X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 3.0, 1.0, 2.0], "c": 1.0})
y = np.array([0, 1, 0, 1])


def fusion():
    return ModalityFusion(
        [
            ("num", StandardScaler(), ["a", "b"]),
            ("raw", "passthrough", ["b"]),
            ("off", "drop", ["c"]),
        ],
        method="concat",
    )


def test_modality_fusion_branches_by_name():
    f = fusion()
    assert f["num"] is f.transformers[0][1]  # before fit: as given
    assert f["off"] == "drop"
    f.fit(X, y)
    assert f["num"] is f.named_transformers_["num"]
    assert f["num"] is not f.transformers[0][1]
    np.testing.assert_allclose(f["num"].mean_, [2.5, 2.5])
    assert f["off"] == "drop"
    with pytest.raises(KeyError, match=r"no branch 'nope'; its branches: \['num', "):
        f["nope"]
    with pytest.raises(TypeError, match=r"takes a branch's name \(a str\) in \[\]"):
        f[0]


def test_a_branch_given_after_fit_asks_for_a_refit():
    f = fusion().fit(X, y)
    f.set_params(transformers=[*f.transformers, ("more", StandardScaler(), ["a"])])
    with pytest.raises(KeyError, match="'more' was not fitted"):
        f["more"]


def test_late_fusion_branches_by_name():
    late = LateFusionClassifier(
        [("a", LogisticRegression(), ["a"]), ("b", LogisticRegression(), ["b"])]
    )
    assert late["a"] is late.estimators[0][1]
    late.fit(X, y)
    assert late["b"] is late.named_estimators_["b"]
    assert hasattr(late["b"], "coef_")


def test_an_int_out_of_range_that_is_a_column_label_says_ints_are_positions():
    Xi = pd.DataFrame({10: [1.0, 2.0], 20: [3.0, 4.0]})
    with pytest.raises(ValueError) as info:
        ModalityFusion([("a", StandardScaler(), [10])]).fit(Xi)
    assert str(info.value) == (
        "column position(s) [10] of modality 'a' are out of range for the 2 "
        "columns of X (an int selects by position); X has columns labelled "
        "[10]: select them by their positions, or name the columns with str; "
        "available columns: [10, 20]"
    )
    with pytest.raises(
        ValueError, match=r"^column position\(s\) \[5\] .*position\); available"
    ):
        ModalityFusion([("a", StandardScaler(), 5)]).fit(Xi)


def test_a_vectorizer_given_a_one_column_list_is_told_to_use_a_str():
    from sklearn.feature_extraction.text import CountVectorizer

    X = pd.DataFrame({"text": ["red cat", "blue dog", "red dog", "blue cat"]})
    with pytest.raises(ValueError) as info:
        ModalityFusion([("t", CountVectorizer(), ["text"])]).fit(X, y)
    assert str(info.value) == (
        "transformer 't' returned 1 rows in fit for 4 input rows; every branch "
        "must return one row per sample. It returned one row per selected column: "
        "a text vectorizer given a table (the column as a list, ['text']) reads "
        "the table's column names as its texts; give one column as a str "
        "('text') for one text per row."
    )
    ModalityFusion([("t", CountVectorizer(), "text")]).fit(X, y)


def test_an_empty_column_selector_is_shown_by_its_settings():
    from sklearn.compose import make_column_selector

    selector = make_column_selector(dtype_include="datetime")
    with pytest.raises(ValueError) as info:
        ModalityFusion([("d", StandardScaler(), selector)]).fit(X, y)
    assert str(info.value).startswith(
        "modality 'd' selects no column of X: its column "
        "make_column_selector(dtype_include='datetime') chose none."
    )
