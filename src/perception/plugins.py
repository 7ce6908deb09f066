"""The plugin manager and the registries of scorers, checks and policies.

:func:`get_plugin_manager` builds a fresh :class:`pluggy.PluginManager`: the hook
specifications, then the built-in plugins (:data:`DEFAULT_PLUGINS`, registered with the
same ``pm.register`` call as any third-party plugin), then the plugins published under
the ``perception`` entry-point group, then ``check_pending()``.  Nothing is loaded at
``import perception``: entry points are read the first time a manager is built.

Set ``PERCEPTION_BLOCK_PLUGINS`` to a comma-separated list of plugin names to block
them (built-in ones included; ``perception.builtin.checks`` blocks every built-in check),
and ``PERCEPTION_DISABLE_PLUGIN_AUTOLOAD=1`` to skip entry points altogether.
"""

from __future__ import annotations

import importlib
import math
import os
import re
import threading
import types
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import attrs
import pluggy

from perception import hookspecs
from perception._frozen import FrozenMap
from perception.errors import ConfigError, PerceptionError, PluginConflictError
from perception.hookspecs import PROJECT_NAME, Check, EvidenceKind, Policy, Scorer
from perception.options import defaults_of, is_options_class

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from perception.config import Config

__all__ = [
    "BLOCK_ENV",
    "DEFAULT_PLUGINS",
    "DISABLE_AUTOLOAD_ENV",
    "DISTRIBUTION",
    "ENTRY_POINT_GROUP",
    "Kind",
    "Registered",
    "Registry",
    "call_registration_hook",
    "default_plugin_manager",
    "get_plugin_manager",
    "get_registry",
    "plugin_names",
]

#: Entry-point group third-party plugins publish under.
ENTRY_POINT_GROUP = PROJECT_NAME
#: The name this package is installed under (``pip install customer-perception``); the
#: import name is ``perception``.  Another, unrelated distribution is called ``perception``.
DISTRIBUTION = "customer-perception"
#: Environment variable: comma-separated plugin names to block.
BLOCK_ENV = "PERCEPTION_BLOCK_PLUGINS"
#: Environment variable: set to ``1`` to skip loading entry-point plugins.
DISABLE_AUTOLOAD_ENV = "PERCEPTION_DISABLE_PLUGIN_AUTOLOAD"

#: Built-in plugins, by module name; each is registered under that name.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "perception.builtin.scorers.disconfirmation",
    "perception.builtin.scorers.responsiveness",
    "perception.builtin.scorers.sentiment",
    "perception.builtin.scorers.voice",
    "perception.builtin.scorers.communication",
    "perception.builtin.scorers.confirmation",
    "perception.builtin.scorers.recovery",
    "perception.builtin.scorers.silence",
    "perception.builtin.checks.undefined_term",
    "perception.builtin.checks.acknowledgement",
    "perception.builtin.checks.negative_language",
    "perception.builtin.checks.unconfirmed_critical_point",
    "perception.builtin.checks.readability",
    "perception.builtin.checks.personalization",
    "perception.builtin.checks.language",
    "perception.builtin.policies.post_delivery_check_in",
    "perception.builtin.policies.confirm_critical",
    "perception.builtin.policies.overdue_deliverable",
    "perception.builtin.policies.recover_negative",
    "perception.builtin.policies.answer_question",
    "perception.builtin.policies.break_silence",
    "perception.builtin.policies.executive_touchpoint",
    "perception.builtin.policies.share_relevant_news",
)

Kind = Literal["scorer", "check", "policy"]
T = TypeVar("T")

_HOOKS: Mapping[Kind, tuple[str, type]] = {
    "scorer": ("perception_register_scorers", Scorer),
    "check": ("perception_register_checks", Check),
    "policy": ("perception_register_policies", Policy),
}
_METHOD: Mapping[Kind, str] = {"scorer": "score", "check": "check", "policy": "followups"}
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def _blocked_names() -> list[str]:
    """The names in ``PERCEPTION_BLOCK_PLUGINS``; a built-in package's name
    (``perception.builtin.checks``) stands for each of its plugin modules."""
    names = [n.strip() for n in os.environ.get(BLOCK_ENV, "").split(",") if n.strip()]
    return names + [m for n in names for m in DEFAULT_PLUGINS if m.startswith(n + ".")]


