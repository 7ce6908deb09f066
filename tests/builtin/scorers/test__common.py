"""The helpers the built-in scorers share (``perception.builtin.scorers._common``)."""

from __future__ import annotations

from datetime import datetime

import pytest

from perception.builtin import scorers
from perception.builtin.scorers import _common
from perception.model import Expectation, Seniority
from perception.text import message

from ._helpers import UTC, account, at, inbound, outbound


def test_public_helpers_are_re_exported_by_the_package():
    assert scorers.SENIORITY_WEIGHT is _common.SENIORITY_WEIGHT
    assert scorers.compound is _common.compound
    assert scorers.expected_response_hours is _common.expected_response_hours
    assert scorers.SENIORITY_WEIGHT[Seniority.EXECUTIVE] == 3.0
    assert scorers.SENIORITY_WEIGHT[None] == 1.0
    for name in scorers.__all__:
        assert hasattr(scorers, name), name


def test_compound_reads_the_shared_message_cache():
    text = "This is terrible and frustrating."
    assert scorers.compound(text) == message(text).sentiment.compound < -0.05


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        (0.0, "1 minute"),
        (1 / 60, "1 minute"),
        (0.5, "30 minutes"),
        (1.0, "1 hour"),
        (5.2, "5 hours"),
        (47.9, "48 hours"),
        (48.0, "2 days"),
        (100.0, "4 days"),
    ],
)
def test_durations_in_words(hours, words):
    assert _common.duration_words(hours) == words


def test_dates_in_words_name_the_year_only_when_it_differs():
    assert _common.date_words(at(0), at(10)) == "1 March"
    assert _common.date_words(at(0), datetime(2027, 1, 1, tzinfo=UTC)) == "1 March 2026"
    assert _common.days_between(at(3, 12), at(1)) == pytest.approx(2.5)


def test_plurals_and_possessives():
    assert _common.plural(1, "day") == "1 day"
    assert _common.plural(0, "day") == "0 days"
    assert _common.plural(3, "reply") == "3 replies"  # not "replys"
    assert _common.plural(1, "reply") == "1 reply"
    assert _common.possessive("the customer") == "the customer's"
    assert _common.possessive("Dana Whitfield") == "Dana Whitfield's"
    assert _common.possessive("Chris") == "Chris'"
    assert _common.capitalized("the customer's message") == "The customer's message"


def test_who_said_it():
    acc = account()
    assert _common.who(acc, "dana") == "Dana Whitfield (CIO)"
    assert _common.who(acc, "dana", role=False) == "Dana Whitfield"
    assert _common.who(acc, "someone else") == "the customer"
    assert _common.who(acc, None) == "the customer"


def test_labels_fall_back_to_the_id():
    assert _common.label(Expectation(id="e", dimension="reliability")) == "Expectation e"
    spaced = Expectation(id="e", dimension="reliability", description="  Invoice \n portal ")
    assert _common.label(spaced) == "Invoice portal"


def reply_time(adequate, desired, unit="hours", importance=0.5, id_="r"):
    return Expectation(
        id=id_,
        dimension="responsiveness",
        adequate=adequate,
        desired=desired,
        unit=unit,
        better="lower",
        importance=importance,
    )


def test_expected_response_hours_from_the_most_important_expectation():
    assert _common.expected_response_hours(account(), 24.0, 4.0) == (24.0, 4.0, None)
    days = reply_time(2, 1, unit="days", importance=0.9, id_="days")
    minutes = reply_time(90, 30, unit="minutes", importance=0.1, id_="minutes")
    adequate, desired, source = _common.expected_response_hours(
        account(expectations=[minutes, days]), 24.0, 4.0
    )
    assert (adequate, desired, source) == (48.0, 24.0, days)
    not_a_time = reply_time(3, 1, unit="tickets")
    assert _common.expected_response_hours(account(expectations=[not_a_time]), 8.0, 2.0) == (
        8.0,
        2.0,
        None,
    )


def test_which_messages_need_a_reply():
    assert _common.needs_reply(inbound("q", at(0), "Can you send the report?"))
    assert _common.needs_reply(inbound("n", at(0), "This is terrible."))
    assert not _common.needs_reply(inbound("t", at(0), "Thanks a lot, great work!"))
    assert not _common.needs_reply(inbound("e", at(0), "   "))


def test_the_team_reply_is_the_explicit_answer_or_the_next_message():
    question = inbound("q", at(0), "Can you help?")
    timeline = [
        question,
        outbound("next", at(0, 1), "Looking into it."),
        outbound("answer", at(0, 2), "Done.", reply_to="q"),
    ]
    assert _common.team_reply(timeline, question, 0).id == "answer"
    implicit = [question, outbound("next", at(0, 1), "Looking into it.")]
    assert _common.team_reply(implicit, question, 0).id == "next"
    earlier = inbound("old", at(-1), "Anything?")
    elsewhere = [earlier, question, outbound("other", at(0, 1), "Re: old", reply_to="old")]
    assert _common.team_reply(elsewhere, question, 1) is None
