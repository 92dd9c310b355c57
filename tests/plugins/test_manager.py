"""The plugin manager with throwaway plugin objects (in-process)."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin

from skmultimodal.fusion import FusionMethod
from skmultimodal.plugins import (
    PluginWarning,
    get_registry,
    hookimpl,
    list_plugins,
    unregister_plugin,
)
from skmultimodal.report import format_plugins_table

from .conftest import run_python

# -- throwaway implementations ------------------------------------------------


class FirstBlock(FusionMethod):
    """Valid fusion method: keeps the first block."""

    def __init__(self, *, scale=1.0):
        self.scale = scale

    def fit(self, blocks, y=None):
        self.n_out_ = blocks[0].shape[1]
        return self

    def transform(self, blocks):
        return np.asarray(blocks[0], dtype=float) * self.scale

    def get_feature_names_out(self, input_features):
        return np.asarray(input_features[0], dtype=object)


class Lengths(TransformerMixin, BaseEstimator):
    """Valid text feature extractor: string lengths."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.array([[len(t)] for t in X], dtype=float)

    def get_feature_names_out(self, input_features=None):
        return np.array(["length"], dtype=object)


class NeedsArgument(Lengths):
    def __init__(self, required):
        self.required = required


class RenamesParameter(Lengths):
    def __init__(self, *, alpha=1.0):
        self._alpha = alpha


class NoTransform(BaseEstimator):
    def fit(self, X, y=None):
        return self

    def get_feature_names_out(self, input_features=None):
        return np.array([])


class NotAnEstimator:
    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X

    def get_feature_names_out(self, input_features=None):
        return np.array([])


def make_plugin(kind_hook, *registrations):
    """A plugin object whose hook for ``kind_hook`` makes ``registrations``."""

    class Plugin:
        pass

    def hook(register):
        for name, obj in registrations:
            register(name, obj)

    setattr(Plugin, kind_hook, staticmethod(hookimpl(hook)))
    # pluggy reads the hook name from the attribute; rename the function too.
    hook.__name__ = kind_hook
    return Plugin()


FUSION = "skmultimodal_register_fusion_methods"
TEXT = "skmultimodal_register_text_features"
IMAGE = "skmultimodal_register_image_features"


def skipped(record):
    return [str(w.message) for w in record if issubclass(w.category, PluginWarning)]


# -- tests ---------------------------------------------------------------------


def test_builtins_are_registered_through_hooks(fresh_manager):
    rows = list_plugins()
    builtin = {
        (r["kind"], r["name"]) for r in rows if r["distribution"] == "skmultimodal"
    }
    assert ("fusion_method", "concat") in builtin
    assert ("image_features", "hog") in builtin
    assert ("text_features", "tfidf") in builtin
    for r in rows:
        if r["distribution"] == "skmultimodal":
            assert r["plugin"].startswith("builtin:skmultimodal.")
            assert r["status"] == "registered" and r["reason"] == ""


def test_registered_names_resolve_and_are_listed(use_plugin):
    plugin = make_plugin(FUSION, ("first_block", FirstBlock))
    assert use_plugin(plugin, "throwaway", distribution="skmultimodal-tmp", version="9")
    assert get_registry("fusion_method").get("first_block") is FirstBlock
    row = next(r for r in list_plugins() if r["name"] == "first_block")
    assert row == {
        "name": "first_block",
        "kind": "fusion_method",
        "distribution": "skmultimodal-tmp",
        "version": "9",
        "plugin": "throwaway",
        "status": "registered",
        "reason": "",
        "traceback": "",
    }
    unregister_plugin(plugin)
    assert "first_block" not in get_registry("fusion_method")
    with pytest.raises(
        ValueError, match=r"Unknown fusion method 'first_block'.*concat"
    ):
        get_registry("fusion_method").get("first_block")


def test_registered_method_drives_modality_fusion(use_plugin):
    from skmultimodal.fusion import ModalityFusion

    use_plugin(make_plugin(FUSION, ("first_block", FirstBlock)), "throwaway")
    X = np.arange(12, dtype=float).reshape(4, 3)
    fusion = ModalityFusion(
        [("a", "passthrough", [0, 1]), ("b", "passthrough", [2])],
        method="first_block",
        method_params={"scale": 2.0},
    )
    np.testing.assert_allclose(np.asarray(fusion.fit_transform(X)), 2 * X[:, :2])


