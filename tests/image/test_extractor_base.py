"""The public base class ``ImageExtractor``: a tiny extractor written the way a
plugin author would, and the built-ins that share the machinery."""

import pickle
import warnings
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils import get_tags
from sklearn.utils._param_validation import InvalidParameterError, StrOptions

from skmultimodal.fusion import ModalityFusion
from skmultimodal.image import (
    ColorHistogram,
    Grayscale,
    HOGFeatures,
    ImageDecodeError,
    ImageExtractor,
    ImageWarning,
    PixelFeatures,
    Resize,
    resize_image,
    to_float,
    to_gray,
    to_rgb,
    to_uint8,
)
from tests._docs_runner import assert_code_blocks_print_what_they_claim

DOCS = Path(__file__).resolve().parents[2] / "docs"


class MeanIntensity(ImageExtractor):
    """Mean intensity in [0, 1] of each RGB channel, or of the gray image."""

    _parameter_constraints = {"color": [StrOptions({"rgb", "gray"})]}

    def __init__(self, *, color="rgb", on_error="raise", n_jobs=None, verbose=0):
        self.color = color
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self):
        return 3 if self.color == "rgb" else 1

    def _extract(self, image):
        img = to_rgb(image) if self.color == "rgb" else to_gray(image)
        return np.atleast_1d(to_float(img).mean(axis=(0, 1)))


class ScaledMeanIntensity(MeanIntensity):
    """A subclass of a subclass: declares only its new parameter."""

    _parameter_constraints = {"scale": [float]}

    def __init__(
        self, *, scale=1.0, color="rgb", on_error="raise", n_jobs=None, verbose=0
    ):
        super().__init__(color=color, on_error=on_error, n_jobs=n_jobs, verbose=verbose)
        self.scale = scale

    def _extract(self, image):
        return super()._extract(image) * self.scale


class WhatItSees(ImageExtractor):
    """Records the layout of the image handed to ``_extract``."""

    _feature_prefix = "seen_"

    def _check_params(self):
        return 4

    def _extract(self, image):
        is_uint8 = image.dtype == np.uint8
        is_float32 = image.dtype == np.float32
        return np.array([image.ndim, image.shape[-1], is_uint8, is_float32])


class WrongLength(MeanIntensity):
    def _check_params(self):
        return 5


def _red_green(n=16):
    """Red and green images whose gray versions are the same (luma 75):
    told apart by colour only."""
    X, y = [], []
    for k in range(n):
        img = np.zeros((10 + k % 3, 9, 3), np.uint8)
        if k % 2:
            img[..., 1] = 128  # round(0.5870 * 128) = 75
        else:
            img[..., 0] = 250  # round(0.2989 * 250) = 75
        X.append(img)
        y.append(k % 2)
    return X, np.array(y)


@pytest.fixture
def paths(tmp_path):
    X, _ = _red_green(6)
    out = []
    for k, img in enumerate(X):
        path = tmp_path / f"img{k}.png"
        cv2.imwrite(str(path), img[..., ::-1])  # OpenCV writes BGR
        out.append(str(path))
    return out


def test_fit_transform_computes_the_hook_on_each_image():
    rng = np.random.default_rng(0)
    X = [
        rng.integers(0, 256, (7, 5, 3), dtype=np.uint8),
        rng.integers(0, 256, (6, 8), dtype=np.uint8),
        rng.random((5, 5, 3)).astype(np.float32),
    ]
    est = MeanIntensity()
    out = est.fit_transform(X)
    expected = [
        X[0].mean(axis=(0, 1)) / 255,
        np.repeat(X[1].mean() / 255, 3),
        X[2].mean(axis=(0, 1)),
    ]
    assert out.dtype == np.float32 and out.shape == (3, 3)
    np.testing.assert_allclose(out, expected, rtol=1e-5)
    assert est.n_features_out_ == 3
    # default names: the lower-case class name
    assert est.get_feature_names_out().tolist() == [
        "meanintensity0",
        "meanintensity1",
        "meanintensity2",
    ]
    gray = MeanIntensity(color="gray").fit(X)
    assert gray.transform(X).shape == (3, 1)


def test_hook_receives_canonical_images():
    rng = np.random.default_rng(1)
    X = [
        rng.integers(0, 256, (6, 6, 4), dtype=np.uint8),  # RGBA -> RGB
        rng.integers(0, 65536, (6, 6), dtype=np.uint16),  # 16-bit -> uint8
        rng.random((6, 6, 1)),  # float64, one channel -> float32 gray
        rng.random((6, 6, 3)),  # float64 RGB -> float32 RGB
    ]
    est = WhatItSees().fit(X)
    out = est.transform(X)
    # ndim, last dimension, uint8?, float32?
    np.testing.assert_array_equal(
        out, [[3, 3, 1, 0], [2, 6, 1, 0], [2, 6, 0, 1], [3, 3, 0, 1]]
    )
    assert est.get_feature_names_out()[0] == "seen_0"


