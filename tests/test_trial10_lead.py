"""Fixes from the tenth round of trials made by hand (the others have their
own test files, tests/**/test_trial10_*.py)."""

import warnings

import numpy as np

from skmultimodal.datasets import make_multimodal_classification
from skmultimodal.model_selection._compare import make_cv


def test_confined_class_warning_points_at_the_callers_line():
    X, y = make_multimodal_classification(n_samples=60, random_state=0)
    groups = np.where(y == 0, 0, 1 + np.arange(60) % 5)  # class 0 in one group
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make_cv(3, y, groups=groups)
    (w,) = [w for w in caught if "fewer groups" in str(w.message)]
    assert w.filename == __file__


def test_numpy_string_labels_of_a_table_in_both_tabular_forms():
    import pandas as pd

    from skmultimodal import make_multimodal_pipeline

    X, y = make_multimodal_classification(n_samples=30, random_state=0)
    X["price"] = np.arange(30.0)
    X["brand"] = np.array(["a", "b"])[np.arange(30) % 2]
    X.columns = pd.Index([np.str_(c) for c in X.columns], dtype=object)
    before = X.copy()
    forms = (["price", "brand"], {"numeric": ["price"], "categorical": ["brand"]})
    for tabular in forms:
        model = make_multimodal_pipeline(
            tabular=tabular, method="concat", random_state=0
        ).fit(X, y)
        names = list(model["fusion"].get_feature_names_out())
        assert {"price", "brand_a", "brand_b"} <= set(names), tabular
    pd.testing.assert_frame_equal(X, before)
    assert all(type(c) is np.str_ for c in X.columns)  # the user's labels kept


def test_late_fusion_scalar_and_non_number_sample_weight():
    import pytest
    from sklearn.linear_model import LogisticRegression

    from skmultimodal.fusion import LateFusionClassifier

    rng = np.random.RandomState(0)
    X, y = rng.rand(40, 4), np.arange(40) % 2
    late = LateFusionClassifier(
        [
            ("a", LogisticRegression(), [0, 1]),
            ("b", LogisticRegression(), [2, 3]),
        ]
    )
    full = late.fit(X, y, sample_weight=np.full(40, 2.0)).predict_proba(X)
    np.testing.assert_allclose(late.fit(X, y, sample_weight=2.0).predict_proba(X), full)
    with pytest.raises(TypeError, match="sample_weight must be a number or one"):
        late.fit(X, y, sample_weight="heavy")


def test_text_codes_keep_their_leading_zeros():
    import pandas as pd

    from skmultimodal import make_multimodal_pipeline

    X, y = make_multimodal_classification(n_samples=60, random_state=0)
    X["price"] = np.arange(60.0)
    X["zip"] = np.array(["007", "7", "070"])[y]
    tabular = {"numeric": ["price"], "categorical": ["zip"]}
    model = make_multimodal_pipeline(
        image=None, text=None, tabular=tabular, method="concat", random_state=0
    ).set_output(transform="pandas")
    names = list(model.fit(X, y)["fusion"].transform(X).columns)
    assert {"zip_007", "zip_7", "zip_070"} <= {n.split("__")[-1] for n in names}
    assert isinstance(X, pd.DataFrame)


def test_tabular_names_as_array_likes_and_refusals():
    import pandas as pd
    import pytest

    from skmultimodal import make_multimodal_pipeline

    X, y = make_multimodal_classification(n_samples=60, random_state=0)
    X["price"] = np.arange(60.0)
    X["colour"] = ["red", "blue"] * 30

    def score(tabular):
        model = make_multimodal_pipeline(
            image_features="pixels", tabular=tabular, random_state=0
        )
        return model.fit(X, y).predict_proba(X)

    expected = score({"numeric": ["price"], "categorical": ["colour"]})
    index_dict = {"numeric": pd.Index(["price"]), "categorical": pd.Index(["colour"])}
    np.testing.assert_allclose(score(index_dict), expected)
    np.testing.assert_allclose(score(X.columns.drop(["image", "text"])), expected)
    np.testing.assert_allclose(score(np.array(["price", "colour"])), expected)
    with pytest.raises(ValueError, match=r"tabular=\{'numeric': \[\]\} names no"):
        make_multimodal_pipeline(tabular={"numeric": []})
    with pytest.raises(ValueError, match=r"tabular\['numeric'\] names columns by"):
        make_multimodal_pipeline(tabular={"numeric": [0, 1]})
    with pytest.raises(ValueError, match="tabular= is 'price'"):
        make_multimodal_pipeline(tabular="price")


def test_tabular_nested_or_empty_lists_are_refused_naming_tabular():
    import pytest

    from skmultimodal import make_multimodal_pipeline

    for bad in (["a", ["b"]], {"numeric": [["a"], "b"]}):
        with pytest.raises(ValueError, match=r"names columns by their names"):
            make_multimodal_pipeline(text="t", tabular=bad)
    for empty in ([], ()):
        with pytest.raises(ValueError, match=r"names no column"):
            make_multimodal_pipeline(text="t", tabular=empty)


def test_no_warning_for_a_searched_model_without_internal_folds():
    import warnings

    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, GroupKFold
    from sklearn.pipeline import make_pipeline

    from skmultimodal.fusion import LateFusionClassifier
    from skmultimodal.image import PixelFeatures
    from skmultimodal.model_selection import compare_models
    from skmultimodal.text import TextFeatures

    X, y = make_multimodal_classification(n_samples=60, random_state=0)
    groups = np.arange(60) // 5

    def late(weights):
        image = make_pipeline(PixelFeatures(), LogisticRegression(max_iter=2000))
        text = make_pipeline(TextFeatures(), LogisticRegression())
        return LateFusionClassifier(
            [("image", image, "image"), ("text", text, "text")], weights=weights
        )

    def said(weights):
        search = GridSearchCV(late(weights), {"voting": ["soft"]}, cv=GroupKFold(2))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            compare_models({"gs": search}, X, y, groups=groups, cv=GroupKFold(3))
        return [w for w in caught if "reach only the splitter" in str(w.message)]

    assert said([1, 1]) == []  # fixed weights: no internal folds
    assert len(said("auto")) == 1


def test_parquet_and_csv_spellings_are_the_same_categories():
    import decimal

    import pandas as pd

    from skmultimodal.pipeline import _TableCells

    def same(fitted, other):
        cells = _TableCells("categorical").fit(fitted)
        return list(cells.transform(fitted).ravel()) == list(
            cells.transform(other).ravel()
        )

    decimals = pd.DataFrame({"c": [decimal.Decimal("10.00"), decimal.Decimal("11.01")]})
    floats = pd.DataFrame({"c": [10.0, 11.01]})  # the same column read from a CSV
    assert same(decimals, floats) and same(floats, decimals)
    mixed = pd.DataFrame({"c": [decimal.Decimal("10.00"), "x"]})
    assert same(mixed, pd.DataFrame({"c": [10.0, "x"]}))
    when = pd.to_datetime(["2024-01-01 00:00", "2024-01-02 10:30"])
    stamps = pd.DataFrame({"c": when})
    texts = pd.DataFrame({"c": ["2024-01-01 00:00:00", "2024-01-02 10:30:00"]})
    assert same(stamps, texts) and same(texts, stamps)
    codes = pd.DataFrame({"c": ["007", "7"]})
    assert list(_TableCells("categorical").fit_transform(codes).ravel()) == ["007", "7"]
