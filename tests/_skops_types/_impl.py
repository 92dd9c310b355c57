import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin


class Helper:
    """Fitted state of :class:`Doubler` (a plain class skops must trust)."""

    def __init__(self, factor=2.0):
        self.factor = factor


class Doubler(TransformerMixin, BaseEstimator):
    """Doubles its input; its fitted state holds a :class:`Helper`."""

    trusted_types = ("tests._skops_types._impl.Helper",)

    def fit(self, X, y=None):
        self.helper_ = Helper()
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float) * self.helper_.factor

    def get_feature_names_out(self, input_features=None):
        return np.array([f"x{i}" for i in range(self.n_features_in_)], dtype=object)
