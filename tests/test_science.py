"""Properties of the pure science functions."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perception import science

unit = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False)
positive = st.floats(min_value=1e-3, max_value=1.0, allow_nan=False)
hours = st.floats(min_value=0.0, max_value=10_000.0, allow_nan=False)
moments = st.lists(unit, min_size=1, max_size=20)


def test_prospect_value_published_parameters():
    assert science.prospect_value(0.0) == 0.0
    assert science.prospect_value(1.0) == pytest.approx(1.0)
    assert science.prospect_value(-1.0) == pytest.approx(-2.25)
    assert science.prospect_value(0.5) == pytest.approx(0.5**0.88)


@settings(max_examples=60)
@given(positive)
def test_loss_hurts_more_than_equal_gain(x):
    assert -science.prospect_value(-x) > science.prospect_value(x)
    assert -science.felt_value(-x) > science.felt_value(x)


@settings(max_examples=60)
@given(unit, unit)
def test_value_functions_are_monotonic_and_felt_value_bounded(a, b):
    low, high = sorted((a, b))
    assert science.prospect_value(low) <= science.prospect_value(high)
    assert science.felt_value(low) <= science.felt_value(high)
    assert -1.0 <= science.felt_value(a) <= 1.0


@settings(max_examples=60)
@given(positive)
def test_diminishing_sensitivity(x):
    # Concave for gains: the second half of a gain adds less than the first.
    half = science.prospect_value(x / 2)
    assert science.prospect_value(x) - half <= half + 1e-12


@settings(max_examples=80)
@given(
    st.floats(min_value=-100, max_value=100, allow_nan=False),
    st.floats(min_value=-100, max_value=100, allow_nan=False),
    st.floats(min_value=0, max_value=50, allow_nan=False),
)
def test_zone_disconfirmation_bounded_and_monotonic(level, adequate, width):
    desired = adequate + width
    value = science.zone_disconfirmation(level, adequate, desired)
    assert -1.0 <= value <= 1.0
    assert science.zone_disconfirmation(level + 1.0, adequate, desired) >= value
    # Lower-is-better mirrors higher-is-better.
    mirrored = science.zone_disconfirmation(-level, -adequate, -desired, higher_is_better=False)
    assert mirrored == pytest.approx(value)


def test_zone_regions():
    assert science.zone_disconfirmation(90, 95, 99) < 0
    inside = science.zone_disconfirmation(97, 95, 99, inside=0.15)
    assert 0 <= inside <= 0.15
    assert science.zone_disconfirmation(100, 95, 99) > 0.15
    assert science.zone_disconfirmation(95, 95, 99) == 0.0
    # Hours of waiting: lower is better.
    assert science.zone_disconfirmation(30, 24, 4, higher_is_better=False) < 0
    assert science.zone_disconfirmation(2, 24, 4, higher_is_better=False) > 0.15


@settings(max_examples=80)
@given(moments)
def test_peak_end_is_bounded_by_the_moments(values):
    remembered = science.peak_end(values)
    assert min(values) - 1e-9 <= remembered <= max(values) + 1e-9


@settings(max_examples=60)
@given(moments, st.integers(min_value=1, max_value=10))
def test_peak_end_neglects_duration(values, extra):
    # Adding milder moments before the end does not change the memory.
    peak = max(abs(v) for v in values)
    mild = [v / 2 for v in values[:-1] if abs(v) < peak] or [0.0]
    longer = values[:-1] + mild * extra + values[-1:]
    assert science.peak_end(longer) == pytest.approx(science.peak_end(values))


def test_peak_end_is_not_the_mean():
    values = [0.5, 0.5, 0.5, -0.9, 0.5, 0.5, -0.3]
    assert science.peak_end(values) == pytest.approx((-0.9 - 0.3) / 2)
    assert science.peak_end(values) < sum(values) / len(values)
    assert science.peak_end([]) == 0.0


def test_weighted_peak_end_fades_old_peaks():
    value, peak, end = science.weighted_peak_end([-0.9, 0.4], [0.1, 1.0])
    assert peak == 1  # the faded -0.9 is less intense than the fresh 0.4
    assert end == 1
    assert value == pytest.approx(0.4)


@settings(max_examples=60)
@given(
    st.floats(min_value=0, max_value=1000, allow_nan=False),
    st.floats(min_value=0, max_value=1000, allow_nan=False),
    st.floats(min_value=0.1, max_value=365, allow_nan=False),
)
def test_decay_halves_and_falls(a, b, half_life):
    younger, older = sorted((a, b))
    assert 0 < science.decay(older, half_life) <= science.decay(younger, half_life) <= 1
    assert science.decay(half_life, half_life) == pytest.approx(0.5)
    assert science.decay(-5, half_life) == 1.0


@settings(max_examples=80)
@given(hours, hours, st.floats(min_value=0.5, max_value=200, allow_nan=False))
def test_response_time_monotonic_and_bounded(a, b, adequate):
    fast, slow = sorted((a, b))
    v_fast = science.response_time_value(fast, adequate=adequate, desired=adequate / 4)
    v_slow = science.response_time_value(slow, adequate=adequate, desired=adequate / 4)
    assert v_fast >= v_slow - 1e-12
    assert -1.0 <= v_slow <= 0.6


def test_response_time_asymmetry():
    """Faster than expected helps a lot; a little slower hurts a little; much slower a lot."""
    expected = 24.0
    faster = science.response_time_value(12.0, adequate=expected)
    little_slower = science.response_time_value(36.0, adequate=expected)
    much_slower = science.response_time_value(96.0, adequate=expected)
    assert faster > abs(little_slower)  # the opposite of loss aversion
    assert abs(much_slower) > 3 * abs(little_slower)
    assert science.response_time_value(1000.0, adequate=expected) == -1.0
    assert science.response_time_value(0.0, adequate=expected) == pytest.approx(0.6)


def test_clamp_handles_nan():
    assert science.clamp(math.nan) == 0.0
    assert science.clamp(5.0) == 1.0
    assert science.clamp(-5.0) == -1.0


def test_loss_aversion_makes_a_negative_moment_the_peak():
    values = [0.9, -0.5, 0.2]
    assert science.peak_end(values) == pytest.approx((0.9 + 0.2) / 2)
    assert science.peak_end(values, loss_aversion=2.25) == pytest.approx((-0.5 + 0.2) / 2)
    value, peak, _ = science.weighted_peak_end(values, [1, 1, 1], loss_aversion=2.25)
    assert peak == 1
    assert value == pytest.approx((-0.5 + 0.2) / 2)


weights_of_moments = st.lists(
    st.floats(min_value=1e-3, max_value=1.0, allow_nan=False), min_size=1, max_size=20
)


def weighted_mean(values, weights):
    """The mean of the moments, each faded by its weight (as the peak and the end are)."""
    return sum(v * w for v, w in zip(values, weights, strict=True)) / len(values)


@settings(max_examples=80)
@given(moments, weights_of_moments, st.floats(min_value=0.0, max_value=1.0, allow_nan=False))
def test_remembered_encounters_lie_between_peak_end_and_the_mean(values, raw, share):
    weights = (raw * len(values))[: len(values)]
    value, peak, end = science.remembered_encounters(values, weights, mean_share=share)
    remembered, peak_alone, end_alone = science.weighted_peak_end(values, weights)
    mean = weighted_mean(values, weights)
    assert (peak, end) == (peak_alone, end_alone)
    assert min(remembered, mean) - 1e-12 <= value <= max(remembered, mean) + 1e-12
    assert -1.0 <= value <= 1.0


@settings(max_examples=60)
@given(moments, weights_of_moments)
def test_remembered_encounters_at_the_ends_of_the_share(values, raw):
    weights = (raw * len(values))[: len(values)]
    mean = weighted_mean(values, weights)
    alone = science.weighted_peak_end(values, weights)
    assert science.remembered_encounters(values, weights, mean_share=0.0) == alone
    assert science.remembered_encounters(values, weights, mean_share=1.0)[0] == pytest.approx(mean)


def test_remembered_encounters_count_the_other_replies_too():
    # One slow reply among seven fast ones, not the last: peak and end alone remember
    # the slow one and the last fast one; the average of every encounter lifts that.
    values = [0.5, 0.5, 0.5, -0.6, 0.5, 0.5, 0.5, 0.5]
    weights = [1.0] * len(values)
    alone, _, _ = science.weighted_peak_end(values, weights)
    value, peak, end = science.remembered_encounters(values, weights)
    assert (peak, end) == (3, 7)
    assert alone == pytest.approx((-0.6 + 0.5) / 2)
    assert value == pytest.approx(0.5 * alone + 0.5 * (0.5 * 7 - 0.6) / 8)
    assert value > alone
    assert science.remembered_encounters([], []) == (0.0, -1, -1)


@settings(max_examples=60)
@given(st.floats(min_value=-1.0, max_value=1.0, allow_nan=False), st.floats(0.0, 1.0))
def test_one_encounter_is_remembered_as_its_faded_value(value, weight):
    # Old encounters fade from the mean as from the peak and the end: one reply is
    # remembered as weighted_peak_end remembers it, whatever the share of the mean.
    alone = science.weighted_peak_end([value], [weight])
    for share in (0.0, 0.5, 1.0):
        assert science.remembered_encounters([value], [weight], mean_share=share)[0] == (
            pytest.approx(alone[0])
        )


def test_old_encounters_fade_towards_nothing():
    values = [-0.5, -0.5]
    fresh = science.remembered_encounters(values, [1.0, 1.0])[0]
    old = science.remembered_encounters(values, [1e-6, 1e-6])[0]
    assert fresh == pytest.approx(-0.5)
    assert old == pytest.approx(0.0, abs=1e-5)
    # no jump between weights of nothing and weights of almost nothing
    assert science.remembered_encounters([0.5, -0.2], [0.0, 0.0])[0] == 0.0
    assert science.remembered_encounters([0.5, -0.2], [1e-300, 1e-300])[0] == pytest.approx(0.0)


# -- the value curve of a zone of tolerance ---------------------------------------------

levels = st.floats(min_value=-1000, max_value=1000, allow_nan=False)
adequates = st.floats(min_value=-100, max_value=100, allow_nan=False)
widths = st.floats(min_value=0.01, max_value=50, allow_nan=False)


@settings(max_examples=150)
@given(levels, levels, adequates, st.floats(min_value=0, max_value=50, allow_nan=False))
def test_zone_value_is_bounded_and_monotonic(a, b, adequate, width):
    low, high = sorted((a, b))
    desired = adequate + width
    v_low = science.zone_value(low, adequate, desired)
    v_high = science.zone_value(high, adequate, desired)
    assert -1.0 < v_low <= v_high < 1.0
    # Lower is better: the mirror image.
    assert science.zone_value(-low, -adequate, -desired, higher_is_better=False) == (
        pytest.approx(v_low)
    )


@settings(max_examples=150)
@given(adequates, widths, st.floats(min_value=0.01, max_value=1.0, allow_nan=False))
def test_zone_value_reference_gain_at_desired_and_loss_aversion(adequate, width, share):
    desired = adequate + width
    assert science.zone_value(adequate, adequate, desired) == 0.0
    assert science.zone_value(desired, adequate, desired) == pytest.approx(
        1.0 / science.LOSS_AVERSION
    )
    # Gains inside the zone are visible and concave.
    inside = science.zone_value(adequate + share * width, adequate, desired)
    assert inside > 0.0
    assert inside >= share / science.LOSS_AVERSION - 1e-9
    # A loss of some distance weighs LOSS_AVERSION times the gain of the same distance
    # (below the knee of the bound).
    distance = share * width * 0.7
    loss = science.zone_value(adequate - distance, adequate, desired)
    gain = science.zone_value(adequate + distance, adequate, desired)
    assert -loss == pytest.approx(science.LOSS_AVERSION * gain, rel=1e-9)


@settings(max_examples=100)
@given(adequates, widths, st.floats(min_value=0.05, max_value=3.0, allow_nan=False))
def test_zone_value_does_not_saturate(adequate, width, distance):
    """Further below the zone is always worse, by a visible step within the scale."""
    desired = adequate + width
    nearer = science.zone_value(adequate - distance * width, adequate, desired)
    further = science.zone_value(adequate - (distance + 0.5) * width, adequate, desired)
    assert further < nearer
    if distance <= 0.5:
        assert nearer - further > 0.1


def test_ratings_of_a_five_point_scale_are_clearly_apart():
    values = [science.zone_value(r, 3, 5) for r in (1, 2, 3, 4, 5)]
    steps = [b - a for a, b in itertools.pairwise(values)]
    assert all(step > 0.15 for step in steps)
    assert values[2] == 0.0
    assert values[4] == pytest.approx(0.444, abs=1e-3)


@settings(max_examples=100)
@given(st.floats(min_value=-50, max_value=50, allow_nan=False))
def test_soft_bound(x):
    y = science.soft_bound(x)
    assert -1.0 < y < 1.0
    if abs(x) <= science.KNEE:
        assert y == x
    assert science.soft_bound(x + 0.1) > y


@settings(max_examples=100)
@given(
    st.floats(min_value=-500, max_value=500, allow_nan=False),
    st.floats(min_value=-500, max_value=500, allow_nan=False),
    st.floats(min_value=0, max_value=48, allow_nan=False),
)
def test_lateness_value_never_rewards_lateness(a, b, tolerance):
    low, high = sorted((a, b))
    kwargs = {"tolerance_hours": tolerance, "scale_hours": 168.0}
    assert science.lateness_value(low, **kwargs) >= science.lateness_value(high, **kwargs)
    # Early is no better than on time: keeping a date is a must-be attribute.
    assert science.lateness_value(min(low, 0.0), **kwargs) == science.lateness_value(0, **kwargs)


def test_time_scale_of_a_promise():
    assert science.time_scale("minutes") == (1 / 60, 1.0)
    assert science.time_scale(" Hours ") == (1.0, 24.0)
    assert science.time_scale("days") == (24.0, 168.0)
    assert science.time_scale("wk")[0] == 168.0
    assert science.time_scale("%") is None
    # 300 minutes late is a full loss for a promise in minutes, almost nothing in days.
    minutes = science.time_scale("minutes")
    days = science.time_scale("days")
    late = 5.0
    by_minutes = science.lateness_value(late, tolerance_hours=minutes[0], scale_hours=minutes[1])
    by_days = science.lateness_value(late, tolerance_hours=days[0], scale_hours=days[1])
    assert by_minutes < -0.9
    assert by_days > 0.0


def test_rating_zone():
    assert science.rating_zone(1, 5) == (3.0, 5)
    assert science.rating_zone(0, 10) == (5.0, 10)
    assert science.rating_zone(1, 7, higher_is_better=False) == (4.0, 1)


def test_zone_value_is_monotonic_to_the_last_digit():
    # Two levels far beyond the zone, a few units in the last place apart: the bound
    # must not turn their order round (found by hypothesis).
    adequate = -2.3998775851303854e-294
    desired = adequate + 7.322498017285264e-305
    lower = science.zone_value(-2.2250738585072014e-308, adequate, desired)
    higher = science.zone_value(0.0, adequate, desired)
    assert lower <= higher


@given(st.floats(min_value=0, max_value=1e300), st.floats(min_value=0, max_value=1e300))
def test_soft_bound_never_turns_an_order_round(a, b):
    low, high = sorted((a, b))
    assert science.soft_bound(low) <= science.soft_bound(high)
    assert science.soft_bound(-high) <= science.soft_bound(-low)
