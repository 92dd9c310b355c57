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
    ImageDecodeError,
    ImageExtractor,
    ImageFeatures,
    ImageFeatureUnion,
    ImageReader,
    ImageWarning,
    PixelFeatures,
    Resize,
)
from tests._docs_runner import assert_code_blocks_print_what_they_claim
from tests._workers import ONE_OR_TWO
from tests.image.estimator_instances import INSTANCES
from tests.image.test_gray_alpha import _png as _gray_alpha_png

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
    """Counts the calls of the decoder of encoded data (paths and bytes),
    which every reading path goes through."""

    def __init__(self, monkeypatch):
        self.calls = 0
        self._lock = threading.Lock()
        self._decode = image_io._decode_raw
        monkeypatch.setattr(image_io, "_decode_raw", self)

    def __call__(self, buf, *limits):
        with self._lock:
            self.calls += 1
        return self._decode(buf, *limits)


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


@pytest.mark.parametrize("n_jobs", ONE_OR_TWO)
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
    with pytest.warns(FutureWarning, match="ImageFeatures by position"):
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


# ------------------------------------ batches: the values of one at a time
def _encoded(img, ext=".png"):
    """Encoded bytes of an RGB(A) or gray, 8- or 16-bit array."""
    if img.ndim == 3:
        code = cv2.COLOR_RGBA2BGRA if img.shape[2] == 4 else cv2.COLOR_RGB2BGR
        img = cv2.cvtColor(img, code)
    ok, buf = cv2.imencode(ext, img)
    assert ok
    return buf.tobytes()


