"""The ``sentiment`` scorer: the customer's messages over time, by peak and end.

Each inbound message is scored with VADER (Hutto & Gilbert 2014), read from the shared
message cache; the episode is remembered by its most intense and its latest message
(peak-end, Kahneman et al. 1993), each faded by its age (``half_life_days``), not by the
mean of all messages.  A negative message is ``loss_aversion`` times as intense as a
positive one of the same size when the peak is chosen (Tversky & Kahneman 1992).  The
sentence names a run of negative messages at the end, which is what a customer's next
decision follows most.  Only messages that express a feeling (a compound score beyond
+-0.05) count towards the signal's confidence: a plain business question says nothing
about how the customer feels, so an account whose customer never shows a feeling gets
no sentiment signal, rather than a "neutral" one that would pull its score to the
middle.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar

import attrs

from perception import science
from perception.builtin.scorers._common import (
    NEGATIVE,
    POSITIVE,
    compound,
    date_words,
    days_between,
    possessive,
    who,
)
from perception.context import ScoreContext
from perception.hookspecs import EvidenceKind, Scorer, hookimpl
from perception.model import Account, Dimension, Interaction
from perception.options import at_least, option
from perception.outcome import Signal

__all__ = ["SentimentScorer", "perception_register_scorers"]


class SentimentScorer:
    """The customer's messages over time, remembered by their peak and their end.

    VADER sentiment of each inbound message, peak-end with recency; see
    :mod:`perception.builtin.scorers.sentiment`.  One signal, if any message has text.
    """

    name = "sentiment"
    description = "The customer's messages over time: peak, end and recency, not a mean."
    #: Base weight of its signal; the ``[weights]`` entry ``sentiment`` replaces it.
    weight: ClassVar[float] = 1.5
    #: Inferred from behaviour and messages.
    evidence_kind: ClassVar[EvidenceKind] = EvidenceKind.INFERRED

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.sentiment]``."""

        half_life_days: float = option(
            30.0,
            "age at which a message's intensity halves (0: no fading)",
            validator=at_least(0),
        )
        peak_weight: float = option(
            0.5, "weight of the most intense message", validator=at_least(0)
        )
        end_weight: float = option(0.5, "weight of the latest message", validator=at_least(0))
        loss_aversion: float = option(
            science.LOSS_AVERSION,
            "intensity of a negative message relative to a positive one",
            validator=at_least(0),
        )
        max_messages: int = option(200, "most recent messages considered", validator=at_least(1))

    def score(
        self, account: Account, ctx: ScoreContext[SentimentScorer.Options]
    ) -> Iterator[Signal]:
        """One signal for the customer's messages, if there are any with text."""
        opts = ctx.options
        messages = [m for m in account.timeline() if m.inbound and m.text.strip()]
        messages = messages[-opts.max_messages :]
        if not messages:
            return
        values = [compound(m.text) for m in messages]
        half_life = opts.half_life_days
        weights = [science.decay(days_between(ctx.as_of, m.at), half_life) for m in messages]
        value, peak, end = science.weighted_peak_end(
            values,
            weights,
            peak_weight=opts.peak_weight,
            end_weight=opts.end_weight,
            loss_aversion=opts.loss_aversion,
        )
        last = messages[-1]
        sentence = _end_sentence(account, ctx, last, values)
        if peak != end:
            peak_message = messages[peak]
            tone = "negative" if values[peak] < 0 else "positive"
            sentence += (
                f"; the most {tone} was "
                f"{possessive(who(account, peak_message.author, role=False))} on "
                f"{date_words(peak_message.at, ctx.as_of)}"
            )
        toned = sum(1 for v in values if v >= POSITIVE or v <= NEGATIVE)
        if not toned:
            return  # no message expresses a feeling: no evidence of one either way
        yield Signal(
            scorer=self.name,
            dimension=Dimension.EMPATHY,
            value=value,
            weight=1.0,
            confidence=1.0 - math.exp(-toned / 2.0),
            explanation=sentence + ".",
            evidence=tuple(dict.fromkeys((messages[peak].id, last.id))),
            at=last.at,
        )


def _trailing_negatives(values: Sequence[float]) -> int:
    """How many of the last *values* in a row are negative."""
    trailing = 0
    for v in reversed(values):
        if v > NEGATIVE:
            break
        trailing += 1
    return trailing


def _end_sentence(
    account: Account,
    ctx: ScoreContext[SentimentScorer.Options],
    last: Interaction,
    values: Sequence[float],
) -> str:
    """How the customer's messages end: a run of negative ones, or the last one's tone."""
    trailing = _trailing_negatives(values)
    last_words = f"{who(account, last.author, role=False)}, {date_words(last.at, ctx.as_of)}"
    if trailing >= 2:
        return f"The customer's last {trailing} messages were negative (latest: {last_words})"
    if trailing == 1:
        return f"The customer's last message ({last_words}) was negative"
    if values[-1] >= POSITIVE:
        return f"The customer's last message ({last_words}) was positive"
    return f"The customer's last message ({last_words}) was neutral"


@hookimpl
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the ``sentiment`` scorer."""
    register(SentimentScorer())
