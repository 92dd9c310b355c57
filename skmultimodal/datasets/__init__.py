"""Datasets: the bundled emoji image+text data and a synthetic generator."""

from ._emoji import load_emoji

__all__ = ["load_emoji"]
