"""The cache of :func:`~skmultimodal.make_multimodal_pipeline`'s
``memory=``, public as :class:`skmultimodal.utils.FileStampMemory` for a
user's own ``Pipeline(memory=...)``: a joblib cache whose key also holds the
size and modification time of every file the rows or the extractor's
parameters name."""

from __future__ import annotations

import os
import stat
import sys

import numpy as np
import pandas as pd

__all__ = ["FileStampMemory"]


class FileStampMemory:
    """A ``Pipeline(memory=...)`` cache that sees files change.

    A joblib cache (scikit-learn's ``Pipeline(memory="folder")``) keys a
    fitted step on its arguments: the rows and the extractor's parameters as
    they are, so a column of image paths names the same features whatever
    the files hold, and a refit after a file is rewritten in place reuses
    the old features. This cache adds to the key a stamp: the absolute
    path, size and modification time (``st_mtime_ns``) of every cell of the
    rows and every parameter of the extractor (``get_params(deep=True)``)
    that is a str or path naming an existing file, or holds one in a dict
    (``method_params={"path": ...}``, four levels deep). A file rewritten in
    place, or the same relative paths under another working folder, is then
    a cache miss (a file rewritten within the file system's time resolution
    with the same size is not seen). Each distinct text is looked up once;
    no file is read. :func:`~skmultimodal.make_multimodal_pipeline` makes
    one from its ``memory=`` folder.

    It holds only plain values (it pickles, clones and saves as ``.skops``)
    and makes its :class:`joblib.Memory` when a pipeline is fitted.

    Parameters
    ----------
    location : str, path or None
        The cache folder (joblib's ``location``); None caches nothing.
    mmap_mode : {None, "r+", "r", "w+", "c"}, default=None
        joblib's ``mmap_mode`` for the cached arrays.
    compress : bool or int, default=False
        joblib's ``compress`` for the cached results.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from skmultimodal.image import PixelFeatures
    >>> from skmultimodal.utils import FileStampMemory
    >>> memory = FileStampMemory(tempfile.mkdtemp())
    >>> pipe = make_pipeline(PixelFeatures(), LogisticRegression(), memory=memory)
    >>> memory
    FileStampMemory(location=...)
    """

    def __init__(self, location, *, mmap_mode=None, compress=False):
        self.location = None if location is None else os.fspath(location)
        self.mmap_mode = mmap_mode
        self.compress = compress

    def __repr__(self):
        return f"FileStampMemory(location={self.location!r})"

    def __eq__(self, other):
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self):
        return hash((self.location, self.mmap_mode, self.compress))

    def cache(self, func, ignore=None, **kwargs):
        """``func`` cached: called through :func:`_call` with the files'
        stamp. ``ignore`` names arguments of ``func`` left out of the key
        (as joblib's)."""
        if self.location is None:
            return func
        from joblib import Memory

        memory = Memory(
            self.location, mmap_mode=self.mmap_mode, compress=self.compress, verbose=0
        )
        cached = memory.cache(_call, ignore=["ignored"], **kwargs)
        ignore = set(ignore or ())

        def call(*args, **params):
            ignored = {k: v for k, v in params.items() if k in ignore}
            kept = {k: v for k, v in params.items() if k not in ignore}
            stamp = file_stamp([*args, *kept.values()])
            return cached(func, stamp, args, kept, ignored)

        call.__wrapped__ = func
        return call


def _call(func, stamp, args, kwargs, ignored):
    """``func(*args, **kwargs, **ignored)``; ``stamp`` is only part of the
    cache key."""
    return func(*args, **kwargs, **ignored)


def file_stamp(values):
    """``[(absolute path, st_mtime_ns, st_size)]`` of the files named by
    ``values``: by a str or path among them, a text cell of an array, Series
    or DataFrame among them, or a str or path parameter of an estimator
    among them (``get_params(deep=True)``), also among a parameter's dict
    values (``method_params={"path": ...}``), down to :data:`_PARAM_DEPTH`
    levels; each name once, in the order first met
    (the rows themselves are the rest of the key)."""
    names, kinds = [], (str, os.PathLike)
    for value in values:
        if hasattr(value, "get_params") and not isinstance(value, type):
            params = value.get_params(deep=True)
            cells = [c for k in sorted(params) for c in _nested(params[k])]
        else:
            cells = _cells(value)
        names += [c for c in cells if isinstance(c, kinds)]
    try:
        names = list(dict.fromkeys(names))
    except TypeError:  # a path object that cannot be hashed
        pass
    if _access_as_stat():
        # os.access answers a name of no file without raising, several times
        # faster than os.stat (most text cells name no file)
        names = [n for n in names if _exists(n)]
    stamp = []
    for name in names:
        found = _stat(name)
        if found is not None:
            stamp.append(found)
    return stamp


#: how deep :func:`file_stamp` looks into a parameter's dicts
#: (``{"path": ...}`` is 1 level; a dict holding itself ends there)
_PARAM_DEPTH = 4


def _nested(value, depth=_PARAM_DEPTH):
    """``value``, or, when it is a dict (``method_params``), the values in
    it, recursively down to ``depth`` levels. Lists and tuples are not
    looked into: a parameter may hold a long list of words (a vectorizer's
    ``vocabulary``), each of which would be checked at every lookup."""
    if not isinstance(value, dict):
        return [value]
    if depth == 0:
        return []
    return [c for item in value.values() for c in _nested(item, depth - 1)]


def _exists(name):
    """Whether ``name`` names something (``os.access``; False for a name the
    system refuses)."""
    try:
        return os.access(name, os.F_OK)
    except (ValueError, TypeError):  # a NUL byte, a path that is not one
        return False


def _access_as_stat():
    """Whether ``os.access(path, os.F_OK)`` finds every file ``os.stat``
    finds: it looks with the process's real ids and, for a user other than
    root, without its capabilities, so they must be its effective ids and
    it must hold none."""
    if not hasattr(os, "geteuid"):
        return True  # Windows: one identity
    if (os.getuid(), os.getgid()) != (os.geteuid(), os.getegid()):
        return False  # set-user-ID or set-group-ID
    if os.getuid() == 0 or sys.platform != "linux":
        return True
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("CapEff:"):
                    return int(line.split()[1], 16) == 0
    except (OSError, ValueError):
        pass
    return False


def _cells(value):
    """The cells of ``value`` that may be paths (those of text columns)."""
    if isinstance(value, str | os.PathLike):
        return [value]
    if isinstance(value, pd.DataFrame):
        return [c for _, column in value.items() for c in _cells(column)]
    if isinstance(value, pd.Series | pd.Index):
        if value.dtype.kind in "OSU" or isinstance(value.dtype, pd.StringDtype):
            return value.tolist()
        return []
    if isinstance(value, np.ndarray):
        return value.ravel().tolist() if value.dtype.kind in "OSU" else []
    if isinstance(value, list | tuple):
        return [c for c in value if isinstance(c, str | os.PathLike)]
    return []


def _stat(cell):
    """``(absolute path, st_mtime_ns, st_size)`` of the file ``cell`` names,
    or None: not a str or path, not an existing file, or a name the system
    refuses (too long, a NUL byte)."""
    if not isinstance(cell, str | os.PathLike):
        return None
    try:
        found = os.stat(cell)
    except (OSError, ValueError, TypeError):
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return (os.path.abspath(cell), found.st_mtime_ns, found.st_size)
