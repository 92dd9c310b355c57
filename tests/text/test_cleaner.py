import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline

from skmultimodal.text import TextCleaner, TextFeatures


def test_default_lowercases_normalises_and_collapses_whitespace():
    out = TextCleaner().fit_transform(["  Hello \t\n WORLD  ", "ＡＢＣ ﬁne"])
    assert out.dtype == object and out.shape == (2,)
    # NFKC folds full-width letters and the "fi" ligature.
    assert list(out) == ["hello world", "abc fine"]


def test_each_option_is_applied_only_when_enabled():
    text = "Visit https://example.org/x?y=1 or www.test.com, Café 42!"
    assert TextCleaner().fit_transform([text])[0] == text.lower()
    assert TextCleaner(lowercase=False).fit_transform([text])[0] == text
    urls = TextCleaner(remove_urls=True).fit_transform([text])[0]
    assert urls == "visit or café 42!"
    digits = TextCleaner(remove_digits=True).fit_transform([text])[0]
    assert "42" not in digits and "1" not in digits and "café" in digits
    punct = TextCleaner(remove_punctuation=True).fit_transform(["don't stop, «now»!"])
    assert punct[0] == "don t stop now"
    accents = TextCleaner(strip_accents="unicode").fit_transform(["Café naïve"])
    assert accents[0] == "cafe naive"
    raw = TextCleaner(collapse_whitespace=False).fit_transform(["a  b "])
    assert raw[0] == "a  b "


def test_unicode_form_none_keeps_compatibility_characters():
    assert TextCleaner(unicode_form=None).fit_transform(["ﬁ"])[0] == "ﬁ"
    assert TextCleaner(unicode_form="NFKD").fit_transform(["é"])[0] == "e\u0301"


def test_symbols_and_emoji_survive_punctuation_removal():
    out = TextCleaner(remove_punctuation=True).fit_transform(["5€ 😀 + a-b"])
    assert out[0] == "5€ 😀 + a b"


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, float("nan")])
def test_missing_values_become_empty_string(missing):
    X = pd.Series(["A", missing], dtype=object)
    assert list(TextCleaner().fit_transform(X)) == ["a", ""]


@pytest.mark.parametrize("bad", [5, 2.5, b"bytes", ["a", "list"]])
def test_non_string_value_raises_naming_row_and_type(bad):
    X = pd.Series(["fine", bad], index=["first", "second"], dtype=object)
    with pytest.raises(
        ValueError, match=r"row 1 \(index 'second'\).*" + type(bad).__name__
    ):
        TextCleaner().fit(X)


def test_accepts_list_array_and_one_column_dataframe():
    texts = ["A b", "C"]
    expected = ["a b", "c"]
    for X in (texts, np.array(texts, dtype=object), pd.DataFrame({"body": texts})):
        assert list(TextCleaner().fit(X).transform(X)) == expected


def test_feature_names_follow_the_input_column():
    df = pd.DataFrame({"body": ["a"]})
    assert list(TextCleaner().fit(df).get_feature_names_out()) == ["body"]
    assert list(TextCleaner().fit(["a"]).get_feature_names_out()) == ["text"]
    assert list(TextCleaner().fit(["a"]).get_feature_names_out(["t"])) == ["t"]
    with pytest.raises(ValueError, match="one text column"):
        TextCleaner().fit(["a"]).get_feature_names_out(["a", "b"])


def test_pandas_output_is_a_series_keeping_the_index():
    X = pd.DataFrame({"caption": ["A  b", None]}, index=["u", "v"])
    out = TextCleaner().set_output(transform="pandas").fit_transform(X)
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["u", "v"] and out.name == "caption"
    assert list(out) == ["a b", ""]


def test_pipeline_with_pandas_output_still_vectorizes():
    pipe = make_pipeline(TextCleaner(), TextFeatures()).set_output(transform="default")
    cleaner_pandas = make_pipeline(TextCleaner().set_output(transform="pandas"))
    X = ["Red fox", "blue FOX"]
    assert cleaner_pandas.fit_transform(X).tolist() == ["red fox", "blue fox"]
    assert pipe.fit_transform(X).shape == (2, 3)


def test_unsupported_output_container_is_refused():
    with pytest.raises(ValueError, match="pandas"):
        TextCleaner().set_output(transform="polars")


def test_several_columns_are_refused():
    with pytest.raises(ValueError, match="one column"):
        TextCleaner().fit(pd.DataFrame({"a": ["x"], "b": ["y"]}))


def test_invalid_parameter_is_reported():
    with pytest.raises(ValueError, match="unicode_form"):
        TextCleaner(unicode_form="NFX").fit(["a"])


def test_composes_with_text_features_in_a_pipeline():
    pipe = make_pipeline(TextCleaner(remove_punctuation=True), TextFeatures())
    Z = pipe.fit_transform(["Red, cat!", "red dog", None])
    assert Z.shape == (3, 3)
    assert list(pipe.get_feature_names_out()) == ["cat", "dog", "red"]
