"""StackFusion's expert selection (``select="cv"``, the default): an expert
whose scores only add noise is left out, as zero columns, on the internal
folds; ``select=None`` keeps every expert."""

import numpy as np
import pytest

from skmultimodal.fusion.methods import StackFusion


def _blocks(n=240, n_classes=3, seed=0, noise_text=True):
    """An informative image block and a text block that is noise (or also
    informative)."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % n_classes
    image = rng.normal(size=(n, 6)) + 1.5 * np.eye(n_classes, 6)[y]
    if noise_text:
        text = rng.normal(size=(n, 30))
    else:
        text = rng.normal(size=(n, 6)) + 1.5 * np.eye(n_classes, 6)[(y + 1) % n_classes]
    return [image, text], y


def _fitted(blocks, y, **params):
    fusion = StackFusion(random_state=0, **params)
    fusion.set_modalities(["image", "text"], ["features", "features"])
    return fusion, fusion.fit_transform(blocks, y)


def _expected_choice(scores):
    """The set ``select="cv"`` keeps: the most accurate set of scores, the
    larger on a tie; or the first expert alone as the classifier
    (``"<expert> features"``) that beats it."""
    sets = {s: v for s, v in scores.items() if not s.endswith(" features")}
    best = max(sets, key=lambda s: (round(sets[s], 10), s.count("+")))
    alone = [s for s in scores if s.endswith(" features")]
    if alone:
        top = max(alone, key=lambda s: (round(scores[s], 10), -alone.index(s)))
        if round(scores[top], 10) > round(scores[best], 10):
            return top.removesuffix(" features")
    return best


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_most_accurate_set_is_kept_and_the_others_are_zero_columns(seed):
    blocks, y = _blocks(seed=seed)
    fusion, Z = _fitted(blocks, y, allow_features=False)
    scores = fusion.selection_scores_
    assert set(scores) == {
        "image+text+joint", "image+text", "image+joint", "text+joint",
        "image", "text", "joint",
    }  # fmt: skip
    assert "+".join(fusion.selected_) == _expected_choice(scores)
    assert scores["image"] > scores["text"] + 0.2  # the text is noise
    assert "image" in fusion.selected_
    names = list(fusion.get_feature_names_out([["a"] * 6, ["b"] * 30]))
    assert len(names) == Z.shape[1] == 9  # every expert's columns are kept
    kept = fusion.transform(blocks)
    for expert in ("image", "text", "joint"):
        cols = [i for i, name in enumerate(names) if name.startswith(f"{expert}__")]
        left_out = expert not in fusion.selected_
        assert (not Z[:, cols].any()) == left_out  # in fit_transform
        assert (not kept[:, cols].any()) == left_out  # and in transform


def test_select_none_keeps_every_expert():
    blocks, y = _blocks()
    fusion, Z = _fitted(blocks, y, select=None)
    assert fusion.selected_ == ["image", "text", "joint"]
    assert fusion.selection_scores_ is None
    assert np.all(Z.any(axis=0))  # no zero column
    chosen, Z_cv = _fitted(blocks, y, allow_features=False)
    for k, expert in enumerate(["image", "text", "joint"]):
        cols = slice(3 * k, 3 * k + 3)
        same = Z[:, cols] if expert in chosen.selected_ else 0 * Z[:, cols]
        np.testing.assert_allclose(Z_cv[:, cols], same)


@pytest.mark.slow
def test_on_emoji_with_its_text_shuffled_the_text_expert_is_left_out():
    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.datasets import load_emoji

    X, y = load_emoji(return_X_y=True)
    X = X.assign(
        text=X["text"].to_numpy()[np.random.RandomState(0).permutation(len(X))]
    )
    fusion = make_multimodal_pipeline(random_state=0).named_steps["fusion"]
    fusion.fit(X, y)
    assert fusion.method_.selected_ == ["image"]


def test_two_informative_experts_are_both_kept():
    blocks, y = _blocks(noise_text=False)
    fusion, _ = _fitted(blocks, y, joint=False)
    assert fusion.selected_ == ["image", "text"]


def test_on_a_tie_the_larger_set_is_kept():
    # the same block twice: every set that holds one scores alike
    rng = np.random.RandomState(0)
    y = np.arange(90) % 3
    block = rng.normal(size=(90, 4)) + 3 * np.eye(3, 4)[y]
    fusion = StackFusion(joint=False, random_state=0)
    fusion.set_modalities(["a", "b"], ["features", "features"])
    fusion.fit_transform([block, block.copy()], y)
    assert fusion.selection_scores_["a"] == fusion.selection_scores_["a+b"]
    assert fusion.selected_ == ["a", "b"]


def test_a_continuous_target_keeps_every_expert():
    blocks, y = _blocks()
    fusion, _ = _fitted(blocks, y.astype(float) + np.linspace(0, 0.5, len(y)))
    assert fusion.selected_ == ["image", "text", "joint"]
    assert fusion.selection_scores_ is None


def test_groups_give_the_selection_its_folds():
    blocks, y = _blocks()
    groups = np.arange(len(y)) // 4
    fusion = StackFusion(random_state=0)
    fusion.set_modalities(["image", "text"], ["features", "features"])
    fusion.fit_transform(blocks, y, groups=groups)
    plain, _ = _fitted(blocks, y)
    assert fusion.selection_scores_ != plain.selection_scores_  # other folds
    assert "+".join(fusion.selected_) == _expected_choice(fusion.selection_scores_)


def test_sample_weights_weigh_the_selection():
    blocks, y = _blocks()
    weights = np.where(y == 0, 3.0, 1.0)
    fusion, _ = _fitted(blocks, y)
    weighted = StackFusion(random_state=0)
    weighted.set_modalities(["image", "text"], ["features", "features"])
    weighted.fit_transform(blocks, y, sample_weight=weights)
    assert weighted.selection_scores_ != fusion.selection_scores_
    assert "+".join(weighted.selected_) == _expected_choice(weighted.selection_scores_)


def test_a_model_fitted_before_the_selection_keeps_every_expert():
    blocks, y = _blocks()
    fusion, _ = _fitted(blocks, y, select=None)
    expected = fusion.transform(blocks)
    del fusion.selected_, fusion.selection_scores_  # as a model saved before
    np.testing.assert_array_equal(fusion.transform(blocks), expected)


def test_select_is_a_searchable_parameter():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.datasets import make_multimodal_classification

    X, y = make_multimodal_classification(n_samples=90, random_state=0)
    pipe = make_multimodal_pipeline(
        image_features="pixels", method=StackFusion(), random_state=0
    )
    search = GridSearchCV(
        pipe, {"fusion__method__select": ["cv", None]}, cv=2, error_score="raise"
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 2
    with pytest.raises(ValueError, match="select"):
        StackFusion(select="all").fit([np.ones((6, 2))], np.arange(6) % 2)
    del make_pipeline, LogisticRegression


def test_a_model_saved_before_select_loads_with_every_expert_kept():
    import pickle

    blocks, y = _blocks()
    fusion, _ = _fitted(blocks, y, select=None)
    expected = fusion.transform(blocks)
    state = fusion.__getstate__()
    for key in ("select", "selected_", "selection_scores_"):
        state.pop(key)  # as pickled before the selection existed
    old = StackFusion.__new__(StackFusion)
    old.__setstate__(state)
    assert old.get_params()["select"] is None  # get_params, clone, repr work
    back = pickle.loads(pickle.dumps(old))
    np.testing.assert_array_equal(back.transform(blocks), expected)


def test_the_selection_scores_sets_with_a_logistic_regression_whatever_the_experts():
    """An expert estimator made for the raw blocks (20 of their columns kept)
    would fail on a set of 3 score columns: the sets are scored by the
    builder's classifier after the fusion instead."""
    from sklearn.feature_selection import SelectKBest
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    rng = np.random.RandomState(0)
    y = np.arange(240) % 3
    blocks = [rng.normal(size=(240, 40)) + np.eye(3, 40)[y], rng.normal(size=(240, 30))]
    expert = make_pipeline(SelectKBest(k=20), LogisticRegression())
    fusion = StackFusion(estimator=expert, random_state=0)
    fusion.set_modalities(["image", "text"], ["features", "features"])
    Z = fusion.fit_transform(blocks, y)
    assert Z.shape == (240, 9)
    assert "+".join(fusion.selected_) == _expected_choice(fusion.selection_scores_)
