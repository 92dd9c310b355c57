"""BLAS threads in the default experts' fits.

Protocol: the default pipeline (``make_multimodal_pipeline(random_state=0)``,
``stack`` fusion) fitted on emoji rows, as shipped (the default experts'
logistic regressions fitted with one BLAS thread, ``one_blas_thread``) and
with that limit lifted (every BLAS library on its default threads), in
interleaved rounds in the same process. Both fits give the same
predictions up to rounding. The BLAS libraries loaded and their default
threads are listed above the table.

Usage::

    python benchmarks/run_all.py --only threads
"""

from __future__ import annotations

import contextlib
import time
import warnings

import numpy as np


@contextlib.contextmanager
def default_threads():
    """The library with its BLAS limit lifted: every expert on the BLAS
    libraries' default threads."""
    from skmultimodal.fusion import _methods

    limited = _methods.one_blas_thread
    _methods.one_blas_thread = contextlib.nullcontext
    try:
        yield
    finally:
        _methods.one_blas_thread = limited


def blas_line():
    from threadpoolctl import threadpool_info

    libs = [i for i in threadpool_info() if i["user_api"] == "blas"]
    return "; ".join(
        f"{i['internal_api']} {i.get('version') or ''} from "
        f"`{i['filepath'].rsplit('site-packages/', 1)[-1].split('/', 1)[0]}` "
        f"({i['num_threads']} threads)"
        for i in libs
    )


def run(ctx):
    from _harness import Section, compare

    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.datasets import load_emoji

    start = time.perf_counter()
    X, y = load_emoji(return_X_y=True)
    y = np.asarray(y)
    sizes = ctx.pick([120, len(y)], [60])
    rows, notes = [], []
    for n in sizes:
        keep = np.sort(np.random.RandomState(0).permutation(len(y))[:n])
        Xn, yn = X.iloc[keep], y[keep]
        pipe = make_multimodal_pipeline(random_state=0)

        def fit(pipe=pipe, Xn=Xn, yn=yn):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tiny folds' convergence notes
                return pipe.fit(Xn, yn)

        def fit_default_threads(fit=fit):
            with default_threads():
                return fit()

        limited = fit().predict_proba(Xn)
        lifted = fit_default_threads().predict_proba(Xn)
        gap = float(np.abs(limited - lifted).max())
        notes.append(
            f"{n:,} rows: largest difference in predicted probabilities between "
            f"the two fits {gap:.1e}; predicted classes changed: "
            f"{int((limited.argmax(1) != lifted.argmax(1)).sum())}."
        )
        rows.append(
            compare(
                f"default pipeline `fit`, {n:,} emoji rows",
                ("default experts on one BLAS thread (as shipped)", fit),
                ("every BLAS library on its default threads", fit_default_threads),
                n=n,
                repeats=1 if ctx.quick else min(ctx.repeats, 3),
                kind="time",
                warmup=0,
            )
        )
    return Section(
        "BLAS threads in the default experts",
        intro=(
            "The `stack` fusion's default experts (logistic regressions, "
            "L-BFGS-B) run with one BLAS thread: the solver alternates SciPy's "
            "OpenBLAS (`setulb`) and NumPy's (the loss and its gradient), and "
            "each library's idle threads spin on the cores the other needs. "
            f"BLAS libraries loaded: {blas_line()}."
        ),
        rows=rows,
        notes=notes,
        seconds=time.perf_counter() - start,
    )
