"""Fusion of modality blocks: ModalityFusion, LateFusionClassifier and the
block layout of fused matrices.

The built-in fusion methods are registered by name (``ModalityFusion(
method="attention")``); their classes, for ``method=<instance>`` and
``method__<param>`` grid searches, live in :mod:`skmultimodal.fusion.methods`.
"""

from ._base import FusionMethod
from ._columns import MissingModalityWarning
from ._late import LateFusionClassifier
from ._layout import Block, BlockLayout, FusedArray, get_block_layout
from ._modality_fusion import ModalityFusion

__all__ = [
    "Block",
    "BlockLayout",
    "FusedArray",
    "FusionMethod",
    "LateFusionClassifier",
    "MissingModalityWarning",
    "ModalityFusion",
    "get_block_layout",
]
