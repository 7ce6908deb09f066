"""Private helpers to validate records at construction and report every problem at once."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from perception.errors import Problem, ValidationError

E = TypeVar("E", bound=enum.Enum)
R = TypeVar("R")

#: What a record's ``_problems`` method yields: (field path, message).
Issues = Iterator[tuple[str, str]]


def lenient(cls: type[E], value: object) -> E:
    """Convert *value* to the enum *cls* if it is valid; leave anything else as it is.

    Used as a converter: the record's own validation then reports a bad value together
    with every other problem, instead of the converter raising on the first one.
    """
    if isinstance(value, cls):
        return value
    try:
        return cls(value)
    except (ValueError, TypeError):
        return value  # type: ignore[return-value]  # reported by _problems()


def as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Converter: any iterable (but not a string) to a tuple."""
    if isinstance(value, (str, bytes)):
        return (value,)
    return tuple(value)


def enum_issue(name: str, value: object, cls: type[enum.Enum]) -> Issues:
    """Yield a problem when *value* is not a member of *cls*."""
    if not isinstance(value, cls):
        allowed = ", ".join(repr(m.value) for m in cls)
        yield name, f"must be one of {allowed}, not {value!r}"


def aware_issue(name: str, value: object, *, optional: bool = True) -> Issues:
    """Yield a problem when *value* is not a timezone-aware datetime."""
    if value is None and optional:
        return
    if not isinstance(value, datetime):
        yield name, f"must be a datetime, not {type(value).__name__}"
    elif value.tzinfo is None or value.utcoffset() is None:
        yield name, "must be timezone-aware (add 'Z' or an offset such as '+02:00')"


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
        yield name, f"must be finite, not {value!r}"
    elif low is not None and value < low:
        yield name, f"must be >= {low:g}, not {value:g}"
    elif high is not None and value > high:
        yield name, f"must be <= {high:g}, not {value:g}"


def text_issue(name: str, value: object, *, required: bool = False) -> Issues:
    """Yield a problem when *value* is not a string (or is empty and *required*)."""
    if not isinstance(value, str):
        yield name, f"must be a string, not {type(value).__name__}"
    elif required and not value.strip():
        yield name, "must not be empty"


def unique_ids(name: str, records: Iterable[Any]) -> Issues:
    """Yield a problem for each record whose ``id`` repeats an earlier one."""
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        rid = getattr(record, "id", None)
        if not isinstance(rid, str):
            continue
        if rid in seen:
            yield f"{name}[{index}].id", f"duplicate id {rid!r} (first at {name}[{seen[rid]}])"
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
    record = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(record, name, value)
    return record
