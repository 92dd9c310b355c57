"""Built-in fusion methods: formulas on small arrays, and the method contract
(clone, params, pickle, determinism, names) for every registered method."""

import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import FusionMethod
from skmultimodal.fusion.methods import (
    AttentionFusion,
    ConcatFusion,
    LateFusion,
    MeanFusion,
    ProductFusion,
    StackFusion,
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
    "stack": StackFusion,
    "late": LateFusion,
}


def _blocks(n=30, widths=(6, 4), seed=0):
    rng = np.random.RandomState(seed)
    return [rng.normal(size=(n, w)) + rng.normal(size=w) for w in widths]


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


# -- class-score methods ------------------------------------------------------
CLASS_SCORE = [
    "product",
    "sum",
    "mean",
    "tensor",
    "attention",
    "tokens",
    "stack",
    "late",
]


def _labelled(n=60, seed=0):
    """Block 0 tells the class, block 1 is noise."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 3
    good = rng.normal(size=(n, 6)) + 2.0 * np.eye(3)[y] @ rng.normal(size=(3, 6))
    return [good, rng.normal(size=(n, 4))], y


def _expert_proba(method, blocks):
    """Each fitted expert's probabilities, recomputed from its public state."""
    return [
        est.predict_proba(b / scale)
        for est, b, scale in zip(method.estimators_, blocks, method.scales_)
    ]


