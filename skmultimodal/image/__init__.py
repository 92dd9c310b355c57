"""Image transformers and feature extractors.

Every estimator takes a column of images: file paths, encoded bytes or
arrays (RGB order at the API; alpha composited on white; 16-bit scaled to
8-bit). See ``docs/user_guide/image.md``.
"""

from ._features import ColorHistogram, HOGFeatures, ImageFeatures, PixelFeatures
from ._io import ImageDecodeError, ImageWarning
from ._transformers import Binarize, Grayscale, ImageReader, Normalize, Resize

__all__ = [
    "Binarize",
    "ColorHistogram",
    "Grayscale",
    "HOGFeatures",
    "ImageDecodeError",
    "ImageFeatures",
    "ImageReader",
    "ImageWarning",
    "Normalize",
    "PixelFeatures",
    "Resize",
]
