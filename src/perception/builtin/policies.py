"""Built-in follow-up policies.

Each policy is a plugin object with a ``name``, a one-line ``description``, ``defaults``
(its options, overridable in ``[tool.perception.options.NAME]``) and a ``followups``
method.  Keys follow one pattern, ``POLICY:ACCOUNT:SITUATION``, where the situation part
names the records the follow-up rests on (a deliverable and its delivery time, a message,
a version of an expectation's terms).  Planning the same data twice gives the same keys;
a new situation (a new delivery, a changed scope, new contact) gives a new key.

Texts and due times depend on the records, not on the day of planning, so that
re-planning unchanged data gives identical follow-ups and the ledger has nothing to
write.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar

import attrs

from perception.context import PolicyContext
from perception.errors import ConfigError
from perception.hookspecs import Policy, hookimpl
from perception.model import (
    Account,
    Better,
    Dimension,
    Direction,
    Expectation,
    FeedbackKind,
    Interaction,
    Seniority,
    Stakeholder,
)
from perception.outcome import Band, FollowUp, PerceivedOutcome, Priority
from perception.text import message as shared_message

__all__ = [
    "BUILTIN_POLICIES",
    "BreakSilencePolicy",
    "ConfirmCriticalPolicy",
    "ExecutiveTouchpointPolicy",
    "NewsItem",
    "PostDeliveryCheckInPolicy",
    "RecoverNegativePolicy",
    "ShareRelevantNewsPolicy",
    "parse_catalogue",
    "response_window",
]

_AT_RISK = (Band.AT_RISK, Band.CRITICAL)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


# --- helpers -------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    """A compact UTC time for keys: ``20260301T170000Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _key(policy: str, account: Account, *parts: str) -> str:
    return ":".join((policy, account.id, *parts))


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def _number(ctx: PolicyContext[Any], policy: str, option: str, *, minimum: float = 0.0) -> float:
    """A numeric option, checked: a clear error names the option when it is out of range."""
    value = ctx.options[option]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        msg = f"options.{policy}.{option}: must be a number >= {minimum:g}, not {value!r}"
        raise ConfigError(msg)
    return float(value)


def _bands(ctx: PolicyContext[Any], policy: str, option: str) -> frozenset[Band]:
    values = ctx.options[option]
    if not isinstance(values, (list, tuple)):
        raise ConfigError(f"options.{policy}.{option}: must be a list of band names")
    bands = set()
    for value in values:
        try:
            bands.add(Band(value))
        except ValueError:
            allowed = ", ".join(repr(b.value) for b in Band)
            msg = f"options.{policy}.{option}: unknown band {value!r} (allowed: {allowed})"
            raise ConfigError(msg) from None
    return frozenset(bands)


def _strings(ctx: PolicyContext[Any], policy: str, option: str) -> tuple[str, ...]:
    values = ctx.options[option]
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        raise ConfigError(f"options.{policy}.{option}: must be a list of strings")
    return tuple(v for v in values if v.strip())


def _who(account: Account, stakeholder_id: str | None) -> str:
    person = account.customer.stakeholder(stakeholder_id)
    return person.name if person is not None else account.customer.name


def _latest_activity(account: Account) -> datetime | None:
    moments = [i.at for i in account.interactions]
    moments += [f.at for f in account.feedback]
    moments += [d.delivered_at for d in account.deliverables if d.delivered_at is not None]
    return max(moments, default=None)


def _band_priority(outcome: PerceivedOutcome, normal: Priority) -> Priority:
    if outcome.band is Band.CRITICAL:
        return Priority.URGENT
    if outcome.band is Band.AT_RISK:
        return max(normal, Priority.HIGH, key=lambda p: p.rank)
    return normal


# --- post-delivery-check-in ----------------------------------------------------------


