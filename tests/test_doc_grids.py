"""The snippets of README.md, getting started, the choosing-features and
fusion guides and the plugin guide run and print what they claim, and every
parameter grid they show fits with ``error_score="raise"``: a grid that only
works on paper would give a user NaN scores and a FitFailedWarning.

The grids are fitted on a stratified 180-row subset of the emoji data with
2 folds, candidates in parallel (the snippets' own ``fit`` calls, where
present, run in full).
"""

import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, train_test_split

from skmultimodal.datasets import load_emoji
from tests._docs_runner import (
    assert_code_blocks_print_what_they_claim,
    documented_searches,
)

# fits every documented parameter grid
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "README.md": None,
    "docs/getting_started.md": None,
    "docs/user_guide/choosing_features.md": None,
    "docs/user_guide/fusion.md": None,
    "docs/user_guide/targets.md": None,
    "docs/plugins.md": "GridSearchCV",
}


@pytest.fixture(scope="module")
def subset():
    X, y = load_emoji(return_X_y=True)
    keep, _ = train_test_split(
        np.arange(len(y)), train_size=180, stratify=y, random_state=0
    )
    return X.iloc[np.sort(keep)], np.asarray(y)[np.sort(keep)]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_snippets_run_and_their_grids_fit(page, subset):
    namespaces = assert_code_blocks_print_what_they_claim(
        ROOT / page, containing=PAGES[page], shared=True
    )
    searches = documented_searches(namespaces)
    if page != "docs/user_guide/fusion.md":
        assert searches, f"{page} shows a grid; it must be executed"
    X, y = subset
    for name, search in searches:
        assert search.error_score == "raise", (
            f"{page}: {name} needs error_score='raise', so a failing candidate "
            "fails loudly instead of scoring NaN"
        )
        if hasattr(search, "best_estimator_"):
            continue  # the snippet fitted it itself
        search = clone(search).set_params(
            cv=StratifiedKFold(2, shuffle=True, random_state=0), n_jobs=2
        )
        search.fit(X, y)
        assert np.isfinite(search.cv_results_["mean_test_score"]).all()


_SEARCH = re.compile(r"\b(\w*(?:GridSearchCV|RandomizedSearchCV|SearchCV))\(")


def _calls(block):
    """The text of each search constructor call of a code block."""
    for match in _SEARCH.finditer(block):
        depth, end = 1, match.end()
        while depth and end < len(block):
            depth += {"(": 1, ")": -1}.get(block[end], 0)
            end += 1
        yield match.group(1), block[match.start() : end]


@pytest.mark.parametrize(
    "page",
    ["README.md", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("docs/**/*.md"))],
)
def test_every_documented_search_raises_on_a_failing_candidate(page):
    # pages outside PAGES run their snippets elsewhere; none may show a
    # search whose failing candidates would score NaN
    text = (ROOT / page).read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    missing = [
        call
        for block in blocks
        for name, call in _calls(block)
        if 'error_score="raise"' not in call
    ]
    assert not missing, f"{page}: searches without error_score='raise': {missing}"
