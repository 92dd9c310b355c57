"""Run the ``python`` code blocks of a doc page and check what they print.

A ``print(...)`` line states its expected output either in a trailing
comment (``print(x)  # 3``) or on the next line as a comment (``# 3``).
"""

import contextlib
import io
import re
from pathlib import Path

from threadpoolctl import threadpool_limits

USER_GUIDE = Path(__file__).resolve().parents[1] / "docs" / "user_guide"


def assert_code_blocks_print_what_they_claim(
    page, containing=None, shared=False, substitute=None
):
    """Execute every ``python`` block of ``page`` (those containing the
    string ``containing``, or one of a tuple of strings, if given) and
    compare its printed lines.

    Each block runs in a fresh namespace, or, with ``shared=True``, all run
    in one namespace in page order (as a reader pastes them into one
    session). ``substitute`` maps strings of the blocks to what runs in
    their place (e.g. a placeholder scheduler address to a test cluster's).
    Returns the namespace each block ran in, in page order.
    """
    blocks = re.findall(r"```python\n(.*?)```", page.read_text("utf-8"), re.S)
    if containing is not None:
        wanted = (containing,) if isinstance(containing, str) else containing
        blocks = [b for b in blocks if any(w in b for w in wanted)]
    assert blocks
    for old, new in (substitute or {}).items():
        blocks = [b.replace(old, new) for b in blocks]
    namespaces = []
    namespace = {}
    for block in blocks:
        lines = block.splitlines()
        expected = []
        for i, line in enumerate(lines):
            if not line.startswith("print("):
                continue
            if "#" in line:  # print(x)   # expected output
                expected.append(line.split("#", 1)[1].strip())
            elif i + 1 < len(lines) and lines[i + 1].startswith("# "):
                expected.append(lines[i + 1][2:].strip())
        out = io.StringIO()
        if not shared:
            namespace = {}
        # one BLAS thread: the examples are small, threads only contend
        with contextlib.redirect_stdout(out), threadpool_limits(1):
            exec(compile(block, str(page), "exec"), namespace)
        printed = [line.strip() for line in out.getvalue().splitlines()]
        assert printed == expected, block
        namespaces.append(namespace)
    return namespaces


def documented_searches(namespaces):
    """The hyper-parameter searches (GridSearchCV, RandomizedSearchCV, ...)
    that the executed blocks built, as ``(name, search)`` pairs."""
    from sklearn.model_selection._search import BaseSearchCV

    return [
        (name, value)
        for namespace in namespaces
        for name, value in namespace.items()
        if isinstance(value, BaseSearchCV)
    ]
