"""Datasets: the bundled emoji and icons image+text data and a synthetic generator."""

from ._emoji import load_emoji
from ._icons import load_icons
from ._synthetic import make_multimodal_classification

__all__ = ["load_emoji", "load_icons", "make_multimodal_classification"]
