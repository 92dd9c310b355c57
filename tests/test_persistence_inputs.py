"""save_model / load_model inputs: metadata checked before anything is
written, ``trusted`` given as one type name, and types of a disabled plugin
named as such instead of as untrusted types."""

import copy
import datetime
import os

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import skmultimodal
from skmultimodal.persistence import (
    UntrustedTypesError,
    load_model,
    save_model,
    trusted_types,
)
from skmultimodal.plugins import (
    DISABLE_AUTOLOAD_ENV,
    DISABLE_PLUGINS_ENV,
    disable_plugins,
    get_plugin_manager,
)
from tests.plugins.test_installed_plugins import _installed


def _fitted():
    rng = np.random.default_rng(0)
    return LogisticRegression().fit(rng.normal(size=(20, 3)), np.arange(20) % 2)


def _trust(suffix):
    return True if suffix == ".joblib" else None


# -- metadata ----------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".skops", ".joblib"])
@pytest.mark.parametrize(
    "metadata, where, type_name",
    [
        (
            {"when": pd.Timestamp("2020-01-01")},
            r"metadata\['when'\]",
            "pandas.Timestamp",
        ),
        (
            {"info": {"dates": [1, datetime.date(2020, 1, 1)]}},
            r"metadata\['info'\]\['dates'\]\[1\]",
            "datetime.date",
        ),
        ({"classes": np.array([0, 1])}, r"metadata\['classes'\]", "numpy.ndarray"),
        ({1: "one"}, r"key 1 of metadata", "int"),
    ],
)
def test_metadata_that_cannot_be_stored_is_refused_before_writing(
    tmp_path, suffix, metadata, where, type_name
):
    path = tmp_path / f"model{suffix}"
    with pytest.raises(TypeError, match=rf"{where} has type {type_name};") as info:
        save_model(_fitted(), path, metadata=metadata)
    message = str(info.value)
    assert "str, int, float, bool, None" in message  # what is accepted
    assert ".joblib" not in message  # not blamed on the estimator
    assert os.listdir(tmp_path) == []  # nothing written, no temporary file


@pytest.mark.parametrize("suffix", [".skops", ".joblib"])
def test_refused_metadata_leaves_the_previous_file(tmp_path, suffix):
    path = save_model(_fitted(), tmp_path / f"model{suffix}", metadata={"v": 1})
    before = path.read_bytes()
    with pytest.raises(TypeError, match=r"metadata\['when'\]"):
        save_model(_fitted(), path, metadata={"when": pd.Timestamp("2020-01-01")})
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == [path.name]


def test_metadata_must_be_a_dict(tmp_path):
    with pytest.raises(TypeError, match="metadata must be a dict, not list"):
        save_model(_fitted(), tmp_path / "m.skops", metadata=[("a", 1)])
    assert os.listdir(tmp_path) == []


def test_metadata_that_contains_itself_is_refused(tmp_path):
    loop = [1]
    loop.append(loop)
    with pytest.raises(TypeError, match=r"metadata\['loop'\]\[1\] contains itself"):
        save_model(_fitted(), tmp_path / "m.skops", metadata={"loop": loop})
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("suffix", [".skops", ".joblib"])
def test_json_like_metadata_round_trips_unchanged(tmp_path, suffix):
    metadata = {
        "target": "label",
        "classes": [0, 1],
        "score": np.float64(0.75),  # what sklearn's metrics return
        "n": np.int64(20),
        "shape": (20, 3),
        "nested": {"ok": True, "none": None, "ratio": 0.5},
    }
    given = copy.deepcopy(metadata)
    path = save_model(_fitted(), tmp_path / f"m{suffix}", metadata=metadata)
    assert metadata == given  # not mutated
    loaded = load_model(path, trusted=_trust(suffix))  # no extra types to trust
    assert loaded.metadata == given


# -- trusted: one type name as a str -----------------------------------------
def _double(x):
    return 2 * x


def _function_model(path):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    envelope = {
        "format": "skmultimodal-model",
        "format_version": 1,
        "skmultimodal_version": skmultimodal.__version__,
        "metadata": {},
        "estimator": FunctionTransformer(_double),
    }
    sio.dump(envelope, path)
    return path


def test_trusted_accepts_one_type_name_as_a_str(tmp_path):
    path = _function_model(tmp_path / "f.skops")
    name = f"{__name__}._double"
    loaded = load_model(path, trusted=name)
    assert loaded.estimator.func is _double
    names = trusted_types(name)
    assert name in names
    assert not {"_", "."} & names  # not split character by character


