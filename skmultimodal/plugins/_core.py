"""Registries of named classes, filled through pluggy hooks: nothing runs at
import; the first :func:`get_registry` registers the built-in plugin modules
(each declares a :class:`RegistryKind` and its hookspec), then each entry
point on its own, and calls each plugin's hooks through ``pm.hook``.

An entry point is loaded from its own distribution (``EntryPoint.load``) and
registered under its entry-point name, or, when several distributions declare
that name, under ``"<entry-point name> (<distribution>)"``, so that none hides
another. A plugin's import and hooks run while the registries are being built:
querying them there raises a RuntimeError, recorded as that plugin's failure."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import multiprocessing
import os
import re
import threading
import traceback
from collections.abc import Callable, Hashable
from importlib import metadata
from typing import Any, NamedTuple, Protocol

import pluggy

__all__ = [
    "DISABLE_AUTOLOAD_ENV",
    "DISABLE_PLUGINS_ENV",
    "DuplicateNameError",
    "PluginFailure",
    "PluginInterfaceError",
    "PluginManager",
    "PluginWarning",
    "RegisterCallback",
    "Registry",
    "RegistryEntry",
    "RegistryKind",
    "autoload_disabled",
    "disable_plugins",
    "get_plugin_manager",
    "get_registry",
    "hookimpl",
    "hookspec",
    "list_plugins",
    "register_plugin",
    "unregister_plugin",
]
GROUP = "skmultimodal"  # pluggy's project name and the entry-point group
hookspec = pluggy.HookspecMarker(GROUP)
"""pluggy's hookspec marker of the ``"skmultimodal"`` project: a package
declaring a registry kind marks its hook's specification with it."""
hookimpl = pluggy.HookimplMarker(GROUP)
"""pluggy's hookimpl marker of the ``"skmultimodal"`` project: a plugin
decorates its hook functions with it (``@hookimpl``)."""
DISABLE_AUTOLOAD_ENV = "SKMULTIMODAL_DISABLE_PLUGIN_AUTOLOAD"
"""Environment variable that, set to a true value (read with
:func:`skmultimodal.utils.env_flag`), skips loading the entry-point plugins;
the built-ins and plugins registered by hand keep working. See
:func:`autoload_disabled`."""
DISABLE_PLUGINS_ENV = "SKMULTIMODAL_DISABLE_PLUGINS"
"""Environment variable listing plugins to disable, by distribution or
entry-point name (comma-separated, case-insensitive, ``-``, ``_`` and ``.``
alike); see :func:`disable_plugins`."""
_REPORTER = "_SKMULTIMODAL_PLUGINS_REPORTED_BY"  # pid of the process that warns
BUILTINS = [f"skmultimodal.{p}._plugin" for p in ("image", "text", "fusion")]
_ONE_ARGUMENT = (
    "each hook takes one argument, register, and calls register(name, cls) "
    "for each class it provides"
)
_OUTCOME = {  # what a problem cost the plugin, for its warning
    "skipped": " was skipped: {}",
    "failed": ": {}; its other hooks, and what this hook registered before "
    "failing, are kept",
    "refused": ": {}; its other registrations are kept",
}


class PluginWarning(UserWarning):
    """A plugin was skipped, a hook failed or a registration was refused."""


class PluginInterfaceError(TypeError):
    """A registered object does not satisfy the interface of its kind."""


class DuplicateNameError(ValueError):
    """Two providers registered the same name for the same kind."""


class RegisterCallback(Protocol):
    """``register(name, cls)``, the one argument of every hook."""

    def __call__(self, name: str, cls: type) -> None: ...


class RegistryKind(NamedTuple):
    """A registry, declared as ``KIND`` by a package's built-in plugin module:
    ``validate(cls)`` raises :class:`PluginInterfaceError`, an instance given
    instead of a name must be a ``base``, ``label`` names the kind.

    Parameters
    ----------
    name : str
        The kind, the key of :func:`get_registry` (e.g. ``"fusion_method"``).
    hookspec : callable
        The hook specification (marked with :data:`hookspec`) that plugins
        implement to fill this registry; it is called with one argument,
        ``register``.
    validate : callable
        ``validate(obj)`` raises :class:`PluginInterfaceError` when ``obj``
        does not satisfy the kind's interface; each registered object goes
        through it.
    label : str
        The kind as messages name it (e.g. ``"fusion method"``).
    base : type, default=object
        The class that an instance passed instead of a registered name must
        be an instance of (:meth:`Registry.create`); registering such an
        instance instead of its class is refused.
    """

    name: str
    hookspec: Callable[..., None]
    validate: Callable[[Any], None]
    label: str
    base: type = object


