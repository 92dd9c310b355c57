"""The plugin manager and the registries it fills.

Nothing here runs at ``import skmultimodal``: the first call to
:func:`get_registry` (made by an estimator's ``fit`` or by
:func:`list_plugins`) registers the built-in plugins, loads the
``skmultimodal`` entry-point group once, and calls each hook implementation
separately so that one broken plugin cannot take the others down.

Order is deterministic: built-ins first, then entry points (sorted by
distribution and entry-point name), then plugins registered by hand, in the
order they were registered. The first provider of a name keeps it; later ones
are refused with a :class:`PluginWarning` naming both sides.
"""

from __future__ import annotations

import importlib
import itertools
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
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
_FALSE_VALUES = ("", "0", "false", "no", "off")

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
_HOOK_NAMES = frozenset(spec[0] for spec in KINDS.values())

# Built-in methods are plugins too, registered through the very same hooks.
BUILTIN_PLUGINS = (
    "skmultimodal.image._plugin",
    "skmultimodal.text._plugin",
    "skmultimodal.fusion._plugin",
)


class PluginWarning(UserWarning):
    """A plugin or one of its registrations was skipped.

    The message names the plugin, its distribution and version, and the
    reason. Each distinct problem is warned once per process.
    """


class DuplicateNameError(ValueError):
    """Two providers registered the same name for the same kind."""


@dataclass(frozen=True)
class RegistryEntry:
    """One registered name.

    Attributes
    ----------
    name : str
        The public name, e.g. ``"hog"``.
    kind : str
        One of :data:`KINDS`.
    obj : type
        The registered class.
    plugin : str
        The plugin that registered it (entry-point name, ``builtin:<module>``
        or the name given to :func:`register_plugin`).
    distribution, version : str
        The distribution that provided the plugin and its version.
    """

    name: str
    kind: str
    obj: Any
    plugin: str
    distribution: str
    version: str


@dataclass(frozen=True)
class PluginFailure:
    """A plugin, or one of its registrations, that was skipped.

    Attributes
    ----------
    plugin, distribution, version : str
        Who was skipped.
    reason : str
        Why, in one line.
    name, kind : str or None
        The refused name and its kind when a single registration was refused;
        None when the whole plugin (or one of its hooks) failed.
    """

    plugin: str
    distribution: str
    version: str
    reason: str
    name: str | None = None
    kind: str | None = None


@dataclass
class _Provider:
    distribution: str
    version: str
    plugin: str
    order: int = 0
    # Problems already warned about for this provider (warn once).
    warned: set[str] = field(default_factory=set)


