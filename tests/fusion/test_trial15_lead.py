"""An int internal ``cv`` with ``groups``: a class kept in few groups is
named, as a given splitter's would be, and a rare class is named once."""

import warnings

import numpy as np
import pytest

from skmultimodal.fusion.methods import ProductFusion, StackFusion


def _fit(method, blocks, y, groups):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Z = method.fit_transform(blocks, y, groups=groups)
    return Z, [str(w.message) for w in caught if "internal fold" in str(w.message)]


def _data(n_rare=10):
    y = np.repeat([0, 1, 2], [25, 25, n_rare])
    rng = np.random.RandomState(0)
    blocks = [y[:, None] + rng.normal(size=(len(y), 2)), rng.normal(size=(len(y), 3))]
    return blocks, y


@pytest.mark.parametrize("Method", [StackFusion, ProductFusion])
def test_int_cv_class_in_one_group_warns_once(Method):
    blocks, y = _data()
    groups = np.r_[np.arange(25) % 5, 5 + np.arange(25) % 5, np.full(10, 10)]
    Z, ours = _fit(Method(cv=3, random_state=0), blocks, y, groups)
    assert len(ours) == 1, ours
    assert "trains on no row of class 2" in ours[0]
    assert "groups that spread each class over more of them" in ours[0]
    assert "StratifiedKFold(" not in ours[0]


def test_int_cv_groups_spreading_every_class_do_not_warn():
    blocks, y = _data()
    groups = np.arange(len(y)) % 6  # every class in every group
    _, ours = _fit(StackFusion(cv=3, random_state=0), blocks, y, groups)
    assert ours == []


def test_int_cv_rare_class_with_groups_is_named_once():
    blocks, y = _data(n_rare=1)  # fewer rows than the 2 folds it allows
    groups = np.r_[np.arange(25) % 5, 5 + np.arange(25) % 5, [10]]
    _, ours = _fit(StackFusion(cv=3, random_state=0), blocks, y, groups)
    assert len(ours) == 1, ours
    assert "fewer rows than the 2 internal folds" in ours[0]
