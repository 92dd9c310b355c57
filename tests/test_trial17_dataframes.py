"""DataFrames of other libraries (a pyarrow Table, a polars DataFrame, ...)
as X: converted to pandas once, keeping the column names, so that
selection by name or position, ``feature_names_in_``, the column-order
check, missing cells and the predictions are those of the pandas
DataFrame of the same data; the image and text estimators take such a
column (a Series, a one-column frame, a pyarrow array); the APIs that do
not take a table held in memory say so up front."""

import warnings

import cv2
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import LateFusionClassifier
from skmultimodal.image import ColorHistogram, HOGFeatures, ImageWarning
from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline
from skmultimodal.text import TextCleaner, TextFeatures
from skmultimodal.utils._validation import to_pandas


def _polars():
    return pytest.importorskip("polars", reason="polars is an optional dependency")


def _data(n=30):
    """``(X, y)``: numpy images, texts, a price and a brand; row 3's image,
    row 4's text and row 5's price are missing."""
    X, y = make_multimodal_classification(
        n_samples=n, n_classes=2, image_size=8, random_state=0
    )
    rng = np.random.default_rng(0)
    images = list(X["image"])
    images[3] = None
    texts = list(X["text"])
    texts[4] = None
    price = rng.normal(10, 3, n).round(2)
    price[5] = np.nan
    brand = rng.choice(["acme", "bolt", "cora"], n).tolist()
    return {"image": images, "text": texts, "price": price, "brand": brand}, (
        np.asarray(y)
    )


def _png(image):
    return None if image is None else cv2.imencode(".png", image)[1].tobytes()


def _pandas(cols, **dtypes):
    """The pandas DataFrame a pandas user makes of the same data."""
    return pd.DataFrame(
        {
            k: pd.Series(
                v, dtype=dtypes.get(k, object if k in ("image", "png") else None)
            )
            for k, v in cols.items()
        }
    )


def _arrow(cols):
    """The pyarrow Table of the same data (images as PNG bytes)."""
    return pa.table(
        {
            "png": pa.array([_png(v) for v in cols["image"]], pa.binary()),
            "text": pa.array(cols["text"], pa.string()),
            "price": pa.array([None if np.isnan(v) else v for v in cols["price"]]),
            "brand": pa.array(cols["brand"]).dictionary_encode(),
        }
    )


def _pipe(image="png", text="text", **kw):
    return make_multimodal_pipeline(
        image=image, text=text, method="concat", missing="mean", random_state=0, **kw
    )


def _same_fit(model, X, ref, D):
    np.testing.assert_array_equal(model.predict(X), ref.predict(D))
    np.testing.assert_array_equal(model.predict_proba(X), ref.predict_proba(D))
    assert list(model.feature_names_in_) == list(ref.feature_names_in_)


# ---------------------------------------------------- pyarrow Tables ---
def test_a_pyarrow_table_by_name_predicts_as_its_pandas_frame():
    cols, y = _data()
    T = _arrow(cols)
    D = T.to_pandas()
    ref = _pipe(tabular=["price", "brand"]).fit(D, y)
    model = _pipe(tabular=["price", "brand"]).fit(T, y)
    _same_fit(model, T, ref, D)
    assert list(model.feature_names_in_) == ["png", "text", "price", "brand"]
    # either fitted model takes either table
    np.testing.assert_array_equal(model.predict(D), ref.predict(T))


def test_a_pyarrow_table_by_position_keeps_its_names_and_their_order():
    cols, y = _data()
    T = _arrow(cols).select(["png", "text"])
    model = _pipe(image=0, text=1).fit(T, y)
    ref = _pipe(image=0, text=1).fit(T.to_pandas(), y)
    _same_fit(model, T, ref, T.to_pandas())
    assert list(model.feature_names_in_) == ["png", "text"]
    # columns swapped after fitting by position: refused, as for pandas
    with pytest.raises(ValueError, match="feature names should match"):
        model.predict(T.select(["text", "png"]))


