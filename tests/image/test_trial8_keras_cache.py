"""Trial 8: each fitted KerasFeatures builds its network once per process
and keeps it while it lives, however many extractors the process holds;
concurrent first calls build once; a dropped extractor frees its network
(TensorFlow: slow tier)."""

import gc
import pickle
import threading
import time

import numpy as np
import pytest
from sklearn.base import clone

from skmultimodal.image import KerasFeatures

pytestmark = pytest.mark.slow

keras = pytest.importorskip("keras")

from skmultimodal.image import _keras  # noqa: E402

IMAGES = [np.full((10, 12, 3), 40 * k, np.uint8) for k in range(3)]


def _tiny_file(path, seed):
    """8x8 RGB -> conv -> average pool: a tiny network, weights by seed."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(3, 3, name="conv")(inputs)
    keras.Model(inputs, keras.layers.GlobalAveragePooling2D(name="gap")(x)).save(path)
    return str(path)


@pytest.fixture
def builds(monkeypatch):
    """Counts the networks built: each build traces one inference function."""
    count = [0]
    compile_ = _keras._compile

    def counting(network):
        count[0] += 1
        time.sleep(0.2)  # a slow build: concurrent first calls overlap
        return compile_(network)

    monkeypatch.setattr(_keras, "_compile", counting)
    return count


def test_five_extractors_build_each_network_once(tmp_path, builds):
    files = [_tiny_file(tmp_path / f"m{k}.keras", k) for k in range(5)]
    ests = [KerasFeatures(model=f).fit(IMAGES) for f in files]
    assert builds[0] == 5
    first = [est.transform(IMAGES) for est in ests]
    for _ in range(2):
        for est, expected in zip(ests, first):
            np.testing.assert_array_equal(est.transform(IMAGES), expected)
    assert builds[0] == 5  # transforms build nothing
    # the same parameters and files share the network of a live extractor
    twin = clone(ests[0]).fit(IMAGES)
    copy = pickle.loads(pickle.dumps(ests[1]))
    np.testing.assert_array_equal(copy.transform(IMAGES), first[1])
    np.testing.assert_array_equal(twin.transform(IMAGES), first[0])
    assert builds[0] == 5


def test_concurrent_first_transforms_build_once(tmp_path, builds):
    est = KerasFeatures(model=_tiny_file(tmp_path / "m.keras", 0)).fit(IMAGES)
    expected = est.transform(IMAGES)
    loaded = pickle.loads(pickle.dumps(est))
    _keras._forget_networks()  # no network held: as in a new process
    builds[0] = 0
    barrier = threading.Barrier(4)
    results, errors = [], []

    def work():
        barrier.wait()
        try:
            results.append(loaded.transform(IMAGES))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert builds[0] == 1
    for out in results:
        np.testing.assert_array_equal(out, expected)


def test_dropping_an_extractor_frees_its_network(tmp_path):
    gc.collect()
    held, shared = len(_keras._LOADED), len(_keras._SHARED)
    est = KerasFeatures(model=_tiny_file(tmp_path / "m.keras", 3)).fit(IMAGES)
    est.transform(IMAGES)
    assert (len(_keras._LOADED), len(_keras._SHARED)) == (held + 1, shared + 1)
    del est
    gc.collect()
    assert (len(_keras._LOADED), len(_keras._SHARED)) == (held, shared)


def test_changed_file_does_not_break_a_live_extractor(tmp_path):
    path = _tiny_file(tmp_path / "changing.keras", 0)
    est = KerasFeatures(model=path).fit(IMAGES)
    expected = est.transform(IMAGES)
    blob = pickle.dumps(est)
    _tiny_file(path, 1)  # the file changes on disk
    others = [
        KerasFeatures(model=_tiny_file(tmp_path / f"o{k}.keras", k)).fit(IMAGES)
        for k in range(5)
    ]
    assert len(others) == 5
    # the live extractor keeps the network it was fitted with ...
    np.testing.assert_array_equal(est.transform(IMAGES), expected)
    # ... and a rebuild, as in a new process, checks the file
    _keras._forget_networks()
    with pytest.raises(ValueError, match="changed since the extractor was fitted"):
        pickle.loads(blob).transform(IMAGES)
