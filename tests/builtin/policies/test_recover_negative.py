"""The ``recover-negative`` policy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from perception import Config, Expectation, Priority
from perception.builtin.policies import RecoverNegativePolicy, response_window
from perception.errors import ConfigError

from ._support import NEGATIVE, account, day, msg, registry, resolve, run


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


def test_custom_acknowledgement_phrases_replace_the_defaults_and_blank_ones_are_ignored():
    acct = account(
        interactions=[
            msg("m1", day(0), "inbound", NEGATIVE, author="priya"),
            msg("r1", day(0.2), "outbound", "Noted, a fix ships today.", in_reply_to="m1"),
            msg("r2", day(0.3), "outbound", "Sorry about this.", in_reply_to="m1"),
        ]
    )
    assert run(RecoverNegativePolicy(), acct, as_of=day(2)) == []
    assert run(RecoverNegativePolicy(), acct, as_of=day(2), acknowledgement_phrases=["noted"]) == []
    phrases = ["ack", " "]  # a blank phrase would match every reply
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(2), acknowledgement_phrases=phrases)
    assert item.evidence == ("m1", "r1")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"negative_threshold": 2}, r"negative_threshold: must be from -1 to 1, not 2"),
        ({"response_hours": -1}, r"response_hours: must be >= 0, not -1"),
        ({"lookback_days": -1}, r"lookback_days: must be >= 0, not -1"),
        ({"acknowledgement_phrases": [1]}, r"acknowledgement_phrases\[0\]: must be a string"),
    ],
)
def test_bad_options_fail_config_validation(options, message):
    config = Config.from_mapping({"options": {"recover-negative": options}})
    with pytest.raises(ConfigError, match=r"options\.recover-negative\." + message):
        config.validate(registry())


def test_a_string_of_phrases_is_refused_not_split_into_letters():
    config = Config.from_mapping(
        {"options": {"recover-negative": {"acknowledgement_phrases": "sorry"}}}
    )
    with pytest.raises(
        ConfigError,
        match=r"options\.recover-negative\.acknowledgement_phrases: must be a list, not str",
    ):
        config.validate(registry())


def test_a_missed_recovery_stays_open_until_closed_unless_the_message_is_gone():
    acct = account(interactions=[msg("m1", day(0), "inbound", NEGATIVE, author="priya")])
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(2))
    assert resolve(RecoverNegativePolicy(), acct, item, as_of=day(60)) is None
    assert "no longer" in resolve(RecoverNegativePolicy(), account(), item, as_of=day(3))
