"""The ``executive-touchpoint`` policy: an executive-level call when an account is at risk.

When the outcome band is one of ``bands`` and an executive is involved or the customer
escalated, plan an executive-level call with the customer's executive (the one who wrote,
else the first on record).  The trigger is, in this order: the latest escalation in the last
``lookback_days``; the latest message or feedback from an executive stakeholder in that time;
with ``when_executive_present``, an executive stakeholder on record.  The key names the
trigger: a new escalation is a new situation.

Once the conversation with the executive is under way, the touchpoint is arranged: an
executive replied (``in_reply_to``) to a message the team sent after the trigger (the
executive's "Friday works"), or a meeting or call with an executive as its author is on
record after the trigger.  Then nothing is planned, and a follow-up planned before is resolved.  An
executive's answer to a message of the team is part of that conversation, never a trigger
of its own.

An executive's word weighs most in how an account is judged, and an escalation from the top
is what this library exists to prevent; the rule is a practice default, not a published
finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

import attrs

from perception.builtin.policies._common import BAND_NAMES, day, key, latest_activity, who
from perception.context import PolicyContext
from perception.hookspecs import Policy, hookimpl
from perception.model import (
    Account,
    Channel,
    Feedback,
    FeedbackKind,
    Interaction,
    Seniority,
    Stakeholder,
)
from perception.options import at_least, one_of, option
from perception.outcome import Band, FollowUp, PerceivedOutcome, Priority

__all__ = ["ExecutiveTouchpointPolicy", "perception_register_policies"]

#: Channels on which an interaction is a conversation held, not a message sent.
_TALKS = (Channel.MEETING, Channel.PHONE)


@attrs.frozen
class _Trigger:
    """What calls for the touchpoint: a record's id and time, in words."""

    id: str
    at: datetime
    words: str
    escalation: bool


def _author_of(record_id: str, *sources: Sequence[Interaction] | Sequence[Feedback]) -> str:
    """The author of the first record with id *record_id*, searching *sources* in order."""
    for records in sources:
        for record in records:
            if record.id == record_id:
                return record.author
    return ""


def _escalation(account: Account, since: datetime) -> _Trigger | None:
    """The latest escalation since *since*, if any."""
    escalations = [
        f for f in account.feedback if f.kind is FeedbackKind.ESCALATION and f.at >= since
    ]
    if not escalations:
        return None
    latest = max(escalations, key=lambda f: (f.at, f.id))
    by = who(account, latest.author) if latest.author else "the customer"
    return _Trigger(latest.id, latest.at, f"{by} escalated on {day(latest.at)}", escalation=True)


def _ids(executives: Sequence[Stakeholder]) -> set[str]:
    """The ids and addresses messages of *executives* may name as their author."""
    return {p.id for p in executives} | {p.email for p in executives if p.email}


def _engaged(
    account: Account, executives: Sequence[Stakeholder], since: datetime
) -> tuple[Interaction, Interaction | None] | None:
    """The conversation with an executive since *since*, if there is one: an executive's
    reply (``in_reply_to``) to a message the team sent since *since*, as ``(answer,
    ours)``, or a meeting or call an executive is the author of, as ``(meeting, None)``."""
    ids = _ids(executives)
    ours: dict[str, Interaction] = {}
    for item in account.timeline():
        if item.at < since:
            continue
        if not item.inbound:
            ours[item.id] = item
        elif item.author in ids and item.channel in _TALKS:
            return item, None
        elif item.author in ids and item.in_reply_to in ours:
            return item, ours[item.in_reply_to]
    return None


def _executive_contact(
    account: Account, executives: Sequence[Stakeholder], since: datetime
) -> _Trigger | None:
    """The latest inbound message or feedback from an executive since *since*, if any."""
    ids = _ids(executives)
    ours = {i.id for i in account.interactions if not i.inbound}
    records: list[tuple[datetime, str]] = [
        (i.at, i.id)
        for i in account.interactions
        if i.inbound and i.author in ids and i.in_reply_to not in ours
    ]
    records += [(f.at, f.id) for f in account.feedback if f.author in ids]
    records = [r for r in records if r[0] >= since]
    if not records:
        return None
    at, record_id = max(records)
    author = _author_of(record_id, account.interactions, account.feedback)
    words = f"{who(account, author)} was in touch on {day(at)}"
    return _Trigger(record_id, at, words, escalation=False)


def _on_record(account: Account, executives: Sequence[Stakeholder], as_of: datetime) -> _Trigger:
    """The first executive on record, as of the account's latest activity."""
    person = min(executives, key=lambda p: p.id)
    at = latest_activity(account) or as_of
    return _Trigger(person.id, at, f"{person.name} is on record", escalation=False)


