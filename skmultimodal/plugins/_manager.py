"""The plugin manager and the registries it fills.

Nothing here runs at ``import skmultimodal``: the first call to
:func:`get_registry` (made by an estimator's ``fit`` or by
:func:`list_plugins`) registers the built-in plugins, loads the
``skmultimodal`` entry-point group once, and calls each hook implementation
separately so that one broken plugin cannot take the others down.
"""

from __future__ import annotations

import importlib
import os
import threading
import warnings
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pluggy

from . import _hookspecs
from ._hookspecs import ENTRY_POINT_GROUP, PROJECT_NAME
from ._interfaces import (
    PluginInterfaceError,
    validate_feature_extractor,
    validate_fusion_method,
    validate_name,
)

DISABLE_AUTOLOAD_ENV = "SKMULTIMODAL_DISABLE_PLUGIN_AUTOLOAD"

# kind -> (hook name, validator, human label, estimator parameter it feeds)
KINDS: dict[str, tuple[str, Any, str, str]] = {
    "fusion_method": (
        "skmultimodal_register_fusion_methods",
        validate_fusion_method,
        "fusion method",
        "ModalityFusion(method=...)",
    ),
    "image_features": (
        "skmultimodal_register_image_features",
        validate_feature_extractor,
        "image feature extractor",
        "ImageFeatures(method=...)",
    ),
    "text_features": (
        "skmultimodal_register_text_features",
        validate_feature_extractor,
        "text feature extractor",
        "TextFeatures(method=...)",
    ),
}

# Built-in methods are plugins too, registered through the very same hooks.
BUILTIN_PLUGINS = (
    "skmultimodal.image._plugin",
    "skmultimodal.text._plugin",
    "skmultimodal.fusion._plugin",
)


class PluginWarning(UserWarning):
    """A plugin was skipped; the message names its distribution and why."""


class DuplicateNameError(ValueError):
    """Two providers registered the same name for the same kind."""


@dataclass(frozen=True)
class RegistryEntry:
    """One registered name."""

    name: str
    kind: str
    obj: Any
    plugin: str
    distribution: str
    version: str


@dataclass
class _Provider:
    distribution: str
    version: str
    plugin: str


@dataclass
class PluginFailure:
    """A plugin (or one of its registrations) that was skipped."""

    plugin: str
    distribution: str
    version: str
    reason: str


