"""The ``executive-touchpoint`` policy."""

from __future__ import annotations

import attrs
import pytest

from perception import Band, Config, Feedback, Priority
from perception.builtin.policies import ExecutiveTouchpointPolicy
from perception.errors import ConfigError

from ._support import account, customer, day, msg, registry, run


def test_touchpoint_needs_an_at_risk_outcome():
    acct = account(interactions=[msg("m1", day(0), "inbound", "Hello", author="dana")])
    assert run(ExecutiveTouchpointPolicy(), acct, as_of=day(1)) == []
    (item,) = run(ExecutiveTouchpointPolicy(), acct, as_of=day(1), band=Band.AT_RISK)
    assert item.key == "executive-touchpoint:acme:m1"
    assert item.due == day(2)
    assert item.priority is Priority.HIGH
    assert "Dana Whitfield (CIO)" in item.action


def test_an_escalation_is_the_trigger_and_a_new_one_is_a_new_situation():
    first = account(feedback=[Feedback(id="f1", at=day(0), kind="escalation", author="marco")])
    (item,) = run(ExecutiveTouchpointPolicy(), first, as_of=day(1), band=Band.CRITICAL)
    assert item.key == "executive-touchpoint:acme:f1"
    assert item.priority is Priority.URGENT
    assert "Dana Whitfield" in item.action  # the executive, not the manager who escalated
    second = attrs.evolve(
        first, feedback=(*first.feedback, Feedback(id="f2", at=day(5), kind="escalation"))
    )
    (again,) = run(ExecutiveTouchpointPolicy(), second, as_of=day(6), band=Band.CRITICAL)
    assert again.key == "executive-touchpoint:acme:f2"


def test_no_executive_and_no_escalation_means_no_touchpoint():
    acct = account(customer=customer(stakeholders=()), interactions=[msg("m", day(0), "inbound")])
    assert run(ExecutiveTouchpointPolicy(), acct, as_of=day(1), band=Band.CRITICAL) == []
    config = Config.from_mapping({"options": {"executive-touchpoint": {"bands": ["doomed"]}}})
    message = (
        r"options\.executive-touchpoint\.bands: unknown value 'doomed' "
        r"\(allowed: delighted, satisfied, neutral, at risk, critical\)"
    )
    with pytest.raises(ConfigError, match=message):
        config.validate(registry())
