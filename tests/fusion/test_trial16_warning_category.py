"""The fusion's warning about rows whose modality could not be read has its
own category, ``MissingModalityWarning`` (a ``UserWarning``), so a service
that predicts such rows at every call can silence it by category, as
docs/persistence.md ("Serving a loaded model") shows."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import skmultimodal.fusion
from skmultimodal.fusion import (
    LateFusionClassifier,
    MissingModalityWarning,
    ModalityFusion,
)
from tests._docs_runner import assert_code_blocks_print_what_they_claim
from tests._workers import NONE_OR_TWO

PAGE = Path(__file__).resolve().parents[2] / "docs" / "persistence.md"


class NaNForBad(TransformerMixin, BaseEstimator):
    """An extractor with ``on_error="missing"`` in miniature: an item
    starting with ``"bad"`` gives a row of NaN."""

    def fit(self, X, y=None):
        self.fitted_ = True
        return self

    def transform(self, X):
        out = np.full((len(X), 2), np.nan)
        for i, item in enumerate(X):
            if not str(item).startswith("bad"):
                out[i] = [float(item), float(item) % 3]
        return out


def _table(n=12):
    y = np.arange(n) % 2
    X = pd.DataFrame(
        {
            "image": [str(i + 10 * c) for i, c in enumerate(y)],
            "text": [["cat", "dog"][c] + " animal" for c in y],
        }
    )
    return X, y


ROW = pd.DataFrame({"image": ["bad bytes"], "text": ["cat animal"]})


def _fusion(n_jobs=None):
    return ModalityFusion(
        [("image", NaNForBad(), "image"), ("text", TfidfVectorizer(), "text")],
        missing="zero",
        n_jobs=n_jobs,
    )


def _late():
    return LateFusionClassifier(
        [
            ("image", make_pipeline(NaNForBad(), LogisticRegression()), "image"),
            ("text", make_pipeline(TfidfVectorizer(), LogisticRegression()), "text"),
        ],
        missing="skip",
    )


def test_exported_as_a_user_warning():
    assert "MissingModalityWarning" in skmultimodal.fusion.__all__
    assert issubclass(MissingModalityWarning, UserWarning)


@pytest.mark.parametrize("n_jobs", NONE_OR_TWO)
def test_modality_fusion_warns_with_the_category_at_each_call(n_jobs):
    fusion = _fusion(n_jobs).fit(*_table())
    for _ in range(2):  # every call, not once per location
        with pytest.warns(MissingModalityWarning, match="'image' could not be read"):
            fusion.transform(ROW)


def test_late_fusion_warns_with_the_category():
    model = _late().fit(*_table())
    with pytest.warns(MissingModalityWarning, match="'image' could not be read"):
        model.predict_proba(ROW)


def test_silenced_by_category_other_user_warnings_kept():
    fusion = _fusion().fit(*_table())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=MissingModalityWarning)
        fusion.transform(ROW)
        warnings.warn("another", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["another"]


def test_docs_serving_block_silences_the_per_call_warnings():
    fusion = _fusion().fit(*_table())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # the page's block adds its filters, as a service does at its start
        assert_code_blocks_print_what_they_claim(PAGE, "MissingModalityWarning")
        fusion.transform(ROW)
        fusion.transform(ROW)
    assert not caught, [str(w.message) for w in caught]


def test_late_fusion_rows_missing_every_modality_warn_with_the_category():
    from sklearn.linear_model import LogisticRegression

    from skmultimodal.fusion import LateFusionClassifier

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(30, 2)), columns=["a", "b"])
    y = np.arange(30) % 2
    X.iloc[0] = np.nan  # every modality missing in row 0
    clf = LateFusionClassifier(
        [("a", LogisticRegression(), ["a"]), ("b", LogisticRegression(), ["b"])],
        missing="skip",
    )
    with pytest.warns(MissingModalityWarning, match="every modality is missing"):
        clf.fit(X, y)
    with pytest.warns(MissingModalityWarning, match="training class prior"):
        clf.predict_proba(X.iloc[:2])