@pytest.mark.parametrize(
    "hook, obj, reason",
    [
        (TEXT, Lengths(), "register the class, not an instance"),
        (TEXT, NotAnEstimator, "must subclass sklearn.base.BaseEstimator"),
        (TEXT, NoTransform, "lacks required method"),
        (TEXT, NeedsArgument, "cannot be constructed with default parameters"),
        (TEXT, RenamesParameter, "get_params"),
        (FUSION, Lengths, "subclass of skmultimodal.fusion.FusionMethod"),
    ],
)
def test_interface_violations_are_skipped_with_one_warning(
    use_plugin, hook, obj, reason
):
    plugin = make_plugin(hook, ("bad_one", obj), ("good_one", Lengths))
    if hook == FUSION:
        plugin = make_plugin(hook, ("bad_one", obj), ("good_one", FirstBlock))
    with pytest.warns(PluginWarning) as record:
        use_plugin(plugin, "shaky", distribution="skmultimodal-shaky", version="0.2")
        registry = get_registry("fusion_method" if hook == FUSION else "text_features")
    messages = skipped(record)
    assert len(messages) == 1
    assert "skmultimodal-shaky 0.2" in messages[0] and "'bad_one'" in messages[0]
    assert reason in messages[0]
    assert "bad_one" not in registry and "good_one" in registry
    assert "concat" in get_registry("fusion_method")  # the rest keeps working


def test_invalid_name_is_refused(use_plugin):
    plugin = make_plugin(TEXT, ("Bad-Name", Lengths))
    with pytest.warns(PluginWarning, match="invalid name 'Bad-Name'"):
        use_plugin(plugin, "namer")
        get_registry("text_features")


def test_duplicate_names_both_providers_and_builtin_wins(use_plugin):
    first = make_plugin(TEXT, ("lengths", Lengths))
    second = make_plugin(TEXT, ("lengths", Lengths), ("tfidf", Lengths))
    with pytest.warns(PluginWarning) as record:  # at the registration
        use_plugin(first, "first", distribution="skmultimodal-one", version="1.0")
        use_plugin(second, "second", distribution="skmultimodal-two", version="2.0")
        entries = {e.name: e for e in get_registry("text_features").entries()}
    messages = skipped(record)
    assert len(messages) == 2
    dup = next(m for m in messages if "'lengths'" in m)
    assert "skmultimodal-one 1.0" in dup and "skmultimodal-two 2.0" in dup
    assert "already registered" in dup
    builtin = next(m for m in messages if "'tfidf'" in m)
    assert "skmultimodal 0." in builtin and "skmultimodal-two" in builtin
    assert entries["lengths"].distribution == "skmultimodal-one"
    assert entries["tfidf"].distribution == "skmultimodal"


def test_hook_that_raises_is_reported_once_and_others_work(use_plugin):
    class Raiser:
        @hookimpl
        def skmultimodal_register_fusion_methods(self, register):
            raise RuntimeError("boom in plugin")

    good = make_plugin(FUSION, ("first_block", FirstBlock))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        use_plugin(Raiser(), "raiser", distribution="skmultimodal-raiser", version="3")
        use_plugin(good, "good")
        for _ in range(3):  # repeated use and rebuilds do not warn again
            get_registry("fusion_method")
            list_plugins()
        use_plugin(make_plugin(TEXT, ("lengths", Lengths)), "another")
        names = get_registry("fusion_method").names()
    messages = skipped(record)
    assert len(messages) == 1, messages
    assert "skmultimodal-raiser 3" in messages[0]
    assert "RuntimeError: boom in plugin" in messages[0]
    assert "first_block" in names and "concat" in names


def test_failures_are_listed_and_tabled(use_plugin):
    with pytest.warns(PluginWarning):
        use_plugin(
            make_plugin(TEXT, ("broken", NeedsArgument), ("lengths", Lengths)),
            "mixed",
            distribution="skmultimodal-mixed",
            version="0.1",
        )
        rows = list_plugins(include_failures=True)
    bad = [r for r in rows if r["status"] != "registered"]
    assert len(bad) == 1
    assert bad[0]["status"] == "refused"
    assert bad[0]["name"] == "broken" and bad[0]["kind"] == "text_features"
    assert bad[0]["distribution"] == "skmultimodal-mixed"
    assert "default parameters" in bad[0]["reason"]
    assert all(r["status"] == "registered" for r in list_plugins())
    table = format_plugins_table()
    lines = table.splitlines()
    assert lines[0].split() == ["KIND", "NAME", "DISTRIBUTION", "VERSION", "PLUGIN"]
    assert any(
        line.split()[:3] == ["text_features", "lengths", "skmultimodal-mixed"]
        for line in lines
    )
    assert "Problems (1):" in table and "Skipped" not in table
    assert (
        "skmultimodal-mixed 0.1 (plugin 'mixed'): registration of text feature "
        "extractor 'broken' refused: " in table
    )