class Registry:
    """Names of one kind (e.g. ``"fusion_method"``) and the classes behind them."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, RegistryEntry] = {}

    @property
    def label(self) -> str:
        return KINDS[self.kind][2]

    def names(self) -> list[str]:
        """Sorted registered names."""
        return sorted(self._entries)

    def entries(self) -> list[RegistryEntry]:
        return [self._entries[n] for n in self.names()]

    def __contains__(self, name) -> bool:
        return name in self._entries

    def __iter__(self):
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, name: str) -> RegistryEntry:
        try:
            return self._entries[name]
        except (KeyError, TypeError):
            raise ValueError(
                f"Unknown {self.label} {name!r}. Available {self.label}s "
                f"(plugins included): {', '.join(self.names()) or 'none'}."
            ) from None

    def get(self, name: str) -> Any:
        """The class registered under ``name``; ValueError listing the names
        available when it is unknown."""
        return self.entry(name).obj


class PluginManager:
    """Owns the pluggy manager, loads plugins once and builds the registries."""

    def __init__(self):
        self._lock = threading.RLock()
        self._pm = pluggy.PluginManager(PROJECT_NAME)
        self._pm.add_hookspecs(_hookspecs)
        self._providers: dict[int, _Provider] = {}
        self._registries: dict[str, Registry] | None = None
        self._failures: list[PluginFailure] = []
        self._builtins_loaded = False
        self._entry_points_loaded = False

    # -- loading -----------------------------------------------------------
    def _fail(self, provider: _Provider, reason: str) -> None:
        self._failures.append(
            PluginFailure(
                provider.plugin, provider.distribution, provider.version, reason
            )
        )
        warnings.warn(
            f"skmultimodal plugin {provider.plugin!r} from distribution "
            f"{provider.distribution} {provider.version} was skipped: {reason}",
            PluginWarning,
            stacklevel=4,
        )

    def _register_plugin(self, plugin, provider: _Provider) -> bool:
        try:
            self._pm.register(plugin, name=provider.plugin)
        except Exception as exc:
            self._fail(provider, f"{type(exc).__name__}: {exc}")
            return False
        self._providers[id(plugin)] = provider
        return True

    def _load_builtins(self) -> None:
        if self._builtins_loaded:
            return
        from skmultimodal import __version__

        for modname in BUILTIN_PLUGINS:
            module = importlib.import_module(modname)
            self._register_plugin(
                module, _Provider(PROJECT_NAME, __version__, f"builtin:{modname}")
            )
        self._builtins_loaded = True

    def _load_entry_points(self) -> None:
        if self._entry_points_loaded:
            return
        self._entry_points_loaded = True
        if os.environ.get(DISABLE_AUTOLOAD_ENV, "").strip() not in ("", "0"):
            return
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            dist = getattr(ep, "dist", None)
            provider = _Provider(
                dist.metadata["Name"] if dist is not None else "<unknown>",
                dist.version if dist is not None else "?",
                ep.name,
            )
            if self._pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                self._fail(provider, f"import failed: {type(exc).__name__}: {exc}")
                continue
            self._register_plugin(plugin, provider)

    def _build(self) -> dict[str, Registry]:
        registries = {kind: Registry(kind) for kind in KINDS}
        for kind, (hookname, *_) in KINDS.items():
            caller = getattr(self._pm.hook, hookname)
            # Built-ins are registered first so that they win name clashes;
            # pluggy lists implementations last-registered first.
            for impl in reversed(caller.get_hookimpls()):
                provider = self._providers.get(
                    id(impl.plugin), _Provider("<unknown>", "?", impl.plugin_name)
                )
                kwargs = {"register": self._registrar(registries[kind], provider)}
                try:
                    impl.function(*(kwargs[a] for a in impl.argnames))
                except Exception as exc:
                    self._fail(
                        provider,
                        f"hook {hookname} raised {type(exc).__name__}: {exc}",
                    )
        return registries

    def _registrar(self, registry: Registry, provider: _Provider):
        """The ``register`` callback handed to one plugin for one kind: it
        validates, records the provider, and reports (then skips) a bad or
        duplicate registration instead of raising into the plugin."""
        kind = registry.kind
        validator, label = KINDS[kind][1], KINDS[kind][2]

        def register(name, obj):
            try:
                validate_name(name)
                validator(obj)
                old = registry._entries.get(name)
                if old is not None:
                    raise DuplicateNameError(
                        f"{label} name {name!r} is already registered by "
                        f"{old.distribution} {old.version} (plugin "
                        f"{old.plugin!r}); refused from {provider.distribution} "
                        f"{provider.version} (plugin {provider.plugin!r})"
                    )
            except (PluginInterfaceError, DuplicateNameError) as exc:
                self._fail(provider, f"registration of {name!r} refused: {exc}")
                return
            registry._entries[name] = RegistryEntry(
                name,
                kind,
                obj,
                provider.plugin,
                provider.distribution,
                provider.version,
            )

        return register

    def registries(self) -> dict[str, Registry]:
        with self._lock:
            if self._registries is None:
                self._load_builtins()
                self._load_entry_points()
                self._registries = self._build()
            return self._registries

    # -- public operations ---------------------------------------------------
    def register(self, plugin, name=None, distribution="<local>", version="") -> None:
        """Register a plugin object (module or instance with hook
        implementations) by hand; the registries are rebuilt on next use."""
        with self._lock:
            self.registries()
            name = name or getattr(plugin, "__name__", None) or repr(plugin)
            provider = _Provider(distribution, version, name)
            if self._register_plugin(plugin, provider):
                self._registries = None

    def unregister(self, plugin) -> None:
        with self._lock:
            self._pm.unregister(plugin)
            self._providers.pop(id(plugin), None)
            self._registries = None

    def failures(self) -> list[PluginFailure]:
        self.registries()
        return list(self._failures)

    def reset(self) -> None:
        """Forget everything; the next use loads plugins again."""
        with self._lock:
            self.__init__()


_MANAGER = PluginManager()


def get_plugin_manager() -> PluginManager:
    return _MANAGER


def get_registry(kind: str) -> Registry:
    """The registry of one kind: ``"fusion_method"``, ``"image_features"`` or
    ``"text_features"``. Loads plugins on first use."""
    if kind not in KINDS:
        raise ValueError(f"Unknown registry kind {kind!r}; one of {sorted(KINDS)}")
    return _MANAGER.registries()[kind]


def register_plugin(plugin, name=None) -> None:
    """Register a plugin object by hand (tests, notebooks)."""
    _MANAGER.register(plugin, name=name)


def unregister_plugin(plugin) -> None:
    """Undo :func:`register_plugin`."""
    _MANAGER.unregister(plugin)


def list_plugins() -> list[dict]:
    """Every registered name with its kind and the distribution that provided it.

    Returns
    -------
    list of dict
        Keys ``name``, ``kind``, ``distribution``, ``version``, ``plugin``,
        sorted by kind then name.
    """
    out = []
    for kind, registry in _MANAGER.registries().items():
        for e in registry.entries():
            out.append(
                {
                    "name": e.name,
                    "kind": kind,
                    "distribution": e.distribution,
                    "version": e.version,
                    "plugin": e.plugin,
                }
            )
    return sorted(out, key=lambda d: (d["kind"], d["name"]))
