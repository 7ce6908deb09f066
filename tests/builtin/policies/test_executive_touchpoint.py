"""The ``executive-touchpoint`` policy."""

from __future__ import annotations

import attrs
import pytest

from perception import Band, Config, Feedback, Priority
from perception.builtin.policies import ExecutiveTouchpointPolicy
from perception.errors import ConfigError

from ._support import account, customer, day, msg, registry, resolve, run


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


def _escalated(*extra):
    return account(
        feedback=[Feedback(id="f1", at=day(0), kind="escalation", author="dana")],
        interactions=list(extra),
    )


def test_an_executives_reply_to_the_team_arranges_the_touchpoint_and_resolves_it():
    (item,) = run(ExecutiveTouchpointPolicy(), _escalated(), as_of=day(1), band=Band.AT_RISK)
    invite = msg("o1", day(1), "outbound", "Could we talk this week?", author="sam")
    friday = msg("i1", day(1.5), "inbound", "Friday works.", author="dana", in_reply_to="o1")
    arranged = _escalated(invite, friday)
    assert run(ExecutiveTouchpointPolicy(), arranged, as_of=day(2), band=Band.AT_RISK) == []
    reason = resolve(ExecutiveTouchpointPolicy(), arranged, item, as_of=day(2), band=Band.AT_RISK)
    assert reason == (
        "Dana Whitfield answered on 2026-03-02 the team's message of 2026-03-02: the "
        "conversation with the executive is under way."
    )


def test_a_team_message_alone_or_an_executives_new_complaint_does_not_arrange_it():
    invite = msg("o1", day(1), "outbound", "Could we talk this week?", author="sam")
    alone = _escalated(invite)
    (item,) = run(ExecutiveTouchpointPolicy(), alone, as_of=day(2), band=Band.AT_RISK)
    assert (
        resolve(ExecutiveTouchpointPolicy(), alone, item, as_of=day(2), band=Band.AT_RISK) is None
    )
    angry = msg("i2", day(1.5), "inbound", "Still broken.", author="dana")  # not a reply
    again = _escalated(invite, angry)
    assert run(ExecutiveTouchpointPolicy(), again, as_of=day(2), band=Band.AT_RISK) == [item]


def test_a_call_with_the_executive_arranges_it_and_a_reply_is_no_trigger_of_its_own():
    call = msg("c1", day(1), "inbound", "", author="dana", channel="phone")
    held = _escalated(call)
    assert run(ExecutiveTouchpointPolicy(), held, as_of=day(2), band=Band.AT_RISK) == []
    (item,) = run(ExecutiveTouchpointPolicy(), _escalated(), as_of=day(1), band=Band.AT_RISK)
    reason = resolve(ExecutiveTouchpointPolicy(), held, item, as_of=day(2), band=Band.AT_RISK)
    assert reason == "A call with Dana Whitfield took place on 2026-03-02."
    # Without an escalation, an executive's reply to the team is not a new trigger.
    ours = msg("o1", day(0), "outbound", "Here is the plan.", author="sam")
    reply = msg("i1", day(1), "inbound", "Noted.", author="dana", in_reply_to="o1")
    quiet = account(interactions=[ours, reply])
    (on_record,) = run(ExecutiveTouchpointPolicy(), quiet, as_of=day(2), band=Band.AT_RISK)
    assert on_record.key == "executive-touchpoint:acme:dana"


def test_a_newer_escalation_replaces_the_old_touchpoint_and_a_better_band_keeps_it_open():
    (item,) = run(ExecutiveTouchpointPolicy(), _escalated(), as_of=day(1), band=Band.AT_RISK)
    newer = attrs.evolve(
        _escalated(),
        feedback=(
            Feedback(id="f1", at=day(0), kind="escalation", author="dana"),
            Feedback(id="f2", at=day(3), kind="escalation", author="dana"),
        ),
    )
    reason = resolve(ExecutiveTouchpointPolicy(), newer, item, as_of=day(4), band=Band.AT_RISK)
    assert reason == "A newer event replaced it: Dana Whitfield escalated on 2026-03-04."
    assert (
        resolve(ExecutiveTouchpointPolicy(), _escalated(), item, as_of=day(2), band=Band.NEUTRAL)
        is None
    )
