"""Helpers shared by the built-in scorers.

Dates and durations in words, plurals, who said something, the seniority weights, the
customer's expected response time, and which customer messages need a reply and which of
the team's messages answers them.  Private to :mod:`perception.builtin.scorers`, which
re-exports the public ones (:data:`SENIORITY_WEIGHT`, :func:`compound`,
:func:`expected_response_hours`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from perception.model import Account, Better, Dimension, Expectation, Interaction, Seniority
from perception.text import message as shared_message

__all__ = [
    "DAY",
    "HOUR",
    "NEGATIVE",
    "POSITIVE",
    "SENIORITY_WEIGHT",
    "capitalized",
    "compound",
    "date_words",
    "days_between",
    "duration_words",
    "expected_response_hours",
    "label",
    "needs_reply",
    "plural",
    "possessive",
    "team_reply",
    "who",
]

#: How much more an executive's or a manager's word counts than a user's.
SENIORITY_WEIGHT: Mapping[Seniority | None, float] = {
    Seniority.EXECUTIVE: 3.0,
    Seniority.MANAGER: 1.5,
    Seniority.USER: 1.0,
    None: 1.0,
}

#: Seconds in a day and in an hour.
DAY = 86400.0
HOUR = 3600.0
#: A VADER compound score at or below this is a negative message (Hutto & Gilbert 2014).
NEGATIVE = -0.05
#: A VADER compound score at or above this is a positive message.
POSITIVE = 0.05


def compound(text: str) -> float:
    """The VADER compound sentiment of *text*, from the shared message cache."""
    return shared_message(text).sentiment.compound


def days_between(later: datetime, earlier: datetime) -> float:
    """Days from *earlier* to *later* (negative when *later* is earlier)."""
    return (later - earlier).total_seconds() / DAY


def date_words(moment: datetime, as_of: datetime) -> str:
    """``1 March`` (with the year when it is not the year of *as_of*)."""
    text = f"{moment.day} {moment:%B}"
    return text if moment.year == as_of.year else f"{text} {moment.year}"


def duration_words(hours: float) -> str:
    """A wait in words: ``40 minutes``, ``5 hours``, ``3 days``."""
    if hours < 1.0:
        minutes = max(1, round(hours * 60))
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if hours < 48.0:
        whole = round(hours)
        return f"{whole} hour{'s' if whole != 1 else ''}"
    days = round(hours / 24.0)
    return f"{days} days"


def plural(count: int, word: str) -> str:
    """``1 day``, ``2 days``, ``3 replies``."""
    if count == 1:
        return f"{count} {word}"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return f"{count} {word[:-1]}ies"
    return f"{count} {word}s"


def who(account: Account, author: str | None, *, role: bool = True) -> str:
    """The stakeholder's name (and role), or ``the customer``."""
    person = account.customer.stakeholder(author)
    if person is None:
        return "the customer"
    if role and person.role:
        return f"{person.name} ({person.role})"
    return person.name


def possessive(name: str) -> str:
    """``the customer's``, ``Dana Whitfield's``, ``Chris'``."""
    if name == "the customer":
        return "the customer's"
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def capitalized(sentence: str) -> str:
    """*sentence* with its first letter in upper case, the rest untouched."""
    return sentence[:1].upper() + sentence[1:]


def label(expectation: Expectation) -> str:
    """The expectation's description on one line, or ``Expectation ID``."""
    text = " ".join(expectation.description.split())
    return text or f"Expectation {expectation.id}"


_HOURS_PER_UNIT: Mapping[str, float] = {
    "minute": 1 / 60,
    "minutes": 1 / 60,
    "min": 1 / 60,
    "mins": 1 / 60,
    "h": 1.0,
    "hr": 1.0,
    "hrs": 1.0,
    "hour": 1.0,
    "hours": 1.0,
    "day": 24.0,
    "days": 24.0,
}


def expected_response_hours(
    account: Account, default_adequate: float, default_desired: float
) -> tuple[float, float, Expectation | None]:
    """The customer's expected response time: ``(adequate, desired, expectation)``.

    Taken from the most important responsiveness expectation whose unit is a time
    (minutes, hours, days) and whose lower level is better; otherwise the defaults.
    """
    candidates = [
        e
        for e in account.expectations
        if e.dimension is Dimension.RESPONSIVENESS
        and e.better is Better.LOWER
        and e.zone is not None
        and e.unit.strip().casefold() in _HOURS_PER_UNIT
    ]
    if not candidates:
        return default_adequate, default_desired, None
    best = max(candidates, key=lambda e: e.importance)
    zone = best.zone
    assert zone is not None
    factor = _HOURS_PER_UNIT[best.unit.strip().casefold()]
    adequate, desired = zone[0] * factor, zone[1] * factor
    if adequate <= 0:
        return default_adequate, default_desired, None
    return adequate, min(desired, adequate), best


def team_reply(
    timeline: Sequence[Interaction], message: Interaction, start: int
) -> Interaction | None:
    """The team's reply to *message*: an outbound message answering it, or the next one.

    *start* is the index of *message* in *timeline* (sorted by time).  An outbound
    message that names another message in ``in_reply_to`` answers *message* only when
    that other message is *message* or a later customer message.
    """
    explicit = next(
        (
            o
            for o in timeline[start:]
            if not o.inbound and o.in_reply_to == message.id and o.at >= message.at
        ),
        None,
    )
    if explicit is not None:
        return explicit
    return _next_reply(timeline, message, start)


def _next_reply(
    timeline: Sequence[Interaction], message: Interaction, start: int
) -> Interaction | None:
    """The first later outbound message that answers nothing earlier than *message*."""
    ids = {m.id: m for m in timeline}
    for other in timeline[start + 1 :]:
        if other.inbound or other.at < message.at:
            continue
        if other.in_reply_to is None:
            return other
        answered = ids.get(other.in_reply_to)
        if answered is not None and answered.inbound and answered.at >= message.at:
            return other
    return None


_ASKS = re.compile(
    r"\?|\b(?:please|can you|could you|would you|help|need|urgent|asap|when will|let me know|"
    r"i expect|we expect|still waiting|waiting for)\b",
    re.IGNORECASE,
)


def needs_reply(message: Interaction) -> bool:
    """A customer message asks for an answer: a question, a request, or a negative tone."""
    text = message.text[:2000]
    if not text.strip():
        return False
    return bool(_ASKS.search(text)) or compound(message.text) <= NEGATIVE
