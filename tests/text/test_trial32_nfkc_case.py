"""The default text branch normalises its lower-cased texts to NFKC, which
writes some compatibility characters with capitals (``"㎓"`` is ``"GHz"``,
``"™"`` ``"TM"``, ``"№"`` ``"No"``): those came out as capitalised words,
other features than the same words typed. A lower-cased text now stays
lower-cased; a vectorizer with ``lowercase=False`` keeps its capitals."""

import numpy as np
import pandas as pd

from skmultimodal import make_multimodal_pipeline
from skmultimodal.text._cleaner import nfkc

PAIRS = [
    ("Router 5㎓ dual band", "router 5ghz dual band"),
    ("Acme ™ kettle", "acme tm kettle"),
    ("№5 parfum", "no5 parfum"),
    ("ｆｕｌｌ width", "full width"),
    ("Café", "cafe\u0301"),
]


def test_a_lower_cased_text_stays_lower_cased():
    assert nfkc("router 5㎓") == "router 5ghz"
    assert nfkc("acme™") == "acmetm"
    assert nfkc("İstanbul".lower()) == "istanbul"
    # a text with capitals (a vectorizer with lowercase=False) keeps them
    assert nfkc("Router 5㎓") == "Router 5GHz"
    assert nfkc("Full") == "Full"


def test_the_default_text_branch_gives_each_pair_one_row_of_features():
    texts = [t for pair in PAIRS for t in pair]
    X = pd.DataFrame({"t": texts})
    y = np.arange(len(texts)) % 2
    model = make_multimodal_pipeline(image=None, text="t", method="concat")
    model.fit(X, y)
    branch = model["fusion"].named_transformers_["text"]
    Z = branch.transform(X["t"])
    Z = Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z)
    for k in range(len(PAIRS)):
        np.testing.assert_allclose(Z[2 * k], Z[2 * k + 1], err_msg=PAIRS[k][0])
    words = branch["features"].transformer_list[0][1].get_feature_names_out()
    assert all(w == w.lower() for w in words)
