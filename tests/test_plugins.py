from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import perception
from perception import PerceptionError, PluginConflictError, hookimpl
from perception.plugins import (
    BLOCK_ENV,
    DEFAULT_PLUGINS,
    DISABLE_AUTOLOAD_ENV,
    Registry,
    get_plugin_manager,
    get_registry,
)


class Named:
    def __init__(self, name, description="A test object."):
        self.name = name
        self.description = description

    def score(self, account, ctx):
        return []

    def check(self, message, ctx):
        return []

    def followups(self, account, outcome, ctx):
        return []


class ScorerPlugin:
    def __init__(self, *objs):
        self.objs = objs

    @hookimpl
    def perception_register_scorers(self, register):
        for obj in self.objs:
            register(obj)


def test_builtins_are_registered_like_any_plugin():
    pm = get_plugin_manager(load_entrypoints=False)
    assert [pm.get_name(p) for p in pm.get_plugins() if pm.get_name(p) in DEFAULT_PLUGINS]
    registry = get_registry(pm)
    assert registry.scorers["voice"].origin == "perception.builtin.scorers.voice"
    assert registry.checks["personalization"].origin == "perception.builtin.checks.personalization"
    assert registry.policies["break-silence"].origin == "perception.builtin.policies.break_silence"


def test_name_clash_names_both_plugins():
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(ScorerPlugin(Named("voice")), name="acme")
    with pytest.raises(PluginConflictError) as info:
        Registry.from_plugin_manager(pm)
    assert "'acme'" in str(info.value)
    assert "'perception.builtin.scorers.voice'" in str(info.value)


def test_names_are_unique_across_kinds():
    class CheckPlugin:
        @hookimpl
        def perception_register_checks(self, register):
            register(Named("break-silence"))

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(CheckPlugin(), name="acme")
    with pytest.raises(PluginConflictError, match="clashes with the check of that name"):
        Registry.from_plugin_manager(pm)


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (Named("Bad Name"), "lowercase"),
        (Named("ok", description=None), "description"),
        (object(), "name"),
    ],
)
def test_malformed_registrations_are_reported_with_the_plugin(obj, message):
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(ScorerPlugin(obj), name="acme")
    with pytest.raises(PerceptionError, match=message) as info:
        Registry.from_plugin_manager(pm)
    assert "'acme'" in str(info.value)


def test_missing_method_is_reported():
    class NoMethod:
        name = "lazy"
        description = "Does nothing."

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(ScorerPlugin(NoMethod()), name="acme")
    with pytest.raises(PerceptionError, match=r"needs a score\(\) method"):
        Registry.from_plugin_manager(pm)


def test_registration_hook_that_raises_is_named():
    class Broken:
        @hookimpl
        def perception_register_policies(self, register):
            raise RuntimeError("boom")

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Broken(), name="broken")
    with pytest.raises(PerceptionError, match=r"plugin 'broken' failed.*boom"):
        Registry.from_plugin_manager(pm)


def test_block_env_blocks_builtins(monkeypatch):
    prefixes = ("perception.builtin.checks", "perception.builtin.policies")
    monkeypatch.setenv(BLOCK_ENV, ", ".join(n for n in DEFAULT_PLUGINS if n.startswith(prefixes)))
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    assert set(registry.checks) == set()
    assert set(registry.policies) == set()
    assert "voice" in registry.scorers


def test_autoload_env_switch(monkeypatch):
    calls = []
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    monkeypatch.setattr("perception.plugins._load_entrypoints", calls.append)
    get_plugin_manager()
    assert calls == []
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "0")
    pm = get_plugin_manager()
    assert calls == [pm]


def test_registry_cache_follows_registration():
    pm = get_plugin_manager(load_entrypoints=False)
    first = get_registry(pm)
    assert get_registry(pm) is first
    plugin = ScorerPlugin(Named("extra"))
    pm.register(plugin)
    assert "extra" in get_registry(pm).scorers
    pm.unregister(plugin)
    assert "extra" not in get_registry(pm).scorers


def test_fixture_registers_for_one_test(perception_plugin):
    registry = perception_plugin(ScorerPlugin(Named("temporary")))
    assert "temporary" in registry.scorers
    assert "temporary" in get_registry().scorers


def test_fixture_unregistered_after_the_test():
    assert "temporary" not in get_registry().scorers


