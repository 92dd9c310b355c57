"""A missing extra is one kind of error everywhere: an ImportError
(``MissingExtraError``) naming ``pip install "skmultimodal[<extra>]"``,
quoted one way, and the command line's exit status 2. Where the error was a
ValueError or ModelFileError before, it still is one."""

import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skmultimodal.persistence import ModelFileError, load_model, save_model
from skmultimodal.utils._errors import MissingExtraError, is_bad_input


def _hides(monkeypatch, *modules):
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


def test_keras(monkeypatch):
    from skmultimodal.utils._errors import require_keras

    _hides(monkeypatch, "keras")
    with pytest.raises(MissingExtraError, match=r'pip install "skmultimodal\[keras\]"'):
        require_keras("Owner")


def test_plotting(monkeypatch):
    from skmultimodal.plotting import _require_matplotlib

    _hides(monkeypatch, "matplotlib")
    with pytest.raises(MissingExtraError, match=r'pip install "skmultimodal\[plot\]"'):
        _require_matplotlib()


def test_dask(monkeypatch, tmp_path):
    from skmultimodal.distributed import predict_partitions

    _hides(monkeypatch, "distributed")
    with pytest.raises(MissingExtraError, match=r"distributed,parquet\]\"$"):
        predict_partitions(LogisticRegression(), tmp_path / "in", tmp_path / "out")


def test_icons(monkeypatch):
    from skmultimodal.datasets import _icons

    _hides(monkeypatch, "yaml")
    with pytest.raises(MissingExtraError, match=r'pip install "skmultimodal\[icons\]"'):
        _icons._read_yaml(None)


def test_parquet_is_still_a_value_error(monkeypatch):
    from skmultimodal.utils._output import _pyarrow

    _hides(monkeypatch, "pyarrow", "pyarrow.parquet")
    with pytest.raises(MissingExtraError) as info:
        _pyarrow("writing")
    assert isinstance(info.value, ValueError)
    assert 'pip install "skmultimodal[parquet]", or name' in str(info.value)


def test_skops_saving_and_loading(monkeypatch, tmp_path):
    model = LogisticRegression().fit(np.eye(2), [0, 1])
    saved = save_model(model, tmp_path / "saved.skops")
    _hides(monkeypatch, "skops", "skops.io")
    with pytest.raises(MissingExtraError, match="saving .skops needs skops") as info:
        save_model(model, tmp_path / "model.skops")
    assert isinstance(info.value, ValueError)
    with pytest.raises(MissingExtraError, match="loading .skops needs skops") as info:
        load_model(saved)
    assert isinstance(info.value, ModelFileError)
    assert is_bad_input(info.value)


def test_the_command_line_exits_with_status_2(monkeypatch, tmp_path, capsys):
    import cv2

    from skmultimodal import cli

    rows = ["image,text,label"]
    for i in range(8):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((8, 8, 3), 30 * i, np.uint8))
        rows.append(f"{i}.png,word {i % 2},{'ab'[i % 2]}")
    csv = tmp_path / "data.csv"
    csv.write_text("\n".join(rows) + "\n")
    import skmultimodal.models as models

    _hides(monkeypatch, "keras")  # and the class, if an earlier test imported it
    monkeypatch.delitem(vars(models), "MultimodalAttentionClassifier", raising=False)
    status = cli.main(
        ["train", "--csv", str(csv), "--classifier", "attention",
         "--output", str(tmp_path / "model.joblib")]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2, err
    assert 'pip install "skmultimodal[keras]"' in err
    assert "--debug shows the traceback" not in err


def test_evaluation_without_the_extra_of_its_only_model(monkeypatch):
    import pandas as pd

    import skmultimodal.models as models
    from skmultimodal.model_selection._models import run_evaluation

    _hides(monkeypatch, "keras")
    monkeypatch.delitem(vars(models), "MultimodalAttentionClassifier", raising=False)
    X = pd.DataFrame({"image": [np.zeros((8, 8, 3), np.uint8)] * 4, "text": ["a"] * 4})
    with pytest.raises(ValueError) as info:
        run_evaluation(X, [0, 1] * 2, models=["attention-classifier"], cv=2)
    message = str(info.value)
    assert message.startswith("no model can be evaluated: attention-classifier needs")
    assert 'pip install "skmultimodal[keras]"' in message
    assert "columns" not in message  # it was "... on these columns"
