"""save_model / load_model: identical predictions, skops trust, foreign files."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skmultimodal import make_multimodal_pipeline
from skmultimodal.persistence import (
    TRUSTED_TYPES,
    ModelFileError,
    UntrustedTypesError,
    load_model,
    save_model,
)

from .cli.conftest import write_dataset


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = write_dataset(tmp_path_factory.mktemp("persist"), n_per_class=6)
    df = pd.read_csv(path)
    X = pd.DataFrame(
        {
            "image": [str(path.parent / p) for p in df["picture"]],
            "text": df["caption"],
        }
    )
    return X, df["label"].to_numpy()


@pytest.mark.parametrize("method", ["concat", "product", "attention", "late"])
@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_classical_round_trip_identical_predictions(data, tmp_path, method, suffix):
    X, y = data
    pipe = make_multimodal_pipeline(method=method, random_state=0)
    if method == "late":
        pipe.set_params(cv=2)
    pipe.fit(X, y)
    path = save_model(pipe, tmp_path / f"m{suffix}", metadata={"target": "label"})
    loaded = load_model(path)
    assert loaded.metadata == {"target": "label"}
    assert loaded.skmultimodal_version
    # labels identical; probabilities equal up to float round-off (BLAS may
    # take another SIMD path on differently aligned reloaded arrays)
    np.testing.assert_array_equal(loaded.predict(X), pipe.predict(X))
    np.testing.assert_allclose(
        loaded.predict_proba(X), pipe.predict_proba(X), rtol=1e-12, atol=1e-15
    )
    if method != "late":  # the block layout survives (skops drops tuple types)
        fusion = loaded.estimator.named_steps["fusion"]
        assert fusion.block_layout_ == pipe.named_steps["fusion"].block_layout_
        assert type(fusion.block_layout_).__name__ == "BlockLayout"


def test_keras_pipeline_round_trip(data, tmp_path):
    pytest.importorskip("scikeras", reason="the attention classifier needs keras")
    X, y = data
    pipe = make_multimodal_pipeline(classifier="attention", random_state=0)
    pipe.set_params(classifier__epochs=2, classifier__width=8, classifier__n_heads=1)
    pipe.fit(X, y)
    path = save_model(pipe, tmp_path / "attention.joblib")
    loaded = load_model(path).estimator
    np.testing.assert_allclose(loaded.predict_proba(X), pipe.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), pipe.predict(X))
    with pytest.raises(ValueError, match="holds a Keras model: save it as .joblib"):
        save_model(pipe, tmp_path / "attention.skops")
    assert not (tmp_path / "attention.skops").exists()


def _double(x):
    return 2 * x


def test_skops_refuses_types_outside_the_trusted_list(tmp_path):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    envelope = {
        "format": "skmultimodal-model",
        "format_version": 1,
        "metadata": {},
        # a function reference: loading it would run code of the file's choice
        "estimator": FunctionTransformer(_double),
    }
    sio.dump(envelope, tmp_path / "f.skops")
    name = f"{__name__}._double"
    with pytest.raises(UntrustedTypesError, match=name):
        load_model(tmp_path / "f.skops")
    loaded = load_model(tmp_path / "f.skops", trusted=[name])
    assert loaded.estimator.func is _double


def test_trusted_types_are_importable_names():
    for name in TRUSTED_TYPES:
        module, _, attr = name.rpartition(".")
        assert module and attr, name
    assert "skmultimodal.fusion._modality_fusion.ModalityFusion" in TRUSTED_TYPES


def test_files_that_are_not_ours(tmp_path):
    text = tmp_path / "notes.joblib"
    text.write_text("hello")
    with pytest.raises(ModelFileError, match="is not a skmultimodal model file"):
        load_model(text)
    bare = tmp_path / "bare.joblib"
    joblib.dump(LogisticRegression(), bare)
    with pytest.raises(ModelFileError, match="holds a LogisticRegression"):
        load_model(bare)
    broken = tmp_path / "broken.pkl"
    broken.write_bytes(pickle.dumps({"a": 1})[:-3])
    with pytest.raises(ModelFileError, match="cannot unpickle"):
        load_model(broken)
    zipped = tmp_path / "other.skops"
    import zipfile

    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("readme.txt", "not a model")
    with pytest.raises(ModelFileError, match="not a skmultimodal model file"):
        load_model(zipped)
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path / "absent.joblib")


def test_save_model_checks_the_destination(tmp_path):
    clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(ValueError, match="cannot tell the format"):
        save_model(clf, tmp_path / "model.bin")
    with pytest.raises(ValueError, match="folder does not exist"):
        save_model(clf, tmp_path / "no" / "model.joblib")
