"""A nearest-neighbours model keeps its training rows as a SciPy sparse
matrix: .skops files of such models load without trusted=, and sparse
types are rebuilt by skops' npz reader (no pickle)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.neighbors import KNeighborsClassifier

from skmultimodal import make_multimodal_pipeline
from skmultimodal.persistence import (
    TRUSTED_TYPES,
    ModelFileError,
    load_model,
    save_model,
)

TEXTS = ["red apple", "green apple", "red car", "blue car", "ripe apple", "fast car"]
Y = np.array(["fruit", "fruit", "car", "car", "fruit", "car"])


def test_knn_on_tfidf_loads_without_trusted(tmp_path):
    import pandas as pd

    X = pd.DataFrame({"text": TEXTS})
    model = make_multimodal_pipeline(
        image=None, text="text", classifier=KNeighborsClassifier(n_neighbors=1)
    ).fit(X, Y)
    path = tmp_path / "knn.skops"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "load_model will refuse" warning
        save_model(model, path)
    loaded = load_model(path).estimator
    new = pd.DataFrame({"text": ["apple pie", "old car"]})
    np.testing.assert_array_equal(loaded.predict(new), model.predict(new))
    assert list(loaded.predict(new)) == ["fruit", "car"]


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "bsr", "dia"])
@pytest.mark.parametrize("kind", ["matrix", "array"])
def test_sparse_formats_are_trusted(tmp_path, fmt, kind):
    from sklearn.preprocessing import FunctionTransformer

    data = getattr(sp, f"{fmt}_{kind}")(np.eye(3))
    assert f"{type(data).__module__}.{type(data).__name__}" in TRUSTED_TYPES
    holder = FunctionTransformer(kw_args={"table": data})
    path = tmp_path / "m.skops"
    save_model(holder, path)
    back = load_model(path).estimator.kw_args["table"]
    assert type(back) is type(data)
    np.testing.assert_array_equal(back.toarray(), np.eye(3))


# --- a trial of persistence as a user would: damage, forgeries, messages ---

X = np.random.RandomState(0).randn(40, 3)
YB = (X[:, 0] > 0).astype(int)


def _lr():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression().fit(X, YB)


def test_a_flipped_bit_in_a_joblib_file_is_refused(tmp_path):
    # before: the damaged coefficient loaded, and half the predictions changed
    clf = _lr()
    path = save_model(clf, tmp_path / "c.joblib")
    data = bytearray(path.read_bytes())
    data[data.find(clf.coef_.tobytes()) + 7] ^= 0x40
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="SHA-256 checksum"):
        load_model(path, trusted=True)


@pytest.mark.filterwarnings("ignore")  # scikit-learn's version of a damaged file
def test_no_damaged_byte_of_a_joblib_file_loads_another_model(tmp_path):
    clf = _lr()
    path = save_model(clf, tmp_path / "c.joblib")
    data = path.read_bytes()
    assert data.endswith(b"\n") and b"skmultimodal-sha256:" in data[-85:]
    loaded = 0
    for i in range(len(data)):
        broken = bytearray(data)
        broken[i] ^= 0x01
        path.write_bytes(bytes(broken))
        try:
            back = load_model(path, trusted=True).estimator
        except ModelFileError:
            continue
        # only a damaged "skmultimodal-sha256:" word, which hides the line
        # from the check, leaves a file that loads: with the model intact
        loaded += 1
        np.testing.assert_array_equal(back.coef_, clf.coef_)
    assert loaded <= len(b"skmultimodal-sha256:")


def test_a_joblib_file_cut_before_its_checksum_line_is_truncated(tmp_path):
    path = save_model(_lr(), tmp_path / "c.joblib")
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"skmultimodal-sha256:")])
    with pytest.raises(ModelFileError, match="checksum line .* is missing"):
        load_model(path, trusted=True)


def test_a_joblib_file_saved_before_checksums_still_loads(tmp_path):
    import joblib

    clf = _lr()
    path = save_model(clf, tmp_path / "c.joblib")
    envelope = joblib.load(path)
    del envelope["checksum"]
    joblib.dump(envelope, path)
    back = load_model(path, trusted=True).estimator
    np.testing.assert_array_equal(back.coef_, clf.coef_)


def _forged_npy(tmp_path, version):
    """A .skops model whose largest array's header is rewritten in NumPy
    format ``version``, declaring 10**12 float64 values over 24 bytes."""
    import zipfile

    path = save_model(_lr(), tmp_path / "m.skops")
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    name = next(n for n in members if n.endswith(".npy"))
    text = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }"
    width = 2 if version == (1, 0) else 4
    pad = -(6 + 2 + width + len(text) + 1) % 64
    text = (text + " " * pad + "\n").encode()
    magic = np.lib.format.magic(*version)
    members[name] = magic + len(text).to_bytes(width, "little") + text + b"\0" * 24
    with zipfile.ZipFile(path, "w") as zf:
        for n, content in members.items():
            zf.writestr(n, content)
    return path


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_an_array_declaring_more_than_it_holds_is_refused(tmp_path, version):
    # before: a version 3.0 header went unchecked, and NumPy allocated 8 TB
    path = _forged_npy(tmp_path, version)
    with pytest.raises(ModelFileError, match=r"declares the shape \(1000000000000,\)"):
        load_model(path)


def test_a_damaged_member_name_is_corrupt_not_a_foreign_file(tmp_path):
    path = save_model(_lr(), tmp_path / "m.skops")
    data = bytearray(path.read_bytes())
    at = data.rindex(b"schema.json")  # the central directory's copy
    data[at] ^= 0x20
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="truncated or corrupt"):
        load_model(path)


def test_an_envelope_without_an_estimator_is_not_a_model(tmp_path):
    import joblib

    path = save_model(_lr(), tmp_path / "c.joblib")
    envelope = joblib.load(path)
    envelope["estimator"] = 1
    del envelope["checksum"]
    joblib.dump(envelope, path)
    with pytest.raises(ModelFileError, match="estimator entry is a int, not an"):
        load_model(path, trusted=True)


def test_trusted_as_a_dict_is_refused(tmp_path):
    path = save_model(_lr(), tmp_path / "m.skops")
    with pytest.raises(TypeError, match="trusted must be None, True"):
        load_model(path, trusted={"sklearn.linear_model.LogisticRegression": 1})
    assert load_model(path, trusted={"builtins.int"}).estimator is not None


def test_deeply_nested_metadata_is_a_type_error(tmp_path):
    deep = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(TypeError, match="nested too deeply"):
        save_model(_lr(), tmp_path / "m.skops", metadata={"k": deep})
    assert not (tmp_path / "m.skops").exists()


def test_a_read_only_model_file_is_not_replaced(tmp_path):
    import os

    path = save_model(_lr(), tmp_path / "m.joblib")
    before = path.read_bytes()
    os.chmod(path, 0o444)
    try:
        with pytest.raises(ValueError, match="it is read-only"):
            save_model(_lr(), path, metadata={"v": 2})
        assert path.read_bytes() == before
    finally:
        os.chmod(path, 0o644)
    save_model(_lr(), path, metadata={"v": 2})  # writable again: replaced
    assert load_model(path, trusted=True).metadata == {"v": 2}


def test_an_unpicklable_lock_gets_advice_for_objects(tmp_path):
    import threading

    from sklearn.preprocessing import FunctionTransformer

    est = FunctionTransformer(kw_args={"lock": threading.Lock()})
    with pytest.raises(ValueError, match="lives in this process only") as err:
        save_model(est, tmp_path / "m.joblib")
    assert "lambda" not in str(err.value)
    with pytest.raises(ValueError, match="not a lambda"):
        save_model(FunctionTransformer(func=lambda x: x), tmp_path / "m.joblib")


def test_a_model_file_compressed_again_with_joblib_loads(tmp_path):
    import joblib

    clf = _lr()
    path = save_model(clf, tmp_path / "c.joblib")
    joblib.dump(joblib.load(path), path, compress=3)  # no checksum line now
    back = load_model(path, trusted=True).estimator
    np.testing.assert_array_equal(back.coef_, clf.coef_)
