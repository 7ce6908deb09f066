"""The ``silence`` scorer: no contact for longer than the customer would expect."""

from __future__ import annotations

from ._helpers import account, at, outbound, refused, signals


def test_silence_grows_after_the_limit():
    acc = account(interactions=[outbound("o", at(0), "Checking in.")])
    assert signals(acc, "silence", at(20)) == []
    [some] = signals(acc, "silence", at(30))
    [long] = signals(acc, "silence", at(60))
    assert long.value < some.value < 0
    assert "No contact with the customer for 60 days (since 1 March)" in long.explanation


def test_options_are_range_checked():
    assert "options.silence.max_loss: must be from 0 to 1, not 2" in refused(
        "silence", {"max_loss": 2}
    )
