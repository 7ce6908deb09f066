"""The built-in policies as plugins: registration, blocking, and runs through the engine."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perception.builtin.policies as policies_package
from perception import Band, Config, get_plugin_manager, get_registry, plan_followups
from perception.builtin.policies import BUILTIN_POLICIES
from perception.errors import ConfigError
from perception.plugins import BLOCK_ENV, DEFAULT_PLUGINS

from ._support import MODULES, NAMES, NEGATIVE, busy_account, day, msg, outcome


def test_every_builtin_policy_is_registered_with_description_and_defaults():
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    assert set(registry.policies) == NAMES
    for entry in registry.policies.values():
        assert entry.description
        assert entry.origin.startswith("perception.builtin.policies.")
        assert entry.options_class is type(entry.obj).Options
        assert isinstance(entry.options(Config()), entry.options_class)
        assert not hasattr(entry.obj, "defaults")
    assert len(BUILTIN_POLICIES) == len(NAMES)


def test_each_policy_has_its_own_module_named_in_the_default_plugins_in_order():
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    assert {entry.name: entry.origin for entry in registry.policies.values()} == {
        name: module for module, name in MODULES.items()
    }
    named = [n for n in DEFAULT_PLUGINS if n.startswith("perception.builtin.policies")]
    assert named == list(MODULES)
    assert list(registry.policies) == list(MODULES.values())  # they run in that order
    assert [factory().name for factory in BUILTIN_POLICIES] == list(MODULES.values())


def test_the_package_registers_nothing_itself():
    assert not hasattr(policies_package, "perception_register_policies")
    assert "perception.builtin.policies" not in DEFAULT_PLUGINS


@pytest.mark.parametrize(("module", "name"), list(MODULES.items()))
def test_each_policy_module_can_be_blocked_alone(monkeypatch, module, name):
    monkeypatch.setenv(BLOCK_ENV, module)
    pm = get_plugin_manager(load_entrypoints=False)
    assert pm.is_blocked(module)
    registry = get_registry(pm)
    assert set(registry.policies) == NAMES - {name}
    plan = plan_followups(busy_account(), outcome(Band.CRITICAL, day(30)), plugins=pm)
    assert not plan.failures
    assert name not in {f.policy for f in plan.followups}


def test_default_options_pass_config_validation_and_wrong_types_fail():
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    options = {name: dict(registry.policies[name].defaults) for name in NAMES}
    Config(options=options).validate(registry)
    with pytest.raises(
        ConfigError, match=r"options\.break-silence\.days: must be a number, not str 'soon'"
    ):
        Config(options={"break-silence": {"days": "soon"}}).validate(registry)
    with pytest.raises(ConfigError, match="unknown option"):
        Config(options={"recover-negative": {"hours": 4}}).validate(registry)


def test_plan_followups_runs_every_policy_and_is_stable_across_runs():
    pm = get_plugin_manager(load_entrypoints=False)
    acct = busy_account()
    first = plan_followups(acct, outcome(Band.CRITICAL, day(30)), plugins=pm)
    second = plan_followups(acct, outcome(Band.CRITICAL, day(30)), plugins=pm)
    assert first == second
    assert not first.failures
    policies = {f.policy for f in first.followups}
    assert {
        "confirm-critical",
        "overdue-deliverable",
        "recover-negative",
        "answer-question",
        "break-silence",
        "executive-touchpoint",
        "post-delivery-check-in",
    } <= policies


def test_a_disabled_policy_does_not_run():
    pm = get_plugin_manager(load_entrypoints=False)
    config = Config(disable={"recover-negative"})
    plan = plan_followups(
        busy_account(), outcome(Band.CRITICAL, day(30)), config=config, plugins=pm
    )
    assert "recover-negative" not in {f.policy for f in plan.followups}


_texts = st.text(max_size=300) | st.sampled_from(
    ["<b>broken</b> \x00\u202e", NEGATIVE * 40, "🙂" * 200, "sorry " * 50]
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(st.tuples(_texts, st.booleans(), st.floats(0, 40)), max_size=6),
    as_of=st.floats(0, 60),
)
def test_planning_any_messages_is_deterministic_and_keys_are_unique(texts, as_of):
    interactions = [
        msg(f"x{i}", day(offset), "inbound" if inbound else "outbound", text)
        for i, (text, inbound, offset) in enumerate(texts)
    ]
    acct = busy_account()
    acct = attrs.evolve(acct, interactions=(*acct.interactions, *interactions))
    pm = get_plugin_manager(load_entrypoints=False)
    first = plan_followups(acct, outcome(Band.AT_RISK, day(as_of)), plugins=pm, strict=True)
    second = plan_followups(acct, outcome(Band.AT_RISK, day(as_of)), plugins=pm, strict=True)
    assert first == second
    keys = [f.key for f in first.followups]
    assert len(keys) == len(set(keys))
    assert all(
        k.startswith(f"{f.policy}:acme:") for k, f in zip(keys, first.followups, strict=True)
    )


@pytest.mark.parametrize(
    ("name", "option", "value", "message"),
    [
        ("post-delivery-check-in", "days_after_delivery", -1, "must be >= 0, not -1"),
        ("post-delivery-check-in", "days_after_acceptance", -1, "must be >= 0, not -1"),
        ("post-delivery-check-in", "max_age_days", -1, "must be >= 0, not -1"),
        ("confirm-critical", "lead_days", -0.5, "must be >= 0, not -0.5"),
        ("break-silence", "at_risk_days", -1, "must be >= 0, not -1"),
        ("break-silence", "inbound_only", "yes", "must be true or false"),
        ("executive-touchpoint", "days", -1, "must be >= 0, not -1"),
        ("executive-touchpoint", "lookback_days", -1, "must be >= 0, not -1"),
        ("share-relevant-news", "interval_days", 0.5, "must be >= 1, not 0.5"),
        ("share-relevant-news", "bands", ["glum"], "unknown value 'glum'"),
    ],
)
def test_out_of_range_options_fail_config_validation(name, option, value, message):
    config = Config.from_mapping({"options": {name: {option: value}}})
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    with pytest.raises(ConfigError, match=rf"options\.{name}\.{option}: {message}"):
        config.validate(registry)
