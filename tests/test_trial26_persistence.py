"""A nearest-neighbours model keeps its training rows as a SciPy sparse
matrix: .skops files of such models load without trusted=, and sparse
types are rebuilt by skops' npz reader (no pickle)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.neighbors import KNeighborsClassifier

from skmultimodal import make_multimodal_pipeline
from skmultimodal.persistence import TRUSTED_TYPES, load_model, save_model

TEXTS = ["red apple", "green apple", "red car", "blue car", "ripe apple", "fast car"]
Y = np.array(["fruit", "fruit", "car", "car", "fruit", "car"])


def test_knn_on_tfidf_loads_without_trusted(tmp_path):
    import pandas as pd

    X = pd.DataFrame({"text": TEXTS})
    model = make_multimodal_pipeline(
        image=None, text="text", classifier=KNeighborsClassifier(n_neighbors=1)
    ).fit(X, Y)
    path = tmp_path / "knn.skops"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "load_model will refuse" warning
        save_model(model, path)
    loaded = load_model(path).estimator
    new = pd.DataFrame({"text": ["apple pie", "old car"]})
    np.testing.assert_array_equal(loaded.predict(new), model.predict(new))
    assert list(loaded.predict(new)) == ["fruit", "car"]


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "bsr", "dia"])
@pytest.mark.parametrize("kind", ["matrix", "array"])
def test_sparse_formats_are_trusted(tmp_path, fmt, kind):
    from sklearn.preprocessing import FunctionTransformer

    data = getattr(sp, f"{fmt}_{kind}")(np.eye(3))
    assert f"{type(data).__module__}.{type(data).__name__}" in TRUSTED_TYPES
    holder = FunctionTransformer(kw_args={"table": data})
    path = tmp_path / "m.skops"
    save_model(holder, path)
    back = load_model(path).estimator.kw_args["table"]
    assert type(back) is type(data)
    np.testing.assert_array_equal(back.toarray(), np.eye(3))
