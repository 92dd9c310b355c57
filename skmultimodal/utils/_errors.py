"""Telling an input check's error from any other failure, naming a missing
optional dependency, and leaving quietly when standard output is closed."""

import importlib
import linecache
import os
import sys

#: Packages whose own checks raise ValueError/TypeError for bad input.
CHECKING_PACKAGES = ("skmultimodal", "sklearn")


class RowError(ValueError):
    """A value in one row of a column cannot be used; the message (the one
    argument) names the row. A composite that ran the column through one
    of its branches names the branch as well (same class, longer message).
    """


def raised_by_a_check(exc, packages=CHECKING_PACKAGES):
    """Whether ``exc`` was raised by a ``raise`` statement in the code of
    ``packages`` (their input validation), not by NumPy, pandas, TensorFlow
    or an operation that failed in their code."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = tb.tb_frame.f_globals.get("__name__") or ""
    if module.split(".")[0] not in packages:
        return False
    line = linecache.getline(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
    return line.lstrip().startswith("raise")


def is_bad_input(exc, *user_errors):
    """Whether ``exc`` was caused by what the user passed (the command line's
    exit status 2): one of ``user_errors``, a
    :class:`~skmultimodal.persistence.ModelFileError`, or a
    ValueError/TypeError raised by a check in skmultimodal or scikit-learn
    (the CSV, an output path, a missing modality, an unreadable image, too
    few samples, ...). Anything else (an I/O error, an error inside NumPy or
    TensorFlow, a bug) is a failure."""
    from skmultimodal.persistence import ModelFileError

    if isinstance(exc, (ModelFileError, *user_errors)):
        return True
    return isinstance(exc, ValueError | TypeError) and raised_by_a_check(exc)


def stdout_closed(status):
    """Standard output was closed by the reader (``... | head``): point it
    at devnull so that the interpreter's final flush cannot fail again, as
    the Python docs on SIGPIPE recommend, and return ``status``."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (captured output): nothing to redirect
    return status


#: The modules of the ``keras`` extra.
KERAS_MODULES = ("keras", "tensorflow", "scikeras")


def require_keras(owner, *modules):
    """Import Keras (and its TensorFlow backend), then ``modules`` (such as
    ``"scikeras"``), for ``owner``, or raise an ImportError saying which
    extra installs a missing one, instead of a bare ``No module named
    'keras'``."""
    try:
        for module in ("keras", "tensorflow", *modules):
            importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] not in KERAS_MODULES:
            raise
        raise ImportError(
            f"{owner} needs Keras and TensorFlow ({exc.name!r} is not "
            'installed): pip install "skmultimodal[keras]"',
            name=exc.name,
        ) from exc


def fold_led(exc):
    """The text of ``exc``, led by the fold it was raised in where
    ``compare_models`` noted it (``in fold 2 of 5 of models['fusion'], ...:
    modality 'text' is missing in every row; ...``)."""
    folds = [n for n in getattr(exc, "__notes__", ()) if n.startswith("in fold ")]
    return f"{folds[0]}: {exc}" if folds else str(exc)
