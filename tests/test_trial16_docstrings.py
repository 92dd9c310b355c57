"""Trial 16: the docstrings name what the estimators really set, and the
public utilities document their parameters; the sparse frobenius norm of
the fusion methods keeps its value with fewer temporaries.

- every public estimator's fitted attributes (those ending in ``_``, and
  fitted properties) appear in its docstring's Attributes section;
- ``as_column`` ... ``parametrize_with_checks`` have Parameters (and
  Returns or Yields) sections naming every parameter;
- ``_rms_centred_norm`` of a sparse block is bit-equal to the former
  formula, weighted and unweighted, with a lower memory peak.
"""

import importlib
import inspect
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skmultimodal import image as I
from skmultimodal import text as T
from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion import methods as M
from skmultimodal.fusion._methods import _rms_centred_norm


# -- parsing a numpydoc section by hand (numpydoc is not a dependency) -------
def section_names(obj, title):
    """The entry names of the numpydoc section ``title`` of ``obj``'s
    docstring (``"a, b : type"`` gives ``a`` and ``b``; a type-only Returns
    entry gives its type); None when there is no such section."""
    lines = (inspect.getdoc(obj) or "").splitlines()

    def header(k):
        return (
            k + 1 < len(lines)
            and lines[k]
            and not lines[k][0].isspace()
            and set(lines[k + 1]) == {"-"}
        )

    starts = [k for k in range(len(lines)) if lines[k] == title and header(k)]
    if not starts:
        return None
    names = []
    for k in range(starts[0] + 2, len(lines)):
        if header(k):
            break
        line = lines[k]
        if line and not line[0].isspace():
            names += [n.strip() for n in line.split(" : ")[0].split(",")]
    return names


def fitted_attributes(est):
    """Public fitted attributes: in ``vars``, and readable properties."""
    names = {k for k in vars(est) if k.endswith("_") and not k.startswith("_")}
    for k in dir(type(est)):
        if k.endswith("_") and not k.startswith("_"):
            if isinstance(getattr(type(est), k, None), property):
                try:
                    getattr(est, k)
                except Exception:
                    continue
                names.add(k)
    return names


def assert_documented(est):
    documented = section_names(type(est), "Attributes")
    assert documented is not None, f"{type(est).__name__} has no Attributes"
    missing = sorted(fitted_attributes(est) - set(documented))
    assert not missing, f"{type(est).__name__}: undocumented {missing}"


# -- tiny data ---------------------------------------------------------------
def _tiny(n_per=8):
    rng = np.random.RandomState(0)
    y = np.repeat(["a", "b", "c"], n_per)
    words = {"a": "red cat", "b": "blue dog", "c": "green owl"}
    images = [
        rng.randint(0, 80 * k + 40, (20, 18, 3)).astype(np.uint8)
        for k in np.repeat(range(3), n_per)
    ]
    texts = [f"{words[c]} number {i}" for i, c in enumerate(y)]
    X = pd.DataFrame({"image": pd.Series(images, dtype=object), "text": texts})
    return X, pd.Series(y, name="label")


X, Y = _tiny()
BRANCHES = [
    ("image", I.PixelFeatures(size=(6, 6)), "image"),
    ("text", T.TextFeatures(), "text"),
]


def _word_vectors(tmp_path):
    vocab = sorted({w for t in X["text"] for w in t.lower().split()})
    path = tmp_path / "wv.txt"
    path.write_text("\n".join(f"{w} 0.1 0.2 0.3" for w in vocab))
    return T.WordVectorFeatures(str(path))


COLUMN_ESTIMATORS = {
    "ImageReader": (lambda p: I.ImageReader(), "image"),
    "Grayscale": (lambda p: I.Grayscale(), "image"),
    "Resize": (lambda p: I.Resize(size=(8, 8)), "image"),
    "Binarize": (lambda p: I.Binarize(), "image"),
    "Normalize": (lambda p: I.Normalize(), "image"),
    "HOGFeatures": (lambda p: I.HOGFeatures(size=(16, 16)), "image"),
    "PixelFeatures": (lambda p: I.PixelFeatures(size=(4, 4)), "image"),
    "ImageArray": (lambda p: I.ImageArray(size=(8, 8)), "image"),
    "ColorHistogram": (lambda p: I.ColorHistogram(bins=4), "image"),
    "ImageFeatures": (lambda p: I.ImageFeatures("pixels"), "image"),
    "ImageFeatureUnion": (
        lambda p: I.ImageFeatureUnion(
            [("p", I.PixelFeatures(size=(4, 4))), ("c", I.ColorHistogram(bins=4))]
        ),
        "image",
    ),
    "LBPFeatures": (
        lambda p: importlib.import_module("skmultimodal_lbp").LBPFeatures(
            size=(16, 16)
        ),
        "image",
    ),
    "TextCleaner": (lambda p: T.TextCleaner(), "text"),
    "TextFeatures": (lambda p: T.TextFeatures(), "text"),
    "TextSequencer": (lambda p: T.TextSequencer(max_length=6), "text"),
    "WordVectorFeatures": (_word_vectors, "text"),
}


