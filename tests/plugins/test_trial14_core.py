"""Plugin core (trial 14): entry points sharing a name across distributions,
registries queried from a plugin's import or hook, disable_plugins() typos
after loading, and register_plugin()'s result (in-process: fake
distributions on a prepended sys.path entry, a fresh manager)."""

import sys
import warnings

import pytest

from skmultimodal.plugins import (
    DISABLE_PLUGINS_ENV,
    PluginWarning,
    disable_plugins,
    get_registry,
    hookimpl,
    list_plugins,
)

from .conftest import write_fake_distribution
from .test_entry_points import GOOD
from .test_manager import FUSION, FirstBlock, Lengths, make_plugin, skipped

MODULES = ("t14_aaa", "t14_zzz", "t14_solo", "t14_asks")


def fusion_module(method):
    """GOOD (test_entry_points) registering its class as ``method``."""
    return GOOD.replace('"fake_first"', repr(method))


@pytest.fixture
def sites(tmp_path, monkeypatch, fresh_manager):
    """Two site folders, zzz's first on sys.path, where both
    skmultimodal-aaa and skmultimodal-zzz declare the entry point "plugin",
    and skmultimodal-solo declares "solo"; no name disabled beforehand."""
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "")
    a, z = tmp_path / "a", tmp_path / "z"
    for site, dist, module in [
        (a, "skmultimodal-aaa", "t14_aaa"),
        (z, "skmultimodal-zzz", "t14_zzz"),
    ]:
        site.mkdir(exist_ok=True)
        modules = {module: fusion_module(f"{module[4:]}_m")}
        write_fake_distribution(site, dist, "1.0", modules, {"plugin": module})
    solo = {"t14_solo": fusion_module("solo_m")}
    write_fake_distribution(a, "skmultimodal-solo", "3.0", solo, {"solo": "t14_solo"})
    monkeypatch.syspath_prepend(str(a))
    monkeypatch.syspath_prepend(str(z))
    yield a
    for name in MODULES:
        sys.modules.pop(name, None)


def rows(distributions):
    return {
        r["distribution"]: (r["plugin"], r["name"], r["status"])
        for r in list_plugins(include_failures=True)
        if r["distribution"] in distributions
    }


DISTS = ("skmultimodal-aaa", "skmultimodal-zzz", "skmultimodal-solo")


def test_same_entry_point_name_in_two_distributions(sites):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        registry = get_registry("fusion_method")
    assert skipped(record) == []
    # each from its own distribution, under a plugin name of its own; a
    # unique entry-point name stays the plugin name
    assert rows(DISTS) == {
        "skmultimodal-aaa": ("plugin (skmultimodal-aaa)", "aaa_m", "registered"),
        "skmultimodal-zzz": ("plugin (skmultimodal-zzz)", "zzz_m", "registered"),
        "skmultimodal-solo": ("solo", "solo_m", "registered"),
    }
    assert registry.get("aaa_m").__module__ == "t14_aaa"
    assert registry.get("zzz_m").__module__ == "t14_zzz"


@pytest.mark.parametrize(
    "disabled, blocked",
    [("skmultimodal-zzz", ["zzz"]), ("Plugin", ["aaa", "zzz"]), ("solo", [])],
)
def test_disabling_blocks_only_what_the_name_names(
    sites, monkeypatch, disabled, blocked
):
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, disabled)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        names = get_registry("fusion_method").names()
    assert skipped(record) == []
    for dist in ("aaa", "zzz"):
        off = dist in blocked
        assert (f"t14_{dist}" in sys.modules) is not off  # never imported
        assert (f"{dist}_m" in names) is not off
        status = rows(DISTS)[f"skmultimodal-{dist}"][2]
        assert status == ("disabled" if off else "registered")
    assert ("solo_m" in names) is (disabled != "solo")


ASKS = GOOD.replace('"fake_first"', '"asks_m"') + (
    "\nfrom skmultimodal.plugins import get_registry\n"
    "HAVE_CONCAT = 'concat' in get_registry('fusion_method')\n"
)


