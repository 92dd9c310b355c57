"""Missing-data trial: table columns empty in every training row, bad table
cells named by column and row, empty strings as missing categories, and a
``missing`` policy checked at predict as in fit."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils._param_validation import InvalidParameterError

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import LateFusionClassifier, ModalityFusion

from .cli.conftest import CSV_ARGS, run_main, write_dataset


@pytest.fixture(scope="module")
def data():
    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    X["price"] = np.arange(40.0)
    X["brand"] = pd.Series(["a", "b", "c", "d"] * 10, dtype=object)
    return X, y


def _pipe(tabular, **kw):
    return make_multimodal_pipeline(
        tabular=tabular,
        method="concat",
        missing="mean",
        image_features="color_histogram",
        text_features="tfidf",
        random_state=0,
        **kw,
    )


def _table_block(pipe, X, prefix):
    """The fused columns of ``pipe`` whose names start with ``prefix``."""
    names = pipe[0].get_feature_names_out()
    Z = pipe[0].transform(X)
    Z = Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z)
    keep = [i for i, name in enumerate(names) if name.startswith(prefix)]
    return [names[i] for i in keep], Z[:, keep]


# -- 1. a categorical column empty in every training row ---------------------
def test_a_categorical_column_empty_in_every_training_row_is_kept(data):
    X, y = data
    X = X.assign(brand=None)
    tabular = {"numeric": ["price"], "categorical": ["brand"]}
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no imputer skipping it
        pipe = _pipe(tabular).fit(X, y)
    names, block = _table_block(pipe, X, "brand")
    assert names == ["brand_0"]  # one constant category, as 0 on the numeric side
    assert np.ptp(block) == 0 and block[0, 0] != 0
    # a category seen only at predict is ignored (all zeros), missing is kept
    new = X.assign(brand=["red"] + [None] * (len(X) - 1))
    _, block = _table_block(pipe, new, "brand")
    assert block[0, 0] == 0 and np.all(block[1:] == block[1, 0]) and block[1, 0] != 0
    assert pipe.predict_proba(new).shape == (len(X), len(pipe.classes_))


def test_cli_trains_with_a_categorical_column_empty_in_every_row(tmp_path):
    csv = write_dataset(tmp_path / "data")
    df = pd.read_csv(csv)
    df["price"] = np.arange(len(df), dtype=float)
    df["brand"] = np.nan  # an empty column in the CSV
    df.to_csv(csv, index=False)
    model = tmp_path / "model.skops"
    table = ["--numeric-columns", "price", "--categorical-columns", "brand"]
    proc = run_main("train", "--csv", csv, *CSV_ARGS, *table, "--output", model)
    assert proc.returncode == 0, proc.stderr


# -- 2. bad table cells --------------------------------------------------------
@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_an_infinite_numeric_cell_is_refused_naming_column_and_row(data, value):
    X, y = data
    X = X.copy()
    X.index = [f"row{i}" for i in range(len(X))]
    X.loc[["row3", "row7"], "price"] = value
    with pytest.raises(ValueError) as info:
        _pipe({"numeric": ["price"]}).fit(X, y)
    message = str(info.value)
    assert "'price' holds 2 cell(s) that are infinite" in message
    assert "index 'row3'" in message and "Input X contains" not in message
    # and at predict, in a model fitted on clean cells
    pipe = _pipe({"numeric": ["price"]}).fit(data[0], y)
    with pytest.raises(ValueError, match="'price' holds 2 cell"):
        pipe.predict(X)


def test_a_categorical_column_mixing_numbers_and_text_is_text(data):
    X, y = data
    X = X.copy()
    X["brand"] = pd.Series([3, "b", "c", "d"] * 10, dtype=object)
    X.loc[1, "brand"] = "3"  # the same category as the number 3
    pipe = _pipe({"categorical": ["brand"]}).fit(X, y)
    names, block = _table_block(pipe, X, "brand")
    assert names == ["brand_3", "brand_b", "brand_c", "brand_d"]
    assert np.count_nonzero(block[:, 0]) == 11  # ten 3 and one "3"
    # the number 3 at predict is the category "3" seen in training
    _, new = _table_block(pipe, X.assign(brand=[3] * len(X)), "brand")
    np.testing.assert_array_equal(new, np.repeat(block[:1], len(X), axis=0))


def test_list_form_reads_an_object_column_of_numbers_and_text_as_categories(data):
    X, y = data
    X = X.copy()
    X["price"] = X["price"].astype(object)
    X.loc[0, "price"] = "n/a"
    pipe = _pipe(["price", "brand"]).fit(X, y)
    names, _ = _table_block(pipe, X, "price")
    assert "price_n/a" in names and "price_1.0" in names


def test_clean_categorical_columns_keep_their_categories(data):
    X, y = data
    X = X.assign(size=np.tile([1, 2, 10, 20], 10))
    pipe = _pipe({"categorical": ["brand", "size"]}).fit(X, y)
    encoder = pipe[0].named_transformers_["tabular"].named_transformers_
    categories = encoder["categorical"]["encode"].categories_
    assert categories[0].tolist() == ["a", "b", "c", "d"]
    assert categories[1].tolist() == [1, 2, 10, 20]  # numbers, in number order


# -- 3. empty and whitespace-only strings are missing --------------------------
def test_empty_and_whitespace_strings_are_missing_categories(data):
    X, y = data
    X = X.copy()
    X.loc[[0, 1], "brand"] = ["", "   "]
    X.loc[[0, 1], "price"] = np.nan  # the whole table missing in those rows
    X.loc[2, "brand"] = " "  # imputed, with the most frequent category
    pipe = _pipe(["price", "brand"]).fit(X, y)
    names, block = _table_block(pipe, X, "brand")
    assert names == ["brand_a", "brand_b", "brand_c", "brand_d"]
    # rows 0 and 1 are a missing modality (filled with the mean row)
    assert np.all(block[0] == block[1]) and np.count_nonzero(block[0]) > 1
    assert np.count_nonzero(block[2]) == 1


def test_a_whitespace_numeric_cell_is_missing_not_refused(data):
    X, y = data
    X = X.copy()
    X["price"] = X["price"].astype(object)
    X.loc[[0, 1], "price"] = ["", "  "]
    pipe = _pipe({"numeric": ["price"], "categorical": ["brand"]}).fit(X, y)
    _, block = _table_block(pipe, X, "price")
    assert np.all(np.isfinite(block))


# -- 4. the missing policy is checked at predict too -----------------------
@pytest.mark.parametrize("policy", ["Zero", "skip", None])
def test_a_wrong_missing_policy_on_a_fitted_fusion_is_refused(data, policy):
    X, y = data
    pipe = _pipe(["price"]).fit(X, y)
    pipe.set_params(fusion__missing=policy)
    with pytest.raises(InvalidParameterError, match="'missing' parameter of Modal"):
        pipe.predict(X)
    with pytest.raises(InvalidParameterError, match="'missing' parameter of Modal"):
        pipe[0].transform(X)


def test_the_deprecated_error_policy_still_works_on_a_fitted_fusion():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [0.0, 1.0, 0.0, 1.0]})
    fusion = ModalityFusion(
        [("a", FunctionTransformer(), ["a"]), ("b", FunctionTransformer(), ["b"])],
        missing="raise",
    ).fit(X)
    fusion.set_params(missing="error")
    assert fusion.transform(X).shape == (4, 2)


@pytest.mark.parametrize("policy", ["bogus", None, "mean"])
def test_a_wrong_missing_policy_on_a_fitted_late_fusion_is_refused(policy):
    rng = np.random.RandomState(0)
    y = np.arange(30) % 2
    X = rng.normal(size=(30, 4)) + y[:, None]
    X[0, :2] = np.nan  # a missing modality
    clf = LateFusionClassifier(
        [("good", LogisticRegression(), [0, 1]), ("noise", GaussianNB(), [2, 3])],
        missing="raise",
    ).fit(X[1:], y[1:])
    clf.set_params(missing=policy)
    with pytest.raises(InvalidParameterError, match="'missing' parameter of Late"):
        clf.predict(X)
    clf.set_params(missing="error")  # the deprecated spelling of "raise"
    with pytest.raises(ValueError, match="missing"):
        clf.predict(X)


@pytest.mark.parametrize(
    "trained, requested, expected",
    [
        ("zero", "mean", "zero"),
        ("mean", "zero", "mean"),
        ("zero", None, "zero"),
        ("raise", "mean", "mean"),
        ("raise", "error", "raise"),
        ("indicator", "mean", "mean"),  # refused when it is set, as before
    ],
)
def test_prediction_policy(trained, requested, expected):
    from skmultimodal.fusion._missing_policy import prediction_policy

    assert prediction_policy(trained, requested) == expected


def test_dask_workers_keep_the_fill_of_a_model_trained_with_one():
    import pickle

    from skmultimodal.distributed import _load_on_worker

    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    model = make_multimodal_pipeline(method="concat", missing="zero").fit(X, y)
    ref = {"payload": pickle.dumps(model), "metadata": {"missing": "zero"}}
    est, _, policy, trained = _load_on_worker(ref, {"missing": "mean"})
    assert (policy, trained) == ("zero", "zero")
    assert est.named_steps["fusion"].missing == "zero"
