"""Behaviour of MultimodalAttentionClassifier (tiny networks, CPU)."""

import json
import os
import pickle
import subprocess
import sys
import textwrap
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone, is_classifier
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    check_cv,
    cross_validate,
    train_test_split,
)
from sklearn.pipeline import Pipeline

from skmultimodal.models import MultimodalAttentionClassifier

# TensorFlow/Keras models
pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TINY = dict(width=8, n_heads=2, epochs=2, batch_size=16)


def _data(n=60, n_features=6, n_classes=2, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features))
    score = X[:, 0] + X[:, n_features // 2]
    if n_classes == 2:
        y = (score > 0).astype(int)
    else:
        y = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))
    return X, y


def _run_python(code):
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def fitted():
    X, y = _data()
    clf = MultimodalAttentionClassifier(
        modalities=[("image", 3), ("text", 3)], random_state=0, **TINY
    ).fit(X, y)
    return clf, X, y


def test_import_does_not_load_tensorflow():
    out = _run_python(
        """
        import sys
        import skmultimodal
        import skmultimodal.models
        import skmultimodal.plotting
        before = sorted(m for m in ("tensorflow", "keras", "scikeras")
                        if m in sys.modules)
        from skmultimodal.models import MultimodalAttentionClassifier
        after = "tensorflow" in sys.modules
        print(before, after)
        """
    )
    assert out == "[] True"


def test_is_a_classifier_with_classifier_tags():
    clf = MultimodalAttentionClassifier()
    assert is_classifier(clf)
    tags = clf.__sklearn_tags__()
    assert tags.estimator_type == "classifier"
    assert tags.classifier_tags is not None
    assert tags.input_tags.two_d_array and tags.input_tags.sparse
    # cross_val_score & co. therefore pick a stratified splitter
    assert isinstance(
        check_cv(3, np.array([0, 1] * 5), classifier=True), StratifiedKFold
    )


def test_cross_validate_is_stratified_and_probability_scorers_work():
    X, y = _data()
    order = np.argsort(y, kind="stable")  # sorted labels: plain KFold(2) would
    X, y = X[order], y[order]  # give single-class training folds and fail
    res = cross_validate(
        MultimodalAttentionClassifier(random_state=0, **TINY),
        X,
        y,
        cv=2,
        scoring=["roc_auc", "neg_log_loss", "accuracy"],
        error_score="raise",
    )
    assert np.all(np.isfinite(res["test_roc_auc"]))
    assert np.all(res["test_neg_log_loss"] < 0)


def test_predict_proba_multiclass(fitted):
    X, y = _data(n_classes=3)
    clf = MultimodalAttentionClassifier(random_state=0, **TINY).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(clf.predict(X)) <= set(clf.classes_)
    assert clf.model_.output_shape == (None, 3)
    binary, Xb, _ = fitted
    assert binary.model_.output_shape == (None, 1)  # one sigmoid unit
    assert binary.predict_proba(Xb[:1]).shape == (1, 2)


def test_same_seed_same_predictions_and_other_seed_differs(fitted):
    clf, X, y = fitted
    again = clone(clf).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    other = clone(clf).set_params(random_state=1).fit(X, y)
    assert not np.array_equal(other.predict_proba(X), clf.predict_proba(X))


def test_seeded_fit_restores_global_random_state_and_unseeded_fit_works():
    X, y = _data()
    # The legacy global NumPy state is what a seeded fit must leave alone.
    np.random.seed(123)  # noqa: NPY002
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    MultimodalAttentionClassifier(random_state=0, **TINY).fit(X, y)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002
    # SciKeras' seeding left TensorFlow unable to run unseeded random ops.
    a = MultimodalAttentionClassifier(**TINY).fit(X, y)
    b = MultimodalAttentionClassifier(**TINY).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), b.predict_proba(X))


