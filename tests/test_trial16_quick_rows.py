"""``evaluate --quick`` draws its subset with ``--random-state``; a bad
numeric table cell is named by the caller's row when the fusion dropped
earlier rows (every table cell missing) before the table branch."""

import json

import numpy as np
import pandas as pd
import pytest

from skmultimodal import _commands
from skmultimodal.model_selection._models import quick_subset
from skmultimodal.pipeline import make_multimodal_pipeline
from skmultimodal.streaming import make_out_of_core_pipeline


def _frame(n=40):
    rng = np.random.default_rng(0)
    y = np.array(["a", "b"] * (n // 2))
    X = pd.DataFrame({"t": [f"{v} word {i}" for i, v in enumerate(y)]})
    return X, y, rng.integers(0, 5, n)


def test_quick_subset_is_drawn_with_the_random_state():
    X, y, groups = _frame()
    default = quick_subset(X, y, groups, 10)
    zero = quick_subset(X, y, groups, 10, random_state=0)
    one = quick_subset(X, y, groups, 10, random_state=1)
    # the default seed keeps the subset it always had
    assert default[0].index.equals(zero[0].index)
    assert not zero[0].index.equals(one[0].index)
    for Xs, ys, gs in (zero, one):  # still stratified, rows kept aligned
        assert len(Xs) == 10 and sorted(ys.tolist()) == ["a"] * 5 + ["b"] * 5
        np.testing.assert_array_equal(ys, y[Xs.index])
        np.testing.assert_array_equal(gs, groups[Xs.index])


def test_evaluate_quick_subset_follows_random_state(tmp_path, monkeypatch):
    from skmultimodal import cli

    X, y, _ = _frame(24)
    csv = tmp_path / "t.csv"
    X.assign(image="", label=y).to_csv(csv, index=False)
    monkeypatch.setattr(_commands, "QUICK_MAX_ROWS", 12)
    digests = []
    for seed in (0, 1):
        out = tmp_path / f"r{seed}"
        status = cli.main(
            [
                "evaluate",
                "--csv",
                str(csv),
                "--text-column",
                "t",
                "--models",
                "text-only",
                "--quick",
                "--cv",
                "2",
                "--no-progress",
                "--random-state",
                str(seed),
                "--output",
                str(out),
            ]
        )
        assert status == 0
        doc = json.loads((out / "metrics.json").read_text())
        assert doc["n_samples"] == 12
        digests.append(doc["reproducibility"]["table_sha256"])
    assert digests[0] != digests[1]


def _table():
    return pd.DataFrame(
        {
            "t": ["a cat", "a dog", "red fish", "blue fish", "one cat", "two dogs"],
            # row 1 has no table cell: the fusion drops it before the branch
            "price": np.array([1.0, None, "2", "cheap", "3", "4"], dtype=object),
            "brand": ["x", None, "y", "x", "y", "x"],
        },
        index=[100, 101, 102, 103, 104, 105],
    )


TABULAR = {"numeric": ["price"], "categorical": ["brand"]}
MESSAGE = (
    "numeric table column 'price' holds 1 cell(s) that are not numbers, "
    "the first on row 3 (index 103): 'cheap'"
)


@pytest.mark.parametrize(
    "make", [make_multimodal_pipeline, make_out_of_core_pipeline], ids=["memory", "ooc"]
)
def test_bad_numeric_cell_is_named_by_the_callers_row(make):
    pipe = make(image=None, text="t", tabular=TABULAR, missing="mean")
    with pytest.raises(ValueError) as raised:
        pipe.fit(_table(), [0, 1, 0, 1, 0, 1])
    assert MESSAGE in str(raised.value)


def test_bad_numeric_cell_at_predict_is_named_by_the_callers_row():
    good = _table()
    good.loc[103, "price"] = "5"
    pipe = make_multimodal_pipeline(
        image=None, text="t", tabular=TABULAR, missing="mean"
    )
    pipe.fit(good, [0, 1, 0, 1, 0, 1])
    with pytest.raises(
        ValueError, match=MESSAGE.replace("(", r"\(").replace(")", r"\)")
    ):
        pipe.predict(_table())
