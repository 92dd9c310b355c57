"""The ``"fusion_method"`` registry: its hookspec, the interface of what is
registered in it, and the built-in methods, registered through that hook."""

import inspect

from skmultimodal.plugins import (
    PluginInterfaceError,
    RegisterCallback,
    RegistryKind,
    hookimpl,
    hookspec,
)

from ._base import FusionMethod


@hookspec
def skmultimodal_register_fusion_methods(register: RegisterCallback) -> None:
    """Register fusion methods usable as ``ModalityFusion(method=name)``.

    Called once per process, the first time any registry is used. Call
    ``register(name, cls)`` where ``cls`` subclasses
    :class:`skmultimodal.fusion.FusionMethod` (see the plugin guide for the
    interface). The return value is ignored.
    """


def validate_fusion_method(obj) -> None:
    """Refuse a class that is not a usable fusion method: a default-
    constructible :class:`FusionMethod` subclass implementing ``fit``,
    ``transform`` and ``get_feature_names_out`` itself (or in a base of its
    own), with a bool ``accepts_sparse``.

    Raises
    ------
    skmultimodal.plugins.PluginInterfaceError
        Naming the class and what it lacks.
    """
    from skmultimodal.utils.estimator_checks import check_estimator_class

    if not (inspect.isclass(obj) and issubclass(obj, FusionMethod)):
        raise PluginInterfaceError(
            f"fusion method {getattr(obj, '__qualname__', obj)!r} must be a "
            "subclass of skmultimodal.fusion.FusionMethod"
        )
    check_estimator_class(obj, what="fusion method", interface=FusionMethod)
    if not isinstance(getattr(obj, "accepts_sparse", False), bool):
        raise PluginInterfaceError(
            f"fusion method {obj.__qualname__}: accepts_sparse must be a bool"
        )


KIND = RegistryKind(
    "fusion_method",
    skmultimodal_register_fusion_methods,
    validate_fusion_method,
    label="fusion method",
    base=FusionMethod,
)


@hookimpl(specname="skmultimodal_register_fusion_methods")
def register_builtin_fusion_methods(register):
    """Register ``concat``, ``product``, ``sum``, ``mean``, ``tensor``,
    ``attention``, ``tokens``, ``stack`` and ``late``."""
    from ._methods import (
        AttentionFusion,
        ConcatFusion,
        LateFusion,
        MeanFusion,
        ProductFusion,
        StackFusion,
        SumFusion,
        TensorFusion,
        TokenFusion,
    )

    register("concat", ConcatFusion)
    register("product", ProductFusion)
    register("sum", SumFusion)
    register("mean", MeanFusion)
    register("tensor", TensorFusion)
    register("attention", AttentionFusion)
    register("tokens", TokenFusion)
    register("stack", StackFusion)
    register("late", LateFusion)