class PostDeliveryCheckInPolicy:
    """Check back some days after a delivery, and again some days after acceptance.

    Once the customer has accepted the deliverable, the delivery check-in is no longer
    planned: the acceptance check-in takes over.  Deliveries older than
    ``max_age_days`` are left alone, so importing an old history does not flood the
    ledger.  Keys name the deliverable and the delivery (or acceptance) time, so a
    re-delivery is a new situation.
    """

    name = "post-delivery-check-in"
    description = "Some days after a delivery (and after acceptance): ask whether it works."
    defaults: ClassVar[dict[str, Any]] = {
        "days_after_delivery": 3,
        "days_after_acceptance": 14,
        "max_age_days": 60,
    }

    def followups(
        self, account: Account, outcome: PerceivedOutcome, ctx: PolicyContext[Any]
    ) -> Iterator[FollowUp]:
        """One follow-up per recent delivery and one per recent acceptance."""
        after_delivery = timedelta(days=_number(ctx, self.name, "days_after_delivery"))
        after_acceptance = timedelta(days=_number(ctx, self.name, "days_after_acceptance"))
        max_age = _number(ctx, self.name, "max_age_days")

        def recent(moment: datetime) -> bool:
            return max_age == 0 or ctx.as_of - moment <= timedelta(days=max_age)

        for item in account.deliverables:
            if item.delivered_at is None:
                continue
            expectation = account.expectation(item.expectation)
            critical = expectation is not None and expectation.critical
            who = _who(account, expectation.stakeholder if expectation else None)
            what = item.description or (expectation.description if expectation else item.id)
            priority = _band_priority(outcome, Priority.HIGH if critical else Priority.NORMAL)
            due = item.delivered_at + after_delivery
            if recent(item.delivered_at) and item.accepted_at is None:
                yield FollowUp(
                    policy=self.name,
                    key=_key(self.name, account, item.id, "delivered", _stamp(item.delivered_at)),
                    account=account.id,
                    due=due,
                    action=f"Ask {who} whether '{what}' works as expected.",
                    reason=(
                        f"'{what}' was delivered on {_day(item.delivered_at)} and not yet accepted."
                    ),
                    priority=priority,
                    evidence=(item.id,),
                )
            if item.accepted_at is not None and recent(item.accepted_at):
                yield FollowUp(
                    policy=self.name,
                    key=_key(self.name, account, item.id, "accepted", _stamp(item.accepted_at)),
                    account=account.id,
                    due=item.accepted_at + after_acceptance,
                    action=f"Ask {who} how '{what}' is working out in daily use.",
                    reason=f"'{what}' was accepted on {_day(item.accepted_at)}.",
                    priority=priority,
                    evidence=(item.id,),
                )


# --- confirm-critical ----------------------------------------------------------------


def _terms_digest(expectation: Expectation) -> str:
    """A short digest of an expectation's terms: a change of scope changes it."""
    terms = "\x1f".join(
        str(part)
        for part in (
            expectation.description,
            expectation.dimension.value,
            expectation.adequate,
            expectation.desired,
            expectation.unit,
            expectation.better.value,
            expectation.due.isoformat() if expectation.due else "",
        )
    )
    return hashlib.sha256(terms.encode("utf-8", "surrogatepass")).hexdigest()[:10]


class ConfirmCriticalPolicy:
    """A critical expectation, decision or scope change the customer never confirmed.

    Due ``lead_days`` before the expectation is due; an undated one is due at the
    account's latest activity (that is, now).  An accepted deliverable counts as
    confirmation.  The key carries a digest of the expectation's terms, so a change of
    scope after a confirmation request is a new situation that needs a new confirmation.
    """

    name = "confirm-critical"
    description = "A critical expectation or decision without customer confirmation: confirm."
    defaults: ClassVar[dict[str, Any]] = {"lead_days": 5}

    def followups(
        self, account: Account, outcome: PerceivedOutcome, ctx: PolicyContext[Any]
    ) -> Iterator[FollowUp]:
        """One follow-up per unconfirmed critical expectation."""
        lead = timedelta(days=_number(ctx, self.name, "lead_days"))
        latest = _latest_activity(account) or ctx.as_of
        for expectation in account.expectations:
            if not expectation.critical or expectation.confirmed_at is not None:
                continue
            if any(d.accepted_at is not None for d in account.deliverables_for(expectation.id)):
                continue
            what = expectation.description or expectation.id
            if expectation.due is not None:
                due = expectation.due - lead
                when = f"; it is due on {_day(expectation.due)}"
                pressing = due <= ctx.as_of
            else:
                due, when, pressing = latest, "", False
            priority = Priority.URGENT if pressing else _band_priority(outcome, Priority.HIGH)
            yield FollowUp(
                policy=self.name,
                key=_key(self.name, account, expectation.id, _terms_digest(expectation)),
                account=account.id,
                due=due,
                action=f"Ask {_who(account, expectation.stakeholder)} to confirm in writing: "
                f"{what}.",
                reason=f"'{what}' is critical and the customer has not confirmed it{when}.",
                priority=priority,
                evidence=(expectation.id,),
            )


