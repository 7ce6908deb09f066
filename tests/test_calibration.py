"""The calibrated outcome model: fitting, the file, applying it, and refusing bad files."""

from __future__ import annotations

import json
import math
import random
import sys

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from perception import Band, assess, assess_many
from perception.aggregate import calibrated
from perception.calibrate import (
    CURVE_PENALTIES,
    MIN_OUTCOMES,
    SUBJECT_PENALTIES,
    collect_observations,
    fit_calibration,
    reliability,
)
from perception.calibration import (
    FORMAT,
    FORMAT_VERSION,
    SUMMARIES,
    CalibrationModel,
    calibration_from_json,
    load_calibration,
    signal_features,
)
from perception.cli import main
from perception.config import Config, load_config
from perception.errors import ConfigError, PerceptionError
from perception.examples import SAMPLE_AS_OF, sample_portfolio
from perception.examples.outcomes import TODAY, generate
from perception.io import write_jsonl
from perception.model import Dimension
from perception.outcome import Signal
from perception.report import account_text, calibration_html, portfolio_html

PORTFOLIO = sample_portfolio()


@pytest.fixture(scope="module")
def generated():
    return [account for account, _ in generate(90, seed=3)]


@pytest.fixture(scope="module")
def fitted(generated):
    observations = collect_observations(generated)
    return fit_calibration(observations, folds=3, seed=1, source="model.json")


# -- collecting outcomes ------------------------------------------------------------------


def test_each_stated_outcome_is_predicted_from_the_evidence_before_it(generated):
    observations = collect_observations(generated[:20])
    renewed = [o for o in observations.items if o.feedback == "contract"]
    surveys = [o for o in observations.items if o.feedback == "survey"]
    assert len(surveys) == 20
    for item in surveys:
        # The survey itself is never a predictor of itself...
        assert not any("feedback:csat" in n or "feedback:nps" in n for n in item.features)
    for item in renewed:
        # ...but the earlier survey answer is a predictor of the renewal or churn after it.
        assert any("feedback:csat" in n or "feedback:nps" in n for n in item.features)
    assert observations.accounts == 20


def test_too_few_outcomes_are_refused_with_a_clear_message():
    observations = collect_observations(PORTFOLIO)
    with pytest.raises(PerceptionError) as info:
        fit_calibration(observations)
    message = str(info.value)
    assert f"calibration needs at least {MIN_OUTCOMES} stated outcomes" in message
    assert f"found {len(observations.items)}" in message
    assert "in 12 accounts" in message


def test_without_scikit_learn_the_extra_is_named(generated, monkeypatch):
    observations = collect_observations(generated[:40])
    monkeypatch.setitem(sys.modules, "sklearn", None)
    expected = r"install the 'calibrate' extra .*pip install '\.\[calibrate\]'"
    with pytest.raises(PerceptionError, match=expected):
        fit_calibration(observations, folds=2)


# -- the fitted model -----------------------------------------------------------------------


def test_the_fit_is_cross_validated_and_described(fitted):
    meta = fitted.model.metadata
    assert meta["accounts"] == fitted.accounts == 90
    assert meta["outcomes"] == fitted.outcomes
    assert meta["library"]["scikit-learn"]
    assert meta["cv"]["folds"] == 3
    assert len(meta["cv"]["auc"]["folds"]) == 3
    # The generated customers' answers follow their records: the model must see it.
    assert meta["cv"]["auc"]["mean"] > 0.75
    assert 0.0 <= meta["cv"]["brier"]["mean"] < 0.25
    assert sum(b["count"] for b in meta["reliability"]) == fitted.outcomes
    assert len(fitted.cross_validation.probabilities) == fitted.outcomes
    # The subject features' penalty is chosen with C, in each fold and for the final fit.
    allowed = [None if math.isinf(p) else p for p in SUBJECT_PENALTIES]
    assert meta["regularisation"]["subjects"] in allowed
    assert meta["regularisation"]["subjects_grid"] == allowed
    assert all(f["subjects"] in allowed for f in fitted.cross_validation.folds)
    if meta["regularisation"]["subjects"] is None:
        assert not any(n.count("/") >= 2 for n in fitted.model.coefficients)
    # So is the scorers' value curves' penalty: learned like the rest or left out.
    curves = [None if math.isinf(p) else p for p in CURVE_PENALTIES]
    assert meta["regularisation"]["curves"] in curves
    assert meta["regularisation"]["curves_grid"] == curves
    assert all(f["curves"] in curves for f in fitted.cross_validation.folds)
    scorer_curves = [n for n in fitted.model.coefficients if "@" in n and n.count("/") < 2]
    assert bool(scorer_curves) == (meta["regularisation"]["curves"] is not None)


