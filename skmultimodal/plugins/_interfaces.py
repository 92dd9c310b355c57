"""The interfaces registered objects must satisfy, checked at registration."""

from __future__ import annotations

import inspect
import re
from typing import Any

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class PluginInterfaceError(TypeError):
    """A registered object does not satisfy the interface of its kind."""


def validate_name(name: Any) -> None:
    """Check a registered name: lower-case letters, digits and underscores,
    starting with a letter (so it is a valid, unambiguous parameter value)."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise PluginInterfaceError(
            f"invalid name {name!r}: use lower-case letters, digits and "
            "underscores, starting with a letter"
        )


def _interface_stubs() -> dict[str, Any]:
    """The placeholder methods of the interface base classes (they raise
    NotImplementedError), by name: inheriting one is not implementing it."""
    from skmultimodal.fusion import FusionMethod

    return {
        name: FusionMethod.__dict__[name]
        for name in ("fit", "transform", "get_feature_names_out")
    }


def _implements(cls: type, method: str) -> bool:
    """Whether ``cls`` has a real (non-stub, non-abstract) ``method``."""
    attr = inspect.getattr_static(cls, method, None)
    if isinstance(attr, (staticmethod, classmethod)):
        attr = attr.__func__
    if attr is None or not callable(attr):
        return False
    if getattr(attr, "__isabstractmethod__", False):
        return False
    return attr is not _interface_stubs().get(method)


def _validate_estimator_class(obj: Any, required: tuple[str, ...], what: str) -> None:
    from sklearn.base import BaseEstimator

    if not inspect.isclass(obj):
        raise PluginInterfaceError(f"{what} must be a class, got {type(obj).__name__}")
    if not issubclass(obj, BaseEstimator):
        raise PluginInterfaceError(
            f"{what} {obj.__qualname__} must subclass sklearn.base.BaseEstimator"
        )
    missing = [m for m in required if not _implements(obj, m)]
    # Abstract methods of an ABC base (e.g. ImageExtractor._extract) count too.
    missing += sorted(
        m for m in getattr(obj, "__abstractmethods__", ()) if m not in missing
    )
    if missing:
        raise PluginInterfaceError(
            f"{what} {obj.__qualname__} lacks required method(s): "
            f"{', '.join(missing)} (they must be implemented by the class or "
            "one of its own bases, not inherited as an interface stub)"
        )
    try:
        instance = obj()
    except Exception as exc:
        raise PluginInterfaceError(
            f"{what} {obj.__qualname__} cannot be constructed with default "
            f"parameters: {type(exc).__name__}: {exc}"
        ) from exc
    try:
        # get_params is what clone, set_params and GridSearchCV rely on; it
        # fails when __init__ does not store its arguments unchanged.
        instance.get_params()
    except Exception as exc:
        raise PluginInterfaceError(
            f"{what} {obj.__qualname__}: get_params() failed ({type(exc).__name__}: "
            f"{exc}); __init__ must store each keyword argument as an attribute "
            "of the same name"
        ) from exc


def validate_feature_extractor(obj: Any) -> None:
    """An image or text feature extractor: a default-constructible sklearn
    transformer class with ``fit``, ``transform`` and ``get_feature_names_out``.
    """
    _validate_estimator_class(
        obj, ("fit", "transform", "get_feature_names_out"), "feature extractor"
    )


def validate_fusion_method(obj: Any) -> None:
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
    if not isinstance(getattr(obj, "accepts_sparse", False), bool):
        raise PluginInterfaceError(
            f"fusion method {obj.__qualname__}: accepts_sparse must be a bool"
        )
