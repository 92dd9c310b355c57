"""Out-of-core fitting with a numeric table column that has no value in a
whole chunk: scikit-learn's ``StandardScaler.partial_fit`` made the
column's mean (first chunk) or variance (a later one) NaN, and the column
was 0 in every row, without an error. Each numeric column's statistics now
leave such a chunk out, as the in-memory fit does."""

import warnings

import numpy as np
import pytest

from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline

TABULAR = {"numeric": ["price", "weight"], "categorical": ["color"]}


def data(empty_from):
    X, y = make_multimodal_classification(n_samples=240, random_state=0)
    rng = np.random.RandomState(0)
    X["price"] = y * 3.0 + rng.normal(size=240)
    X["weight"] = rng.normal(size=240)
    if empty_from is not None:
        X.loc[empty_from : empty_from + 59, "price"] = np.nan  # one whole chunk
    X["color"] = np.array(["red", "blue"])[y % 2]
    return X, y


def pipeline():
    return make_out_of_core_pipeline(
        image_features="pixels",
        n_features=2**10,
        epochs=1,
        random_state=0,
        tabular=TABULAR,
    )


@pytest.mark.parametrize("empty_from", [0, 60, 180, None])
def test_a_chunk_without_a_value_leaves_the_column_as_in_memory(empty_from):
    X, y = data(empty_from)
    memory = pipeline().fit(X, y)
    chunks = [(X[i : i + 60], y[i : i + 60]) for i in range(0, 240, 60)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no NaN arithmetic
        streamed = fit_out_of_core(pipeline(), chunks)
    names = list(memory[0].get_feature_names_out())
    for column in ("price", "weight"):
        j = names.index(column)
        a = memory[0].transform(X)[:, j].toarray().ravel()
        b = streamed[0].transform(X)[:, j].toarray().ravel()
        np.testing.assert_allclose(b, a, atol=1e-12)
        present = X[column].notna().to_numpy()
        assert b[present].std() > 0.5  # it was 0: the column lost
    scale = streamed[0].transformers_[-1][1].transformers_[0][1].named_steps["scale"]
    np.testing.assert_allclose(scale.n_samples_seen_, [X["price"].notna().sum(), 240])


def test_a_column_without_any_value_is_as_in_memory():
    X, y = data(None)
    X["price"] = np.nan
    memory = pipeline().fit(X, y)
    chunks = [(X[i : i + 60], y[i : i + 60]) for i in range(0, 240, 60)]
    streamed = fit_out_of_core(pipeline(), chunks)
    j = list(memory[0].get_feature_names_out()).index("price")
    a = memory[0].transform(X)[:, j].toarray().ravel()
    b = streamed[0].transform(X)[:, j].toarray().ravel()
    np.testing.assert_array_equal(b, a)
    assert not b.any()  # imputed as 0, in both
