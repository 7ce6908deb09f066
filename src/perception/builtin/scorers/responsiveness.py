"""The ``responsiveness`` scorer: reply times against the expected response time.

The expected time comes from a responsiveness expectation measured in minutes, hours or
days (its adequate and desired levels), else from ``adequate_hours`` and
``desired_hours``.  Waiting is valued asymmetrically (Caruelle, Lervik-Olsen & Gustafsson
2023): a fast answer pleases a lot, a slightly slow one displeases a little, a much slower
one a lot.  A reply at the desired wait has the value of any expectation met at its desired
level (``desired_value``, 1 / loss aversion: :func:`perception.science.zone_value`), rising
to ``max_gain`` for an instant answer and falling to 0 at the adequate wait.  Answered
messages form one signal: replies spread over weeks are separate encounters, remembered
partly by their worst and their latest wait (peak-end, Kahneman et al. 1993) and partly by
their average, as cumulative satisfaction is (``mean_share``; Anderson, Fornell & Lehmann
1994; Ariely & Zauberman 2000; :func:`perception.science.remembered_encounters`); each
message still unanswered past the adequate time is a signal of its own.  Only messages
that ask for something (a question, a request, a negative tone) need a reply.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar

import attrs

from perception import science
from perception.builtin.scorers._common import (
    HOUR,
    capitalized,
    date_words,
    days_between,
    duration_words,
    expected_response_hours,
    needs_reply,
    plural,
    possessive,
    team_reply,
    who,
)
from perception.context import ScoreContext
from perception.hookspecs import EvidenceKind, Scorer, hookimpl
from perception.model import Account, Dimension, Expectation, Interaction
from perception.options import at_least, between, option
from perception.outcome import Signal

__all__ = ["ResponsivenessScorer", "perception_register_scorers"]

#: ``(customer message, team reply, hours waited)``.
_Answered = tuple[Interaction, Interaction, float]


class ResponsivenessScorer:
    """Reply times to the customer's messages against the expected response time.

    Valued asymmetrically (Caruelle, Lervik-Olsen & Gustafsson 2023) and remembered by
    peak, end and average; see :mod:`perception.builtin.scorers.responsiveness`.  One signal over
    the answered messages, one per message still unanswered past the adequate time.
    """

    name = "responsiveness"
    description = "Reply times to the customer's messages against the expected response time."
    #: Base weight of its signals; the ``[weights]`` entry ``responsiveness`` replaces it.
    weight: ClassVar[float] = 1.0
    #: Inferred from behaviour and messages.
    evidence_kind: ClassVar[EvidenceKind] = EvidenceKind.INFERRED

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.responsiveness]``."""

        unanswered_weight: float = option(
            1.0,
            "weight of each unanswered-message signal, relative to the answered-messages one",
            validator=at_least(0),
        )
        adequate_hours: float = option(
            24.0, "longest acceptable wait, when no expectation says", validator=at_least(0)
        )
        desired_hours: float = option(
            4.0, "hoped-for wait, when no expectation says", validator=at_least(0)
        )
        desired_value: float = option(
            round(1.0 / science.LOSS_AVERSION, 3),
            "value of a reply at the desired wait (as for any expectation met at its desired "
            "level)",
            validator=between(0, 1),
        )
        max_gain: float = option(0.6, "value of an instant answer", validator=between(0, 1))
        tolerance: float = option(
            3.0, "multiples of the adequate wait beyond it that reach -1", validator=at_least(0)
        )
        steepness: float = option(
            1.5, "how sharply a long wait's loss grows", validator=at_least(0)
        )
        half_life_days: float = option(
            60.0, "age at which a reply's intensity halves (0: no fading)", validator=at_least(0)
        )
        mean_share: float = option(
            0.5,
            "share of the replies' average in the remembered wait, the rest peak and end "
            "(0: peak and end alone)",
            validator=between(0, 1),
        )

    def score(
        self, account: Account, ctx: ScoreContext[ResponsivenessScorer.Options]
    ) -> Iterator[Signal]:
        """A signal over answered messages, one per unanswered message."""
        opts = ctx.options
        adequate, desired, source = expected_response_hours(
            account, opts.adequate_hours, opts.desired_hours
        )
        curve: Callable[[float], float] = functools.partial(
            science.response_time_value,
            adequate=adequate,
            desired=desired,
            max_gain=max(opts.max_gain, opts.desired_value),
            inside=opts.desired_value,
            tolerance=opts.tolerance,
            steepness=opts.steepness,
        )
        expected = f"expected within {duration_words(adequate)}"
        timeline = account.timeline()
        answered: list[_Answered] = []
        for index, message in enumerate(timeline):
            if not message.inbound or not needs_reply(message):
                continue
            reply = team_reply(timeline, message, index)
            if reply is not None:
                answered.append((message, reply, (reply.at - message.at).total_seconds() / HOUR))
                continue
            waited = (ctx.as_of - message.at).total_seconds() / HOUR
            if waited <= adequate:
                continue  # still within the expected time
            yield self._unanswered(account, ctx, message, curve(waited), waited, expected, source)
        if answered:
            yield self._answered(account, ctx, answered, curve, adequate, expected, source)

    def _unanswered(
        self,
        account: Account,
        ctx: ScoreContext[ResponsivenessScorer.Options],
        message: Interaction,
        value: float,
        waited: float,
        expected: str,
        source: Expectation | None,
    ) -> Signal:
        """One customer message still waiting past the adequate time."""
        name = possessive(who(account, message.author, role=False))
        return Signal(
            scorer=self.name,
            dimension=Dimension.RESPONSIVENESS,
            value=value,
            weight=ctx.options.unanswered_weight,
            confidence=1.0,
            explanation=capitalized(
                f"{name} message of {date_words(message.at, ctx.as_of)} is still unanswered "
                f"after {duration_words(waited)} ({expected})."
            ),
            evidence=(message.id,) + ((source.id,) if source else ()),
            at=message.at,
        )

    def _answered(
        self,
        account: Account,
        ctx: ScoreContext[ResponsivenessScorer.Options],
        answered: Sequence[_Answered],
        curve: Callable[[float], float],
        adequate: float,
        expected: str,
        source: Expectation | None,
    ) -> Signal:
        """The answered messages as one signal, remembered by their peak, their end and
        their average."""
        opts = ctx.options
        values = [curve(hours) for _, _, hours in answered]
        weights = [
            science.decay(days_between(ctx.as_of, m.at), opts.half_life_days)
            for m, _, _ in answered
        ]
        value, peak, end = science.remembered_encounters(
            values, weights, mean_share=opts.mean_share
        )
        message, reply, _ = answered[peak]
        evidence = [message.id, reply.id]
        if end != peak:
            evidence += [answered[end][0].id, answered[end][1].id]
        if source is not None:
            evidence.append(source.id)
        return Signal(
            scorer=self.name,
            dimension=Dimension.RESPONSIVENESS,
            value=value,
            weight=1.0,
            confidence=1.0 - math.exp(-len(answered) / 2.0),
            explanation=capitalized(
                _episode_sentence(
                    account, ctx, answered, peak, values[peak] < 0, adequate, expected
                )
            ),
            evidence=tuple(evidence),
            at=answered[end][1].at,
        )


