"""Model files: each fitted branch stored once (``named_transformers_``
built from ``transformers_``), the derivable output names left out and
rebuilt after loading, the plugin-autoload switch named when it keeps a
plugin's types out, one ValueError for an estimator holding a lambda, and
forged envelopes refused as damaged files."""

import json
import pickle
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils import Bunch

from skmultimodal.fusion import ModalityFusion
from skmultimodal.image import ColorHistogram, ImageFeatureUnion, PixelFeatures
from skmultimodal.persistence import (
    ModelFileError,
    UntrustedTypesError,
    load_model,
    save_model,
)
from skmultimodal.plugins import DISABLE_AUTOLOAD_ENV
from tests.test_persistence_inputs import GMU, _gmu_model, needs_gmu, plugins  # noqa: F401


def _table(n=12):
    rng = np.random.default_rng(0)
    words = np.array(["red", "blue", "cat", "dog", "sun"])
    return pd.DataFrame(
        {
            "text": [" ".join(rng.choice(words, 3)) for _ in range(n)],
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
        }
    )


def _fusion():
    return ModalityFusion(
        [
            ("text", HashingVectorizer(n_features=2**9), "text"),
            ("num", StandardScaler(), ["a", "b"]),
        ]
    )


def _schema(path):
    return json.loads(zipfile.ZipFile(path).read("schema.json"))