def test_pyarrow_nulls_are_missing_cells_as_none_and_nan_in_pandas():
    cols, y = _data()
    T = _arrow(cols).select(["png", "text"])
    D = _pandas({"png": [_png(v) for v in cols["image"]], "text": cols["text"]})
    for missing in ("mean", "indicator"):
        ref = make_multimodal_pipeline(
            image="png", method="concat", missing=missing, random_state=0
        ).fit(D, y)
        model = make_multimodal_pipeline(
            image="png", method="concat", missing=missing, random_state=0
        ).fit(T, y)
        np.testing.assert_array_equal(model.predict_proba(T), ref.predict_proba(D))
    with pytest.raises(ValueError) as from_arrow:
        make_multimodal_pipeline(image="png", random_state=0).fit(T, y)
    with pytest.raises(ValueError) as from_pandas:
        make_multimodal_pipeline(image="png", random_state=0).fit(D, y)
    assert str(from_arrow.value) == str(from_pandas.value)
    assert "row 3" in str(from_arrow.value) and "row 4" in str(from_arrow.value)


def test_a_record_batch_and_a_late_fusion_classifier_take_it_too():
    cols, y = _data()
    T = _arrow(cols).select(["text", "price"])
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    def late():
        return LateFusionClassifier(
            [
                ("text", make_pipeline(TextFeatures(), LogisticRegression()), "text"),
                ("price", LogisticRegression(), ["price"]),
            ],
            missing="skip",
        )

    D = T.to_pandas()
    ref = late().fit(D, y)
    for X in (T, T.to_batches()[0]):
        model = late().fit(X, y)
        np.testing.assert_array_equal(model.predict_proba(X), ref.predict_proba(D))
        assert list(model.feature_names_in_) == ["text", "price"]


def test_a_pyarrow_table_with_a_name_twice_is_refused_naming_it():
    T = pa.table([pa.array(["a b", "c d"]), pa.array([1, 2])], names=["x", "x"])
    with pytest.raises(
        ValueError,
        match=r"ModalityFusion: the pyarrow.Table has "
        r"duplicated column names \('x' 2 times\); rename",
    ):
        make_multimodal_pipeline(image=None, text="x").fit(T, [0, 1])


def test_fit_out_of_core_takes_pyarrow_chunks_as_pandas_ones():
    cols, y = _data()
    T = pa.table({"text": [t or "a word" for t in cols["text"]]})
    D = T.to_pandas()

    def fitted(X):
        pipe = make_out_of_core_pipeline(
            image=None, n_features=32, epochs=1, random_state=0
        )
        return fit_out_of_core(pipe, [(X[:15], y[:15]), (X[15:], y[15:])])

    np.testing.assert_array_equal(fitted(T).predict(T), fitted(D).predict(D))
    with pytest.raises(
        TypeError,
        match=r"chunk 0 of the .*: X must be a DataFrame "
        r".*got a numpy.ndarray",
    ):
        fitted(np.asarray(D))


@pytest.mark.parametrize("table", ["pandas", "pyarrow"])
def test_predict_partitions_refuses_a_table_in_memory_up_front(table, tmp_path):
    pytest.importorskip("distributed")
    from skmultimodal.distributed import predict_partitions

    D = pd.DataFrame({"image": ["a.png"], "text": ["a b"]})
    data = D if table == "pandas" else pa.Table.from_pandas(D)
    name = "pandas.DataFrame" if table == "pandas" else "pyarrow.Table"
    with pytest.raises(TypeError) as exc:
        predict_partitions(object(), data, tmp_path / "out")
    assert str(exc.value) == (
        "data must be a dask DataFrame or CSV/Parquet path(s) (a path, a glob "
        f"pattern or a list of them); got a {name}: write it to Parquet or use "
        "dask.dataframe.from_pandas"
    )
    assert not (tmp_path / "out").exists()


# -------------------------------------------------- a column of texts ---
def test_text_estimators_take_a_pyarrow_array_and_a_one_column_table():
    cols, _ = _data()
    texts = [t or "" for t in cols["text"]]
    ref = TextFeatures().fit_transform(pd.Series(texts)).toarray()
    ref_clean = TextCleaner().fit_transform(pd.Series(texts))
    chunked = pa.chunked_array([pa.array(texts)])
    for column in (chunked, chunked.combine_chunks(), pa.table({"text": texts})):
        np.testing.assert_array_equal(
            TextFeatures().fit_transform(column).toarray(), ref
        )
        np.testing.assert_array_equal(
            np.ravel(TextCleaner().fit_transform(column)), np.ravel(ref_clean)
        )
    cleaner = TextCleaner().fit(pa.table({"text": texts}))
    assert list(cleaner.feature_names_in_) == ["text"]


