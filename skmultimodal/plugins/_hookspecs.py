"""Hook specifications of skmultimodal.

Every hook takes a ``register`` callback. A plugin calls ``register(name, obj)``
once for each thing it provides; the host validates the object, records which
distribution provided it and refuses duplicate names.
"""

from __future__ import annotations

from typing import Any, Protocol

import pluggy

PROJECT_NAME = "skmultimodal"
ENTRY_POINT_GROUP = "skmultimodal"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


class RegisterCallback(Protocol):
    """The ``register`` callback handed to every hook.

    Parameters
    ----------
    name : str
        Public name of the method, e.g. ``"hog"`` or ``"gmu"``. Lower case
        letters, digits and underscores; unique across all installed plugins.
    obj : type
        The class implementing the interface of the hook's kind.
    """

    def __call__(self, name: str, obj: Any) -> None: ...


@hookspec
def skmultimodal_register_fusion_methods(register: RegisterCallback) -> None:
    """Register fusion methods usable as ``ModalityFusion(method=name)``.

    Called once, the first time any registry is used. Call
    ``register(name, cls)`` where ``cls`` subclasses
    :class:`skmultimodal.fusion.FusionMethod` (see the plugin guide for the
    interface). The return value is ignored.
    """


@hookspec
def skmultimodal_register_image_features(register: RegisterCallback) -> None:
    """Register image feature extractors usable as ``ImageFeatures(method=name)``.

    Called once, the first time any registry is used. Call
    ``register(name, cls)`` where ``cls`` is a scikit-learn transformer class
    taking a 1-D sequence of images and returning a 2-D float array, with
    ``get_feature_names_out``. The return value is ignored.
    """


@hookspec
def skmultimodal_register_text_features(register: RegisterCallback) -> None:
    """Register text feature extractors usable as ``TextFeatures(method=name)``.

    Called once, the first time any registry is used. Call
    ``register(name, cls)`` where ``cls`` is a scikit-learn transformer class
    taking a 1-D sequence of strings and returning a 2-D array (dense or
    sparse), with ``get_feature_names_out``. The return value is ignored.
    """