def test_in_pipeline_and_grid_search_over_its_parameter():
    X, y = _red_green()
    pipe = make_pipeline(MeanIntensity(), LogisticRegression(C=100.0))
    assert pipe.fit(X, y).score(X, y) == 1.0
    # the gray mean cannot tell red from green; the colour means can
    grid = GridSearchCV(
        pipe, {"meanintensity__color": ["gray", "rgb"]}, cv=2, error_score="raise"
    ).fit(X, y)
    assert grid.best_params_ == {"meanintensity__color": "rgb"}
    scores = dict(
        zip(
            grid.cv_results_["param_meanintensity__color"],
            grid.cv_results_["mean_test_score"],
        )
    )
    assert scores["rgb"] == 1.0 and scores["gray"] == 0.5


def test_clone_pickle_and_input_untouched():
    X, _ = _red_green(4)
    copies = [x.copy() for x in X]
    est = MeanIntensity(color="gray", on_error="blank").fit(X)
    out = est.transform(X)
    twin = clone(est)
    assert twin.get_params() == est.get_params()
    assert not hasattr(twin, "n_features_out_")
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(est)).transform(X), out)
    for a, b in zip(X, copies):
        np.testing.assert_array_equal(a, b)


def test_n_jobs_2_equals_n_jobs_1(paths):
    one = MeanIntensity(n_jobs=1).fit_transform(paths)
    two = MeanIntensity(n_jobs=2).fit_transform(paths)
    np.testing.assert_array_equal(one, two)
    np.testing.assert_allclose(
        one[:2], [[250 / 255, 0, 0], [0, 128 / 255, 0]], rtol=1e-6
    )


def test_unreadable_item_raises_one_error_naming_row_and_path(paths):
    X = pd.Series([paths[0], "/no/such/dir/missing.png"], index=["a", "b"])
    est = MeanIntensity().fit(X)
    with pytest.raises(ImageDecodeError) as exc:
        est.transform(X)
    msg = str(exc.value)
    assert "row 1 (index 'b')" in msg
    assert "'/no/such/dir/missing.png'" in msg and "file not found" in msg


def test_blank_warns_on_its_own(paths):
    X = [paths[0], "/no/such/file.png"]
    with pytest.warns(ImageWarning, match=r"row 1, path '/no/such/file\.png'"):
        out = MeanIntensity(on_error="blank").fit_transform(X)
    np.testing.assert_array_equal(out[1], [1.0, 1.0, 1.0])  # a white image


def test_missing_gives_nan_rows_and_warns(paths):
    X = [paths[0], "/no/such/file.png", paths[2]]
    with pytest.warns(ImageWarning, match=r"row 1, path '/no/such/file\.png'"):
        out = MeanIntensity(on_error="missing").fit_transform(X)
    assert np.isnan(out[1]).all()
    np.testing.assert_array_equal(out[[0, 2]], MeanIntensity().fit_transform(X[::2]))


def test_missing_rows_are_missing_rows_in_modality_fusion(paths):
    bad = [1, 4]
    images = list(paths)
    for k in bad:
        images[k] = f"/no/such/file{k}.png"
    X = pd.DataFrame({"image": images, "text": ["red", "green"] * 3})
    fusion = ModalityFusion(
        [
            ("image", MeanIntensity(on_error="missing"), "image"),
            ("text", TfidfVectorizer(), "text"),
        ],
        missing="zero",
    )
    # the extractor names the unreadable rows; the fusion finds its all-NaN
    # rows by value and applies its missing policy to them
    with pytest.warns(ImageWarning, match="row 1.*file1.*row 4.*file4"):
        Z = fusion.fit_transform(X)
    Z = Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z)
    assert not np.isnan(Z).any()
    image_block = Z[:, :3]
    np.testing.assert_array_equal(image_block[bad], 0.0)
    assert (np.abs(image_block[[0, 2, 3, 5]]).sum(axis=1) > 0).all()


def test_parameter_constraints_are_merged_with_the_bases():
    X, _ = _red_green(2)
    assert set(ScaledMeanIntensity._parameter_constraints) >= {
        "scale",
        "color",
        "on_error",
        "n_jobs",
        "verbose",
    }
    with pytest.raises(InvalidParameterError, match="on_error"):
        MeanIntensity(on_error="ignore").fit(X)
    with pytest.raises(InvalidParameterError, match="color"):
        MeanIntensity(color="hsv").fit(X)
    with pytest.raises(InvalidParameterError, match="scale"):
        ScaledMeanIntensity(scale="big").fit(X)
    with pytest.raises(InvalidParameterError, match="color"):
        ScaledMeanIntensity(color="hsv").fit(X)
    np.testing.assert_allclose(
        ScaledMeanIntensity(scale=2.0).fit_transform(X),
        2 * MeanIntensity().fit_transform(X),
    )


