"""Unit tests of the GMU fusion method (no ModalityFusion needed)."""

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import check_grad
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from skmultimodal_gmu import GatedMultimodalUnit, gmu_forward

from skmultimodal.utils.estimator_checks import parametrize_with_checks


def _synthetic(n=120, seed=0, informative=0):
    """Two blocks; only block ``informative`` carries the class."""
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 3, n)
    blocks = [rng.normal(size=(n, 6)), rng.normal(size=(n, 4))]
    centres = rng.normal(scale=2.0, size=(3, blocks[informative].shape[1]))
    blocks[informative] = blocks[informative] + centres[y]
    return blocks, y


def test_forward_two_modalities_matches_formula():
    rng = np.random.RandomState(1)
    x1, x2 = rng.normal(size=(3, 2)), rng.normal(size=(3, 1))
    w1, w2 = rng.normal(size=(2, 2)), rng.normal(size=(1, 2))
    b1, b2 = rng.normal(size=2), rng.normal(size=2)
    wz, bz = rng.normal(size=(3, 2)), rng.normal(size=2)
    h, gates, _ = gmu_forward([x1, x2], [w1, w2], [b1, b2], wz, bz)
    h1, h2 = np.tanh(x1 @ w1 + b1), np.tanh(x2 @ w2 + b2)
    z = 1.0 / (1.0 + np.exp(-(np.hstack([x1, x2]) @ wz + bz)))
    np.testing.assert_allclose(h, z * h1 + (1 - z) * h2)
    np.testing.assert_allclose(gates[:, 0], z)
    np.testing.assert_allclose(gates.sum(axis=1), 1.0)


def test_forward_three_modalities_softmax_gates():
    rng = np.random.RandomState(2)
    xs = [rng.normal(size=(4, d)) for d in (2, 3, 1)]
    ws = [rng.normal(size=(x.shape[1], 2)) for x in xs]
    bs = [rng.normal(size=2) for _ in xs]
    wz, bz = rng.normal(size=(6, 6)), rng.normal(size=6)
    h, gates, hidden = gmu_forward(xs, ws, bs, wz, bz)
    logits = (np.hstack(xs) @ wz + bz).reshape(4, 3, 2)
    z = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = sum(z[:, i] * np.tanh(xs[i] @ ws[i] + bs[i]) for i in range(3))
    np.testing.assert_allclose(h, expected)
    np.testing.assert_allclose(gates, z)


@pytest.mark.parametrize("n_blocks", [1, 2, 3])
def test_gradient_is_exact(n_blocks):
    rng = np.random.RandomState(n_blocks)
    xs = [rng.normal(size=(7, d)) for d in (3, 2, 2)[:n_blocks]]
    Y = np.eye(3)[rng.randint(0, 3, 7)]
    gmu = GatedMultimodalUnit(n_components=2, alpha=0.1)
    gmu.n_components_ = 2
    shapes = gmu._shapes([x.shape[1] for x in xs], 3)
    size = sum(int(np.prod(s)) for s in shapes)
    theta = rng.normal(scale=0.5, size=size)
    args = (xs, np.hstack(xs), Y, shapes)
    err = check_grad(
        lambda t: gmu._loss_grad(t, *args)[0],
        lambda t: gmu._loss_grad(t, *args)[1],
        theta,
    )
    assert err < 1e-5 * max(1.0, np.linalg.norm(gmu._loss_grad(theta, *args)[1]))


@pytest.mark.parametrize("informative", [0, 1])
def test_learns_and_gates_favour_informative_modality(informative):
    blocks, y = _synthetic(n=180, informative=informative)
    train, test = np.arange(120), np.arange(120, 180)
    gmu = GatedMultimodalUnit(n_components=8, random_state=0)
    h_train = gmu.fit_transform([b[train] for b in blocks], y[train])
    assert gmu.loss_ < 0.5 * np.log(3)  # far below chance-level cross-entropy
    other = 1 - informative
    assert gmu.mean_gates_[informative] > gmu.mean_gates_[other]
    clf = LogisticRegression().fit(h_train, y[train])
    accuracy = clf.score(gmu.transform([b[test] for b in blocks]), y[test])
    assert accuracy > 0.7  # chance is about 1/3


def test_random_state_reproducible_and_clone():
    blocks, y = _synthetic()
    a = GatedMultimodalUnit(n_components=4, random_state=3, max_iter=30)
    b = clone(a)
    np.testing.assert_allclose(
        a.fit_transform(blocks, y), b.fit_transform(blocks, y), rtol=1e-10
    )


