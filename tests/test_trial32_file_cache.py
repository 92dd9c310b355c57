"""``FileStampMemory`` is public (``skmultimodal.utils``) for a user's own
``Pipeline(memory=...)``: a refit after image files are rewritten in place
featurizes them again, where scikit-learn's path-keyed cache reuses the old
features; unchanged files are a cache hit."""

from pathlib import Path

import cv2
import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skmultimodal.image import ImageFeatures
from skmultimodal.utils import FileStampMemory
from tests._docs_runner import USER_GUIDE, assert_code_blocks_print_what_they_claim


def test_the_user_guide_example():
    assert_code_blocks_print_what_they_claim(
        USER_GUIDE / "image.md", containing="FileStampMemory"
    )


def _entries(folder):
    return len(list(Path(folder).rglob("output.pkl")))


def test_a_users_pipeline_hits_on_unchanged_files_and_misses_on_changed_ones(
    tmp_path,
):
    paths = [str(tmp_path / f"{i}.png") for i in range(6)]
    for i, path in enumerate(paths):
        cv2.imwrite(path, np.full((16, 16, 3), 40 * i, np.uint8))
    y = [0, 1] * 3
    cache = tmp_path / "cache"
    pipe = make_pipeline(
        ImageFeatures("color_histogram"),
        LogisticRegression(),
        memory=FileStampMemory(cache),
    )
    first = clone(pipe).fit(paths, y)
    assert _entries(cache) == 1
    clone(pipe).fit(paths, y)  # nothing changed: read from the cache
    assert _entries(cache) == 1
    cv2.imwrite(paths[0], np.full((20, 20, 3), 250, np.uint8))  # in place
    second = clone(pipe).fit(paths, y)
    assert _entries(cache) == 2
    assert not np.allclose(first[-1].coef_, second[-1].coef_)
    # and the fitted features are those of the new file
    fresh = make_pipeline(ImageFeatures("color_histogram"), LogisticRegression())
    np.testing.assert_allclose(
        second[-1].coef_, fresh.fit(paths, y)[-1].coef_, rtol=1e-6
    )
