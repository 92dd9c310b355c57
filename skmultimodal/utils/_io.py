"""Writing files atomically: a reader never sees half a file, and a failed
write leaves the previous file as it was."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import math
import numbers
import os
import stat
import tempfile
import threading
import zipfile
from pathlib import Path

_UMASK_LOCK = threading.Lock()

NAME_MAX = 255
"""The most bytes a file name may have (ext4, XFS, Btrfs); APFS and NTFS
allow 255 UTF-16 units, and no name has more of those than UTF-8 bytes."""
# what tempfile adds around the name: ".", "." + 8 random characters, ".tmp"
_TEMP_EXTRA = len(".") + len(".") + 8 + len(".tmp")


def name_too_long(name, what="file name"):
    """None when ``name`` (one path component) fits in :data:`NAME_MAX`
    bytes (UTF-8, as the file system counts them), else why not, naming it
    ``what`` ("file name", "folder name") and saying what to do."""
    size = len(os.fsencode(name))
    if size <= NAME_MAX:
        return None
    return (
        f"its {what} is {size} bytes long (in UTF-8), over the {NAME_MAX} a "
        "name can have: choose a shorter name"
    )


def short_name(name, extra):
    """``name`` less as many characters off its end as needed for ``extra``
    more bytes to fit with it in :data:`NAME_MAX` bytes (UTF-8, as the file
    system counts them; a character is never cut in half)."""
    budget, used = NAME_MAX - extra, 0
    for i, char in enumerate(name):  # one pass: a long name costs no more
        used += len(os.fsencode(char))
        if used > budget:
            return name[:i]
    return name


def temp_file(folder, name, mode="wb", *, delete=False, **options):
    """A new hidden temporary file in ``folder`` for the file ``name``
    (:func:`tempfile.NamedTemporaryFile`, open in ``mode``), named
    ``.<name>.<8 random characters>.tmp`` with ``name`` shortened so that
    the whole name fits in :data:`NAME_MAX` bytes. :func:`atomic_write`
    writes to it; the check before any work
    (``skmultimodal.utils._paths.unwritable``) creates one the same way, so
    that a name the check accepts can also be written."""
    prefix = f".{short_name(name, _TEMP_EXTRA)}."
    return tempfile.NamedTemporaryFile(
        mode, dir=folder, prefix=prefix, suffix=".tmp", delete=delete, **options
    )


@contextlib.contextmanager
def atomic_write(path, mode="wb", *, encoding=None, newline=None):
    """Open a temporary file next to ``path``; on success it replaces ``path``.

    The data goes to a temporary file in the destination's folder (same
    file system, so the final rename is atomic). When the ``with`` block
    ends without an exception the file is flushed, synced to disk and moved
    over ``path`` with :func:`os.replace`; on any exception the temporary
    file is removed and ``path`` is left untouched. Readers (and concurrent
    writers) therefore only ever see a complete old or a complete new file.

    A new file gets the usual permissions (``0o666`` less the umask); a
    replaced one keeps its permissions. A symbolic link at ``path`` is
    replaced by the new file, never written through (as :func:`os.replace`
    does): a link planted in a shared output folder cannot redirect the
    write to a file elsewhere. The folder part of ``path`` may hold links.

    Parameters
    ----------
    path : str, bytes or path-like
        Destination file; its folder must exist.
    mode : {"wb", "w", "wt"}, default="wb"
        Binary or text.
    encoding : str, default=None
        Text mode only; ``"utf-8"`` when None.
    newline : str, default=None
        Text mode only, as for :func:`open` (pass ``""`` for the csv module
        and :meth:`pandas.DataFrame.to_csv`).

    Yields
    ------
    file object
        The open temporary file; write to it, do not close it.

    Raises
    ------
    FileNotFoundError
        The destination folder does not exist.
    OSError
        The write failed (a full disk, a file size limit): its errno, a
        message naming ``path``, the original error chained; ``path`` is
        left as it was and the temporary file removed.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skmultimodal.utils import atomic_write
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> with atomic_write(path, "w") as fh:
    ...     _ = fh.write("hello")
    >>> path.read_text()
    'hello'
    """
    if mode not in ("wb", "w", "wt"):
        raise ValueError(
            f"atomic_write opens files for writing: 'wb' or 'w', got {mode!r}"
        )
    binary = "b" in mode
    if binary and (encoding is not None or newline is not None):
        raise ValueError("encoding and newline apply to text mode only")
    # the folder resolved (links there are the user's choice of folder), the
    # last component kept: a link there is replaced, not followed
    path = os.path.abspath(os.fsdecode(path))
    folder = Path(os.path.realpath(os.path.dirname(path)))
    target = folder / os.path.basename(path)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"cannot write {str(path)!r}: folder {str(folder)!r} does not exist"
        )
    options = {} if binary else {"encoding": encoding or "utf-8", "newline": newline}
    fh = temp_file(folder, target.name, mode, **options)
    tmp, finishing = fh.name, False
    try:
        yield fh
        finishing = True
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException as exc:
        # close() flushes what is buffered: on a full disk it fails as the
        # write did (the file is closed all the same), so it must not stop
        # the temporary file's removal nor replace the original error
        with contextlib.suppress(OSError):
            fh.close()
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if _failed_write(exc, finishing, tmp):  # the file, not its hidden copy
            raise OSError(
                exc.errno, f"cannot write {os.fspath(path)!r}: {exc.strerror}"
            ) from exc
        raise
    _sync_folder(folder)


def replace_files(folder, files):
    """Write several files of ``folder`` so that they change together.

    Each of ``files`` (file name → ``bytes``, or ``str`` written as UTF-8)
    is written to a temporary file in ``folder`` and synced to disk, as
    :func:`atomic_write` does; only once every one is complete are they
    renamed over their destinations, one after the other (microseconds in
    all). A failure or an interruption (Ctrl-C) while writing, or a folder
    in the place of a destination, leaves every destination as it was and
    no temporary file behind, so a reader never finds some files of the new
    set beside others of the old one. A rename that fails nonetheless
    leaves no temporary file either, and the error names the files already
    replaced.

    Raises
    ------
    OSError
        A write failed (a full disk): its errno and a message naming the
        file, the original error chained.
    """
    folder = Path(os.path.realpath(os.fsdecode(folder)))
    staged = []  # (temporary file, destination), each complete
    target = None
    try:
        for name, data in files.items():
            target = folder / name
            with temp_file(folder, name) as fh:
                staged.append((fh.name, target))
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(staged[-1][0], _mode_for(target))
    except BaseException as exc:
        _remove_staged(staged)
        if isinstance(exc, OSError) and exc.errno is not None:
            raise OSError(
                exc.errno, f"cannot write {str(target)!r}: {exc.strerror}"
            ) from exc
        raise
    # what would refuse a rename (a folder in a file's place) is refused
    # before any: the old set stays whole
    for _, target in staged:
        if target.is_dir():
            _remove_staged(staged)
            raise IsADirectoryError(
                errno.EISDIR,
                f"cannot write {str(target)!r}: it is a folder; remove or rename "
                "it (nothing in the folder was replaced)",
            )
    for k, (tmp, target) in enumerate(staged):
        try:
            os.replace(tmp, target)
        except OSError as exc:
            _remove_staged(staged[k:])
            done = ", ".join(t.name for _, t in staged[:k]) or "none"
            raise OSError(
                exc.errno,
                f"cannot write {str(target)!r}: {exc.strerror} (already replaced: "
                f"{done}; the others are left as they were)",
            ) from exc
    _sync_folder(folder)


def _remove_staged(staged):
    """Remove the temporary files of ``(temporary, destination)`` pairs."""
    for tmp, _ in staged:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# errors only a write gives (a read never does): the file being written failed
_NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


def _failed_write(exc, finishing, tmp):
    """Whether ``exc`` is the failure of :func:`atomic_write`'s own file
    ``tmp``: an OSError of a disk or a file size limit met by a write in the
    ``with`` block (naming no file, or ``tmp``: not another file the block
    wrote, such as a cache), or any OSError once the block is done (flush,
    sync, rename)."""
    return (
        isinstance(exc, OSError)
        and exc.errno is not None
        and (finishing or (exc.errno in _NO_ROOM and exc.filename in (None, tmp)))
    )


def _mode_for(target):
    """The mode of the file ``target`` replaces: its own for a regular file,
    the default for a new file or a link (a link's target is not ours)."""
    try:
        info = os.lstat(target)
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode):
        return info.st_mode & 0o7777
    return 0o666 & ~_umask()


