"""A continuous target in another unit (a price in millions, values near
1e-6) fits as well as in units: the class-score fusions' experts learn it
in standard units, so the fused columns and the predictions scale with it
(stack and late, RidgeCV or LinearRegression after them)."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_val_score

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification


def _data():
    X, y = make_multimodal_classification(n_samples=120, random_state=0)
    price = 40.0 + 10.0 * y + np.random.RandomState(0).normal(0, 2.0, len(y))
    return X, price


@pytest.mark.parametrize("method", ["stack", "late"])
@pytest.mark.parametrize("estimator", ["ridge", "linear"])
def test_predictions_scale_with_the_target(method, estimator):
    X, price = _data()
    final = "ridge" if estimator == "ridge" else LinearRegression()
    make = lambda: make_multimodal_pipeline(  # noqa: E731
        estimator=final, method=method, random_state=0
    )
    units = make().fit(X, price)
    for factor in (1e-6, 1e6):
        scaled = make().fit(X, price * factor)
        np.testing.assert_allclose(
            scaled.predict(X), units.predict(X) * factor, rtol=1e-5
        )
        # the fused columns are the same, unit-free
        np.testing.assert_allclose(
            scaled["fusion"].transform(X), units["fusion"].transform(X), atol=1e-6
        )
    fusion = units["fusion"].method_
    assert fusion.target_center_ == pytest.approx(price.mean())
    assert fusion.target_scale_ == pytest.approx(price.std())


def test_a_small_target_is_not_fitted_as_its_mean():
    X, price = _data()
    cv = KFold(3, shuffle=True, random_state=0)
    pipe = make_multimodal_pipeline(estimator="ridge", random_state=0)
    r2 = cross_val_score(pipe, X, price * 1e-6, cv=cv, scoring="r2").mean()
    assert r2 == pytest.approx(cross_val_score(pipe, X, price, cv=cv).mean())
    assert r2 > 0.5  # it was about -0.02: the mean, whatever the row


def test_a_constant_target_keeps_a_unit_scale():
    X, price = _data()
    pipe = make_multimodal_pipeline(estimator="ridge", random_state=0)
    pipe.fit(X, np.full(len(price), 3.0))
    assert pipe["fusion"].method_.target_scale_ == 1.0
    np.testing.assert_allclose(pipe.predict(X), 3.0)


def test_compare_models_refuses_a_constant_regression_target():
    from skmultimodal.model_selection import compare_models

    X, price = _data()
    models = {"fusion": make_multimodal_pipeline(estimator="ridge", random_state=0)}
    with pytest.raises(ValueError, match=r"one value only \(3\.0\) in all 120 rows"):
        compare_models(models, X, np.full(len(price), 3.0), cv=3)


@pytest.mark.parametrize(
    "task, says",
    [
        (["--label-separator", ";"], "or the separator alone for a row with none"),
        (["--task", "regression"], "every row needs a number"),
        ([], "every row needs a label"),
    ],
)
def test_an_empty_target_cell_says_what_the_task_needs(tmp_path, task, says):
    import pandas as pd

    from tests.cli.conftest import run_main

    X, price = _data()
    table = X[["text"]].assign(target=[f"{p:.1f}" for p in price])
    table.loc[[3, 7], "target"] = ""
    table.to_csv(tmp_path / "t.csv", index=False)
    res = run_main(
        "evaluate", "--csv", tmp_path / "t.csv", "--target", "target", "--cv", "2",
        "--no-progress", "--output", tmp_path / "r", *task,
    )  # fmt: skip
    assert res.returncode != 0
    assert "is empty on lines 5 and 9" in res.stderr and says in res.stderr
    assert pd.read_csv(tmp_path / "t.csv").shape[0] == len(price)


@pytest.mark.parametrize(
    "value, text",
    [
        (0.8561, "0.856"),
        (2.4149, "2.415"),
        (0.0, "0.000"),
        (3.494e-06, "3.494e-06"),
        (-1.5e-05, "-1.5e-05"),
        (15309981910764.084, "1.531e+13"),
        (float("nan"), "nan"),
    ],
)
def test_scores_are_written_so_that_small_and_large_ones_show(value, text):
    from skmultimodal.report import _score_text as score_text

    assert score_text(value) == text


def test_the_table_shows_the_errors_of_a_target_of_small_values():
    from skmultimodal.report import format_table

    results = {
        "task": "regression",
        "scoring": ["r2", "mae"],
        "n_samples": 90,
        "cv": 3,
        "models": {
            "fusion": {
                "r2": 0.963, "r2_std": 0.004, "mae": 3.494e-06,
                "mae_std": 3.405e-07, "fit_time": 0.25, "modalities": ["text"],
            }
        },
    }  # fmt: skip
    table = format_table(results)
    assert "3.494e-06 ± 3.405e-07" in table and "0.963 ± 0.004" in table
