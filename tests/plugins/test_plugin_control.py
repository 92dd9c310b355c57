"""Plugin-author findings: abstract methods enforced at registration,
tracebacks kept, precise messages, disabling single plugins (environment,
function, CLI), choosing between clashing plugins, and quiet worker
processes."""

import json
import warnings

import pytest

from skmultimodal.fusion import FusionMethod
from skmultimodal.plugins import (
    DISABLE_PLUGINS_ENV,
    PluginInterfaceError,
    PluginWarning,
    disable_plugins,
    get_registry,
    hookimpl,
    list_plugins,
    register_plugin,
)
from skmultimodal.report import format_plugins_table

from .conftest import run_python, write_fake_distribution
from .test_manager import FUSION, FirstBlock, make_plugin, skipped


@pytest.fixture
def no_disabled(monkeypatch):
    """Start without disabled plugins; os.environ is restored afterwards
    (disable_plugins() and --disable-plugin write to it)."""
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "")


# -- 1. interface stubs are not implementations ------------------------------


def validate_fusion_method(cls):
    get_registry("fusion_method").validate(cls)


def validate_feature_extractor(cls):
    get_registry("image_features").validate(cls)


class FitOnly(FusionMethod):
    """Inherits FusionMethod's transform/get_feature_names_out stubs."""

    def fit(self, blocks, y=None):
        return self


class StubsOnly(FusionMethod):
    pass


def test_inherited_fusion_method_stubs_fail_validation():
    with pytest.raises(
        PluginInterfaceError,
        match=r"fusion method FitOnly lacks required method\(s\): "
        r"transform, get_feature_names_out",
    ):
        validate_fusion_method(FitOnly)
    with pytest.raises(
        PluginInterfaceError,
        match=r"StubsOnly lacks required method\(s\): fit, transform, "
        r"get_feature_names_out",
    ):
        validate_fusion_method(StubsOnly)
    # An intermediate base that implements the methods is fine.
    validate_fusion_method(type("Derived", (FirstBlock,), {}))


def test_missing_abstract_method_of_image_extractor_is_named():
    from skmultimodal.image import ImageExtractor

    class NoExtract(ImageExtractor):
        def _check_params(self):
            return 1

    with pytest.raises(
        PluginInterfaceError, match=r"NoExtract lacks required method\(s\): _extract"
    ):
        validate_feature_extractor(NoExtract)


def test_stub_registration_is_refused_naming_class_and_methods(use_plugin):
    plugin = make_plugin(FUSION, ("fit_only", FitOnly), ("first_block", FirstBlock))
    with pytest.warns(PluginWarning) as record:
        use_plugin(plugin, "stubby", distribution="skmultimodal-stubby", version="1")
        registry = get_registry("fusion_method")
    (message,) = skipped(record)
    assert "registration of fusion method 'fit_only' refused" in message
    assert "FitOnly lacks required method(s): transform, get_feature_names_out" in (
        message
    )
    assert "fit_only" not in registry and "first_block" in registry


# -- 2. tracebacks ------------------------------------------------------------


class Raiser:
    @hookimpl
    def skmultimodal_register_fusion_methods(self, register):
        register("first_block", FirstBlock)
        raise RuntimeError("boom in plugin")


def test_failure_keeps_its_traceback(use_plugin, capsys, no_disabled):
    from skmultimodal.cli import main

    # registered by hand: the traceback is listed in this process only
    with pytest.warns(PluginWarning, match=r"list_plugins\(include_failures=True\)"):
        use_plugin(Raiser(), "raiser", distribution="skmultimodal-raiser")
        (row,) = [r for r in list_plugins(include_failures=True) if r["traceback"]]
    assert row["status"] == "failed" and row["plugin"] == "raiser"
    assert row["traceback"].startswith("Traceback (most recent call last):")
    assert "in skmultimodal_register_fusion_methods" in row["traceback"]
    assert row["traceback"].rstrip().endswith("RuntimeError: boom in plugin")
    # what the hook registered before raising is kept
    assert "first_block" in get_registry("fusion_method")

    plain = format_plugins_table()
    assert "Traceback" not in plain and "skmultimodal plugins --debug" in plain
    assert "Traceback (most recent call last):" in format_plugins_table(tracebacks=True)
    assert main(["plugins", "--debug"]) == 0
    out = capsys.readouterr().out
    assert "hook skmultimodal_register_fusion_methods raised RuntimeError" in out
    assert "      Traceback (most recent call last):" in out
    assert "RuntimeError: boom in plugin" in out.split("Traceback", 1)[1]
    assert main(["plugins"]) == 0
    assert "Traceback" not in capsys.readouterr().out


# -- 3. messages say what was refused -----------------------------------------


