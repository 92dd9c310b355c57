"""HOG features of emoji: what the image branch sees.

Reads a few emoji of the bundled dataset, shows each one next to its
gray-level version (ITU-R 601 weights) and its Histogram of Oriented
Gradients (one star of gradient orientations per 8x8 cell, drawn by
scikit-image's reference implementation), and checks that
``HOGFeatures(backend="opencv")`` and ``backend="skimage"`` give vectors of
the same length that agree closely.

Run: ``python docs/examples/plot_hog.py`` (writes ``docs/images/hog.png``, or into
``$SKMULTIMODAL_FIGURE_DIR`` when set;
a few seconds).
"""

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from skimage.feature import hog

from skmultimodal.datasets import load_emoji
from skmultimodal.image import Grayscale, HOGFeatures, ImageReader, Resize
from skmultimodal.utils import atomic_write

FIGURES = os.environ.get("SKMULTIMODAL_FIGURE_DIR")
OUT = Path(FIGURES or Path(__file__).resolve().parents[1] / "images") / "hog.png"

data = load_emoji()
X, y = data.data, np.asarray(data.target)
# one emoji of each of four categories
picks = [int(np.flatnonzero(y == c)[0]) for c in np.unique(y)[[2, 5, 6, 8]]]
paths = X["image"].iloc[picks]

rgb = ImageReader().fit_transform(paths)
gray = Grayscale().fit_transform(Resize(size=(64, 64)).fit_transform(rgb))

fast = HOGFeatures(backend="opencv").fit_transform(paths)
ref = HOGFeatures(backend="skimage").fit_transform(paths)
corr = [np.corrcoef(a, b)[0, 1] for a, b in zip(fast, ref)]
print(f"HOG length {fast.shape[1]}; OpenCV vs scikit-image correlation per image:")
print("  " + ", ".join(f"{c:.2f}" for c in corr))

fig, axes = plt.subplots(3, len(picks), figsize=(2.6 * len(picks), 8))
for j, i in enumerate(picks):
    _, vis = hog(
        gray[j],
        orientations=9,
        pixels_per_cell=(8, 8),
        cells_per_block=(2, 2),
        visualize=True,
    )
    axes[0, j].imshow(rgb[j])
    axes[0, j].set_title(f"{y[i]}\n{X['text'].iloc[i][:22]}", fontsize=8)
    axes[1, j].imshow(gray[j], cmap="gray")
    axes[2, j].imshow(vis, cmap="magma")
    axes[2, j].set_xlabel(f"r(OpenCV, skimage) = {corr[j]:.2f}", fontsize=8)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("image (RGBA on white)")
axes[1, 0].set_ylabel("gray 64x64")
axes[2, 0].set_ylabel("HOG, 8x8 cells")
fig.suptitle("Histogram of Oriented Gradients of emoji")
fig.tight_layout()
OUT.parent.mkdir(parents=True, exist_ok=True)
with atomic_write(OUT) as fh:
    fig.savefig(fh, format="png", dpi=100)
print(f"wrote {OUT}")
