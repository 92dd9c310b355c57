"""write_example_catalogue: a small product catalogue on disk (CSV + PNG photos)."""

from __future__ import annotations

import os
from numbers import Real
from pathlib import Path

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from skmultimodal.utils._validation import Count

#: The categories, in the order the rows are generated before shuffling.
CATEGORIES = ("books", "lamps", "mugs", "plants")

# Median price per category; prices are log-normal around it, so the
# price says something about the category without settling it.
_PRICE = {"books": 14.0, "lamps": 45.0, "mugs": 11.0, "plants": 22.0}
_BRANDS = ("Alder & Co", "Brightside", "Casa Nova", "Dune", "Evergreen", "Folio")
# Probability of each brand of _BRANDS per category: each category has a
# house brand, and the general brands sell a bit of everything.
_BRAND_WEIGHTS = {
    "books": (0.05, 0.0, 0.2, 0.15, 0.0, 0.6),
    "lamps": (0.15, 0.55, 0.2, 0.1, 0.0, 0.0),
    "mugs": (0.45, 0.0, 0.3, 0.2, 0.05, 0.0),
    "plants": (0.15, 0.0, 0.1, 0.15, 0.6, 0.0),
}
_NOUNS = {
    "books": ("novel", "cookbook", "notebook", "hardcover", "paperback", "atlas"),
    "lamps": ("desk lamp", "floor lamp", "bedside lamp", "reading light"),
    "mugs": ("mug", "coffee mug", "tea cup", "travel mug", "espresso cup"),
    "plants": ("monstera", "succulent", "fern", "cactus", "bonsai", "ficus"),
}
_DESCRIPTIONS = {
    "books": ("illustrated", "pocket", "signed", "bestselling", "second edition"),
    "lamps": ("LED", "dimmable", "brass", "adjustable", "warm white"),
    "mugs": ("ceramic", "350 ml", "stoneware", "enamel", "dishwasher safe"),
    "plants": ("potted", "indoor", "low light", "live", "easy care"),
}
# Words any product title may carry; a vague title uses only these.
_GENERIC = ("classic", "modern", "vintage", "gift", "set of 2", "new", "home")
_COLOURS = {
    "black": (35, 35, 35),
    "blue": (40, 80, 170),
    "green": (40, 130, 60),
    "red": (180, 40, 40),
    "white": (225, 225, 215),
    "yellow": (225, 180, 40),
}
# The colours each category's products come in (by name, also in titles).
_PALETTE = {
    "books": ("red", "blue", "green", "black"),
    "lamps": ("yellow", "black", "white", "green"),
    "mugs": ("blue", "red", "white", "yellow"),
    "plants": ("green", "green", "green", "yellow"),
}


def _draw_product(category, colour, size, rng):
    """Draw one product (a few filled OpenCV shapes) on a transparent canvas;
    return the RGB drawing and its mask."""
    import cv2

    img = np.zeros((size, size, 3), np.uint8)
    mask = np.zeros((size, size), np.uint8)
    s = size * rng.uniform(0.8, 1.05)  # object scale
    cx = size / 2 + rng.uniform(-0.08, 0.08) * size
    cy = size / 2 + rng.uniform(-0.08, 0.08) * size
    col = tuple(
        int(v) for v in np.clip(np.add(_COLOURS[colour], rng.normal(0, 12, 3)), 0, 255)
    )
    aa = cv2.LINE_AA

    def poly(points, c):
        pts = np.round([(cx + x * s, cy + y * s) for x, y in points]).astype(np.int32)
        cv2.fillPoly(img, [pts], c, aa)
        cv2.fillPoly(mask, [pts], 255, aa)

    def circle(x, y, r, c, thickness=-1):
        centre = (round(cx + x * s), round(cy + y * s))
        radius = max(1, round(r * s))
        t = thickness if thickness < 0 else max(1, round(thickness * s))
        cv2.circle(img, centre, radius, c, t, aa)
        cv2.circle(mask, centre, radius, 255, t, aa)

    if category == "books":  # an upright book: cover and a pale title band
        w, h = rng.uniform(0.16, 0.22), rng.uniform(0.3, 0.38)
        poly([(-w, -h), (w, -h), (w, h), (-w, h)], col)
        band = rng.uniform(-0.15, 0.05)
        poly(
            [(-w, band), (w, band), (w, band + 0.08), (-w, band + 0.08)],
            (235, 225, 200),
        )
    elif category == "lamps":  # a shade on a stand, on a base
        top, bottom = rng.uniform(0.08, 0.14), rng.uniform(0.2, 0.26)
        poly([(-top, -0.38), (top, -0.38), (bottom, -0.1), (-bottom, -0.1)], col)
        poly([(-0.025, -0.1), (0.025, -0.1), (0.025, 0.3), (-0.025, 0.3)], (90, 90, 90))
        poly([(-0.15, 0.3), (0.15, 0.3), (0.15, 0.36), (-0.15, 0.36)], (90, 90, 90))
    elif category == "mugs":  # a body with a ring handle on the right
        w, h = rng.uniform(0.17, 0.22), rng.uniform(0.2, 0.26)
        circle(w + 0.02, 0.0, 0.1, col, thickness=0.05)
        poly([(-w, -h), (w, -h), (w, h), (-w, h)], col)
    else:  # plants: a terracotta pot and round leaves above it
        poly([(-0.18, 0.08), (0.18, 0.08), (0.13, 0.38), (-0.13, 0.38)], (185, 95, 55))
        for _ in range(int(rng.integers(3, 6))):
            shade = rng.uniform(0.75, 1.1)  # the leaves of a plant differ in shade
            leaf = tuple(int(v) for v in np.clip(np.multiply(col, shade), 0, 255))
            circle(
                rng.uniform(-0.15, 0.15),
                rng.uniform(-0.3, -0.02),
                rng.uniform(0.09, 0.15),
                leaf,
            )
    return img, mask


