"""Shared helpers (input handling, parallel per-sample work, reporting
unreadable items, atomic file writes, boolean environment variables)."""

from ._env import env_flag
from ._io import atomic_write
from ._parallel import parallel_map
from ._unreadable import UnreadableItems, collect_unreadable, report_unreadable
from ._validation import as_column, describe_failures, describe_row, is_missing

__all__ = [
    "UnreadableItems",
    "as_column",
    "atomic_write",
    "collect_unreadable",
    "describe_failures",
    "describe_row",
    "env_flag",
    "is_missing",
    "parallel_map",
    "report_unreadable",
]
