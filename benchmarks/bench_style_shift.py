"""Drawing-style shift: train on Twemoji, test on Noto Color Emoji.

The 1,884 emoji of ``load_emoji()`` (Twemoji PNGs) are drawn a second time
from the Noto Color Emoji font (Debian package ``fonts-noto-color-emoji``):
each emoji's code points are rendered with Pillow at the font's bitmap size
(``ImageFont.truetype(font, size=109)``, ``embedded_color=True``) on a
transparent canvas, composited on white, cropped to the drawing, centred on
a square and resized to 72×72 (area interpolation), like the Twemoji PNGs.
Where the font lacks a glyph (nothing drawn, or a sequence drawn as several
glyphs), the sequence is tried with and without the variation selector
``fe0f``; rows still without a glyph are dropped from the test set and
counted. Renders are cached as PNGs (``--cache``) and re-used.

Protocol: image-only models are trained on all Twemoji rows (target: the 9
``load_emoji`` categories) and scored on the Noto renders; nothing is
trained or tuned on Noto images. The three fixed models (the default image
branch, a random-weights ``KerasFeatures`` backbone, the learned-token
model) also get a within-style reference: 5-fold
``StratifiedKFold(shuffle=True, random_state=0)`` on Twemoji alone. The
exploration table then compares other image-only models trained on
Twemoji only (blur, grayscale, HOG cell sizes, colour histogram alone,
kNN, augmented Twemoji copies); those were compared on the Noto set
itself, so the best one's figure is optimistic.

Usage::

    python benchmarks/bench_style_shift.py                # full run (~10 min, 2 cores)
    python benchmarks/bench_style_shift.py --quick        # subset: smoke run
    python benchmarks/bench_style_shift.py --skip-cv --skip-keras

Without the font, prints one line naming the package and the path looked
for, and exits 0 (a skip). The font path: ``--font`` or the environment
variable ``SKMM_NOTO_EMOJI_FONT``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

DEFAULT_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
FONT_ENV = "SKMM_NOTO_EMOJI_FONT"
FONT_PACKAGE = "fonts-noto-color-emoji"
SKIP_MESSAGE = "Style-shift benchmark skipped: Noto Color Emoji font not found"
FONT_SIZE = 109  # the size of Noto Color Emoji's bitmap strike
SIDE = 72  # the Twemoji PNGs' size
RENDER_VERSION = "1"  # bump when the rendering below changes


def log(msg):
    """Progress, on stderr (stdout is the Markdown report)."""
    print(f"  {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- rendering
def candidates(unified, stem):
    """Code-point sequences to try for one emoji: the table's, its file
    name's, and each with and without the variation selector ``fe0f``."""
    out = []
    for seq in (unified.lower(), stem):
        parts = seq.split("-")
        bare = [p for p in parts if p != "fe0f"]
        out += ["-".join(parts), "-".join(bare)]
        if len(bare) == 1:
            out.append(bare[0] + "-fe0f")
    return list(dict.fromkeys(out))


