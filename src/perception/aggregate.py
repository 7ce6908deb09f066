"""Pure aggregation: signals to a score, a band's confidence, drivers and the diagnosis.

Nothing here calls a plugin, reads a clock or touches a file: :func:`aggregate` and
:func:`diagnose` are functions of their arguments, so the engine, batch paths, reports and
calibration all combine evidence the same way.  The defaults and their reasons are in
``docs/explanation/perception.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from perception import science
from perception.calibration import CalibrationModel
from perception.hookspecs import EvidenceKind
from perception.model import Account, Better, ExpectationKind
from perception.outcome import Band, Driver, Signal

__all__ = ["PRIOR_WEIGHT", "aggregate", "calibrated", "diagnose", "outcome_figures"]

#: How many units of (weight x confidence) of evidence give a confidence of about 63%.
_CONFIDENCE_SCALE = 3.0
#: Neutral pseudo-evidence: old, faded evidence drifts the score towards 50.
PRIOR_WEIGHT = 1.0
#: The newest evidence this many days old halves the freshness part of the confidence.
_FRESHNESS_HALF_LIFE_DAYS = 60.0
#: At most this many drivers are reported.
_MAX_DRIVERS = 3
#: A signal moving the score by less than this many points is not a driver.
_MIN_DRIVER_IMPACT = 0.5
#: A signal value closer to 0 than this has no direction a driver's points could go against.
_NEUTRAL_VALUE = 0.05
#: A signal below this value counts as a cause in the diagnosis.
_CAUSE_VALUE = -0.1


def aggregate(
    signals: Sequence[Signal],
    weights: Mapping[str, float],
    *,
    as_of: datetime | None = None,
    explain: bool = True,
) -> tuple[float, float, dict[Any, float], tuple[Driver, ...]]:
    """Combine signals into ``(score, confidence, dimensions, drivers)``.

    Each signal counts with ``weight x confidence x`` its scorer's weight in *weights*
    (1.0 for a scorer not named there).
    The score maps the weighted mean value from [-1, 1] onto 0-100, with one unit of
    neutral pseudo-evidence in the mean, so that thin or faded evidence drifts towards
    50 (no evidence gives exactly 50).  Each dimension gets the weighted mean of its
    signals.  Confidence grows with the amount of evidence as ``1 - exp(-total / 3)``
    and, when *as_of* is given, shrinks with the age of the newest evidence (down to
    half for very old evidence).  Drivers are the signals that move the score most, with
    their impact in points: each signal's exact share of ``score - 50``; no scorer
    supplies more than one while others could.  With ``explain=False`` no drivers are
    chosen (a calibration chooses its own).
    """
    effective = [s.weight * s.confidence * weights.get(s.scorer, 1.0) for s in signals]
    total = sum(effective)
    if total <= 0:
        return 50.0, 0.0, {}, ()
    denominator = total + PRIOR_WEIGHT
    mean = sum(w * s.value for w, s in zip(effective, signals, strict=True)) / denominator
    score = min(100.0, max(0.0, 50.0 + 50.0 * mean))
    by_dimension: dict[Any, list[float]] = {}
    for w, s in zip(effective, signals, strict=True):
        pair = by_dimension.setdefault(s.dimension, [0.0, 0.0])
        pair[0] += w * s.value
        pair[1] += w
    dimensions = {
        d: max(-1.0, min(1.0, num / den)) for d, (num, den) in by_dimension.items() if den > 0
    }
    confidence = (1.0 - math.exp(-total / _CONFIDENCE_SCALE)) * _freshness(signals, as_of)
    if not explain:
        return score, confidence, dimensions, ()
    impacts = [
        (50.0 * w * s.value / denominator, s) for w, s in zip(effective, signals, strict=True)
    ]
    return score, confidence, dimensions, _drivers(impacts)


def outcome_figures(
    account: Account,
    signals: Sequence[Signal],
    weights: Mapping[str, float],
    *,
    as_of: datetime,
    calibration: CalibrationModel | None = None,
) -> tuple[float, float, dict[Any, float], tuple[Driver, ...], float]:
    """``(score, confidence, dimensions, drivers, baseline)`` of an assessment: the default
    score (:func:`aggregate`; its baseline, with no evidence, is 50), or with a
    *calibration*, the calibrated probability (:func:`calibrated`)."""
    value, confidence, dimensions, drivers = aggregate(
        signals, weights, as_of=as_of, explain=calibration is None
    )
    if calibration is None:
        return value, confidence, dimensions, drivers, 50.0
    value, baseline, drivers = calibrated(account, signals, calibration)
    return value, confidence, dimensions, drivers, baseline


def calibrated(
    account: Account, signals: Sequence[Signal], model: CalibrationModel
) -> tuple[float, float, tuple[Driver, ...]]:
    """``(score, baseline, drivers)`` under a calibration.

    The score is the calibrated probability (in percent) that the customer calls
    themselves satisfied.  The baseline is that probability for the same evidence with
    every value neutral: the base rate with no evidence, plus what the fit learned from
    there being such evidence at all (replies, deliveries, answers;
    :attr:`perception.calibration.Prediction.neutral`), which is context, not a reason to
    name one signal.  Each driver's impact is what its signal's value added, in points of
    probability (:attr:`perception.calibration.Prediction.values`), so that the drivers
    and the rest of the signals' values add up to ``score - baseline``.
    """
    prediction = model.predict(account, signals)
    drivers = _drivers(list(zip(prediction.values, signals, strict=True)))
    return 100.0 * prediction.probability, 100.0 * prediction.neutral, drivers


def _freshness(signals: Sequence[Signal], as_of: datetime | None) -> float:
    """1 for evidence from today, falling to 0.5 as the newest evidence ages."""
    times = [s.at for s in signals if s.at is not None]
    if as_of is None or not times:
        return 1.0
    age = max(0.0, (as_of - max(times)).total_seconds() / 86400.0)
    return 0.5 + 0.5 * science.decay(age, _FRESHNESS_HALF_LIFE_DAYS)


def _drivers(impacts: Sequence[tuple[float, Signal]]) -> tuple[Driver, ...]:
    """The signals that move the score most: the largest share in the direction the
    score moved from its baseline first (the main reason the customer is where they are,
    as reason codes name what most lowered a credit score), then the largest of the other
    scorers, then any; those that moved the score the way it went before the others.

    A signal whose points go against its own value (a negative message adding points,
    fast replies taking them away) is not a driver: under a calibration the points of
    one signal are its share of a fitted model whose features overlap (the default score
    holds every signal's value, and each scorer adds its own terms), so such a share is
    the model correcting itself, true of the sum but false as a reason in words.  It
    still counts in the rest of the evidence.  Under the default score no signal's
    points go against its value.
    """
    ranked = sorted(
        (
            pair
            for pair in impacts
            if abs(pair[0]) >= _MIN_DRIVER_IMPACT and not _against_its_value(*pair)
        ),
        key=lambda pair: -abs(pair[0]),
    )
    moved = sum(impact for impact, _ in impacts)

    def against(pair: tuple[float, Signal]) -> bool:
        return pair[0] * moved <= 0

    # min() keeps the first of equals: the largest in the score's direction, if any.
    chosen = [min(ranked, key=against)] if ranked else []
    scorers = {pair[1].scorer for pair in chosen}
    for pair in ranked:
        if len(chosen) < _MAX_DRIVERS and pair[1].scorer not in scorers:
            chosen.append(pair)
            scorers.add(pair[1].scorer)
    for pair in ranked:
        if len(chosen) < _MAX_DRIVERS and all(pair[1] is not c[1] for c in chosen):
            chosen.append(pair)
    chosen.sort(key=lambda pair: (against(pair), -abs(pair[0])))
    return tuple(
        Driver(
            text=s.explanation,
            dimension=s.dimension,
            impact=round(impact, 2),
            scorer=s.scorer,
            evidence=s.evidence,
        )
        for impact, s in chosen
    )


def _against_its_value(impact: float, signal: Signal) -> bool:
    """Whether *impact* has the opposite sign of a signal value clearly away from 0 (a
    value within ``_NEUTRAL_VALUE`` of 0 says nothing about a direction)."""
    return abs(signal.value) >= _NEUTRAL_VALUE and impact * signal.value < 0


def _explicit_commitments_met(account: Account, as_of: datetime) -> bool:
    """True when the account has explicit commitments and every one due is met.

    Met means: delivered (every deliverable of it), not after its due date, and at or
    above the adequate level when a level was measured.
    """
    judged = 0
    for expectation in account.expectations:
        if expectation.kind is not ExpectationKind.EXPLICIT or expectation.scale is not None:
            continue
        items = account.deliverables_for(expectation.id)
        due = expectation.due
        if not items:
            if due is not None and due <= as_of:
                return False
            continue
        if any(d.delivered_at is None for d in items):
            if due is None or due <= as_of:
                return False
            continue
        judged += 1
        finished = max(d.delivered_at for d in items if d.delivered_at is not None)
        if due is not None and finished > due:
            return False
        zone = expectation.zone
        for item in items:
            if zone is not None and item.level is not None:
                shortfall = science.zone_disconfirmation(
                    item.level,
                    zone[0],
                    zone[1],
                    higher_is_better=expectation.better is Better.HIGHER,
                )
                if shortfall < 0:
                    return False
    return judged > 0


def diagnose(
    account: Account,
    signals: Sequence[Signal],
    band: Band,
    as_of: datetime,
    *,
    kinds: Mapping[str, EvidenceKind] | None = None,
    weights: Mapping[str, float] | None = None,
) -> str | None:
    """ "Delivered but perceived negatively": a sentence naming the implicit causes.

    Returned when every explicit commitment due by *as_of* was delivered on time and to
    level, yet the outcome is at risk or critical; ``None`` otherwise.  The causes are
    the most negative inferred signals outside delivery (slow replies, unexplained
    terms, unconfirmed critical points, unanswered complaints), one per scorer.

    :param kinds: the evidence kind of each scorer (a scorer not named is inferred);
        only inferred scorers are named as causes.
    :param weights: each scorer's weight, as in :func:`aggregate` (1.0 if not named);
        causes are ranked by value x signal weight x scorer weight.
    """
    kinds = kinds or {}
    weights = weights or {}

    def pull(signal: Signal) -> float:
        return signal.value * signal.weight * weights.get(signal.scorer, 1.0)

    if band not in (Band.AT_RISK, Band.CRITICAL):
        return None
    if not _explicit_commitments_met(account, as_of):
        return None
    worst: dict[str, Signal] = {}
    for signal in signals:
        kind = kinds.get(signal.scorer, EvidenceKind.INFERRED)
        if kind is not EvidenceKind.INFERRED or signal.value > _CAUSE_VALUE:
            continue
        current = worst.get(signal.scorer)
        if current is None or pull(signal) < pull(current):
            worst[signal.scorer] = signal
    causes = sorted(worst.values(), key=pull)[:_MAX_DRIVERS]
    head = (
        f"Every explicit commitment was delivered on time, yet the outcome is "
        f"{band.value}. Likely causes, none of them a written commitment:"
    )
    if not causes:
        return head[: head.index(":")] + "; the customer's own feedback is the only sign."
    listed = " ".join(f"({n}) {c.explanation}" for n, c in enumerate(causes, start=1))
    return f"{head} {listed}"