def _episode_sentence(
    account: Account,
    ctx: ScoreContext[ResponsivenessScorer.Options],
    answered: Sequence[_Answered],
    peak: int,
    slow_peak: bool,
    adequate: float,
    expected: str,
) -> str:
    """The worst wait when it was too slow, else how fast the replies came.

    The words follow the replies themselves, not only the remembered peak: when a fast
    reply is the most intense moment but another took longer than expected, the sentence
    says so instead of claiming every reply came in time.
    """
    slow = sum(1 for _, _, h in answered if h > adequate)
    if slow_peak:
        message, _, hours = answered[peak]
        name = possessive(who(account, message.author, role=False))
        return (
            f"{name} message of {date_words(message.at, ctx.as_of)} waited "
            f"{duration_words(hours)} for a reply ({expected}); "
            f"{slow} of {len(answered)} replies were slower than that."
        )
    slowest = max(h for _, _, h in answered)
    if slow:
        others = "the other came" if len(answered) - slow == 1 else "the others came"
        return (
            f"{slow} of {plural(len(answered), 'reply')} took longer than the expected "
            f"{duration_words(adequate)} (the slowest {duration_words(slowest)}), only a "
            f"little: {others} in time."
        )
    if len(answered) == 1:
        return (
            f"The one reply came within the expected {duration_words(adequate)} "
            f"(after {duration_words(slowest)})."
        )
    every = "Both replies" if len(answered) == 2 else f"All {plural(len(answered), 'reply')}"
    return (
        f"{every} came within the expected {duration_words(adequate)}; the slowest took "
        f"{duration_words(slowest)}."
    )


@hookimpl
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the ``responsiveness`` scorer."""
    register(ResponsivenessScorer())
