"""Trial 13 of the command line: a catalogue of one modality (no ``image``
or no ``text`` column) trains, evaluates and predicts; ``--epochs`` is
refused where no model trains in epochs; ``featurize``'s width warning
states the model's own hashed block size; and a class of one row is named
by the fusion's internal folds, not by scikit-learn's warning."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion.methods import LateFusion, StackFusion, SumFusion
from skmultimodal.persistence import load_model

from .conftest import run_main, usage_error, write_dataset


@pytest.fixture(scope="module")
def one_modality(tmp_path_factory):
    """``(text-only CSV, image-only CSV)``: the tiny dataset's columns
    under the default names, ``text`` or ``image``, without the other."""
    folder = tmp_path_factory.mktemp("one_modality")
    df = pd.read_csv(write_dataset(folder))
    text = folder / "text.csv"
    df.rename(columns={"caption": "text"})[["text", "label"]].to_csv(text, index=False)
    image = folder / "image.csv"
    df.rename(columns={"picture": "image"})[["image", "label"]].to_csv(
        image, index=False
    )
    return text, image


def _warnings(proc):
    return [ln for ln in proc.stderr.splitlines() if "skmultimodal: warning:" in ln]


def test_text_only_csv_trains_and_predicts(one_modality, tmp_path):
    text, _ = one_modality
    model = tmp_path / "text.skops"
    proc = run_main("train", "--csv", text, "--output", model)
    assert proc.returncode == 0, proc.stderr
    # the left-out modality is said once, with how to name a column
    assert _warnings(proc) == [
        f"skmultimodal: warning: --csv {str(text)!r} has no 'image' column: "
        "the image modality is left out (name its image column with "
        "--image-column if it has one)"
    ]
    saved = load_model(model)
    assert saved.metadata["image_column"] is None
    assert saved.metadata["text_column"] == "text"
    assert saved.metadata["method"] == "concat"  # one modality: concat
    out = tmp_path / "pred.csv"
    proc = run_main("predict", "--model", model, "--csv", text, "--output", out)
    assert proc.returncode == 0, proc.stderr
    assert len(pd.read_csv(out)) == len(pd.read_csv(text))
    # a column named with --image-column must be in the file
    for name in ("photo", ""):
        proc = run_main(
            "train", "--csv", text, "--image-column", name,
            "--output", tmp_path / "m.skops",
        )  # fmt: skip
        assert f"column {name!r} not found in {str(text)!r}" in usage_error(proc)


def test_image_only_csv_trains(one_modality, tmp_path):
    _, image = one_modality
    model = tmp_path / "image.skops"
    proc = run_main("train", "--csv", image, "--output", model)
    assert proc.returncode == 0, proc.stderr
    assert "has no 'text' column" in proc.stderr
    assert load_model(model).metadata["text_column"] is None
    # neither default column, nor table columns: refused, naming the columns
    csv = tmp_path / "neither.csv"
    pd.read_csv(image).rename(columns={"image": "photo"}).to_csv(csv, index=False)
    line = usage_error(run_main("train", "--csv", csv, "--output", model))
    assert "columns 'image', 'text' not found in" in line
    assert "available columns: photo, label" in line


def test_text_only_csv_evaluates(one_modality, tmp_path):
    text, _ = one_modality
    proc = run_main(
        "evaluate", "--csv", text, "--models", "text-only", "--cv", "2",
        "--output", tmp_path / "report", "--no-progress",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^text-only ", proc.stdout, re.M), proc.stdout


@pytest.mark.parametrize(
    "extra, named",
    [
        ([], "--classifier logistic"),
        (["--method", "concat"], "--classifier logistic"),
        (["--task", "regression"], "--classifier ridge"),
    ],
)
def test_epochs_without_the_attention_classifier_is_refused(
    one_modality, tmp_path, extra, named
):
    text, _ = one_modality
    model = tmp_path / "m.skops"
    proc = run_main(
        "train", "--csv", text, *extra, "--epochs", "500", "--output", model
    )  # fmt: skip
    line = usage_error(proc)
    assert "--epochs sets the epochs of --classifier attention" in line
    assert "--chunk-size" in line and f"{named} has none" in line
    assert not model.exists()


def test_featurize_width_warning_states_the_models_block_size(one_modality, tmp_path):
    text, _ = one_modality
    model = tmp_path / "hashed.skops"
    proc = run_main(
        "train", "--csv", text, "--chunk-size", "10", "--n-features", "8192",
        "--epochs", "1", "--output", model,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "features.csv"
    proc = run_main("featurize", "--model", model, "--csv", text, "--output", out)
    assert proc.returncode == 0, proc.stderr
    (wide,) = [w for w in _warnings(proc) if "too wide" in w]
    assert "the model gives 16,384 features per row" in wide
    assert "hashes its texts into 2 blocks of 8,192 columns" in wide
    assert "65,536" not in wide and "--n-features 1024" in wide


def _rare(n_rare=1):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4))
    y = np.array(["common"] * 20 + ["other"] * 20, dtype=object)
    y[:n_rare] = "rare"
    return X, y


def _fusion(method, **kwargs):
    return ModalityFusion(
        [("a", StandardScaler(), [0, 1]), ("b", StandardScaler(), [2, 3])],
        method=method(random_state=0, **kwargs),
    )


@pytest.mark.parametrize(
    "method, name", [(StackFusion, "stack"), (SumFusion, "sum"), (LateFusion, "late")]
)
def test_a_class_of_one_row_is_named_instead_of_sklearns_warning(method, name):
    X, y = _rare()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Z = _fusion(method).fit_transform(X, y)
    messages = {str(w.message) for w in caught}
    assert all(w.category is UserWarning for w in caught)
    assert messages == {
        f"fusion method {name!r}: class 'rare' (1 row) has fewer rows than the "
        "2 internal folds (cv=3, reduced to the rows of the rarest class, at "
        "least 2): such a class cannot be scored out-of-fold reliably (an "
        "internal fold trains on none of its rows); gather more rows of it, or "
        "merge it into another class or drop it"
    }  # and not scikit-learn's "The least populated class in y has only 1 ..."
    # the folds are those of before: 2 stratified shuffled folds, seeded
    given = StratifiedKFold(2, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _fusion(method, cv=given).fit_transform(X, y)
    np.testing.assert_allclose(Z, expected)


def test_classes_of_one_row_are_all_named():
    X, y = _rare(1)
    y[-1] = "single"
    with pytest.warns(UserWarning) as caught:
        _fusion(SumFusion).fit_transform(X, y)
    (message,) = {str(w.message) for w in caught}
    assert "classes 'rare' (1 row) and 'single' (1 row) have fewer rows" in message
    # classes of 2 rows or more fill the (reduced) folds: no warning, as before
    for n_rare in (2, 3):
        X, y = _rare(n_rare)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _fusion(SumFusion).fit_transform(X, y)


def test_a_class_of_one_row_is_named_with_groups_too():
    """Grouped internal folds (StratifiedGroupKFold) name the class as the
    ungrouped ones do, once, at the caller's line, without scikit-learn's
    warning."""
    X, y = _rare()
    groups = np.arange(len(y)) // 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _fusion(StackFusion).fit(X, y, groups=groups)
    assert len(caught) == 1, [str(w.message) for w in caught]
    assert str(caught[0].message).startswith(
        "fusion method 'stack': class 'rare' (1 row) has fewer rows"
    )
    message = str(caught[0].message)
    assert "than the 2 internal folds (cv=3, reduced to what the groups allow)" in (
        message
    )
    assert caught[0].filename == __file__
