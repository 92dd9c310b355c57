"""Image benchmarks on the bundled emoji data (1,884 72x72 RGBA PNGs).

``run(ctx)`` (what ``benchmarks/run_all.py`` calls) gives two sections:

* **Decode once**: the default image branch of ``make_multimodal_pipeline``
  (``ImageFeatureUnion`` of HOG, an HSV colour histogram and 16x16 RGB
  pixels, then ``StandardScaler``; each image read once) against the branch
  it replaced (``make_union`` of three ``ImageFeatures``, each reading every
  image, then ``StandardScaler``), ``fit_transform`` on the emoji paths,
  timed with ``_harness.compare`` in the same process; the features are
  checked to be identical first;
* the output of the script below.

Run ``python benchmarks/bench_image.py`` (``--n 50 --repeats 1`` for a smoke
run; ``--decode-once`` for the first section only). Every figure of the
script is a ratio against a reference measured in the same run
(median of ``--repeats`` rounds; the compared functions run round-robin
after one untimed warm-up round, so joblib's worker start-up and the file
cache are not part of any figure and load changes hit all sides alike):

* HOG on images already decoded, composited, gray and resized to 64x64
  (that preparation is done once, outside every timing):
  ``HOGFeatures(backend="opencv", n_jobs=1)`` vs a bare
  ``cv2.HOGDescriptor.compute`` loop vs a ``skimage.feature.hog`` loop;
* HOG from the PNG paths (decode + alpha on white + gray + resize + HOG
  inside each timing): ``HOGFeatures`` vs the same steps written as a bare
  OpenCV loop, and ``n_jobs=2`` vs ``n_jobs=1``;
* reading: ``ImageReader`` vs a bare ``cv2.imread`` loop;
* accuracy: 5-fold ``StratifiedKFold(shuffle=True, random_state=0)`` of
  HOG + pixels + colour histogram, ``StandardScaler``, ``LogisticRegression``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import statistics
import time

import cv2
import numpy as np
import skimage
import sklearn
from skimage.feature import hog as skimage_hog
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline, make_union
from sklearn.preprocessing import StandardScaler

from skmultimodal.datasets import load_emoji
from skmultimodal.image import (
    ColorHistogram,
    Grayscale,
    HOGFeatures,
    ImageFeatures,
    ImageReader,
    PixelFeatures,
    Resize,
)

SIZE = (64, 64)


def _three_reads_branch():
    """The default image branch before ``ImageFeatureUnion``: three
    ``ImageFeatures`` in a ``make_union``, each reading every image."""
    features = make_union(
        ImageFeatures("hog"),
        ImageFeatures("color_histogram", method_params={"color_space": "hsv"}),
        ImageFeatures("pixels", method_params={"color": "rgb"}),
    )
    return Pipeline([("features", features), ("scale", StandardScaler())])


def decode_once_section(ctx, paths=None):
    """The default image branch (one read per image) against the three-read
    branch it replaced: a ``_harness.Section`` with one row."""
    from _harness import Section, compare, emoji_paths

    from skmultimodal.pipeline import _image_branch

    start = time.perf_counter()
    if paths is None:
        paths = emoji_paths(ctx.pick(None, 60))
    n = len(paths)
    branch = _image_branch(None, None, "raise")
    old = _three_reads_branch()
    new_features = branch.fit_transform(paths)
    old_features = old.fit_transform(paths)
    names = branch.named_steps["features"].get_feature_names_out()
    old_names = old.named_steps["features"].get_feature_names_out()
    same = (
        np.array_equal(new_features, old_features)
        and new_features.dtype == old_features.dtype
        and len(names) == len(old_names)
        # the union drops each extractor's own prefix ("hog", "hist_",
        # "pixel") that the three-read branch's names keep
        and all(
            b.split("__", 1)[1].endswith(a.split("__", 1)[1])
            for a, b in zip(names, old_names)
        )
    )
    load_before = os.getloadavg()[0]
    measured = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    row = compare(
        "default image branch, `fit_transform` on emoji PNG paths",
        (
            "`ImageFeatureUnion` + `StandardScaler` (one read per image)",
            lambda: branch.fit_transform(paths),
        ),
        (
            "`make_union` of three `ImageFeatures` + `StandardScaler` "
            "(three reads per image)",
            lambda: old.fit_transform(paths),
        ),
        n=n,
        repeats=ctx.repeats,
        kind="time",
        target=0.5,
    )
    load_after = os.getloadavg()[0]
    section = Section(
        "Default image branch: decode once",
        intro=(
            "The image branch `make_multimodal_pipeline()` builds by default "
            "(HOG 64×64 gray, HSV colour histogram, 16×16 RGB pixels, "
            "standardised) reads and decodes each image once and feeds the "
            "three extractors from that image; the branch it replaced read "
            "every image three times. Both run with `n_jobs=1`. Measured "
            f"{measured}; 1-minute load average before/after the timings: "
            f"{load_before:.1f} / {load_after:.1f}."
        ),
        rows=[row],
        notes=[
            "Check: same values, dtype, column order and feature names (up to "
            f"the `<name>__` prefix) as the three-read branch: **{same}**."
        ],
    )
    section.notes.append(
        "The union also decodes and describes the images in small batches of "
        "one shape (colour conversions, the alpha compositing, the resizes, "
        "HOG's descriptor and the histograms' bin lookups run once per batch "
        "on the images stacked, with the same values as one at a time); the "
        "three-read branch describes "
        "one image at a time, as each extractor does on its own."
    )
    if row.met is False:
        section.notes.append(
            "**Target missed**: the work the union cannot share or batch "
            "dominates at 72×72: decoding each PNG (zlib and filters) and "
            "HOG's descriptor run once per image on both sides, so one read "
            "plus the features costs more than half of three reads plus the "
            "features; see the per-step times of `python "
            "benchmarks/bench_image.py --decode-once`."
        )
    section.seconds = time.perf_counter() - start
    return section


def run(ctx):
    """Sections for ``benchmarks/run_all.py``: decode once, then the
    script's report (captured as text)."""
    from _harness import Section

    sections = [decode_once_section(ctx)]
    start = time.perf_counter()
    args = ["--n", "40", "--skip-accuracy"] if ctx.quick else []
    args += ["--repeats", str(ctx.repeats)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(args)
    sections.append(
        Section(
            "image (`benchmarks/bench_image.py`)",
            intro=f"Output of `python benchmarks/bench_image.py {' '.join(args)}`.",
            markdown="```text\n" + out.getvalue().strip() + "\n```",
            seconds=time.perf_counter() - start,
        )
    )
    return sections


def _step_times(paths, repeats):
    """Median time per image of each step, as the three-read branch does it
    (one image at a time, reading once per extractor) and as
    ``ImageFeatureUnion`` does it (one read, images of one shape decoded and
    described in small batches)."""
    from skmultimodal.image._io import read_batches, read_item, read_limits
    from skmultimodal.image._union import _batch_hook

    limits = read_limits()
    images = [read_item(p) for p in paths]
    groups = [g for batch, _ in read_batches(paths, 0, "raise", limits) for g in batch]
    extractors = {
        "HOG (gray, resize 64x64, descriptor)": HOGFeatures().fit(paths),
        "HSV colour histogram": ColorHistogram(color_space="hsv").fit(paths),
        "16x16 RGB pixels": PixelFeatures(color="rgb").fit(paths),
    }
    one = {"read + decode": lambda: [read_item(p) for p in paths]}
    batched = {"read + decode": lambda: list(read_batches(paths, 0, "raise", limits))}
    for name, est in extractors.items():
        one[name] = lambda e=est: [e._extract(img) for img in images]
        hook = _batch_hook(est)
        batched[name] = lambda h=hook: [h(stack) for _, stack in groups]
    funcs = {("one", k): f for k, f in one.items()}
    funcs.update({("batched", k): f for k, f in batched.items()})
    medians, _ = _timings(funcs, repeats)
    return {key: t / len(paths) for key, t in medians.items()}


def _timings(funcs, repeats):
    """Median seconds per function and per-round ratios to the first one.

    The functions run round-robin (one warm-up round untimed), so a change in
    machine load during the run affects all of them alike.
    """
    for func in funcs.values():
        func()  # warm-up: file cache, joblib worker start-up
    times = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    first = next(iter(funcs))
    medians = {name: statistics.median(t) for name, t in times.items()}
    ratios = {
        name: statistics.median(a / b for a, b in zip(t, times[first]))
        for name, t in times.items()
    }
    return medians, ratios


def _cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                    break
            else:
                name = platform.machine()
    except OSError:
        name = platform.processor() or platform.machine()
    return f"{name}, {os.cpu_count()} logical cores, load {os.getloadavg()[0]:.1f}"


def _descriptor():
    # the mapping HOGFeatures documents for its defaults
    return cv2.HOGDescriptor(
        (64, 64),
        (16, 16),
        (8, 8),
        (8, 8),
        9,
        1,
        1e9,
        cv2.HOGDescriptor_L2Hys,
        0.2,
        False,
        64,
        False,
    )


def _bare_opencv_from_paths(paths):
    descriptor = _descriptor()
    weights = np.array([[0.2989, 0.5870, 0.1140]])
    rows = []
    for p in paths:
        bgra = cv2.imread(p, cv2.IMREAD_UNCHANGED)
        alpha = cv2.merge([bgra[..., 3]] * 3)
        bgr = 255 - cv2.multiply(255 - bgra[..., :3], alpha, scale=1 / 255)
        gray = cv2.transform(bgr, weights[:, ::-1])
        small = cv2.resize(gray, SIZE, interpolation=cv2.INTER_AREA)
        rows.append(descriptor.compute(small))
    return np.array(rows)


def main(argv=None):
    from _harness import positive_int

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=positive_int, default=None, help="use n random images"
    )
    parser.add_argument("--repeats", type=positive_int, default=5)
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument(
        "--decode-once",
        action="store_true",
        help="only the decode-once comparison and its per-step times",
    )
    args = parser.parse_args(argv)
    if args.decode_once:
        from _harness import Context, section_markdown

        paths = load_emoji().data["image"].tolist()[: args.n]
        ctx = Context(repeats=args.repeats)
        print(section_markdown(decode_once_section(ctx, paths)))
        print("Per image (median of the rounds):")
        steps = _step_times(paths, args.repeats)
        print(f"  {'':40s} {'one at a time':>14s} {'union batches':>14s}")
        names = [name for kind, name in steps if kind == "one"]
        for name in names:
            print(
                f"  {name:40s} {steps['one', name] * 1e6:11.1f} µs "
                f"{steps['batched', name] * 1e6:11.1f} µs"
            )
        read, *features = (steps["one", name] for name in names)
        batched = sum(steps["batched", name] for name in names)
        print(
            "  ratio from these steps (scaler and per-call costs left out): "
            f"{batched / (3 * read + sum(features)):.2f} (one batched read + "
            "batched features, over three reads + the features one at a time)"
        )
        return

    X, y = load_emoji(return_X_y=True)
    if args.n is not None:  # a class-balanced-ish random subset
        keep = np.sort(np.random.default_rng(0).permutation(len(X))[: args.n])
        X, y = X.iloc[keep], np.asarray(y)[keep]
    paths = X["image"].tolist()
    y = np.asarray(y)
    n, r = len(paths), args.repeats
    print(f"n={n} images, repeats={r} (median), CPU: {_cpu()}")
    print(
        f"python {platform.python_version()}, opencv {cv2.__version__}, "
        f"scikit-image {skimage.__version__}, scikit-learn {sklearn.__version__}"
    )

    prepared = list(
        Resize(size=SIZE).fit_transform(
            Grayscale().fit_transform(ImageReader().fit_transform(paths))
        )
    )
    ours = HOGFeatures().fit(prepared)
    descriptor = _descriptor()
    t, q = _timings(
        {
            "ours": lambda: ours.transform(prepared),
            "cv2": lambda: np.array([descriptor.compute(p) for p in prepared]),
            "skimage": lambda: np.array(
                [
                    skimage_hog(p, pixels_per_cell=(8, 8), cells_per_block=(2, 2))
                    for p in prepared
                ]
            ),
        },
        r,
    )
    print("\nHOG on prepared 64x64 gray images (preparation not timed)")
    for name, label in [
        ("ours", "HOGFeatures(opencv)     "),
        ("cv2", "bare cv2.HOGDescriptor  "),
        ("skimage", "skimage.feature.hog loop"),
    ]:
        print(f"  {label} {t[name] * 1e3:8.1f} ms  ({n / t[name]:8.0f} img/s)")
    print(f"  ours / bare OpenCV = {1 / q['cv2']:.2f}x time (target <= 1.15)")
    print(f"  skimage / ours     = {q['skimage']:.1f}x faster (target >= 8)")
    print(f"  skimage / bare cv2 = {q['skimage'] / q['cv2']:.1f}x")

    t, q = _timings(
        {
            "ours": lambda: HOGFeatures().fit_transform(paths),
            "bare": lambda: _bare_opencv_from_paths(paths),
            "two": lambda: HOGFeatures(n_jobs=2).fit_transform(paths),
        },
        r,
    )
    print("\nHOG from PNG paths (decode + alpha + gray + resize + HOG timed)")
    print(f"  HOGFeatures n_jobs=1     {t['ours'] * 1e3:8.1f} ms")
    print(f"  bare OpenCV loop         {t['bare'] * 1e3:8.1f} ms")
    print(f"  HOGFeatures n_jobs=2     {t['two'] * 1e3:8.1f} ms")
    print(f"  ours / bare = {1 / q['bare']:.2f}x time")
    print(f"  n_jobs=2 speed-up = {1 / q['two']:.2f}x (target >= 1.7 on 2 free cores)")

    t, q = _timings(
        {
            "ours": lambda: ImageReader().fit_transform(paths),
            "imread": lambda: [cv2.imread(p, cv2.IMREAD_UNCHANGED) for p in paths],
        },
        r,
    )
    print("\nReading PNGs")
    print(f"  ImageReader              {t['ours'] * 1e3:8.1f} ms (decode, alpha, RGB)")
    print(f"  bare cv2.imread loop     {t['imread'] * 1e3:8.1f} ms (decode only)")
    print(f"  ours / bare = {1 / q['imread']:.2f}x time (target <= 1.15)")

    if args.skip_accuracy:
        return
    features = FeatureUnion(
        [
            ("hog", HOGFeatures(size=(32, 32))),
            ("pixels", PixelFeatures(size=(16, 16), color="rgb")),
            ("hist", ColorHistogram(bins=8, color_space="hsv")),
        ]
    )
    model = make_pipeline(
        features, StandardScaler(), LogisticRegression(C=0.01, max_iter=2000)
    )
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    scores = cross_val_score(model, X["image"], y, cv=cv, n_jobs=1)
    print(
        f"\nAccuracy, 5-fold stratified CV: {scores.mean():.3f} +/- {scores.std():.3f} "
        "(plain scikit-learn reference with HOG+pixels+colour histogram: 0.69)"
    )


if __name__ == "__main__":
    main()
