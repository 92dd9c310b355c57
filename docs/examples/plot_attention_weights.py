"""What does MultimodalAttentionClassifier look at?

Fit the attention classifier on synthetic image+text data whose label needs
both modalities (``make_multimodal_classification``), then draw, for a few
test samples, the share of attention each modality receives and the
attention each word of the text receives.

Run: ``python docs/examples/plot_attention_weights.py`` (writes
``docs/images/attention_weights.png``, or into ``$SKMULTIMODAL_FIGURE_DIR``
when set; under a minute on 2 CPU cores).
"""

import os
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.fusion import ModalityFusion
from skmultimodal.image import PixelFeatures
from skmultimodal.models import MultimodalAttentionClassifier
from skmultimodal.plotting import plot_attention_weights
from skmultimodal.text import TextSequencer
from skmultimodal.utils import atomic_write

X, y = make_multimodal_classification(
    n_samples=400, n_classes=3, image_size=16, text_noise=0.5, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y
)

model = Pipeline(
    [
        (
            "fusion",
            ModalityFusion(
                [
                    ("image", PixelFeatures(size=(8, 8)), "image"),
                    ("text", TextSequencer(max_length=8), "text"),
                ],
                method="tokens",
                random_state=0,
            ),
        ),
        (
            "clf",
            MultimodalAttentionClassifier(
                width=16, n_heads=2, epochs=30, learning_rate=3e-3, random_state=0
            ),
        ),
    ]
).fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# The classifier works on the fused matrix: transform once, then explain.
sample = X_test.iloc[:8]
Z = model["fusion"].transform(sample)
clf = model["clf"]
modality_weights = clf.attention_weights(Z)
word_weights = clf.token_attention(Z)["text"]

# Map token ids back to words with the fitted sequencer's vocabulary.
sequencer = model["fusion"].named_transformers_["text"]
id_to_word = {i: w for w, i in sequencer.vocabulary_.items()}
ids = np.asarray(Z)[:, clf.block_layout_.get("text").slice].astype(int)
words = [[id_to_word.get(i, "<unknown>") for i in row if i != 0] for row in ids]
kept = [row_w[row_ids != 0] for row_w, row_ids in zip(word_weights, ids)]
labels = [
    f"{idx}: y={t}, pred={p}"
    for idx, t, p in zip(sample.index, y_test[:8], model.predict(sample))
]

fig = plot_attention_weights(
    modality_weights,
    words=words,
    word_weights=kept,
    sample_labels=labels,
)
default_dir = Path(__file__).resolve().parents[1] / "images"
out_dir = Path(os.environ.get("SKMULTIMODAL_FIGURE_DIR", default_dir))
out_dir.mkdir(parents=True, exist_ok=True)
out = out_dir / "attention_weights.png"
with atomic_write(out) as fh:
    fig.savefig(fh, format="png", dpi=110)
print(f"wrote {out}")