class RegistryEntry(NamedTuple):
    """A registered ``name`` of ``kind``: the class ``obj`` and its provider.

    Parameters
    ----------
    name : str
        The registered name (lower-case letters, digits and underscores,
        starting with a letter).
    kind : str
        The name of the registry's kind (e.g. ``"fusion_method"``).
    obj : class
        The class registered under ``name``.
    plugin : str
        The plugin that registered it: ``"builtin:<module>"`` for a built-in,
        the entry-point name (``"<entry-point name> (<distribution>)"`` when
        several distributions declare that name), or the name given to
        :func:`register_plugin`.
    distribution : str
        The distribution providing the plugin: ``"skmultimodal"`` for the
        built-ins; for a plugin registered by hand, the ``distribution``
        given to :func:`register_plugin` (``"<local>"`` by default).
    version : str
        That distribution's version (``""`` when unknown, as by default for
        a plugin registered by hand).
    """

    name: str
    kind: str
    obj: Any
    plugin: str
    distribution: str
    version: str


class PluginFailure(NamedTuple):
    """A ``"skipped"`` or ``"disabled"`` plugin, a ``"failed"`` hook, or a
    ``"refused"`` registration (``name``, ``kind``), with its traceback.

    Parameters
    ----------
    plugin : str
        The plugin's name (as in :attr:`RegistryEntry.plugin`).
    distribution : str
        The distribution providing the plugin.
    version : str
        That distribution's version (``""`` when unknown).
    reason : str
        What went wrong, as the :class:`PluginWarning` says it (for a
        disabled plugin, ``"disabled by <source>"``).
    name : str or None, default=None
        For a refused registration, the name that was refused; else None.
    kind : str or None, default=None
        For a refused registration, the registry kind it was refused from;
        else None.
    status : {"skipped", "disabled", "failed", "refused"}, default="skipped"
        ``"skipped"``: the plugin was not registered (its import failed, or
        it implements no known hook, ...); ``"disabled"``: the user disabled
        it; ``"failed"``: one of its hooks raised (its other hooks, and what
        that hook registered before raising, are kept); ``"refused"``: one
        registration was refused (its others are kept).
    traceback : str, default=""
        The formatted traceback of the exception, if there was one.
    """

    plugin: str
    distribution: str
    version: str
    reason: str
    name: str | None = None
    kind: str | None = None
    status: str = "skipped"
    traceback: str = ""


