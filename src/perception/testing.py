"""A pytest plugin for people who write perception plugins.

It is loaded automatically (entry point ``pytest11``) when perception is installed.
Fixtures:

``perception_plugin``
    A function ``register(plugin, name=None)`` that registers *plugin* (a module,
    class or object with ``@perception.hookimpl`` functions) in the process-wide plugin
    manager for the current test only; it is unregistered afterwards.  Returns the
    :class:`~perception.plugins.Registry` that includes it.

``perception_pm``
    A fresh :class:`pluggy.PluginManager` with only the built-in plugins (no entry
    points), for tests that want full isolation; pass it as ``plugins=`` to
    :func:`perception.assess`, :func:`perception.check` or
    :func:`perception.plan_followups`.

Helper: :func:`make_account` builds a small valid account for tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import pluggy
import pytest

from perception.model import (
    Account,
    Customer,
    Deliverable,
    Expectation,
    Feedback,
    Interaction,
    Stakeholder,
)
from perception.plugins import Registry, default_plugin_manager, get_plugin_manager, get_registry

__all__ = ["T0", "make_account", "message", "perception_plugin", "perception_pm"]

#: The fixed "now" of :func:`make_account`'s records.
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def make_account(
    *,
    id: str = "acme",  # noqa: A002  # mirrors the record's field name
    name: str = "Acme Ltd",
    stakeholders: Sequence[Stakeholder] = (),
    expectations: Sequence[Expectation] = (),
    deliverables: Sequence[Deliverable] = (),
    interactions: Sequence[Interaction] = (),
    feedback: Sequence[Feedback] = (),
    glossary: dict[str, str] | None = None,
    **fields: Any,
) -> Account:
    """A valid account with sensible defaults: one executive stakeholder, ``"exec"``.

    Other fields of :class:`~perception.model.Account` (``owner``, ``cases``, ``usage``,
    ``arr``, ``renewal``, ...) are passed on as they are.
    """
    people = tuple(stakeholders) or (
        Stakeholder(id="exec", name="Alex Morgan", role="COO", seniority="executive"),
    )
    return Account(
        customer=Customer(id=id, name=name, stakeholders=people, glossary=glossary or {}),
        expectations=expectations,
        deliverables=deliverables,
        interactions=interactions,
        feedback=feedback,
        **fields,
    )


def message(
    id: str,  # noqa: A002  # mirrors the record's field name
    text: str,
    *,
    inbound: bool = True,
    days: float = 0.0,
    **fields: Any,
) -> Interaction:
    """An interaction *days* after :data:`T0` (inbound by default)."""
    return Interaction(
        id=id,
        at=T0 + timedelta(days=days),
        direction="inbound" if inbound else "outbound",
        text=text,
        **fields,
    )


@pytest.fixture
def perception_plugin() -> Iterator[Callable[..., Registry]]:
    """Register a plugin in the default plugin manager for one test."""
    pm = default_plugin_manager()
    added: list[object] = []

    def register(plugin: object, name: str | None = None) -> Registry:
        pm.register(plugin, name=name)
        added.append(plugin)
        return get_registry(pm)

    yield register
    for plugin in reversed(added):
        if pm.is_registered(plugin):
            pm.unregister(plugin)


@pytest.fixture
def perception_pm() -> pluggy.PluginManager:
    """A fresh plugin manager with only the built-in plugins."""
    return get_plugin_manager(load_entrypoints=False)
