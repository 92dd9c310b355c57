"""Unreadable items are missing modalities, found by value.

A branch whose output is entirely NaN in a row could not read that row's
item (an extractor with ``on_error="missing"``). The reference for every
policy is the same data with ``None`` in place of the unreadable items:
fitting on either must give the same fitted branch and the same fused
output, at fit and at transform, however the branches are run (in
parallel, in a ``FeatureUnion(n_jobs=2)``, under a joblib backend).

Most tests use :class:`NaNForBad`, a stand-in extractor; the last ones read
real image files.
"""

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_backend, parallel_config
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion.methods import ConcatFusion
from tests._workers import NONE_OR_TWO

N = 24
BAD = ["s2", "s5", "s9"]


class NaNForBad(TransformerMixin, BaseEstimator):
    """Stands in for an image extractor with ``on_error="missing"``: an item
    starting with ``"bad"`` gives a row of NaN, any other ``"<k>"`` item
    three features computed from ``k``.

    ``offset`` tells two instances in a union apart.
    """

    def __init__(self, offset=0.0):
        self.offset = offset

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        out = np.full((len(X), 3), np.nan)
        for i, item in enumerate(X):
            if not str(item).startswith("bad"):
                k = float(item)
                out[i] = [k, k % 3, np.sin(k) + self.offset]
        return out

    def get_feature_names_out(self, input_features=None):
        return np.array(["f0", "f1", "f2"], dtype=object)


class RecordingScaler(StandardScaler):
    """A StandardScaler that records how many rows it was fitted on (it
    passes NaN rows through, as the scalers after an extractor must)."""

    def fit(self, X, y=None, sample_weight=None):
        self.seen_fit_rows_ = len(X)
        return super().fit(X, y, sample_weight)


@pytest.fixture(scope="module")
def tables():
    """(X with unreadable items, the same X with None there, y)."""
    y = np.arange(N) % 2
    items = [str(i + 10 * c) for i, c in enumerate(y)]
    text = [["cat", "dog"][c] + " animal " + "xyz"[i % 3] for i, c in enumerate(y)]
    index = [f"s{i}" for i in range(N)]
    X = pd.DataFrame({"image": items, "text": text}, index=index)
    X_none = X.copy()
    X.loc[BAD, "image"] = [f"bad{b}" for b in BAD]
    X_none.loc[BAD, "image"] = None
    return X, X_none, y


def _branch():
    return make_pipeline(NaNForBad(), RecordingScaler())


def _fusion(missing, method="concat", n_jobs=None, branch=None):
    return ModalityFusion(
        [
            ("image", branch if branch is not None else _branch(), "image"),
            ("text", TfidfVectorizer(), "text"),
        ],
        method=method,
        random_state=0,
        missing=missing,
        n_jobs=n_jobs,
    )


def _dense(Z):
    return Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z)


