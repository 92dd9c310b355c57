"""The modules of the package import each other without a cycle.

The graph has an edge A -> B when module A imports module B at module level
(``import B``, ``from B import x`` or ``from . import B``, relative imports
resolved); imports inside functions, which run later, do not count, and
neither do those under ``if TYPE_CHECKING:``. Importing ``pkg.sub`` also runs
``pkg/__init__.py``, so it is an edge to ``pkg`` as well.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "skmultimodal"


def _module_names():
    """``{dotted module name: path}`` of every module of the package."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _top_level_imports(tree):
    """Import statements run when the module is imported: at module level,
    including inside ``if``/``try``/``with`` blocks, but not in functions,
    classes or ``if TYPE_CHECKING:``."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            test = ast.unparse(node.test)
            if "TYPE_CHECKING" not in test:
                stack.extend(node.body)
            stack.extend(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                stack.extend(block)
            for handler in node.handlers:
                stack.extend(handler.body)
        elif isinstance(node, ast.With):
            stack.extend(node.body)


def _targets(name, is_package, node, modules):
    """``(modules the import statement names, their parent packages)``: the
    package modules an import statement in module ``name`` runs."""
    if isinstance(node, ast.Import):
        named = [alias.name for alias in node.names]
    else:
        if node.level:
            base = name.split(".")
            base = base[: len(base) - node.level + (1 if is_package else 0)]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module
        # ``from pkg import sub`` imports the submodule ``pkg.sub``; ``from
        # pkg import name`` needs pkg's __init__ to have run
        named = [
            f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in modules else prefix
            for a in node.names
        ]
    explicit = {m for m in named if m in modules}
    parents = {
        ".".join(m.split(".")[:i])
        for m in named
        for i in range(1, len(m.split(".")))
        if ".".join(m.split(".")[:i]) in modules
    }
    return explicit, parents - explicit


def import_graph():
    """``{module: set of the package modules it imports at module level}``.

    The packages holding a module are being imported already when it runs:
    reaching one of them only as the parent of an imported submodule is no
    edge, naming it (``from pkg import name`` inside ``pkg``) is one."""
    modules = _module_names()
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text("utf-8"), str(path))
        is_package = path.name == "__init__.py"
        ancestors = {
            ".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)
        }
        edges = set()
        for node in _top_level_imports(tree):
            explicit, parents = _targets(name, is_package, node, modules)
            edges |= explicit | (parents - ancestors)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph):
    """One cycle of ``graph`` as a list of modules (first == last), or None."""
    state = {}  # 1: on the current path, 2: done

    def visit(node, path):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt, path)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [])
            if cycle:
                return cycle
    return None


def test_the_graph_sees_relative_and_absolute_imports():
    graph = import_graph()
    assert (
        "skmultimodal.model_selection._compare" in graph["skmultimodal.model_selection"]
    )
    assert "skmultimodal.utils._io" in graph["skmultimodal.utils"]
    # imports inside functions do not count: the command line imports the
    # library only when a command runs
    assert not {m for m in graph["skmultimodal.cli"] if "model_selection" in m}


def test_find_cycle_reports_the_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)
