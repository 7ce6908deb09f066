"""The follow-up ledger's API: recording, listing, status changes, history, migrations."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perception import Band, FollowUp, FollowUpPlan, PerceivedOutcome, Priority
from perception.errors import PerceptionError
from perception.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    Ledger,
    LedgerError,
    LedgerStateError,
    RecordCounts,
    Status,
    UnknownFollowUpError,
    _migrate,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def fu(n: int, *, account: str = "acme", due: float | None = None, **kwargs) -> FollowUp:
    values = {
        "policy": "break-silence",
        "key": f"break-silence:{account}:m{n}",
        "account": account,
        "due": day(n if due is None else due),
        "action": "Call them.",
        "reason": f"Silent since day {n}.",
    }
    values.update(kwargs)
    return FollowUp(**values)


@pytest.fixture
def ledger():
    with Ledger.open(":memory:", clock=lambda: day(100)) as opened:
        yield opened


def test_recording_is_idempotent_and_counts_what_it_did(ledger):
    assert ledger.record([fu(1), fu(2)]) == RecordCounts(new=2)
    assert ledger.record([fu(1), fu(2), fu(3)]) == RecordCounts(new=1, unchanged=2)
    assert ledger.count() == 3
    assert ledger.record([]) == RecordCounts()


def test_a_plan_and_a_mix_of_plans_and_followups_are_accepted(ledger):
    plan = FollowUpPlan(account="acme", as_of=day(5), followups=[fu(1), fu(2)])
    assert ledger.record(plan).new == 2
    assert ledger.record([plan, fu(3)]) == RecordCounts(new=1, unchanged=2)
    with pytest.raises(TypeError, match="not str"):
        ledger.record(["nope"])


def test_duplicate_keys_in_one_batch_are_stored_once(ledger):
    assert ledger.record([fu(1), fu(1), fu(1)]) == RecordCounts(new=1)


def test_an_open_followup_takes_the_new_plan_but_keeps_its_status(ledger):
    ledger.record([fu(1)])
    changed = fu(1, priority=Priority.URGENT, reason="Silent and at risk.", due=0)
    assert ledger.record([changed]) == RecordCounts(updated=1)
    entry = ledger.get(changed.key)
    assert entry.followup == changed
    assert entry.status is Status.OPEN
    assert ledger.record([changed]) == RecordCounts(unchanged=1)


def test_a_done_followup_stays_done_when_planned_again(ledger):
    ledger.record([fu(1)])
    done = ledger.done(fu(1).key, by="sam", at=day(3))
    assert done.status is Status.DONE
    assert done.closed_by == "sam"
    assert done.closed_at == day(3)
    assert ledger.record([fu(1, reason="Something else.")]) == RecordCounts(unchanged=1)
    assert ledger.get(fu(1).key).status is Status.DONE
    assert ledger.get(fu(1).key).followup.reason == fu(1).reason
    assert ledger.list() == []
    # The situation recurring gives a new key, hence a new open follow-up.
    assert ledger.record([fu(2)]).new == 1
    assert [e.key for e in ledger.list()] == [fu(2).key]


def test_list_filters_and_orders_by_due_time_then_priority(ledger):
    ledger.record(
        [
            fu(3),
            fu(1),
            fu(2, account="globex"),
            fu(4, due=1, priority="urgent"),
        ]
    )
    assert [e.key for e in ledger.list()] == [
        fu(4).key,
        fu(1).key,
        fu(2, account="globex").key,
        fu(3).key,
    ]
    assert [e.key for e in ledger.list(due_before=day(2))] == [fu(4).key, fu(1).key]
    assert [e.key for e in ledger.list(account="globex")] == [fu(2, account="globex").key]
    assert ledger.list(policy="confirm-critical") == []
    ledger.dismiss(fu(3).key, by="lee")
    assert [e.key for e in ledger.list(status="dismissed")] == [fu(3).key]
    assert len(ledger.list(status=list(Status))) == 4
    with pytest.raises(ValueError, match="'later' is not a valid Status"):
        ledger.list(status="later")


def test_a_snoozed_followup_is_due_again_when_the_snooze_ends(ledger):
    ledger.record([fu(1), fu(2)])
    entry = ledger.snooze(fu(1).key, until=day(10))
    assert entry.status is Status.SNOOZED
    assert entry.due == day(10)
    assert entry.followup.due == day(1)
    assert [e.key for e in ledger.list(due_before=day(5))] == [fu(2).key]
    assert [e.key for e in ledger.list(due_before=day(11))] == [fu(2).key, fu(1).key]
    assert ledger.record([fu(1)]).unchanged == 1
    assert ledger.get(fu(1).key).status is Status.SNOOZED
    assert ledger.done(fu(1).key).snoozed_until is None


def test_status_changes_follow_the_rules(ledger):
    ledger.record([fu(1), fu(2)])
    key = fu(1).key
    ledger.done(key, by="sam")
    assert ledger.done(key, by="someone else").closed_by == "sam"  # twice is harmless
    with pytest.raises(LedgerStateError, match="is done; reopen it"):
        ledger.snooze(key, until=day(9))
    with pytest.raises(LedgerStateError, match="is done; reopen it"):
        ledger.dismiss(key)
    reopened = ledger.reopen(key)
    assert reopened.status is Status.OPEN
    assert reopened.closed_at is None
    assert reopened.closed_by is None
    assert ledger.dismiss(key).status is Status.DISMISSED
    with pytest.raises(ValueError, match="timezone-aware"):
        ledger.snooze(fu(2).key, until=datetime(2026, 4, 1))
    assert ledger.get(fu(2).key).status is Status.OPEN


def test_unknown_keys_are_clear_errors(ledger):
    for call in (
        lambda: ledger.get("nope"),
        lambda: ledger.done("nope"),
        lambda: ledger.dismiss("nope"),
        lambda: ledger.snooze("nope", until=day(1)),
        lambda: ledger.reopen("nope"),
    ):
        with pytest.raises(UnknownFollowUpError, match="no follow-up with key 'nope'") as info:
            call()
        assert isinstance(info.value, PerceptionError)
        assert isinstance(info.value, LookupError)


@pytest.mark.parametrize("ref", [2**63, 10**30, "9" * 5000, -1])
def test_a_short_id_beyond_what_the_ledger_holds_names_nothing(ledger, ref):
    with pytest.raises(UnknownFollowUpError, match="no follow-up with") as info:
        ledger.get(ref)
    assert len(str(info.value)) < 300  # a long key is cut in the message


def outcome(account: str, as_of: datetime, score: float) -> PerceivedOutcome:
    band = Band.AT_RISK if score < 45 else Band.SATISFIED
    return PerceivedOutcome(account=account, as_of=as_of, score=score, band=band, confidence=0.7)


def test_outcome_history_is_kept_once_per_account_and_time(ledger):
    assert ledger.record_outcome(outcome("acme", day(2), 40.0))
    assert not ledger.record_outcome(outcome("acme", day(2), 40.0))
    assert (
        ledger.record_outcomes([outcome("acme", day(1), 70.0), outcome("globex", day(1), 60.0)])
        == 2
    )
    assert ledger.record_outcome(outcome("acme", day(2), 30.0))  # re-assessed: replaced
    history = ledger.history("acme")
    assert [(p.as_of, p.score, p.band) for p in history] == [
        (day(1), 70.0, Band.SATISFIED),
        (day(2), 30.0, Band.AT_RISK),
    ]
    assert ledger.history("nobody") == []


def test_followups_and_outcomes_are_recorded_in_one_call(ledger):
    counts = ledger.record([fu(1)], outcomes=[outcome("acme", day(1), 50.0)])
    assert counts == RecordCounts(new=1, outcomes=1)
    assert ledger.record([fu(1)], outcomes=[outcome("acme", day(1), 50.0)]) == RecordCounts(
        unchanged=1
    )


def test_timestamps_come_from_the_clock(ledger):
    ledger.record([fu(1)])
    entry = ledger.get(fu(1).key)
    assert entry.created_at == entry.updated_at == day(100)


def test_a_file_ledger_is_wal_marked_and_versioned(tmp_path):
    path = tmp_path / "ledger.db"
    with Ledger.open(path) as ledger:
        ledger.record([fu(1)])
        assert ledger.schema_version == SCHEMA_VERSION
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        raw.close()
    with Ledger.open(path, create=False) as again:
        assert again.get(fu(1).key).status is Status.OPEN
        again.check()


def test_missing_files_and_folders_are_clear_errors(tmp_path):
    with pytest.raises(LedgerError, match="no ledger here"):
        Ledger.open(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()
    with pytest.raises(LedgerError, match="does not exist"):
        Ledger.open(tmp_path / "no" / "such" / "ledger.db")
    with pytest.raises(LedgerError, match="is a directory"):
        Ledger.open(tmp_path)


def test_an_older_ledger_is_migrated_forward_keeping_its_rows(tmp_path):
    path = tmp_path / "v1.db"
    raw = sqlite3.connect(path, isolation_level=None)
    _migrate(raw, str(path), target=1)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.execute(
        "INSERT INTO followups (key, account, policy, due, action, reason, priority, "
        "created_at, updated_at) VALUES ('k', 'acme', 'p', '2026-03-01T00:00:00.000000Z', "
        "'a', 'r', 'high', '2026-03-01T00:00:00.000000Z', '2026-03-01T00:00:00.000000Z')"
    )
    raw.close()
    with Ledger.open(path) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION
        assert ledger.get("k").followup.priority is Priority.HIGH
        assert ledger.record_outcome(outcome("acme", day(1), 50.0))


_keys = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40
).filter(lambda s: s.strip())


@settings(max_examples=25, deadline=None)
@given(
    keys=st.lists(_keys, max_size=30),
    text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
)
def test_any_keys_and_texts_round_trip_and_re_recording_changes_nothing(keys, text):
    # An action or reason must hold more than white space (FollowUp refuses it).
    text = text if text.strip() else f"x{text}"
    items = [fu(0, key=k, reason=text, action=text) for k in keys]
    with Ledger.open(":memory:") as ledger:
        first = ledger.record(items)
        assert first.new == len(set(keys))
        assert ledger.record(items) == RecordCounts(unchanged=len(set(keys)))
        for item in {i.key: i for i in items}.values():
            assert ledger.get(item.key).followup == attrs.evolve(item)


def test_a_version_2_ledger_gets_escaped_account_parts_in_its_keys(tmp_path):
    path = tmp_path / "v2.db"
    raw = sqlite3.connect(path, isolation_level=None)
    _migrate(raw, str(path), target=2)
    for key, account in [("p:a:b:c", "a:b"), ("p:plain:x", "plain"), ("p:50%:x", "50%")]:
        raw.execute(
            "INSERT INTO followups (key, account, policy, due, action, reason, priority, "
            "created_at, updated_at) VALUES (?, ?, 'p', '2026-03-01T00:00:00.000000Z', "
            "'a', 'r', 'high', '2026-03-01T00:00:00.000000Z', '2026-03-01T00:00:00.000000Z')",
            (key, account),
        )
    raw.close()
    with Ledger.open(path) as ledger:
        keys = {entry.followup.account: entry.followup.key for entry in ledger.list()}
    assert keys == {"a:b": "p:a%3Ab:c", "plain": "p:plain:x", "50%": "p:50%25:x"}
