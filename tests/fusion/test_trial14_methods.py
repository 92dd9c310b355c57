"""Class-score fusion methods: nullable multi-label targets, labels too
rare or too common for the internal folds, and a given ``cv`` whose
training rows miss a class."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import KFold, StratifiedGroupKFold, StratifiedKFold

from skmultimodal.fusion.methods import (
    LateFusion,
    ProductFusion,
    StackFusion,
)


def _blocks(y, n=60, seed=0):
    rng = np.random.RandomState(seed)
    signal = np.asarray(y, dtype=float).reshape(n, -1)
    return [signal + rng.normal(size=signal.shape), rng.normal(size=(n, 3))]


def _multilabel(n=60, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(3, size=n)
    return pd.DataFrame(
        np.stack([(y == 0) | (y == 1), y == 0, y == 2], axis=1).astype(int),
        columns=["red", "round", "sale"],
    )


def _fit(method, blocks, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Z = method.fit_transform(blocks, y)
    return Z, caught


@pytest.mark.parametrize("dtype", ["Int64", "boolean"])
@pytest.mark.parametrize("Method", [StackFusion, LateFusion])
def test_nullable_multilabel_dataframe_fits_as_ints(Method, dtype):
    Y = _multilabel()
    blocks = _blocks(Y)
    expected = Method(random_state=0).fit_transform(blocks, Y)
    Z = Method(random_state=0).fit_transform(blocks, Y.astype(dtype))
    np.testing.assert_allclose(Z, expected)


@pytest.mark.parametrize("Method", [StackFusion, LateFusion])
def test_rare_and_common_labels_warn_once_by_name(Method):
    Y = _multilabel()
    Y["red"] = (np.arange(60) > 0).astype(int)  # 59 of 60 rows
    Y["sale"] = (np.arange(60) < 2).astype(int)  # 2 of 60 rows
    _, caught = _fit(Method(cv=3, random_state=0), _blocks(Y), Y)
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "present in all training examples" in m]
    ours = [w for w in caught if "internal fold" in str(w.message)]
    assert len(ours) == 1, messages
    text = str(ours[0].message)
    assert "label 2 ('sale'), in 2 of 60 rows" in text
    assert "no row with it" in text
    assert "label 0 ('red'), in 59 of 60 rows" in text
    assert "no row without it" in text
    assert "label 1 " not in text
    assert ours[0].filename == __file__  # points at the caller


def test_rare_label_of_an_array_named_by_position():
    Y = _multilabel().to_numpy(copy=True)
    Y[:, 2] = np.arange(60) < 2
    _, caught = _fit(StackFusion(cv=KFold(3)), _blocks(Y), Y)
    ours = [str(w.message) for w in caught if "internal fold" in str(w.message)]
    assert len(ours) == 1
    assert "label 2, in 2 of 60 rows: internal fold 0 trains on no row with" in ours[0]


def test_well_spread_labels_do_not_warn():
    Y = _multilabel()
    _, caught = _fit(StackFusion(cv=3, random_state=0), _blocks(Y), Y)
    assert not [w for w in caught if "internal fold" in str(w.message)]


def _ordered_three_classes(n=90):
    y = np.repeat([0, 1, 2], n // 3)  # rows ordered by class
    rng = np.random.RandomState(0)
    blocks = [
        y[:, None] + rng.normal(size=(n, 2)),
        rng.normal(size=(n, 3)),
    ]
    return blocks, y


@pytest.mark.parametrize("Method", [StackFusion, ProductFusion, LateFusion])
def test_given_cv_missing_a_class_warns_once(Method):
    blocks, y = _ordered_three_classes()
    _, caught = _fit(Method(cv=KFold(3)), blocks, y)
    ours = [w for w in caught if "internal fold" in str(w.message)]
    assert len(ours) == 1, [str(w.message) for w in caught]
    text = str(ours[0].message)
    assert "internal fold 2 trains on no row of class 2" in text
    assert "internal fold 0 trains on no row of class 0" in text
    assert "StratifiedKFold" in text and "shuffle=True" in text
    assert ours[0].filename == __file__


@pytest.mark.parametrize(
    "cv", [3, StratifiedKFold(3, shuffle=True, random_state=0)], ids=["int", "strat"]
)
def test_cv_holding_every_class_does_not_warn(cv):
    blocks, y = _ordered_three_classes()
    _, caught = _fit(StackFusion(cv=cv, random_state=0), blocks, y)
    assert not [w for w in caught if "internal fold" in str(w.message)]


def test_group_splitter_missing_a_class_suggests_groups_not_stratified_kfold():
    blocks, y = _ordered_three_classes()
    groups = np.repeat([0, 1, 2], 30)  # each class lives in one group
    method = StackFusion(cv=StratifiedGroupKFold(3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        method.fit_transform(blocks, y, groups=groups)
    ours = [str(w.message) for w in caught if "internal fold" in str(w.message)]
    assert len(ours) == 1
    assert "internal fold 1 trains on no row of class 1" in ours[0]
    assert "groups that spread each class" in ours[0]
    assert "StratifiedKFold(" not in ours[0]
