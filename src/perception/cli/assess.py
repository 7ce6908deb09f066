"""``perception assess``: perceived outcomes of a portfolio."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import attrs
import click

from perception.batch import assess_many, trajectory
from perception.calibration import load_calibration
from perception.cli._base import EXIT_FAILED, State, fail, format_option, main, pass_state
from perception.cli._io import AWARE_DATETIME, interactions_option, path_argument, read_portfolio
from perception.config import Config
from perception.io import dump_json
from perception.report import (
    account_markdown,
    account_text,
    portfolio_html,
    portfolio_markdown,
    portfolio_table,
    risk_order,
)


def _calibrated(config: Config, path: Path | None) -> Config:
    """*config* with the calibration file *path* in place of its own, if one is given."""
    if path is None:
        return config
    return attrs.evolve(config, calibration=load_calibration(path))


@main.command("assess")
@path_argument
@interactions_option
@click.option("--as-of", type=AWARE_DATETIME, help="Assess as of this time (default: now).")
@click.option("--account", "account_id", help="Explain this one account in full.")
@format_option("table", "json", "markdown", "html", default="table")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--trend-points",
    type=click.IntRange(min=0, max=52),
    default=8,
    show_default=True,
    help="Points of each account's score trajectory in the HTML report (0: none).",
)
@click.option(
    "--trend-days",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="Days of history the HTML trajectory covers.",
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Processes to use."
)
@click.option(
    "--fail-under", type=click.FloatRange(0, 100), help="Exit 1 when any account scores below this."
)
@click.option(
    "--calibration",
    "calibration_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Calibration file from `perception calibrate` (default: the configuration's "
    "`calibration`, if any); scores become calibrated probabilities.",
)
@pass_state
def assess_command(
    state: State,
    path: Path,
    interactions_csv: Path | None,
    as_of: datetime | None,
    account_id: str | None,
    fmt: str,
    out_path: Path | None,
    trend_points: int,
    trend_days: float,
    workers: int,
    fail_under: float | None,
    calibration_path: Path | None,
) -> None:
    """Assess every account in PATH (JSON or JSONL) and list them, most at risk first.

    The table shows each account's score (0-100), band, confidence and top driver.
    With --account, explain that account: its diagnosis, drivers, dimensions and
    findings.  --format html writes one self-contained page with each account's score
    trajectory over time.  With a calibration, each score is the calibrated probability
    (%) that the customer calls themselves satisfied, and the report says so.
    """
    accounts = read_portfolio(path, interactions_csv)
    if account_id is not None:
        accounts = [a for a in accounts if a.id == account_id]
        if not accounts:
            fail(f"{path}: no account with id {account_id!r}")
    as_of = as_of or datetime.now(timezone.utc)
    config, registry = _calibrated(state.config(), calibration_path), state.registry()
    outcomes = list(
        assess_many(accounts, workers=workers, as_of=as_of, config=config, plugins=registry)
    )
    single = account_id is not None
    if fmt == "json":
        output = dump_json(outcomes[0] if single else risk_order(outcomes))
    elif fmt == "markdown":
        output = (
            account_markdown(outcomes[0])
            if single
            else "\n\n".join(
                [
                    "# Perceived outcomes",
                    portfolio_markdown(outcomes),
                    *(account_markdown(o) for o in risk_order(outcomes)),
                ]
            )
        )
    elif fmt == "html":
        trends = {}
        if trend_points:
            trends = {
                a.id: trajectory(
                    a,
                    as_of=as_of,
                    points=trend_points,
                    span_days=trend_days,
                    config=config,
                    plugins=registry,
                )
                for a in accounts
            }
        output = portfolio_html(
            outcomes,
            trajectories=trends,
            title=f"Perceived outcomes: {path.name}",
            calibration=config.calibration,
        )
    elif single:
        output = account_text(outcomes[0])
    else:
        output = portfolio_table(outcomes)
    if out_path is not None:
        try:
            out_path.write_text(output + "\n", encoding="utf-8")
        except OSError as exc:
            fail(f"{out_path}: cannot write: {exc.strerror or exc}")
        click.echo(f"Wrote {len(outcomes)} assessed accounts to {out_path}", err=True)
    else:
        click.echo(output)
    if fail_under is not None and any(o.score < fail_under for o in outcomes):
        raise click.exceptions.Exit(EXIT_FAILED)