class NotoRenderer:
    """Draws emoji with one colour font; None where it lacks the glyph."""

    def __init__(self, font_path):
        from PIL import ImageFont

        self.font = ImageFont.truetype(font_path, size=FONT_SIZE)
        self.advance = self.font.getlength("\U0001f600")  # one glyph's width

    def draw(self, seq):
        """RGB uint8 ``SIDE``×``SIDE`` image of the sequence, or None."""
        import cv2
        from PIL import Image, ImageDraw

        text = "".join(chr(int(c, 16)) for c in seq.split("-"))
        width = self.font.getlength(text)
        if width <= 0 or width > 1.5 * self.advance:  # absent, or several glyphs
            return None
        pad = 16
        canvas = Image.new(
            "RGBA", (int(width) + 2 * pad, int(1.5 * FONT_SIZE) + 2 * pad)
        )
        ImageDraw.Draw(canvas).text(
            (pad, pad), text, font=self.font, embedded_color=True
        )
        box = canvas.getchannel("A").getbbox()
        if box is None:  # .notdef draws nothing in this font
            return None
        drawing = canvas.crop(box)
        side = max(drawing.size)
        square = Image.new("RGBA", (side, side), (255, 255, 255, 0))
        square.paste(
            drawing, ((side - drawing.size[0]) // 2, (side - drawing.size[1]) // 2)
        )
        white = Image.new("RGBA", square.size, (255, 255, 255, 255))
        rgb = np.asarray(Image.alpha_composite(white, square).convert("RGB"))
        return cv2.resize(rgb, (SIDE, SIDE), interpolation=cv2.INTER_AREA)


def cache_folder(cache, font_path):
    """A subfolder of ``cache`` per font file and rendering version."""
    st = os.stat(font_path)
    key = f"{os.path.abspath(font_path)}|{st.st_size}|{st.st_mtime_ns}|"
    key += f"{RENDER_VERSION}|{FONT_SIZE}|{SIDE}"
    folder = Path(cache) / hashlib.sha256(key.encode()).hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def render_all(paths, font_path, cache):
    """Noto renders of the emoji whose Twemoji PNGs are ``paths``.

    Returns ``(noto_paths, kept, stats)``: the PNG paths of the rendered
    rows, the positions of those rows in ``paths`` and counts.
    """
    from PIL import Image

    from skmultimodal.datasets._emoji import (
        _emoji_table,
        _resolve_png,
        _twemoji_png_dir,
    )

    png_dir = _twemoji_png_dir()
    files = set(os.listdir(png_dir))
    unified = {}
    for rec in _emoji_table():
        found = _resolve_png(png_dir, files, rec["unified"])
        if found is not None:
            unified.setdefault(str(found), rec["unified"])
    folder = cache_folder(cache, font_path)
    renderer = None
    out, kept = [], []
    stats = {"reused": 0, "rendered": 0, "other sequence": 0, "missing": 0}
    for i, path in enumerate(paths):
        stem = Path(path).stem
        target = folder / f"{stem}.png"
        if target.exists():
            stats["reused"] += 1
        else:
            if renderer is None:
                renderer = NotoRenderer(font_path)
            seqs = candidates(unified.get(str(path), stem), stem)
            img = None
            for k, seq in enumerate(seqs):
                img = renderer.draw(seq)
                if img is not None:
                    stats["other sequence"] += k > 0
                    break
            if img is None:
                stats["missing"] += 1
                continue
            tmp = target.with_suffix(f".{os.getpid()}.tmp.png")
            Image.fromarray(img).save(tmp)
            os.replace(tmp, target)
            stats["rendered"] += 1
        out.append(str(target))
        kept.append(i)
    return out, np.asarray(kept), stats


# ------------------------------------------------------------ fixed models
def learned_tokens_pipeline():
    """Row 3: the learned-token model; raises TypeError while
    ``make_multimodal_pipeline`` has no ``image_tokens``."""
    from skmultimodal import make_multimodal_pipeline

    return make_multimodal_pipeline(
        text=None, classifier="attention", image_tokens=True, random_state=0
    )


def keras_pipeline(model):
    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.image import ImageFeatures

    return make_multimodal_pipeline(
        text=None,
        image_features=ImageFeatures(
            method="keras",
            method_params={"model": model, "weights": None, "random_state": 0},
        ),
    )


def fixed_models(skip_keras):
    """``(name, factory or None, why not)`` of the rows fixed in advance."""
    from skmultimodal import make_multimodal_pipeline

    rows = [
        (
            "1. default image branch: `make_multimodal_pipeline(text=None)` "
            "(HOG + HSV histogram + pixels, LogisticRegression)",
            lambda: make_multimodal_pipeline(text=None),
            "",
        )
    ]
    for model in KERAS_MODELS:
        name = (
            f"2. `KerasFeatures` {model}, `weights=None` (random, seed 0), "
            "224×224, LogisticRegression"
        )
        rows.append(
            (name, None, "skipped (`--skip-keras`)")
            if skip_keras
            else (name, lambda m=model: keras_pipeline(m), "")
        )
    name = (
        "3. learned tokens: `make_multimodal_pipeline(text=None, "
        'classifier="attention", image_tokens=True, random_state=0)`'
    )
    try:
        learned_tokens_pipeline()
    except TypeError:
        rows.append((name, None, "not available"))
    except ImportError as exc:
        rows.append((name, None, f"not available ({exc})"))
    else:
        rows.append((name, learned_tokens_pipeline, ""))
    return rows


KERAS_MODELS = ["MobileNetV3Small"]


def fit_quiet(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter
        return est.fit(X, y)


def scores(y_true, y_pred):
    from sklearn.metrics import accuracy_score, f1_score

    return accuracy_score(y_true, y_pred), f1_score(y_true, y_pred, average="macro")


# -------------------------------------------------------------- exploration
def load_rgb(path):
    """A PNG as RGB uint8, transparency composited on white."""
    from PIL import Image

    with Image.open(path) as im:
        rgba = im.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))


