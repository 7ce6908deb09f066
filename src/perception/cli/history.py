"""``perception changes`` and ``perception history``: how outcomes moved, and why."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from perception.cli._base import format_option, main
from perception.cli._when import WHEN
from perception.history import HistoryPoint, OutcomeChange, compare
from perception.notify import webhook_payload
from perception.report import terminal_safe
from perception.store import Ledger

__all__ = ["changes_command", "history_command"]

_db = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="PERCEPTION_LEDGER",
    show_envvar=True,
    required=True,
    help="The ledger file (SQLite) that assess --db or followups plan --db recorded into.",
)


def _change_json(change: OutcomeChange) -> dict[str, Any]:
    data = webhook_payload(change)
    del data["event"]
    data["delta"] = round(change.delta, 2)
    data["band_changed"] = change.band_changed
    return data


@main.command("changes")
@click.option(
    "--since",
    type=WHEN,
    required=True,
    help="Compare with the last assessment at or before this time ('yesterday', '-7d', a date).",
)
@click.option("--until", type=WHEN, help="Compare the last assessment up to this time.")
@click.option(
    "--min-change",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Leave out accounts whose band held and whose score moved less than this.",
)
@click.option("--band-only", is_flag=True, help="Only accounts whose band changed.")
@_db
@format_option("text", "json", default="text")
def changes_command(
    since: datetime,
    until: datetime | None,
    min_change: float,
    band_only: bool,
    db: Path,
    fmt: str,
) -> None:
    """Accounts whose band or score moved since a time, and the drivers that moved them.

    Each account's last assessment recorded in the ledger is compared with its last one
    at or before --since, worst first:

        brightpath 31 to 28 (at risk): new driver: Dana Whitfield (CIO) escalated on 14 April

    A driver is new when no earlier driver came from the same scorer and the same
    records; 'no longer' names the drivers that went.
    """
    with Ledger.open(db, create=False) as ledger:
        found = ledger.changes(since, until=until, min_change=min_change)
    if band_only:
        found = [c for c in found if c.band_changed]
    if fmt == "json":
        click.echo(json.dumps([_change_json(c) for c in found], indent=2, ensure_ascii=False))
    elif not found:
        click.echo(f"No account moved since {since.isoformat()}.")
    else:
        click.echo(terminal_safe("\n".join(c.describe() for c in found)))


def _history_rows(points: Sequence[HistoryPoint]) -> list[str]:
    lines = [f"{'AS OF':<10}  {'SCORE':>5}  {'BAND':<9}  {'CHANGE':>6}  WHY"]
    previous: HistoryPoint | None = None
    for point in points:
        change = compare(previous, point, min_change=0.0)
        delta = f"{point.score - previous.score:+6.1f}" if previous is not None else "     -"
        if change is not None and change.new_drivers:
            why = "new: " + "; ".join(d.text.rstrip(".") for d in change.new_drivers)
        elif point.drivers:
            why = "top: " + point.drivers[0].text
        else:
            why = "-"
        lines.append(
            f"{point.as_of.date().isoformat():<10}  {point.score:5.1f}  {point.band.value:<9}  "
            f"{delta}  {' '.join(why.split())[:110]}"
        )
        previous = point
    return lines


@main.command("history")
@click.argument("account")
@click.option("--since", type=WHEN, help="Only assessments from this time on.")
@_db
@format_option("text", "json", default="text")
def history_command(account: str, since: datetime | None, db: Path, fmt: str) -> None:
    """The outcome history of ACCOUNT: each recorded assessment, and what changed.

    Every 'perception assess --db' and 'perception followups plan --db' run records each
    account's outcome with its drivers.
    """
    with Ledger.open(db, create=False) as ledger:
        points = ledger.history(account, since=since)
    if fmt == "json":
        rows = [
            {
                "as_of": p.as_of.isoformat(),
                "score": p.score,
                "band": p.band.value,
                "confidence": p.confidence,
                "drivers": [d.text for d in p.drivers],
            }
            for p in points
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not points:
        click.echo(f"No assessment of {account!r} in {db}.")
    else:
        click.echo(terminal_safe("\n".join([account, *_history_rows(points)])))
