"""Missing modalities: each policy of ModalityFusion does what it says, at fit
and at predict alike, and predictions stay finite."""

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion.methods import ConcatFusion

METHODS = ["concat", "product", "sum", "mean", "tensor", "attention", "tokens"]


class RecordingScaler(StandardScaler):
    """A StandardScaler that records how many rows it was given."""

    def fit(self, X, y=None, sample_weight=None):
        self.seen_fit_rows_ = len(X)
        return super().fit(X, y, sample_weight)

    def transform(self, X, copy=None):
        self.seen_transform_rows_ = len(X)
        return super().transform(X, copy)


def _as_2d(col):
    return np.asarray([[float(v)] for v in col])


def _data(n=20):
    rng = np.random.RandomState(0)
    y = np.arange(n) % 2
    num = list(rng.normal(size=n) + 2 * y)
    text = [["cat", "dog"][c] + " animal" for c in y]
    X = pd.DataFrame({"num": num, "text": text}, index=[f"s{i}" for i in range(n)])
    X.loc["s1", "num"] = np.nan
    X.loc["s4", "text"] = ""
    X.loc["s5", "text"] = None
    return X, y


def _fusion(missing, method="concat"):
    return ModalityFusion(
        [
            (
                "num",
                make_pipeline(FunctionTransformer(_as_2d), RecordingScaler()),
                "num",
            ),
            ("text", TfidfVectorizer(), "text"),
        ],
        method=method,
        random_state=0,
        missing=missing,
    )


def test_error_names_rows_and_modality():
    X, y = _data()
    with pytest.raises(ValueError) as exc:
        _fusion("raise").fit(X, y)
    msg = str(exc.value)
    # one error names every modality with missing values, each with its rows
    assert (
        "modality 'num' is missing (None, NaN or empty) in row 1 (index 's1');" in msg
    )
    assert "modality 'text' is missing (None, NaN or empty) in rows 4 and 5" in msg
    X2 = X.copy()
    X2.loc["s1", "num"] = 0.0
    complete = X2.copy()
    complete.loc[["s4", "s5"], "text"] = "cat"
    fitted = _fusion("raise").fit(complete, y)
    rows = r"rows 4 and 5 \(index 's4' and 's5'\)"
    with pytest.raises(ValueError, match=rf"modality 'text' .* {rows}"):
        fitted.transform(X2)


def test_missing_rows_are_never_given_to_the_branch():
    X, y = _data()
    fusion = _fusion("zero").fit(X, y)
    scaler = fusion.named_transformers_["num"][-1]
    assert scaler.seen_fit_rows_ == len(X) - 1
    fusion.transform(X)
    assert scaler.seen_transform_rows_ == len(X) - 1
    assert fusion.named_transformers_["text"].vocabulary_ == {
        "animal": 0,
        "cat": 1,
        "dog": 2,
    }


def test_zero_policy_fills_zeros():
    X, y = _data()
    fusion = ModalityFusion(
        [
            ("num", FunctionTransformer(_as_2d), "num"),
            ("text", TfidfVectorizer(), "text"),
        ],
        method=ConcatFusion(block_norm="none"),
        missing="zero",
    )
    Z = fusion.fit_transform(X, y).toarray()
    np.testing.assert_array_equal(Z[1, 0], 0.0)
    np.testing.assert_array_equal(Z[[4, 5], 1:], 0.0)
    np.testing.assert_allclose(Z[0, 0], X["num"].iloc[0])


