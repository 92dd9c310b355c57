"""``skmultimodal.cli.main(argv)`` called from Python puts back what it
changes in the process to quieten TensorFlow: the environment variables,
the TensorFlow and absl log levels and its import hook (``--disable-plugin``
acts as ``disable_plugins()``: for the rest of the process, as documented).
And the report's ``reproducibility`` record holds the seed and fold splitter
the results carry."""

import json
import logging
import os
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import KFold, StratifiedKFold

from skmultimodal import cli, make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.model_selection import compare_models
from skmultimodal.report import splitter_record, write_report
from skmultimodal.utils import _quiet

VARS = ("TF_CPP_MIN_LOG_LEVEL",)


@pytest.fixture
def clean_state(monkeypatch):
    """No TF log variable; loggers restored afterwards. absl's logging
    (installed with TensorFlow) is imported: main quietens it."""
    absl_logging = pytest.importorskip("absl.logging")
    for name in VARS:
        monkeypatch.delenv(name, raising=False)
    tf_logger = logging.getLogger("tensorflow")
    saved = (
        tf_logger.level,
        absl_logging.get_verbosity(),
        absl_logging.get_absl_logger(),
    )
    saved += (saved[2].level,)
    yield
    tf_logger.setLevel(saved[0])
    absl_logging.set_verbosity(saved[1])
    saved[2].setLevel(saved[3])


def _state():
    absl_logging = sys.modules["absl.logging"]
    return {
        "env": {name: os.environ.get(name) for name in VARS},
        "tensorflow": logging.getLogger("tensorflow").level,
        "absl": (absl_logging.get_verbosity(), absl_logging.get_absl_logger().level),
        "hooks": [
            h for h in sys.meta_path if isinstance(h, _quiet.QuietTensorFlowImport)
        ],
    }


def test_settings_hold_while_the_command_runs(clean_state, monkeypatch):
    absl_logging = sys.modules["absl.logging"]
    absl_logging.set_verbosity(absl_logging.INFO)
    logging.getLogger("tensorflow").setLevel(logging.INFO)
    before = _state()
    during = {}

    def command(args):
        during.update(_state())
        return 0

    monkeypatch.setattr(cli, "cmd_datasets", command)
    assert cli.main(["datasets"]) == 0
    assert during["env"] == {"TF_CPP_MIN_LOG_LEVEL": "3"}
    assert during["tensorflow"] == logging.ERROR
    assert during["absl"][0] == absl_logging.ERROR
    assert _state() == before


def test_state_put_back_when_main_raises(clean_state, monkeypatch, tmp_path):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "1")  # the user's: kept
    before = _state()
    argv = ["evaluate", "--csv", str(tmp_path / "absent.csv")]
    with pytest.raises(ValueError, match="no such file"):
        cli.main([*argv, "--debug"])
    assert _state() == before
    assert cli.main(argv) == 2  # printed, not raised
    assert _state() == before


# -------------------------------------- the report's reproducibility record --
@pytest.fixture(scope="module")
def compared():
    X, y = make_multimodal_classification(n_samples=30, random_state=0)
    model = make_multimodal_pipeline(image=None)
    return compare_models({"text-only": model}, X, y, cv=3, random_state=7)


def _record(tmp_path, results):
    out = write_report(tmp_path / "r", results, dataset="toy")
    doc = json.loads((out / "metrics.json").read_text())
    return doc["reproducibility"], (out / "report.html").read_text()


def test_report_records_the_seed_and_splitter_the_results_carry(tmp_path, compared):
    results = dict(
        compared,
        random_state=7,
        splitter=StratifiedKFold(3, shuffle=True, random_state=7),
    )
    env, page = _record(tmp_path, results)
    assert env["random_state"] == 7
    assert env["splitter"] == {
        "class": "StratifiedKFold",
        "n_splits": 3,
        "shuffle": True,
        "random_state": 7,
    }
    assert (
        "StratifiedKFold(n_splits=3, shuffle=True, random_state=7); random_state=7"
        in page
    )
    rng = np.random.RandomState(0)  # not reproducible from the record: named
    splitter = StratifiedKFold(3, shuffle=True, random_state=rng)
    assert splitter_record(splitter)["random_state"] == "a RandomState instance"


def test_report_says_when_the_seed_and_splitter_are_not_recorded(tmp_path, compared):
    # results without them (built by hand, or by an older version)
    results = {
        k: v for k, v in compared.items() if k not in ("splitter", "random_state")
    }
    env, page = _record(tmp_path, results)
    assert env["random_state"] is None and env["splitter"] is None
    assert "Folds and seed: <code>not recorded</code>" in page


def test_compare_models_results_carry_their_splitter_and_seed(tmp_path, compared):
    assert compared.random_state == 7
    assert splitter_record(compared.splitter) == {
        "class": "StratifiedKFold",
        "n_splits": 3,
        "shuffle": True,
        "random_state": 7,
    }
    env, _ = _record(tmp_path, compared)
    assert env["random_state"] == 7 and env["splitter"]["shuffle"] is True


# ------------------------------------------- an error names the fold it is in --
def _one_text(n=12):
    texts = [""] * n
    texts[0] = "red ball"  # row 0 is in the test rows of fold 1 only
    return pd.DataFrame({"text": texts, "label": ["a", "b"] * (n // 2)})


def test_a_fold_fit_error_is_raised_as_it_is_with_a_note_naming_the_fold():
    table = _one_text()
    model = make_multimodal_pipeline(image=None, missing="mean")
    with pytest.raises(ValueError, match="^modality 'text' is missing in every") as e:
        compare_models({"t": model}, table[["text"]], table["label"], cv=KFold(3))
    assert e.value.__notes__[-1].startswith("in fold 1 of 3 of models['t'], fitted")


def test_cli_evaluate_names_the_fold_whose_training_rows_lack_a_modality(
    tmp_path, capsys
):
    csv = tmp_path / "one.csv"
    _one_text().to_csv(csv, index=False)
    argv = ["evaluate", "--csv", str(csv), "--target", "label", "--cv", "3"]
    argv += ["--models", "text-only", "--missing", "mean", "--no-progress"]
    assert cli.main([*argv, "--output", str(tmp_path / "rep")]) == 2
    err = capsys.readouterr().err
    assert "error: in fold " in err and " of 3 of models['text-only']" in err
    assert "modality 'text' is missing in every row" in err
