"""The plugin manager and the registries of scorers, checks and policies.

:func:`get_plugin_manager` builds a fresh :class:`pluggy.PluginManager`: the hook
specifications, then the built-in plugins (:data:`DEFAULT_PLUGINS`, registered with the
same ``pm.register`` call as any third-party plugin), then the plugins published under
the ``perception`` entry-point group, then ``check_pending()``.  Nothing is loaded at
``import perception``: entry points are read the first time a manager is built.

Set ``PERCEPTION_BLOCK_PLUGINS`` to a comma-separated list of plugin names to block
them (built-in ones included), and ``PERCEPTION_DISABLE_PLUGIN_AUTOLOAD=1`` to skip
entry points altogether.
"""

from __future__ import annotations

import importlib
import os
import re
import threading
import weakref
from collections.abc import Iterator, Mapping
from typing import Any, Generic, Literal, TypeVar

import attrs
import pluggy

from perception import hookspecs
from perception.errors import PerceptionError, PluginConflictError
from perception.hookspecs import PROJECT_NAME, Check, Policy, Scorer

__all__ = [
    "BLOCK_ENV",
    "DEFAULT_PLUGINS",
    "DISABLE_AUTOLOAD_ENV",
    "ENTRY_POINT_GROUP",
    "Kind",
    "Registered",
    "Registry",
    "default_plugin_manager",
    "get_plugin_manager",
    "get_registry",
]

#: Entry-point group third-party plugins publish under.
ENTRY_POINT_GROUP = PROJECT_NAME
#: Environment variable: comma-separated plugin names to block.
BLOCK_ENV = "PERCEPTION_BLOCK_PLUGINS"
#: Environment variable: set to ``1`` to skip loading entry-point plugins.
DISABLE_AUTOLOAD_ENV = "PERCEPTION_DISABLE_PLUGIN_AUTOLOAD"

#: Built-in plugins, by module name; each is registered under that name.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "perception.builtin.scorers",
    "perception.builtin.checks",
    "perception.builtin.policies.post_delivery_check_in",
    "perception.builtin.policies.confirm_critical",
    "perception.builtin.policies.recover_negative",
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
    return [n.strip() for n in os.environ.get(BLOCK_ENV, "").split(",") if n.strip()]


def get_plugin_manager(*, load_entrypoints: bool | None = None) -> pluggy.PluginManager:
    """A fresh plugin manager with the built-in and installed plugins registered.

    :param load_entrypoints: load plugins from the ``perception`` entry-point group;
        by default, unless ``PERCEPTION_DISABLE_PLUGIN_AUTOLOAD`` is set.
    """
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name in _blocked_names():
        pm.set_blocked(name)
    for module_name in DEFAULT_PLUGINS:
        if pm.is_blocked(module_name):
            continue
        pm.register(importlib.import_module(module_name), name=module_name)
    if load_entrypoints is None:
        load_entrypoints = os.environ.get(DISABLE_AUTOLOAD_ENV, "") in ("", "0")
    if load_entrypoints:
        _load_entrypoints(pm)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PerceptionError(f"plugin {exc.plugin!r} implements an unknown hook: {exc}") from exc
    return pm


def _load_entrypoints(pm: pluggy.PluginManager) -> None:
    """Register every plugin of the ``perception`` entry-point group, naming any that fails."""
    from importlib.metadata import entry_points  # noqa: PLC0415  # slow; only when needed

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if pm.is_blocked(ep.name) or pm.has_plugin(ep.name):
            continue
        dist = f" (distribution {ep.dist.name})" if ep.dist is not None else ""
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:
            msg = (
                f"cannot load plugin {ep.name!r} = {ep.value!r}{dist}: {type(exc).__name__}: {exc}"
            )
            raise PerceptionError(msg) from exc


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
    """

    obj: T
    name: str
    kind: Kind
    description: str
    origin: str
    defaults: Mapping[str, Any] = attrs.field(factory=dict)


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

        Raises :class:`~perception.errors.PluginConflictError` when two plugins register
        the same name, and :class:`~perception.errors.PerceptionError` when a plugin
        registers something that is not a scorer, check or policy.
        """
        seen: dict[str, Registered[Any]] = {}
        tables: dict[Kind, dict[str, Registered[Any]]] = {k: {} for k in _HOOKS}
        for kind, (hook_name, protocol) in _HOOKS.items():
            hook = getattr(pm.hook, hook_name)
            for impl in hook.get_hookimpls():
                origin = impl.plugin_name

                def register(
                    obj: object,
                    *,
                    _kind: Kind = kind,
                    _origin: str = origin,
                    _protocol: type = protocol,
                ) -> None:
                    entry = _entry(obj, _kind, _origin, _protocol)
                    previous = seen.get(entry.name)
                    if previous is not None:
                        msg = (
                            f"{_kind} {entry.name!r} from plugin {_origin!r} clashes with "
                            f"the {previous.kind} of that name from plugin {previous.origin!r}"
                        )
                        raise PluginConflictError(msg)
                    seen[entry.name] = entry
                    tables[_kind][entry.name] = entry

                args = {"register": register}
                try:
                    impl.function(**{a: args[a] for a in impl.argnames})
                except PerceptionError:
                    raise
                except Exception as exc:
                    msg = f"plugin {origin!r} failed in {hook_name}: {type(exc).__name__}: {exc}"
                    raise PerceptionError(msg) from exc
        return cls(scorers=tables["scorer"], checks=tables["check"], policies=tables["policy"])


def _entry(obj: object, kind: Kind, origin: str, protocol: type) -> Registered[Any]:
    name = getattr(obj, "name", None)
    what = f"{kind} registered by plugin {origin!r}"
    if not isinstance(name, str) or not _NAME_RE.match(name):
        msg = f"{what} needs a name of lowercase letters, digits and dashes, not {name!r}"
        raise PerceptionError(msg)
    description = getattr(obj, "description", None)
    if not isinstance(description, str):
        raise PerceptionError(f"{what} ({name!r}) needs a description string")
    if not callable(getattr(obj, _METHOD[kind], None)):
        msg = f"{what} ({name!r}) needs a {_METHOD[kind]}() method ({protocol.__name__} protocol)"
        raise PerceptionError(msg)
    defaults = getattr(obj, "defaults", {})
    if not isinstance(defaults, Mapping):
        raise PerceptionError(f"{what} ({name!r}): defaults must be a mapping")
    return Registered(
        obj=obj,
        name=name,
        kind=kind,
        description=description,
        origin=origin,
        defaults=dict(defaults),
    )


_registries: weakref.WeakKeyDictionary[pluggy.PluginManager, tuple[frozenset[int], Registry]]
_registries = weakref.WeakKeyDictionary()


def get_registry(pm: pluggy.PluginManager | None = None) -> Registry:
    """The registry of *pm* (default: :func:`default_plugin_manager`).

    Cached, and rebuilt when plugins are registered or unregistered.
    """
    if pm is None:
        pm = default_plugin_manager()
    state = frozenset(id(p) for p in pm.get_plugins())
    cached = _registries.get(pm)
    if cached is not None and cached[0] == state:
        return cached[1]
    registry = Registry.from_plugin_manager(pm)
    _registries[pm] = (state, registry)
    return registry
