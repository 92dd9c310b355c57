"""ImageFeatureUnion: one decoding of each image for several extractors; the
"missing" error policy; ImageFeatures' keyword-only ``method_params``."""

import threading
import warnings
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
from joblib import parallel_backend
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_union
from sklearn.preprocessing import StandardScaler
from sklearn.utils import estimator_checks
from sklearn.utils._param_validation import InvalidParameterError

import skmultimodal.image._io as image_io
from skmultimodal.image import (
    ColorHistogram,
    Grayscale,
    HOGFeatures,
    ImageExtractor,
    ImageFeatures,
    ImageFeatureUnion,
    ImageReader,
    ImageWarning,
    PixelFeatures,
    Resize,
)
from tests._docs_runner import assert_code_blocks_print_what_they_claim
from tests.image.estimator_instances import INSTANCES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _default_union(**params):
    """The default image branch's extractors, as the builder makes them."""
    return ImageFeatureUnion(
        [
            ("hog", HOGFeatures()),
            ("color_histogram", ColorHistogram(color_space="hsv")),
            ("pixels", PixelFeatures(color="rgb")),
        ],
        **params,
    )


def _three_reads():
    """The image branch before: three extractors, each reading every image."""
    return make_union(
        ImageFeatures("hog"),
        ImageFeatures("color_histogram", method_params={"color_space": "hsv"}),
        ImageFeatures("pixels", method_params={"color": "rgb"}),
    )


