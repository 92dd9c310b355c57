"""Real-world image files: a table whose every image file exists but none
decodes is named as such (not as a path problem); a branch that reads no
row stops without NumPy's warnings about the NaN columns; an absent file's
message says where a relative path was looked for and hints at Windows
separators and spaces around a part of the path."""

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from skmultimodal import make_multimodal_pipeline
from skmultimodal.image import ImageDecodeError, PixelFeatures
from tests.cli.conftest import run_main


def _table(tmp_path, image_cells):
    rng = np.random.default_rng(0)
    (tmp_path / "photos").mkdir()
    for k in range(3):
        Image.fromarray(rng.integers(0, 255, (8, 8, 3), np.uint8)).save(
            tmp_path / "photos" / f"{k}.png"
        )
    (tmp_path / "photos" / "note.jpg").write_text("not an image")
    n = len(image_cells)
    table = pd.DataFrame(
        {
            "image": image_cells,
            "text": [["red cat", "blue dog"][k % 2] for k in range(n)],
            "label": [["cat", "dog"][k % 2] for k in range(n)],
        }
    )
    csv = tmp_path / "table.csv"
    table.to_csv(csv, index=False)
    return csv


def _evaluate(csv, tmp_path, *options):
    """``skmultimodal evaluate`` of the table ``csv`` on its label, 2 folds."""
    return run_main(
        "evaluate", "--csv", csv, "--target", "label", "--cv", "2",
        "--no-progress", "--output", tmp_path / "r", *options,
    )  # fmt: skip


def test_files_that_all_exist_and_none_decodes_are_named_so(tmp_path):
    csv = _table(tmp_path, ["photos/note.jpg"] * 12)
    res = _evaluate(csv, tmp_path, "--missing", "mean")
    assert res.returncode != 0
    error = res.stderr.strip().splitlines()[-1]
    assert (
        "every row names an image file that exists, but not one of them can be decoded"
        in error
    )
    assert "fix or convert the files" in error
    assert "relative to the CSV's folder" not in error
    assert "not a decodable image" in res.stderr  # each line's reason, warned


def test_absent_files_keep_the_path_advice(tmp_path):
    csv = _table(tmp_path, ["photos/gone.png"] * 12)
    res = _evaluate(csv, tmp_path, "--missing", "mean")
    assert res.returncode != 0
    assert "relative to the CSV's folder" in res.stderr
    assert "every row names an image file that exists" not in res.stderr


