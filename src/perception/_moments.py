"""The range of times perception reads: years 1000 to 9000.

Python's dates end at the years 1 and 9999, and an assessment reaches some way around its
moment (trend windows before it, plans and renewals after it); a time near either end
made that arithmetic overflow.  No customer record or assessment needs a time outside
these years, so one outside them is refused where it is read, with its name, instead of
failing later in the middle of a report.
"""

from __future__ import annotations

from datetime import date

__all__ = ["EARLIEST_YEAR", "LATEST_YEAR", "out_of_range"]

#: The earliest year of a time perception reads.
EARLIEST_YEAR = 1000
#: The latest year of a time perception reads.
LATEST_YEAR = 9000


def out_of_range(moment: date) -> str | None:
    """Why *moment* (a date or a time) is outside the years perception reads, or ``None``."""
    year = moment.year
    if EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    return f"must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}, not {moment.isoformat()}"