@pytest.mark.parametrize("trusted", [1, [1], ["ok.Name", None]])
def test_trusted_of_another_type_is_refused(tmp_path, trusted):
    path = _function_model(tmp_path / "f.skops")
    with pytest.raises(TypeError, match=r"trusted must be None, True, a type name"):
        load_model(path, trusted=trusted)


# -- types of a disabled plugin ----------------------------------------------
needs_gmu = pytest.mark.skipif(
    not _installed("skmultimodal-gmu"),
    reason="the skmultimodal-gmu plugin is not installed "
    "(`pip install ./plugins/skmultimodal-gmu`)",
)


@pytest.fixture
def plugins(monkeypatch):
    """All installed plugins enabled and loaded afresh; the manager and
    os.environ (which disable_plugins() writes to) are restored afterwards."""
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "")
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV, raising=False)
    manager = get_plugin_manager()
    manager.reset()
    yield manager
    manager.reset()


def _gmu_model(path):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

    from skmultimodal.fusion import ModalityFusion
    from skmultimodal.image import ImageFeatures

    rng = np.random.RandomState(0)
    y = np.arange(16) % 2
    images = [rng.randint(0, 256, (12, 12, 3), dtype=np.uint8) for _ in y]
    words = np.array(["red", "blue", "cat", "dog"])
    X = pd.DataFrame(
        {"image": images, "text": [" ".join(rng.choice(words, 3)) for _ in y]}
    )
    fusion = ModalityFusion(
        [
            ("image", ImageFeatures(method="pixels"), "image"),
            ("text", TfidfVectorizer(), "text"),
        ],
        method="gmu",
    )
    pipe = Pipeline([("fusion", fusion), ("clf", LogisticRegression())]).fit(X, y)
    return save_model(pipe, path), pipe, X


GMU = "skmultimodal_gmu._gmu.GatedMultimodalUnit"


def _disable_gmu(source, monkeypatch, manager):
    """Disable skmultimodal-gmu as a user does through ``source``."""
    if source == DISABLE_PLUGINS_ENV:  # set before the process loads plugins
        monkeypatch.setenv(DISABLE_PLUGINS_ENV, "skmultimodal-gmu")
        manager.reset()
    elif source == "--disable-plugin":
        disable_plugins("skmultimodal-gmu", source="--disable-plugin")
    else:
        disable_plugins("gmu")  # by entry-point name


@needs_gmu
@pytest.mark.parametrize(
    "source", [DISABLE_PLUGINS_ENV, "--disable-plugin", "disable_plugins()"]
)
def test_types_of_a_disabled_plugin_are_named_as_such(
    tmp_path, plugins, monkeypatch, source
):
    path, pipe, X = _gmu_model(tmp_path / "gmu.skops")
    _disable_gmu(source, monkeypatch, plugins)
    with pytest.raises(UntrustedTypesError) as info:
        load_model(path)
    message = str(info.value)
    assert GMU in message
    assert (
        "plugin 'gmu' (distribution skmultimodal-gmu), which is installed but "
        f"disabled by {source}. Enable it again"
    ) in message
    assert "outside the trusted list" not in message  # no push to trust it
    assert "trust the file's author" not in message
    # enabled again, the model loads with no trusted=...
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "")
    plugins.reset()
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(X), pipe.predict(X))


@needs_gmu
def test_unknown_types_keep_the_security_wording_beside_a_disabled_plugin(
    tmp_path, plugins, monkeypatch
):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    path, pipe, _ = _gmu_model(tmp_path / "gmu.skops")
    both = tmp_path / "both.skops"
    envelope = {
        "format": "skmultimodal-model",
        "format_version": 1,
        "skmultimodal_version": skmultimodal.__version__,
        "metadata": {},
        "estimator": [pipe, FunctionTransformer(_double)],
    }
    sio.dump(envelope, both)
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "skmultimodal-gmu")
    plugins.reset()
    with pytest.raises(UntrustedTypesError) as info:
        load_model(both)
    message = str(info.value)
    assert f"holds {GMU} of the skmultimodal plugin 'gmu'" in message
    unknown = message.split("also holds types outside the trusted list: ")[1]
    assert unknown.startswith(f"{__name__}._double;")
    assert GMU not in unknown
    assert "only if you trust the file's author" in unknown
