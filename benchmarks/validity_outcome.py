"""Validity of the perceived outcome: does the score predict what customers say?

Run: ``python benchmarks/validity_outcome.py [--folds 5] [--seed 0] [--repeats 3]``

Reads ``../shared/data`` beside the project (or ``$PERCEPTION_SHARED_DATA``), maps each
row to an account through the public API and reports, in one run, for each data set:

* ``hotel_reviews`` (1,000 guests): five aspect ratings 1-5 as rated deliverables, the
  review as an inbound message (second variant), the guest's overall rating as the
  stated outcome (CSAT; satisfied = 4 or 5);
* ``csi_surveys/csibank`` (1,707 bank customers): image, expectation, quality and value
  ratings 0-10 as rated deliverables, overall satisfaction ``sat1`` 0-10 as the stated
  outcome (CSAT on a 0-10 scale; satisfied = 8 or more);
* ``generated`` (300 accounts of the sample portfolio's kind, from
  ``perception.examples.outcomes``): commitments, replies, changes and jargon; the
  customers' messages carry their tone in the second variant; a CSAT or NPS answer,
  and for some a renewal or churn, as the stated outcomes.

For each: AUC (satisfied vs not), Brier score and the band distribution of

* (a) the default score (score / 100 read as a probability for the Brier score);
* (b) the calibrated score, out of fold: ``perception.calibrate.cross_validate``;
* (c) the plain mean of the aspect ratings (csibank: of the six quality items; generated:
  the share of commitments delivered on time, the checklist view), rescaled to 0-1;
* (d) a logistic regression on the raw ratings (generated: on the raw facts), and
* (e) gradient boosting on the same, the black-box ceiling,

(d) and (e) on the same folds as (b), whole accounts per fold.  Then the targets: (a) no
more than 0.01 below (c) with ratings alone and above (c) with the text; (b) at least the
better of (c) and (d); the top-rated accounts in the top two bands under (a) and (b), the
worst in the bottom two.  For (a) and (b), the share of each
band's customers who said they were satisfied, and the default score at which a logistic
fit of the answers reaches each band's limit read as a probability (``--satisfied-from N``
runs it all with another lower limit of *satisfied*).  How the drivers read: how many go
against their signal's value, how many accounts' first driver goes against the score's
move, in how many the rest of the evidence is larger than every driver, and how many of the
drivers each signal's whole share would name (as the versions before measured drivers, from
the base rate) owe most of their share to there being such evidence, not to its value.  Finally
the calibration time (collecting the outcomes, then cross-validating and fitting) and the
assess throughput with the calibration loaded against without it, alternating over
``--repeats`` rounds (target: at most 10% slower).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from perception import (
    Account,
    Band,
    Customer,
    Deliverable,
    Expectation,
    Feedback,
    Interaction,
    Signal,
    assess,
    assess_many,
)
from perception.calibrate import (
    Observations,
    auc,
    brier,
    collect_observations,
    fit_calibration,
)
from perception.config import Config
from perception.errors import ConfigError
from perception.examples.outcomes import Facts, generate, satisfaction
from perception.text import message

ROOT = Path(__file__).resolve().parent.parent
BANDS = (Band.DELIGHTED, Band.SATISFIED, Band.NEUTRAL, Band.AT_RISK, Band.CRITICAL)
CONFIG = Config()


def shared_data() -> Path:
    folder = Path(os.environ.get("PERCEPTION_SHARED_DATA", ROOT.parent / "shared" / "data"))
    if not folder.is_dir():
        sys.exit(f"shared data not found at {folder}: set PERCEPTION_SHARED_DATA")
    return folder


@dataclass
class Case:
    """One data set in one variant: accounts, their raw features and the extremes."""

    name: str
    accounts: list[Account]
    raw: dict[str, list[float]]  # per account id: the raw features for (d) and (e)
    mean: dict[str, float]  # per account id: (c), in 0-1
    top: set[str]  # ids of the top-rated accounts
    worst: set[str]  # ids of the worst-rated accounts
    text: bool
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def read_rows(*parts: str) -> list[dict[str, str]]:
    path = shared_data().joinpath(*parts)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rated_account(
    customer: Customer,
    items: dict[str, tuple[str, str]],
    ratings: dict[str, float],
    *,
    scale: tuple[float, float],
    day: date,
    outcome: Feedback,
    messages: Sequence[Interaction] = (),
) -> Account:
    """A survey row as an account: each rated item an expectation on *scale*, each rating a
    deliverable, the stated outcome a feedback item (the public API, nothing else)."""
    return Account(
        customer=customer,
        expectations=[
            Expectation(id=k, dimension=dim, description=words, scale=scale)
            for k, (words, dim) in items.items()
        ],
        deliverables=[
            Deliverable(id=f"{k}-rating", expectation=k, delivered_at=day, level=v)
            for k, v in ratings.items()
        ],
        interactions=list(messages),
        feedback=[outcome],
    )


# -- hotel reviews ---------------------------------------------------------------------

HOTEL_ASPECTS = {
    "cleanliness": ("Cleanliness", "tangibles"),
    "value": ("Value for money", "reliability"),
    "location": ("Location", "tangibles"),
    "rooms": ("Rooms", "tangibles"),
    "sleep_quality": ("Sleep quality", "reliability"),
}


def hotel(*, text: bool) -> Case:
    rows = read_rows("hotel_reviews", "reviews.csv")
    accounts, raw, mean, top, worst = [], {}, {}, set(), set()
    for n, row in enumerate(rows):
        day = date.fromisoformat(row["post_date"])
        ratings = {k: float(row[k]) for k in HOTEL_ASPECTS}
        review = f"{row['title']}\n{row['text']}"
        account = rated_account(
            Customer(id=f"guest-{n:04d}", name=f"Guest {n}"),
            HOTEL_ASPECTS,
            ratings,
            scale=(1, 5),
            day=day,
            outcome=Feedback(id="overall", at=day, kind="csat", value=float(row["overall"])),
            messages=(
                [Interaction(id="review", at=day, direction="inbound", text=review)] if text else []
            ),
        )
        accounts.append(account)
        values = list(ratings.values())
        raw[account.id] = values + ([message(review).sentiment.compound] if text else [])
        mean[account.id] = (statistics.fmean(values) - 1.0) / 4.0
        if all(v == 5 for v in values):
            top.add(account.id)
        if all(v <= 2 for v in values):
            worst.add(account.id)
    return Case(
        name="hotel_reviews, ratings + review text" if text else "hotel_reviews, ratings alone",
        accounts=accounts,
        raw=raw,
        mean=mean,
        top=top,
        worst=worst,
        text=text,
        note="(c) mean of the 5 aspect ratings; (d), (e) on the 5 ratings"
        + (" + VADER compound of the review" if text else ""),
    )


# -- bank customers (csi_surveys) -----------------------------------------------------

BANK_ITEMS = {
    "imag1": ("Reputation", "assurance"),
    "imag2": ("Trustworthiness", "assurance"),
    "imag3": ("Solidity", "assurance"),
    "imag4": ("Innovation", "tangibles"),
    "imag5": ("Public affairs", "assurance"),
    "imag6": ("Caring about customers", "empathy"),
    "expe1": ("Expected fit to needs", "reliability"),
    "expe2": ("Expected customer service", "responsiveness"),
    "expe3": ("Expected solutions", "reliability"),
    "expe4": ("Expected overall quality", "reliability"),
    "qual1": ("Reliable products", "reliability"),
    "qual2": ("Range of products", "tangibles"),
    "qual3": ("Being informed", "communication"),
    "qual4": ("Personal advice", "empathy"),
    "qual5": ("Customer service", "responsiveness"),
    "qual6": ("Overall quality", "reliability"),
    "val1": ("Beneficial services", "reliability"),
    "val2": ("Valuable investments", "reliability"),
    "val3": ("Quality for the price", "reliability"),
    "val4": ("Price for the quality", "reliability"),
}
QUALITY = [f"qual{i}" for i in range(1, 7)]
SURVEY_DAY = date(2008, 6, 1)


def bank() -> Case:
    rows = read_rows("csi_surveys", "csibank.csv")
    accounts, raw, mean, top, worst = [], {}, {}, set(), set()
    for n, row in enumerate(rows):
        ratings = {k: float(row[k]) for k in BANK_ITEMS}
        account = rated_account(
            Customer(id=f"bank-{n:04d}", name=f"Bank customer {n}"),
            BANK_ITEMS,
            ratings,
            scale=(0, 10),
            day=SURVEY_DAY,
            outcome=Feedback(
                id="satisfaction",
                at=SURVEY_DAY,
                kind="csat",
                value=float(row["sat1"]),
                scale=(0, 10),
            ),
        )
        accounts.append(account)
        raw[account.id] = list(ratings.values())
        mean[account.id] = statistics.fmean(ratings[k] for k in QUALITY) / 10.0
        if all(v >= 9 for v in ratings.values()):
            top.add(account.id)
        if statistics.fmean(ratings.values()) <= 3.0:
            worst.add(account.id)
    return Case(
        name="csi_surveys (csibank), 20 ratings",
        accounts=accounts,
        raw=raw,
        mean=mean,
        top=top,
        worst=worst,
        text=False,
        note="(c) mean of the 6 quality items; (d), (e) on all 20 items; top: all 20 "
        "ratings 9 or 10; worst: mean of the 20 items 3 or less",
    )


# -- generated accounts of the sample portfolio's kind ------------------------------------


def _facts_row(facts: Facts) -> list[float]:
    delivered = [d for d in facts.lateness_days if not math.isinf(d)]
    replies = sorted(facts.reply_hours)
    return [
        statistics.fmean(delivered) if delivered else 0.0,
        float(sum(1 for d in delivered if d > 1.0)),
        float(sum(1 for d in facts.lateness_days if math.isinf(d))),
        statistics.median(replies) / facts.expected_hours,
        max(replies) / facts.expected_hours,
        float(facts.unconfirmed_changes),
        float(facts.confirmed_changes),
        facts.jargon_share,
        float(facts.escalated),
    ]


def _tone(account: Account) -> float:
    """The mean VADER compound of the customer's messages: what an analyst can read."""
    values = [message(m.text).sentiment.compound for m in account.interactions if m.inbound]
    return statistics.fmean(values) if values else 0.0


