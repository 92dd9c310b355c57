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
    cats_a = tab_a.named_transformers_["categorical"]["encode"].categories_
    cats_b = tab_b.named_transformers_["categorical"]["encode"].categories_
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
    weights = model.named_steps["classifier"].class_weight_
    expected = compute_class_weight("balanced", classes=np.unique(y), y=y)
    assert list(weights) == np.unique(y).tolist()
    np.testing.assert_allclose(list(weights.values()), expected)


# ------------------------------------------------- the attention network ---
TINY_NETWORK = {"width": 16, "n_heads": 2, "batch_size": 16}


def _attention_pipe(epochs, **kwargs):
    pipe = make_out_of_core_pipeline(
        classifier="attention", epochs=epochs, random_state=0, **SMALL, **kwargs
    )
    return pipe.set_params(**{f"classifier__{k}": v for k, v in TINY_NETWORK.items()})


@pytest.mark.slow  # TensorFlow: two fits of a small network
def test_attention_out_of_core_learns_like_in_memory():
    from sklearn.base import clone

    X, y = make_multimodal_classification(n_samples=240, random_state=0)
    y = np.asarray(y)
    X_new, y_new = make_multimodal_classification(n_samples=150, random_state=1)
    pipe = _attention_pipe(epochs=8)
    ooc = fit_out_of_core(pipe, _chunks(X, y, 50))
    memory = clone(pipe).fit(X, y)
    acc_ooc = np.mean(ooc.predict(X_new) == np.asarray(y_new))
    acc_memory = np.mean(memory.predict(X_new) == np.asarray(y_new))
    # 3 balanced classes: chance is 1/3
    assert acc_ooc > 0.7
    # the same features, network and number of optimizer steps; only the
    # row order differs (shuffled within chunks of 50 instead of across all
    # 240 rows), so on 150 new rows the two agree to within 10 points
    assert abs(acc_ooc - acc_memory) <= 0.1
    clf = ooc.named_steps["classifier"]
    assert clf.n_iter_ == 8
    assert clf.block_layout_ == memory.named_steps["classifier"].block_layout_
    assert clf.n_features_in_ == memory.named_steps["classifier"].n_features_in_
    assert list(ooc.classes_) == sorted(set(y.tolist()))
    np.testing.assert_allclose(ooc.predict_proba(X_new).sum(axis=1), 1.0, atol=1e-6)
    Z = ooc.named_steps["fusion"].transform(X_new)
    weights = clf.attention_weights(Z)
    assert list(weights.columns) == ["image", "text"]
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.slow  # TensorFlow
def test_attention_statistics_do_not_depend_on_the_chunk_size():
    X, y = _table(n=60)
    pipe = _attention_pipe(epochs=1, tabular=TABULAR, missing="mean")
    small, whole = (fit_out_of_core(pipe, _chunks(X, y, s)) for s in (7, 60))
    a, b = _image_scaler(small), _image_scaler(whole)
    np.testing.assert_allclose(a.mean_, b.mean_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.var_, b.var_, rtol=1e-8, atol=1e-12)
    f_a, f_b = small.named_steps["fusion"], whole.named_steps["fusion"]
    np.testing.assert_allclose(f_a.method_.scales_, f_b.method_.scales_, rtol=1e-8)
    Z_a, Z_b = sparse.csr_matrix(f_a.transform(X)), sparse.csr_matrix(f_b.transform(X))
    assert abs(Z_a - Z_b).max() < 1e-6
    c_a, c_b = small.named_steps["classifier"], whole.named_steps["classifier"]
    assert c_a.block_layout_ == c_b.block_layout_
    # one optimizer step per 16 rows, whatever the chunks: 60 rows -> 4
    assert c_a.model_.optimizer.iterations.numpy() == 4
    assert c_b.model_.optimizer.iterations.numpy() == 4


@pytest.mark.slow  # TensorFlow
def test_attention_round_trip_through_save_model_and_load_model(tmp_path):
    X, y = _table(n=60)
    model = fit_out_of_core(
        _attention_pipe(epochs=2, missing="mean"), _chunks(X, y, 25)
    )
    with pytest.raises(ValueError, match="holds a Keras model: save it as .joblib"):
        save_model(model, tmp_path / "model.skops")
    path = save_model(model, tmp_path / "model.joblib", metadata={"x": 1})
    loaded = load_model(path, trusted=True).estimator  # written just above
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X))
    Z = model.named_steps["fusion"].transform(X)
    np.testing.assert_allclose(
        loaded.named_steps["classifier"].attention_weights(Z),
        model.named_steps["classifier"].attention_weights(Z),
    )


