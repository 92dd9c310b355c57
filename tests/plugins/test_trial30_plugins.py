"""Plugin core and plugin checks: sys.exit in a plugin, the same object
registered twice, the register callback's name, disabling a name before
its plugin is registered or a built-in's name, worker processes after
disable_plugins(), and the extractor checks' output rules."""

import sys
import types
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from skmultimodal.fusion.methods import ConcatFusion
from skmultimodal.image import ImageExtractor
from skmultimodal.plugins import (
    DISABLE_PLUGINS_ENV,
    disable_plugins,
    get_registry,
    hookimpl,
    list_plugins,
)
from skmultimodal.utils.estimator_checks import (
    check_extractor_output,
    check_feature_extractor,
    check_fusion_method,
    check_image_paths_and_bytes,
    feature_extractor_checks,
)

from .conftest import write_fake_distribution
from .test_entry_points import GOOD
from .test_manager import FUSION, TEXT, FirstBlock, make_plugin, skipped

EXITS_AT_IMPORT = 'import sys\nsys.exit("no thanks")\n'
EXITS_IN_HOOK = """
from skmultimodal.plugins import hookimpl

@hookimpl
def skmultimodal_register_fusion_methods(register):
    raise SystemExit(3)
"""


@pytest.fixture
def exiting(tmp_path, monkeypatch, fresh_manager):
    """Three fake distributions: one whose module calls sys.exit() when
    imported, one whose hook raises SystemExit, and a good one."""
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "")
    modules = {
        "skmultimodal-t30-exit": ("t30_exit", EXITS_AT_IMPORT),
        "skmultimodal-t30-hookexit": ("t30_hookexit", EXITS_IN_HOOK),
        "skmultimodal-t30-good": ("t30_good", GOOD),
    }
    for dist, (module, code) in modules.items():
        write_fake_distribution(tmp_path, dist, "1.0", {module: code}, {module: module})
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for module, _ in modules.values():
        sys.modules.pop(module, None)


def test_a_plugin_calling_sys_exit_is_skipped_not_the_process(exiting):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        names = get_registry("fusion_method").names()
    assert "fake_first" in names and "concat" in names  # the process went on
    messages = skipped(record)
    (at_import,) = [m for m in messages if "'t30_exit'" in m]
    assert "skmultimodal-t30-exit 1.0 was skipped" in at_import
    assert "SystemExit: no thanks" in at_import
    (in_hook,) = [m for m in messages if "'t30_hookexit'" in m]
    assert "hook skmultimodal_register_fusion_methods raised SystemExit: 3" in in_hook
    status = {
        r["plugin"]: r["status"]
        for r in list_plugins(include_failures=True)
        if r["plugin"] in ("t30_exit", "t30_hookexit")
    }
    assert status == {"t30_exit": "skipped", "t30_hookexit": "failed"}


def test_the_same_object_under_a_second_name_names_the_first(use_plugin):
    plugin = make_plugin(FUSION, ("t30_first", FirstBlock))
    assert use_plugin(plugin, "t30-one")
    with pytest.warns(Warning) as record:
        assert not use_plugin(plugin, "t30-two")
    (message,) = skipped(record)
    assert "'t30-two'" in message
    assert "already registered as plugin 't30-one'" in message
    assert "unregister_plugin('t30-one')" in message
    assert "Plugin already registered" not in message  # pluggy's own words


def test_an_unhashable_plugin_is_not_told_to_register_a_class(use_plugin):
    plugin = types.SimpleNamespace(
        skmultimodal_register_fusion_methods=hookimpl(lambda register: None)
    )
    with pytest.warns(Warning) as record:
        assert not use_plugin(plugin, "t30-ns")
    (message,) = skipped(record)
    assert "unhashable types.SimpleNamespace" in message
    assert "a module or an instance" in message
    assert "a class or" not in message


def test_a_wrong_call_of_register_names_the_documented_callback(use_plugin):
    class OneArgument:
        @hookimpl
        def skmultimodal_register_fusion_methods(self, register):
            register("t30_only_name")

    with pytest.warns(Warning) as record:
        assert not use_plugin(OneArgument(), "t30-one-arg")
    (message,) = skipped(record)
    assert "register() missing 1 required positional argument: 'cls'" in message
    assert "PluginManager" not in message and "<locals>" not in message


