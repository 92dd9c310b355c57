"""What an installed package promises: its Python floor, its lazily
reachable modules, a source distribution that can run this suite, and
plugin warnings that point at the user's line."""

import re
import subprocess
import sys
import tarfile
import tomllib
import types
from importlib import metadata
from pathlib import Path

import pytest

import skmultimodal
from skmultimodal.plugins import PluginWarning, hookimpl, register_plugin

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_MODULES = re.findall(
    r"^\| `skmultimodal\.(\w+)` \|", (ROOT / "README.md").read_text("utf-8"), re.M
)


def _floor(spec):
    """``(3, 11)`` from ``">=3.11"``."""
    found = re.search(r">=\s*(\d+)\.(\d+)", spec)
    return int(found.group(1)), int(found.group(2))


@pytest.mark.parametrize(
    "pyproject",
    [
        "pyproject.toml",
        "plugins/skmultimodal-gmu/pyproject.toml",
        "plugins/skmultimodal-lbp/pyproject.toml",
    ],
)
def test_requires_python_is_that_of_the_pinned_dependencies(pyproject):
    """The installed dependencies run on our Python floor. pip picks, for a
    newer Python, newer releases that may need it (numpy 2.5 needs 3.12),
    so their metadata tell about the floor only on the floor itself."""
    ours = tomllib.loads((ROOT / pyproject).read_text("utf-8"))["project"]
    floor = _floor(ours["requires-python"])
    if sys.version_info[:2] != floor:
        pytest.skip(
            f"pip chose the dependencies for Python {sys.version_info[0]}."
            f"{sys.version_info[1]}, not for the floor {floor[0]}.{floor[1]}"
        )
    for dist in ("scikit-learn", "numpy", "pandas"):
        theirs = metadata.metadata(dist)["Requires-Python"]
        assert floor >= _floor(theirs), (pyproject, dist, theirs)


def test_readme_modules_are_reachable_from_the_package():
    assert {"model_selection", "streaming", "distributed"} <= set(PUBLIC_MODULES)
    for name in PUBLIC_MODULES:
        assert getattr(skmultimodal, name).__name__ == f"skmultimodal.{name}"
        assert name in skmultimodal.__all__


@pytest.mark.slow
def test_star_import_stays_light():
    code = (
        "import sys\nfrom skmultimodal import *\n"
        "heavy = ['tensorflow', 'keras', 'dask', 'matplotlib', 'skops']\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_plugin_warning_points_at_the_callers_line():
    @hookimpl
    def skmultimodal_register_nothing_known(register):
        pass

    plugin = types.ModuleType("trial9_unknown_hook_plugin")  # hashable, as pluggy needs
    plugin.skmultimodal_register_nothing_known = skmultimodal_register_nothing_known
    with pytest.warns(PluginWarning, match="unknown hook") as caught:
        assert not register_plugin(plugin, "trial9_unknown_hook")
    assert caught[0].filename == __file__


@pytest.mark.slow
def test_source_distribution_carries_the_test_suite(tmp_path):
    code = (
        "import setuptools.build_meta as b, sys\n"
        f"print(b.build_sdist({str(tmp_path)!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    name = out.stdout.strip().splitlines()[-1]
    with tarfile.open(tmp_path / name) as sdist:
        members = [m.split("/", 1)[1] for m in sdist.getnames() if "/" in m]
    assert "CHANGELOG.md" in members
    assert "tests/test_trial9_package.py" in members
    assert any(m.startswith("docs/user_guide/") for m in members)
    assert not any("__pycache__" in m or m.endswith(".pyc") for m in members)
    # SPDX license metadata (core metadata 2.4), which setuptools requires
    # from 2027-02-18; the deprecated table form gave a "License:" field
    with tarfile.open(tmp_path / name) as sdist:
        info = next(
            m for m in sdist.getnames() if m.count("/") == 1 and m.endswith("/PKG-INFO")
        )
        metadata = sdist.extractfile(info).read().decode()
    assert "License-Expression: BSD-3-Clause" in metadata
    assert "License-File: LICENSE" in metadata


@pytest.mark.slow
def test_entry_point_plugin_warning_points_at_the_callers_line(tmp_path):
    from tests.plugins.conftest import run_python, write_fake_distribution

    site = tmp_path / "site"
    write_fake_distribution(
        site,
        "broken-plugin",
        "1.0",
        {"broken_plugin_mod": "import this_module_does_not_exist_anywhere\n"},
        {"broken": "broken_plugin_mod"},
    )
    result = run_python(
        """
        import json, warnings
        from skmultimodal.plugins import PluginWarning, list_plugins
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            list_plugins()
        print(json.dumps([w.filename for w in caught
                          if issubclass(w.category, PluginWarning)]))
        """,
        extra_path=[site],
    )
    assert result == ["<string>"]  # the user's code, not the plugin core