def _contact(account: Account, executives: Sequence[Stakeholder], trigger: _Trigger) -> str:
    """Whom to call, in words: the executive behind the trigger, else the first on record."""
    person = account.customer.stakeholder(trigger.id)
    if person is None:
        author = _author_of(trigger.id, account.feedback, account.interactions)
        person = account.customer.stakeholder(author)
    if person is None or person.seniority is not Seniority.EXECUTIVE:
        person = min(executives, key=lambda p: p.id) if executives else person
    if person is None:
        return f"{account.customer.name}'s leadership"
    return f"{person.name}{' (' + person.role + ')' if person.role else ''}"


class ExecutiveTouchpointPolicy:
    """The outcome is at risk or critical and an executive is involved or it escalated.

    The trigger is the latest escalation in the last ``lookback_days``, else the latest
    message or feedback from an executive stakeholder, else (with
    ``when_executive_present``) an executive stakeholder on record.  The key names the
    trigger: a new escalation is a new situation.
    """

    name = "executive-touchpoint"
    description = "At risk with an executive involved or an escalation: executive contact."

    @attrs.frozen(kw_only=True)
    class Options:
        """Options of the ``executive-touchpoint`` policy."""

        bands: tuple[str, ...] = option(
            ("at risk", "critical"), "outcome bands in which it fires", validator=one_of(BAND_NAMES)
        )
        days: float = option(2.0, "days after the trigger to hold the call", validator=at_least(0))
        lookback_days: float = option(
            30.0,
            "escalations and executive contact older than this are not triggers",
            validator=at_least(0),
        )
        when_executive_present: bool = option(
            True,
            "fire even without recent executive contact, when an executive stakeholder is on "
            "record",
        )

    def followups(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        ctx: PolicyContext[ExecutiveTouchpointPolicy.Options],
    ) -> Iterator[FollowUp]:
        """At most one follow-up: an executive-level contact."""
        if outcome.band.value not in ctx.options.bands:
            return
        days = timedelta(days=ctx.options.days)
        lookback = timedelta(days=ctx.options.lookback_days)
        executives = [
            p for p in account.customer.stakeholders if p.seniority is Seniority.EXECUTIVE
        ]
        trigger = self._trigger(account, executives, ctx.as_of - lookback)
        if trigger is None and executives and ctx.options.when_executive_present:
            trigger = _on_record(account, executives, ctx.as_of)
        if trigger is None or _engaged(account, executives, trigger.at) is not None:
            return
        yield FollowUp(
            policy=self.name,
            key=key(self.name, account, trigger.id),
            account=account.id,
            due=trigger.at + days,
            action=(
                f"Arrange an executive-level call with {_contact(account, executives, trigger)}: "
                "listen, then agree a plan."
            ),
            reason=f"The outcome is {outcome.band.value} and {trigger.words}.",
            priority=(
                Priority.URGENT
                if trigger.escalation or outcome.band is Band.CRITICAL
                else Priority.HIGH
            ),
            evidence=(trigger.id,),
        )

    @staticmethod
    def _trigger(
        account: Account, executives: Sequence[Stakeholder], since: datetime
    ) -> _Trigger | None:
        """The latest escalation since *since*, else the latest executive contact."""
        escalation = _escalation(account, since)
        if escalation is not None:
            return escalation
        return _executive_contact(account, executives, since)

    def resolution(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        followup: FollowUp,
        ctx: PolicyContext[ExecutiveTouchpointPolicy.Options],
    ) -> str | None:
        """Resolved when the conversation with the executive is under way, or when a newer
        trigger replaced this one; kept open when only the band changed (it may change
        back) or the trigger grew old."""
        executives = [
            p for p in account.customer.stakeholders if p.seniority is Seniority.EXECUTIVE
        ]
        since = followup.due - timedelta(days=ctx.options.days)  # due = trigger + days
        engaged = _engaged(account, executives, since)
        if engaged is not None:
            return _engaged_words(account, *engaged)
        lookback = timedelta(days=ctx.options.lookback_days)
        newer = self._trigger(account, executives, ctx.as_of - lookback)
        if newer is not None and followup.evidence and newer.id != followup.evidence[0]:
            return f"A newer event replaced it: {newer.words}."
        return None


def _engaged_words(account: Account, answer: Interaction, ours: Interaction | None) -> str:
    """The conversation with the executive, in words."""
    if ours is None:
        kind = "call" if answer.channel is Channel.PHONE else answer.channel.value
        return f"A {kind} with {who(account, answer.author)} took place on {day(answer.at)}."
    return (
        f"{who(account, answer.author)} answered on {day(answer.at)} the team's message of "
        f"{day(ours.at)}: the conversation with the executive is under way."
    )


@hookimpl
def perception_register_policies(register: Callable[[Policy], None]) -> None:
    """Register the ``executive-touchpoint`` policy."""
    register(ExecutiveTouchpointPolicy())