def test_random_state_instance_is_accepted():
    X, y = _data()
    p1 = (
        MultimodalAttentionClassifier(random_state=np.random.RandomState(5), **TINY)
        .fit(X, y)
        .predict_proba(X)
    )
    p2 = (
        MultimodalAttentionClassifier(random_state=np.random.RandomState(5), **TINY)
        .fit(X, y)
        .predict_proba(X)
    )
    np.testing.assert_array_equal(p1, p2)


def test_wrong_number_of_features_raises_sklearn_error(fitted):
    clf, X, _ = fitted
    msg = "X has 5 features, but MultimodalAttentionClassifier is expecting 6"
    with pytest.raises(ValueError, match=msg):
        clf.predict(X[:, :5])


def test_sparse_input_is_densified_and_keeps_its_layout():
    from skmultimodal.fusion import ModalityFusion
    from skmultimodal.text import TextFeatures

    X, y = _data(n_classes=3)
    dense = MultimodalAttentionClassifier(random_state=0, **TINY).fit(X, y)
    sp = clone(dense).fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(
        sp.predict_proba(sparse.csr_matrix(X)), dense.predict_proba(X), atol=1e-6
    )
    # concat fusion keeps a TF-IDF block sparse; its layout is still found
    df = pd.DataFrame(
        {
            "a": ["red apple", "green apple", "blue sky", "grey sky"] * 10,
            "b": ["one two", "two three", "three four", "four one"] * 10,
        }
    )
    yy = np.array([0, 0, 1, 1] * 10)
    pipe = Pipeline(
        [
            (
                "fusion",
                ModalityFusion(
                    [("a", TextFeatures(), "a"), ("b", TextFeatures(), "b")],
                    method="concat",
                ),
            ),
            ("clf", MultimodalAttentionClassifier(random_state=0, **TINY)),
        ]
    ).fit(df, yy)
    assert list(pipe[-1].tokens_per_modality_) == ["a", "b"]


def test_pickle_joblib_and_other_process_give_identical_predictions(fitted, tmp_path):
    clf, X, y = fitted
    expected = clf.predict_proba(X)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    pd.testing.assert_frame_equal(loaded.attention_weights(X), clf.attention_weights(X))
    path = tmp_path / "clf.joblib"
    joblib.dump(clf, path)
    xy = tmp_path / "xy.npz"
    np.savez(xy, X=X, y=y)
    # A fresh process: loads the file (custom layers registered on unpickle)
    # and fits an identical estimator from scratch with the same seed.
    out = _run_python(
        f"""
        import json, joblib, numpy as np
        from sklearn.base import clone
        data = np.load({str(xy)!r})
        X, y = data["X"], data["y"]
        loaded = joblib.load({str(path)!r})
        refit = clone(loaded).fit(X, y)
        print(json.dumps([loaded.predict_proba(X).tolist(),
                          refit.predict_proba(X).tolist()]))
        """
    )
    from_file, refit = (np.array(a) for a in json.loads(out))
    np.testing.assert_array_equal(from_file, expected)
    np.testing.assert_array_equal(refit, expected)


def test_clone_gives_unfitted_twin(fitted):
    clf, X, _ = fitted
    twin = clone(clf)
    assert twin.get_params() == clf.get_params()
    assert not hasattr(twin, "model_")
    with pytest.raises(Exception, match="not fitted"):
        twin.predict(X)


def test_grid_search_with_two_jobs():
    X, y = _data()
    search = GridSearchCV(
        MultimodalAttentionClassifier(random_state=0, **TINY),
        {"width": [4, 8]},
        cv=2,
        n_jobs=2,
        error_score="raise",
    ).fit(X, y)
    assert search.best_params_["width"] in (4, 8)
    assert search.predict(X).shape == (len(X),)