def test_the_value_curves_are_kept_where_they_predict(monkeypatch, generated):
    # Offered only "left out", the fit has no scorer curve; offered only "like the rest",
    # it has them; and the chosen penalty is what the inner cross-validation preferred.
    import perception.calibrate as calibrate_module  # noqa: PLC0415

    observations = collect_observations(generated[:60])
    monkeypatch.setattr(calibrate_module, "CURVE_PENALTIES", (math.inf,))
    left_out = fit_calibration(observations, folds=2, seed=0).model
    assert left_out.metadata["regularisation"]["curves"] is None
    assert not any("@" in n and n.count("/") < 2 for n in left_out.coefficients)
    assert any("#" in n for n in left_out.coefficients)  # the summaries stay
    monkeypatch.setattr(calibrate_module, "CURVE_PENALTIES", (1.0,))
    kept = fit_calibration(observations, folds=2, seed=0).model
    assert kept.metadata["regularisation"]["curves"] == 1.0
    assert any("@" in n and n.count("/") < 2 for n in kept.coefficients)


def test_a_feature_that_never_varies_gets_no_coefficient(generated):
    # The same amount in every account (as a survey's fixed number of ratings gives) says
    # nothing the intercept does not: it is left out of the fit rather than let it make
    # the fit ill-conditioned.
    observations = collect_observations(generated[:60])
    items = tuple(
        attrs.evolve(o, features={**o.features, "same#evidence": 4.0}) for o in observations.items
    )
    report = fit_calibration(attrs.evolve(observations, items=items), folds=2, seed=0)
    assert "same#evidence" not in report.model.coefficients
    assert any(n.endswith("#evidence") for n in report.model.coefficients)


def test_calibration_round_trip(fitted, tmp_path, generated):
    path = fitted.model.write(tmp_path / "model.json")
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["version"] == FORMAT_VERSION == 2
    # Version 2 carries the per-scorer summaries.
    summaries = {n.rpartition("#")[2] for n in written["coefficients"] if "#" in n}
    assert summaries == set(SUMMARIES)
    loaded = load_calibration(path)
    assert loaded.coefficients == fitted.model.coefficients
    assert loaded.intercept == fitted.model.intercept
    assert loaded.scorers == fitted.model.scorers
    assert dict(loaded.metadata)["cv"] == json.loads(json.dumps(fitted.model.metadata["cv"]))
    config = Config(calibration=loaded)
    for account in generated[:10]:
        a = assess(account, as_of=TODAY, config=config)
        b = assess(account, as_of=TODAY, config=attrs.evolve(config, calibration=fitted.model))
        assert a.score == b.score
        assert a.drivers == b.drivers


