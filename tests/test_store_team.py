"""The ledger for a team: short ids, owners, assignees, notes, overdue days, resolution,
and the migration of a ledger written with schema 3."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perception import FollowUp, FollowUpPlan, Resolution
from perception.store import (
    SCHEMA_VERSION,
    Ledger,
    LedgerStateError,
    RecordCounts,
    Status,
    UnknownFollowUpError,
    _as_ref,
    _migrate,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def fu(n: int, *, account: str = "acme", **kwargs) -> FollowUp:
    values = {
        "policy": "break-silence",
        "key": f"break-silence:{account}:m{n}",
        "account": account,
        "due": day(n),
        "action": "Call them.",
        "reason": f"Silent since day {n}.",
    }
    values.update(kwargs)
    return FollowUp(**values)


def plan(*items: FollowUp, as_of: float, resolved=(), account: str = "acme") -> FollowUpPlan:
    return FollowUpPlan(account=account, as_of=day(as_of), followups=items, resolved=resolved)


def gone(item: FollowUp, reason: str = "Answered on day 5.") -> Resolution:
    return Resolution(key=item.key, account=item.account, policy=item.policy, reason=reason)


@pytest.fixture
def ledger():
    with Ledger.open(":memory:", clock=lambda: day(100)) as opened:
        yield opened


def test_short_ids_are_given_in_order_and_stay_with_their_follow_up(ledger):
    ledger.record([fu(1), fu(2)])
    ledger.record([fu(3), fu(1, reason="Changed.")])
    assert [(e.ref, e.key) for e in ledger.list()] == [
        (1, fu(1).key),
        (2, fu(2).key),
        (3, fu(3).key),
    ]
    assert ledger.get(2).key == ledger.get("2").key == ledger.get("#2").key == fu(2).key
    assert ledger.done("#3", by="sam").status is Status.DONE
    with pytest.raises(UnknownFollowUpError, match="no follow-up with short id '9'"):
        ledger.get("9")


def test_a_key_that_looks_like_a_short_id_is_found_as_a_key_first(ledger):
    ledger.record([fu(1), fu(2, key="1")])
    assert ledger.get("1").key == "1"
    assert ledger.get(1).key == fu(1).key  # a whole number is always a short id


@given(st.text(max_size=12) | st.integers(min_value=-5, max_value=10**6))
def test_any_text_is_a_short_id_or_not_without_error(key):
    ref = _as_ref(key)
    assert ref is None or isinstance(ref, int)


def test_owners_come_from_the_plan_and_an_assignment_overrides_them(ledger):
    ledger.record([fu(1, owner="sam"), fu(2, owner="lee"), fu(3)])
    assert [e.key for e in ledger.list(owner="sam")] == [fu(1).key]
    entry = ledger.assign(2, "sam")
    assert (entry.owner, entry.assignee, entry.followup.owner) == ("sam", "sam", "lee")
    assert [e.ref for e in ledger.list(owner="sam")] == [1, 2]
    # Re-planning changes the planned owner, never the assignment.
    assert ledger.record([fu(2, owner="kim")]) == RecordCounts(updated=1)
    assert ledger.get(2).owner == "sam"
    assert ledger.assign(2, None).owner == "kim"
    assert ledger.list(owner="nobody") == []


def test_an_empty_owner_keeps_the_digest_of_rows_written_before_owners(ledger):
    ledger.record([fu(1)])
    row = ledger._db.execute("SELECT digest FROM followups").fetchone()[0]
    from perception.store import _digest  # noqa: PLC0415

    assert row == _digest(fu(1))
    assert _digest(fu(1, owner="sam")) != row


def test_notes_are_kept_oldest_first_and_need_text(ledger):
    ledger.record([fu(1)])
    ledger.note(1, "Left a voicemail.", by="sam", at=day(2))
    ledger.note(fu(1).key, "Called back, call on Friday.", at=day(3))
    notes = ledger.notes("#1")
    assert [(n.by, n.text, n.at) for n in notes] == [
        ("sam", "Left a voicemail.", day(2)),
        (None, "Called back, call on Friday.", day(3)),
    ]
    with pytest.raises(ValueError, match="needs some text"):
        ledger.note(1, "  ")
    with pytest.raises(UnknownFollowUpError):
        ledger.note("nope", "text")


def test_overdue_days_count_calendar_days_of_what_is_still_to_do(ledger):
    ledger.record([fu(1), fu(5)])
    first, later = ledger.list()
    assert first.overdue_days(day(0)) is None  # not yet due
    assert first.overdue_days(day(1) + timedelta(hours=1)) == 0  # due earlier today
    assert first.overdue_days(day(4)) == 3
    assert later.overdue_days(day(4)) is None
    assert ledger.done(1).overdue_days(day(4)) is None  # closed: never overdue
    snoozed = ledger.snooze(2, until=day(9))
    assert snoozed.overdue_days(day(8)) is None
    assert snoozed.overdue_days(day(10)) == 1


def test_a_resolved_follow_up_is_closed_with_its_reason_and_never_reopened_by_planning(ledger):
    ledger.record(plan(fu(1), fu(2), as_of=1))
    counts = ledger.record(plan(fu(2), as_of=5, resolved=[gone(fu(1))]))
    assert counts == RecordCounts(unchanged=1, resolved=1)
    entry = ledger.get(1)
    assert entry.status is Status.RESOLVED
    assert entry.resolution == "Answered on day 5."
    assert entry.closed_at == day(100)
    assert ledger.list() == [ledger.get(2)]
    # Planned again (the situation came back under the same key): it stays resolved.
    assert ledger.record(plan(fu(1), fu(2), as_of=6)) == RecordCounts(unchanged=2)
    assert ledger.get(1).status is Status.RESOLVED
    with pytest.raises(LedgerStateError, match="is resolved; reopen it"):
        ledger.done(1)
    reopened = ledger.reopen(1)
    assert (reopened.status, reopened.resolution) == (Status.OPEN, None)


def test_done_dismissed_planned_and_newer_follow_ups_are_not_resolved(ledger):
    ledger.record(plan(fu(1), fu(2), fu(3), as_of=1))
    ledger.done(1, by="sam")
    ledger.dismiss(2)
    ledger.record(plan(fu(3, reason="Newer."), as_of=8))  # changed by the plan of day 8
    counts = ledger.record(plan(fu(1), as_of=5, resolved=[gone(fu(1)), gone(fu(2)), gone(fu(3))]))
    assert counts.resolved == 0
    assert [ledger.get(n).status for n in (1, 2, 3)] == [
        Status.DONE,
        Status.DISMISSED,
        Status.OPEN,
    ]
    # A plan that also plans the key does not resolve it either.
    assert ledger.record(plan(fu(3), as_of=9, resolved=[gone(fu(3))])).resolved == 0
    # A later plan does; a snoozed follow-up is resolved too.
    ledger.snooze(3, until=day(20))
    assert ledger.record(plan(as_of=9, resolved=[gone(fu(3))])).resolved == 1
    assert ledger.get(3).snoozed_until is None


def test_a_resolution_for_another_account_closes_nothing(ledger):
    ledger.record(plan(fu(1), as_of=1))
    other = Resolution(key=fu(1).key, account="globex", policy="break-silence", reason="No.")
    assert ledger.record(plan(as_of=2, resolved=[other], account="globex")).resolved == 0


def _v3_ledger(path):
    raw = sqlite3.connect(path, isolation_level=None)
    _migrate(raw, str(path), target=3)
    rows = [
        ("break-silence:acme:m2", "acme", "2026-03-03T09:00:00.000000Z", "open", "2026-03-02"),
        ("break-silence:acme:m1", "acme", "2026-03-02T09:00:00.000000Z", "done", "2026-03-01"),
        (
            "confirm-critical:globex:x",
            "globex",
            "2026-03-04T09:00:00.000000Z",
            "snoozed",
            "2026-03-01",
        ),
    ]
    for key, account, due, status, created in rows:
        raw.execute(
            "INSERT INTO followups (key, account, policy, due, action, reason, priority, "
            "digest, status, created_at, updated_at, closed_at, snoozed_until) "
            "VALUES (?, ?, ?, ?, 'Call them.', 'Silent.', 'high', x'00', ?, ?, ?, ?, ?)",
            (
                key,
                account,
                key.split(":")[0],
                due,
                status,
                f"{created}T08:00:00.000000Z",
                f"{created}T08:00:00.000000Z",
                "2026-03-05T10:00:00.000000Z" if status == "done" else None,
                "2026-03-09T00:00:00.000000Z" if status == "snoozed" else None,
            ),
        )
    raw.execute(
        "INSERT INTO outcomes VALUES ('acme', '2026-03-01T00:00:00.000000Z', 40, 'at risk', "
        "0.5, '2026-03-01T00:00:00.000000Z')"
    )
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
    raw.close()


def test_a_schema_3_ledger_is_migrated_with_short_ids_in_the_order_rows_were_recorded(tmp_path):
    path = tmp_path / "v3.db"
    _v3_ledger(path)
    with Ledger.open(path, clock=lambda: day(100)) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION
        entries = {e.key: e for e in ledger.list(status=list(Status))}
        assert {k: (e.ref, e.status.value) for k, e in entries.items()} == {
            "break-silence:acme:m1": (1, "done"),
            "confirm-critical:globex:x": (2, "snoozed"),
            "break-silence:acme:m2": (3, "open"),
        }
        snoozed = entries["confirm-critical:globex:x"]
        assert snoozed.snoozed_until == datetime(2026, 3, 9, tzinfo=timezone.utc)
        assert entries["break-silence:acme:m1"].closed_at is not None
        assert all(e.owner == "" and e.assignee is None for e in entries.values())
        assert len(ledger.history("acme")) == 1
        # New rows continue the numbering; the new status and notes work.
        ledger.record([fu(9)])
        assert ledger.get(fu(9).key).ref == 4
        ledger.note(3, "Migrated fine.")
        resolved = gone(fu(2), "Contact on day 4.")
        assert ledger.record(plan(as_of=4, resolved=[resolved])).resolved == 1
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    indexes = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"followups_by_due", "followups_by_account", "followups_by_ref"} <= indexes
    check.close()


def test_a_schema_3_ledger_keeps_its_digests_so_re_planning_writes_nothing(tmp_path):
    path = tmp_path / "v3.db"
    raw = sqlite3.connect(path, isolation_level=None)
    _migrate(raw, str(path), target=3)
    raw.close()
    # Record with the schema-3 layout's columns only, as the previous version did.
    from perception.store import _content, _digest  # noqa: PLC0415

    item = fu(1)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute(
        "INSERT INTO followups (key, account, policy, due, action, reason, priority, evidence, "
        "digest, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (item.key, item.account, item.policy, *_content(item)[:5], _digest(item))
        + ("2026-03-01T09:00:00.000000Z",) * 2,
    )
    raw.close()
    with Ledger.open(path) as ledger:
        assert ledger.record([item]) == RecordCounts(unchanged=1)
        assert ledger.get(1).followup == item