def test_explicit_layout_tokens_and_errors():
    X, y = _data(n_features=8)
    clf = MultimodalAttentionClassifier(
        modalities=[("image", 6), ("meta", 2)],
        tokens_per_block={"image": 3},
        random_state=0,
        **TINY,
    ).fit(X, y)
    assert clf.tokens_per_modality_ == {"image": 3, "meta": 1}
    tokens = clf.token_attention(X)
    assert tokens["image"].shape == (len(X), 3)
    np.testing.assert_allclose(tokens["image"].sum(1) + tokens["meta"].sum(1), 1, 1e-5)
    with pytest.raises(ValueError, match="cover 7 columns"):
        MultimodalAttentionClassifier(modalities=[("a", 5), ("b", 2)]).fit(X, y)
    layout = [("image", 6), ("meta", 2)]
    for tokens, message in [
        (
            {"imgae": 3},
            r"names no block: \['imgae'\]; the blocks of X are \['image', 'meta'\]",
        ),
        ({"image": 0}, r"counts \['image'\] are not positive integers"),
        ({"image": 2.5}, r"counts \['image'\] are not positive integers"),
    ]:
        with pytest.raises(ValueError, match=message):
            MultimodalAttentionClassifier(
                modalities=layout, tokens_per_block=tokens, **TINY
            ).fit(X, y)
    ids = np.random.RandomState(0).randint(0, 5, size=(len(X), 2)).astype(float)
    ids[4, 1] = -1
    with pytest.raises(ValueError, match="block 'ids'.*row 4"):
        MultimodalAttentionClassifier(
            modalities=[("a", 6), ("ids", 2, "sequence")], **TINY
        ).fit(np.hstack([X[:, :6], ids]), y)


def test_plain_array_is_one_token_and_dataframe_names_give_layout():
    X, y = _data()
    clf = MultimodalAttentionClassifier(random_state=0, **TINY).fit(X, y)
    assert clf.block_layout_.names == ["X"]
    np.testing.assert_allclose(clf.attention_weights(X)["X"], 1.0, atol=1e-6)

    rng = np.random.RandomState(0)
    ids = rng.randint(0, 9, size=(len(X), 4))
    df = pd.DataFrame(
        np.hstack([X, ids]),
        columns=[f"img__f{i}" for i in range(6)] + [f"txt__seq{i}" for i in range(4)],
        index=[f"r{i}" for i in range(len(X))],
    )
    clf = MultimodalAttentionClassifier(random_state=0, **TINY).fit(df, y)
    assert [(b.name, b.kind) for b in clf.block_layout_] == [
        ("img", "features"),
        ("txt", "sequence"),
    ]
    weights = clf.attention_weights(df)
    assert list(weights.index) == list(df.index)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)


def test_class_weight_shifts_predictions():
    X, y = _data(n=80)
    base = MultimodalAttentionClassifier(random_state=0, **{**TINY, "epochs": 5})
    plain = base.fit(X, y).predict(X).mean()
    weighted = (
        clone(base).set_params(class_weight={0: 0.02, 1: 1.0}).fit(X, y).predict(X)
    )
    assert weighted.mean() > plain
    sw = np.where(y == 1, 1.0, 0.02)
    by_sample = clone(base).fit(X, y, sample_weight=sw).predict(X)
    np.testing.assert_array_equal(by_sample, weighted)


@pytest.mark.parametrize("multilabel", [False, True])
@pytest.mark.parametrize("bad_row", [0, 7])
def test_negative_sample_weight_is_refused_naming_the_row(multilabel, bad_row):
    X, y = _data()
    if multilabel:
        y = np.column_stack([y, 1 - y])
    sw = np.ones(len(X))
    sw[bad_row:] = -0.5  # every row from bad_row on
    before = sw.copy()
    clf = MultimodalAttentionClassifier(random_state=0, **TINY)
    with pytest.raises(ValueError, match=f"non-negative, but row {bad_row} has -0.5"):
        clf.fit(X, y, sample_weight=pd.Series(sw))
    np.testing.assert_array_equal(sw, before)
    # non-negative weights, some of them 0, are taken
    sw[bad_row:] = 0.0
    sw[-1] = 2.0
    assert clf.fit(X, y, sample_weight=sw).predict(X).shape == y.shape


