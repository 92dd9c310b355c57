"""Trial 16 (serving): a KerasFeatures or KerasTextEncoder used in a process
forked after TensorFlow started (gunicorn --preload, multiprocessing's
"fork") raises a RuntimeError saying what to do, instead of hanging in
TensorFlow; a process forked before TensorFlow started runs it. Concurrent
first transforms of a freshly loaded KerasTextEncoder load its model once
(TensorFlow: slow tier)."""

import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import numpy as np
import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
]

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")

from skmultimodal.image import KerasFeatures  # noqa: E402
from skmultimodal.text._keras_encoder import KerasTextEncoder  # noqa: E402

IMAGES = [np.full((10, 12, 3), 40 * k, np.uint8) for k in range(3)]
TEXTS = ["cat dog", "red bird", "blue"]


def _image_model(path):
    """8x8 RGB -> conv -> average pool: a tiny network."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(3, 3)(inputs)
    keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x)).save(path)
    return str(path)


def _text_model(path):
    """Strings -> token ids -> mean-pooled 3-d embeddings."""
    keras.utils.set_random_seed(0)
    vectorize = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorize.adapt(["cat dog red blue bird"])
    inputs = keras.Input(shape=(1,), dtype="string")
    x = keras.layers.Embedding(20, 3)(vectorize(inputs))
    keras.Model(inputs, keras.layers.GlobalAveragePooling1D()(x)).save(path)
    return str(path)


def _in_forked_child(work, timeout=60):
    """Run ``work()`` in a child made by ``os.fork``: ``(exit status, what it
    printed)``, the child killed (status None) if still running after
    ``timeout`` seconds, so that a hang fails the test instead of hanging."""
    read, write = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads
        pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 3
        try:
            os.close(read)
            try:
                work()
                message, status = b"ran", 0
            except RuntimeError as exc:
                message, status = str(exc).encode(), 1
            os.write(write, message)
        finally:
            os._exit(status)
    os.close(write)
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(raw)
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as pipe:
        return status, pipe.read().decode()


def _assert_refused(status, message, owner):
    assert status == 1, f"the child hung or did not refuse ({status}): {message}"
    assert message.startswith(f"{owner}: TensorFlow cannot run in a process forked")
    assert f"forked from process {os.getpid()}" in message
    assert '"spawn" or "forkserver"' in message
    assert "gunicorn without --preload" in message


@pytest.fixture(scope="module")
def image_file(tmp_path_factory):
    return _image_model(tmp_path_factory.mktemp("img") / "net.keras")


@pytest.fixture(scope="module")
def text_file(tmp_path_factory):
    return _text_model(tmp_path_factory.mktemp("txt") / "enc.keras")


def test_keras_features_in_a_child_forked_after_use_refuses(image_file):
    est = KerasFeatures(model=image_file).fit(IMAGES)
    est.transform(IMAGES)  # the parent has run the network
    status, message = _in_forked_child(lambda: est.transform(IMAGES))
    _assert_refused(status, message, "KerasFeatures")
    # a copy carries no network: building one there would hang as well
    copy = pickle.loads(pickle.dumps(est))
    status, message = _in_forked_child(lambda: copy.transform(IMAGES))
    _assert_refused(status, message, "KerasFeatures")
    assert est.transform(IMAGES).shape == (3, 3)  # the parent still runs it


def test_keras_text_encoder_in_a_child_forked_after_use_refuses(text_file):
    enc = KerasTextEncoder(text_file).fit(TEXTS)
    enc.transform(TEXTS)
    status, message = _in_forked_child(lambda: enc.transform(TEXTS))
    _assert_refused(status, message, "KerasTextEncoder")
    status, message = _in_forked_child(lambda: KerasTextEncoder(text_file).fit(TEXTS))
    _assert_refused(status, message, "KerasTextEncoder")
    assert enc.transform(TEXTS).shape == (3, 3)


def test_a_child_forked_before_tensorflow_started_runs_it(
    image_file, text_file, tmp_path
):
    # a fresh interpreter (this one has started TensorFlow): the models are
    # fitted in the parent without running them, as skmultimodal builds no
    # network before fit; the child fits and transforms
    script = textwrap.dedent(
        f"""
        import os
        import numpy as np
        from skmultimodal.image import KerasFeatures
        from skmultimodal.text._keras_encoder import KerasTextEncoder
        pid = os.fork()
        if pid == 0:
            images = [np.full((10, 12, 3), 40 * k, np.uint8) for k in range(3)]
            a = KerasFeatures(model={image_file!r}).fit(images).transform(images)
            b = KerasTextEncoder({text_file!r}).fit(["cat"]).transform(["cat dog"])
            os._exit(0 if a.shape == (3, 3) and b.shape == (1, 3) else 5)
        _, raw = os.waitpid(pid, 0)
        raise SystemExit(os.waitstatus_to_exitcode(raw))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-2000:]


def test_concurrent_first_transforms_load_the_encoder_once(text_file, monkeypatch):
    enc = KerasTextEncoder(text_file).fit(TEXTS)
    expected = enc.transform(TEXTS)
    loaded = pickle.loads(pickle.dumps(enc))  # no model held: loads on use
    calls = []
    load = KerasTextEncoder._load

    def counting(self, *args, **kwargs):
        calls.append(threading.get_ident())
        time.sleep(0.2)  # a slow load: the first calls overlap
        return load(self, *args, **kwargs)

    monkeypatch.setattr(KerasTextEncoder, "_load", counting)
    barrier = threading.Barrier(8)
    results, errors = [], []

    def first():
        barrier.wait()
        try:
            results.append(loaded.transform(TEXTS))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(calls) == 1
    assert len(results) == 8
    for out in results:
        np.testing.assert_array_equal(out, expected)
