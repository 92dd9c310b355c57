"""Built-in image methods, registered through the public plugin hooks."""

from skmultimodal.plugins import hookimpl


@hookimpl
def skmultimodal_register_image_features(register):
    """Register the built-in extractors: "hog", "pixels", "color_histogram"."""
    from ._features import ColorHistogram, HOGFeatures, PixelFeatures

    register("hog", HOGFeatures)
    register("pixels", PixelFeatures)
    register("color_histogram", ColorHistogram)
