"""Review fixes: the block layout dropped by every operation that can mix
the columns (and kept when stacking rows), the folders a failed report
created removed, ``--random-state`` range-checked as it is parsed,
``save_model`` refusing an estimator class, a scalar ``sample_weight``
for ``ModalityFusion``, and ``ImageFeatureUnion`` reading its members'
current parameters at ``transform``."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import skmultimodal.report as report
from skmultimodal import cli
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import BlockLayout, FusedArray, get_block_layout
from skmultimodal.image import ColorHistogram, HOGFeatures, ImageFeatureUnion
from skmultimodal.model_selection import compare_models
from skmultimodal.persistence import save_model
from skmultimodal.pipeline import make_multimodal_pipeline

LAYOUT = BlockLayout.from_feature_names(["a__x", "a__y", "b__z"])


def _fused():
    return FusedArray(np.arange(12.0).reshape(4, 3), LAYOUT)


# ------------------------------------------------- 1. FusedArray layout --
@pytest.mark.parametrize(
    "op",
    [
        lambda Z: np.add.accumulate(Z, axis=1),
        lambda Z: np.maximum.accumulate(Z, axis=-1),
        lambda Z: np.add.reduceat(Z, [0, 2, 2], axis=1),
        lambda Z: Z.repeat([0, 1, 2], axis=1),
        lambda Z: np.repeat(Z, [0, 1, 2], axis=1),
        lambda Z: np.cumsum(Z, axis=1),
        lambda Z: np.hstack([Z[:, :2], Z[:, 2:]]),
    ],
    ids=[
        "add.accumulate axis=1",
        "maximum.accumulate axis=-1",
        "add.reduceat axis=1",
        "Z.repeat axis=1",
        "np.repeat axis=1",
        "cumsum axis=1",
        "hstack",
    ],
)
def test_layout_dropped_when_the_columns_may_mix(op):
    out = op(_fused())
    assert out.shape == (4, 3)  # as wide as the layout: only the check drops it
    assert get_block_layout(out) is None


@pytest.mark.parametrize(
    "op",
    [
        lambda Z: Z.repeat(2, axis=0),
        lambda Z: Z.cumsum(axis=0),
        lambda Z: np.cumsum(Z, axis=0),
        lambda Z: np.sum(Z, axis=0, keepdims=True),
        lambda Z: Z.max(axis=0, keepdims=True),
        lambda Z: np.add.reduceat(Z, [0, 2], axis=0),
        lambda Z: np.vstack([Z, Z]),
        lambda Z: np.concatenate([Z, Z[:1]], axis=0),
        lambda Z: np.concatenate([Z, Z]),
        lambda Z: np.append(Z, Z, axis=0),
        lambda Z: Z * 2 + 1,
        lambda Z: Z[1:3],
    ],
    ids=[
        "Z.repeat axis=0",
        "Z.cumsum axis=0",
        "np.cumsum axis=0",
        "sum axis=0 keepdims",
        "max axis=0 keepdims",
        "add.reduceat axis=0",
        "vstack",
        "concatenate axis=0",
        "concatenate default axis",
        "append axis=0",
        "arithmetic",
        "row slice",
    ],
)
def test_layout_kept_along_the_rows(op):
    assert get_block_layout(op(_fused())) == LAYOUT


def test_stacking_rows_of_another_layout_drops_it():
    Z = _fused()
    other = FusedArray(np.zeros((2, 3)), BlockLayout.from_feature_names(["c__x"] * 3))
    assert get_block_layout(np.vstack([Z, other])) is None
    assert get_block_layout(np.concatenate([Z, Z[:, ::-1]])) is None
    assert Z.block_layout == LAYOUT and other.block_layout is not None


# ------------------------------------------- 2. report folders removed --
def test_failed_report_removes_every_folder_it_created(tmp_path, monkeypatch):
    X, y = make_multimodal_classification(n_samples=30, random_state=0)
    results = compare_models({"text": make_multimodal_pipeline(image=None)}, X, y, cv=2)

    def failing(folder, files):  # as replace_files fails: no file written
        assert "report.html" in files
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "replace_files", failing)
    (tmp_path / "kept").mkdir()
    for out in (tmp_path / "a" / "b" / "report", tmp_path / "kept" / "c" / "report"):
        with pytest.raises(OSError, match="No space left"):
            report.write_report(out, results, dataset="toy", X=X)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]
    assert list((tmp_path / "kept").iterdir()) == []


# --------------------------------------------- 3. --random-state range --
@pytest.mark.parametrize("command", ["evaluate", "train"])
@pytest.mark.parametrize("value", ["-1", "4294967296"])
def test_random_state_out_of_range_is_a_usage_error(command, value, capsys, tmp_path):
    argv = [command, "--random-state", value, "--csv", str(tmp_path / "none.csv")]
    if command == "train":
        argv += ["--output", str(tmp_path / "model.joblib")]
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --random-state: {value} is not a seed" in err
    assert "from 0 to 4294967295" in err


def test_random_state_bounds_are_accepted():
    from skmultimodal._commands import seed

    assert seed("0") == 0 and seed("4294967295") == 2**32 - 1


# ------------------------------------------- 4. save_model of a class --
@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_save_model_refuses_an_estimator_class(tmp_path, suffix):
    path = tmp_path / f"model{suffix}"
    with pytest.raises(
        TypeError,
        match=r"got the class LogisticRegression \(pass an instance: "
        r"LogisticRegression\(\)\)",
    ):
        save_model(LogisticRegression, path)
    assert list(tmp_path.iterdir()) == []


# -------------------------------------------- 5. scalar sample_weight --
def test_scalar_sample_weight_is_the_same_weight_for_every_row():
    X, y = make_multimodal_classification(n_samples=40, random_state=0)
    pipe = make_multimodal_pipeline(image_features="pixels", random_state=0)
    by_scalar = pipe.fit(X, y, fusion__sample_weight=2.0).predict_proba(X)
    by_array = pipe.fit(X, y, fusion__sample_weight=np.full(40, 2.0)).predict_proba(X)
    np.testing.assert_allclose(by_scalar, by_array)
    with pytest.raises(TypeError, match="sample_weight must be a number"):
        pipe.fit(X, y, fusion__sample_weight="heavy")


# ------------------------------ 6. ImageFeatureUnion members after fit --
def _union():
    X, _ = make_multimodal_classification(n_samples=6, random_state=0)
    images = X[["image"]]
    union = ImageFeatureUnion([("hog", HOGFeatures()), ("hist", ColorHistogram())])
    return union.fit(images), images


def test_union_checks_member_parameters_set_after_fit():
    union, images = _union()
    union.set_params(hist__bins=0)
    with pytest.raises(ValueError, match="'bins' parameter of ColorHistogram"):
        union.transform(images)
    union.set_params(hist__bins=16)  # valid, but another number of features
    with pytest.raises(ValueError, match="bins changed since fit.*refit it"):
        union.transform(images)
    union.set_params(hist="drop")
    with pytest.raises(ValueError, match="transformer_list changed since fit"):
        union.transform(images)


def test_union_uses_member_parameters_set_after_fit_as_the_extractor_does():
    union, images = _union()
    union.set_params(hist__color_space="hsv")  # the same number of features
    own = ColorHistogram().fit(images).set_params(color_space="hsv")
    out = union.transform(images)
    np.testing.assert_array_equal(out[:, -own.n_features_out_ :], own.transform(images))
    assert union.named_transformers_["hist"].color_space == "rgb"  # as fitted
