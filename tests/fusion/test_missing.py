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
        _fusion("error").fit(X, y)
    msg = str(exc.value)
    assert "modality 'num'" in msg and "rows [1]" in msg and "'s1'" in msg
    X2 = X.copy()
    X2.loc["s1", "num"] = 0.0
    complete = X2.copy()
    complete.loc[["s4", "s5"], "text"] = "cat"
    fitted = _fusion("error").fit(complete, y)
    with pytest.raises(ValueError, match=r"modality 'text' .* rows \[4, 5\]"):
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
