"""Pure functions from the science of how perception forms.

Every function here is pure (no I/O, no clock, no randomness), documented and cited, so
that a score can be traced back to a published finding.  The defaults are the published
parameters; each scorer exposes them as options.  The references are listed in full in
``docs/explanation/science.md``.

* :func:`prospect_value` and :func:`felt_value`: the prospect-theory value function
  (Tversky & Kahneman 1992): outcomes are felt relative to a reference point, with
  diminishing sensitivity (``alpha = 0.88``) and losses weighing more than equal gains
  (``loss_aversion = 2.25``).
* :func:`zone_disconfirmation`: expectation-disconfirmation (Oliver 1980) measured
  against a zone of tolerance (Zeithaml, Berry & Parasuraman 1993).
* :func:`peak_end`: an episode is remembered by its most intense moment and its end, not
  its average (Kahneman, Fredrickson, Schreiber & Redelmeier 1993).
* :func:`remembered_encounters`: separate service encounters (replies over weeks) are
  remembered partly by peak and end and partly by their average, as cumulative
  satisfaction is (Anderson, Fornell & Lehmann 1994; Ariely & Zauberman 2000).
* :func:`decay`: older evidence fades with a half-life.
* :func:`response_time_value`: the asymmetric effect of waiting shorter or longer than
  expected (Caruelle, Lervik-Olsen & Gustafsson 2023).
* :func:`zone_value`: the value curve of a level against a zone of tolerance, with the
  adequate level as the reference point, visible gains inside and above the zone, loss
  aversion and diminishing sensitivity on both sides (Tversky & Kahneman 1992; Mittal,
  Ross & Baldasare 1998), bounded by :func:`soft_bound` without flattening in the range
  that matters.
* :func:`lateness_value` and :func:`time_scale`: a due date judged on the promise's own
  time scale, read from the unit the promise is measured in.
* :func:`rating_zone`: the default zone of tolerance of a rating on a stated scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "ALPHA",
    "KNEE",
    "LOSS_AVERSION",
    "TIME_UNITS",
    "clamp",
    "decay",
    "felt_value",
    "lateness_value",
    "peak_end",
    "prospect_value",
    "rating_zone",
    "remembered_encounters",
    "response_time_value",
    "soft_bound",
    "time_scale",
    "weighted_peak_end",
    "zone_disconfirmation",
    "zone_value",
]

#: Diminishing sensitivity of the value function (Tversky & Kahneman 1992, median estimate).
ALPHA = 0.88
#: Loss aversion: a loss weighs this many times an equal gain (Tversky & Kahneman 1992).
LOSS_AVERSION = 2.25


def clamp(value: float, low: float = -1.0, high: float = 1.0) -> float:
    """*value* limited to ``[low, high]``; NaN becomes 0."""
    if math.isnan(value):
        return 0.0
    return max(low, min(high, value))


def prospect_value(
    x: float,
    *,
    alpha: float = ALPHA,
    beta: float | None = None,
    loss_aversion: float = LOSS_AVERSION,
) -> float:
    """The prospect-theory value of an outcome *x* relative to the reference point.

    ``v(x) = x ** alpha`` for gains and ``v(x) = -loss_aversion * (-x) ** beta`` for
    losses (``beta`` defaults to ``alpha``), as estimated by Tversky & Kahneman (1992):
    sensitivity diminishes away from the reference point, and a loss hurts about 2.25
    times as much as an equal gain pleases.

    :param x: the outcome relative to the reference point (0); any real number.
    :return: its subjective value; unbounded, with ``v(0) = 0``.
    """
    beta = alpha if beta is None else beta
    if x >= 0:
        return float(x**alpha)
    return float(-loss_aversion * (-x) ** beta)


def felt_value(
    x: float,
    *,
    alpha: float = ALPHA,
    loss_aversion: float = LOSS_AVERSION,
) -> float:
    """:func:`prospect_value` squashed into ``(-1, 1)`` with ``tanh``, for a :class:`Signal`.

    ``tanh`` keeps the sign, the order and the asymmetry (a loss still moves the value
    more than an equal gain) while bounding the result: a disconfirmation of +1 gives
    about +0.76, one of -1 about -0.98.
    """
    return math.tanh(prospect_value(clamp(x), alpha=alpha, loss_aversion=loss_aversion))


def zone_disconfirmation(
    level: float,
    adequate: float,
    desired: float,
    *,
    higher_is_better: bool = True,
    inside: float = 0.15,
    scale: float | None = None,
) -> float:
    """How far *level* falls below or rises above the zone of tolerance, in ``[-1, 1]``.

    Expectation-disconfirmation (Oliver 1980) says satisfaction follows the gap between
    performance and expectation.  Zeithaml, Berry & Parasuraman (1993) split the
    expectation into an *adequate* level (the least the customer accepts) and a *desired*
    level (what they hope for); between the two lies the zone of tolerance, where
    performance has little effect.  So:

    * below ``adequate``: a loss, growing with the shortfall, reaching -1 at one
      ``scale`` below it;
    * inside the zone: from 0 at ``adequate`` up to ``inside`` at ``desired``;
    * beyond ``desired``: a gain from ``inside`` up to 1 at one ``scale`` beyond it.

    :param level: the performance achieved.
    :param adequate: the adequate level.
    :param desired: the desired level (equal to *adequate* for a point expectation).
    :param higher_is_better: ``False`` for levels such as hours of waiting.
    :param inside: the largest value inside the zone (a small effect), in ``[0, 1]``.
    :param scale: the distance that counts as a full loss or gain (default: the width
        of the zone, or ``|adequate|``, or 1).
    :return: the disconfirmation, negative for a loss, positive for a gain.
    """
    x, low, high, width, unit = _oriented(level, adequate, desired, higher_is_better, scale)
    if x < low:
        return clamp(-(low - x) / unit)
    if x <= high:
        return clamp(inside * (x - low) / width) if width > 0 else inside
    return clamp(inside + (1.0 - inside) * (x - high) / unit)


def _oriented(
    level: float, adequate: float, desired: float, higher_is_better: bool, unit: float | None
) -> tuple[float, float, float, float, float]:
    """``(x, low, high, width, unit)``: the level and the zone turned so that higher is
    better, the zone's width, and the unit of a full loss (default: the width, else
    ``|adequate|``, else 1)."""
    sign = 1.0 if higher_is_better else -1.0
    x, low, high = sign * level, sign * adequate, sign * desired
    if high < low:  # inconsistent zone: treat the better end as desired
        low, high = high, low
    width = high - low
    scale = unit if unit is not None and unit > 0 else width or abs(adequate) or 1.0
    return x, low, high, width, scale


def _intensity(value: float, weight: float, loss_aversion: float) -> float:
    return abs(value) * weight * (loss_aversion if value < 0 else 1.0)


def peak_end(
    values: Sequence[float],
    *,
    peak_weight: float = 0.5,
    end_weight: float = 0.5,
    loss_aversion: float = 1.0,
) -> float:
    """The remembered value of an episode: its most intense moment and its end.

    Kahneman, Fredrickson, Schreiber & Redelmeier (1993) found that people judge an
    episode by the average of its peak (most intense) moment and its final moment,
    neglecting its duration: adding milder moments does not change the memory.  The
    peak is the most intense moment: the value furthest from 0, a negative one counting
    *loss_aversion* times its size (bad moments are felt more strongly than good ones of
    the same size: Tversky & Kahneman 1992; Baumeister et al. 2001); of two equally
    intense moments, the negative.

    :param values: the moments, oldest first, each in ``[-1, 1]``.
    :param peak_weight: weight of the peak.
    :param end_weight: weight of the last moment.
    :param loss_aversion: how much more intense a negative moment is (1: symmetric).
    :return: ``(peak_weight * peak + end_weight * end) / (peak_weight + end_weight)``,
        or 0 for no moments.
    """
    if not values:
        return 0.0
    peak = min(values, key=lambda v: (-_intensity(v, 1.0, loss_aversion), v))
    total = peak_weight + end_weight
    if total <= 0:
        return 0.0
    return clamp((peak_weight * peak + end_weight * values[-1]) / total)


def weighted_peak_end(
    values: Sequence[float],
    weights: Sequence[float],
    *,
    peak_weight: float = 0.5,
    end_weight: float = 0.5,
    loss_aversion: float = 1.0,
) -> tuple[float, int, int]:
    """:func:`peak_end` where each moment's intensity is scaled by a weight (its recency).

    A faded moment can still be the peak only if it was far more intense.  Returns the
    remembered value and the indexes of the peak and the end moment.
    """
    if not values or len(values) != len(weights):
        return 0.0, -1, -1
    peak_index = min(
        range(len(values)),
        key=lambda i: (-_intensity(values[i], weights[i], loss_aversion), values[i]),
    )
    end_index = len(values) - 1
    peak = values[peak_index] * weights[peak_index]
    end = values[end_index] * weights[end_index]
    total = peak_weight + end_weight
    if total <= 0:
        return 0.0, peak_index, end_index
    return clamp((peak_weight * peak + end_weight * end) / total), peak_index, end_index


def remembered_encounters(
    values: Sequence[float],
    weights: Sequence[float],
    *,
    mean_share: float = 0.5,
    loss_aversion: float = 1.0,
) -> tuple[float, int, int]:
    """The remembered value of a series of separate encounters (replies over weeks).

    Peak and end (:func:`weighted_peak_end`) describe how one continuous episode is
    remembered (Kahneman et al. 1993).  Encounters spread over weeks are not one episode:
    breaking an experience into parts weakens the hold of its peak and its trend on the
    overall judgement (Ariely & Zauberman 2000), and overall satisfaction with a service
    is cumulative, an evaluation of every encounter so far (Anderson, Fornell & Lehmann
    1994).  So the remembered value is *mean_share* of the mean of the moments and the rest
    their weighted peak and end, each moment faded by its weight (its recency) in both
    parts: old encounters fade from the mean as they fade from the peak and the end, and one
    moment is remembered as it is by :func:`weighted_peak_end`.

    :param values: the moments, oldest first, each in ``[-1, 1]``.
    :param weights: each moment's weight (its recency), in ``[0, 1]``.
    :param mean_share: the share of the mean, in ``[0, 1]`` (0: peak and end alone).
    :param loss_aversion: as in :func:`weighted_peak_end`.
    :return: the remembered value and the indexes of the peak and the end moment, as
        :func:`weighted_peak_end`; ``(0.0, -1, -1)`` for no moments.
    """
    remembered, peak, end = weighted_peak_end(values, weights, loss_aversion=loss_aversion)
    share = clamp(mean_share, 0.0, 1.0)
    if peak < 0 or share == 0.0:
        return remembered, peak, end
    mean = math.fsum(v * w for v, w in zip(values, weights, strict=True)) / len(values)
    return clamp(share * mean + (1.0 - share) * remembered), peak, end


def decay(age_days: float, half_life_days: float) -> float:
    """Weight of evidence *age_days* old: halves every *half_life_days*.

    Recent experience weighs more than old experience in a customer's judgement; an
    exponential half-life is the simplest model with that property.  A future event
    (negative age) counts fully; a half-life of 0 or less turns decay off.

    :return: a weight in ``(0, 1]``.
    """
    if half_life_days <= 0 or age_days <= 0:
        return 1.0
    return max(math.pow(0.5, age_days / half_life_days), 1e-12)


def response_time_value(
    hours: float,
    *,
    adequate: float,
    desired: float | None = None,
    max_gain: float = 0.6,
    inside: float = 0.15,
    tolerance: float = 3.0,
    steepness: float = 1.5,
) -> float:
    """The value of waiting *hours* for an answer when *adequate* hours were expected.

    Caruelle, Lervik-Olsen & Gustafsson (2023) found the response to waiting asymmetric
    the other way from prospect theory: waiting *shorter* than expected raises
    satisfaction substantially, waiting a *little longer* lowers it only a little, and
    only a wait *much longer* than expected lowers it a lot.  So:

    * at or under ``desired`` (default: ``adequate``): a concave gain from ``inside`` up
      to ``max_gain`` for an instant answer;
    * between ``desired`` and ``adequate``: a small gain falling linearly to 0;
    * over ``adequate``: a loss ``-((hours / adequate - 1) / tolerance) ** steepness``,
      small at first and reaching -1 at ``(1 + tolerance)`` times the adequate wait.

    :param hours: the wait, in hours (or any unit shared with the expectations).
    :param adequate: the longest acceptable wait (> 0).
    :param desired: the hoped-for wait (<= *adequate*).
    :return: the value in ``[-1, max_gain]``; non-increasing in *hours*.
    """
    adequate = max(adequate, 1e-9)
    desired = adequate if desired is None else max(0.0, min(desired, adequate))
    hours = max(0.0, hours)
    if hours > adequate:
        excess = (hours / adequate - 1.0) / max(tolerance, 1e-9)
        return clamp(-(excess**steepness))
    if hours > desired:
        return inside * (adequate - hours) / (adequate - desired)
    if desired <= 0:
        return max_gain
    return inside + (max_gain - inside) * math.sqrt(1.0 - hours / desired)


#: Up to this size a value passes :func:`soft_bound` unchanged.
KNEE = 0.8


def soft_bound(value: float, knee: float = KNEE) -> float:
    """*value* kept inside ``(-1, 1)``, unchanged up to ``|value| = knee``.

    Beyond the knee the excess is compressed hyperbolically, with slope 1 at the knee:
    ``knee + (1 - knee) * d / (d + 1 - knee)`` for an excess ``d``.  The result is
    strictly increasing and never reaches -1 or 1, so two different levels never end up
    with the same value, however far they lie beyond the scale that matters (a
    ``tanh`` would flatten out already at about 2).

    :param value: any real number (NaN becomes 0).
    :param knee: in ``(0, 1)``.
    :return: a value in ``(-1, 1)`` with the sign of *value*.
    """
    if math.isnan(value):
        return 0.0
    size = abs(value)
    if size <= knee:
        return value
    rest = 1.0 - knee
    excess = size - knee
    if math.isinf(excess):
        bounded = 1.0 - 1e-12
    else:
        # knee + rest * excess / (excess + rest), written as 1 - rest² / (excess + rest):
        # the same number, and each step rounds monotonically, so a larger excess never
        # comes out smaller (the first form could, by one unit in the last place).
        bounded = min(1.0 - rest * rest / (excess + rest), 1.0 - 1e-12)
    return math.copysign(bounded, value)


def zone_value(
    level: float,
    adequate: float,
    desired: float,
    *,
    higher_is_better: bool = True,
    unit: float | None = None,
    alpha: float = ALPHA,
    loss_aversion: float = LOSS_AVERSION,
) -> float:
    """The felt value of *level* against the zone of tolerance, in ``(-1, 1)``.

    The *adequate* level, the least the customer accepts, is the reference point
    (Zeithaml, Berry & Parasuraman 1993): at it the value is 0.  Above it lies a gain,
    below it a loss, both felt through the prospect-theory value function (Tversky &
    Kahneman 1992) with diminishing sensitivity (``alpha``) and losses weighing
    ``loss_aversion`` times an equal gain; attribute-level performance affects overall
    satisfaction with exactly this asymmetry and these diminishing returns (Mittal, Ross
    & Baldasare 1998).  Distances are measured in zone widths: the desired level is one
    unit above the reference.  The result is divided by ``loss_aversion``, so that:

    * at ``desired`` the value is ``1 / loss_aversion`` (0.44 with the defaults): the
      customer got what they hoped for, a clear gain (confirmation of expectations
      yields satisfaction: Oliver 1980);
    * inside the zone the gain rises from 0, concavely, to that value;
    * beyond ``desired`` it keeps rising, one *unit* beyond desired counting as one
      more zone width;
    * one *unit* below ``adequate`` is a full loss, -1 (before :func:`soft_bound`).

    A zone of zero width (``adequate == desired``) is a point standard: meeting it is
    the gain at desired, missing it a loss measured in *unit*.

    :param level: the performance achieved.
    :param adequate: the adequate level (the reference point).
    :param desired: the desired level.
    :param higher_is_better: ``False`` for levels such as hours of waiting.
    :param unit: the distance that counts as a full loss below adequate and as one more
        zone width above desired (default: the zone's width, else ``|adequate|``,
        else 1).
    :return: the value; 0 at adequate, increasing in the level (decreasing when lower
        is better).
    """
    x, low, high, width, scale = _oriented(level, adequate, desired, higher_is_better, unit)
    if x >= high:
        units = 1.0 + (x - high) / scale
    elif x >= low:  # inside a zone of positive width
        units = (x - low) / width
    else:
        units = -(low - x) / scale
    felt = prospect_value(units, alpha=alpha, loss_aversion=loss_aversion)
    return soft_bound(felt / loss_aversion) if loss_aversion > 0 else soft_bound(felt)


#: Time units a promise can be measured in, in hours, with the next larger unit (the
#: scale on which lateness in that unit is judged), in hours.
TIME_UNITS: dict[str, tuple[float, float]] = {
    "minute": (1.0 / 60.0, 1.0),
    "hour": (1.0, 24.0),
    "day": (24.0, 24.0 * 7.0),
    "week": (24.0 * 7.0, 24.0 * 365.25 / 12.0),
    "month": (24.0 * 365.25 / 12.0, 24.0 * 365.25),
}

_UNIT_ALIASES: dict[str, str] = {
    "min": "minute",
    "mins": "minute",
    "minute": "minute",
    "minutes": "minute",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "d": "day",
    "day": "day",
    "days": "day",
    "business day": "day",
    "business days": "day",
    "wk": "week",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
}


def time_scale(unit: str) -> tuple[float, float] | None:
    """``(grain, scale)`` in hours of a promise measured in *unit*, or ``None``.

    A promise is judged on its own time scale: a departure is measured in minutes, a
    migration in days, a programme in weeks.  Lateness is felt relative to that scale
    (differences are perceived in proportion to the magnitude they are part of:
    Weber's law), so the *grain* is one of the promise's unit and the *scale*, the
    lateness that counts as a full loss, is one of the next larger unit (60 minutes, a
    day, a week, a month, a year).  This reading of the unit is a modelling choice,
    documented in ``docs/explanation/science.md``, not a published estimate.

    :param unit: ``minutes``, ``hours``, ``days``, ``weeks`` or ``months`` (singular,
        plural and short forms; any case).
    :return: the grain and the scale in hours, or ``None`` for any other unit.
    """
    name = _UNIT_ALIASES.get(" ".join(unit.split()).casefold())
    return TIME_UNITS[name] if name is not None else None


def lateness_value(
    late_hours: float,
    *,
    tolerance_hours: float,
    scale_hours: float,
    hoped_hours: float = 0.0,
    alpha: float = ALPHA,
    loss_aversion: float = LOSS_AVERSION,
) -> float:
    """The felt value of a delivery *late_hours* after its due time (negative: early).

    The due date is a zone of tolerance in time: the desired level is *hoped_hours*
    late (0: on time), the adequate level *tolerance_hours* late.  On time is the gain
    at desired; within the tolerance the gain falls to 0; beyond it a loss grows to a
    full loss at one *scale_hours* past the tolerance (see :func:`zone_value` and
    :func:`time_scale`).  Delivering earlier than hoped adds nothing: keeping a date is a
    must-be attribute, whose absence dissatisfies while exceeding it adds little (Kano,
    Seraku, Takahashi & Tsuji 1984).

    :return: a value in ``(-1, 1)``, non-increasing in *late_hours*, constant at or
        before *hoped_hours*.
    """
    tolerance = max(tolerance_hours, hoped_hours)
    return zone_value(
        max(late_hours, hoped_hours),
        tolerance,
        hoped_hours,
        higher_is_better=False,
        unit=max(scale_hours, 1e-9),
        alpha=alpha,
        loss_aversion=loss_aversion,
    )


def rating_zone(low: float, high: float, *, higher_is_better: bool = True) -> tuple[float, float]:
    """The default zone of tolerance ``(adequate, desired)`` of a rating scale.

    The midpoint of a balanced rating scale is its neutral answer, the least a customer
    calls acceptable; the best end is what they hope for.  So a 1-5 scale gets the zone
    3-5 and a 0-10 scale 5-10 (a modelling choice; give ``adequate`` and ``desired`` to
    state another zone).
    """
    middle = (low + high) / 2.0
    return (middle, high) if higher_is_better else (middle, low)