def test_messages_say_exactly_what_was_refused(use_plugin):
    class Forgot:
        def skmultimodal_register_fusion_methods(self, register):  # no @hookimpl
            pass

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        use_plugin(
            make_plugin(FUSION, ("Bad", FirstBlock), ("ok_one", FirstBlock)), "p1"
        )
        use_plugin(Raiser(), "p2")
        use_plugin(Forgot(), "p3")
        get_registry("fusion_method")
    messages = skipped(record)
    assert len(messages) == 3
    refused, failed, whole = (
        next(m for m in messages if f"plugin '{p}'" in m) for p in ("p1", "p2", "p3")
    )
    assert "'p1'" in refused and "registration of fusion method 'Bad' refused" in (
        refused
    )
    assert "skipped" not in refused and "other registrations are kept" in refused
    assert "'p2'" in failed and "skipped" not in failed
    assert "hook skmultimodal_register_fusion_methods raised" in failed
    assert "'p3'" in whole and "was skipped: it implements no skmultimodal hook" in (
        whole
    )
    statuses = {
        r["plugin"]: r["status"]
        for r in list_plugins(include_failures=True)
        if r["status"] != "registered"
    }
    assert statuses == {"p1": "refused", "p2": "failed", "p3": "skipped"}
    table = format_plugins_table()
    assert "(plugin 'p1'): registration of fusion method 'Bad' refused:" in table
    assert "(plugin 'p3'): plugin skipped: it implements no" in table


# -- 5. disabling single plugins ----------------------------------------------


def _installed(dist):
    from importlib import metadata

    try:
        metadata.distribution(dist)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{dist} not installed")


@pytest.mark.parametrize("value", ["skmultimodal-gmu", " GMU ", "x,skmultimodal_gmu"])
def test_environment_disables_one_plugin(fresh_manager, monkeypatch, value):
    _installed("skmultimodal-gmu")
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, value)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        names = get_registry("fusion_method").names()
    assert "gmu" not in names and "concat" in names
    assert fresh_manager._pm.is_blocked("gmu")  # pluggy's set_blocked
    (row,) = [r for r in list_plugins(include_failures=True) if r["plugin"] == "gmu"]
    assert row["status"] == "disabled"
    assert row["distribution"] == "skmultimodal-gmu"
    assert row["reason"] == f"disabled by {DISABLE_PLUGINS_ENV}"
    assert "Disabled (1):" in format_plugins_table()
    # other plugins are untouched; an unknown name is warned about
    messages = skipped(record)
    if "x" in value:
        (message,) = messages
        assert "names 'x', which matches no installed plugin" in message
        assert "gmu (skmultimodal-gmu)" in message
    else:
        assert messages == []


def test_disable_plugins_after_loading_and_for_hand_registration(
    fresh_manager, no_disabled
):
    import os

    _installed("skmultimodal-lbp")
    assert "lbp" in get_registry("image_features")
    disable_plugins("skmultimodal-lbp", "hand-made")
    assert "lbp" not in get_registry("image_features")
    assert os.environ[DISABLE_PLUGINS_ENV] == "skmultimodal-lbp,hand-made"
    rows = [r for r in list_plugins(include_failures=True) if r["status"] == "disabled"]
    assert [(r["plugin"], r["reason"]) for r in rows] == [
        ("lbp", "disabled by disable_plugins()")
    ]
    plugin = make_plugin(FUSION, ("first_block", FirstBlock))
    assert register_plugin(plugin, "hand-made") is False
    assert "first_block" not in get_registry("fusion_method")