def generated(*, text: bool) -> Case:
    pairs = generate(300, seed=7, words=text)
    accounts, raw, mean = [], {}, {}
    quality: dict[str, float] = {}
    for account, facts in pairs:
        accounts.append(account)
        raw[account.id] = _facts_row(facts) + ([_tone(account)] if text else [])
        on_time = [d <= 1.0 for d in facts.lateness_days]
        mean[account.id] = sum(on_time) / len(on_time) if on_time else 1.0
        # How good the records are by the generator's own formula, before its noise.
        quality[account.id] = satisfaction(
            facts.lateness_days,
            facts.reply_hours,
            facts.expected_hours,
            facts.unconfirmed_changes,
            facts.jargon_share,
        )
    ranked = sorted(quality, key=lambda i: quality[i])
    tail = len(ranked) // 20
    escalated = {a.id for a in accounts if any(f.kind.value == "escalation" for f in a.feedback)}
    top = set([i for i in ranked if i not in escalated][-tail:])
    worst = set(ranked[:tail])
    return Case(
        name="generated portfolio, " + ("with the customers' words" if text else "records alone"),
        accounts=accounts,
        raw=raw,
        mean=mean,
        top=top,
        worst=worst,
        text=text,
        note=(
            "(c) share of commitments on time; (d), (e) on the raw facts (lateness, reply "
            "times against the expected, changes, jargon, escalation"
            + (", the mean VADER compound of the customer's messages" if text else "")
            + ") and the earlier stated answer; top and worst: the 5% of accounts whose "
            "records are best (and not escalated) and worst by the generator's formula, before "
            "its noise"
        ),
    )


