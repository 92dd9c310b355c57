"""skmultimodal-lbp: local binary pattern texture features for skmultimodal.

Installing this distribution registers the image feature extractor
``"lbp"``, so ``ImageFeatures(method="lbp")`` works and GridSearchCV can
search over it.
"""

__version__ = "0.1.0"

__all__ = ["LBPFeatures", "__version__", "n_lbp_bins"]


def __getattr__(name):
    # Lazy: entry-point discovery imports this package on its way to
    # ``_plugin``; importing ``_lbp`` here would defeat the lazy import in
    # the hook (and cost every process that loads plugins).
    if name in {"LBPFeatures", "n_lbp_bins"}:
        from . import _lbp

        return getattr(_lbp, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
