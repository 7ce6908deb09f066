"""Built-in scorers: how perception forms, one plugin each.

Every scorer turns part of an account into :class:`~perception.outcome.Signal` records
with a value in [-1, 1], a weight, the ids of the records it rests on and one sentence
in plain words.  The science behind each default is in ``perception.science`` and
``docs/explanation/science.md``; the options are listed in ``docs/reference/scorers.md``.

=================  ================================================================
``disconfirmation``  each expectation against what was delivered (Oliver 1980)
``responsiveness``   reply times against the expected response time (Caruelle 2023)
``sentiment``        the customer's messages over time: peak, end and recency
``voice``            surveys, complaints, praise and escalations: the customer's word
``communication``    findings of the message checks on the team's messages
``confirmation``     critical expectations the customer never confirmed
``recovery``         failures answered fast, with acknowledgement and a fix
``silence``          no contact for longer than the customer would expect
=================  ================================================================
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from perception import science
from perception.context import ScoreContext
from perception.hookspecs import EvidenceKind, Scorer, hookimpl
from perception.model import (
    Account,
    Better,
    Deliverable,
    Dimension,
    Expectation,
    ExpectationKind,
    Feedback,
    FeedbackKind,
    Interaction,
    Seniority,
)
from perception.outcome import Severity, Signal
from perception.text import message as shared_message

__all__ = [
    "BUILTIN_SCORERS",
    "SENIORITY_WEIGHT",
    "CommunicationScorer",
    "ConfirmationScorer",
    "DisconfirmationScorer",
    "RecoveryScorer",
    "ResponsivenessScorer",
    "SentimentScorer",
    "SilenceScorer",
    "VoiceScorer",
    "compound",
    "expected_response_hours",
    "feedback_value",
]

#: How much more an executive's or a manager's word counts than a user's.
SENIORITY_WEIGHT: Mapping[Seniority | None, float] = {
    Seniority.EXECUTIVE: 3.0,
    Seniority.MANAGER: 1.5,
    Seniority.USER: 1.0,
    None: 1.0,
}

_DAY = 86400.0
_HOUR = 3600.0
#: A VADER compound score at or below this is a negative message (Hutto & Gilbert 2014).
_NEGATIVE = -0.05
_POSITIVE = 0.05


# -- shared helpers ----------------------------------------------------------------------


def compound(text: str) -> float:
    """The VADER compound sentiment of *text*, from the shared message cache."""
    return shared_message(text).sentiment.compound


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / _DAY


def _day(moment: datetime, as_of: datetime) -> str:
    """``1 March`` (with the year when it is not the year of *as_of*)."""
    text = f"{moment.day} {moment:%B}"
    return text if moment.year == as_of.year else f"{text} {moment.year}"


def _duration(hours: float) -> str:
    """A wait in words: ``40 minutes``, ``5 hours``, ``3 days``."""
    if hours < 1.0:
        minutes = max(1, round(hours * 60))
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if hours < 48.0:
        whole = round(hours)
        return f"{whole} hour{'s' if whole != 1 else ''}"
    days = round(hours / 24.0)
    return f"{days} days"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _who(account: Account, author: str | None, *, role: bool = True) -> str:
    """The stakeholder's name (and role), or ``the customer``."""
    person = account.customer.stakeholder(author)
    if person is None:
        return "the customer"
    if role and person.role:
        return f"{person.name} ({person.role})"
    return person.name