def _photo(category, colour, size, photo_style, rng):
    """One product photo, an RGB uint8 array, in the given style."""
    import cv2

    drawing, mask = _draw_product(category, colour, size, rng)
    if photo_style == "studio":  # white backdrop, even light, little noise
        background = np.full((size, size, 3), 250.0)
        noise, scale, shift, turn = 12.0, rng.uniform(0.75, 1.05), 0.08, 12
    else:  # "phone": a warm grey table top, light from one side, more noise
        tone = np.array([170.0, 160.0, 140.0]) + rng.normal(0, 10, 3)
        light = np.linspace(1.15, 0.75, size)[None, :, None]
        if rng.uniform() < 0.5:
            light = light[:, ::-1]
        background = tone * light * np.ones((size, size, 1))
        # a smaller, off-centre, tilted product, as in a hand-held shot
        noise, scale, shift, turn = 20.0, rng.uniform(0.6, 0.8), 0.14, 20
    # the product's pose: scaled, turned and moved about the centre
    affine = cv2.getRotationMatrix2D(
        (size / 2, size / 2), rng.uniform(-turn, turn), scale
    )
    affine[:, 2] += rng.uniform(-shift, shift, 2) * size
    drawing = cv2.warpAffine(drawing, affine, (size, size))
    mask = cv2.warpAffine(mask, affine, (size, size))
    alpha = mask[..., None] / 255.0
    img = background * (1 - alpha) + drawing * alpha
    img += rng.normal(0, noise, img.shape)
    if photo_style == "phone":
        img = cv2.GaussianBlur(img, (3, 3), 0.8)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def _title(category, colour, brand, rng):
    """A product title: descriptors, colour and noun of the category, now and
    then a word of another category, or a vague title of generic words."""
    generic = _GENERIC[rng.integers(len(_GENERIC))]
    if rng.uniform() < 0.2:  # vague: nothing that names the category
        words = [generic, colour, "gift" if generic != "gift" else "item"]
    else:
        words = [
            _DESCRIPTIONS[category][rng.integers(len(_DESCRIPTIONS[category]))],
            colour,
            _NOUNS[category][rng.integers(len(_NOUNS[category]))],
        ]
        if rng.uniform() < 0.25:  # a misleading word of another category
            other = [c for c in CATEGORIES if c != category][rng.integers(3)]
            words.insert(
                0, _DESCRIPTIONS[other][rng.integers(len(_DESCRIPTIONS[other]))]
            )
        if rng.uniform() < 0.5:
            words.append(generic)
    if rng.uniform() < 0.3:  # the brand in the title
        words.insert(0, brand)
    title = " ".join(words)
    return title[0].upper() + title[1:]


