"""Branches of a user's own: the input a raw scikit-learn step refuses is
named, and entries may be given as lists.

scikit-learn's input checks say "could not convert string to float: 'n/a'"
or "Input X contains infinity" without a row or a column. Raised inside a
branch of ModalityFusion or LateFusionClassifier, the error names the
modality and the first such cell: its row in the caller's table (with its
index label), its column and its value. Entries given as ``[name,
estimator, column]`` lists work as the tuples do, as in ColumnTransformer.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion._columns import bad_cell
from skmultimodal.text import TextFeatures
from tests._workers import NONE_OR_TWO

Y = [0, 1, 0, 1, 0, 1, 0, 1]


def table():
    return pd.DataFrame(
        {
            "a": [1.0, 2.0, 3.0, 4.0, "n/a", 6.0, 7.0, 8.0],
            "b": [1.0, 2, 3, 4, 5, 6, 7, 8],
            "t": ["red cat", None, "blue dog", "cat", "dog", "red", "blue", "cat"],
        },
        index=list("abcdefgh"),
    )


def fusion(columns=("a", "b"), **kw):
    return ModalityFusion(
        [("num", StandardScaler(), list(columns)), ("text", TextFeatures(), "t")],
        method="concat",
        missing="mean",
        **kw,
    )


@pytest.mark.parametrize("n_jobs", NONE_OR_TWO)
def test_a_value_that_is_not_a_number_is_named_in_fit(n_jobs):
    X = table()
    before = X.copy()
    with pytest.raises(ValueError) as info:
        fusion(n_jobs=n_jobs).fit_transform(X, Y)
    assert str(info.value) == (
        "modality 'num': could not convert string to float: 'n/a'; the first "
        "value that is not a number is in row 4 (index 'e'), column 'a': 'n/a'"
    )
    pd.testing.assert_frame_equal(X, before)  # nothing written to the input


def test_the_row_is_the_callers_when_the_branch_has_a_subset():
    # row 'b' of column "a" is missing: the branch gets 7 rows, and the bad
    # value is its 4th; the message names the caller's row 4
    X = table()
    X.loc["b", "a"] = np.nan
    mf = ModalityFusion(
        [("num", StandardScaler(), "a"), ("text", TextFeatures(), "t")],
        method="concat",
        missing="mean",
    )
    with pytest.raises(ValueError, match=r"row 4 \(index 'e'\), column 'a': 'n/a'"):
        mf.fit_transform(X, Y)


def test_an_infinite_value_is_named_in_transform():
    good = table().assign(a=np.arange(8.0))
    mf = fusion().fit(good, Y)
    bad = good.copy()
    bad.loc["f", "b"] = np.inf
    with pytest.raises(ValueError) as info:
        mf.transform(bad)
    assert str(info.value).startswith("modality 'num': Input X contains infinity")
    assert str(info.value).endswith(
        "the first infinite value is in row 5 (index 'f'), column 'b': inf"
    )


def test_a_nan_is_named_for_a_branch_that_refuses_it():
    X = table().assign(a=np.arange(8.0))
    X.loc["g", "b"] = np.nan
    strict = FunctionTransformer(validate=True)  # check_array: no NaN
    mf = ModalityFusion([("num", strict, ["a", "b"])], method="concat")
    with pytest.raises(ValueError, match=r"the first NaN is in row 6 \(index 'g'\)"):
        mf.fit_transform(X, Y)


def test_late_fusion_names_the_cell_in_fit_and_predict():
    def late():
        return LateFusionClassifier(
            [
                (
                    "num",
                    make_pipeline(StandardScaler(), LogisticRegression()),
                    ["a", "b"],
                ),
                ("text", make_pipeline(TextFeatures(), LogisticRegression()), "t"),
            ],
            missing="skip",
        )

    with pytest.raises(ValueError, match=r"row 4 \(index 'e'\), column 'a': 'n/a'"):
        late().fit(table(), Y)
    good = table().assign(a=np.arange(8.0))
    model = late().fit(good, Y)
    bad = good.copy()
    bad.loc["c", "a"] = -np.inf
    with pytest.raises(ValueError, match=r"row 2 \(index 'c'\), column 'a': -inf"):
        model.predict(bad)


def test_a_numpy_table_is_named_by_positions():
    X = np.array([[1, 2.0], [3, 4], [5, 6], [7, "x"]] * 2, dtype=object)
    mf = ModalityFusion([("num", StandardScaler(), [0, 1])], method="concat")
    with pytest.raises(ValueError, match=r"row 3, column 1: 'x'$"):
        mf.fit_transform(X, Y)


def test_other_errors_keep_their_message():
    # a NaN in y is not X's: no cell of X is blamed
    exc = ValueError("Input y contains NaN.")
    assert bad_cell(table(), exc) == ""
    # an error of another kind
    assert bad_cell(table(), ValueError("n_components must be <= 2")) == ""
    # the words match but no cell holds such a value
    numbers = table()[["a", "b"]].assign(a=1.0)
    assert bad_cell(numbers, ValueError("Input X contains NaN.")) == ""


def test_entries_given_as_lists_work_as_tuples():
    # ColumnTransformer takes [name, estimator, column] lists too, as a
    # configuration read from JSON gives them; the composites do the same
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    X = table().assign(a=np.arange(8.0))
    listed = ModalityFusion(
        [["num", StandardScaler(), ["a", "b"]], ["text", TextFeatures(), "t"]],
        method="concat",
        missing="mean",
    )
    given = [list(e) for e in listed.transformers]
    tupled = fusion()
    np.testing.assert_allclose(
        listed.fit_transform(X, Y).toarray(), tupled.fit_transform(X, Y).toarray()
    )
    assert [list(e) for e in listed.transformers] == given  # not rewritten
    assert [name for name, _, _ in listed.transformers_] == ["num", "text"]
    copy = clone(listed).set_params(num__with_mean=False)
    assert copy.get_params()["num__with_mean"] is False
    late = LateFusionClassifier(
        [
            ["num", make_pipeline(StandardScaler(), LogisticRegression()), ["a", "b"]],
            ["text", make_pipeline(TextFeatures(), LogisticRegression()), "t"],
        ],
        missing="skip",
    )
    grid = GridSearchCV(
        late, {"num__logisticregression__C": [0.1, 1.0]}, cv=2, error_score="raise"
    )
    assert grid.fit(X, Y).best_estimator_.predict(X).shape == (8,)
    with pytest.raises(ValueError, match=r"tuple or list; got \['num', 'x'\]"):
        ModalityFusion([["num", "x"]]).fit(X, Y)


@pytest.mark.parametrize("n_jobs", NONE_OR_TWO)
def test_a_numpy_branch_subset_names_the_callers_row(n_jobs):
    # row 1 misses the "num" modality (both its cells NaN): the branch gets
    # the other 7 rows, and the bad cell, its 3rd, is row 3 of X
    X = np.array([[1, 2.0], [np.nan, np.nan], [5, 6], [7, "x"]] * 2, dtype=object)
    mf = ModalityFusion(
        [("num", StandardScaler(), [0, 1])],
        method="concat",
        missing="zero",
        n_jobs=n_jobs,
    )
    with pytest.raises(ValueError, match=r"in row 3, column 1: 'x'$"):
        mf.fit_transform(X, Y)
    good = np.array([[1, 2.0], [3, 4], [5, 6], [7, 8]] * 2, dtype=object)
    mf.fit(good, Y)
    with pytest.raises(ValueError, match=r"in row 3, column 1: 'x'$"):
        mf.transform(X)
