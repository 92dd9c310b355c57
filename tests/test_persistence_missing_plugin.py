"""Loading a ``.skops`` model whose plugin module cannot be imported says so
(not installed, or registered by hand in another process), and that trusting
the file does not help, instead of only suggesting to trust it."""

import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from skmultimodal.fusion import ModalityFusion
from skmultimodal.persistence import (
    ModelFileError,
    UntrustedTypesError,
    load_model,
    save_model,
)
from skmultimodal.plugins import get_plugin_manager, register_plugin, unregister_plugin

MODULE = "skmm_vanishing_plugin"
SOURCE = """
import numpy as np
from skmultimodal.fusion import FusionMethod
from skmultimodal.plugins import hookimpl

class FirstBlock(FusionMethod):
    def __init__(self, *, scale=1.0):
        self.scale = scale
    def fit(self, blocks, y=None):
        self.width_ = blocks[0].shape[1]
        return self
    def transform(self, blocks):
        return np.asarray(blocks[0], dtype=float) * self.scale
    def get_feature_names_out(self, input_features):
        return np.asarray(input_features[0], dtype=object)

class Plugin:
    @hookimpl
    def skmultimodal_register_fusion_methods(self, register):
        register("vanishing_first", FirstBlock)
"""


@pytest.fixture
def model_of_a_vanished_plugin(tmp_path, monkeypatch):
    """A model saved with a hand-registered plugin whose module is then gone
    (as in another process where it is neither installed nor registered)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / f"{MODULE}.py").write_text(textwrap.dedent(SOURCE))
    monkeypatch.syspath_prepend(str(site))
    module = __import__(MODULE)
    manager = get_plugin_manager()
    manager.reset()
    plugin = module.Plugin()
    assert register_plugin(plugin, "vanishing")
    try:
        X = pd.DataFrame(np.arange(24.0).reshape(8, 3), columns=list("abc"))
        fusion = ModalityFusion(
            [("p", "passthrough", ["a"]), ("q", "passthrough", ["b", "c"])],
            method="vanishing_first",
        ).fit(X)
        path = save_model(fusion, tmp_path / "model.skops")
    finally:
        unregister_plugin(plugin)
    sys.path.remove(str(site))
    monkeypatch.delitem(sys.modules, MODULE)
    manager.reset()
    yield path
    manager.reset()


def test_untrusted_type_of_a_missing_module_names_the_plugin_first(
    model_of_a_vanished_plugin,
):
    with pytest.raises(UntrustedTypesError) as info:
        load_model(model_of_a_vanished_plugin)
    message = str(info.value)
    assert f"holds {MODULE}.FirstBlock from the module {MODULE!r}" in message
    assert "the plugin providing it is not installed" in message
    assert "not registered in this process" in message
    assert "does not help while the module cannot be imported" in message
    assert "only if you trust the file's author" not in message


def test_trusting_the_file_fails_with_the_same_explanation(
    model_of_a_vanished_plugin,
):
    with pytest.raises(ModelFileError) as info:
        load_model(model_of_a_vanished_plugin, trusted=True)
    message = str(info.value)
    assert f"it needs the module {MODULE!r}" in message
    assert "not registered in this process" in message
    assert "is not a skmultimodal model file" not in message
