"""Built-in image methods, registered through the public plugin hooks."""

from skmultimodal.plugins import hookimpl  # noqa: F401
