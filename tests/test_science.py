"""Properties of the pure science functions."""

from __future__ import annotations

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
