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

Every model is image-only, trained on Twemoji images only (target: the 9
``load_emoji`` categories) and scored on the Noto renders; nothing is
trained, tuned or selected on Noto images.

Models fixed in advance
-----------------------
The default image branch, a random-weights ``KerasFeatures`` backbone and
the learned-token model, each with a within-style reference: 5-fold
``StratifiedKFold(shuffle=True, random_state=0)`` on Twemoji alone, and the
same folds' models scored on the Noto renders of their test fold.

Selecting a model without Noto (the proxy protocol)
---------------------------------------------------
Written down before any Noto figure of the new candidates was seen.

*Training augmentation* (family A, ``augmented``; seed 0): a candidate
with ``copies > 0`` is also trained on that many randomly varied copies of
each Twemoji training image: shift ±4 px, scale 0.85–1.05, rotation ±10°,
hue ±8 (OpenCV units, 0–180), saturation ×0.7–1.3, brightness ×0.8–1.15 of
the drawing, a Gaussian blur (σ 0.5–2) half the time.

*Proxy style shift* (family B, ``restyle``; seed 1): each Twemoji image
drawn "in another style" by transformations of other families or
strengths than family A, mirroring what differs between two emoji fonts:

- re-framing: cropped to the drawing, centred on a square and resized to
  72×72, as the Noto renders are (no rotation, no shift);
- stroke width: grey-level erosion (thicker dark strokes and outlines) or
  dilation (thinner), 3×3, once or twice, at twice the resolution;
- colour: hue shifted by 8–12 either way, saturation ×0.45–0.7 or
  ×1.3–1.6, a gamma of 0.6–0.8 or 1.25–1.6 on the brightness (all outside
  family A's ranges);
- shading: the drawing's brightness multiplied by a linear ramp of
  amplitude ±15–25 % along a random direction.

The background stays white; no blur.

Two proxy scores per candidate:

- *twins*: fitted on all Twemoji rows (plus their family-A copies), scored
  on the restyled copies of all rows: each test drawing's original is in
  training, as each Noto render's Twemoji twin is in the real benchmark;
- *held-out siblings*: 5-fold ``StratifiedGroupKFold(shuffle=True,
  random_state=0)`` over Twemoji, grouped by sibling (the code points with
  skin-tone, gender and joiner code points removed and person code points
  merged, so "man cook" and "woman cook" share a group); fitted on the
  training folds (plus their copies), scored on the restyled test fold, so
  twin matching alone is not rewarded.

Rule: the candidate with the highest mean of the two proxy accuracies is
selected (a tie goes to the earlier candidate). Noto is then reported for
every candidate: accuracy and macro-F1 of the model fitted on all Twemoji
rows, and the mean Noto accuracy of the grouped folds' models on the Noto
renders of their held-out siblings.

Candidates (``CANDIDATES``), all ``make_multimodal_pipeline(text=None,
...)``: the default image branch (HOG + HSV histogram + 16×16 pixels,
``LogisticRegression``) without and with 4 family-A copies; 1-nearest
neighbour on the default features without and with 4 copies; 5 nearest
neighbours (distance-weighted) with 4 copies; an RBF ``SVC`` on a 128-
component PCA of the default features with 4 copies; 1-nearest neighbour
on coarser features (HOG with 16×16 cells + HSV histogram + 8×8 pixels)
with 4 copies; 1-nearest neighbour on HOG + HSV histogram (no pixels) with
4 copies. The set was fixed after an earlier exploration that compared 25
variants on the Noto set itself: candidates 1, 3 and 4 were in it and 2
and 5 are close to variants in it (their Noto figures were known); 6, 7
and 8 are new. The report marks which.

Usage::

    python benchmarks/bench_style_shift.py                # full run (~15 min, 2 cores)
    python benchmarks/bench_style_shift.py --quick        # subset: smoke run
    python benchmarks/bench_style_shift.py --skip-cv --skip-keras

``--quick``: 300 rows, 3 folds, 1 family-A copy instead of 4.
``--skip-cv`` drops the fixed rows' fold columns (the candidates' grouped
folds are part of the selection and always run).

