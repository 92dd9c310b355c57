"""Datasets: the bundled emoji image+text data and a synthetic generator."""

from ._emoji import load_emoji
from ._synthetic import make_multimodal_classification

__all__ = ["load_emoji", "make_multimodal_classification"]
