"""Text inputs: linear-time URL removal, texts that are not valid Unicode,
pruning messages, the column name check, containers, NaT, and the
word-vector reader's numbers and line numbers."""

import random
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from skmultimodal.text import (
    TextCleaner,
    TextFeatures,
    TextSequencer,
    read_word_vectors,
)
from skmultimodal.text._cleaner import _URL_RE

# the plain pattern: the same matches, in quadratic time on "a.a.a..."
_REFERENCE_URL_RE = re.compile(
    r"(?:(?<![a-z0-9_])[a-z][a-z0-9+.-]*://|(?<![a-z0-9_])www\.)[!-~]+", re.I
)


def test_url_removal_matches_the_reference_pattern():
    rng = random.Random(0)
    alphabet = list("aW.:/-1_é K+は。") + ["://", "www.", "http://", "\u212a"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))]
    texts += ["".join(rng.choice(alphabet) for _ in range(12)) for _ in range(20000)]
    texts += [
        "see https://example.org/a?b=1, or www.example.com.",
        "x-http://a.b FTP://host svn+ssh://h/p 1http://no _www.no éhttp://x",
        "価格はhttps://example.com/a?b=1でご確認 はwww.example.com。次",
    ]
    for text in texts:
        assert _URL_RE.sub(r"\1 ", text) == _REFERENCE_URL_RE.sub(" ", text), text


def test_url_removal_keeps_the_text_glued_to_a_url():
    # Chinese and Japanese are written without spaces: the URL starts after
    # a non-ASCII letter and ends at the first character outside printable
    # ASCII, and the text on both sides is kept (the example of text.md)
    cleaner = TextCleaner(remove_urls=True, lowercase=False)
    texts = [
        "価格はhttps://example.com/a?b=1でご確認",
        "详情见www.example.cn/p?id=3。谢谢",
        "aéhttp://x.org/ça",
        "1http://x.org y",
    ]
    assert list(cleaner.fit_transform(texts)) == [
        "価格は でご確認",
        "详情见 。谢谢",
        "aé ça",
        "1http://x.org y",  # glued to an ASCII letter: not a URL
    ]


def test_url_removal_on_long_runs_without_spaces():
    # 200,000 characters of one run of scheme characters: every word boundary
    # once rescanned the rest of the run (about an hour for 1 MB)
    dotted = "a." * 100_000
    cleaner = TextCleaner(remove_urls=True, lowercase=False)
    assert cleaner.fit_transform([dotted])[0] == dotted
    out = cleaner.fit_transform([dotted + "http://x.org y", "-" * 200_000 + "a://"])
    assert list(out) == ["y", "-" * 200_000 + "a://"]
    # the scheme starts at the run's first letter after a word boundary
    out = cleaner.fit_transform(["1a" * 50_000 + ".http://x z"])
    assert out[0] == "1a" * 50_000 + ". z"


@pytest.mark.parametrize("make", [TextCleaner, TextFeatures, TextSequencer])
def test_a_lone_surrogate_is_refused_naming_the_row(make):
    X = pd.Series(["red cat", "abc \udcff def"], index=["a", "b"], dtype=object)
    with pytest.raises(ValueError, match=r"row 1 \(index 'b'\) of X is not valid") as e:
        make().fit(X)
    assert "cannot be encoded as UTF-8" in str(e.value)
    assert "right encoding" in str(e.value)


def test_a_lone_surrogate_is_refused_in_a_pipeline_naming_the_modality():
    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.datasets import make_multimodal_classification

    X, y = make_multimodal_classification(n_samples=30, random_state=0)
    X = X[["text"]].astype(object)
    X.iloc[3, 0] = "abc \udcff def"
    pipe = make_multimodal_pipeline(image=None, method="concat", random_state=0)
    with pytest.raises(ValueError, match=r"modality 'text': .*row 3 of X is not"):
        pipe.fit(X, y)


@pytest.mark.parametrize(
    "make, X, says",
    [
        (
            lambda: TextFeatures(method_params={"min_df": 2}),
            ["aa bb", "cc dd"],
            "method 'tfidf' with min_df=2, max_df=1.0, max_features=None keeps no "
            "term of the 2 text(s) of X: no term is in at least 2 and at most 2",
        ),
        (
            lambda: TextFeatures(method_params={"min_df": 5}),
            ["aa", "bb", "cc"],
            "no term is in at least 5 and at most 3 of them",
        ),
        (
            lambda: TextFeatures("count", method_params={"max_df": 0.5}),
            ["same text"] * 4,
            "method 'count' with min_df=1, max_df=0.5",
        ),
        (
            lambda: TextFeatures(TfidfVectorizer()).set_params(method__min_df=3),
            ["aa bb", "cc dd"],
            "method TfidfVectorizer with min_df=3",
        ),
    ],
)
def test_pruning_every_term_names_the_estimator_and_the_parameters(make, X, says):
    with pytest.raises(ValueError, match="^TextFeatures: ") as exc:
        make().fit(X)
    assert says in str(exc.value)
    assert "Lower min_df or raise max_df" in str(exc.value)


def test_pruning_every_word_of_the_default_branch_is_an_error():
    from skmultimodal import make_multimodal_pipeline
    from skmultimodal.datasets import make_multimodal_classification

    X, y = make_multimodal_classification(n_samples=30, random_state=0)
    pipe = make_multimodal_pipeline(method="concat").set_params(
        fusion__text__features__words__method__max_df=0.0001
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=r"TextFeatures: .*max_df=0\.0001"):
            pipe.fit(X, y)


