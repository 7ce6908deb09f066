"""The ``recovery`` scorer: service failures and how they were answered."""

from __future__ import annotations

from perception.model import Feedback

from ._helpers import account, at, inbound, outbound, refused, signals


def failure(reply_text, reply_hours, follow_up=None):
    records = [
        inbound("bad", at(0), "The export is broken and this is really frustrating."),
        outbound("fix", at(0, reply_hours), reply_text, reply_to="bad"),
    ]
    if follow_up:
        records.append(inbound("after", at(0, reply_hours + 1), follow_up))
    return account(interactions=records)


def test_recovered_failure_scores_positive():
    good = failure(
        "I'm sorry, you're right. I have fixed the export and deployed it today.",
        2,
        follow_up="Thanks, that works. Appreciate it.",
    )
    [signal] = signals(good, "recovery", at(2))
    assert signal.value > 0.5
    assert "with an acknowledgement and a fix" in signal.explanation
    assert "next message was positive" in signal.explanation


def test_slow_unacknowledged_answer_is_a_loss():
    bad = failure("Works as designed. Ticket closed.", 50)
    [signal] = signals(bad, "recovery", at(4))
    assert signal.value < 0
    assert "without an acknowledgement or a concrete fix or date" in signal.explanation
    assert "slower than 24 hours" in signal.explanation


def test_unanswered_escalation():
    acc = account(feedback=[Feedback(id="esc", at=at(0), kind="escalation", author="dana")])
    assert signals(acc, "recovery", at(0, 3)) == []
    [signal] = signals(acc, "recovery", at(3))
    assert signal.value < -0.5
    assert "escalation of 1 March has had no answer" in signal.explanation


def test_options_are_range_checked():
    assert "options.recovery.max_episodes: must be >= 1, not 0" in refused(
        "recovery", {"max_episodes": 0}
    )
    assert "options.recovery.acknowledgement_check: must be a string" in refused(
        "recovery", {"acknowledgement_check": 3}
    )