def test_sparse_and_wide_blocks_are_projected():
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, 50)
    wide = rng.normal(size=(50, 100))
    tfidf = sparse.random(50, 300, density=0.05, random_state=0, format="csr")
    gmu = GatedMultimodalUnit(n_components=3, max_input_dim=10, random_state=0)
    out = gmu.fit_transform([wide, tfidf], y)
    assert out.shape == (50, 3)
    assert [p[0].n_components for p in gmu.preprocessors_] == [10, 10]
    assert np.isfinite(out).all()


def test_output_with_gates_and_feature_names():
    blocks, y = _synthetic(n=40)
    gmu = GatedMultimodalUnit(n_components=3, output="hidden_and_gates", max_iter=20)
    gmu.set_modalities(["image", "text"])
    out = gmu.fit(blocks, y).transform(blocks)
    names = gmu.get_feature_names_out([np.array(["a"]), np.array(["b"])])
    assert out.shape == (40, 3 + 2 * 3) == (40, len(names))
    assert names[0] == "gmu__h0" and names[3] == "gmu__gate_image_0"
    w = gmu.modality_weights(blocks)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    np.testing.assert_allclose(out[:, 3:6].mean(axis=1), w[:, 0])


def test_inputs_not_mutated():
    blocks, y = _synthetic(n=30)
    copies = [b.copy() for b in blocks]
    GatedMultimodalUnit(n_components=2, max_iter=5).fit(blocks, y).transform(blocks)
    for b, c in zip(blocks, copies):
        np.testing.assert_array_equal(b, c)


def test_clear_errors():
    blocks, y = _synthetic(n=30)
    with pytest.raises(ValueError, match="supervised"):
        GatedMultimodalUnit().fit(blocks)
    with pytest.raises(ValueError, match="binary or multiclass"):
        GatedMultimodalUnit().fit(blocks, np.linspace(0, 1, 30))
    with pytest.raises(ValueError, match="n_components"):
        GatedMultimodalUnit(n_components=0).fit(blocks, y)
    gmu = GatedMultimodalUnit(n_components=2, max_iter=5).fit(blocks, y)
    with pytest.raises(ValueError, match="fitted on 2 blocks"):
        gmu.transform(blocks[:1])


@parametrize_with_checks(
    [GatedMultimodalUnit(n_components=2, max_iter=20, random_state=0)]
)
def test_skmultimodal_plugin_checks(estimator, check):
    # skmultimodal's checks for fusion methods: the registration interface,
    # the block contract, and scikit-learn's checks inside ModalityFusion
    check(estimator)


@pytest.mark.parametrize(
    "target, what",
    [("continuous", "a continuous"), ("multilabel", "a multi-label")],
)
def test_modality_fusion_refuses_other_targets_before_fitting_the_unit(
    monkeypatch, target, what
):
    from skmultimodal.fusion import ModalityFusion

    blocks, y = _synthetic(n=30)
    X = np.hstack(blocks)
    if target == "continuous":
        y = np.linspace(0.0, 1.0, 30)
    else:
        y = np.column_stack([y == 0, y == 1]).astype(int)

    def fit(self, *args, **kwargs):
        raise AssertionError("the unit must not be fitted on this target")

    monkeypatch.setattr(GatedMultimodalUnit, "fit", fit)
    fusion = ModalityFusion(
        [("a", "passthrough", list(range(6))), ("b", "passthrough", [6, 7, 8, 9])],
        method="gmu",
    )
    with pytest.raises(ValueError, match=f"'gmu' cannot fit {what}") as info:
        fusion.fit(X, y)
    able = str(info.value).partition("Methods that can: ")[2]
    assert able and "gmu" not in able


def test_the_builder_refuses_gmu_for_a_regressor_when_built():
    from skmultimodal import make_multimodal_pipeline

    with pytest.raises(ValueError, match="'gmu' cannot fit a continuous"):
        make_multimodal_pipeline(method="gmu", estimator="ridge")


def test_a_modality_fusion_of_it_says_it_requires_y():
    from sklearn.utils import get_tags

    from skmultimodal.fusion import ModalityFusion

    fusion = ModalityFusion(
        [("a", "passthrough", [0]), ("b", "passthrough", [1])], method="gmu"
    )
    assert get_tags(fusion).target_tags.required
