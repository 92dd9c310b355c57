"""Telling an input check's error from any other failure, naming a missing
optional dependency, leaving quietly when standard output is closed, and
refusing to run TensorFlow in a process forked after it started."""

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
    :class:`~skmultimodal.persistence.ModelFileError`, a missing extra
    (:class:`MissingExtraError`: what the command asked for needs it), or a
    ValueError/TypeError raised by a check in skmultimodal or scikit-learn
    (the CSV, an output path, a missing modality, an unreadable image, too
    few samples, ...). Anything else (an I/O error, an error inside NumPy or
    TensorFlow, a bug) is a failure."""
    from skmultimodal.persistence import ModelFileError

    if isinstance(exc, (ModelFileError, MissingExtraError, *user_errors)):
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


class MissingExtraError(ImportError):
    """A package of one of skmultimodal's extras is not installed; the
    message names the command that installs it (:func:`install_hint`). The
    command line exits with status 2, as for other input it cannot use."""


class MissingExtraValueError(MissingExtraError, ValueError):
    """A :class:`MissingExtraError` that is also the ValueError these
    errors were before they were ImportErrors (``except ValueError`` still
    catches them)."""


def install_hint(extra):
    """``pip install "skmultimodal[<extra>]"``, quoted the one way the
    messages quote it (a shell reads the brackets as a pattern)."""
    return f'pip install "skmultimodal[{extra}]"'


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
        raise MissingExtraError(
            f"{owner} needs Keras and TensorFlow ({exc.name!r} is not "
            f"installed): {install_hint('keras')}",
            name=exc.name,
        ) from exc


def fold_led(exc):
    """The text of ``exc``, led by the fold it was raised in where
    ``compare_models`` noted it (``in fold 2 of 5 of models['fusion'], ...:
    modality 'text' is missing in every row; ...``)."""
    folds = [n for n in getattr(exc, "__notes__", ()) if n.startswith("in fold ")]
    return f"{folds[0]}: {exc}" if folds else str(exc)


# The id of the process this one was forked from after TensorFlow had
# started there (None: it was not): TensorFlow's runtime does not survive a
# fork, and a forked child that runs it hangs (see check_tensorflow_not_forked).
_FORKED_FROM = None


def _note_fork():
    # run in the child of each os.fork (multiprocessing's "fork", gunicorn)
    global _FORKED_FROM
    # TensorFlow's eager context, if imported: initialised once it has run
    context = sys.modules.get("tensorflow.python.eager.context")
    current = getattr(context, "context_safe", lambda: None)()
    if _FORKED_FROM is None and getattr(current, "_initialized", False):
        _FORKED_FROM = os.getppid()


if hasattr(os, "register_at_fork"):  # not on Windows, which cannot fork
    os.register_at_fork(after_in_child=_note_fork)


def check_tensorflow_not_forked(owner):
    """Raise a RuntimeError for ``owner`` (its name) in a process forked
    after TensorFlow had started in its parent (TensorFlow would hang here)
    instead of running TensorFlow. A process forked before, or started
    with "spawn" or "forkserver" (joblib's workers), runs it."""
    if _FORKED_FROM is not None:
        raise RuntimeError(
            f"{owner}: TensorFlow cannot run in a process forked after it "
            f"started: this process was forked from process {_FORKED_FROM}, "
            "which had already run TensorFlow (e.g. built or used a Keras "
            "model), and TensorFlow would hang here. Start worker processes "
            'with the "spawn" or "forkserver" method (e.g. '
            'multiprocessing.get_context("spawn")), or load the model after '
            "forking (e.g. gunicorn without --preload)."
        )
