"""Where does the learned-token model look in an image?

Fit ``make_multimodal_pipeline(classifier="attention", image_tokens=True)``
on the emoji (decoded 64x64 images through a small convolutional stem, TF-IDF
text features, and word tokens that cross-attend to the image patches), then
draw, for a few held-out emoji, the attention each 8x8 patch token receives
over the image.

Run: ``python docs/examples/plot_image_attention.py`` (writes
``docs/images/image_attention.png``, or into ``$SKMULTIMODAL_FIGURE_DIR``
when set; about three minutes on 2 CPU cores;
``$SKMULTIMODAL_EXAMPLE_ROWS`` fits on a random subset of that many rows
for 2 epochs, a quick check; 0 or unset fits on all rows).
"""

import os
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import load_emoji
from skmultimodal.plotting import plot_image_attention
from skmultimodal.utils import atomic_write

X, y = load_emoji(return_X_y=True)
y = np.asarray(y)
# 0 or unset: every row (as in plot_fusion_comparison.py)
rows = int(os.environ.get("SKMULTIMODAL_EXAMPLE_ROWS") or 0)
if rows > 0:
    keep = np.random.RandomState(0).permutation(len(y))[:rows]
    X, y = X.iloc[keep].reset_index(drop=True), y[keep]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, random_state=0, stratify=y
)
model = make_multimodal_pipeline(
    classifier="attention", image_tokens=True, random_state=0
)
if rows > 0:
    model.set_params(classifier__epochs=2)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# The classifier works on the fused matrix: transform once, then explain.
sample = X_test.iloc[:6]
Z = model["fusion"].transform(sample)
clf = model["classifier"]
maps = clf.attention_weights(Z, modality="image")  # (6, 8, 8) patch maps
predicted = clf.predict(Z)
titles = [
    f"{true}\n(predicted: {pred})" if pred != true else str(true)
    for true, pred in zip(y_test[:6], predicted)
]
fig = plot_image_attention(sample["image"], maps, titles=titles)

out_dir = Path(
    os.environ.get("SKMULTIMODAL_FIGURE_DIR")
    or Path(__file__).resolve().parents[1] / "images"
)
out_dir.mkdir(parents=True, exist_ok=True)
with atomic_write(out_dir / "image_attention.png") as fh:
    fig.savefig(fh, format="png", dpi=120, bbox_inches="tight")
print(f"wrote {out_dir / 'image_attention.png'}")
