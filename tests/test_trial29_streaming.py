"""Out-of-core fitting with a numeric table column that has no value in a
whole chunk: scikit-learn's ``StandardScaler.partial_fit`` made the
column's mean (first chunk) or variance (a later one) NaN, and the column
was 0 in every row, without an error. Each numeric column's statistics now
leave such a chunk out, as the in-memory fit does. A continuous target is
refused in the first chunk, naming a value."""

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


def test_a_continuous_target_is_refused_naming_a_value():
    X, y = data(None)
    price = 10.0 * y + np.random.RandomState(0).normal(0, 2.0, len(y))
    price[0] = 10.0  # a whole number first: the value named is not one
    chunks = [(X[:120], price[:120]), (X[120:], price[120:])]
    with pytest.raises(
        ValueError,
        match=r"chunk 0 of the statistics pass: the labels are continuous "
        r"numbers \(type_of_target: 'continuous'; .* at index 1\); out of core",
    ):
        fit_out_of_core(pipeline(), chunks)
    # in memory, refused before any branch is fitted, naming the builder
    with pytest.raises(ValueError, match=r"y is a continuous \(regression\) target"):
        pipeline().fit(X, price)


def test_missing_raise_names_every_missing_modality_of_the_chunk():
    # in memory one error names every modality; out of core it named the
    # first only
    X, y = data(None)
    X.loc[4, "image"] = None
    X.loc[[3, 10], "text"] = ""
    pipe = make_out_of_core_pipeline(
        image_features="pixels", n_features=2**10, epochs=1, missing="raise"
    )
    with pytest.raises(
        ValueError,
        match=r"modality 'image' is missing \(None, NaN or empty\) in chunk 0 at "
        r"index \[4\]; modality 'text' is missing \(None, NaN or empty\) in chunk "
        r"0 at index \[3, 10\]; pass missing=",
    ):
        fit_out_of_core(pipe, [(X[:120], y[:120]), (X[120:], y[120:])])
