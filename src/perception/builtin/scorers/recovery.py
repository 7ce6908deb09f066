"""The ``recovery`` scorer: service failures and how they were answered.

A failure is a customer message at or below ``failure_threshold`` (VADER compound), a
complaint or an escalation.  A failure answered within ``fast_hours`` (default: the
adequate response time) with an acknowledgement and a concrete fix is recovered, and a
recovered failure can leave the customer better disposed than no failure at all (the
service recovery paradox: McCollough, Berry & Yadav 2000).  What customers judge is the
justice of the response: its speed, an acknowledgement of the problem, and a concrete fix
(Smith, Bolton & Wagner 1999; Tax, Brown & Chandrashekaran 1998), so the three parts count
equally.  One unanswered, slow, or unacknowledged failure is a loss.  A positive next
message from the customer confirms the recovery.  Messages that arrive while a failure is
still being answered belong to the same episode.  Only the latest ``max_episodes`` failures
are judged; older ones have faded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import ClassVar

import attrs

from perception import science
from perception.builtin.scorers._common import (
    HOUR,
    NEGATIVE,
    POSITIVE,
    capitalized,
    compound,
    date_words,
    days_between,
    duration_words,
    expected_response_hours,
    possessive,
    who,
)
from perception.context import ScoreContext
from perception.hookspecs import EvidenceKind, Scorer, hookimpl
from perception.model import Account, Dimension, FeedbackKind, Interaction
from perception.options import at_least, between, option
from perception.outcome import Signal

__all__ = ["RecoveryScorer", "perception_register_scorers"]

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

#: ``(when, record id, author, customer message or None, what it was)``.
_Failure = tuple[datetime, str, str, Interaction | None, str]
#: ``(when, record id, author, what it was)``: the failure an episode starts with.
_Episode = tuple[datetime, str, str, str]


class RecoveryScorer:
    """Service failures and how they were answered.

    One signal per failure episode that was answered or is overdue: fast, acknowledged
    and fixed is recovered (the service recovery paradox); see
    :mod:`perception.builtin.scorers.recovery`.
    """

    name = "recovery"
    description = "Failures answered fast with acknowledgement and a fix, scored as recovered."
    #: Base weight of its signals, times age; the ``[weights]`` entry ``recovery``
    #: replaces it.
    weight: ClassVar[float] = 1.0
    #: Inferred from behaviour and messages.
    evidence_kind: ClassVar[EvidenceKind] = EvidenceKind.INFERRED

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.recovery]``."""

        failure_threshold: float = option(
            -0.25,
            "VADER compound at or below which a message is a failure",
            validator=between(-1, 1),
        )
        fast_hours: float = option(
            0.0, "a fast answer; 0 uses the adequate response time", validator=at_least(0)
        )
        recovered_value: float = option(
            0.6, "value when fast, acknowledged and fixed", validator=between(-1, 1)
        )
        failed_value: float = option(-0.6, "value when none of the three", validator=between(-1, 1))
        unanswered_value: float = option(
            -0.8,
            "value of a failure left unanswered past `fast_hours`",
            validator=between(-1, 1),
        )
        confirmed_bonus: float = option(
            0.3,
            "added when the customer's next message is positive, taken off when negative",
            validator=at_least(0),
        )
        acknowledgement_check: str = option(
            "acknowledgement",
            "a check whose finding on the answer means it did not acknowledge; empty to skip",
        )
        half_life_days: float = option(
            90.0,
            "age at which an episode's weight halves (0: no fading)",
            validator=at_least(0),
        )
        max_episodes: int = option(10, "most recent episodes judged", validator=at_least(1))

    def score(
        self, account: Account, ctx: ScoreContext[RecoveryScorer.Options]
    ) -> Iterator[Signal]:
        """One signal per failure episode that has been answered or is overdue."""
        opts = ctx.options
        fast = opts.fast_hours
        if fast <= 0:
            fast = expected_response_hours(account, 24.0, 4.0)[0]
        timeline = account.timeline()
        failures = _failures(account, timeline, opts.failure_threshold)
        outbound = [m for m in timeline if not m.inbound]
        inbound = [m for m in timeline if m.inbound]
        episodes = _episodes(failures, outbound, ctx.as_of)
        # Old episodes have faded; judging only the latest bounds the work per account.
        for episode, reply in episodes[-opts.max_episodes :]:
            signal = self._signal(account, ctx, episode, reply, inbound, fast)
            if signal is not None:
                yield signal

    def _signal(
        self,
        account: Account,
        ctx: ScoreContext[RecoveryScorer.Options],
        episode: _Episode,
        reply: Interaction | None,
        inbound: Sequence[Interaction],
        fast: float,
    ) -> Signal | None:
        """The episode's signal, or ``None`` while an unanswered one is not yet overdue."""
        at = episode[0]
        weight = science.decay(days_between(ctx.as_of, at), ctx.options.half_life_days)
        if reply is None:
            return self._unanswered(account, ctx, episode, weight, fast)
        return self._answered(account, ctx, episode, reply, inbound, weight, fast)

    def _unanswered(
        self,
        account: Account,
        ctx: ScoreContext[RecoveryScorer.Options],
        episode: _Episode,
        weight: float,
        fast: float,
    ) -> Signal | None:
        """A failure with no answer yet: a loss once it has waited longer than *fast*."""
        at, record_id, _, _ = episode
        waited = (ctx.as_of - at).total_seconds() / HOUR
        if waited <= fast:
            return None
        return Signal(
            scorer=self.name,
            dimension=Dimension.EMPATHY,
            value=ctx.options.unanswered_value,
            weight=weight,
            confidence=1.0,
            explanation=capitalized(
                f"{_failure_words(account, ctx, episode)} has had no answer from us in "
                f"{duration_words(waited)}."
            ),
            evidence=(record_id,),
            at=at,
        )

    def _answered(
        self,
        account: Account,
        ctx: ScoreContext[RecoveryScorer.Options],
        episode: _Episode,
        reply: Interaction,
        inbound: Sequence[Interaction],
        weight: float,
        fast: float,
    ) -> Signal:
        """A failure and its answer: fast, acknowledged, fixed; confirmed by what followed."""
        opts = ctx.options
        hours = (reply.at - episode[0]).total_seconds() / HOUR
        quick = hours <= fast
        text = reply.text[:4000]
        acknowledged = _acknowledged(reply, text, ctx)
        fixed = bool(_FIXES.search(text))
        after = next((m for m in inbound if m.at > reply.at and m.text.strip()), None)
        reaction = compound(after.text) if after is not None else 0.0
        parts = [quick, acknowledged, fixed]
        low, high = opts.failed_value, opts.recovered_value
        value = low + (high - low) * sum(parts) / len(parts)
        if reaction >= POSITIVE:
            value += opts.confirmed_bonus
        elif reaction <= NEGATIVE:
            value -= opts.confirmed_bonus
        sentence = (
            f"{_failure_words(account, ctx, episode)} was answered in {duration_words(hours)}"
        )
        if not quick:
            sentence += f" (slower than {duration_words(fast)})"
        sentence += _how(acknowledged, fixed) + _reaction_words(reaction, after)
        evidence = (episode[1], reply.id) + ((after.id,) if after is not None else ())
        return Signal(
            scorer=self.name,
            dimension=Dimension.EMPATHY,
            value=science.clamp(value),
            weight=weight,
            confidence=1.0 if after is not None else 0.8,
            explanation=capitalized(sentence) + ".",
            evidence=evidence,
            at=reply.at,
        )


