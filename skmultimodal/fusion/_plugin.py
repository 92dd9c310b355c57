"""Built-in fusion methods, registered through the public plugin hooks."""

from skmultimodal.plugins import hookimpl


@hookimpl
def skmultimodal_register_fusion_methods(register):
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