def blur(img, sigma):
    import cv2

    return cv2.GaussianBlur(img, (0, 0), sigma)


def gray3(img):
    import cv2

    return cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)


PREPROCESS = {
    "none": lambda img: img,
    "blur σ=1.5": lambda img: blur(img, 1.5),
    "blur σ=3": lambda img: blur(img, 3.0),
    "grayscale": gray3,
}


def augmented(img, rng):
    """One random variant of a Twemoji image: a small shift, scale and
    rotation, a colour jitter of the drawing (the white background stays
    white) and, half the time, a blur."""
    import cv2

    side = img.shape[0]
    background = (img >= 250).all(axis=2)
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 0] = (hsv[..., 0] + rng.uniform(-8, 8)) % 180
    hsv[..., 1] *= rng.uniform(0.7, 1.3)
    hsv[..., 2] *= rng.uniform(0.8, 1.15)
    out = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2RGB)
    out[background] = 255
    m = cv2.getRotationMatrix2D(
        (side / 2, side / 2), rng.uniform(-10, 10), rng.uniform(0.85, 1.05)
    )
    m[:, 2] += rng.uniform(-4, 4, size=2)
    out = cv2.warpAffine(
        out, m, (side, side), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255)
    )
    if rng.uniform() < 0.5:
        out = blur(out, rng.uniform(0.5, 2.0))
    return out


def feature_block(name):
    """An image feature extractor (fitted on nothing: fixed functions)."""
    from skmultimodal.image import ColorHistogram, HOGFeatures, PixelFeatures

    return {
        "HOG 8×8 cells": lambda: HOGFeatures(),
        "HOG 16×16 cells": lambda: HOGFeatures(pixels_per_cell=(16, 16)),
        "HOG 32×32 image": lambda: HOGFeatures(size=(32, 32)),
        "HSV histogram": lambda: ColorHistogram(color_space="hsv"),
        "RGB histogram": lambda: ColorHistogram(),
        "pixels 16×16": lambda: PixelFeatures(color="rgb"),
        "pixels 8×8": lambda: PixelFeatures(size=(8, 8), color="rgb"),
    }[name]()


DEFAULT_BLOCKS = ("HOG 8×8 cells", "HSV histogram", "pixels 16×16")


def classifier(name):
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        StandardScaler(),
        {
            "logistic": lambda: LogisticRegression(C=10, max_iter=3000),
            "logistic C=0.01": lambda: LogisticRegression(C=0.01, max_iter=3000),
            "kNN k=1": lambda: KNeighborsClassifier(1),
            "kNN k=5": lambda: KNeighborsClassifier(5),
            "kNN k=15": lambda: KNeighborsClassifier(15, weights="distance"),
            "kNN k=15 cosine": lambda: KNeighborsClassifier(
                15, metric="cosine", weights="distance"
            ),
        }[name](),
    )