class Registry:
    """The names of one kind and the classes registered under them.

    Built by the :class:`PluginManager`; use :func:`get_registry` to get one.

    Parameters
    ----------
    kind : RegistryKind
        The kind of the registry: its name, hook, validation, label and base.

    Attributes
    ----------
    kind : str
        The name of the kind (``kind.name``).
    label : str
        The kind as messages name it (``kind.label``).
    spec : RegistryKind
        The ``kind`` given.
    validate : callable
        ``kind.validate``, which each registered object goes through.
    """

    def __init__(self, kind: RegistryKind) -> None:
        self.kind, self.label, self.spec = kind.name, kind.label, kind
        self.validate = kind.validate  # raises PluginInterfaceError
        self._entries: dict[str, RegistryEntry] = {}

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def names(self) -> list[str]:
        """The registered names, sorted.

        Returns
        -------
        names : list of str
            The registered names, in alphabetical order.
        """
        return sorted(self._entries)

    def entries(self) -> list[RegistryEntry]:
        """The registered entries, sorted by name.

        Returns
        -------
        entries : list of RegistryEntry
            One entry per registered name, in the order of :meth:`names`.
        """
        return [self._entries[n] for n in self.names()]

    def entry(self, name: str) -> RegistryEntry:
        """The entry of ``name``; a ValueError lists the registered names.

        Parameters
        ----------
        name : str
            A registered name.

        Returns
        -------
        entry : RegistryEntry
            The entry registered under ``name``.

        Raises
        ------
        ValueError
            If ``name`` is not registered (the message lists the registered
            names, and, in a worker process, says why a plugin registered by
            hand may be missing there).
        """
        if isinstance(name, str) and name in self._entries:
            return self._entries[name]
        worker = ""
        if multiprocessing.parent_process() is not None:
            worker = (
                " This is a worker process (joblib/loky or Dask): a plugin "
                "registered by hand with register_plugin() exists only in the "
                "process that registered it. Declare it as an entry point (see "
                "the plugin guide) so that every process finds it, or run "
                "without worker processes (n_jobs=None, or joblib's threading "
                "backend)."
            )
        disabled = [f for f in _MANAGER._failures if f.status == "disabled"]
        if disabled:  # the likelier cause: said first
            off = "; ".join(f"{f.plugin} ({f.reason})" for f in disabled)
            worker = (
                f" Disabled plugins, whose names are unknown while they are: {off}."
                + worker
            )
        raise ValueError(
            f"Unknown {self.label} {name!r}. Available {self.label}s (plugins "
            f"included): {', '.join(self.names()) or 'none'}. See `skmultimodal "
            f"plugins` for what is installed and what was skipped.{worker}"
        )

    def get(self, name: str) -> Any:
        """The class registered under ``name``.

        Parameters
        ----------
        name : str
            A registered name; an unknown one raises the ValueError of
            :meth:`entry`.

        Returns
        -------
        obj : class
            The registered class (``self.entry(name).obj``).
        """
        return self.entry(name).obj

    def _add(self, new: RegistryEntry) -> None:
        """Register ``new``; its name must be valid and free, its class pass
        :attr:`validate`. The first provider of a name keeps it."""
        name, old = new.name, self._entries.get(new.name)
        if not (isinstance(name, str) and re.fullmatch(r"[a-z][a-z0-9_]*", name)):
            raise PluginInterfaceError(
                f"invalid name {name!r}: use lower-case letters, digits and "
                "underscores, starting with a letter"
            )
        obj = new.obj
        if not inspect.isclass(obj) and (
            isinstance(obj, self.spec.base) or hasattr(type(obj), "fit")
        ):
            cls = type(obj).__qualname__
            raise PluginInterfaceError(
                f"{self.label} {name!r} is an instance of {cls}; register the "
                f"class, not an instance: register({name!r}, {cls}) (a configured "
                "instance is passed by users as method=..., never registered)"
            )
        self.validate(obj)
        if old is None:
            self._entries[name] = new
            return
        if old.plugin == new.plugin:
            raise DuplicateNameError(
                f"{self.label} name {name!r} is registered twice by plugin "
                f"{new.plugin!r}; register each name once (the first is kept)"
            )
        how = f"To use {new.distribution}'s instead, " + (
            f"unregister_plugin({old.plugin!r})."
            if old.distribution == "<local>"
            else f"disable {old.distribution}: {DISABLE_PLUGINS_ENV}="
            f"{old.distribution} or `skmultimodal --disable-plugin {old.distribution}`."
        )
        if old.plugin.startswith("builtin:"):
            how = "Built-in names cannot be replaced."
        raise DuplicateNameError(
            f"{self.label} name {name!r} is already registered by "
            f"{_who(old.distribution, old.version)} (plugin {old.plugin!r}); "
            f"refused from {_who(new.distribution, new.version)} "
            f"(plugin {new.plugin!r}). The first provider keeps a name: "
            "built-ins, then entry-point plugins in alphabetical order of "
            f"distribution, then plugins registered by hand. {how}"
        )

    def create(self, method, params=None):
        """An unfitted estimator: the class of a registered name built with
        ``params``, or a clone of an instance set to ``params``. A key of
        ``params`` that is not a parameter of that class or instance is a
        ValueError listing the valid ones.

        Parameters
        ----------
        method : str or estimator instance
            A registered name, or an instance of the kind's ``base`` (with a
            ``fit`` method), which is cloned, not changed; anything else is a
            TypeError.
        params : dict, default=None
            Parameters of the estimator: passed to the registered class's
            constructor, or to ``set_params`` of the clone (where a key
            ``<param>__<sub>`` reaches a nested estimator's parameter).
            None means none.

        Returns
        -------
        estimator : estimator instance
            A new, unfitted estimator.
        """
        from sklearn.base import clone

        params, base = dict(params or {}), self.spec.base
        if isinstance(method, str):
            cls = self.get(method)
            what = f"{method!r} ({self.label} {cls.__name__})"
            self._check_params(params, cls(), what, nested=False)
            return cls(**params)
        if not (isinstance(method, base) and hasattr(method, "fit")):
            from skmultimodal.utils._validation import type_name

            raise TypeError(
                f"method must be a registered {self.label} name or a "
                f"{base.__name__} instance; got {type_name(method)}"
            )
        what = f"{type(method).__name__} (the {self.label} instance passed)"
        self._check_params(params, method, what, nested=True)
        return clone(method).set_params(**params)

    @staticmethod
    def _check_params(params, estimator, what, *, nested):
        """Refuse the keys of ``params`` that are not parameters of
        ``estimator``, naming the valid ones; with ``nested``, a key
        ``<param>__<sub>`` is left to ``set_params`` past its first part."""
        valid = sorted(estimator.get_params(deep=False))
        keys = {k: str(k).split("__")[0] if nested else k for k in params}
        if unknown := sorted(str(k) for k, head in keys.items() if head not in valid):
            raise ValueError(
                f"method_params {unknown} are not valid for method {what}; "
                f"valid parameters: {valid}"
            )


