"""The ``answer-question`` policy: a customer's question must not wait past the expected time.

An inbound message that asks something (a sentence with a question mark, or one that opens
with a request such as "could you" or "please let me know": ``request_phrases``) and that no
message of the team answered within the response window (the adequate level of the account's
responsiveness expectation, else ``response_hours``) gets a follow-up due when the window
closed: answer it.  A reply names the question in ``in_reply_to``, or is the first later
message of the team that names no other message.  The key names the message; the follow-up
is resolved once a reply is on record.

A negative message (VADER compound at most ``negative_threshold``) is left to
``recover-negative``, whose reply acknowledges the problem and answers it in one message: the
two policies do not both ask for a reply to one message.

A wait a little longer than expected costs little, but one much longer than expected costs a
lot (Caruelle, Lervik-Olsen & Gustafsson 2023, see ``docs/explanation/science.md``); a
question left unanswered is the extreme case.  The request phrases and the default window are
practice defaults, not measured values.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from datetime import timedelta

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

__all__ = ["AnswerQuestionPolicy", "perception_register_policies"]

#: Characters of the question quoted in the action.
_QUOTE = 80


@functools.lru_cache(maxsize=64)
def _request_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of *phrases* but the blank ones at the start of a sentence, case-insensitively
    (``None`` when there is none)."""
    alternatives = "|".join(re.escape(p.strip()) for p in phrases if p.strip())
    if not alternatives:
        return None
    return re.compile(rf"(?:{alternatives})\b", re.IGNORECASE)


def question_in(text: str, requests: re.Pattern[str] | None) -> str | None:
    """The first sentence of *text* that asks something, on one line, or ``None``."""
    if "?" not in text and requests is None:
        return None
    analysed = shared_message(text)
    for where in analysed.sentences:
        sentence = " ".join(analysed.slice(where).split())
        if "?" in sentence or (requests is not None and requests.match(sentence)):
            return sentence
    return None


def _quote(sentence: str) -> str:
    return sentence if len(sentence) <= _QUOTE else sentence[: _QUOTE - 3] + "..."


class AnswerQuestionPolicy:
    """A question from the customer that no reply answered within the response window.

    A question is a sentence with a question mark, or one that opens with one of
    ``request_phrases``.  The window is the adequate level of the account's responsiveness
    expectation, else ``response_hours``; the follow-up is due when it closed.  Questions
    older than ``lookback_days`` are left alone, and so are negative messages (compound at
    most ``negative_threshold``), which ``recover-negative`` answers.  Urgent when an
    executive asked or the outcome is at risk or critical, else high.
    """

    name = "answer-question"
    description = "A customer's question unanswered past the expected response time: answer it."

    @attrs.frozen(kw_only=True)
    class Options:
        """Options of the ``answer-question`` policy."""

        response_hours: float = option(
            24.0,
            "response window when the account has no responsiveness expectation",
            validator=at_least(0),
        )
        lookback_days: float = option(30.0, "older questions are left alone", validator=at_least(0))
        negative_threshold: float = option(
            -0.3,
            "messages at or below this compound sentiment are left to recover-negative "
            "(-1: answer every question here)",
            validator=between(-1, 1),
        )
        request_phrases: tuple[str, ...] = option(
            (
                "could you",
                "can you",
                "would you",
                "will you",
                "please let me know",
                "please let us know",
                "let me know",
                "let us know",
                "please advise",
                "please confirm",
                "please send",
                "please explain",
                "when will",
                "when can",
                "is there any update",
                "any update",
                "i would like to know",
                "we would like to know",
            ),
            "sentences opening with these ask something too (matched in any case)",
        )

    def followups(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        ctx: PolicyContext[AnswerQuestionPolicy.Options],
    ) -> Iterator[FollowUp]:
        """One follow-up per question left unanswered past the response window."""
        opts = ctx.options
        window = response_window(account, opts.response_hours)
        lookback = timedelta(days=opts.lookback_days)
        requests = _request_pattern(opts.request_phrases)
        outbound = [i for i in account.timeline() if i.direction is Direction.OUTBOUND]
        for message in account.interactions:
            if not message.inbound or ctx.as_of - message.at > lookback:
                continue
            if message.at + window > ctx.as_of:
                continue  # still within the window
            if any(r.at <= ctx.as_of for r in replies(outbound, message)):
                continue
            question = question_in(message.text, requests)
            if question is None:
                continue
            if shared_message(message.text).sentiment.compound <= opts.negative_threshold:
                continue  # recover-negative's: its reply answers the question too
            yield self._followup(account, outcome, message, question, window)

    def _followup(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        message: Interaction,
        question: str,
        window: timedelta,
    ) -> FollowUp:
        person = account.customer.stakeholder(message.author)
        executive = person is not None and person.seniority is Seniority.EXECUTIVE
        urgent = executive or outcome.band in AT_RISK
        asker = who(account, message.author)
        hours = window.total_seconds() / 3600
        return FollowUp(
            policy=self.name,
            key=key(self.name, account, message.id),
            account=account.id,
            due=message.at + window,
            action=f"Answer {asker}'s question: '{_quote(question)}'",
            reason=(
                f"{asker} asked on {day(message.at)} and has had no answer; the customer "
                f"expects one within {hours:g} hours."
            ),
            priority=Priority.URGENT if urgent else Priority.HIGH,
            evidence=(message.id,),
        )

    def resolution(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        followup: FollowUp,
        ctx: PolicyContext[AnswerQuestionPolicy.Options],
    ) -> str | None:
        """Resolved once a reply is on record; kept open otherwise (a question that grew
        older than the lookback is still unanswered)."""
        message = account.interaction(followup.evidence[0] if followup.evidence else None)
        if message is None:
            return "The question is no longer in the account's records."
        outbound = [i for i in account.timeline() if i.direction is Direction.OUTBOUND]
        answers = [r for r in replies(outbound, message) if r.at <= ctx.as_of]
        if not answers:
            return None
        return f"The question of {day(message.at)} was answered on {day(answers[0].at)}."


@hookimpl
def perception_register_policies(register: Callable[[Policy], None]) -> None:
    """Register the ``answer-question`` policy."""
    register(AnswerQuestionPolicy())
