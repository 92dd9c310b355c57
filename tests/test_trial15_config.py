"""Trial 15: an unhashable plugin is refused and leaves the registries usable;
the image-to-image transformers' ``fit_transform`` stays a column of images
under ``sklearn.set_config(transform_output="pandas")``."""

from __future__ import annotations

import dataclasses
import types

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import ModalityFusion
from skmultimodal.image import (
    Binarize,
    Grayscale,
    ImageReader,
    Normalize,
    PixelFeatures,
    Resize,
)
from skmultimodal.plugins import PluginWarning, get_registry, hookimpl, register_plugin
from skmultimodal.utils._validation import type_name

from .image.test_image_set_output import _images


@hookimpl
def skmultimodal_register_fusion_methods(register):
    register("never_registered", StandardScaler)


@dataclasses.dataclass  # eq=True without frozen: __hash__ is None
class _EqPlugin:
    skmultimodal_register_fusion_methods: object = None


@pytest.mark.parametrize(
    "plugin",
    [
        types.SimpleNamespace(
            skmultimodal_register_fusion_methods=skmultimodal_register_fusion_methods
        ),
        _EqPlugin(skmultimodal_register_fusion_methods),
    ],
    ids=["SimpleNamespace", "dataclass"],
)
def test_unhashable_plugin_is_refused_and_registries_stay_usable(fresh_manager, plugin):
    with pytest.warns(PluginWarning) as record:
        assert register_plugin(plugin, "unhashable") is False
    (message,) = [str(w.message) for w in record]
    kind = type_name(plugin)  # types.SimpleNamespace, tests._EqPlugin
    assert "'unhashable'" in message and "was skipped" in message
    assert f"pluggy needs a hashable plugin, not an unhashable {kind}" in message
    assert "a module or an instance with default hashing" in message
    assert not fresh_manager._pm.has_plugin("unhashable")
    names = get_registry("fusion_method").names()
    assert "concat" in names and "never_registered" not in names
    X, y = np.random.default_rng(0).random((10, 2)), np.arange(10) % 2
    blocks = [("a", StandardScaler(), [0]), ("b", StandardScaler(), [1])]
    ModalityFusion(blocks, method="concat").fit(X, y)
    # the name is free again: a hashable plugin can take it
    module = types.ModuleType("hashable_plugin")
    module.skmultimodal_register_fusion_methods = hookimpl(lambda register: None)
    assert register_plugin(module, "unhashable") is True
    assert fresh_manager._pm.has_plugin("unhashable")


@pytest.fixture
def pandas_output():
    """``set_config(transform_output="pandas")``, restored afterwards."""
    before = sklearn.get_config()["transform_output"]
    sklearn.set_config(transform_output="pandas")
    try:
        yield
    finally:
        sklearn.set_config(transform_output=before)


@pytest.mark.parametrize(
    "est",
    [ImageReader(), Grayscale(), Resize(size=(5, 7)), Binarize(), Normalize()],
    ids=lambda e: type(e).__name__,
)
def test_fit_transform_is_a_column_of_images_under_global_pandas(pandas_output, est):
    X = _images()
    out = clone(est).fit_transform(X)
    # one column of images (a Series keeping the rows' index), never a frame
    assert isinstance(out, pd.Series) and out.dtype == object
    assert out.shape == (len(X),) and out.index.equals(pd.RangeIndex(len(X)))
    expected = clone(est).fit(X).transform(X)
    for got, want in zip(out, expected):
        np.testing.assert_array_equal(got, want)


def test_image_pipeline_still_ends_in_a_frame_under_global_pandas(pandas_output):
    X = _images()
    pipe = make_pipeline(Grayscale(), Resize(size=(16, 16)), PixelFeatures())
    Z = pipe.fit_transform(X)
    assert isinstance(Z, pd.DataFrame) and Z.shape == (len(X), 256)
    assert list(Z.columns) == list(pipe[-1].get_feature_names_out())
    np.testing.assert_array_equal(Z.to_numpy(), pipe.transform(X).to_numpy())
