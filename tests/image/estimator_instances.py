"""Instances and sample data for the common checks of ``skmultimodal.image``."""

import numpy as np

from skmultimodal.image import (
    Binarize,
    ColorHistogram,
    Grayscale,
    HOGFeatures,
    ImageArray,
    ImageFeatures,
    ImageFeatureUnion,
    ImageReader,
    KerasFeatures,
    Normalize,
    PixelFeatures,
    Resize,
)

INSTANCES = [
    ImageReader(),
    Grayscale(),
    Resize(size=(8, 6)),
    Binarize(),
    Binarize(threshold=0.4),
    Normalize(method="minmax"),
    HOGFeatures(size=(16, 16)),
    HOGFeatures(size=(16, 16), color="rgb", backend="skimage"),
    PixelFeatures(size=(4, 5)),
    ImageArray(size=(6, 4)),
    ColorHistogram(bins=4, color_space="hsv"),
    ImageFeatures(),
    ImageFeatures(method=PixelFeatures(size=(3, 3)), n_jobs=1),
    # a random MobileNetV3Small at 32x32: built once per process (cached)
    KerasFeatures(weights=None, input_size=(32, 32), random_state=0),
    ImageFeatureUnion(
        [
            ("hog", HOGFeatures(size=(16, 16))),
            ("color_histogram", ColorHistogram(bins=4, color_space="hsv")),
            ("pixels", PixelFeatures(size=(4, 4), color="rgb")),
        ],
        on_error="missing",
    ),
]

# Every estimator's input is a column of images: scikit-learn generates no
# checks for them (input_tags.two_d_array=False).
EXPECTED_FAILED_CHECKS = {}


def _images():
    """Ragged images of every supported kind, with a label each."""
    rng = np.random.default_rng(0)
    X = [
        rng.integers(0, 256, (20, 17), dtype=np.uint8),  # gray
        rng.integers(0, 256, (18, 22, 3), dtype=np.uint8),  # RGB
        rng.integers(0, 256, (16, 16, 4), dtype=np.uint8),  # RGBA
        rng.integers(0, 65536, (19, 21, 3), dtype=np.uint16),  # 16-bit
        rng.random((24, 20, 1)).astype(np.float32),  # float gray, one channel
        rng.random((17, 18, 3)),  # float64 RGB
    ]
    y = np.array([0, 1, 0, 1, 0, 1])
    return X, y


NON_TABULAR = {
    name: _images
    for name in (
        "ImageReader",
        "Grayscale",
        "Resize",
        "Binarize",
        "Normalize",
        "HOGFeatures",
        "PixelFeatures",
        "ImageArray",
        "ColorHistogram",
        "ImageFeatures",
        "ImageFeatureUnion",
        "KerasFeatures",
    )
}