Without the font (or with a file Pillow cannot open as one), prints one
line naming the package and the path looked for, and exits 0 (a skip).
The font path: ``--font`` or the environment variable
``SKMM_NOTO_EMOJI_FONT``.
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


# ---------------------------------------------------------------- images
def load_rgb(path):
    """A PNG as RGB uint8, transparency composited on white."""
    from PIL import Image

    with Image.open(path) as im:
        rgba = im.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))


def augmented(img, rng):
    """Family A (training augmentation): one random variant of a Twemoji
    image: a small shift, scale and rotation, a colour jitter of the drawing
    (the white background stays white) and, half the time, a blur."""
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
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.5, 2.0))
    return out


def reframe(img):
    """The drawing cropped to its extent (non-white pixels), centred on a
    white square and resized to ``SIDE``×``SIDE``, as the Noto renders are."""
    import cv2

    ys, xs = np.nonzero(~(img >= 250).all(axis=2))
    if len(ys) == 0:
        return img
    crop = img[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    h, w = crop.shape[:2]
    side = max(h, w)
    square = np.full((side, side, 3), 255, np.uint8)
    top, left = (side - h) // 2, (side - w) // 2
    square[top : top + h, left : left + w] = crop
    return cv2.resize(square, (SIDE, SIDE), interpolation=cv2.INTER_AREA)


def restyle(img, rng):
    """Family B (the proxy style shift): the drawing re-framed, its strokes
    thickened or thinned, its colours pushed outside family A's ranges and
    shaded by a linear ramp; see the module docstring."""
    import cv2

    out = reframe(img)
    big = cv2.resize(out, (2 * SIDE, 2 * SIDE), interpolation=cv2.INTER_CUBIC)
    morph = cv2.erode if rng.uniform() < 0.5 else cv2.dilate
    big = morph(big, np.ones((3, 3), np.uint8), iterations=int(rng.randint(1, 3)))
    out = cv2.resize(big, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    background = (out >= 250).all(axis=2)
    hsv = cv2.cvtColor(out, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 0] = (hsv[..., 0] + rng.choice([-1, 1]) * rng.uniform(8, 12)) % 180
    low = rng.uniform() < 0.5
    hsv[..., 1] *= rng.uniform(0.45, 0.7) if low else rng.uniform(1.3, 1.6)
    low = rng.uniform() < 0.5
    gamma = rng.uniform(0.6, 0.8) if low else rng.uniform(1.25, 1.6)
    hsv[..., 2] = 255.0 * (hsv[..., 2] / 255.0) ** gamma
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:SIDE, 0:SIDE] / (SIDE - 1) - 0.5
    hsv[..., 2] *= 1.0 + rng.uniform(0.3, 0.5) * (
        np.cos(angle) * xx + np.sin(angle) * yy
    )
    out = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2RGB)
    out[background] = 255
    return out


# Code points dropped or merged to group an emoji with its siblings.
_MODIFIERS = {"fe0f", "200d", "2640", "2642", "1f3fb", "1f3fc", "1f3fd", "1f3fe"}
_MODIFIERS |= {"1f3ff"}
_PERSONS = {"1f468", "1f469", "1f9d1", "1f466", "1f467"}


def sibling_groups(paths):
    """A group label per Twemoji file: its code points without skin-tone,
    gender, joiner and variation-selector code points, person code points
    merged ("man cook" and "woman cook" share one)."""
    out = []
    for path in paths:
        parts = [p for p in Path(path).stem.split("-") if p not in _MODIFIERS]
        if len(parts) > 1:
            parts = ["person" if p in _PERSONS else p for p in parts]
        out.append("-".join(parts) or Path(path).stem)
    return np.asarray(out)


