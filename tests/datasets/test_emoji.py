import os
import socket

import numpy as np
import pandas as pd
import pytest

from skmultimodal.datasets import load_emoji


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("load_emoji must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_shape_classes_and_columns(no_network):
    bunch = load_emoji()
    X, y = bunch.data, bunch.target
    assert isinstance(X, pd.DataFrame) and list(X.columns) == ["image", "text"]
    assert len(X) == len(y) == len(bunch.groups) == 1884
    assert y.nunique() == 9 and "Component" not in set(y)
    assert bunch.target_names == sorted(set(y))
    assert "CC-BY 4.0" in bunch.DESCR and "flag" in bunch.DESCR.lower()


def test_paths_exist_and_are_png():
    X = load_emoji().data
    assert all(os.path.isabs(p) and p.endswith(".png") for p in X["image"])
    assert all(os.path.isfile(p) for p in X["image"])


def test_texts_are_lower_case_names():
    X = load_emoji().data
    assert all(isinstance(t, str) and t and t == t.lower() for t in X["text"])
    assert "grinning face" in X["text"].iloc[0]


def test_groups_are_subcategories_nested_in_categories():
    bunch = load_emoji()
    pairs = pd.DataFrame({"g": bunch.groups, "y": bunch.target}).drop_duplicates()
    assert bunch.groups.notna().all()
    assert pairs["g"].is_unique  # each subcategory lies in one category
    assert bunch.groups.nunique() > 9


def test_return_X_y():
    X, y = load_emoji(return_X_y=True)
    bunch = load_emoji()
    assert X.equals(bunch.data) and y.equals(bunch.target)


def test_exclude_flags_drops_only_flags():
    full = load_emoji()
    X, y = load_emoji(return_X_y=True, exclude_flags=True)
    assert "Flags" in set(full.target) and "Flags" not in set(y)
    assert len(X) == (full.target != "Flags").sum()
    assert y.nunique() == 8


def test_returned_frames_are_independent_copies():
    X, _ = load_emoji(return_X_y=True)
    X.loc[0, "text"] = "changed"
    assert load_emoji().data.loc[0, "text"] != "changed"


@pytest.mark.parametrize("param", ["return_X_y", "exclude_flags"])
@pytest.mark.parametrize("value", ["no", "yes", 0, 1, None])
def test_non_bool_flags_are_refused_naming_the_parameter(param, value):
    """A string such as "no" would be truthy: refused, never taken as True."""
    with pytest.raises(ValueError, match=f"'{param}' parameter of load_emoji"):
        load_emoji(**{param: value})


def test_numpy_bools_are_bools():
    X, y = load_emoji(return_X_y=np.True_, exclude_flags=np.True_)
    assert "Flags" not in set(y) and len(X) == len(y)
