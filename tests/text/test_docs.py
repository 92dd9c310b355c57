"""The code blocks of docs/user_guide/text.md run, and print what the page says."""

import contextlib
import io
import re
from pathlib import Path

from threadpoolctl import threadpool_limits

PAGE = Path(__file__).resolve().parents[2] / "docs" / "user_guide" / "text.md"


def test_user_guide_code_blocks_run_and_print_what_they_claim():
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text("utf-8"), re.S)
    assert blocks
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
        # one BLAS thread: the examples are small, threads only contend
        with contextlib.redirect_stdout(out), threadpool_limits(1):
            exec(compile(block, str(PAGE), "exec"), {})
        printed = [line.strip() for line in out.getvalue().splitlines()]
        assert printed == expected, block
