"""Keep TensorFlow's log lines off standard error (not its numerics).

Used by the command line unless ``--debug``: :func:`quiet_tensorflow` sets
:data:`QUIET_ENV` where unset, quietens the ``tensorflow`` and ``absl``
Python loggers, and installs an import hook that drops
:data:`TF_IMPORT_NOISE` from what TensorFlow's C++ code writes while it is
imported; :func:`uninstall_quiet_import` removes the hook.
:func:`process_state_kept` puts all this back, for
``skmultimodal.cli.main`` called from Python.
"""

import contextlib
import logging
import os
import sys
import threading

#: Environment variables set (unless already set) to hide TensorFlow's C++
#: log lines (oneDNN notice, absl pre-init warning). Only log levels:
#: ``TF_ENABLE_ONEDNN_OPTS`` changes numerics and is left alone.
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3"}
#: Start-up notices TensorFlow's C++ code writes to standard error while it
#: is imported, whatever ``TF_CPP_MIN_LOG_LEVEL`` says (TensorFlow >= 2.20
#: logs them through absl before absl's logging is initialised); dropped
#: from the import's output. Any other line is kept.
TF_IMPORT_NOISE = (
    "All log messages before absl::InitializeLog() is called",
    "oneDNN custom operations are on",
    "cpu_feature_guard",
    "Unable to register cuDNN factory",
    "Unable to register cuFFT factory",
    "Unable to register cuBLAS factory",
    "computation placer already registered",
    "Could not find cuda drivers",
)


def _quiet_absl():
    absl_logging = sys.modules.get("absl.logging")
    if absl_logging is not None:
        absl_logging.set_verbosity(absl_logging.ERROR)


class _StderrFiltered:
    """Capture standard error at the file-descriptor level (C++ code writes
    there directly) and write it back without the lines holding one of
    ``noise``. Does nothing when standard error has no file descriptor."""

    def __init__(self, noise):
        self.noise = noise
        self.saved = self.tmp = None

    def __enter__(self):
        import tempfile

        try:
            sys.stderr.flush()
            self.fd = sys.stderr.fileno()
        except (AttributeError, OSError, ValueError):
            return self
        self.tmp = tempfile.TemporaryFile()
        self.saved = os.dup(self.fd)
        os.dup2(self.tmp.fileno(), self.fd)
        return self

    def __exit__(self, *exc):
        if self.saved is None:
            return False
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(self.saved, self.fd)
        os.close(self.saved)
        self.tmp.seek(0)
        text = self.tmp.read().decode("utf-8", errors="replace")
        self.tmp.close()
        kept = [
            line
            for line in text.splitlines(keepends=True)
            if not any(n in line for n in self.noise)
        ]
        if kept:
            sys.stderr.write("".join(kept))
            sys.stderr.flush()
        return False


class _QuietLoader:
    """Wraps TensorFlow's loader: its module runs under :class:`_StderrFiltered`."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        with _StderrFiltered(TF_IMPORT_NOISE):
            self._loader.exec_module(module)
        _quiet_absl()  # imported by TensorFlow: quieten its Python logger


class QuietTensorFlowImport:
    """Import hook (on ``sys.meta_path``): the first ``import tensorflow``
    drops :data:`TF_IMPORT_NOISE`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "tensorflow":
            return None
        import importlib.util

        uninstall_quiet_import(self)  # once, and no recursion below
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def uninstall_quiet_import(hook):
    """Remove ``hook`` (what :func:`quiet_tensorflow` returned) if installed."""
    if hook in sys.meta_path:
        sys.meta_path.remove(hook)


def quiet_tensorflow():
    """Hide TensorFlow's log lines (not its numerics): set :data:`QUIET_ENV`
    where unset, before anything imports TensorFlow, quieten the
    ``tensorflow`` and ``absl`` Python loggers, and return an import hook
    dropping :data:`TF_IMPORT_NOISE` (None once TensorFlow is imported)."""
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    # TensorFlow's Python logger is a plain logging.Logger; absl's is only
    # quietened once imported (it must create its own logger class)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    _quiet_absl()
    if "tensorflow" in sys.modules:
        return None
    hook = QuietTensorFlowImport()
    sys.meta_path.insert(0, hook)
    return hook


def _log_levels():
    """The ``tensorflow`` logger's level, absl's verbosity and its logger's
    level (absl's defaults, -1 and NOTSET, while absl is not imported)."""
    absl = sys.modules.get("absl.logging")
    absl_state = (absl.get_verbosity(), absl.get_absl_logger().level) if absl else ()
    return logging.getLogger("tensorflow").level, absl_state or (-1, logging.NOTSET)


# held while a command runs: its settings are the whole process's
_COMMAND_LOCK = threading.RLock()


@contextlib.contextmanager
def process_state_kept():
    """Put back on exit what :func:`quiet_tensorflow` changed in the process:
    the variables of :data:`QUIET_ENV` in ``os.environ``, the log levels and
    the import hook (for ``skmultimodal.cli.main`` called from Python).

    Calls from several threads at once run one after the other: a command
    changes process-wide settings (these, and the warning filters), and
    overlapping calls would each put back the other's."""
    with _COMMAND_LOCK:
        env = {name: os.environ.get(name) for name in QUIET_ENV}
        hooks, (tf_level, (verbosity, absl_level)) = list(sys.meta_path), _log_levels()
        try:
            yield
        finally:
            for name, value in env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            for hook in [h for h in sys.meta_path if h not in hooks]:
                if isinstance(hook, QuietTensorFlowImport):
                    uninstall_quiet_import(hook)
            logging.getLogger("tensorflow").setLevel(tf_level)
            if absl := sys.modules.get("absl.logging"):
                absl.set_verbosity(verbosity)
                absl.get_absl_logger().setLevel(absl_level)