def test_text_cleaner_refuses_another_column_name():
    cleaner = TextCleaner().fit(pd.DataFrame({"caption": ["Red Cat", "Blue"]}))
    assert list(cleaner.feature_names_in_) == ["caption"]
    other = pd.DataFrame({"price_text": ["Red Cat", "Blue"]})
    with pytest.raises(ValueError, match="TextCleaner: The feature names should"):
        cleaner.transform(other)
    same = pd.DataFrame({"caption": ["Red Cat"]})
    assert list(cleaner.transform(same)) == ["red cat"]
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        cleaner.transform(["Red Cat"])
    assert not hasattr(TextCleaner().fit(["a"]), "feature_names_in_")


@pytest.mark.parametrize("make", [TextFeatures, TextSequencer])
def test_vectorizers_keep_their_column_name_as_text_cleaner_does(make):
    # a one-column DataFrame (which TfidfVectorizer does not take): its name
    X = pd.DataFrame({"caption": ["red cat", "blue dog"]})
    fitted = make().fit(X)
    assert fitted.n_features_in_ == 1
    assert fitted.feature_names_in_.tolist() == ["caption"]


@pytest.mark.parametrize("make", [TextCleaner, TextFeatures, TextSequencer])
@pytest.mark.parametrize(
    "column, says",
    [
        (lambda: {"a": "red cat", "b": "blue dog"}, "got a dict (its keys"),
        (lambda: {"red cat", "blue dog"}, "got a set (a set has no row order)"),
        (lambda: frozenset({"red cat"}), "got a frozenset"),
        (lambda: iter(["red cat", "b"]), "got a list_iterator (fit would use"),
        (lambda: (t for t in ["red cat", "b"]), "got a generator"),
        (lambda: range(3), "got a range"),
    ],
)
def test_other_containers_are_refused_naming_the_type(make, column, says):
    X = column()
    with pytest.raises(ValueError, match="must be a pandas Series") as exc:
        make().fit(X)
    assert says in str(exc.value)
    if hasattr(X, "__next__"):
        assert next(X) == "red cat"  # not used up


def test_an_n_by_1_string_array_is_a_column():
    column = np.array([["red cat"], ["blue dog"]])  # dtype <U8
    expected = TextFeatures().fit_transform(column.ravel()).toarray()
    np.testing.assert_array_equal(
        TextFeatures().fit_transform(column).toarray(), expected
    )
    assert list(TextCleaner().fit_transform(column)) == ["red cat", "blue dog"]


def test_nat_is_a_missing_text_as_the_guide_says():
    from pathlib import Path

    X = pd.Series(["Red Cat", pd.NaT, np.datetime64("NaT", "ns")], dtype=object)
    assert list(TextCleaner().fit_transform(X)) == ["red cat", "", ""]
    guide = Path(__file__).parents[2] / "docs" / "user_guide" / "text.md"
    assert "`pandas.NA` and NaT" in guide.read_text("utf-8")
    with pytest.raises(ValueError, match="NaT are missing texts"):
        TextCleaner().fit(pd.Series(["a", pd.Timestamp("2024-01-01")], dtype=object))


@pytest.mark.parametrize(
    "content, line, bad",
    [
        ("cat 1 0\ndog 1_000 2\n", 2, "'1_000'"),
        ("cat 1 0\ndog ２ 2\n", 2, "'２'"),
        ("cat 1 0\ndog 1 ٣\n", 2, "'٣'"),
        ("cat 1 0\ndog 1\x0b 2\n", 2, "'1\\x0b'"),
        ("cat 1_000 ２ ٣\ndog 0 1 0\n", 1, "'٣'"),
        ("cat 1 x 0\ndog 1 2 3\n", 1, "'x'"),
    ],
)
def test_vector_values_must_be_ascii_decimal_numbers(tmp_path, content, line, bad):
    path = tmp_path / "v.txt"
    path.write_text(content, "utf-8")
    with pytest.raises(ValueError, match=f"v.txt', line {line}: ") as exc:
        read_word_vectors(path)
    assert "ASCII decimal" in str(exc.value) and bad in str(exc.value)


def test_ascii_decimal_values_are_read(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat -1.5e-03 +2\ndog .5 3.\n", "utf-8")
    vocabulary, vectors, _ = read_word_vectors(path)
    assert vocabulary == {"cat": 0, "dog": 1}
    np.testing.assert_allclose(vectors, [[-0.0015, 2], [0.5, 3]])


def test_a_spaced_word_on_the_first_line_sets_the_right_dimension(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("new york 1 0\ncat 1 0\ndog 0 1\n", "utf-8")
    vocabulary, vectors, info = read_word_vectors(path)
    assert vocabulary == {"new york": 0, "cat": 1, "dog": 2} and info["dim"] == 2


def test_a_tab_on_the_first_line_is_reported_on_the_first_line(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat\t1 0\ndog 0 1\n", "utf-8")
    with pytest.raises(ValueError, match=r"v.txt', line 1: the line is tab-sep"):
        read_word_vectors(path)


def test_word_vectors_on_texts_without_tokens_say_so(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat 1 0\ndog 0 1\n", "utf-8")
    method = TextFeatures("word_vectors", method_params={"path": str(path)})
    with pytest.raises(ValueError, match=r"the 3 text\(s\) of X hold no token") as e:
        method.fit(["", None, "   "])
    assert "every text empty or missing" in str(e.value)
    assert "check the file" not in str(e.value)


def test_inverse_transform_refuses_another_width():
    seq = TextSequencer(max_length=4).fit(["red cat", "blue dog"])
    with pytest.raises(ValueError, match=r"X has 2 columns, .*max_length=4"):
        seq.inverse_transform(np.array([[2, 3]]))
    assert seq.inverse_transform(np.array([[2, 3, 0, 0]])) == [["blue", "cat"]]