def test_a_branch_reading_no_row_stops_without_numpys_warnings(tmp_path):
    X = pd.DataFrame(
        {
            "image": [str(tmp_path / "bad.jpg")] * 8,
            "text": ["red cat", "blue dog"] * 4,
        }
    )
    (tmp_path / "bad.jpg").write_text("not an image")
    y = np.array(["cat", "dog"] * 4)
    pipe = make_multimodal_pipeline(missing="mean", random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(
            ValueError, match="'image' is missing or unreadable in every row"
        ):
            pipe.fit(X, y)
    categories = {w.category.__name__ for w in caught}
    assert "RuntimeWarning" not in categories  # "invalid value encountered in divide"
    assert "ImageWarning" in categories  # the reasons are kept


def test_a_relative_path_names_where_it_was_looked_for(tmp_path, monkeypatch):
    _table(tmp_path, ["x"])
    monkeypatch.chdir(tmp_path / "photos")
    with pytest.raises(ImageDecodeError) as info:
        PixelFeatures(size=(2, 2)).fit_transform(["photos/0.png"])
    looked_for = os.path.join(str(tmp_path / "photos"), "photos/0.png")
    assert f"file not found (looked for {looked_for!r}" in str(info.value)
    assert "a relative path is read from the current folder" in str(info.value)


@pytest.mark.skipif(os.sep != "/", reason="a backslash separates paths on Windows")
@pytest.mark.parametrize(
    "cell, says",
    [
        ("photos\\1.png", "the path exists with / for each \\"),
        ("photos/1.png ", "the path has spaces around a part of it"),
        (" photos/1.png", "the path has spaces around a part of it"),
        ("photos /1.png", "the path has spaces around a part of it"),
        ("photos/1.png\t", "the path has a tab around a part of it"),
    ],
)
def test_absent_paths_hint_at_separators_and_spaces(tmp_path, monkeypatch, cell, says):
    csv = _table(tmp_path, ["photos/0.png", cell] * 6)
    res = _evaluate(csv, tmp_path)
    assert res.returncode != 0
    assert "image file not found on line 3" in res.stderr and says in res.stderr
    monkeypatch.chdir(tmp_path)  # the Python API says it too
    with pytest.raises(ImageDecodeError, match="row 1.*file not found") as info:
        PixelFeatures(size=(2, 2)).fit_transform(["photos/0.png", cell])
    assert says in str(info.value)


def test_a_multilabel_model_saved_from_python_predicts_label_sets(tmp_path):
    from skmultimodal.datasets import make_multimodal_classification
    from skmultimodal.persistence import save_model

    X, y = make_multimodal_classification(n_samples=60, random_state=0)
    paths = []
    for k, image in enumerate(X["image"]):
        paths.append(str(tmp_path / f"{k}.png"))
        Image.fromarray(np.asarray(image, dtype=np.uint8)).save(paths[-1])
    X = X[["text"]].assign(image=paths)
    X.to_csv(tmp_path / "new.csv", index=False)
    Y = pd.DataFrame({"red": (y == 0).astype(int), "round": (y != 2).astype(int)})
    model = make_multimodal_pipeline(target_type="multilabel-indicator", random_state=0)
    save_model(model.fit(X, Y), tmp_path / "m.skops")
    expected = [
        "|".join(map(str, np.flatnonzero(row))) or "|" for row in model.predict(X)
    ]
    for extra in ([], ["--no-proba"]):
        out = tmp_path / f"p{len(extra)}.csv"
        res = run_main(
            "predict", "--model", tmp_path / "m.skops", "--csv", tmp_path / "new.csv",
            "--output", out, *extra,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        table = pd.read_csv(out, dtype=str, keep_default_na=False)
        assert table["prediction"].tolist() == expected
        proba = [c for c in table if c.startswith("proba_")]
        assert proba == ([] if extra else ["proba_0", "proba_1"])
    assert len(set(expected)) > 1


def test_train_warns_of_whole_numbers_read_as_many_classes(tmp_path):
    cells = [f"photos/{k % 3}.png" for k in range(33)]
    csv = _table(tmp_path, cells)
    table = pd.read_csv(csv)
    table["label"] = [str(10 + k % 11) for k in range(33)]  # 11 prices, as classes
    table.to_csv(csv, index=False)
    res = run_main(
        "train", "--csv", csv, "--target", "label", "--output", tmp_path / "m.skops"
    )
    assert res.returncode == 0, res.stderr
    assert "11 distinct whole numbers, read as 11 classes" in res.stderr
    assert "pass --task regression" in res.stderr
    res = run_main(
        "train", "--csv", csv, "--target", "label", "--task", "classification",
        "--output", tmp_path / "m2.skops",
    )  # fmt: skip
    assert res.returncode == 0 and "whole numbers" not in res.stderr


def test_a_class_of_one_row_each_is_a_clear_error():
    from skmultimodal.datasets import make_multimodal_classification

    X, _ = make_multimodal_classification(n_samples=12, random_state=0)
    y = np.arange(12)  # twelve classes of one row
    with pytest.raises(ValueError, match="every class has one row .12 classes in 12"):
        make_multimodal_pipeline(random_state=0).fit(X, y)


def test_a_path_given_as_bytes_is_named_as_a_path(tmp_path):
    _table(tmp_path, ["x"])
    path = os.fsencode(tmp_path / "photos" / "0.png")
    with pytest.raises(ImageDecodeError, match="not a decodable image") as info:
        PixelFeatures(size=(2, 2)).fit_transform([path])
    assert f"are the path {os.fsdecode(path)!r} of an existing file" in str(info.value)
    assert "give the path as a str" in str(info.value)
    with pytest.raises(ImageDecodeError) as info:  # bytes naming no file
        PixelFeatures(size=(2, 2)).fit_transform([b"/no/such/file.png"])
    assert "existing file" not in str(info.value)


def test_a_data_uri_is_named_in_python_and_on_the_command_line(tmp_path):
    cell = "data:image/png;base64,iVBORw0KGgo="
    with pytest.raises(ImageDecodeError, match="it is a data: URI, not a path"):
        PixelFeatures(size=(2, 2)).fit_transform([cell])
    csv = _table(tmp_path, ["photos/0.png", cell] * 6)
    res = _evaluate(csv, tmp_path)
    assert res.returncode != 0 and "it is a data: URI, not a path" in res.stderr
