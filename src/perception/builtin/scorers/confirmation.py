"""The ``confirmation`` scorer: critical expectations the customer never confirmed.

A critical point (a commitment, a changed date, a decision) that the customer never
confirmed is a misunderstanding waiting to surface: the customer's expectation and the
team's record can drift apart silently, to be found later as a disconfirmation
(expectation-disconfirmation, Oliver 1980).  It bears on assurance, the SERVQUAL dimension
of trust and confidence (Parasuraman, Zeithaml & Berry 1988).  Each unconfirmed
critical expectation is a loss, larger when its due date is within ``urgent_days``; each
confirmed one a small gain, at half weight.  A deliverable the customer accepted counts
as their confirmation (as in the ``confirm-critical`` policy).  Once the due date has
passed, the delivery itself is the evidence: the ``disconfirmation`` scorer judges it
(late, outstanding or on time), and this scorer says nothing more, so that one late item
is not counted twice, as late and as never confirmed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import ClassVar

import attrs

from perception import science
from perception.builtin.scorers._common import date_words, days_between, label, who
from perception.context import ScoreContext
from perception.hookspecs import EvidenceKind, Scorer, hookimpl
from perception.model import Account, Deliverable, Dimension, Expectation
from perception.options import at_least, between, option
from perception.outcome import Signal

__all__ = ["ConfirmationScorer", "perception_register_scorers"]


class ConfirmationScorer:
    """Critical expectations the customer never confirmed.

    One signal per critical expectation: a loss when unconfirmed (larger when due soon
    or already due), a small gain when confirmed; see
    :mod:`perception.builtin.scorers.confirmation`.
    """

    name = "confirmation"
    description = "Critical expectations or decisions the customer never confirmed."
    #: Base weight of its signals, times (0.5 + importance); the ``[weights]`` entry
    #: ``confirmation`` replaces it.
    weight: ClassVar[float] = 1.0
    #: Inferred from behaviour and messages.
    evidence_kind: ClassVar[EvidenceKind] = EvidenceKind.INFERRED

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.confirmation]``."""

        unconfirmed_value: float = option(
            -0.5, "value of an unconfirmed critical point", validator=between(-1, 1)
        )
        urgent_value: float = option(
            -0.8, "value when it is due soon or already due", validator=between(-1, 1)
        )
        confirmed_value: float = option(
            0.2,
            "value of a confirmed critical point (at half weight)",
            validator=between(-1, 1),
        )
        urgent_days: float = option(
            14.0, "days before the due date that make it urgent", validator=at_least(0)
        )

    def score(
        self, account: Account, ctx: ScoreContext[ConfirmationScorer.Options]
    ) -> Iterator[Signal]:
        """One signal per critical expectation."""
        opts = ctx.options
        for expectation in account.expectations:
            if not expectation.critical:
                continue
            weight = 0.5 + expectation.importance
            holder = (
                who(account, expectation.stakeholder) if expectation.stakeholder else "the customer"
            )
            confirmed, how, evidence = _confirmation(account, expectation)
            if confirmed is not None:
                yield Signal(
                    scorer=self.name,
                    dimension=Dimension.ASSURANCE,
                    value=opts.confirmed_value,
                    weight=weight * 0.5,
                    confidence=1.0,
                    explanation=(
                        f"{label(expectation)} (critical) was {how} by {holder} on "
                        f"{date_words(confirmed, ctx.as_of)}."
                    ),
                    evidence=(expectation.id, *evidence),
                    at=confirmed,
                )
                continue
            if expectation.due is not None and expectation.due < ctx.as_of:
                continue  # past due: the delivery is the evidence now (disconfirmation)
            value, sentence = _unconfirmed(expectation, holder, ctx)
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


def _confirmation(
    account: Account, expectation: Expectation
) -> tuple[datetime | None, str, tuple[str, ...]]:
    """When and how the customer confirmed *expectation*: ``(when, words, evidence)``.

    A confirmation in writing (``confirmed_at``), else the first acceptance of one of its
    deliverables; ``(None, "", ())`` when neither happened.
    """
    if expectation.confirmed_at is not None:
        return expectation.confirmed_at, "confirmed", ()
    accepted = [
        d
        for d in account.deliverables_for(expectation.id)
        if d.accepted_at is not None and d.delivered_at is not None
    ]
    if not accepted:
        return None, "", ()
    first = min(accepted, key=_accepted_at)
    return first.accepted_at, "confirmed (accepted the deliverable)", (first.id,)


def _accepted_at(item: Deliverable) -> datetime:
    assert item.accepted_at is not None
    return item.accepted_at


def _unconfirmed(
    expectation: Expectation, holder: str, ctx: ScoreContext[ConfirmationScorer.Options]
) -> tuple[float, str]:
    """The value and sentence (without its full stop) of an unconfirmed critical point."""
    opts = ctx.options
    value = opts.unconfirmed_value
    sentence = f"{label(expectation)} is critical and was never confirmed by {holder}"
    due = expectation.due
    if due is not None:
        left = days_between(due, ctx.as_of)
        if left <= opts.urgent_days:
            value = opts.urgent_value
            sentence += f", and it is due on {date_words(due, ctx.as_of)}"
    return value, sentence


@hookimpl
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the ``confirmation`` scorer."""
    register(ConfirmationScorer())
