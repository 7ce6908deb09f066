"""Dates in words on the command line: ``today``, ``tomorrow``, ``+3d``, ``monday``.

:func:`parse_when` is pure: it is given the current time, and reads days in that time's
zone.  The commands hand it the local time of the machine (set ``TZ`` to change it), so
``tomorrow`` starts at local midnight.  An ISO 8601 date or date-time is read as before: a
bare date is midnight UTC, a date-time needs an offset.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Final

import click

from perception._moments import EARLIEST_YEAR, LATEST_YEAR, out_of_range

__all__ = ["WHEN", "When", "local_now", "parse_when", "start_of_day"]

_WEEKDAYS: Final = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
_DAYS: Final = {"yesterday": -1, "today": 0, "tomorrow": 1}
#: ``+3d``, ``-2w``, ``+4h``, ``3 days``, ``in 2 weeks``, ``5 days ago``: bounded, linear.
_OFFSET = re.compile(
    r"(?:in\s{1,5})?([+-]?)([0-9]{1,4})\s{0,5}(h|hours?|d|days?|w|weeks?)(\s{1,5}ago)?"
)
_UNITS: Final = {"h": "h", "hour": "h", "hours": "h", "d": "d", "day": "d", "days": "d"}
#: What the error message lists.
EXAMPLES: Final = "'today', 'tomorrow', 'yesterday', 'now', '+3d', '-2w', '+4h', 'monday'"


def local_now() -> datetime:
    """The current time in the machine's local time zone."""
    return datetime.now(timezone.utc).astimezone()


def start_of_day(moment: datetime) -> datetime:
    """Midnight at the start of *moment*'s day, in its own time zone."""
    return datetime.combine(moment.date(), time(0), tzinfo=moment.tzinfo)


def _on(day: date, now: datetime) -> datetime:
    return datetime.combine(day, time(0), tzinfo=now.tzinfo)


def _iso(text: str) -> datetime | None:
    """*text* as ISO 8601 (a bare date is midnight UTC), or ``None`` when it is not one."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=timezone.utc)
        return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return None


def _weekday(word: str, now: datetime) -> datetime | None:
    """The next *word* day after today (``monday`` on a Monday is next week's)."""
    name = word.removeprefix("next ").strip()
    matches = [i for i, full in enumerate(_WEEKDAYS) if len(name) >= 3 and full.startswith(name)]
    if len(matches) != 1:
        return None
    ahead = (matches[0] - now.weekday() - 1) % 7 + 1
    return _on(now.date() + timedelta(days=ahead), now)


def _offset(word: str, now: datetime) -> datetime | None:
    match = _OFFSET.fullmatch(word)
    if match is None:
        return None
    sign, number, unit, ago = match.groups()
    amount = int(number) * (-1 if (sign == "-") != bool(ago) else 1)
    kind = _UNITS.get(unit, "w")
    if kind == "h":
        return now + timedelta(hours=amount)
    days = amount * (7 if kind == "w" else 1)
    return _on(now.date() + timedelta(days=days), now)


def parse_when(text: str, now: datetime) -> datetime:
    """A time from words or ISO 8601, relative to *now* (timezone-aware).

    ``now``; ``today``, ``tomorrow``, ``yesterday`` (midnight at the start of that day);
    ``+3d``, ``-2d``, ``+2w``, ``3 days``, ``in 2 weeks``, ``5 days ago`` (midnight, that
    many days away); ``+4h`` (exactly four hours from now); a weekday, ``monday`` or
    ``mon`` (midnight on the next such day after today); or an ISO 8601 date or date-time
    with an offset.  Days are counted in *now*'s time zone.

    :raises ValueError: *text* is none of these, or a date-time without a time zone.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        msg = "now must be timezone-aware"
        raise ValueError(msg)
    try:
        found = _parsed(text, now)
    except OverflowError:  # an offset past the end of the calendar
        msg = f"{text!r}: must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}"
        raise ValueError(msg) from None
    if found is None:
        found = _iso(text.strip())
        if found is None:
            msg = f"{text!r} is not a date: use ISO 8601 (2026-03-20) or words such as {EXAMPLES}"
            raise ValueError(msg)
        if found.tzinfo is None or found.utcoffset() is None:
            msg = f"{text!r} has no time zone; add 'Z' or an offset such as '+02:00'"
            raise ValueError(msg)
    problem = out_of_range(found)
    if problem is not None:
        raise ValueError(f"{text!r}: {problem}")
    return found


def _parsed(text: str, now: datetime) -> datetime | None:
    """*text* in words (``now``, ``today``, a weekday, an offset), or ``None``."""
    word = " ".join(text.strip().lower().split())
    if word == "now":
        return now
    if word in _DAYS:
        return _on(now.date() + timedelta(days=_DAYS[word]), now)
    return _weekday(word, now) or _offset(word, now)


class When(click.ParamType):  # type: ignore[type-arg, unused-ignore]  # generic in click >= 8.2 only
    """A click parameter: a time in words or ISO 8601 (see :func:`parse_when`)."""

    name = "when"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        """Parse *value* relative to the local time now."""
        if isinstance(value, datetime):
            return value
        try:
            return parse_when(str(value), local_now())
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


WHEN = When()
