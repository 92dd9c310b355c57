"""Groups reach the internal cross-validation of the class-score fusion
methods and of LateFusionClassifier: their folds keep each group whole, so
that no out-of-fold score comes from a model trained on the row's group."""

import numpy as np
import pytest
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold, cross_validate
from sklearn.neighbors import KNeighborsClassifier

from skmultimodal.fusion import LateFusionClassifier, ModalityFusion
from skmultimodal.fusion.methods import ConcatFusion, ProductFusion, StackFusion
from skmultimodal.pipeline import make_multimodal_pipeline


def _grouped(n_groups=30, size=4, seed=0):
    """Each group: ``size`` identical rows with one label; labels are random
    across groups, so only a model that saw a row's group can know it."""
    rng = np.random.RandomState(seed)
    g = np.repeat(np.arange(n_groups), size)
    y = np.repeat(rng.randint(0, 3, n_groups), size)
    X = np.repeat(rng.normal(size=(n_groups, 4)), size, axis=0)
    return X, y, g


def _fusion(method):
    return ModalityFusion(
        [("a", "passthrough", [0, 1]), ("b", "passthrough", [2, 3])], method=method
    )


def _oof_accuracy(fusion, X, y, groups):
    Z = np.asarray(fusion.fit_transform(X, y, groups=groups))
    names = fusion.get_feature_names_out()
    cols = [i for i, name in enumerate(names) if name.startswith("a__")]
    cols = cols or list(range(Z.shape[1]))  # a combination of both modalities
    return (Z[:, cols].argmax(axis=1) == y).mean()


@pytest.mark.parametrize("method", [StackFusion, ProductFusion])
def test_groups_keep_out_of_fold_scores_honest(method):
    X, y, g = _grouped()
    expert = KNeighborsClassifier(n_neighbors=1)
    leaked = _oof_accuracy(
        _fusion(method(estimator=expert, random_state=0)), X, y, None
    )
    honest = _oof_accuracy(_fusion(method(estimator=expert, random_state=0)), X, y, g)
    assert leaked > 0.9  # a copy of each row is in the expert's training folds
    assert honest < 0.6  # never: the labels are random across groups


def test_group_splitter_as_internal_cv_with_groups():
    X, y, g = _grouped()
    method = StackFusion(
        estimator=KNeighborsClassifier(n_neighbors=1), cv=GroupKFold(3)
    )
    assert _oof_accuracy(_fusion(method), X, y, g) < 0.6
    with pytest.raises(ValueError, match="needs groups, but fit got none"):
        _fusion(StackFusion(cv=GroupKFold(3))).fit(X, y)


def test_pipeline_routes_groups_to_the_fusion_step():
    X, y, g = _grouped()
    pipe = sklearn.pipeline.make_pipeline(
        _fusion(StackFusion(estimator=KNeighborsClassifier(n_neighbors=1))),
        LogisticRegression(),
    )
    pipe.fit(X, y, modalityfusion__groups=g)
    # the stacked classifier learned from honest scores: it does not trust
    # the 1-NN experts, so on the training rows it is far from perfect
    honest = pipe.score(X, y)
    pipe.fit(X, y)
    assert pipe.score(X, y) == 1.0
    assert honest < 0.9


def test_groups_with_metadata_routing():
    X, y, g = _grouped()
    expert = KNeighborsClassifier(n_neighbors=1)
    with sklearn.config_context(enable_metadata_routing=True):
        fusion = _fusion(StackFusion(estimator=expert, random_state=0))
        pipe = sklearn.pipeline.make_pipeline(
            fusion.set_fit_request(groups=True), LogisticRegression()
        )
        assert pipe.fit(X, y, groups=g).score(X, y) < 0.9  # honest scores
        res = cross_validate(
            pipe, X, y, cv=GroupKFold(3), params={"groups": g}, return_estimator=True
        )
        assert all(est.score(X, y) < 0.9 for est in res["estimator"])


