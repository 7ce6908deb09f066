"""Private helpers to validate records at construction and report every problem at once."""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, TypeVar

from perception._moments import out_of_range
from perception.errors import Problem, ValidationError

E = TypeVar("E", bound=enum.Enum)
R = TypeVar("R")

#: What a record's ``_problems`` method yields: (field path, message).
Issues = Iterator[tuple[str, str]]

#: The most characters of a value a problem shows (a 5 MB id is not echoed whole).
SHOWN = 80


def shown(value: object) -> str:
    """*value* as a problem shows it: its ``repr``, cut to :data:`SHOWN` characters with
    its length when it is longer (``'xxxx…' (5,000,000 characters)``).

    Every value a problem quotes goes through here, so no input, however long, is
    echoed whole to the user.
    """
    if isinstance(value, str) and len(value) > SHOWN:
        return f"{value[:SHOWN]!r}\u2026 ({len(value):,} characters)"
    if isinstance(value, int) and value.bit_length() > 3 * SHOWN:  # repr may even refuse
        digits = int(value.bit_length() * 0.30103) + 1
        return f"a whole number of about {digits:,} digits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001  # a broken __repr__ must not hide the problem itself
        return f"a {type(value).__name__}"
    if len(text) > SHOWN:
        return f"{text[:SHOWN]}\u2026 ({len(text):,} characters)"
    return text


def kind_and_value(value: object) -> str:
    """The type and the value, for a message such as ``must be a list, not int 5``
    (JSON's ``null`` is named as such)."""
    if value is None:
        return "null"
    return f"{type(value).__name__} {shown(value)}"


#: A code point that UTF-8 cannot encode: half of a UTF-16 pair, alone.
_SURROGATE = re.compile("[\ud800-\udfff]")


def unpaired_surrogate(text: str) -> str | None:
    """The first surrogate code point of *text* (which no output can encode: JSON's
    ``"\\ud800"`` decodes to one), or ``None``.  Cheap: ASCII text is not searched."""
    if text.isascii():
        return None
    found = _SURROGATE.search(text)
    return None if found is None else found.group()


def surrogate_message(char: str) -> str:
    """The problem of a string holding the surrogate *char*."""
    return f"holds an unpaired surrogate {char!r} (not valid Unicode)"


def surrogate_issue(name: str, value: object) -> Issues:
    """Yield a problem when *value* is a string holding a surrogate code point."""
    if isinstance(value, str):
        char = unpaired_surrogate(value)
        if char is not None:
            yield name, surrogate_message(char)


@functools.cache
def _members_by_text(cls: type[E]) -> dict[str, E]:
    """Every member of *cls* by its value and its name, case-folded."""
    found: dict[str, E] = {}
    for member in cls:
        found.setdefault(member.name.casefold(), member)
        if isinstance(member.value, str):
            found[member.value.casefold()] = member
    return found


def enum_member(cls: type[E], value: object) -> E | None:
    """The member of *cls* that *value* names, in any case (``"NPS"``, ``"nps"``,
    ``" Nps "``), by value or by name (``"AT_RISK"`` for ``"at risk"``); else ``None``."""
    if isinstance(value, cls):
        return value
    try:
        return cls(value)
    except (ValueError, TypeError):
        pass
    if isinstance(value, str):
        return _members_by_text(cls).get(value.strip().casefold())
    return None


def lenient(cls: type[E], value: object) -> E:
    """Convert *value* to the enum *cls* if it names a member (in any case); leave
    anything else as it is.

    Used as a converter: the record's own validation then reports a bad value together
    with every other problem, instead of the converter raising on the first one.
    """
    member = enum_member(cls, value)
    return member if member is not None else value  # type: ignore[return-value]  # reported by _problems()


def as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Converter: any iterable (but not a string) to a tuple."""
    if isinstance(value, (str, bytes)):
        return (value,)
    return tuple(value)


def enum_issue(name: str, value: object, cls: type[enum.Enum]) -> Issues:
    """Yield a problem when *value* is not a member of *cls*."""
    if not isinstance(value, cls):
        allowed = ", ".join(repr(m.value) for m in cls)
        yield name, f"must be one of {allowed}, not {shown(value)}"


def aware_issue(name: str, value: object, *, optional: bool = True) -> Issues:
    """Yield a problem when *value* is not a timezone-aware datetime."""
    if value is None and optional:
        return
    if not isinstance(value, datetime):
        yield name, f"must be a datetime, not {type(value).__name__}"
    elif value.tzinfo is None or value.utcoffset() is None:
        yield name, "must be timezone-aware (add 'Z' or an offset such as '+02:00')"
    else:
        problem = out_of_range(value)
        if problem is not None:
            yield name, problem


def number_issue(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    optional: bool = False,
) -> Issues:
    """Yield a problem when *value* is not a finite number within [low, high]."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        yield name, f"must be a number, not {type(value).__name__}"
        return
    if not math.isfinite(value):
        yield name, f"must be finite, not {shown(value)}"
    elif low is not None and value < low:
        yield name, f"must be >= {low:g}, not {value:g}"
    elif high is not None and value > high:
        yield name, f"must be <= {high:g}, not {value:g}"


def date_issue(name: str, value: object, *, optional: bool = True) -> Issues:
    """Yield a problem when *value* is not a calendar date (a date-time is not one)."""
    if value is None and optional:
        return
    if isinstance(value, datetime) or not isinstance(value, date):
        yield name, f"must be a date such as 2026-09-30, not {type(value).__name__}"
        return
    problem = out_of_range(value)
    if problem is not None:
        yield name, problem


def text_issue(name: str, value: object, *, required: bool = False) -> Issues:
    """Yield a problem when *value* is not a string (or is empty and *required*)."""
    if not isinstance(value, str):
        yield name, f"must be a string, not {type(value).__name__}"
    elif required and not value.strip():
        yield name, "must not be empty"
    elif (char := unpaired_surrogate(value)) is not None:
        yield name, surrogate_message(char)


def unique_ids(name: str, records: Iterable[Any]) -> Issues:
    """Yield a problem for each record whose ``id`` repeats an earlier one."""
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        rid = getattr(record, "id", None)
        if not isinstance(rid, str):
            continue
        if rid in seen:
            message = f"duplicate id {shown(rid)} (first at {name}[{seen[rid]}])"
            yield f"{name}[{index}].id", message
        else:
            seen[rid] = index


def raise_problems(record: object, issues: Iterable[tuple[str, str]]) -> None:
    """Raise one :class:`ValidationError` listing every issue, if there is any."""
    problems = [Problem(path=path, message=message) for path, message in issues]
    if problems:
        raise ValidationError(problems, summary=f"invalid {type(record).__name__}")


def trusted(cls: type[R], **values: object) -> R:
    """An instance of the frozen record *cls* built without re-validating *values*.

    Only for values the caller computed and knows to be valid (VADER's arithmetic keeps
    the compound in [-1, 1]; spans come from offsets into the text; findings of the
    built-in checks): validating thousands of them per second would cost more than
    computing them.  The test suite re-validates every record built this way.  Fields
    not given take no default: give every field.
    """
    record = _new(cls)
    for name, value in values.items():
        _set(record, name, value)
    return record


_new = object.__new__
_set = object.__setattr__
