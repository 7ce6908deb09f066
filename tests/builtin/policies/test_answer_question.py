"""The ``answer-question`` policy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perception import Band, Config, Expectation, Priority
from perception.builtin.policies import AnswerQuestionPolicy
from perception.builtin.policies.answer_question import question_in
from perception.errors import ConfigError

from ._support import NEGATIVE, account, day, msg, registry, resolve, run

QUESTION = "Thanks for the update. When will the new export be ready?"


def test_an_unanswered_question_fires_once_the_window_has_passed():
    acct = account(interactions=[msg("q1", day(0), "inbound", QUESTION, author="priya")])
    assert run(AnswerQuestionPolicy(), acct, as_of=day(0.5)) == []  # within 24 hours
    (item,) = run(AnswerQuestionPolicy(), acct, as_of=day(7))
    assert item.key == "answer-question:acme:q1"
    assert item.due == day(1)
    assert item.priority is Priority.HIGH
    assert "When will the new export be ready?" in item.action
    assert "Priya Natarajan asked on 2026-03-01" in item.reason
    assert item.evidence == ("q1",)
    # The text does not depend on the day of planning: re-planning writes nothing.
    assert run(AnswerQuestionPolicy(), acct, as_of=day(8)) == [item]


def test_a_reply_answers_it_and_resolves_the_follow_up_planned_before():
    question = msg("q1", day(0), "inbound", QUESTION, author="priya")
    answer = msg("r1", day(3), "outbound", "Next Tuesday.", in_reply_to="q1")
    planned = run(AnswerQuestionPolicy(), account(interactions=[question]), as_of=day(2))
    answered = account(interactions=[question, answer])
    assert run(AnswerQuestionPolicy(), answered, as_of=day(4)) == []
    reason = resolve(AnswerQuestionPolicy(), answered, planned[0], as_of=day(4))
    assert reason == "The question of 2026-03-01 was answered on 2026-03-04."
    # Before the answer, it still holds.
    assert resolve(AnswerQuestionPolicy(), answered, planned[0], as_of=day(2.5)) is None


def test_requests_without_a_question_mark_count_and_statements_do_not():
    request = msg("q1", day(0), "inbound", "Please let me know the new date.", author="priya")
    (item,) = run(AnswerQuestionPolicy(), account(interactions=[request]), as_of=day(2))
    assert "Please let me know the new date." in item.action
    statement = msg("s1", day(0), "inbound", "The report arrived. All good.", author="priya")
    assert run(AnswerQuestionPolicy(), account(interactions=[statement]), as_of=day(2)) == []
    none = run(
        AnswerQuestionPolicy(),
        account(interactions=[request]),
        as_of=day(2),
        request_phrases=[" "],
    )
    assert none == []


def test_a_negative_question_is_left_to_recover_negative():
    angry = msg("q1", day(0), "inbound", NEGATIVE + " Who can help?", author="priya")
    assert run(AnswerQuestionPolicy(), account(interactions=[angry]), as_of=day(2)) == []
    (item,) = run(
        AnswerQuestionPolicy(), account(interactions=[angry]), as_of=day(2), negative_threshold=-1
    )
    assert item.key == "answer-question:acme:q1"


def test_an_executive_or_an_at_risk_account_makes_it_urgent_and_old_questions_are_left():
    acct = account(interactions=[msg("q1", day(0), "inbound", QUESTION, author="dana")])
    (item,) = run(AnswerQuestionPolicy(), acct, as_of=day(2))
    assert item.priority is Priority.URGENT
    priya = account(interactions=[msg("q1", day(0), "inbound", QUESTION, author="priya")])
    (risky,) = run(AnswerQuestionPolicy(), priya, as_of=day(2), band=Band.AT_RISK)
    assert risky.priority is Priority.URGENT
    assert run(AnswerQuestionPolicy(), priya, as_of=day(40)) == []
    planned = run(AnswerQuestionPolicy(), priya, as_of=day(2))[0]
    assert resolve(AnswerQuestionPolicy(), priya, planned, as_of=day(40)) is None  # still open


def test_the_window_comes_from_the_responsiveness_expectation():
    reply = Expectation(
        id="r", dimension="responsiveness", adequate=4, desired=1, unit="hours", better="lower"
    )
    acct = account(expectations=[reply], interactions=[msg("q1", day(0), "inbound", QUESTION)])
    (item,) = run(AnswerQuestionPolicy(), acct, as_of=day(0.5))
    assert item.due == day(0) + timedelta(hours=4)
    assert "within 4 hours" in item.reason


def test_a_question_gone_from_the_records_is_resolved():
    planned = run(
        AnswerQuestionPolicy(),
        account(interactions=[msg("q1", day(0), "inbound", QUESTION)]),
        as_of=day(2),
    )[0]
    assert "no longer" in resolve(AnswerQuestionPolicy(), account(), planned, as_of=day(3))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"response_hours": -1}, r"response_hours: must be >= 0, not -1"),
        ({"negative_threshold": 2}, r"negative_threshold: must be from -1 to 1, not 2"),
        ({"request_phrases": [1]}, r"request_phrases\[0\]: must be a string"),
    ],
)
def test_out_of_range_options_name_the_option(options, message):
    config = Config.from_mapping({"options": {"answer-question": options}})
    with pytest.raises(ConfigError, match=message):
        config.validate(registry())


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_a_sentence_of_it_or_nothing(text):
    pattern = None
    found = question_in(text, pattern)
    assert found is None or ("?" in found and found in " ".join(text.split()))
