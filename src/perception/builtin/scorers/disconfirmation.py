"""The ``disconfirmation`` scorer: each expectation against what was delivered.

Late, short, missing, on time or beyond: expectation-disconfirmation (Oliver 1980) with a
zone of tolerance (Zeithaml, Berry & Parasuraman 1993), felt through the prospect-theory
value function (Tversky & Kahneman 1992) with the adequate level as the reference point
(:func:`perception.science.zone_value`): the desired level is a clear gain, a shortfall a
loss that weighs ``loss_aversion`` times an equal gain, with diminishing sensitivity on
both sides and no saturation in the range that matters.

* A **rating** (an expectation with a ``scale``) is judged on the customer's rating
  against the zone, by default from the scale's midpoint to its best end; a deliverable
  without a rating is "not applicable" and gives no signal.
* A **dated** expectation is judged on time, on the promise's own time scale: a promise
  measured in minutes is late after minutes, one measured in days after days
  (:func:`perception.science.time_scale`).  The unit is the expectation's ``unit`` when
  it is a time unit, else ``time_unit``; the tolerated lateness is its ``adequate`` (in
  that unit, default one unit), the hoped-for lateness its ``desired`` (default 0).
* A **measured** expectation (``adequate``/``desired`` in another unit) is judged on the
  deliverable's ``level``.

One signal per expectation, weighted by importance, criticality and age; implicit
expectations count like explicit ones (``implicit_factor``).  An expectation not yet
due, or with nothing delivered and no date, gives no signal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import ClassVar

import attrs

from perception import science
from perception.builtin.scorers._common import (
    capitalized,
    date_words,
    days_between,
    duration_words,
    label,
    who,
)
from perception.context import ScoreContext
from perception.hookspecs import EvidenceKind, Scorer, hookimpl
from perception.model import Account, Better, Deliverable, Expectation, ExpectationKind
from perception.options import at_least, between, one_of, option
from perception.outcome import Signal

__all__ = ["DisconfirmationScorer", "perception_register_scorers"]

#: ``(value, sentence, evidence, when, certain)``: one expectation judged.
_Judgement = tuple[float, str, tuple[str, ...], datetime | None, bool]

_TIME_UNITS = ("minutes", "hours", "days", "weeks", "months")


def _time_unit(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    """A validator: a time unit :func:`perception.science.time_scale` knows."""
    if not isinstance(value, str) or science.time_scale(value) is None:
        one_of(_TIME_UNITS)(instance, attribute, value)


@attrs.frozen
class _Clock:
    """How a dated promise is judged: its tolerance, hoped lateness and scale, in hours."""

    tolerance: float
    hoped: float
    scale: float
    grain: float


class DisconfirmationScorer:
    """Each expectation against what was delivered: ratings, dates and measured levels.

    Expectation-disconfirmation (Oliver 1980) with a zone of tolerance, felt through the
    prospect-theory value function; see :mod:`perception.builtin.scorers.disconfirmation`.
    One signal per expectation, weighted by importance, criticality and age.
    """

    name = "disconfirmation"
    description = "Each expectation against its deliverables: ratings, dates and levels."
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
        time_unit: str = option(
            "days",
            "unit of a dated promise whose own unit is not a time unit "
            "(minutes, hours, days, weeks or months)",
            validator=_time_unit,
        )
        grace_hours: float = option(
            0.0, "lateness forgiven on top of each promise's tolerance", validator=at_least(0)
        )
        missing_floor: float = option(
            0.2, "least loss of an overdue, undelivered expectation", validator=between(0, 1)
        )
        half_life_days: float = option(
            180.0,
            "age at which a delivery's weight halves (0: no fading)",
            validator=at_least(0),
        )
        alpha: float = option(
            science.ALPHA,
            "diminishing sensitivity of the value function",
            validator=between(0.01, 1),
        )
        loss_aversion: float = option(
            science.LOSS_AVERSION,
            "how much more a loss weighs than an equal gain",
            validator=at_least(1),
        )

    def score(
        self, account: Account, ctx: ScoreContext[DisconfirmationScorer.Options]
    ) -> Iterator[Signal]:
        """One signal per expectation with something to judge."""
        by_expectation: dict[str, list[Deliverable]] = {}
        for item in account.deliverables:
            by_expectation.setdefault(item.expectation, []).append(item)
        for expectation in account.expectations:
            items = by_expectation.get(expectation.id, [])
            judged = _judge(account, expectation, items, ctx)
            if judged is None:
                continue
            value, sentence, evidence, at, certain = judged
            yield Signal(
                scorer=self.name,
                dimension=expectation.dimension,
                value=value,
                weight=_weight(expectation, at, ctx),
                confidence=1.0 if certain else 0.8,
                explanation=sentence,
                evidence=(expectation.id, *evidence),
                at=at,
            )


def _judge(
    account: Account,
    expectation: Expectation,
    items: list[Deliverable],
    ctx: ScoreContext[DisconfirmationScorer.Options],
) -> _Judgement | None:
    """``(value, sentence, evidence, when, certain)`` or ``None``."""
    if expectation.scale is not None:
        rated = _rated(account, expectation, items, ctx)
        if rated is not None or expectation.due is None:
            return rated
    delivered = [d for d in items if d.delivered_at is not None]
    due = expectation.due
    if due is not None and (len(delivered) < len(items) or not items):
        return _outstanding(expectation, items, due, ctx)
    if not delivered:
        return None  # nothing delivered and nothing dated: nothing to judge yet
    return _delivered(expectation, delivered, ctx)


def _weight(
    expectation: Expectation,
    at: datetime | None,
    ctx: ScoreContext[DisconfirmationScorer.Options],
) -> float:
    """Importance, criticality, kind and age of the evidence (the scorer's own weight is
    applied by the engine)."""
    opts = ctx.options
    weight = expectation.importance
    if expectation.critical:
        weight *= opts.critical_factor
    if expectation.kind is ExpectationKind.IMPLICIT:
        weight *= opts.implicit_factor
    if at is None:
        return weight
    return weight * science.decay(days_between(ctx.as_of, at), opts.half_life_days)


def _value(
    ctx: ScoreContext[DisconfirmationScorer.Options],
    level: float,
    zone: tuple[float, float],
    *,
    higher: bool = True,
) -> float:
    """:func:`perception.science.zone_value` with the scorer's options."""
    opts = ctx.options
    return science.zone_value(
        level,
        zone[0],
        zone[1],
        higher_is_better=higher,
        alpha=opts.alpha,
        loss_aversion=opts.loss_aversion,
    )