# (preprocessing, augmented copies per Twemoji image, feature blocks, classifier)
VARIANTS = [
    ("none", 0, DEFAULT_BLOCKS, "logistic"),
    ("none", 0, DEFAULT_BLOCKS, "logistic C=0.01"),
    ("none", 0, DEFAULT_BLOCKS, "kNN k=5"),
    ("none", 0, DEFAULT_BLOCKS, "kNN k=15 cosine"),
    ("none", 0, ("HOG 8×8 cells",), "logistic"),
    ("none", 0, ("HOG 16×16 cells",), "logistic"),
    ("none", 0, ("HOG 32×32 image",), "logistic"),
    ("none", 0, ("HSV histogram",), "logistic"),
    ("none", 0, ("RGB histogram",), "logistic"),
    ("none", 0, ("pixels 16×16",), "logistic"),
    ("none", 0, ("pixels 8×8",), "logistic"),
    ("blur σ=1.5", 0, DEFAULT_BLOCKS, "logistic"),
    ("blur σ=3", 0, DEFAULT_BLOCKS, "logistic"),
    ("grayscale", 0, DEFAULT_BLOCKS, "logistic"),
    ("none", 4, DEFAULT_BLOCKS, "logistic"),
    ("none", 0, DEFAULT_BLOCKS, "kNN k=1"),
    ("none", 0, DEFAULT_BLOCKS, "kNN k=15"),
    ("blur σ=1.5", 0, DEFAULT_BLOCKS, "kNN k=5"),
    ("blur σ=1.5", 0, DEFAULT_BLOCKS, "logistic C=0.01"),
    ("none", 4, DEFAULT_BLOCKS, "kNN k=5"),
    ("none", 4, DEFAULT_BLOCKS, "logistic C=0.01"),
    ("blur σ=1.5", 4, DEFAULT_BLOCKS, "kNN k=5"),
    ("none", 0, ("HOG 8×8 cells", "HSV histogram", "pixels 8×8"), "kNN k=5"),
    ("none", 0, ("pixels 8×8", "HSV histogram"), "kNN k=5"),
    ("none", 4, DEFAULT_BLOCKS, "kNN k=1"),
    ("none", 8, DEFAULT_BLOCKS, "kNN k=5"),
]


class Explorer:
    """Features of each (preprocessing, augmentation, block) computed once."""

    def __init__(self, train_rgb, test_rgb, seed=0):
        self.train_rgb, self.test_rgb = train_rgb, test_rgb
        self.seed = seed
        self._images, self._features = {}, {}

    def images(self, split, prep, copies):
        key = (split, prep, copies)
        if key not in self._images:
            imgs = self.train_rgb if split == "train" else self.test_rgb
            if copies:
                rng = np.random.RandomState(self.seed)
                imgs = imgs + [augmented(im, rng) for _ in range(copies) for im in imgs]
            self._images[key] = [PREPROCESS[prep](im) for im in imgs]
        return self._images[key]

    def features(self, split, prep, copies, blocks):
        parts = []
        for block in blocks:
            key = (split, prep, copies, block)
            if key not in self._features:
                imgs = self.images(split, prep, copies)
                self._features[key] = feature_block(block).fit_transform(imgs)
            parts.append(self._features[key])
        return np.hstack(parts)

    def data(self, variant):
        """Training features, labels' repetitions and test features."""
        prep, copies, blocks, _ = variant
        Xtr = self.features("train", prep, copies, blocks)
        return Xtr, copies + 1, self.features("test", prep, 0, blocks)


def _score_variant(variant, Xtr, reps, Xte, y_train, y_test):
    t0 = time.perf_counter()
    est = fit_quiet(classifier(variant[3]), Xtr, np.tile(y_train, reps))
    return scores(y_test, est.predict(Xte)), time.perf_counter() - t0