# ------------------------------------------------------------- candidates
def default_union(pixels=(16, 16), hog_cell=(8, 8), with_pixels=True):
    """The default image features (HOG of the 64×64 gray image, an HSV
    histogram, RGB pixels), with other cell and pixel grids, or without the
    pixels."""
    from skmultimodal.image import (
        ColorHistogram,
        HOGFeatures,
        ImageFeatureUnion,
        PixelFeatures,
    )

    parts = [
        ("hog", HOGFeatures(pixels_per_cell=hog_cell)),
        ("color_histogram", ColorHistogram(color_space="hsv")),
    ]
    if with_pixels:
        parts.append(("pixels", PixelFeatures(size=pixels, color="rgb")))
    return ImageFeatureUnion(parts)


def _knn(k, **kw):
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(k, **kw)


def _pca_svc():
    from sklearn.decomposition import PCA
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import SVC

    return make_pipeline(PCA(128, random_state=0), SVC(C=10))


def image_only_pipeline(features, estimator):
    """``make_multimodal_pipeline(text=None, ...)``: one image column, these
    features (None: the default union) and this estimator (None: the
    default ``LogisticRegression``)."""
    from skmultimodal import make_multimodal_pipeline

    return make_multimodal_pipeline(
        text=None, image_features=features, estimator=estimator
    )


DEFAULT_FEATURES = "HOG + HSV histogram + 16×16 pixels"
# (name, estimator factory, family-A copies, Noto figure known beforehand)
CANDIDATES = [
    (
        f"default image branch ({DEFAULT_FEATURES}, LogisticRegression)",
        lambda: image_only_pipeline(None, None),
        0,
        "yes (row 1)",
    ),
    (
        f"default image branch ({DEFAULT_FEATURES}, LogisticRegression)",
        lambda: image_only_pipeline(None, None),
        4,
        "close variant",
    ),
    (
        f"{DEFAULT_FEATURES}, 1-NN",
        lambda: image_only_pipeline(default_union(), _knn(1)),
        0,
        "yes",
    ),
    (
        f"{DEFAULT_FEATURES}, 1-NN",
        lambda: image_only_pipeline(default_union(), _knn(1)),
        4,
        "yes",
    ),
    (
        f"{DEFAULT_FEATURES}, 5-NN distance-weighted",
        lambda: image_only_pipeline(default_union(), _knn(5, weights="distance")),
        4,
        "close variant",
    ),
    (
        f"{DEFAULT_FEATURES}, PCA(128) + RBF SVC(C=10)",
        lambda: image_only_pipeline(default_union(), _pca_svc()),
        4,
        "no",
    ),
    (
        "HOG 16×16 cells + HSV histogram + 8×8 pixels, 1-NN",
        lambda: image_only_pipeline(
            default_union(pixels=(8, 8), hog_cell=(16, 16)), _knn(1)
        ),
        4,
        "no",
    ),
    (
        "HOG + HSV histogram (no pixels), 1-NN",
        lambda: image_only_pipeline(default_union(with_pixels=False), _knn(1)),
        4,
        "no",
    ),
]


def candidate_name(i, copies):
    name = CANDIDATES[i][0]
    if copies:
        name += f", {copies} augmented cop{'y' if copies == 1 else 'ies'}"
    return f"C{i + 1}. {name}"


def frame(images):
    """An image column of decoded RGB arrays."""
    import pandas as pd

    return pd.DataFrame({"image": pd.Series(list(images), dtype=object)})


def _candidate_job(est, copies, twem, aug, y, tr, evals):
    """Fit a clone of ``est`` on Twemoji rows ``tr`` plus ``copies``
    family-A copies of them; its predictions on each image set of
    ``evals`` and the seconds taken."""
    from sklearn.base import clone

    t0 = time.perf_counter()
    n = len(twem)
    train = np.concatenate([twem[tr]] + [aug[k * n + tr] for k in range(copies)])
    est = fit_quiet(clone(est), frame(train), np.tile(y[tr], copies + 1))
    preds = [est.predict(frame(images)) for images in evals]
    return preds, time.perf_counter() - t0


