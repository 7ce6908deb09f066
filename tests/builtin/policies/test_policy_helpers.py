"""The helpers the built-in policies share (``perception.builtin.policies._common``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from perception import Band, Deliverable, Expectation, Feedback, Priority
from perception.builtin.policies import _common, response_window

from ._support import account, day, msg, outcome


def test_stamps_keys_and_days_have_a_fixed_format():
    moment = datetime(2026, 3, 1, 18, 0, tzinfo=timezone(timedelta(hours=1)))
    assert _common.stamp(moment) == "20260301T170000Z"  # in UTC
    assert _common.key("break-silence", account(), "m1", "x") == "break-silence:acme:m1:x"
    assert _common.day(moment) == "2026-03-01"


def test_who_names_the_stakeholder_else_the_customer():
    assert _common.who(account(), "dana") == "Dana Whitfield"
    assert _common.who(account(), "nobody") == "Acme"
    assert _common.who(account(), None) == "Acme"


def test_latest_activity_spans_messages_feedback_and_deliveries():
    assert _common.latest_activity(account()) is None
    acct = account(
        expectations=[Expectation(id="e1", dimension="reliability")],
        deliverables=[Deliverable(id="d1", expectation="e1", delivered_at=day(9))],
        interactions=[msg("m1", day(3), "inbound")],
        feedback=[Feedback(id="f1", at=day(5), kind="praise")],
    )
    assert _common.latest_activity(acct) == day(9)


@pytest.mark.parametrize(
    ("band", "normal", "expected"),
    [
        (Band.SATISFIED, Priority.LOW, Priority.LOW),
        (Band.AT_RISK, Priority.NORMAL, Priority.HIGH),
        (Band.AT_RISK, Priority.URGENT, Priority.URGENT),
        (Band.CRITICAL, Priority.LOW, Priority.URGENT),
    ],
)
def test_band_priority_raises_the_priority_when_at_risk(band, normal, expected):
    assert _common.band_priority(outcome(band), normal) is expected


@pytest.mark.parametrize(
    ("unit", "hours"),
    [("minutes", 0.5), ("Hours", 30.0), ("business days", 720.0), ("weeks", 24.0)],
)
def test_the_response_window_reads_the_unit_of_the_expectation(unit, hours):
    reply = Expectation(
        id="r", dimension="responsiveness", adequate=30, desired=1, unit=unit, better="lower"
    )
    assert response_window(account(expectations=[reply]), 24) == timedelta(hours=hours)
