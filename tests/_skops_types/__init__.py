"""A public package re-exporting a class defined in a private module, as
skmultimodal's own subpackages do (for the trusted-types tests)."""

from ._impl import Doubler, Helper

__all__ = ["Doubler", "Helper"]
