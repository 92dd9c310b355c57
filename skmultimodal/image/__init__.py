"""Image transformers and feature extractors.

Every estimator takes a column of images: file paths, encoded bytes or
arrays (RGB order at the API; alpha composited on white; 16-bit scaled to
8-bit). :class:`ImageExtractor` is the base class of the feature
extractors, for writing new ones; :class:`ImageFeatureUnion` runs several
of them on one decoding of each image. See ``docs/user_guide/image.md``.
"""

from ._base import ImageExtractor
from ._features import (
    ColorHistogram,
    HOGFeatures,
    ImageArray,
    ImageFeatures,
    PixelFeatures,
)
from ._io import (
    ImageDecodeError,
    ImageWarning,
    resize_image,
    to_float,
    to_gray,
    to_rgb,
    to_uint8,
)
from ._keras import KerasFeatures
from ._transformers import Binarize, Grayscale, ImageReader, Normalize, Resize
from ._union import ImageFeatureUnion

MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest image file read, in bytes (256 MiB): a larger file is an
unreadable item (see ``on_error``), refused before it is read. Raise it, or
set it to None for no limit, to read larger files. The most pixels an
encoded image may declare is Pillow's ``PIL.Image.MAX_IMAGE_PIXELS``."""

__all__ = [
    "Binarize",
    "ColorHistogram",
    "Grayscale",
    "HOGFeatures",
    "ImageArray",
    "ImageDecodeError",
    "ImageExtractor",
    "ImageFeatureUnion",
    "ImageFeatures",
    "ImageReader",
    "ImageWarning",
    "KerasFeatures",
    "MAX_FILE_BYTES",
    "Normalize",
    "PixelFeatures",
    "Resize",
    "resize_image",
    "to_float",
    "to_gray",
    "to_rgb",
    "to_uint8",
]
