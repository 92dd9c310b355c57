"""Word-vector files: clear messages for tab-separated, multiply-spaced and
compressed files, and every line's values checked whatever the texts."""

import bz2
import gzip
import lzma
import zipfile

import pytest

from skmultimodal.text import TextFeatures, read_word_vectors


@pytest.mark.parametrize(
    "content, line, says",
    [
        (
            "cat  1  0\n",
            1,
            "the line has values separated by more than one space ('cat  1  0'); "
            "expected a word and its values, separated by single spaces",
        ),
        (
            "cat 1 0\ndog 0  1\n",
            2,
            "values separated by more than one space ('dog 0  1'); expected 2 "
            "values after the word, separated by single spaces",
        ),
        ("cat\t1\t0\n", 1, "the line is tab-separated ('cat\\t1\\t0')"),
        ("2 2\ncat 1 0\ndog\t0\t1\n", 3, "the line is tab-separated"),
        ("cat 1 0\ndog 0\t1\n", 2, "the line is tab-separated"),
        (" cat 1 0\n", 1, "the line starts with a space"),
    ],
)
def test_spacing_errors_say_what_is_wrong(tmp_path, content, line, says):
    path = tmp_path / "v.txt"
    path.write_text(content, "utf-8")
    with pytest.raises(ValueError, match=f"v.txt', line {line}: ") as exc:
        read_word_vectors(path)
    message = str(exc.value)
    assert says in message
    assert "value(s) after the word" not in message  # no miscounted fields
    assert "a word without values" not in message


def test_a_tab_inside_a_word_is_still_accepted(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("cat 1 0\na\tb 0 1\n", "utf-8")
    vocabulary, _, _ = read_word_vectors(path)
    assert vocabulary == {"cat": 0, "a\tb": 1}


@pytest.mark.parametrize(
    "name, compress, says",
    [
        (
            "v.txt.gz",
            gzip.compress,
            "is gzip-compressed: decompress it first (e.g. gunzip",
        ),
        ("v.txt.bz2", bz2.compress, "is bzip2-compressed: decompress it first"),
        ("v.txt.xz", lzma.compress, "is xz-compressed: decompress it first (e.g. unxz"),
        ("v.zip", None, "is a zip archive: extract the vector file first (e.g. unzip"),
    ],
)
def test_compressed_files_are_named_as_such(tmp_path, name, compress, says):
    path = tmp_path / name
    data = b"cat 1 0\ndog 0 1\n"
    if compress is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("v.txt", data)
    else:
        path.write_bytes(compress(data))
    with pytest.raises(ValueError, match="word-vector file .*" + name) as exc:
        read_word_vectors(path)
    assert says in str(exc.value)
    assert "NUL bytes" not in str(exc.value) and "utf-8" not in str(exc.value)


@pytest.mark.parametrize(
    "bad, line",
    [("foo x y", 2), ("foo nan inf", 2), ("foo 1e39 0", 2), ("foo 1.2.3 0", 2)],
)
def test_values_are_parsed_for_the_words_used(tmp_path, bad, line):
    """As docs/user_guide/text.md says: a bad value is refused, naming its
    line, when its word is kept (every word, or a word of the texts); on the
    line of a word no text uses it is not parsed (the read stays fast), while
    the line's layout is checked whatever the words."""
    path = tmp_path / "v.txt"
    path.write_text(f"cat 1 0\n{bad}\n", "utf-8")
    for words in (None, {"foo"}):
        with pytest.raises(ValueError, match=f"line {line}: the values of .* finite"):
            read_word_vectors(path, words)
    with pytest.raises(ValueError, match=f"line {line}: the values of"):
        TextFeatures("word_vectors", method_params={"path": str(path)}).fit(["foo"])
    vocabulary, _, info = read_word_vectors(path, {"cat"})
    assert vocabulary == {"cat": 0} and info["n_vectors"] == 2
    path.write_text("cat 1 0\nfoo 1 0 0\n", "utf-8")  # one value too many
    with pytest.raises(ValueError, match="line 2: 3 value"):
        read_word_vectors(path, {"cat"})
