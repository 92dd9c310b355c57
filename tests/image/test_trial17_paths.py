"""Paths: relative ones read from the caller's folder in every worker, the
system's reason for a file that cannot be opened, a broken ``__fspath__``."""

import errno
import os
import socket
import warnings

import cv2
import numpy as np
import pytest

from skmultimodal.image import (
    ImageDecodeError,
    ImageFeatureUnion,
    ImageReader,
    ImageWarning,
    PixelFeatures,
    _io,
)
from skmultimodal.utils._validation import type_name

RED, BLUE = (255, 0, 0), (0, 0, 255)


def _png(path, rgb):
    path.parent.mkdir(parents=True, exist_ok=True)
    img = np.zeros((4, 4, 3), np.uint8)
    img[:] = rgb
    assert cv2.imwrite(str(path), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))


@pytest.fixture
def two_folders(tmp_path):
    """Folders ``A`` and ``B``, each with ``img/0.png`` ... ``img/3.png``:
    red in ``A``, blue in ``B``."""
    for name, rgb in (("A", RED), ("B", BLUE)):
        for k in range(4):
            _png(tmp_path / name / "img" / f"{k}.png", rgb)
    return tmp_path / "A", tmp_path / "B"


# ------------------------------------------- relative paths, n_jobs > 1
def test_relative_paths_are_read_from_the_callers_folder_in_the_workers(
    two_folders, monkeypatch
):
    # joblib reuses its worker processes from call to call: they stay in
    # the folder they started in whatever os.chdir the caller does since
    A, B = two_folders
    items = [f"img/{k}.png" for k in range(4)]
    est = PixelFeatures(size=(2, 2), color="rgb", n_jobs=2)
    union = ImageFeatureUnion(
        [
            ("pixels", PixelFeatures(size=(2, 2))),
        ],
        n_jobs=2,
    )
    reader = ImageReader(n_jobs=2)
    for folder, rgb in ((A, RED), (B, BLUE), (A, RED)):
        monkeypatch.chdir(folder)
        expected = np.tile(np.array(rgb, np.float32) / 255, 4)
        Z = est.fit_transform(items)
        np.testing.assert_allclose(Z, np.tile(expected, (4, 1)), atol=0.06)
        np.testing.assert_array_equal(
            union.fit_transform(items), PixelFeatures(size=(2, 2)).fit_transform(items)
        )
        for img in reader.fit_transform(items):
            assert tuple(img[0, 0]) == rgb


def test_relative_path_messages_keep_the_given_spelling(two_folders, monkeypatch):
    A, _ = two_folders
    monkeypatch.chdir(A)
    items = ["img/0.png", "img/1.png", "img/../img/9.png", "img/2.png"]
    with pytest.raises(ImageDecodeError) as info:
        PixelFeatures(size=(2, 2), n_jobs=2).fit_transform(items)
    message = str(info.value)
    assert "row 2, path 'img/../img/9.png': file not found" in message
    # where a relative path was looked for, after its given spelling
    looked_for = os.path.join(str(A), "img/../img/9.png")
    assert f"(looked for {looked_for!r}: a relative path is read" in message
    with pytest.warns(ImageWarning, match=r"row 2, path 'img/\.\./img/9\.png'"):
        ImageReader(n_jobs=2, on_error="blank").fit_transform(items)


def test_a_path_like_giving_a_relative_bytes_path(two_folders, monkeypatch):
    class BytesPath(os.PathLike):
        def __init__(self, path):
            self.path = path

        def __fspath__(self):
            return self.path

    # read as a path (not as encoded data), from the caller's current folder,
    # in the workers too
    reader = ImageReader(n_jobs=2)
    items = [BytesPath(f"img/{k}.png".encode()) for k in range(4)]
    for folder, rgb in zip(two_folders, (RED, BLUE)):
        monkeypatch.chdir(folder)
        for img in reader.fit_transform(items):
            assert tuple(img[0, 0]) == rgb


def test_relative_paths_after_the_current_folder_was_removed(two_folders, tmp_path):
    # the workers started in a folder that still exists must not read there
    A, _ = two_folders
    gone = tmp_path / "gone"
    gone.mkdir()
    reader = ImageReader(n_jobs=2)
    here = os.getcwd()
    try:
        os.chdir(A)
        reader.fit_transform(["img/0.png", "img/1.png"])  # workers start in A
        os.chdir(gone)
        gone.rmdir()
        with pytest.raises(ImageDecodeError, match="current folder was removed"):
            reader.fit_transform(["img/0.png", "img/1.png"])
    finally:
        os.chdir(here)


# ------------------------------------- the system's reason, special files
def _reason(item):
    with pytest.raises(ImageDecodeError) as info:
        ImageReader().fit_transform([item])
    return str(info.value)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_symlink_loop_says_so(tmp_path):
    loop = tmp_path / "loop.png"
    try:
        os.symlink(loop, loop)
    except OSError:
        pytest.skip("cannot make symbolic links here")
    message = _reason(str(loop))
    assert "row 0" in message and str(loop) in message
    assert "Too many levels of symbolic links, ELOOP" in message


@pytest.mark.skipif(os.name == "nt", reason="POSIX file name limits")
def test_a_file_name_too_long_says_so(tmp_path):
    message = _reason(str(tmp_path / ("y" * 300 + ".png")))
    assert "cannot read file (File name too long, ENAMETOOLONG)" in message


def test_any_os_error_gives_the_systems_reason(tmp_path, monkeypatch):
    path = tmp_path / "a.png"
    _png(path, RED)

    def failing_open(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(_io.os, "open", failing_open)
    message = _reason(str(path))
    assert "cannot read file (Input/output error, EIO)" in message


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets")
def test_a_socket_is_named_as_such(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short path: socket addresses are short
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("s.png")
        message = _reason("s.png")
        assert "not a regular file (a socket); only image files are read" in message
        with pytest.warns(ImageWarning, match=r"row 1, path 's\.png'.*a socket"):
            Z = PixelFeatures(size=(2, 2), on_error="missing").fit_transform(
                [np.zeros((3, 3), np.uint8), "s.png"]
            )
        assert np.isnan(Z[1]).all() and not np.isnan(Z[0]).any()


# ---------------------------------------------------- a broken __fspath__
class BadPath(os.PathLike):
    def __init__(self, value):
        self.value = value

    def __fspath__(self):
        if isinstance(self.value, Exception):
            raise self.value
        return self.value

    def __repr__(self):
        return f"BadPath({self.value!r})"


@pytest.mark.parametrize(
    "value, reason",
    [
        (3, "its __fspath__ returned value 3 of type int, not a path"),
        (None, "its __fspath__ returned value None of type NoneType, not a path"),
        (KeyError("boom"), "its __fspath__ raised KeyError: 'boom'"),
    ],
)
def test_a_broken_fspath_is_an_unreadable_item(value, reason):
    good = np.zeros((3, 3), np.uint8)
    X = [good, BadPath(value)]
    with pytest.raises(ImageDecodeError) as info:
        ImageReader().fit_transform(X)
    message = str(info.value)
    kind = type_name(X[1])  # tests.BadPath: its package and class
    assert f"row 1, value BadPath({value!r}) of type {kind}: {reason}" in message
    with pytest.warns(ImageWarning, match="row 1") as record:
        Z = PixelFeatures(size=(2, 2), on_error="missing").fit_transform(X)
    assert reason in str(record[0].message)
    assert np.isnan(Z[1]).all() and not np.isnan(Z[0]).any()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImageWarning)
        out = ImageReader(on_error="blank").fit_transform(X)
    assert (out[1] == 255).all()