class _PluginManager(pluggy.PluginManager):
    """A pluggy manager that counts its changes, so that :func:`get_registry` can tell in
    constant time whether its registry is still current."""

    def __init__(self, project_name: str) -> None:
        super().__init__(project_name)
        self.changes = 0

    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register *plugin* (see :meth:`pluggy.PluginManager.register`)."""
        self.changes += 1
        return super().register(plugin, name)

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any:
        """Unregister a plugin (see :meth:`pluggy.PluginManager.unregister`)."""
        self.changes += 1
        return super().unregister(plugin, name)

    def set_blocked(self, name: str) -> None:
        """Block *name* (see :meth:`pluggy.PluginManager.set_blocked`)."""
        self.changes += 1
        super().set_blocked(name)

    def unblock(self, name: str) -> bool:
        """Unblock *name* (see :meth:`pluggy.PluginManager.unblock`)."""
        self.changes += 1
        return super().unblock(name)


def get_plugin_manager(
    *,
    load_entrypoints: bool | None = None,
    blocked: Iterable[str] | None = None,
    plugins: Iterable[str] = (),
) -> pluggy.PluginManager:
    """A fresh plugin manager with the built-in and installed plugins registered.

    :param load_entrypoints: load plugins from the ``perception`` entry-point group;
        by default, unless ``PERCEPTION_DISABLE_PLUGIN_AUTOLOAD`` is set.
    :param blocked: plugin names not to register (default: ``PERCEPTION_BLOCK_PLUGINS``).
    :param plugins: more plugins to register, in this order, each by name: the name of
        an entry point of the ``perception`` group, or an import path (``package.module``
        or ``package.module:attribute``); each is registered under that name.
    """
    pm = _PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name in _blocked_names() if blocked is None else blocked:
        pm.set_blocked(name)
    # pluggy calls the last registered plugin first: registering the built-ins in reverse
    # makes their hooks run in the order DEFAULT_PLUGINS lists them.
    for module_name in reversed(DEFAULT_PLUGINS):
        if pm.is_blocked(module_name):
            continue
        pm.register(importlib.import_module(module_name), name=module_name)
    if load_entrypoints is None:
        load_entrypoints = os.environ.get(DISABLE_AUTOLOAD_ENV, "") in ("", "0")
    if load_entrypoints:
        _load_entrypoints(pm)
    _load_named(pm, plugins)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PerceptionError(f"plugin {exc.plugin!r} implements an unknown hook: {exc}") from exc
    return pm


def _load_entrypoints(pm: pluggy.PluginManager) -> None:
    """Register every plugin of the ``perception`` entry-point group, naming any that fails."""
    from importlib.metadata import entry_points  # noqa: PLC0415  # slow; only when needed

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        _register_entry_point(pm, ep)


def _register_entry_point(pm: pluggy.PluginManager, ep: EntryPoint) -> None:
    if pm.is_blocked(ep.name):
        return
    dist = f" (distribution {ep.dist.name})" if ep.dist is not None else ""
    if pm.has_plugin(ep.name):
        first = _distributions.get(pm, {}).get(ep.name, ("", ""))[0]
        if ep.dist is None or ep.dist.name == first:
            return  # the same distribution seen twice on the path
        msg = (
            f"two plugins are named {ep.name!r}: one from distribution {first or '?'!r} "
            f"and one from {ep.dist.name!r}; uninstall one, or block the name with "
            f"{BLOCK_ENV}"
        )
        raise PerceptionError(msg)
    try:
        plugin = ep.load()
        pm.register(plugin, name=ep.name)
        if ep.dist is not None:
            _distributions.setdefault(pm, {})[ep.name] = (ep.dist.name, ep.dist.version)
    except Exception as exc:
        msg = f"cannot load plugin {ep.name!r} = {ep.value!r}{dist}: {type(exc).__name__}: {exc}"
        raise PerceptionError(msg) from exc


def _load_named(pm: pluggy.PluginManager, names: Iterable[str]) -> None:
    """Register the plugins *names* name: entry points of the group, or import paths."""
    points: dict[str, list[EntryPoint]] | None = None
    for name in names:
        if pm.has_plugin(name) or pm.is_blocked(name):
            continue
        if points is None:
            from importlib.metadata import entry_points  # noqa: PLC0415  # slow; when needed

            points = {}
            for ep in entry_points(group=ENTRY_POINT_GROUP):
                points.setdefault(ep.name, []).append(ep)
        if name in points:
            for ep in points[name]:
                _register_entry_point(pm, ep)
            continue
        module_name, _, attribute = name.partition(":")
        try:
            plugin: object = importlib.import_module(module_name)
            for part in filter(None, attribute.split(".")):
                plugin = getattr(plugin, part)
            pm.register(plugin, name=name)
        except Exception as exc:
            msg = (
                f"cannot load plugin {name!r}: no entry point of the {ENTRY_POINT_GROUP!r} "
                f"group has that name, and importing it failed: {type(exc).__name__}: {exc}"
            )
            raise PerceptionError(msg) from exc


def plugin_names(pm: pluggy.PluginManager) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """``(plugins, blocked)`` that rebuild *pm* in a fresh process, or ``None``.

    ``get_plugin_manager(load_entrypoints=False, blocked=blocked, plugins=plugins)``
    then registers the same plugins in the same order: the built-ins, the entry points
    *pm* loaded (by entry-point name) and the modules registered under their own module
    name.  ``None`` when *pm* holds a plugin that has no such name (an object registered
    in-process): only a copy of it can reach another process.
    """
    entry_point_names = _distributions.get(pm, {})
    registered = dict(pm.list_name_plugin())
    blocked = [name for name, plugin in registered.items() if plugin is None]
    blocked += [name for name in DEFAULT_PLUGINS if name not in registered]
    plugins = []
    for name, plugin in registered.items():
        if plugin is None or name in DEFAULT_PLUGINS:
            continue
        if name in entry_point_names or (
            isinstance(plugin, types.ModuleType) and plugin.__name__ == name
        ):
            plugins.append(name)
        else:
            return None
    return tuple(plugins), tuple(blocked)


#: The distribution and version of each entry-point plugin, per manager (as flake8's
#: plugin finder records them).
_distributions: weakref.WeakKeyDictionary[pluggy.PluginManager, dict[str, tuple[str, str]]]
_distributions = weakref.WeakKeyDictionary()


def _distribution(pm: pluggy.PluginManager, plugin_name: str) -> tuple[str, str]:
    """``(distribution, version)`` of the plugin named *plugin_name*, or empty strings.

    Built-in plugins belong to this package; plugins registered in-process belong to no
    distribution.
    """
    found = _distributions.get(pm, {}).get(plugin_name)
    if found is not None:
        return found
    if plugin_name in DEFAULT_PLUGINS:
        from perception import __version__  # noqa: PLC0415  # the package imports this module

        return DISTRIBUTION, __version__
    return "", ""


_default_pm: pluggy.PluginManager | None = None
_default_lock = threading.Lock()


def default_plugin_manager() -> pluggy.PluginManager:
    """The process-wide manager used when no ``plugins`` argument is given.

    Built by :func:`get_plugin_manager` on first use.  Register an extra plugin in it
    with ``default_plugin_manager().register(plugin)``; the registries follow.
    """
    global _default_pm  # noqa: PLW0603  # one lazily built manager per process
    with _default_lock:
        if _default_pm is None:
            _default_pm = get_plugin_manager()
        return _default_pm


@attrs.frozen(kw_only=True)
class Registered(Generic[T]):
    """A registered scorer, check or policy and where it came from.

    Attributes:
        obj: the registered object.
        name: its unique name.
        kind: ``scorer``, ``check`` or ``policy``.
        description: its one-line description.
        origin: name of the pluggy plugin that registered it.
        defaults: the options it accepts, with their default values.
        options_class: its ``Options`` class, when it declares one (else options are a
            read-only mapping of *defaults* overlaid with the configuration).
        weight: a scorer's base weight (replaced by a ``[weights]`` entry); 1.0 otherwise.
        evidence_kind: what kind of evidence a scorer's signals are.
        distribution: the installed distribution the plugin came from ("" if none).
        version: that distribution's version ("" if none).
    """

    obj: T
    name: str
    kind: Kind
    description: str
    origin: str
    defaults: Mapping[str, Any] = attrs.field(factory=dict)
    options_class: type[Any] | None = None
    weight: float = 1.0
    evidence_kind: EvidenceKind = EvidenceKind.INFERRED
    distribution: str = ""
    version: str = ""

    def options(self, config: Config) -> Any:
        """The options of this entry under *config*: an instance of its ``Options`` class,
        or a read-only mapping; built once per config and shared.

        Raises :class:`~perception.errors.ConfigError` naming the option and the file
        when a configured value is invalid.
        """
        return resolve_options(self, config)


@attrs.frozen(kw_only=True)
class Registry:
    """Every registered scorer, check and policy, by name, in registration order."""

    scorers: Mapping[str, Registered[Scorer]] = attrs.field(factory=dict)
    checks: Mapping[str, Registered[Check]] = attrs.field(factory=dict)
    policies: Mapping[str, Registered[Policy]] = attrs.field(factory=dict)

    def __iter__(self) -> Iterator[Registered[Any]]:
        yield from self.scorers.values()
        yield from self.checks.values()
        yield from self.policies.values()

    def names(self) -> frozenset[str]:
        """Every registered name."""
        return frozenset(entry.name for entry in self)

    def get(self, name: str) -> Registered[Any] | None:
        """The entry named *name*, of any kind, or ``None``."""
        return next((entry for entry in self if entry.name == name), None)

    @classmethod
    def from_plugin_manager(cls, pm: pluggy.PluginManager) -> Registry:
        """Call the registration hooks of every plugin in *pm* and collect the results.

        Implementations are called in pluggy's order (``tryfirst`` first, ``trylast``
        last, otherwise the last registered first), so the registry lists objects in the
        order pluggy itself would call them.

        Raises :class:`~perception.errors.PluginConflictError` when two plugins register
        the same name, and :class:`~perception.errors.PerceptionError` when a plugin
        registers something that is not a scorer, check or policy, implements a
        registration hook as a wrapper, or fails while registering.
        """
        seen: dict[str, Registered[Any]] = {}
        tables: dict[Kind, dict[str, Registered[Any]]] = {k: {} for k in _HOOKS}
        for kind, (hook_name, protocol) in _HOOKS.items():

            def arguments(
                origin: str, *, _kind: Kind = kind, _protocol: type = protocol
            ) -> dict[str, Any]:
                def register(obj: object) -> None:
                    entry = _entry(obj, _kind, origin, _protocol, _distribution(pm, origin))
                    previous = seen.get(entry.name)
                    if previous is not None:
                        msg = (
                            f"{_kind} {entry.name!r} from plugin {origin!r} clashes with "
                            f"the {previous.kind} of that name from plugin {previous.origin!r}"
                        )
                        raise PluginConflictError(msg)
                    seen[entry.name] = entry
                    tables[_kind][entry.name] = entry

                return {"register": register}

            call_registration_hook(pm, hook_name, arguments)
        return cls(scorers=tables["scorer"], checks=tables["check"], policies=tables["policy"])


def call_registration_hook(
    pm: pluggy.PluginManager,
    hook_name: str,
    arguments: Callable[[str], Mapping[str, Any]],
    *,
    after: Callable[[str], None] | None = None,
) -> None:
    """Call each implementation of the registration hook *hook_name*, in pluggy's order.

    Each implementation is called on its own with ``arguments(plugin_name)``, so that
    what it registers is attributed to its plugin.  Registration hooks take a callback
    and return nothing, so a ``wrapper=True`` (or old-style ``hookwrapper=True``)
    implementation could neither register nor wrap anything: it is refused with an
    error naming the plugin.  An error raised by an implementation is re-raised as a
    :class:`~perception.errors.PerceptionError` naming the plugin and the hook.
    *after*, when given, is called with the plugin's name after each implementation.
    """
    hook = getattr(pm.hook, hook_name)
    implementations = hook.get_hookimpls()
    for impl in implementations:
        if impl.wrapper or impl.hookwrapper:
            msg = (
                f"plugin {impl.plugin_name!r} implements {hook_name} as a wrapper; "
                "registration hooks take a register callback and cannot be wrappers"
            )
            raise PerceptionError(msg)
    # pluggy calls the implementations from the end of this list to its start.
    for impl in reversed(implementations):
        given = arguments(impl.plugin_name)
        try:
            impl.function(**{a: given[a] for a in impl.argnames})
        except PerceptionError:
            raise
        except Exception as exc:
            msg = f"plugin {impl.plugin_name!r} failed in {hook_name}: {type(exc).__name__}: {exc}"
            raise PerceptionError(msg) from exc
        if after is not None:
            after(impl.plugin_name)


def _entry(
    obj: object, kind: Kind, origin: str, protocol: type, distribution: tuple[str, str]
) -> Registered[Any]:
    name = getattr(obj, "name", None)
    what = f"{kind} registered by plugin {origin!r}"
    if not isinstance(name, str) or not _NAME_RE.match(name):
        msg = f"{what} needs a name of lowercase letters, digits and dashes, not {name!r}"
        raise PerceptionError(msg)
    what = f"{what} ({name!r})"
    description = getattr(obj, "description", None)
    if not isinstance(description, str):
        raise PerceptionError(f"{what} needs a description string")
    if not callable(getattr(obj, _METHOD[kind], None)):
        msg = f"{what} needs a {_METHOD[kind]}() method ({protocol.__name__} protocol)"
        raise PerceptionError(msg)
    options_class, defaults = _declared_options(obj, what)
    weight, evidence_kind = 1.0, EvidenceKind.INFERRED
    if kind == "scorer":
        weight, evidence_kind = _scorer_traits(obj, what)
    return Registered(
        obj=obj,
        name=name,
        kind=kind,
        description=description,
        origin=origin,
        defaults=FrozenMap(defaults),
        options_class=options_class,
        weight=weight,
        evidence_kind=evidence_kind,
        distribution=distribution[0],
        version=distribution[1],
    )


def _declared_options(obj: object, what: str) -> tuple[type[Any] | None, dict[str, Any]]:
    """The ``Options`` class (if any) and the default options of a registered object."""
    options_class = getattr(obj, "Options", None)
    if options_class is not None:
        if not is_options_class(options_class):
            msg = f"{what}: Options must be an attrs class whose every field has a default"
            raise PerceptionError(msg)
        if hasattr(obj, "defaults"):
            raise PerceptionError(f"{what}: declare either Options or defaults, not both")
        return options_class, defaults_of(options_class)
    defaults = getattr(obj, "defaults", {})
    if not isinstance(defaults, Mapping):
        raise PerceptionError(f"{what}: defaults must be a mapping")
    return None, dict(defaults)


def _scorer_traits(obj: object, what: str) -> tuple[float, EvidenceKind]:
    """A scorer's declared base ``weight`` and ``evidence_kind``, checked."""
    weight = getattr(obj, "weight", 1.0)
    if (
        isinstance(weight, bool)
        or not isinstance(weight, (int, float))
        or not math.isfinite(weight)
        or weight < 0
    ):
        raise PerceptionError(f"{what}: weight must be a finite number >= 0, not {weight!r}")
    evidence_kind = getattr(obj, "evidence_kind", EvidenceKind.INFERRED)
    try:
        evidence_kind = EvidenceKind(evidence_kind)
    except ValueError:
        allowed = ", ".join(k.value for k in EvidenceKind)
        msg = f"{what}: evidence_kind must be one of {allowed}, not {evidence_kind!r}"
        raise PerceptionError(msg) from None
    return float(weight), evidence_kind