# -- measuring ----------------------------------------------------------------------------


def band_counts(scores: Sequence[float], config: Config) -> Counter[Band]:
    return Counter(config.band(s) for s in scores)


def bands_text(counts: Counter[Band]) -> str:
    return " ".join(f"{counts.get(b, 0):>4}" for b in BANDS)


def said_satisfied(probabilities: np.ndarray, y: np.ndarray, config: Config) -> str:
    """The share of each band's customers who called themselves satisfied (how much the
    band's word can be trusted), with the band's count."""
    bands = [config.band(100.0 * p) for p in probabilities]
    parts = []
    for band in BANDS:
        chosen = [bool(said) for b, said in zip(bands, y, strict=True) if b is band]
        share = f"{sum(chosen) / len(chosen):.2f}" if chosen else "   -"
        parts.append(f"{band.value[:4]} {share} ({len(chosen)})")
    return ", ".join(parts)


def band_points(scores: np.ndarray, y: np.ndarray, config: Config) -> str:
    """The default score at which a logistic fit of the stated outcome on the score reaches
    each band's lower limit read as a probability (as the limits are read under a
    calibration): where the default's limits would lie if this set were the truth."""
    fit = LogisticRegression(C=1e6, max_iter=10_000).fit(scores.reshape(-1, 1), y)
    a, b = float(fit.intercept_[0]), float(fit.coef_[0][0])
    parts = []
    for band in BANDS[:-1]:
        p = config.bands[band] / 100.0
        parts.append(f"{band.value} {p:.0%} at {(math.log(p / (1 - p)) - a) / b:.1f}")
    return ", ".join(parts)


