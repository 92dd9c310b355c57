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
