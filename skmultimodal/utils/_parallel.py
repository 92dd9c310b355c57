"""Per-sample parallel work through joblib, with an optional progress bar."""

from __future__ import annotations

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs


def _run_chunk(func, chunk):
    return [func(i, item) for i, item in chunk]


def parallel_map(func, items, *, n_jobs=None, verbose=0, desc=None):
    """Return ``[func(i, item) for i, item in enumerate(items)]``.

    The work runs through joblib (so ``joblib.parallel_backend`` — e.g. Dask —
    applies) in contiguous chunks, a few per worker, to keep per-task overhead
    low. ``verbose > 0`` shows a tqdm progress bar counting samples.
    Results keep the input order.
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
        n_chunks = min(n, n_workers * 8)
        bounds = np.linspace(0, n, n_chunks + 1).astype(int)
        chunks = [indexed[a:b] for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
        parallel = Parallel(n_jobs=n_jobs, return_as="generator")
        out = []
        for res in parallel(delayed(_run_chunk)(func, c) for c in chunks):
            out.extend(res)
            if bar is not None:
                bar.update(len(res))
        return out
    finally:
        if bar is not None:
            bar.close()
