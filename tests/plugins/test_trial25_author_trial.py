"""What a plugin author's mistakes and assumptions meet: the target reaches
a fusion method as a NumPy array in row order, a ``fit`` that returns None
is named, a hook without ``register`` or returning its classes is refused
with a warning, a wrong hook signature says what a hook takes, a name
registered twice by one plugin says so, refusals read cleanly, and an
unknown name says which plugins are disabled."""

import numpy as np
import pandas as pd
import pytest

from skmultimodal.fusion import ModalityFusion
from skmultimodal.plugins import (
    DISABLE_PLUGINS_ENV,
    PluginWarning,
    disable_plugins,
    get_registry,
    hookimpl,
)

from .test_manager import FirstBlock
from .test_plugin_control import _installed


class SeesTarget(FirstBlock):
    """Records the target its fit gets."""

    def fit(self, blocks, y=None):
        self.y_seen_ = y
        return super().fit(blocks, y)


class ForgetsReturn(FirstBlock):
    def fit(self, blocks, y=None):
        super().fit(blocks, y)


def _table():
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.randn(12), "b": rng.randn(12)})
    y = pd.Series(np.arange(12) % 3, name="label")
    order = rng.permutation(12)  # a shuffled frame: its index is not 0..n-1
    return X.iloc[order], y.iloc[order]


def _fusion(method):
    return ModalityFusion(
        [("a", "passthrough", ["a"]), ("b", "passthrough", ["b"])], method=method
    )


@pytest.mark.parametrize("kind", ["series", "list", "tuple"])
def test_the_target_reaches_the_method_as_an_array_in_row_order(kind):
    X, y = _table()
    given = {"series": y, "list": y.tolist(), "tuple": tuple(y)}[kind]
    fusion = _fusion(SeesTarget()).fit(X, given)
    seen = fusion.method_.y_seen_
    if kind == "series":  # its dtype kept, a positional index
        assert isinstance(seen, pd.Series) and seen.index.equals(pd.RangeIndex(12))
    else:
        assert isinstance(seen, np.ndarray)
    np.testing.assert_array_equal(np.asarray(seen), y.to_numpy())  # row order
    assert [seen[k] for k in range(12)] == y.tolist()  # indexing by position


def test_a_fit_that_returns_none_is_named():
    X, y = _table()
    with pytest.raises(
        TypeError, match=r"ForgetsReturn.fit returned None.*return self"
    ):
        _fusion(ForgetsReturn()).fit(X, y)


class NoRegister:
    @hookimpl
    def skmultimodal_register_fusion_methods(self):
        return {"no_register": FirstBlock}


class ReturnsDict:
    @hookimpl
    def skmultimodal_register_fusion_methods(self, register):
        return {"returned": FirstBlock}


class ExtraArgument:
    @hookimpl
    def skmultimodal_register_fusion_methods(self, register, extra):
        register("extra_argument", FirstBlock)


class Twice:
    @hookimpl
    def skmultimodal_register_fusion_methods(self, register):
        register("twice", FirstBlock)
        register("twice", FirstBlock)


class ByKeyword:
    @hookimpl
    def skmultimodal_register_fusion_methods(self, register):
        register(name="by_keyword", cls=FirstBlock)


class Builtin:
    @hookimpl
    def skmultimodal_register_fusion_methods(self, register):
        register("concat", FirstBlock)


def test_a_hook_without_register_is_refused(use_plugin):
    with pytest.warns(PluginWarning, match="take no argument: each hook takes one"):
        assert use_plugin(NoRegister(), "no-register") is False
    assert "no_register" not in get_registry("fusion_method")


def test_a_hook_returning_its_classes_is_warned_about(use_plugin):
    with pytest.warns(
        PluginWarning, match=r"returned dict, which is ignored.*register\(name, cls\)"
    ):
        assert use_plugin(ReturnsDict(), "returns-dict") is False
    assert "returned" not in get_registry("fusion_method")


def test_a_hook_with_another_signature_says_what_a_hook_takes(use_plugin):
    with pytest.warns(
        PluginWarning, match="each hook takes one argument, register"
    ) as record:
        assert use_plugin(ExtraArgument(), "extra") is False
    assert "\n" not in str(record[0].message)


def test_a_name_registered_twice_by_one_plugin_says_so(use_plugin):
    with pytest.warns(PluginWarning) as record:
        use_plugin(Twice(), "twice-plugin")
    message = str(record[0].message)
    assert (
        "registered twice by plugin 'twice-plugin'; register each name once" in message
    )
    assert "unregister_plugin" not in message  # which would remove both
    assert "twice" in get_registry("fusion_method")


def test_register_takes_name_and_cls_as_the_guide_names_them(use_plugin):
    assert use_plugin(ByKeyword(), "by-keyword") is True
    assert get_registry("fusion_method").get("by_keyword") is FirstBlock


def test_a_refusal_reads_as_one_sentence(use_plugin):
    with pytest.warns(PluginWarning) as record:
        use_plugin(Builtin(), "builtin-clash")
    message = str(record[0].message)
    assert "Built-in names cannot be replaced; its other registrations" in message
    assert ".;" not in message


def test_an_unknown_name_says_which_plugins_are_disabled(fresh_manager, monkeypatch):
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "")
    _installed("skmultimodal-lbp")
    assert "lbp" in get_registry("image_features")
    disable_plugins("skmultimodal-lbp")
    with pytest.raises(ValueError, match="Unknown image feature extractor 'lbp'") as e:
        get_registry("image_features").get("lbp")
    said = "Disabled plugins, whose names are unknown while they are: lbp "
    assert said + "(disabled by disable_plugins())" in str(e.value)
