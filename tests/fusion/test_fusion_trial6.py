"""ModalityFusion built by hand: block-name clashes, one-column selections,
switching ``missing`` after fit, ``weights="auto"``, errors naming every
modality, the decode-error hint, ``get_feature_names_out`` checks and
warnings pointing at the caller."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from skmultimodal import make_multimodal_pipeline
from skmultimodal.fusion import FusionMethod, ModalityFusion
from skmultimodal.fusion.methods import (
    ConcatFusion,
    LateFusion,
    StackFusion,
    SumFusion,
)
from skmultimodal.image import PixelFeatures

WORDS = ["cat", "dog", "red", "blue", "sun", "moon"]


def _table(n=40, seed=0):
    """Two text modalities (``title``, ``body``) and a number column, the
    class readable from either text."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    X = pd.DataFrame(
        {
            "title": [f"{WORDS[c]} {WORDS[rng.randint(6)]}" for c in y],
            "body": [f"{WORDS[2 + c]} {WORDS[rng.randint(6)]}" for c in y],
            "size": rng.rand(n) + y,
        }
    )
    return X, y


class Lengths(TransformerMixin, BaseEstimator):
    """Text lengths, one column per input column; refuses a missing or
    empty cell (the fusion must never hand one over), and outputs an
    all-NaN row (unreadable) for the text ``"unreadable"``."""

    def fit(self, X, y=None):
        self._check(X)
        return self

    def transform(self, X):
        cells = self._check(X)
        out = np.array([[float(len(c)) for c in row] for row in cells])
        out[[all(c == "unreadable" for c in row) for row in cells]] = np.nan
        return out

    @staticmethod
    def _check(X):
        frame = pd.DataFrame(X) if np.ndim(X) == 2 else pd.DataFrame({"c": X})
        cells = frame.to_numpy(dtype=object).tolist()
        for row in cells:
            for cell in row:
                if not isinstance(cell, str) or not cell.strip():
                    raise AssertionError(f"given a missing cell: {cell!r}")
        return cells


class NotToBeFitted(TransformerMixin, BaseEstimator):
    """A branch whose fit must not run (the error comes before)."""

    def fit(self, X, y=None):
        raise AssertionError("the branch was fitted before the clash was found")

    def transform(self, X):
        raise AssertionError("not fitted")


# -- 3: modality names that clash with blocks the fusion adds --------------


def test_a_modality_named_joint_is_refused_before_any_branch_is_fitted():
    X, y = _table()
    fusion = ModalityFusion(
        [("num", NotToBeFitted(), ["size"]), ("joint", TfidfVectorizer(), "title")],
        method="stack",
        random_state=0,
    )
    with pytest.raises(ValueError, match="modality 'joint' clashes with the joint"):
        fusion.fit(X, y)
    # without the joint expert there is no joint block: the name is free
    fusion = ModalityFusion(
        [("txt", TfidfVectorizer(), "body"), ("joint", TfidfVectorizer(), "title")],
        method=StackFusion(joint=False),
        random_state=0,
    ).fit(X, y)
    names = fusion.get_feature_names_out()
    assert len(set(names)) == len(names)
    assert fusion.block_layout_.names == ["txt", "joint"]


def test_a_modality_named_presence_is_refused_under_indicator_only():
    X, y = _table()
    branches = [
        ("presence", TfidfVectorizer(), "title"),
        ("face", NotToBeFitted(), ["size"]),
    ]
    with pytest.raises(ValueError, match="modality 'presence' clashes with the pre"):
        ModalityFusion(branches, missing="indicator").fit(X, y)
    branches[1] = ("face", "passthrough", ["size"])
    fusion = ModalityFusion(branches, missing="mean").fit(X, y)
    assert fusion.block_layout_.names == ["presence", "face"]


class AddsBlock(FusionMethod):
    """Concatenates the blocks and adds one column named ``added``."""

    def __init__(self, added="num__size"):
        self.added = added

    def fit(self, blocks, y=None):
        return self

    def transform(self, blocks):
        Z = np.hstack(blocks)
        return np.hstack([Z, np.ones((Z.shape[0], 1))])

    def get_feature_names_out(self, input_features):
        return np.array(
            [n for names in input_features for n in names] + [self.added], dtype=object
        )


