"""The ledger's outcome history with drivers (schema 5), latest points and changes."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from perception import Band, Dimension, Driver, PerceivedOutcome
from perception.store import SCHEMA_VERSION, Ledger, _migrate

T0 = datetime(2026, 4, 13, 8, tzinfo=timezone.utc)
ESCALATION = Driver(
    text="Ava Moreno escalated on 14 April.",
    dimension=Dimension.ASSURANCE,
    impact=-12.5,
    scorer="voice",
    evidence=("esc-1",),
)
PRAISE = Driver(
    text="Liam said thanks \u2014 \u00e9l\u00e8ve.",
    dimension=Dimension.EMPATHY,
    impact=3.0,
    scorer="sentiment",
    evidence=(),
)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def outcome(account: str, n: float, score: float, *drivers: Driver) -> PerceivedOutcome:
    band = Band.CRITICAL if score < 25 else Band.AT_RISK if score < 45 else Band.NEUTRAL
    return PerceivedOutcome(
        account=account, as_of=day(n), score=score, band=band, confidence=0.7, drivers=drivers
    )


@pytest.fixture
def ledger():
    with Ledger.open(":memory:") as opened:
        yield opened


def test_each_point_keeps_its_drivers_and_a_new_set_of_drivers_replaces_the_old(ledger):
    assert ledger.record_outcome(outcome("bp", 0, 50, PRAISE))
    assert not ledger.record_outcome(outcome("bp", 0, 50, PRAISE))
    assert ledger.record_outcome(outcome("bp", 0, 50, ESCALATION))  # same score, new drivers
    (point,) = ledger.history("bp")
    assert point.drivers == (ESCALATION,)
    ledger.record_outcome(outcome("bp", 1, 40, ESCALATION, PRAISE))
    assert ledger.history("bp", since=day(0.5))[0].drivers == (ESCALATION, PRAISE)
    assert [p.as_of for p in ledger.history("bp", until=day(0.5))] == [day(0)]


def test_latest_points_before_or_at_a_time(ledger):
    ledger.record_outcomes(
        [outcome("a", 0, 50), outcome("a", 2, 40), outcome("b", 1, 60), outcome("c", 3, 10)]
    )
    assert {k: p.as_of for k, p in ledger.latest().items()} == {
        "a": day(2),
        "b": day(1),
        "c": day(3),
    }
    assert {k: p.as_of for k, p in ledger.latest(before=day(2)).items()} == {
        "a": day(0),
        "b": day(1),
    }
    assert {k: p.as_of for k, p in ledger.latest(at_or_before=day(2)).items()} == {
        "a": day(2),
        "b": day(1),
    }
    with pytest.raises(ValueError, match="not both"):
        ledger.latest(before=day(1), at_or_before=day(1))


def test_changes_since_a_time_compare_with_the_last_point_before_it(ledger):
    ledger.record_outcomes(
        [
            outcome("bp", 0, 50, PRAISE),
            outcome("bp", 2, 30, ESCALATION),
            outcome("calm", 0, 60),
            outcome("calm", 2, 60.4),
            outcome("new", 2, 20),
            outcome("up", 0, 30),
            outcome("up", 2, 50),
        ]
    )
    found = ledger.changes(day(1))
    assert [c.account for c in found] == ["bp", "up"]  # worse first; small moves, new: out
    bp = found[0]
    assert (bp.before.score, bp.after.score, bp.new_drivers) == (50, 30, (ESCALATION,))
    assert [c.account for c in ledger.changes(day(1), min_change=0)] == ["bp", "calm", "up"]
    assert ledger.changes(day(3)) == []
    assert ledger.changes(day(1), until=day(1)) == []


def test_a_schema_4_ledger_gets_drivers_and_keeps_its_points(tmp_path):
    path = tmp_path / "v4.db"
    raw = sqlite3.connect(path, isolation_level=None)
    _migrate(raw, str(path), target=4)
    raw.execute(
        "INSERT INTO outcomes VALUES ('bp', '2026-04-13T08:00:00.000000Z', 50, 'neutral', 0.5, "
        "'2026-04-13T08:00:00.000000Z')"
    )
    raw.close()
    with Ledger.open(path) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION == 5
        (point,) = ledger.history("bp")
        assert (point.score, point.band, point.drivers) == (50, Band.NEUTRAL, ())
        ledger.record_outcome(outcome("bp", 1, 20, ESCALATION))
        (change,) = ledger.changes(day(0.5))
        assert change.new_drivers == (ESCALATION,)
