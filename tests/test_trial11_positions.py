"""make_multimodal_pipeline selects image= and text= columns by position,
so its pipelines work where X reaches them as an array (BaggingClassifier)."""

import numpy as np
import pytest
from sklearn.ensemble import BaggingClassifier
from sklearn.model_selection import train_test_split

from skmultimodal import make_multimodal_pipeline
from skmultimodal.datasets import make_multimodal_classification


@pytest.fixture(scope="module")
def data():
    X, y = make_multimodal_classification(150, 3, random_state=0)
    return X.assign(title=X["text"].str.upper()), np.asarray(y)


def _pipe(**kwargs):
    kwargs = {"image_features": "pixels", "method": "concat", **kwargs}
    return make_multimodal_pipeline(random_state=0, **kwargs)


def _branches(pipe):
    return [(name, column) for name, _, column in pipe["fusion"].transformers]


def test_bagging_of_a_builder_pipeline_with_positions(data):
    X, y = data
    X = X[["image", "text"]]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    pipe = make_multimodal_pipeline(image=0, text=1, image_features="pixels")
    bagging = BaggingClassifier(pipe, n_estimators=3, random_state=0)
    bagging.fit(X_train, y_train)
    # chance: 1/3 (three bags of 105 rows: 0.69 to 0.76 as the stacking's
    # internal folds choose, bag by bag)
    assert (bagging.predict(X_test) == y_test).mean() > 0.6
    assert np.isfinite(bagging.predict_proba(X_test)).all()


def test_positions_on_an_array_and_on_a_dataframe(data):
    X, y = data
    on_frame = _pipe(image=0, text=1).fit(X, y)
    on_array = _pipe(image=0, text=1).fit(X.to_numpy(), y)
    by_name = _pipe(image="image", text="text").fit(X, y)
    expected = by_name.predict_proba(X)
    np.testing.assert_allclose(on_frame.predict_proba(X), expected)
    np.testing.assert_allclose(on_array.predict_proba(X.to_numpy()), expected)
    # a negative position counts from the end, as in NumPy
    last = _pipe(image=0, text=-1).fit(X.to_numpy(), y)
    titles = _pipe(image="image", text="title").fit(X, y)
    np.testing.assert_allclose(
        last.predict_proba(X.to_numpy()), titles.predict_proba(X)
    )
    # names and positions mixed, for a DataFrame
    mixed = _pipe(image=0, text="text").fit(X, y)
    np.testing.assert_allclose(mixed.predict_proba(X), expected)


def test_lists_and_dicts_of_positions(data):
    X, y = data
    spec = [1, np.int64(2)]
    pipe = _pipe(image=np.int64(0), text=spec)
    assert _branches(pipe) == [("image", 0), ("text_1", 1), ("text_2", 2)]
    assert all(type(c) is int for _, c in _branches(pipe))
    assert spec == [1, np.int64(2)] and type(spec[1]) is np.int64  # not mutated
    pipe.fit(X.to_numpy(), y)
    assert pipe.predict(X.to_numpy()).shape == y.shape
    pipe = _pipe(image={"photo": 0}, text={"body": 1, "headline": 2})
    assert _branches(pipe) == [("photo", 0), ("body", 1), ("headline", 2)]
    pipe.fit(X.to_numpy(), y)
    assert pipe["fusion"].get_feature_names_out()[0].startswith("photo__")
    # a list of names and positions: each branch named as its kind says
    assert _branches(_pipe(image=None, text=["text", 2])) == [
        ("text", "text"),
        ("text_2", 2),
    ]
    # a single position in a list keeps the modality's name
    assert _branches(_pipe(image=[0], text=None)) == [("image", 0)]


def test_word_branch_follows_the_text_position():
    pytest.importorskip("keras")
    pipe = make_multimodal_pipeline(
        image=0, text=1, image_tokens=True, classifier="attention"
    )
    assert _branches(pipe) == [("image", 0), ("text", 1), ("words", 1)]
    pipe = make_multimodal_pipeline(
        image=0, text=[1, 2], image_tokens=True, classifier="attention"
    )
    assert _branches(pipe)[1:] == [
        ("text_1", 1),
        ("text_1_words", 1),
        ("text_2", 2),
        ("text_2_words", 2),
    ]


@pytest.mark.parametrize(
    "spec", [True, np.False_, [0, True], {"photo": np.True_}, (False,)]
)
def test_a_bool_is_not_a_position(spec):
    with pytest.raises(ValueError, match=r"image= selects column .*, a bool, which"):
        make_multimodal_pipeline(image=spec, text=1)


@pytest.mark.parametrize("spec", [[], 1.5, [0, None], {1: 0}, {"a": [0, 1]}])
def test_other_columns_are_refused_clearly(spec):
    with pytest.raises(
        ValueError,
        match=r"image= must be a column name or position \(a str or an int\)",
    ):
        make_multimodal_pipeline(image=spec, text=1)


def test_refused_names_of_positions_give_the_dict_that_fixes_them():
    with pytest.raises(ValueError, match="names a column twice"):
        make_multimodal_pipeline(image=[0, 0])
    with pytest.raises(
        ValueError,
        match=r"image= column 0 gives the branch name 'image_0' \(named after "
        r"its position\).* e\.g\. image=\{'image_0': 'image_0', 'image_0_2': 0\}",
    ):
        make_multimodal_pipeline(image=["image_0", 0])


def test_names_on_an_array_say_how_to_select_by_position(data):
    X, y = data
    X = X[["image", "text"]]
    pipe = make_multimodal_pipeline(image_features="pixels", random_state=0)
    message = (
        r"modality 'image' selects column 'image' by name, which needs a "
        r"pandas DataFrame .* BaggingClassifier.*\. Select an array's columns "
        r"by position \(an int or a list of ints\), or pass X as a DataFrame\.$"
    )
    with pytest.raises(ValueError, match=message):
        BaggingClassifier(pipe, n_estimators=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=message):
        pipe.fit(X.to_numpy(), y)
