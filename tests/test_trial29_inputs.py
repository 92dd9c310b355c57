"""Inputs from the text-and-tables trial: a target given as a pandas
extension array with missing modality rows, numeric columns too large to
standardise, a column named twice in ``tabular=``, and label sets given
with a declared multi-label target."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion import (
    LateFusionClassifier,
    MissingModalityWarning,
    ModalityFusion,
)
from skmultimodal.fusion._methods import _rms_centred_norm
from skmultimodal.text import TextFeatures


def catalogue(n=60, seed=0):
    rng = np.random.RandomState(seed)
    label = np.array(["hat", "shoe"] * (n // 2))
    title = np.where(label == "hat", "wool hat", "running shoe").astype(object)
    title[[1, 7]] = None  # text missing in two rows
    price = np.where(label == "hat", 10.0, 100.0) + rng.normal(0, 1, n)
    return pd.DataFrame({"title": title, "price": price, "label": label})


@pytest.mark.parametrize("method", ["concat", "stack", "late"])
def test_a_target_given_as_an_extension_array_fits_as_a_series_does(method):
    # under pandas 3, Series.values of a string column is an Arrow-backed
    # extension array, which the branches' row subsets could not index
    df = catalogue()
    y = pd.array(df["label"].astype(str).tolist(), dtype="string")
    assert isinstance(y, pd.api.extensions.ExtensionArray)

    def fit(target):
        pipe = make_multimodal_pipeline(
            image=None,
            text="title",
            tabular=["price"],
            method=method,
            missing="mean",
            random_state=0,
        )
        return pipe.fit(df, target).predict(df)

    np.testing.assert_array_equal(
        np.asarray(fit(y), dtype=str), fit(df["label"].to_numpy(dtype=str))
    )


def test_extension_array_targets_reach_late_fusion_and_the_composite():
    df = catalogue()
    y = pd.array(df["label"].tolist(), dtype="string")
    weights = pd.array(np.ones(len(df)), dtype="Float64")
    late = LateFusionClassifier(
        [("text", make_pipeline(TextFeatures(), LogisticRegression()), "title")],
        missing="skip",
    )
    # rows 1 and 7 have no text: the prior, with a warning naming them
    with pytest.warns(MissingModalityWarning, match="rows 1 and 7"):
        assert late.fit(df, y).score(df, np.asarray(y, dtype=str)) > 0.9
    fusion = ModalityFusion(
        [("text", TextFeatures(), "title")], method="concat", missing="zero"
    )
    assert fusion.fit_transform(df, y, sample_weight=weights).shape[0] == len(df)


@pytest.mark.parametrize("scale", [1e155, 1e300])
def test_a_column_too_large_to_standardise_is_refused_naming_it(scale):
    # StandardScaler's variance overflows (inf at 1e155, NaN at 1e300): the
    # model was chance-level, or every row read as unreadable
    df = catalogue().assign(price=lambda d: d["price"] * scale)
    pipe = make_multimodal_pipeline(
        image=None, text="title", tabular=["price"], missing="mean", random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow warning
        with pytest.raises(
            ValueError,
            match=r"numeric table column 'price' holds 60 cell\(s\) that are too "
            r"large to standardise .*the first on row 0 .*rescale the column",
        ):
            pipe.fit(df, df["label"])


def test_one_huge_cell_is_named_and_large_columns_still_fit():
    df = catalogue()
    df.loc[7, "price"] = 1e160
    pipe = make_multimodal_pipeline(
        image=None, text="title", tabular=["price"], missing="mean", random_state=0
    )
    with pytest.raises(ValueError, match=r"holds 1 cell\(s\) .* on row 7 .*1e\+160"):
        pipe.fit(df, df["label"])
    # large values that standardise fine are not refused
    df = catalogue().assign(price=lambda d: d["price"] * 1e150)
    assert pipe.fit(df, df["label"]).score(df, df["label"]) == 1.0


def test_the_block_norm_of_huge_finite_values_does_not_overflow():
    block = np.array([[1.0, 2.0], [3.0, 5.0], [0.0, 1.0]])
    for scale in (1.0, 1e155, 1e300):
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            got = _rms_centred_norm(block * scale)
        assert got == pytest.approx(_rms_centred_norm(block) * scale, rel=1e-12)
    w = np.array([1.0, 2.0, 1.0])
    assert _rms_centred_norm(block * 1e300, w) == pytest.approx(
        _rms_centred_norm(block, w) * 1e300, rel=1e-12
    )
    from scipy import sparse

    assert _rms_centred_norm(sparse.csr_matrix(block * 1e300)) == pytest.approx(
        _rms_centred_norm(block) * 1e300, rel=1e-12
    )


@pytest.mark.parametrize(
    "tabular, where",
    [
        (["price", "price"], ""),
        ({"numeric": ["price"], "categorical": ["price"]}, " (as numeric and as"),
    ],
)
def test_a_column_named_twice_in_tabular_is_refused_when_building(tabular, where):
    with pytest.raises(
        ValueError,
        match=r"tabular= names column 'price' more than once"
        + where.replace("(", r"\("),
    ):
        make_multimodal_pipeline(image=None, text="title", tabular=tabular)


def test_label_sets_with_a_declared_multilabel_target_are_refused_up_front():
    from skmultimodal.datasets import make_multimodal_classification

    X, y = make_multimodal_classification(n_samples=120, random_state=0)
    tags = [{"red", "round"} if c == 0 else {"round"} for c in y]
    pipe = make_multimodal_pipeline(
        target_type="multilabel-indicator", image_features="pixels"
    )
    with pytest.raises(
        ValueError,
        match=r"needs a 0/1 label matrix y .* first row is of type set\)\. Turn "
        r"label sets or lists into such a matrix with "
        r"sklearn\.preprocessing\.MultiLabelBinarizer",
    ):
        pipe.fit(X, tags)


@pytest.mark.parametrize(
    "weights, shown",
    [
        ({"image": "2", "text": 1}, r"'2' \(str\) in \{'image': '2', 'text': 1\}"),
        ({"image": True, "text": 1}, r"True \(bool\)"),
        (["a", 1], r"'a' \(str\) in \['a', 1\]"),
    ],
)
def test_weights_given_as_text_or_bool_are_refused(weights, shown):
    # "2" was read as 2.0 and True as 1.0; a list with a text was refused
    from skmultimodal.datasets import make_multimodal_classification

    X, y = make_multimodal_classification(n_samples=60, random_state=0)
    pipe = make_multimodal_pipeline(
        method="sum", weights=weights, image_features="pixels"
    )
    with pytest.raises(ValueError, match=r"weights must be numbers; got " + shown):
        pipe.fit(X, y)
