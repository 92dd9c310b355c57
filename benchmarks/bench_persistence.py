"""Model files: ``save_model``/``load_model`` of ``.joblib`` files against
bare ``joblib.dump``/``joblib.load`` of the same envelope.

``save_model`` writes a temporary file, syncs it to disk and renames it over
the destination, with the SHA-256 of the pickle on a last line;
``load_model(trusted=True)`` checks that checksum (one pass over the file)
before unpickling. Two models: the default fused pipeline fitted on the
emoji (a few MB), and a nearest-neighbours classifier holding 200 MB of
training rows, where the checksum pass shows.

Run alone: ``python benchmarks/bench_persistence.py [--quick] [--repeats R]``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from _harness import Context, Section, compare


def _models(ctx):
    import numpy as np
    from sklearn.neighbors import KNeighborsClassifier

    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.datasets import load_emoji

    X, y = load_emoji(return_X_y=True)
    if ctx.quick:
        X, y = X.iloc[::10], np.asarray(y)[::10]
    default = make_multimodal_pipeline(random_state=0).fit(X, y)
    rows, width = ctx.pick((25_000, 1_000), (2_000, 100))
    rng = np.random.RandomState(0)
    knn = KNeighborsClassifier().fit(rng.rand(rows, width), rng.randint(0, 5, rows))
    return [
        ("default fused pipeline on emoji", default),
        (f"`KNeighborsClassifier` on {rows:,} × {width:,} floats", knn),
    ]


def run(ctx: Context) -> Section:
    import joblib

    from skmultimodal.persistence import load_model, save_model

    start = time.perf_counter()
    rows, sizes = [], []
    with tempfile.TemporaryDirectory() as tmp:
        ours, bare = Path(tmp) / "model.joblib", Path(tmp) / "bare.joblib"
        for name, model in _models(ctx):
            save_model(model, ours)
            envelope = joblib.load(ours)
            sizes.append(f"{name}: {os.path.getsize(ours) / 1e6:.1f} MB")
            rows.append(
                compare(
                    f"save: {name}",
                    ("`save_model(model, path)`", lambda m=model: save_model(m, ours)),
                    (
                        "`joblib.dump(envelope, path)`",
                        lambda e=envelope: joblib.dump(e, bare),
                    ),
                    n=1,
                    repeats=ctx.repeats,
                    kind="time",
                    target=None,
                )
            )
            rows.append(
                compare(
                    f"load: {name}",
                    (
                        "`load_model(path, trusted=True)`",
                        lambda: load_model(ours, trusted=True),
                    ),
                    ("`joblib.load(path)`", lambda: joblib.load(bare)),
                    n=1,
                    repeats=ctx.repeats,
                    kind="time",
                    target=1.5 if name.startswith("default") else None,
                )
            )
    section = Section(
        "Model files (.joblib)",
        intro=(
            "`save_model` and `load_model` of a `.joblib` file against a bare "
            "`joblib.dump`/`joblib.load` of the same envelope. The save writes "
            "a temporary file, syncs it to disk and renames it, and adds the "
            "SHA-256 of the pickle on a last line; the load checks that "
            "checksum (one pass over the file) before unpickling, which the "
            "bare load does not. Sizes: " + "; ".join(sizes) + "."
        ),
        rows=rows,
        notes=[
            "The checksum pass reads the file once more: a cost per byte, "
            "which shows on the nearest-neighbours model (arrays that "
            "unpickle at the speed of a copy) more than on the default "
            "pipeline (many small objects to rebuild)."
        ],
    )
    section.seconds = time.perf_counter() - start
    return section


if __name__ == "__main__":
    from _harness import main_single

    main_single(run)