def test_mean_policy_fills_the_fitted_mean_of_present_rows():
    X, y = _data()
    fusion = ModalityFusion(
        [
            ("num", FunctionTransformer(_as_2d), "num"),
            ("text", TfidfVectorizer(), "text"),
        ],
        method=ConcatFusion(block_norm="none"),
        missing="mean",
    ).fit(X, y)
    present_mean = X["num"].drop("s1").mean()
    np.testing.assert_allclose(fusion.fill_values_["num"], [present_mean])
    # at predict: a new row missing `num` gets the mean fitted on training rows
    new = pd.DataFrame({"num": [np.nan, 100.0], "text": ["cat animal", None]})
    Z = fusion.transform(new).toarray()
    np.testing.assert_allclose(Z[0, 0], present_mean)
    np.testing.assert_allclose(Z[1, 1:], fusion.fill_values_["text"])
    tfidf = TfidfVectorizer().fit_transform(X["text"].drop(["s4", "s5"])).toarray()
    np.testing.assert_allclose(fusion.fill_values_["text"], tfidf.mean(axis=0))


def test_indicator_policy_adds_presence_columns():
    X, y = _data()
    fusion = _fusion("indicator")
    Z = fusion.fit_transform(X, y).toarray()
    names = list(fusion.get_feature_names_out())
    assert names[-2:] == ["presence__num", "presence__text"]
    presence = Z[:, -2:]
    expected = np.ones((len(X), 2))
    expected[1, 0] = 0.0
    expected[[4, 5], 1] = 0.0
    np.testing.assert_array_equal(presence, expected)
    assert fusion.block_layout_.names == ["num", "text", "presence"]
    mean_only = _fusion("mean").fit_transform(X, y).toarray()
    np.testing.assert_allclose(Z[:, :-2], mean_only)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("missing", ["zero", "mean", "indicator"])
def test_finite_predictions_on_rows_missing_either_modality(method, missing):
    X, y = _data()
    model = make_pipeline(_fusion(missing, method), LogisticRegression()).fit(X, y)
    new = pd.DataFrame(
        {"num": [np.nan, 0.3, 1.5], "text": ["dog animal", None, ""]},
        index=["only_text", "only_num", "x"],
    )
    proba = model.predict_proba(new)
    assert proba.shape == (3, 2) and np.isfinite(proba).all()
    assert model.predict(new).shape == (3,)


def test_modality_missing_everywhere_at_fit_is_an_error():
    X, y = _data()
    X["text"] = None
    with pytest.raises(ValueError, match="'text' is missing in every row"):
        _fusion("zero").fit(X, y)


def test_modality_missing_everywhere_at_transform_is_filled():
    X, y = _data()
    fusion = _fusion("mean").set_params(method=ConcatFusion(block_norm="none"))
    fusion.fit(X, y)
    new = pd.DataFrame({"num": [0.5, 1.0], "text": [None, None]})
    Z = fusion.transform(new)
    assert Z.shape == (2, fusion.get_feature_names_out().shape[0])
    expected = np.tile(fusion.fill_values_["text"], (2, 1))
    np.testing.assert_allclose(Z.toarray()[:, 1:], expected)


# ----------------------------------------------- pandas missing markers --
# pd.NA (convert_dtypes, read_csv with a nullable backend, Arrow strings) and
# NaT used to reach a `values == ""` scan and raise "boolean value of NA is
# ambiguous"; every pandas missing marker is a missing value, in any dtype.


@pytest.fixture(scope="module")
def image_table(tmp_path_factory):
    """(DataFrame of absolute image paths and captions, labels, CSV path)."""
    from ..cli.conftest import write_dataset

    path = write_dataset(tmp_path_factory.mktemp("na_images"), n_per_class=4)
    df = pd.read_csv(path)
    X = pd.DataFrame(
        {
            "image": [str(path.parent / p) for p in df["picture"]],
            "text": df["caption"].tolist(),
        },
        index=[f"s{i}" for i in range(len(df))],
    )
    assert X.notna().all().all()
    return X, df["label"].to_numpy(), path


