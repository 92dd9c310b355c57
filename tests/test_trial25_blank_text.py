"""A text of zero-width characters (U+200B, U+200C, U+200D, U+2060, a stray
byte-order mark U+FEFF), alone or among spaces, shows nothing: it is missing
wherever an empty or whitespace-only text is, on every path that decides
it (``is_missing``, the composites' mask of object, ``string`` and NumPy
``str`` columns, the Keras text encoder)."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from skmultimodal.fusion import ModalityFusion
from skmultimodal.fusion._columns import missing_mask
from skmultimodal.utils import is_missing
from skmultimodal.utils._validation import is_blank

BLANK = ["\u200b", "\ufeff", " \u200c\u200d ", "\u2060\t\u200b", "\u3000\u200b"]
SHOWN = ["x\u200b", "\u200bx", "\ufeffcat", "a", "\u200b \u00e9"]


@pytest.mark.parametrize("text", BLANK)
def test_a_text_of_zero_width_characters_is_missing(text):
    assert is_blank(text)
    assert is_missing(text)


@pytest.mark.parametrize("text", SHOWN)
def test_a_text_with_a_character_that_shows_is_not_missing(text):
    assert not is_blank(text)
    assert not is_missing(text)


def test_bytes_are_blank_when_they_show_nothing_as_utf8():
    # bytes are read as a text is (scikit-learn's vectorizers decode them):
    # whitespace and zero-width characters only are blank; an image's bytes
    # (a PNG's signature first) or bytes that are not UTF-8 never are
    assert is_blank(b"") and is_blank(b" \t")
    assert is_blank("\u200b".encode()) and is_missing(" \ufeff ".encode())
    # as a str is: Unicode whitespace too (a no-break space, an ideographic one)
    assert is_blank("\u00a0".encode()) and is_blank("\u3000 ".encode())
    assert not is_blank(b"\x89PNG\r\n\x1a\n") and not is_blank(b"\xe2\x80")


@pytest.mark.parametrize("kind", ["object", "string", "numpy-str", "list"])
def test_every_column_kind_gives_the_same_mask(kind):
    values = ["cat", *BLANK, *SHOWN, "", " "]
    expected = [False] + [True] * len(BLANK) + [False] * len(SHOWN) + [True, True]
    data = {
        "object": pd.Series(values, dtype=object),
        "string": pd.Series(values, dtype="string"),
        "numpy-str": np.array(values),
        "list": values,
    }[kind]
    assert missing_mask(data).tolist() == expected
    assert [is_missing(v) for v in values] == expected


def test_a_zero_width_text_is_a_missing_modality_in_the_fusion():
    y = np.arange(12) % 2
    X = pd.DataFrame(
        {
            "num": np.arange(12.0) + 3 * y,
            "text": [["cat", "dog"][c] + " animal" for c in y],
        }
    )
    X.loc[3, "text"] = "\u200b\ufeff"
    fusion = ModalityFusion(
        [
            ("num", "passthrough", ["num"]),
            ("text", TfidfVectorizer(), "text"),
        ],
        method="concat",
        missing="raise",
    )
    with pytest.raises(ValueError, match=r"modality 'text' is missing.*row 3"):
        fusion.fit(X, y)
    out = fusion.set_params(missing="zero").fit_transform(X, y)
    out = out.toarray() if sparse.issparse(out) else out
    text_columns = [n.startswith("text__") for n in fusion.get_feature_names_out()]
    assert not out[3][text_columns].any()
    assert out[2][text_columns].any()
