"""save_model / load_model: identical predictions, skops trust, foreign files,
the format following the name, atomic writes, version checks."""

import os
import pickle
import threading
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import skmultimodal
from skmultimodal import make_multimodal_pipeline
from skmultimodal.persistence import (
    TRUSTED_TYPES,
    InconsistentVersionWarning,
    ModelFileError,
    UntrustedPickleError,
    UntrustedTypesError,
    load_model,
    save_model,
)
from tests._concurrency import race

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
    pipe.fit(X, y)
    path = save_model(pipe, tmp_path / f"m{suffix}", metadata={"target": "label"})
    loaded = load_model(path, trusted=True if suffix == ".joblib" else None)
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


@pytest.mark.slow  # TensorFlow
def test_keras_pipeline_round_trip(data, tmp_path):
    pytest.importorskip("scikeras", reason="the attention classifier needs keras")
    X, y = data
    pipe = make_multimodal_pipeline(classifier="attention", random_state=0)
    pipe.set_params(classifier__epochs=2, classifier__width=8, classifier__n_heads=1)
    pipe.fit(X, y)
    path = save_model(pipe, tmp_path / "attention.joblib")
    loaded = load_model(path, trusted=True).estimator
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
        "skmultimodal_version": skmultimodal.__version__,
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
    with pytest.raises(ModelFileError, match="holds a sklearn.LogisticRegression"):
        load_model(bare, trusted=True)
    broken = tmp_path / "broken.pkl"
    broken.write_bytes(pickle.dumps({"a": 1})[:-3])
    with pytest.raises(ModelFileError, match="cannot unpickle"):
        load_model(broken, trusted=True)
    zipped = tmp_path / "other.skops"
    import zipfile

    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("readme.txt", "not a model")
    with pytest.raises(ModelFileError, match="not a skmultimodal model file"):
        load_model(zipped)
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path / "absent.joblib")
    (tmp_path / "folder.skops").mkdir()
    with pytest.raises(ModelFileError, match="is a folder, not a model file"):
        load_model(tmp_path / "folder.skops")


def test_save_model_checks_the_destination(tmp_path):
    clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(ValueError, match="cannot tell the format"):
        save_model(clf, tmp_path / "model.bin")
    with pytest.raises(ValueError, match="folder '.*no' does not exist"):
        save_model(clf, tmp_path / "no" / "model.joblib")


# ------------------------------------- the format follows the file's name --
def _create_marker(path):
    """What a malicious pickle would run: here it only creates a file."""
    with open(path, "w") as fh:
        fh.write("pwned")


