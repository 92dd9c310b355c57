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


def assert_code_blocks_print_what_they_claim(page, containing=None, shared=False):
    """Execute every ``python`` block of ``page`` (those containing the
    string ``containing``, if given) and compare its printed lines.

    Each block runs in a fresh namespace, or, with ``shared=True``, all run
    in one namespace in page order (as a reader pastes them into one
    session). Returns the namespace each block ran in, in page order.
    """
    blocks = re.findall(r"```python\n(.*?)```", page.read_text("utf-8"), re.S)
    if containing is not None:
        blocks = [b for b in blocks if containing in b]
    assert blocks
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