def _odd_column(tmp_path, rng):
    """Every kind of item in one column: PNG paths (RGB, RGBA, gray, 16-bit,
    gray + alpha), JPEG bytes, arrays of each dtype and layout, runs of
    equal-size images longer than one batch, sizes whose resize can and
    cannot be batched, and unreadable items."""
    X = []

    def noisy(h, w, c=3, dtype=np.uint8):
        hi = 256 if dtype == np.uint8 else 65536
        shape = (h, w) if c == 1 else (h, w, c)
        img = rng.integers(0, hi, shape).astype(dtype)
        cv2.circle(img, (w // 2, h // 3), max(2, h // 5), (hi - 1,) * 4, -1)
        return img

    for k in range(20):  # 72x72 RGBA paths: more than one batch, shared alpha
        path = tmp_path / f"rgba{k}.png"
        img = noisy(72, 72, 4)
        img[..., 3] = 255 if k % 3 == 0 else img[..., 3]  # some fully opaque
        path.write_bytes(_encoded(img))
        X.append(str(path))
    for k, (h, w) in enumerate([(72, 72), (80, 96), (93, 93), (40, 44), (64, 64)]):
        path = tmp_path / f"rgb{k}.png"
        path.write_bytes(_encoded(noisy(h, w)))
        X.append(path)  # a PathLike, not a str
    gray_path = tmp_path / "gray.png"
    gray_path.write_bytes(_encoded(noisy(72, 72, 1)))
    X.append(str(gray_path))
    gray_alpha = np.dstack([noisy(72, 72, 1), noisy(72, 72, 1)])
    gray_alpha_path = tmp_path / "gray_alpha.png"
    gray_alpha_path.write_bytes(_gray_alpha_png(gray_alpha, 4))
    X.append(str(gray_alpha_path))
    X.append(gray_alpha)  # the same as an (H, W, 2) array
    deep_path = tmp_path / "deep.png"
    deep_path.write_bytes(_encoded(noisy(72, 72, 3, np.uint16)))
    X.append(str(deep_path))
    X.append(np.dstack([noisy(30, 30, 1), noisy(30, 30, 1)])[..., :1])  # (H, W, 1)
    X.append(_encoded(noisy(72, 72), ".jpg"))
    X.append(_encoded(noisy(72, 72, 4)))
    X.append(noisy(72, 72))  # arrays: RGB, gray, RGBA, 16-bit, float
    X.append(noisy(72, 72, 1))
    X.append(noisy(50, 60, 4))
    X.append(noisy(72, 72, 3, np.uint16))
    X.append(rng.random((72, 72, 3), dtype=np.float32))
    X.append(rng.random((72, 72), dtype=np.float64))
    X.append(noisy(72, 72)[:, ::-1])  # a non-contiguous view
    X.append(None)  # missing
    X.append(str(tmp_path / "gone.png"))  # not found
    X.append(b"\x89PNG\r\n\x1a\n not really")  # truncated PNG
    X.append(noisy(8, 8))  # smaller than the HOG window: upscaled
    return X


def _one_at_a_time(union, X):
    """Each member's own transform (one image at a time), side by side."""
    parts = [est.fit(X).transform(X) for _, est in clone(union).transformer_list]
    return np.hstack(parts)


@pytest.mark.parametrize(
    "members",
    [
        "default",
        [
            ("hog", HOGFeatures(size=(32, 48), color="rgb", interpolation="linear")),
            ("hist", ColorHistogram(bins=7, color_space="rgb")),
            ("px", PixelFeatures(size=(9, 16), color="gray", interpolation="cubic")),
        ],
        [
            ("hog", HOGFeatures(size=(16, 16), transform_sqrt=True)),
            ("hist", ColorHistogram(bins=256, color_space="hsv")),
            ("px", PixelFeatures(size=(72, 72), color="rgb")),
            ("sk", HOGFeatures(size=(16, 16), backend="skimage")),
        ],
    ],
    ids=["default", "other-params", "more-params"],
)
@pytest.mark.parametrize("on_error", ["missing", "blank"])
def test_batches_give_the_values_of_one_image_at_a_time(tmp_path, members, on_error):
    X = _odd_column(tmp_path, np.random.default_rng(3))
    if members == "default":
        union = _default_union(on_error=on_error)
    else:
        union = ImageFeatureUnion(members, on_error=on_error)
    union.set_params(
        **{f"{name}__on_error": on_error for name, _ in union.transformer_list}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImageWarning)
        expected = _one_at_a_time(union, X)
        got = union.fit_transform(X)
    assert got.dtype == np.float32 and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    unreadable = [len(X) - 4, len(X) - 3, len(X) - 2]
    if on_error == "missing":
        assert np.isnan(got[unreadable]).all()
    assert not np.isnan(np.delete(got, unreadable, axis=0)).any()


def test_batches_of_arrays_in_a_stack_and_a_series(tmp_path):
    rng = np.random.default_rng(4)
    stack = rng.integers(0, 256, (30, 72, 72, 3), dtype=np.uint8)
    union = _default_union()
    expected = _one_at_a_time(union, list(stack))
    np.testing.assert_array_equal(union.fit_transform(stack), expected)
    series = pd.Series(list(stack), index=np.arange(30) * 2)
    np.testing.assert_array_equal(union.fit_transform(series), expected)
    assert stack.flags.writeable  # the input is not touched


def test_a_subclass_overriding_extract_is_not_batched():
    class Brighter(PixelFeatures):
        def _extract(self, image):
            return super()._extract(image) * 0.5

    X = _images(6)
    union = ImageFeatureUnion([("px", Brighter(size=(4, 4)))])
    np.testing.assert_array_equal(
        union.fit_transform(X), Brighter(size=(4, 4)).fit_transform(X)
    )
    np.testing.assert_array_equal(
        union.fit_transform(X), PixelFeatures(size=(4, 4)).fit_transform(X) * 0.5
    )


@pytest.mark.parametrize("space", ["rgb", "hsv"])
@pytest.mark.parametrize("bins", [1, 3, 8, 13, 180, 256])
def test_histogram_batches_bin_every_value_as_one_image_at_a_time(space, bins):
    # every 8-bit value in every channel, in images of one shape
    rng = np.random.default_rng(bins)
    ramp = np.stack([np.arange(256, dtype=np.uint8)] * 3, axis=-1)
    images = np.stack(
        [np.roll(ramp, 7 * k, axis=0).reshape(16, 16, 3) for k in range(5)]
        + [rng.integers(0, 256, (16, 16, 3), dtype=np.uint8) for _ in range(300)]
    )
    est = ColorHistogram(bins=bins, color_space=space).fit(images[:1])
    one = np.stack([est._extract(img) for img in images])
    np.testing.assert_array_equal(est._extract_batch(images), one)


def test_stacked_resizes_equal_one_at_a_time_or_are_not_stacked():
    from skmultimodal.image._features import _resize_stack, _stacks_exactly
    from skmultimodal.image._io import INTERPOLATIONS, resize

    rng = np.random.default_rng(5)
    assert _stacks_exactly(72, 64) and _stacks_exactly(72, 16)
    assert not _stacks_exactly(93, 64)  # 93 / 64 is not what OpenCV computes
    assert not _stacks_exactly(40, 64)  # enlarging: never stacked
    for _ in range(40):
        h, w = (int(v) for v in rng.integers(4, 130, 2))
        size = tuple(int(v) for v in rng.choice([4, 8, 16, 30, 32, 64], 2))
        channels = () if rng.random() < 0.5 else (3,)
        if rng.random() < 0.5:
            stack = rng.integers(0, 256, (6, h, w) + channels, dtype=np.uint8)
        else:
            stack = rng.random((6, h, w) + channels, dtype=np.float32)
        for name in ("area", "linear"):
            flag = INTERPOLATIONS[name]
            got = _resize_stack(stack, size, flag)
            one = np.stack([resize(img, size, flag) for img in stack])
            assert got.dtype == one.dtype
            np.testing.assert_array_equal(got, one, err_msg=f"{h}x{w} -> {size}")


@pytest.mark.parametrize("n_jobs", ONE_OR_TWO)
def test_many_small_images_cross_every_chunk_and_batch_boundary(n_jobs):
    # more images than one serial chunk (256), one batch (256 images) and
    # the workers' chunks; unreadable items scattered among them
    rng = np.random.default_rng(6)
    X = [rng.integers(0, 256, (6, 7, 3), dtype=np.uint8) for _ in range(600)]
    for k in (0, 255, 256, 257, 599):
        X[k] = None
    X[300] = rng.integers(0, 256, (9, 9), dtype=np.uint8)  # another shape
    small = [
        ("hog", HOGFeatures(size=(16, 16), pixels_per_cell=(4, 4))),
        ("hist", ColorHistogram(bins=4, color_space="hsv")),
        ("px", PixelFeatures(size=(3, 3), color="rgb")),
    ]
    union = ImageFeatureUnion(small, on_error="missing", n_jobs=n_jobs)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        got = union.fit_transform(X)
    ours = [w for w in record if issubclass(w.category, ImageWarning)]
    assert len(ours) == 1 and "5 unreadable item(s)" in str(ours[0].message)
    missing = [0, 255, 256, 257, 599]
    assert np.isnan(got[missing]).all()
    good = [k for k in range(600) if k not in missing]
    expected = np.hstack(
        [clone(est).fit_transform([X[k] for k in good]) for _, est in small]
    )
    np.testing.assert_array_equal(got[good], expected)
    alone = clone(small[0][1]).set_params(on_error="missing", n_jobs=n_jobs)
    with pytest.warns(ImageWarning, match="5 unreadable"):
        hog = alone.fit_transform(X)  # on its own, one image at a time
    np.testing.assert_array_equal(hog, got[:, : hog.shape[1]])


@pytest.mark.parametrize("n_jobs", ONE_OR_TWO)
def test_an_unreadable_item_in_a_batch_raises_naming_its_row(paths, n_jobs):
    X = pd.Series(_with_bad(paths), index=[f"r{k}" for k in range(len(paths))])
    with pytest.raises(ImageDecodeError, match=r"row 1 \(index 'r1'\), path"):
        _default_union(n_jobs=n_jobs).fit_transform(X)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"size": (40, 24), "transform_sqrt": True},
        {"size": (30, 30), "pixels_per_cell": (6, 4), "cells_per_block": (3, 2)},
        {"size": (70, 66)},  # cropped to whole cells
        {"size": (16, 16), "orientations": 4},
        {"color": "rgb", "size": (32, 48)},
    ],
)
def test_stacked_hog_equals_one_image_at_a_time(params):
    # the gap rows between stacked images must give each image's border
    # rows the gradients of its own call, bit for bit
    rng = np.random.default_rng(3)
    est = HOGFeatures(**params).fit(rng.integers(0, 256, (1, 9, 9), dtype=np.uint8))
    for n in (1, 2, 7):
        images = rng.integers(0, 256, (n, 50, 60, 3), dtype=np.uint8)
        one = np.stack([est._extract(img) for img in images])
        np.testing.assert_array_equal(est._extract_batch(images), one)


@pytest.mark.parametrize("make", [_default_union, HOGFeatures, Grayscale])
def test_with_workers_the_error_names_the_first_unreadable_row(tmp_path, make):
    # Row 0 is a large image that takes its worker a while; rows 1-7 are
    # unreadable. The first task holds rows 0 and 1 (at least), so the
    # second worker meets a later unreadable row first, yet the error must
    # name row 1, as a serial loop does.
    big = np.random.default_rng(0).integers(0, 256, (2500, 2500, 3), np.uint8)
    cv2.imwrite(str(tmp_path / "big.png"), big)
    small = str(tmp_path / "small.png")
    cv2.imwrite(small, big[:60, :60])
    X = [str(tmp_path / "big.png")] + ["/no/such/file.png"] * 7 + [small] * 24
    est = make(n_jobs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing from joblib's early stop
        for _ in range(3):  # the next call finds the workers ready
            with pytest.raises(ImageDecodeError, match=r"row 1, path"):
                est.fit_transform(X)
