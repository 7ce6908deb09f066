"""The ``recover-negative`` policy."""

from __future__ import annotations

from datetime import timedelta

from perception import Expectation, Priority
from perception.builtin.policies import RecoverNegativePolicy, response_window

from ._support import NEGATIVE, account, day, msg, run


def test_unanswered_negative_message_fires_once_the_window_has_passed():
    acct = account(interactions=[msg("m1", day(0), "inbound", NEGATIVE, author="priya")])
    assert run(RecoverNegativePolicy(), acct, as_of=day(0.5)) == []  # still within 24 h
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(2))
    assert item.key == "recover-negative:acme:m1"
    assert item.due == day(1)
    assert item.priority is Priority.URGENT
    assert "has not been answered" in item.reason


def test_an_acknowledging_reply_in_time_recovers():
    acct = account(
        interactions=[
            msg("m1", day(0), "inbound", NEGATIVE, author="priya"),
            msg(
                "r1",
                day(0.2),
                "outbound",
                "Sorry about this, Priya. A fix ships today.",
                in_reply_to="m1",
            ),
        ]
    )
    assert run(RecoverNegativePolicy(), acct, as_of=day(2)) == []


def test_a_cold_reply_keeps_the_same_key_and_cites_the_reply():
    acct = account(
        interactions=[
            msg("m1", day(0), "inbound", NEGATIVE, author="priya"),
            msg("r1", day(0.2), "outbound", "Resubmit the files in the correct format."),
        ]
    )
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(0.3))
    assert item.key == "recover-negative:acme:m1"
    assert item.evidence == ("m1", "r1")
    assert "without acknowledging" in item.reason
    assert item.priority is Priority.HIGH


def test_a_late_acknowledging_reply_still_counts_as_a_miss():
    acct = account(
        interactions=[
            msg("m1", day(0), "inbound", NEGATIVE, author="priya"),
            msg("r1", day(3), "outbound", "Sorry for the delay.", in_reply_to="m1"),
        ]
    )
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(4))
    assert "after the window" in item.reason


def test_positive_messages_and_old_messages_are_ignored():
    happy = account(interactions=[msg("m1", day(0), "inbound", "Thanks, all good!")])
    assert run(RecoverNegativePolicy(), happy, as_of=day(3)) == []
    old = account(interactions=[msg("m1", day(0), "inbound", NEGATIVE)])
    assert run(RecoverNegativePolicy(), old, as_of=day(60)) == []


def test_the_response_window_comes_from_the_responsiveness_expectation():
    reply = Expectation(
        id="r", dimension="responsiveness", adequate=4, desired=1, unit="hours", better="lower"
    )
    acct = account(expectations=[reply], interactions=[msg("m1", day(0), "inbound", NEGATIVE)])
    assert response_window(acct, 24) == timedelta(hours=4)
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(0.5))
    assert item.due == day(0) + timedelta(hours=4)
    assert response_window(account(), 24) == timedelta(hours=24)


def test_an_executive_author_makes_it_urgent():
    acct = account(
        interactions=[
            msg("m1", day(0), "inbound", NEGATIVE, author="dana"),
            msg("r1", day(0.2), "outbound", "Please resubmit.", in_reply_to="m1"),
        ]
    )
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(1))
    assert item.priority is Priority.URGENT
    assert "Dana Whitfield" in item.action
