"""The plugin manager and the registries it fills.

Nothing here runs at ``import skmultimodal``: the first call to
:func:`get_registry` (made by an estimator's ``fit`` or by
:func:`list_plugins`) registers the built-in plugins, loads the
``skmultimodal`` entry-point group once, and calls each hook implementation
separately so that one broken plugin cannot take the others down.

Order is deterministic: built-ins first, then entry points (sorted by
distribution and entry-point name), then plugins registered by hand, in the
order they were registered. The first provider of a name keeps it; later ones
are refused with a :class:`PluginWarning` naming both sides and saying how to
choose the other one (disable the first, see :func:`disable_plugins`).

Single plugins are disabled by distribution or entry-point name with
``SKMULTIMODAL_DISABLE_PLUGINS`` (comma-separated), :func:`disable_plugins`
or ``skmultimodal --disable-plugin NAME``; they are blocked in pluggy
(``set_blocked``) and their entry points are never imported.

Warnings are emitted at most once per problem and process, and not at all in
a worker process (``multiprocessing.parent_process()`` is set) whose parent
already loaded the plugins: the parent reported the same problems. The
failure records (with tracebacks) exist in every process.
"""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import os
import re
import threading
import traceback
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
DISABLE_PLUGINS_ENV = "SKMULTIMODAL_DISABLE_PLUGINS"
# Set (to its pid) by the first process that loads the plugins; worker
# processes it starts inherit it and leave the reporting to that process.
_REPORTED_BY_ENV = "_SKMULTIMODAL_PLUGINS_REPORTED_BY"

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
    """A plugin was skipped, one of its hooks failed, or one of its
    registrations was refused.

    The message names the plugin, its distribution and version, what exactly
    was skipped or refused, and the reason. Each distinct problem is warned
    once per process (worker processes started after their parent loaded
    the plugins stay quiet).
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
    """A plugin that was skipped or disabled, a hook that failed, or a
    registration that was refused.

    Attributes
    ----------
    plugin, distribution, version : str
        Whose.
    reason : str
        What and why, in one line.
    name, kind : str or None
        The refused name and its kind when a single registration was refused;
        None otherwise.
    status : {"skipped", "failed", "refused", "disabled"}
        ``"skipped"``: the whole plugin was not loaded; ``"failed"``: one of
        its hooks raised (its other hooks, and what the hook registered
        before raising, still count); ``"refused"``: one registration was
        refused (the plugin's other names are registered); ``"disabled"``:
        disabled by the user (:func:`disable_plugins`).
    traceback : str
        The formatted traceback of the exception behind it, or "".
    """

    plugin: str
    distribution: str
    version: str
    reason: str
    name: str | None = None
    kind: str | None = None
    status: str = "skipped"
    traceback: str = ""


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
        # Plugins disabled by the user, and the names disabled by
        # disable_plugins() (normalized name -> where it came from).
        self._disabled: list[PluginFailure] = []
        self._disabled_by_call: dict[str, str] = {}
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
        status: str = "skipped",
        exc: BaseException | None = None,
    ) -> None:
        tb = "".join(traceback.format_exception(exc)) if exc is not None else ""
        failure = PluginFailure(
            provider.plugin,
            provider.distribution,
            provider.version,
            reason,
            name,
            kind,
            status,
            tb,
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
        if _quiet_process():
            return
        version = f" {provider.version}" if provider.version else ""
        who = (
            f"skmultimodal plugin {provider.plugin!r} from distribution "
            f"{provider.distribution}{version}"
        )
        if status == "refused":
            message = f"{who}: {reason}; its other registrations are kept"
        elif status == "failed":
            message = (
                f"{who}: {reason}; its other hooks, and what this hook "
                "registered before failing, are kept"
            )
        else:
            message = f"{who} was skipped: {reason}"
        if tb:
            message += " (traceback: `skmultimodal plugins --debug`)"
        warnings.warn(message, PluginWarning, stacklevel=2)

    # -- disabling -----------------------------------------------------------
    def _disabled_names(self) -> dict[str, str]:
        """Normalized disabled names -> where each was disabled."""
        names = dict.fromkeys(_split_names(os.environ.get(DISABLE_PLUGINS_ENV)), "")
        names = {n: DISABLE_PLUGINS_ENV for n in names}
        names.update(self._disabled_by_call)
        return names

    def _disabled_match(self, provider: _Provider) -> str | None:
        """Where ``provider`` was disabled, or None when it is not."""
        names = self._disabled_names()
        for candidate in (provider.plugin, provider.distribution):
            source = names.get(_normalize(candidate))
            if source:
                return source
        return None

    def _disable(self, provider: _Provider, source: str) -> None:
        self._pm.set_blocked(provider.plugin)  # pluggy refuses it from now on
        self._disabled.append(
            PluginFailure(
                provider.plugin,
                provider.distribution,
                provider.version,
                f"disabled by {source}",
                status="disabled",
            )
        )

    def disable(self, names: list[str], source: str) -> None:
        """Disable plugins by distribution or entry-point name, now and for
        every later load; see :func:`disable_plugins`."""
        with self._lock:
            for name in names:
                self._disabled_by_call[_normalize(name)] = source
            for plugin, provider in list(self._providers.items()):
                if provider.plugin.startswith("builtin:"):
                    continue
                match = self._disabled_match(provider)
                if match is None:
                    continue
                obj = self._pm.get_plugin(provider.plugin)
                if obj is not None:
                    self._disable(provider, match)
                self._providers.pop(plugin, None)
                self._registries = None

    def disabled(self) -> list[PluginFailure]:
        """The plugins disabled by the user (loads plugins first)."""
        with self._lock:
            self.registries()
            return list(self._disabled)

    def _warn_unmatched_disabled(self, seen: list[_Provider]) -> None:
        """A disabled name that matches no installed plugin is most likely a
        typo: say so once, listing what could have been meant."""
        known = {_normalize(n) for p in seen for n in (p.plugin, p.distribution)}
        for name, source in self._disabled_names().items():
            if name in known or ("unmatched", name, "") in self._warned:
                continue
            self._warned.add(("unmatched", name, ""))
            if _quiet_process():
                continue
            if name == _normalize(PROJECT_NAME):
                why = "built-in methods cannot be disabled"
            else:
                installed = ", ".join(
                    sorted(f"{p.plugin} ({p.distribution})" for p in seen)
                )
                why = (
                    "it matches no installed plugin (entry-point names and "
                    f"their distributions: {installed or 'none'})"
                )
            warnings.warn(
                f"{source} names {name!r}, ignored: {why}",
                PluginWarning,
                stacklevel=3,
            )

    # -- loading -------------------------------------------------------------
    def _register_plugin(
        self, plugin: Any, provider: _Provider, *, builtin: bool = False
    ) -> bool:
        """Register ``plugin`` with pluggy; report and skip it when it cannot be."""
        if not builtin:
            source = self._disabled_match(provider)
            if source is not None:
                self._disable(provider, source)
                return False
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
            self._fail(
                provider, f"{type(exc).__name__}: {exc}", persistent=True, exc=exc
            )
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
        seen = []
        for ep in eps:
            provider = _Provider(*dist_of(ep), ep.name)
            seen.append(provider)
            source = self._disabled_match(provider)
            if source is not None:  # never imported
                self._disable(provider, source)
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                self._fail(
                    provider,
                    f"import of {ep.value!r} failed: {type(exc).__name__}: {exc}",
                    persistent=True,
                    exc=exc,
                )
                continue
            self._register_plugin(plugin, provider)
        self._warn_unmatched_disabled(seen)

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
                        status="failed",
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
                        status="failed",
                        exc=exc,
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
                        f"{provider.version} (plugin {provider.plugin!r}). "
                        + _how_to_choose(old, provider)
                    )
            except (PluginInterfaceError, DuplicateNameError) as exc:
                self._fail(
                    provider,
                    f"registration of {label} {name!r} refused: {exc}",
                    persistent=False,
                    name=name if isinstance(name, str) else None,
                    kind=kind,
                    status="refused",
                    exc=exc,
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
                # Worker processes started from now on inherit this marker
                # and leave the warnings to this process (see _quiet_process).
                os.environ.setdefault(_REPORTED_BY_ENV, str(os.getpid()))
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
        reason is warned as a :class:`PluginWarning`) or is disabled.
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


def _normalize(name: str) -> str:
    """Distribution-name normalization (PEP 503): case and ``-_.`` runs."""
    return re.sub(r"[-_.]+", "-", str(name)).strip().lower()


def _split_names(value: str | None) -> list[str]:
    return [_normalize(n) for n in (value or "").split(",") if n.strip()]


def _quiet_process() -> bool:
    """Whether this is a worker process (joblib/loky, multiprocessing) whose
    parent already loaded the plugins and so reported the same problems."""
    reporter = os.environ.get(_REPORTED_BY_ENV)
    return (
        multiprocessing.parent_process() is not None
        and bool(reporter)
        and reporter != str(os.getpid())
    )


def _how_to_choose(old: RegistryEntry, new: _Provider) -> str:
    """The clash message's advice: how the user picks the other provider."""
    order = (
        "The first provider keeps a name: built-ins, then entry-point plugins "
        "in alphabetical order of distribution, then plugins registered by hand."
    )
    if old.plugin.startswith("builtin:"):
        return f"{order} Built-in names cannot be replaced."
    if old.distribution == "<local>":
        who = f"unregister_plugin({old.plugin!r})"
    else:
        who = (
            f"disable {old.distribution}: {DISABLE_PLUGINS_ENV}={old.distribution} "
            f"or `skmultimodal --disable-plugin {old.distribution}`"
        )
    return f"{order} To use {new.distribution}'s instead, {who}."


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


def disable_plugins(*names: str, source: str = "disable_plugins()") -> None:
    """Disable plugins by distribution or entry-point name.

    The same as listing them in ``SKMULTIMODAL_DISABLE_PLUGINS``
    (comma-separated), or ``skmultimodal --disable-plugin NAME``: a disabled
    entry point is never imported, its plugin name is blocked in pluggy
    (``set_blocked``, so registering it by hand is refused too), and
    ``list_plugins(include_failures=True)`` lists it with status
    ``"disabled"``. Plugins already loaded are unregistered. The names are
    also appended to ``SKMULTIMODAL_DISABLE_PLUGINS`` in ``os.environ`` so
    that worker processes started afterwards (joblib) disable them too.
    Names are compared case-insensitively, ``-``, ``_`` and ``.`` alike.
    Built-in methods cannot be disabled.

    Parameters
    ----------
    *names : str
        Distribution names (``"skmultimodal-gmu"``) or entry-point names
        (``"gmu"``).
    source : str, default="disable_plugins()"
        How the user disabled them, shown in the listing.
    """
    names = [n for n in names if n.strip()]
    if not names:
        return
    current = [n for n in os.environ.get(DISABLE_PLUGINS_ENV, "").split(",") if n]
    os.environ[DISABLE_PLUGINS_ENV] = ",".join(
        dict.fromkeys([*current, *(n.strip() for n in names)])
    )
    _MANAGER.disable(names, source)


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
        False when the plugin was refused (a :class:`PluginWarning` says why)
        or is disabled (:func:`disable_plugins`; listed, not warned).

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
        Also return a row for every plugin that was skipped or disabled,
        every hook that failed and every registration that was refused.

    Returns
    -------
    list of dict
        Keys ``name``, ``kind``, ``distribution``, ``version``, ``plugin``,
        ``status``, ``reason`` and ``traceback`` (both empty for registered
        names), sorted by kind then name. ``status`` is ``"registered"``, or
        for the extra rows (which come last): ``"skipped"`` (the whole
        plugin was not loaded), ``"failed"`` (one of its hooks raised),
        ``"refused"`` (one registration was refused; ``name``/``kind`` say
        which, the plugin's other names are registered) or ``"disabled"``
        (see :func:`disable_plugins`). ``traceback`` is the formatted
        traceback of the exception behind a problem, or "".

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
                    "traceback": "",
                }
            )
    out.sort(key=lambda d: (d["kind"], d["name"]))
    if include_failures:
        for f in [*_MANAGER.failures(), *_MANAGER.disabled()]:
            out.append(
                {
                    "name": f.name,
                    "kind": f.kind,
                    "distribution": f.distribution,
                    "version": f.version,
                    "plugin": f.plugin,
                    "status": f.status,
                    "reason": f.reason,
                    "traceback": f.traceback,
                }
            )
    return out