def test_text_estimators_take_polars_columns():
    pl = _polars()
    cols, _ = _data()
    texts = [t or "" for t in cols["text"]]
    ref = TextFeatures().fit_transform(pd.Series(texts)).toarray()
    for column in (
        pl.Series("text", texts),
        pl.Series("text", texts, dtype=pl.Categorical),
        pl.DataFrame({"text": texts}),
    ):
        np.testing.assert_array_equal(
            TextFeatures().fit_transform(column).toarray(), ref
        )
    cleaner = TextCleaner().fit(pl.DataFrame({"text": texts}))
    assert list(cleaner.feature_names_in_) == ["text"]
    # a polars missing text is one, as None in pandas
    with_null = pl.Series("text", cols["text"])
    np.testing.assert_array_equal(
        TextFeatures().fit_transform(with_null).toarray(),
        TextFeatures().fit_transform(pd.Series(cols["text"], dtype=object)).toarray(),
    )


def test_a_text_estimator_names_the_library_of_a_container_it_refuses():
    with pytest.raises(
        ValueError,
        match=r"must be a pandas Series .* got a "
        r"pyarrow.StructScalar",
    ):
        TextFeatures().fit(pa.scalar({"a": 1}))


# ------------------------------------------------- a column of images ---
def test_image_estimators_take_a_pyarrow_binary_column():
    cols, _ = _data(12)
    pngs = [_png(v) for v in cols["image"] if v is not None]
    ref = HOGFeatures(size=(16, 16)).fit_transform(pd.Series(pngs, dtype=object))
    chunked = pa.chunked_array([pa.array(pngs, pa.binary())])
    for column in (chunked, chunked.combine_chunks(), pa.table({"png": chunked})):
        np.testing.assert_array_equal(
            HOGFeatures(size=(16, 16)).fit_transform(column), ref
        )
    est = HOGFeatures(size=(16, 16)).fit(pa.table({"png": chunked}))
    assert list(est.feature_names_in_) == ["png"]


def test_image_estimators_take_a_one_column_polars_frame_row_by_row():
    pl = _polars()
    cols, y = _data(12)
    images = cols["image"]
    frame = pl.DataFrame({"image": pl.Series("image", images, dtype=pl.Object)})
    pandas = pd.DataFrame({"image": pd.Series(images, dtype=object)})
    est = ColorHistogram(on_error="missing")
    with pytest.warns(ImageWarning, match="row 3, value None"):
        got = est.fit(frame, y).transform(frame)
    assert got.shape[0] == 12
    with pytest.warns(ImageWarning, match="row 3, value None"):
        np.testing.assert_array_equal(got, est.fit_transform(pandas))
    assert np.isnan(got[3]).all()  # the null: a missing image, as None
    assert list(est.fit(frame).feature_names_in_) == ["image"]


def test_a_polars_array_column_is_read_as_numpy_images():
    pl = _polars()
    cols, y = _data(12)
    stack = np.stack([v for v in cols["image"] if v is not None])
    column = pl.Series("image", stack)
    assert isinstance(column.dtype, pl.Array)
    ref = HOGFeatures(size=(16, 16)).fit_transform(list(stack))
    np.testing.assert_array_equal(HOGFeatures(size=(16, 16)).fit_transform(column), ref)
    with_null = pl.Series(
        "image", [*stack[:2], None], dtype=pl.Array(pl.UInt8, stack.shape[1:])
    )
    with pytest.warns(ImageWarning, match="row 2, value None"):
        got = HOGFeatures(size=(16, 16), on_error="missing").fit_transform(with_null)
    np.testing.assert_array_equal(got[:2], ref[:2])
    assert np.isnan(got[2]).all()


# --------------------------------------------------- polars DataFrames ---
def _polars_frame(pl, cols):
    return pl.DataFrame(
        {
            "image": pl.Series("image", cols["image"], dtype=pl.Object),
            "text": cols["text"],
            "price": [None if np.isnan(v) else v for v in cols["price"]],
            "brand": pl.Series(cols["brand"], dtype=pl.Categorical),
        }
    )


def test_a_polars_frame_by_name_predicts_as_its_pandas_frame():
    pl = _polars()
    cols, y = _data()
    P = _polars_frame(pl, cols)
    D = _pandas(cols, brand="category")
    ref = _pipe("image", tabular=["price", "brand"]).fit(D, y)
    model = _pipe("image", tabular=["price", "brand"]).fit(P, y)
    _same_fit(model, P, ref, D)
    np.testing.assert_array_equal(model.predict(D), ref.predict(P))