def test_methods_without_internal_folds_ignore_groups():
    X, y, g = _grouped()
    with_groups = _fusion(ConcatFusion()).fit_transform(X, y, groups=g)
    without = _fusion(ConcatFusion()).fit_transform(X, y)
    np.testing.assert_array_equal(np.asarray(with_groups), np.asarray(without))


def test_builder_pipeline_takes_fusion_groups():
    from skmultimodal.datasets import make_multimodal_classification

    X, y = make_multimodal_classification(n_samples=60, random_state=0)
    g = np.arange(60) // 3
    pipe = make_multimodal_pipeline(random_state=0)
    pipe.fit(X, y, fusion__groups=g)
    assert pipe.predict(X).shape == (60,)


@pytest.mark.parametrize(
    "groups, match",
    [
        (np.zeros(10), "ModalityFusion: groups must hold one value per row"),
        (np.r_[np.zeros(119), np.nan], "groups has a missing value .* in row 119"),
    ],
)
def test_bad_groups_refused(groups, match):
    X, y, _ = _grouped()
    with pytest.raises(ValueError, match=match):
        _fusion(StackFusion()).fit(X, y, groups=groups)


def _late(cv=3):
    return LateFusionClassifier(
        [
            ("a", KNeighborsClassifier(n_neighbors=1), [0, 1]),
            ("b", KNeighborsClassifier(n_neighbors=1), [2, 3]),
        ],
        weights="auto",
        cv=cv,
    )


def test_late_fusion_auto_weights_learned_on_grouped_folds():
    X, y, g = _grouped()
    leaked = _late(KFold(3, shuffle=True, random_state=0)).fit(X, y)
    honest = _late().fit(X, y, groups=g)
    # 1-NN probabilities are 0 or 1: right whenever a copy of the row was
    # seen (a few rows of a group all in one test fold are wrong), at chance
    # when the group was not
    assert leaked.cv_log_loss_ < 2.0
    assert honest.cv_log_loss_ > 8.0
    honest_splitter = _late(GroupKFold(3)).fit(X, y, groups=g)
    assert honest_splitter.cv_log_loss_ > 8.0
    with pytest.raises(ValueError, match="needs groups, but fit got none"):
        _late(GroupKFold(3)).fit(X, y)
    with pytest.raises(ValueError, match="LateFusionClassifier: groups must hold"):
        _late().fit(X, y, groups=g[:5])


def _fold_train_scores(result, X, y, g):
    """Each fold model's accuracy on its own training rows."""
    scores = []
    for est, test in zip(
        result.models["p"]["estimators"], result.models["p"]["test_indices"]
    ):
        train = np.setdiff1d(np.arange(len(y)), test)
        scores.append(est.score(X[train], y[train]))
    return np.array(scores)


@pytest.mark.parametrize("routing", [False, True])
def test_compare_models_gives_groups_to_the_fusion(routing):
    from skmultimodal.model_selection import compare_models

    X, y, g = _grouped()
    with sklearn.config_context(enable_metadata_routing=routing):
        expert = KNeighborsClassifier(n_neighbors=1)  # seeded: the same folds
        fusion = _fusion(StackFusion(estimator=expert, random_state=0))
        if routing:
            fusion.set_fit_request(groups=True)
        pipe = sklearn.pipeline.make_pipeline(fusion, LogisticRegression())
        grouped = compare_models({"p": pipe}, X, y, groups=g, cv=3, random_state=0)
        # the outer folds are grouped either way; without the groups inside,
        # the stacking trusts its 1-NN experts and fits its training rows
        plain = compare_models({"p": pipe}, X, y, cv=GroupKFold(3).split(X, y, g))
    assert (_fold_train_scores(plain, X, y, g) == 1.0).all()
    assert (_fold_train_scores(grouped, X, y, g) < 0.9).all()


def test_a_plugin_method_whose_fit_takes_groups_gets_them():
    from sklearn.base import BaseEstimator

    from skmultimodal.fusion import FusionMethod

    class Recording(FusionMethod, BaseEstimator):
        def fit(self, blocks, y=None, groups=None):
            self.groups_ = groups
            return self

        def transform(self, blocks):
            return np.hstack(blocks)

        def get_feature_names_out(self, input_features):
            return np.array([f"f{j}" for j in range(4)], dtype=object)

    X, y, g = _grouped()
    fitted = _fusion(Recording()).fit(X, y, groups=g)
    np.testing.assert_array_equal(fitted.method_.groups_, g)


