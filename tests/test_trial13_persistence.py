"""Trial 13: a damaged pickle-based model file loaded with ``trusted=True``
is a ModelFileError saying so (naming the file), whatever the damage makes
the unpickling raise: a TypeError or RuntimeError of a reconstructor, a
MemoryError of a damaged frame length, a Keras model's BadZipFile ("Bad
CRC-32") inside the pickle."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal.persistence import ModelFileError, load_model, save_model

X = np.random.RandomState(0).normal(size=(20, 4))
Y = (X[:, 0] > 0).astype(int)


def _saved(tmp_path, estimator):
    """The file without its checksum line, as saved before there was one:
    its damage reaches the unpickler, whose errors these tests check (a
    file with its checksum line is refused before unpickling,
    test_trial26_persistence.py)."""
    import joblib

    path = save_model(estimator, tmp_path / "m.joblib")
    envelope = joblib.load(path)
    del envelope["checksum"]
    joblib.dump(envelope, path)
    return path, path.read_bytes()


def _damaged(data, start, width, mask):
    broken = bytearray(data)
    for i in range(start, min(len(data), start + width)):
        broken[i] ^= mask
    return bytes(broken)


@pytest.mark.filterwarnings("ignore")  # scikit-learn's version of a damaged number
def test_every_damaged_byte_of_a_joblib_file_is_a_model_file_error(tmp_path):
    # before: TypeError ("'str' object does not support item assignment",
    # "'int' object is not callable", ...), RuntimeError and KeyError
    # ('estimator') escaped load_model for some of these
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, Y)
    path, data = _saved(tmp_path, pipe)
    causes = set()
    for start in range(2, len(data)):
        path.write_bytes(_damaged(data, start, 1, 0xFF))
        try:
            load_model(path, trusted=True)
        except ModelFileError as exc:
            causes.add(type(exc.__cause__))
        # a damaged number may still load: a pickle has no checksum
    assert TypeError in causes  # the damage reached the reconstructors


def test_a_damaged_frame_length_is_a_model_file_error(tmp_path):
    # before: a bare MemoryError (the pickle asked for a huge frame)
    path, data = _saved(tmp_path, LogisticRegression().fit(X, Y))
    assert data[:3] == b"\x80\x04\x95"  # PROTO 4, then FRAME and its length
    path.write_bytes(data[:3] + (2**62).to_bytes(8, "little") + data[11:])
    with pytest.raises(ModelFileError) as exc:
        load_model(path, trusted=True)
    message = str(exc.value)
    assert f"cannot unpickle {str(path)!r} (" in message
    assert "may be damaged or truncated" in message
    assert "save the model again" in message
    assert isinstance(exc.value.__cause__, MemoryError | OverflowError)


def test_a_damaged_model_file_keeps_its_distinct_errors(tmp_path):
    # a missing class (code not installed) is not called damage
    path, data = _saved(tmp_path, LogisticRegression().fit(X, Y))
    path.write_bytes(data.replace(b"LogisticRegression", b"LogisticRegressioX"))
    with pytest.raises(ModelFileError, match="needs code that is not installed"):
        load_model(path, trusted=True)
    path.write_bytes(data)
    assert isinstance(load_model(path, trusted=True).estimator, LogisticRegression)


@pytest.mark.slow
def test_a_damaged_keras_model_inside_a_joblib_file(tmp_path):
    # before: zipfile.BadZipFile "Bad CRC-32 for file 'model.weights.h5'"
    # from deep inside Keras and h5py
    pytest.importorskip("tensorflow")
    from skmultimodal.models import MultimodalAttentionClassifier

    clf = MultimodalAttentionClassifier(width=8, n_heads=2, epochs=1, random_state=0)
    path, data = _saved(tmp_path, clf.fit(X, Y))
    start = data.find(b"model.weights.h5")
    assert start > 0
    path.write_bytes(_damaged(data, start + 2000, 16, 0x5A))  # in the weights
    with pytest.raises(ModelFileError) as exc:
        load_model(path, trusted=True)
    message = str(exc.value)
    assert f"cannot unpickle {str(path)!r} (" in message
    assert "BadZipFile" in message and "Bad CRC-32" in message


def test_a_warning_made_an_error_while_unpickling_stays_as_it_is(tmp_path, monkeypatch):
    import warnings

    import sklearn.base
    from sklearn.exceptions import InconsistentVersionWarning

    with monkeypatch.context() as patch:  # saved by another scikit-learn
        patch.setattr(sklearn.base, "__version__", "0.0")
        path, _ = _saved(tmp_path, LogisticRegression().fit(X, Y))
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        with pytest.raises(InconsistentVersionWarning):  # not "damaged"
            load_model(path, trusted=True)
