"""Scale trial 16: the missing rows of a sparse block are filled without
dense copies (the same matrix as before), a fill that makes the block dense
is warned of once per fit, and the warning about rare classes lists a few
of them, then a count."""

import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion import _modality_fusion as mf
from skmultimodal.fusion.methods import StackFusion


def _stacked_reference(block, present, n, fill):
    """The sparse filling as it was built before: dense filled rows, stacked
    under the block, then reordered."""
    missing_idx = np.setdiff1d(np.arange(n), present)
    filler = np.tile(fill, (len(missing_idx), 1))
    stacked = sparse.vstack([block, sparse.csr_matrix(filler)]).tocsr()
    order = np.empty(n, dtype=np.intp)
    order[present] = np.arange(len(present))
    order[missing_idx] = len(present) + np.arange(len(missing_idx))
    return stacked[order]


def _assert_same_csr(got, expected):
    assert sparse.isspmatrix_csr(got)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    assert got.data.dtype == expected.data.dtype == np.float64
    assert got.data.tobytes() == expected.data.tobytes()  # bit for bit


@pytest.mark.parametrize("fill_kind", ["zero", "mean", "some_zero"])
@pytest.mark.parametrize("order", ["ascending", "shuffled", "none_present"])
def test_sparse_fill_is_bit_identical_to_the_stacked_one(fill_kind, order):
    rng = np.random.default_rng(0)
    n, width = 30, 12
    present = np.sort(rng.choice(n, 0 if order == "none_present" else 19, False))
    if order == "shuffled":
        present = rng.permutation(present)
    block = sparse.random(
        len(present), width, density=0.3, format="csr", random_state=1
    )
    # an explicit zero and an unsorted row are kept as they are
    if block.nnz:
        block.data[0] = 0.0
    fill = np.asarray(block.mean(axis=0)).ravel() if block.shape[0] else np.ones(width)
    fill = {"zero": np.zeros(width), "mean": fill + 0.1}.get(fill_kind, fill)
    if fill_kind == "some_zero":
        fill = np.where(np.arange(width) % 3 == 0, 0.0, fill + 0.5)
    got = ModalityFusion._expand(block, present, n, fill)
    _assert_same_csr(got, _stacked_reference(block, present, n, fill))


def _peak_mib(func, *args):
    tracemalloc.start()
    try:
        out = func(*args)
        return out, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_sparse_fill_makes_no_dense_copy_of_the_filled_rows():
    rng = np.random.default_rng(0)
    n, width = 400, 20_000
    present = np.sort(rng.choice(n, 300, replace=False))
    block = sparse.random(300, width, density=0.001, format="csr", random_state=0)
    # zeros: 100 dense rows of 20,000 were 16 MB, for an output of kilobytes
    out, peak = _peak_mib(ModalityFusion._expand, block, present, n, np.zeros(width))
    assert out.nnz == block.nnz
    assert peak < 2
    # a dense mean row: 2 million stored values (24 MB) whatever is done,
    # and no more than a bounded chunk on top of them (before: about 90 MB)
    fill = np.full(width, 0.5)
    out, peak = _peak_mib(ModalityFusion._expand, block, present, n, fill)
    stored = (out.data.nbytes + out.indices.nbytes) / 2**20
    assert out.nnz == block.nnz + 100 * width
    assert peak < stored + 20


def _texts(n, every=3):
    words = [f"w{i}" for i in range(60)]
    texts = [" ".join(words[(3 * i) % 57 : (3 * i) % 57 + 4]) for i in range(n)]
    texts = [None if i % every == 1 else t for i, t in enumerate(texts)]
    return pd.DataFrame({"text": texts, "num": np.arange(n, dtype=float)})


def _fusion(missing, text=None):
    return ModalityFusion(
        [("text", text or TfidfVectorizer(), "text"), ("num", "passthrough", ["num"])],
        missing=missing,
    )


def test_transform_of_rows_all_missing_keeps_a_wide_sparse_block_sparse():
    X = _texts(30)
    fusion = _fusion("zero", HashingVectorizer(n_features=2**18)).fit(X)
    batch = X.assign(text=None).iloc[:20]  # 20 dense rows of 2^18: 40 MB
    Z, peak = _peak_mib(fusion.transform, batch)
    assert sparse.issparse(Z) and Z.shape == (20, 2**18 + 1)
    assert Z[:, : 2**18].nnz == 0
    assert peak < 10


@pytest.mark.parametrize("policy", ["mean", "indicator"])
def test_a_dense_mean_fill_of_a_sparse_block_is_warned_of_once(policy, monkeypatch):
    X = _texts(30)
    width = _fusion("zero").fit(X).transform(X)[:, :-1].shape[1]
    missing_rows = X["text"].isna().sum()
    added = missing_rows * width  # every column of the mean row is nonzero
    monkeypatch.setattr(mf, "DENSE_OUTPUT_MAX_VALUES", added - 1)
    with pytest.warns(UserWarning) as record:
        Z = _fusion(policy).fit_transform(X)
    message = [str(w.message) for w in record if "mean row" in str(w.message)]
    assert len(message) == 1
    message = message[0]
    assert f"missing={policy!r}" in message
    assert f"in 'text', {missing_rows} missing rows add {added:,} stored" in message
    assert f"more than {added - 1:,}" in message
    assert "missing='zero' keeps the block" in message
    assert "TruncatedSVD" in message
    # the fill itself is unchanged: the mean row in each missing row
    rows = np.flatnonzero(X["text"].isna())
    text = Z[:, :width].toarray()
    np.testing.assert_array_equal(text[rows], np.tile(text[rows[0]], (len(rows), 1)))
    # transform does not warn again
    fusion = _fusion(policy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fusion.fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fusion.transform(X)


@pytest.mark.parametrize(
    ("policy", "limit"), [("zero", 0), ("mean", None), ("indicator", None)]
)
def test_no_warning_when_the_fill_is_small_or_zero(policy, limit, monkeypatch):
    if limit is not None:
        monkeypatch.setattr(mf, "DENSE_OUTPUT_MAX_VALUES", limit)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _fusion(policy).fit_transform(_texts(30))


def test_the_rare_classes_warning_lists_a_few_then_a_count():
    rng = np.random.default_rng(0)
    y = np.concatenate([np.repeat(np.arange(10), 3), np.arange(10, 30)])
    X = pd.DataFrame({"a": rng.normal(size=len(y)), "b": rng.normal(size=len(y))})
    fusion = ModalityFusion(
        [("a", "passthrough", ["a"]), ("b", "passthrough", ["b"])],
        method=StackFusion(estimator=LogisticRegression(max_iter=20), cv=2),
        random_state=0,
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fusion.fit(X, y)
    [message] = [str(w.message) for w in record if "internal folds" in str(w.message)]
    assert message.startswith(
        "fusion method 'stack': classes 10 (1 row), 11 (1 row), 12 (1 row), "
        "13 (1 row), 14 (1 row) and 15 more have fewer rows than the 2 "
        "internal folds"
    )
    assert "29 (1 row)" not in message
