"""perception.history: points, what changed between two, in words."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from perception import Band, Dimension, Driver, PerceivedOutcome
from perception.history import HistoryPoint, band_changes, compare, ordered, point_of

T0 = datetime(2026, 4, 13, 8, tzinfo=timezone.utc)


def driver(text: str, *evidence: str, scorer: str = "voice", impact: float = -5.0) -> Driver:
    return Driver(
        text=text, dimension=Dimension.ASSURANCE, impact=impact, scorer=scorer, evidence=evidence
    )


def point(score: float, band: Band, *drivers: Driver, days: float = 0, account="brightpath"):
    return HistoryPoint(
        account=account,
        as_of=T0 + timedelta(days=days),
        score=score,
        band=band,
        confidence=0.8,
        drivers=drivers,
    )


ESCALATION = driver("Ava Moreno (VP) escalated on 14 April.", "esc-1", impact=-12)
SILENCE_3 = driver("No reply for 3 days.", "m1", scorer="responsiveness")
SILENCE_4 = driver("No reply for 4 days.", "m1", scorer="responsiveness")


def test_a_band_change_names_the_new_and_the_gone_drivers():
    change = compare(
        point(31, Band.AT_RISK, SILENCE_3, driver("CSAT 4/5.", "c1", impact=4)),
        point(28, Band.CRITICAL, ESCALATION, SILENCE_4, days=1),
    )
    assert change.band_changed
    assert change.worse
    assert change.delta == -3
    assert change.new_drivers == (ESCALATION,)  # the silence is the same driver, older
    assert [d.text for d in change.gone_drivers] == ["CSAT 4/5."]
    assert change.describe() == (
        "brightpath 31 to 28 (at risk to critical): new driver: Ava Moreno (VP) escalated on "
        "14 April; no longer: CSAT 4/5"
    )


def test_small_moves_in_one_band_are_left_out_and_no_earlier_point_is_no_change():
    assert compare(point(60, Band.NEUTRAL), point(60.5, Band.NEUTRAL), min_change=1) is None
    moved = compare(point(60, Band.NEUTRAL, SILENCE_3), point(58, Band.NEUTRAL, SILENCE_4))
    assert not moved.band_changed
    assert moved.describe() == "brightpath 60 to 58 (neutral): top driver: No reply for 4 days"
    assert compare(None, point(60, Band.NEUTRAL)) is None


def test_drivers_without_evidence_are_matched_by_text_and_long_lists_are_cut():
    many = [driver(f"Driver {n}.", impact=-n) for n in range(1, 6)]
    change = compare(point(70, Band.SATISFIED), point(40, Band.AT_RISK, *many))
    text = change.describe(limit=2)
    assert "new driver: Driver 5; new driver: Driver 4; 3 more new" in text


def test_band_changes_compare_outcomes_with_the_previous_points_and_order_worst_first():
    previous = {
        "a": point(70, Band.SATISFIED, account="a"),
        "b": point(40, Band.AT_RISK, account="b"),
    }
    outcomes = [
        PerceivedOutcome(account="a", as_of=T0, score=30, band=Band.AT_RISK, confidence=1),
        PerceivedOutcome(account="b", as_of=T0, score=60, band=Band.NEUTRAL, confidence=1),
        PerceivedOutcome(account="c", as_of=T0, score=10, band=Band.CRITICAL, confidence=1),
    ]
    found = band_changes(previous, outcomes)
    assert [(c.account, c.worse) for c in ordered(found)] == [("a", True), ("b", False)]
    assert point_of(outcomes[0]).band is Band.AT_RISK


_bands = st.sampled_from(list(Band))
_scores = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(_scores, _bands, _scores, _bands, st.floats(min_value=0, max_value=50))
def test_a_change_is_reported_exactly_when_the_band_or_enough_score_moved(s1, b1, s2, b2, least):
    change = compare(point(s1, b1), point(s2, b2, days=1), min_change=least)
    moved = b1 is not b2 or abs(s2 - s1) >= max(least, 1e-9)
    assert (change is not None) == moved
    if change is not None:
        assert change.describe().startswith("brightpath ")