def test_a_polars_frame_by_position_keeps_its_names_and_their_order():
    pl = _polars()
    cols, y = _data()
    P = _polars_frame(pl, cols).select("image", "text")
    D = _pandas({"image": cols["image"], "text": cols["text"]})
    model = _pipe(0, 1).fit(P, y)
    ref = _pipe(0, 1).fit(D, y)
    _same_fit(model, P, ref, D)
    assert list(model.feature_names_in_) == ["image", "text"]
    with warnings.catch_warnings():  # no "fitted without feature names"
        warnings.simplefilter("error")
        np.testing.assert_array_equal(model.predict(D), ref.predict(P))
    with pytest.raises(ValueError, match="feature names should match"):
        model.predict(P.select("text", "image"))


def test_a_polars_column_pandas_has_no_type_for_holds_python_values():
    # an unused Int128 column does not stop fit: its values are Python ints
    pl = _polars()
    big = pl.Series([1, 2**70, None], dtype=pl.Int128)
    X = pl.DataFrame({"text": ["red apple", "green pear", "red pear"], "big": big})
    converted = to_pandas(X)
    assert converted["big"].dtype == object
    assert converted["big"].tolist() == [1, 2**70, None]
    model = make_multimodal_pipeline(image=None, text="text").fit(X, [0, 1, 0])
    assert list(model.feature_names_in_) == ["text", "big"]


def test_a_polars_column_that_cannot_be_converted_is_named(monkeypatch):
    import skmultimodal.utils._validation as validation

    def fails(values):
        raise ValueError("no objects")

    monkeypatch.setattr(validation, "_object_array", fails)
    pl = _polars()
    big = pl.Series([1, 2], dtype=pl.Int128)
    X = pl.DataFrame({"text": ["a b", "c d"], "big": big})
    with pytest.raises(
        ValueError,
        match=r"ModalityFusion: column 'big' \(Int128\) of "
        r"the polars.DataFrame cannot be converted to pandas .*; pass "
        r"X.to_pandas\(\) instead",
    ):
        make_multimodal_pipeline(image=None, text="text").fit(X, [0, 1])


# ------------------------------------------------------ compare_models ---
def _compared(X, y):
    from skmultimodal.model_selection import compare_models

    model = _pipe(image=None, tabular=["price", "brand"])
    return compare_models({"m": model}, X, y, cv=2, random_state=0).models["m"]


def _same_comparison(got, ref):
    np.testing.assert_array_equal(got.oof_pred, ref.oof_pred)
    np.testing.assert_array_equal(got.oof_proba, ref.oof_proba)
    np.testing.assert_array_equal(got.accuracy_folds, ref.accuracy_folds)
    np.testing.assert_array_equal(got.macro_f1_folds, ref.macro_f1_folds)


def test_compare_models_takes_a_pyarrow_table_and_record_batch_as_pandas():
    cols, y = _data()
    T = _arrow(cols).select(["text", "price", "brand"])
    ref = _compared(T.to_pandas(), y)
    # the folds took rows of a Table with X[rows] (a TypeError), and of a
    # RecordBatch (read as a 1-D array)
    _same_comparison(_compared(T, y), ref)
    _same_comparison(_compared(T.to_batches()[0], y), ref)


def test_compare_models_takes_a_polars_frame_as_pandas():
    pl = _polars()
    cols, y = _data()
    P = _polars_frame(pl, cols).select("text", "price", "brand")
    D = _pandas({k: cols[k] for k in ("text", "price", "brand")}, brand="category")
    _same_comparison(_compared(P, y), _compared(D, y))


def test_a_lazy_polars_frame_is_refused_asking_to_collect_it():
    pl = _polars()
    cols, y = _data()
    lazy = _polars_frame(pl, cols).select("text", "price").lazy()
    with pytest.raises(TypeError, match=r"lazy frame \(polars.LazyFrame\).*collect"):
        _pipe(image=None).fit(lazy, y)


def test_a_polars_series_or_pyarrow_array_as_x_is_called_a_column():
    pl = _polars()
    cols, y = _data()
    model = _pipe(image=None).fit(_pandas({"text": cols["text"]}), y)
    for X, kind in (
        (pl.Series(cols["text"]), "polars.Series"),
        (pa.array(cols["text"]), "pyarrow.StringArray"),
        (pa.chunked_array([cols["text"]]), "pyarrow.ChunkedArray"),
    ):
        with pytest.raises(ValueError, match=rf"got a {kind} of 30 values, which"):
            model.predict(X)
