"""make_multimodal_pipeline with several image/text columns and a tabular
modality."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import GridSearchCV

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification


@pytest.fixture(scope="module")
def table():
    X, y = make_multimodal_classification(n_samples=90, random_state=0)
    rng = np.random.RandomState(0)
    price = y + rng.normal(scale=0.3, size=len(y))
    price[[3, 7]] = np.nan
    X = X.assign(
        price=price,
        brand=np.array(["a", "b", "c"])[np.asarray(y)],
        code=rng.randint(0, 3, len(y)),
        back=X["image"],
        title=X["text"].str.upper(),
    )
    return X, np.asarray(y)


def test_tabular_branch_imputes_scales_and_encodes(table):
    X, y = table
    pipe = make_multimodal_pipeline(tabular=["price", "brand"], random_state=0)
    names = [n for n, _, _ in pipe["fusion"].transformers]
    assert names == ["image", "text", "tabular"]
    pipe.fit(X, y)
    tab = pipe["fusion"].named_transformers_["tabular"]
    assert isinstance(tab, ColumnTransformer)
    out = tab.transform(X[["price", "brand"]])
    out = out.toarray() if hasattr(out, "toarray") else out
    assert out.shape == (len(y), 1 + 3) and np.isfinite(out).all()
    assert list(tab.get_feature_names_out()) == [
        "price",
        "brand_a",
        "brand_b",
        "brand_c",
    ]
    # an unseen category is ignored, not an error
    new = X.iloc[:2].assign(brand="zzz")
    assert pipe.predict(new).shape == (2,)
    assert X["price"].isna().sum() == 2  # the input is not touched


def test_tabular_dict_says_which_columns_are_categories(table):
    X, y = table
    pipe = make_multimodal_pipeline(
        image=None,
        text=None,
        tabular={"numeric": ["price"], "categorical": ["code", "brand"]},
    ).fit(X, y)
    tab = pipe["fusion"].named_transformers_["tabular"]
    assert list(tab.get_feature_names_out())[:4] == [
        "price",
        "code_0",
        "code_1",
        "code_2",
    ]
    assert pipe.score(X, y) > 0.9  # the table determines the label here
    with pytest.raises(ValueError, match="keys 'numeric' and 'categorical'"):
        make_multimodal_pipeline(tabular={"numbers": ["price"]})
    with pytest.raises(ValueError, match="list of column names"):
        make_multimodal_pipeline(tabular="price")


def test_several_image_and_text_columns_are_separate_modalities(table):
    X, y = table
    pipe = make_multimodal_pipeline(
        image=["image", "back"], text=["text", "title"], method="concat"
    )
    fusion = pipe["fusion"]
    assert [(n, c) for n, _, c in fusion.transformers] == [
        ("image", "image"),
        ("back", "back"),
        ("text", "text"),
        ("title", "title"),
    ]
    pipe.fit(X, y)
    assert fusion.modality_names_ == ["image", "back", "text", "title"]
    assert make_multimodal_pipeline(image=["image"])["fusion"].transformers[0][0] == (
        "image"
    )
    with pytest.raises(ValueError, match="names a column twice"):
        make_multimodal_pipeline(image=["image", "image"])
    with pytest.raises(ValueError, match="At least one of image=, text= and tabular="):
        make_multimodal_pipeline(image=None, text=None)


def test_every_method_takes_four_modalities(table):
    from skmultimodal.plugins import get_registry

    X, y = table
    pipe = make_multimodal_pipeline(
        image=["image", "back"], text="text", tabular=["price", "brand"]
    )
    methods = [m for m in get_registry("fusion_method").names()] + ["late"]
    search = GridSearchCV(
        pipe, {"fusion__method": methods}, cv=2, error_score="raise"
    ).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_a_row_without_any_table_cell_is_a_missing_modality(table):
    X, y = table
    X = X.copy()
    X.loc[5, ["price", "brand"]] = [np.nan, None]
    pipe = make_multimodal_pipeline(tabular=["price", "brand"], method="concat")
    with pytest.raises(ValueError, match="modality 'tabular' is missing"):
        pipe.fit(X, y)
    pipe.set_params(fusion__missing="mean").fit(X, y)
    assert pd.Series(pipe.predict(X)).notna().all()


def test_class_weight_reaches_the_classifier(table):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.neighbors import KNeighborsClassifier

    pipe = make_multimodal_pipeline(class_weight="balanced")
    assert pipe["classifier"].class_weight == "balanced"
    forest = make_multimodal_pipeline(
        classifier=RandomForestClassifier(n_estimators=5), class_weight={0: 2.0}
    )
    assert forest["classifier"].class_weight == {0: 2.0}
    with pytest.raises(ValueError, match="KNeighborsClassifier has none"):
        make_multimodal_pipeline(
            classifier=KNeighborsClassifier(), class_weight="balanced"
        )
    # on imbalanced rows the balanced model predicts the rare class more often
    X, y = table
    keep = np.r_[np.flatnonzero(y != 2), np.flatnonzero(y == 2)[:6]]
    X, y = X.iloc[keep], y[keep]
    plain = make_multimodal_pipeline(image=None, method="concat").fit(X, y)
    balanced = make_multimodal_pipeline(
        image=None, method="concat", class_weight="balanced"
    ).fit(X, y)
    rare = (balanced.predict_proba(X)[:, 2] - plain.predict_proba(X)[:, 2]).mean()
    assert rare > 0


@pytest.mark.parametrize("spec", [1.5, [0, 1.5], [], ["text", None], {"a": [1]}])
def test_columns_given_neither_by_name_nor_by_position_are_refused_clearly(spec):
    # names (str) and positions (int) select columns; nothing else does
    with pytest.raises(ValueError, match=r"image= must be a column name or position"):
        make_multimodal_pipeline(image=spec, text="text")


def test_ordinary_table_columns_fit_or_name_their_bad_cells(table):
    X, y = table
    X = X.assign(
        empty=np.nan,  # empty in every row: kept (as 0), not a crash
        instock=y == 1,  # a yes/no column, categorical or numeric
        since=pd.to_datetime("2020-01-01") + pd.to_timedelta(np.arange(len(y)), "D"),
    )
    for tabular in [
        {"numeric": ["price", "empty"], "categorical": ["instock", "since"]},
        {"numeric": ["instock"], "categorical": []},
        ["price", "instock"],
    ]:
        pipe = make_multimodal_pipeline(
            image_features="pixels", method="concat", tabular=tabular
        ).fit(X, y)
        assert np.isfinite(pipe.predict_proba(X)).all()
    bad = X.astype({"price": object})
    bad.loc[bad.index[5], "price"] = "heavy"
    pipe = make_multimodal_pipeline(
        image_features="pixels",
        method="concat",
        tabular={"numeric": ["price"], "categorical": ["brand"]},
    )
    message = (
        r"numeric table column 'price' holds 1 cell\(s\) that are not numbers, the "
        r"first on row \d+ \(index 5\): 'heavy'"
    )
    with pytest.raises(ValueError, match=message):
        pipe.fit(bad, y)
    pipe.fit(X, y)
    with pytest.raises(ValueError, match=message):  # and at predict
        pipe.predict(bad)