def test_a_calibrated_score_is_a_probability_whose_drivers_add_up(fitted, generated):
    config = Config(calibration=fitted.model)
    for account in generated[:15]:
        outcome = assess(account, as_of=TODAY, config=config)
        signals = outcome.signals
        prediction = fitted.model.predict(account.as_of(TODAY), signals)
        assert outcome.score == pytest.approx(100 * prediction.probability, abs=0.01)
        # The drivers are measured from this evidence read as neutral.
        assert outcome.baseline == pytest.approx(100 * prediction.neutral, abs=0.01)
        assert sum(prediction.points) == pytest.approx(
            100 * (prediction.probability - prediction.base)
        )
        assert sum(prediction.values) == pytest.approx(
            100 * (prediction.probability - prediction.neutral)
        )
        assert outcome.band is config.band(outcome.score)
        assert outcome.calibration is not None
        assert outcome.calibration.startswith("model.json, fitted ")
        assert "cross-validated AUC" in outcome.calibration
        for driver in outcome.drivers:
            index = next(i for i, s in enumerate(signals) if s.explanation == driver.text)
            # A driver's points are what its value added.
            assert driver.impact == pytest.approx(prediction.values[index], abs=0.01)
            # A driver's points never go against its own signal's value.
            value = signals[index].value
            assert abs(value) < 0.05 or driver.impact * value >= 0, driver
        moved = outcome.score - outcome.baseline
        if any(d.impact * moved > 0 for d in outcome.drivers):
            assert outcome.drivers[0].impact * moved > 0, outcome.drivers
    text = account_text(outcome)
    assert "calibrated probability (%) that the customer calls themselves satisfied" in text


def test_default_outcomes_say_they_are_not_calibrated():
    outcome = assess(PORTFOLIO[0], as_of=SAMPLE_AS_OF)
    assert outcome.calibration is None
    assert outcome.baseline == 50.0
    text = account_text(outcome)
    assert "Score: the default score (not calibrated)" in text
    # The drivers and the rest of the evidence add up to the score.
    lines = text.split("What drives it: points from 50.0\n", 1)[1].split("\n\n", 1)[0]
    points = [float(line.split()[0]) for line in lines.splitlines()]
    others = len(outcome.signals) - len(outcome.drivers)
    assert f"The other {others} pieces of evidence together." in lines
    assert sum(points) == pytest.approx(outcome.score - 50.0, abs=0.2)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(-3, 3), st.floats(0.1, 1.0))
def test_applying_equals_the_features_times_the_coefficients(seed, intercept, density):
    """The fast path of ``contributions`` is the feature sum it stands for."""
    rng = random.Random(seed)
    account = rng.choice(PORTFOLIO)
    signals = assess(account, as_of=SAMPLE_AS_OF).signals
    weights = {"voice": 3.0, "sentiment": 1.5}
    rows = signal_features(account, signals, weights)
    names = sorted({n for row in rows for n in row})
    coefficients = {n: rng.uniform(-3, 3) for n in names if rng.random() < density}
    scorers = {s.scorer for s in signals if rng.random() < 0.8}
    model = CalibrationModel(
        intercept=intercept, coefficients=coefficients, scorers=scorers, weights=weights
    )
    fast = model.contributions(account, signals)
    rows = signal_features(account, signals, weights, scorers=scorers)
    slow = [sum(coefficients.get(n, 0.0) * v for n, v in row.items()) for row in rows]
    assert fast == pytest.approx(slow, abs=1e-9)
    prediction = model.predict(account, signals)
    # A large sum of contributions saturates the float sigmoid at exactly 0 or 1.
    assert 0.0 <= prediction.probability <= 1.0
    assert sum(prediction.points) == pytest.approx(
        100 * (prediction.probability - prediction.base), abs=1e-6
    )


def _signal(scorer: str, value: float, weight: float, confidence: float) -> Signal:
    return Signal(
        scorer=scorer,
        dimension=Dimension.RELIABILITY,
        value=value,
        explanation="A signal.",
        weight=weight,
        confidence=confidence,
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["disconfirmation", "voice"]),
            st.floats(-1, 1),
            st.floats(0.1, 3),
            st.floats(0.01, 1),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_each_signal_adds_to_its_scorers_summaries(specs):
    signals = [_signal(*spec) for spec in specs]
    rows = signal_features(PORTFOLIO[0], signals, {})
    for (scorer, value, weight, confidence), row in zip(specs, rows, strict=True):
        amount = weight * confidence
        assert row[f"{scorer}#evidence"] == amount
        assert (f"{scorer}#below" in row) is (value < 0)
        assert row.get(f"{scorer}#shortfall", 0.0) == (amount * value if value < 0 else 0.0)
    # Two shortfalls count twice: the summaries are sums over the signals.
    for scorer in ("disconfirmation", "voice"):
        below = [w * c for s, v, w, c in specs if s == scorer and v < 0]
        total = sum(row.get(f"{scorer}#below", 0.0) for row in rows)
        assert total == pytest.approx(sum(below))


