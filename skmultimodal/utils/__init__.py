"""Shared helpers (input handling, parallel per-sample work)."""

from ._parallel import parallel_map
from ._validation import as_column, describe_row, is_missing

__all__ = ["as_column", "describe_row", "is_missing", "parallel_map"]
