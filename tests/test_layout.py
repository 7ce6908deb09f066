"""The layout the architecture promises: one module per built-in plugin, small functions,
an engine that only runs plugins, and a core that names no built-in."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from radon.complexity import cc_visit

import perception
from perception.plugins import BLOCK_ENV, DEFAULT_PLUGINS, get_plugin_manager, get_registry

SRC = Path(perception.__file__).parent
#: The highest cyclomatic complexity allowed in a built-in plugin's function.
MAX_BUILTIN_COMPLEXITY = 15
#: The engine runs plugins; maths, batches and reports live elsewhere.
MAX_ENGINE_LINES = 400


def _builtin_sources():
    return sorted((SRC / "builtin").rglob("*.py"))


@pytest.mark.parametrize("path", _builtin_sources(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_builtin_function_is_too_complex(path):
    blocks = cc_visit(path.read_text(encoding="utf-8"))
    too_complex = [
        f"{b.fullname} ({b.complexity})" for b in blocks if b.complexity > MAX_BUILTIN_COMPLEXITY
    ]
    assert not too_complex, f"{path.name}: above {MAX_BUILTIN_COMPLEXITY}: {too_complex}"


def test_the_engine_module_is_small():
    lines = (SRC / "engine.py").read_text(encoding="utf-8").count("\n")
    assert lines < MAX_ENGINE_LINES


def test_every_builtin_plugin_is_its_own_module():
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    origins = [entry.origin for entry in registry]
    assert len(origins) == len(set(origins)), "a built-in module registers more than one object"
    assert set(origins) == set(DEFAULT_PLUGINS)


@pytest.mark.parametrize("module", DEFAULT_PLUGINS)
def test_each_builtin_can_be_blocked_alone(module, monkeypatch):
    monkeypatch.setenv(BLOCK_ENV, module)
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    origins = {entry.origin for entry in registry}
    assert origins == set(DEFAULT_PLUGINS) - {module}


def _imports(name):
    tree = ast.parse((SRC / f"{name}.py").read_text(encoding="utf-8"))
    found = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    found += [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
    return found


_CORE = ["aggregate", "batch", "calibrate", "config", "context", "engine", "model", "outcome"]


@pytest.mark.parametrize("name", _CORE)
def test_the_core_imports_no_builtin_plugin(name):
    assert not [m for m in _imports(name) if m.startswith("perception.builtin")]


@pytest.mark.parametrize(
    ("name", "absent"),
    [
        ("report", "perception.engine"),
        ("report", "perception.batch"),
        ("aggregate", "perception.engine"),
        ("engine", "perception.batch"),
        ("engine", "perception.report"),
    ],
)
def test_module_does_not_import(name, absent):
    assert absent not in _imports(name)


@pytest.mark.parametrize("absent", ["perception.cli", "perception.store"])
def test_importing_the_package_loads_neither_cli_nor_store(absent):
    code = f"import sys, perception; sys.exit({absent!r} in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


_PAGES = {"scorer": "scorers", "check": "checks", "policy": "policies"}


def test_every_builtin_declares_typed_options_with_a_generated_table():
    docs = Path(__file__).resolve().parent.parent / "docs" / "reference"
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    for entry in registry:
        assert entry.options_class is not None, f"{entry.name} has no Options class"
        page = (docs / f"{_PAGES[entry.kind]}.md").read_text(encoding="utf-8")
        assert f"<!-- options: {entry.name} -->" in page, f"{entry.name}: no options table"
