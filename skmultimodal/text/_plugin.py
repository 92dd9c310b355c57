"""Built-in text methods, registered through the public plugin hooks."""

from skmultimodal.plugins import hookimpl


@hookimpl
def skmultimodal_register_text_features(register):
    """Register "tfidf", "count" and "hashing" (scikit-learn's vectorizers)."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    from ._features import HashingTextFeatures

    register("tfidf", TfidfVectorizer)
    register("count", CountVectorizer)
    register("hashing", HashingTextFeatures)
