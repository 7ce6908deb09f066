"""The ``communication`` scorer: findings of the message checks on the team's messages."""

from __future__ import annotations

from typing import ClassVar

import pytest

import perception
from perception.config import Config
from perception.hookspecs import hookimpl
from perception.outcome import Finding, Severity
from perception.plugins import DEFAULT_PLUGINS, Registry, get_plugin_manager

from ._helpers import account, at, inbound, outbound, refused, signals


class JargonCheck:
    name = "jargon-test"
    description = "Flags the word SOW."
    defaults: ClassVar[dict] = {}

    def check(self, message, ctx):
        if "SOW" in message.text:
            yield Finding(check=self.name, severity="warning", message="SOW is not explained.")


class _FakeChecks:
    @hookimpl
    def perception_register_checks(self, register):
        register(JargonCheck())


def only_test_checks():
    """Built-in scorers and policies, but none of the built-in checks."""
    pm = get_plugin_manager(load_entrypoints=False)
    for module in DEFAULT_PLUGINS:
        if module.startswith("perception.builtin.checks."):
            pm.set_blocked(module)
    return pm


@pytest.fixture
def registry_with_fake_check():
    pm = only_test_checks()
    pm.register(_FakeChecks(), name="fake-checks")
    return Registry.from_plugin_manager(pm)


def test_communication_turns_check_findings_into_signals(registry_with_fake_check):
    acc = account(
        interactions=[
            inbound("q", at(0), "Why was the file rejected?"),
            outbound("a", at(0, 2), "It is out of scope per the SOW.", reply_to="q"),
            outbound("b", at(1), "As per the SOW, see above."),
            outbound("c", at(2), "Hi Priya, the fix is live. Best, Sam"),
        ]
    )
    [signal] = signals(acc, "communication", at(3), plugins=registry_with_fake_check)
    assert signal.value < -0.3
    assert signal.evidence == ("a", "b")
    assert "2 of our 3 messages" in signal.explanation
    assert "'jargon-test' findings" in signal.explanation
    assert "SOW is not explained" in signal.explanation
    outcome = perception.assess(acc, as_of=at(3), plugins=registry_with_fake_check)
    assert {f.check for f in outcome.findings} == {"jargon-test"}


def test_communication_maps_checks_to_dimensions(registry_with_fake_check):
    acc = account(interactions=[outbound("a", at(0), "Per the SOW.")])
    config = Config(options={"communication": {"dimensions": {"jargon-test": "assurance"}}})
    [signal] = signals(acc, "communication", at(1), plugins=registry_with_fake_check, config=config)
    assert signal.dimension.value == "assurance"


def test_clean_communication_is_a_small_gain(registry_with_fake_check):
    acc = account(
        interactions=[outbound(f"o{i}", at(i), "All good, fix is live.") for i in range(3)]
    )
    [signal] = signals(acc, "communication", at(4), plugins=registry_with_fake_check)
    assert 0 < signal.value <= 0.2
    assert "no warnings" in signal.explanation


def test_info_findings_weigh_less_than_warnings(registry_with_fake_check):
    class InfoCheck(JargonCheck):
        name = "jargon-info"

        def check(self, message, ctx):
            yield Finding(check=self.name, severity=Severity.INFO, message="Minor.")

    class _Info:
        @hookimpl
        def perception_register_checks(self, register):
            register(InfoCheck())

    pm = only_test_checks()
    pm.register(_Info(), name="info")
    registry = Registry.from_plugin_manager(pm)
    acc = account(interactions=[outbound("a", at(0), "Per the SOW.")])
    [info] = signals(acc, "communication", at(1), plugins=registry)
    [warning] = signals(acc, "communication", at(1), plugins=registry_with_fake_check)
    assert warning.value < info.value < 0


def test_options_are_range_checked():
    error = refused("communication", {"dimensions": {"jargon-test": "tone"}})
    assert "options.communication.dimensions['jargon-test']: must be one of" in error
    assert "options.communication.clean_value: must be from -1 to 1" in refused(
        "communication", {"clean_value": 2}
    )
