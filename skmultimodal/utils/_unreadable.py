"""Reporting the items an extractor could not read and replaced.

An image extractor with ``on_error="blank"`` substitutes a blank image for
an unreadable item and carries on. On its own it warns. Inside a composite
that gives missing values a policy (``ModalityFusion(missing=...)``,
``LateFusionClassifier(missing="skip")``), those rows must be handled as
missing instead; the composite runs the branch under
:func:`collect_unreadable`, and the extractor hands the rows to it with
:func:`report_unreadable` rather than warning.

The collector lives in a :class:`contextvars.ContextVar`, so it follows the
call: it is seen by code running in the same thread (and process) as the
``with`` block, and by nothing else. A composite that runs its branches in
joblib workers therefore opens the collector inside the worker function.
"""

from __future__ import annotations

import contextlib
import contextvars

import numpy as np

__all__ = ["UnreadableItems", "collect_unreadable", "report_unreadable"]

_CURRENT: contextvars.ContextVar = contextvars.ContextVar(
    "skmultimodal_unreadable", default=None
)


class UnreadableItems:
    """Rows of one call's input that were unreadable and replaced.

    Filled by :func:`report_unreadable` while the :func:`collect_unreadable`
    block that created it is active.

    Attributes
    ----------
    reasons : dict of int to str
        Position of the row in the input of the reporting step (0-based)
        mapped to what was wrong with it (first report wins).
    category : type of Warning or None
        Warning class the reporting step would have issued on its own.
    """

    def __init__(self):
        self.reasons = {}
        self.category = None

    @property
    def rows(self) -> np.ndarray:
        """Sorted positions of the unreadable rows."""
        return np.array(sorted(self.reasons), dtype=np.intp)

    def __len__(self) -> int:
        return len(self.reasons)

    def __bool__(self) -> bool:
        return bool(self.reasons)


@contextlib.contextmanager
def collect_unreadable():
    """Collect the rows that extractors replace instead of raising.

    Within the block, :func:`report_unreadable` records rows in the yielded
    :class:`UnreadableItems` and the reporting extractor does not warn. The
    previous collector, if any, is restored on exit.

    Yields
    ------
    unreadable : UnreadableItems

    Examples
    --------
    >>> import warnings
    >>> from skmultimodal.image import PixelFeatures
    >>> from skmultimodal.utils import collect_unreadable
    >>> with collect_unreadable() as unreadable:
    ...     out = PixelFeatures(size=(2, 2), on_error="blank").fit_transform(
    ...         ["/no/such/file.png"]
    ...     )
    >>> unreadable.rows.tolist(), unreadable.reasons[0]
    ([0], "path '/no/such/file.png': file not found")
    """
    record = UnreadableItems()
    token = _CURRENT.set(record)
    try:
        yield record
    finally:
        _CURRENT.reset(token)


def report_unreadable(reasons, *, category=UserWarning) -> bool:
    """Hand unreadable rows to the active collector, if there is one.

    Extractors that replace unreadable items (``on_error="blank"``) call this
    once per ``transform`` with the positions they replaced; when it returns
    False (no collector), they warn as usual.

    Parameters
    ----------
    reasons : dict of int to str
        Position of each replaced row in the extractor's input, and what was
        wrong with it.
    category : type of Warning, default=UserWarning
        The warning the extractor issues when nobody collects.

    Returns
    -------
    collected : bool
        Whether a collector took the rows.
    """
    record = _CURRENT.get()
    if record is None:
        return False
    for position, reason in reasons.items():
        record.reasons.setdefault(int(position), str(reason))
    if record.category is None:
        record.category = category
    return True