def _with_holes(X, marker):
    """X with row 1's image and row 3's text missing, as ``marker`` says."""
    X = X.copy()
    if marker == "pd.NA":  # what convert_dtypes makes of None
        X = X.astype(object)
        X.iloc[1, 0] = None
        X.iloc[3, 1] = None
        X = X.convert_dtypes()
        assert str(X["image"].dtype) == "string" and X.iloc[1, 0] is pd.NA
    elif marker == "string[pyarrow]":
        pytest.importorskip("pyarrow")
        X = X.astype("string[pyarrow]")
        X.iloc[1, 0] = pd.NA
        X.iloc[3, 1] = pd.NA
    elif marker == "NaT":
        X = X.astype(object)
        X.iloc[1, 0] = pd.NaT
        X.iloc[3, 1] = pd.NaT
    else:  # pd.NA in an object column
        X = X.astype(object)
        X.iloc[1, 0] = pd.NA
        X.iloc[3, 1] = pd.NA
    return X


MARKERS = ["pd.NA", "string[pyarrow]", "NaT", "pd.NA in object"]


def _image_text_fusion(missing):
    from skmultimodal.image import PixelFeatures

    return ModalityFusion(
        [
            ("image", PixelFeatures(size=(8, 8)), "image"),
            ("text", TfidfVectorizer(), "text"),
        ],
        method="concat",
        missing=missing,
    )


@pytest.mark.parametrize("marker", MARKERS)
def test_modality_fusion_mean_with_pandas_missing_markers(image_table, marker):
    X, y, _ = image_table
    holes = _with_holes(X, marker)
    model = make_pipeline(_image_text_fusion("mean"), LogisticRegression())
    model.fit(holes, y)
    fusion = model[0]
    clean = _image_text_fusion("mean").fit(X.drop(["s1"]), np.delete(y, 1))
    # the image branch was fitted without row 1, the text branch without row 3
    assert fusion.named_transformers_["text"].vocabulary_ == (
        _image_text_fusion("mean")
        .fit(X.drop(["s3"]), np.delete(y, 3))
        .named_transformers_["text"]
        .vocabulary_
    )
    np.testing.assert_allclose(
        fusion.fill_values_["image"], clean.fill_values_["image"]
    )
    proba = model.predict_proba(holes)
    assert proba.shape == (len(X), 3) and np.isfinite(proba).all()
    assert model.predict(holes).shape == (len(X),)


@pytest.mark.parametrize("marker", MARKERS)
def test_late_fusion_skip_with_pandas_missing_markers(image_table, marker):
    from skmultimodal.fusion import LateFusionClassifier
    from skmultimodal.image import PixelFeatures

    X, y, _ = image_table
    holes = _with_holes(X, marker)
    clf = LateFusionClassifier(
        [
            (
                "image",
                make_pipeline(PixelFeatures(size=(8, 8)), LogisticRegression()),
                "image",
            ),
            ("text", make_pipeline(TfidfVectorizer(), LogisticRegression()), "text"),
        ],
        missing="skip",
    ).fit(holes, y)
    proba = clf.predict_proba(holes)
    assert proba.shape == (len(X), 3) and np.isfinite(proba).all()
    # row 1 has no image: its prediction is the text model's alone
    text_only = clf.named_estimators_["text"].predict_proba(X[["text"]].iloc[[1], 0])
    np.testing.assert_allclose(proba[1], text_only[0])


@pytest.mark.parametrize("marker", MARKERS)
def test_error_policy_names_rows_missing_as_pandas_markers(image_table, marker):
    X, y, _ = image_table
    holes = _with_holes(X, marker)
    with pytest.raises(ValueError, match=r"modality 'image' .*row 1 \(index 's1'\)"):
        _image_text_fusion("raise").fit(holes, y)
    fitted = _image_text_fusion("raise").fit(X, y)
    with pytest.raises(ValueError, match=r"modality 'image' .*row 1 \(index 's1'\)"):
        fitted.transform(holes)
    holes.iloc[1, 0] = X.iloc[1, 0]
    with pytest.raises(ValueError, match=r"modality 'text' .*row 3 \(index 's3'\)"):
        fitted.transform(holes)


