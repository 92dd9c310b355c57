"""text."""

__all__ = []
