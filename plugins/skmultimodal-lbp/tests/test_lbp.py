"""Unit tests of LBPFeatures (used directly, no registry needed)."""

import pickle
import warnings

import cv2
import numpy as np
import pandas as pd
import pytest
from skimage.feature import local_binary_pattern
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from skmultimodal_lbp import LBPFeatures, n_lbp_bins

from skmultimodal.fusion import ModalityFusion
from skmultimodal.image import ImageDecodeError, ImageExtractor, ImageWarning
from skmultimodal.utils.estimator_checks import parametrize_with_checks


def _images(n=4, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.randint(0, 256, (24 + k, 20, 3), dtype=np.uint8) for k in range(n)]


@pytest.mark.parametrize(
    "method, P, expected", [("uniform", 8, 10), ("nri_uniform", 8, 59), ("ror", 4, 16)]
)
def test_bins_and_histograms_sum_to_one(method, P, expected):
    assert n_lbp_bins(P, method) == expected
    est = LBPFeatures(P=P, method=method, grid=(2, 3), size=(18, 18))
    out = est.fit_transform(_images())
    assert out.shape == (4, 6 * expected) == (4, len(est.get_feature_names_out()))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.reshape(4, 6, expected).sum(axis=2), 1.0, rtol=1e-6)


def test_matches_scikit_image_reference_on_one_cell():
    rng = np.random.RandomState(1)
    gray = rng.randint(0, 256, (16, 16), dtype=np.uint8)
    out = LBPFeatures(P=8, R=2.0, grid=(1, 1), size=(16, 16)).fit_transform([gray])
    codes = local_binary_pattern(gray, 8, 2.0, "uniform").astype(int)
    expected = np.bincount(codes.ravel(), minlength=10) / codes.size
    np.testing.assert_allclose(out[0], expected, rtol=1e-6)


def _reference(rgb, P, R, method, grid, size):
    """LBP histograms computed directly: ITU-R 601 gray, area resize,
    scikit-image's codes, per-cell fractions."""
    gray = np.rint(rgb.astype(np.float64) @ [0.2989, 0.5870, 0.1140]).astype(np.uint8)
    gray = cv2.resize(gray, size[::-1], interpolation=cv2.INTER_AREA)
    codes = local_binary_pattern(gray, P, R, method).astype(int)
    n_bins = n_lbp_bins(P, method)
    return np.concatenate(
        [
            np.bincount(cell.ravel(), minlength=n_bins) / cell.size
            for band in np.array_split(codes, grid[0], axis=0)
            for cell in np.array_split(band, grid[1], axis=1)
        ]
    )


@pytest.mark.parametrize(
    "P, R, method, grid, size",
    [
        (8, 1.0, "uniform", (2, 2), (64, 64)),
        (16, 2.0, "nri_uniform", (3, 2), (30, 24)),
        (4, 1.5, "ror", (1, 3), (20, 21)),
    ],
)
def test_matches_direct_scikit_image_computation(P, R, method, grid, size):
    rng = np.random.RandomState(2)
    images = [
        rng.randint(0, 256, (70 + 3 * k, 66, 3), dtype=np.uint8) for k in range(3)
    ]
    est = LBPFeatures(P=P, R=R, method=method, grid=grid, size=size)
    out = est.fit_transform(images)
    expected = [_reference(img, P, R, method, grid, size) for img in images]
    np.testing.assert_allclose(out, np.asarray(expected, dtype=np.float32))


def test_paths_bytes_and_arrays_agree(tmp_path):
    img = _images(1)[0]
    path = tmp_path / "x.png"
    cv2.imwrite(str(path), img[..., ::-1])  # OpenCV writes BGR
    data = path.read_bytes()
    out = LBPFeatures(size=(16, 16)).fit_transform(pd.Series([img, str(path), data]))
    np.testing.assert_allclose(out[0], out[1])
    np.testing.assert_allclose(out[0], out[2])


def test_texture_separates_flat_from_noisy():
    flat = np.full((32, 32), 128, np.uint8)
    noisy = np.random.RandomState(0).randint(0, 256, (32, 32), dtype=np.uint8)
    out = LBPFeatures(grid=(1, 1), size=(32, 32)).fit_transform([flat, noisy])
    # A flat image has one code almost everywhere (borders aside); noise
    # spreads over every uniform code.
    assert out[0].max() > 0.8
    assert out[1].max() < 0.5 and (out[1] > 0).sum() == out.shape[1]