@pytest.mark.parametrize(
    "added, what",
    [
        ("num__size", "the feature name 'num__size' appears twice"),
        ("num__extra", "the output has two blocks named 'num'"),
    ],
)
def test_a_plugin_method_adding_a_block_named_like_a_modality_is_refused(added, what):
    X, y = _table()
    fusion = ModalityFusion(
        [("num", "passthrough", ["size"]), ("text", Lengths(), "title")],
        method=AddsBlock(added),
    )
    with pytest.raises(ValueError) as err:
        fusion.fit(X, y)
    assert "modality 'num' clashes with a block that fusion method 'AddsBlock'" in str(
        err.value
    )
    assert what in str(err.value)
    # a block of its own name is fine
    fusion.set_params(method=AddsBlock("bias__one")).fit(X, y)
    assert fusion.block_layout_.names == ["num", "text", "bias"]


# -- 6: a one-column list selection has the missing rules of a column ------


@pytest.mark.parametrize("kind", ["names", "positions"])
def test_a_one_column_list_selection_treats_empty_strings_as_missing(kind):
    X, y = _table(12)
    X.loc[0, "title"] = ""
    X.loc[1, "body"] = "   "
    if kind == "names":
        columns = (["title"], ["body"])
    else:
        columns = ([0], [1])
    data = X[["title", "body"]]
    fusion = ModalityFusion(
        [("t", Lengths(), columns[0]), ("b", Lengths(), columns[1])],
        missing="indicator",
    )
    Z = np.asarray(fusion.fit_transform(data, y))
    presence = Z[:, -2:]
    np.testing.assert_array_equal(presence[0], [0.0, 1.0])
    np.testing.assert_array_equal(presence[1], [1.0, 0.0])
    assert presence[2:].all()
    # the same rows as the column given as a string (or one position)
    single = ModalityFusion(
        [("t", Lengths(), columns[0][0]), ("b", Lengths(), columns[1][0])],
        missing="indicator",
    )
    np.testing.assert_array_equal(
        np.asarray(single.fit_transform(data, y))[:, -2:], presence
    )


def test_a_multi_column_row_is_missing_only_when_every_cell_is():
    X, y = _table(12)
    X.loc[0, ["title", "body"]] = ["", None]  # every cell missing
    X.loc[1, "title"] = " "  # one cell missing: the row is present
    X.loc[1, "body"] = "ok"
    fusion = ModalityFusion(
        [("text", FunctionTransformer(_text_count), ["title", "body"])],
        missing="indicator",
    )
    presence = np.asarray(fusion.fit_transform(X, y))[:, -1]
    assert presence[0] == 0.0 and presence[1:].all()


def _text_count(frame):
    """How many cells of each row hold text (kept rows only)."""
    return (
        (frame.fillna("").apply(lambda c: c.str.strip() != ""))
        .sum(axis=1)
        .to_numpy(dtype=float)[:, None]
    )


# -- 8: switching missing on a fitted fusion ------------------------------


def _dense(Z):
    return Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z)


def _fusion(missing):
    return ModalityFusion(
        [("num", "passthrough", ["size"]), ("text", TfidfVectorizer(), "title")],
        method=ConcatFusion(block_norm="none"),  # the blocks as they are
        missing=missing,
    )


def test_switching_indicator_after_fit_is_refused_with_a_clear_error():
    X, y = _table()
    pipe = Pipeline(
        [("fusion", _fusion("indicator")), ("clf", LogisticRegression())]
    ).fit(X, y)
    pipe.set_params(fusion__missing="mean")
    with pytest.raises(ValueError) as err:
        pipe.predict(X)
    msg = str(err.value)
    assert "fitted with missing='indicator' but now has missing='mean'" in msg
    assert "Refit" in msg
    fusion = _fusion("mean").fit(X, y)
    fusion.set_params(missing="indicator")
    with pytest.raises(ValueError, match="fitted with missing='mean' but now has"):
        fusion.transform(X)


def test_switching_between_fill_policies_uses_the_current_one():
    X, y = _table()
    holes = X.copy()
    holes.loc[[2, 5], "size"] = np.nan
    train_mean = X["size"].mean()
    # fitted with "raise": the training mean is learned and shown
    fusion = _fusion("raise").fit(X, y)
    np.testing.assert_allclose(fusion.fill_values_["num"], [train_mean])
    fusion.set_params(missing="mean")
    Z = _dense(fusion.transform(holes))
    np.testing.assert_allclose(Z[[2, 5], 0], train_mean)
    # fitted with "mean", switched to "zero": zeros, not the mean
    fusion = _fusion("mean").fit(X, y).set_params(missing="zero")
    Z = _dense(fusion.transform(holes))
    np.testing.assert_array_equal(Z[[2, 5], 0], 0.0)
    # fitted with "zero": the mean is learned all the same
    fusion = _fusion("zero").fit(X, y)
    np.testing.assert_allclose(fusion.fill_values_["num"], [train_mean])
    fusion.set_params(missing="mean")
    np.testing.assert_allclose(_dense(fusion.transform(holes))[[2, 5], 0], train_mean)
    # back to "raise": the missing rows are refused
    fusion.set_params(missing="raise")
    with pytest.raises(ValueError, match=r"modality 'num' is missing .* rows 2 and 5"):
        fusion.transform(holes)


