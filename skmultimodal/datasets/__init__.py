"""Datasets: the bundled emoji and icons image+text data, a synthetic generator
and an example product catalogue written to disk."""

from ._catalogue import write_example_catalogue
from ._emoji import load_emoji
from ._icons import load_icons
from ._synthetic import make_multimodal_classification

__all__ = [
    "load_emoji",
    "load_icons",
    "make_multimodal_classification",
    "write_example_catalogue",
]