def test_early_stopping_stops_and_records_validation_loss():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = rng.randint(0, 2, 60)  # nothing to learn: validation loss stalls
    clf = MultimodalAttentionClassifier(
        early_stopping=True, patience=1, random_state=0, **{**TINY, "epochs": 40}
    ).fit(X, y)
    assert clf.n_iter_ < 40
    assert len(clf.history_["val_loss"]) == clf.n_iter_


@pytest.mark.parametrize("early_stopping", [False, True])
def test_global_pandas_output_changes_nothing(early_stopping):
    # set_config(transform_output="pandas") is for transformers' outputs;
    # the network's own input stays an array
    import sklearn

    X, y = _data()
    params = dict(early_stopping=early_stopping, random_state=0, **TINY)
    expected = MultimodalAttentionClassifier(**params).fit(X, y).predict_proba(X)
    with sklearn.config_context(transform_output="pandas"), warnings.catch_warnings():
        warnings.simplefilter("error")  # nor a warning about the output
        clf = MultimodalAttentionClassifier(**params).fit(X, y)
        np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-5)
        if not early_stopping:  # a stream holds no rows out
            chunks = lambda: ((X[i : i + 20], y[i : i + 20]) for i in range(0, 60, 20))  # noqa: E731
            streamed = MultimodalAttentionClassifier(**params).fit_chunks(chunks)
            assert streamed.predict_proba(X).shape == expected.shape


def _multimodal(n=240, seed=0):
    from skmultimodal.datasets import make_multimodal_classification

    return make_multimodal_classification(
        n_samples=n, n_classes=3, image_size=16, random_state=seed
    )


def _fusion(max_length=8):
    from skmultimodal.fusion import ModalityFusion
    from skmultimodal.image import PixelFeatures
    from skmultimodal.text import TextSequencer

    return ModalityFusion(
        [
            ("image", PixelFeatures(size=(8, 8)), "image"),
            ("text", TextSequencer(max_length=max_length), "text"),
        ],
        method="tokens",
        random_state=0,
    )


@pytest.fixture(scope="module")
def sequence_pipeline():
    X, y = _multimodal()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    pipe = Pipeline(
        [
            ("fusion", _fusion()),
            (
                "clf",
                MultimodalAttentionClassifier(
                    width=16, n_heads=2, epochs=25, learning_rate=3e-3, random_state=0
                ),
            ),
        ]
    ).fit(X_train, y_train)
    return pipe, X_test, y_test


def test_layout_found_after_token_fusion_in_pipeline(sequence_pipeline):
    pipe, X_test, _ = sequence_pipeline
    clf = pipe["clf"]
    layout = clf.block_layout_
    assert [(b.name, b.kind) for b in layout] == [
        ("image", "features"),
        ("text", "sequence"),
    ]
    sequencer = pipe["fusion"].named_transformers_["text"]
    assert layout.get("text").vocabulary_size == sequencer.vocabulary_size_
    Z = pipe["fusion"].transform(X_test)
    weights = clf.attention_weights(Z)
    assert weights.shape == (len(X_test), 2)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)


def test_sequence_model_uses_both_modalities(sequence_pipeline):
    # Each modality alone fixes the label only up to 2 neighbouring classes:
    # the best single-modality accuracy is 2/3.
    pipe, X_test, y_test = sequence_pipeline
    assert pipe.score(X_test, y_test) > 0.75


def test_per_word_weights(sequence_pipeline):
    pipe, X_test, _ = sequence_pipeline
    Z = pipe["fusion"].transform(X_test)
    words = pipe["clf"].token_attention(Z)["text"]
    ids = np.asarray(Z)[:, -8:]
    assert words.shape == (len(X_test), 8)
    assert np.all(words[ids == 0] == 0)  # padding gets no attention
    assert np.all(words[ids != 0] > 0)


def test_attention_sequence_encoder_and_cross_attention_layers():
    X, y = _multimodal(n=60, seed=1)
    pipe = Pipeline(
        [
            ("fusion", _fusion(max_length=6)),
            (
                "clf",
                MultimodalAttentionClassifier(
                    sequence_encoder="attention", random_state=0, **TINY
                ),
            ),
        ]
    ).fit(X, y)
    names = [layer.name for layer in pipe["clf"].model_.layers]
    assert "text_self_attention" in names and "text_cross_attention" in names
    loaded = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))


