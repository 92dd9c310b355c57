"""Shared helpers (input handling, parallel per-sample work, reporting
unreadable items)."""

from ._parallel import parallel_map
from ._unreadable import UnreadableItems, collect_unreadable, report_unreadable
from ._validation import as_column, describe_failures, describe_row, is_missing

__all__ = [
    "UnreadableItems",
    "as_column",
    "collect_unreadable",
    "describe_failures",
    "describe_row",
    "is_missing",
    "parallel_map",
    "report_unreadable",
]
