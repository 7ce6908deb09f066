"""Built-in scorers."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

from perception.context import ScoreContext
from perception.hookspecs import Scorer, hookimpl
from perception.model import Account, Dimension, Feedback, FeedbackKind, Seniority
from perception.outcome import Signal

__all__ = ["VoiceScorer"]

#: How much more an executive's or a manager's word counts than a user's.
SENIORITY_WEIGHT: Mapping[Seniority | None, float] = {
    Seniority.EXECUTIVE: 3.0,
    Seniority.MANAGER: 1.5,
    Seniority.USER: 1.0,
    None: 1.0,
}


def _feedback_value(item: Feedback) -> float:
    """The feedback as a value in [-1, 1]."""
    value = item.value if item.value is not None else 0.0
    if item.kind is FeedbackKind.CSAT:  # 1..5, 3 is neutral
        return (value - 3.0) / 2.0
    if item.kind is FeedbackKind.NPS:  # 0..10; promoters 9-10, detractors 0-6
        return max(-1.0, min(1.0, (value - 7.5) / 2.5))
    if item.kind is FeedbackKind.CES:  # 1 (easy) .. 7 (hard), 4 is neutral
        return (4.0 - value) / 3.0
    return _FIXED[item.kind]


_FIXED: Mapping[FeedbackKind, float] = {
    FeedbackKind.ESCALATION: -1.0,
    FeedbackKind.COMPLAINT: -0.7,
    FeedbackKind.PRAISE: 0.7,
}

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
    user's, and older feedback fades with a half-life.
    """

    name = "voice"
    description = "Surveys, complaints, praise and escalations: the customer's own word."
    defaults: ClassVar[dict[str, Any]] = {"weight": 3.0, "half_life_days": 90.0}

    def score(self, account: Account, ctx: ScoreContext) -> Iterator[Signal]:
        """One signal per feedback item."""
        half_life = float(ctx.options["half_life_days"])
        for item in account.feedback:
            person = account.customer.stakeholder(item.author)
            seniority = person.seniority if person is not None else None
            age_days = max(0.0, (ctx.as_of - item.at).total_seconds() / 86400.0)
            decay = math.pow(0.5, age_days / half_life) if half_life > 0 else 1.0
            who = (
                f"{person.name} ({person.role or person.seniority.value})"
                if person
                else ("The customer")
            )
            when = item.at.date().isoformat()
            comment = f': "{item.text[:80].rstrip(".")}"' if item.text else ""
            yield Signal(
                scorer=self.name,
                dimension=Dimension.ASSURANCE
                if item.kind is not FeedbackKind.CES
                else Dimension.TANGIBLES,
                value=_feedback_value(item),
                weight=float(ctx.options["weight"]) * SENIORITY_WEIGHT[seniority] * decay,
                confidence=1.0,
                explanation=f"{who} {_WORDS[item.kind](item)} on {when}{comment}.",
                evidence=(item.id,),
                at=item.at,
            )


@hookimpl
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the built-in scorers."""
    register(VoiceScorer())