def test_bad_item_names_row_and_source():
    X = pd.Series([_images(1)[0], "/no/such/file.png"], index=["a", "b"])
    with pytest.raises(ImageDecodeError, match=r"(?s)row 1.*'b'.*file\.png"):
        LBPFeatures().fit(X).transform(X)


def test_bad_params():
    with pytest.raises(ValueError, match="grid"):
        LBPFeatures(grid=(3, 0)).fit(_images())
    with pytest.raises(ValueError, match="grid"):
        LBPFeatures(grid=(10, 10), size=(8, 8)).fit(_images())
    with pytest.raises(ValueError, match="method"):
        LBPFeatures(method="var").fit(_images())
    with pytest.raises(ValueError, match="too large"):
        LBPFeatures(P=20, method="default").fit(_images())


def test_clone_pickle_and_no_mutation():
    images = _images()
    copies = [i.copy() for i in images]
    est = LBPFeatures(size=(16, 16)).fit(images)
    out = est.transform(images)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(est)).transform(images), out)
    np.testing.assert_allclose(clone(est).fit_transform(images), out)
    for a, b in zip(images, copies):
        np.testing.assert_array_equal(a, b)


def test_n_jobs_2_equals_n_jobs_1(tmp_path):
    paths = []
    for k, img in enumerate(_images(6)):
        paths.append(str(tmp_path / f"x{k}.png"))
        cv2.imwrite(paths[-1], img)
    one = LBPFeatures(size=(16, 16), n_jobs=1).fit_transform(paths)
    two = LBPFeatures(size=(16, 16), n_jobs=2).fit_transform(paths)
    np.testing.assert_array_equal(one, two)


def test_blank_and_missing_alone_and_inside_modality_fusion():
    images = _images(4)
    images[2] = "/no/such/file.png"
    with pytest.warns(ImageWarning, match=r"row 2, path '/no/such/file\.png'"):
        alone = LBPFeatures(size=(16, 16), on_error="blank").fit_transform(images)
    white = LBPFeatures(size=(16, 16)).fit_transform([np.full((5, 5), 255, np.uint8)])
    np.testing.assert_array_equal(alone[2], white[0])
    with pytest.warns(ImageWarning, match=r"row 2, path '/no/such/file\.png'"):
        nan = LBPFeatures(size=(16, 16), on_error="missing").fit_transform(images)
    assert np.isnan(nan[2]).all() and np.isfinite(nan[[0, 1, 3]]).all()
    np.testing.assert_array_equal(nan[[0, 1, 3]], alone[[0, 1, 3]])

    X = pd.DataFrame(
        {"image": images, "text": ["red cat", "blue dog", "red dog", "blue cat"]}
    )
    fusion = ModalityFusion(
        [
            ("image", LBPFeatures(size=(16, 16), on_error="missing"), "image"),
            ("text", TfidfVectorizer(), "text"),
        ],
        missing="zero",
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        Z = fusion.fit_transform(X)
    messages = [str(w.message) for w in record]
    assert any(
        m.startswith("ModalityFusion: modality 'image' could not be read")
        for m in messages
    ), messages
    Z = Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z)
    n_image = len(fusion.named_transformers_["image"].get_feature_names_out())
    np.testing.assert_array_equal(Z[2, :n_image], 0.0)
    assert (np.abs(Z[[0, 1, 3], :n_image]).sum(axis=1) > 0).all()


def test_built_on_the_public_image_extractor():
    # the reading, error and parallel machinery is skmultimodal's own
    assert issubclass(LBPFeatures, ImageExtractor)
    assert "transform" not in vars(LBPFeatures)
    assert "fit" not in vars(LBPFeatures)


@parametrize_with_checks([LBPFeatures(size=(8, 8))])
def test_skmultimodal_plugin_checks(estimator, check):
    # skmultimodal's checks for image feature extractors: the registration
    # interface, scikit-learn's API checks, ragged images of every kind,
    # missing items, pickling
    check(estimator)
