"""write_example_catalogue: the CSV and photos it writes, its seed, its
empty cells, its two photo styles and its parameter checks."""

import numpy as np
import pandas as pd
import pytest

from skmultimodal.datasets import write_example_catalogue
from skmultimodal.image import ImageReader

COLUMNS = ["sku", "image", "title", "price", "brand", "category"]


def _photos(folder, table):
    return ImageReader().fit_transform([str(folder / p) for p in table["image"]])


def test_writes_a_csv_of_products_with_relative_photo_paths(tmp_path):
    path = write_example_catalogue(tmp_path / "shop", n_per_class=5, image_size=24)
    assert path == tmp_path / "shop" / "catalogue.csv"
    table = pd.read_csv(path)
    assert table.columns.tolist() == COLUMNS
    assert table["category"].value_counts().to_dict() == {
        "books": 5,
        "lamps": 5,
        "mugs": 5,
        "plants": 5,
    }
    # random order, not sorted by category
    assert table["category"].tolist() != sorted(table["category"])
    assert table["sku"].is_unique and table["sku"].str.fullmatch(r"SKU-\d{6}").all()
    assert table["image"].str.startswith("images/catalogue/").all()
    photos = _photos(tmp_path / "shop", table)
    assert all(p.shape == (24, 24, 3) and p.dtype == np.uint8 for p in photos)
    assert table["title"].str.len().gt(0).all()
    # no temporary file left behind
    assert not list((tmp_path / "shop").rglob("*.tmp"))


def test_the_price_depends_on_the_category(tmp_path):
    # medians per category 14 / 45 / 11 / 22: lamps cost the most, mugs least
    table = pd.read_csv(write_example_catalogue(tmp_path, n_per_class=40))
    medians = table.groupby("category")["price"].median()
    assert medians.idxmax() == "lamps" and medians.idxmin() == "mugs"
    assert ((table["price"].dropna() * 100).round() % 100 == 99).all()


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    a = write_example_catalogue(tmp_path / "a", n_per_class=3, random_state=7)
    b = write_example_catalogue(tmp_path / "b", n_per_class=3, random_state=7)
    c = write_example_catalogue(tmp_path / "c", n_per_class=3, random_state=8)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    table = pd.read_csv(a)
    for relative in table["image"]:
        assert (tmp_path / "a" / relative).read_bytes() == (
            tmp_path / "b" / relative
        ).read_bytes()


@pytest.mark.parametrize("missing", [0.0, 0.1, 0.5])
def test_missing_empties_price_and_brand_cells_never_both(tmp_path, missing):
    table = pd.read_csv(
        write_example_catalogue(tmp_path, n_per_class=10, missing=missing)
    )
    expected = round(missing * 40)
    assert table["price"].isna().sum() == expected
    assert table["brand"].isna().sum() == expected
    assert not (table["price"].isna() & table["brand"].isna()).any()
    assert table[["sku", "image", "title", "category"]].notna().all().all()


def test_phone_photos_differ_from_studio_photos(tmp_path):
    studio = pd.read_csv(write_example_catalogue(tmp_path, n_per_class=4))
    phone = pd.read_csv(
        write_example_catalogue(
            tmp_path, n_per_class=4, photo_style="phone", name="p.csv"
        )
    )
    assert phone["image"].str.startswith("images/p/").all()
    # both catalogues' photos are kept side by side
    assert len(list((tmp_path / "images").rglob("*.png"))) == 32

    def corners(table):
        photos = np.stack(_photos(tmp_path, table)).astype(float)
        return photos[:, [0, 0, -1, -1], [0, -1, 0, -1]].mean()

    # white studio backdrop; a darker table top on the phone
    assert corners(studio) > 230 and corners(phone) < 200


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_per_class": 0}, "n_per_class"),
        ({"image_size": 8}, "image_size"),
        ({"photo_style": "tv"}, "photo_style"),
        ({"missing": 0.6}, "missing"),
        ({"name": "catalogue.txt"}, "name must be a file name ending in .csv"),
        ({"name": "sub/catalogue.csv"}, "name must be a file name ending in .csv"),
    ],
)
def test_invalid_parameters_raise_clear_errors(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        write_example_catalogue(tmp_path, **kwargs)
    assert not (tmp_path / "catalogue.csv").exists()
