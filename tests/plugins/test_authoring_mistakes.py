"""Plugin-authoring mistakes get messages that say what to do: a hand
registration unknown in a worker process, an entry point naming a class, an
instance registered instead of a class, an ``__init__`` that changes a
parameter, a ``fit`` that changes one, and the name-clash wording."""

import numpy as np
import pytest
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from skmultimodal.fusion import FusionMethod
from skmultimodal.image import ImageExtractor
from skmultimodal.plugins import (
    PluginWarning,
    get_registry,
    hookimpl,
    list_plugins,
    register_plugin,
)
from skmultimodal.utils.estimator_checks import (
    check_fusion_method,
    feature_extractor_checks,
    fusion_method_checks,
)

from .conftest import run_python, write_fake_distribution


class KeepFirst(FusionMethod):
    """A valid fusion method: the first block, scaled."""

    def __init__(self, *, k=2):
        self.k = k

    def fit(self, blocks, y=None):
        self.width_ = blocks[0].shape[1]
        return self

    def transform(self, blocks):
        check_is_fitted(self, "width_")
        return np.asarray(blocks[0], dtype=float) * self.k

    def get_feature_names_out(self, input_features):
        return np.asarray(input_features[0], dtype=object)


class BumpsInFit(KeepFirst):
    """Changes its hyper-parameter in fit."""

    def fit(self, blocks, y=None):
        self.k = self.k + 1
        return super().fit(blocks, y)


class AppendsInFit(KeepFirst):
    """Mutates an object held by a parameter in fit."""

    def __init__(self, *, k=2, seen=None):
        self.k = k
        self.seen = seen

    def fit(self, blocks, y=None):
        if self.seen is not None:
            self.seen.append(len(blocks))
        return super().fit(blocks, y)


class Lengths(TransformerMixin, BaseEstimator):
    """A valid text extractor."""

    def __init__(self, *, scale=1.0):
        self.scale = scale

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.array([[len(t) * self.scale] for t in X], dtype=float)

    def get_feature_names_out(self, input_features=None):
        return np.array(["length"], dtype=object)


class DoublesInInit(Lengths):
    """``__init__`` stores a changed value."""

    def __init__(self, *, scale=1.0):
        self.scale = scale * 2


class Brightness(ImageExtractor):
    """A valid image extractor: mean gray level over cells."""

    def __init__(self, *, cells=1, on_error="raise", n_jobs=None, verbose=0):
        self.cells = cells
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self):
        return 1

    def _extract(self, image):
        return np.array([float(np.mean(image))])


class BrightnessBumps(Brightness):
    """Changes a parameter in fit."""

    def fit(self, X, y=None):
        self.cells = self.cells + 1
        return super().fit(X, y)


class HandPlugin:
    @hookimpl
    def skmultimodal_register_fusion_methods(self, register):
        register("hand_keep_first", KeepFirst)


def _plugin(*registrations, hook="skmultimodal_register_fusion_methods"):
    class Plugin:
        pass

    def impl(register):
        for name, obj in registrations:
            register(name, obj)

    impl.__name__ = hook
    setattr(Plugin, hook, staticmethod(hookimpl(impl)))
    return Plugin()


def _messages(record):
    return [str(w.message) for w in record if issubclass(w.category, PluginWarning)]


# -- 1. hand registration and worker processes ---------------------------------
def _lookup(name):
    """Run in a worker: the error of looking ``name`` up, or None."""
    from skmultimodal.plugins import get_registry

    try:
        get_registry("fusion_method").entry(name)
    except ValueError as exc:
        return str(exc)
    return None


@pytest.mark.slow  # starts loky worker processes
def test_unknown_name_in_a_worker_explains_hand_registration(use_plugin):
    assert use_plugin(HandPlugin(), "hand")
    assert _lookup("hand_keep_first") is None  # known in this process
    parent = _lookup("nowhere_method")
    assert "worker process" not in parent  # no hint outside workers
    messages = Parallel(n_jobs=2, backend="loky")(
        delayed(_lookup)("hand_keep_first") for _ in range(2)
    )
    for message in messages:
        assert message is not None, "the hand registration reached a worker"
        assert message.startswith("Unknown fusion method 'hand_keep_first'")
        assert "This is a worker process" in message
        assert "registered by hand with register_plugin()" in message
        assert "entry point" in message and "n_jobs=None" in message
        assert "threading" in message


# -- 2. an entry point naming a class; an instance registered ------------------
AS_CLASS = """
import numpy as np
from skmultimodal.fusion import FusionMethod
from skmultimodal.plugins import hookimpl

class KeepFirst(FusionMethod):
    def __init__(self, *, k=2):
        self.k = k
    def fit(self, blocks, y=None):
        return self
    def transform(self, blocks):
        return np.asarray(blocks[0], dtype=float)
    def get_feature_names_out(self, input_features):
        return np.asarray(input_features[0], dtype=object)

class Plugin:
    @hookimpl
    def skmultimodal_register_fusion_methods(self, register):
        register("class_ep_method", KeepFirst)

class StaticPlugin:
    @staticmethod
    @hookimpl
    def skmultimodal_register_fusion_methods(register):
        register("static_ep_method", KeepFirst)
"""

