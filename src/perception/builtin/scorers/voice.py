"""The ``voice`` scorer: stated feedback, the customer's own word.

Surveys (CSAT, NPS, CES), complaints, praise, escalations, renewals and churn, one signal
each, valued by :attr:`~perception.model.Feedback.signed_value`.  Stated feedback
outweighs inference (its ``weight`` is 3, against 1 for inferred signals), an executive's
word counts three times a user's (``executive_factor``) and a manager's one and a half
times (``manager_factor``), and older feedback fades with a half-life.  Calibration
predicts each stated outcome from the evidence before it: the customer's earlier word
counts there, the outcome being predicted never does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import ClassVar

import attrs

from perception import science
from perception.builtin.scorers._common import date_words, days_between
from perception.context import ScoreContext
from perception.hookspecs import EvidenceKind, Scorer, hookimpl
from perception.model import Account, Dimension, Feedback, FeedbackKind, Seniority
from perception.options import at_least, option
from perception.outcome import Signal

__all__ = ["VoiceScorer", "feedback_value", "perception_register_scorers"]


def feedback_value(item: Feedback) -> float:
    """Stated feedback as a value in [-1, 1] (:attr:`Feedback.signed_value`)."""
    return item.signed_value


def _out_of(item: Feedback) -> str:
    """``4/5``, or ``8/10`` on a stated 0-10 scale (``3 on 1-7`` when it starts at 1
    and is not the usual scale)."""
    low, high = item.range
    return f"{item.value:g}/{high:g}" if low in (0, 1) else f"{item.value:g} on {low:g}-{high:g}"


_WORDS: Mapping[FeedbackKind, Callable[[Feedback], str]] = {
    FeedbackKind.CSAT: lambda f: f"gave a CSAT of {_out_of(f)}",
    FeedbackKind.NPS: lambda f: f"gave an NPS answer of {f.value:g}/10",
    FeedbackKind.CES: lambda f: f"rated effort {_out_of(f)}",
    FeedbackKind.ESCALATION: lambda f: "escalated",
    FeedbackKind.COMPLAINT: lambda f: "complained",
    FeedbackKind.PRAISE: lambda f: "praised the team",
    FeedbackKind.RENEWAL: lambda f: "renewed",
    FeedbackKind.CHURN: lambda f: "left (churned)",
}


class VoiceScorer:
    """Stated feedback: the customer's own word (surveys, complaints, praise, escalations).

    Each item becomes one signal, weighted by the author's seniority and faded by age;
    see :mod:`perception.builtin.scorers.voice`.
    """

    name = "voice"
    description = "Surveys, complaints, praise and escalations: the customer's own word."
    #: Base weight of stated feedback, three times an inferred signal's; the ``[weights]``
    #: entry ``voice`` replaces it.
    weight: ClassVar[float] = 3.0
    #: The customer's own word: never a predictor in calibration, never a cause.
    evidence_kind: ClassVar[EvidenceKind] = EvidenceKind.STATED

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.voice]``."""

        half_life_days: float = option(
            90.0, "age at which an item's weight halves (0: no fading)", validator=at_least(0)
        )
        executive_factor: float = option(
            3.0, "weight multiplier of an executive's feedback", validator=at_least(0)
        )
        manager_factor: float = option(
            1.5, "weight multiplier of a manager's feedback", validator=at_least(0)
        )

    def score(self, account: Account, ctx: ScoreContext[VoiceScorer.Options]) -> Iterator[Signal]:
        """One signal per feedback item."""
        opts = ctx.options
        half_life = opts.half_life_days
        factors = {
            Seniority.EXECUTIVE: opts.executive_factor,
            Seniority.MANAGER: opts.manager_factor,
        }
        for item in account.feedback:
            person = account.customer.stakeholder(item.author)
            seniority = person.seniority if person is not None else None
            factor = factors.get(seniority, 1.0) if seniority is not None else 1.0
            decay = science.decay(days_between(ctx.as_of, item.at), half_life)
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
                weight=factor * decay,
                confidence=1.0,
                explanation=f"{who} {_WORDS[item.kind](item)} on "
                f"{date_words(item.at, ctx.as_of)}{quoted}.",
                evidence=(item.id,),
                at=item.at,
            )


@hookimpl
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the ``voice`` scorer."""
    register(VoiceScorer())