def test_plot_attention_weights(fitted):
    import matplotlib

    matplotlib.use("Agg")
    from skmultimodal.plotting import plot_attention_weights

    clf, X, _ = fitted
    weights = clf.attention_weights(X[:4])
    fig = plot_attention_weights(weights)
    bars = fig.axes[0].patches
    assert len(bars) == 4 * 2
    np.testing.assert_allclose(
        sorted(b.get_width() for b in bars), sorted(weights.to_numpy().ravel())
    )
    fig = plot_attention_weights(
        weights, words=[["a", "b"]] * 4, word_weights=np.full((4, 2), 0.5)
    )
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="pass both"):
        plot_attention_weights(weights, words=[["a"]] * 4)


def test_linear_skip_adds_a_linear_path_over_feature_blocks():
    X, y = _data(n_classes=3)
    with_skip = MultimodalAttentionClassifier(
        modalities=[("image", 3), ("text", 3)], random_state=0, **TINY
    ).fit(X, y)
    without = clone(with_skip).set_params(linear_skip=False).fit(X, y)
    names = {layer.name for layer in with_skip.model_.layers}
    assert "linear_skip" in names
    assert "linear_skip" not in {layer.name for layer in without.model_.layers}
    # the skip path reads every feature column and gives one logit per class
    assert with_skip.model_.get_layer("linear_skip").kernel.shape == (6, 3)
    assert not np.allclose(with_skip.predict_proba(X), without.predict_proba(X))


def test_linear_skip_alone_learns_a_linear_rule():
    # With the attention path's head zeroed out, the skip path alone
    # separates a linearly separable problem.
    X, y = _data(n=200)
    clf = MultimodalAttentionClassifier(
        width=4,
        n_heads=1,
        epochs=40,
        batch_size=32,
        learning_rate=0.05,
        random_state=0,
    ).fit(X, y)
    head = clf.model_.get_layer("head")
    head.set_weights([np.zeros_like(w) for w in head.get_weights()])
    assert np.mean(clf.predict(X) == y) > 0.9


def test_weight_decay_shrinks_weights():
    X, y = _data(n=120)
    params = dict(TINY, epochs=15, optimizer="adamw", random_state=0)
    plain = MultimodalAttentionClassifier(weight_decay=0.0, **params).fit(X, y)
    decayed = MultimodalAttentionClassifier(weight_decay=0.5, **params).fit(X, y)

    def norm(clf):
        return float(np.linalg.norm(clf.model_.get_layer("linear_skip").kernel))

    assert norm(decayed) < norm(plain)
    assert decayed.model_.optimizer.weight_decay == pytest.approx(0.5)


def test_label_smoothing_and_input_dropout_soften_probabilities():
    X, y = _data(n=120, n_classes=3)
    params = dict(TINY, epochs=30, learning_rate=0.02, random_state=0)
    sharp = MultimodalAttentionClassifier(**params).fit(X, y)
    smooth = MultimodalAttentionClassifier(label_smoothing=0.5, **params).fit(X, y)
    assert smooth.predict_proba(X).max(axis=1).mean() < (
        sharp.predict_proba(X).max(axis=1).mean()
    )
    dropped = MultimodalAttentionClassifier(input_dropout=0.5, **params).fit(X, y)
    assert "X_input_dropout" in {layer.name for layer in dropped.model_.layers}
    # dropout is off at prediction time: predictions are deterministic
    np.testing.assert_array_equal(dropped.predict_proba(X), dropped.predict_proba(X))


@pytest.mark.parametrize(
    "param", [{"weight_decay": -0.1}, {"label_smoothing": 1.0}, {"input_dropout": 1.0}]
)
def test_regularisation_parameters_are_validated(param):
    X, y = _data()
    with pytest.raises(ValueError, match=next(iter(param))):
        MultimodalAttentionClassifier(**param, **TINY).fit(X, y)