class Registry:
    """Names of one kind (e.g. ``"fusion_method"``) and the classes behind them.

    Obtain it with :func:`get_registry`; it is rebuilt when plugins are
    registered or unregistered by hand.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, RegistryEntry] = {}

    @property
    def label(self) -> str:
        """Human name of the kind, e.g. ``"fusion method"``."""
        return KINDS[self.kind][2]

    def names(self) -> list[str]:
        """Sorted registered names."""
        return sorted(self._entries)

    def entries(self) -> list[RegistryEntry]:
        """The entries, sorted by name."""
        return [self._entries[n] for n in self.names()]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, names={self.names()})"

    def entry(self, name: str) -> RegistryEntry:
        """The :class:`RegistryEntry` of ``name``.

        Raises
        ------
        ValueError
            If ``name`` is not registered; the message lists the names that
            are.
        """
        try:
            return self._entries[name]
        except (KeyError, TypeError):
            raise ValueError(
                f"Unknown {self.label} {name!r}. Available {self.label}s "
                f"(plugins included): {', '.join(self.names()) or 'none'}. "
                "See skmultimodal.plugins.list_plugins() or `skmultimodal "
                "plugins` for what is installed and what was skipped."
            ) from None

    def get(self, name: str) -> Any:
        """The class registered under ``name``.

        Raises
        ------
        ValueError
            If ``name`` is not registered; the message lists the names that
            are.
        """
        return self.entry(name).obj


class PluginManager:
    """Owns the pluggy manager, loads plugins once and builds the registries.

    There is one per process, returned by :func:`get_plugin_manager`; use the
    module-level functions rather than instantiating this class.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._pm = pluggy.PluginManager(PROJECT_NAME)
        self._pm.add_hookspecs(_hookspecs)
        self._providers: dict[int, _Provider] = {}
        self._counter = itertools.count()
        self._registries: dict[str, Registry] | None = None
        # Failures while loading plugins (persist) and while calling their
        # hooks (recomputed with every build of the registries).
        self._load_failures: list[PluginFailure] = []
        self._build_failures: list[PluginFailure] = []
        # Warn-once keys of plugins that never got a provider record.
        self._warned: set[tuple[str, str, str]] = set()
        self._builtins_loaded = False
        self._entry_points_loaded = False

    # -- reporting -----------------------------------------------------------
    def _fail(
        self,
        provider: _Provider,
        reason: str,
        *,
        persistent: bool,
        name: str | None = None,
        kind: str | None = None,
    ) -> None:
        failure = PluginFailure(
            provider.plugin, provider.distribution, provider.version, reason, name, kind
        )
        (self._load_failures if persistent else self._build_failures).append(failure)
        if reason in provider.warned:
            return
        provider.warned.add(reason)
        key = (provider.plugin, provider.distribution, reason)
        if persistent:
            # A plugin that never loaded is never retried, but guard anyway.
            if key in self._warned:
                return
            self._warned.add(key)
        version = f" {provider.version}" if provider.version else ""
        warnings.warn(
            f"skmultimodal plugin {provider.plugin!r} from distribution "
            f"{provider.distribution}{version} was skipped: {reason}",
            PluginWarning,
            stacklevel=2,
        )

    # -- loading -------------------------------------------------------------
    def _register_plugin(
        self, plugin: Any, provider: _Provider, *, builtin: bool = False
    ) -> bool:
        """Register ``plugin`` with pluggy; report and skip it when it cannot be."""
        if self._pm.is_registered(plugin):
            other = self._providers.get(id(plugin))
            where = f" as {other.plugin!r}" if other else ""
            self._fail(provider, f"it is already registered{where}", persistent=True)
            return False
        if self._pm.has_plugin(provider.plugin):
            other = self._pm.get_plugin(provider.plugin)
            owner = self._providers.get(id(other))
            who = f" by distribution {owner.distribution}" if owner else ""
            self._fail(
                provider,
                f"plugin name {provider.plugin!r} is already used{who}",
                persistent=True,
            )
            return False
        try:
            self._pm.register(plugin, name=provider.plugin)
        except Exception as exc:
            self._fail(provider, f"{type(exc).__name__}: {exc}", persistent=True)
            return False
        hooks = {hc.name for hc in self._pm.get_hookcallers(plugin) or ()}
        unknown = sorted(hooks - _HOOK_NAMES)
        # A third-party plugin without any hook almost always forgot the
        # @hookimpl marker; say so rather than silently doing nothing.
        if unknown or (not hooks and not builtin):
            self._pm.unregister(plugin)
            detail = (
                f"it implements unknown hook(s) {', '.join(unknown)}"
                if unknown
                else "it implements no skmultimodal hook"
            )
            self._fail(
                provider,
                f"{detail}; known hooks: {', '.join(sorted(_HOOK_NAMES))}",
                persistent=True,
            )
            return False
        provider.order = next(self._counter)
        self._providers[id(plugin)] = provider
        return True

    def _load_builtins(self) -> None:
        if self._builtins_loaded:
            return
        self._builtins_loaded = True
        from skmultimodal import __version__

        for modname in BUILTIN_PLUGINS:
            module = importlib.import_module(modname)
            self._register_plugin(
                module,
                _Provider(PROJECT_NAME, __version__, f"builtin:{modname}"),
                builtin=True,
            )

    def _load_entry_points(self) -> None:
        if self._entry_points_loaded:
            return
        self._entry_points_loaded = True
        if autoload_disabled():
            return

        def dist_of(ep: metadata.EntryPoint) -> tuple[str, str]:
            dist = getattr(ep, "dist", None)
            if dist is None:
                return "<unknown>", ""
            return dist.metadata["Name"] or "<unknown>", dist.version or ""

        eps = sorted(
            metadata.entry_points(group=ENTRY_POINT_GROUP),
            key=lambda ep: (dist_of(ep)[0].lower(), ep.name),
        )
        for ep in eps:
            provider = _Provider(*dist_of(ep), ep.name)
            try:
                plugin = ep.load()
            except Exception as exc:
                self._fail(
                    provider,
                    f"import of {ep.value!r} failed: {type(exc).__name__}: {exc}",
                    persistent=True,
                )
                continue
            self._register_plugin(plugin, provider)

    def _build(self) -> dict[str, Registry]:
        registries = {kind: Registry(kind) for kind in KINDS}
        self._build_failures = []
        for kind, (hookname, *_) in KINDS.items():
            caller = getattr(self._pm.hook, hookname)
            impls = []
            for impl in caller.get_hookimpls():
                provider = self._providers.get(id(impl.plugin))
                if provider is None:  # registered behind our back
                    provider = _Provider("<unknown>", "", impl.plugin_name, 10**9)
                    self._providers[id(impl.plugin)] = provider
                impls.append((provider.order, impl, provider))
            # Our own order (built-ins first), not pluggy's call order.
            for _, impl, provider in sorted(impls, key=lambda t: t[0]):
                if impl.hookwrapper or impl.wrapper:
                    self._fail(
                        provider,
                        f"hook {hookname} is a hook wrapper, which is not supported",
                        persistent=False,
                    )
                    continue
                register = self._registrar(registries[kind], provider)
                kwargs = {"register": register}
                try:
                    impl.function(*(kwargs[a] for a in impl.argnames))
                except Exception as exc:
                    self._fail(
                        provider,
                        f"hook {hookname} raised {type(exc).__name__}: {exc}",
                        persistent=False,
                    )
        return registries

    def _registrar(self, registry: Registry, provider: _Provider):
        """The ``register`` callback handed to one plugin for one kind.

        It validates, records the provider, and reports (then skips) a bad or
        duplicate registration instead of raising into the plugin.
        """
        kind = registry.kind
        validator, label = KINDS[kind][1], KINDS[kind][2]

        def register(name: str, obj: Any) -> None:
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
                self._fail(
                    provider,
                    f"registration of {label} {name!r} refused: {exc}",
                    persistent=False,
                    name=name if isinstance(name, str) else None,
                    kind=kind,
                )
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
        """All registries, loading plugins on first use."""
        with self._lock:
            if self._registries is None:
                self._load_builtins()
                self._load_entry_points()
                self._registries = self._build()
            return self._registries

    # -- public operations ---------------------------------------------------
    def register(
        self,
        plugin: Any,
        name: str | None = None,
        *,
        distribution: str = "<local>",
        version: str = "",
    ) -> bool:
        """Register a plugin object (module, class or instance with hook
        implementations) by hand; the registries are rebuilt on next use.

        Returns True when it was registered, False when it was refused (the
        reason is warned as a :class:`PluginWarning`).
        """
        with self._lock:
            self.registries()  # built-ins and entry points come first
            name = name or getattr(plugin, "__name__", None) or repr(plugin)
            provider = _Provider(distribution, version, name)
            if self._register_plugin(plugin, provider):
                self._registries = None
                return True
            return False

    def unregister(self, plugin: Any) -> None:
        """Undo :meth:`register`; ``plugin`` is the object or its name.

        Raises
        ------
        ValueError
            If no such plugin is registered.
        """
        with self._lock:
            obj = self._pm.get_plugin(plugin) if isinstance(plugin, str) else plugin
            if obj is None or not self._pm.is_registered(obj):
                raise ValueError(f"plugin {plugin!r} is not registered")
            self._pm.unregister(obj)
            self._providers.pop(id(obj), None)
            self._registries = None

    def failures(self) -> list[PluginFailure]:
        """Every plugin or registration skipped so far (loads plugins first)."""
        with self._lock:
            self.registries()
            return [*self._load_failures, *self._build_failures]

    def reset(self) -> None:
        """Forget everything; the next use loads plugins (and warns) again."""
        with self._lock:
            self.__init__()