def test_a_name_disabled_before_its_plugin_is_registered(use_plugin, monkeypatch):
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "")
    get_registry("fusion_method")
    with pytest.warns(Warning) as record:
        disable_plugins("t30-later")
    (message,) = skipped(record)
    assert "names 't30-later', which matches no installed plugin" in message
    assert "disables only a plugin registered later under that name" in message
    assert "ignored" not in message
    with pytest.warns(Warning) as record:
        assert not use_plugin(make_plugin(FUSION, ("t30_l", FirstBlock)), "t30-later")
    (message,) = skipped(record)
    assert message == (
        "register_plugin(): plugin 't30-later' (<local>) is disabled by "
        "disable_plugins(); it was not registered"
    )
    assert "t30_l" not in get_registry("fusion_method")


def test_disabling_a_built_in_method_by_its_name_says_so(fresh_manager, monkeypatch):
    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "")
    get_registry("fusion_method")
    with pytest.warns(Warning) as record:
        disable_plugins("Concat")
    (message,) = skipped(record)
    assert message == (
        "disable_plugins() names 'concat', which is not a plugin: built-in "
        "methods cannot be disabled"
    )
    assert "concat" in get_registry("fusion_method")


def _fusion_names(_):
    return sorted(get_registry("fusion_method").names())


@pytest.mark.slow  # worker processes
def test_running_workers_do_not_keep_a_plugin_disabled_since(
    fresh_manager, monkeypatch
):
    from joblib import Parallel, delayed
    from joblib.externals.loky import reusable_executor

    from skmultimodal.plugins._core import _restart_workers

    monkeypatch.setenv(DISABLE_PLUGINS_ENV, "")
    if "gmu" not in get_registry("fusion_method"):
        pytest.skip("needs the example plugin skmultimodal-gmu installed")

    def in_workers():
        return Parallel(n_jobs=2)(delayed(_fusion_names)(i) for i in range(4))

    try:
        assert all("gmu" in names for names in in_workers())
        executor = reusable_executor._executor
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            disable_plugins("skmultimodal-gmu")
        assert executor._flags.shutdown  # the workers that loaded it are gone
        assert not any("gmu" in names for names in in_workers())
        assert "gmu" not in get_registry("fusion_method")
    finally:
        monkeypatch.undo()  # the variable as before, for the next workers
        _restart_workers()


def test_the_checks_refuse_a_class_with_what_to_pass():
    with pytest.raises(TypeError, match=r"got the class ConcatFusion: pass Concat"):
        check_fusion_method(ConcatFusion)
    with pytest.raises(TypeError, match="got the class ConcatFusion"):
        next(feature_extractor_checks(ConcatFusion, kind="text"))


def test_an_unknown_nested_parameter_of_a_named_method_lists_the_known_ones():
    from skmultimodal import make_multimodal_pipeline

    pipe = make_multimodal_pipeline(method="concat")
    with pytest.raises(ValueError) as info:
        pipe.set_params(fusion__method__n_components=3)
    assert str(info.value) == (
        "cannot set method__n_components: the method 'concat' (ConcatFusion) has "
        "no parameter 'n_components'; its parameters: block_norm, weights"
    )
    # a parameter it has still says how to set it
    with pytest.raises(ValueError, match=r"set method=ConcatFusion\(block_norm=...\)"):
        pipe.set_params(fusion__method__block_norm="l2")