@pytest.mark.parametrize("name", sorted(COLUMN_ESTIMATORS))
def test_column_estimator_attributes_documented(name, tmp_path):
    factory, column = COLUMN_ESTIMATORS[name]
    est = factory(tmp_path).fit(X[[column]], Y)
    assert type(est).__name__ == name
    assert_documented(est)


def test_keras_features_attributes_documented():
    pytest.importorskip("keras")
    est = I.KerasFeatures(weights=None, input_size=(32, 32), random_state=0)
    assert_documented(est.fit(X[["image"]].iloc[:4], Y[:4]))


def _gmu():
    return importlib.import_module("skmultimodal_gmu").GatedMultimodalUnit(
        n_components=4, max_iter=5, random_state=0
    )


# "auto" weights where the method takes them: cv_log_loss_ is set then
FUSION_METHODS = {
    "ConcatFusion": lambda: M.ConcatFusion(block_norm="standard"),
    "ProductFusion": lambda: M.ProductFusion(weights="auto", cv=2, random_state=0),
    "SumFusion": lambda: M.SumFusion(weights="auto", cv=2, random_state=0),
    "MeanFusion": lambda: M.MeanFusion(weights="auto", cv=2, random_state=0),
    "TensorFusion": lambda: M.TensorFusion(weights="auto", cv=2, random_state=0),
    "AttentionFusion": lambda: M.AttentionFusion(weights="auto", cv=2, random_state=0),
    "TokenFusion": lambda: M.TokenFusion(weights="auto", cv=2, random_state=0),
    "StackFusion": lambda: M.StackFusion(cv=2, random_state=0),
    "LateFusion": lambda: M.LateFusion(cv=2, random_state=0),
    "GatedMultimodalUnit": _gmu,
}


