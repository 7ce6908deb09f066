"""Planning follow-ups for many accounts into a fresh ledger, then re-planning the same data.

Target (follow-up issue): the re-plan takes no more than 0.5x the time of the first plan,
since nothing new is written.  The accounts are synthetic and seeded.  Three phases are
timed separately, in the same run, because assessment is not the ledger's cost:

1. assess + plan every account (the engine, with every enabled plugin);
2. record the plans and outcomes into a fresh ledger file (one transaction, as
   ``perception followups plan --db`` does);
3. the same again: assess + plan, then record into the now full ledger.

and the ratio is reported for the ledger write alone and for the whole pipeline.

A fourth measure is the cost of auto-close: planning with the follow-ups planned two weeks
earlier as ``pending`` (each one no longer planned is judged by its policy's ``resolution``
method), against planning without them, alternately, ``--repeats`` times; the medians, their
ratio and the per-run ratios are printed.

    python benchmarks/followups.py [--accounts 10000] [--seed 7] [--batch 0] [--repeats 5]

The ledger writes are timed ``--repeats`` times (each time into a new file, then again
into that file) and the medians are reported, since other work on the machine makes a
single 0.2-second measurement noisy.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from perception import (
    Account,
    Customer,
    Deliverable,
    Expectation,
    Feedback,
    FollowUp,
    FollowUpPlan,
    Interaction,
    PerceivedOutcome,
    Stakeholder,
    assess,
    get_plugin_manager,
    get_registry,
    plan_followups,
)
from perception.plugins import Registry
from perception.store import Ledger, RecordCounts

AS_OF = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)

_INBOUND = [
    "Thanks, the new report looks great.",
    "Can you tell us when the migration is scheduled?",
    "The export is broken again and this is really frustrating.",
    "We are still waiting for an answer. This is unacceptable.",
    "Quick question about the invoice format.",
    "Everything works fine, thank you for the quick help!",
]
_OUTBOUND = [
    "Sorry about the trouble, we are on it and will update you by 3pm.",
    "Please resubmit the file in the required format.",
    "Here is the schedule for next week.",
    "Thanks for the feedback, we appreciate it.",
]


def synthetic_account(rng: random.Random, index: int) -> Account:
    """One seeded account with stakeholders, expectations, deliveries, messages, feedback."""
    account_id = f"acct-{index:05d}"
    people = [
        Stakeholder(id="exec", name=f"Exec {index}", role="CIO", seniority="executive"),
        Stakeholder(id="mgr", name=f"Manager {index}", seniority="manager"),
        Stakeholder(id="user", name=f"User {index}"),
    ]
    expectations = [
        Expectation(
            id="reply",
            dimension="responsiveness",
            adequate=24,
            desired=4,
            unit="hours",
            better="lower",
            kind="implicit",
            importance=0.7,
        ),
        Expectation(
            id="e1",
            dimension="reliability",
            description="Portal live",
            critical=True,
            due=AS_OF + timedelta(days=rng.randint(-30, 30)),
            confirmed_at=AS_OF - timedelta(days=60) if rng.random() < 0.5 else None,
            stakeholder="mgr",
        ),
        Expectation(id="e2", dimension="tangibles", description="Monthly report"),
    ]
    deliverables = []
    if rng.random() < 0.6:
        delivered = AS_OF - timedelta(days=rng.uniform(1, 40))
        accepted = delivered + timedelta(days=2) if rng.random() < 0.5 else None
        if accepted is not None and accepted > AS_OF:
            accepted = None
        deliverables.append(
            Deliverable(id="d1", expectation="e1", delivered_at=delivered, accepted_at=accepted)
        )
    interactions = []
    moment = AS_OF - timedelta(days=rng.uniform(20, 60))
    for n in range(rng.randint(0, 6)):
        moment += timedelta(hours=rng.uniform(2, 120))
        if moment > AS_OF:
            break
        inbound = n % 2 == 0
        interactions.append(
            Interaction(
                id=f"m{n}",
                at=moment,
                direction="inbound" if inbound else "outbound",
                author=rng.choice(["exec", "mgr", "user"]) if inbound else "owner",
                text=rng.choice(_INBOUND if inbound else _OUTBOUND),
                in_reply_to=f"m{n - 1}" if not inbound else None,
            )
        )
    feedback = []
    if rng.random() < 0.3:
        kind = rng.choice(["csat", "nps", "escalation", "complaint", "praise"])
        value = {"csat": rng.randint(1, 5), "nps": rng.randint(0, 10)}.get(kind)
        feedback.append(
            Feedback(
                id="f1",
                at=AS_OF - timedelta(days=rng.uniform(0, 20)),
                kind=kind,
                value=value,
                author=rng.choice(["exec", "mgr", "user"]),
            )
        )
    return Account(
        customer=Customer(id=account_id, name=f"Customer {index}", stakeholders=people),
        expectations=expectations,
        deliverables=deliverables,
        interactions=interactions,
        feedback=feedback,
        owner="owner",
    )


def assess_and_plan(
    accounts: list[Account],
    registry: Registry,
    as_of: datetime = AS_OF,
    pending: dict[str, list[FollowUp]] | None = None,
) -> tuple[list[PerceivedOutcome], list[FollowUpPlan], float]:
    start = time.perf_counter()
    outcomes, plans = [], []
    for account in accounts:
        outcome = assess(account, as_of=as_of, plugins=registry)
        outcomes.append(outcome)
        if pending is None:
            plans.append(plan_followups(account, outcome, plugins=registry))
        else:
            earlier = pending.get(account.id, [])
            plans.append(plan_followups(account, outcome, plugins=registry, pending=earlier))
    return outcomes, plans, time.perf_counter() - start


def auto_close(accounts: list[Account], registry: Registry, repeats: int) -> None:
    """Planning with two-week-old follow-ups as pending against planning without them."""
    _, earlier, _ = assess_and_plan(accounts, registry, as_of=AS_OF - timedelta(days=14))
    pending: dict[str, list[FollowUp]] = {}
    for plan in earlier:
        pending.setdefault(plan.account, []).extend(plan.followups)
    without, with_pending, resolved = [], [], 0
    for _ in range(repeats):
        gc.collect()
        without.append(assess_and_plan(accounts, registry)[2])
        gc.collect()
        _, plans, seconds = assess_and_plan(accounts, registry, pending=pending)
        with_pending.append(seconds)
        resolved = sum(len(p.resolved) for p in plans)
    plain, judged = statistics.median(without), statistics.median(with_pending)
    ratios = sorted(b / a for a, b in zip(without, with_pending, strict=True))
    print()
    print(
        f"auto-close: {sum(len(v) for v in pending.values())} pending follow-ups, "
        f"{resolved} resolved; assess + plan {plain:.2f}s without, {judged:.2f}s with "
        f"pending (median of {repeats}): {judged / plain:.2f}x "
        f"(per run {' '.join(f'{r:.2f}' for r in ratios)})"
    )


def record(
    path: Path, plans: list[FollowUpPlan], outcomes: list[PerceivedOutcome], batch: int
) -> tuple[float, RecordCounts | str]:
    start = time.perf_counter()
    with Ledger.open(path) as ledger:
        if batch <= 0:
            counts: RecordCounts | str = ledger.record(plans, outcomes=outcomes)
        else:
            totals = [0, 0, 0]
            for first in range(0, len(plans), batch):
                part = ledger.record(
                    plans[first : first + batch], outcomes=outcomes[first : first + batch]
                )
                totals[0] += part.new
                totals[1] += part.updated
                totals[2] += part.unchanged
            counts = f"new={totals[0]} updated={totals[1]} unchanged={totals[2]}"
    return time.perf_counter() - start, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--batch", type=int, default=0, help="accounts per transaction (0: one transaction)"
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help="ledger writes timed per phase (median reported)"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    accounts = [synthetic_account(rng, i) for i in range(args.accounts)]
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    assess_and_plan(accounts[:50], registry)  # warm up: nltk, the lexicon

    gc.collect()
    outcomes, plans, plan1 = assess_and_plan(accounts, registry)
    gc.collect()
    outcomes2, plans2, plan2 = assess_and_plan(accounts, registry)
    rows = sum(len(p.followups) for p in plans)
    firsts, seconds = [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.repeats):
            path = Path(folder) / f"ledger-{run}.db"
            gc.collect()
            write1, counts1 = record(path, plans, outcomes, args.batch)  # a fresh ledger
            gc.collect()
            write2, counts2 = record(path, plans2, outcomes2, args.batch)  # the same data again
            firsts.append(write1)
            seconds.append(write2)
            size = path.stat().st_size
    write1, write2 = statistics.median(firsts), statistics.median(seconds)

    first, second = plan1 + write1, plan2 + write2
    print(
        f"accounts: {args.accounts}  follow-ups: {rows}  outcomes: {len(outcomes)}  "
        f"seed: {args.seed}  batch: {args.batch or 'all'}  ledger runs: {args.repeats}"
    )
    print(f"ledger file: {size / 1e6:.1f} MB")
    print()
    print(f"{'phase':<34}{'first plan':>12}{'re-plan':>12}{'ratio':>8}")
    print(f"{'assess + plan (engine)':<34}{plan1:>11.2f}s{plan2:>11.2f}s{plan2 / plan1:>8.2f}")
    print(
        f"{'record into the ledger (median)':<34}{write1:>11.3f}s{write2:>11.3f}s"
        f"{write2 / write1:>8.2f}"
    )
    pairs = sorted(b / a for a, b in zip(firsts, seconds, strict=True))
    print(f"{'  per run':<34}{'':>24}  {' '.join(f'{r:.2f}' for r in pairs)}")
    print(f"{'whole pipeline':<34}{first:>11.2f}s{second:>11.2f}s{second / first:>8.2f}")
    print()
    print(
        f"ledger write, first plan: {rows / write1:,.0f} follow-ups/s "
        f"({(rows + len(outcomes)) / write1:,.0f} rows/s with outcomes)  {counts1}"
    )
    print(f"ledger write, re-plan:    {rows / write2:,.0f} follow-ups/s  {counts2}")
    print(f"engine:                   {args.accounts / plan1:,.0f} accounts/s")
    share = plan1 / first
    ratio = write2 / write1
    print()
    print(
        f"target: re-plan <= 0.5x the first plan. ledger alone: {ratio:.2f}x "
        f"({'met' if ratio <= 0.5 else 'NOT met'}); whole pipeline: {second / first:.2f}x "
        f"(assessment is {share:.0%} of the first plan and is redone in full on a re-plan)."
    )
    auto_close(accounts, registry, args.repeats)


if __name__ == "__main__":
    main()