def test_a_step_below_zero_is_applied_exactly_at_zero():
    model = CalibrationModel(
        intercept=0.0,
        coefficients={"voice#below": 2.0, "voice#shortfall": 1.0, "voice#evidence": 0.5},
        scorers={"voice"},
        weights={},
    )
    values = (-1.0, -0.3, -1e-12, 0.0, 0.4, 1.0)
    signals = [_signal("voice", v, 1.0, 1.0) for v in values]
    got = model.contributions(PORTFOLIO[0], signals)
    expected = [0.5 + (2.0 + v if v < 0 else 0.0) for v in values]
    assert got == pytest.approx(expected, abs=1e-12)


def test_a_signals_presence_is_in_the_baseline_not_in_its_driver():
    """Under a calibration the fit learns from there being evidence at all (here 3.0 for
    each voice signal), so a negative answer's whole share can add points.  The drivers
    are measured from the same evidence read as neutral: the answer's driver counts what
    its value took, and its presence is in the baseline."""
    model = CalibrationModel(
        intercept=0.0,
        coefficients={"voice": 1.0, "voice#evidence": 3.0, "disconfirmation": 2.0},
        scorers={"voice", "disconfirmation"},
        weights={},
    )
    signals = [
        _signal("voice", -0.5, 1.0, 1.0),  # 3.0 - 0.5: its share adds points
        _signal("disconfirmation", -0.8, 1.0, 1.0),  # -1.6
        _signal("disconfirmation", 0.6, 1.0, 1.0),  # +1.2
    ]
    signals = [attrs.evolve(s, explanation=f"Signal {i}.") for i, s in enumerate(signals)]
    score, baseline, drivers = calibrated(PORTFOLIO[0], signals, model)
    prediction = model.predict(PORTFOLIO[0], signals)
    assert prediction.points[0] > 0
    assert baseline == pytest.approx(100 / (1 + math.exp(-3.0)))  # the voice answer's presence
    assert 50.0 < score < baseline  # the values took points (-0.5 - 1.6 + 1.2)
    assert [d.text for d in drivers] == ["Signal 1.", "Signal 0.", "Signal 2."]
    assert drivers[0].impact < drivers[1].impact < 0 < drivers[2].impact
    assert sum(d.impact for d in drivers) == pytest.approx(score - baseline, abs=0.02)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(min_value=-1.0, max_value=1.0), min_size=1, max_size=6),
    index=st.integers(min_value=0, max_value=5),
)
def test_a_signals_presence_is_its_share_with_a_neutral_value(values, index):
    model = CalibrationModel(
        intercept=-0.3,
        coefficients={
            "default": 1.5,
            "voice": 0.7,
            "voice#evidence": 0.4,
            "voice#below": -0.2,
            "voice@+0.000": 0.25,
            "voice@+0.125": -0.5,
            "disconfirmation": 1.1,
            "disconfirmation@-0.500": 0.8,
        },
        scorers={"voice", "disconfirmation"},
        weights={},
    )
    scorers = ("voice", "disconfirmation")
    signals = [_signal(scorers[i % 2], v, 1.0, 0.8) for i, v in enumerate(values)]
    index %= len(signals)
    _, presence = model._contributions(PORTFOLIO[0], signals)
    neutral = [*signals[:index], attrs.evolve(signals[index], value=0.0), *signals[index + 1 :]]
    assert model.contributions(PORTFOLIO[0], neutral)[index] == pytest.approx(
        presence[index], abs=1e-12
    )
    # The neutral probability is the prediction with every value 0; the values' points
    # add up to the way from it to the probability, each with its log-odds part's sign.
    every = [attrs.evolve(s, value=0.0) for s in signals]
    prediction = model.predict(PORTFOLIO[0], signals)
    assert prediction.neutral == pytest.approx(model.predict(PORTFOLIO[0], every).probability)
    assert sum(prediction.values) == pytest.approx(
        100 * (prediction.probability - prediction.neutral), abs=1e-9
    )
    total, _ = model._contributions(PORTFOLIO[0], signals)
    assert sum(total) - sum(presence) == pytest.approx(
        sum(model.contributions(PORTFOLIO[0], signals)) - sum(presence)
    )


