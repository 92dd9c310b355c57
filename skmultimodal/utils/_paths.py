"""Checking where results will be written before any work starts.

Each check raises a ValueError naming ``option`` (the setting that gave
the path, such as ``"--output"``) and returns the path.
"""

from pathlib import Path


def check_output_dir(path, option="--output"):
    """A results folder: an existing folder, or a new one in an existing
    folder (only the last level is created)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{option} {str(path)!r}: it is a file, not a folder")
    if not path.exists() and not path.resolve().parent.is_dir():
        raise ValueError(
            f"{option} {str(path)!r}: folder {str(path.parent)!r} does not exist "
            "(only the report folder itself is created)"
        )
    return path


def check_output_file(path, option, suffixes=None, *, also_ok=None):
    """An output file: its suffix one of ``suffixes`` (None: any), its folder
    existing (or ``also_ok``, a folder about to be created), not a folder."""
    path = Path(path)
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise ValueError(
            f"{option} {str(path)!r}: the file name must end in {' or '.join(suffixes)}"
        )
    if path.is_dir():
        raise ValueError(f"{option} {str(path)!r}: it is a folder, not a file")
    parent = path.resolve().parent
    if not parent.is_dir() and not (also_ok is not None and parent == also_ok):
        raise ValueError(
            f"{option} {str(path)!r}: folder {str(path.parent)!r} does not exist"
        )
    return path
