"""The API reference (docs/api/*.md) documents the public API: every name in
the ``__all__`` of skmultimodal and of its public submodules is listed in
the ``members:`` of a ``::: module`` entry or has a ``::: module.name``
entry, each module entry lists its members (a module entry without a list
also renders the helpers outside ``__all__`` that have a docstring), and
every heading shows a public path.

The pages are parsed here; ``tests/test_docs.py`` builds the site with
``mkdocs build --strict``."""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import skmultimodal

yaml = pytest.importorskip("yaml")

API = Path(__file__).resolve().parents[1] / "docs" / "api"

# names deliberately left out of the API reference, with the reason
UNDOCUMENTED = {
    ("skmultimodal", "__version__"): "the version string, a packaging convention",
}


def _private(path):
    return any(p.startswith("_") and not p.startswith("__") for p in path.split("."))


def public_modules():
    """``{name: module}`` of skmultimodal and its submodules with an
    ``__all__``, none of whose path components is private."""
    found = {"skmultimodal": skmultimodal}
    for info in pkgutil.walk_packages(skmultimodal.__path__, "skmultimodal."):
        if not _private(info.name):
            module = importlib.import_module(info.name)
            if hasattr(module, "__all__"):
                found[info.name] = module
    return found


def api_entries():
    """``(page, identifier, options)`` of each ``::: identifier`` entry."""
    entries = []
    for page in sorted(API.glob("*.md")):
        text = page.read_text("utf-8") + "\n"
        for ident, block in re.findall(r"^::: *(\S+)\n((?:[ \t]+\S.*\n)*)", text, re.M):
            config = yaml.safe_load(block) if block.strip() else None
            entries.append((page.name, ident, (config or {}).get("options") or {}))
    return entries


def split(path, modules):
    """``(module, name)`` of a dotted path: its longest public-module prefix."""
    parts = path.split(".")
    for k in range(len(parts), 0, -1):
        if ".".join(parts[:k]) in modules:
            return ".".join(parts[:k]), ".".join(parts[k:])
    return None, path


def documented(modules):
    """``{(module, name)}`` the API pages render under a public heading."""
    found = set()
    for _, ident, options in api_entries():
        if _private(ident):
            if "heading" not in options:
                continue  # rendered without a heading (checked below)
            ident = options["heading"]
        module, name = split(ident, modules)
        if module is None:
            continue
        if name:
            found.add((module, name))
        else:
            found.update((module, n) for n in options.get("members") or ())
    return found


def test_every_public_name_is_in_the_api_reference():
    modules = public_modules()
    done = documented(modules)
    missing = []
    for module_name, module in modules.items():
        for name in module.__all__:
            if (module_name, name) in done or (module_name, name) in UNDOCUMENTED:
                continue
            if f"{module_name}.{name}" in modules:
                continue  # a public module: its own names are checked
            # the same object documented under another public path (a
            # re-export such as skmultimodal.make_multimodal_pipeline)
            obj = getattr(module, name)
            if any(
                n == name and getattr(modules[m], n) is obj
                for m, n in done
                if m != module_name
            ):
                continue
            missing.append(f"{module_name}.{name}")
    assert not missing, (
        f"public names missing from docs/api/*.md: {missing}; add each to the "
        "`members:` of its module's `::: module` entry (or to UNDOCUMENTED in "
        "this test, with the reason)"
    )


def test_module_entries_list_their_members_from_all():
    modules = public_modules()
    problems = []
    for page, ident, options in api_entries():
        if ident not in modules:
            continue
        members = options.get("members")
        public = modules[ident].__all__
        if not isinstance(members, list):
            problems.append(f"{page}: `::: {ident}` has no `members:` list")
            continue
        extra = [m for m in members if m not in public]
        if extra:
            problems.append(f"{page}: `::: {ident}` lists {extra}, not in __all__")
    assert not problems, problems


def test_headings_show_public_paths():
    modules = public_modules()
    problems = []
    for page, ident, options in api_entries():
        if not _private(ident):
            continue
        heading = options.get("heading")
        if heading is not None:
            module, name = split(heading, modules)
            public = module is not None and name in modules[module].__all__
            if _private(heading) or not public:
                problems.append(f"{page}: heading {heading!r} is not a public name")
        elif (
            options.get("show_root_heading") is not False
            or options.get("members") is not False
        ):
            problems.append(
                f"{page}: `::: {ident}` renders the private path; set `heading:` "
                "to its public path, or `show_root_heading: false` and "
                "`members: false` for a class users reach through another one"
            )
    assert not problems, problems


def test_api_pages_parse():
    entries = api_entries()
    assert {page for page, _, _ in entries} == {p.name for p in API.glob("*.md")}
    assert ("report.md", "skmultimodal.report") in {(p, i) for p, i, _ in entries}


def test_public_constants_have_a_docstring_the_reference_renders():
    """A constant in ``__all__`` (not a class, function or module) is shown
    by the API reference with its docstring: the string literal right after
    its assignment, which griffe reads (a ``#:`` comment is not rendered)."""
    griffe = pytest.importorskip("griffe")
    package = griffe.load("skmultimodal", search_paths=[str(API.parents[1])])
    undocumented = []
    for name, module in public_modules().items():
        for member in module.__all__:
            value = getattr(module, member)
            if callable(value) or isinstance(value, type(skmultimodal)):
                continue
            if (name, member) in UNDOCUMENTED:
                continue
            node = package[f"{name}.{member}".removeprefix("skmultimodal.")]
            if not (node.docstring and node.docstring.value.strip()):
                undocumented.append(f"{name}.{member}")
    assert not undocumented, f"constants without a docstring: {undocumented}"