def test_a_share_against_its_signals_value_is_not_a_driver_but_counts_in_the_rest():
    """A fitted value curve need not rise everywhere: here a voice signal of +0.5 takes
    points (its slope +0.5, its curve -2.0 there).  Such a share is true of the sum but
    false as a reason."""
    model = CalibrationModel(
        intercept=0.0,
        coefficients={"voice": 1.0, "voice@+0.500": -2.0, "disconfirmation": 2.0},
        scorers={"voice", "disconfirmation"},
        weights={},
    )
    signals = [
        _signal("voice", 0.5, 1.0, 1.0),  # 0.5 - 2.0: takes points, though positive
        _signal("disconfirmation", -0.8, 1.0, 1.0),  # -1.6
        _signal("disconfirmation", 0.6, 1.0, 1.0),  # +1.2
    ]
    signals = [attrs.evolve(s, explanation=f"Signal {i}.") for i, s in enumerate(signals)]
    score, baseline, drivers = calibrated(PORTFOLIO[0], signals, model)
    assert score < baseline
    assert [d.text for d in drivers] == ["Signal 1.", "Signal 2."]
    prediction = model.predict(PORTFOLIO[0], signals)
    assert prediction.neutral == prediction.base  # no presence: no evidence summary, 0 at 0
    assert prediction.values[0] < 0
    rest = score - baseline - sum(d.impact for d in drivers)
    assert rest == pytest.approx(prediction.values[0], abs=0.02)


def test_drivers_at_the_edges():
    model = CalibrationModel(
        intercept=0.0,
        coefficients={"voice": 1.0, "voice#evidence": 3.0, "disconfirmation": 2.0},
        scorers={"voice", "disconfirmation"},
        weights={},
    )

    def named(*specs: tuple[str, float]) -> list[Signal]:
        return [
            attrs.evolve(_signal(scorer, value, 1.0, 1.0), explanation=f"Signal {i}.")
            for i, (scorer, value) in enumerate(specs)
        ]

    # No evidence: no drivers, the score is the baseline.
    score, baseline, drivers = calibrated(PORTFOLIO[0], [], model)
    assert drivers == ()
    assert score == pytest.approx(baseline)
    # Every share against its value: no driver is named, the points are still there.
    bent = CalibrationModel(
        intercept=0.0,
        coefficients={"voice": 1.0, "voice@+0.500": -2.0},
        scorers={"voice"},
        weights={},
    )
    score, baseline, drivers = calibrated(PORTFOLIO[0], named(("voice", 0.5)), bent)
    assert drivers == ()
    assert score < baseline
    # The presence of the evidence is in the baseline; what the value took is named.
    score, baseline, drivers = calibrated(PORTFOLIO[0], named(("voice", -0.5)), model)
    assert 50.0 < score < baseline
    assert [d.text for d in drivers] == ["Signal 0."]
    assert drivers[0].impact == pytest.approx(score - baseline, abs=0.01)
    # Shares that cancel: no direction, so by size alone.
    signals = named(
        ("disconfirmation", 0.5), ("disconfirmation", -0.25), ("disconfirmation", -0.25)
    )
    score, baseline, drivers = calibrated(PORTFOLIO[0], signals, model)
    assert score == pytest.approx(baseline)
    assert [d.text for d in drivers] == ["Signal 0.", "Signal 1.", "Signal 2."]
    # Shares in the score's direction come before a larger one against it.
    signals = named(("disconfirmation", -0.6), ("disconfirmation", 0.45), ("voice", 0.9))
    score, baseline, drivers = calibrated(PORTFOLIO[0], signals, model)
    assert score > baseline
    assert [d.text for d in drivers] == ["Signal 1.", "Signal 2.", "Signal 0."]
    assert abs(drivers[2].impact) > abs(drivers[1].impact)