def test_the_base_is_abstract_and_hooks_are_required():
    with pytest.raises(TypeError, match="abstract"):
        ImageExtractor()

    class NoHook(ImageExtractor):
        def _check_params(self):
            return 1

    with pytest.raises(TypeError, match="_extract"):
        NoHook()


def test_a_row_of_the_wrong_length_is_a_clear_error():
    X, _ = _red_green(2)
    est = WrongLength().fit(X)
    with pytest.raises(ValueError, match=r"WrongLength\._extract .* row 0.*\(5,\)"):
        est.transform(X)


def test_not_fitted_and_empty_input():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        MeanIntensity().transform([np.zeros((2, 2), np.uint8)])
    with pytest.raises(ValueError, match="0 rows"):
        MeanIntensity().fit([])


def test_honest_tags():
    tags = get_tags(MeanIntensity())
    assert tags.input_tags.two_d_array is False
    assert tags.input_tags.three_d_array is True
    assert tags.transformer_tags.preserves_dtype == []


@pytest.mark.parametrize("cls", [HOGFeatures, PixelFeatures, ColorHistogram])
def test_built_ins_are_image_extractors(cls):
    assert issubclass(cls, ImageExtractor)
    assert {"on_error", "n_jobs", "verbose"} <= set(cls._parameter_constraints)


def test_hog_descriptor_cache_survives_pickling_and_workers(paths):
    est = HOGFeatures(size=(16, 16)).fit(paths)
    out = est.transform(paths)  # builds the OpenCV descriptor in this process
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.transform(paths), out)
    np.testing.assert_array_equal(
        clone(est).set_params(n_jobs=2).fit_transform(paths), out
    )


def test_public_helpers_match_the_transformers():
    rng = np.random.default_rng(2)
    rgb = rng.integers(0, 256, (9, 7, 3), dtype=np.uint8)
    rgb_float = rng.random((9, 7, 3)).astype(np.float32)
    for img in (rgb, rgb_float):
        np.testing.assert_array_equal(to_gray(img), Grayscale().fit_transform([img])[0])
        for interpolation in ("area", "cubic", "nearest"):
            np.testing.assert_array_equal(
                resize_image(img, (4, 5), interpolation=interpolation),
                Resize((4, 5), interpolation=interpolation).fit_transform([img])[0],
            )
    assert to_rgb(rgb[..., 0]).shape == (9, 7, 3)
    np.testing.assert_array_equal(to_rgb(rgb[..., 0])[..., 2], rgb[..., 0])
    np.testing.assert_allclose(to_float(rgb), rgb / 255.0, rtol=1e-6)
    assert to_float(rgb).dtype == np.float32
    np.testing.assert_array_equal(to_uint8(to_float(rgb)), rgb)
    with pytest.raises(ValueError, match="interpolation must be one of"):
        resize_image(rgb, (4, 5), interpolation="bicubic")


@pytest.mark.parametrize("page", ["plugins.md", "user_guide/image.md"])
def test_documented_examples_run_and_print_what_they_claim(page):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_code_blocks_print_what_they_claim(
            DOCS / page, containing="ImageExtractor"
        )


@pytest.mark.parametrize(
    "bad, what",
    [
        (np.zeros((4, 4, 4), np.uint8), r"shape \(4, 4, 4\) and dtype uint8"),
        (np.zeros((4, 4), np.float64), r"shape \(4, 4\) and dtype float64"),
        (np.zeros(5, np.uint8), r"shape \(5,\)"),
        ([[0, 1]], "got list"),
    ],
)
@pytest.mark.parametrize("helper", [to_gray, to_rgb, to_uint8, to_float])
def test_public_helpers_refuse_non_canonical_images(helper, bad, what):
    with pytest.raises(
        ValueError, match=rf"{helper.__name__} takes a canonical .*{what}"
    ):
        helper(bad)


def test_resize_image_refuses_bad_arguments():
    img = np.zeros((6, 6), np.uint8)
    with pytest.raises(ValueError, match="resize_image takes a canonical image"):
        resize_image(np.zeros((6, 6, 2), np.uint8), (3, 3))
    with pytest.raises(ValueError, match=r"size must be a \(height, width\) tuple"):
        resize_image(img, (0, 3))
    with pytest.raises(ValueError, match="interpolation must be one of"):
        resize_image(img, (3, 3), interpolation="bicubic")
