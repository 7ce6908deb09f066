"""Dates in words on the command line."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perception.cli._when import parse_when, start_of_day

PARIS = timezone(timedelta(hours=1))
#: Wednesday 18 March 2026, 15:30 in a UTC+1 zone.
NOW = datetime(2026, 3, 18, 15, 30, tzinfo=PARIS)


def midnight(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("today", midnight(2026, 3, 18)),
        ("Tomorrow", midnight(2026, 3, 19)),
        ("yesterday", midnight(2026, 3, 17)),
        ("+3d", midnight(2026, 3, 21)),
        ("-2d", midnight(2026, 3, 16)),
        ("3 days", midnight(2026, 3, 21)),
        ("in 2 weeks", midnight(2026, 4, 1)),
        ("+1w", midnight(2026, 3, 25)),
        ("5 days ago", midnight(2026, 3, 13)),
        ("+4h", NOW + timedelta(hours=4)),
        ("monday", midnight(2026, 3, 23)),
        ("mon", midnight(2026, 3, 23)),
        ("next friday", midnight(2026, 3, 20)),
        ("wednesday", midnight(2026, 3, 25)),  # today is Wednesday: next week's
        ("2026-04-01", datetime(2026, 4, 1, tzinfo=timezone.utc)),
        ("2026-04-01T09:00:00Z", datetime(2026, 4, 1, 9, tzinfo=timezone.utc)),
        ("2026-04-01T09:00:00+02:00", datetime(2026, 4, 1, 7, tzinfo=timezone.utc)),
    ],
)
def test_words_and_iso_dates(text, expected):
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "is not a date"),
        ("t", "is not a date"),  # too short to name a weekday
        ("2026-04-01T09:00:00", "has no time zone"),
        ("+99999d", "is not a date"),
        ("9999-12-31", "must be between the years 1000 and 9000"),
        ("0001-01-01T00:00:00Z", "must be between the years 1000 and 9000"),
    ],
)
def test_what_is_not_a_date_is_a_clear_error(text, message):
    with pytest.raises(ValueError, match=message):
        parse_when(text, NOW)


def test_now_must_be_aware_and_start_of_day_keeps_the_zone():
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when("today", datetime(2026, 3, 18))  # naive: refused
    assert start_of_day(NOW) == midnight(2026, 3, 18)


@given(st.text(max_size=60))
def test_any_text_is_an_aware_time_or_a_value_error(text):
    try:
        found = parse_when(text, NOW)
    except ValueError:
        return
    assert found.utcoffset() is not None
    assert 1000 <= found.year <= 9000