def test_the_points_are_accounted_for_when_no_driver_is_named():
    outcome = attrs.evolve(
        assess(PORTFOLIO[0], as_of=SAMPLE_AS_OF), drivers=(), score=70.0, baseline=50.0
    )
    text = account_text(outcome)
    assert "What drives it: points from 50.0\n   +20.0  All the evidence together." in text


def test_the_rest_line_says_how_many_pieces_of_evidence_it_holds():
    outcome = assess(PORTFOLIO[0], as_of=SAMPLE_AS_OF)
    named = outcome.drivers[:1]
    points = outcome.score - 50.0 - named[0].impact
    one_more = attrs.evolve(outcome, drivers=named, signals=outcome.signals[:2])
    assert f"{points:+8.1f}  The one other piece of evidence." in account_text(one_more)
    # an outcome read back without its signals still accounts for the points
    unlisted = attrs.evolve(outcome, drivers=named, signals=())
    assert f"{points:+8.1f}  All other evidence together." in account_text(unlisted)


def test_the_first_default_driver_goes_the_way_the_score_moved():
    outcomes = assess_many(PORTFOLIO, as_of=SAMPLE_AS_OF, workers=1)
    mixed = 0
    for outcome in outcomes:
        moved = outcome.score - outcome.baseline
        impacts = [d.impact for d in outcome.drivers]
        if any(i * moved > 0 for i in impacts):
            assert impacts[0] * moved > 0, outcome.account
        mixed += any(i > 0 for i in impacts) and any(i < 0 for i in impacts)
    assert mixed  # the sample has accounts with drivers both ways


def test_reliability_bins():
    bins = reliability([0.05, 0.07, 0.95, 1.0, 0.5], [False, True, True, True, False])
    assert [b["count"] for b in bins] == [2, 0, 0, 0, 0, 1, 0, 0, 0, 2]
    assert bins[0]["observed"] == 0.5
    assert bins[9]["predicted"] == pytest.approx(0.975)


# -- refusing bad files ---------------------------------------------------------------------


def good():
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "metadata": {},
        "scorers": ["disconfirmation"],
        "weights": {"disconfirmation": 1.0},
        "intercept": 0.5,
        "coefficients": {"disconfirmation": 1.2},
    }


def test_a_file_from_a_newer_perception_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**good(), "version": FORMAT_VERSION + 1}), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_calibration(path)
    assert str(info.value).startswith(f"{path}: written by a newer perception")
    assert "upgrade perception" in str(info.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"format": "something-else"}, "format: must be 'perception-calibration'"),
        ({"version": "1"}, "version: must be a whole number >= 1, not '1'"),
        ({"intercept": "x"}, "intercept: must be a finite number, not 'x'"),
        ({"coefficients": {"a": "b"}}, "coefficients.a: must be a finite number, not 'b'"),
        ({"coefficients": [1, 2]}, "coefficients: must be an object of numbers, not list"),
        ({"weights": {"voice": None}}, "weights.voice: must be a finite number, not None"),
        ({"scorers": "voice"}, "scorers: must be a list of scorer names, not 'voice'"),
        ({"extra": 1}, "unknown key 'extra'"),
        (
            {"coefficients": {"voice#peak": 1.0}},
            (
                "coefficients.voice#peak: not a summary feature (scorer#summary, the summary one "
                "of evidence, below, shortfall)"
            ),
        ),
        ({"coefficients": {"#below": 1.0}}, "coefficients.#below: not a summary feature"),
        (
            {"version": 1, "coefficients": {"voice#below": 1.0}},
            (
                "coefficients.voice#below: summary features came with calibration file version 2; "
                "this file says version 1"
            ),
        ),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused_naming_the_field(tmp_path, change, expected):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**good(), **change}), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_calibration(path)
    assert str(info.value).startswith(f"{path}: not a usable calibration file")
    assert expected in str(info.value)


