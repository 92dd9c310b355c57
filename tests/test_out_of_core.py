"""Out-of-core training (skmultimodal.streaming): the statistics learnt a
chunk at a time are those of the in-memory fit, the model predicts like the
in-memory one, saves and loads like any model, and the command line's
``train --chunk-size`` writes a model that ``predict`` reads."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.persistence import load_model, save_model
from skmultimodal.streaming import (
    csv_chunks,
    fit_out_of_core,
    make_out_of_core_pipeline,
)
from tests.cli.conftest import CSV_ARGS, run_main, write_dataset

TABULAR = {"numeric": ["price"], "categorical": ["brand"]}
SMALL = {"n_features": 2**10}  # hashed text columns: small models, fast tests


def _table(n=120, seed=0):
    """Synthetic images and texts, a numeric and a categorical column with
    empty cells, some texts and images missing (never all in one row)."""
    X, y = make_multimodal_classification(n_samples=n, random_state=seed)
    rng = np.random.RandomState(seed)
    price = np.asarray(y, dtype=float) + rng.normal(size=n)
    price[rng.rand(n) < 0.15] = np.nan
    brand = rng.choice(["acme", "bolt", "cora"], n).astype(object)
    brand[rng.rand(n) < 0.1] = np.nan
    X = X.assign(price=price, brand=brand)
    X.loc[X.index[5::13], "text"] = None
    X.loc[X.index[9::17], "image"] = None
    return X, np.asarray(y)


def _chunks(X, y, size):
    return [(X.iloc[i : i + size], y[i : i + size]) for i in range(0, len(y), size)]


def _image_scaler(model):
    return model.named_steps["fusion"].named_transformers_["image"]["scale"]


def _fit_both(size, missing="mean", epochs=3):
    X, y = _table()
    pipe = make_out_of_core_pipeline(
        tabular=TABULAR, missing=missing, epochs=epochs, random_state=0, **SMALL
    )
    ooc = fit_out_of_core(pipe, _chunks(X, y, size))
    memory = pipe.fit(X, y)
    return X, y, ooc, memory


@pytest.mark.parametrize("size", [7, 120])
def test_statistics_do_not_depend_on_the_chunk_size(size):
    X, y, ooc, memory = _fit_both(size, epochs=1)
    a, b = _image_scaler(ooc), _image_scaler(memory)
    np.testing.assert_allclose(a.mean_, b.mean_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.var_, b.var_, rtol=1e-8, atol=1e-12)
    assert a.n_samples_seen_ == b.n_samples_seen_ < len(y)  # missing images
    tab_a = ooc.named_steps["fusion"].named_transformers_["tabular"]
    tab_b = memory.named_steps["fusion"].named_transformers_["tabular"]
    num_a = tab_a.named_transformers_["numeric"]["scale"]
    num_b = tab_b.named_transformers_["numeric"]["scale"]
    np.testing.assert_allclose(num_a.mean_, num_b.mean_, rtol=1e-12)
    np.testing.assert_allclose(num_a.var_, num_b.var_, rtol=1e-10)
    cats_a = tab_a.named_transformers_["categorical"].categories_
    cats_b = tab_b.named_transformers_["categorical"].categories_
    assert [list(map(str, c)) for c in cats_a] == [list(map(str, c)) for c in cats_b]
    f_a, f_b = ooc.named_steps["fusion"], memory.named_steps["fusion"]
    assert f_a.fill_values_.keys() == f_b.fill_values_.keys()
    for name in f_b.fill_values_:
        np.testing.assert_allclose(
            f_a.fill_values_[name], f_b.fill_values_[name], atol=1e-5
        )
    np.testing.assert_allclose(f_a.method_.scales_, f_b.method_.scales_, rtol=1e-6)
    Z_a, Z_b = f_a.transform(X), f_b.transform(X)
    assert Z_a.shape == Z_b.shape
    assert abs(sparse.csr_matrix(Z_a) - sparse.csr_matrix(Z_b)).max() < 1e-5


@pytest.mark.parametrize("missing", ["zero", "indicator"])
def test_fused_features_match_in_memory_under_each_policy(missing):
    X, _, ooc, memory = _fit_both(40, missing=missing, epochs=1)
    Z_a = sparse.csr_matrix(ooc.named_steps["fusion"].transform(X))
    Z_b = sparse.csr_matrix(memory.named_steps["fusion"].transform(X))
    assert Z_a.shape == Z_b.shape
    assert abs(Z_a - Z_b).max() < 1e-5


@pytest.mark.slow  # eleven featurizations of the table
def test_predictions_close_to_in_memory_sgd_on_the_same_features():
    X, y, ooc, memory = _fit_both(30, epochs=10)
    X_new, y_new = _table(n=90, seed=1)
    a, b = ooc.predict(X_new), memory.predict(X_new)
    # 120 training rows: the two SGD paths (chunks in order, all rows
    # shuffled) agree on most rows and are as accurate
    assert np.mean(a == b) >= 0.75
    assert abs(np.mean(a == y_new) - np.mean(b == y_new)) <= 0.1
    assert np.mean(a == y_new) > 0.5  # 3 classes: far above chance
    proba = ooc.predict_proba(X_new)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(ooc.classes_) == sorted(set(y))


def test_the_given_pipeline_is_not_modified():
    X, y = _table(n=40)
    pipe = make_out_of_core_pipeline(epochs=1, missing="mean", random_state=0)
    before = repr(pipe.get_params(deep=False))
    fit_out_of_core(pipe, _chunks(X, y, 16))
    assert repr(pipe.get_params(deep=False)) == before
    assert not hasattr(pipe.named_steps["fusion"], "transformers_")


def test_a_callable_gives_fresh_chunks_for_every_pass():
    X, y = _table(n=40)
    calls = []

    def chunks():
        calls.append(1)
        return iter(_chunks(X, y, 16))

    fit_out_of_core(make_out_of_core_pipeline(epochs=2, missing="zero"), chunks)
    assert len(calls) == 3  # the statistics pass and two epochs


def test_round_trip_through_save_model_and_load_model(tmp_path):
    X, y = _table(n=60)
    model = fit_out_of_core(
        make_out_of_core_pipeline(tabular=TABULAR, missing="mean", epochs=2, **SMALL),
        _chunks(X, y, 25),
    )
    path = save_model(model, tmp_path / "model.skops", metadata={"x": 1})
    loaded = load_model(path).estimator
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X))


@pytest.mark.slow  # the default 2 x 2**16 hashed columns: a large .skops file
def test_train_chunk_size_writes_a_model_that_predict_reads(tmp_path):
    csv = write_dataset(tmp_path)
    model = tmp_path / "model.skops"
    args = ["train", "--csv", csv, *CSV_ARGS, "--output", model]
    r = run_main(*args, "--chunk-size", "5", "--epochs", "3")
    assert r.returncode == 0, r.stderr
    assert "out of core on 24 rows, 3 classes" in r.stdout
    saved = load_model(model)
    assert saved.metadata["chunk_size"] == 5
    assert type(saved.estimator[-1]).__name__ == "SGDClassifier"
    out = tmp_path / "pred.csv"
    r = run_main(
        "predict", "--model", model, "--csv", csv, "--output", out, "--chunk-size", 7
    )
    assert r.returncode == 0, r.stderr
    pred = pd.read_csv(out)
    truth = pd.read_csv(csv)["label"]
    assert len(pred) == len(truth)
    assert np.mean(pred["prediction"] == truth) > 0.6


@pytest.mark.parametrize("value", ["0", "-3"])
def test_train_refuses_a_bad_chunk_size(tmp_path, value):
    csv = write_dataset(tmp_path)
    args = ["train", "--csv", csv, *CSV_ARGS, "--output", tmp_path / "m.skops"]
    r = run_main(*args, "--chunk-size", value)
    assert r.returncode == 2
    assert f"--chunk-size must be at least 1, got {value}" in r.stderr
    assert not (tmp_path / "m.skops").exists()


def test_train_chunk_size_refuses_the_stack_method(tmp_path):
    csv = write_dataset(tmp_path)
    args = ["train", "--csv", csv, *CSV_ARGS, "--output", tmp_path / "m.skops"]
    r = run_main(*args, "--chunk-size", "5", "--method", "stack")
    assert r.returncode == 2
    assert "--method stack cannot be fitted a chunk at a time" in r.stderr


def test_csv_chunks_refuses_a_bad_chunk_size(tmp_path):
    with pytest.raises(ValueError, match="chunk_size must be at least 1, got 0"):
        csv_chunks(tmp_path / "x.csv", chunk_size=0)


def test_a_class_first_seen_after_the_class_list_was_fixed_is_an_error():
    X, y = _table(n=40)
    y = y.copy()
    y[33] = 7
    with pytest.raises(ValueError, match=r"label\(s\) \[7\] at index \[33\]"):
        fit_out_of_core(
            make_out_of_core_pipeline(epochs=1, missing="mean"),
            _chunks(X, y, 16),
            classes=[0, 1, 2],
        )


def test_a_class_appearing_in_a_later_pass_is_an_error():
    X, y = _table(n=40)
    passes = []

    def chunks():  # the file changes after the statistics pass
        passes.append(1)
        labels = y.copy()
        if len(passes) > 1:
            labels[3] = 9
        return iter(_chunks(X, labels, 16))

    pipe = make_out_of_core_pipeline(epochs=1, missing="mean")
    with pytest.raises(ValueError, match=r"training pass has label\(s\) \[9\]"):
        fit_out_of_core(pipe, chunks)


def test_bad_chunks_are_refused_clearly():
    X, y = _table(n=40)
    pipe = make_out_of_core_pipeline(epochs=1)
    with pytest.raises(TypeError, match="can be read only once"):
        fit_out_of_core(pipe, iter(_chunks(X, y, 16)))
    with pytest.raises(ValueError, match=r"chunk 0 .* is not an \(X, y\) pair"):
        fit_out_of_core(pipe, [X])
    with pytest.raises(ValueError, match="y has shape"):
        fit_out_of_core(pipe, [(X, y[:3])])
    with pytest.raises(ValueError, match="hold no rows"):
        fit_out_of_core(pipe, [])


def test_a_missing_modality_under_raise_names_the_rows():
    X, y = _table(n=40)
    pipe = make_out_of_core_pipeline(epochs=1, missing="raise")
    # the first chunk's missing images (its missing text: index 5)
    match = r"modality 'image' is missing .* in chunk 0 at index \[9\]"
    with pytest.raises(ValueError, match=match):
        fit_out_of_core(pipe, _chunks(X, y, 16))
    first = X["image"].iloc[0]
    images = [first if v is None else v for v in X["image"]]
    X = X.assign(image=pd.Series(images, index=X.index, dtype=object))
    match = r"modality 'text' is missing .* in chunk 0 at index \[18, 31\]"
    with pytest.raises(ValueError, match=match):
        fit_out_of_core(pipe, _chunks(X.iloc[16:], y[16:], 16))


def test_only_concat_and_partial_fit_classifiers_are_accepted():
    from sklearn.linear_model import LogisticRegression

    X, y = _table(n=40)
    pipe = make_out_of_core_pipeline(epochs=1, missing="mean")
    with pytest.raises(ValueError, match="'stack' cannot be fitted out of core"):
        fit_out_of_core(pipe.set_params(fusion__method="stack"), _chunks(X, y, 16))
    pipe = make_out_of_core_pipeline(epochs=1, missing="mean")
    pipe.set_params(classifier=LogisticRegression())
    with pytest.raises(ValueError, match="LogisticRegression has no partial_fit"):
        fit_out_of_core(pipe, _chunks(X, y, 16))


def test_unreadable_images_warn_once_and_are_missing(tmp_path):
    X, y = _table(n=40)
    X = X.copy()
    X.loc[X.index[[2, 20]], "image"] = str(tmp_path / "absent.png")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_out_of_core(
            make_out_of_core_pipeline(epochs=2, missing="mean"), _chunks(X, y, 16)
        )
    mine = [w for w in caught if "fit_out_of_core" in str(w.message)]
    assert len(mine) == 1
    assert "could not be read in 2 row(s)" in str(mine[0].message)


def test_balanced_class_weights_come_from_the_statistics_pass():
    from sklearn.utils.class_weight import compute_class_weight

    X, y = _table(n=40)
    y = np.where(np.arange(40) < 25, 0, y)  # class 0 over-represented
    pipe = make_out_of_core_pipeline(epochs=1, missing="mean", class_weight="balanced")
    model = fit_out_of_core(pipe, _chunks(X, y, 16))
    weights = model.named_steps["classifier"].class_weight
    expected = compute_class_weight("balanced", classes=np.unique(y), y=y)
    assert list(weights) == np.unique(y).tolist()
    np.testing.assert_allclose(list(weights.values()), expected)
