"""StackFusion's selection also weighs each expert alone as the classifier
(``allow_features=True``, the default): where a classifier fitted on the
experts' class scores does not generalise (whole groups held out, many
classes), the output is the chosen expert's input features, so the
classifier after the fusion is that expert."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, cross_val_score
from sklearn.pipeline import Pipeline

from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion.methods import StackFusion

IMAGE = [f"i{j}" for j in range(20)]
TEXT = [f"t{j}" for j in range(15)]


def _grouped(seed):
    """12 classes of 12 rows in groups of 3 rows with a shift of their own
    (the image block), and a text block of noise."""
    rng = np.random.RandomState(seed)
    n_classes, n = 12, 144
    y = np.arange(n) % n_classes
    groups = np.arange(n) // 3
    shift = 1.5 * rng.normal(size=(n // 3, 20))
    image = rng.normal(size=(n, 20)) + 2 * np.eye(n_classes, 20)[y] + shift[groups]
    text = rng.normal(size=(n, 15))
    return [image, text], y, groups


def _fitted(blocks, y, groups, **params):
    fusion = StackFusion(random_state=0, **params)
    fusion.set_modalities(["image", "text"], ["features", "features"])
    return fusion, fusion.fit_transform(blocks, y, groups=groups)


def test_an_expert_alone_is_chosen_when_it_beats_every_set_of_scores():
    blocks, y, groups = _grouped(1)
    fusion, Z = _fitted(blocks, y, groups)
    scores = fusion.selection_scores_
    sets = [s for s in scores if not s.endswith(" features")]
    assert len(sets) == 7
    assert scores["image features"] > max(scores[s] for s in sets)
    assert fusion.features_of_ == "image"
    assert fusion.selected_ == ["image"]
    # the output is what the image expert reads: its block over its norm
    np.testing.assert_allclose(Z, blocks[0] / fusion.scales_[0])
    np.testing.assert_allclose(fusion.transform(blocks), blocks[0] / fusion.scales_[0])
    names = fusion.get_feature_names_out(
        [[f"image__{c}" for c in IMAGE], [f"text__{c}" for c in TEXT]]
    )
    assert list(names) == [f"image__{c}" for c in IMAGE]


def test_the_joint_expert_alone_outputs_the_joint_block():
    blocks, y, groups = _grouped(2)
    fusion, Z = _fitted(blocks, y, groups)
    assert fusion.features_of_ == "joint"
    assert fusion.selected_ == ["joint"]
    expected = np.hstack([b / s for b, s in zip(blocks, fusion.scales_)])
    np.testing.assert_allclose(Z, expected)
    names = fusion.get_feature_names_out([IMAGE, TEXT])
    assert list(names) == IMAGE + TEXT


def test_allow_features_false_keeps_the_class_scores():
    blocks, y, groups = _grouped(1)
    fusion, Z = _fitted(blocks, y, groups, allow_features=False)
    assert fusion.features_of_ is None
    assert Z.shape == (144, 36)  # 12 class scores of image, text and joint
    assert not any(s.endswith(" features") for s in fusion.selection_scores_)


def test_an_expert_alone_must_beat_the_best_set_strictly():
    # two informative blocks that complement each other: the scores of both
    # beat each alone, and the output stays the scores
    rng = np.random.RandomState(0)
    y = np.arange(240) % 4
    a = rng.normal(size=(240, 4)) + 2.0 * np.eye(2, 4)[y % 2]
    b = rng.normal(size=(240, 4)) + 2.0 * np.eye(2, 4)[y // 2]
    fusion = StackFusion(joint=False, random_state=0)
    fusion.set_modalities(["a", "b"], ["features", "features"])
    Z = fusion.fit_transform([a, b], y)
    assert fusion.features_of_ is None
    assert fusion.selected_ == ["a", "b"]
    assert fusion.selection_scores_["a+b"] > fusion.selection_scores_["a features"]
    assert Z.shape == (240, 8)


def _pipe(allow_features):
    fusion = ModalityFusion(
        [("image", "passthrough", IMAGE), ("text", "passthrough", TEXT)],
        method=StackFusion(allow_features=allow_features, random_state=0),
    )
    return Pipeline(
        [("fusion", fusion), ("classifier", LogisticRegression(C=10, max_iter=3000))]
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_with_grouped_folds_the_fused_model_holds_the_informative_modality(seed):
    """Outer folds and the stacking's internal folds kept to groups: the
    classifier fitted on class scores of many classes learns the groups'
    own confusions (0.13 and 0.16 with seeds 1 and 2, where the image block
    alone reaches 0.17 and 0.16); choosing an expert alone keeps the fused
    model level with the image block or above it (0.21 and 0.21)."""
    blocks, y, groups = _grouped(seed)
    X = pd.DataFrame(np.hstack(blocks), columns=IMAGE + TEXT)
    cv = StratifiedGroupKFold(4, shuffle=True, random_state=0)
    image_only = cross_val_score(
        LogisticRegression(C=10, max_iter=3000), X[IMAGE], y, cv=cv, groups=groups
    ).mean()
    params = {"fusion__groups": groups}
    fused = cross_val_score(
        _pipe(True), X, y, cv=cv, groups=groups, params=params
    ).mean()
    assert fused >= image_only - 0.01
    if seed:
        scores_only = cross_val_score(
            _pipe(False), X, y, cv=cv, groups=groups, params=params
        ).mean()
        assert scores_only < fused - 0.03


def test_the_fused_names_and_layout_follow_the_chosen_expert():
    from skmultimodal.fusion import get_block_layout

    blocks, y, groups = _grouped(1)
    X = pd.DataFrame(np.hstack(blocks), columns=IMAGE + TEXT)
    fusion = _pipe(True).named_steps["fusion"].set_output(transform="pandas")
    Z = fusion.fit_transform(X, y, groups=groups)
    assert fusion.method_.features_of_ == "image"
    assert list(Z.columns) == IMAGE
    assert get_block_layout(Z).names == ["image"]


def test_a_model_saved_before_allow_features_outputs_scores():
    blocks, y, groups = _grouped(1)
    fusion, _ = _fitted(blocks, y, groups, allow_features=False)
    expected = fusion.transform(blocks)
    state = fusion.__getstate__()
    for key in ("allow_features", "features_of_"):
        state.pop(key)  # as pickled before the parameter existed
    old = StackFusion.__new__(StackFusion)
    old.__setstate__(state)
    assert old.get_params()["allow_features"] is False
    back = pickle.loads(pickle.dumps(old))
    np.testing.assert_array_equal(back.transform(blocks), expected)


def test_sample_weights_weigh_an_expert_alone():
    blocks, y, groups = _grouped(1)
    plain, _ = _fitted(blocks, y, groups)
    weights = np.where(y < 3, 5.0, 1.0)
    weighted = StackFusion(random_state=0)
    weighted.set_modalities(["image", "text"], ["features", "features"])
    weighted.fit_transform(blocks, y, sample_weight=weights, groups=groups)
    key = "image features"
    assert weighted.selection_scores_[key] != plain.selection_scores_[key]


def test_allow_features_must_be_a_bool():
    blocks, y, groups = _grouped(1)
    with pytest.raises(ValueError, match="'allow_features' parameter"):
        StackFusion(allow_features="yes").fit(blocks, y)