# -- 9: weights="auto" ----------------------------------------------------


def _texts(**params):
    return ModalityFusion(
        [("t", TfidfVectorizer(), "title"), ("b", TfidfVectorizer(), "body")],
        random_state=0,
        **params,
    )


def test_weights_auto_is_handed_to_a_method_that_learns_weights():
    X, y = _table()
    fusion = _texts(method="sum", weights="auto").fit(X, y)
    assert fusion.method_.weights == "auto"
    assert hasattr(fusion.method_, "cv_log_loss_")  # learned, not equal
    assert len(fusion.method_.weights_) == 2


def test_weights_auto_for_a_method_that_cannot_learn_them_lists_those_that_can():
    X, y = _table()
    with pytest.raises(ValueError) as err:
        _texts(method="concat", weights="auto").fit(X, y)
    msg = str(err.value)
    assert "fusion method 'concat' cannot learn its modality weights" in msg
    methods = msg.split("Methods that can: ")[1].split(".")[0].split(", ")
    assert {"product", "sum", "mean", "late"} <= set(methods)
    assert "concat" not in methods and "stack" not in methods


def test_weights_given_twice_are_refused_the_method_default_is_replaced():
    X, y = _table()
    with pytest.raises(ValueError) as err:
        _texts(method=SumFusion(weights="auto"), weights=[1, 2]).fit(X, y)
    msg = str(err.value)
    assert "weights are given twice: ModalityFusion(weights=[1, 2])" in msg
    assert "SumFusion(weights='auto')" in msg and "Keep one" in msg
    # late's weights are "auto" by default: ModalityFusion's replace them
    fusion = _texts(method=LateFusion(), weights=[1, 2]).fit(X, y)
    assert fusion.method_.weights == [1.0, 2.0]
    fusion = _texts(method="late", weights={"b": 3}).fit(X, y)
    assert fusion.method_.weights == [1.0, 3.0]


def test_the_builder_fits_with_weights_auto():
    X, y = _table()
    pipe = make_multimodal_pipeline(
        image=None, text=["title", "body"], method="sum", weights="auto", random_state=0
    ).fit(X, y)
    method = pipe.named_steps["fusion"].method_
    assert method.weights == "auto" and hasattr(method, "cv_log_loss_")
    assert pipe.predict(X).shape == y.shape


# -- 11: every modality named in one error --------------------------------


def test_raise_names_every_modality_with_missing_values():
    X, y = _table()
    X.loc[7, "title"] = None
    X.loc[[3, 9], "body"] = ""
    with pytest.raises(ValueError) as err:
        _texts().fit(X, y)
    msg = str(err.value)
    assert "modality 't' is missing (None, NaN or empty) in row 7" in msg
    assert "modality 'b' is missing (None, NaN or empty) in rows 3 and 9" in msg
    assert msg.count("missing='zero', 'mean' or 'indicator'") == 1


@pytest.mark.parametrize("where", ["fit", "transform"])
def test_raise_names_every_modality_with_unreadable_rows(where):
    X, y = _table()
    bad = X.copy()
    bad.loc[4, "title"] = "unreadable"
    bad.loc[[1, 6], "body"] = "unreadable"
    fusion = ModalityFusion([("t", Lengths(), "title"), ("b", Lengths(), "body")])
    call = fusion.fit if where == "fit" else fusion.fit(X, y).transform
    with pytest.raises(ValueError) as err:
        call(bad, y) if where == "fit" else call(bad)
    msg = str(err.value)
    assert f"modality 't' could not be read in 1 row(s) in {where}" in msg
    assert f"modality 'b' could not be read in 2 row(s) in {where}" in msg
    assert "rows 1 and 6" in msg and "row 4" in msg


# -- 12: the decode-error hint of a hand-built fusion ---------------------


