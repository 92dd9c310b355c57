"""TextCleaner(remove_html=True): tags and comments become spaces, character
references are decoded once, a "<" that starts no tag is text, in linear
time, before the other steps (a link's URL goes with its tag)."""

import pytest

from skmultimodal.text import TextCleaner


def _clean(texts, **params):
    return list(TextCleaner(remove_html=True, **params).fit_transform(texts))


def test_tags_become_spaces_and_references_are_decoded():
    texts = [
        "<p>Soft <b>cotton</b> &amp; linen&nbsp;shirt<br/>size&#8239;M</p>",
        "<!-- internal note -->Caf&eacute; cr&#xE8;me",
        '<A HREF="https://x.org/?a=1&amp;b=2">Link</A>',
    ]
    assert _clean(texts) == [
        "soft cotton & linen shirt size m",  # no-break spaces collapse too
        "café crème",
        "link",  # the URL was inside the tag
    ]


def test_references_are_decoded_once_and_decoded_markup_is_text():
    # "&lt;b&gt;" is the text "<b>" in HTML, and "&amp;amp;" the text "&amp;"
    assert _clean(["&lt;b&gt; &amp;amp;"], lowercase=False) == ["<b> &amp;"]


def test_a_less_than_sign_that_starts_no_tag_is_text():
    assert _clean(["a < b and c > d", "x<3 y", "1 <= 2"]) == [
        "a < b and c > d",
        "x<3 y",
        "1 <= 2",
    ]


def test_off_by_default():
    text = "<b>bold</b> &amp;"
    assert TextCleaner(lowercase=False).fit_transform([text])[0] == text


@pytest.mark.parametrize("run", ["<a" * 100_000, "<" * 200_000, "<!" + "-" * 200_000])
def test_unclosed_tags_are_text_on_long_runs(run):
    # 200,000 characters of tag starts: a pattern rescanning the rest of the
    # run from each "<" would take hours (as the URL pattern's test)
    assert _clean([run + " end"], lowercase=False) == [run + " end"]
