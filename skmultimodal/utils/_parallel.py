"""Per-sample parallel work through joblib, with an optional progress bar."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import warnings

import joblib
import numpy as np
import sklearn
from joblib import effective_n_jobs
from sklearn.utils.parallel import Parallel, delayed

# Contiguous chunks per worker: enough for the workers to finish together
# (the last chunk is the idle tail), few enough to keep per-chunk costs low.
_CHUNKS_PER_WORKER = 8


@functools.cache
def _threadpool_controller():
    from threadpoolctl import ThreadpoolController

    # scanning the loaded libraries takes milliseconds, so it is done once:
    # callers import scikit-learn's linear models first, which loads NumPy's
    # and SciPy's BLAS (scipy.linalg), the libraries this limits
    return ThreadpoolController()


def one_blas_thread():
    """A context in which the BLAS libraries (OpenBLAS, MKL, ...) run on one
    thread each, when entered in the main thread: NumPy's and SciPy's, and
    any other loaded when it is first used.

    NumPy's and SciPy's wheels each bring their own OpenBLAS. A solver that
    alternates between them, as L-BFGS-B does (SciPy's ``setulb``, then the
    loss and gradient in NumPy), leaves one library's threads spinning on
    the cores the other one needs: on 2 cores a default expert's fit took
    about twice as long with each library's default threads as with one
    (``benchmarks/bench_threads.py``). One thread also makes the result the
    same whatever the machine's number of cores.

    The limit is the process's (the libraries have no other), and OpenBLAS
    ignores a limit set from another thread while a thread that set one is
    alive: contexts entered in several threads would leave the process on
    one thread for good. So only the main thread sets it (threadpoolctl's
    limiter restores the limits it found on leaving, nested contexts
    included); in any other thread (a thread pool, joblib's threads, a Dask
    worker) the context does nothing and the work runs on the process's
    threads.
    """
    if threading.current_thread() is not threading.main_thread():
        return contextlib.nullcontext()
    return _threadpool_controller().limit(limits=1, user_api="blas")


class _Results(list):
    """One chunk's results.

    A worker process (or a Dask worker) pickles it as **one** stacked array
    when the results are arrays of one shape and dtype (per-sample feature
    rows): a single buffer to copy instead of one pickled object per
    sample, on both sides of the pipe. It unpickles as a plain list of row
    views of that array. Thread workers never pickle it.
    """

    def __reduce__(self):
        first = self[0] if self else None
        if isinstance(first, np.ndarray) and all(
            type(r) is np.ndarray and r.shape == first.shape and r.dtype == first.dtype
            for r in self
        ):
            return _unstack, (np.stack(self),)
        return list, (list(self),)


def _unstack(stacked):
    return list(stacked)


def _run_chunk(func, chunk):
    return _Results(func(i, item) for i, item in chunk)


class RelayWarnings:
    """``func``, returning ``(result, warnings)``: run in a worker process,
    the warnings it issued (those the filters there let through, which
    scikit-learn's ``Parallel`` copies from the caller) are recorded by
    :func:`record_warnings` and handed back, for :func:`reissue` to issue
    in the calling process (a worker's own warnings would only reach its
    standard error, past the caller's ``catch_warnings``); in the calling
    process they are issued as usual, or, with ``always``, recorded too
    (for the caller to look at the result before issuing them).
    """

    def __init__(self, func, *, always=False):
        self.func = func
        self.pid = None if always else os.getpid()

    def __call__(self, *args, **kwargs):
        if os.getpid() == self.pid:
            return self.func(*args, **kwargs), []
        with record_warnings() as caught:
            return self.func(*args, **kwargs), caught


_RECORDING = threading.local()
_INSTALLING = threading.Lock()


def _show_or_record(message, category, filename, lineno, file=None, line=None):
    """``warnings.showwarning`` while :func:`record_warnings` is in use: a
    thread that records keeps its warnings, any other shows them as before."""
    caught = getattr(_RECORDING, "caught", None)
    if caught is None:
        return _show_or_record.shown(message, category, filename, lineno, file, line)
    caught.append((category, str(message)))


@contextlib.contextmanager
def record_warnings():
    """Record, as ``(category, text)`` pairs, the warnings that pass the
    filters in the current thread only, so that a task on a worker with
    several threads (a Dask worker) can hand back its own warnings.
    ``warnings.catch_warnings`` swaps process-wide state, so tasks in
    other threads would catch each other's warnings and could leave a
    recorder in place."""
    with _INSTALLING:
        if warnings.showwarning is not _show_or_record:
            _show_or_record.shown = warnings.showwarning
            warnings.showwarning = _show_or_record
    outer = getattr(_RECORDING, "caught", None)
    _RECORDING.caught = caught = []
    try:
        yield caught
    finally:
        _RECORDING.caught = outer


#: Files whose frames a warning skips to reach the user's code: this
#: package, scikit-learn (``Pipeline.fit``, the ``set_output`` and
#: ``_fit_context`` wrappers around ``fit`` and ``transform``) and joblib
#: (``Pipeline(memory=...)`` caches the fitted steps through it).
_INTERNAL_PREFIXES = tuple(
    os.path.dirname(os.path.abspath(module.__file__)) + os.sep
    for module in (sys.modules[__name__.split(".")[0]], sklearn, joblib)
)


def _caller_stacklevel():
    """The ``stacklevel`` that makes a ``warnings.warn`` in the function
    calling this one point at the first frame outside this package,
    scikit-learn and joblib: the user's line (``fusion.fit(X)``,
    ``pipe.predict(X)``), whatever the wrappers in between. Python 3.12's
    ``skip_file_prefixes`` does the same; this also works on 3.10 and 3.11."""
    frame = sys._getframe(2)  # the function that warns
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_INTERNAL_PREFIXES):
        frame = frame.f_back
        level += 1
    return level


def warn_at_caller(message, category=UserWarning):
    """``warnings.warn(message, category)`` pointing at the user's code (see
    :func:`_caller_stacklevel`)."""
    warnings.warn(message, category, stacklevel=_caller_stacklevel() + 1)


def each_warning_once(method):
    """``method`` (a fit) issuing each distinct warning (category and text)
    once, pointing at the user's code: the warnings issued meanwhile in
    this thread are recorded (see :func:`record_warnings`) and issued again
    when it returns or raises. A fusion fits one model per modality and
    internal fold, and each can meet the same warning of scikit-learn's
    (rare classes: "The number of unique classes is greater than 50% of
    the number of samples"), which would otherwise reach the user once per
    model."""

    @functools.wraps(method)
    def once(*args, **kwargs):
        caught = []
        try:
            with record_warnings() as caught:
                result = method(*args, **kwargs)
        except BaseException:
            # issued as well, but a warning turned into an error by a filter
            # ("error") must not hide the exception being raised
            for category, text in dict.fromkeys(caught):
                with contextlib.suppress(Warning):
                    warn_at_caller(text, category)
            raise
        # to the caller's recorder, if any, once this one is off
        for category, text in dict.fromkeys(caught):
            warn_at_caller(text, category)
        return result

    return once


def reissue(results):
    """The results of :class:`RelayWarnings` tasks, their warnings issued
    here, in task order, pointing at the user's code."""
    out = []
    for result, caught in results:
        for category, text in caught:
            warnings.warn(text, category, stacklevel=_caller_stacklevel() + 1)
        out.append(result)
    return out


class _Raised:
    """An exception a task handed back as its result."""

    def __init__(self, exc):
        self.exc = exc


class InOrderErrors:
    """``func``, handing back an exception of the ``catch`` types as its
    result instead of raising it in the worker.

    joblib raises the first exception any worker meets, so with several
    workers the error named could change from run to run. Reading the
    results through :func:`in_order` raises the error of the first failing
    task, as a serial loop does, whichever worker fails first.
    """

    def __init__(self, func, catch):
        self.func = func
        self.catch = catch

    def __call__(self, *args):
        try:
            return self.func(*args)
        except self.catch as exc:
            return _Raised(exc)


class _Stop(Exception):
    """Thrown into joblib's generator to stop the tasks left (see :func:`in_order`)."""


def in_order(results):
    """The results of :class:`InOrderErrors` tasks from joblib's generator
    (in input order); an exception a task handed back is raised when its
    turn comes. The generator is stopped first, which cancels the tasks
    still running at once: left to the garbage collector, its shutdown
    could race with the next ``Parallel`` call.

    It is stopped by throwing :class:`_Stop` into it, not by ``close()``:
    joblib aborts the same way on both, but on ``close()`` it also warns
    that the tasks left were cancelled, a warning that filters set here
    could not reliably silence (worker threads swap the process-wide
    filters in and out around each task)."""
    try:
        for result in results:
            if type(result) is _Raised:
                raise result.exc
            yield result
    finally:
        try:
            results.throw(_Stop())
        except (_Stop, StopIteration):
            pass


def parallel_map(
    func, items, *, n_jobs=None, verbose=0, desc=None, prefer=None, catch=()
):
    """Return ``[func(i, item) for i, item in enumerate(items)]``.

    The work runs through scikit-learn's :class:`~sklearn.utils.parallel.Parallel`
    (joblib, so ``joblib.parallel_backend`` — e.g. Dask — applies, and
    :func:`sklearn.set_config` settings reach the workers) in contiguous
    chunks, a few per worker, to keep per-task overhead low. ``prefer`` is
    joblib's soft hint: ``"threads"`` for work that releases the GIL (OpenCV,
    NumPy), which then needs no pickling of items or results; ``None`` or
    ``"processes"`` for pure-Python work. An active ``parallel_backend``
    overrides it. ``verbose > 0`` shows a tqdm progress bar counting samples.
    Results keep the input order. An exception of the ``catch`` types is
    that of the first failing item, as in a serial loop, for any ``n_jobs``
    (see :class:`InOrderErrors`).

    Parameters
    ----------
    func : callable
        Called as ``func(i, item)``.
    items : iterable
        The items, read once.
    n_jobs : int, default=None
        Number of joblib workers (None: 1 unless in a ``parallel_backend``
        context; -1: all cores).
    verbose : int, default=0
        Show a progress bar counting items when greater than 0.
    desc : str, default=None
        The progress bar's label.
    prefer : {"threads", "processes"} or None, default=None
        joblib's soft hint on the kind of workers.
    catch : tuple of exception types, default=()
        Exceptions raised as that of the first failing item.

    Returns
    -------
    list
        ``func(i, item)`` of every item, in the input order.
    """
    indexed = list(enumerate(items))
    n = len(indexed)
    n_workers = effective_n_jobs(n_jobs)
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc=desc, unit="sample", leave=False)
    try:
        if n_workers == 1 or n < 2:
            out = []
            for i, item in indexed:
                out.append(func(i, item))
                if bar is not None:
                    bar.update(1)
            return out
        chunks = [indexed[a:b] for a, b in chunk_spans(n, n_workers)]
        parallel = Parallel(
            n_jobs=n_jobs, prefer=prefer, return_as="generator", batch_size=1
        )
        out = []
        task = InOrderErrors(_run_chunk, catch)
        for res in in_order(parallel(delayed(task)(func, c) for c in chunks)):
            out.extend(res)
            if bar is not None:
                bar.update(len(res))
        return out
    finally:
        if bar is not None:
            bar.close()


def chunk_spans(n, n_workers, per_worker=_CHUNKS_PER_WORKER):
    """``(start, stop)`` of ``per_worker`` balanced contiguous chunks per
    worker over ``n`` items (fewer when ``n`` is smaller), in order."""
    bounds = np.linspace(0, n, min(n, n_workers * per_worker) + 1).astype(int)
    return [(a, b) for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()) if b > a]
