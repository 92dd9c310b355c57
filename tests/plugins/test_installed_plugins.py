"""End-to-end discovery of the real plugin packages in ``plugins/``.

``.ci/run`` installs ``plugins/skmultimodal-lbp`` and
``plugins/skmultimodal-gmu``; these tests run a fresh interpreter and prove
that their names are listed with their distributions, work in a Pipeline and
are searched by GridSearchCV next to built-in methods.
"""

import importlib.metadata

import numpy as np
import pytest

from .conftest import run_python


def _installed(dist):
    try:
        importlib.metadata.distribution(dist)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not (_installed("skmultimodal-lbp") and _installed("skmultimodal-gmu")),
    reason="plugin packages not installed; run "
    "`pip install ./plugins/skmultimodal-lbp ./plugins/skmultimodal-gmu` "
    "(.ci/run does)",
)

DATA = """
import numpy as np, pandas as pd
rng = np.random.RandomState(0)
n = 32
y = np.arange(n) % 2
def image(c):
    a = rng.randint(0, 256, (20, 20), dtype=np.uint8)
    if c:
        a[:, ::2] = 255  # stripes: a texture LBP and HOG both see
    return np.dstack([a, a, a])
words = ["red", "blue", "green", "cat", "dog"]
X = pd.DataFrame({
    "image": [image(c) for c in y],
    "text": [" ".join(rng.choice(words, 3)) for c in y],
})
"""

PIPELINE = """
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from skmultimodal.fusion import ModalityFusion
from skmultimodal.image import ImageFeatures

def make_pipe(image_method="lbp", method="gmu", method_params=None):
    return Pipeline([
        ("fusion", ModalityFusion([
            ("image", Pipeline([("features", ImageFeatures(method=image_method))]),
             "image"),
            ("text", TfidfVectorizer(), "text"),
        ], method=method, method_params=method_params)),
        ("clf", LogisticRegression()),
    ])
"""


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_listed_with_distribution_name_and_version():
    out = run_python(
        """
        import json
        from skmultimodal.plugins import list_plugins
        rows = list_plugins(include_failures=True)
        print(json.dumps(rows))
        """
    )
    by_name = {(r["kind"], r["name"]): r for r in out}
    lbp = by_name[("image_features", "lbp")]
    gmu = by_name[("fusion_method", "gmu")]
    assert lbp["distribution"] == "skmultimodal-lbp"
    assert lbp["version"] == importlib.metadata.version("skmultimodal-lbp")
    assert gmu["distribution"] == "skmultimodal-gmu"
    assert gmu["version"] == importlib.metadata.version("skmultimodal-gmu")
    assert all(r["status"] == "registered" for r in out)  # nothing skipped


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_work_in_a_pipeline():
    out = run_python(
        DATA
        + PIPELINE
        + """
import json
from skmultimodal_gmu import GatedMultimodalUnit
from skmultimodal_lbp import LBPFeatures
pipe = make_pipe(method_params={"n_components": 4, "random_state": 0})
pipe.fit(X.iloc[:24], y[:24])
fusion = pipe.named_steps["fusion"]
print(json.dumps({
    "extractor": type(fusion.named_transformers_["image"][-1].extractor_).__name__,
    "method": type(fusion.method_).__name__,
    "n_components": fusion.method_.n_components_,
    "names": fusion.get_feature_names_out()[:2].tolist(),
    "test_accuracy": pipe.score(X.iloc[24:], y[24:]),
}))
"""
    )
    assert out["extractor"] == "LBPFeatures"
    assert out["method"] == "GatedMultimodalUnit"
    assert out["n_components"] == 4
    assert out["names"] == ["gmu__h0", "gmu__h1"]
    assert out["test_accuracy"] >= 0.75  # the image stripes carry the class


@pytest.mark.slow  # a fresh interpreter (subprocess)
def test_grid_search_over_plugin_and_builtin_methods():
    out = run_python(
        DATA
        + PIPELINE
        + """
import json
import numpy as np
from sklearn.model_selection import GridSearchCV
from skmultimodal_gmu import GatedMultimodalUnit
grid = GridSearchCV(
    make_pipe(image_method="hog", method="concat"),
    {"fusion__method": ["concat", "gmu"],
     "fusion__image__features__method": ["hog", "lbp"]},
    cv=2, error_score="raise",
)
grid.fit(X, y)
# an instance as method: its own parameters are searchable as method__<param>
nested = GridSearchCV(
    make_pipe(method=GatedMultimodalUnit(random_state=0)),
    {"fusion__method__n_components": [2, 6]}, cv=2, error_score="raise",
)
nested.fit(X, y)
print(json.dumps({
    "params": [sorted(p.values()) for p in grid.cv_results_["params"]],
    "scores": grid.cv_results_["mean_test_score"].tolist(),
    "nested": [p["fusion__method__n_components"]
               for p in nested.cv_results_["params"]],
    "nested_fitted": nested.best_estimator_.named_steps["fusion"]
        .method_.n_components_,
    "nested_best": nested.best_params_["fusion__method__n_components"],
}))
"""
    )
    assert out["params"] == [
        ["concat", "hog"],
        ["gmu", "hog"],
        ["concat", "lbp"],
        ["gmu", "lbp"],
    ]
    assert all(np.isfinite(s) and s > 0.5 for s in out["scores"])
    assert out["nested"] == [2, 6]
    assert out["nested_fitted"] == out["nested_best"]
