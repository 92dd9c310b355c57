"""The docs example scripts: figures are written through ``atomic_write`` (an
interrupted savefig leaves the old figure, never a truncated one) and
``SKMULTIMODAL_EXAMPLE_ROWS=0`` means "all rows" in every script."""

import ast
import math
import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_saves_its_figure_inside_atomic_write(script):
    tree = ast.parse((EXAMPLES / script).read_text())
    handles = {
        item.optional_vars.id
        for node in ast.walk(tree)
        if isinstance(node, ast.With)
        for item in node.items
        if isinstance(item.context_expr, ast.Call)
        and getattr(item.context_expr.func, "id", None) == "atomic_write"
        and isinstance(item.optional_vars, ast.Name)
    }
    saves = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "savefig"
    ]
    assert saves, f"{script} draws no figure"
    for call in saves:
        target = call.args[0]
        assert isinstance(target, ast.Name) and target.id in handles, (
            f"{script}:{call.lineno} saves to {ast.unparse(target)}, not to the file "
            "of a `with atomic_write(path) as fh` block"
        )


def test_interrupted_savefig_leaves_the_old_figure(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    pytest.importorskip("skimage")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    def interrupted(self, fname, *args, **kwargs):
        data = b"\x89PNG\r\n\x1a\n partial"
        if hasattr(fname, "write"):
            fname.write(data)
        else:
            Path(fname).write_bytes(data)
        raise KeyboardInterrupt("savefig interrupted")

    old = tmp_path / "hog.png"
    old.write_bytes(b"the committed figure")
    monkeypatch.setenv("SKMULTIMODAL_FIGURE_DIR", str(tmp_path))
    monkeypatch.setattr(Figure, "savefig", interrupted)
    try:
        with pytest.raises(KeyboardInterrupt, match="savefig interrupted"):
            runpy.run_path(str(EXAMPLES / "plot_hog.py"), run_name="__main__")
    finally:
        plt.close("all")
    assert old.read_bytes() == b"the committed figure"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hog.png"]


class _Fitted(Exception):
    pass


class _StubPipeline:
    """Stands in for the attention pipeline: records what it is fitted on."""

    def __init__(self):
        self.params = {}

    def set_params(self, **params):
        self.params.update(params)
        return self

    def fit(self, X, y):
        raise _Fitted(len(X), self.params)


@pytest.mark.parametrize(
    ("rows", "expected_epochs"), [("0", None), ("", None), ("150", 2)]
)
def test_image_attention_rows_zero_means_all_rows(monkeypatch, rows, expected_epochs):
    pytest.importorskip("matplotlib")
    import skmultimodal
    from skmultimodal.datasets import load_emoji

    n_rows = len(load_emoji(return_X_y=True)[1])
    monkeypatch.setenv("SKMULTIMODAL_EXAMPLE_ROWS", rows)
    monkeypatch.setattr(skmultimodal, "make_multimodal_pipeline", _stub_factory)
    with pytest.raises(_Fitted) as fitted:
        runpy.run_path(str(EXAMPLES / "plot_image_attention.py"), run_name="__main__")
    n_train, params = fitted.value.args
    expected_rows = n_rows if expected_epochs is None else int(rows)
    # the script holds out 20% (train_test_split rounds the test share up)
    assert n_train == expected_rows - math.ceil(0.2 * expected_rows)
    assert params.get("classifier__epochs") == expected_epochs


def _stub_factory(**kwargs):
    return _StubPipeline()