def evaluate_candidates(twem, aug, shifted, noto, y, kept, folds, copies_cap, n_jobs):
    """Proxy and Noto scores of every candidate.

    Returns a list of dicts: ``copies``, ``twins`` and ``siblings`` (the
    proxy accuracies), ``noto`` (accuracy, macro-F1), ``noto_siblings``
    and ``seconds`` (the full fit + predict).
    """
    from joblib import Parallel, delayed

    pos = np.full(len(y), -1)
    pos[kept] = np.arange(len(kept))
    everything = np.arange(len(y))
    jobs, plan = [], []
    for i, (_, make, copies, _) in enumerate(CANDIDATES):
        copies = min(copies, copies_cap)
        jobs.append(
            delayed(_candidate_job)(
                make(), copies, twem, aug, y, everything, [shifted, noto]
            )
        )
        plan.append((i, None))
        for f, (tr, te) in enumerate(folds):
            seen = te[pos[te] >= 0]
            jobs.append(
                delayed(_candidate_job)(
                    make(), copies, twem, aug, y, tr, [shifted[te], noto[pos[seen]]]
                )
            )
            plan.append((i, f))
    res = Parallel(n_jobs=n_jobs)(jobs)
    out = [{"copies": min(c, copies_cap), "folds": []} for _, _, c, _ in CANDIDATES]
    for (i, f), (preds, seconds) in zip(plan, res):
        r = out[i]
        if f is None:
            r["twins"] = float(np.mean(preds[0] == y))
            r["noto"] = scores(y[kept], preds[1])
            r["seconds"] = seconds
        else:
            tr, te = folds[f]
            seen = te[pos[te] >= 0]
            r["folds"].append(
                (np.mean(preds[0] == y[te]), np.mean(preds[1] == y[seen]))
            )
    for i, r in enumerate(out):
        r["siblings"] = float(np.mean([a for a, _ in r["folds"]]))
        r["noto_siblings"] = float(np.mean([b for _, b in r["folds"]]))
        r["proxy"] = (r["twins"] + r["siblings"]) / 2
        log(f"{candidate_name(i, r['copies'])[:50]}: {r['seconds']:.0f} s")
    return out


def select(results):
    """The rule: highest mean of the two proxy accuracies; a tie goes to
    the earlier candidate. Reads no Noto figure."""
    return max(range(len(results)), key=lambda i: (results[i]["proxy"], -i))