def test_a_version_1_file_is_read_and_applied_as_before(tmp_path):
    # A file written before the summaries: the same coefficients, the same contributions
    # as their feature sum (which has no summaries to pick up).
    account = PORTFOLIO[0]
    signals = assess(account, as_of=SAMPLE_AS_OF).signals
    rows = signal_features(account, signals, {})
    names = sorted({n for row in rows for n in row if "#" not in n})
    coefficients = {n: (i % 7 - 3) / 5.0 for i, n in enumerate(names)}
    path = tmp_path / "old.json"
    old = {**good(), "version": 1, "scorers": sorted({s.scorer for s in signals}), "weights": {}}
    path.write_text(json.dumps({**old, "coefficients": coefficients}), encoding="utf-8")
    model = load_calibration(path)
    slow = [sum(coefficients.get(n, 0.0) * v for n, v in row.items()) for row in rows]
    assert model.contributions(account, signals) == pytest.approx(slow, abs=1e-9)
    assert model.to_json()["version"] == FORMAT_VERSION


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=20))
def test_any_coefficient_name_is_read_or_refused_naming_it(name):
    data = {**good(), "coefficients": {name: 1.0}}
    scorer, hash_sign, summary = name.rpartition("#")
    a_summary = "/" not in name and hash_sign == "#"
    if a_summary and not (scorer and summary in SUMMARIES):
        with pytest.raises(ConfigError) as info:
            calibration_from_json(data)
        assert f"coefficients.{name}: not a summary feature" in str(info.value)
    else:
        assert calibration_from_json(data).coefficients == {name: 1.0}


def test_unreadable_files_are_refused(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(ConfigError, match="no such calibration file"):
        load_calibration(missing)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"broken.json:1: not a calibration file \(not valid JSON"
    ):
        load_calibration(broken)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_calibration(binary)
    with pytest.raises(ConfigError, match="must be a JSON object, not list"):
        calibration_from_json([1])


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.floats() | st.text(), st.lists, max_leaves=8))
def test_any_json_value_is_read_or_refused_cleanly(value):
    data = {**good(), "coefficients": {"x": value}}
    finite = (
        isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    )
    if finite:
        assert calibration_from_json(data).coefficients["x"] == value
    else:
        with pytest.raises(ConfigError, match=r"coefficients\.x: must be a finite number"):
            calibration_from_json(data)


# -- configuration and the command line ------------------------------------------------------