_MANAGER = PluginManager()


def autoload_disabled() -> bool:
    """Whether ``SKMULTIMODAL_DISABLE_PLUGIN_AUTOLOAD`` turns entry points off.

    Read with :func:`skmultimodal.utils.env_flag`: ``1``, ``true``, ``yes``
    or ``on`` (case insensitive) disables loading of the ``skmultimodal``
    entry-point group; unset, empty, ``0``, ``false``, ``no`` or ``off``
    leaves it on. Any other value warns and disables loading (the cautious
    reading of a variable that was set). Built-in methods and plugins
    registered by hand always work.
    """
    from skmultimodal.utils import env_flag

    try:
        return env_flag(DISABLE_AUTOLOAD_ENV)
    except ValueError as exc:
        warnings.warn(
            f"{exc}; entry-point plugins are not loaded", UserWarning, stacklevel=2
        )
        return True


def get_plugin_manager() -> PluginManager:
    """The process-wide :class:`PluginManager`."""
    return _MANAGER


def get_registry(kind: str) -> Registry:
    """The registry of one kind, loading plugins on first use.

    Parameters
    ----------
    kind : {"fusion_method", "image_features", "text_features"}
        Which registry.

    Returns
    -------
    Registry
        ``get_registry("fusion_method").get("concat")`` is the class behind
        ``ModalityFusion(method="concat")``.

    Examples
    --------
    >>> from skmultimodal.plugins import get_registry
    >>> "fusion_method" in {"fusion_method", "image_features", "text_features"}
    True
    >>> isinstance(get_registry("fusion_method").names(), list)
    True
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown registry kind {kind!r}; one of {sorted(KINDS)}")
    return _MANAGER.registries()[kind]


def register_plugin(
    plugin: Any,
    name: str | None = None,
    *,
    distribution: str = "<local>",
    version: str = "",
) -> bool:
    """Register a plugin object by hand (tests, notebooks).

    Parameters
    ----------
    plugin : module, class or object
        Anything with functions decorated by :data:`hookimpl`.
    name : str, default=None
        Plugin name shown by :func:`list_plugins`; defaults to
        ``plugin.__name__``.
    distribution, version : str
        What :func:`list_plugins` reports as the provider.

    Returns
    -------
    bool
        False when the plugin was refused (a :class:`PluginWarning` says why).

    Examples
    --------
    >>> from skmultimodal.fusion import FusionMethod
    >>> from skmultimodal.plugins import (
    ...     get_registry, hookimpl, register_plugin, unregister_plugin)
    >>> class First(FusionMethod):
    ...     def fit(self, blocks, y=None):
    ...         return self
    ...     def transform(self, blocks):
    ...         return blocks[0]
    ...     def get_feature_names_out(self, input_features):
    ...         return input_features[0]
    >>> class MyPlugin:
    ...     @hookimpl
    ...     def skmultimodal_register_fusion_methods(self, register):
    ...         register("first_block", First)
    >>> plugin = MyPlugin()
    >>> register_plugin(plugin, "my-plugin")
    True
    >>> get_registry("fusion_method").get("first_block") is First
    True
    >>> unregister_plugin(plugin)
    >>> "first_block" in get_registry("fusion_method")
    False
    """
    return _MANAGER.register(
        plugin, name=name, distribution=distribution, version=version
    )


def unregister_plugin(plugin: Any) -> None:
    """Undo :func:`register_plugin`; ``plugin`` is the object or its name."""
    _MANAGER.unregister(plugin)


def list_plugins(*, include_failures: bool = False) -> list[dict[str, Any]]:
    """Every registered name with its kind and the distribution that provided it.

    Parameters
    ----------
    include_failures : bool, default=False
        Also return a row for every plugin or registration that was skipped.

    Returns
    -------
    list of dict
        Keys ``name``, ``kind``, ``distribution``, ``version``, ``plugin``,
        ``status`` (``"registered"`` or ``"skipped"``) and ``reason`` (empty
        for registered names), sorted by kind then name; skipped rows come
        last, and their ``name``/``kind`` are None when a whole plugin failed.

    Examples
    --------
    >>> from skmultimodal.plugins import list_plugins
    >>> rows = list_plugins()
    >>> all(row["status"] == "registered" for row in rows)
    True
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
                    "status": "registered",
                    "reason": "",
                }
            )
    out.sort(key=lambda d: (d["kind"], d["name"]))
    if include_failures:
        for f in _MANAGER.failures():
            out.append(
                {
                    "name": f.name,
                    "kind": f.kind,
                    "distribution": f.distribution,
                    "version": f.version,
                    "plugin": f.plugin,
                    "status": "skipped",
                    "reason": f.reason,
                }
            )
    return out


