"""Out-of-core training (skmultimodal.streaming): a tabular branch of
categorical columns only, pipelines whose branches learn from the rows in
fit, ``class_weight="balanced"`` kept as the parameter, the unused
categories of a pandas Categorical, warnings that point at the caller and
report an unreadable row once, and bad chunks or chunk sizes."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.linear_model import SGDClassifier

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.streaming import (
    csv_chunks,
    fit_out_of_core,
    make_out_of_core_pipeline,
)
from tests.cli.conftest import CSV_ARGS, run_main, write_dataset

SMALL = {"n_features": 32, "epochs": 1, "random_state": 0}


def _data(n=40):
    X, y = make_multimodal_classification(n_samples=n, random_state=0)
    return X, np.asarray(y)


def _halves(X, y):
    h = len(y) // 2
    return [(X.iloc[:h], y[:h]), (X.iloc[h:], y[h:])]


def _same_features(ooc, memory, X):
    """The fused features of both fitted pipelines: same names, same values."""
    f_a, f_b = ooc.named_steps["fusion"], memory.named_steps["fusion"]
    assert list(f_a.get_feature_names_out()) == list(f_b.get_feature_names_out())
    Z_a, Z_b = sparse.csr_matrix(f_a.transform(X)), sparse.csr_matrix(f_b.transform(X))
    assert Z_a.shape == Z_b.shape
    assert abs(Z_a - Z_b).max() < 1e-5


# ------------------------------------------- categorical columns only ---
@pytest.mark.parametrize(
    "tabular, column",
    [
        ({"numeric": [], "categorical": ["colour"]}, ["red", "blue"]),
        (["flag"], [True, False]),  # a list whose columns are all categorical
    ],
)
def test_a_tabular_branch_of_categorical_columns_only_fits_out_of_core(tabular, column):
    X, y = _data()
    name = tabular[0] if isinstance(tabular, list) else "colour"
    X[name] = np.where(np.arange(len(y)) % 2, *column).astype(object)
    pipe = make_out_of_core_pipeline(image=None, tabular=tabular, **SMALL)
    ooc = fit_out_of_core(pipe, _halves(X, y))
    _same_features(ooc, clone(pipe).fit(X, y), X)
    assert ooc.predict(X).shape == (len(y),)


def test_train_chunk_size_with_categorical_table_columns_only(tmp_path):
    csv = write_dataset(tmp_path)
    output = tmp_path / "m.skops"
    args = ["train", "--csv", csv, *CSV_ARGS, "--output", output]
    r = run_main(
        *args,
        "--categorical-columns",
        "group",
        "--chunk-size",
        "8",
        "--epochs",
        "1",
        "--n-features",
        "64",
    )
    assert r.returncode == 0, r.stderr
    assert output.exists()


# ------------------------------------- branches that learn in fit ---
def test_a_text_branch_with_a_vocabulary_is_refused():
    X, y = _data()
    pipe = make_multimodal_pipeline(
        image=None,
        method="concat",
        estimator=SGDClassifier(loss="log_loss", random_state=0),
    )
    with pytest.raises(ValueError) as info:
        fit_out_of_core(pipe, _halves(X, y))
    message = str(info.value)
    assert message.startswith(
        "branch 'text' cannot be fitted out of core: its step "
        "features__words__method (TfidfVectorizer) learns from the rows in fit"
    )
    assert "make_out_of_core_pipeline" in message


def test_the_builders_tabular_branch_is_refused():
    X, y = _data()
    X["price"] = np.arange(len(y), dtype=float)
    pipe = make_multimodal_pipeline(
        image=None,
        text=None,
        tabular={"numeric": ["price"], "categorical": []},
        method="concat",
        estimator=SGDClassifier(loss="log_loss", random_state=0),
    )
    with pytest.raises(ValueError, match="branch 'tabular' cannot be fitted out of"):
        fit_out_of_core(pipe, _halves(X, y))


def test_branches_that_learn_nothing_in_fit_are_accepted():
    """Hashed texts (also through TextFeatures) and image extractors."""
    from skmultimodal.text import TextFeatures

    X, y = _data()
    pipe = make_out_of_core_pipeline(image_features="pixels", **SMALL)
    pipe.set_params(
        fusion__text__features=TextFeatures("hashing", method_params={"n_features": 16})
    )
    model = fit_out_of_core(pipe, _halves(X, y))
    assert model.predict(X).shape == (len(y),)


# --------------------------------------------- class_weight="balanced" ---
def test_balanced_stays_the_parameter_and_applies_the_same_weights():
    from sklearn.utils.class_weight import compute_class_weight

    X, y = _data()
    y = np.where(np.arange(len(y)) < 25, 0, y)  # class 0 over-represented
    classes = np.unique(y)
    expected = dict(
        zip(classes.tolist(), compute_class_weight("balanced", classes=classes, y=y))
    )
    pipe = make_out_of_core_pipeline(image=None, class_weight="balanced", **SMALL)
    model = fit_out_of_core(pipe, _halves(X, y))
    clf = model.named_steps["classifier"]
    assert clf.class_weight == "balanced"
    assert clone(model).get_params()["classifier__class_weight"] == "balanced"
    assert list(clf.class_weight_) == classes.tolist()
    weights = list(clf.class_weight_.values())
    np.testing.assert_allclose(weights, list(expected.values()))
    # the weights trained with are those of the explicit dict
    fixed = make_out_of_core_pipeline(image=None, class_weight=expected, **SMALL)
    same = fit_out_of_core(fixed, _halves(X, y)).named_steps["classifier"]
    np.testing.assert_allclose(clf.coef_, same.coef_)
    assert not np.allclose(
        clf.coef_,
        fit_out_of_core(make_out_of_core_pipeline(image=None, **SMALL), _halves(X, y))
        .named_steps["classifier"]
        .coef_,
    )


# ------------------------------------------------- pandas Categorical ---
def test_the_unused_categories_of_a_categorical_dtype_add_no_feature():
    X, y = _data()
    rng = np.random.default_rng(0)
    X["cat"] = pd.Categorical(
        rng.choice(["a", "b"], size=len(y)), categories=["a", "b", "zz_unused"]
    )
    pipe = make_out_of_core_pipeline(image=None, tabular=["cat"], **SMALL)
    ooc = fit_out_of_core(pipe, _halves(X, y))
    tabular = [n for n in ooc[0].get_feature_names_out() if n.startswith("cat")]
    assert tabular == ["cat_a", "cat_b"]
    _same_features(ooc, clone(pipe).fit(X, y), X)


# ----------------------------------------------------------- warnings ---
def test_warnings_point_at_the_caller_and_report_an_unreadable_row_once():
    from skmultimodal.image import ImageWarning

    X, y = _data()
    X = X.copy()
    X.at[X.index[26], "image"] = b"not an image"
    pipe = make_out_of_core_pipeline(missing="mean", **{**SMALL, "epochs": 3})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_out_of_core(pipe, _halves(X, y))
    assert caught
    assert {w.filename for w in caught} == {__file__}
    images = [w for w in caught if issubclass(w.category, ImageWarning)]
    assert len(images) == 1
    assert "(index 26)" in str(images[0].message)
    summary = [w for w in caught if "fit_out_of_core" in str(w.message)]
    assert len(summary) == 1


# ---------------------------------------------------------- bad input ---
def test_a_chunk_with_a_duplicated_column_name_is_named_as_such():
    X, y = _data()
    chunks = _halves(X, y)
    twice = pd.concat([chunks[1][0], chunks[1][0][["text"]]], axis=1)
    chunks[1] = (twice, chunks[1][1])
    pipe = make_out_of_core_pipeline(image=None, **SMALL)
    with pytest.raises(ValueError) as info:
        fit_out_of_core(pipe, chunks)
    assert str(info.value).startswith(
        "chunk 1 of the statistics pass: fit_out_of_core: X has duplicated "
        "column names ('text' 2 times)"
    )


@pytest.mark.parametrize("value", [True, 2.0, "10"])
def test_csv_chunks_asks_for_a_positive_integer_chunk_size(tmp_path, value):
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        csv_chunks(tmp_path / "x.csv", chunk_size=value)


# ------------------------------------------ the tabular= hint, out of core ---
def test_the_out_of_core_builders_tabular_columns_carry_the_hint():
    X, y = _data()
    X = X.assign(price=np.arange(len(y), dtype=float))
    pipe = make_out_of_core_pipeline(image=None, text=None, tabular=["price"], epochs=1)
    streamed = fit_out_of_core(pipe, _halves(X[["price"]], y))
    for model in (clone(pipe).fit(X[["price"]], y), streamed):
        with pytest.raises(ValueError, match="tabular= selects columns by name only"):
            model.predict(X[["price"]].to_numpy())
