"""``ModalityFusion(sparse_threshold=...)``, as ``ColumnTransformer``'s: None
(the default) keeps a sparse fused matrix sparse; a number keeps it sparse
only if its density in ``fit`` is below it; the choice made in ``fit``
(``sparse_output_``) holds in ``transform``."""

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skmultimodal.fusion import FusedArray, ModalityFusion, get_block_layout
from skmultimodal.fusion.methods import ConcatFusion

TABLE = pd.DataFrame(
    {"price": np.arange(12.0), "colour": list("rgbk") * 3, "text": ["ab cd"] * 12}
)


def _branches():
    return [("num", StandardScaler(), ["price"]), ("cat", OneHotEncoder(), ["colour"])]


@pytest.mark.parametrize("threshold", [None, 0.0, 0.3, 0.41, 1.0])
def test_the_choice_follows_column_transformers_rule(threshold):
    # density: (12 + 12) stored values of 12 x 5 = 0.4
    fusion = ModalityFusion(
        _branches(), sparse_threshold=threshold, method=ConcatFusion(block_norm="none")
    )
    Z = fusion.fit_transform(TABLE)
    expected = threshold is None or 0.4 < threshold
    assert fusion.sparse_output_ is expected
    assert sparse.issparse(Z) is expected
    assert sparse.issparse(fusion.transform(TABLE.iloc[:3])) is expected
    if not expected:
        assert isinstance(Z, FusedArray)
        assert [b.name for b in get_block_layout(Z)] == ["num", "cat"]
    if threshold is not None:  # the same values and kind as ColumnTransformer's
        ct = ColumnTransformer(_branches(), sparse_threshold=threshold)
        W = ct.fit_transform(TABLE)
        assert sparse.issparse(W) is expected
        dense = Z.toarray() if expected else np.asarray(Z)
        np.testing.assert_allclose(dense, W.toarray() if expected else W)


def test_the_choice_of_fit_holds_in_transform():
    fusion = ModalityFusion(_branches(), sparse_threshold=0.3).fit(TABLE)
    fusion.set_params(sparse_threshold=None)  # read by the next fit only
    assert not sparse.issparse(fusion.transform(TABLE))
    assert sparse.issparse(fusion.fit_transform(TABLE))


def test_indicator_columns_count_in_the_density():
    fusion = ModalityFusion(
        [("text", TfidfVectorizer(), "text")], missing="indicator", sparse_threshold=0.8
    )
    table = TABLE.assign(text=["ab cd"] * 6 + [None] * 6)
    Z = fusion.fit_transform(table)
    # 12 x 2 tf-idf values (the missing rows filled with the dense mean row)
    # and 6 ones of 12 in the presence column: 30 of 36, 0.83
    assert not sparse.issparse(Z) and Z.shape == (12, 3)
    fusion.set_params(sparse_threshold=0.85)
    assert sparse.issparse(fusion.fit_transform(table))


def test_too_large_to_densify_is_an_error_naming_the_way_out(monkeypatch):
    from skmultimodal.fusion import _modality_fusion

    monkeypatch.setattr(_modality_fusion, "DENSE_OUTPUT_MAX_VALUES", 10)
    with pytest.raises(ValueError) as info:
        ModalityFusion(_branches(), sparse_threshold=0).fit(TABLE)
    message = str(info.value)
    assert "cannot give dense output (sparse_threshold=0)" in message
    assert "transformer 'cat'" in message and "sparse_threshold=None" in message


def test_out_of_range_is_refused_naming_the_parameter():
    with pytest.raises(ValueError, match="'sparse_threshold' parameter of"):
        ModalityFusion(_branches(), sparse_threshold=1.5).fit(TABLE)


def test_a_model_saved_before_the_parameter_keeps_its_sparse_output():
    fusion = ModalityFusion(_branches()).fit(TABLE)
    state = fusion.__getstate__()
    del state["sparse_threshold"], state["sparse_output_"]
    old = ModalityFusion.__new__(ModalityFusion)
    old.__setstate__(state)
    assert old.sparse_threshold is None
    assert sparse.issparse(old.transform(TABLE))
    assert sparse.issparse(pickle.loads(pickle.dumps(old)).transform(TABLE))