@pytest.mark.parametrize(
    "argv",
    [
        ["plugins", "--json", "--disable-plugin", "skmultimodal-gmu"],
        ["--disable-plugin", "gmu", "plugins", "--json"],
        ["plugins", "--json", "--disable-plugin", "nope", "--disable-plugin", "gmu"],
    ],
)
def test_cli_disable_plugin(fresh_manager, no_disabled, capsys, argv):
    from skmultimodal.cli import main

    _installed("skmultimodal-gmu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)
    assert ("fusion_method", "gmu") not in {(r["kind"], r["name"]) for r in rows}
    (row,) = [r for r in rows if r["status"] == "disabled"]
    assert row["plugin"] == "gmu" and row["reason"] == "disabled by --disable-plugin"
    assert any(r["name"] == "lbp" for r in rows if r["status"] == "registered")


# -- 4. clashes: the rule, and how to choose ----------------------------------

CLASH = """
import numpy as np
from skmultimodal.fusion import FusionMethod
from skmultimodal.plugins import hookimpl

class Shared(FusionMethod):
    def fit(self, blocks, y=None):
        return self
    def transform(self, blocks):
        return np.asarray(blocks[0], dtype=float)
    def get_feature_names_out(self, input_features):
        return np.asarray(input_features[0], dtype=object)

@hookimpl
def skmultimodal_register_fusion_methods(register):
    register("shared", Shared)
"""

CLASH_PROBE = """
import json, sys, warnings
with warnings.catch_warnings(record=True) as record:
    warnings.simplefilter("always")
    from skmultimodal.plugins import PluginWarning, get_registry
    entry = get_registry("fusion_method").entry("shared")
print(json.dumps({
    "winner": entry.distribution,
    "warnings": [str(w.message) for w in record
                 if issubclass(w.category, PluginWarning)],
    "imported": sorted(m for m in sys.modules if m.startswith("clash_")),
}))
"""


@pytest.fixture(scope="module")
def clash_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("clash")
    for dist in ("aaa", "bbb"):
        write_fake_distribution(
            site,
            f"skmultimodal-{dist}",
            "1.0",
            {f"clash_{dist}": CLASH},
            {dist: f"clash_{dist}"},
        )
    return site


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_clash_first_distribution_wins_and_message_says_how_to_choose(clash_site):
    out = run_python(CLASH_PROBE, extra_path=[clash_site])
    assert out["winner"] == "skmultimodal-aaa"
    (message,) = out["warnings"]
    assert "registration of fusion method 'shared' refused" in message
    assert "alphabetical order of distribution" in message
    assert (
        "To use skmultimodal-bbb's instead, disable skmultimodal-aaa: "
        "SKMULTIMODAL_DISABLE_PLUGINS=skmultimodal-aaa or "
        "`skmultimodal --disable-plugin skmultimodal-aaa`" in message
    )


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_clash_settled_by_disabling_the_other(clash_site):
    out = run_python(
        CLASH_PROBE,
        extra_path=[clash_site],
        env={DISABLE_PLUGINS_ENV: "skmultimodal-aaa"},
    )
    assert out == {
        "winner": "skmultimodal-bbb",
        "warnings": [],
        "imported": ["clash_bbb"],
    }


def test_builtin_clash_says_builtins_cannot_be_replaced(use_plugin):
    plugin = make_plugin(FUSION, ("concat", FirstBlock))
    with pytest.warns(PluginWarning, match="Built-in names cannot be replaced"):
        use_plugin(plugin, "greedy")
        get_registry("fusion_method")


# -- 6. one warning per process; workers stay quiet ---------------------------

WORKERS_PROBE = """
import json, warnings
from joblib import Parallel, delayed

def load_in_worker(_):
    import multiprocessing, warnings
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        from skmultimodal.plugins import get_plugin_manager, get_registry
        get_registry("fusion_method")
        failures = len(get_plugin_manager().failures())
    return (multiprocessing.parent_process() is not None,
            [str(w.message) for w in record], failures)

if __name__ == "__main__":
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        from skmultimodal.plugins import get_registry
        for _ in range(3):
            get_registry("fusion_method")
    parent = [str(w.message) for w in record]
    workers = Parallel(n_jobs=2)(delayed(load_in_worker)(i) for i in range(4))
    print(json.dumps({"parent": parent, "workers": workers}))
"""


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_worker_processes_do_not_repeat_plugin_warnings(tmp_path):
    site = tmp_path / "site"
    write_fake_distribution(
        site,
        "skmultimodal-fakebroken",
        "0.0.1",
        {"fakebroken": "import this_module_does_not_exist_anywhere\n"},
        {"broken": "fakebroken"},
    )
    script = tmp_path / "probe.py"
    script.write_text(WORKERS_PROBE)
    out = run_python(
        f"import runpy; runpy.run_path({str(script)!r}, run_name='__main__')",
        extra_path=[site],
    )
    assert len(out["parent"]) == 1 and "fakebroken" in out["parent"][0]
    for in_worker, messages, failures in out["workers"]:
        assert in_worker
        assert messages == []  # the parent already reported it
        assert failures == 1  # but the record is there


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_bundled_plugin_packages_import_their_estimators_lazily():
    _installed("skmultimodal-gmu")
    _installed("skmultimodal-lbp")
    out = run_python(
        """
        import json, sys
        import skmultimodal_gmu._plugin, skmultimodal_lbp._plugin
        before = sorted(m for m in sys.modules if m.startswith("skmultimodal_"))
        from skmultimodal_gmu import GatedMultimodalUnit
        from skmultimodal_lbp import LBPFeatures, n_lbp_bins
        print(json.dumps({"before": before, "names": [
            GatedMultimodalUnit.__name__, LBPFeatures.__name__, n_lbp_bins.__name__]}))
        """
    )
    assert out["before"] == [
        "skmultimodal_gmu",
        "skmultimodal_gmu._plugin",
        "skmultimodal_lbp",
        "skmultimodal_lbp._plugin",
    ]
    assert out["names"] == ["GatedMultimodalUnit", "LBPFeatures", "n_lbp_bins"]
