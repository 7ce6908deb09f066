"""Calibration against stated outcomes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perception import Account, Customer, Interaction
from perception.calibrate import (
    Example,
    auc,
    calibrate,
    collect_examples,
    fit_weights,
    predict,
    spearman,
    split,
    write_weights,
)
from perception.config import load_config
from perception.errors import ConfigError, PerceptionError
from perception.model import Feedback

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def synthetic(count: int, seed: int = 7) -> list[Account]:
    """Accounts whose CSAT follows how fast their questions were answered."""
    rng = random.Random(seed)
    accounts = []
    for n in range(count):
        delay = rng.choice([1, 2, 6, 30, 60, 120])
        interactions, feedback = [], []
        for k in range(3):
            asked = T0 + timedelta(days=7 * k)
            interactions.append(
                Interaction(
                    id=f"q{k}",
                    at=asked,
                    direction="inbound",
                    text="Could you check the export?",
                )
            )
            interactions.append(
                Interaction(
                    id=f"a{k}",
                    at=asked + timedelta(hours=delay + rng.random()),
                    direction="outbound",
                    text="Done, it is fixed.",
                    in_reply_to=f"q{k}",
                )
            )
        csat = 5 if delay <= 2 else 4 if delay <= 6 else 2 if delay <= 60 else 1
        feedback.append(Feedback(id="fb", at=T0 + timedelta(days=20), kind="csat", value=csat))
        accounts.append(
            Account(
                customer=Customer(id=f"c{n:03d}", name=f"Customer {n}"),
                interactions=interactions,
                feedback=feedback,
            )
        )
    return accounts


def test_spearman_and_auc_basics():
    assert spearman([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1], [1, 2, 3]) is None
    assert auc([10, 20, 80, 90], [True, True, False, False]) == 1.0
    assert auc([90, 80, 20, 10], [True, True, False, False]) == 0.0
    assert auc([50, 50], [True, False]) == 0.5
    assert auc([1, 2], [False, False]) is None


@settings(max_examples=50)
@given(st.lists(st.tuples(st.floats(-100, 100), st.floats(-100, 100)), min_size=2, max_size=30))
def test_spearman_is_bounded_and_symmetric(pairs):
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    rho = spearman(xs, ys)
    if rho is not None:
        assert -1.0 <= rho <= 1.0
        assert spearman(ys, xs) == pytest.approx(rho)


@settings(max_examples=50)
@given(st.lists(st.tuples(st.floats(0, 100), st.booleans()), min_size=1, max_size=30))
def test_auc_is_bounded(pairs):
    value = auc([p[0] for p in pairs], [p[1] for p in pairs])
    if value is not None:
        assert 0.0 <= value <= 1.0


def example(account, target, **features):
    return Example(
        account=account,
        feedback="f",
        at=T0,
        target=target,
        unhappy=target < 0,
        features=features,
    )


def test_fit_finds_the_informative_scorer():
    examples = [
        example(f"a{i}", t, good=(t * 2.0, 2.0), noise=(((-1) ** i) * 3.0, 3.0))
        for i, t in enumerate([-1.0, -0.5, 0.0, 0.5, 1.0, -0.8, 0.3, 0.9])
    ]
    weights = fit_weights(examples)
    assert weights["good"] > weights["noise"]
    scores = [predict(e, weights) for e in examples]
    assert spearman(scores, [e.target for e in examples]) == pytest.approx(1.0)


def test_split_keeps_accounts_whole_and_is_seeded():
    examples = [example(f"a{i % 10}", 0.0) for i in range(40)]
    train, test = split(examples, holdout=0.3, seed=1)
    assert {e.account for e in train}.isdisjoint({e.account for e in test})
    assert len(train) + len(test) == 40
    assert split(examples, holdout=0.3, seed=1) == (train, test)
    with pytest.raises(ValueError, match="holdout"):
        split(examples, holdout=1.5)


def test_examples_hold_out_the_customers_word():
    examples = collect_examples(synthetic(4))
    assert len(examples) == 4
    for e in examples:
        assert "voice" not in e.features
        assert "responsiveness" in e.features


def test_calibrate_reports_fit_on_held_back_accounts():
    result = calibrate(synthetic(40), holdout=0.3, seed=0)
    assert result.train + result.test == 40
    assert result.test >= 2
    assert result.after["spearman"] is not None
    assert result.after["spearman"] > 0.5  # replies predict the stated CSAT
    assert result.weights["responsiveness"] > 0
    assert "voice" not in result.weights


def test_calibrate_needs_enough_answers():
    with pytest.raises(PerceptionError, match="at least 8 stated CSAT or NPS answers; found 3"):
        calibrate(synthetic(3))


def test_write_weights_replaces_the_table_and_keeps_the_rest(tmp_path):
    path = tmp_path / "perception.toml"
    path.write_text(
        'disable = ["silence"]\n\n[weights]\nvoice = 2.0\nold = 1\n\n[bands]\ndelighted = 85\n',
        encoding="utf-8",
    )
    write_weights(path, {"voice": 2.0, "responsiveness": 1.5, "odd.name": 0.5})
    config = load_config(path)
    assert dict(config.weights) == {"voice": 2.0, "responsiveness": 1.5, "odd.name": 0.5}
    assert config.disable == frozenset({"silence"})
    assert config.bands[next(iter(config.bands))] == 85.0
    fresh = tmp_path / "new.toml"
    write_weights(fresh, {"sentiment": 0.5})
    assert load_config(fresh).weights == {"sentiment": 0.5}


def test_write_weights_into_pyproject(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.perception]\ndisable = []\n', encoding="utf-8")
    write_weights(path, {"voice": 3.0})
    assert load_config(path).weights == {"voice": 3.0}
    assert '[project]\nname = "x"' in path.read_text(encoding="utf-8")


def test_write_weights_restores_a_file_it_would_break(tmp_path):
    path = tmp_path / "perception.toml"
    original = "weights = 3\n"
    path.write_text(original, encoding="utf-8")
    with pytest.raises(ConfigError):
        write_weights(path, {"voice": 1.0})
    assert path.read_text(encoding="utf-8") == original


# The command line fits the outcome model now (``perception calibrate --out FILE``); its
# tests are in test_calibration.py.  The scorer weights above remain a Python API.