def test_plugin_without_hooks_or_with_unknown_hook_is_refused(fresh_manager):
    from skmultimodal.plugins import register_plugin

    class Forgot:
        def skmultimodal_register_fusion_methods(self, register):  # no @hookimpl
            register("never", FirstBlock)

    class Typo:
        @hookimpl
        def skmultimodal_register_fusion_method(self, register):
            register("never", FirstBlock)

    with pytest.warns(PluginWarning, match="implements no skmultimodal hook"):
        assert register_plugin(Forgot(), "forgot") is False
    with pytest.warns(PluginWarning, match="unknown hook.*fusion_method\\b"):
        assert register_plugin(Typo(), "typo") is False
    assert "never" not in get_registry("fusion_method")


def test_unregister_unknown_plugin_is_a_clear_error(fresh_manager):
    with pytest.raises(ValueError, match="is not registered"):
        unregister_plugin(object())
    with pytest.raises(ValueError, match="is not registered"):
        unregister_plugin("no-such-plugin")


def test_unknown_registry_kind():
    with pytest.raises(ValueError, match="Unknown registry kind 'audio'"):
        get_registry("audio")


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_import_skmultimodal_loads_no_plugin():
    out = run_python(
        """
        import json, sys
        import skmultimodal.plugins
        from skmultimodal.plugins import get_plugin_manager, get_registry
        def loaded():
            return sorted(m for m in sys.modules if m.endswith("._plugin"))
        before = (loaded(), get_plugin_manager()._registries is None)
        get_registry("fusion_method")
        print(json.dumps({"before": before, "after": loaded()}))
        """
    )
    assert out["before"] == [[], True]
    assert "skmultimodal.fusion._plugin" in out["after"]
    assert "skmultimodal.image._plugin" in out["after"]


@pytest.mark.parametrize(
    "value, disabled",
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("", False),
        ("0", False),
        ("false", False),
        ("off", False),
    ],
)
def test_disable_env_var_skips_entry_points(
    fresh_manager, monkeypatch, value, disabled
):
    from importlib import metadata

    from skmultimodal.plugins import DISABLE_AUTOLOAD_ENV, autoload_disabled

    calls = []
    monkeypatch.setattr(metadata, "entry_points", lambda **kw: calls.append(kw) or [])
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, value)
    assert autoload_disabled() is disabled
    assert "concat" in get_registry("fusion_method")  # built-ins always load
    assert calls == ([] if disabled else [{"group": "skmultimodal"}])
    get_registry("image_features")
    assert len(calls) <= 1  # the group is scanned at most once
    note = "Entry-point plugins are not loaded" in format_plugins_table()
    assert note is disabled


def test_hand_registration_under_a_used_name_is_refused(use_plugin):
    first = make_plugin(TEXT, ("lengths", Lengths))
    second = make_plugin(FUSION, ("first_block", FirstBlock))
    assert use_plugin(first, "same", distribution="skmultimodal-one", version="1")
    with pytest.warns(PluginWarning, match="'same'.*skipped: its name is already used"):
        assert use_plugin(second, "same", distribution="skmultimodal-two") is False
    assert get_registry("text_features").entry("lengths").distribution == (
        "skmultimodal-one"
    )
    assert "first_block" not in get_registry("fusion_method")


def test_default_plugin_name_is_its_dunder_name(use_plugin):
    class NamedPlugin:  # a class is a plugin object with a __name__
        @staticmethod
        @hookimpl
        def skmultimodal_register_text_features(register):
            register("lengths", Lengths)

    assert use_plugin(NamedPlugin)
    (row,) = [r for r in list_plugins() if r["name"] == "lengths"]
    assert row["plugin"] == "NamedPlugin" and row["distribution"] == "<local>"


def test_builtins_cannot_be_disabled(fresh_manager, monkeypatch):
    from skmultimodal.plugins import DISABLE_PLUGINS_ENV

    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "skmultimodal")
    with pytest.warns(PluginWarning, match="built-in methods cannot be disabled"):
        names = get_registry("fusion_method").names()
    assert "concat" in names
    assert not any(
        r["status"] == "disabled" for r in list_plugins(include_failures=True)
    )
