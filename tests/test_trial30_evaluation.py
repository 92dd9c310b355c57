"""Evaluation as a library: compare_models' argument errors that named no
parameter, and a report folder whose file cannot be replaced."""

import os

import pytest
from sklearn.model_selection import GroupKFold

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.model_selection import compare_models
from skmultimodal.utils._io import replace_files


@pytest.fixture(scope="module")
def data():
    return make_multimodal_classification(n_samples=60, random_state=0)


def _broken():
    """A model whose fit fails: an error from it means fitting started."""
    return make_multimodal_pipeline(image=None, text="no such column")


def test_a_score_named_twice_is_refused_before_any_fit(data):
    X, y = data
    with pytest.raises(ValueError) as info:
        compare_models({"m": _broken()}, X, y, cv=3, scoring=["accuracy", "accuracy"])
    assert str(info.value) == (
        "scoring lists 'accuracy' twice: name each score once (or use a dict to "
        "score one metric under two names)"
    )


def test_no_x_names_x(data):
    _, y = data
    with pytest.raises(TypeError, match="^compare_models: X must be the rows"):
        compare_models({"m": _broken()}, None, y, cv=3)


def test_cv_given_as_text_names_cv(data):
    X, y = data
    with pytest.raises(TypeError) as info:
        compare_models({"m": _broken()}, X, y, cv="3")
    assert str(info.value).endswith("got the str '3'")


def test_a_group_splitter_without_groups_names_groups(data):
    X, y = data
    with pytest.raises(ValueError) as info:
        compare_models({"m": _broken()}, X, y, cv=GroupKFold(3))
    assert str(info.value) == (
        "compare_models: cv=GroupKFold(n_splits=3, random_state=None, "
        "shuffle=False) splits by groups: pass groups=, the group of each row"
    )


def test_a_folder_in_a_files_place_replaces_nothing_and_leaves_no_temporary(
    tmp_path,
):
    replace_files(tmp_path, {"a.txt": "old a", "b.txt": "old b"})
    os.remove(tmp_path / "b.txt")
    os.mkdir(tmp_path / "b.txt")
    with pytest.raises(IsADirectoryError) as info:
        replace_files(tmp_path, {"a.txt": "new a", "b.txt": "new b"})
    assert str(info.value).endswith(
        f"cannot write {str(tmp_path / 'b.txt')!r}: it is a folder; remove or "
        "rename it (nothing in the folder was replaced)"
    )
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt"]  # no temporary
    assert (tmp_path / "a.txt").read_text() == "old a"


def test_a_rename_that_fails_names_what_was_replaced(tmp_path, monkeypatch):
    real = os.replace

    def refuse_b(src, dst):
        if str(dst).endswith("b.txt"):
            raise PermissionError(13, "Permission denied")
        real(src, dst)

    monkeypatch.setattr(os, "replace", refuse_b)
    with pytest.raises(OSError) as info:
        replace_files(tmp_path, {"a.txt": "new a", "b.txt": "new b", "c.txt": "c"})
    assert str(info.value).endswith(
        f"cannot write {str(tmp_path / 'b.txt')!r}: Permission denied (already "
        "replaced: a.txt; the others are left as they were)"
    )
    assert sorted(os.listdir(tmp_path)) == ["a.txt"]  # no temporary left


def test_fit_params_reach_each_fold_as_cross_validate_gives_them(data):
    import numpy as np
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold, cross_validate

    X, y = data
    model = make_multimodal_pipeline(image=None, text_features="tfidf")
    w = np.where(np.arange(len(y)) % 3 == 0, 5.0, 0.2)
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    params = {"classifier__sample_weight": w}
    result = compare_models({"m": model}, X, y, cv=splits, params=params)
    plain = compare_models({"m": model}, X, y, cv=splits)
    expected = cross_validate(clone(model), X, y, cv=splits, params=params)
    assert result.models["m"].accuracy_folds == list(expected["test_score"])
    # the weights change the fits (the comparison is not vacuous)
    coef = [e[-1].coef_ for e in result.models["m"].estimators]
    plain_coef = [e[-1].coef_ for e in plain.models["m"].estimators]
    assert not all(np.allclose(a, b) for a, b in zip(coef, plain_coef))
    assert params["classifier__sample_weight"] is w  # left as given


def test_fit_params_that_groups_gives_already_are_refused(data):
    import numpy as np

    X, y = data
    groups = np.arange(len(y)) % 6
    model = make_multimodal_pipeline(image=None, text_features="tfidf")
    with pytest.raises(ValueError) as info:
        compare_models(
            {"m": model}, X, y, cv=3, groups=groups, params={"fusion__groups": groups}
        )
    assert str(info.value).startswith(
        "compare_models: params gives 'fusion__groups' to models['m'], which "
        "groups= gives already"
    )


def test_a_nan_score_is_named_with_its_folds(data):
    X, y = data
    model = make_multimodal_pipeline(image=None, text_features="tfidf")

    def half_nan(est, X_test, y_test):
        return float("nan") if len(X_test) > 30 else 1.0

    rows = list(range(len(y)))
    splits = [(rows[20:], rows[:20]), (rows[:20], rows[20:])]
    with pytest.warns(UserWarning) as record:
        result = compare_models({"m": model}, X, y, cv=splits, scoring=half_nan)
    (message,) = [str(w.message) for w in record if "NaN" in str(w.message)]
    assert message == (
        "models['m']: the score 'score' is NaN on fold(s) 2 of 2: its mean is "
        "NaN, and the model is not ranked by it"
    )
    assert result.models["m"].score_folds[0] == 1.0
