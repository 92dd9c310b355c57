"""Built-in fusion methods, registered through the public plugin hooks."""

from skmultimodal.plugins import hookimpl  # noqa: F401
