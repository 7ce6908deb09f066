"""``perception followups``: plan follow-ups."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from perception.cli._base import State, format_option, main, pass_state
from perception.cli._io import AWARE_DATETIME, interactions_option, path_argument, read_portfolio
from perception.engine import assess, plan_followups
from perception.io import dump_json
from perception.report import followups_table


@main.group("followups")
def followups_group() -> None:
    """Plan follow-ups so that nobody forgets to check back."""


@followups_group.command("plan")
@path_argument
@interactions_option
@click.option("--as-of", type=AWARE_DATETIME, help="Plan as of this time (default: now).")
@format_option("table", "json", default="table")
@pass_state
def plan_command(
    state: State, path: Path, interactions_csv: Path | None, as_of: datetime | None, fmt: str
) -> None:
    """Plan follow-ups for every account in PATH, by due date."""
    config, registry = state.config(), state.registry()
    plans = []
    for account in read_portfolio(path, interactions_csv):
        outcome = assess(account, as_of=as_of, config=config, plugins=registry)
        plans.append(plan_followups(account, outcome, config=config, plugins=registry))
    followups = sorted(
        (f for p in plans for f in p.followups), key=lambda f: (f.due, -f.priority.rank, f.key)
    )
    if fmt == "json":
        click.echo(dump_json(followups))
    else:
        click.echo(followups_table(followups))