@pytest.mark.slow  # TensorFlow
def test_fit_chunks_sets_up_the_fitted_state_of_fit():
    from skmultimodal.models import MultimodalAttentionClassifier

    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 6))
    y = np.where(X[:, 0] + X[:, 3] > 0, "yes", "no")
    clf = MultimodalAttentionClassifier(
        modalities=[("a", 3), ("b", 3)], epochs=2, random_state=0, **TINY_NETWORK
    )
    ref = clf.fit(X, y)
    ref_state = set(vars(ref))

    def chunks():
        return (
            (sparse.csr_matrix(X[i : i + 40]), y[i : i + 40]) for i in range(0, 90, 40)
        )

    streamed = clf.__class__(**clf.get_params()).fit_chunks(chunks)
    assert set(vars(streamed)) == ref_state
    assert list(streamed.classes_) == ["no", "yes"]
    assert streamed.n_iter_ == 2
    assert streamed.model_.optimizer.iterations.numpy() == 2 * 6  # 90 rows / 16
    assert set(streamed.predict(X)) <= {"no", "yes"}


@pytest.mark.slow  # TensorFlow
def test_fit_chunks_refuses_bad_chunks_clearly():
    from skmultimodal.models import MultimodalAttentionClassifier

    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4))
    y = (X[:, 0] > 0).astype(int)
    clf = MultimodalAttentionClassifier(epochs=1, random_state=0, **TINY_NETWORK)
    # read once per epoch: one-shot iterators are refused, as are non-iterables
    for one_shot in (((X, y) for _ in range(1)), iter([(X, y)]), 5, "chunks.csv"):
        kind = type(one_shot).__name__
        with pytest.raises(TypeError, match=rf"iterable .*\(a list\), got {kind}"):
            clf.fit_chunks(one_shot)
    with pytest.raises(ValueError, match="set early_stopping=False"):
        clf.set_params(early_stopping=True).fit_chunks(lambda: [(X, y)])
    clf.set_params(early_stopping=False)
    with pytest.raises(ValueError, match=r"chunk 0 has y of shape \(40, 2\)"):
        clf.fit_chunks(lambda: [(X, np.column_stack([y, y]))])
    with pytest.raises(ValueError, match="chunk 1 has .* X for 3 labels"):
        clf.fit_chunks(lambda: [(X, y), (X, y[:3])])
    passes = []

    def growing():  # the source gains rows after the first pass
        passes.append(1)
        return [(X, y)] * (1 + (len(passes) > 2))

    with pytest.raises(
        ValueError, match="80 rows .* more than the 40 rows of the first"
    ):
        clf.fit_chunks(growing)
    with pytest.raises(ValueError, match=r"chunk 0 has label\(s\) \[2\]") as info:
        clf.fit_chunks(lambda: [(X, np.where(y == 1, 2, y))], classes=[0, 1])
    rows = np.flatnonzero(y == 1)  # named in words, not as a Python list
    assert f"at rows {rows[0]}, {rows[1]}, " in str(info.value)
    assert "more of the chunk, not among the classes [0, 1]" in str(info.value)
    labels = np.array(["a", "b"] * 20, dtype=object)
    gap = labels.copy()
    gap[3] = None
    with pytest.raises(ValueError, match=r"chunk 1: y is missing .* row 3"):
        clf.fit_chunks(lambda: [(X, labels), (X, gap)])
    with pytest.raises(ValueError, match=r"chunk 1: X has 3 features, but .* 4"):
        clf.fit_chunks(lambda: [(X, y), (X[:, :3], y)])


@pytest.mark.slow  # TensorFlow: two fits of a tiny network
def test_fit_chunks_takes_a_list_of_chunks_like_a_function():
    from skmultimodal.models import MultimodalAttentionClassifier

    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 4))
    y = (X[:, 0] > 0).astype(int)
    listed = [(X[i : i + 20], y[i : i + 20]) for i in range(0, 50, 20)]
    params = dict(epochs=2, random_state=0, **TINY_NETWORK)
    from_list = MultimodalAttentionClassifier(**params).fit_chunks(listed)
    called = MultimodalAttentionClassifier(**params).fit_chunks(lambda: iter(listed))
    assert from_list.n_iter_ == 2
    assert from_list.model_.optimizer.iterations.numpy() == 2 * 4  # 50 rows / 16
    np.testing.assert_allclose(from_list.predict_proba(X), called.predict_proba(X))


@pytest.mark.slow  # TensorFlow: a tiny network, stopped in its second epoch
@pytest.mark.parametrize("later", [50, 59, 61, 75])  # 60 rows, batches of 16
def test_fit_chunks_refuses_a_later_pass_of_another_size(later):
    from skmultimodal.models import MultimodalAttentionClassifier

    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4))
    y = (X[:, 0] > 0).astype(int)
    complete = []  # the row counts of the passes read to their end

    def chunks():  # the source changes after the first pass and epoch 1
        n = 60 if len(complete) < 2 else later
        for i in range(0, n, 20):
            yield X[i : min(i + 20, n)], y[i : min(i + 20, n)]
        complete.append(n)

    clf = MultimodalAttentionClassifier(epochs=2, random_state=0, **TINY_NETWORK)
    side = "fewer" if later < 60 else "more"
    expected = (
        f"gave {later} rows in the pass of epoch 2, {side} than the 60 rows of "
        "the first pass"
    )
    with pytest.raises(ValueError, match=expected):
        clf.fit_chunks(chunks)
    assert complete[:2] == [60, 60]


