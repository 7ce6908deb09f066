"""The ``voice`` scorer: stated feedback, the customer's own word."""

from __future__ import annotations

import pytest

import perception
from perception.builtin import scorers
from perception.model import Feedback

from ._helpers import T0, account, at, inbound, refused, signals


def test_executive_escalation_outweighs_user_complaint():
    acc = account(
        feedback=[
            Feedback(id="esc", at=at(0), kind="escalation", author="dana"),
            Feedback(id="cmp", at=at(0), kind="complaint", author="priya"),
        ]
    )
    by_id = {s.evidence[0]: s for s in signals(acc, "voice", at(1))}
    assert by_id["esc"].weight > 2.5 * by_id["cmp"].weight
    assert by_id["esc"].explanation.startswith("Dana Whitfield (CIO) escalated on 1 March")


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [("csat", 5, 1.0), ("csat", 1, -1.0), ("nps", 10, 1.0), ("nps", 0, -1.0), ("ces", 1, 1.0)],
)
def test_feedback_values(kind, value, expected):
    item = Feedback(id="f", at=T0, kind=kind, value=value)
    assert scorers.feedback_value(item) == pytest.approx(expected)
    assert scorers.feedback_value(item) == item.signed_value


def test_stated_feedback_outweighs_inference():
    acc = account(
        interactions=[inbound("m", at(0), "This is terrible.")],
        feedback=[Feedback(id="f", at=at(0), kind="csat", value=5)],
    )
    outcome = perception.assess(acc, as_of=at(1), strict=True)
    assert outcome.score > 50  # the customer's own word wins
    assert outcome.drivers[0].scorer == "voice"


def test_options_are_range_checked():
    assert "options.voice.executive_factor: must be >= 0, not -1" in refused(
        "voice", {"executive_factor": -1}
    )
