"""The public plugin checks (:mod:`skmultimodal.utils.estimator_checks`):
each check gets its own copy of the data, so an input mutation that repeats
alike is still seen; the fusion checks see the blocks and ``y`` before any
call; image extractors are run on file paths and PNG bytes; every failure
says what was expected and found; extractors are seeded like fusion methods;
``parametrize_with_checks`` takes ``kind``."""

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from skmultimodal.fusion import FusionMethod
from skmultimodal.image import PixelFeatures
from skmultimodal.utils.estimator_checks import (
    _blocks,
    _sample_images,
    _sample_texts,
    check_clone_and_params,
    check_feature_extractor,
    check_fusion_fit_transform_consistent,
    check_fusion_method,
    check_image_paths_and_bytes,
    feature_extractor_checks,
    fusion_method_checks,
    parametrize_with_checks,
)


# -- throwaway estimators ------------------------------------------------------------
class WordLengths(TransformerMixin, BaseEstimator):
    """A valid text extractor: counts of words by length."""

    def __init__(self, *, max_len=4):
        self.max_len = max_len

    def fit(self, X, y=None):
        if len(X) == 0:
            raise ValueError("no text")
        self.n_out_ = self.max_len
        return self

    def transform(self, X):
        check_is_fitted(self, "n_out_")
        out = np.zeros((len(X), self.max_len))
        for i, text in enumerate(X):
            for word in str(text).split():
                out[i, min(len(word), self.max_len) - 1] += 1
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "n_out_")
        return np.array([f"wl{j}" for j in range(self.max_len)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


class LowercasesInPlace(WordLengths):
    """Lower-cases the user's texts in place in fit: the same result when
    repeated."""

    def fit(self, X, y=None):
        for i in range(len(X)):
            if isinstance(X, pd.Series):
                X.iloc[i] = str(X.iloc[i]).lower()
            else:
                X[i] = str(X[i]).lower()
        return super().fit(X, y)


class RandomWordHash(WordLengths):
    """A correct random extractor, seeded by random_state (default None)."""

    def __init__(self, *, max_len=4, random_state=None):
        self.max_len = max_len
        self.random_state = random_state

    def fit(self, X, y=None):
        super().fit(X, y)
        self.proj_ = check_random_state(self.random_state).normal(size=self.max_len)
        return self

    def transform(self, X):
        return super().transform(X) * self.proj_


class Untagged(TransformerMixin, BaseEstimator):
    """An extractor without input tags."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.zeros((len(X), 1))

    def get_feature_names_out(self, input_features=None):
        return np.array(["z"], dtype=object)


class ArrayMean(TransformerMixin, BaseEstimator):
    """An image extractor that only handles in-memory arrays."""

    def __init__(self, *, on_error="raise"):
        self.on_error = on_error

    def fit(self, X, y=None):
        if len(X) == 0:
            raise ValueError("no image")
        self.n_ = 1
        return self

    def _mean(self, x):
        return float(np.mean(np.asarray(x, dtype=float)))

    def transform(self, X):
        check_is_fitted(self, "n_")
        out = []
        for i, x in enumerate(X):
            if x is None:
                if self.on_error == "raise":
                    raise ValueError(f"row {i}: missing image")
                out.append([np.nan] if self.on_error == "missing" else [1.0])
            else:
                out.append([self._mean(x)])
        return np.array(out)

    def get_feature_names_out(self, input_features=None):
        return np.array(["arraymean"], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags


class BytesAsPixels(ArrayMean):
    """Reads encoded bytes as if they were pixel values: no error, wrong
    features."""

    def _mean(self, x):
        if isinstance(x, bytes):
            return float(np.frombuffer(x, dtype=np.uint8).mean())
        if isinstance(x, str):
            from skmultimodal.image._io import read_item

            x = read_item(x)
        return super()._mean(x)


class Concat(FusionMethod):
    """A valid fusion method: the blocks side by side."""

    def __init__(self, *, scale=1.0):
        self.scale = scale

    def fit(self, blocks, y=None):
        self.n_ = sum(b.shape[1] for b in blocks)
        return self

    def transform(self, blocks):
        check_is_fitted(self, "n_")
        if len({b.shape[0] for b in blocks}) != 1:
            raise ValueError("blocks differ in length")
        return np.hstack(blocks) * self.scale

    def get_feature_names_out(self, input_features):
        return np.concatenate(input_features)


class ClipsBeforeFitCheck(Concat):
    """Clips the caller's blocks in place at the top of transform, before
    checking that it is fitted."""

    def transform(self, blocks):
        for b in blocks:
            np.clip(b, -1.0, 1.0, out=b)
        return super().transform(blocks)


class MutatesY(Concat):
    def fit(self, blocks, y=None):
        y[:] = 0
        return super().fit(blocks, y)


class OneNameShort(Concat):
    def get_feature_names_out(self, input_features):
        return super().get_feature_names_out(input_features)[:-1]


class WiderFitTransform(Concat):
    def fit_transform(self, blocks, y=None):
        Z = self.fit(blocks, y).transform(blocks)
        return np.hstack([Z, Z[:, :1]])


# -- 1. each check its own data --------------------------------------------------------
def test_a_repeatable_mutation_of_the_texts_is_caught():
    with pytest.raises(AssertionError) as info:
        check_feature_extractor(LowercasesInPlace())
    message = str(info.value)
    assert message.startswith("check_fit_does_not_mutate_input failed")
    assert "modified item 0 of X in place" in message
    assert "'The red Cat sat on the mat.'" in message


def test_each_check_gets_its_own_copy_of_the_data():
    X, y = _sample_texts()
    pairs = list(feature_extractor_checks(WordLengths(), X=X, y=y))
    data = [c.keywords["X"] for _, c in pairs if "X" in getattr(c, "keywords", {})]
    assert len(data) > 2 and len({id(x) for x in data}) == len(data)
    assert all(x is not X and x.equals(X) for x in data)
    blocks = [
        c.keywords["blocks"]
        for _, c in fusion_method_checks(Concat())
        if "blocks" in getattr(c, "keywords", {})
    ]
    assert len({id(b[0]) for b in blocks}) == len(blocks) > 2


def test_the_valid_extractors_pass():
    check_feature_extractor(WordLengths())


# -- 2. the fusion blocks are seen before any call -------------------------------------
def test_blocks_modified_by_the_unfitted_transform_are_caught():
    with pytest.raises(AssertionError) as info:
        check_fusion_method(ClipsBeforeFitCheck())
    message = str(info.value)
    assert message.startswith("check_fusion_fit_transform failed")
    assert "transform (unfitted) modified block 0 in place" in message


# -- 3. image paths and encoded bytes --------------------------------------------------
def test_the_sample_images_include_a_png_path_and_png_bytes():
    X, y = _sample_images()
    assert len(y) == len(X)
    path, data = X[-2], X[-1]
    assert os.path.isfile(path) and open(path, "rb").read() == data
    assert data.startswith(b"\x89PNG")


def test_an_extractor_of_arrays_only_fails_with_what_to_do():
    with pytest.raises(AssertionError) as info:
        check_feature_extractor(ArrayMean())
    message = str(info.value)
    assert message.startswith("check_image_paths_and_bytes failed for ArrayMean")
    assert "image given as a file path" in message
    assert "must accept paths and encoded bytes" in message
    assert "ImageExtractor" in message


def test_bytes_read_wrongly_are_caught():
    with pytest.raises(AssertionError, match="given as PNG bytes and as an array"):
        check_image_paths_and_bytes(BytesAsPixels())


def test_an_image_extractor_subclass_passes_on_paths_and_bytes():
    # ImageExtractor's transform decodes paths and bytes for _extract
    check_image_paths_and_bytes(PixelFeatures(size=(4, 4)))


# -- 4. messages say what was expected and found ---------------------------------------
def test_one_name_short_says_how_many():
    with pytest.raises(AssertionError) as info:
        check_fusion_method(OneNameShort())
    message = str(info.value)
    assert message.startswith("check_fusion_feature_names failed for OneNameShort")
    assert "9 names for 10 columns" in message


def test_fit_transform_of_another_shape_says_which_shapes():
    blocks, y = _blocks()
    with pytest.raises(AssertionError, match=r"\(30, 11\).*\(30, 10\)"):
        check_fusion_fit_transform_consistent(WiderFitTransform(), blocks, y)


def test_a_clone_with_fitted_attributes_names_them():
    class FittedInInit(WordLengths):
        def __init__(self, *, max_len=4):
            self.max_len = max_len
            self.vocab_ = {}

    X, y = _sample_texts()
    with pytest.raises(AssertionError, match="fitted attribute\\(s\\) vocab_"):
        check_clone_and_params(FittedInInit(), X, y)


def test_outputs_that_differ_say_which():
    class Unseeded(RandomWordHash):
        def fit(self, X, y=None):
            super().fit(X, y)
            self.proj_ = np.random.default_rng().normal(size=self.max_len)
            return self

    with pytest.raises(AssertionError) as info:
        check_feature_extractor(Unseeded(random_state=0))
    first = str(info.value).splitlines()[0]
    assert first.startswith("check_fit_idempotent failed for Unseeded")
    assert "the outputs of two fits on the same data" in first


# -- 5. y ------------------------------------------------------------------------------
def test_a_method_overwriting_y_is_caught_naming_y():
    with pytest.raises(AssertionError) as info:
        check_fusion_method(MutatesY())
    message = str(info.value)
    assert message.startswith("check_fusion_fit_transform failed for MutatesY")
    assert "fit modified y in place (y[1] was 1, is now 0)" in message


# -- 6. random_state -------------------------------------------------------------------
def test_an_extractor_seeded_through_random_state_none_passes():
    est = RandomWordHash()
    ((checked, _), *_) = feature_extractor_checks(est)
    assert checked.random_state == 0 and est.random_state is None
    check_feature_extractor(est)
    assert est.random_state is None
    # a random_state set by the user is kept
    ((checked, _), *_) = feature_extractor_checks(RandomWordHash(random_state=3))
    assert checked.random_state == 3


# -- 7. kind= for parametrize_with_checks ----------------------------------------------
def test_parametrize_with_checks_takes_kind():
    with pytest.raises(ValueError, match="pass kind='image' or kind='text'"):
        parametrize_with_checks([Untagged()])
    mark = parametrize_with_checks([Untagged()], kind="text")
    ids = [p.id for p in mark.args[1]]
    assert "Untagged-check_missing_items" in ids
    assert "Untagged-check_image_paths_and_bytes" not in ids
    images = parametrize_with_checks([Untagged()], kind="image")
    assert "Untagged-check_image_paths_and_bytes" in [p.id for p in images.args[1]]
    with pytest.raises(ValueError, match="kind must be 'image' or 'text'"):
        parametrize_with_checks([Untagged()], kind="audio")


@parametrize_with_checks([WordLengths()], kind="text")
def test_parametrize_with_checks_runs_with_kind(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)