def test_registry_queried_at_plugin_import_skips_that_plugin(sites):
    write_fake_distribution(
        sites, "skmultimodal-zzzz", "0.1", {"t14_asks": ASKS}, {"asks": "t14_asks"}
    )
    with pytest.warns(PluginWarning) as record:
        registry = get_registry("fusion_method")
    (message,) = [str(w.message) for w in record]
    assert "'asks' from distribution skmultimodal-zzzz 0.1 was skipped" in message
    assert (
        "RuntimeError: skmultimodal registries cannot be queried from inside the "
        "import of plugin 'asks'" in message
    )
    assert "Look the registry up at call time" in message
    (row,) = [r for r in list_plugins(include_failures=True) if r["plugin"] == "asks"]
    assert row["status"] == "skipped"
    # the registry returned is complete, not one built while loading
    assert {"concat", "aaa_m", "zzz_m", "solo_m"} <= set(registry.names())
    assert get_registry("fusion_method") is registry


class AsksInHook:
    @hookimpl
    def skmultimodal_register_fusion_methods(self, register):
        if "concat" in get_registry("fusion_method"):
            register("asks_m", FirstBlock)


def test_registry_queried_in_a_hook_fails_that_hook(use_plugin):
    match = (
        "'asks'.*RuntimeError: skmultimodal registries cannot be queried from "
        "inside hook skmultimodal_register_fusion_methods of plugin 'asks'"
    )
    with pytest.warns(PluginWarning, match=match):
        assert use_plugin(AsksInHook(), "asks") is False  # nothing registered
    (row,) = [r for r in list_plugins(include_failures=True) if r["plugin"] == "asks"]
    assert row["status"] == "failed" and "RecursionError" not in row["traceback"]
    assert "concat" in get_registry("fusion_method")  # usable afterwards


def test_disable_plugins_typo_after_loading_is_warned_once(use_plugin, monkeypatch):
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "")
    get_registry("fusion_method")
    assert use_plugin(make_plugin(FUSION, ("mine_m", FirstBlock)), "mine")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        disable_plugins("skmultimodal-gmuu", "mine")
        disable_plugins("skmultimodal-gmuu")
        names = get_registry("fusion_method").names()
    (message,) = skipped(record)
    assert (
        "disable_plugins() names 'skmultimodal-gmuu', which matches no "
        "installed plugin" in message
    )
    assert "mine_m" not in names and "concat" in names  # 'mine' matched


def test_register_plugin_result_and_warnings_come_at_the_call(use_plugin):
    class NoNames(FirstBlock):
        get_feature_names_out = None

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        assert use_plugin(make_plugin(FUSION, ("nonames", NoNames)), "p1") is False
        assert len(skipped(record)) == 1
        both = make_plugin(FUSION, ("nonames2", NoNames), ("kept_m", FirstBlock))
        assert use_plugin(both, "p2") is True
        assert len(skipped(record)) == 2
        assert use_plugin(make_plugin(FUSION), "p3") is True  # registers nothing
        list_plugins()
    assert len(skipped(record)) == 2  # nothing more at a later use
    assert (
        "'p1' from distribution <local>: registration of fusion method "
        in (skipped(record)[0])
    )
    assert "kept_m" in get_registry("fusion_method")


def test_hand_registration_name_clash_names_both_and_what_to_do(use_plugin):
    first = make_plugin(FUSION, ("one_m", FirstBlock))
    assert use_plugin(first, "same", distribution="skmultimodal-one", version="1")
    match = (
        "'same' from distribution skmultimodal-two 2 was skipped: its name is "
        "already used by the plugin from skmultimodal-one 1; register it under "
        r"another name \(register_plugin\(plugin, name\)\) or "
        r"unregister_plugin\('same'\) first"
    )
    second = make_plugin("skmultimodal_register_text_features", ("l", Lengths))
    with pytest.warns(PluginWarning, match=match):
        assert not use_plugin(
            second, "same", distribution="skmultimodal-two", version="2"
        )
