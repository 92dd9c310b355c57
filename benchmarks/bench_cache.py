"""The cache of ``make_multimodal_pipeline(memory=...)``: what its file
stamps cost.

A folder given as ``memory=`` becomes a ``FileStampMemory``, whose key adds
to joblib's (the rows, the extractor's parameters) the absolute path, size
and modification time of every file a text or image cell names, so that a
file rewritten in place is featurized again. Finding those files takes a
look-up of each distinct text. Protocol: the same pipeline fitted with
that cache and with a plain ``joblib.Memory`` in another folder (set on
each branch: the reference, without stamps), timed in interleaved rounds;
a cache hit is a second fit on the same rows (the classifier is fitted
again, the features come from the cache), a cache miss a fit on an empty
cache folder (emptied between rounds, untimed). Both pipelines must
predict the same. Data: 100,000 distinct short texts (a text-only model),
and the 1,884 emoji (PNG paths and names; ``method="concat"``). The stamp
alone is timed against ``joblib.hash`` of the same rows, the rest of the
key.

Run ``python benchmarks/bench_cache.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import os
import shutil
import time

import numpy as np
import pandas as pd
from _harness import Context, Row, Section, compare, time_interleaved

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import load_emoji
from skmultimodal.utils._memory import file_stamp


def short_texts(n, seed=0):
    """``n`` distinct short texts (three to six words and a number) and a
    binary label that two of the words carry."""
    rng = np.random.RandomState(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = ["".join(rng.choice(letters, rng.randint(3, 9))) for _ in range(500)]
    y = rng.randint(0, 2, n)
    texts = []
    for i in range(n):
        words = list(rng.choice(vocab, rng.randint(3, 7)))
        if rng.rand() < 0.7:
            words.append(("cheap", "sturdy")[y[i]])
        texts.append(" ".join(words) + f" {i}")
    return pd.DataFrame({"text": texts}), y


def with_plain_memory(pipe, folder):
    """``pipe`` with a plain ``joblib.Memory(folder)`` on each branch."""
    from joblib import Memory

    memory = Memory(folder, verbose=0)
    return pipe.set_params(
        **{f"fusion__{name}__memory": memory for name, _, _ in pipe[0].transformers}
    )


def fit_rows(case, X, y, build, workdir, repeats, what):
    """Rows of a cache hit and a cache miss: ``build()`` fitted with a
    ``FileStampMemory`` and with a plain ``joblib.Memory``."""
    folders = {k: os.path.join(workdir, f"{what}-{k}") for k in ("stamped", "plain")}
    pipes = {
        "stamped": build(memory=folders["stamped"]),
        "plain": with_plain_memory(build(), folders["plain"]),
    }
    # the two caches agree (the same features, so the same predictions)
    first = {k: p.fit(X, y).predict(X) for k, p in pipes.items()}
    if not np.array_equal(first["stamped"], first["plain"]):
        raise AssertionError(f"{case}: the two caches predict differently")
    names = ("memory=folder (file stamps)", "joblib.Memory(folder) on each branch")
    hit = compare(
        f"{case}: cache hit (second fit)",
        (names[0], lambda: pipes["stamped"].fit(X, y)),
        (names[1], lambda: pipes["plain"].fit(X, y)),
        n=len(X),
        repeats=repeats,
    )

    def emptied(k):
        return lambda: shutil.rmtree(folders[k], ignore_errors=True)

    t = time_interleaved(
        {k: (lambda p=p: p.fit(X, y)) for k, p in pipes.items()},
        repeats,
        setup={k: emptied(k) for k in pipes},
    )
    miss = Row(
        f"{case}: cache miss (empty folder)",
        names[0],
        names[1],
        len(X),
        t["stamped"],
        t["plain"],
    )
    for k in pipes:
        shutil.rmtree(folders[k], ignore_errors=True)
    return [hit, miss]


def run(ctx: Context) -> Section:
    import joblib

    start = time.perf_counter()
    load_before = os.getloadavg()[0]
    workdir = str(ctx.workdir)
    X, y = short_texts(ctx.pick(100_000, 2_000))
    rows = [
        compare(
            "the key's extra part alone, on the texts",
            ("`file_stamp` of the text column", lambda: file_stamp([X["text"]])),
            ("`joblib.hash` of the text column", lambda: joblib.hash(X["text"])),
            n=len(X),
            repeats=ctx.repeats,
        )
    ]
    rows += fit_rows(
        "short texts, text-only model",
        X,
        y,
        lambda **kw: make_multimodal_pipeline(image=None, random_state=0, **kw),
        workdir,
        ctx.repeats,
        "texts",
    )
    emoji = load_emoji()
    Xe, ye = emoji.data, np.asarray(emoji.target)
    if ctx.quick:
        Xe, ye = Xe.iloc[::20], ye[::20]
    rows += fit_rows(
        "emoji PNG paths + names, image + text (concat)",
        Xe,
        ye,
        lambda **kw: make_multimodal_pipeline(method="concat", random_state=0, **kw),
        workdir,
        ctx.repeats,
        "emoji",
    )
    load_after = os.getloadavg()[0]
    return Section(
        "File-stamp cache (memory=)",
        intro=(
            "`make_multimodal_pipeline(memory=folder)` (a `FileStampMemory`: "
            "joblib's key plus the path, size and modification time of every "
            "file a cell names) against the same pipeline with a plain "
            "`joblib.Memory` in another folder on each branch (no stamps), "
            "timed in interleaved rounds. A cache hit is a second fit on the "
            "same rows (the classifier is fitted again; the features come "
            "from the cache); a cache miss is a fit on an empty cache folder "
            "(emptied between rounds, untimed). Both pipelines predict the "
            "same (checked). Texts: distinct short texts (three to six words "
            "and a number), none naming a file. Emoji: the 1,884 PNG paths of "
            "`load_emoji()` (each an existing file) and their names."
        ),
        rows=rows,
        notes=[
            f"1-minute load average before / after the timings: "
            f"{load_before:.1f} / {load_after:.1f} on {os.cpu_count()} cores "
            "shared with other jobs."
        ],
        seconds=time.perf_counter() - start,
    )


if __name__ == "__main__":
    from _harness import main_single

    main_single(run)
