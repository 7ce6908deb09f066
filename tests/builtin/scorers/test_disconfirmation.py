"""The ``disconfirmation`` scorer: each expectation against what was delivered."""

from __future__ import annotations

import pytest

from perception.model import Deliverable, Expectation

from ._helpers import T0, account, at, refused, signals


def portal(delivered=None, due=T0, **expectation):
    exp = Expectation(
        id="exp-portal",
        dimension="reliability",
        description="Invoice portal",
        due=due,
        importance=0.9,
        **expectation,
    )
    items = [Deliverable(id="del-portal", expectation="exp-portal", delivered_at=delivered)]
    return account(expectations=[exp], deliverables=items)


def test_late_delivery_is_a_loss_explained_in_words():
    [signal] = signals(portal(delivered=at(19)), "disconfirmation", at(25))
    assert signal.value < -0.5
    assert "Invoice portal was promised for 1 March and delivered 19 days late" in (
        signal.explanation
    )
    assert signal.evidence == ("exp-portal", "del-portal")


def test_early_delivery_is_a_smaller_gain_than_the_same_delay_is_a_loss():
    [early] = signals(portal(delivered=at(-5)), "disconfirmation", at(25))
    [late] = signals(portal(delivered=at(5)), "disconfirmation", at(25))
    assert early.value > 0
    assert abs(late.value) > early.value
    assert "5 days before the 1 March deadline" in early.explanation


def test_missing_delivery_counts_once_due():
    assert signals(portal(delivered=None, due=at(10)), "disconfirmation", at(5)) == []
    [missing] = signals(portal(delivered=None, due=at(10)), "disconfirmation", at(20))
    assert missing.value < 0
    assert "still outstanding, 10 days late" in missing.explanation


def test_level_against_zone_of_tolerance():
    def uptime(level):
        exp = Expectation(
            id="up", dimension="reliability", description="Uptime", adequate=99.5, desired=99.9
        )
        item = Deliverable(id="d", expectation="up", delivered_at=at(0), level=level)
        return account(expectations=[exp], deliverables=[item])

    [short] = signals(uptime(99.0), "disconfirmation", at(1))
    [inside] = signals(uptime(99.7), "disconfirmation", at(1))
    [beyond] = signals(uptime(100.0), "disconfirmation", at(1))
    assert short.value < 0 < inside.value < beyond.value
    assert "below the adequate 99.5" in short.explanation


def test_critical_and_important_expectations_weigh_more():
    [plain] = signals(portal(delivered=at(5)), "disconfirmation", at(6))
    [critical] = signals(portal(delivered=at(5), critical=True), "disconfirmation", at(6))
    assert critical.weight == pytest.approx(plain.weight * 1.5)


def test_implicit_expectations_count():
    [signal] = signals(portal(delivered=at(5), kind="implicit"), "disconfirmation", at(6))
    assert signal.value < 0


def test_options_are_range_checked():
    assert "options.disconfirmation.inside: must be from 0 to 1, not 1.5" in refused(
        "disconfirmation", {"inside": 1.5}
    )
    assert "options.disconfirmation.grace_hours: must be >= 0" in refused(
        "disconfirmation", {"grace_hours": -1}
    )
