"""Compare fusion methods on the emoji data.

Cross-validates image-only, text-only, every built-in early-fusion method
(each followed by logistic regression) and late fusion, all built with
:func:`skmultimodal.make_multimodal_pipeline`, and draws accuracy (mean and
standard deviation over folds) per pipeline. The feature extractors of each
fold are fitted once and shared by every pipeline through a joblib cache.

Run: ``python docs/examples/plot_fusion_comparison.py`` (writes
``docs/images/fusion_comparison.png``). By default it uses a stratified
subset of 800 emoji and 3 folds (a few minutes on 2 CPU cores); set
``SKMULTIMODAL_EXAMPLE_ROWS`` to change the subset size (0 = all rows) and
``SKMULTIMODAL_EXAMPLE_METHODS`` (comma-separated) to compare fewer methods;
``SKMULTIMODAL_FIGURE_DIR`` writes the figure to another folder.
"""

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from joblib import Memory
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import load_emoji
from skmultimodal.utils import atomic_write

FIGURES = os.environ.get("SKMULTIMODAL_FIGURE_DIR")
OUT = (
    Path(FIGURES or Path(__file__).resolve().parents[1] / "images")
    / "fusion_comparison.png"
)
ROWS = int(os.environ.get("SKMULTIMODAL_EXAMPLE_ROWS", "800"))
METHODS = os.environ.get(
    "SKMULTIMODAL_EXAMPLE_METHODS", "concat,product,sum,mean,tensor,attention"
).split(",")

data = load_emoji()
X, y = data.data, np.asarray(data.target)
if 0 < ROWS < len(y):
    X, _, y, _ = train_test_split(X, y, train_size=ROWS, stratify=y, random_state=0)
cv = StratifiedKFold(3, shuffle=True, random_state=0)

with tempfile.TemporaryDirectory() as cache:
    memory = Memory(cache, verbose=0)
    pipelines = {
        "image only": make_multimodal_pipeline(text=None, memory=memory),
        "text only": make_multimodal_pipeline(image=None, memory=memory),
    }
    for method in METHODS:
        pipelines[method] = make_multimodal_pipeline(
            method=method, memory=memory, random_state=0
        )
    pipelines["late"] = make_multimodal_pipeline(
        method="late", memory=memory, random_state=0
    )
    scores = {}
    for name, pipe in pipelines.items():
        scores[name] = cross_val_score(pipe, X, y, cv=cv)
        print(f"{name:>10}: {scores[name].mean():.3f} ± {scores[name].std():.3f}")

names = list(scores)
mean = np.array([scores[n].mean() for n in names])
std = np.array([scores[n].std() for n in names])
colors = ["tab:orange", "tab:blue"] + ["tab:green"] * (len(names) - 3) + ["tab:purple"]
fig, ax = plt.subplots(figsize=(7, 4))
ax.barh(names, mean, xerr=std, color=colors, capsize=3)
ax.invert_yaxis()
best_single = max(mean[:2])
ax.axvline(best_single, color="gray", ls="--", lw=1)
for i, (m, s) in enumerate(zip(mean, std)):
    ax.text(m + s + 0.015, i, f"{m:.3f}", va="center", fontsize=8)
ax.set_xlim(0, 1)
ax.set_xlabel(
    f"accuracy, {cv.get_n_splits()}-fold CV on {len(y)} emoji "
    "(dashed: best single modality)"
)
ax.set_title("Early fusion (green) and late fusion (purple) vs single modalities")
fig.tight_layout()
OUT.parent.mkdir(parents=True, exist_ok=True)
with atomic_write(OUT) as fh:
    fig.savefig(fh, format="png", dpi=100)
print(f"wrote {OUT}")