def pooled(probabilities: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    value = auc(list(probabilities), [not y for y in labels])
    assert value is not None
    return value, brier(list(probabilities), list(labels))


def fold_spread(probabilities: np.ndarray, labels: np.ndarray, folds: Sequence[np.ndarray]) -> str:
    values = [pooled(list(probabilities[f]), list(labels[f]))[0] for f in folds]
    return f"{statistics.fmean(values):.3f} +/- {statistics.stdev(values):.3f}"


def raw_matrix(case: Case, observations: Observations) -> np.ndarray:
    """Raw features per observation; an outcome stated after an earlier answer also gets
    that answer (the calibrated model sees it too)."""
    by_id = {a.id: a for a in case.accounts}
    rows = []
    for o in observations.items:
        earlier = [
            f.signed_value
            for f in by_id[o.account].feedback
            if f.satisfied is not None and f.at < o.at
        ]
        rows.append([*case.raw[o.account], earlier[-1] if earlier else 0.0])
    return np.array(rows, dtype=float)


def out_of_fold(
    make: Callable[[], object], x: np.ndarray, y: np.ndarray, folds: Sequence[np.ndarray]
) -> np.ndarray:
    predicted = np.zeros(len(y))
    everything = np.arange(len(y))
    for test in folds:
        train = np.setdiff1d(everything, test)
        model = make()
        model.fit(x[train], y[train])  # type: ignore[attr-defined]
        predicted[test] = model.predict_proba(x[test])[:, 1]  # type: ignore[attr-defined]
    return predicted


@dataclass
class Row:
    label: str
    probabilities: np.ndarray
    spread: str = ""

    def figures(self, y: np.ndarray) -> tuple[float, float]:
        return pooled(list(self.probabilities), list(y))


def run_case(
    case: Case, folds: int, seed: int, repeats: int, config: Config = CONFIG
) -> dict[str, object]:
    print(f"\n== {case.name}: {len(case.accounts)} accounts")
    print(f"   {case.note}")
    started = time.perf_counter()
    observations = collect_observations(case.accounts)
    collected = time.perf_counter() - started
    items = observations.items
    y = np.array([o.satisfied for o in items])
    groups = np.array([o.account for o in items])
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    fold_rows = [test for _, test in splitter.split(np.zeros(len(y)), y, groups)]
    print(f"   {len(items)} stated outcomes, {int(y.sum())} satisfied ({y.mean():.1%})")

    started = time.perf_counter()
    fitted = fit_calibration(observations, folds=folds, seed=seed)
    calibrating = time.perf_counter() - started
    validation = fitted.cross_validation

    x = raw_matrix(case, observations)
    rows = [
        Row("(a) default score", np.array([o.default_score / 100.0 for o in items])),
        Row("(b) calibrated, out of fold", np.array(validation.probabilities)),
        Row("(c) plain mean", np.array([case.mean[o.account] for o in items])),
        Row(
            "(d) logistic regression, raw",
            out_of_fold(lambda: LogisticRegression(max_iter=5000), x, y, fold_rows),
        ),
        Row(
            "(e) gradient boosting, raw",
            out_of_fold(lambda: HistGradientBoostingClassifier(random_state=seed), x, y, fold_rows),
        ),
    ]
    print(
        f"   {'':<30} {'AUC':>6}  {'per fold':>15}  {'Brier':>6}   bands: "
        + " ".join(f"{b.value[:4]:>4}" for b in BANDS)
    )
    figures: dict[str, tuple[float, float]] = {}
    for row in rows:
        a, b = row.figures(y)
        figures[row.label[:3]] = (a, b)
        spread = fold_spread(row.probabilities, y, fold_rows)
        counts = band_counts(list(100.0 * row.probabilities), config)
        print(f"   {row.label:<30} {a:6.3f}  {spread:>15}  {b:6.3f}   {bands_text(counts)}")

    for row in rows[:2]:
        print(
            f"   said satisfied, by band under {row.label[:3]}: "
            + said_satisfied(row.probabilities, y, config)
        )
    points = band_points(100.0 * rows[0].probabilities, y, config)
    print(f"   (a) where a fit of the outcomes on it gives each band's probability: {points}")

    index = {
        o.account: i
        for i, o in enumerate(items)
        if o.feedback in ("overall", "satisfaction", "survey")
    }
    checks = []
    a_auc, c_auc, d_auc, b_auc = (figures[k][0] for k in ("(a)", "(c)", "(d)", "(b)"))
    if case.text:
        checks.append(("(a) above (c) with the text", a_auc > c_auc, f"{a_auc:.3f} vs {c_auc:.3f}"))
    else:
        checks.append(("(a) >= (c) - 0.01", a_auc >= c_auc - 0.01, f"{a_auc:.3f} vs {c_auc:.3f}"))
    better = max(c_auc, d_auc)
    checks.append(("(b) >= max((c), (d))", b_auc >= better, f"{b_auc:.3f} vs {better:.3f}"))
    for label, ids, allowed in (
        ("top-rated in the top two bands", case.top, {Band.DELIGHTED, Band.SATISFIED}),
        ("worst in the bottom two bands", case.worst, {Band.AT_RISK, Band.CRITICAL}),
    ):
        chosen = [index[i] for i in sorted(ids) if i in index]
        for row in rows[:2]:
            got = Counter(config.band(100.0 * row.probabilities[i]) for i in chosen)
            ok = bool(chosen) and set(got) <= allowed
            checks.append(
                (f"{label} under {row.label[:3]}", ok, f"{len(chosen)} accounts: {bands_text(got)}")
            )
    print("   targets:")
    for label, ok, detail in checks:
        print(f"     [{'met' if ok else 'NOT MET'}] {label}: {detail}")

    words = driver_words(case.accounts, fitted.model)
    print(f"   drivers when the first outcome was stated, (b) fitted on all: {words}")
    throughput = measure_throughput(case.accounts, fitted.model, repeats)
    regularisation = fitted.model.metadata["regularisation"]
    inside = ", ".join(
        f"{_penalty(f['subjects'])}/{_penalty(f['curves'])}" for f in validation.folds
    )
    print(
        f"   calibration time: collecting {collected:.1f} s, cross-validation and fit "
        f"{calibrating:.1f} s ({fitted.model.metadata['features']} features, "
        f"C = {regularisation['C']:g}, subject features "
        f"{_penalty(regularisation['subjects'])}, value curves "
        f"{_penalty(regularisation['curves'])}; in the folds, subjects/curves: {inside})"
    )
    print(
        "   assess throughput, accounts per processor-second over {n} alternating rounds: "
        "without {w}, with the calibration {c}; slowdown {s} (target <= 10%)".format(**throughput)
    )
    return {"checks": checks, "figures": figures}


def _penalty(penalty: float | None) -> str:
    """A chosen penalty relative to the rest's: ``out`` (left out) or ``x4``."""
    return "out" if penalty is None else f"x{penalty:g}"


def driver_words(accounts: list[Account], model: object) -> str:
    """How the drivers read, without and with the calibration, each account as it was
    known when it first stated its outcome, without the outcome: how many of the shown
    drivers' points go against their signal's value (a negative message adding points),
    and how many accounts' first driver goes against the way the score moved from its
    baseline."""
    views, moments = [], []
    for account in accounts:
        stated = [f.at for f in account.feedback if f.satisfied is not None]
        if stated:
            moment = min(stated)
            view = account.as_of(moment)
            unstated = tuple(f for f in view.feedback if f.satisfied is None)
            views.append(attrs.evolve(view, feedback=unstated))
            moments.append(moment)
    plain = Config()
    parts = []
    split = hasattr(model, "_contributions")  # versions that measure from the neutral
    presence_named = presence_shown = 0
    for label, config in (("(a)", plain), ("(b)", attrs.evolve(plain, calibration=model))):
        shown = against = first_against = rest_largest = 0
        for view, moment in zip(views, moments, strict=True):
            outcome = assess(view, as_of=moment, config=config)
            if label == "(b)" and split:
                named, count = _named_for_presence(view, list(outcome.signals), model)
                presence_named += named
                presence_shown += count
            values = {s.explanation: s.value for s in outcome.signals}
            for driver in outcome.drivers:
                value = values.get(driver.text, 0.0)
                shown += 1
                against += abs(value) >= 0.05 and driver.impact * value < 0
            moved = outcome.score - outcome.baseline
            first_against += bool(outcome.drivers) and outcome.drivers[0].impact * moved < 0
            rest = moved - sum(d.impact for d in outcome.drivers)
            rest_largest += abs(rest) > max((abs(d.impact) for d in outcome.drivers), default=0)
        parts.append(
            f"{label} {against} of {shown} drivers against their signal's value, "
            f"{first_against} of {len(views)} first drivers against the score's move, "
            f"the rest larger than every driver in {rest_largest}"
        )
    if split:
        parts.append(
            f"(b) by each signal's whole share, {presence_named} of {presence_shown} drivers "
            "would be named mostly for their evidence's presence, not its value"
        )
    return "; ".join(parts)


def _named_for_presence(view: Account, signals: list[Signal], model: Any) -> tuple[int, int]:
    """Of the drivers each signal's whole share of the probability would name (as the
    versions before measured them, from the base rate), how many owe most of their share
    to there being such evidence (the share at a neutral value) rather than its value."""
    from perception.aggregate import _drivers  # noqa: PLC0415  # private, for this count

    total, presence = model._contributions(view, signals)
    prediction = model.predict(view, signals)
    named = 0
    drivers = _drivers(list(zip(prediction.points, signals, strict=True)))
    for driver in drivers:
        i = next(k for k, s in enumerate(signals) if s.explanation == driver.text)
        named += abs(presence[i]) > abs(total[i] - presence[i])
    return named, len(drivers)


def measure_throughput(accounts: list[Account], model: object, repeats: int) -> dict[str, str]:
    """Accounts per processor-second without and with the calibration, in short rounds that
    alternate which goes first; the best round of each (least disturbed by the other
    processes of a shared machine) and the median of the per-round ratios."""
    as_of = datetime(2026, 6, 1, tzinfo=timezone.utc)
    plain = Config()
    calibrated = attrs.evolve(plain, calibration=model)
    batch = accounts[:300]
    list(assess_many(batch, as_of=as_of, config=calibrated))  # warm the caches
    seconds: dict[str, list[float]] = {"without": [], "with": []}
    for round_ in range(repeats):
        order = [("without", plain), ("with", calibrated)]
        for label, config in order if round_ % 2 == 0 else order[::-1]:
            started = time.process_time()
            list(assess_many(batch, as_of=as_of, config=config))
            seconds[label].append(time.process_time() - started)
    ratios = [w / wo - 1.0 for wo, w in zip(seconds["without"], seconds["with"], strict=True)]
    best = min(seconds["with"]) / min(seconds["without"]) - 1.0
    # Quartiles need two rounds at least; one round has only its own ratio.
    if len(ratios) > 1:
        low, _, high = statistics.quantiles(ratios, n=4)
        spread = f"quartiles {low:+.1%} to {high:+.1%}"
    else:
        spread = "one round, no quartiles"
    return {
        "n": str(repeats),
        "w": f"{len(batch) / min(seconds['without']):.0f}",
        "c": f"{len(batch) / min(seconds['with']):.0f}",
        "s": f"{best:+.1%} best against best, {statistics.median(ratios):+.1%} median of "
        f"rounds ({spread})",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument(
        "--satisfied-from",
        type=float,
        default=None,
        help="Lowest score of the band 'satisfied' (default: the configuration's default).",
    )
    parser.add_argument(
        "--only", choices=("hotel", "bank", "generated"), help="Run one data set only."
    )
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, not {args.repeats}")
    config = CONFIG
    if args.satisfied_from is not None:
        try:
            config = Config.from_mapping(
                {"bands": {"satisfied": args.satisfied_from}}, source="--satisfied-from"
            )
        except ConfigError as exc:
            parser.error(str(exc))
    print(f"perception validity benchmark, {args.folds}-fold cross-validation, seed {args.seed}")
    print(
        "bands: delighted, satisfied, neutral, at risk, critical (counts); AUC pooled out of fold"
    )
    cases: list[Callable[[], Case]] = []
    if args.only in (None, "hotel"):
        cases += [lambda: hotel(text=False), lambda: hotel(text=True)]
    if args.only in (None, "bank"):
        cases.append(bank)
    if args.only in (None, "generated"):
        cases += [lambda: generated(text=False), lambda: generated(text=True)]
    missed = []
    for make in cases:
        case = make()
        result = run_case(case, args.folds, args.seed, args.repeats, config)
        missed += [f"{case.name}: {label}" for label, ok, _ in result["checks"] if not ok]  # type: ignore[union-attr]
    print("\nTargets not met:" if missed else "\nEvery target met.")
    for line in missed:
        print(f"  {line}")


if __name__ == "__main__":
    main()