def test_import_does_not_load_heavy_modules():
    code = (
        "import sys, perception; "
        "print(sorted(m for m in ('nltk', 'importlib.metadata', 'vaderSentiment') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_api_is_explicit():
    assert sorted(perception.__all__) == perception.__all__
    for name in perception.__all__:
        assert hasattr(perception, name)


def test_broken_entry_point_is_named(monkeypatch):
    class BrokenEntryPoint:
        name = "shaky"
        value = "shaky_plugin:main"
        dist = None

        def load(self):
            raise ImportError("No module named 'shaky_plugin'")

    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: [BrokenEntryPoint()])
    with pytest.raises(PerceptionError, match=r"cannot load plugin 'shaky' = 'shaky_plugin:main'"):
        get_plugin_manager(load_entrypoints=True)


class OrderedPlugin:
    """Registers one scorer whose name is the plugin's own label."""

    def __init__(self, label):
        self.label = label

    def register_one(self, register):
        register(Named(self.label))


def _ordered(label, **marks):
    plugin = OrderedPlugin(label)

    def perception_register_scorers(register):
        plugin.register_one(register)

    plugin.perception_register_scorers = hookimpl(**marks)(perception_register_scorers)
    return plugin


def _third_party(registry):
    return [name for name, e in registry.scorers.items() if e.origin.startswith("p-")]


def test_registration_follows_pluggy_order():
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(_ordered("first", tryfirst=True), name="p-first")
    pm.register(_ordered("plain-a"), name="p-plain-a")
    pm.register(_ordered("plain-b"), name="p-plain-b")
    pm.register(_ordered("last", trylast=True), name="p-last")
    # pluggy calls tryfirst first, trylast last, and otherwise the last registered first.
    called = []
    pm.hook.perception_register_scorers(register=lambda obj: called.append(obj.name))
    pluggy_order = [n for n in called if n in {"first", "plain-a", "plain-b", "last"}]
    assert pluggy_order == ["first", "plain-b", "plain-a", "last"]
    assert _third_party(get_registry(pm)) == pluggy_order


@pytest.mark.parametrize("marks", [{"wrapper": True}, {"hookwrapper": True}])
def test_a_wrapper_on_a_registration_hook_is_refused_naming_the_plugin(marks):
    class Wrapper:
        @hookimpl(**marks)
        def perception_register_checks(self, register):
            yield

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Wrapper(), name="acme-wrapper")
    with pytest.raises(PerceptionError, match=r"'acme-wrapper' implements .* as a wrapper"):
        Registry.from_plugin_manager(pm)


def test_entries_record_their_distribution_and_version():
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    voice = registry.scorers["voice"]
    assert (voice.distribution, voice.version) == ("customer-perception", perception.__version__)
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(ScorerPlugin(Named("in-process")), name="local")
    entry = get_registry(pm).scorers["in-process"]
    assert (entry.distribution, entry.version) == ("", "")


class FakeDist:
    def __init__(self, name):
        self.name = name
        self.version = "1.0"


class FakeEntryPoint:
    def __init__(self, name, dist):
        self.name = name
        self.value = f"{dist}_module"
        self.dist = FakeDist(dist)

    def load(self):
        return ScorerPlugin()


def test_two_distributions_with_one_entry_point_name_are_an_error(monkeypatch):
    import importlib.metadata  # noqa: PLC0415  # patched for this test only

    eps = [FakeEntryPoint("acme", "acme-one"), FakeEntryPoint("acme", "acme-two")]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: eps)
    with pytest.raises(PerceptionError, match=r"'acme-one'.*'acme-two'"):
        get_plugin_manager(load_entrypoints=True)


def test_one_distribution_seen_twice_on_the_path_is_loaded_once(monkeypatch):
    import importlib.metadata  # noqa: PLC0415  # patched for this test only

    eps = [FakeEntryPoint("acme", "acme-one"), FakeEntryPoint("acme", "acme-one")]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: eps)
    pm = get_plugin_manager(load_entrypoints=True)
    assert [pm.get_name(p) for p in pm.get_plugins()].count("acme") == 1


def test_the_cached_registry_follows_every_change_of_the_manager():
    pm = get_plugin_manager(load_entrypoints=False)
    first = get_registry(pm)
    assert get_registry(pm) is first  # nothing changed: the same registry
    plugin = ScorerPlugin(Named("extra-scorer"))
    pm.register(plugin, name="extra")
    assert "extra-scorer" in get_registry(pm).scorers
    pm.unregister(plugin)
    assert "extra-scorer" not in get_registry(pm).scorers
    pm.set_blocked("perception.builtin.scorers.voice")
    assert "voice" not in get_registry(pm).scorers
    pm.unblock("perception.builtin.scorers.voice")
    pm.register(importlib.import_module("perception.builtin.scorers.voice"))
    assert "voice" in get_registry(pm).scorers
