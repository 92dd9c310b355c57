"""Honest tags of the fusion composites: a target required by every method
but ``concat`` (a plugin's method by its own tags), NaN allowed where the
``missing`` policy fills it, multi-label targets for LateFusionClassifier;
a non-numeric branch output is a TypeError; the default expert's warm
start; check_feature_extractor on extractors configured to blank or mark
unreadable images."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.utils import estimator_checks as sk
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import check_requires_y_none

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion.methods import AttentionFusion, ConcatFusion, StackFusion
from tests._methods import HStackMethod, fusion_plugin
from tests.fusion.estimator_instances import first_half, second_half

BLOCKS = [("a", StandardScaler(), [0, 1]), ("b", "passthrough", [2, 3])]
CLASS_SCORE = ["stack", "product", "sum", "mean", "tensor", "attention", "tokens"]


def _fusion(**params):
    return ModalityFusion(BLOCKS, **params)


def _late(**params):
    return LateFusionClassifier(
        [("a", LogisticRegression(), [0, 1]), ("b", LogisticRegression(), [2, 3])],
        **params,
    )


# -- target_tags.required ----------------------------------------------------------
@pytest.mark.parametrize("method", [*CLASS_SCORE, "late"])
def test_class_score_methods_require_y(method):
    assert get_tags(_fusion(method=method)).target_tags.required is True


def test_concat_and_unknown_names_do_not_require_y():
    assert get_tags(_fusion()).target_tags.required is False
    assert get_tags(_fusion(method="nope")).target_tags.required is False


def test_method_instances_say_whether_they_require_y():
    assert get_tags(AttentionFusion()).target_tags.required is True
    assert get_tags(_fusion(method=StackFusion())).target_tags.required is True
    assert get_tags(_fusion(method=ConcatFusion())).target_tags.required is False


class _Supervised(HStackMethod):
    """A plugin-style method declaring that it needs y."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags


class _Unsupervised(_Supervised):
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags


def test_plugin_names_follow_their_methods_tags(use_plugin):
    assert use_plugin(
        fusion_plugin(
            supervised_tags_test=_Supervised, unsupervised_tags_test=_Unsupervised
        ),
        "tags-test-plugin",
    )
    required = get_tags(_fusion(method="supervised_tags_test")).target_tags.required
    assert required is True
    other = get_tags(_fusion(method="unsupervised_tags_test")).target_tags.required
    assert other is False


def test_fit_without_y_fails_as_scikit_learn_expects():
    blocks = [("a", StandardScaler(), [0]), ("b", "passthrough", [1])]
    fusion = ModalityFusion(blocks, method="stack")
    check_requires_y_none("ModalityFusion", fusion)
    with pytest.raises(ValueError, match="needs the target y at fit"):
        fusion.fit(np.random.RandomState(0).rand(20, 2))


# -- input_tags.allow_nan ----------------------------------------------------------
@pytest.mark.parametrize(
    "missing, allowed",
    [("raise", False), ("error", False), ("zero", True), ("mean", True)]
    + [("indicator", True), ("bogus", False), (["mean"], False)],
)
def test_modality_fusion_allow_nan_follows_missing(missing, allowed):
    assert get_tags(_fusion(missing=missing)).input_tags.allow_nan is allowed


@pytest.mark.parametrize(
    "missing, allowed",
    [("raise", False), ("error", False), ("skip", True), ("bogus", False)],
)
def test_late_fusion_allow_nan_follows_missing(missing, allowed):
    assert get_tags(_late(missing=missing)).input_tags.allow_nan is allowed


def test_nan_rows_accepted_where_tags_allow_them():
    rng = np.random.RandomState(0)
    X, y = rng.rand(20, 4), np.arange(20) % 2
    X[0, :2] = np.nan  # modality 'a' missing in row 0
    for est in (_fusion(missing="mean"), _late(missing="skip")):
        assert get_tags(est).input_tags.allow_nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)


# -- non-numeric branch output -------------------------------------------------------
def test_non_numeric_passthrough_output_is_a_type_error():
    X = np.random.RandomState(0).rand(20, 4).astype(object)
    X[0, 2] = {"foo": "bar"}
    with pytest.raises(TypeError, match="transformer 'b' returned non-numeric values"):
        _fusion().fit(X, np.arange(20) % 2)


# -- multi-label LateFusionClassifier -----------------------------------------------
def test_late_fusion_declares_multi_label():
    rng = np.random.RandomState(0)
    X, Y = rng.rand(40, 4), (rng.rand(40, 3) > 0.5).astype(int)
    late = LateFusionClassifier(
        [
            ("a", OneVsRestClassifier(LogisticRegression()), [0, 1]),
            ("b", OneVsRestClassifier(LogisticRegression()), [2, 3]),
        ]
    )
    assert get_tags(late).classifier_tags.multi_label is True
    assert late.fit(X, Y).predict(X).shape == Y.shape


@pytest.mark.parametrize(
    "check",
    [
        sk.check_classifiers_multilabel_representation_invariance,
        sk.check_classifiers_multilabel_output_format_predict,
        sk.check_classifiers_multilabel_output_format_predict_proba,
    ],
    ids=lambda c: c.__name__,
)
def test_late_fusion_passes_the_multi_label_checks(check):
    # the common checks' instance has one-label models (an expected failure)
    ovr = OneVsRestClassifier(LogisticRegression())
    late = LateFusionClassifier(
        [("a", ovr, first_half), ("b", clone(ovr), second_half)]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check("LateFusionClassifier", late)


# -- the default expert's warm start ------------------------------------------------
def test_default_expert_depends_slightly_on_the_internal_folds():
    rng = np.random.RandomState(0)
    y = np.arange(90) % 3
    X = rng.normal(size=(90, 6)) + y[:, None] * [1, 0, 0, 1, 0, 0]

    def fused(seed, method):
        blocks = [("a", "passthrough", [0, 1, 2]), ("b", "passthrough", [3, 4, 5])]
        fusion = ModalityFusion(blocks, method=method, random_state=seed)
        return fusion.fit(X, y).transform(X)

    # warm-started from the fold solutions: within the solver's tolerance
    gap = np.abs(fused(0, "sum") - fused(1, "sum")).max()
    assert gap < 0.1
    # a given estimator is fitted from scratch: the folds do not matter
    tight = LogisticRegression(C=10, tol=1e-10, max_iter=10000)
    exact = [fused(s, AttentionFusion(estimator=tight)) for s in (0, 1)]
    np.testing.assert_allclose(exact[0], exact[1], atol=1e-6)


# -- check_feature_extractor with on_error ------------------------------------------
@pytest.mark.parametrize("on_error", ["raise", "blank", "missing"])
def test_check_feature_extractor_accepts_every_on_error(on_error):
    from skmultimodal.image import HOGFeatures
    from skmultimodal.utils.estimator_checks import check_feature_extractor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_feature_extractor(HOGFeatures(size=(16, 16), on_error=on_error))


def test_check_missing_items_checks_the_configured_policy():
    from skmultimodal.image import HOGFeatures
    from skmultimodal.utils.estimator_checks import _sample_images, check_missing_items

    class BlankWhenMissing(HOGFeatures):
        """Claims on_error='missing' but blanks the row."""

        def transform(self, X):
            on_error = self.on_error
            if on_error == "missing":
                self.on_error = "blank"
            try:
                return super().transform(X)
            finally:
                self.on_error = on_error

    X, y = _sample_images()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(AssertionError, match="must be all NaN"):
            check_missing_items(
                BlankWhenMissing(size=(16, 16), on_error="missing"), X, y, kind="image"
            )