def _umask():
    try:  # Linux: read it without changing it
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _sync_folder(folder):
    """Make the rename itself durable (POSIX); best effort."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def file_sha256(path) -> str:
    """SHA-256 (hex) of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_keras_file_name(path, what) -> None:
    """Refuse a model file whose name ends in ``.keras`` other than in lower
    case: Keras loads a model file only under that exact suffix. ``what``
    (``"model='x.KERAS'"``, say) starts the message."""
    if not os.fspath(path).endswith(".keras"):
        raise ValueError(
            f"{what}: Keras loads a model file only under a name ending in "
            "'.keras' (in lower case): rename the file, or save the model with "
            'model.save("name.keras").'
        )


def load_keras_file(path, what):
    """The model saved in the ``.keras`` file ``path`` (not compiled), read
    in Keras' safe mode: no Python code stored in the file (``Lambda``
    layers) is ever run, even after ``enable_unsafe_deserialization()``
    somewhere in the process (in Keras 3 that flag overrides
    ``load_model(safe_mode=True)``; ``SafeModeScope`` overrides both).
    ``what`` starts the ValueError raised when the file cannot be read.
    Used by ``KerasFeatures`` and ``KerasTextEncoder``."""
    import keras
    from keras.src.saving.serialization_lib import SafeModeScope

    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{what}: the file is truncated or is not a .keras zip archive (as "
            'model.save("name.keras") writes): copy it again, or save the '
            "model again."
        )
    try:
        with SafeModeScope(True):
            return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:
        hint = ""
        if "safe_mode" in str(exc):
            hint = (
                " skmultimodal reads .keras files in safe mode only, whatever "
                "keras.config.enable_unsafe_deserialization() set: save the "
                "model without Lambda layers (e.g. with a custom layer "
                "registered with keras.saving.register_keras_serializable)."
            )
        raise ValueError(f"{what}: {exc}{hint}") from exc


def json_text(doc):
    """``doc`` as indented JSON text: a NaN or infinite number (a score of a
    fold that failed) as null, since JSON has neither, and anything else
    JSON cannot hold as its ``str``; ``allow_nan=False`` makes sure that no
    non-standard ``NaN`` or ``Infinity`` is ever written."""
    return json.dumps(_finite_or_null(doc), indent=2, default=str, allow_nan=False)


def _finite_or_null(value):
    """``value`` with every NaN or infinite number in it (in dicts, lists
    and tuples) replaced by None."""
    if isinstance(value, dict):
        return {key: _finite_or_null(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_or_null(v) for v in value]
    if isinstance(value, numbers.Real) and not math.isfinite(value):
        return None
    return value
