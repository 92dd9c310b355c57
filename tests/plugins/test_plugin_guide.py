"""The plugin guide's complete minimal plugin (docs/plugins.md) runs verbatim:
its files are written to a temporary package, the hook module is registered
as a throwaway plugin, and ``make_multimodal_pipeline(method="maxpool")``
(whose text block is sparse TF-IDF) fits on a subset of the emoji data."""

import re
import sys
import warnings
from pathlib import Path
from unittest import SkipTest

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import load_emoji
from skmultimodal.plugins import (
    PluginWarning,
    get_registry,
    register_plugin,
    unregister_plugin,
)

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
PACKAGE = "skmultimodal_maxpool"


def guide_files():
    """``{"_maxpool.py": source, ...}``: each python block introduced by
    ```skmultimodal_maxpool/<file>.py``` in the guide."""
    text = GUIDE.read_text("utf-8")
    found = re.findall(
        rf"`{PACKAGE}/(\w+\.py)`[^\n]*(?:\n[^\n]+)*\n\n```python\n(.*?)```",
        text,
        re.S,
    )
    return dict(found)


def guide_block(containing):
    (block,) = [
        b
        for b in re.findall(r"```python\n(.*?)```", GUIDE.read_text("utf-8"), re.S)
        if containing in b
    ]
    return block


@pytest.fixture
def maxpool_package(tmp_path, monkeypatch, fresh_manager):
    files = guide_files()
    assert set(files) == {"_maxpool.py", "_plugin.py", "__init__.py"}
    package = tmp_path / PACKAGE
    package.mkdir()
    for name, source in files.items():
        (package / name).write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def emoji_subset():
    X, y = load_emoji(return_X_y=True)
    keep, _ = train_test_split(
        np.arange(len(y)), train_size=120, stratify=y, random_state=0
    )
    keep = np.sort(keep)
    return X.iloc[keep], np.asarray(y)[keep]


def test_guide_plugin_works_in_the_default_pipeline(maxpool_package, emoji_subset):
    import importlib

    hooks = importlib.import_module(f"{PACKAGE}._plugin")
    # The package __init__ no longer defeats the hook's lazy import.
    assert f"{PACKAGE}._maxpool" not in sys.modules

    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)
        assert register_plugin(
            hooks, "maxpool-doc", distribution="skmultimodal-maxpool"
        )
        try:
            from skmultimodal_maxpool import MaxPoolFusion

            assert get_registry("fusion_method").get("maxpool") is MaxPoolFusion
            # The guide's unit test: skmultimodal's checks, one per param.
            namespace = {"MaxPoolFusion": MaxPoolFusion}
            exec(guide_block("def test_skmultimodal_checks"), namespace)
            (mark,) = namespace["test_skmultimodal_checks"].pytestmark
            assert len(mark.args[1]) > 40
            for param in mark.args[1]:
                try:
                    namespace["test_skmultimodal_checks"](*param.values)
                except SkipTest:  # a check that does not apply
                    pass

            # The guide's registration test: its name does not clash with
            # the installed plugin's "maxpool" (no PluginWarning).
            namespace = {"MaxPoolFusion": MaxPoolFusion}
            exec(guide_block("def maxpool_registered"), namespace)
            plugin = namespace["_Plugin"]()
            assert register_plugin(plugin, "maxpool-test")
            namespace["test_usable_by_name"](None)
            unregister_plugin(plugin)

            X, y = emoji_subset
            pipe = make_multimodal_pipeline(method="maxpool", random_state=0)
            pipe.fit(X, y)
            fusion = pipe.named_steps["fusion"]
            assert type(fusion.method_) is MaxPoolFusion
            assert fusion.get_feature_names_out().tolist() == [
                f"maxpool__{j}" for j in range(8)
            ]
            assert pipe.predict(X.iloc[:5]).shape == (5,)
            assert pipe.score(X, y) > 1 / len(np.unique(y))
        finally:
            unregister_plugin(hooks)


def test_without_accepts_sparse_the_default_pipeline_refuses_it(
    maxpool_package, emoji_subset
):
    from skmultimodal_maxpool import MaxPoolFusion

    class DenseOnly(MaxPoolFusion):
        accepts_sparse = False

    X, y = emoji_subset
    pipe = make_multimodal_pipeline(method=DenseOnly(), random_state=0)
    with pytest.raises((TypeError, ValueError), match="sparse"):
        pipe.fit(X.iloc[:40], y[:40])