class _Evil:
    """Unpickling this calls _create_marker(marker): code from the file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (_create_marker, (self.marker,))


@pytest.mark.parametrize("trusted", [None, ["x.Y"], True])
def test_pickle_named_skops_is_never_unpickled(tmp_path, trusted):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.skops"
    joblib.dump(_Evil(marker), path)
    with pytest.raises(ModelFileError) as exc:
        load_model(path, trusted=trusted)
    assert isinstance(exc.value, ValueError)
    msg = str(exc.value)
    assert "does not match its .skops name" in msg and "pickle" in msg
    assert not marker.exists()
    # the same for a plain pickle and for other binary content
    path.write_bytes(pickle.dumps(_Evil(marker)))
    with pytest.raises(ModelFileError, match="does not match its .skops name"):
        load_model(path, trusted=trusted)
    path.write_bytes(b"\x00garbage")
    with pytest.raises(ModelFileError, match="not a skops \\(zip\\) file"):
        load_model(path, trusted=trusted)
    assert not marker.exists()


@pytest.mark.parametrize("suffix", [".joblib", ".pkl", ".pickle", ".JOBLIB"])
def test_pickles_need_an_explicit_opt_in(tmp_path, suffix):
    marker = tmp_path / "pwned"
    path = tmp_path / f"model{suffix}"
    joblib.dump(_Evil(marker), path)
    for trusted in (None, False, ["tests.test_persistence._Evil"]):
        with pytest.raises(UntrustedPickleError) as exc:
            load_model(path, trusted=trusted)
        msg = str(exc.value)
        assert "pickle" in msg and "runs whatever code" in msg
        assert "trusted=True" in msg and "--trust" in msg and ".skops" in msg
        assert not marker.exists()
    if isinstance(trusted, list):
        assert "cannot be checked type by type" in msg
    # trusted=True is the opt-in: the pickle runs (here: makes the marker)
    with pytest.raises(ModelFileError, match="not a skmultimodal model file"):
        load_model(path, trusted=True)
    assert marker.exists()


def test_load_refuses_unknown_suffixes_and_mismatched_content(tmp_path):
    clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    good = save_model(clf, tmp_path / "model.skops")
    for name in ("model.bin", "model", "model.skops.bak", "model.zip"):
        other = tmp_path / name
        other.write_bytes(good.read_bytes())
        with pytest.raises(ModelFileError, match="cannot tell the format"):
            load_model(other, trusted=True)
    renamed = tmp_path / "model.joblib"
    renamed.write_bytes(good.read_bytes())
    with pytest.raises(ModelFileError, match="does not match its .joblib name"):
        load_model(renamed, trusted=True)


# ----------------------------------------------------------- atomic saves --
def _fitted(seed=0, n_features=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(20, n_features))
    return LogisticRegression().fit(X, np.arange(20) % 2)


def _unpicklable():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    pipe = make_pipeline(FunctionTransformer(lambda x: x), LogisticRegression())
    return pipe.fit([[0.0], [1.0]], [0, 1])


@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_failed_save_leaves_the_previous_file(tmp_path, suffix):
    path = save_model(_fitted(), tmp_path / f"model{suffix}", metadata={"v": 1})
    before = path.read_bytes()
    with pytest.raises(Exception):  # noqa: B017 - pickle's or skops' own error
        save_model(_unpicklable(), path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == [path.name]  # no temporary file left
    trusted = True if suffix == ".joblib" else None
    assert load_model(path, trusted=trusted).metadata == {"v": 1}


@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_concurrent_saves_always_leave_a_loadable_file(tmp_path, suffix):
    path = tmp_path / f"model{suffix}"
    # big enough that a write takes many system calls
    models = {"a": _fitted(0, 3000), "b": _fitted(1, 3000)}
    save_model(models["a"], path, metadata={"who": "a"})
    trusted = True if suffix == ".joblib" else None
    rounds = 12 if suffix == ".joblib" else 4
    errors = []
    done = threading.Event()

    def writer(who):
        try:
            for _ in range(rounds):
                save_model(models[who], path, metadata={"who": who})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(f"save {who}: {exc!r}")

    def reader():
        while not done.is_set():
            try:
                loaded = load_model(path, trusted=trusted)
                who = loaded.metadata["who"]
                np.testing.assert_array_equal(loaded.estimator.coef_, models[who].coef_)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(f"load: {exc!r}")
                return

    race(writer, reader, done)
    assert not errors, errors[:3]
    assert load_model(path, trusted=trusted).metadata["who"] in ("a", "b")
    assert sorted(os.listdir(tmp_path)) == [path.name]


def test_saved_file_permissions_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        path = save_model(_fitted(), tmp_path / "model.joblib")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640
    path.chmod(0o600)
    save_model(_fitted(1), path)
    assert path.stat().st_mode & 0o777 == 0o600  # a replaced file keeps its mode


# ------------------------------------------------------- version checks --
@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_loading_a_file_of_another_version_warns(tmp_path, monkeypatch, suffix):
    trusted = True if suffix == ".joblib" else None
    path = save_model(_fitted(), tmp_path / f"model{suffix}")
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        same = load_model(path, trusted=trusted)
    assert same.skmultimodal_version == skmultimodal.__version__
    monkeypatch.setattr(skmultimodal, "__version__", "99.0.0")
    with pytest.warns(InconsistentVersionWarning) as record:
        loaded = load_model(path, trusted=trusted)
    warning = record[0].message
    assert warning.original_version == same.skmultimodal_version
    assert warning.current_version == "99.0.0"
    assert loaded.skmultimodal_version == same.skmultimodal_version
    msg = str(warning)
    assert same.skmultimodal_version in msg and "99.0.0" in msg
    assert str(path) in msg
    assert issubclass(InconsistentVersionWarning, UserWarning)


def test_version_stored_in_the_file_is_compared(tmp_path):
    path = save_model(_fitted(), tmp_path / "model.joblib")
    envelope = joblib.load(path)
    envelope["skmultimodal_version"] = "0.0.1"
    del envelope["checksum"]  # rewritten without its checksum line
    joblib.dump(envelope, path)
    with pytest.warns(InconsistentVersionWarning, match="0.0.1") as record:
        loaded = load_model(path, trusted=True)
    assert record[0].message.original_version == "0.0.1"
    assert record[0].message.current_version == skmultimodal.__version__
    assert loaded.skmultimodal_version == "0.0.1"
    del envelope["skmultimodal_version"]
    joblib.dump(envelope, path)
    with pytest.warns(InconsistentVersionWarning, match="unknown") as record:
        load_model(path, trusted=True)
    assert record[0].message.original_version is None


# -- trusted types: public paths and plugin classes --------------------------------
def _doubler_model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from tests._skops_types import Doubler

    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(20, 3)), np.arange(20) % 2
    return make_pipeline(Doubler(), LogisticRegression()).fit(X, y), X


def test_a_type_is_trusted_by_its_public_path(tmp_path):
    pytest.importorskip("skops")
    model, X = _doubler_model()
    # said at save: load_model will need them trusted
    with pytest.warns(UserWarning, match=r"_impl.Doubler, .*_impl.Helper, outside"):
        path = save_model(model, tmp_path / "m.skops")
    with pytest.raises(UntrustedTypesError, match="_impl.Doubler"):
        load_model(path)
    # the public path stands for the private module path skops reports
    loaded = load_model(
        path, trusted=["tests._skops_types.Doubler", "tests._skops_types.Helper"]
    )
    np.testing.assert_allclose(
        loaded.estimator.predict_proba(X), model.predict_proba(X)
    )


def test_registered_plugin_classes_and_their_declared_types_are_trusted(tmp_path):
    pytest.importorskip("skops")
    from skmultimodal.persistence import trusted_types
    from skmultimodal.plugins import hookimpl, register_plugin, unregister_plugin
    from tests._skops_types import Doubler

    class Plugin:
        @hookimpl
        def skmultimodal_register_text_features(self, register):
            register("doubler_test", Doubler)

    model, X = _doubler_model()
    with pytest.warns(UserWarning, match="trusted_types attribute of the plugin"):
        path = save_model(model, tmp_path / "m.skops")  # plugin not registered
    plugin = Plugin()
    register_plugin(plugin, name="doubler-test-plugin")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # registered: trusted, no warning
            save_model(model, tmp_path / "m2.skops")
        names = trusted_types()
        assert "tests._skops_types._impl.Doubler" in names
        assert "tests._skops_types._impl.Helper" in names  # declared by the class
        loaded = load_model(path)  # no trusted=... needed
        np.testing.assert_allclose(
            loaded.estimator.predict_proba(X), model.predict_proba(X)
        )
    finally:
        unregister_plugin(plugin)
    with pytest.raises(UntrustedTypesError):
        load_model(path)
