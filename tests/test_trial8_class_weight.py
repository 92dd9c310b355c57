"""``class_weight`` with a multi-label target (the builder, ``train`` and
``evaluate``) and class weights that are negative or not finite (the
builder, MultimodalAttentionClassifier)."""

import numpy as np
import pytest

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification

from .cli.conftest import CSV_ARGS, run_main, write_dataset
from .cli.test_cli_tasks import _with_targets

BAD_WEIGHTS = [(-1.0, "-1.0"), (float("nan"), "nan"), (float("inf"), "inf")]


@pytest.fixture(scope="module")
def multilabel():
    X, y = make_multimodal_classification(n_samples=90, n_classes=2, random_state=0)
    rng = np.random.RandomState(0)
    # a common label (the class) and a rare one (about 1 row in 8)
    Y = np.c_[y == 0, (y == 1) & (rng.rand(len(y)) < 0.25)].astype(int)
    return X, Y


def _pipe(**kwargs):
    return make_multimodal_pipeline(
        image_features="pixels",
        method="concat",
        target_type="multilabel-indicator",
        random_state=0,
        **kwargs,
    )


def test_balanced_weighs_each_label_of_the_builders_logistic(multilabel):
    X, Y = multilabel
    pipe = _pipe(class_weight="balanced")
    assert pipe["classifier"].estimator.class_weight == "balanced"
    pipe.fit(X, Y)
    assert [e.class_weight for e in pipe["classifier"].estimators_] == ["balanced"] * 2
    # the rare label is predicted for more rows once balanced
    plain = _pipe().fit(X, Y).predict_proba(X)[:, 1].mean()
    assert pipe.predict_proba(X)[:, 1].mean() > plain


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"class_weight": {0: 1.0, 1: 3.0}}, "only class_weight='balanced'"),
        (
            {"class_weight": "balanced", "estimator": "attention"},
            "not supported for multi-label targets by the attention classifier",
        ),
    ],
)
def test_multilabel_class_weight_refusals_say_why(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _pipe(**kwargs)


@pytest.mark.parametrize("weight, shown", BAD_WEIGHTS)
def test_builder_refuses_a_negative_or_non_finite_class_weight(weight, shown):
    with pytest.raises(ValueError, match=f"class 'cat' has {shown}"):
        make_multimodal_pipeline(class_weight={"cat": weight, "dog": 1.0})
    with pytest.raises(ValueError, match="class 'cat' has 'x'"):
        make_multimodal_pipeline(class_weight={"cat": "x", "dog": 1.0})


@pytest.fixture(scope="module")
def tags_csv(tmp_path_factory):
    root = tmp_path_factory.mktemp("class_weight")
    return _with_targets(write_dataset(root, n_per_class=5, seed=0), 0)


MULTILABEL = [*CSV_ARGS, "--target", "tags", "--label-separator", "|"]


def test_train_multilabel_with_class_weight(tags_csv, tmp_path):
    res = run_main(
        "train", "--csv", tags_csv, *MULTILABEL, "--class-weight", "balanced",
        "--output", tmp_path / "m.skops",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "labels" in res.stdout


@pytest.mark.parametrize(
    "command, more, who",
    [
        ("train", ["--classifier", "attention"], "by --classifier attention"),
        ("evaluate", [], "by the attention-classifier model; leave it out"),
    ],
)
def test_cli_refuses_class_weight_for_the_multilabel_attention_in_its_terms(
    tags_csv, tmp_path, command, more, who
):
    output = tmp_path / ("m.joblib" if command == "train" else "report")
    res = run_main(
        command, "--csv", tags_csv, *MULTILABEL, *more, "--class-weight",
        "balanced", "--output", output,
    )  # fmt: skip
    assert res.returncode == 2
    assert "--class-weight balanced is not supported for multi-label" in res.stderr
    assert who in res.stderr and "class_weight" not in res.stderr


@pytest.mark.slow
@pytest.mark.parametrize("weight, shown", BAD_WEIGHTS)
@pytest.mark.parametrize("how", ["fit", "fit_chunks"])
def test_attention_classifier_refuses_a_bad_class_weight(weight, shown, how):
    from skmultimodal.models import MultimodalAttentionClassifier

    X = np.random.RandomState(0).normal(size=(12, 4))
    y = np.arange(12) % 3
    clf = MultimodalAttentionClassifier(
        width=8, n_heads=2, epochs=1, class_weight={0: weight, 1: 1.0, 2: 1.0}
    )
    match = f"MultimodalAttentionClassifier: class_weight .* class 0 has {shown}"
    with pytest.raises(ValueError, match=match):
        if how == "fit":
            clf.fit(X, y)
        else:
            clf.fit_chunks([(X, y)])