# --- recover-negative ----------------------------------------------------------------

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


def _replies(outbound: Sequence[Interaction], message: Interaction) -> list[Interaction]:
    """The team's answers to *message* among *outbound* (sorted by time): messages naming
    it in ``in_reply_to``, else the first later message that names no other message."""
    explicit = [i for i in outbound if i.in_reply_to == message.id]
    if explicit:
        return explicit
    later = next((i for i in outbound if i.at >= message.at and i.in_reply_to is None), None)
    return [later] if later is not None else []


def _phrase_pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p.strip()) for p in phrases)
    return re.compile(rf"\b(?:{alternatives})", re.IGNORECASE)


class RecoverNegativePolicy:
    """A negative message from the customer not answered in time, or answered coldly.

    A message is negative when its VADER compound sentiment is at most
    ``negative_threshold``.  It calls for recovery when no reply acknowledging it
    (an apology, thanks, understanding: ``acknowledgement_phrases``) came within the
    response window: the adequate level of the account's responsiveness expectation,
    else ``response_hours``.  Only messages from the last ``lookback_days`` are
    considered.  The key names the message, so the follow-up survives the state
    changing from unanswered to answered without acknowledgement.
    """

    name = "recover-negative"
    description = "A negative customer message unanswered or unacknowledged in time: recover."
    defaults: ClassVar[dict[str, Any]] = {
        "negative_threshold": -0.3,
        "response_hours": 24,
        "lookback_days": 30,
        "acknowledgement_phrases": [
            "sorry",
            "apologi",
            "understand",
            "frustrat",
            "thank you for",
            "thanks for",
            "appreciate",
            "regret",
            "you are right",
            "you're right",
            "our mistake",
            "my mistake",
            "inconvenience",
            "hear you",
        ],
    }

    def followups(
        self, account: Account, outcome: PerceivedOutcome, ctx: PolicyContext[Any]
    ) -> Iterator[FollowUp]:
        """One follow-up per negative inbound message that was not recovered in time."""
        threshold = ctx.options["negative_threshold"]
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise ConfigError(f"options.{self.name}.negative_threshold: must be a number")
        if not -1.0 <= threshold <= 1.0:
            msg = f"options.{self.name}.negative_threshold: must be in [-1, 1], not {threshold}"
            raise ConfigError(msg)
        window = response_window(account, _number(ctx, self.name, "response_hours"))
        lookback = timedelta(days=_number(ctx, self.name, "lookback_days"))
        acknowledgement = _phrase_pattern(_strings(ctx, self.name, "acknowledgement_phrases"))
        outbound = [i for i in account.timeline() if i.direction is Direction.OUTBOUND]
        for message in account.interactions:
            if not message.inbound or ctx.as_of - message.at > lookback:
                continue
            deadline = message.at + window
            replies = [r for r in _replies(outbound, message) if r.at <= ctx.as_of]
            in_time = [r for r in replies if r.at <= deadline]
            if any(acknowledgement.search(r.text) for r in in_time):
                continue
            if not replies and ctx.as_of < deadline:
                continue  # still within the window: nothing has failed yet
            if in_time:
                first = in_time[0]
                situation = f"was answered on {_day(first.at)} without acknowledging it"
                evidence: tuple[str, ...] = (message.id, first.id)
            elif replies:
                situation = f"was first answered on {_day(replies[0].at)}, after the window"
                evidence = (message.id, replies[0].id)
            else:
                situation = "has not been answered"
                evidence = (message.id,)
            if shared_message(message.text).sentiment.compound > threshold:
                continue  # checked last: sentiment is the costly part
            person = account.customer.stakeholder(message.author)
            executive = person is not None and person.seniority is Seniority.EXECUTIVE
            urgent = executive or not replies or outcome.band in _AT_RISK
            hours = window.total_seconds() / 3600
            yield FollowUp(
                policy=self.name,
                key=_key(self.name, account, message.id),
                account=account.id,
                due=deadline,
                action=(
                    f"Reply to {_who(account, message.author)}: acknowledge the problem, "
                    "say what you will do and by when."
                ),
                reason=(
                    f"A negative message of {_day(message.at)}"
                    f"{' (' + message.subject[:60] + ')' if message.subject else ''} "
                    f"{situation}; the customer expects an answer within {hours:g} hours."
                ),
                priority=Priority.URGENT if urgent else Priority.HIGH,
                evidence=evidence,
            )


