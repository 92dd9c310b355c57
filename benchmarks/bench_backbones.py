"""Pretrained image backbones: ``KerasFeatures`` against a bare
``model.predict`` on the same decoded batches, and images per second for
each named ``keras.applications`` model (random weights: nothing is
downloaded; the speed does not depend on the weights' values).

Run alone: ``python benchmarks/bench_backbones.py [--quick] [--repeats R]``.
"""

from __future__ import annotations

import functools
import time

import numpy as np
from _harness import Context, Section, compare, emoji_paths, time_interleaved

MODELS = [
    "MobileNetV3Small",
    "MobileNetV3Large",
    "EfficientNetV2B0",
    "ResNet50",
    "ConvNeXtTiny",
]


def _bare(name, size, seed):
    """The network as a user would build it by hand: the application without
    its top, average pooling, its module's ``preprocess_input``."""
    import keras

    keras.utils.set_random_seed(seed)
    model = getattr(keras.applications, name)(
        include_top=False, weights=None, input_shape=(*size, 3), pooling="avg"
    )
    family = getattr(keras.applications, name).__module__.rsplit(".", 1)[-1]
    return model, getattr(keras.applications, family).preprocess_input


def _bare_loop(model, preprocess, batches, *, on_batch=False):
    if on_batch:  # Keras' lighter call: no data adapter, no callbacks
        run = model.predict_on_batch
    else:
        run = functools.partial(model.predict, verbose=0)
    return np.concatenate([run(preprocess(b.astype(np.float32))) for b in batches])


def run(ctx: Context) -> Section:
    from skmultimodal.image import KerasFeatures
    from skmultimodal.image._keras import _ReadAndResize

    start = time.perf_counter()
    size = ctx.pick((224, 224), (32, 32))
    batch_size = ctx.pick(32, 4)
    n = ctx.pick(128, 8)
    paths = emoji_paths(n)
    n = len(paths)
    # decoded once, outside the timings, with the extractor's own reading
    reader = _ReadAndResize("raise", size)
    decoded = [reader(k, p) for k, p in enumerate(paths)]
    batches = [np.stack(decoded[i : i + batch_size]) for i in range(0, n, batch_size)]

    name = "MobileNetV3Small"
    est = KerasFeatures(
        model=name, weights=None, input_size=size, random_state=0,
        batch_size=batch_size,
    ).fit(decoded)  # fmt: skip
    model, preprocess = _bare(name, size, est.seed_)
    rows = [
        compare(
            f"{name}, {size[0]}×{size[1]} decoded images, batches of {batch_size}",
            ("`KerasFeatures.transform`", lambda: est.transform(decoded)),
            (
                "bare `model.predict(preprocess_input(batch))` per batch",
                lambda: _bare_loop(model, preprocess, batches),
            ),
            n=n,
            repeats=ctx.repeats,
            kind="time",
            target=1.1,
        ),
        compare(
            f"{name}, {size[0]}×{size[1]} decoded images, batches of {batch_size}",
            ("`KerasFeatures.transform`", lambda: est.transform(decoded)),
            (
                "bare `model.predict_on_batch(preprocess_input(batch))` per batch",
                lambda: _bare_loop(model, preprocess, batches, on_batch=True),
            ),
            n=n,
            repeats=ctx.repeats,
            kind="time",
            target=1.1,
        ),
    ]
    # same features as the bare network (same seed, same layers)
    same = np.allclose(
        est.transform(decoded)[:batch_size],
        _bare_loop(model, preprocess, batches[:1]),
        rtol=1e-4,
        atol=1e-6,
    )

    table_paths = paths[: ctx.pick(64, 8)]
    lines = [
        "| model | features | images per second | ms per image |",
        "|---|---:|---:|---:|",
    ]
    for name in ctx.pick(MODELS, MODELS[:2]):
        est = KerasFeatures(
            model=name, weights=None, input_size=size, random_state=0,
            batch_size=batch_size,
        ).fit(decoded)  # fmt: skip
        t = time_interleaved(
            {"c": lambda est=est: est.transform(table_paths)},
            max(1, ctx.repeats // 2),
        )["c"]
        m = len(table_paths)
        lines.append(
            f"| {name} | {est.n_features_out_} | {m / t.median:.1f} "
            f"| {t.median / m * 1e3:.1f} |"
        )
    section = Section(
        "Pretrained image backbones",
        intro=(
            f"`KerasFeatures` (random weights: the speed does not depend on "
            f"their values) on {n} emoji PNGs resized to {size[0]}×{size[1]}. "
            "The first row starts from images already decoded and resized "
            "with the extractor's own reading, so both sides run the same "
            "network on the same batches; the reference is the application "
            "built by hand (no top, average pooling) called with "
            "`model.predict` (first row) or `model.predict_on_batch` (second "
            "row, what the extractor calls) on each batch after its "
            "`preprocess_input`. The "
            f"table below starts from {ctx.pick(64, 8)} of the PNG paths "
            f"(decoding and resizing included), batches of {batch_size}, "
            "`n_jobs=None`, median of "
            f"{max(1, ctx.repeats // 2)} calls after a warm-up call."
        ),
        rows=rows,
        markdown="\n".join(lines),
        notes=[
            f"Check: the extractor's features equal the bare network's on the "
            f"first batch: **{same}**."
        ],
    )
    section.seconds = time.perf_counter() - start
    return section


if __name__ == "__main__":
    from _harness import main_single

    main_single(run)