def _clock(expectation: Expectation, ctx: ScoreContext[DisconfirmationScorer.Options]) -> _Clock:
    """The promise's own time scale (its unit, else ``time_unit``) and its tolerance."""
    opts = ctx.options
    own = science.time_scale(expectation.unit) if expectation.unit.strip() else None
    grain, scale = own or science.time_scale(opts.time_unit) or science.TIME_UNITS["day"]
    tolerance = grain
    hoped = 0.0
    if own is not None:
        if expectation.adequate is not None:
            tolerance = max(0.0, expectation.adequate * grain)
        if expectation.desired is not None:
            hoped = min(tolerance, expectation.desired * grain)
    return _Clock(tolerance=tolerance + opts.grace_hours, hoped=hoped, scale=scale, grain=grain)


def _lateness(
    late_hours: float, clock: _Clock, ctx: ScoreContext[DisconfirmationScorer.Options]
) -> float:
    opts = ctx.options
    return science.lateness_value(
        late_hours,
        tolerance_hours=clock.tolerance,
        scale_hours=clock.scale,
        hoped_hours=clock.hoped,
        alpha=opts.alpha,
        loss_aversion=opts.loss_aversion,
    )


def _due_words(due: datetime, clock: _Clock, as_of: datetime) -> str:
    """``1 March``, or ``14:35 on 1 March`` for a promise measured in minutes or hours."""
    if clock.grain < 24.0:
        return f"{due:%H:%M} on {date_words(due, as_of)}"
    return date_words(due, as_of)


def _late_words(hours: float, clock: _Clock) -> str:
    """How late, in the promise's own grain: ``35 minutes``, ``5 hours``, ``3 days``."""
    if clock.grain >= 24.0:
        days = max(1, round(hours / 24.0))
        return f"{days} day{'s' if days != 1 else ''}"
    return duration_words(hours)


def _outstanding(
    expectation: Expectation,
    items: Sequence[Deliverable],
    due: datetime,
    ctx: ScoreContext[DisconfirmationScorer.Options],
) -> _Judgement | None:
    """A dated expectation with something still to deliver: a loss once it is overdue."""
    as_of = ctx.as_of
    if as_of <= due:
        return None  # not due yet
    clock = _clock(expectation, ctx)
    overdue = (as_of - due).total_seconds() / 3600.0
    value = min(_lateness(overdue, clock, ctx), -ctx.options.missing_floor)
    sentence = (
        f"{label(expectation)} was due {_at(clock)}{_due_words(due, clock, as_of)} and is "
        f"still outstanding, {_late_words(overdue, clock)} late."
    )
    return value, sentence, tuple(d.id for d in items), due, False


def _at(clock: _Clock) -> str:
    return "at " if clock.grain < 24.0 else "on "


def _delivered(
    expectation: Expectation,
    delivered: Sequence[Deliverable],
    ctx: ScoreContext[DisconfirmationScorer.Options],
) -> _Judgement:
    """Everything delivered: judged on time, on level, or both (the worse loss wins)."""
    as_of = ctx.as_of
    when = max(delivered, key=_latest(as_of)).delivered_at
    assert when is not None
    accepted = all(d.accepted_at is not None for d in delivered)
    parts = _parts(expectation, delivered, when, ctx)
    negatives = [p for p, _ in parts if p < 0]
    value = min(negatives) if negatives else sum(p for p, _ in parts) / len(parts)
    sentence = f"{label(expectation)} " + " and ".join(c for _, c in parts) + "."
    if not accepted and value >= 0:
        sentence = sentence[:-1] + ", not yet accepted by the customer."
    return value, sentence, tuple(d.id for d in delivered), when, accepted