# --- break-silence -------------------------------------------------------------------


class BreakSilencePolicy:
    """No contact for a while: reach out before the silence becomes the message.

    The allowed silence is ``days`` (default 21), or ``at_risk_days`` (default 7) when
    the outcome is at risk or critical.  With ``inbound_only`` only the customer's own
    messages count as contact.  The key names the last contact, so the same silence is
    planned once, and a new silence after new contact gets a new key.
    """

    name = "break-silence"
    description = "No contact for N days (sooner when the outcome is at risk): reach out."
    defaults: ClassVar[dict[str, Any]] = {"days": 21, "at_risk_days": 7, "inbound_only": False}

    def followups(
        self, account: Account, outcome: PerceivedOutcome, ctx: PolicyContext[Any]
    ) -> Iterator[FollowUp]:
        """One follow-up when the last contact is older than the allowed silence."""
        contacts = account.interactions
        if ctx.options["inbound_only"]:
            contacts = tuple(i for i in contacts if i.inbound)
        if not contacts:
            return
        last = max(contacts, key=lambda i: (i.at, i.id))
        at_risk = outcome.band in _AT_RISK
        days = _number(ctx, self.name, "at_risk_days" if at_risk else "days")
        due = last.at + timedelta(days=days)
        if due > ctx.as_of:
            return
        kind = "message from the customer" if last.inbound else "contact"
        while_ = f" while the outcome is {outcome.band.value}" if at_risk else ""
        yield FollowUp(
            policy=self.name,
            key=_key(self.name, account, last.id),
            account=account.id,
            due=due,
            action=f"Contact {account.customer.name}: ask how things are going.",
            reason=(f"No {kind} since {_day(last.at)}; the limit is {days:g} days{while_}."),
            priority=_band_priority(outcome, Priority.NORMAL),
            evidence=(last.id,),
        )


# --- executive-touchpoint ------------------------------------------------------------


@attrs.frozen
class _Trigger:
    id: str
    at: datetime
    words: str
    escalation: bool