def _failures(
    account: Account, timeline: Sequence[Interaction], threshold: float
) -> list[_Failure]:
    """Negative customer messages, complaints and escalations, oldest first."""
    failures: list[_Failure] = [
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
    return failures


def _episodes(
    failures: Sequence[_Failure], outbound: Sequence[Interaction], as_of: datetime
) -> list[tuple[_Episode, Interaction | None]]:
    """Each failure that starts an episode, with the team's answer to it (if any).

    A failure that arrives while an earlier one is still waiting for its answer is part of
    that earlier episode.
    """
    handled_until: datetime | None = None
    episodes: list[tuple[_Episode, Interaction | None]] = []
    for at, record_id, author, message, what in failures:
        if handled_until is not None and at <= handled_until:
            continue  # part of an episode already being answered
        reply = _answer(outbound, at, message)
        handled_until = reply.at if reply is not None else as_of
        episodes.append(((at, record_id, author, what), reply))
    return episodes


def _answer(
    outbound: Sequence[Interaction], at: datetime, message: Interaction | None
) -> Interaction | None:
    """The team's answer to a failure: a reply to its message, else the next message."""
    if message is not None:
        explicit = next((o for o in outbound if o.in_reply_to == message.id), None)
        if explicit is not None:
            return explicit
    return next((o for o in outbound if o.at >= at), None)


def _failure_words(
    account: Account, ctx: ScoreContext[RecoveryScorer.Options], episode: _Episode
) -> str:
    """``Dana Whitfield's escalation of 1 March`` (not yet capitalised)."""
    at, _, author, what = episode
    return f"{possessive(who(account, author, role=False))} {what} of {date_words(at, ctx.as_of)}"


def _acknowledged(reply: Interaction, text: str, ctx: ScoreContext[RecoveryScorer.Options]) -> bool:
    """The answer acknowledges the failure, and the acknowledgement check agrees."""
    acknowledged = bool(_ACKNOWLEDGES.search(text))
    check_name = ctx.options.acknowledgement_check
    if acknowledged and check_name:
        findings = ctx.check(reply).findings
        acknowledged = not any(f.check == check_name for f in findings)
    return acknowledged


def _how(acknowledged: bool, fixed: bool) -> str:
    """`` with an acknowledgement and a fix``, or what the answer went without."""
    missing = [
        word
        for ok, word in ((acknowledged, "an acknowledgement"), (fixed, "a concrete fix or date"))
        if not ok
    ]
    return " without " + " or ".join(missing) if missing else " with an acknowledgement and a fix"


def _reaction_words(reaction: float, after: Interaction | None) -> str:
    """What the customer's next message said about the recovery, if anything."""
    if after is None:
        return ""
    if reaction >= POSITIVE:
        return "; the customer's next message was positive"
    if reaction <= NEGATIVE:
        return "; the customer's next message was still negative"
    return ""


@hookimpl
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the ``recovery`` scorer."""
    register(RecoveryScorer())
