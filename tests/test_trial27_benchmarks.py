"""``benchmarks/bench_robustness.py --csv``: the robustness rows of a user's
own table (as is, text shuffled, image shuffled), read as ``skmultimodal
evaluate --csv`` reads it."""

import importlib

import pytest

from tests.cli.conftest import write_dataset


@pytest.fixture
def robustness(monkeypatch):
    from pathlib import Path

    bench = Path(__file__).resolve().parents[1] / "benchmarks"
    monkeypatch.syspath_prepend(str(bench))
    return importlib.import_module("bench_robustness")


@pytest.mark.parametrize("grouped", [False, True])
def test_a_users_table_gets_three_rows(
    robustness, monkeypatch, tmp_path, capsys, grouped
):
    csv = write_dataset(tmp_path / "data")
    seen = []

    def score(kwargs, X, y, cv, groups=None, n_jobs=2):
        seen.append((dict(kwargs), X.copy(), type(cv).__name__, groups))
        fused = "image" in X and "text" in X and not kwargs
        return (0.9, 0.01) if fused else (0.8, 0.02)

    monkeypatch.setattr(robustness, "score", score)
    argv = ["--csv", str(csv), "--image-column", "picture"]
    argv += ["--text-column", "caption", "--target", "label"]
    argv += ["--group-column", "group"] if grouped else []
    robustness.main(argv)
    out = capsys.readouterr().out
    assert "| data.csv | 0.800 ± 0.020 | 0.800 ± 0.020 | 0.900 ± 0.010 |" in out
    assert (
        "| data.csv, text shuffled |" in out and "| data.csv, image shuffled |" in out
    )
    assert out.count("| met |") == 3
    assert len(seen) == 9  # three models on three variants
    folds = {name for _, _, name, _ in seen}
    assert folds == {"StratifiedGroupKFold" if grouped else "StratifiedKFold"}
    assert all((g is not None) == grouped for *_, g in seen)
    first = seen[0][1]
    # image paths resolved against the CSV's folder, as the command reads them
    assert all(
        str(p).startswith(str(tmp_path / "data" / "images")) for p in first["image"]
    )
    text_shuffled = seen[3][1]
    assert sorted(text_shuffled["text"]) == sorted(first["text"])
    assert list(text_shuffled["text"]) != list(first["text"])
    assert list(text_shuffled["image"]) == list(first["image"])


def test_a_missing_column_is_named(robustness, tmp_path):
    csv = write_dataset(tmp_path / "data")
    with pytest.raises(ValueError, match="'text'"):
        robustness.main(["--csv", str(csv), "--image-column", "picture"])


@pytest.mark.parametrize("quick", [False, True])
def test_the_grouped_emoji_folds_hold_out_whole_subcategories(robustness, quick):

    X, y, groups, cv = robustness.emoji_grouped(quick)
    assert len(X) == len(y) == len(groups) == (200 if quick else 1884)
    for train, test in cv.split(X, y, groups):
        assert not set(groups[train]) & set(groups[test])


def test_the_robustness_table_has_the_grouped_emoji_rows(robustness, monkeypatch):
    calls = []

    def score(kwargs, X, y, cv, groups=None, n_jobs=2):
        calls.append((type(cv).__name__, groups is not None, len(X)))
        return (0.5, 0.0)

    monkeypatch.setattr(robustness, "score", score)
    rows = robustness.robustness_rows(True, 1)
    names = [row[0] for row in rows]
    grouped = [n for n in names if n.startswith("emoji, unseen subcategories")]
    assert len(grouped) == 3
    assert [row[2] for row in rows if row[0] in grouped] == [
        "≥ best single", "≥ image only − 0.01", "≥ text only − 0.01",
    ]  # fmt: skip
    # the three models of each grouped row get the folds and the groups
    assert calls[9:18] == [("StratifiedGroupKFold", True, 200)] * 9
