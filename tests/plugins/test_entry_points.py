"""Entry-point discovery and failure isolation with fake installed distributions.

Each test writes ``*.dist-info`` directories (METADATA + entry_points.txt)
and plugin modules into a temporary directory, puts it on ``PYTHONPATH`` and
runs a fresh interpreter, so discovery goes through the real
``importlib.metadata`` machinery exactly as for a pip-installed plugin.
"""

import pytest

from .conftest import run_python, write_fake_distribution

GOOD = """
import numpy as np
from skmultimodal.fusion import FusionMethod
from skmultimodal.plugins import hookimpl

class FirstBlock(FusionMethod):
    def __init__(self, *, scale=1.0):
        self.scale = scale
    def fit(self, blocks, y=None):
        return self
    def transform(self, blocks):
        return np.asarray(blocks[0], dtype=float) * self.scale
    def get_feature_names_out(self, input_features):
        return np.asarray(input_features[0], dtype=object)

@hookimpl
def skmultimodal_register_fusion_methods(register):
    register("fake_first", FirstBlock)
"""

BROKEN_IMPORT = """
import this_module_does_not_exist_anywhere
"""

RAISES = """
from skmultimodal.plugins import hookimpl

@hookimpl
def skmultimodal_register_image_features(register):
    raise RuntimeError("hook exploded")
"""

BAD_OBJECT = """
from skmultimodal.plugins import hookimpl

@hookimpl
def skmultimodal_register_text_features(register):
    register("not_a_class", "just a string")
"""

DUPLICATE = """
from sklearn.feature_extraction.text import CountVectorizer
from skmultimodal.plugins import hookimpl

@hookimpl
def skmultimodal_register_text_features(register):
    register("count", CountVectorizer)   # clashes with the built-in
    register("fake_count", CountVectorizer)
"""

PROBE = """
import json, warnings
import numpy as np
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as record:
    warnings.simplefilter("always")
    from skmultimodal.plugins import (
        get_plugin_manager, get_registry, list_plugins, PluginWarning,
        register_plugin, hookimpl)
    rows = list_plugins(include_failures=True)
    for _ in range(3):
        get_registry("fusion_method"); list_plugins()
    # a hand registration rebuilds the registries: no warning may repeat
    class Extra:
        @hookimpl
        def skmultimodal_register_text_features(self, register):
            pass
    register_plugin(Extra(), "extra")
    get_registry("text_features")
    fused = None
    if "fake_first" in get_registry("fusion_method"):
        from skmultimodal.fusion import ModalityFusion
        X = np.arange(12.0).reshape(4, 3)
        fused = np.asarray(ModalityFusion(
            [("a", "passthrough", [0]), ("b", "passthrough", [1, 2])],
            method="fake_first", method_params={"scale": 3.0},
        ).fit_transform(X)).tolist()
msgs = [str(w.message) for w in record if issubclass(w.category, PluginWarning)]
print(json.dumps({"rows": rows, "warnings": msgs, "fused": fused}))
"""


@pytest.fixture(scope="module")
def fake_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    write_fake_distribution(
        site, "skmultimodal-fakegood", "1.2.3", {"fakegood": GOOD}, {"good": "fakegood"}
    )
    write_fake_distribution(
        site,
        "skmultimodal-fakebroken",
        "0.0.1",
        {"fakebroken": BROKEN_IMPORT},
        {"broken": "fakebroken"},
    )
    write_fake_distribution(
        site,
        "skmultimodal-fakeraises",
        "2.0",
        {"fakeraises": RAISES},
        {"raises": "fakeraises"},
    )
    write_fake_distribution(
        site, "skmultimodal-fakebad", "0.5", {"fakebad": BAD_OBJECT}, {"bad": "fakebad"}
    )
    write_fake_distribution(
        site, "skmultimodal-fakedup", "4.0", {"fakedup": DUPLICATE}, {"dup": "fakedup"}
    )
    return site


@pytest.fixture(scope="module")
def probed(fake_site):
    return run_python(PROBE, extra_path=[fake_site])


def _rows(out, status):
    return [r for r in out["rows"] if r["status"] == status]


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_good_plugin_is_discovered_with_its_distribution(probed):
    good = [r for r in _rows(probed, "registered") if r["name"] == "fake_first"]
    assert good == [
        {
            "name": "fake_first",
            "kind": "fusion_method",
            "distribution": "skmultimodal-fakegood",
            "version": "1.2.3",
            "plugin": "good",
            "status": "registered",
            "reason": "",
            "traceback": "",
        }
    ]
    # It works as ModalityFusion(method=...), its parameters via method_params.
    assert probed["fused"] == [[0.0], [9.0], [18.0], [27.0]]


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_each_failure_warned_once_naming_distribution_and_reason(probed):
    warnings = probed["warnings"]
    expected = {
        "skmultimodal-fakebroken 0.0.1": "ModuleNotFoundError",
        "skmultimodal-fakeraises 2.0": "RuntimeError: hook exploded",
        "skmultimodal-fakebad 0.5": "must be a class",
        "skmultimodal-fakedup 4.0": "already registered by skmultimodal",
    }
    for dist, reason in expected.items():
        hits = [w for w in warnings if dist in w]
        assert len(hits) == 1, (dist, warnings)
        assert reason in hits[0]
    assert len(warnings) == len(expected)


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_failures_are_listed_and_everything_else_works(probed):
    problems = {
        r["distribution"]: r["status"]
        for r in probed["rows"]
        if r["status"] != "registered"
    }
    assert problems == {
        "skmultimodal-fakebroken": "skipped",  # the whole plugin
        "skmultimodal-fakeraises": "failed",  # one hook
        "skmultimodal-fakebad": "refused",  # one registration
        "skmultimodal-fakedup": "refused",
    }
    ok = {
        (r["kind"], r["name"]): r["distribution"] for r in _rows(probed, "registered")
    }
    # the duplicate's valid registration survives, the built-in keeps its name
    assert ok[("text_features", "fake_count")] == "skmultimodal-fakedup"
    assert ok[("text_features", "count")] == "skmultimodal"
    assert ok[("fusion_method", "concat")] == "skmultimodal"
    assert ok[("image_features", "hog")] == "skmultimodal"
    dup = next(
        r
        for r in _rows(probed, "refused")
        if r["distribution"] == "skmultimodal-fakedup"
    )
    assert dup["name"] == "count" and dup["kind"] == "text_features"
    assert "builtin:skmultimodal.text._plugin" in dup["reason"]
    assert "skmultimodal-fakedup 4.0 (plugin 'dup')" in dup["reason"]


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_autoload_disabled_by_environment(fake_site):
    out = run_python(
        PROBE,
        extra_path=[fake_site],
        env={"SKMULTIMODAL_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    assert out["warnings"] == []
    assert [r for r in out["rows"] if r["status"] != "registered"] == []
    # only built-ins: neither the fake nor any installed plugin distribution
    assert {r["distribution"] for r in out["rows"]} == {"skmultimodal"}
    assert "concat" in {r["name"] for r in out["rows"]}
    assert out["fused"] is None