PROBE = """
import json, warnings
with warnings.catch_warnings(record=True) as record:
    warnings.simplefilter("always")
    from skmultimodal.plugins import get_registry, list_plugins, PluginWarning
    rows = list_plugins(include_failures=True)
    names = get_registry("fusion_method").names()
msgs = [str(w.message) for w in record if issubclass(w.category, PluginWarning)]
print(json.dumps({"rows": rows, "names": names, "warnings": msgs}))
"""


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_entry_point_naming_a_class_is_skipped_with_advice(tmp_path):
    write_fake_distribution(
        tmp_path,
        "skmultimodal-classep",
        "1.0",
        {"classep": AS_CLASS},
        {"asclass": "classep:Plugin", "asstatic": "classep:StaticPlugin"},
    )
    out = run_python(PROBE, extra_path=[tmp_path])
    (row,) = [r for r in out["rows"] if r["plugin"] == "asclass"]
    assert row["status"] == "skipped"
    assert "the entry point names a class (classep.Plugin)" in row["reason"]
    assert "name a module or an instance" in row["reason"]
    assert "missing 1 required positional argument" not in row["reason"]
    (message,) = [m for m in out["warnings"] if "'asclass'" in m]
    assert "name a module or an instance" in message
    # a class whose hooks are static methods needs no instance: it works
    assert "static_ep_method" in out["names"]
    assert "class_ep_method" not in out["names"]
    assert not [r for r in out["rows"] if r["plugin"] == "asstatic" and r["reason"]]


def test_register_plugin_given_a_class_is_refused_with_advice(fresh_manager):
    with pytest.warns(PluginWarning) as record:
        assert register_plugin(HandPlugin, "handclass") is False
    (message,) = _messages(record)
    assert "register_plugin() was given the class HandPlugin" in message
    assert "pass an instance: register_plugin(HandPlugin())" in message
    assert "hand_keep_first" not in get_registry("fusion_method")
    assert not fresh_manager._pm.has_plugin("handclass")


@pytest.mark.parametrize(
    "hook, obj",
    [
        ("skmultimodal_register_fusion_methods", KeepFirst(k=3)),
        ("skmultimodal_register_text_features", Lengths()),
        ("skmultimodal_register_image_features", Brightness()),
    ],
)
def test_registering_an_instance_says_register_the_class(use_plugin, hook, obj):
    plugin = _plugin(("an_instance", obj), hook=hook)
    with pytest.warns(PluginWarning) as record:
        use_plugin(plugin, "instances")
        list_plugins()
    (message,) = _messages(record)
    name = type(obj).__name__
    assert f"'an_instance' is an instance of {name}" in message
    assert "register the class, not an instance" in message
    assert f"register('an_instance', {name})" in message
    assert "must be a subclass" not in message and "must be a class" not in message


# -- 3. __init__ that changes a parameter ------------------------------------------
def test_init_that_changes_a_parameter_is_refused(use_plugin):
    plugin = _plugin(
        ("doubles", DoublesInInit),
        ("lengths", Lengths),
        hook="skmultimodal_register_text_features",
    )
    with pytest.warns(PluginWarning) as record:
        use_plugin(plugin, "doubler")
        registry = get_registry("text_features")
    (message,) = _messages(record)
    assert "'doubles' refused" in message
    assert "does not store the parameter 'scale' unchanged" in message
    assert "DoublesInInit().scale is 2.0 but its default is 1.0" in message
    assert "doubles" not in registry and "lengths" in registry


# -- 4. fit that changes a parameter -----------------------------------------------
def _run_named(pairs, name):
    (check,) = [(e, c) for e, c in pairs if getattr(c, "func", c).__name__ == name]
    estimator, check = check
    check(estimator)


def test_fusion_checks_notice_fit_changing_a_parameter():
    with pytest.raises(AssertionError) as info:
        check_fusion_method(BumpsInFit())
    message = str(info.value)
    assert message.startswith("check_fusion_overwrite_params failed for BumpsInFit")
    assert "changed the parameter(s) k" in message
    # a mutated object held by a parameter is noticed too (joblib.hash)
    with pytest.raises(AssertionError, match=r"parameter\(s\) seen"):
        _run_named(
            fusion_method_checks(AppendsInFit(seen=[])),
            "check_fusion_overwrite_params",
        )
    _run_named(fusion_method_checks(KeepFirst()), "check_fusion_overwrite_params")


def test_extractor_checks_notice_fit_changing_a_parameter():
    name = "check_fit_does_not_overwrite_params"
    with pytest.raises(AssertionError, match=r"changed the parameter\(s\) cells"):
        _run_named(feature_extractor_checks(BrightnessBumps()), name)
    _run_named(feature_extractor_checks(Brightness()), name)


# -- 6. the name-clash message ---------------------------------------------------
def test_clash_of_a_hand_registration_has_no_double_space(use_plugin):
    with pytest.warns(PluginWarning) as record:
        use_plugin(_plugin(("concat", KeepFirst)), "clasher")
        list_plugins()
    (message,) = _messages(record)
    assert "refused from <local> (plugin 'clasher')" in message
    assert "  " not in message
