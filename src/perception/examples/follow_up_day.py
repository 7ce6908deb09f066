"""A day of follow-ups: plan into a SQLite ledger, do some, re-plan.

Run it: ``python -m perception.examples.follow_up_day [LEDGER_FILE]``.

Without an argument the ledger lives in a temporary folder and is removed at the end.
Re-planning the same portfolio adds nothing: every follow-up has a stable key, and a
follow-up marked done stays done.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import perception
from perception.examples import SAMPLE_AS_OF, sample_portfolio
from perception.store import Ledger


def plan_portfolio(ledger: Ledger) -> perception.PerceivedOutcome | None:
    """Assess and plan every sample account into *ledger*; print what was recorded."""
    plans, outcomes = [], []
    for account in sample_portfolio():
        outcome = perception.assess(account, as_of=SAMPLE_AS_OF)
        outcomes.append(outcome)
        plans.append(perception.plan_followups(account, outcome))
    counts = ledger.record(plans, outcomes=outcomes)
    print(f"  recorded: {counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged")
    return min(outcomes, key=lambda o: o.score, default=None)


def show(ledger: Ledger, limit: int = 6) -> None:
    """Print the open follow-ups, most urgent first."""
    entries = sorted(ledger.list(), key=lambda e: (-e.followup.priority.rank, e.due))
    print(f"  {len(entries)} open follow-ups; the {min(limit, len(entries))} most urgent:")
    for entry in entries[:limit]:
        f = entry.followup
        print(f"    {f.priority.value:<7} due {entry.due:%d %b}  {f.account:<24} {f.action}")


def run(path: Path) -> None:
    """Plan, close some, re-plan, and show that nothing was lost or repeated."""
    with Ledger.open(path) as ledger:
        print(f"Morning, {SAMPLE_AS_OF:%A %d %B %Y}: plan the portfolio into {path.name}")
        plan_portfolio(ledger)
        show(ledger)

        # The account owner works through the two most urgent follow-ups.
        urgent = sorted(ledger.list(), key=lambda e: (-e.followup.priority.rank, e.due))[:2]
        for entry in urgent:
            ledger.done(entry.key, by="Sam Keller")
            print(f"  done: {entry.key}")
        if len(urgent) > 1:
            later = SAMPLE_AS_OF + timedelta(days=3)
            third = ledger.list()[0]
            ledger.snooze(third.key, until=later)
            print(f"  snoozed until {later:%d %b}: {third.key}")

        print("\nAfternoon: plan again with the same data")
        plan_portfolio(ledger)
        show(ledger)
        done = ledger.list(status="done")
        print(f"  still done: {len(done)} ({', '.join(e.key for e in done)})")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            run(Path(folder) / "ledger.db")
