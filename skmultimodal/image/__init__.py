"""image."""

__all__ = []
