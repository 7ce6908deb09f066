"""The ``sentiment`` scorer: the customer's messages over time, by peak and end."""

from __future__ import annotations

from ._helpers import account, at, inbound, refused, signals


def test_sentiment_follows_peak_and_end_not_the_mean():
    happy = "Great work, thank you, this is excellent!"
    acc = account(
        interactions=[inbound(f"h{i}", at(i), happy) for i in range(6)]
        + [
            inbound("n1", at(7), "This is terrible and frustrating.", author="marco"),
            inbound("n2", at(8), "I am angry, the portal is broken again.", author="dana"),
        ]
    )
    [signal] = signals(acc, "sentiment", at(9))
    assert signal.value < 0  # the mean of the messages is positive
    assert "The customer's last 2 messages were negative (latest: Dana Whitfield" in (
        signal.explanation
    )
    assert signal.evidence[-1] == "n2"


def test_old_messages_fade():
    acc = account(interactions=[inbound("n", at(0), "This is terrible and frustrating.")])
    [recent] = signals(acc, "sentiment", at(1))
    [old] = signals(acc, "sentiment", at(120))
    assert recent.value < old.value < 0


def test_options_are_range_checked():
    assert "options.sentiment.max_messages: must be >= 1, not 0" in refused(
        "sentiment", {"max_messages": 0}
    )
    assert "options.sentiment.max_messages: must be a whole number" in refused(
        "sentiment", {"max_messages": 2.5}
    )


def test_messages_without_feeling_are_no_evidence_of_a_neutral_customer():
    """Plain business questions say nothing of how the customer feels: no signal, rather
    than a neutral one that pulls the score towards the middle."""
    plain = account(
        interactions=[
            inbound("q1", at(0), "Could you send the invoice for March?"),
            inbound("q2", at(1), "Where does the report stand?"),
        ]
    )
    assert signals(plain, "sentiment", at(2)) == []
    felt = account(
        interactions=[
            inbound("q1", at(0), "Could you send the invoice for March?"),
            inbound("q2", at(1), "Thanks, the new report is great!"),
        ]
    )
    [signal] = signals(felt, "sentiment", at(2))
    assert signal.value > 0
    assert signal.confidence < 0.5  # one message with a feeling
