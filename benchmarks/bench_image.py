"""Image benchmarks on the bundled emoji data (1,884 72x72 RGBA PNGs).

Run ``python benchmarks/bench_image.py`` (``--n 50 --repeats 1`` for a smoke
run). Every figure is a ratio against a reference measured in the same run
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
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultimodal.datasets import load_emoji
from skmultimodal.image import (
    ColorHistogram,
    Grayscale,
    HOGFeatures,
    ImageReader,
    PixelFeatures,
    Resize,
)

SIZE = (64, 64)


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="use n random images")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args(argv)

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