def format_plugins_table(rows: list[dict[str, Any]] | None = None) -> str:
    """A plain-text table of installed methods and skipped plugins.

    This is what ``skmultimodal plugins`` prints.

    Parameters
    ----------
    rows : list of dict, default=None
        Output of ``list_plugins(include_failures=True)``; computed when None.

    Returns
    -------
    str
        One line per registered name (kind, name, distribution, version,
        plugin), then a "Skipped" section with one line per failure and its
        reason, and a note when entry-point autoloading is disabled.

    Examples
    --------
    >>> from skmultimodal.plugins import format_plugins_table
    >>> print(format_plugins_table([{"name": "concat", "kind": "fusion_method",
    ...     "distribution": "skmultimodal", "version": "1.0",
    ...     "plugin": "builtin:x", "status": "registered", "reason": ""}]))
    KIND           NAME    DISTRIBUTION  VERSION  PLUGIN
    fusion_method  concat  skmultimodal  1.0      builtin:x
    """
    if rows is None:
        rows = list_plugins(include_failures=True)
    ok = [r for r in rows if r.get("status", "registered") == "registered"]
    bad = [r for r in rows if r.get("status") == "skipped"]
    header = ("KIND", "NAME", "DISTRIBUTION", "VERSION", "PLUGIN")
    table = [header] + [
        (r["kind"], r["name"], r["distribution"], r["version"], r["plugin"]) for r in ok
    ]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip()
        for row in table
    ]
    if not ok:
        lines.append("(no methods registered)")
    if bad:
        lines.append("")
        lines.append(f"Skipped ({len(bad)}):")
        for r in bad:
            what = f" {r['kind']} {r['name']!r}" if r.get("name") else ""
            version = f" {r['version']}" if r["version"] else ""
            lines.append(
                f"  {r['distribution']}{version} (plugin {r['plugin']!r}){what}: "
                f"{r['reason']}"
            )
    if autoload_disabled():
        lines.append("")
        lines.append(
            f"Entry-point plugins are not loaded: {DISABLE_AUTOLOAD_ENV} is set."
        )
    return "\n".join(lines)
