"""Persistence found by a user trial: the builder's pipelines with a
``tabular=`` branch load from ``.skops`` without ``trusted=``, and cut or
corrupt model files are reported as such, not as foreign files."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skmultimodal import make_multimodal_pipeline
from skmultimodal.persistence import ModelFileError, load_model, save_model

from .cli.conftest import write_dataset

pytest.importorskip("skops")

SELECTOR = "sklearn.compose._column_transformer.make_column_selector"
TABLE_COLUMNS = "skmultimodal.pipeline._TableColumns"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = write_dataset(tmp_path_factory.mktemp("persist_tabular"), n_per_class=6)
    df = pd.read_csv(path)
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "image": [str(path.parent / p) for p in df["picture"]],
            "text": df["caption"],
            "length": rng.normal(size=len(df)),
            "colour": rng.choice(["red", "green"], size=len(df)),
        }
    )
    return X, df["label"].to_numpy()


TABULAR_LIST = ["length", "colour"]
TABULAR_DICT = {"numeric": ["length"], "categorical": ["colour"]}


# test_persistence.py round-trips every method on image + text; these are the
# configurations with a tabular branch, given as a list (split by dtype with
# _TableColumns) and as a dict (named columns)
@pytest.mark.parametrize(
    "params",
    [
        {"tabular": TABULAR_LIST},
        {"tabular": TABULAR_DICT},
        {"tabular": TABULAR_LIST, "image": None, "text": None},
        {"tabular": TABULAR_DICT, "image": None, "text": None},
        {"tabular": TABULAR_LIST, "method": "late"},
        {"tabular": TABULAR_DICT, "method": "late"},
    ],
    ids=["list", "dict", "list-only", "dict-only", "list-late", "dict-late"],
)
def test_tabular_pipelines_load_from_skops_without_trusted(data, tmp_path, params):
    import skops.io as sio

    X, y = data
    pipe = make_multimodal_pipeline(
        image_features="color_histogram", random_state=0, **params
    ).fit(X, y)
    path = save_model(pipe, tmp_path / "m.skops")
    found = sio.get_untrusted_types(file=path)
    assert (TABLE_COLUMNS in found) == isinstance(params["tabular"], list)
    loaded = load_model(path)  # no trusted=...
    np.testing.assert_array_equal(loaded.predict(X), pipe.predict(X))
    np.testing.assert_allclose(
        loaded.predict_proba(X), pipe.predict_proba(X), rtol=1e-12, atol=1e-15
    )


def test_column_selector_is_trusted_by_its_public_path_too():
    from skmultimodal.persistence import TRUSTED_TYPES, trusted_types

    assert SELECTOR in TRUSTED_TYPES
    assert "sklearn.compose.make_column_selector" in trusted_types(
        ["sklearn.compose.make_column_selector"]
    )
    assert SELECTOR in trusted_types()


# ---------------------------------------------- cut and corrupt model files --
def _saved(tmp_path, suffix):
    clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    path = save_model(clf, tmp_path / f"m{suffix}", metadata={"v": 1})
    return path, path.read_bytes()


def test_a_truncated_joblib_file_is_reported_as_truncated(tmp_path):
    path, data = _saved(tmp_path, ".joblib")
    for cut in range(1, len(data)):  # every cut: EOF, frame, NumPy array, ...
        path.write_bytes(data[:cut])
        with pytest.raises(ModelFileError) as exc:
            load_model(path, trusted=True)
        msg = str(exc.value)
        assert "is truncated or corrupt" in msg, (cut, msg)
        assert "cut short" in msg and "not a skmultimodal model file" not in msg
    path.write_bytes(data)
    assert load_model(path, trusted=True).metadata == {"v": 1}


def test_a_truncated_compressed_joblib_file_is_reported_as_truncated(tmp_path):
    import joblib

    path, _ = _saved(tmp_path, ".joblib")
    joblib.dump(joblib.load(path), path, compress=3)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="is truncated or corrupt"):
        load_model(path, trusted=True)


def test_a_truncated_skops_file_is_reported_as_truncated(tmp_path):
    path, data = _saved(tmp_path, ".skops")
    for cut in [4, 10, len(data) // 2, len(data) - 10, len(data) - 1]:
        path.write_bytes(data[:cut])
        with pytest.raises(ModelFileError) as exc:
            load_model(path)
        msg = str(exc.value)
        assert "is truncated or corrupt" in msg, (cut, msg)
        assert "central directory, is missing" in msg
        assert "not a skmultimodal model file" not in msg
        assert "not a zip file" not in msg.lower()


def test_a_corrupt_skops_file_is_reported_as_corrupt(tmp_path):
    path, data = _saved(tmp_path, ".skops")
    broken = bytearray(data)
    broken[broken.find(b"schema.json") + 40] ^= 0xFF  # inside the schema
    path.write_bytes(bytes(broken))
    with pytest.raises(ModelFileError) as exc:
        load_model(path)
    msg = str(exc.value)
    assert "is truncated or corrupt" in msg and "cannot be read" in msg
    assert "central directory" not in msg  # the end of the archive is there


@pytest.mark.parametrize("suffix", [".joblib", ".skops"])
def test_an_empty_model_file_is_reported_as_empty(tmp_path, suffix):
    path = tmp_path / f"m{suffix}"
    path.write_bytes(b"")
    with pytest.raises(ModelFileError, match=r"is empty \(0 bytes\)"):
        load_model(path, trusted=True)


def test_files_that_are_not_model_files_keep_their_messages(tmp_path):
    not_zip = tmp_path / "m.skops"
    not_zip.write_bytes(b"\x00" * 100)
    with pytest.raises(ModelFileError, match="not a skops \\(zip\\) file"):
        load_model(not_zip)
    text = tmp_path / "m.joblib"
    text.write_text("this is not a model\n")
    with pytest.raises(ModelFileError, match="is not a skmultimodal model file"):
        load_model(text, trusted=True)
    import zipfile

    with zipfile.ZipFile(not_zip, "w") as zf:  # a whole zip, not a skops file
        zf.writestr("readme.txt", "not a model")
    with pytest.raises(ModelFileError, match="is not a skmultimodal model file"):
        load_model(not_zip)