@pytest.mark.parametrize("name", sorted(FUSION_METHODS))
def test_fusion_attributes_documented(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small folds
        fusion = ModalityFusion(BRANCHES, method=FUSION_METHODS[name]()).fit(X, Y)
    assert type(fusion.method_).__name__ == name
    assert {"modality_names_", "block_kinds_", "target_type_"} <= set(
        vars(fusion.method_)
    )
    assert_documented(fusion.method_)
    assert_documented(fusion)


def test_late_fusion_classifier_attributes_documented():
    clf = LateFusionClassifier(
        [
            (
                "image",
                make_pipeline(I.PixelFeatures(size=(4, 4)), LogisticRegression()),
                "image",
            ),
            ("text", make_pipeline(T.TextFeatures(), LogisticRegression()), "text"),
        ],
        weights="auto",
        cv=2,
    ).fit(X, Y)
    assert hasattr(clf, "cv_log_loss_")
    assert_documented(clf)


def test_attention_classifier_attributes_documented():
    # one epoch of a width-8 network on 20 rows: about 2 s with TensorFlow
    pytest.importorskip("tensorflow")
    from skmultimodal.models import MultimodalAttentionClassifier

    rng = np.random.RandomState(0)
    clf = MultimodalAttentionClassifier(
        width=8, n_heads=1, epochs=1, batch_size=20, random_state=0
    ).fit(rng.normal(size=(20, 6)), np.repeat([0, 1], 10))
    assert clf.initialized_ and "patch_grids_" in fitted_attributes(clf)
    assert_documented(clf)


def test_every_public_estimator_is_covered():
    covered = (
        set(COLUMN_ESTIMATORS)
        | set(FUSION_METHODS)
        | {"KerasFeatures", "ModalityFusion", "LateFusionClassifier"}
        | {"MultimodalAttentionClassifier"}
    )
    public = set()
    for module in ("image", "text", "fusion", "fusion.methods", "models"):
        mod = importlib.import_module(f"skmultimodal.{module}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not getattr(obj, "_abstract_interface", False)
                and not inspect.isabstract(obj)
                and name != "ImageExtractor"  # the extractors' base class
            ):
                public.add(name)
    assert not public - covered, sorted(public - covered)


# -- the utilities' Parameters / Returns / Yields ----------------------------
def _utilities():
    from skmultimodal.utils import (
        _env,
        _parallel,
        _validation,
        estimator_checks,
    )

    return {
        "as_column": (_validation.as_column, "Returns"),
        "describe_row": (_validation.describe_row, "Returns"),
        "describe_failures": (_validation.describe_failures, "Returns"),
        "is_missing": (_validation.is_missing, "Returns"),
        "check_target_present": (_validation.check_target_present, "Raises"),
        "parallel_map": (_parallel.parallel_map, "Returns"),
        "env_flag": (_env.env_flag, "Returns"),
        "fusion_method_checks": (estimator_checks.fusion_method_checks, "Yields"),
        "feature_extractor_checks": (
            estimator_checks.feature_extractor_checks,
            "Yields",
        ),
        "parametrize_with_checks": (
            estimator_checks.parametrize_with_checks,
            "Returns",
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "as_column",
        "describe_row",
        "describe_failures",
        "is_missing",
        "check_target_present",
        "parallel_map",
        "env_flag",
        "fusion_method_checks",
        "feature_extractor_checks",
        "parametrize_with_checks",
    ],
)
def test_utility_sections(name):
    func, outcome = _utilities()[name]
    documented = section_names(func, "Parameters")
    assert documented is not None, f"{name}: no Parameters section"
    params = list(inspect.signature(func).parameters)
    assert sorted(documented) == sorted(params), (name, documented, params)
    assert section_names(func, outcome), f"{name}: no {outcome} section"


# -- _rms_centred_norm: same value to the bit, fewer temporaries ---------------
def _former_rms_centred_norm(block, sample_weight=None):
    """The formula before trial 16 (sparse blocks), kept as the reference."""
    n = block.shape[0]
    if sample_weight is not None:
        total = float(np.sum(sample_weight))
        w = np.asarray(sample_weight, dtype=float) / (total if total > 0 else 1.0)
    block = sparse.csr_matrix(block, dtype=float)
    if not block.has_canonical_format:
        block = block.copy()
        block.sum_duplicates()
    cols, width = block.indices, block.shape[1]
    rows = np.repeat(np.arange(n), np.diff(block.indptr))
    weight = np.full(len(rows), 1.0 / n) if sample_weight is None else w[rows]
    if sample_weight is None:
        mean = np.asarray(block.mean(axis=0)).ravel()
    else:
        mean = np.asarray(block.T @ w).ravel()
    dev = block.data - mean[cols]
    sq = np.bincount(cols, weights=weight * dev**2, minlength=width) * 1.0
    stored = np.bincount(cols[weight > 0], minlength=width)
    if sample_weight is None:
        unstored = (n - stored) / n
    else:
        share = np.bincount(cols, weights=weight, minlength=width)
        full = stored == np.count_nonzero(w > 0)
        unstored = np.where(full, 0.0, np.maximum(1.0 - share, 0.0))
    sq += mean**2 * unstored
    scale = np.sqrt(float(np.sum(sq)))
    return scale if scale > 1e-12 else 1.0


def _blocks():
    rng = np.random.RandomState(0)
    block = sparse.random(300, 80, density=0.05, format="csr", random_state=rng)
    block.data = block.data * 1e3 + 7.0  # large values: any reordering shows
    everywhere = rng.normal(size=(300, 1)) + 50.0  # a column stored in every row
    block = sparse.hstack([block, everywhere], format="csr")
    # not canonical: unsorted column indices, a cell stored twice
    duplicated = sparse.csr_matrix(
        (rng.normal(size=6), [2, 0, 2, 1, 1, 0], [0, 3, 3, 6]), shape=(3, 4)
    )
    assert not duplicated.has_canonical_format
    return [block, duplicated, block.tocsc()]


@pytest.mark.parametrize("weighted", [False, True, "zeros"])
def test_rms_centred_norm_bit_equal_to_former_formula(weighted):
    for block in _blocks():
        sw = None
        if weighted:
            sw = np.random.RandomState(1).rand(block.shape[0]) * 3
            if weighted == "zeros":
                sw[::4] = 0.0
        old = _former_rms_centred_norm(block, sw)
        new = _rms_centred_norm(block, sw)
        assert type(new) is type(old)
        assert np.float64(new).tobytes() == np.float64(old).tobytes(), (new, old)


def test_rms_centred_norm_memory_peak():
    # the former formula held 5 arrays of the block's stored values at once
    # (rows, weights, deviations, their squares and weighted squares): a peak
    # of 3.4 times the block; now one (and scipy's copy in block.mean): 1.4
    # times it unweighted, 2.0 weighted (here ~0.2 more: the per-column arrays)
    block = sparse.random(1_000, 10_000, density=0.005, format="csr", random_state=0)
    size = block.data.nbytes + block.indices.nbytes + block.indptr.nbytes
    peaks = {}
    for name, f in [("old", _former_rms_centred_norm), ("new", _rms_centred_norm)]:
        for sw in (None, np.random.RandomState(0).rand(block.shape[0])):
            tracemalloc.start()
            try:
                f(block, sw)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            peaks[name, sw is None] = peak / size
    assert peaks["old", True] > 3.0  # the measure sees the temporaries
    assert peaks["new", True] < 2.0, peaks
    assert peaks["old", False] > 3.0 and peaks["new", False] < 2.8, peaks
    # and ConcatFusion's fit, which calls it once per block
    tracemalloc.start()
    try:
        M.ConcatFusion().fit([block])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak / size < 2.0, peak / size
