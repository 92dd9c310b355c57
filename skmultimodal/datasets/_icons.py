"""The bundled icons dataset: Font Awesome Free glyphs with their search terms."""

from __future__ import annotations

import importlib.util
from collections import Counter
from functools import lru_cache
from pathlib import Path

from sklearn.utils._param_validation import validate_params

from ..utils._errors import MissingExtraError, install_hint
from ._base import image_text_bunch

DESCR = """\
Font Awesome icons image+text dataset
-------------------------------------

One row per solid-style icon of Font Awesome Free (as shipped by the
``fontawesomefree`` package) that belongs to exactly one category of its
``categories.yml``; only categories with at least 20 such icons are kept.
Rows are sorted by category, then icon name.

- ``data["image"]``: the glyph of the ``fa-solid-900.ttf`` font, black on
  white, scaled to fit a 56x56 box and centred on a 64x64 canvas, as a
  ``(64, 64, 3)`` uint8 RGB array. The images are a weak signal: monochrome
  pictograms without colour or texture, drawn in one style for all classes.
- ``data["text"]``: the icon's search terms (``icons.yml``), lower case,
  joined by spaces, e.g. ``"angry angry face disapprove emoticon face mad
  upset"``; the icon's name is not included. (An icon without search terms
  would get the words of its label; today every kept icon has terms.)
- ``target``: the category label (6 classes: Alphabet, Arrows, Emoji,
  Medical + Health, Money, Text Formatting).
- ``groups``: the icon name's stem before the first "-" (``arrow-down`` ->
  ``arrow``), for grouped cross-validation: near-duplicate icons share a
  stem. ``skmultimodal evaluate --dataset icons`` uses grouped folds.

Leak warning: the search terms were written for search, not for this task,
and many name their category or a near synonym: 19 of the 28 "Medical +
Health" texts contain "medical" or "health", 8 of the 84 "Arrows" texts
"arrows" (42 "arrow"), 14 of the 31 "Text Formatting" texts "text", 5 of the
39 "Money" texts "money" (35 "currency"), every "Alphabet" text "letter" and
every "Emoji" text "emoticon" and "face". Text models are therefore much
stronger than image models here.

Group caveat: all 31 "Emoji" icons are named ``face-...`` and share the stem
``face``, so under grouped cross-validation the Emoji class lies in a single
test fold and never in that fold's training data: grouped accuracy cannot
exceed 208/239 (about 0.87).

With today's packages (fontawesomefree 6.6.0): 239 rows and 6 classes
(Alphabet 26, Arrows 84, Emoji 31, Medical + Health 28, Money 39, Text
Formatting 31).

Font Awesome Free by Fonticons, Inc. (https://fontawesome.com/license/free):
icons licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/),
fonts licensed SIL OFL 1.1.
"""

_INSTALL_HINT = (
    'load_icons needs the "fontawesomefree" and "pyyaml" packages; install '
    f"them with: {install_hint('icons')}"
)

_MIN_PER_CLASS = 20
_IMAGE_SIZE = 64  # output canvas, pixels
_GLYPH_BOX = 56  # the glyph is scaled to fit this box (4-pixel white margin)
_FONT_SIZE = 192  # rendering size before scaling down


def _static_dir() -> Path:
    spec = importlib.util.find_spec("fontawesomefree")
    if spec is None or spec.origin is None:
        raise MissingExtraError(_INSTALL_HINT)
    return Path(spec.origin).resolve().parent / "static" / "fontawesomefree"


def _read_yaml(path: Path):
    try:
        import yaml
    except ImportError as exc:
        raise MissingExtraError(_INSTALL_HINT) from exc
    # BaseLoader keeps every scalar a string (no "yes" -> True, "1" -> 1).
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


def _text_of(record: dict) -> str:
    terms = (record.get("search") or {}).get("terms") or []
    words = [str(t).strip() for t in terms]
    words = [w for w in words if w] or [str(record.get("label") or "")]
    return " ".join(words).lower()


