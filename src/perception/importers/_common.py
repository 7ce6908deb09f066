"""Shared by the importers: notices, ids, text from HTML, accounts built from parts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from perception._moments import EARLIEST_YEAR, LATEST_YEAR, out_of_range
from perception._validation import shown
from perception.errors import Problem, ValidationError
from perception.io import _parse_datetime  # one reading of times for every input
from perception.mail import _html_reader  # one reading of HTML for every input

__all__ = ["Notice", "html_text", "invalid", "notifier", "parse_time", "plain_id"]

#: Told each thing an importer left out or guessed, as one line of text.
Notice = Callable[[str], None]

_logger = logging.getLogger("perception.importers")


def notifier(notice: Notice | None) -> Notice:
    """*notice*, or a warning on the ``perception.importers`` logger."""
    return notice or _logger.warning


def invalid(source: str, path: str, message: str) -> ValidationError:
    """One problem of the input *source* at field *path*."""
    return ValidationError(
        [Problem(path=path, message=message, source=source)], summary=f"invalid {source}"
    )


def plain_id(value: Any) -> str:
    """An id from an export (a number or a string) as a string."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_time(value: Any, source: str, path: str) -> datetime:
    """A time from an export: ISO 8601 text with ``Z`` or an offset, or Unix seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            moment = datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):  # beyond Python's calendar, or NaN
            moment = None
        if moment is None or out_of_range(moment) is not None:
            message = (
                f"must be a time in the years {EARLIEST_YEAR} to {LATEST_YEAR}, "
                f"not {shown(value)} seconds since 1970"
            )
            raise invalid(source, path, message) from None
        return moment
    try:
        parsed = _parse_datetime(value, datetime)
    except (TypeError, ValueError) as exc:
        raise invalid(source, path, str(exc)) from None
    if not isinstance(parsed, datetime):  # a date alone: that day, in UTC
        parsed = datetime(parsed.year, parsed.month, parsed.day, tzinfo=timezone.utc)
    problem = out_of_range(parsed)
    if problem is not None:
        raise invalid(source, path, problem)
    return parsed


def html_text(markup: str) -> str:
    """The readable text of *markup* (HTML), one line per block, spaces collapsed."""
    read = "".join(_html_reader(markup).parts)  # the reading perception.mail gives HTML mail
    lines = (" ".join(line.split()) for line in read.splitlines())
    return "\n".join(line for line in lines if line)
