"""The ``disconfirmation`` scorer: each expectation against what was delivered.

Late, short, missing, early or beyond: expectation-disconfirmation (Oliver 1980) with a
zone of tolerance (Zeithaml, Berry & Parasuraman 1993), felt through the prospect-theory
value function (Tversky & Kahneman 1992), so a delay hurts more than the same advance
pleases.  A dated expectation is judged on time (the due date is the adequate level,
``scale_days`` late is a full loss); a measured one on level (its deliverable's ``level``
against the expectation's adequate and desired levels).  One signal per expectation,
weighted by importance, criticality and age; implicit expectations count like explicit
ones (``implicit_factor``).  An expectation not yet due, or with nothing delivered and no
date, gives no signal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import ClassVar

import attrs

from perception import science
from perception.builtin.scorers._common import date_words, days_between, label, plural
from perception.context import ScoreContext
from perception.hookspecs import EvidenceKind, Scorer, hookimpl
from perception.model import Account, Better, Deliverable, Expectation, ExpectationKind
from perception.options import at_least, between, option
from perception.outcome import Signal

__all__ = ["DisconfirmationScorer", "perception_register_scorers"]

#: ``(disconfirmation, sentence, evidence, when, accepted)``: one expectation judged.
_Judgement = tuple[float, str, tuple[str, ...], datetime, bool]


class DisconfirmationScorer:
    """Each expectation against what was delivered: late, short, missing, early, beyond.

    Expectation-disconfirmation (Oliver 1980) with a zone of tolerance, felt through the
    prospect-theory value function; see :mod:`perception.builtin.scorers.disconfirmation`.
    One signal per expectation, weighted by importance, criticality and age.
    """

    name = "disconfirmation"
    description = "Each expectation against its deliverables: late, short, missing, early."
    #: Base weight of its signals, times importance, criticality, kind and age; the
    #: ``[weights]`` entry ``disconfirmation`` replaces it.
    weight: ClassVar[float] = 1.0
    #: Judges delivery; the diagnosis names the other scorers as causes.
    evidence_kind: ClassVar[EvidenceKind] = EvidenceKind.DELIVERY

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.disconfirmation]``."""

        critical_factor: float = option(
            1.5, "extra weight of a critical expectation", validator=at_least(0)
        )
        implicit_factor: float = option(
            1.0,
            "weight of an implicit expectation relative to an explicit one",
            validator=at_least(0),
        )
        scale_days: float = option(
            30.0,
            "days late (or early) that count as a full loss (or gain)",
            validator=at_least(0),
        )
        grace_hours: float = option(0.0, "lateness forgiven", validator=at_least(0))
        missing_floor: float = option(
            0.2, "least loss of an overdue, undelivered expectation", validator=between(0, 1)
        )
        half_life_days: float = option(
            180.0,
            "age at which a delivery's weight halves (0: no fading)",
            validator=at_least(0),
        )
        inside: float = option(
            0.15, "largest value inside the zone of tolerance", validator=between(0, 1)
        )
        alpha: float = option(
            science.ALPHA,
            "diminishing sensitivity of the value function",
            validator=between(0, 1),
        )
        loss_aversion: float = option(
            science.LOSS_AVERSION,
            "how much more a loss weighs than an equal gain",
            validator=at_least(0),
        )

    def score(
        self, account: Account, ctx: ScoreContext[DisconfirmationScorer.Options]
    ) -> Iterator[Signal]:
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
            yield Signal(
                scorer=self.name,
                dimension=expectation.dimension,
                value=science.felt_value(x, alpha=opts.alpha, loss_aversion=opts.loss_aversion),
                weight=_weight(expectation, at, ctx),
                confidence=1.0 if accepted else 0.8,
                explanation=sentence,
                evidence=(expectation.id, *evidence),
                at=at,
            )

    def _judge(
        self,
        expectation: Expectation,
        items: list[Deliverable],
        ctx: ScoreContext[DisconfirmationScorer.Options],
    ) -> _Judgement | None:
        """``(disconfirmation, sentence, evidence, when, accepted)`` or ``None``."""
        opts = ctx.options
        scale = max(opts.scale_days, 1e-6)
        delivered = [d for d in items if d.delivered_at is not None]
        due = expectation.due
        if due is not None and (len(delivered) < len(items) or not items):
            return _outstanding(expectation, items, due, ctx.as_of, scale, opts)
        if not delivered:
            return None  # nothing delivered and nothing dated: nothing to judge yet
        return _delivered(expectation, delivered, ctx.as_of, scale, opts)


