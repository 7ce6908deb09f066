"""``perception assess``: perceived outcomes of a portfolio."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from perception.cli._base import EXIT_FAILED, State, fail, format_option, main, pass_state
from perception.cli._io import AWARE_DATETIME, interactions_option, path_argument, read_portfolio
from perception.engine import assess_many
from perception.io import dump_json
from perception.report import account_text, portfolio_table


@main.command("assess")
@path_argument
@interactions_option
@click.option("--as-of", type=AWARE_DATETIME, help="Assess as of this time (default: now).")
@click.option("--account", "account_id", help="Explain this one account in full.")
@format_option("table", "json", default="table")
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Processes to use."
)
@click.option(
    "--fail-under", type=click.FloatRange(0, 100), help="Exit 1 when any account scores below this."
)
@pass_state
def assess_command(
    state: State,
    path: Path,
    interactions_csv: Path | None,
    as_of: datetime | None,
    account_id: str | None,
    fmt: str,
    workers: int,
    fail_under: float | None,
) -> None:
    """Assess every account in PATH (JSON or JSONL) and list them, worst first.

    With --account, explain that account: its drivers, dimensions and findings.
    """
    accounts = read_portfolio(path, interactions_csv)
    if account_id is not None:
        accounts = [a for a in accounts if a.id == account_id]
        if not accounts:
            fail(f"{path}: no account with id {account_id!r}")
    outcomes = list(
        assess_many(
            accounts, workers=workers, as_of=as_of, config=state.config(), plugins=state.registry()
        )
    )
    if fmt == "json":
        click.echo(dump_json(outcomes if account_id is None else outcomes[0]))
    elif account_id is not None:
        click.echo(account_text(outcomes[0]))
    else:
        click.echo(portfolio_table(outcomes))
    if fail_under is not None and any(o.score < fail_under for o in outcomes):
        raise click.exceptions.Exit(EXIT_FAILED)