#: Options resolved per (config, entry): ``{(id(config), id(entry)): (config, entry, value)}``.
_RESOLVED: dict[tuple[int, int], tuple[Config, Registered[Any], Any]] = {}
_RESOLVED_LOCK = threading.Lock()
_RESOLVED_LIMIT = 1024


def resolve_options(entry: Registered[Any], config: Config) -> Any:
    """The options of *entry* under *config* (see :meth:`Registered.options`)."""
    key = (id(config), id(entry))
    cached = _RESOLVED.get(key)
    if cached is not None and cached[0] is config and cached[1] is entry:
        return cached[2]
    value = _build_options(entry, config)
    with _RESOLVED_LOCK:
        if len(_RESOLVED) >= _RESOLVED_LIMIT:
            _RESOLVED.clear()
        _RESOLVED[key] = (config, entry, value)
    return value


def _build_options(entry: Registered[Any], config: Config) -> Any:
    configured = config.options.get(entry.name, {})
    if entry.options_class is None:
        merged = dict(entry.defaults)
        merged.update(configured)
        return FrozenMap(merged)
    problems = structure_problems(entry, configured)
    if problems:
        raise ConfigError(config.render_problems(problems))
    return _structure_options(entry, configured)


def _structure_options(entry: Registered[Any], configured: Mapping[str, Any]) -> Any:
    from perception.io import structure  # noqa: PLC0415  # cattrs loads on first use

    return structure(dict(configured), entry.options_class)  # type: ignore[arg-type]


