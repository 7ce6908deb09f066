"""``perception followups``: plan follow-ups and keep them in a ledger a team works from."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import attrs
import click

from perception.cli._base import State, format_option, main, pass_state
from perception.cli._io import interactions_option, path_argument, read_portfolio
from perception.cli._ledger import record_and_notify, webhook_option
from perception.cli._when import WHEN, local_now, start_of_day
from perception.engine import assess, plan_followups
from perception.io import dump_json
from perception.model import Account
from perception.outcome import FollowUp, FollowUpPlan, PerceivedOutcome
from perception.report import followups_table
from perception.store import Ledger, LedgerEntry, Note, Status

__all__ = ["LEDGER_ENV", "OWNER_ENV", "entries_table", "followups_group"]

#: Environment variable naming the ledger file when ``--db`` is not given.
LEDGER_ENV = "PERCEPTION_LEDGER"
#: Environment variable naming "me" for ``followups today`` and ``list --owner``.
OWNER_ENV = "PERCEPTION_OWNER"

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


_KEY_HELP = "KEY is the follow-up's key or its short id (the ID column of 'list')."


def _key_argument(func: F) -> F:
    return click.argument("key", metavar="KEY|ID")(func)


def _as_of_option(what: str) -> Callable[[F], F]:
    return click.option(
        "--as-of",
        type=WHEN,
        help=f"{what} (default: now); a date or words such as 'today', '+3d', 'monday'.",
    )


@main.group("followups")
def followups_group() -> None:
    """Plan follow-ups and keep them in a ledger a team works from.

    Plan into a ledger with 'plan PATH --db FILE' every morning (nothing is recorded
    twice, and what no longer holds is closed as resolved), see what is yours today with
    'today', everything with 'list', and close with 'done', 'dismiss' or 'snooze'.
    Every follow-up has a short id: 'done 12' works as well as 'done KEY'.
    """


def _plan_all(
    state: State,
    accounts: Sequence[Account],
    as_of: datetime,
    pending: dict[str, list[FollowUp]],
    owner: str | None,
) -> tuple[list[PerceivedOutcome], list[FollowUpPlan]]:
    config, registry = state.config(), state.registry()
    outcomes, plans = [], []
    for account in accounts:
        outcome = assess(account, as_of=as_of, config=config, plugins=registry)
        outcomes.append(outcome)
        plan = plan_followups(
            account, outcome, config=config, plugins=registry, pending=pending.get(account.id, ())
        )
        if owner:  # the default owner of an account that names none
            plan = attrs.evolve(
                plan,
                followups=[f if f.owner else attrs.evolve(f, owner=owner) for f in plan.followups],
            )
        plans.append(plan)
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
@_as_of_option("Plan as of this time")
@_db_option(required=False)
@click.option(
    "--owner",
    help="Owner of the follow-ups of accounts that name no owner of their own.",
)
@click.option(
    "--resolve/--no-resolve",
    default=True,
    show_default=True,
    help="Close open follow-ups whose situation no longer holds as resolved.",
)
@webhook_option
@format_option("table", "json", default="table")
@pass_state
def plan_command(
    state: State,
    path: Path,
    interactions_csv: Path | None,
    as_of: datetime | None,
    db: Path | None,
    owner: str | None,
    resolve: bool,
    webhook: str | None,
    fmt: str,
) -> None:
    """Plan follow-ups for every account in PATH (JSON or JSONL).

    Without --db, print the plan by due date.  With --db, record the follow-ups and the
    assessed outcomes in the ledger, in one transaction, and print what changed:
    re-planning the same data records nothing new, a follow-up already done stays done,
    and an open follow-up whose situation no longer holds (the question was answered,
    the point confirmed, the silence broken) is closed as resolved, with the reason.
    Each follow-up's owner is its account's owner, else --owner.  Each account's
    outcome is kept with its drivers ('perception changes', 'perception history'); an
    account whose band changed is posted to --notify-webhook and told to plugins.
    """
    accounts = read_portfolio(path, interactions_csv)
    as_of = as_of or datetime.now(timezone.utc)
    if db is None:
        _, plans = _plan_all(state, accounts, as_of, {}, owner)
        _report_failures(plans)
        followups: list[FollowUp] = sorted(
            (f for p in plans for f in p.followups),
            key=lambda f: (f.due, -f.priority.rank, f.key),
        )
        click.echo(dump_json(followups) if fmt == "json" else followups_table(followups))
        return
    with Ledger.open(db) as ledger:
        pending: dict[str, list[FollowUp]] = {}
        if resolve:
            for entry in ledger.list():
                pending.setdefault(entry.account, []).append(entry.followup)
        outcomes, plans = _plan_all(state, accounts, as_of, pending, owner)
        _report_failures(plans)
        counts, changes = record_and_notify(ledger, outcomes, plans=plans, webhook=webhook)
        resolved = [ledger.get(r.key) for p in plans for r in p.resolved]
    resolved = [e for e in resolved if e.status is Status.RESOLVED]
    if fmt == "json":
        summary = {
            "db": str(db),
            "accounts": len(plans),
            "followups": counts.total,
            "new": counts.new,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "resolved": counts.resolved,
            "outcomes": counts.outcomes,
            "resolutions": [
                {"id": e.ref, "key": e.key, "account": e.account, "reason": e.resolution}
                for e in resolved
            ],
            "band_changes": [c.describe() for c in changes],
        }
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{_clean(str(db))}: {counts.total} follow-ups for {len(plans)} accounts: "
        f"{counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged, "
        f"{counts.resolved} resolved."
    )
    for entry in resolved:
        click.echo(
            f"  resolved {entry.ref} {_clean(entry.account, 30)}: "
            f"{_clean(entry.resolution or '', 100)}"
        )
    for change in changes:
        click.echo(f"  band changed: {_clean(change.describe())}")


def _clean(text: str, width: int | None = None) -> str:
    text = " ".join(_CONTROL.sub(" ", text).split())
    if width is not None and len(text) > width:
        text = text[: width - 1] + "\u2026"
    return text


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _entry_json(entry: LedgerEntry, now: datetime) -> dict[str, Any]:
    item = entry.followup
    return {
        "id": entry.ref,
        "key": entry.key,
        "account": item.account,
        "policy": item.policy,
        "status": entry.status.value,
        "overdue_days": entry.overdue_days(now),
        "due": entry.due.isoformat(),
        "planned_due": item.due.isoformat(),
        "priority": item.priority.value,
        "owner": entry.owner,
        "planned_owner": item.owner,
        "assignee": entry.assignee,
        "action": item.action,
        "reason": item.reason,
        "evidence": list(item.evidence),
        "created_at": _stamp(entry.created_at),
        "updated_at": _stamp(entry.updated_at),
        "closed_at": _stamp(entry.closed_at),
        "closed_by": entry.closed_by,
        "snoozed_until": _stamp(entry.snoozed_until),
        "resolution": entry.resolution,
    }


def _state(entry: LedgerEntry, now: datetime) -> str:
    """The status, or ``overdue Nd`` for a follow-up still to do whose time has passed."""
    days = entry.overdue_days(now)
    if days is None:
        return entry.status.value
    return f"overdue {days}d" if days else "due today"


def entries_table(
    entries: Sequence[LedgerEntry], *, now: datetime | None = None, action_width: int = 80
) -> str:
    """A plain-text table of ledger entries: id, due, state (overdue with its days),
    priority, owner, account and action, with the reason and key under each."""
    if not entries:
        return "No follow-ups."
    now = now or datetime.now(timezone.utc)
    ids = max(len("ID"), *(len(str(e.ref)) for e in entries))
    owners = max(len("OWNER"), *(len(_clean(e.owner or "-", 20)) for e in entries))
    accounts = max(len(_clean(e.account, 30)) for e in entries)
    lines = [
        (
            f"{'ID':>{ids}}  {'DUE':<10}  {'STATE':<11}  {'PRIORITY':<8}  "
            f"{'OWNER':<{owners}}  {'ACCOUNT':<{accounts}}  ACTION"
        )
    ]
    pad = " " * (ids + 2 + 10 + 2 + 11 + 2 + 8 + 2 + owners + 2 + accounts + 2)
    for entry in entries:
        item = entry.followup
        lines.append(
            f"{entry.ref:>{ids}}  {entry.due.date().isoformat():<10}  "
            f"{_state(entry, now):<11}  {item.priority.value:<8}  "
            f"{_clean(entry.owner or '-', 20):<{owners}}  {_clean(item.account, 30):<{accounts}}  "
            f"{_clean(item.action, action_width)}"
        )
        lines.append(f"{pad}why: {_clean(item.reason, action_width)}")
        if entry.resolution:
            lines.append(f"{pad}resolved: {_clean(entry.resolution, action_width)}")
        lines.append(f"{pad}key: {_clean(entry.key)}")
    return "\n".join(lines)


_STATUS_CHOICES = [s.value for s in Status] + ["all"]


def _print_entries(entries: Sequence[LedgerEntry], now: datetime, fmt: str) -> None:
    if fmt == "json":
        rows = [_entry_json(e, now) for e in entries]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(entries_table(entries, now=now))


_owner_option = click.option(
    "--owner",
    envvar=OWNER_ENV,
    show_envvar=True,
    help="Only the follow-ups of this person: assigned to them, or owned and unassigned.",
)


@followups_group.command("list")
@_db_option(required=True)
@click.option("--due-before", type=WHEN, help="Only those due before this time (or 'tomorrow').")
@click.option("--account", "account_id", help="Only this account's follow-ups.")
@click.option("--policy", help="Only those planned by this policy.")
@_owner_option
@click.option("--overdue", is_flag=True, help="Only those overdue.")
@click.option(
    "--status",
    "statuses",
    type=click.Choice(_STATUS_CHOICES),
    multiple=True,
    help="Only these statuses (repeat the option; default: open and snoozed).",
)
@_as_of_option("Judge what is overdue as of this time")
@format_option("table", "json", default="table")
def list_command(
    db: Path,
    due_before: datetime | None,
    account_id: str | None,
    policy: str | None,
    owner: str | None,
    overdue: bool,
    statuses: tuple[str, ...],
    as_of: datetime | None,
    fmt: str,
) -> None:
    """List the follow-ups in the ledger by due date (a snoozed one when its snooze ends).

    The STATE column says 'overdue 3d' for a follow-up still to do three days past its
    due date.
    """
    now = as_of or datetime.now(timezone.utc)
    wanted: list[Status] | None = None
    if statuses:
        wanted = list(Status) if "all" in statuses else [Status(s) for s in statuses]
    if overdue:
        due_before = min(due_before, now) if due_before is not None else now
    with Ledger.open(db, create=False) as ledger:
        entries = ledger.list(
            due_before=due_before, account=account_id, status=wanted, policy=policy, owner=owner
        )
    if overdue:
        entries = [e for e in entries if e.overdue_days(now) is not None]
    _print_entries(entries, now, fmt)


@followups_group.command("today")
@_db_option(required=True)
@_owner_option
@_as_of_option("Today is the day of this time")
@format_option("table", "json", default="table")
def today_command(db: Path, owner: str | None, as_of: datetime | None, fmt: str) -> None:
    """What is due today or overdue, most urgent first (for one person with --owner).

    Open follow-ups, and snoozed ones whose snooze has ended, due before the end of
    today (local time), sorted by priority, then by due time.
    """
    now = as_of or local_now()
    end = start_of_day(now) + timedelta(days=1)
    with Ledger.open(db, create=False) as ledger:
        entries = ledger.list(due_before=end, owner=owner)
    entries.sort(key=lambda e: (-e.followup.priority.rank, e.due, e.ref))
    _print_entries(entries, now, fmt)


def _show(entry: LedgerEntry) -> None:
    extra = ""
    if entry.closed_by:
        extra = f" by {_clean(entry.closed_by)}"
    if entry.snoozed_until is not None:
        extra = f" until {entry.snoozed_until.isoformat()}"
    click.echo(f"{entry.ref} {_clean(entry.key)}: {entry.status.value}{extra}")


@followups_group.command("show")
@_key_argument
@_db_option(required=True)
@_as_of_option("Judge what is overdue as of this time")
@format_option("text", "json", default="text")
def show_command(key: str, db: Path, as_of: datetime | None, fmt: str) -> None:
    """Everything about the follow-up KEY: its state, owner, reason and notes.

    KEY is the follow-up's key or its short id.
    """
    now = as_of or datetime.now(timezone.utc)
    with Ledger.open(db, create=False) as ledger:
        entry = ledger.get(key)
        notes = ledger.notes(entry.key)
    if fmt == "json":
        data = _entry_json(entry, now)
        data["notes"] = [_note_json(n) for n in notes]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    item = entry.followup
    lines = [
        f"{entry.ref}  {_clean(entry.key)}",
        f"  state:    {_state(entry, now)} (due {entry.due.isoformat()})",
        f"  priority: {item.priority.value}",
        f"  owner:    {_clean(entry.owner or '-')}"
        + (f" (assigned; planned: {_clean(item.owner or '-')})" if entry.assignee else ""),
        f"  account:  {_clean(item.account)} ({_clean(item.policy)})",
        f"  action:   {_clean(item.action)}",
        f"  why:      {_clean(item.reason)}",
    ]
    if entry.resolution:
        lines.append(f"  resolved: {_clean(entry.resolution)}")
    if entry.closed_at is not None:
        by = f" by {_clean(entry.closed_by)}" if entry.closed_by else ""
        lines.append(f"  closed:   {entry.closed_at.isoformat()}{by}")
    lines += [
        f"  note {n.at.isoformat()}{' ' + _clean(n.by) if n.by else ''}: {_clean(n.text)}"
        for n in notes
    ]
    click.echo("\n".join(lines))


def _note_json(note: Note) -> dict[str, Any]:
    return {"at": note.at.isoformat(), "by": note.by, "text": note.text}


@followups_group.command("done", epilog=_KEY_HELP)
@_key_argument
@_db_option(required=True)
@click.option("--by", help="Who did it.")
def done_command(key: str, db: Path, by: str | None) -> None:
    """Mark the follow-up KEY done (doing it twice changes nothing)."""
    with Ledger.open(db, create=False) as ledger:
        _show(ledger.done(key, by=by))


@followups_group.command("dismiss", epilog=_KEY_HELP)
@_key_argument
@_db_option(required=True)
@click.option("--by", help="Who decided it will not be done.")
def dismiss_command(key: str, db: Path, by: str | None) -> None:
    """Dismiss the follow-up KEY: it will not be done, and planning will not revive it."""
    with Ledger.open(db, create=False) as ledger:
        _show(ledger.dismiss(key, by=by))


@followups_group.command("snooze", epilog=_KEY_HELP)
@_key_argument
@click.option(
    "--until",
    type=WHEN,
    required=True,
    help="When it is due again: a date, or words such as 'tomorrow', '+3d', 'monday'.",
)
@_db_option(required=True)
def snooze_command(key: str, until: datetime, db: Path) -> None:
    """Put the follow-up KEY off until a date; it is listed as due again from then."""
    with Ledger.open(db, create=False) as ledger:
        _show(ledger.snooze(key, until=until))


@followups_group.command("reopen", epilog=_KEY_HELP)
@_key_argument
@_db_option(required=True)
def reopen_command(key: str, db: Path) -> None:
    """Make a done, dismissed, resolved or snoozed follow-up KEY open again."""
    with Ledger.open(db, create=False) as ledger:
        _show(ledger.reopen(key))


@followups_group.command("assign", epilog=_KEY_HELP)
@_key_argument
@click.argument("person", required=False)
@_db_option(required=True)
def assign_command(key: str, person: str | None, db: Path) -> None:
    """Assign the follow-up KEY to PERSON; without PERSON, take the assignment back.

    Planning never changes an assignment; without one, the follow-up is its account
    owner's.
    """
    with Ledger.open(db, create=False) as ledger:
        entry = ledger.assign(key, person)
    click.echo(f"{entry.ref} {_clean(entry.key)}: owner {_clean(entry.owner or '-')}")


@followups_group.command("note", epilog=_KEY_HELP)
@_key_argument
@click.argument("text")
@_db_option(required=True)
@click.option("--by", help="Who wrote it.")
def note_command(key: str, text: str, db: Path, by: str | None) -> None:
    """Add a note to the follow-up KEY ('show KEY' lists them)."""
    if not text.strip():
        raise click.BadParameter("a note needs some text", param_hint="TEXT")
    with Ledger.open(db, create=False) as ledger:
        note = ledger.note(key, text, by=by)
        entry = ledger.get(note.key)
    click.echo(f"{entry.ref} {_clean(entry.key)}: note added")
