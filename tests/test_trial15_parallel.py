"""Parallel runs report as serial ones do: the first failing row's error
(no joblib warning in its place), the same row from KerasFeatures for any
``n_jobs``, and compare_models' fold warnings for every model."""

import time
import warnings

import cv2
import joblib
import numpy as np
import pytest
from sklearn.base import clone

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.image import Grayscale, ImageDecodeError
from skmultimodal.model_selection import compare_models
from skmultimodal.utils import parallel_map


def _paths(tmp_path, n=12, bad=7):
    rng = np.random.default_rng(0)
    paths = []
    for k in range(n):
        paths.append(str(tmp_path / f"{k}.png"))
        cv2.imwrite(paths[-1], rng.integers(0, 256, (8, 8, 3), dtype=np.uint8))
    (tmp_path / "bad.png").write_bytes(b"notapng")
    paths[bad] = str(tmp_path / "bad.png")
    return paths


# ------------------------------------------------ 1. in_order under threads
def _first_fails(i, item):
    # the first item fails while threads still run the others
    time.sleep(0.02 if i == 0 else 0.01)
    if i == 0:
        raise KeyError(i)
    return i


def test_the_error_of_the_first_item_not_joblibs_warning_under_threads():
    """Stopping the tasks left must not warn: a filter set around joblib's
    warning raced with the worker threads' own catch_warnings, so under
    warnings-as-errors the warning came out instead of the item's error."""
    for _ in range(20):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(KeyError):
                parallel_map(
                    _first_fails, range(16), n_jobs=2, prefer="threads", catch=KeyError
                )


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_an_unreadable_image_names_its_row_under_warnings_as_errors(tmp_path, backend):
    paths = _paths(tmp_path)
    for _ in range(20 if backend == "threading" else 1):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with joblib.parallel_backend(backend, n_jobs=2):
                with pytest.raises(ImageDecodeError, match="row 7"):
                    Grayscale().fit_transform(paths)


def test_a_full_run_does_not_warn(tmp_path):
    paths = _paths(tmp_path)
    paths[7] = paths[6]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with joblib.parallel_backend("threading", n_jobs=2):
            assert Grayscale().fit_transform(paths).shape[0] == len(paths)


# ------------------------------------- 2. KerasFeatures names the first row
@pytest.mark.slow
def test_keras_features_names_the_first_failing_row_for_any_n_jobs(
    tmp_path, monkeypatch
):
    keras = pytest.importorskip("keras")
    from skmultimodal.image import KerasFeatures, _io

    inputs = keras.Input((8, 8, 3))
    x = keras.layers.GlobalAveragePooling2D(name="gap")(inputs)
    keras.Model(inputs, x).save(tmp_path / "tiny.keras")
    paths = _paths(tmp_path, n=24, bad=1)
    paths[20] = str(tmp_path / "missing.png")  # fails at once
    read_item = _io.read_item

    def slow_for_row_1(item, limits=None):  # row 1 fails late
        if item == paths[1]:
            time.sleep(0.3)
        return read_item(item, limits)

    est = KerasFeatures(model=tmp_path / "tiny.keras").fit(paths[2:4])
    monkeypatch.setattr(_io, "read_item", slow_for_row_1)
    for n_jobs in [1, 2]:
        with pytest.raises(ImageDecodeError, match="at row 1, "):
            est.set_params(n_jobs=n_jobs).transform(paths)


# --------------------------- 3. compare_models: every model's fold warnings
def _relayed(models, X, y, n_jobs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # a repeat from one line: dropped
        compare_models(models, X, y, cv=2, n_jobs=n_jobs)
    return [(w.category, str(w.message)) for w in caught]


def test_compare_models_relays_each_models_warnings_for_any_n_jobs():
    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    X = X.astype({"image": object})
    X.at[5, "image"] = "/nonexistent.png"
    model = make_multimodal_pipeline(
        method="concat", image_features="pixels", missing="mean", random_state=0
    )
    models = {"a": model, "b": clone(model)}
    serial = _relayed(models, X, y, n_jobs=1)
    assert sorted(map(repr, _relayed(models, X, y, n_jobs=2))) == sorted(
        map(repr, serial)
    )
    # the same warnings for each model, each naming its model
    per_model = {
        key: {(c, t.removeprefix(f"models[{key!r}]: ")) for c, t in serial
              if t.startswith(f"models[{key!r}]: ")}
        for key in models
    }  # fmt: skip
    assert per_model["a"] and per_model["a"] == per_model["b"]
    assert sum(map(len, per_model.values())) == len(serial) == len(set(serial))
    assert any("/nonexistent.png" in t for _, t in per_model["a"])
