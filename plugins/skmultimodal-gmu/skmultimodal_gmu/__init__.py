"""skmultimodal-gmu: Gated Multimodal Unit fusion for skmultimodal.

Installing this distribution registers the fusion method ``"gmu"``, so
``ModalityFusion(method="gmu")`` works and GridSearchCV can search over it.
"""

__version__ = "0.1.0"

__all__ = ["GatedMultimodalUnit", "__version__", "gmu_forward"]


def __getattr__(name):
    # Lazy: entry-point discovery imports this package on its way to
    # ``_plugin``; importing ``_gmu`` here would defeat the lazy import in
    # the hook (and cost every process that loads plugins).
    if name in {"gmu_forward", "GatedMultimodalUnit"}:
        from . import _gmu

        return getattr(_gmu, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
