import importlib.util
import socket

import numpy as np
import pandas as pd
import pytest

from skmultimodal.datasets import load_icons
from skmultimodal.image import HOGFeatures


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("load_icons must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_shape_classes_and_columns(no_network):
    bunch = load_icons()
    X, y = bunch.data, bunch.target
    assert isinstance(X, pd.DataFrame) and list(X.columns) == ["image", "text"]
    assert len(X) == len(y) == len(bunch.groups) >= 200
    assert y.name == "category" and bunch.groups.name == "stem"
    counts = y.value_counts()
    assert len(counts) >= 5 and counts.min() >= 20
    assert bunch.target_names == sorted(set(y))
    assert bunch.feature_names == ["image", "text"]
    assert "CC BY 4.0" in bunch.DESCR and "Font Awesome" in bunch.DESCR


def test_images_are_64x64_rgb_glyphs():
    X = load_icons().data
    for image in X["image"]:
        assert isinstance(image, np.ndarray)
        assert image.shape == (64, 64, 3) and image.dtype == np.uint8
        assert image.min() < 128  # some ink
        assert (image[0] == 255).all() and (image[:, 0] == 255).all()  # margin
        # monochrome: black on white, grey only from anti-aliasing
        assert (image[..., 0] == image[..., 1]).all()
        assert (image[..., 0] == image[..., 2]).all()


def test_texts_are_lower_case_non_empty_strings():
    X = load_icons().data
    assert all(isinstance(t, str) and t.strip() and t == t.lower() for t in X["text"])


def test_groups_are_name_stems():
    bunch = load_icons()
    groups = bunch.groups
    assert groups.notna().all() and all("-" not in g for g in groups)
    assert 5 < groups.nunique() < len(groups)
    # arrow icons ("arrow-down", "arrow-up", ...) share one group
    assert (groups == "arrow").sum() > 5
    assert set(bunch.target[groups == "arrow"]) == {"Arrows"}


def test_order_is_deterministic_and_sorted_by_category():
    a, b = load_icons(), load_icons()
    assert a.data["text"].equals(b.data["text"]) and a.target.equals(b.target)
    assert all(np.array_equal(p, q) for p, q in zip(a.data["image"], b.data["image"]))
    assert a.target.is_monotonic_increasing


def test_return_X_y():
    X, y = load_icons(return_X_y=True)
    bunch = load_icons()
    assert X["text"].equals(bunch.data["text"]) and y.equals(bunch.target)


def test_returned_images_are_independent_copies():
    X, _ = load_icons(return_X_y=True)
    X["image"][0][:] = 0
    X.loc[0, "text"] = "changed"
    again = load_icons().data
    assert again["image"][0].max() == 255 and again.loc[0, "text"] != "changed"


def test_hog_features_on_a_few_rows():
    X, _ = load_icons(return_X_y=True)
    features = HOGFeatures().fit_transform(X["image"].iloc[:8])
    features = np.asarray(features)
    assert features.shape[0] == 8 and features.shape[1] > 0
    assert np.isfinite(features).all() and features.std() > 0


@pytest.fixture
def no_fontawesome(monkeypatch):
    """``fontawesomefree`` looks uninstalled."""
    find_spec = importlib.util.find_spec

    def without(name, *args, **kwargs):
        if name == "fontawesomefree":
            return None
        return find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", without)


def test_missing_package_raises_import_error(no_fontawesome):
    with pytest.raises(ImportError, match=r'pip install "skmultimodal\[icons\]"'):
        load_icons()


def test_cli_lists_icons_and_evaluates_with_groups():
    from skmultimodal import cli
    from skmultimodal.datasets._bundled import bundled_datasets, load_bundled

    rows = {r["name"]: r for r in bundled_datasets()}
    bunch = load_icons()
    assert rows["icons"]["n_samples"] == len(bunch.target)
    assert rows["icons"]["n_classes"] == len(bunch.target_names)
    X, y, groups = load_bundled("icons")
    assert groups is not None and groups.equals(bunch.groups)
    args = cli.build_parser().parse_args(["evaluate", "--dataset", "icons"])
    assert args.dataset == "icons"


@pytest.mark.parametrize("value", ["no", "yes", 0, 1, None])
def test_non_bool_return_X_y_is_refused_before_the_packages(no_fontawesome, value):
    """Checked first: the parameter's error, even without fontawesomefree."""
    with pytest.raises(ValueError, match="'return_X_y' parameter of load_icons"):
        load_icons(return_X_y=value)
