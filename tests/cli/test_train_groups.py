"""``train --group-column``: the groups reach the stacking's internal folds."""

import numpy as np
import pandas as pd

from skmultimodal.fusion import methods

from .conftest import CSV_ARGS, run_main


def _record_groups(monkeypatch):
    seen = []
    fit_transform = methods.StackFusion.fit_transform

    def recording(self, blocks, y=None, sample_weight=None, groups=None):
        seen.append(None if groups is None else np.asarray(groups).tolist())
        return fit_transform(self, blocks, y, sample_weight, groups)

    monkeypatch.setattr(methods.StackFusion, "fit_transform", recording)
    return seen


def test_train_gives_the_group_column_to_the_stacking(tiny_csv, tmp_path, monkeypatch):
    seen = _record_groups(monkeypatch)
    model = tmp_path / "m.skops"
    args = ["train", "--csv", str(tiny_csv), *CSV_ARGS, "--target", "label"]
    res = run_main(*args, "--group-column", "group", "--output", str(model))
    assert res.returncode == 0, res.stderr
    assert seen == [pd.read_csv(tiny_csv)["group"].tolist()]
    seen.clear()
    res = run_main(*args, "--output", str(tmp_path / "plain.skops"))
    assert res.returncode == 0, res.stderr
    assert seen == [None]


def _train(csv, model, *options):
    args = ["train", "--csv", str(csv), *CSV_ARGS, "--target", "label"]
    return run_main(*args, *options, "--output", str(model))


def test_train_group_column_refused_out_of_core(tiny_csv, tmp_path):
    res = _train(
        tiny_csv, tmp_path / "m.skops", "--group-column", "group", "--chunk-size", "8"
    )
    assert res.returncode == 2
    assert "--group-column" in res.stderr and "--chunk-size" in res.stderr


def test_train_unknown_group_column_is_named(tiny_csv, tmp_path):
    res = _train(tiny_csv, tmp_path / "m.skops", "--group-column", "nope")
    assert res.returncode == 2
    assert "'nope'" in res.stderr


def test_evaluate_gives_the_group_column_to_every_fold_and_the_test_refit(
    tiny_csv, tmp_path, monkeypatch
):
    seen = _record_groups(monkeypatch)
    res = run_main(
        "evaluate",
        "--csv",
        str(tiny_csv),
        *CSV_ARGS,
        "--target",
        "label",
        "--group-column",
        "group",
        "--cv",
        "2",
        "--models",
        "fusion",
        "--test-csv",
        str(tiny_csv),
        "--no-progress",
        "--output",
        str(tmp_path / "report"),
    )
    assert res.returncode == 0, res.stderr
    groups = pd.read_csv(tiny_csv)["group"]
    assert len(seen) == 3 and all(g is not None for g in seen)  # 2 folds, 1 refit
    assert seen[-1] == groups.tolist()  # the refit on every row
    assert sorted(seen[0] + seen[1]) == sorted(groups.tolist())  # the folds


def test_an_empty_group_cell_is_named(tiny_csv, tmp_path):
    table = pd.read_csv(tiny_csv)
    table.loc[3, "group"] = None
    csv = tiny_csv.parent / "empty_group.csv"
    table.to_csv(csv, index=False)
    res = _train(csv, tmp_path / "m.skops", "--group-column", "group")
    assert res.returncode == 2
    assert "group column 'group' is empty on line 5" in res.stderr
