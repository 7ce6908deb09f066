"""The ``break-silence`` policy."""

from __future__ import annotations

import pytest

from perception import Band, Config, Priority, plan_followups
from perception.builtin.policies import BreakSilencePolicy
from perception.errors import ConfigError

from ._support import account, day, msg, outcome, registry, run


def test_silence_is_shorter_when_at_risk_and_the_key_names_the_last_contact():
    acct = account(interactions=[msg("m1", day(0), "inbound"), msg("m2", day(1), "outbound")])
    assert run(BreakSilencePolicy(), acct, as_of=day(10)) == []
    (item,) = run(BreakSilencePolicy(), acct, as_of=day(10), band=Band.AT_RISK)
    assert item.key == "break-silence:acme:m2"
    assert item.due == day(8)
    assert item.priority is Priority.HIGH
    (later,) = run(BreakSilencePolicy(), acct, as_of=day(30))
    assert later.key == item.key
    assert later.reason == run(BreakSilencePolicy(), acct, as_of=day(31))[0].reason


def test_inbound_only_counts_only_the_customers_messages():
    acct = account(interactions=[msg("m1", day(0), "inbound"), msg("m2", day(20), "outbound")])
    assert run(BreakSilencePolicy(), acct, as_of=day(25)) == []
    (item,) = run(BreakSilencePolicy(), acct, as_of=day(25), inbound_only=True)
    assert item.key == "break-silence:acme:m1"
    assert run(BreakSilencePolicy(), account(), as_of=day(25)) == []


def test_out_of_range_option_names_the_option():
    config = Config.from_mapping({"options": {"break-silence": {"days": -1}}})
    message = r"options\.break-silence\.days: must be >= 0, not -1"
    with pytest.raises(ConfigError, match=message):
        config.validate(registry())
    acct = account(interactions=[msg("m1", day(0), "inbound")])
    with pytest.raises(ConfigError, match=message):  # the engine validates lazily
        plan_followups(acct, outcome(as_of=day(40)), config=config, plugins=registry())
