"""The built-in checks as a whole: registration, one module each, typed options."""

from __future__ import annotations

import importlib

import pytest

import perception
from perception.builtin import checks
from perception.options import defaults_of, help_of
from perception.plugins import BLOCK_ENV, DEFAULT_PLUGINS, get_plugin_manager, get_registry

MODULES = [name for name in DEFAULT_PLUGINS if name.startswith("perception.builtin.checks.")]


def test_every_builtin_check_is_registered_with_description_and_typed_options():
    registry = perception.get_registry()
    for cls in checks.BUILTIN_CHECKS:
        entry = registry.checks[cls.name]
        assert entry.description
        assert entry.name == entry.name.lower()
        assert entry.options_class is cls.Options
        assert entry.defaults == defaults_of(cls.Options)
        assert all(help_of(cls.Options).values()), cls.name
        assert entry.origin == cls.__module__


def test_one_module_per_check_in_the_order_they_run():
    assert [cls.__module__ for cls in checks.BUILTIN_CHECKS] == MODULES
    assert len(MODULES) == 7
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    assert list(registry.checks) == [cls.name for cls in checks.BUILTIN_CHECKS]


def test_the_package_registers_nothing_itself():
    assert not hasattr(checks, "perception_register_checks")
    for name in MODULES:
        assert callable(importlib.import_module(name).perception_register_checks)


@pytest.mark.parametrize("module", MODULES)
def test_each_check_can_be_blocked_alone(module, monkeypatch):
    monkeypatch.setenv(BLOCK_ENV, module)
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    blocked = next(cls.name for cls in checks.BUILTIN_CHECKS if cls.__module__ == module)
    assert set(registry.checks) == {cls.name for cls in checks.BUILTIN_CHECKS} - {blocked}


def test_the_package_name_blocks_every_check(monkeypatch):
    monkeypatch.setenv(BLOCK_ENV, "perception.builtin.checks")
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    assert not registry.checks
    assert registry.scorers