def _images():
    rng = np.random.RandomState(0)
    images = [rng.randint(0, 255, (8, 8, 3)).astype(np.uint8) for _ in range(6)]
    images[2] = np.zeros((0, 0, 3), dtype=np.uint8)
    X = pd.DataFrame(
        {"front": pd.Series(images, dtype=object), "title": ["cat dog", "red sun"] * 3}
    )
    return X, np.arange(6) % 2


def test_the_decode_hint_names_the_extractor_on_error_when_missing_is_set():
    X, y = _images()
    fusion = ModalityFusion(
        [
            ("img", PixelFeatures(size=(2, 2)), "front"),
            ("t", TfidfVectorizer(), "title"),
        ],
        missing="mean",
    )
    with pytest.raises(ValueError) as err:
        fusion.fit(X, y)
    msg = str(err.value)
    assert "cannot read image at row 2" in msg
    assert "give the extractor on_error='missing'" in msg
    assert "has missing='mean'" in msg
    assert "make_multimodal_pipeline(missing='mean')" not in msg
    # and with on_error="missing" the row is filled, as the hint says
    fusion.set_params(img__on_error="missing")
    with pytest.warns(UserWarning, match="treated as missing: row 2"):
        Z = fusion.fit_transform(X, y)
    assert np.isfinite(_dense(Z)).all()


# -- 14b: get_feature_names_out checks input_features ----------------------


def test_get_feature_names_out_checks_input_features():
    X, y = _table()
    fusion = _fusion("raise").fit(X, y)
    expected = fusion.get_feature_names_out()
    np.testing.assert_array_equal(
        fusion.get_feature_names_out(list(X.columns)), expected
    )
    with pytest.raises(ValueError, match="input_features is not equal to"):
        fusion.get_feature_names_out(["a", "b", "c"])
    # an X without column names: only the number of features is known
    array = X[["size", "title"]].to_numpy(dtype=object)
    fusion = ModalityFusion(
        [("num", "passthrough", [0]), ("text", TfidfVectorizer(), 1)]
    ).fit(array, y)
    assert len(fusion.get_feature_names_out(["a", "b"])) == len(expected)
    with pytest.raises(ValueError, match="input_features should have length"):
        fusion.get_feature_names_out(["a", "b", "c", "d"])


# -- 14c: warnings point at the caller's line -----------------------------


def _unreadable_table():
    X, y = _table()
    bad = X.copy()
    bad.loc[4, "title"] = "unreadable"
    return X, bad, y


@pytest.mark.parametrize("via", ["fusion", "pipeline"])
def test_warnings_point_at_the_callers_line(via):
    X, bad, y = _unreadable_table()
    est = ModalityFusion(
        [("t", Lengths(), "title"), ("num", "passthrough", ["size"])], missing="mean"
    )
    if via == "pipeline":
        est = Pipeline([("fusion", est), ("clf", LogisticRegression())])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(bad, y)
        est.predict(bad) if via == "pipeline" else est.transform(bad)
    mine = [w for w in caught if "could not be read" in str(w.message)]
    assert len(mine) == 2, [str(w.message) for w in caught]
    for w in mine:
        assert w.filename == __file__, (w.filename, w.lineno)


def test_deprecation_warnings_point_at_the_callers_line():
    X, y = _table()
    fusion = ModalityFusion(
        [("num", "passthrough", ["size"])], missing="error", method_params={}
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fusion.fit(X, y)
    future = [w for w in caught if issubclass(w.category, FutureWarning)]
    assert len(future) == 2
    for w in future:
        assert w.filename == __file__, (w.filename, w.lineno)


class _NeverFitted(TransformerMixin, BaseEstimator):
    """A branch whose fit must not be reached."""

    def fit(self, X, y=None):
        raise AssertionError("the branch was fitted before the target was checked")

    def transform(self, X):
        return np.zeros((len(X), 1))


@pytest.mark.parametrize("method", ["sum", "product", "tensor"])
def test_a_target_the_method_refuses_is_refused_before_any_branch_is_fitted(method):
    X = pd.DataFrame({"a": np.arange(12.0), "b": np.arange(12.0)})
    y = np.linspace(0.0, 1.0, 12)  # continuous
    fusion = ModalityFusion(
        [("a", _NeverFitted(), ["a"]), ("b", _NeverFitted(), ["b"])], method=method
    )
    with pytest.raises(ValueError, match="cannot fit a continuous"):
        fusion.fit(X, y)
