"""Shared helpers (input handling, parallel per-sample work, atomic file
writes, boolean environment variables, a pipeline cache that sees files
change)."""

from ._env import env_flag
from ._io import atomic_write
from ._memory import FileStampMemory
from ._parallel import parallel_map
from ._validation import (
    as_column,
    check_target_present,
    describe_failures,
    describe_row,
    is_missing,
)

__all__ = [
    "FileStampMemory",
    "as_column",
    "atomic_write",
    "check_target_present",
    "describe_failures",
    "describe_row",
    "env_flag",
    "is_missing",
    "parallel_map",
]