def _state_keys(schema):
    """Every key in a skops schema (the attribute names of the objects
    stored among them)."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            found.update(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


# -- 1. each fitted branch stored once ---------------------------------------
def test_skops_file_stores_each_fitted_branch_once(tmp_path):
    X = _table()
    fusion = _fusion().fit(X)
    path = save_model(fusion, tmp_path / "m.skops")
    keys = _state_keys(_schema(path))
    assert "transformers_" in keys
    assert "named_transformers_" not in keys
    loaded = load_model(path).estimator
    named = loaded.named_transformers_
    assert isinstance(named, Bunch) and list(named) == ["text", "num"]
    assert named.num is loaded.transformers_[1][1]
    assert named["text"] is loaded.transformers_[0][1]
    np.testing.assert_allclose(named.num.mean_, fusion.named_transformers_.num.mean_)
    assert not hasattr(_fusion(), "named_transformers_")  # before fit


def _union():
    return ImageFeatureUnion(
        [("hist", ColorHistogram(bins=4)), ("pixels", PixelFeatures(size=(4, 4)))]
    )


def _images(n=3):
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (10, 12, 3), dtype=np.uint8) for _ in range(n)]


def test_image_union_stores_each_fitted_extractor_once(tmp_path):
    X = _images()
    union = _union().fit(X)
    assert list(union.named_transformers_) == ["hist", "pixels"]
    assert union.named_transformers_.pixels is union.transformers_[1][1]
    path = save_model(union, tmp_path / "u.skops")
    assert "named_transformers_" not in _state_keys(_schema(path))
    loaded = load_model(path).estimator
    assert loaded.named_transformers_["hist"] is loaded.transformers_[0][1]
    np.testing.assert_array_equal(loaded.transform(X), union.transform(X))


@pytest.mark.parametrize("make", [_fusion, _union])
def test_a_model_saved_with_the_stored_attribute_still_loads(make):
    X = _table() if make is _fusion else _images()
    est = make().fit(X)
    stale = Bunch(old="stored by an older version")
    est.__dict__["named_transformers_"] = stale  # as an older fit stored it
    back = pickle.loads(pickle.dumps(est))
    assert "named_transformers_" not in vars(back)
    assert list(back.named_transformers_) == [n for n, *_ in back.transformers_]


def _late():
    from skmultimodal.fusion import LateFusionClassifier

    return LateFusionClassifier(
        [
            ("a", LogisticRegression(), [0, 1]),
            ("gone", "drop", [1]),
            ("b", LogisticRegression(), [2, 3]),
        ]
    )


def test_late_fusion_stores_each_fitted_model_once(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 4)), np.arange(40) % 2
    clf = _late().fit(X, y)
    named = clf.named_estimators_
    assert list(named) == ["a", "gone", "b"] and named.gone == "drop"
    assert named.b is clf.estimators_[1][1]
    path = save_model(clf, tmp_path / "late.skops")
    assert "named_estimators_" not in _state_keys(_schema(path))
    loaded = load_model(path).estimator
    assert loaded.named_estimators_.a is loaded.estimators_[0][1]
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    # a later set_params does not change what was fitted
    clf.set_params(estimators=[("c", LogisticRegression(), [0])])
    assert list(clf.named_estimators_) == ["a", "gone", "b"]
    # as an older fit stored it
    old = _late().fit(X, y)
    stored = old.named_estimators_
    del old.__dict__["_estimator_names"]
    old.__dict__["named_estimators_"] = stored
    back = pickle.loads(pickle.dumps(old))
    assert "named_estimators_" not in vars(back)
    assert list(back.named_estimators_) == ["a", "gone", "b"]
    assert not hasattr(_late(), "named_estimators_")  # before fit


# -- 2. the output names are not saved ---------------------------------------
@pytest.mark.parametrize("suffix", [".skops", ".joblib"])
def test_output_names_are_rebuilt_after_loading_not_saved(tmp_path, suffix):
    X = _table()
    fusion = _fusion().fit(X)
    names = fusion.get_feature_names_out()
    assert len(names) == 2**9 + 2
    path = save_model(fusion, tmp_path / f"m{suffix}")
    if suffix == ".skops":
        assert "_feature_names_out" not in _state_keys(_schema(path))
    loaded = load_model(path, trusted=True if suffix == ".joblib" else None)
    assert "_feature_names_out" not in vars(loaded.estimator)
    back = loaded.estimator.get_feature_names_out()
    assert back.dtype == object
    np.testing.assert_array_equal(back, names)
    np.testing.assert_allclose(
        loaded.estimator.transform(X).toarray(), fusion.transform(X).toarray()
    )
    # the fitted one keeps them (not recomputed at each call)
    assert "_feature_names_out" in vars(fusion)


@pytest.mark.parametrize("form", ["dict", "array", "int columns"])
def test_rebuilt_names_equal_those_of_fit_for_every_kind_of_table(form):
    X = _table()
    if form == "dict":
        X = {c: X[c].tolist() for c in X}
        columns = ("text", ["a", "b"])
    elif form == "array":
        X = X.to_numpy(dtype=object)
        columns = (0, [1, 2])
    else:
        X = X.set_axis([0, 1, 2], axis=1)
        columns = (0, [1, 2])
    fusion = ModalityFusion(
        [
            ("text", HashingVectorizer(n_features=8), columns[0]),
            ("num", "passthrough", columns[1]),
        ],
        missing="indicator",
    ).fit(X)
    names = fusion.get_feature_names_out()
    back = pickle.loads(pickle.dumps(fusion))
    assert "_feature_names_out" not in vars(back)
    np.testing.assert_array_equal(back.get_feature_names_out(), names)
    if form != "dict":
        given = ["t", "p", "q"]
        np.testing.assert_array_equal(
            back.get_feature_names_out(given), fusion.get_feature_names_out(given)
        )


def test_missing_switch_error_after_loading_counts_the_columns():
    fusion = _fusion().set_params(missing="indicator").fit(_table())
    back = pickle.loads(pickle.dumps(fusion)).set_params(missing="zero")
    assert "_feature_names_out" not in vars(back)
    with pytest.raises(ValueError, match=r"\(516 at fit\)"):
        back.transform(_table())


# -- 3. plugin autoload off ---------------------------------------------------
@needs_gmu
def test_plugin_autoload_off_is_named_for_an_installed_plugins_types(
    tmp_path,
    plugins,  # noqa: F811
    monkeypatch,
):
    path, pipe, X = _gmu_model(tmp_path / "gmu.skops")
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    plugins.reset()
    with pytest.raises(UntrustedTypesError) as info:
        load_model(path)
    message = str(info.value)
    assert (
        f"holds {GMU} of the skmultimodal plugin 'gmu' (distribution "
        "skmultimodal-gmu), which is installed but not loaded: "
        f"{DISABLE_AUTOLOAD_ENV}=1 turns plugin autoload off. Unset "
        f"{DISABLE_AUTOLOAD_ENV}"
    ) in message
    assert "outside the trusted list" not in message
    assert "trust the file's author" not in message
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV)  # as the message says
    plugins.reset()
    np.testing.assert_array_equal(load_model(path).predict(X), pipe.predict(X))


# -- 4. an estimator holding a lambda ----------------------------------------
def _with_lambda():
    pipe = make_pipeline(FunctionTransformer(lambda x: x), LogisticRegression())
    return pipe.fit([[0.0], [1.0]], [0, 1])


@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_a_lambda_is_one_value_error_naming_the_parameter(
    tmp_path, suffix, monkeypatch
):
    path = save_model(
        LogisticRegression().fit([[0.0], [1.0]], [0, 1]), tmp_path / f"m{suffix}"
    )
    before = path.read_bytes()
    with pytest.raises(ValueError) as info:
        save_model(_with_lambda(), path)
    message = str(info.value)
    assert type(info.value) is ValueError
    assert "parameter 'functiontransformer__func' holds <function" in message
    assert "cannot be pickled" in message
    assert "save it as .joblib" not in message  # it cannot be stored there
    if suffix == ".skops":
        assert "nor as .joblib" in message
    assert path.read_bytes() == before  # atomic: the old file as it was
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    if suffix == ".skops":  # .joblib still advised for what pickle stores
        import skops.io as sio

        def refuse(obj):
            raise TypeError("no such node")

        monkeypatch.setattr(sio, "dumps", refuse)
        with pytest.raises(ValueError, match=r"\(no such node\); save it as \.joblib$"):
            save_model(LogisticRegression(), path)


# -- 5. forged envelopes -----------------------------------------------------
@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("format_version", "1", r"its format_version is '1' \(a str\), not an integer"),
        ("format_version", True, r"its format_version is True \(a bool\)"),
        ("metadata", ["a"], r"its metadata is a list, not a dict"),
    ],
)
def test_forged_envelope_is_a_model_file_error_naming_the_file(
    tmp_path, key, value, expected
):
    path = save_model(
        LogisticRegression().fit([[0.0], [1.0]], [0, 1]), tmp_path / "m.joblib"
    )
    envelope = joblib.load(path)
    envelope[key] = value
    del envelope["checksum"]  # rewritten without its checksum line
    joblib.dump(envelope, path)
    with pytest.raises(ModelFileError, match=expected) as info:
        load_model(path, trusted=True)
    assert str(path) in str(info.value)