def test_read_csv_with_nullable_backend(image_table, tmp_path):
    from scipy import sparse

    X, y, _ = image_table
    path = tmp_path / "holes.csv"
    with_holes = X.copy()
    with_holes.loc["s1", "image"] = None
    with_holes.loc["s3", "text"] = None
    with_holes.to_csv(path)
    df = pd.read_csv(path, index_col=0, dtype_backend="numpy_nullable")
    assert df.loc["s1", "image"] is pd.NA and df.loc["s3", "text"] is pd.NA
    df.loc["s5", "text"] = ""  # an empty string is missing as well
    model = make_pipeline(_image_text_fusion("indicator"), LogisticRegression())
    model.fit(df, y)
    Z = model[0].transform(df)
    presence = (Z.toarray() if sparse.issparse(Z) else np.asarray(Z))[:, -2:]
    expected = np.ones((len(df), 2))
    expected[1, 0] = expected[3, 1] = expected[5, 1] = 0.0
    np.testing.assert_array_equal(presence, expected)
    assert np.isfinite(model.predict_proba(df)).all()


#: id -> (a function making the column, expected mask)
COLUMNS = {
    "string": (lambda: pd.Series(["a", None, "", "b"], dtype="string"), [0, 1, 1, 0]),
    "string[python]": (
        lambda: pd.Series(["a", pd.NA, "", "b"], dtype="string[python]"),
        [0, 1, 1, 0],
    ),
    "object-every-marker": (
        lambda: pd.Series(["a", pd.NA, pd.NaT, np.nan, None, ""], dtype=object),
        [0, 1, 1, 1, 1, 1],
    ),
    "object-bytes": (lambda: pd.Series([b"x", b"", None], dtype=object), [0, 1, 1]),
    "Float64": (lambda: pd.Series([1.5, pd.NA, 2.0], dtype="Float64"), [0, 1, 0]),
    "Int64": (lambda: pd.Series([1, pd.NA, 0], dtype="Int64"), [0, 1, 0]),
    "boolean": (lambda: pd.Series([True, pd.NA], dtype="boolean"), [0, 1]),
    "datetime-NaT": (
        lambda: pd.Series(["2024-01-01", None], dtype="datetime64[ns]"),
        [0, 1],
    ),
    "category-NaN": (lambda: pd.Series(["a", None, "b"], dtype="category"), [0, 1, 0]),
    "category-empty": (lambda: pd.Series(["a", "", "b"], dtype="category"), [0, 1, 0]),
    "list": (lambda: ["a", pd.NA, "", None, np.nan], [0, 1, 1, 1, 1]),
    "list-of-images": (
        lambda: [np.zeros((2, 2)), pd.NA, np.ones((2, 2))],
        [0, 1, 0],
    ),
    "numpy-str": (lambda: np.array(["a", "", "b"]), [0, 1, 0]),
    "numpy-float": (lambda: np.array([1.0, np.nan]), [0, 1]),
    "numpy-NaT": (
        lambda: np.array(["2024-01-01", "NaT"], dtype="datetime64[D]"),
        [0, 1],
    ),
    "numpy-2d-object": (
        lambda: np.array([[1.0, pd.NA], [pd.NA, None], ["", np.nan]], dtype=object),
        [0, 1, 1],
    ),
    "dataframe-nullable": (
        lambda: pd.DataFrame(
            {"a": [1.0, None], "b": pd.array([pd.NA, pd.NA], dtype="Int64")}
        ),
        [0, 1],
    ),
}
ARROW_COLUMNS = {
    "string[pyarrow]": lambda pa: "string[pyarrow]",
    "arrow-string": lambda pa: pd.ArrowDtype(pa.string()),
    "arrow-large-string": lambda pa: pd.ArrowDtype(pa.large_string()),
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_missing_mask_of_every_dtype(name):
    from skmultimodal.fusion._columns import missing_mask

    make, expected = COLUMNS[name]
    np.testing.assert_array_equal(missing_mask(make()), np.asarray(expected, bool))


@pytest.mark.parametrize("name", list(ARROW_COLUMNS))
def test_missing_mask_of_arrow_strings(name):
    pa = pytest.importorskip("pyarrow")
    from skmultimodal.fusion._columns import missing_mask

    column = pd.Series(["a", None, "", "b"], dtype=ARROW_COLUMNS[name](pa))
    np.testing.assert_array_equal(missing_mask(column), [0, 1, 1, 0])
    binary = pd.Series([b"a", None, b""], dtype=pd.ArrowDtype(pa.binary()))
    np.testing.assert_array_equal(missing_mask(binary), [0, 1, 1])


def test_is_missing_knows_every_pandas_marker():
    from skmultimodal.utils import is_missing

    for value in (
        None,
        np.nan,
        np.float32("nan"),
        pd.NA,
        pd.NaT,
        np.datetime64("NaT", "ns"),
        "",
        b"",
    ):
        assert is_missing(value), repr(value)
    for value in ("x", 0, 0.0, False, np.zeros((2, 2)), [None], pd.Timestamp(0)):
        assert not is_missing(value), repr(value)


def test_an_all_whitespace_text_column_is_an_error_naming_the_modality():
    X, y = _data()
    X["text"] = ["   ", "\t", "\n "] * (len(X) // 3) + [" "] * (len(X) % 3)
    X.loc["s1", "num"] = 0.0  # only the text modality is missing
    with pytest.raises(ValueError, match="modality 'text' is missing"):
        _fusion("raise").fit(X, y)
    with pytest.raises(ValueError, match="modality 'text' is missing in every row"):
        _fusion("mean").fit(X, y)
    # a whitespace-only cell among texts is one more missing value
    from skmultimodal.fusion._columns import missing_mask

    X2, _ = _data()
    before = np.flatnonzero(missing_mask(X2["text"])).tolist()
    X2.iloc[0, X2.columns.get_loc("text")] = " \t "
    assert np.flatnonzero(missing_mask(X2["text"])).tolist() == sorted([0, *before])


def _labels(kind, n=20):
    y = np.arange(n) % 2
    if kind == "str-nan":
        return np.where(y == 1, "cat", "dog").astype(object), np.nan
    if kind == "str-none":
        return list(np.where(y == 1, "cat", "dog")), None
    if kind == "float-nan":
        return y.astype(float), np.nan
    if kind == "series-na":
        return pd.Series(y, dtype="Int64"), pd.NA
    return np.stack([y, 1 - y], axis=1).astype(float), np.nan  # multi-label


@pytest.mark.parametrize(
    "kind", ["str-nan", "str-none", "float-nan", "series-na", "multilabel"]
)
@pytest.mark.parametrize("late", [False, True])
def test_a_missing_target_is_refused_naming_its_rows(kind, late):
    from skmultimodal.fusion import LateFusionClassifier

    X, _ = _data()
    X = X.fillna({"num": 0.0, "text": "x"}).replace({"text": {"": "x"}})
    y, hole = _labels(kind)
    y[3], y[7] = hole, hole
    before = pd.Series(y).copy() if np.ndim(y) == 1 else np.array(y, copy=True)
    if late:
        est = LateFusionClassifier(
            [
                (
                    "num",
                    make_pipeline(FunctionTransformer(_as_2d), LogisticRegression()),
                    "num",
                ),
                (
                    "text",
                    make_pipeline(TfidfVectorizer(), LogisticRegression()),
                    "text",
                ),
            ]
        )
    else:
        est = make_pipeline(_fusion("raise"), LogisticRegression())
    # the rows are named by X's index when y has none of its own
    where = (
        "row 3, row 7."
        if kind == "series-na"
        else ("row 3 (index 's3'), row 7 (index 's7').")
    )
    with pytest.raises(ValueError, match=r"y is missing .* in 2 row\(s\): ") as err:
        est.fit(X, y)
    assert where in str(err.value)
    if np.ndim(y) == 1:  # nothing the user passed is changed
        pd.testing.assert_series_equal(pd.Series(y), before)
    else:
        np.testing.assert_array_equal(y, before)
