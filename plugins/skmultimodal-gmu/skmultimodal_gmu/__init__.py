"""skmultimodal-gmu: Gated Multimodal Unit fusion for skmultimodal.

Installing this distribution registers the fusion method ``"gmu"``, so
``ModalityFusion(method="gmu")`` works and GridSearchCV can search over it.
"""

from ._gmu import GatedMultimodalUnit, gmu_forward

__version__ = "0.1.0"

__all__ = ["GatedMultimodalUnit", "__version__", "gmu_forward"]
