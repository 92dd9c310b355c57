"""The public plugin checks (:mod:`skmultimodal.utils.estimator_checks`) on
the bundled plugin packages' estimators, as found through their entry
points, and on throwaway methods that break the contract: each break is
caught and named."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from skmultimodal.fusion import FusionMethod
from skmultimodal.plugins import PluginInterfaceError, get_registry
from skmultimodal.utils.estimator_checks import (
    check_estimator_class,
    check_feature_extractor,
    check_fusion_method,
    parametrize_with_checks,
)

lbp = pytest.importorskip(
    "skmultimodal_lbp", reason="skmultimodal-lbp not installed (.ci/run installs it)"
)
gmu = pytest.importorskip(
    "skmultimodal_gmu", reason="skmultimodal-gmu not installed (.ci/run installs it)"
)


def test_the_checked_classes_are_the_registered_ones():
    assert get_registry("image_features").get("lbp") is lbp.LBPFeatures
    assert get_registry("fusion_method").get("gmu") is gmu.GatedMultimodalUnit


@parametrize_with_checks(
    [
        lbp.LBPFeatures(size=(8, 8)),
        gmu.GatedMultimodalUnit(n_components=2, max_iter=20, random_state=0),
    ]
)
def test_bundled_plugins_pass_the_plugin_checks(estimator, check):
    check(estimator)


# -- the checks catch what they claim to ------------------------------------------
class Halves(FusionMethod):
    """Concatenates the blocks; ``flaw`` breaks one part of the contract."""

    def __init__(self, *, flaw=None):
        self.flaw = flaw

    def fit(self, blocks, y=None):
        if self.flaw == "mutates":
            blocks[0][:] = 0.0
        self.widths_ = [b.shape[1] for b in blocks]
        return self

    def transform(self, blocks):
        check_is_fitted(self, "widths_")
        Z = np.hstack(blocks)  # raises a ValueError for different lengths
        if self.flaw == "batch_dependent":
            Z = Z - Z.mean(axis=0)
        return Z

    def get_feature_names_out(self, input_features):
        if self.flaw == "duplicate_names":
            return np.array(["x"] * sum(self.widths_), dtype=object)
        return np.concatenate([np.asarray(f, dtype=object) for f in input_features])


def test_a_correct_method_passes():
    check_fusion_method(Halves())


@pytest.mark.parametrize(
    "flaw, check",
    [
        ("mutates", "check_fusion_fit_transform"),
        ("batch_dependent", "check_fusion_rows_independent"),
        ("duplicate_names", "check_fusion_feature_names"),
    ],
)
def test_a_broken_method_fails_naming_the_check(flaw, check):
    with pytest.raises(AssertionError, match=rf"^{check} failed for Halves"):
        check_fusion_method(Halves(flaw=flaw))


def test_expected_failures_are_not_run():
    # a batch-dependent method fails exactly these two checks; listed, they
    # are not run (a method with repeated names would fail every check that
    # hosts it in ModalityFusion, which refuses such names)
    check_fusion_method(
        Halves(flaw="batch_dependent"),
        expected_failed_checks={
            "check_fusion_rows_independent": "rows depend on the batch",
            "check_methods_subset_invariance": "same",
        },
    )


class Lengths(TransformerMixin, BaseEstimator):
    """Text lengths; crashes on what is not a string (as a careless one does)."""

    def fit(self, X, y=None):
        if len(X) == 0:
            raise ValueError("no text")
        self.n_features_out_ = 1
        return self

    def transform(self, X):
        check_is_fitted(self, "n_features_out_")
        return np.array([[len(t)] for t in X], dtype=float)

    def get_feature_names_out(self, input_features=None):
        return np.array(["length"], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


def test_text_extractor_kind_is_read_from_its_tags_and_checked():
    check_feature_extractor(Lengths())

    class Table(Lengths):
        def __sklearn_tags__(self):
            return BaseEstimator.__sklearn_tags__(self)

    with pytest.raises(ValueError, match="pass kind='image' or kind='text'"):
        check_feature_extractor(Table())


def test_class_check_names_class_and_reason():
    class NoTransform(BaseEstimator):
        def fit(self, X, y=None):
            return self

    with pytest.raises(PluginInterfaceError, match="NoTransform lacks.*transform"):
        check_estimator_class(NoTransform, what="text feature extractor")
