"""The thirteenth round's own changes: one test-fold check for every caller."""

from __future__ import annotations

import numpy as np
import pytest

from skmultimodal.fusion.methods import StackFusion
from skmultimodal.utils._validation import check_partition
from tests._workers import NONE_OR_TWO


def test_internal_folds_that_miss_rows_name_them():
    """The fusion methods' internal folds get the same check, with the same
    row details, as compare_models' folds."""
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1], 10)
    blocks = [rng.rand(20, 3), rng.rand(20, 2)]
    half = np.arange(10)
    splits = [(half, half + 10)]  # rows 0-9 are never tested
    with pytest.raises(ValueError) as info:
        StackFusion(cv=splits).fit(blocks, y)
    message = str(info.value)
    assert "fusion method 'stack': cv must put every row in exactly one test fold" in (
        message
    )
    assert "10 of 20 rows are in no test fold (rows 0, 1, 2, 3, 4, ...)" in message


@pytest.mark.parametrize("as_mask", [False, True])
def test_check_partition_counts_masks_and_indices(as_mask):
    def part(rows):
        if not as_mask:
            return np.asarray(rows)
        mask = np.zeros(4, dtype=bool)
        mask[rows] = True
        return mask

    check_partition([(None, part([0, 1])), (None, part([2, 3]))], 4, "x")
    with pytest.raises(ValueError, match=r"1 of 4 rows are in several test folds"):
        check_partition([(None, part([0, 1, 2])), (None, part([2, 3]))], 4, "x")


@pytest.mark.parametrize("n_jobs", NONE_OR_TWO)
def test_a_branch_error_names_its_modality_in_a_note(n_jobs):
    """An error of one branch (here text pruning that keeps no term) keeps
    its message and gets a note naming the modality, in worker processes
    too."""
    import pandas as pd

    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.text import TextFeatures

    X = pd.DataFrame({"text": ["aa bb", "cc dd", "ee ff", "gg hh"] * 3})
    y = [0, 1] * 6
    pruned = TextFeatures("tfidf", method_params={"min_df": 50})
    pipe = make_multimodal_pipeline(
        image=None, text_features=pruned, method="concat", n_jobs=n_jobs
    )
    with pytest.raises(ValueError, match="^TextFeatures") as info:
        pipe.fit(X, y)
    assert "(raised by the branch of modality 'text')" in info.value.__notes__


def test_keras_text_encoder_names_an_upper_case_suffix(tmp_path):
    """A ``.KERAS`` name is a model file to both Keras extractors, refused
    with the same message (Keras loads only a lower-case ``.keras``)."""
    from skmultimodal.text import TextFeatures

    path = tmp_path / "ENC.KERAS"
    path.write_bytes(b"not read")
    texts = ["a b", "c d"]
    features = TextFeatures("keras_encoder", method_params={"path": str(path)})
    with pytest.raises(ValueError, match=r"ending in '\.keras' \(in lower case\)"):
        features.fit(texts)


def test_one_file_digest_for_every_module(tmp_path):
    """report, the Keras image extractor and the Keras text encoder hash
    files with the one helper."""
    import hashlib

    import skmultimodal.image._keras as image_keras
    import skmultimodal.report as report
    import skmultimodal.text._keras_encoder as text_keras
    from skmultimodal.utils._io import file_sha256

    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * 3_000_000)
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    for module in (image_keras, report, text_keras):
        assert module.file_sha256 is file_sha256
        assert not hasattr(module, "_sha256")


@pytest.mark.parametrize("output", ["default", "pandas"])
def test_text_features_take_a_pipeline_starting_with_a_vectorizer(output):
    """A Pipeline whose vectorizer has no set_output is an extractor as any
    other (scikit-learn cannot set its output; TextFeatures still gives its
    own container)."""
    import sklearn
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    from skmultimodal.text import TextFeatures

    texts = ["aa bb", "cc dd", "ee aa", "bb cc", "dd ee"]
    method = make_pipeline(TfidfVectorizer(), TruncatedSVD(2, random_state=0))
    expected = method.fit_transform(texts)
    with sklearn.config_context(transform_output=output):
        out = TextFeatures(method).fit_transform(texts)
    assert out.shape == (5, 2)
    np.testing.assert_allclose(np.asarray(out), expected)


def test_check_partition_refuses_positions_outside_the_rows():
    """Out-of-range, negative and float positions are named; a row given
    twice in one fold is named as such, not as "in several test folds"."""
    ok = (None, np.array([2, 3]))
    with pytest.raises(
        ValueError, match=r"fold 1 holds row position 4, outside 0 to 3"
    ):
        check_partition([(None, np.array([0, 1])), (None, np.array([2, 4]))], 4, "x")
    with pytest.raises(ValueError, match="holds row position -1"):
        check_partition([(None, np.array([0, -1])), ok], 4, "x")
    with pytest.raises(ValueError, match="holds float64 values"):
        check_partition([(None, np.array([0.0, 1.5])), ok], 4, "x")
    with pytest.raises(ValueError, match="test fold 0 holds row 1 more than once"):
        check_partition([(None, np.array([0, 1, 1])), ok], 4, "x")