def _weight(
    expectation: Expectation, at: datetime, ctx: ScoreContext[DisconfirmationScorer.Options]
) -> float:
    """Importance, criticality, kind and age of the evidence (the scorer's own weight is
    applied by the engine)."""
    opts = ctx.options
    weight = expectation.importance
    if expectation.critical:
        weight *= opts.critical_factor
    if expectation.kind is ExpectationKind.IMPLICIT:
        weight *= opts.implicit_factor
    return weight * science.decay(days_between(ctx.as_of, at), opts.half_life_days)


def _outstanding(
    expectation: Expectation,
    items: Sequence[Deliverable],
    due: datetime,
    as_of: datetime,
    scale: float,
    opts: DisconfirmationScorer.Options,
) -> _Judgement | None:
    """A dated expectation with something still to deliver: a loss once it is overdue."""
    if as_of <= due:
        return None  # not due yet
    overdue = days_between(as_of, due)
    x = -max(opts.missing_floor, min(1.0, overdue / scale))
    sentence = (
        f"{label(expectation)} was due on {date_words(due, as_of)} and is still outstanding, "
        f"{plural(max(1, round(overdue)), 'day')} late."
    )
    return x, sentence, tuple(d.id for d in items), due, False


def _delivered(
    expectation: Expectation,
    delivered: Sequence[Deliverable],
    as_of: datetime,
    scale: float,
    opts: DisconfirmationScorer.Options,
) -> _Judgement:
    """Everything delivered: judged on time, on level, or both (the worse loss wins)."""
    when = max(delivered, key=_latest(as_of)).delivered_at
    assert when is not None
    accepted = all(d.accepted_at is not None for d in delivered)
    parts = _parts(expectation, delivered, when, as_of, scale, opts)
    negatives = [p for p, _ in parts if p < 0]
    x = min(negatives) if negatives else sum(p for p, _ in parts) / len(parts)
    sentence = f"{label(expectation)} " + " and ".join(c for _, c in parts) + "."
    if not accepted and x >= 0:
        sentence = sentence[:-1] + ", not yet accepted by the customer."
    return x, sentence, tuple(d.id for d in delivered), when, accepted


def _parts(
    expectation: Expectation,
    delivered: Sequence[Deliverable],
    when: datetime,
    as_of: datetime,
    scale: float,
    opts: DisconfirmationScorer.Options,
) -> list[tuple[float, str]]:
    """``(disconfirmation, clause)`` on time and on level, or a plain delivery."""
    inside = opts.inside
    parts: list[tuple[float, str]] = []
    if expectation.due is not None:
        parts.append(_timeliness(when, expectation.due, as_of, scale, inside, opts))
    zone = expectation.zone
    measured = [d for d in delivered if d.level is not None]
    if zone is not None and measured:
        level = max(measured, key=_latest(as_of)).level
        assert level is not None
        parts.append(_level(expectation, zone, level, inside))
    if not parts:
        parts.append((inside, f"was delivered on {date_words(when, as_of)}"))
    return parts


def _latest(as_of: datetime) -> Callable[[Deliverable], datetime]:
    """Sort key of a deliverable by delivery time (undelivered ones at *as_of*)."""

    def key(item: Deliverable) -> datetime:
        return item.delivered_at or as_of

    return key


def _timeliness(
    when: datetime,
    due: datetime,
    as_of: datetime,
    scale: float,
    inside: float,
    opts: DisconfirmationScorer.Options,
) -> tuple[float, str]:
    """Disconfirmation of a delivery date: the due date is the adequate level."""
    late = days_between(when, due) - opts.grace_hours / 24.0
    value = science.zone_disconfirmation(-late, 0.0, 0.0, inside=inside, scale=scale)
    if late > 0:
        days = plural(max(1, round(late)), "day")
        return value, f"was promised for {date_words(due, as_of)} and delivered {days} late"
    if -late >= 1.0:
        days = plural(round(-late), "day")
        return value, f"was delivered {days} before the {date_words(due, as_of)} deadline"
    return value, f"was delivered on time for {date_words(due, as_of)}"


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


@hookimpl
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the ``disconfirmation`` scorer."""
    register(DisconfirmationScorer())