def explore(explorer, variants, y_train, y_test, n_jobs):
    """``[(variant, (accuracy, macro-F1))]``: features computed here, the
    classifiers fitted ``n_jobs`` at a time."""
    from joblib import Parallel, delayed

    jobs = [(v, *explorer.data(v)) for v in variants]
    res = Parallel(n_jobs=n_jobs)(
        delayed(_score_variant)(v, Xtr, reps, Xte, y_train, y_test)
        for v, Xtr, reps, Xte in jobs
    )
    for v, (_, seconds) in zip(variants, res):
        log(f"{variant_name(v)}: {seconds:.0f} s")
    return [(v, r[0]) for v, r in zip(variants, res)]


def variant_name(variant):
    prep, copies, blocks, clf = variant
    parts = [" + ".join(blocks), clf]
    if prep != "none":
        parts.insert(0, prep)
    if copies:
        parts.append(f"{copies} augmented cop{'y' if copies == 1 else 'ies'}")
    return ", ".join(parts)


def twin_retrieval(train_feats, test_feats, kept):
    """Share of Noto renders whose nearest Twemoji image (standardised
    features, Euclidean) is the same emoji's."""
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(train_feats)
    nn = NearestNeighbors(n_neighbors=1).fit(scaler.transform(train_feats))
    idx = nn.kneighbors(scaler.transform(test_feats), return_distance=False)[:, 0]
    return float(np.mean(idx == kept))


def variant_heldout(explorer, variant, y, kept, folds):
    """Mean Noto accuracy on emoji held out of the Twemoji training fold."""
    prep, copies, blocks, clf = variant
    Xtr = explorer.features("train", prep, copies, blocks)
    Xte = explorer.features("test", prep, 0, blocks)
    n = len(y)
    pos = np.full(n, -1)
    pos[kept] = np.arange(len(kept))
    accs = []
    for tr, te in folds:
        rows = np.concatenate([tr + k * n for k in range(copies + 1)])
        est = fit_quiet(classifier(clf), Xtr[rows], np.tile(y[tr], copies + 1))
        te = te[pos[te] >= 0]
        accs.append(np.mean(est.predict(Xte[pos[te]]) == y[te]))
    return float(np.mean(accs))


# -------------------------------------------------------------------- main
def _fold(factory, X, y, noto, pos, tr, te):
    """One fold: fit on Twemoji ``tr``; accuracy on Twemoji ``te`` and on
    the Noto renders of ``te``."""
    est = fit_quiet(factory(), X.iloc[tr], y[tr])
    cv = float(np.mean(est.predict(X.iloc[te]) == y[te]))
    te = te[pos[te] >= 0]
    held = float(np.mean(est.predict(noto.iloc[pos[te]]) == y[te]))
    return cv, held