@pytest.mark.slow  # TensorFlow: a tiny network, stopped in its first epoch
def test_fit_chunks_refuses_chunks_of_another_size_than_class_counts():
    from skmultimodal.models import MultimodalAttentionClassifier

    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int)
    clf = MultimodalAttentionClassifier(epochs=1, random_state=0, **TINY_NETWORK)
    expected = "gave 60 rows in the pass of epoch 1, fewer than the 62 rows of"
    with pytest.raises(
        ValueError, match=rf"{expected} the first pass \(class_counts\)"
    ):
        clf.fit_chunks([(X, y)], class_counts={0: 31, 1: 31})


@pytest.mark.slow  # TensorFlow, the command line in this process
def test_train_chunk_size_attention_writes_a_model_that_predict_reads(tmp_path):
    csv = write_dataset(tmp_path)
    args = ["train", "--csv", csv, *CSV_ARGS, "--classifier", "attention"]
    r = run_main(*args, "--output", tmp_path / "m.skops", "--chunk-size", "5")
    assert r.returncode == 2
    assert "save it as m.joblib" in r.stderr
    model = tmp_path / "model.joblib"
    r = run_main(*args, "--output", model, "--chunk-size", "5", "--epochs", "15")
    assert r.returncode == 0, r.stderr
    assert "out of core on 24 rows, 3 classes" in r.stdout
    saved = load_model(model, trusted=True)  # written just above
    assert saved.metadata["chunk_size"] == 5
    assert saved.metadata["classifier"] == "attention"
    assert saved.metadata["epochs"] == 15
    assert type(saved.estimator[-1]).__name__ == "MultimodalAttentionClassifier"
    out = tmp_path / "pred.csv"
    args = ["--csv", csv, "--output", out, "--chunk-size", 7, "--trust"]
    r = run_main("predict", "--model", model, *args)
    assert r.returncode == 0, r.stderr
    pred = pd.read_csv(out)
    truth = pd.read_csv(csv)["label"]
    assert len(pred) == len(truth)
    assert np.mean(pred["prediction"] == truth) > 0.6


def test_make_out_of_core_pipeline_refuses_an_unknown_classifier():
    with pytest.raises(ValueError, match="classifier must be 'sgd' or 'attention'"):
        make_out_of_core_pipeline(classifier="logistic")


@pytest.mark.slow  # imports TensorFlow
def test_the_attention_pipeline_defaults():
    pipe = make_out_of_core_pipeline(classifier="attention", random_state=3)
    clf = pipe.named_steps["classifier"]
    assert type(clf).__name__ == "MultimodalAttentionClassifier"
    assert (clf.epochs, clf.random_state) == (20, 3)
    text = pipe.named_steps["fusion"].transformers[1][1]
    words = text.named_steps["features"].transformer_list[0][1].method
    assert words.n_features == 2**14
    sgd = make_out_of_core_pipeline().named_steps["classifier"]
    assert sgd.max_iter == 10


def test_the_library_speaks_of_its_own_argument_not_the_command_line(tmp_path):
    # the same checks the command line runs; there they read "--missing"
    from skmultimodal.datasets._table import load_table
    from skmultimodal.streaming import csv_chunks

    csv = write_dataset(tmp_path)
    df = pd.read_csv(csv)
    df.loc[2, "picture"] = None
    holes = tmp_path / "holes.csv"
    df.to_csv(holes, index=False)
    df.loc[5, "picture"] = "images/absent.png"
    absent = tmp_path / "absent.csv"
    df.to_csv(absent, index=False)
    chunks = csv_chunks(
        holes,
        chunk_size=50,
        image_column="picture",
        text_column="caption",
        target="label",
    )
    with pytest.raises(ValueError) as info:
        list(chunks())
    message = str(info.value)
    assert "with missing='raise' every row needs every modality: pass " in message
    assert "missing='zero', 'mean' or 'indicator'" in message
    assert "--missing" not in message
    with pytest.raises(
        ValueError, match=r"missing='mean' \(or 'zero', 'indicator'\) treats"
    ):
        load_table(absent, image_column="picture", text_column="caption")


def test_branch_names_are_checked_when_the_pipeline_is_built():
    """The out-of-core builder names branches as make_multimodal_pipeline
    does: a clash is refused when it is built, naming the builder, and a
    dict names the branches."""
    with pytest.raises(ValueError, match="make_out_of_core_pipeline: text= column"):
        make_out_of_core_pipeline(image="front", text=["title", "image"])
    pipe = make_out_of_core_pipeline(image={"photo": "front"}, text=["title", "body"])
    names = [name for name, _, _ in pipe.named_steps["fusion"].transformers]
    assert names == ["photo", "title", "body"]
