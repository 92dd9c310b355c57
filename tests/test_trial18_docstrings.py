"""Trial 18: the plugin API and the fusion methods' public methods document
their parameters and what they return.

Found by introspection, so that a new public function or method without
its sections fails here:

- every function and class of ``skmultimodal.plugins.__all__`` (not the
  exceptions, the marker constants or the ``RegisterCallback`` protocol, a
  type), and every public method that a class of skmultimodal defines for
  those classes;
- every public method that a class of skmultimodal defines for the classes
  of ``skmultimodal.fusion.methods.__all__`` (their shared bases included,
  each method once).

Each has a Parameters section naming its signature's parameters, in order
(``*names``, ``**fit_params`` with their stars; a class: those of its
constructor; none: no section needed), a Returns (or Yields) section where
its code returns (or yields) a value, and a docstring of its own that
numpydoc parses.
"""

import ast
import importlib
import inspect
import textwrap
import warnings

import pytest
from sklearn.externals._numpydoc.docscrape import NumpyDocString

from tests.test_trial16_docstrings import section_names


def _defined_here(cls):
    return cls.__module__.split(".")[0] == "skmultimodal"


def _public_methods(cls):
    """``(qualified name, function)`` of each public method (properties and
    dunders aside) that a class of skmultimodal in ``cls``'s MRO defines."""
    for klass in cls.__mro__:
        if not _defined_here(klass):
            continue
        for name, attr in vars(klass).items():
            if isinstance(attr, (staticmethod, classmethod)):
                attr = attr.__func__
            if not name.startswith("_") and inspect.isfunction(attr):
                yield f"{klass.__module__}.{klass.__qualname__}.{name}", attr


def _objects():
    """Every object whose sections are checked, by qualified name (a method
    inherited by several classes appears once)."""
    found = {}
    plugins = importlib.import_module("skmultimodal.plugins")
    for name in plugins.__all__:
        obj = getattr(plugins, name)
        if inspect.isfunction(obj):
            found[f"{obj.__module__}.{obj.__qualname__}"] = obj
        elif (
            inspect.isclass(obj)
            and not issubclass(obj, BaseException)
            and not getattr(obj, "_is_protocol", False)  # a type, not an API
        ):
            found[f"{obj.__module__}.{obj.__qualname__}"] = obj
            found.update(_public_methods(obj))
    methods = importlib.import_module("skmultimodal.fusion.methods")
    for name in methods.__all__:
        found.update(_public_methods(getattr(methods, name)))
    return found


OBJECTS = _objects()


def _documented_params(obj):
    """The signature's parameters as numpydoc names them: ``self`` and
    ``cls`` left out, ``*args`` and ``**kwargs`` with their stars."""
    star = {
        inspect.Parameter.VAR_POSITIONAL: "*",
        inspect.Parameter.VAR_KEYWORD: "**",
    }
    names = []
    for p in inspect.signature(obj).parameters.values():
        if p.name not in ("self", "cls"):
            names.append(star.get(p.kind, "") + p.name)
    return names


def _outcome(func):
    """``"Yields"`` if ``func``'s own code yields, ``"Returns"`` if it
    returns a value (not a bare ``return`` or ``return None``), else None;
    nested functions, lambdas and classes are not ``func``'s code."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    body = tree.body[0]
    todo, outcome = list(body.body), None
    while todo:
        node = todo.pop()
        nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
        if isinstance(node, nested):
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return "Yields"
        if isinstance(node, ast.Return) and not (
            node.value is None
            or (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            outcome = "Returns"
        todo.extend(ast.iter_child_nodes(node))
    return outcome


def test_objects_found():
    # the introspection reaches what it should: functions, classes, their
    # methods, the fusion methods' own and shared ones
    plugins = "skmultimodal.plugins._core."
    methods = "skmultimodal.fusion._methods."
    for name in [
        "register_plugin",
        "disable_plugins",
        "Registry",
        "Registry.create",
        "RegistryEntry",
        "PluginManager.registries",
    ]:
        assert plugins + name in OBJECTS, name
    for name in [
        "ConcatFusion.fit",
        "_ClassScoreFusion.fit_transform",
        "StackFusion.fit_transform",
        "AttentionFusion.modality_weights",
        "LateFusion.get_feature_names_out",
    ]:
        assert methods + name in OBJECTS, name
    assert "skmultimodal.fusion._base.FusionMethod.set_modalities" in OBJECTS
    assert not any("RegisterCallback" in k or "Error" in k for k in OBJECTS)
    assert _outcome(OBJECTS[plugins + "disable_plugins"]) is None
    assert _outcome(OBJECTS[plugins + "get_registry"]) == "Returns"


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_parameters_section(name):
    obj = OBJECTS[name]
    params = _documented_params(obj)
    documented = section_names(obj, "Parameters")
    if documented is None:
        assert not params, f"{name}: no Parameters section for {params}"
    else:
        assert documented == params, (name, documented, params)


@pytest.mark.parametrize(
    "name", sorted(k for k, v in OBJECTS.items() if inspect.isfunction(v))
)
def test_returns_section(name):
    outcome = _outcome(OBJECTS[name])
    if outcome is not None:
        assert section_names(OBJECTS[name], outcome), f"{name}: no {outcome}"


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_docstring_parses_with_numpydoc(name):
    # its own: inspect.getdoc (which the sections are read with) would
    # otherwise give an override the docstring of the method it replaces
    assert OBJECTS[name].__doc__, f"{name}: no docstring of its own"
    doc = inspect.getdoc(OBJECTS[name])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        NumpyDocString(doc)