def fixed_rows(models, X, y, noto, kept, folds, n_jobs, skip_cv):
    from joblib import Parallel, delayed

    pos = np.full(len(y), -1)
    pos[kept] = np.arange(len(kept))
    out = []
    for name, factory, why in models:
        if factory is None:
            out.append((name, None, why))
            continue
        t0 = time.perf_counter()
        est = fit_quiet(factory(), X, y)
        acc, f1 = scores(y[kept], est.predict(noto))
        seconds = time.perf_counter() - t0
        cv = held = None
        if not skip_cv:
            res = Parallel(n_jobs=n_jobs)(
                delayed(_fold)(factory, X, y, noto, pos, tr, te) for tr, te in folds
            )
            cv = (np.mean([r[0] for r in res]), np.std([r[0] for r in res]))
            held = np.mean([r[1] for r in res])
        out.append((name, (acc, f1, cv, held, seconds), ""))
        log(f"{name[:40]}: done in {time.perf_counter() - t0:.0f} s")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 rows: smoke run")
    parser.add_argument("--skip-cv", action="store_true", help="no 5-fold columns")
    parser.add_argument("--skip-keras", action="store_true", help="no Keras rows")
    parser.add_argument("--n-jobs", type=int, default=2, help="folds in parallel")
    parser.add_argument(
        "--font",
        default=None,
        help=f"Noto Color Emoji .ttf (default: ${FONT_ENV} or {DEFAULT_FONT})",
    )
    parser.add_argument(
        "--cache",
        default=os.path.join(tempfile.gettempdir(), "skmultimodal-noto-emoji"),
        help="folder of the cached Noto renders (re-used across runs)",
    )
    args = parser.parse_args(argv)
    font = args.font or os.environ.get(FONT_ENV) or DEFAULT_FONT

    print("# Drawing-style shift: Twemoji → Noto Color Emoji\n")
    if not os.path.isfile(font):
        print(
            f"{SKIP_MESSAGE} at {font}: install the Debian package "
            f"{FONT_PACKAGE} (`apt-get install {FONT_PACKAGE}`), or give the "
            f"font's path with --font or ${FONT_ENV}."
        )
        return 0

    import pandas as pd
    from sklearn.model_selection import StratifiedKFold

    from skmultimodal.datasets import load_emoji

    t_start = time.perf_counter()
    data = load_emoji()
    X, y = data.data, np.asarray(data.target)
    if args.quick:
        keep = np.sort(np.random.RandomState(0).permutation(len(X))[:300])
        X, y = X.iloc[keep].reset_index(drop=True), y[keep]
    paths = X["image"].tolist()
    noto_paths, kept, stats = render_all(paths, font, args.cache)
    noto = pd.DataFrame({"image": noto_paths, "text": X["text"].iloc[kept].tolist()})
    log(f"renders: {stats}")
    n_folds = 3 if args.quick else 5
    folds = list(StratifiedKFold(n_folds, shuffle=True, random_state=0).split(X, y))

    rows = fixed_rows(
        fixed_models(args.skip_keras),
        X,
        y,
        noto,
        kept,
        folds,
        args.n_jobs,
        args.skip_cv,
    )

    train_rgb = [load_rgb(p) for p in paths]
    test_rgb = [load_rgb(p) for p in noto_paths]
    explorer = Explorer(train_rgb, test_rgb)
    variants = VARIANTS[:4] + [(v[0], min(v[1], 1), v[2], v[3]) for v in VARIANTS[-3:]]
    variants = variants if args.quick else VARIANTS
    results = explore(explorer, variants, y, y[kept], args.n_jobs)
    best = max(results, key=lambda r: r[1][0])
    plain = results[0]
    heldout = {}
    if not args.skip_cv:
        for v, _ in (plain, best):
            heldout[v] = variant_heldout(explorer, v, y, kept, folds)
    twin = twin_retrieval(
        explorer.features("train", "none", 0, DEFAULT_BLOCKS),
        explorer.features("test", "none", 0, DEFAULT_BLOCKS),
        kept,
    )

    # ------------------------------------------------------------ report
    n, m = len(y), len(kept)
    print(
        f"Training: all {n:,} Twemoji PNGs of `load_emoji()` "
        f"({len(set(y))} categories). Test: the same emoji rendered from "
        f"`{font}` (size {FONT_SIZE}, cropped to the drawing, centred, "
        f"{SIDE}×{SIDE}, area interpolation): **{m:,}** rows; **{n - m}** "
        "dropped because the font lacks their glyph (tried with and without "
        f"`fe0f`); {stats['rendered']:,} rendered in this run "
        f"({stats['other sequence']} of them from another code-point sequence "
        f"than the table's), {stats['reused']:,} re-used from the cache."
    )
    if args.quick:
        print(
            "\n> **Quick mode**: 300 random rows, 3 folds, a few variants; "
            "not meaningful."
        )
    print()
    print(
        "Models fixed in advance (image only; trained on Twemoji only). "
        f"*CV*: {n_folds}-fold `StratifiedKFold(shuffle=True, random_state=0)` "
        "on Twemoji alone (the within-style reference); *held-out emoji*: "
        "the same folds' models scored on the Noto renders of their test "
        "fold (new drawing style *and* emoji unseen in training, though "
        "close siblings, e.g. gendered variants, may be in it).\n"
    )
    print(
        "| model | Noto accuracy | Noto macro-F1 | Twemoji CV accuracy "
        "| Noto, held-out emoji | fit + predict |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, res, why in rows:
        if res is None:
            print(f"| {name} | {why} | | | | |")
            continue
        acc, f1, cv, held, seconds = res
        cv_s = "—" if cv is None else f"{cv[0]:.3f} ± {cv[1]:.3f}"
        held_s = "—" if held is None else f"{held:.3f}"
        print(
            f"| {name} | {acc:.3f} | {f1:.3f} | {cv_s} | {held_s} | {seconds:.0f} s |"
        )
    print()
    print(
        "Row 1's concat fusion step divides the standardised image block by "
        'its Frobenius norm (`ConcatFusion(block_norm="frobenius")`), which '
        "acts as a much stronger L2 penalty on its `LogisticRegression(C=10)`; "
        "on the same features without that scaling (first exploration row) "
        f"the Noto accuracy is {plain[1][0]:.3f}.\n"
    )
    print(
        "Exploration: other image-only models, trained on Twemoji only (plus, "
        "where stated, augmented copies of the Twemoji images generated here: "
        "shift ±4 px, scale 0.85–1.05, rotation ±10°, hue/saturation/"
        "brightness jitter of the drawing, a blur half the time). Features "
        "are computed from the images composited on white; *logistic* is "
        "`StandardScaler` + `LogisticRegression(C=10, max_iter=3000)` "
        "without the unit-norm block scaling of row 1's fusion step, the "
        "other classifiers follow a `StandardScaler` too. **These variants "
        "were compared on the Noto set itself, so the best one's figure is "
        "optimistic**; rows 1–3 above were fixed in advance.\n"
    )
    print("| variant | Noto accuracy | Noto macro-F1 | ≥ 0.65 |")
    print("|---|---:|---:|---|")
    for v, (acc, f1) in results:
        mark = "yes" if acc >= 0.65 else "no"
        name = variant_name(v)
        if v is best[0]:
            name, mark = f"**{name}**", "**yes**" if acc >= 0.65 else "no"
        print(f"| {name} | {acc:.3f} | {f1:.3f} | {mark} |")
    print()
    fixed_best = max(
        (r for r in rows if r[1] is not None), key=lambda r: r[1][0], default=None
    )
    fixed_met = fixed_best is not None and fixed_best[1][0] >= 0.65
    fixed_txt = (
        f"{fixed_best[0].split(':')[0]}, {fixed_best[1][0]:.3f}"
        if fixed_best
        else "none ran"
    )
    print(
        "Target (issue 14): the best image-only model ≥ 0.65 on Noto. "
        f"Models fixed in advance: **{'met' if fixed_met else 'missed'}** "
        f"(best: {fixed_txt}). A variant chosen on the Noto set itself, "
        f"*{variant_name(best[0])}*, reaches {best[1][0]:.3f}: an optimistic "
        "figure, since the choice looked at the test set."
    )
    if heldout:
        print(
            f"\nOn emoji held out of training ({n_folds} folds, Noto renders of "
            f"each test fold): *{variant_name(plain[0])}* "
            f"{heldout[plain[0]]:.3f}, *{variant_name(best[0])}* "
            f"{heldout[best[0]]:.3f}."
        )
    print(
        f"\nCaveat: every Noto test emoji has its Twemoji twin in the training "
        f"set; for {twin:.1%} of the Noto renders the nearest Twemoji image "
        "(default HOG + HSV histogram + pixel features, standardised) is that "
        "twin, which is why nearest-neighbour models do well here. The "
        "held-out-emoji figures measure the style shift without that help."
    )
    print(f"\n*Total time: {time.perf_counter() - t_start:.0f} s.*")
    return 0


if __name__ == "__main__":
    sys.exit(main())
