"""make_multimodal_pipeline(memory=...): the cache sees files change, is
checked when the pipeline is built, and pickles and saves."""

import glob
import os
import pickle
from pathlib import Path

import cv2
import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.persistence import load_model, save_model
from skmultimodal.text import WordVectorFeatures
from skmultimodal.utils._memory import FileStampMemory, file_stamp


def _data(folder, n=30, relative=False):
    X, y = make_multimodal_classification(n_samples=n, random_state=0)
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i, image in enumerate(X["image"]):
        cv2.imwrite(os.path.join(folder, f"{i}.png"), image)
        paths.append(f"{i}.png" if relative else os.path.join(folder, f"{i}.png"))
    X["image"] = paths
    return X, y


def _invert(folder):
    for p in glob.glob(os.path.join(folder, "*.png")):
        cv2.imwrite(p, 255 - cv2.imread(p)[::-1])


def _hits(cache):
    return len(glob.glob(os.path.join(cache, "**", "output.pkl"), recursive=True))


def _gap(a, b, X):
    return np.abs(a.predict_proba(X) - b.predict_proba(X)).max()


def test_memory_sees_image_rewritten_in_place(tmp_path):
    X, y = _data(tmp_path / "images")
    cache = str(tmp_path / "cache")
    cached = make_multimodal_pipeline(method="concat", memory=cache, random_state=0)
    cached.fit(X, y)
    _invert(tmp_path / "images")
    cached.fit(X, y)
    plain = make_multimodal_pipeline(method="concat", random_state=0).fit(X, y)
    assert _gap(cached, plain, X) == 0


def test_memory_hits_when_nothing_changed(tmp_path):
    X, y = _data(tmp_path / "images")
    cache = str(tmp_path / "cache")
    pipe = make_multimodal_pipeline(method="concat", memory=cache, random_state=0)
    pipe.fit(X, y)
    first = _hits(cache)
    assert first == 2  # the image and the text branch
    clone(pipe).fit(X, y)
    assert _hits(cache) == first


def test_memory_sees_working_folder(tmp_path, monkeypatch):
    X, y = _data(tmp_path / "a", relative=True)
    _data(tmp_path / "b", relative=True)
    _invert(tmp_path / "b")
    cache = str(tmp_path / "cache")
    cached = make_multimodal_pipeline(method="concat", memory=cache, random_state=0)
    monkeypatch.chdir(tmp_path / "a")
    cached.fit(X, y)
    monkeypatch.chdir(tmp_path / "b")
    cached.fit(X, y)
    plain = make_multimodal_pipeline(method="concat", random_state=0).fit(X, y)
    assert _gap(cached, plain, X) == 0


def _vectors(path, X, seed):
    words = sorted({w for t in X["text"] for w in t.split()})
    rng = np.random.default_rng(seed)
    lines = [f"{w} " + " ".join(f"{v:.4f}" for v in rng.normal(size=4)) for w in words]
    Path(path).write_text("\n".join(lines) + "\n")


def test_memory_sees_word_vector_file_rewritten(tmp_path):
    X, y = make_multimodal_classification(n_samples=30, random_state=0)
    vec = tmp_path / "vectors.txt"
    _vectors(vec, X, 0)
    kw = {"image": None, "text_features": WordVectorFeatures(path=str(vec))}
    cached = make_multimodal_pipeline(memory=str(tmp_path / "cache"), **kw)
    cached.fit(X, y)
    _vectors(vec, X, 1)
    os.utime(vec, ns=(1, 10**18))  # a new time even on a coarse clock
    cached.fit(X, y)
    plain = make_multimodal_pipeline(**kw).fit(X, y)
    assert _gap(cached, plain, X) == 0


def test_memory_stamp_skips_texts_that_are_not_files(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x")
    cells = np.array(["x" * 5000, "a\0b", str(f), "not a file", 3], dtype=object)
    assert file_stamp([cells]) == [(str(f), *_stat(f))]


def _stat(path):
    found = os.stat(path)
    return found.st_mtime_ns, found.st_size


def test_memory_validated_when_built(tmp_path):
    with pytest.raises(TypeError, match=r"make_multimodal_pipeline\(memory=\.\.\.\)"):
        make_multimodal_pipeline(memory=3)
    X, y = _data(tmp_path / "images")
    make_multimodal_pipeline(method="concat", memory=tmp_path / "cache").fit(X, y)
    assert _hits(str(tmp_path / "cache")) == 2


def test_memory_own_cache_object_kept():
    class Cache:
        def cache(self, func, **kwargs):
            return func

    own = Cache()
    pipe = make_multimodal_pipeline(memory=own)
    assert pipe[0].transformers[0][1].memory is own


def test_memory_pipeline_clones_pickles_and_saves(tmp_path):
    X, y = _data(tmp_path / "images")
    memory = joblib.Memory(str(tmp_path / "cache"), verbose=0)
    pipe = make_multimodal_pipeline(method="concat", memory=memory, random_state=0)
    assert isinstance(pipe[0].transformers[0][1].memory, FileStampMemory)
    clone(pipe)
    pipe.fit(X, y)
    again = pickle.loads(pickle.dumps(pipe))
    assert _gap(again, pipe, X) == 0
    loaded = load_model(save_model(pipe, tmp_path / "model.skops")).estimator
    assert _gap(loaded, pipe, X) == 0


@pytest.mark.slow  # worker processes
def test_memory_grid_search_in_parallel(tmp_path):
    X, y = _data(tmp_path / "images", n=40)
    grid = {"classifier__C": [0.1, 10.0]}

    def search(memory):
        pipe = make_multimodal_pipeline(method="concat", memory=memory, random_state=0)
        return GridSearchCV(pipe, grid, cv=2, n_jobs=2).fit(X, y)

    cached, plain = search(str(tmp_path / "cache")), search(None)
    np.testing.assert_allclose(
        cached.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"]
    )
    assert _gap(cached, plain, X) == 0


def test_memory_caches_every_image_token_branch(tmp_path):
    from scipy import sparse

    from skmultimodal.image import ImageArray
    from skmultimodal.models import MultimodalAttentionClassifier

    X, y = _data(tmp_path / "images")
    cache = str(tmp_path / "cache")
    pipe = make_multimodal_pipeline(
        classifier=MultimodalAttentionClassifier(epochs=1),
        image_tokens=True,
        image_features=ImageArray(size=(16, 16)),
        memory=cache,
    )
    first = clone(pipe[0]).fit_transform(X, y)
    assert _hits(cache) == 3  # the pixels, the TF-IDF and the word ids
    again = clone(pipe[0]).fit_transform(X, y)
    assert _hits(cache) == 3
    assert abs(sparse.csr_matrix(first) - sparse.csr_matrix(again)).max() == 0
