"""Multi-label warnings name each label as the table writes it, not by the
position of its column in the 0/1 label matrix."""

import pandas as pd
import pytest

from skmultimodal._commands import command_advice

from .conftest import CSV_ARGS, run_main, write_dataset


@pytest.fixture(scope="module")
def rare_tags(tmp_path_factory):
    path = write_dataset(tmp_path_factory.mktemp("rare") / "t", n_per_class=10)
    df = pd.read_csv(path)
    df["tags"] = [
        label + ("|rare" if i == 3 else "") + ("|odd" if i % 2 else "")
        for i, label in enumerate(df["label"])
    ]
    df.to_csv(path, index=False)
    return path


def test_evaluate_names_a_rare_label(rare_tags, tmp_path):
    res = run_main(
        "evaluate", "--csv", rare_tags, *CSV_ARGS, "--target", "tags",
        "--label-separator", "|", "--cv", "3", "--no-progress",
        "--models", "text-only,fusion", "--output", tmp_path / "r",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    # labels sorted: circle, odd, rare, square, stripe; 'rare' is column 2
    assert "label 'rare', in 1 of 20 rows" in res.stderr
    assert "label 'rare' is in no training example" in res.stderr
    assert "label 2" not in res.stderr and "Label not" not in res.stderr


def test_train_names_a_rare_label(rare_tags, tmp_path):
    res = run_main(
        "train", "--csv", rare_tags, *CSV_ARGS, "--target", "tags",
        "--label-separator", "|", "--output", tmp_path / "m.skops",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "label 'rare', in 1 of 30 rows" in res.stderr
    assert "label 2" not in res.stderr


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Label not 1 is present in all training examples.", "label 'b' is in no"),
        ("Label 1 is present in all training examples.", "label 'b' is in every"),
        ("label 0 is absent in all 3 training samples", "label 'a' is absent"),
        ("label 7, in 1 of 9 rows", "label 7, in 1 of 9 rows"),  # no such column
        ("pos_label=1 of label 1", "pos_label=1 of label 'b'"),
    ],
)
def test_label_positions_become_names(message, expected):
    args = type("Args", (), {"command": "evaluate", "labels": ["a", "b"]})()
    assert expected in command_advice(args, message)


def test_classes_are_left_alone():
    args = type("Args", (), {"command": "evaluate", "labels": None})()
    assert command_advice(args, "label 1 has 2 rows") == "label 1 has 2 rows"
