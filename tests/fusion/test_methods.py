"""Built-in fusion methods: formulas on small arrays, and the method contract
(clone, params, pickle, determinism, names) for every registered method."""

import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import FusionMethod
from skmultimodal.fusion.methods import (
    AttentionFusion,
    ConcatFusion,
    MeanFusion,
    ProductFusion,
    SumFusion,
    TensorFusion,
    TokenFusion,
)
from skmultimodal.plugins import get_registry

BUILTIN = {
    "concat": ConcatFusion,
    "product": ProductFusion,
    "sum": SumFusion,
    "mean": MeanFusion,
    "tensor": TensorFusion,
    "attention": AttentionFusion,
    "tokens": TokenFusion,
}


def _blocks(n=30, widths=(6, 4), seed=0):
    rng = np.random.RandomState(seed)
    return [rng.normal(size=(n, w)) + rng.normal(size=w) for w in widths]


def _projected(blocks, k):
    """Reference projection: PCA to k (when wider) then standardisation."""
    out = []
    for b in blocks:
        z = (
            PCA(n_components=k, random_state=0).fit_transform(b)
            if b.shape[1] > k
            else b
        )
        out.append(StandardScaler().fit_transform(z))
    return out


def test_builtins_are_registered_through_the_hook():
    registry = get_registry("fusion_method")
    for name, cls in BUILTIN.items():
        assert registry.get(name) is cls
        entry = registry.entry(name)
        assert entry.distribution == "skmultimodal"


# -- concat -------------------------------------------------------------------
def test_concat_frobenius_equalises_block_variance():
    a, b = _blocks(widths=(50, 3))
    a *= 100.0
    Z = ConcatFusion().fit_transform([a, b])
    za, zb = Z[:, :50], Z[:, 50:]
    # formula: block / sqrt(mean ||row - mean||^2)
    s_a = np.sqrt(((a - a.mean(0)) ** 2).sum(1).mean())
    np.testing.assert_allclose(za, a / s_a)
    np.testing.assert_allclose(za.var(0).sum(), 1.0)
    np.testing.assert_allclose(zb.var(0).sum(), 1.0)


def test_concat_weights_scale_blocks_after_normalisation():
    a, b = _blocks()
    plain = ConcatFusion().fit_transform([a, b])
    weighted = ConcatFusion(weights=[2.0, 0.5]).fit_transform([a, b])
    np.testing.assert_allclose(weighted[:, :6], 2 * plain[:, :6])
    np.testing.assert_allclose(weighted[:, 6:], 0.5 * plain[:, 6:])
    named = ConcatFusion(weights={"img": 2.0})
    named.set_modalities(["img", "txt"])
    np.testing.assert_allclose(named.fit_transform([a, b])[:, :6], 2 * plain[:, :6])
    with pytest.raises(ValueError, match="3 weights for 2 modalities"):
        ConcatFusion(weights=[1, 2, 3]).fit([a, b])


def test_concat_other_norms_follow_their_formula():
    a, b = _blocks()
    Z = ConcatFusion(block_norm="l2").fit_transform([a, b])
    np.testing.assert_allclose(np.linalg.norm(Z[:, :6], axis=1), 1.0)
    Z = ConcatFusion(block_norm="standard").fit_transform([a, b])
    np.testing.assert_allclose(Z[:, :6], StandardScaler().fit_transform(a) / np.sqrt(6))
    Z = ConcatFusion(block_norm="none").fit_transform([a, b])
    np.testing.assert_allclose(Z, np.hstack([a, b]))


def test_concat_keeps_sparse_blocks_sparse():
    a, _ = _blocks()
    s = sparse.random(30, 20, density=0.1, random_state=0, format="csr")
    for norm in ["frobenius", "l2", "standard", "none"]:
        Z = ConcatFusion(block_norm=norm).fit_transform([a, s])
        assert sparse.issparse(Z), norm
        assert Z.shape == (30, 26)
    Z = ConcatFusion().fit_transform([a, s])
    dense = ConcatFusion().fit_transform([a, s.toarray()])
    np.testing.assert_allclose(Z.toarray(), dense)


def test_concat_passes_sequence_blocks_through():
    a, _ = _blocks()
    ids = np.tile([[3.0, 1.0, 0.0]], (30, 1))
    m = ConcatFusion(weights=[1.0, 5.0]).set_modalities(
        ["x", "t"], ["features", "sequence"]
    )
    Z = m.fit_transform([a, ids])
    np.testing.assert_array_equal(Z[:, 6:], ids)


# -- projected methods ----------------------------------------------------------
def test_product_is_elementwise_product_of_projected_blocks():
    blocks = _blocks()
    Z = ProductFusion(n_components=3, random_state=0).fit_transform(blocks)
    za, zb = _projected(blocks, 3)
    np.testing.assert_allclose(np.abs(Z), np.abs(za * zb), atol=1e-8)


def test_sum_and_mean_follow_their_formula():
    blocks = _blocks()
    za, zb = _projected(blocks, 3)
    s = SumFusion(n_components=3, weights=[1.0, 3.0], random_state=0).fit_transform(
        blocks
    )
    m = MeanFusion(n_components=3, weights=[1.0, 3.0], random_state=0).fit_transform(
        blocks
    )
    # PCA component signs are arbitrary: compare with the same projections
    proj = SumFusion(n_components=3, random_state=0).fit(blocks)._project(blocks)
    np.testing.assert_allclose(s, proj[0] + 3 * proj[1])
    np.testing.assert_allclose(m, (proj[0] + 3 * proj[1]) / 4)
    np.testing.assert_allclose(np.abs(proj[0]), np.abs(za), atol=1e-8)
    np.testing.assert_allclose(np.abs(proj[1]), np.abs(zb), atol=1e-8)


