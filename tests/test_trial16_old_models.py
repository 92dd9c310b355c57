"""Trial 16, upgrade: a model fitted by an earlier skmultimodal, whose table
cells were read otherwise (durations and date-times declared numeric as
counts of their unit, float32 categories at float64 precision, array cells
as ``"[1 2]"``, the empty cells of an Arrow string column as a category),
refuses those cells instead of predicting wrong; the out-of-core pipeline
of an earlier version is named as such by fit_out_of_core."""

import pickle

import numpy as np
import pandas as pd
import pytest

from skmultimodal import make_multimodal_pipeline
from skmultimodal.pipeline import _TableCells

pa = pytest.importorskip("pyarrow")

REFIT = "refit the model with this version"


def _as_fitted_earlier(cells):
    """``cells`` (a fitted _TableCells) as an earlier skmultimodal saved it:
    without the marker of how its cells are read, pickled and loaded."""
    cells.__dict__.pop("_cells_version", None)
    return pickle.loads(pickle.dumps(cells))


def _earlier(kind, column):
    frame = column.to_frame("z")
    return _as_fitted_earlier(_TableCells(kind).fit(frame)), frame


F32 = np.array([0.1, 0.2, 0.1, 0.3], dtype=np.float32)
CHANGED = {
    "duration": ("numeric", pd.Series(pd.to_timedelta([1, 2, 3, 4], unit="ms"))),
    "date-time": ("numeric", pd.Series(pd.to_datetime([1, 2, 3, 4], unit="D"))),
    "zoned": (
        "numeric",
        pd.Series(pd.to_datetime([1, 2, 3, 4], unit="D")).dt.tz_localize("UTC"),
    ),
    "float32": ("categorical", pd.Series(F32)),
    "float32 objects": ("categorical", pd.Series(list(F32), dtype=object)),
    "Arrow list": (
        "categorical",
        pd.Series(
            [[1, 2], [3], [1, 2], None], dtype=pd.ArrowDtype(pa.list_(pa.int64()))
        ),
    ),
    "array objects": (
        "categorical",
        pd.Series([np.array([1, 2]), np.array([3]), None, None], dtype=object),
    ),
    "Arrow empty string": (
        "categorical",
        pd.Series(["a", "", " ", "b"], dtype=pd.ArrowDtype(pa.string())),
    ),
}
WHAT = {
    "numeric": "now seconds",
    "float32": "shortest text",
    "float32 objects": "shortest text",
    "Arrow list": "written as lists",
    "array objects": "written as lists",
    "Arrow empty string": "now missing",
}


@pytest.mark.parametrize("case", CHANGED)
def test_cells_read_otherwise_since_fit_are_refused(case):
    # an earlier version's model read them otherwise: its predictions would
    # be wrong (a duration -1.96 on every row, float32 categories unknown)
    kind, column = CHANGED[case]
    cells, frame = _earlier(kind, column)
    what = WHAT.get(case, WHAT.get(kind))
    with pytest.raises(ValueError, match=f"'z': its .*{what}") as info:
        cells.transform(frame)
    assert "earlier skmultimodal" in str(info.value)
    assert REFIT in str(info.value)
    # refitted by this version: read as now, without a word
    assert np.shape(cells.fit(frame).transform(frame)) == (4, 1)


ALIKE = {
    "numbers": ("numeric", pd.Series([1.5, 2.0, np.nan, 4.0])),
    "seconds": (
        "numeric",
        pd.Series(pd.to_timedelta([1, 2, 3, 4], unit="s")).astype("m8[s]"),
    ),
    "texts": ("categorical", pd.Series(["a", "", None, "b"], dtype=object)),
    "float64": ("categorical", pd.Series(F32.astype(float))),
    "whole float32": ("categorical", pd.Series(np.array([1, 2, 0.5, 1], "f4"))),
    "lists": ("categorical", pd.Series([[1, 2], [3], None, [3]], dtype=object)),
    "Arrow strings": (
        "categorical",
        pd.Series(["a", "b", None, "a"], dtype=pd.ArrowDtype(pa.string())),
    ),
}


@pytest.mark.parametrize("case", ALIKE)
def test_cells_read_alike_keep_working(case):
    kind, column = ALIKE[case]
    fitted = _TableCells(kind).fit(column.to_frame("z"))
    expected = fitted.transform(column.to_frame("z"))
    cells, frame = _earlier(kind, column)
    got = cells.transform(frame)
    assert [repr(v) for v in got.ravel()] == [repr(v) for v in expected.ravel()]


def test_only_the_rows_read_otherwise_are_refused():
    # an Arrow string column: rows without an empty cell are read alike
    column = pd.Series(["a", "", "b", "a"], dtype=pd.ArrowDtype(pa.string()))
    cells, frame = _earlier("categorical", column)
    assert cells.transform(frame.iloc[[0, 2, 3]]).ravel().tolist() == ["a", "b", "a"]
    with pytest.raises(ValueError, match="'z': its empty"):
        cells.transform(frame.iloc[[1]])


def test_saved_model_of_an_earlier_version_names_its_columns(tmp_path):
    # the whole pipeline, through save_model and load_model (.skops)
    from skmultimodal.persistence import load_model, save_model

    y = np.array([0, 1] * 4)
    X = pd.DataFrame(
        {
            "dur": pd.to_timedelta(np.arange(8) * 10, unit="s"),
            "n": np.arange(8.0),
            "f32": np.tile(F32[:2], 4),
            "c": list("abababab"),
        }
    )
    model = make_multimodal_pipeline(
        image=None,
        text=None,
        tabular={"numeric": ["dur", "n"], "categorical": ["f32", "c"]},
        method="concat",
    ).fit(X, y)
    table = model.named_steps["fusion"].named_transformers_["tabular"]
    for part in ("numeric", "categorical"):
        _as_fitted_earlier(table.named_transformers_[part].named_steps["cells"])
    save_model(model, tmp_path / "earlier.skops")
    loaded = load_model(tmp_path / "earlier.skops").estimator
    with pytest.raises(ValueError, match=f"'dur': its durations.*{REFIT}"):
        loaded.predict(X)
    with pytest.raises(ValueError, match=f"'f32': its float32.*{REFIT}"):
        loaded.predict(X[["n", "f32", "c"]].assign(dur=X["dur"].astype("m8[s]")))
    # the other columns, and durations stored in seconds, read alike
    alike = X.assign(dur=X["dur"].astype("m8[s]"), f32=X["f32"].astype(float))
    np.testing.assert_array_equal(loaded.predict(alike), model.predict(alike))


def test_out_of_core_pipeline_of_an_earlier_version_is_named():
    # before the cells step: numbers scaled then imputed, a bare OneHotEncoder
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline

    model = make_out_of_core_pipeline(
        image=None, text=None, tabular={"numeric": ["n"], "categorical": ["c"]}
    )
    earlier = Pipeline(
        [
            ("scale", StandardScaler()),
            ("impute", SimpleImputer(strategy="constant", fill_value=0.0)),
        ]
    )
    model.set_params(
        fusion__tabular__numeric=earlier,
        fusion__tabular__categorical=OneHotEncoder(handle_unknown="ignore"),
    )
    X = pd.DataFrame({"n": [1.0, 2.0, 3.0, 4.0], "c": list("abab")})
    chunks = [(X, np.array([0, 1, 0, 1]))]
    with pytest.raises(ValueError, match="built by an earlier skmultimodal.*rebuild"):
        fit_out_of_core(model, chunks)
