"""The ``recover-negative`` policy: answer a negative customer message, in time and warmly.

An inbound message whose VADER compound sentiment (Hutto & Gilbert 2014) is at most
``negative_threshold`` calls for recovery when no reply acknowledging it (an apology, thanks,
understanding: ``acknowledgement_phrases``) came within the response window: the adequate
level of the account's responsiveness expectation, else ``response_hours``.  It fires when the
message was not answered once the window passed, when it was answered in time without
acknowledgement, and when it was first answered after the window; all three under one key,
the message's.

It rests on service-recovery research: a failure answered quickly, with acknowledgement and an
account of what will be done, can leave satisfaction as high as if nothing had failed, while a
slow or cold answer compounds the failure (Tax, Brown & Chandrashekaran 1998; Smith, Bolton &
Wagner 1999).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

import attrs

from perception.builtin.policies._common import (
    AT_RISK,
    day,
    key,
    replies,
    response_window,
    who,
)
from perception.context import PolicyContext
from perception.hookspecs import Policy, hookimpl
from perception.model import Account, Direction, Interaction, Seniority
from perception.options import at_least, between, option
from perception.outcome import FollowUp, PerceivedOutcome, Priority
from perception.text import message as shared_message

__all__ = ["RecoverNegativePolicy", "perception_register_policies"]


@functools.lru_cache(maxsize=64)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Any of *phrases* but the blank ones, at the start of a word, case-insensitively
    (built once per set of phrases)."""
    alternatives = "|".join(re.escape(p.strip()) for p in phrases if p.strip())
    return re.compile(rf"\b(?:{alternatives})", re.IGNORECASE)


@attrs.frozen(kw_only=True)
class _Miss:
    """How the team failed to recover a message: by when it should have, and what happened."""

    deadline: datetime
    answered: bool
    situation: str
    evidence: tuple[str, ...]


def _miss(
    message: Interaction,
    outbound: Sequence[Interaction],
    window: timedelta,
    acknowledgement: re.Pattern[str],
    as_of: datetime,
) -> _Miss | None:
    """The miss, or None when a reply acknowledged *message* in time or the window is open."""
    deadline = message.at + window
    answers = [r for r in replies(outbound, message) if r.at <= as_of]
    in_time = [r for r in answers if r.at <= deadline]
    if any(acknowledgement.search(r.text) for r in in_time):
        return None
    if not answers and as_of < deadline:
        return None  # still within the window: nothing has failed yet
    if in_time:
        first = in_time[0]
        situation = f"was answered on {day(first.at)} without acknowledging it"
        evidence = (message.id, first.id)
        return _Miss(deadline=deadline, answered=True, situation=situation, evidence=evidence)
    if answers:
        situation = f"was first answered on {day(answers[0].at)}, after the window"
        evidence = (message.id, answers[0].id)
        return _Miss(deadline=deadline, answered=True, situation=situation, evidence=evidence)
    return _Miss(
        deadline=deadline,
        answered=False,
        situation="has not been answered",
        evidence=(message.id,),
    )


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

    @attrs.frozen(kw_only=True)
    class Options:
        """Options of the ``recover-negative`` policy."""

        negative_threshold: float = option(
            -0.3,
            "compound sentiment at or below which a message is negative (-1 to 1)",
            validator=between(-1, 1),
        )
        response_hours: float = option(
            24.0,
            "response window when the account has no responsiveness expectation",
            validator=at_least(0),
        )
        lookback_days: float = option(30.0, "older messages are left alone", validator=at_least(0))
        acknowledgement_phrases: tuple[str, ...] = option(
            (
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
            ),
            "what counts as acknowledging (matched at the start of a word, in any case)",
        )

    def followups(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        ctx: PolicyContext[RecoverNegativePolicy.Options],
    ) -> Iterator[FollowUp]:
        """One follow-up per negative inbound message that was not recovered in time."""
        threshold = ctx.options.negative_threshold
        window = response_window(account, ctx.options.response_hours)
        lookback = timedelta(days=ctx.options.lookback_days)
        acknowledgement = _phrase_pattern(ctx.options.acknowledgement_phrases)
        outbound = [i for i in account.timeline() if i.direction is Direction.OUTBOUND]
        for message in account.interactions:
            if not message.inbound or ctx.as_of - message.at > lookback:
                continue
            miss = _miss(message, outbound, window, acknowledgement, ctx.as_of)
            if miss is None:
                continue
            if shared_message(message.text).sentiment.compound > threshold:
                continue  # checked last: sentiment is the costly part
            yield self._followup(account, outcome, message, miss, window)

    def _followup(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        message: Interaction,
        miss: _Miss,
        window: timedelta,
    ) -> FollowUp:
        """The recovery follow-up for *message*."""
        person = account.customer.stakeholder(message.author)
        executive = person is not None and person.seniority is Seniority.EXECUTIVE
        urgent = executive or not miss.answered or outcome.band in AT_RISK
        hours = window.total_seconds() / 3600
        return FollowUp(
            policy=self.name,
            key=key(self.name, account, message.id),
            account=account.id,
            due=miss.deadline,
            action=(
                f"Reply to {who(account, message.author)}: acknowledge the problem, "
                "say what you will do and by when."
            ),
            reason=(
                f"A negative message of {day(message.at)}"
                f"{' (' + message.subject[:60] + ')' if message.subject else ''} "
                f"{miss.situation}; the customer expects an answer within {hours:g} hours."
            ),
            priority=Priority.URGENT if urgent else Priority.HIGH,
            evidence=miss.evidence,
        )

    def resolution(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        followup: FollowUp,
        ctx: PolicyContext[RecoverNegativePolicy.Options],
    ) -> str | None:
        """Kept open until somebody closes it: a recovery that was missed stays missed
        (a late reply is a miss too).  Resolved only when the message is gone."""
        message = account.interaction(followup.evidence[0] if followup.evidence else None)
        if message is None:
            return "The message is no longer in the account's records."
        return None


@hookimpl
def perception_register_policies(register: Callable[[Policy], None]) -> None:
    """Register the ``recover-negative`` policy."""
    register(RecoverNegativePolicy())
