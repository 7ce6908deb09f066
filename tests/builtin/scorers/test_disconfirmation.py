"""The ``disconfirmation`` scorer: each expectation against what was delivered."""

from __future__ import annotations

from datetime import date, timedelta

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
    assert "options.disconfirmation.loss_aversion: must be >= 1, not 0.5" in refused(
        "disconfirmation", {"loss_aversion": 0.5}
    )
    assert "unknown value 'fortnights'" in refused("disconfirmation", {"time_unit": "fortnights"})
    assert "options.disconfirmation.grace_hours: must be >= 0" in refused(
        "disconfirmation", {"grace_hours": -1}
    )


# -- ratings on a stated scale ------------------------------------------------------------


def rated(*levels, scale=(1, 5), **expectation):
    exp = Expectation(
        id="seat",
        dimension="tangibles",
        description="Seat comfort",
        scale=scale,
        **expectation,
    )
    items = [
        Deliverable(id=f"r{n}", expectation="seat", delivered_at=at(0), level=level)
        for n, level in enumerate(levels)
    ]
    return account(expectations=[exp], deliverables=items)


def test_a_rating_reads_naturally_against_its_zone():
    [low] = signals(rated(2), "disconfirmation", at(1))
    assert low.explanation == "The customer rated seat comfort 2 of 5, below the adequate 3."
    assert low.confidence == 1.0
    [top] = signals(rated(5), "disconfirmation", at(1))
    assert top.explanation == "The customer rated seat comfort 5 of 5, at the desired 5."
    [mid] = signals(rated(4), "disconfirmation", at(1))
    assert "within the expected 3 to 5" in mid.explanation
    [held] = signals(rated(8, scale=(0, 10), stakeholder="dana"), "disconfirmation", at(1))
    assert held.explanation.startswith("Dana Whitfield rated seat comfort 8 of 10")


def test_ratings_are_ordered_and_losses_do_not_saturate():
    values = [signals(rated(r), "disconfirmation", at(1))[0].value for r in (1, 2, 3, 4, 5)]
    assert values == sorted(values)
    assert values[2] == 0.0  # the adequate 3
    assert values[2] - values[1] > 0.3  # a 2 is clearly worse than a 3
    assert values[1] - values[0] > 0.3  # and clearly better than a 1
    # Loss aversion: one point below adequate outweighs one point above it...
    assert abs(values[1]) > values[3]
    # ...but a 2 does not cancel four or five 5s: about one.
    assert abs(values[1]) < 1.5 * values[4]


def test_not_applicable_is_absence():
    assert signals(rated(None), "disconfirmation", at(1)) == []
    [one] = signals(rated(None, 4), "disconfirmation", at(1))
    assert one.evidence == ("seat", "r1")


# -- lateness on the promise's own time scale --------------------------------------------


def train(delay_minutes, unit="minutes", **expectation):
    exp = Expectation(
        id="arrival",
        dimension="reliability",
        description="Arrival",
        due=T0,
        unit=unit,
        better="lower",
        **expectation,
    )
    item = Deliverable(
        id="arr", expectation="arrival", delivered_at=T0 + timedelta(minutes=delay_minutes)
    )
    return account(expectations=[exp], deliverables=[item])


def test_minutes_matter_for_a_promise_measured_in_minutes():
    [on_time] = signals(train(0), "disconfirmation", at(1))
    [late] = signals(train(45), "disconfirmation", at(1))
    [very] = signals(train(300), "disconfirmation", at(1))
    assert on_time.value > 0.4
    assert late.value < -0.5
    assert very.value < late.value
    assert "was promised for 09:00 on 1 March and delivered 45 minutes late" in (late.explanation)
    # The same 45 minutes on a promise measured in days is within its tolerance.
    [days] = signals(train(45, unit="days"), "disconfirmation", at(1))
    assert days.value > 0
    assert "(within the tolerated 1 day)" in days.explanation


def test_a_stated_tolerance_shifts_the_loss():
    [tolerated] = signals(train(12, adequate=15), "disconfirmation", at(1))
    [beyond] = signals(train(40, adequate=15), "disconfirmation", at(1))
    assert tolerated.value >= 0
    assert beyond.value < 0


def test_days_are_the_default_scale_and_early_adds_nothing():
    [late] = signals(portal(delivered=at(2)), "disconfirmation", at(5))
    [week] = signals(portal(delivered=at(9)), "disconfirmation", at(10))
    [early] = signals(portal(delivered=at(-5)), "disconfirmation", at(10))
    [on_time] = signals(portal(delivered=at(0)), "disconfirmation", at(10))
    assert -0.5 < late.value < 0
    assert week.value < -0.8
    assert early.value == pytest.approx(on_time.value)


def test_a_date_alone_is_due_by_the_end_of_that_day():
    exp = Expectation(id="e", dimension="reliability", description="Report", due=date(2026, 3, 1))
    item = Deliverable(id="d", expectation="e", delivered_at=at(0, hours=8))
    [signal] = signals(account(expectations=[exp], deliverables=[item]), "disconfirmation", at(2))
    assert signal.value > 0.4
    assert "on time for 1 March" in signal.explanation