def twin_retrieval(twem, noto, kept):
    """Share of Noto renders whose nearest Twemoji image (default features,
    standardised, Euclidean) is the same emoji's."""
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import StandardScaler

    union = default_union()
    train = union.fit_transform(list(twem))
    scaler = StandardScaler().fit(train)
    nn = NearestNeighbors(n_neighbors=1).fit(scaler.transform(train))
    test = scaler.transform(union.transform(list(noto)))
    idx = nn.kneighbors(test, return_distance=False)[:, 0]
    return float(np.mean(idx == kept))


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
    parser.add_argument(
        "--quick", action="store_true", help="300 rows, 3 folds, 1 copy: smoke run"
    )
    parser.add_argument(
        "--skip-cv", action="store_true", help="no fold columns for the fixed rows"
    )
    parser.add_argument("--skip-keras", action="store_true", help="no Keras rows")
    parser.add_argument("--n-jobs", type=int, default=2, help="fits in parallel")
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
    try:
        NotoRenderer(font)
    except OSError as exc:  # not a font file Pillow can draw with
        print(
            f"Style-shift benchmark skipped: {font} is not a font Pillow can open "
            f"at size {FONT_SIZE} ({exc}): give the path of the Noto Color Emoji "
            f"font (Debian package {FONT_PACKAGE}) with --font or ${FONT_ENV}."
        )
        return 0

    import pandas as pd
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

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

    # ------------------------------------------------- proxy protocol
    twem = np.stack([load_rgb(p) for p in paths])
    copies_cap = 1 if args.quick else max(c for _, _, c, _ in CANDIDATES)
    rng = np.random.RandomState(0)  # family A
    aug = np.stack([augmented(im, rng) for _ in range(copies_cap) for im in twem])
    rng = np.random.RandomState(1)  # family B
    shifted = np.stack([restyle(im, rng) for im in twem])
    noto_rgb = np.stack([load_rgb(p) for p in noto_paths])
    groups = sibling_groups(paths)
    sib_folds = list(
        StratifiedGroupKFold(n_folds, shuffle=True, random_state=0).split(
            twem[:, 0, 0, 0], y, groups
        )
    )
    results = evaluate_candidates(
        twem, aug, shifted, noto_rgb, y, kept, sib_folds, copies_cap, args.n_jobs
    )
    chosen = select(results)
    twin = twin_retrieval(twem, noto_rgb, kept)

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
            "\n> **Quick mode**: 300 random rows, 3 folds, 1 augmented copy "
            "instead of 4; not meaningful."
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
    n_groups = len(set(groups))
    print(
        "Model selection without Noto. Candidates: "
        "`make_multimodal_pipeline(text=None, image_features=..., "
        "estimator=...)`, trained on Twemoji (plus, where stated, augmented "
        "copies of each Twemoji image: shift ±4 px, scale 0.85–1.05, "
        "rotation ±10°, hue/saturation/brightness jitter of the drawing, a "
        "blur half the time; seed 0). *Proxy*: the Twemoji images redrawn "
        "by other transformations (seed 1): re-framed to the drawing as the "
        "Noto renders are, strokes thickened or thinned (erosion/dilation), "
        "hue shifted 8–12, saturation and gamma outside the augmentation's "
        "ranges, a linear shading ramp. *twins*: fitted on all Twemoji "
        "rows, scored on their redrawn copies (each original in training, "
        "as each Noto render's Twemoji twin is); *held-out siblings*: "
        f"{n_folds}-fold `StratifiedGroupKFold(shuffle=True, random_state=0)` "
        f"over {n_groups:,} sibling groups (skin-tone and gender variants "
        "together), scored on the redrawn test fold. **Rule: the highest "
        "mean of the two proxy accuracies** (ties: the earlier candidate); "
        "no Noto figure enters it. *Noto, held-out siblings*: the same "
        "grouped folds' models on the Noto renders of their test fold. "
        "*Noto known before*: whether this candidate's (or a close "
        "variant's) Noto accuracy was seen in an earlier exploration on the "
        "Noto set before the candidate list was fixed.\n"
    )
    print(
        "| candidate | proxy: twins | proxy: held-out siblings | proxy mean "
        "| Noto accuracy | Noto macro-F1 | Noto, held-out siblings "
        "| fit + predict | Noto known before |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for i, r in enumerate(results):
        name = candidate_name(i, r["copies"])
        proxy = f"{r['proxy']:.3f}"
        if i == chosen:
            name, proxy = f"**{name}** (selected)", f"**{proxy}**"
        print(
            f"| {name} | {r['twins']:.3f} | {r['siblings']:.3f} | {proxy} "
            f"| {r['noto'][0]:.3f} | {r['noto'][1]:.3f} "
            f"| {r['noto_siblings']:.3f} | {r['seconds']:.0f} s "
            f"| {CANDIDATES[i][3]} |"
        )
    print()
    best = results[chosen]
    met = best["noto"][0] >= 0.65
    print(
        "Target (issue 14): an image-only model ≥ 0.65 on Noto, without "
        "training on Noto images. The proxy rule selected "
        f"*{candidate_name(chosen, best['copies'])}* (proxy mean "
        f"{best['proxy']:.3f}): Noto accuracy **{best['noto'][0]:.3f}**, "
        f"macro-F1 {best['noto'][1]:.3f}; on held-out siblings "
        f"{best['noto_siblings']:.3f}. Target **{'met' if met else 'missed'}** "
        "by the selected model."
    )
    print(
        f"\nCaveat: every Noto test emoji has its Twemoji twin in the training "
        f"set; for {twin:.1%} of the Noto renders the nearest Twemoji image "
        "(default HOG + HSV histogram + pixel features, standardised) is that "
        "twin, which is why nearest-neighbour models do well here. The "
        "held-out columns measure the style shift without that help."
    )
    print(f"\n*Total time: {time.perf_counter() - t_start:.0f} s.*")
    return 0


if __name__ == "__main__":
    sys.exit(main())
