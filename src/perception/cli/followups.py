"""``perception followups``: plan follow-ups and keep them in a ledger until done."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import click

from perception.cli._base import State, format_option, main, pass_state
from perception.cli._io import AWARE_DATETIME, interactions_option, path_argument, read_portfolio
from perception.engine import assess, plan_followups
from perception.io import dump_json
from perception.outcome import FollowUp, FollowUpPlan, PerceivedOutcome
from perception.report import followups_table
from perception.store import Ledger, LedgerEntry, Status

__all__ = ["LEDGER_ENV", "entries_table", "followups_group"]

#: Environment variable naming the ledger file when ``--db`` is not given.
LEDGER_ENV = "PERCEPTION_LEDGER"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


F = TypeVar("F", bound=Callable[..., Any])


def _db_option(*, required: bool) -> Callable[[F], F]:
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=LEDGER_ENV,
        show_envvar=True,
        required=required,
        help="The ledger file (SQLite)."
        + (" Without it, the plan is printed and not kept." if not required else ""),
    )


@main.group("followups")
def followups_group() -> None:
    """Plan follow-ups and keep them in a ledger so that none is lost or repeated.

    Plan into a ledger with 'plan PATH --db FILE' (as often as you like: nothing is
    recorded twice), see what is due with 'list', and close with 'done', 'dismiss'
    or 'snooze'.
    """


def _plan_all(
    state: State, path: Path, interactions_csv: Path | None, as_of: datetime | None
) -> tuple[list[PerceivedOutcome], list[FollowUpPlan]]:
    config, registry = state.config(), state.registry()
    as_of = as_of or datetime.now(timezone.utc)
    outcomes, plans = [], []
    for account in read_portfolio(path, interactions_csv):
        outcome = assess(account, as_of=as_of, config=config, plugins=registry)
        outcomes.append(outcome)
        plans.append(plan_followups(account, outcome, config=config, plugins=registry))
    return outcomes, plans


def _report_failures(plans: Sequence[FollowUpPlan]) -> None:
    for plan in plans:
        for failure in plan.failures:
            click.echo(
                f"perception: warning: {plan.account}: {failure.kind} {failure.plugin!r} "
                f"failed: {failure.error}",
                err=True,
            )


@followups_group.command("plan")
@path_argument
@interactions_option
@click.option("--as-of", type=AWARE_DATETIME, help="Plan as of this time (default: now).")
@_db_option(required=False)
@format_option("table", "json", default="table")
@pass_state
def plan_command(
    state: State,
    path: Path,
    interactions_csv: Path | None,
    as_of: datetime | None,
    db: Path | None,
    fmt: str,
) -> None:
    """Plan follow-ups for every account in PATH (JSON or JSONL).

    Without --db, print the plan by due date.  With --db, record the follow-ups and the
    assessed outcomes in the ledger, in one transaction, and print what changed:
    re-planning the same data records nothing new, and a follow-up already done stays
    done.
    """
    outcomes, plans = _plan_all(state, path, interactions_csv, as_of)
    _report_failures(plans)
    followups: list[FollowUp] = sorted(
        (f for p in plans for f in p.followups), key=lambda f: (f.due, -f.priority.rank, f.key)
    )
    if db is None:
        click.echo(dump_json(followups) if fmt == "json" else followups_table(followups))
        return
    with Ledger.open(db) as ledger:
        counts = ledger.record(plans, outcomes=outcomes)
    if fmt == "json":
        summary = {
            "db": str(db),
            "accounts": len(plans),
            "followups": counts.total,
            "new": counts.new,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "outcomes": counts.outcomes,
        }
        click.echo(json.dumps(summary, indent=2))
    else:
        click.echo(
            f"{db}: {counts.total} follow-ups for {len(plans)} accounts: {counts.new} new, "
            f"{counts.updated} updated, {counts.unchanged} unchanged."
        )


def _clean(text: str, width: int | None = None) -> str:
    text = " ".join(_CONTROL.sub(" ", text).split())
    if width is not None and len(text) > width:
        text = text[: width - 1] + "\u2026"
    return text


def _entry_json(entry: LedgerEntry) -> dict[str, Any]:
    def stamp(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    item = entry.followup
    return {
        "key": entry.key,
        "account": item.account,
        "policy": item.policy,
        "status": entry.status.value,
        "due": entry.due.isoformat(),
        "planned_due": item.due.isoformat(),
        "priority": item.priority.value,
        "action": item.action,
        "reason": item.reason,
        "evidence": list(item.evidence),
        "created_at": stamp(entry.created_at),
        "updated_at": stamp(entry.updated_at),
        "closed_at": stamp(entry.closed_at),
        "closed_by": entry.closed_by,
        "snoozed_until": stamp(entry.snoozed_until),
    }


def entries_table(entries: Sequence[LedgerEntry], *, action_width: int = 80) -> str:
    """A plain-text table of ledger entries: due, status, priority, account, action."""
    if not entries:
        return "No follow-ups."
    width = max(len(_clean(e.account, 30)) for e in entries)
    lines = [f"{'DUE':<10}  {'STATUS':<9}  {'PRIORITY':<8}  {'ACCOUNT':<{width}}  ACTION"]
    pad = " " * (10 + 2 + 9 + 2 + 8 + 2 + width + 2)
    for entry in entries:
        item = entry.followup
        lines.append(
            f"{entry.due.date().isoformat():<10}  {entry.status.value:<9}  "
            f"{item.priority.value:<8}  {_clean(item.account, 30):<{width}}  "
            f"{_clean(item.action, action_width)}"
        )
        lines.append(f"{pad}why: {_clean(item.reason, action_width)}")
        lines.append(f"{pad}key: {_clean(entry.key)}")
    return "\n".join(lines)


_STATUS_CHOICES = [s.value for s in Status] + ["all"]


@followups_group.command("list")
@_db_option(required=True)
@click.option("--due-before", type=AWARE_DATETIME, help="Only those due before this time.")
@click.option("--account", "account_id", help="Only this account's follow-ups.")
@click.option("--policy", help="Only those planned by this policy.")
@click.option(
    "--status",
    "statuses",
    type=click.Choice(_STATUS_CHOICES),
    multiple=True,
    help="Only these statuses (repeat the option; default: open and snoozed).",
)
@format_option("table", "json", default="table")
def list_command(
    db: Path,
    due_before: datetime | None,
    account_id: str | None,
    policy: str | None,
    statuses: tuple[str, ...],
    fmt: str,
) -> None:
    """List the follow-ups in the ledger by due date (a snoozed one when its snooze ends)."""
    wanted: list[Status] | None = None
    if statuses:
        wanted = list(Status) if "all" in statuses else [Status(s) for s in statuses]
    with Ledger.open(db, create=False) as ledger:
        entries = ledger.list(
            due_before=due_before, account=account_id, status=wanted, policy=policy
        )
    if fmt == "json":
        click.echo(json.dumps([_entry_json(e) for e in entries], indent=2, ensure_ascii=False))
    else:
        click.echo(entries_table(entries))


def _show(entry: LedgerEntry) -> None:
    extra = ""
    if entry.closed_by:
        extra = f" by {entry.closed_by}"
    if entry.snoozed_until is not None:
        extra = f" until {entry.snoozed_until.isoformat()}"
    click.echo(f"{_clean(entry.key)}: {entry.status.value}{extra}")


@followups_group.command("done")
@click.argument("key")
@_db_option(required=True)
@click.option("--by", help="Who did it.")
def done_command(key: str, db: Path, by: str | None) -> None:
    """Mark the follow-up KEY done (doing it twice changes nothing)."""
    with Ledger.open(db, create=False) as ledger:
        _show(ledger.done(key, by=by))


@followups_group.command("dismiss")
@click.argument("key")
@_db_option(required=True)
@click.option("--by", help="Who decided it will not be done.")
def dismiss_command(key: str, db: Path, by: str | None) -> None:
    """Dismiss the follow-up KEY: it will not be done, and planning will not revive it."""
    with Ledger.open(db, create=False) as ledger:
        _show(ledger.dismiss(key, by=by))


@followups_group.command("snooze")
@click.argument("key")
@click.option(
    "--until", type=AWARE_DATETIME, required=True, help="When it is due again (date or time)."
)
@_db_option(required=True)
def snooze_command(key: str, until: datetime, db: Path) -> None:
    """Put the follow-up KEY off until a date; it is listed as due again from then."""
    with Ledger.open(db, create=False) as ledger:
        _show(ledger.snooze(key, until=until))


@followups_group.command("reopen")
@click.argument("key")
@_db_option(required=True)
def reopen_command(key: str, db: Path) -> None:
    """Make a done, dismissed or snoozed follow-up KEY open again."""
    with Ledger.open(db, create=False) as ledger:
        _show(ledger.reopen(key))
