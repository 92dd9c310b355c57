"""Griffe extension for the documentation site: runtime class docstrings.

Some classes build their docstring with an f-string (``__doc__ = f\"\"\"...\"\"\"``)
so that parameter descriptions shared by several estimators are written
once. Griffe reads source code and sees no docstring for them; this
extension imports such a class and takes the docstring it has at run time.
"""

from __future__ import annotations

import importlib
import inspect

import griffe


class RuntimeDocstrings(griffe.Extension):
    """Give classes without a static docstring the one they have when imported."""

    def on_class_instance(self, *, cls: griffe.Class, **kwargs) -> None:
        if cls.docstring is not None or not cls.path.startswith("skmultimodal."):
            return
        try:
            live = getattr(importlib.import_module(cls.module.path), cls.name)
        except (ImportError, AttributeError):
            return
        doc = inspect.getdoc(live)
        if doc and live.__dict__.get("__doc__"):
            cls.docstring = griffe.Docstring(doc, parent=cls)
