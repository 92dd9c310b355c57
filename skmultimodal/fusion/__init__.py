"""Fusion of modality blocks."""

from ._base import FusionMethod

__all__ = ["FusionMethod"]
