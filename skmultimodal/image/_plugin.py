"""The ``"image_features"`` registry: its hookspec, the interface of what is
registered in it, and the built-in extractors, registered through that hook."""

from sklearn.base import BaseEstimator

from skmultimodal.plugins import RegisterCallback, RegistryKind, hookimpl, hookspec


@hookspec
def skmultimodal_register_image_features(register: RegisterCallback) -> None:
    """Register image feature extractors usable as ``ImageFeatures(method=name)``.

    Called once per process, the first time any registry is used. Call
    ``register(name, cls)`` where ``cls`` is a scikit-learn transformer class
    taking a 1-D sequence of images and returning a 2-D float array, with
    ``get_feature_names_out``. The return value is ignored.
    """


def validate_image_extractor(obj) -> None:
    """Refuse a class that is not a default-constructible scikit-learn
    estimator implementing ``fit``, ``transform`` and
    ``get_feature_names_out`` (and the abstract methods of its bases, such as
    :class:`ImageExtractor`'s ``_extract``), raising
    :class:`skmultimodal.plugins.PluginInterfaceError`."""
    from skmultimodal.utils.estimator_checks import check_estimator_class

    check_estimator_class(obj, what="image feature extractor")


KIND = RegistryKind(
    "image_features",
    skmultimodal_register_image_features,
    validate_image_extractor,
    label="image feature extractor",
    base=BaseEstimator,
)


@hookimpl(specname="skmultimodal_register_image_features")
def register_builtin_image_features(register):
    """Register the built-in extractors: "hog", "pixels", "color_histogram",
    "keras" (TensorFlow is imported only when a "keras" network is built)."""
    from ._features import ColorHistogram, HOGFeatures, PixelFeatures
    from ._keras import KerasFeatures

    register("hog", HOGFeatures)
    register("pixels", PixelFeatures)
    register("color_histogram", ColorHistogram)
    register("keras", KerasFeatures)