def _quiet(func, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
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
    # the NaN rows never reached the fitted branch
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
    image_cols = slice(0, 3)

    zero = _quiet(_fusion("zero").fit, X, y)
    Z = _dense(_quiet(zero.transform, X))
    assert np.all(Z[bad, image_cols] == 0.0)
    assert np.abs(Z[~bad, image_cols]).sum() > 0

    mean = _quiet(_fusion("mean").fit, X, y)
    Z = _dense(_quiet(mean.transform, X))
    # the mean of the standardised readable rows, not of NaN rows
    np.testing.assert_allclose(mean.fill_values_["image"], 0.0, atol=1e-6)
    np.testing.assert_allclose(Z[bad, image_cols], 0.0, atol=1e-6)
    assert np.isfinite(Z).all()

    indicator = _quiet(_fusion("indicator").fit, X, y)
    Z = _dense(_quiet(indicator.transform, X))
    names = list(indicator.get_feature_names_out())
    image_presence = Z[:, names.index("presence__image")]
    np.testing.assert_array_equal(image_presence, (~bad).astype(float))
    np.testing.assert_array_equal(Z[:, names.index("presence__text")], 1.0)


def test_raise_policy_names_modality_and_rows(tables):
    X, _, y = tables
    with pytest.raises(ValueError) as exc:
        _fusion("raise").fit(X, y)
    msg = str(exc.value)
    assert "modality 'image' could not be read in 3 row(s) in fit" in msg
    assert "all NaN" in msg
    assert "rows 2, 5 and 9 (index 's2', 's5' and 's9')" in msg
    assert "missing='zero', 'mean' or 'indicator'" in msg

    clean = X.drop(index=BAD)
    fitted = _fusion("raise").fit(clean, y[~X.index.isin(BAD)])
    with pytest.raises(ValueError, match=r"read in 3 row\(s\) in transform"):
        fitted.transform(X)


def test_one_warning_from_the_fusion_naming_rows(tables):
    X, _, y = tables
    with pytest.warns(UserWarning) as record:
        _fusion("mean").fit(X, y)
    assert len(record) == 1
    msg = str(record[0].message)
    assert msg.startswith("ModalityFusion: modality 'image' could not be read")
    assert "treated as missing: rows 2, 5 and 9 (index 's2', 's5' and 's9')" in msg


# -- wherever the branches run -----------------------------------------------
def _union_branch(n_jobs):
    union = FeatureUnion(
        [("a", NaNForBad()), ("b", NaNForBad(offset=1.0))], n_jobs=n_jobs
    )
    return make_pipeline(union, RecordingScaler())


def _reference(X_none, y, branch=None):
    return _dense(_fusion("mean", branch=branch).fit_transform(X_none, y))


def test_parallel_branches(tables):
    X, X_none, y = tables
    fusion = _fusion("mean", n_jobs=2)
    with pytest.warns(UserWarning, match="could not be read in 3 row"):
        Z = _dense(fusion.fit_transform(X, y))
    np.testing.assert_allclose(Z, _reference(X_none, y))
    np.testing.assert_allclose(
        _dense(_quiet(fusion.transform, X)), _dense(fusion.transform(X_none))
    )


def test_parallel_feature_union_inside_a_branch(tables):
    X, X_none, y = tables
    fusion = _fusion("mean", branch=_union_branch(2))
    with pytest.warns(UserWarning, match="could not be read in 3 row"):
        Z = _dense(fusion.fit_transform(X, y))
    np.testing.assert_allclose(Z, _reference(X_none, y, _union_branch(None)))
    assert fusion.named_transformers_["image"][-1].seen_fit_rows_ == N - len(BAD)


@pytest.mark.parametrize("context", ["parallel_backend", "parallel_config"])
def test_under_a_joblib_backend(tables, context):
    X, X_none, y = tables
    backend = (
        parallel_backend("loky", n_jobs=2)
        if context == "parallel_backend"
        else parallel_config(n_jobs=2)
    )
    with backend:
        fusion = _fusion("mean", n_jobs=2, branch=_union_branch(2))
        Z = _dense(_quiet(fusion.fit_transform, X, y))
        Z_t = _dense(_quiet(fusion.transform, X))
    expected = _reference(X_none, y, _union_branch(None))
    np.testing.assert_allclose(Z, expected)
    np.testing.assert_allclose(Z_t, expected)


@pytest.mark.slow  # worker processes
def test_on_dask_workers(tables):
    pytest.importorskip("dask.distributed")
    from tests._dask import loopback_client

    # the worker processes import this module (NaNForBad) from the repository
    X, X_none, y = tables
    with loopback_client(), parallel_backend("dask"):
        fusion = _fusion("mean", n_jobs=2, branch=_union_branch(2))
        Z = _dense(_quiet(fusion.fit_transform, X, y))
        Z_t = _dense(_quiet(fusion.transform, X))
    expected = _reference(X_none, y, _union_branch(None))
    np.testing.assert_allclose(Z, expected)
    np.testing.assert_allclose(Z_t, expected)


# -- what is not a missing row -------------------------------------------------
class PartlyBad(NaNForBad):
    """A NaN (or inf) in one column only of the rows marked bad."""

    def __init__(self, value=np.nan):
        self.value = value

    def transform(self, X):
        out = np.zeros((len(X), 3))
        out[[str(v).startswith("bad") for v in X], 1] = self.value
        return out


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_partly_nan_or_inf_rows_are_an_error_naming_rows(tables, value):
    X, _, y = tables
    fusion = ModalityFusion([("image", PartlyBad(value), "image")], missing="mean")
    with pytest.raises(ValueError) as exc:
        fusion.fit(X, y)
    msg = str(exc.value)
    assert "transformer 'image' returned NaN or inf values in fit" in msg
    assert "rows 2, 5 and 9 (index 's2', 's5' and 's9')" in msg
    fitted = ModalityFusion([("image", PartlyBad(value), "image")]).fit(
        X.drop(index=BAD)
    )
    with pytest.raises(ValueError, match=r"in transform in rows 2, 5 and 9 "):
        fitted.transform(X)


def test_every_row_unreadable_at_fit_is_an_error(tables):
    X, _, y = tables
    X_all_bad = X.assign(image="bad")
    with pytest.raises(ValueError, match="missing or unreadable in every row"):
        _quiet(_fusion("zero").fit, X_all_bad, y)


class FirstRowBad(NaNForBad):
    """A branch whose first row is unreadable on every call, like files
    that break between the two reads of ``fit``."""

    def transform(self, X):
        out = np.ones((len(X), 1))
        out[0] = np.nan
        return out


def test_rows_that_break_between_the_two_reads_of_fit(tables):
    X, _, y = tables
    fusion = ModalityFusion([("image", FirstRowBad(), "image")], missing="zero")
    with pytest.warns(UserWarning, match=r"treated as missing: row 0 \(index 's0'\)"):
        with pytest.raises(ValueError, match="files changed during fit"):
            fusion.fit(X, y)


# -- late fusion -------------------------------------------------------------
def _late(missing, weights=None, n_jobs=None):
    return LateFusionClassifier(
        [
            ("image", make_pipeline(_branch(), LogisticRegression()), "image"),
            ("text", make_pipeline(TfidfVectorizer(), LogisticRegression()), "text"),
        ],
        missing=missing,
        weights=weights,
        cv=3,
        n_jobs=n_jobs,
    )


@pytest.mark.parametrize("weights", [None, "auto"])
@pytest.mark.parametrize("n_jobs", NONE_OR_TWO)
def test_late_fusion_skips_unreadable_rows_like_missing_ones(tables, weights, n_jobs):
    X, X_none, y = tables
    with pytest.warns(UserWarning) as record:
        late = _late("skip", weights, n_jobs).fit(X, y)
    # one warning from the first fit; the internal CV of "auto" never sees
    # the unreadable rows
    assert len(record) == 1
    assert "LateFusionClassifier: modality 'image' could not be read" in str(
        record[0].message
    )
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


def test_late_fusion_raise_policy_names_unreadable_rows(tables):
    X, _, y = tables
    with pytest.raises(ValueError, match=r"rows 2, 5 and 9 .*missing='skip'"):
        _late("raise").fit(X, y)


def test_late_fusion_row_with_nothing_readable_gets_the_class_prior(tables):
    """A row whose image is unreadable and whose text is missing carries no
    evidence: under missing="skip" it gets the training class prior, with a
    warning naming the rows."""
    X, _, y = tables
    late = _quiet(_late("skip").fit, X, y)
    X2 = X.loc[BAD].copy()
    X2["text"] = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        proba = late.predict_proba(X2)
    assert any("training class prior" in str(w.message) for w in caught)
    np.testing.assert_allclose(proba, np.tile(late.class_prior_, (len(BAD), 1)))


# -- the old spelling of "raise" ---------------------------------------------
def test_missing_error_is_a_deprecated_spelling_of_raise(tables):
    from skmultimodal import make_multimodal_pipeline

    X, X_none, y = tables
    for estimator in (_fusion("error"), _late("error")):
        with (
            pytest.warns(FutureWarning, match="use missing='raise'"),
            pytest.raises(ValueError, match=r"missing \(None, NaN or empty\)"),
        ):
            estimator.fit(X_none, y)
    assert ModalityFusion([]).missing == "raise"
    assert LateFusionClassifier([]).missing == "raise"
    with pytest.warns(FutureWarning, match="use missing='raise'"):
        pipe = make_multimodal_pipeline(missing="error")
    assert pipe.named_steps["fusion"].missing == "raise"
    assert make_multimodal_pipeline().named_steps["fusion"].missing == "raise"


# -- real image files --------------------------------------------------------
@pytest.fixture(scope="module")
def image_tables(tmp_path_factory):
    """(X with unreadable image files, the same X with None there, y)."""
    cv2 = pytest.importorskip("cv2")
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
    index = [f"s{i}" for i in range(N)]
    text = [["cat", "dog"][c] + " animal " + "xyz"[i % 3] for i, c in enumerate(y)]
    X = pd.DataFrame({"image": paths, "text": text}, index=index)
    X.loc["s2", "image"] = str(folder / "no_such_file.png")
    X.loc["s5", "image"] = str(garbage)
    X_none = X.copy()
    X_none.loc[["s2", "s5"], "image"] = None
    return X, X_none, y


def _image_fusion(n_jobs=None):
    from skmultimodal.image import ImageFeatures

    pixels = ImageFeatures("pixels", method_params={"on_error": "missing"})
    return ModalityFusion(
        [
            ("image", make_pipeline(pixels, StandardScaler()), "image"),
            ("text", TfidfVectorizer(), "text"),
        ],
        method=ConcatFusion(),
        missing="indicator",
        n_jobs=n_jobs,
    )


@pytest.mark.parametrize("n_jobs", NONE_OR_TWO)
def test_missing_image_files_end_to_end(image_tables, n_jobs):
    X, X_none, y = image_tables
    fusion = _image_fusion(n_jobs)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        Z = _dense(fusion.fit_transform(X, y))
    messages = [str(w.message) for w in record]
    assert any(
        "ModalityFusion: modality 'image' could not be read" in m for m in messages
    )
    reference = _image_fusion()
    np.testing.assert_allclose(Z, _dense(reference.fit_transform(X_none, y)))
    names = list(fusion.get_feature_names_out())
    presence = Z[:, names.index("presence__image")]
    np.testing.assert_array_equal(presence, ~X.index.isin(["s2", "s5"]))
    np.testing.assert_allclose(
        _dense(_quiet(fusion.transform, X)), _dense(reference.transform(X_none))
    )


def test_builder_turns_unreadable_images_into_missing_ones(image_tables):
    from skmultimodal import make_multimodal_pipeline

    X, X_none, y = image_tables
    pipe = make_multimodal_pipeline(
        missing="mean", image_features="pixels", random_state=0
    )
    _quiet(pipe.fit, X, y)
    proba = _quiet(pipe.predict_proba, X)
    reference = make_multimodal_pipeline(
        missing="mean", image_features="pixels", random_state=0
    )
    np.testing.assert_allclose(proba, reference.fit(X_none, y).predict_proba(X_none))

    from skmultimodal.image import ImageDecodeError

    strict = make_multimodal_pipeline(image_features="pixels")
    with pytest.raises(ImageDecodeError, match=r"row 2 \(index 's2'\)"):
        strict.fit(X, y)


def test_user_guide_example():
    from tests._docs_runner import USER_GUIDE, assert_code_blocks_print_what_they_claim

    # the self-contained example of the fusion guide's "Unreadable images"
    assert_code_blocks_print_what_they_claim(
        USER_GUIDE / "fusion.md", containing="/no/such/file.png"
    )


@pytest.mark.parametrize("late", [False, True])
@pytest.mark.parametrize("n_jobs", NONE_OR_TWO)
def test_an_image_error_in_a_branch_names_the_modality(tmp_path, late, n_jobs):
    from skmultimodal.image import ImageDecodeError, PixelFeatures

    images = [np.full((6, 6, 3), 40 * k, np.uint8) for k in range(6)]
    X = pd.DataFrame(
        {"picture": images, "text": ["cat a", "dog b"] * 3}, index=list("abcdef")
    )
    y = np.arange(6) % 2
    branches = [
        ("photo", PixelFeatures(size=(2, 2)), "picture"),
        ("text", TfidfVectorizer(), "text"),
    ]
    if late:
        est = LateFusionClassifier(
            [(n, make_pipeline(e, LogisticRegression()), c) for n, e, c in branches],
            n_jobs=n_jobs,
        )
        hint = "missing='skip'"
    else:
        est = make_pipeline(
            ModalityFusion(branches, n_jobs=n_jobs), LogisticRegression()
        )
        hint = "make_multimodal_pipeline(missing='mean')"
    bad = X.copy()
    bad.loc["d", "picture"] = str(tmp_path / "gone.png")
    for call in (est.fit, est.fit(X, y).predict):
        with pytest.raises(ImageDecodeError) as err:
            call(bad, y) if call == est.fit else call(bad)
        msg = str(err.value)
        assert msg.startswith("modality 'photo': cannot read image at row 3 (index")
        assert "gone.png': file not found. " in msg and hint in msg


def _as(kind, column, index):
    """An X of ``kind``: ``column`` (``"picture"``) beside a text column."""
    text = ["cat a", "dog b"] * (len(column) // 2)
    if kind == "dict of lists":
        return {"picture": list(column), "text": text}
    if kind == "dict of arrays":
        return {"picture": np.array(column, dtype=object), "text": np.array(text)}
    if kind == "2-D array":
        return np.array([list(column), text], dtype=object).T
    return pd.DataFrame({"picture": column, "text": text}, index=index)


KINDS = ["DataFrame", "DataFrame with labels", "dict of lists", "dict of arrays"]


@pytest.mark.parametrize("kind", [*KINDS, "2-D array"])
@pytest.mark.parametrize("n_jobs", NONE_OR_TWO)
@pytest.mark.parametrize("late", [False, True])
def test_a_branch_names_the_callers_row_after_missing_rows_are_left_out(
    tmp_path, kind, n_jobs, late
):
    # rows 1 and 2 are missing, so the branch sees 4 rows; the unreadable
    # image is the branch's row 1 but the caller's row 4
    from skmultimodal.image import ImageDecodeError, PixelFeatures

    column = [np.full((6, 6, 3), 40 * k, np.uint8) for k in range(6)]
    column[1] = column[2] = None
    column[4] = str(tmp_path / "gone.png")
    labels = list("abcdef") if kind == "DataFrame with labels" else None
    X = _as(kind, column, labels)
    table = isinstance(X, dict | pd.DataFrame)
    branch = [("photo", PixelFeatures(size=(2, 2)), "picture" if table else 0)]
    if late:
        branch.append(("text", TfidfVectorizer(), "text" if table else 1))
        branch = [(n, make_pipeline(e, LogisticRegression()), c) for n, e, c in branch]
        est = LateFusionClassifier(branch, missing="skip", n_jobs=n_jobs)
    else:
        est = ModalityFusion(branch, missing="zero", n_jobs=n_jobs)
    row = "row 4 (index 'e')" if labels else "row 4"
    with pytest.raises(ImageDecodeError, match=rf"at {re.escape(row)}, path"):
        est.fit(X, np.arange(6) % 2)
    assert X is not None and (labels is None or list(X.index) == labels)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n_jobs", NONE_OR_TWO)
def test_an_extractor_warning_in_a_branch_names_the_callers_row(tmp_path, kind, n_jobs):
    # with n_jobs=2 the branches run in worker processes, whose warnings are
    # issued again in the caller's process
    from skmultimodal.image import ImageFeatures, ImageWarning

    column = [np.full((6, 6, 3), 40 * k, np.uint8) for k in range(6)]
    column[0] = None
    column[3] = str(tmp_path / "gone.png")
    labels = list("abcdef") if kind == "DataFrame with labels" else None
    pixels = ImageFeatures("pixels", method_params={"on_error": "missing"})
    fusion = ModalityFusion(
        [("photo", pixels, "picture"), ("text", TfidfVectorizer(), "text")],
        missing="zero",
        n_jobs=n_jobs,
    )
    X = _as(kind, column, labels)
    row = "row 3 (index 'd')" if labels else "row 3"
    for call in (lambda: fusion.fit(X, np.arange(6) % 2), lambda: fusion.transform(X)):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            call()
        extractor = [str(w.message) for w in record if w.category is ImageWarning]
        fused = [str(w.message) for w in record if "ModalityFusion:" in str(w.message)]
        assert len(extractor) == 1 and f"(all NaN): {row}, path" in extractor[0]
        assert len(fused) == 1 and fused[0].endswith(f"treated as missing: {row}")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ImageWarning)  # the caller's filters apply
        with pytest.raises(ImageWarning, match="gone.png"):
            fusion.transform(X)


def test_row_positions_do_not_follow_a_slice_or_a_reordering():
    from skmultimodal.utils import as_column, describe_row
    from skmultimodal.utils._validation import with_row_positions

    part = with_row_positions(pd.Series(["p", "q", "r"], index=[4, 7, 9]), [4, 7, 9])
    assert describe_row(as_column(part)[1], 1) == "row 7"
    # pandas carries attrs into slices; their rows are counted within them
    assert describe_row(as_column(part.iloc[1:])[1], 0) == "row 0 (index 7)"
    assert describe_row(as_column(part.iloc[::-1])[1], 0) == "row 0 (index 9)"
    array = with_row_positions(np.array(["p", "q"], dtype=object), [5, 8])
    assert describe_row(as_column(array)[1], 1) == "row 8"
    assert describe_row(as_column(array[1:])[1], 0) == "row 0"
    again = pickle.loads(pickle.dumps(array))
    assert describe_row(as_column(again)[1], 1) == "row 8"
    numbers = np.arange(3.0)
    assert type(with_row_positions(numbers, [1, 2, 3])) is np.ndarray
    assert pd.concat([part, part]).shape == (6,)  # attrs compare without error
