"""The thirteenth round's own changes: one test-fold check for every caller."""

from __future__ import annotations

import numpy as np
import pytest

from skmultimodal.fusion.methods import StackFusion
from skmultimodal.utils._validation import check_partition


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


@pytest.mark.parametrize("n_jobs", [None, 2])
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
