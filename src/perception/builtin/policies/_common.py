"""Helpers shared by the built-in policies: keys, stamps, dates, people, activity, priority.

Private to :mod:`perception.builtin.policies`.  The key helpers fix the format of every
built-in follow-up key (``POLICY:ACCOUNT:SITUATION``); the ledger depends on them, so a
change here changes every key on record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone

from perception.model import (
    Account,
    Better,
    Dimension,
    Expectation,
    Feedback,
    FeedbackKind,
    Interaction,
)
from perception.outcome import Band, FollowUp, PerceivedOutcome, Priority, followup_key

__all__ = [
    "AT_RISK",
    "BAND_NAMES",
    "band_priority",
    "day",
    "delivered_at",
    "expectation_of",
    "key",
    "latest_activity",
    "overdue",
    "recovery",
    "replies",
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


def replies(outbound: Sequence[Interaction], message: Interaction) -> list[Interaction]:
    """The team's answers to *message* among *outbound* (sorted by time): messages naming
    it in ``in_reply_to``, else the first later message that names no other message."""
    explicit = [i for i in outbound if i.in_reply_to == message.id]
    if explicit:
        return explicit
    later = next((i for i in outbound if i.at >= message.at and i.in_reply_to is None), None)
    return [later] if later is not None else []


#: Stated feedback that puts an account in recovery.
_RECOVERY_KINDS = (FeedbackKind.ESCALATION, FeedbackKind.COMPLAINT)


def recovery(account: Account, as_of: datetime, days: float) -> Feedback | None:
    """The latest escalation or complaint of the last *days* days (the account is in
    recovery after it), or ``None``; *days* of 0 means never in recovery."""
    if days <= 0:
        return None
    since = as_of - timedelta(days=days)
    recent = [f for f in account.feedback if f.kind in _RECOVERY_KINDS and since <= f.at <= as_of]
    return max(recent, key=lambda f: (f.at, f.id), default=None)


def delivered_at(account: Account, expectation: Expectation) -> datetime | None:
    """When the first deliverable for *expectation* was delivered, or ``None``."""
    moments = [d.delivered_at for d in account.deliverables_for(expectation.id) if d.delivered_at]
    return min(moments, default=None)


def overdue(account: Account, expectation: Expectation, as_of: datetime) -> bool:
    """True when *expectation* has a due date before *as_of* and nothing was delivered."""
    due = expectation.due
    return due is not None and due <= as_of and delivered_at(account, expectation) is None


def expectation_of(account: Account, followup: FollowUp) -> Expectation | None:
    """The expectation a follow-up names first in its evidence, if it is still on record."""
    return account.expectation(followup.evidence[0]) if followup.evidence else None
