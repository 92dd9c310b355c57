"""A throwaway plugin-style fusion method, and plugins registering methods,
for the tests that need a method no built-in provides."""

from __future__ import annotations

import numpy as np

from skmultimodal.fusion import FusionMethod
from skmultimodal.plugins import hookimpl


class HStackMethod(FusionMethod):
    """The blocks side by side, dense only; it declares no ``target_types``
    and, like any plugin method by default, takes no sparse block."""

    def fit(self, blocks, y=None):
        return self

    def transform(self, blocks):
        return np.hstack([np.asarray(b) for b in blocks])

    def get_feature_names_out(self, input_features):
        return np.concatenate(input_features)


def fusion_plugin(**methods):
    """A plugin object whose hook registers each ``name=cls`` of ``methods``."""

    class _Plugin:
        @hookimpl
        def skmultimodal_register_fusion_methods(self, register):
            for name, cls in methods.items():
                register(name, cls)

    return _Plugin()