def test_the_configuration_names_the_calibration_relative_to_itself(fitted, tmp_path):
    folder = tmp_path / "settings"
    folder.mkdir()
    fitted.model.write(folder / "model.json")
    (folder / "perception.toml").write_text('calibration = "model.json"\n', encoding="utf-8")
    config = load_config(folder / "perception.toml")
    assert config.calibration is not None
    assert config.calibration.coefficients == fitted.model.coefficients
    (folder / "bad.toml").write_text('calibration = "nowhere.json"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(folder / "bad.toml")
    assert "calibration: " in str(info.value)
    assert "nowhere.json: no such calibration file" in str(info.value)


def test_cli_calibrate_then_assess_with_it(generated, tmp_path):
    data = tmp_path / "portfolio.jsonl"
    write_jsonl(generated, data)
    model = tmp_path / "model.json"
    page = tmp_path / "calibration.html"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["calibrate", str(data), "--out", str(model), "--folds", "3", "--report", str(page)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "3-fold cross-validation" in result.output
    assert "the scorers' value curves " in result.output
    assert "Reliability of the cross-validated probabilities:" in result.output
    assert f"Wrote {model}." in result.output
    assert "<svg" in page.read_text(encoding="utf-8")
    result = runner.invoke(
        main,
        ["assess", str(data), "--as-of", "2026-03-20", "--calibration", str(model)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    label = load_calibration(model).label
    basis = (
        "(scores: calibrated probabilities (%) that the customer calls themselves satisfied, "
        f"from {label})"
    )
    assert result.output.splitlines()[-1] == basis
    for fmt, expected in (("markdown", "Scores: calibrated probabilities"), ("csv", label)):
        result = runner.invoke(
            main,
            [
                "assess",
                str(data),
                "--as-of",
                "2026-03-20",
                "--calibration",
                str(model),
                "--format",
                fmt,
            ],
            catch_exceptions=False,
        )
        assert expected in result.output, fmt
    account = generated[0].id
    result = runner.invoke(
        main,
        ["assess", str(data), "--account", account, "--calibration", str(model)],
        catch_exceptions=False,
    )
    assert "calibrated probability" in result.output
    html = tmp_path / "report.html"
    result = runner.invoke(
        main,
        ["assess", str(data), "--format", "html", "--out", str(html), "--calibration", str(model)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert 'aria-label="reliability diagram"' in html.read_text(encoding="utf-8")


def test_cli_refuses_a_bad_calibration_file_with_exit_2(tmp_path):
    data = tmp_path / "portfolio.jsonl"
    write_jsonl(PORTFOLIO[:2], data)
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps({**good(), "version": 99}), encoding="utf-8")
    result = CliRunner().invoke(main, ["assess", str(data), "--calibration", str(bad)])
    assert result.exit_code == 2
    assert "written by a newer perception (calibration file version 99)" in result.output


def test_cli_calibrate_refuses_too_few_outcomes(tmp_path):
    data = tmp_path / "portfolio.jsonl"
    write_jsonl(PORTFOLIO, data)
    result = CliRunner().invoke(main, ["calibrate", str(data), "--dry-run"])
    assert result.exit_code == 2
    assert "calibration needs at least 30 stated outcomes" in result.output


def test_cli_calibrate_json(generated, tmp_path):
    data = tmp_path / "portfolio.jsonl"
    write_jsonl(generated, data)
    result = CliRunner().invoke(
        main,
        ["calibrate", str(data), "--dry-run", "--folds", "3", "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["written_to"] is None
    assert data["accounts"] == 90
    assert len(data["cross_validation"]["reliability"]) == 10


def test_html_pages_show_the_calibration(fitted, generated):
    config = Config(calibration=fitted.model)
    outcomes = [assess(a, as_of=TODAY, config=config) for a in generated[:3]]
    page = portfolio_html(outcomes, calibration=fitted.model)
    assert '<section id="calibration">' in page
    assert "Scores are calibrated probabilities" in page
    alone = calibration_html(fitted.model)
    assert alone.startswith("<!DOCTYPE html>")
    assert "Brier score" in alone


def test_top_and_bottom_of_a_calibrated_portfolio(fitted, generated):
    """The model ranks the generated customers it was fitted on sensibly at both ends."""
    config = Config(calibration=fitted.model)
    scores = sorted(assess(a, as_of=TODAY, config=config).score for a in generated[:60])
    assert scores[0] < 50 < scores[-1]
    assert config.band(scores[-1]) in (Band.DELIGHTED, Band.SATISFIED)
    assert config.band(scores[0]) in (Band.AT_RISK, Band.CRITICAL)


def test_reports_say_what_calibrated_drivers_are_measured_from(tmp_path, fitted, generated):
    model_path = tmp_path / "model.json"
    fitted.model.write(model_path)
    data = tmp_path / "portfolio.jsonl"
    write_jsonl(generated[:5], data)
    runner = CliRunner()
    account = generated[0].id
    args = ["assess", str(data), "--as-of", TODAY.isoformat(), "--calibration", str(model_path)]
    one = runner.invoke(main, [*args, "--account", account])
    assert one.exit_code == 0, one.output
    assert "for this evidence with every value neutral." in one.output
    outcome = assess(generated[0], as_of=TODAY, config=Config(calibration=fitted.model))
    others = len(outcome.signals) - len(outcome.drivers)
    assert f"The other {others} pieces of evidence together." in one.output
    # every account's section of the Markdown report counts its rest too
    every = runner.invoke(main, [*args, "--format", "markdown"])
    assert every.exit_code == 0, every.output
    assert "All other evidence together." not in every.output
    assert every.output.count("pieces of evidence together.") >= 4