def test_mixed_kinds_of_groups_are_refused():
    X, y, _ = _grouped()
    g = np.array([i // 4 if (i // 4) % 2 else f"{i // 4}" for i in range(120)], object)
    with pytest.raises(ValueError, match="groups mixes text and other values"):
        _fusion(StackFusion()).fit(X, y, groups=g)
    with pytest.raises(ValueError, match="groups mixes text and other values"):
        _late().fit(X, y, groups=g)


def test_group_splitter_messages_name_the_estimator_and_its_folds():
    X, y, _ = _grouped()
    two = np.arange(120) // 60
    with pytest.raises(ValueError, match=r"LateFusionClassifier\.fit\(X, y, groups"):
        _late(GroupKFold(3)).fit(X, y)
    with pytest.raises(ValueError, match="makes 3 folds, but groups has only 2"):
        _late(GroupKFold(3)).fit(X, y, groups=two)
    with pytest.raises(ValueError, match="makes 3 folds, but groups has only 2"):
        _fusion(StackFusion(cv=GroupKFold(3))).fit(X, y, groups=two)


def test_late_fusion_refuses_folds_that_are_no_partition():
    X, y, _ = _grouped()
    for cv in ([], [(np.arange(60), np.arange(60, 70))]):
        with pytest.raises(ValueError, match="exactly one test fold"):
            _late(cv).fit(X, y)


def test_grouped_internal_folds_capped_by_the_smallest_class():
    import warnings

    X, _, g = _grouped()
    y = np.r_[np.zeros(116, int), np.ones(4, int)]  # one group of the rare class
    y[4:8] = 1  # and another: 8 rows in 2 groups
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scikit-learn's least-populated warning
        _fusion(StackFusion(random_state=0)).fit(X, y, groups=g)


def test_stack_expert_without_predict_proba_is_named():
    from sklearn.svm import LinearSVC

    X, y, _ = _grouped()
    with pytest.raises(TypeError, match="estimator=LinearSVC.*has no predict_proba"):
        _fusion(StackFusion(estimator=LinearSVC())).fit(X, y)


def test_late_fusion_voting_set_after_fit_is_checked():
    from sklearn.utils._param_validation import InvalidParameterError

    X, y, _ = _grouped()
    late = _late().fit(X, y)
    late.set_params(voting="tipo")
    with pytest.raises(InvalidParameterError, match="'voting'"):
        late.predict_proba(X)


def test_compare_models_gives_groups_to_a_search_and_its_fusion():
    from sklearn.model_selection import GridSearchCV

    from skmultimodal.model_selection import compare_models

    X, y, g = _grouped()
    pipe = sklearn.pipeline.make_pipeline(
        _fusion(
            StackFusion(estimator=KNeighborsClassifier(n_neighbors=1), random_state=0)
        ),
        LogisticRegression(),
    )
    search = GridSearchCV(pipe, {"logisticregression__C": [1.0]}, cv=GroupKFold(2))
    result = compare_models({"p": search}, X, y, groups=g, cv=3, random_state=0)
    # the search's folds got the groups (GroupKFold needs them), and its
    # refit's stacking learned from honest scores
    assert (_fold_train_scores(result, X, y, g) < 0.9).all()


def test_make_cv_warns_of_a_class_in_fewer_groups_than_folds():
    import warnings

    from skmultimodal.model_selection._compare import make_cv

    y = np.repeat([0, 1, 2], 10)
    spread = np.arange(30) // 2  # every class in 5 groups
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_cv(3, y, spread)
    confined = spread.copy()
    confined[20:] = 99  # class 2 in one group
    with pytest.warns(UserWarning, match=r"class 2 \(in 1 group\) lies in fewer"):
        make_cv(3, y, confined, param="--cv")