@validate_params(
    {
        "folder": [str, os.PathLike],
        "n_per_class": [Count(1, None, closed="left")],
        "image_size": [Count(16, None, closed="left")],
        "photo_style": [StrOptions({"studio", "phone"})],
        "missing": [Interval(Real, 0, 0.5, closed="both")],
        "name": [str],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def write_example_catalogue(
    folder,
    *,
    n_per_class=15,
    image_size=40,
    photo_style="studio",
    missing=0.05,
    name="catalogue.csv",
    random_state=0,
):
    """Write a small example product catalogue: a CSV and its product photos.

    A stand-in for a shop's catalogue export, to follow the tutorial or try
    the command line without data of your own. Every product belongs to one
    of four categories, ``books``, ``lamps``, ``mugs`` and ``plants``, and
    each modality tells something about it without settling it:

    - the photo: a few filled shapes drawn with OpenCV (a book's cover and
      title band, a lamp's shade and stand, a mug's body and handle, a
      pot with round leaves), in one of the category's colours, with a
      random size, tilt and offset, and pixel noise;
    - the title: a descriptor, the colour and a noun of the category
      ("Dimmable black desk lamp"); a fifth of the titles are vague, made
      of generic words only ("Vintage green gift"), and a fifth carry a
      descriptor of another category too;
    - the price: log-normal around a median per category (books 14,
      lamps 45, mugs 11, plants 22), rounded to ``.99``;
    - the brand: each category sells mostly under one brand, and some
      brands sell in several categories.

    The CSV has the columns ``sku`` (a unique ``SKU-`` number), ``image``
    (the photo's path relative to the CSV's folder), ``title``, ``price``,
    ``brand`` and ``category`` (the label), one row per product in random
    order. A fraction ``missing`` of the ``price`` cells, and as many of the
    ``brand`` cells, are left empty, as in a real export (never both cells
    of one row).

    Parameters
    ----------
    folder : str or path-like
        Folder to write into; it is created if needed. The photos go to
        ``images/<name without .csv>/`` inside it, so catalogues of
        different names share a folder without overwriting each other's
        photos.
    n_per_class : int, default=15
        Products per category.
    image_size : int, default=40
        Height and width of the photos, in pixels (at least 16).
    photo_style : {"studio", "phone"}, default="studio"
        ``"studio"``: the product fills the frame on a white backdrop, with
        little noise. ``"phone"``: a smaller, off-centre product on a grey
        table top lit from one side, with more noise and a slight blur (a
        distribution shift for models trained on studio photos).
    missing : float in [0, 0.5], default=0.05
        Fraction of empty ``price`` cells, and of empty ``brand`` cells
        (never both in one row).
    name : str, default="catalogue.csv"
        File name of the CSV (it must end in ``.csv``).
    random_state : int, RandomState instance or None, default=0
        Seed: the same seed writes the same files.

    Returns
    -------
    path : pathlib.Path
        The CSV's path.

    Raises
    ------
    ValueError
        For parameters out of range, or a ``name`` that is not a plain
        ``.csv`` file name.

    See Also
    --------
    make_multimodal_classification : a synthetic image+text problem in
        memory.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from skmultimodal.datasets import write_example_catalogue
    >>> path = write_example_catalogue(tempfile.mkdtemp(), n_per_class=3)
    >>> catalogue = pd.read_csv(path)
    >>> catalogue.columns.tolist()
    ['sku', 'image', 'title', 'price', 'brand', 'category']
    >>> catalogue["category"].value_counts().sort_index().tolist()
    [3, 3, 3, 3]
    """
    import cv2
    import pandas as pd

    from skmultimodal.utils import atomic_write

    if Path(name).name != name or not name.endswith(".csv") or name == ".csv":
        raise ValueError(
            f"name must be a file name ending in .csv, without a folder; got {name!r}"
        )
    rng = np.random.default_rng(check_random_state(random_state).randint(2**31))
    folder = Path(folder)
    images = folder / "images" / Path(name).stem
    images.mkdir(parents=True, exist_ok=True)

    n = n_per_class * len(CATEGORIES)
    categories = np.repeat(CATEGORIES, n_per_class)[rng.permutation(n)]
    skus = rng.choice(900_000, size=n, replace=False) + 100_000
    rows = []
    for category, number in zip(categories, skus):
        sku = f"SKU-{number}"
        colour = _PALETTE[category][rng.integers(len(_PALETTE[category]))]
        brand = _BRANDS[rng.choice(len(_BRANDS), p=_BRAND_WEIGHTS[category])]
        price = _PRICE[category] * np.exp(rng.normal(0.0, 0.35))
        photo = _photo(category, colour, image_size, photo_style, rng)
        _, png = cv2.imencode(".png", cv2.cvtColor(photo, cv2.COLOR_RGB2BGR))
        relative = f"images/{Path(name).stem}/{sku}.png"
        with atomic_write(folder / relative, "wb") as fh:
            fh.write(png.tobytes())
        rows.append(
            {
                "sku": sku,
                "image": relative,
                "title": _title(category, colour, brand, rng),
                "price": max(round(price), 1) - 0.01,
                "brand": brand,
                "category": category,
            }
        )
    table = pd.DataFrame(rows)
    n_missing = round(missing * n)
    # never both cells of one row: a row keeps something of its table columns
    empty = rng.choice(n, size=2 * n_missing, replace=False)
    table.loc[empty[:n_missing], "price"] = np.nan
    table.loc[empty[n_missing:], "brand"] = None
    path = folder / name
    with atomic_write(path, "w", newline="") as fh:
        table.to_csv(fh, index=False)
    return path
