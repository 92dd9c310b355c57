"""The built-in fusion methods, as classes.

Each is registered under a name usable as ``ModalityFusion(method=name)``;
use the classes to pass a configured instance (``method=ConcatFusion(
block_norm="l2")``) whose parameters GridSearchCV reaches as
``<step>__method__<param>``. They take a list of per-modality blocks (see
:class:`skmultimodal.fusion.FusionMethod`), so they are checked by the fusion
tests rather than by scikit-learn's table-based estimator checks.
"""

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

__all__ = [
    "AttentionFusion",
    "ConcatFusion",
    "LateFusion",
    "MeanFusion",
    "ProductFusion",
    "StackFusion",
    "SumFusion",
    "TensorFusion",
    "TokenFusion",
]