def _images(n=10, seed=0):
    """RGB, RGBA, gray and 16-bit images of different sizes, with shapes."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        h, w = 40 + 3 * k, 50 - 2 * k
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        cv2.circle(img, (w // 2, h // 2), 9, (255, 0, 0), -1)
        if k % 4 == 1:
            alpha = rng.integers(0, 256, (h, w, 1), dtype=np.uint8)
            img = np.concatenate([img, alpha], axis=2)
        elif k % 4 == 2:
            img = img[..., 1]
        elif k % 4 == 3:
            img = img.astype(np.uint16) * 257
        out.append(img)
    return out


@pytest.fixture
def paths(tmp_path):
    out = []
    for k, img in enumerate(_images(8)):
        path = tmp_path / f"img{k}.png"
        if img.ndim == 3 and img.shape[2] == 4:
            cv2.imwrite(str(path), cv2.cvtColor(img, cv2.COLOR_RGBA2BGRA))
        elif img.ndim == 3:
            cv2.imwrite(str(path), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        else:
            cv2.imwrite(str(path), img)
        out.append(str(path))
    return out


class _CountDecodes:
    """Counts the calls of the decoder of encoded data (paths and bytes)."""

    def __init__(self, monkeypatch):
        self.calls = 0
        self._lock = threading.Lock()
        self._decode = image_io._decode
        monkeypatch.setattr(image_io, "_decode", self)

    def __call__(self, buf):
        with self._lock:
            self.calls += 1
        return self._decode(buf)


# ------------------------------------------------- identical to three reads
@pytest.mark.parametrize("kind", ["paths", "arrays"])
def test_same_features_columns_and_names_as_the_three_read_union(kind, paths):
    X = paths if kind == "paths" else _images(10)
    old = _three_reads().fit(X)
    new = _default_union().fit(X)
    A, B = old.transform(X), new.transform(X)
    assert B.dtype == A.dtype == np.float32
    assert B.shape == A.shape == (len(X), 1764 + 24 + 768)
    np.testing.assert_array_equal(B, A)  # same values, same column order
    # the same names, less the extractor's own prefix: the entry says it
    own = {"hog": "hog", "color_histogram": "hist_", "pixels": "pixel"}
    names = new.get_feature_names_out()
    for old_name, name in zip(old.get_feature_names_out(), names, strict=True):
        entry, short = name.split("__", 1)
        assert old_name.split("__", 1)[1] == own[entry] + short
    assert names[0] == "hog__0"
    assert names[1764] == "color_histogram__h0"
    assert names[-1] == "pixels__767"
    assert len(set(names)) == len(names)


def test_each_item_is_decoded_once(paths, monkeypatch):
    counter = _CountDecodes(monkeypatch)
    _three_reads().fit_transform(paths)
    assert counter.calls == 3 * len(paths)  # the old branch: three reads
    counter.calls = 0
    union = _default_union().fit(paths)
    assert counter.calls == 0  # fit reads nothing
    union.transform(paths)
    assert counter.calls == len(paths)
    counter.calls = 0
    with parallel_backend("threading"):  # workers that see this process's counter
        union.set_params(n_jobs=2).transform(paths)
    assert counter.calls == len(paths)


def test_n_jobs_and_backends_give_the_same_result(paths):
    one = _default_union(n_jobs=1).fit_transform(paths)
    np.testing.assert_array_equal(_default_union(n_jobs=2).fit_transform(paths), one)
    with parallel_backend("threading", n_jobs=2):
        np.testing.assert_array_equal(
            _default_union(n_jobs=2).fit_transform(paths), one
        )


# ------------------------------------------------------------- parameters
def test_nested_params_reach_the_extractors():
    union = _default_union()
    params = union.get_params(deep=True)
    assert params["hog__orientations"] == 9
    assert params["color_histogram__color_space"] == "hsv"
    assert isinstance(params["pixels"], PixelFeatures)
    assert not any(k.startswith("transformer_list__") for k in params)
    union.set_params(hog__orientations=6, pixels__size=(4, 4), on_error="missing")
    assert union.transformer_list[0][1].orientations == 6
    Z = union.fit_transform(_images(3))
    assert Z.shape == (3, 7 * 7 * 4 * 6 + 24 + 48)
    assert union.on_error == "missing"


def test_drop_and_replace_an_extractor():
    X = _images(3)
    union = _default_union().set_params(hog="drop")
    Z = union.fit_transform(X)
    assert Z.shape == (3, 24 + 768)
    assert list(union.named_transformers_) == ["color_histogram", "pixels"]
    assert union.get_feature_names_out()[0] == "color_histogram__h0"
    union.set_params(hog=HOGFeatures(size=(16, 16)))
    assert union.fit_transform(X).shape == (3, 36 + 24 + 768)
    with pytest.raises(ValueError, match="at least one extractor"):
        ImageFeatureUnion([("a", "drop")]).fit(X)


def test_grid_search_over_a_nested_parameter():
    X = _images(12)
    y = np.array([k % 2 for k in range(12)])
    pipe = Pipeline(
        [
            ("features", _default_union().set_params(hog__size=(16, 16))),
            ("scale", StandardScaler()),
            ("clf", LogisticRegression(max_iter=200)),
        ]
    )
    grid = GridSearchCV(
        pipe, {"features__hog__orientations": [4, 6]}, cv=2, error_score="raise"
    ).fit(X, y)
    assert grid.best_params_["features__hog__orientations"] in (4, 6)
    fitted = grid.best_estimator_.named_steps["features"]
    assert fitted.named_transformers_["hog"].orientations in (4, 6)


def test_members_are_cloned_not_fitted_in_place():
    hog = HOGFeatures(size=(16, 16))
    given = [("hog", hog)]
    union = ImageFeatureUnion(given).fit(_images(2))
    assert not hasattr(hog, "n_features_out_")
    assert union.transformer_list is given and given == [("hog", hog)]
    assert union.named_transformers_["hog"] is not hog


def test_image_features_members_and_refused_members():
    X = _images(3)
    union = ImageFeatureUnion(
        [
            ("by_name", ImageFeatures("color_histogram", method_params={"bins": 2})),
            ("pixels", PixelFeatures(size=(2, 2))),
        ]
    )
    Z = union.fit_transform(X)
    np.testing.assert_array_equal(Z[:, :6], ColorHistogram(bins=2).fit_transform(X))
    assert union.get_feature_names_out()[0] == "by_name__r0"
    with pytest.raises(ValueError, match="'gray'.*not built on.*ImageExtractor"):
        ImageFeatureUnion([("gray", Grayscale())]).fit(X)
    with pytest.raises(ValueError, match="'x' must be an image feature extractor"):
        ImageFeatureUnion([("x", "passthrough")]).fit(X)
    with pytest.raises(ValueError, match="(name|unique).*"):
        ImageFeatureUnion([("a", PixelFeatures()), ("a", HOGFeatures())]).fit(X)
    with pytest.raises(ValueError, match="tuples"):
        ImageFeatureUnion([PixelFeatures()]).fit(X)
    with pytest.raises(InvalidParameterError, match="transformer_list"):
        ImageFeatureUnion(PixelFeatures()).fit(X)


def test_a_member_row_of_the_wrong_length_names_row_and_member():
    class Liar(ImageExtractor):
        def _check_params(self):
            return 2

        def _extract(self, image):
            return np.zeros(3)

    X = pd.Series(_images(2), index=["a", "b"])
    union = ImageFeatureUnion([("px", PixelFeatures(size=(2, 2))), ("liar", Liar())])
    with pytest.raises(ValueError, match=r"Liar\._extract \(extractor 'liar'\).*"):
        union.fit_transform(X)
    with pytest.raises(ValueError, match=r"row 0 \(index 'a'\); expected shape \(2,\)"):
        union.fit_transform(X)


def test_set_output_pandas_keeps_the_prefixed_names():
    X = pd.Series(_images(3), index=["a", "b", "c"])
    union = _default_union().set_output(transform="pandas")
    out = union.fit_transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(union.get_feature_names_out())
    assert list(out.index) == ["a", "b", "c"]


def test_data_free_scikit_learn_checks_on_every_image_estimator():
    # The image estimators take a column of images, so parametrize_with_checks
    # generates nothing for them; these API checks need no data.
    checks = [
        estimator_checks.check_estimator_cloneable,
        estimator_checks.check_estimator_repr,
        estimator_checks.check_no_attributes_set_in_init,
        estimator_checks.check_get_params_invariance,
        estimator_checks.check_set_params,
        estimator_checks.check_do_not_raise_errors_in_init_or_set_params,
        estimator_checks.check_mixin_order,
        estimator_checks.check_valid_tag_types,
    ]
    assert any(isinstance(e, ImageFeatureUnion) for e in INSTANCES)
    for estimator in INSTANCES:
        for check in checks:
            check(type(estimator).__name__, clone(estimator))


def test_user_guide_example_runs_and_prints_what_it_claims():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_code_blocks_print_what_they_claim(
            DOCS / "user_guide" / "image.md", containing="ImageFeatureUnion"
        )


# ---------------------------------------------------- on_error="missing"
def _with_bad(paths):
    X = list(paths)
    X[1] = "/no/such/dir/gone.png"
    X[4] = b"not an image at all"
    return X


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize(
    "make",
    [
        lambda n_jobs: PixelFeatures(size=(4, 4), on_error="missing", n_jobs=n_jobs),
        lambda n_jobs: HOGFeatures(on_error="missing", n_jobs=n_jobs),
        lambda n_jobs: HOGFeatures(
            size=(16, 16), backend="skimage", on_error="missing", n_jobs=n_jobs
        ),
        lambda n_jobs: _default_union(on_error="missing", n_jobs=n_jobs),
    ],
    ids=["pixels", "hog", "hog-skimage", "union"],
)
def test_missing_gives_nan_rows_and_one_warning(paths, make, n_jobs):
    X = _with_bad(paths)
    est = make(n_jobs)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        Z = est.fit_transform(X)
    ours = [w for w in record if issubclass(w.category, ImageWarning)]
    assert len(ours) == 1, [str(w.message) for w in record]
    message = str(ours[0].message)
    assert "2 unreadable item(s) as missing rows" in message
    assert "row 1, path '/no/such/dir/gone.png': file not found" in message
    assert "row 4, 19 bytes: not a decodable image" in message
    assert np.isnan(Z[[1, 4]]).all()
    good = [0, 2, 3, 5, 6, 7]
    assert not np.isnan(Z[good]).any()
    clean = (
        clone(est).set_params(on_error="raise").fit_transform([paths[k] for k in good])
    )
    np.testing.assert_array_equal(Z[good], clean)


def test_missing_warning_names_index_labels_of_a_series(paths):
    X = pd.Series(_with_bad(paths), index=[f"r{k}" for k in range(len(paths))])
    with pytest.warns(ImageWarning, match=r"row 1 \(index 'r1'\), path") as record:
        Z = PixelFeatures(size=(2, 2), on_error="missing").fit_transform(X)
    assert len(record) == 1
    assert np.isnan(Z[1]).all() and np.isnan(Z[4]).all()


def test_blank_still_substitutes_a_white_image_and_warns(paths):
    X = _with_bad(paths)
    with pytest.warns(ImageWarning, match="substituted a blank image for 2"):
        Z = PixelFeatures(size=(2, 2), on_error="blank").fit_transform(X)
    np.testing.assert_array_equal(Z[[1, 4]], 1.0)


def test_the_scaler_passes_missing_rows_through(paths):
    X = _with_bad(paths)
    good = [0, 2, 3, 5, 6, 7]
    pipe = Pipeline(
        [
            ("features", _default_union(on_error="missing")),
            ("scale", StandardScaler()),
        ]
    )
    with pytest.warns(ImageWarning):
        Z = pipe.fit_transform(X)
    assert np.isnan(Z[[1, 4]]).all()
    assert not np.isnan(Z[good]).any()
    # the scaler's statistics ignore the missing rows
    reference = Pipeline(
        [("features", _default_union()), ("scale", StandardScaler())]
    ).fit_transform([X[k] for k in good])
    np.testing.assert_allclose(Z[good], reference, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "cls", [ImageReader, Grayscale, Resize], ids=lambda c: c.__name__
)
def test_image_transformers_do_not_offer_missing(cls):
    with pytest.raises(InvalidParameterError, match="on_error.*'blank'"):
        cls(on_error="missing").fit([np.zeros((4, 4), np.uint8)])


# ------------------------------------------- method_params is keyword-only
def test_positional_method_params_is_deprecated():
    X = _images(2)
    with pytest.warns(FutureWarning, match="method_params=.* as keyword args"):
        old = ImageFeatures("pixels", {"size": (2, 3)})
    assert old.method_params == {"size": (2, 3)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = ImageFeatures("pixels", method_params={"size": (2, 3)})
        assert new.get_params() == old.get_params()
        np.testing.assert_array_equal(new.fit_transform(X), old.fit_transform(X))
        clone(new)  # clone rebuilds with keywords: no warning


def test_default_image_branch_of_the_builder_decodes_once():
    from skmultimodal import make_multimodal_pipeline

    def branch(**kwargs):
        fusion = make_multimodal_pipeline(**kwargs).named_steps["fusion"]
        pipe = dict((n, t) for n, t, _ in fusion.transformers)["image"]
        return pipe.named_steps["features"]

    features = branch()
    assert isinstance(features, ImageFeatureUnion)
    assert [n for n, _ in features.transformer_list] == [
        "hog",
        "color_histogram",
        "pixels",
    ]
    assert features.on_error == "raise"
    assert branch(missing="mean").on_error == "missing"
    named = branch(missing="zero", image_features="pixels")
    assert named.method_params == {"on_error": "missing"}
    given = PixelFeatures(size=(4, 4))
    chosen = branch(image_features=given, missing="mean")
    assert chosen is not given and chosen.get_params() == given.get_params()