# -- extractor output ----------------------------------------------------------------
class TextLengths(TransformerMixin, BaseEstimator):
    """A valid text extractor: each text's length; ``bad`` spoils the output."""

    def __init__(self, *, bad=None):
        self.bad = bad

    def fit(self, X, y=None):
        if len(X) == 0:
            raise ValueError("no text")
        self.n_ = 2
        return self

    def transform(self, X):
        check_is_fitted(self, "n_")
        out = np.array([[len(str(t)), str(t).count(" ")] for t in X], float)
        if self.bad == "1d":
            return out[:, 0]
        if self.bad == "3d":
            return out[:, :, None]
        if self.bad == "text":
            return out.astype(str)
        if self.bad == "nan":
            out[:, 1] = np.nan
        if self.bad == "inf":
            out[2, 0] = np.inf
        if self.bad == "nan_row":  # a text with nothing to describe
            out[1] = np.nan
        return out

    def get_feature_names_out(self, input_features=None):
        n = 3 if self.bad == "names" else 2
        return np.array([f"tl{j}" for j in range(n)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


TEXTS = ["a red apple", "", "two words", "x", "the blue sky above", "b c"]


@pytest.mark.parametrize(
    "bad, expected",
    [
        ("1d", r"fit_transform returned an output of shape \(6,\) for 6 items"),
        ("3d", r"output of shape \(6, 2, 1\) for 6 items; an extractor returns a 2-D"),
        ("text", "fit_transform returned <U32 values; an extractor returns numbers"),
        ("nan", "fit_transform returned NaN in part of row 0"),
        ("inf", r"fit_transform returned an infinite value \(row 2\)"),
        ("names", r"get_feature_names_out gave \(3,\) names for 2 output columns"),
    ],
)
def test_the_extractor_checks_refuse_output_the_fusion_refuses(bad, expected):
    y = np.arange(6) % 2
    with pytest.raises(AssertionError, match=expected):
        check_extractor_output(TextLengths(bad=bad), TEXTS, y, kind="text")
    with pytest.raises(AssertionError, match="^check_extractor_output failed"):
        check_feature_extractor(TextLengths(bad=bad), X=TEXTS, y=y)


def test_a_whole_nan_row_is_a_text_with_nothing_to_describe():
    y = np.arange(6) % 2
    check_extractor_output(TextLengths(bad="nan_row"), TEXTS, y, kind="text")
    check_feature_extractor(TextLengths(), X=TEXTS, y=y)


class Corners(ImageExtractor):
    """An image extractor: the four corner pixels (gray); ``bad`` spoils it."""

    def __init__(self, *, bad=None, on_error="raise", n_jobs=None, verbose=0):
        self.bad = bad
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self):
        return 4

    def _extract(self, image):
        img = image if image.ndim == 2 else image.mean(axis=2)
        row = np.array(
            [img[0, 0], img[0, -1], img[-1, 0], img[-1, -1]], dtype=np.float64
        )
        if self.bad == "nan":
            row[:] = np.nan
        if self.bad == "mutates":
            image[...] = 0
        if self.bad == "random":
            row += np.random.default_rng().random(4)
        return row


def test_a_nan_row_for_a_readable_image_is_refused():
    with pytest.raises(AssertionError, match="returned NaN for readable image 0"):
        check_feature_extractor(Corners(bad="nan"))


@pytest.mark.parametrize(
    "bad, expected",
    [
        ("mutates", "transform modified the image array it was given in place"),
        ("random", "two transforms of the same image .*must be deterministic"),
    ],
)
def test_the_path_check_names_the_cause_that_is_not_the_path(bad, expected):
    with pytest.raises(AssertionError, match=expected):
        check_image_paths_and_bytes(Corners(bad=bad))


def test_a_valid_image_extractor_passes_every_check():
    check_feature_extractor(Corners())


def test_a_branch_error_names_the_plugin_that_made_the_features(use_plugin):
    import pandas as pd

    from skmultimodal.fusion import ModalityFusion
    from skmultimodal.text import TextFeatures

    assert use_plugin(
        make_plugin(TEXT, ("t30_lengths_1d", OneDimensional)),
        "t30-lengths",
        distribution="skmultimodal-t30",
        version="0.1",
    )
    X = pd.DataFrame({"text": [t or "-" for t in TEXTS]})
    y = np.arange(6) % 2
    fusion = ModalityFusion([("text", TextFeatures(method="t30_lengths_1d"), "text")])
    with pytest.raises(ValueError) as info:
        fusion.fit(X, y)
    assert str(info.value).startswith(
        "transformer 'text' returned an array of shape (6,) in fit"
    )
    assert str(info.value).endswith(
        "Its features come from method 't30_lengths_1d' of the plugin 't30-lengths' "
        "(skmultimodal-t30 0.1): check that plugin with "
        "skmultimodal.utils.estimator_checks.check_feature_extractor."
    )
    # a built-in extractor's branch names no plugin
    fusion = ModalityFusion([("text", TextLengths(bad="1d"), "text")])
    with pytest.raises(ValueError) as info:
        fusion.fit(X, y)
    assert "plugin" not in str(info.value)


class OneDimensional(TextLengths):
    def __init__(self, *, bad="1d"):
        super().__init__(bad=bad)
