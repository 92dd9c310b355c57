"""The ``"text_features"`` registry: its hookspec, the interface of what is
registered in it, and the built-in extractors, registered through that hook."""

from sklearn.base import BaseEstimator

from skmultimodal.plugins import RegisterCallback, RegistryKind, hookimpl, hookspec


@hookspec
def skmultimodal_register_text_features(register: RegisterCallback) -> None:
    """Register text feature extractors usable as ``TextFeatures(method=name)``.

    Called once per process, the first time any registry is used. Call
    ``register(name, cls)`` where ``cls`` is a scikit-learn transformer class
    taking a 1-D sequence of strings and returning a 2-D array (dense or
    sparse), with ``get_feature_names_out``. The return value is ignored.
    """


def validate_text_extractor(obj) -> None:
    """Refuse a class that is not a default-constructible scikit-learn
    estimator implementing ``fit``, ``transform`` and
    ``get_feature_names_out``, raising
    :class:`skmultimodal.plugins.PluginInterfaceError`."""
    from skmultimodal.utils.estimator_checks import check_estimator_class

    check_estimator_class(obj, what="text feature extractor")


KIND = RegistryKind(
    "text_features",
    skmultimodal_register_text_features,
    validate_text_extractor,
    label="text feature extractor",
    base=BaseEstimator,
)


@hookimpl(specname="skmultimodal_register_text_features")
def register_builtin_text_features(register):
    """Register "tfidf", "count" and "hashing" (scikit-learn's vectorizers),
    "word_vectors" (pooled word-vector files) and "keras_encoder" (a user's
    ``.keras`` text encoder)."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    from ._features import HashingTextFeatures
    from ._keras_encoder import KerasTextEncoder
    from ._vectors import WordVectorFeatures

    register("tfidf", TfidfVectorizer)
    register("count", CountVectorizer)
    register("hashing", HashingTextFeatures)
    register("word_vectors", WordVectorFeatures)
    register("keras_encoder", KerasTextEncoder)
