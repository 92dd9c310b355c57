"""Unreadable images under ``on_error="blank"`` are missing modalities.

The reference for every policy is the same data with ``None`` in place of
the unreadable items: fitting on either must give the same fitted branch
and the same fused output, at fit and at transform.
"""

import warnings

import cv2
import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union
from sklearn.preprocessing import StandardScaler

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.image import (
    ColorHistogram,
    ImageDecodeError,
    ImageReader,
    ImageWarning,
    PixelFeatures,
    Resize,
)
from skmultimodal.utils import collect_unreadable, report_unreadable
from tests._docs_runner import USER_GUIDE, assert_code_blocks_print_what_they_claim

N = 24
BAD = ["s2", "s5", "s9"]  # missing file, garbage bytes, truncated PNG


class RecordingScaler(StandardScaler):
    """A StandardScaler that records how many rows it was fitted on."""

    def fit(self, X, y=None, sample_weight=None):
        self.seen_fit_rows_ = len(X)
        return super().fit(X, y, sample_weight)


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """(X with unreadable items, the same X with None there, y)."""
    folder = tmp_path_factory.mktemp("unreadable")
    rng = np.random.RandomState(0)
    y = np.arange(N) % 2
    paths = []
    for i, label in enumerate(y):
        img = rng.randint(0, 90, (12, 10, 3), dtype=np.uint8) + 150 * label
        path = folder / f"img{i}.png"
        cv2.imwrite(str(path), img)
        paths.append(str(path))
    garbage = folder / "garbage.png"
    garbage.write_bytes(b"this is not an image")
    ok, buf = cv2.imencode(".png", np.zeros((12, 10, 3), np.uint8))
    truncated = folder / "truncated.png"
    truncated.write_bytes(buf.tobytes()[: len(buf) // 2])
    index = [f"s{i}" for i in range(N)]
    text = [["cat", "dog"][c] + " animal " + "xyz"[i % 3] for i, c in enumerate(y)]
    X = pd.DataFrame({"image": paths, "text": text}, index=index)
    X.loc["s2", "image"] = str(folder / "no_such_file.png")
    X.loc["s5", "image"] = str(garbage)
    X.loc["s9", "image"] = str(truncated)
    X_none = X.copy()
    X_none.loc[BAD, "image"] = None
    return X, X_none, y


def _image_branch(**reader):
    return make_pipeline(
        PixelFeatures(size=(4, 4), color="rgb", on_error="blank", **reader),
        RecordingScaler(),
    )


def _fusion(missing, method="concat", n_jobs=None):
    return ModalityFusion(
        [("image", _image_branch(), "image"), ("text", TfidfVectorizer(), "text")],
        method=method,
        random_state=0,
        missing=missing,
        n_jobs=n_jobs,
    )


def _dense(Z):
    return Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z)


def _quiet(func, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImageWarning)
        return func(*args)


@pytest.mark.parametrize("missing", ["zero", "mean", "indicator"])
@pytest.mark.parametrize("method", ["concat", "product", "tensor"])
def test_unreadable_rows_equal_none_rows_at_fit_and_transform(tables, missing, method):
    X, X_none, y = tables
    fusion = _fusion(missing, method)
    Z_fit = _dense(_quiet(fusion.fit_transform, X, y))
    reference = _fusion(missing, method)
    Z_ref = _dense(reference.fit_transform(X_none, y))
    np.testing.assert_allclose(Z_fit, Z_ref)
    # the blank never reached the fitted branch
    assert fusion.named_transformers_["image"][-1].seen_fit_rows_ == N - len(BAD)
    np.testing.assert_allclose(
        fusion.fill_values_["image"], reference.fill_values_["image"]
    )
    # transform: the fitted fusion treats unreadable and None rows alike
    # (fit_transform of the class-score methods gives out-of-fold scores, so
    # transform is compared with the reference's transform)
    Z_ref = _dense(reference.transform(X_none))
    np.testing.assert_allclose(_dense(_quiet(fusion.transform, X)), Z_ref)
    np.testing.assert_allclose(_dense(fusion.transform(X_none)), Z_ref)


def test_each_policy_fills_unreadable_rows_as_it_says(tables):
    X, _, y = tables
    bad = X.index.isin(BAD)
    image_cols = slice(0, 48)  # 4 x 4 RGB pixels come first

    zero = _quiet(_fusion("zero").fit, X, y)
    Z = _dense(_quiet(zero.transform, X))
    assert np.all(Z[bad, image_cols] == 0.0)
    assert np.abs(Z[~bad, image_cols]).sum() > 0

    mean = _quiet(_fusion("mean").fit, X, y)
    Z = _dense(_quiet(mean.transform, X))
    fill = mean.fill_values_["image"]
    # the mean of the standardised readable rows, not of rows with blanks
    np.testing.assert_allclose(fill, 0.0, atol=1e-6)
    np.testing.assert_allclose(Z[bad, image_cols], 0.0, atol=1e-6)
    assert np.abs(Z[~bad, image_cols]).sum() > 0

    indicator = _quiet(_fusion("indicator").fit, X, y)
    Z = _dense(_quiet(indicator.transform, X))
    names = list(indicator.get_feature_names_out())
    image_presence = Z[:, names.index("presence__image")]
    np.testing.assert_array_equal(image_presence, (~bad).astype(float))
    np.testing.assert_array_equal(Z[:, names.index("presence__text")], 1.0)


def test_error_policy_names_rows_paths_and_reasons(tables):
    X, _, y = tables
    with pytest.raises(ValueError) as exc:
        _fusion("error").fit(X, y)
    msg = str(exc.value)
    assert "modality 'image' could not be read in 3 row(s) in fit" in msg
    assert "row 2 (index 's2')" in msg and "file not found" in msg
    assert "row 5 (index 's5')" in msg and "not a decodable image" in msg
    assert "row 9 (index 's9')" in msg and "truncated PNG" in msg
    assert "missing='zero', 'mean' or 'indicator'" in msg

    clean = X.drop(index=BAD)
    fitted = _fusion("error").fit(clean, y[~X.index.isin(BAD)])
    with pytest.raises(ValueError, match=r"read in 3 row\(s\) in transform"):
        fitted.transform(X)


def test_one_warning_from_the_fusion_naming_rows(tables):
    X, _, y = tables
    with pytest.warns(ImageWarning) as record:
        _fusion("mean").fit(X, y)
    # the extractor's own "substituted a blank image" warning is replaced by
    # the fusion's, which says what happens to the rows
    assert len(record) == 1
    msg = str(record[0].message)
    assert msg.startswith("ModalityFusion: modality 'image' could not be read")
    assert "treated as missing" in msg and "row 5 (index 's5')" in msg


def test_parallel_branches_still_report(tables):
    X, X_none, y = tables
    Z = _dense(_quiet(_fusion("mean", n_jobs=2).fit_transform, X, y))
    np.testing.assert_allclose(Z, _dense(_fusion("mean").fit_transform(X_none, y)))


def _union_fusion(n_jobs):
    union = make_union(
        PixelFeatures(size=(4, 4), on_error="blank"),
        ColorHistogram(bins=2, on_error="blank"),
        n_jobs=n_jobs,
    )
    return ModalityFusion([("image", union, "image")], missing="zero")


def test_global_joblib_config_still_reports(tables):
    # under a global n_jobs the branches run in workers and the union nested
    # in a branch runs sequentially there, in the branch's own process
    X, X_none, y = tables
    with parallel_config(n_jobs=2):
        Z = _quiet(_union_fusion(None).fit_transform, X, y)
    np.testing.assert_allclose(Z, _union_fusion(None).fit_transform(X_none, y))


def test_nested_parallel_union_is_warned_about(tables):
    X, _, y = tables
    with pytest.warns(UserWarning, match="FeatureUnion with n_jobs=2, which runs"):
        _quiet(_union_fusion(2).fit, X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        _union_fusion(None).fit(X.drop(index=BAD), y[~X.index.isin(BAD)])


def test_reader_pipeline_reports_too(tables):
    # the unreadable rows come from ImageReader, the first step of the branch
    X, X_none, y = tables

    def fusion():
        branch = make_pipeline(
            ImageReader(on_error="blank"),
            Resize((4, 4)),
            PixelFeatures(size=(4, 4)),
            StandardScaler(),
        )
        return ModalityFusion([("image", branch, "image")], missing="zero")

    Z = _quiet(fusion().fit_transform, X, y)
    np.testing.assert_allclose(Z, fusion().fit_transform(X_none, y))


def test_finite_predictions_with_unreadable_rows(tables):
    X, _, y = tables
    model = make_pipeline(_fusion("indicator"), LogisticRegression())
    _quiet(model.fit, X, y)
    proba = _quiet(model.predict_proba, X)
    assert np.isfinite(proba).all()
    image_only = X.copy()
    image_only["text"] = "zzz"  # unknown words: nothing left from the text
    assert np.isfinite(_quiet(model.predict_proba, image_only)).all()


def test_every_row_unreadable_at_fit_is_an_error(tables):
    X, _, y = tables
    X_all_bad = X.copy()
    X_all_bad["image"] = X.loc["s2", "image"]
    with pytest.raises(ValueError, match="missing or unreadable in every row"):
        _quiet(_fusion("zero").fit, X_all_bad, y)


class _ReportsRowZero(TransformerMixin, BaseEstimator):
    """A branch that reports its first row unreadable on every call, like
    files that break between the two reads of ``fit``."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        report_unreadable({0: "gone"})
        return np.ones((len(X), 1))


def test_rows_that_break_between_the_two_reads_of_fit(tables):
    X, _, y = tables
    fusion = ModalityFusion([("image", _ReportsRowZero(), "image")], missing="zero")
    with pytest.warns(UserWarning, match="treated as missing: row 0 .*, gone"):
        with pytest.raises(ValueError, match="files changed during fit"):
            fusion.fit(X, y)


def test_collectors_nest_and_restore():
    with collect_unreadable() as outer:
        report_unreadable({1: "a"}, category=ImageWarning)
        with collect_unreadable() as inner:
            report_unreadable({0: "b"})
            report_unreadable({0: "c"})  # first reason wins
        report_unreadable({3: "d"})
    assert outer.rows.tolist() == [1, 3] and outer.category is ImageWarning
    assert inner.reasons == {0: "b"} and inner.category is UserWarning
    assert not report_unreadable({0: "nobody listens"})


def test_extractor_outside_a_collector_still_warns(tables):
    X, _, _ = tables
    with pytest.warns(ImageWarning, match="substituted a blank image for 3"):
        out = PixelFeatures(size=(2, 2), on_error="blank").fit_transform(X["image"])
    assert out.shape == (N, 4)


# -- late fusion -------------------------------------------------------------
def _late(missing, weights=None):
    return LateFusionClassifier(
        [
            ("image", make_pipeline(_image_branch(), LogisticRegression()), "image"),
            ("text", make_pipeline(TfidfVectorizer(), LogisticRegression()), "text"),
        ],
        missing=missing,
        weights=weights,
        cv=3,
    )


@pytest.mark.parametrize("weights", [None, "auto"])
def test_late_fusion_skips_unreadable_rows_like_missing_ones(tables, weights):
    X, X_none, y = tables
    with pytest.warns(ImageWarning) as record:
        late = _late("skip", weights).fit(X, y)
    # one warning from the first fit; the internal CV of "auto" never sees
    # the unreadable rows
    assert len(record) == 1
    reference = _late("skip", weights).fit(X_none, y)
    np.testing.assert_allclose(late.weights_, reference.weights_)
    image_model = late.named_estimators_["image"]
    assert image_model[0][-1].seen_fit_rows_ == N - len(BAD)
    np.testing.assert_allclose(
        _quiet(late.predict_proba, X), reference.predict_proba(X_none)
    )
    # an unreadable row's probability is the text model's alone
    bad = X.loc[BAD]
    np.testing.assert_allclose(
        _quiet(late.predict_proba, bad),
        late.named_estimators_["text"].predict_proba(bad["text"]),
    )


def test_late_fusion_error_policy_names_unreadable_rows(tables):
    X, _, y = tables
    with pytest.raises(ValueError, match=r"row 5 \(index 's5'\).*missing='skip'"):
        _late("error").fit(X, y)


def test_late_fusion_row_with_nothing_readable_is_an_error(tables):
    X, _, y = tables
    late = _quiet(_late("skip").fit, X, y)
    X2 = X.loc[BAD].copy()
    X2["text"] = None
    with pytest.raises(ValueError, match="every modality is missing or unreadable"):
        _quiet(late.predict_proba, X2)


# -- the pipeline builder ----------------------------------------------------
def test_builder_turns_unreadable_images_into_missing_ones(tables):
    X, X_none, y = tables
    pipe = make_multimodal_pipeline(
        missing="mean", image_features="pixels", random_state=0
    )
    _quiet(pipe.fit, X, y)
    proba = _quiet(pipe.predict_proba, X)
    reference = make_multimodal_pipeline(
        missing="mean", image_features="pixels", random_state=0
    )
    np.testing.assert_allclose(proba, reference.fit(X_none, y).predict_proba(X_none))

    strict = make_multimodal_pipeline(image_features="pixels")
    with pytest.raises(ImageDecodeError, match=r"row 2 \(index 's2'\)"):
        strict.fit(X, y)

    late = make_multimodal_pipeline(method="late", missing="zero")
    assert late.named_steps["fusion"].missing == "zero"


def test_user_guide_example():
    # the self-contained example of the fusion guide's "Unreadable images"
    assert_code_blocks_print_what_they_claim(
        USER_GUIDE / "fusion.md", containing="/no/such/file.png"
    )
