"""Plugin system: registries of named methods filled through pluggy hooks, each
declared by its package's built-in plugin module; see ``docs/plugins.md``."""

from ._core import *  # noqa: F403
from ._core import __all__  # noqa: F401
