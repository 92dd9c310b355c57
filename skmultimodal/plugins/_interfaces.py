"""The interfaces registered objects must satisfy, checked at registration."""

from __future__ import annotations

import inspect
import re

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class PluginInterfaceError(TypeError):
    """A registered object does not satisfy the interface of its kind."""


def validate_name(name) -> None:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise PluginInterfaceError(
            f"invalid name {name!r}: use lower-case letters, digits and "
            "underscores, starting with a letter"
        )


def _validate_estimator_class(obj, required, what):
    from sklearn.base import BaseEstimator

    if not inspect.isclass(obj):
        raise PluginInterfaceError(f"{what} must be a class, got {type(obj).__name__}")
    if not issubclass(obj, BaseEstimator):
        raise PluginInterfaceError(
            f"{what} {obj.__qualname__} must subclass sklearn.base.BaseEstimator"
        )
    missing = [m for m in required if not callable(getattr(obj, m, None))]
    if missing:
        raise PluginInterfaceError(
            f"{what} {obj.__qualname__} lacks required method(s): {', '.join(missing)}"
        )
    try:
        obj()
    except Exception as exc:
        raise PluginInterfaceError(
            f"{what} {obj.__qualname__} cannot be constructed with default "
            f"parameters: {exc}"
        ) from exc


def validate_feature_extractor(obj) -> None:
    """An image or text feature extractor: a default-constructible sklearn
    transformer class with ``fit``, ``transform`` and ``get_feature_names_out``.
    """
    _validate_estimator_class(
        obj, ("fit", "transform", "get_feature_names_out"), "feature extractor"
    )


def validate_fusion_method(obj) -> None:
    """A fusion method: a subclass of :class:`skmultimodal.fusion.FusionMethod`
    (itself a default-constructible sklearn estimator with ``fit``,
    ``transform`` and ``get_feature_names_out`` over a list of blocks).
    """
    from skmultimodal.fusion import FusionMethod

    if not (inspect.isclass(obj) and issubclass(obj, FusionMethod)):
        raise PluginInterfaceError(
            f"fusion method {getattr(obj, '__qualname__', obj)!r} must be a "
            "subclass of skmultimodal.fusion.FusionMethod"
        )
    _validate_estimator_class(
        obj, ("fit", "transform", "get_feature_names_out"), "fusion method"
    )
