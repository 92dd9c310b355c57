"""fit_out_of_core names rows by their index labels; when a chunk's index
repeats labels, a label names several rows, so the rows' positions in the
chunk are given too."""

import numpy as np
import pytest

from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.streaming import fit_out_of_core, make_out_of_core_pipeline


def pipeline(**kw):
    return make_out_of_core_pipeline(
        image_features="pixels", n_features=2**8, epochs=1, random_state=0, **kw
    )


def chunk(index):
    X, y = make_multimodal_classification(n_samples=6, random_state=0)
    X.index = index
    return X, np.asarray(y, dtype=object)


REPEATED = ["a", "a", "b", "b", "c", "c"]


@pytest.mark.parametrize(
    "index, where",
    [
        (list("uvwxyz"), "index ['v']; every"),
        (
            REPEATED,
            "index ['a'] (positions [1] in the chunk: its index repeats labels); every",
        ),
    ],
)
def test_a_missing_label_is_named_by_position_under_a_repeated_index(index, where):
    X, y = chunk(index)
    y[1] = None
    with pytest.raises(ValueError) as info:
        fit_out_of_core(pipeline(), [(X, y)])
    assert str(info.value).endswith(f"label is missing at {where} row needs a label")


def test_a_missing_modality_is_named_by_position_under_a_repeated_index():
    X, y = chunk(REPEATED)
    X.iloc[3, X.columns.get_loc("text")] = None  # one of the two rows "b"
    with pytest.raises(ValueError) as info:
        fit_out_of_core(pipeline(missing="raise"), [(X, y)])
    assert (
        "modality 'text' is missing (None, NaN or empty) in chunk 0 at index ['b'] "
        "(positions [3] in the chunk: its index repeats labels)"
    ) in str(info.value)


def test_a_label_outside_classes_is_named_by_position_under_a_repeated_index():
    X, _ = chunk(REPEATED)
    y = np.array(["p", "q", "p", "q", "r", "p"], dtype=object)
    with pytest.raises(ValueError) as info:
        fit_out_of_core(pipeline(), [(X, y)], classes=["p", "q"])
    assert (
        "has label(s) ['r'] at index ['c'] (positions [4] in the chunk: its index "
        "repeats labels), not in the classes"
    ) in str(info.value)


def test_a_continuous_label_is_named_by_position_under_a_repeated_index():
    X, _ = chunk(REPEATED)
    y = np.array([0.0, 1.0, 0.0, 1.5, 0.0, 1.0])
    with pytest.raises(ValueError) as info:
        fit_out_of_core(pipeline(), [(X, y)])
    assert "1.5 at index 'b' (position 3 in the chunk: its index repeats labels)" in (
        str(info.value)
    )