class PluginManager:
    """Owns the pluggy manager and the registries; one per process."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._pm = pluggy.PluginManager(GROUP)
        self._kinds: dict[str, RegistryKind] = {}
        self._who: dict[str, tuple[str, str]] = {}  # plugin: distribution, version
        self._ep_names: dict[str, str] = {}  # plugin: its entry-point name
        self._eps: list[metadata.EntryPoint] | None = None  # None: not loaded
        self._busy = ""  # the plugin import or hook running, while building
        self._registries: dict[str, Registry] | None = None
        self._failures: list[PluginFailure] = []
        self._disabled_by_call: dict[str, str] = {}  # normalized name: source
        self._warned: set[tuple[str, ...]] = set()
        self._by_hand: set[str] = set()  # plugins given to register_plugin

    def _warn(self, key: tuple[str, ...], message: str) -> None:
        """Warn once per process; a worker whose parent warned stays quiet."""
        reporter = os.environ.get(_REPORTER, str(os.getpid()))
        worker = multiprocessing.parent_process() and reporter != str(os.getpid())
        if key not in self._warned and not worker:
            from skmultimodal.utils._parallel import warn_at_caller

            warn_at_caller(message, PluginWarning)  # the user's line
        self._warned.add(key)

    def _fail(self, plugin, reason, *, who=None, status="skipped", exc=None, **what):
        """Record a problem of ``plugin``; warn unless it was disabled."""
        dist, version = who or self._who[plugin]
        tb = "".join(traceback.format_exception(exc)) if exc else ""
        what.update(status=status, traceback=tb)
        self._failures.append(PluginFailure(plugin, dist, version, reason, **what))
        if status != "disabled":
            who = f"skmultimodal plugin {plugin!r} from distribution {dist} {version}"
            tip = " (traceback: `skmultimodal plugins --debug`)" if tb else ""
            if tb and plugin in self._by_hand:  # another process cannot list it
                tip = " (traceback: list_plugins(include_failures=True))"
            message = who.strip() + _OUTCOME[status].format(reason.rstrip(".")) + tip
            self._warn((plugin, dist, reason), message)

    def _disabled(self) -> dict[str, str]:
        """The normalized names the user disabled, and how."""
        env = os.environ.get(DISABLE_PLUGINS_ENV, "").split(",")
        env = {_normalize(n): DISABLE_PLUGINS_ENV for n in env if n.strip()}
        return {**env, **self._disabled_by_call}

    def _warn_unmatched(self, disabled: dict[str, str], builtins=()) -> None:
        """Warn once about each disabled (normalized) name that matches no
        entry point, distribution or plugin: a typo, or one of ``builtins``
        (the built-in methods' normalized names); nothing before loading."""
        if self._eps is None:  # not loaded yet, or autoload is off
            return
        pairs = [(ep.name, ep.dist.name) for ep in self._eps]
        installed = ", ".join(f"{n} ({d})" for n, d in pairs) or "none"
        pairs += [(p, d) for p, (d, _) in self._who.items() if d != GROUP]
        pairs += self._ep_names.items()  # "<name> (<distribution>)" too
        seen = {_normalize(n) for pair in pairs for n in pair}
        unmatched = "matches no installed plugin (entry-point names and their "
        unmatched += f"distributions: {installed}); it disables only a plugin "
        unmatched += "registered later under that name"
        builtin = "is not a plugin: built-in methods cannot be disabled"
        for name, source in disabled.items():
            why = builtin if name == GROUP or name in builtins else unmatched
            if name not in seen:
                self._warn((name,), f"{source} names {name!r}, which {why}")

    @contextlib.contextmanager
    def _running(self, what: str):
        """Mark ``what`` (a plugin's import or hook) as running: a query of the
        registries meanwhile is an error (:meth:`registries`)."""
        self._busy, before = what, self._busy
        try:
            yield
        finally:
            self._busy = before

    def _block(self, name: str, who: tuple[str, str], by_hand=False) -> bool:
        """Block plugin ``name`` in pluggy (which drops it) if the user disabled
        it, its entry-point name or its distribution; built-ins cannot be.
        ``by_hand``: a plugin given to register_plugin, which warns."""
        keys = map(_normalize, (name, self._ep_names.get(name, name), who[0]))
        disabled = self._disabled()
        source = next((disabled[k] for k in keys if k in disabled), "")
        if source and not name.startswith("builtin:"):
            self._pm.set_blocked(name)
            self._fail(name, f"disabled by {source}", who=who, status="disabled")
            if by_hand:
                self._warn(
                    (name, source),
                    f"register_plugin(): plugin {name!r} ({_who(*who)}) is "
                    f"disabled by {source}; it was not registered",
                )
            return True
        return False

    def _add(self, name: str, who, load: Callable, why="", *, by_hand=False) -> bool:
        """Register the plugin ``load()`` returns as ``name`` unless it is
        disabled (an entry point is then never imported); skip it if that
        fails, if it is a class whose hooks are methods (they need an
        instance), or if it implements no hook or one pluggy does not know."""
        if self._block(name, who, by_hand):
            return False
        if self._pm.has_plugin(name):
            self._fail(
                name,
                f"its name is already used by the plugin from {_who(*self._who[name])}"
                f"; register it under another name (register_plugin(plugin, name)) "
                f"or unregister_plugin({name!r}) first",
                who=who,
            )
            return False
        self._who[name], self._registries = who, None
        if by_hand:
            self._by_hand.add(name)
        try:
            with self._running(f"the import of plugin {name!r}"):
                obj = load()
                if (other := self._pm.get_name(obj)) is None:
                    self._pm.register(obj, name)
        except pluggy.PluginValidationError as exc:  # a hook's signature
            self._fail(name, f"{_ONE_ARGUMENT}: {exc}".replace("\n", " "), exc=exc)
            return False
        except (Exception, SystemExit) as exc:  # sys.exit() in a plugin too
            self._fail(name, f"{why}{type(exc).__name__}: {exc}", exc=exc)
            return False
        if other is not None:
            self._fail(
                name,
                f"this object is already registered as plugin {other!r}; register "
                f"it once, or unregister_plugin({other!r}) first",
            )
            return False
        plugin = self._pm.get_plugin(name)
        hooks = self._pm.get_hookcallers(plugin) or []
        if not isinstance(plugin, Hashable):  # pluggy keeps its plugins in sets
            self._pm.unregister(name=name)
            from skmultimodal.utils._validation import type_name

            kind = type_name(plugin)
            self._fail(
                name,
                f"pluggy needs a hashable plugin, not an unhashable {kind}; "
                "register a module or an instance with default hashing (a class "
                "that defines __eq__ needs __hash__ too)",
            )
            return False
        if _needs_instance(plugin, hooks):
            self._pm.unregister(name=name)
            cls = plugin.__qualname__
            self._fail(
                name,
                f"register_plugin() was given the class {cls}, whose @hookimpl "
                f"methods need an instance; pass an instance: register_plugin({cls}())"
                if by_hand
                else f"the entry point names a class ({plugin.__module__}.{cls}), "
                "whose @hookimpl methods need an instance; name a module or an "
                f'instance ("{plugin.__module__}:plugin" with plugin = {cls}())',
            )
            return False
        try:
            self._pm.check_pending()
            what = "" if hooks else "no skmultimodal hook"
        except pluggy.PluginValidationError:
            unknown = sorted(h.name for h in hooks if not h.has_spec())
            what = f"unknown hook(s) {', '.join(unknown)}"
        if what:
            self._pm.unregister(name=name)
            known = sorted(k.hookspec.__name__ for k in self._kinds.values())
            self._fail(name, f"it implements {what}; known hooks: {', '.join(known)}")
            return False
        bare = sorted(
            caller.name
            for caller in hooks
            for impl in caller.get_hookimpls()
            if impl.plugin is plugin and "register" not in impl.argnames
        )
        if bare:  # pluggy allows fewer arguments: it would register nothing
            self._pm.unregister(name=name)
            self._fail(
                name, f"hook(s) {', '.join(bare)} take no argument: {_ONE_ARGUMENT}"
            )
        return not bare

    def _load(self) -> None:
        """Register the built-ins, then each entry point, sorted, on its own."""
        from skmultimodal import __version__

        for modname in BUILTINS:
            module = importlib.import_module(modname)
            self._kinds[module.KIND.name] = module.KIND
            self._pm.add_hookspecs(module)
            self._who[f"builtin:{modname}"] = (GROUP, __version__)
            self._pm.register(module, name=f"builtin:{modname}")
        if autoload_disabled():
            return
        eps = metadata.entry_points(group=GROUP)
        self._eps = eps = sorted(eps, key=lambda ep: (ep.dist.name.lower(), ep.name))
        names = [ep.name for ep in eps]
        for ep in eps:  # from its own distribution, under a name of its own
            shared = names.count(ep.name) > 1
            name = f"{ep.name} ({ep.dist.name})" if shared else ep.name
            self._ep_names[name] = ep.name
            why = f"import of {ep.value!r} failed: "
            self._add(name, (ep.dist.name, ep.dist.version), ep.load, why)
        self._warn_unmatched(self._disabled())

    def _build(self) -> dict[str, Registry]:
        """Call each plugin's hooks through ``pm.hook`` on their own (one call
        for all would stop at the first exception, and ``register`` could not
        tell who called), after blocking the plugins disabled since loading."""
        registries = {name: Registry(kind) for name, kind in self._kinds.items()}
        self._failures = [
            f for f in self._failures if f.status in ("skipped", "disabled")
        ]
        for name, plugin in self._pm.list_name_plugin():
            if plugin is None or self._block(name, self._who[name]):
                continue
            others = [p for p in self._pm.get_plugins() if p is not plugin]
            for kind in self._kinds.values():
                hook = self._pm.subset_hook_caller(kind.hookspec.__name__, others)
                register = _callback(self._register, registries[kind.name], name)
                try:
                    with self._running(f"hook {hook.name} of plugin {name!r}"):
                        returned = hook(register=register)
                except (Exception, SystemExit) as exc:  # sys.exit() too
                    why = f"hook {hook.name} raised {type(exc).__name__}: {exc}"
                    self._fail(name, why, status="failed", exc=exc)
                    continue
                if returned:  # pluggy's list of the non-None return values
                    from skmultimodal.utils._validation import type_name

                    why = (
                        f"hook {hook.name} returned {type_name(returned[0])}, "
                        "which is ignored: a hook registers each class with "
                        "register(name, cls) and returns None"
                    )
                    self._fail(name, why, status="failed")
        return registries

    def _register(self, registry: Registry, plugin: str, name: str, cls: Any):
        """``register(name, cls)`` of ``plugin``: a refusal is recorded, not raised."""
        entry = RegistryEntry(name, registry.kind, cls, plugin, *self._who[plugin])
        try:
            registry._add(entry)
        except (PluginInterfaceError, DuplicateNameError) as exc:
            why = f"registration of {registry.label} {name!r} refused: {exc}"
            what = dict(name=str(name), kind=registry.kind)
            self._fail(plugin, why, status="refused", exc=exc, **what)

    def registries(self) -> dict[str, Registry]:
        """All registries by kind, loading the plugins on first use; a
        RuntimeError while a plugin's import or hook runs (they are half-built).

        Returns
        -------
        registries : dict of str to Registry
            Each kind's name (e.g. ``"fusion_method"``) and its registry.
        """
        with self._lock:
            if self._busy:
                raise RuntimeError(
                    f"skmultimodal registries cannot be queried from inside "
                    f"{self._busy}: they are being built. Look the registry up "
                    "at call time instead (e.g. in fit), not in a plugin's import "
                    "or hook"
                )
            if not self._kinds:
                os.environ.setdefault(_REPORTER, str(os.getpid()))
                self._load()
            if self._registries is None:
                self._registries = self._build()
            return self._registries

    def failures(self) -> list[PluginFailure]:
        """Every problem so far but the disabled plugins.

        Loads the plugins first if no registry was used yet.

        Returns
        -------
        failures : list of PluginFailure
            The skipped plugins, failed hooks and refused registrations, in
            the order they happened.
        """
        self.registries()
        return [f for f in self._failures if f.status != "disabled"]

    def reset(self) -> None:
        """Forget everything; the next use loads plugins (and warns) again."""
        with self._lock:
            self.__init__()


_MANAGER = PluginManager()


def _callback(add, registry, plugin):
    """The ``register(name, cls)`` a plugin's hook gets (a function of that
    signature, so that a wrong call names it as the docs do)."""

    def register(name, cls):
        add(registry, plugin, name, cls)

    register.__qualname__ = "register"
    return register


def _needs_instance(plugin, hooks) -> bool:
    """Whether ``plugin`` is a class whose hook implementations are methods
    taking ``self`` (pluggy would call them unbound, the callback landing in
    ``self``)."""
    if not inspect.isclass(plugin):
        return False
    for caller in hooks:
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin:
                params = list(inspect.signature(impl.function).parameters)
                if params[:1] == ["self"]:
                    return True
    return False


def _who(distribution: str, version: str) -> str:
    """``distribution version``, or the distribution alone without a version
    (a plugin registered by hand)."""
    return f"{distribution} {version}".strip()


def _normalize(name: str) -> str:
    """Distribution-name normalization (PEP 503): case and ``-_.`` runs."""
    return re.sub(r"[-_.]+", "-", str(name)).strip().lower()


def autoload_disabled() -> bool:
    """Whether ``SKMULTIMODAL_DISABLE_PLUGIN_AUTOLOAD`` turns entry-point
    loading off (read by :func:`skmultimodal.utils.env_flag`; a value that is
    not a boolean warns and turns it off).

    Returns
    -------
    disabled : bool
        True when the entry-point plugins are not to be loaded.
    """
    from skmultimodal.utils import env_flag

    try:
        return env_flag(DISABLE_AUTOLOAD_ENV)
    except ValueError as exc:
        from skmultimodal.utils._parallel import warn_at_caller

        warn_at_caller(f"{exc}; entry-point plugins are not loaded", PluginWarning)
        return True


def disable_plugins(*names: str, source: str = "disable_plugins()") -> None:
    """Disable plugins by distribution or entry-point name, as listing them in
    ``SKMULTIMODAL_DISABLE_PLUGINS`` (to which they are added, for worker
    processes) or ``skmultimodal --disable-plugin`` do: an entry point is then
    never imported, a loaded plugin is dropped, and pluggy blocks the name.
    An entry-point name that several distributions declare disables them all.
    A name matching no plugin is warned about, here once plugins are loaded.

    Parameters
    ----------
    *names : str
        Distribution or entry-point names of the plugins to disable
        (case-insensitive, ``-``, ``_`` and ``.`` alike); blank ones are
        ignored. The built-in methods cannot be disabled.
    source : str, default="disable_plugins()"
        How the disabling is named in the warnings and in each disabled
        plugin's :class:`PluginFailure` reason (``"disabled by <source>"``).
    """
    names = tuple(n.strip() for n in names if n.strip())
    current = [n for n in os.environ.get(DISABLE_PLUGINS_ENV, "").split(",") if n]
    os.environ[DISABLE_PLUGINS_ENV] = ",".join(dict.fromkeys([*current, *names]))
    with _MANAGER._lock:
        disabled = {_normalize(n): source for n in names}
        _MANAGER._disabled_by_call.update(disabled)
        builtins = {
            _normalize(e.name)
            for r in (_MANAGER._registries or {}).values()
            for e in r.entries()
            if e.distribution == GROUP
        }
        _MANAGER._registries = None  # the next use blocks those already loaded
        _MANAGER._warn_unmatched(disabled, builtins)
    _restart_workers()


def _restart_workers() -> None:
    """Shut joblib's reusable worker processes down, if any run: each built
    its registries when it started, so it would keep using a plugin just
    disabled; the next parallel call starts workers that see the change (in
    ``SKMULTIMODAL_DISABLE_PLUGINS``)."""
    from joblib.externals.loky import reusable_executor

    executor = getattr(reusable_executor, "_executor", None)
    if executor is not None:
        executor.shutdown(wait=True)


def get_plugin_manager() -> PluginManager:
    """The process-wide :class:`PluginManager`.

    Returns
    -------
    manager : PluginManager
        The one manager of this process.
    """
    return _MANAGER


def get_registry(kind: str) -> Registry:
    """The :class:`Registry` of ``kind``, e.g. ``"fusion_method"``.

    Loads the plugins on first use.

    Parameters
    ----------
    kind : str
        The name of a registry kind: ``"fusion_method"``,
        ``"image_features"`` or ``"text_features"``; an unknown one is a
        ValueError listing the kinds.

    Returns
    -------
    registry : Registry
        The registry of that kind.
    """
    if kind not in (registries := _MANAGER.registries()):
        raise ValueError(f"Unknown registry kind {kind!r}; one of {sorted(registries)}")
    return registries[kind]


def register_plugin(plugin, name=None, *, distribution="<local>", version="") -> bool:
    """Register an object with ``@hookimpl`` functions by hand as ``name``
    (default: pluggy's canonical name, its ``__name__``) from ``distribution``,
    and call its hooks now, so that each problem warns here
    (:class:`PluginWarning`). False when it was disabled or skipped (not
    registered), or when its hooks registered no accepted name but had a
    refused registration or a failure (it stays registered, as would what
    they accepted: :func:`unregister_plugin` removes it); True otherwise.

    Parameters
    ----------
    plugin : object
        A module, class or instance with ``@hookimpl`` functions (a class
        whose hook implementations are methods must be given as an
        instance); an unhashable one is skipped.
    name : str, default=None
        The plugin's name, as :func:`unregister_plugin` and
        :attr:`RegistryEntry.plugin` know it; None means pluggy's canonical
        name: ``plugin.__name__``, or its ``id`` for an object without one.
    distribution : str, default="<local>"
        The distribution named as the provider of its registrations (in
        :func:`list_plugins` and in messages); disabling that distribution
        (:func:`disable_plugins`) disables the plugin.
    version : str, default=""
        That distribution's version, for the same listings and messages.

    Returns
    -------
    registered : bool
        Whether the plugin is registered and its hooks accepted a name or
        met no problem (see above).
    """
    with _MANAGER._lock:
        _MANAGER.registries()  # built-ins and entry points come first
        name = name or _MANAGER._pm.get_canonical_name(plugin)
        who = (distribution, version)
        if not _MANAGER._add(name, who, lambda: plugin, by_hand=True):
            return False
        registries = _MANAGER.registries().values()
        if any(e.plugin == name for r in registries for e in r.entries()):
            return True
        problems = [f for f in _MANAGER._failures if f.status in ("refused", "failed")]
        return all(f.plugin != name for f in problems)


def unregister_plugin(plugin) -> None:
    """Undo :func:`register_plugin`; ``plugin`` is the object or its name.

    The names it registered are dropped at the registries' next use.

    Parameters
    ----------
    plugin : object or str
        The registered plugin object, or the name it was registered under;
        one that is not registered is a ValueError.
    """
    with _MANAGER._lock:
        obj = _MANAGER._pm.get_plugin(plugin) if isinstance(plugin, str) else plugin
        if obj is None or not _MANAGER._pm.is_registered(obj):
            raise ValueError(f"plugin {plugin!r} is not registered")
        _MANAGER._pm.unregister(obj)
        _MANAGER._registries = None


def list_plugins(*, include_failures: bool = False) -> list[dict[str, Any]]:
    """One dict per registered name (by kind and name): ``name``, ``kind``,
    ``distribution``, ``version``, ``plugin``, ``status`` (``"registered"``),
    ``reason`` and ``traceback`` (""); with ``include_failures``, then one per
    :class:`PluginFailure` (the disabled plugins last).

    Parameters
    ----------
    include_failures : bool, default=False
        Also list the skipped, disabled and failed plugins and the refused
        registrations, each as the fields of its :class:`PluginFailure`.

    Returns
    -------
    plugins : list of dict
        One dict per registered name, sorted by kind and name, then, with
        ``include_failures``, one per failure.
    """
    entries = [e for r in _MANAGER.registries().values() for e in r.entries()]
    ok = {"status": "registered", "reason": "", "traceback": ""}
    rows = [
        {**{k: v for k, v in e._asdict().items() if k != "obj"}, **ok}
        for e in sorted(entries, key=lambda e: (e.kind, e.name))
    ]
    failures = sorted(_MANAGER._failures, key=lambda f: f.status == "disabled")
    return rows + ([f._asdict() for f in failures] if include_failures else [])