class ExecutiveTouchpointPolicy:
    """The outcome is at risk or critical and an executive is involved or it escalated.

    The trigger is the latest escalation in the last ``lookback_days``, else the latest
    message or feedback from an executive stakeholder, else (with
    ``when_executive_present``) an executive stakeholder on record.  The key names the
    trigger: a new escalation is a new situation.
    """

    name = "executive-touchpoint"
    description = "At risk with an executive involved or an escalation: executive contact."
    defaults: ClassVar[dict[str, Any]] = {
        "bands": ["at risk", "critical"],
        "days": 2,
        "lookback_days": 30,
        "when_executive_present": True,
    }

    def followups(
        self, account: Account, outcome: PerceivedOutcome, ctx: PolicyContext[Any]
    ) -> Iterator[FollowUp]:
        """At most one follow-up: an executive-level contact."""
        if outcome.band not in _bands(ctx, self.name, "bands"):
            return
        days = timedelta(days=_number(ctx, self.name, "days"))
        lookback = timedelta(days=_number(ctx, self.name, "lookback_days"))
        executives = [
            p for p in account.customer.stakeholders if p.seniority is Seniority.EXECUTIVE
        ]
        trigger = self._trigger(account, executives, ctx.as_of - lookback)
        if trigger is None and executives and ctx.options["when_executive_present"]:
            person = min(executives, key=lambda p: p.id)
            at = _latest_activity(account) or ctx.as_of
            trigger = _Trigger(person.id, at, f"{person.name} is on record", escalation=False)
        if trigger is None:
            return
        contact = self._contact(account, executives, trigger)
        yield FollowUp(
            policy=self.name,
            key=_key(self.name, account, trigger.id),
            account=account.id,
            due=trigger.at + days,
            action=f"Arrange an executive-level call with {contact}: listen, then agree a plan.",
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
        escalations = [
            f for f in account.feedback if f.kind is FeedbackKind.ESCALATION and f.at >= since
        ]
        if escalations:
            latest = max(escalations, key=lambda f: (f.at, f.id))
            who = _who(account, latest.author) if latest.author else "the customer"
            return _Trigger(
                latest.id, latest.at, f"{who} escalated on {_day(latest.at)}", escalation=True
            )
        ids = {p.id for p in executives} | {p.email for p in executives if p.email}
        records: list[tuple[datetime, str]] = [
            (i.at, i.id) for i in account.interactions if i.inbound and i.author in ids
        ]
        records += [(f.at, f.id) for f in account.feedback if f.author in ids]
        records = [r for r in records if r[0] >= since]
        if not records:
            return None
        at, record_id = max(records)
        author = next(
            (i.author for i in account.interactions if i.id == record_id),
            next((f.author for f in account.feedback if f.id == record_id), ""),
        )
        words = f"{_who(account, author)} was in touch on {_day(at)}"
        return _Trigger(record_id, at, words, escalation=False)

    @staticmethod
    def _contact(account: Account, executives: Sequence[Stakeholder], trigger: _Trigger) -> str:
        person = account.customer.stakeholder(trigger.id)
        if person is None:
            author = next(
                (f.author for f in account.feedback if f.id == trigger.id),
                next((i.author for i in account.interactions if i.id == trigger.id), ""),
            )
            person = account.customer.stakeholder(author)
        if person is None or person.seniority is not Seniority.EXECUTIVE:
            person = min(executives, key=lambda p: p.id) if executives else person
        if person is None:
            return f"{account.customer.name}'s leadership"
        return f"{person.name}{' (' + person.role + ')' if person.role else ''}"


# --- share-relevant-news -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class NewsItem:
    """One entry of the ``share-relevant-news`` catalogue.

    Attributes:
        id: unique within the catalogue; part of the follow-up key.
        title: what to share, in words.
        url: where to read more, if anywhere.
        segments: customer segments it suits (empty: every segment).
        dimensions: dimensions of perception it helps with; it suits an account with
            an expectation on one of them (empty: no such condition).
        keywords: words that, found in the customer's messages, make it relevant
            (empty: no such condition).
    """

    id: str
    title: str
    url: str = ""
    segments: tuple[str, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    keywords: tuple[str, ...] = ()


def parse_catalogue(policy: str, raw: object) -> tuple[NewsItem, ...]:
    """Validate the catalogue option; errors name the entry and the field."""
    where = f"options.{policy}.catalogue"
    if not isinstance(raw, (list, tuple)):
        raise ConfigError(f"{where}: must be a list of tables")
    items: list[NewsItem] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        here = f"{where}[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{here}: must be a table with id and title")
        unknown = set(entry) - {"id", "title", "url", "segments", "dimensions", "keywords"}
        if unknown:
            raise ConfigError(f"{here}: unknown keys {', '.join(sorted(map(str, unknown)))}")
        for field in ("id", "title"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise ConfigError(f"{here}.{field}: must be a non-empty string")
        if entry["id"] in seen:
            raise ConfigError(f"{here}.id: {entry['id']!r} appears twice")
        seen.add(entry["id"])
        if not isinstance(entry.get("url", ""), str):
            raise ConfigError(f"{here}.url: must be a string")
        lists = {}
        for field in ("segments", "dimensions", "keywords"):
            value = entry.get(field, [])
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{here}.{field}: must be a list of strings")
            lists[field] = tuple(value)
        try:
            dimensions = tuple(Dimension(d) for d in lists["dimensions"])
        except ValueError:
            allowed = ", ".join(d.value for d in Dimension)
            raise ConfigError(f"{here}.dimensions: allowed values are {allowed}") from None
        items.append(
            NewsItem(
                id=entry["id"],
                title=entry["title"],
                url=entry.get("url", ""),
                segments=tuple(s.casefold() for s in lists["segments"]),
                dimensions=dimensions,
                keywords=tuple(k.casefold() for k in lists["keywords"] if k.strip()),
            )
        )
    return tuple(items)


def _relevance(item: NewsItem, account: Account, said: str) -> int:
    """0 when *item* does not suit the account, else how many conditions it meets (+1)."""
    if item.segments and account.customer.segment.casefold() not in item.segments:
        return 0
    score = 1 + bool(item.segments)
    if item.dimensions:
        if not {e.dimension for e in account.expectations} & set(item.dimensions):
            return 0
        score += 1
    if item.keywords:
        hits = sum(1 for k in item.keywords if k in said)
        if not hits:
            return 0
        score += hits
    return score


class ShareRelevantNewsPolicy:
    """Something from the ``catalogue`` the customer would benefit from, now and then.

    An item suits the account when its segment matches, when the account has an
    expectation on one of its dimensions and when one of its keywords appears in the
    customer's messages (each condition applies only when given).  At most one item per
    ``interval_days`` per account, and only while the outcome is in ``bands`` (nobody
    wants news from a provider they are unhappy with).  Time is cut into periods of
    ``interval_days``, offset per account so that not every account falls due on the
    same day; the key names the period and the item, and items rotate from one period
    to the next among the best-suited ones.
    """

    name = "share-relevant-news"
    description = "A catalogue item the customer would benefit from, at most once an interval."
    defaults: ClassVar[dict[str, Any]] = {
        "catalogue": [],
        "interval_days": 90,
        "bands": ["delighted", "satisfied", "neutral"],
    }

    def followups(
        self, account: Account, outcome: PerceivedOutcome, ctx: PolicyContext[Any]
    ) -> Iterator[FollowUp]:
        """At most one follow-up: the item to share in the current period."""
        catalogue = parse_catalogue(self.name, ctx.options["catalogue"])
        interval = _number(ctx, self.name, "interval_days", minimum=1)
        if not catalogue or outcome.band not in _bands(ctx, self.name, "bands"):
            return
        said = " ".join(
            f"{i.subject} {i.text}".casefold() for i in account.interactions if i.inbound
        )
        scored = [(_relevance(item, account, said), item) for item in catalogue]
        best = max(score for score, _ in scored)
        if best == 0:
            return
        top = [item for score, item in scored if score == best]
        offset = zlib.crc32(account.id.encode("utf-8", "surrogatepass")) % int(interval)
        elapsed_days = (ctx.as_of - _EPOCH).total_seconds() / 86400 + offset
        period = int(elapsed_days // interval)
        item = top[period % len(top)]
        start = _EPOCH + timedelta(days=period * interval - offset)
        link = f" ({item.url})" if item.url else ""
        yield FollowUp(
            policy=self.name,
            key=_key(self.name, account, f"p{period}", item.id),
            account=account.id,
            due=start,
            action=f"Tell {account.customer.name} about {item.title}{link}.",
            reason=(f"It suits this customer; news is shared at most every {interval:g} days."),
            priority=Priority.LOW,
            evidence=(item.id,),
        )


#: The built-in policies, in the order they run.
BUILTIN_POLICIES: tuple[Callable[[], Policy], ...] = (
    PostDeliveryCheckInPolicy,
    ConfirmCriticalPolicy,
    RecoverNegativePolicy,
    BreakSilencePolicy,
    ExecutiveTouchpointPolicy,
    ShareRelevantNewsPolicy,
)


@hookimpl
def perception_register_policies(register: Callable[[Policy], None]) -> None:
    """Register the built-in policies."""
    for factory in BUILTIN_POLICIES:
        register(factory())
