"""A diverged fit and non-finite probabilities are errors, block widths of
``modalities`` must be positive integers, and Keras' warning about a
softmax over one key token is not raised by the network (threads included)."""

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skmultimodal.models import MultimodalAttentionClassifier

pytestmark = pytest.mark.slow

KW = dict(width=8, n_heads=2, epochs=1, random_state=0)
DIVERGED = r"the fit diverged: .*epoch \d+.*; scale the features .*learning_rate"


def _data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 4))
    return X, (X[:, 0] > 0).astype(int)


@pytest.fixture(scope="module")
def fitted():
    X, y = _data()
    return MultimodalAttentionClassifier(**KW).fit(X, y)


def _scale(X, s):
    return X * s


# ------------------------------------------------------------ diverged fits
def test_fit_on_huge_features_raises_naming_the_epoch():
    X, y = _data()
    clf = MultimodalAttentionClassifier(**KW)
    with pytest.raises(ValueError, match=r"training loss in epoch 1 is nan; scale"):
        clf.fit(X * 1e20, y)
    chunks = [(X[:15] * 1e20, y[:15]), (X[15:] * 1e20, y[15:])]
    with pytest.raises(ValueError, match=DIVERGED):
        clf.fit_chunks(chunks)


def test_fit_ending_with_non_finite_weights_raises():
    # the loss stays finite (huge) while the last step leaves NaN weights
    X, y = _data()
    clf = MultimodalAttentionClassifier(
        **{**KW, "epochs": 3}, learning_rate=1e6, optimizer="sgd"
    )
    with pytest.raises(ValueError, match=DIVERGED + r" \(now 1000000.0\)"):
        clf.fit(X, y)


def test_grid_search_records_a_diverged_fit():
    X, y = _data()
    pipe = make_pipeline(
        FunctionTransformer(_scale, kw_args={"s": 1.0}),
        MultimodalAttentionClassifier(**KW),
    )
    grid = {"functiontransformer__kw_args": [{"s": 1.0}, {"s": 1e20}]}
    search = GridSearchCV(pipe, grid, cv=2, error_score=np.nan, refit=False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "One or more of the test scores")
        with pytest.warns(FitFailedWarning, match="the fit diverged"):
            search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores[0]) and np.isnan(scores[1])
    search.set_params(error_score="raise")
    with pytest.raises(ValueError, match=DIVERGED):
        search.fit(X, y)


# ------------------------------------------------ non-finite probabilities
def test_predict_proba_names_the_first_non_finite_row(fitted):
    X, _ = _data()
    X = np.vstack([X[0], X[1] * 1e30, X[1] * 1e30])
    msg = r"NaN or infinite probabilities for row 1 \(and 1 more row\): .*scale"
    with pytest.raises(ValueError, match=msg):
        fitted.predict_proba(X)
    with pytest.raises(ValueError, match=msg):
        fitted.predict(X)
    frame = pd.DataFrame(X, index=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"row 1 \(index 'b'\)"):
        fitted.predict_proba(frame)
    with pytest.raises(ValueError, match="NaN or infinite attention weights"):
        fitted.attention_weights(X)
    assert np.isfinite(fitted.predict_proba(X[:1])).all()


# --------------------------------------------------------- block widths
@pytest.mark.parametrize("width", ["three", 3.7, 0, -1, True, None])
def test_modalities_width_must_be_a_positive_integer(width):
    X, y = _data()
    clf = MultimodalAttentionClassifier(modalities=[("image", width), ("text", 3)])
    msg = r"modalities entry \('image', .*\): the width of block 'image' must be"
    with pytest.raises(ValueError, match=msg + r" a positive integer"):
        clf.fit(X, y)


def test_modalities_entry_that_is_a_bare_name_is_shown_as_given():
    X, y = _data()
    clf = MultimodalAttentionClassifier(modalities=["image", "text"])
    with pytest.raises(ValueError, match=r"\(name, width\).*got 'image'$"):
        clf.fit(X, y)


def test_modalities_width_may_be_a_numpy_integer():
    X, y = _data()
    mods = [("image", np.int64(1)), ("text", np.int32(3))]
    clf = MultimodalAttentionClassifier(modalities=mods, **KW).fit(X, y)
    assert clf.block_layout_.names == ["image", "text"]
    assert [b.width for b in clf.block_layout_] == [1, 3]


# ------------------------------------------- softmax over one key token
def test_network_over_single_tokens_does_not_warn(fitted):
    # one token in all: self-attention over one key and pooling over one
    # token; the warning used to be silenced around our own calls only
    X, _ = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fitted.model_(X.astype(np.float32), training=False)
        fitted.model_(X.astype(np.float32), training=True)


def test_no_softmax_warning_in_threads():
    X, y = _data()
    Xs = np.column_stack([np.abs(X[:, :1]).round(), X[:, 1:]])  # token ids + 3

    def run(seed):
        mods = [("words", 1, "sequence"), ("f", 3)]
        clf = MultimodalAttentionClassifier(
            modalities=mods, **{**KW, "random_state": seed}
        )
        return clf.fit(Xs, y).predict_proba(Xs)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(run, range(4)))
    assert not [w for w in caught if "softmax over axis" in str(w.message)]
