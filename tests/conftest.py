"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import pytest

from skmultimodal.plugins import get_plugin_manager, register_plugin, unregister_plugin


@pytest.fixture
def fresh_manager():
    """A plugin manager that starts empty and is reset again afterwards, so
    warnings of one test never leak into (or hide from) another."""
    manager = get_plugin_manager()
    manager.reset()
    yield manager
    manager.reset()


@pytest.fixture
def use_plugin(fresh_manager):
    """Register throwaway plugin objects; all are unregistered afterwards."""
    registered = []

    def _use(plugin, name=None, **kwargs):
        ok = register_plugin(plugin, name, **kwargs)
        if ok:
            registered.append(plugin)
        return ok

    yield _use
    for plugin in registered:
        if fresh_manager._pm.is_registered(plugin):
            unregister_plugin(plugin)


@pytest.fixture
def agg_backend():
    """matplotlib's pyplot on the Agg backend; every figure closed after."""
    matplotlib = pytest.importorskip(
        "matplotlib", reason="skmultimodal.plotting needs the plot extra (matplotlib)"
    )
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")
