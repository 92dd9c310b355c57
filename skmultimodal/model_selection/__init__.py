"""Cross-validated comparison of image, text and fused models, and the share
each modality gets in a fitted model's decisions."""

from ._compare import compare_models, modality_contributions

__all__ = ["compare_models", "modality_contributions"]