def _parts(
    expectation: Expectation,
    delivered: Sequence[Deliverable],
    when: datetime,
    ctx: ScoreContext[DisconfirmationScorer.Options],
) -> list[tuple[float, str]]:
    """``(value, clause)`` on time and on level, or a plain delivery."""
    parts: list[tuple[float, str]] = []
    clock = _clock(expectation, ctx)
    timed = science.time_scale(expectation.unit) is not None
    if expectation.due is not None:
        parts.append(_timeliness(when, expectation.due, clock, ctx))
    zone = expectation.zone
    measured = [d for d in delivered if d.level is not None]
    if zone is not None and measured and not (timed and expectation.due is not None):
        level = max(measured, key=_latest(ctx.as_of)).level
        assert level is not None
        parts.append(_level(expectation, zone, level, ctx))
    if not parts:
        # Delivered, with no date or level to judge it by: the expectation was met.
        met = _value(ctx, 1.0, (0.0, 1.0))
        parts.append((met, f"was delivered on {date_words(when, ctx.as_of)}"))
    return parts


def _latest(as_of: datetime) -> Callable[[Deliverable], datetime]:
    """Sort key of a deliverable by delivery time (undelivered ones at *as_of*)."""

    def key(item: Deliverable) -> datetime:
        return item.delivered_at or as_of

    return key


def _timeliness(
    when: datetime,
    due: datetime,
    clock: _Clock,
    ctx: ScoreContext[DisconfirmationScorer.Options],
) -> tuple[float, str]:
    """The value of a delivery time against the due time, on the promise's time scale."""
    late = (when - due).total_seconds() / 3600.0
    value = _lateness(late, clock, ctx)
    as_of = ctx.as_of
    due_text = _due_words(due, clock, as_of)
    if late > clock.hoped and late > 0:
        clause = f"was promised for {due_text} and delivered {_late_words(late, clock)} late"
        if late <= clock.tolerance:
            clause += f" (within the tolerated {_late_words(clock.tolerance, clock)})"
        return value, clause
    if -late >= clock.grain:
        early = _late_words(-late, clock)
        return value, f"was delivered {early} before the {due_text} deadline"
    return value, f"was delivered on time for {due_text}"


def _level(
    expectation: Expectation,
    zone: tuple[float, float],
    level: float,
    ctx: ScoreContext[DisconfirmationScorer.Options],
) -> tuple[float, str]:
    """The value of a measured level against the zone of tolerance."""
    higher = expectation.better is Better.HIGHER
    value = _value(ctx, level, zone, higher=higher)
    unit = f" {expectation.unit}" if expectation.unit else ""
    return value, f"reached {level:g}{unit}, {_where(value, level, zone, higher, unit)}"


def _where(value: float, level: float, zone: tuple[float, float], higher: bool, unit: str) -> str:
    """Where *level* lies against the zone, in words."""
    adequate, desired = zone
    if value < 0:
        return f"below the adequate {adequate:g}{unit}"
    better = level > desired if higher else level < desired
    if better:
        return f"beyond the desired {desired:g}{unit}"
    if level == desired:
        return f"at the desired {desired:g}{unit}"
    if level == adequate:
        return f"at the adequate {adequate:g}{unit}, no better"
    return f"within the expected {adequate:g} to {desired:g}{unit}"


def _rated(
    account: Account,
    expectation: Expectation,
    items: Sequence[Deliverable],
    ctx: ScoreContext[DisconfirmationScorer.Options],
) -> _Judgement | None:
    """A rating on a stated scale; ``None`` when nothing was rated (not applicable)."""
    rated = [d for d in items if d.level is not None]
    if not rated:
        return None
    latest = max(rated, key=_latest(ctx.as_of))
    level = latest.level
    zone = expectation.zone
    assert level is not None
    assert zone is not None
    assert expectation.scale is not None
    higher = expectation.better is Better.HIGHER
    value = _value(ctx, level, zone, higher=higher)
    rater = who(account, expectation.stakeholder, role=False)
    best = expectation.scale[1] if higher else expectation.scale[0]
    sentence = (
        f"{rater} rated {_subject(expectation)} {level:g} of {best:g}, "
        f"{_where(value, level, zone, higher, '')}."
    )
    return value, capitalized(sentence), (latest.id,), latest.delivered_at, True


def _subject(expectation: Expectation) -> str:
    """The expectation's description as the object of a sentence: ``seat comfort``
    (an initial capital is lowered unless the word looks like an acronym)."""
    text = label(expectation)
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


@hookimpl
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the ``disconfirmation`` scorer."""
    register(DisconfirmationScorer())
