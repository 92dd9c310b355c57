"""skmultimodal-lbp: local binary pattern texture features for skmultimodal.

Installing this distribution registers the image feature extractor
``"lbp"``, so ``ImageFeatures(method="lbp")`` works and GridSearchCV can
search over it.
"""

from ._lbp import LBPFeatures, n_lbp_bins

__version__ = "0.1.0"

__all__ = ["LBPFeatures", "__version__", "n_lbp_bins"]