def _render(font, char: str):
    import numpy as np
    from PIL import Image, ImageChops, ImageDraw

    big = 2 * _FONT_SIZE
    canvas = Image.new("L", (big, big), 255)
    ImageDraw.Draw(canvas).text(
        (big // 2, big // 2), char, font=font, fill=0, anchor="mm"
    )
    bbox = ImageChops.invert(canvas).getbbox()
    out = Image.new("L", (_IMAGE_SIZE, _IMAGE_SIZE), 255)
    if bbox is not None:
        glyph = canvas.crop(bbox)
        scale = _GLYPH_BOX / max(glyph.size)
        w = max(1, round(glyph.width * scale))
        h = max(1, round(glyph.height * scale))
        glyph = glyph.resize((w, h), Image.Resampling.LANCZOS)
        out.paste(glyph, ((_IMAGE_SIZE - w) // 2, (_IMAGE_SIZE - h) // 2))
    image = np.asarray(out.convert("RGB"), dtype=np.uint8)
    image.setflags(write=False)  # cached: handed out as copies
    return image


@lru_cache(maxsize=2)
def _load_rows(static_dir: str):
    from PIL import ImageFont

    static = Path(static_dir)
    icons = _read_yaml(static / "metadata" / "icons.yml")
    categories = _read_yaml(static / "metadata" / "categories.yml")

    membership: dict[str, list[str]] = {}
    for category in categories.values():
        for name in category.get("icons") or []:
            membership.setdefault(str(name), []).append(str(category["label"]))
    chosen = []
    for name, record in icons.items():
        name = str(name)
        labels = membership.get(name, [])
        if "solid" in (record.get("styles") or []) and len(labels) == 1:
            chosen.append((labels[0], name, record))
    counts = Counter(label for label, _, _ in chosen)
    chosen = sorted(
        (label, name, record)
        for label, name, record in chosen
        if counts[label] >= _MIN_PER_CLASS
    )

    font = ImageFont.truetype(str(static / "webfonts" / "fa-solid-900.ttf"), _FONT_SIZE)
    rows = []
    for label, name, record in chosen:
        image = _render(font, chr(int(record["unicode"], 16)))
        rows.append((image, _text_of(record), label, name.split("-")[0]))
    return tuple(rows)


@validate_params({"return_X_y": ["boolean"]}, prefer_skip_nested_validation=True)
def load_icons(*, return_X_y=False):
    """Load the Font Awesome icons image+text classification dataset.

    Images are the glyphs of the Font Awesome Free solid font rendered as
    64x64 RGB arrays, texts the icons' search terms; both come from the
    ``fontawesomefree`` package, nothing is downloaded.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (DataFrame with columns ``image``: ``(64, 64, 3)`` uint8
        array, ``text``: str), ``target`` (Series of category names),
        ``groups`` (Series of name stems, for grouped cross-validation),
        ``target_names``, ``feature_names``, ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    ImportError
        If ``fontawesomefree`` or ``pyyaml`` is not installed
        (``pip install "skmultimodal[icons]"``).
    ValueError
        When ``return_X_y`` is not a bool (checked before the packages are
        looked for); the message names the parameter.

    See Also
    --------
    load_emoji : a larger real image+text dataset.

    Notes
    -----
    Font Awesome Free by Fonticons, Inc.: icons licensed CC BY 4.0, fonts
    SIL OFL 1.1 (https://fontawesome.com/license/free). See ``DESCR`` for the
    category words in the search terms and for the "Emoji" class, whose
    icons all share one group.

    Examples
    --------
    >>> from skmultimodal.datasets import load_icons
    >>> X, y = load_icons(return_X_y=True)
    >>> list(X.columns), X["image"][0].shape, X["image"][0].dtype
    (['image', 'text'], (64, 64, 3), dtype('uint8'))
    """
    import numpy as np
    import pandas as pd

    rows = _load_rows(str(_static_dir()))
    images = np.empty(len(rows), dtype=object)
    images[:] = [r[0].copy() for r in rows]
    target = pd.Series([r[2] for r in rows], name="category")
    groups = pd.Series([r[3] for r in rows], name="stem")
    return image_text_bunch(
        images, [r[1] for r in rows], target, groups, DESCR, return_X_y
    )