def _oof_proba(method, blocks, y):
    """The out-of-fold probabilities fit_transform must be built from."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    cv = StratifiedKFold(method.cv, shuffle=True, random_state=method.random_state)
    expert = LogisticRegression(C=10.0, tol=1e-3, max_iter=1000)
    return [
        cross_val_predict(expert, b / s, y, cv=cv, method="predict_proba")
        for b, s in zip(blocks, method.scales_)
    ]


def test_product_is_the_normalised_log_product_of_expert_probabilities():
    blocks, y = _labelled()
    method = ProductFusion(weights=[1.0, 2.0], random_state=0)
    Z_fit = method.fit_transform(blocks, y)
    Z = method.transform(blocks)

    def log_product(P):  # exponents renormalised to sum to 1
        s = (np.log(P[0]) + 2.0 * np.log(P[1])) / 3.0
        return s - np.log(np.exp(s).sum(axis=1, keepdims=True))

    np.testing.assert_allclose(Z, log_product(_expert_proba(method, blocks)))
    # fit_transform: the same rule on out-of-fold probabilities (stacking)
    np.testing.assert_allclose(
        Z_fit, log_product(_oof_proba(method, blocks, y)), atol=1e-6
    )
    assert not np.allclose(Z_fit, Z)
    assert list(method.get_feature_names_out([[], []])) == [
        "product__0",
        "product__1",
        "product__2",
    ]


def test_blocks_are_scaled_to_unit_rms_row_norm_before_their_expert():
    blocks, y = _labelled()
    method = SumFusion(random_state=0).fit(blocks, y)
    for b, scale in zip(blocks, method.scales_):
        centred = b - b.mean(axis=0)
        assert scale == pytest.approx(np.sqrt((centred**2).sum(axis=1).mean()))


def test_sum_and_mean_follow_their_formula():
    blocks, y = _labelled()
    s = SumFusion(weights=[1.0, 3.0], random_state=0).fit(blocks, y)
    m = MeanFusion(weights=[1.0, 3.0], random_state=0).fit(blocks, y)
    pa, pb = _expert_proba(s, blocks)
    np.testing.assert_allclose(s.transform(blocks), pa + 3 * pb)
    np.testing.assert_allclose(m.transform(blocks), (pa + 3 * pb) / 4)
    np.testing.assert_allclose(m.transform(blocks).sum(axis=1), 1.0)


def test_tensor_is_outer_product_with_appended_one():
    blocks, y = _labelled()
    t = TensorFusion(random_state=0).fit(blocks, y)
    Z = t.transform(blocks)
    assert Z.shape == (60, 16)
    p, q = _expert_proba(t, blocks)
    i = 4
    expected = np.outer(np.append(p[i], 1), np.append(q[i], 1)).ravel()
    np.testing.assert_allclose(Z[i], expected)
    names = t.set_modalities(["a", "b"]).get_feature_names_out([[], []])
    assert len(names) == 16 and len(set(names)) == 16
    # the unimodal terms are kept: the columns multiplied by the appended 1
    np.testing.assert_allclose(Z[:, 3::4][:, :3], p)


def test_attention_weights_are_softmax_of_expert_confidence():
    blocks, y = _labelled()
    att = AttentionFusion(temperature=0.5, random_state=0).fit(blocks, y)
    a = att.modality_weights(blocks)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    p = _expert_proba(att, blocks)
    e = np.column_stack([pi.max(axis=1) for pi in p]) / 0.5
    expected = np.exp(e) / np.exp(e).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(a, expected)
    # the informative modality is the confident one
    assert a[:, 0].mean() > a[:, 1].mean()
    Z = att.transform(blocks)
    np.testing.assert_allclose(Z, np.hstack([a[:, [0]] * p[0], a[:, [1]] * p[1]]))
    summed = clone(att).set_params(output="sum", include_weights=True).fit(blocks, y)
    Zs = summed.transform(blocks)
    np.testing.assert_allclose(Zs[:, :3], a[:, [0]] * p[0] + a[:, [1]] * p[1])
    np.testing.assert_allclose(Zs[:, 3:], a)


def test_tokens_have_one_class_width_and_pass_sequences_through():
    (a, b), y = _labelled()
    ids = np.tile([[4.0, 2.0, 0.0, 0.0]], (60, 1))
    tok = TokenFusion(random_state=0).set_modalities(
        ["img", "small", "txt"], ["features", "features", "sequence"]
    )
    Z = tok.fit(Z_blocks := [a, b, ids], y).transform(Z_blocks)
    assert Z.shape == (60, 3 + 3 + 4)
    np.testing.assert_array_equal(Z[:, 6:], ids)
    np.testing.assert_allclose(Z[:, :3].sum(axis=1), 1.0)
    names = tok.get_feature_names_out([["x"] * 6, ["y"] * 4, ["s"] * 4])
    assert list(names[:3]) == ["img__tok_0", "img__tok_1", "img__tok_2"]
    assert list(names[6:]) == ["txt__seq0", "txt__seq1", "txt__seq2", "txt__seq3"]


def test_stack_puts_every_expert_and_the_joint_one_side_by_side():
    blocks, y = _labelled()
    st = StackFusion(random_state=0, select=None).set_modalities(["img", "txt"])
    Z_fit = st.fit_transform(blocks, y)
    Z = st.transform(blocks)
    assert Z.shape == Z_fit.shape == (60, 9)
    p = _expert_proba(st, blocks)
    np.testing.assert_allclose(Z[:, :6], np.hstack(p))
    joint = np.hstack([b / s for b, s in zip(blocks, st.scales_)])
    np.testing.assert_allclose(Z[:, 6:], st.joint_estimator_.predict_proba(joint))
    names = st.get_feature_names_out([[], []])
    assert names[0] == "img__proba_0" and names[-1] == "joint__proba_2"
    assert StackFusion(joint=False).fit_transform(blocks, y).shape == (60, 6)


def test_late_learns_to_trust_the_informative_modality():
    blocks, y = _labelled()
    late = LateFusion(random_state=0).fit(blocks, y)
    assert late.weights_[0] > 0.8 and sum(late.weights_) == pytest.approx(1.0)
    p = _expert_proba(late, blocks)
    pooled = late.weights_[0] * p[0] + late.weights_[1] * p[1]
    np.testing.assert_allclose(late.transform(blocks), np.log(pooled))
    geo = LateFusion(voting="log", weights=None, random_state=0).fit(blocks, y)
    assert geo.weights_ == [0.5, 0.5]


@pytest.mark.parametrize("name", CLASS_SCORE)
def test_class_score_methods_need_a_classification_target(name):
    blocks, y = _labelled()
    with pytest.raises(ValueError, match="needs the target y"):
        BUILTIN[name]().fit(blocks)
    continuous = np.linspace(0, 1, 60)
    if name in ("stack", "late"):  # they fuse per-modality predictions
        Z = BUILTIN[name](random_state=0).fit_transform(blocks, continuous)
        assert np.isfinite(Z).all() and Z.shape[0] == 60
    else:
        with pytest.raises(ValueError, match="cannot fit a continuous"):
            BUILTIN[name]().fit(blocks, continuous)


@pytest.mark.parametrize("name", CLASS_SCORE)
def test_class_score_methods_accept_sparse_blocks(name):
    (a, _), y = _labelled()
    s = sparse.random(60, 20, density=0.2, random_state=0, format="csr")
    Z = BUILTIN[name](random_state=0).fit_transform([a, s], y)
    assert np.isfinite(Z).all() and Z.shape[0] == 60


def test_class_score_methods_take_any_classifier_and_cv():
    from sklearn.model_selection import KFold
    from sklearn.naive_bayes import GaussianNB

    blocks, y = _labelled()
    m = SumFusion(estimator=GaussianNB(), cv=KFold(4)).fit(blocks, y)
    assert all(isinstance(e, GaussianNB) for e in m.estimators_)


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
    twin = clone(method)
    assert twin.get_params() == method.get_params()
    with pytest.raises(NotFittedError):
        twin.transform(blocks)
    y = np.arange(30) % 3
    Z = method.fit(blocks, y).transform(blocks)
    for b, s in zip(blocks, snapshot):
        np.testing.assert_array_equal(b, s)  # inputs never mutated
    assert Z.shape[0] == 30 and np.isfinite(Z).all()
    np.testing.assert_allclose(clone(method).fit(blocks, y).transform(blocks), Z)
    Z_fit = clone(method).fit_transform(blocks, y)
    if name in CLASS_SCORE:  # out-of-fold scores at fit, deterministic
        np.testing.assert_allclose(clone(method).fit_transform(blocks, y), Z_fit)
    else:
        np.testing.assert_allclose(Z_fit, Z)
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
    bad = {"weights": "bogus"} if name != "concat" else {"block_norm": "max"}
    with pytest.raises(ValueError, match="weights|block_norm"):
        BUILTIN[name](**bad).fit(_blocks(), np.arange(30) % 3)
