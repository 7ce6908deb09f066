"""A plugin package with its own pyproject.toml, installed into the test environment.

The package (``tests/plugin_pkg``) is built and installed with pip into a temporary
folder, offline and without build isolation, and that folder is put on ``sys.path`` (and
``PYTHONPATH`` for subprocesses): exactly how an installed distribution is discovered.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from perception import assess, check, plan_followups
from perception.plugins import get_plugin_manager, get_registry
from perception.testing import T0, make_account, message

PACKAGE = Path(__file__).parent / "plugin_pkg"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--target",
            str(target),
            str(PACKAGE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"could not install the test plugin package:\n{result.stderr}", pytrace=False)
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    yield target
    sys.path.remove(str(target))
    sys.modules.pop("acme_perception", None)
    importlib.invalidate_caches()


@pytest.fixture
def registry(installed):
    return get_registry(get_plugin_manager(load_entrypoints=True))


def test_entry_point_plugin_is_discovered(registry):
    assert registry.scorers["acme-renewal"].origin == "acme"
    assert registry.checks["acme-shouting"].origin == "acme"
    assert registry.policies["acme-quarterly"].origin == "acme"


def test_entry_point_plugin_takes_part_everywhere(registry):
    account = make_account(interactions=[message("m1", "hi", days=-1)])
    outcome = assess(account, as_of=T0, plugins=registry)
    assert "acme-renewal" in {s.scorer for s in outcome.signals}
    report = check("This is URGENT now.", plugins=registry)
    assert "acme-shouting" in {f.check for f in report.findings}
    plan = plan_followups(account, outcome, plugins=registry)
    assert [f.key for f in plan.followups] == ["acme-quarterly:acme:2026-Q1"]


def test_blocked_by_environment(installed, monkeypatch):
    monkeypatch.setenv("PERCEPTION_BLOCK_PLUGINS", "acme")
    assert "acme-renewal" not in get_registry(get_plugin_manager(load_entrypoints=True)).scorers


def run_cli(installed, *args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(installed), *sys.path])}
    env.pop("PERCEPTION_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run(
        [sys.executable, "-m", "perception", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_cli_lists_the_plugin_and_its_command(installed):
    listing = run_cli(installed, "plugins")
    assert listing.returncode == 0, listing.stderr
    rows = [line.split() for line in listing.stdout.splitlines()]
    assert ["acme-renewal", "scorer", "acme"] in [r[:3] for r in rows]
    assert ["acme-quarterly", "policy", "acme"] in [r[:3] for r in rows]
    hello = run_cli(installed, "acme-hello")
    assert hello.stdout.strip() == "hello from acme"
    assert "acme-hello" in run_cli(installed, "--help").stdout
