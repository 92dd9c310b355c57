"""Checking where results will be written before any work starts.

Each check raises a ValueError naming ``option`` (the setting that gave
the path, such as ``"--output"``) and returns the path.
"""

import os
import stat
from pathlib import Path

from skmultimodal.utils._io import name_too_long, temp_file


def as_path(path, name="path"):
    """``path`` (a str, bytes or path-like object) as a :class:`Path`;
    anything else, or a path-like object whose ``__fspath__`` fails, is a
    TypeError naming the parameter ``name``."""
    try:
        return Path(os.fsdecode(path))
    except Exception as exc:
        raise TypeError(
            f"{name}={path!r} is not a file path: pass a str, bytes or "
            f"os.PathLike object ({type(exc).__name__}: {exc})"
        ) from exc


def file_kind(mode):
    """What a file of ``st_mode`` ``mode`` is, in the words of a message:
    None for a regular file, else ``"a directory"``, ``"a pipe"``, ``"a
    device"``, ``"a socket"`` or ``"a special file"``."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "a special file"


def unwritable(folder, shown=None, name="skmultimodal-write-test"):
    """Why no file can be created in the existing ``folder`` (None: one
    can), named ``shown`` (as the user gave it; default or ``"."``:
    ``folder``) in the message.

    The temporary file :func:`~skmultimodal.utils.atomic_write` would
    write for the file ``name`` is created there and removed: permissions,
    read-only mounts and immutable folders all count, for root too (which
    :func:`os.access` does not tell), and so does a file system that takes
    shorter names than that temporary file's.
    """
    try:
        with temp_file(folder, name, delete=True):
            pass
    except OSError as exc:
        shown = str(folder if shown is None or str(shown) == "." else shown)
        return (
            f"cannot write in folder {shown!r} ({exc.strerror or exc}): choose "
            "a folder you can write to"
        )
    return None


def output_file_problem(path, *, also_ok=None):
    """Why a file cannot be written at ``path`` (None: it can): its name is
    too long, it is a folder, it is a file that no one may write (a file
    made read-only to keep it, which a rename would replace all the same,
    even for root), or its folder (``also_ok``: a folder about to
    be created) does not exist or cannot be written."""
    path = Path(path)
    too_long = name_too_long(path.name)
    if too_long:
        return too_long
    if path.is_dir():
        return "it is a folder, not a file"
    if path.is_file() and not path.is_symlink():
        if not os.stat(path).st_mode & 0o222:  # replaced, not written: refuse
            return (
                "it is read-only (no one may write it): make it writable to "
                "replace it, or choose another name"
            )
    # the folder the file is written in, as atomic_write finds it (a link
    # as the last component is replaced, not followed)
    folder = Path(os.path.realpath(os.path.dirname(os.path.abspath(path))))
    if also_ok is not None and folder == also_ok and not folder.exists():
        return None
    if not folder.is_dir():
        return f"folder {str(path.parent)!r} does not exist"
    return unwritable(folder, path.parent, path.name)


def check_output_dir(path, option="--output"):
    """A results folder: an existing folder, or a new one in an existing
    folder (only the last level is created); either written in."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{option} {str(path)!r}: it is a file, not a folder")
    if not path.exists() and not path.resolve().parent.is_dir():
        raise ValueError(
            f"{option} {str(path)!r}: folder {str(path.parent)!r} does not exist "
            "(only the last folder of the path is created)"
        )
    if path.is_dir():
        problem = unwritable(path.resolve(), path)
    else:  # created there
        problem = unwritable(path.resolve().parent, path.parent)
    if problem:
        raise ValueError(f"{option} {str(path)!r}: {problem}")
    return path


def check_output_file(path, option, suffixes=None, *, also_ok=None):
    """An output file: its suffix one of ``suffixes`` (None: any), its folder
    existing and written in (or ``also_ok``, a folder about to be created),
    not a folder."""
    path = Path(path)
    if suffixes is not None and path.is_dir():  # before its name's suffix
        raise ValueError(
            f"{option} {str(path)!r}: it is a folder, not a file; name the file "
            f"to write, its name ending in {' or '.join(suffixes)}"
        )
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise ValueError(
            f"{option} {str(path)!r}: the file name must end in {' or '.join(suffixes)}"
        )
    problem = output_file_problem(path, also_ok=also_ok)
    if problem:
        raise ValueError(f"{option} {str(path)!r}: {problem}")
    return path