def test_tensor_is_outer_product_with_appended_one():
    blocks = _blocks()
    t = TensorFusion(n_components=2, random_state=0).fit(blocks)
    Z = t.transform(blocks)
    assert Z.shape == (30, 9)
    p, q = t._project(blocks)
    i = 4
    expected = np.outer(np.append(p[i], 1), np.append(q[i], 1)).ravel()
    np.testing.assert_allclose(Z[i], expected)
    names = t.get_feature_names_out([["a"] * 6, ["b"] * 4])
    assert len(names) == 9 and len(set(names)) == 9
    # the unimodal terms are kept: the columns multiplied by the appended 1
    np.testing.assert_allclose(Z[:, 2::3][:, :2], p)


def test_attention_weights_are_softmax_of_scores():
    blocks = _blocks(n=40)
    y = np.arange(40) % 2
    att = AttentionFusion(n_components=3, temperature=0.5, random_state=0).fit(
        blocks, y
    )
    assert att.context_ == "prototypes"
    a = att.modality_weights(blocks)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    z = att._project(blocks)
    e = np.column_stack(
        [
            (zi / np.linalg.norm(zi, axis=1, keepdims=True) @ pr.T).max(axis=1)
            for zi, pr in zip(z, att.prototypes_)
        ]
    )
    expected = np.exp(e / 0.5) / np.exp(e / 0.5).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(a, expected)
    Z = att.transform(blocks)
    np.testing.assert_allclose(Z, np.hstack([a[:, [0]] * z[0], a[:, [1]] * z[1]]))
    summed = clone(att).set_params(output="sum", include_weights=True).fit(blocks, y)
    Zs = summed.transform(blocks)
    np.testing.assert_allclose(Zs[:, :3], a[:, [0]] * z[0] + a[:, [1]] * z[1])
    np.testing.assert_allclose(Zs[:, 3:], a)


def test_attention_without_target_uses_energy_and_downweights_average_rows():
    blocks = _blocks(n=40)
    blocks[1][:5] = blocks[1].mean(axis=0)  # an imputed (average) modality
    att = AttentionFusion(n_components=3, random_state=0).fit(blocks)
    assert att.context_ == "energy"
    a = att.modality_weights(blocks)
    assert (a[:5, 1] < 0.5).all()
    with pytest.raises(ValueError, match="needs y"):
        AttentionFusion(context="prototypes").fit(blocks)


def test_tokens_have_equal_width_and_pass_sequences_through():
    a, b = _blocks(widths=(10, 2))
    ids = np.tile([[4.0, 2.0, 0.0, 0.0]], (30, 1))
    tok = TokenFusion(n_components=3, random_state=0).set_modalities(
        ["img", "small", "txt"], ["features", "features", "sequence"]
    )
    Z = tok.fit_transform([a, b, ids])
    assert Z.shape == (30, 3 + 3 + 4)
    np.testing.assert_array_equal(Z[:, 5], 0.0)  # narrow block zero-padded
    np.testing.assert_array_equal(Z[:, 6:], ids)
    names = tok.get_feature_names_out([["x"] * 10, ["y"] * 2, ["s"] * 4])
    assert list(names[:3]) == ["img__tok0", "img__tok1", "img__tok2"]
    assert list(names[6:]) == ["txt__seq0", "txt__seq1", "txt__seq2", "txt__seq3"]


@pytest.mark.parametrize("name", ["product", "sum", "mean", "tensor", "attention"])
def test_projected_methods_accept_sparse_blocks(name):
    a, _ = _blocks()
    s = sparse.random(30, 20, density=0.2, random_state=0, format="csr")
    Z = BUILTIN[name](n_components=3, random_state=0).fit_transform([a, s])
    assert np.isfinite(Z).all() and Z.shape[0] == 30


# -- the method contract, for every built-in --------------------------------------
@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_method_contract(name):
    cls = BUILTIN[name]
    assert issubclass(cls, FusionMethod)
    blocks = _blocks()
    snapshot = [b.copy() for b in blocks]
    method = cls()
    if "random_state" in method.get_params():
        method.set_params(random_state=0)
    if "n_components" in method.get_params():
        method.set_params(n_components=3)
    twin = clone(method)
    assert twin.get_params() == method.get_params()
    with pytest.raises(NotFittedError):
        twin.transform(blocks)
    y = np.arange(30) % 3
    Z = method.fit(blocks, y).transform(blocks)
    for b, s in zip(blocks, snapshot):
        np.testing.assert_array_equal(b, s)  # inputs never mutated
    assert Z.shape[0] == 30 and np.isfinite(Z).all()
    np.testing.assert_allclose(clone(method).fit_transform(blocks, y), Z)
    loaded = pickle.loads(pickle.dumps(method))
    np.testing.assert_allclose(loaded.transform(blocks), Z)
    # rows are fused independently: a subset gives the same rows
    np.testing.assert_allclose(method.transform([b[:7] for b in blocks]), Z[:7])
    names = method.get_feature_names_out(
        [
            np.array([f"m{i}__f{j}" for j in range(b.shape[1])])
            for i, b in enumerate(blocks)
        ]
    )
    assert len(names) == Z.shape[1] and len(set(names)) == len(names)


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_methods_validate_parameters(name):
    bad = {"n_components": 0} if name != "concat" else {"block_norm": "max"}
    with pytest.raises(ValueError):
        BUILTIN[name](**bad).fit(_blocks())