def structure_problems(entry: Registered[Any], configured: Mapping[str, Any]) -> list[str]:
    """Every problem of the options *configured* for *entry*, as ``options.NAME.KEY: ...``.

    Unknown options are listed with the allowed ones; values are checked by structuring
    them into the entry's ``Options`` class (types and ranges), or, for a plain
    ``defaults`` mapping, against the kind of each default.
    """
    from perception.errors import ValidationError  # noqa: PLC0415  # avoids a cycle at import

    prefix = f"options.{entry.name}"
    problems = []
    for key in configured:
        if key not in entry.defaults:
            allowed = ", ".join(sorted(entry.defaults)) or "none"
            problems.append(f"{prefix}.{key}: unknown option (allowed: {allowed})")
    known = {k: v for k, v in configured.items() if k in entry.defaults}
    if entry.options_class is None:
        for key, value in known.items():
            if not _same_kind(entry.defaults[key], value):
                expected = type(entry.defaults[key]).__name__
                problems.append(f"{prefix}.{key}: must be {expected}, not {type(value).__name__}")
        return problems
    # One option at a time: a class's validators stop at its first failing field, and
    # every problem is to be reported at once.
    for key, value in known.items():
        try:
            _structure_options(entry, {key: value})
        except ValidationError as exc:
            problems.extend(str(p.prefixed(prefix)) for p in exc.problems)
    if not problems:
        try:
            _structure_options(entry, known)  # a check across options, if the class has one
        except ValidationError as exc:
            problems.extend(str(p.prefixed(prefix)) for p in exc.problems)
    return problems


def _same_kind(default: object, value: object) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)) and isinstance(value, (int, float)):
        return True
    if default is None:
        return True
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(default))


_registries: weakref.WeakKeyDictionary[pluggy.PluginManager, tuple[object, Registry]]
_registries = weakref.WeakKeyDictionary()


def get_registry(pm: pluggy.PluginManager | None = None) -> Registry:
    """The registry of *pm* (default: :func:`default_plugin_manager`).

    Cached, and rebuilt when plugins are registered or unregistered.
    """
    if pm is None:
        pm = default_plugin_manager()
    state: object
    if isinstance(pm, _PluginManager):
        state = pm.changes  # a manager of get_plugin_manager() counts its changes
    else:
        state = frozenset(id(p) for p in pm.get_plugins())
    cached = _registries.get(pm)
    if cached is not None and cached[0] == state:
        return cached[1]
    registry = Registry.from_plugin_manager(pm)
    _registries[pm] = (state, registry)
    return registry
