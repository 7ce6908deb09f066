"""Helpers shared by the built-in policies: keys, stamps, dates, people, activity, priority.

Private to :mod:`perception.builtin.policies`.  The key helpers fix the format of every
built-in follow-up key (``POLICY:ACCOUNT:SITUATION``); the ledger depends on them, so a
change here changes every key on record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from perception.model import Account, Better, Dimension
from perception.outcome import Band, PerceivedOutcome, Priority, followup_key

__all__ = [
    "AT_RISK",
    "BAND_NAMES",
    "band_priority",
    "day",
    "key",
    "latest_activity",
    "response_window",
    "stamp",
    "who",
]

#: The bands in which an outcome counts as at risk.
AT_RISK = (Band.AT_RISK, Band.CRITICAL)
#: The name of every band, as options give them (``"at risk"``).
BAND_NAMES = tuple(b.value for b in Band)


def stamp(moment: datetime) -> str:
    """A compact UTC time for keys: ``20260301T170000Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def key(policy: str, account: Account, *parts: str) -> str:
    """The key of a follow-up: ``POLICY:ACCOUNT:PART:...``, each part escaped
    (:func:`~perception.outcome.followup_key`)."""
    return followup_key(policy, account.id, *parts)


def day(moment: datetime) -> str:
    """The date of *moment*, as written in reasons: ``2026-03-01``."""
    return moment.date().isoformat()


def who(account: Account, stakeholder_id: str | None) -> str:
    """The name of the stakeholder *stakeholder_id*, else the customer's name."""
    person = account.customer.stakeholder(stakeholder_id)
    return person.name if person is not None else account.customer.name


def latest_activity(account: Account) -> datetime | None:
    """The time of the account's latest interaction, feedback or delivery, if any."""
    moments = [i.at for i in account.interactions]
    moments += [f.at for f in account.feedback]
    moments += [d.delivered_at for d in account.deliverables if d.delivered_at is not None]
    return max(moments, default=None)


def band_priority(outcome: PerceivedOutcome, normal: Priority) -> Priority:
    """*normal*, raised to at least high when at risk and to urgent when critical."""
    if outcome.band is Band.CRITICAL:
        return Priority.URGENT
    if outcome.band is Band.AT_RISK:
        return max(normal, Priority.HIGH, key=lambda p: p.rank)
    return normal


_UNIT_HOURS: Mapping[str, float] = {
    "minute": 1 / 60,
    "minutes": 1 / 60,
    "min": 1 / 60,
    "h": 1.0,
    "hour": 1.0,
    "hours": 1.0,
    "day": 24.0,
    "days": 24.0,
    "business day": 24.0,
    "business days": 24.0,
}


def response_window(account: Account, default_hours: float) -> timedelta:
    """The response time the customer expects: the adequate level of the account's
    responsiveness expectation (lower is better, in minutes, hours or days), else
    *default_hours*."""
    for expectation in account.expectations:
        if expectation.dimension is not Dimension.RESPONSIVENESS:
            continue
        if expectation.better is not Better.LOWER or expectation.zone is None:
            continue
        factor = _UNIT_HOURS.get(expectation.unit.strip().casefold())
        if factor is not None:
            return timedelta(hours=expectation.zone[0] * factor)
    return timedelta(hours=default_hours)
