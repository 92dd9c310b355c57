"""Plugin system: registries of named methods filled through pluggy hooks.

Each package (fusion, image, text) declares its registry kind, hookspec and
interface in its built-in plugin module; plugins implement the hooks with
:data:`hookimpl`. See ``docs/plugins.md``.
"""

from ._core import *  # noqa: F403
from ._core import __all__  # noqa: F401