def _possessive(name: str) -> str:
    if name == "the customer":
        return "the customer's"
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _cap(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _label(expectation: Expectation) -> str:
    text = " ".join(expectation.description.split())
    return text or f"Expectation {expectation.id}"


def _seniority(account: Account, author: str | None) -> Seniority | None:
    person = account.customer.stakeholder(author)
    return person.seniority if person is not None else None


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


def _outbound_after(
    timeline: Sequence[Interaction], message: Interaction, start: int
) -> Interaction | None:
    """The team's reply to *message*: an outbound message answering it, or the next one.

    An outbound message that names another message in ``in_reply_to`` answers *message*
    only when that other message is *message* or a later customer message.
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


def _needs_reply(message: Interaction) -> bool:
    """A customer message asks for an answer: a question, a request, or a negative tone."""
    text = message.text[:2000]
    if not text.strip():
        return False
    return bool(_ASKS.search(text)) or compound(message.text) <= _NEGATIVE


# -- disconfirmation --------------------------------------------------------------------


class DisconfirmationScorer:
    """Each expectation against what was delivered: late, short, missing, early, beyond.

    Expectation-disconfirmation (Oliver 1980) with a zone of tolerance (Zeithaml, Berry &
    Parasuraman 1993), felt through the prospect-theory value function (Tversky &
    Kahneman 1992), so a delay hurts more than the same advance pleases.  A dated
    expectation is judged on time (the due date is the adequate level, ``scale_days``
    late is a full loss); a measured one on level (its deliverable's ``level`` against
    the expectation's adequate and desired levels).  One signal per expectation, weighted
    by importance, criticality and age; implicit expectations count like explicit ones
    (``implicit_factor``).
    """

    name = "disconfirmation"
    evidence_kind: ClassVar[EvidenceKind] = EvidenceKind.DELIVERY
    description = "Each expectation against its deliverables: late, short, missing, early."
    defaults: ClassVar[dict[str, Any]] = {
        "weight": 1.0,
        "critical_factor": 1.5,
        "implicit_factor": 1.0,
        "scale_days": 30.0,
        "grace_hours": 0.0,
        "missing_floor": 0.2,
        "half_life_days": 180.0,
        "inside": 0.15,
        "alpha": science.ALPHA,
        "loss_aversion": science.LOSS_AVERSION,
    }

    def score(self, account: Account, ctx: ScoreContext[Any]) -> Iterator[Signal]:
        """One signal per expectation with something to judge."""
        opts = ctx.options
        by_expectation: dict[str, list[Deliverable]] = {}
        for item in account.deliverables:
            by_expectation.setdefault(item.expectation, []).append(item)
        for expectation in account.expectations:
            judged = self._judge(expectation, by_expectation.get(expectation.id, []), ctx)
            if judged is None:
                continue
            x, sentence, evidence, at, accepted = judged
            weight = float(opts["weight"]) * expectation.importance
            if expectation.critical:
                weight *= float(opts["critical_factor"])
            if expectation.kind is ExpectationKind.IMPLICIT:
                weight *= float(opts["implicit_factor"])
            weight *= science.decay(_days(ctx.as_of, at), float(opts["half_life_days"]))
            yield Signal(
                scorer=self.name,
                dimension=expectation.dimension,
                value=science.felt_value(
                    x, alpha=float(opts["alpha"]), loss_aversion=float(opts["loss_aversion"])
                ),
                weight=weight,
                confidence=1.0 if accepted else 0.8,
                explanation=sentence,
                evidence=(expectation.id, *evidence),
                at=at,
            )

    def _judge(
        self, expectation: Expectation, items: list[Deliverable], ctx: ScoreContext[Any]
    ) -> tuple[float, str, tuple[str, ...], datetime, bool] | None:
        """``(disconfirmation, sentence, evidence, when, accepted)`` or ``None``."""
        opts = ctx.options
        scale = max(float(opts["scale_days"]), 1e-6)
        inside = float(opts["inside"])
        label = _label(expectation)
        delivered = [d for d in items if d.delivered_at is not None]
        outstanding = [d for d in items if d.delivered_at is None]
        due = expectation.due
        if due is not None and (outstanding or not items):
            if ctx.as_of <= due:
                return None  # not due yet
            overdue = _days(ctx.as_of, due)
            x = -max(float(opts["missing_floor"]), min(1.0, overdue / scale))
            sentence = (
                f"{label} was due on {_day(due, ctx.as_of)} and is still outstanding, "
                f"{_plural(max(1, round(overdue)), 'day')} late."
            )
            return x, sentence, tuple(d.id for d in items), due, False
        if not delivered:
            return None  # nothing delivered and nothing dated: nothing to judge yet
        finished = max(delivered, key=lambda d: d.delivered_at or ctx.as_of)
        when = finished.delivered_at
        assert when is not None
        accepted = all(d.accepted_at is not None for d in delivered)
        evidence = tuple(d.id for d in delivered)
        parts: list[tuple[float, str]] = []
        if due is not None:
            parts.append(_timeliness(when, due, ctx.as_of, scale, inside, opts))
        zone = expectation.zone
        measured = [d for d in delivered if d.level is not None]
        if zone is not None and measured:
            item = max(measured, key=lambda d: d.delivered_at or ctx.as_of)
            assert item.level is not None
            parts.append(_level(expectation, zone, item.level, inside))
        if not parts:
            parts.append((inside, f"was delivered on {_day(when, ctx.as_of)}"))
        negatives = [p for p, _ in parts if p < 0]
        x = min(negatives) if negatives else sum(p for p, _ in parts) / len(parts)
        sentence = f"{label} " + " and ".join(c for _, c in parts) + "."
        if not accepted and x >= 0:
            sentence = sentence[:-1] + ", not yet accepted by the customer."
        return x, sentence, evidence, when, accepted


def _timeliness(
    when: datetime,
    due: datetime,
    as_of: datetime,
    scale: float,
    inside: float,
    opts: Mapping[str, Any],
) -> tuple[float, str]:
    """Disconfirmation of a delivery date: the due date is the adequate level."""
    late = _days(when, due) - float(opts["grace_hours"]) / 24.0
    value = science.zone_disconfirmation(-late, 0.0, 0.0, inside=inside, scale=scale)
    if late > 0:
        days = _plural(max(1, round(late)), "day")
        return value, f"was promised for {_day(due, as_of)} and delivered {days} late"
    if -late >= 1.0:
        days = _plural(round(-late), "day")
        return value, f"was delivered {days} before the {_day(due, as_of)} deadline"
    return value, f"was delivered on time for {_day(due, as_of)}"


def _level(
    expectation: Expectation, zone: tuple[float, float], level: float, inside: float
) -> tuple[float, str]:
    """Disconfirmation of a measured level against the zone of tolerance."""
    higher = expectation.better is Better.HIGHER
    value = science.zone_disconfirmation(
        level, zone[0], zone[1], higher_is_better=higher, inside=inside
    )
    unit = f" {expectation.unit}" if expectation.unit else ""
    if value < 0:
        where = f"below the adequate {zone[0]:g}{unit}"
    elif value > inside + 1e-9:
        where = f"beyond the desired {zone[1]:g}{unit}"
    else:
        where = f"within the expected {zone[0]:g} to {zone[1]:g}{unit}"
    return value, f"reached {level:g}{unit}, {where}"


# -- responsiveness ---------------------------------------------------------------------


class ResponsivenessScorer:
    """Reply times to the customer's messages against the expected response time.

    The expected time comes from a responsiveness expectation measured in minutes, hours
    or days (its adequate and desired levels), else from ``adequate_hours`` and
    ``desired_hours``.  Waiting is valued asymmetrically (Caruelle, Lervik-Olsen &
    Gustafsson 2023): a fast answer pleases a lot, a slightly slow one displeases a
    little, a much slower one a lot.  Answered messages form one episode remembered by
    its worst and its latest wait (peak-end, Kahneman et al. 1993); each message still
    unanswered past the adequate time is a signal of its own.  Only messages that ask for
    something (a question, a request, a negative tone) need a reply.
    """

    name = "responsiveness"
    description = "Reply times to the customer's messages against the expected response time."
    defaults: ClassVar[dict[str, Any]] = {
        "weight": 1.0,
        "unanswered_weight": 1.0,
        "adequate_hours": 24.0,
        "desired_hours": 4.0,
        "max_gain": 0.6,
        "tolerance": 3.0,
        "steepness": 1.5,
        "half_life_days": 60.0,
    }

    def score(self, account: Account, ctx: ScoreContext[Any]) -> Iterator[Signal]:
        """A peak-end signal over answered messages, one per unanswered message."""
        opts = ctx.options
        adequate, desired, source = expected_response_hours(
            account, float(opts["adequate_hours"]), float(opts["desired_hours"])
        )
        curve: Callable[[float], float] = functools.partial(
            science.response_time_value,
            adequate=adequate,
            desired=desired,
            max_gain=float(opts["max_gain"]),
            tolerance=float(opts["tolerance"]),
            steepness=float(opts["steepness"]),
        )
        half_life = float(opts["half_life_days"])
        expected = f"expected within {_duration(adequate)}"
        timeline = account.timeline()
        answered: list[tuple[Interaction, Interaction, float]] = []
        for index, message in enumerate(timeline):
            if not message.inbound or not _needs_reply(message):
                continue
            reply = _outbound_after(timeline, message, index)
            if reply is not None:
                answered.append((message, reply, (reply.at - message.at).total_seconds() / _HOUR))
                continue
            waited = (ctx.as_of - message.at).total_seconds() / _HOUR
            if waited <= adequate:
                continue  # still within the expected time
            who = _possessive(_who(account, message.author, role=False))
            yield Signal(
                scorer=self.name,
                dimension=Dimension.RESPONSIVENESS,
                value=curve(waited),
                weight=float(opts["unanswered_weight"]),
                confidence=1.0,
                explanation=_cap(
                    f"{who} message of {_day(message.at, ctx.as_of)} is still unanswered "
                    f"after {_duration(waited)} ({expected})."
                ),
                evidence=(message.id,) + ((source.id,) if source else ()),
                at=message.at,
            )
        if not answered:
            return
        values = [curve(hours) for _, _, hours in answered]
        weights = [science.decay(_days(ctx.as_of, m.at), half_life) for m, _, _ in answered]
        value, peak, end = science.weighted_peak_end(values, weights)
        slow = sum(1 for _, _, hours in answered if hours > adequate)
        message, reply, hours = answered[peak]
        who = _possessive(_who(account, message.author, role=False))
        if values[peak] < 0:
            sentence = (
                f"{who} message of {_day(message.at, ctx.as_of)} waited {_duration(hours)} "
                f"for a reply ({expected}); {slow} of {len(answered)} replies were slower "
                "than that."
            )
        else:
            slowest = max(h for _, _, h in answered)
            sentence = (
                f"All {_plural(len(answered), 'reply')} came within the expected "
                f"{_duration(adequate)}; the slowest took {_duration(slowest)}."
            )
            if len(answered) == 1:
                sentence = (
                    f"The one reply came within the expected {_duration(adequate)} "
                    f"(after {_duration(slowest)})."
                )
        evidence = [message.id, reply.id]
        if end != peak:
            evidence += [answered[end][0].id, answered[end][1].id]
        if source is not None:
            evidence.append(source.id)
        yield Signal(
            scorer=self.name,
            dimension=Dimension.RESPONSIVENESS,
            value=value,
            weight=float(opts["weight"]),
            confidence=1.0 - math.exp(-len(answered) / 2.0),
            explanation=_cap(sentence),
            evidence=tuple(evidence),
            at=answered[end][1].at,
        )


# -- sentiment --------------------------------------------------------------------------


class SentimentScorer:
    """The customer's messages over time, remembered by their peak and their end.

    Each inbound message is scored with VADER (Hutto & Gilbert 2014); the episode is
    remembered by its most intense and its latest message (peak-end, Kahneman et al.
    1993), each faded by its age (``half_life_days``), not by the mean of all messages.
    A negative message is ``loss_aversion`` times as intense as a positive one of the
    same size when the peak is chosen.
    The sentence names a run of negative messages at the end, which is what a customer's
    next decision follows most.
    """

    name = "sentiment"
    description = "The customer's messages over time: peak, end and recency, not a mean."
    defaults: ClassVar[dict[str, Any]] = {
        "weight": 1.5,
        "half_life_days": 30.0,
        "peak_weight": 0.5,
        "end_weight": 0.5,
        "loss_aversion": science.LOSS_AVERSION,
        "max_messages": 200,
    }

    def score(self, account: Account, ctx: ScoreContext[Any]) -> Iterator[Signal]:
        """One signal for the customer's messages, if there are any with text."""
        opts = ctx.options
        messages = [m for m in account.timeline() if m.inbound and m.text.strip()]
        messages = messages[-int(opts["max_messages"]) :]
        if not messages:
            return
        values = [compound(m.text) for m in messages]
        half_life = float(opts["half_life_days"])
        weights = [science.decay(_days(ctx.as_of, m.at), half_life) for m in messages]
        value, peak, end = science.weighted_peak_end(
            values,
            weights,
            peak_weight=float(opts["peak_weight"]),
            end_weight=float(opts["end_weight"]),
            loss_aversion=float(opts["loss_aversion"]),
        )
        trailing = 0
        for v in reversed(values):
            if v > _NEGATIVE:
                break
            trailing += 1
        last = messages[-1]
        last_words = f"{_who(account, last.author, role=False)}, {_day(last.at, ctx.as_of)}"
        peak_message = messages[peak]
        peak_words = (
            f"{_possessive(_who(account, peak_message.author, role=False))} on "
            f"{_day(peak_message.at, ctx.as_of)}"
        )
        if trailing >= 2:
            sentence = (
                f"The customer's last {trailing} messages were negative (latest: {last_words})"
            )
        elif trailing == 1:
            sentence = f"The customer's last message ({last_words}) was negative"
        elif values[-1] >= _POSITIVE:
            sentence = f"The customer's last message ({last_words}) was positive"
        else:
            sentence = f"The customer's last message ({last_words}) was neutral"
        if peak != end:
            tone = "negative" if values[peak] < 0 else "positive"
            sentence += f"; the most {tone} was {peak_words}"
        yield Signal(
            scorer=self.name,
            dimension=Dimension.EMPATHY,
            value=value,
            weight=float(opts["weight"]),
            confidence=1.0 - math.exp(-len(messages) / 2.0),
            explanation=sentence + ".",
            evidence=tuple(dict.fromkeys((peak_message.id, last.id))),
            at=last.at,
        )


# -- voice ------------------------------------------------------------------------------


def feedback_value(item: Feedback) -> float:
    """Stated feedback as a value in [-1, 1] (:attr:`Feedback.signed_value`)."""
    return item.signed_value


_WORDS: Mapping[FeedbackKind, Callable[[Feedback], str]] = {
    FeedbackKind.CSAT: lambda f: f"gave a CSAT of {f.value:g}/5",
    FeedbackKind.NPS: lambda f: f"gave an NPS answer of {f.value:g}/10",
    FeedbackKind.CES: lambda f: f"rated effort {f.value:g}/7",
    FeedbackKind.ESCALATION: lambda f: "escalated",
    FeedbackKind.COMPLAINT: lambda f: "complained",
    FeedbackKind.PRAISE: lambda f: "praised the team",
}


class VoiceScorer:
    """Stated feedback: the customer's own word (surveys, complaints, praise, escalations).

    Each item becomes one signal.  Stated feedback outweighs inference (``weight`` 3 by
    default, against 1 for inferred signals), an executive's word counts three times a
    user's (``executive_factor``) and a manager's one and a half times
    (``manager_factor``), and older feedback fades with a half-life.
    """

    name = "voice"
    evidence_kind: ClassVar[EvidenceKind] = EvidenceKind.STATED
    description = "Surveys, complaints, praise and escalations: the customer's own word."
    defaults: ClassVar[dict[str, Any]] = {
        "weight": 3.0,
        "half_life_days": 90.0,
        "executive_factor": 3.0,
        "manager_factor": 1.5,
    }

    def score(self, account: Account, ctx: ScoreContext[Any]) -> Iterator[Signal]:
        """One signal per feedback item."""
        opts = ctx.options
        half_life = float(opts["half_life_days"])
        factors = {
            Seniority.EXECUTIVE: float(opts["executive_factor"]),
            Seniority.MANAGER: float(opts["manager_factor"]),
        }
        for item in account.feedback:
            person = account.customer.stakeholder(item.author)
            seniority = person.seniority if person is not None else None
            factor = factors.get(seniority, 1.0) if seniority is not None else 1.0
            decay = science.decay(_days(ctx.as_of, item.at), half_life)
            who = (
                f"{person.name} ({person.role or person.seniority.value})"
                if person
                else "The customer"
            )
            comment = " ".join(item.text.split())[:80].rstrip(".")
            quoted = f': "{comment}"' if comment else ""
            yield Signal(
                scorer=self.name,
                dimension=Dimension.ASSURANCE
                if item.kind is not FeedbackKind.CES
                else Dimension.TANGIBLES,
                value=feedback_value(item),
                weight=float(opts["weight"]) * factor * decay,
                confidence=1.0,
                explanation=f"{who} {_WORDS[item.kind](item)} on "
                f"{_day(item.at, ctx.as_of)}{quoted}.",
                evidence=(item.id,),
                at=item.at,
            )


# -- communication ----------------------------------------------------------------------

#: What a finding of each built-in check says about the team's messages.
_CHECK_PHRASES: Mapping[str, str] = {
    "undefined-term": "used terms the customer may not know without explaining them",
    "acknowledgement": "did not acknowledge the customer's concern",
    "negative-language": "used blaming or negative wording",
    "unconfirmed-critical-point": "raised a critical point without asking for confirmation",
    "readability": "were hard to read",
    "personalization": "lacked a personal greeting or sign-off",
}
_SEVERITY_WEIGHT: Mapping[Severity, float] = {
    Severity.INFO: 0.25,
    Severity.WARNING: 1.0,
    Severity.ERROR: 2.0,
}


class CommunicationScorer:
    """Findings of the message checks on the team's outbound messages.

    Runs every enabled check on the team's recent messages (``ctx.check``, cached per
    message) and turns each check that found something into a signal: the share of
    messages it flagged, weighted by severity (info 0.25, warning 1, error 2) and by
    recency.  ``dimensions`` maps a check's name to the dimension it bears on (no
    acknowledgement is about empathy; other checks default to communication).  When the
    checks find nothing of warning severity in ``min_clean`` messages or more, a small
    positive signal says so.
    """

    name = "communication"
    description = "Findings of the message checks on the team's messages to the customer."
    defaults: ClassVar[dict[str, Any]] = {
        "weight": 1.0,
        "max_messages": 10,
        "half_life_days": 60.0,
        "penalty": 1.0,
        "clean_value": 0.2,
        "min_clean": 3,
        "dimensions": {
            "acknowledgement": "empathy",
            "negative-language": "empathy",
            "personalization": "empathy",
            "unconfirmed-critical-point": "assurance",
        },
    }

    def score(self, account: Account, ctx: ScoreContext[Any]) -> Iterator[Signal]:
        """One signal per check with findings, or one for a clean record."""
        opts = ctx.options
        outbound = [m for m in account.timeline() if not m.inbound and m.text.strip()]
        outbound = outbound[-int(opts["max_messages"]) :] if int(opts["max_messages"]) else []
        if not outbound:
            return
        half_life = float(opts["half_life_days"])
        weights = [science.decay(_days(ctx.as_of, m.at), half_life) for m in outbound]
        total = sum(weights)
        per_check: dict[str, dict[str, Any]] = {}
        worst_overall = 0
        for message, weight in zip(outbound, weights, strict=True):
            report = ctx.check(message)
            worst: dict[str, Severity] = {}
            for finding in report.findings:
                current = worst.get(finding.check)
                if current is None or finding.severity.rank > current.rank:
                    worst[finding.check] = finding.severity
                entry = per_check.setdefault(
                    finding.check, {"sum": 0.0, "ids": [], "example": finding.message}
                )
                entry["example"] = finding.message  # the latest one
            for check_name, severity in worst.items():
                entry = per_check[check_name]
                entry["sum"] += weight * _SEVERITY_WEIGHT[severity]
                entry["ids"].append(message.id)
                worst_overall = max(worst_overall, severity.rank)
        confidence = 1.0 - math.exp(-len(outbound) / 3.0)
        dimensions: Mapping[str, Any] = opts["dimensions"]
        for check_name, entry in sorted(per_check.items()):
            rate = entry["sum"] / total if total > 0 else 0.0
            value = -min(1.0, rate * float(opts["penalty"]))
            if value == 0.0:
                continue
            ids: list[str] = entry["ids"]
            phrase = _CHECK_PHRASES.get(check_name)
            example = " ".join(str(entry["example"]).split())
            example = example if len(example) <= 90 else example[:89] + "\u2026"
            if phrase is None:
                phrase = f"had {check_name!r} findings"
            sentence = (
                f"{len(ids)} of our {_plural(len(outbound), 'message')} to the customer "
                f"{phrase} (latest: {example.rstrip('.')})."
            )
            yield Signal(
                scorer=self.name,
                dimension=_dimension(dimensions.get(check_name)),
                value=value,
                weight=float(opts["weight"]),
                confidence=confidence,
                explanation=sentence,
                evidence=tuple(ids),
                at=max(m.at for m in outbound if m.id in set(ids)),
            )
        if worst_overall < Severity.WARNING.rank and len(outbound) >= int(opts["min_clean"]):
            yield Signal(
                scorer=self.name,
                dimension=Dimension.COMMUNICATION,
                value=float(opts["clean_value"]),
                weight=float(opts["weight"]),
                confidence=confidence,
                explanation=(
                    f"Our last {_plural(len(outbound), 'message')} to the customer had no "
                    "warnings from the message checks."
                ),
                evidence=tuple(m.id for m in outbound[-3:]),
                at=outbound[-1].at,
            )


def _dimension(value: object) -> Dimension:
    try:
        return Dimension(str(value))
    except ValueError:
        return Dimension.COMMUNICATION


# -- confirmation -----------------------------------------------------------------------


class ConfirmationScorer:
    """Critical expectations the customer never confirmed.

    A critical point (a commitment, a changed date, a decision) that the customer never
    confirmed is a misunderstanding waiting to surface.  Each unconfirmed critical
    expectation is a loss, larger when its due date is within ``urgent_days`` or past;
    each confirmed one a small gain.
    """

    name = "confirmation"
    description = "Critical expectations or decisions the customer never confirmed."
    defaults: ClassVar[dict[str, Any]] = {
        "weight": 1.0,
        "unconfirmed_value": -0.5,
        "urgent_value": -0.8,
        "confirmed_value": 0.2,
        "urgent_days": 14.0,
    }

    def score(self, account: Account, ctx: ScoreContext[Any]) -> Iterator[Signal]:
        """One signal per critical expectation."""
        opts = ctx.options
        for expectation in account.expectations:
            if not expectation.critical:
                continue
            label = _label(expectation)
            weight = float(opts["weight"]) * (0.5 + expectation.importance)
            holder = (
                _who(account, expectation.stakeholder)
                if expectation.stakeholder
                else "the customer"
            )
            if expectation.confirmed_at is not None:
                yield Signal(
                    scorer=self.name,
                    dimension=Dimension.ASSURANCE,
                    value=float(opts["confirmed_value"]),
                    weight=weight * 0.5,
                    confidence=1.0,
                    explanation=(
                        f"{label} (critical) was confirmed by {holder} on "
                        f"{_day(expectation.confirmed_at, ctx.as_of)}."
                    ),
                    evidence=(expectation.id,),
                    at=expectation.confirmed_at,
                )
                continue
            value = float(opts["unconfirmed_value"])
            sentence = f"{label} is critical and was never confirmed by {holder}"
            due = expectation.due
            if due is not None:
                left = _days(due, ctx.as_of)
                if left < 0:
                    value = float(opts["urgent_value"])
                    sentence += f", though it was due on {_day(due, ctx.as_of)}"
                elif left <= float(opts["urgent_days"]):
                    value = float(opts["urgent_value"])
                    sentence += f", and it is due on {_day(due, ctx.as_of)}"
            yield Signal(
                scorer=self.name,
                dimension=Dimension.ASSURANCE,
                value=science.clamp(value),
                weight=weight,
                confidence=0.9,
                explanation=sentence + ".",
                evidence=(expectation.id,),
                at=None,
            )


# -- recovery ---------------------------------------------------------------------------

_ACKNOWLEDGES = re.compile(
    r"\b(?:sorry|apolog\w*|you(?:'re| are) right|i understand|we understand|"
    r"i hear you|thank(?:s| you) for (?:flagging|raising|letting|reporting|your patience)|"
    r"my (?:fault|mistake)|our (?:fault|mistake)|we missed|that's on us|that is on us|"
    r"frustrating for you|i can see)\b",
    re.IGNORECASE,
)
_FIXES = re.compile(
    r"\b(?:fix(?:ed)?|resolved|solved|deployed|restored|patch(?:ed)?|workaround|"
    r"will (?:send|have|deliver|fix|call|ship|update)|i'll|we'll|by \d|today|tomorrow|"
    r"here is|here's|attached|preview|rolled back|corrected)\b",
    re.IGNORECASE,
)


class RecoveryScorer:
    """Service failures and how they were answered.

    A failure is a customer message at or below ``failure_threshold`` (VADER compound),
    a complaint or an escalation.  A failure answered within ``fast_hours`` (default:
    the adequate response time) with an acknowledgement and a concrete fix is
    recovered, and a recovered failure can leave the customer better disposed than no
    failure at all (the service recovery paradox: McCollough, Berry & Yadav 2000; Smith,
    Bolton & Wagner 1999).  One unanswered, slow, or unacknowledged failure is a loss.
    A positive next message from the customer confirms the recovery.  Only the latest
    ``max_episodes`` failures are judged; older ones have faded.
    """

    name = "recovery"
    description = "Failures answered fast with acknowledgement and a fix, scored as recovered."
    defaults: ClassVar[dict[str, Any]] = {
        "weight": 1.0,
        "failure_threshold": -0.25,
        "fast_hours": 0.0,
        "recovered_value": 0.6,
        "failed_value": -0.6,
        "unanswered_value": -0.8,
        "confirmed_bonus": 0.3,
        "acknowledgement_check": "acknowledgement",
        "half_life_days": 90.0,
        "max_episodes": 10,
    }

    def score(self, account: Account, ctx: ScoreContext[Any]) -> Iterator[Signal]:
        """One signal per failure episode that has been answered or is overdue."""
        opts = ctx.options
        fast = float(opts["fast_hours"])
        if fast <= 0:
            fast = expected_response_hours(account, 24.0, 4.0)[0]
        threshold = float(opts["failure_threshold"])
        timeline = account.timeline()
        failures: list[tuple[datetime, str, str, Interaction | None, str]] = [
            (m.at, m.id, m.author, m, "negative message")
            for m in timeline
            if m.inbound and m.text.strip() and compound(m.text) <= threshold
        ]
        failures += [
            (f.at, f.id, f.author, None, f.kind.value)
            for f in account.feedback
            if f.kind in (FeedbackKind.COMPLAINT, FeedbackKind.ESCALATION)
        ]
        failures.sort(key=lambda item: item[0])
        outbound = [m for m in timeline if not m.inbound]
        inbound = [m for m in timeline if m.inbound]
        handled_until: datetime | None = None
        episodes: list[tuple[tuple[datetime, str, str, str], Interaction | None]] = []
        for at, record_id, author, message, what in failures:
            if handled_until is not None and at <= handled_until:
                continue  # part of an episode already being answered
            reply = self._reply(outbound, at, message)
            handled_until = reply.at if reply is not None else ctx.as_of
            episodes.append(((at, record_id, author, what), reply))
        # Old episodes have faded; judging only the latest bounds the work per account.
        for episode, reply in episodes[-int(opts["max_episodes"]) :]:
            signal = self._signal(account, ctx, episode, reply, inbound, fast)
            if signal is not None:
                yield signal

    @staticmethod
    def _reply(
        outbound: Sequence[Interaction], at: datetime, message: Interaction | None
    ) -> Interaction | None:
        if message is not None:
            explicit = next((o for o in outbound if o.in_reply_to == message.id), None)
            if explicit is not None:
                return explicit
        return next((o for o in outbound if o.at >= at), None)

    def _signal(
        self,
        account: Account,
        ctx: ScoreContext[Any],
        episode: tuple[datetime, str, str, str],
        reply: Interaction | None,
        inbound: Sequence[Interaction],
        fast: float,
    ) -> Signal | None:
        opts = ctx.options
        at, record_id, author, what = episode
        who = _possessive(_who(account, author, role=False))
        when = _day(at, ctx.as_of)
        decay = science.decay(_days(ctx.as_of, at), float(opts["half_life_days"]))
        weight = float(opts["weight"]) * decay
        if reply is None:
            waited = (ctx.as_of - at).total_seconds() / _HOUR
            if waited <= fast:
                return None
            return Signal(
                scorer=self.name,
                dimension=Dimension.EMPATHY,
                value=float(opts["unanswered_value"]),
                weight=weight,
                confidence=1.0,
                explanation=_cap(
                    f"{who} {what} of {when} has had no answer from us in {_duration(waited)}."
                ),
                evidence=(record_id,),
                at=at,
            )
        hours = (reply.at - at).total_seconds() / _HOUR
        quick = hours <= fast
        text = reply.text[:4000]
        acknowledged = bool(_ACKNOWLEDGES.search(text))
        check_name = str(opts["acknowledgement_check"])
        if acknowledged and check_name:
            findings = ctx.check(reply).findings
            acknowledged = not any(f.check == check_name for f in findings)
        fixed = bool(_FIXES.search(text))
        after = next((m for m in inbound if m.at > reply.at and m.text.strip()), None)
        reaction = compound(after.text) if after is not None else 0.0
        parts = [quick, acknowledged, fixed]
        low, high = float(opts["failed_value"]), float(opts["recovered_value"])
        value = low + (high - low) * sum(parts) / len(parts)
        if reaction >= _POSITIVE:
            value += float(opts["confirmed_bonus"])
        elif reaction <= _NEGATIVE:
            value -= float(opts["confirmed_bonus"])
        missing = [
            word
            for ok, word in (
                (acknowledged, "an acknowledgement"),
                (fixed, "a concrete fix or date"),
            )
            if not ok
        ]
        sentence = f"{who} {what} of {when} was answered in {_duration(hours)}"
        if not quick:
            sentence += f" (slower than {_duration(fast)})"
        sentence += (
            " without " + " or ".join(missing) if missing else " with an acknowledgement and a fix"
        )
        if reaction >= _POSITIVE and after is not None:
            sentence += "; the customer's next message was positive"
        elif reaction <= _NEGATIVE and after is not None:
            sentence += "; the customer's next message was still negative"
        evidence = (record_id, reply.id) + ((after.id,) if after is not None else ())
        return Signal(
            scorer=self.name,
            dimension=Dimension.EMPATHY,
            value=science.clamp(value),
            weight=weight,
            confidence=1.0 if after is not None else 0.8,
            explanation=_cap(sentence) + ".",
            evidence=evidence,
            at=reply.at,
        )


# -- silence ----------------------------------------------------------------------------


class SilenceScorer:
    """A silent account drifts: no contact for longer than ``days``.

    Without contact, the customer's last impressions fade (the engine shrinks old
    evidence towards neutral) and nothing new replaces them; a relationship left alone
    is read as neglect.  The loss grows linearly from 0 at ``days`` of silence to
    ``max_loss`` at twice that.
    """

    name = "silence"
    description = "No contact with the customer for longer than N days."
    defaults: ClassVar[dict[str, Any]] = {"weight": 1.0, "days": 21.0, "max_loss": 0.6}

    def score(self, account: Account, ctx: ScoreContext[Any]) -> Iterator[Signal]:
        """One signal when the last contact is older than ``days``."""
        opts = ctx.options
        if not account.interactions:
            return
        last = max(account.interactions, key=lambda i: i.at)
        silent = _days(ctx.as_of, last.at)
        limit = max(float(opts["days"]), 1e-6)
        if silent <= limit:
            return
        loss = float(opts["max_loss"]) * min(1.0, (silent - limit) / limit)
        yield Signal(
            scorer=self.name,
            dimension=Dimension.EMPATHY,
            value=science.clamp(-loss),
            weight=float(opts["weight"]),
            confidence=1.0,
            explanation=(
                f"No contact with the customer for {_plural(math.floor(silent), 'day')} "
                f"(since {_day(last.at, ctx.as_of)})."
            ),
            evidence=(last.id,),
            at=last.at,
        )


#: The built-in scorers, in the order they run.
BUILTIN_SCORERS: tuple[type[Any], ...] = (
    DisconfirmationScorer,
    ResponsivenessScorer,
    SentimentScorer,
    VoiceScorer,
    CommunicationScorer,
    ConfirmationScorer,
    RecoveryScorer,
    SilenceScorer,
)


@hookimpl
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the built-in scorers."""
    for cls in BUILTIN_SCORERS:
        register(cls())