def format_plugins_table(
    rows: list[dict[str, Any]] | None = None, *, tracebacks: bool = False
) -> str:
    """A plain-text table of installed methods and plugin problems.

    This is what ``skmultimodal plugins`` prints (``--debug``: with
    tracebacks).

    Parameters
    ----------
    rows : list of dict, default=None
        Output of ``list_plugins(include_failures=True)``; computed when None.
    tracebacks : bool, default=False
        Print the traceback of each problem under its line.

    Returns
    -------
    str
        One line per registered name (kind, name, distribution, version,
        plugin), then a "Problems" section with one line per skipped plugin,
        failed hook or refused registration saying exactly which, a
        "Disabled" section, and a note when entry-point autoloading is
        disabled.

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
    bad = [r for r in rows if r.get("status") in ("skipped", "failed", "refused")]
    off = [r for r in rows if r.get("status") == "disabled"]
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

    def who(r):
        version = f" {r['version']}" if r["version"] else ""
        return f"  {r['distribution']}{version} (plugin {r['plugin']!r}): "

    if bad:
        lines.append("")
        lines.append(f"Problems ({len(bad)}):")
        for r in bad:
            # "refused" and "failed" reasons already say what was refused
            # ("registration of ... refused: ...", "hook ... raised ...").
            what = "plugin skipped: " if r["status"] == "skipped" else ""
            lines.append(f"{who(r)}{what}{r['reason']}")
            if tracebacks and r.get("traceback"):
                lines.extend(
                    "      " + line for line in r["traceback"].rstrip().splitlines()
                )
        if not tracebacks and any(r.get("traceback") for r in bad):
            lines.append("  (tracebacks: `skmultimodal plugins --debug`)")
    if off:
        lines.append("")
        lines.append(f"Disabled ({len(off)}):")
        lines.extend(f"{who(r)}{r['reason']}" for r in off)
    if autoload_disabled():
        lines.append("")
        lines.append(
            f"Entry-point plugins are not loaded: {DISABLE_AUTOLOAD_ENV} is set."
        )
    return "\n".join(lines)
