"""The ``responsiveness`` scorer: reply times against the expected response time."""

from __future__ import annotations

from perception.config import Config
from perception.model import Expectation

from ._helpers import account, at, inbound, outbound, refused, signals


def reply_expectation(adequate=24.0, desired=4.0):
    return Expectation(
        id="exp-reply",
        dimension="responsiveness",
        kind="implicit",
        adequate=adequate,
        desired=desired,
        unit="hours",
        better="lower",
    )


def conversation(reply_after_hours):
    return account(
        expectations=[reply_expectation()],
        interactions=[
            inbound("q1", at(0), "Can you send the report?"),
            outbound("a1", at(0, reply_after_hours), "Here it is.", reply_to="q1"),
        ],
    )


def test_fast_reply_pleases_slow_reply_displeases():
    [fast] = signals(conversation(1), "responsiveness", at(5))
    [slow] = signals(conversation(72), "responsiveness", at(5))
    assert fast.value > 0.15
    assert slow.value < 0
    assert "waited 3 days for a reply (expected within 24 hours)" in slow.explanation
    assert "exp-reply" in slow.evidence


def test_unanswered_message_past_the_adequate_time():
    acc = account(
        expectations=[reply_expectation()],
        interactions=[inbound("q1", at(0), "When will the fix ship?", author="marco")],
    )
    assert signals(acc, "responsiveness", at(0, 12)) == []  # still within 24 hours
    [waiting] = signals(acc, "responsiveness", at(4))
    assert waiting.value < 0
    assert waiting.explanation.startswith("Marco Ruiz's message of 1 March is still unanswered")


def test_thanks_needs_no_reply():
    acc = account(interactions=[inbound("t", at(0), "Thanks a lot, great work!")])
    assert signals(acc, "responsiveness", at(10)) == []


def test_default_expected_time_is_an_option():
    acc = account(
        interactions=[
            inbound("q1", at(0), "Can you help?"),
            outbound("a1", at(0, 10), "Yes, done.", reply_to="q1"),
        ]
    )
    config = Config(options={"responsiveness": {"adequate_hours": 8.0, "desired_hours": 2.0}})
    [strict] = signals(acc, "responsiveness", at(2), config=config)
    [lenient] = signals(acc, "responsiveness", at(2))
    assert strict.value < 0 < lenient.value


def test_options_are_range_checked():
    assert "options.responsiveness.adequate_hours: must be >= 0, not -1" in refused(
        "responsiveness", {"adequate_hours": -1}
    )
    assert "options.responsiveness.max_gain: must be from 0 to 1" in refused(
        "responsiveness", {"max_gain": 2}
    )
    assert "options.responsiveness.mean_share: must be from 0 to 1" in refused(
        "responsiveness", {"mean_share": 1.5}
    )


def replies(hours_each):
    messages = []
    for n, hours in enumerate(hours_each):
        messages += [
            inbound(f"q{n}", at(n), "Can you send the report?"),
            outbound(f"a{n}", at(n, hours), "Here it is.", reply_to=f"q{n}"),
        ]
    return account(expectations=[reply_expectation()], interactions=messages)


def test_every_reply_counts_not_only_the_worst_and_the_latest():
    # Replies over weeks are separate encounters: with the same worst and latest reply, an
    # account whose other replies were fast is remembered better than one whose other
    # replies were slow; by peak and end alone the two would be the same.
    fast_between = replies([96, 1, 1, 1, 10])
    slow_between = replies([96, 20, 20, 20, 10])
    [better] = signals(fast_between, "responsiveness", at(8))
    [worse] = signals(slow_between, "responsiveness", at(8))
    assert better.value > worse.value
    peak_end_only = Config(options={"responsiveness": {"mean_share": 0.0}})
    [a] = signals(fast_between, "responsiveness", at(8), config=peak_end_only)
    [b] = signals(slow_between, "responsiveness", at(8), config=peak_end_only)
    assert a.value == b.value


def test_the_sentence_does_not_claim_every_reply_came_in_time_when_one_did_not():
    """Found in generated accounts: a fast reply was the remembered peak, and the sentence
    said "All 8 replys came within the expected 24 hours; the slowest took 32 hours"."""
    messages = []
    for n, hours in enumerate([0.2, 2, 3, 30]):
        messages += [
            inbound(f"q{n}", at(n), "Can you send the report?"),
            outbound(f"a{n}", at(n, hours), "Here it is.", reply_to=f"q{n}"),
        ]
    [signal] = signals(
        account(expectations=[reply_expectation()], interactions=messages), "responsiveness", at(6)
    )
    assert signal.value > 0  # the fast replies are what the customer remembers
    assert "All 4 replies came within" not in signal.explanation
    assert signal.explanation.startswith(
        "1 of 4 replies took longer than the expected 24 hours (the slowest 30 hours)"
    )
