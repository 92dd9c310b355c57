"""One small end-to-end run on real emoji: image paths and texts in a
DataFrame, with missing values, through ModalityFusion and a classifier."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skmultimodal.datasets import load_emoji
from skmultimodal.fusion import ModalityFusion, get_block_layout

# cross-validates on the full bundled emoji data
pytestmark = pytest.mark.slow

image = pytest.importorskip("skmultimodal.image", reason="needs skmultimodal.image")


def test_emoji_fusion_pipeline_with_missing_modalities():
    data = load_emoji()
    X, y = data["data"], np.asarray(data["target"])
    rng = np.random.RandomState(0)
    idx = rng.permutation(len(X))[:240]
    X, y = X.iloc[idx].copy(), y[idx]
    X.iloc[:10, X.columns.get_loc("image")] = None
    X.iloc[10:20, X.columns.get_loc("text")] = ""
    fusion = ModalityFusion(
        [
            ("image", image.ColorHistogram(bins=4), "image"),
            ("text", TfidfVectorizer(), "text"),
        ],
        missing="indicator",
    )
    model = make_pipeline(fusion, LogisticRegression(C=10, max_iter=2000))
    model.fit(X.iloc[:180], y[:180])
    Z = fusion.transform(X.iloc[180:])
    assert get_block_layout(Z).names == ["image", "text", "presence"]
    proba = model.predict_proba(X)
    assert np.isfinite(proba).all()
    # better than the majority class on held-out rows
    held = model.score(X.iloc[180:], y[180:])
    majority = np.mean(y[180:] == max(set(y[:180]), key=list(y[:180]).count))
    assert held > majority
