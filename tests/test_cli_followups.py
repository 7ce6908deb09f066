"""``perception followups``: plan into a ledger, list, done, dismiss, snooze, reopen."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from perception.cli import EXIT_INPUT, EXIT_OK, main
from perception.examples import sample_path
from perception.io import load_accounts
from perception.store import Ledger, Status

AS_OF = "2026-03-20"
SILENCE = "break-silence:harbor-dental:hd-2"
ACCOUNTS = len(load_accounts(sample_path()))


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray perception.toml is picked up
    monkeypatch.delenv("PERCEPTION_LEDGER", raising=False)
    (tmp_path / ".git").mkdir()
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def db(tmp_path, run):
    path = tmp_path / "ledger.db"
    result = run("followups", "plan", sample_path(), "--as-of", AS_OF, "--db", path)
    assert result.exit_code == EXIT_OK, result.output
    return path


def _listed(run, db, *args):
    result = run("followups", "list", "--db", db, "--format", "json", *args)
    assert result.exit_code == EXIT_OK, result.output
    return json.loads(result.stdout)


def test_help_of_every_subcommand(run):
    for name in (
        "plan",
        "list",
        "today",
        "show",
        "done",
        "dismiss",
        "snooze",
        "reopen",
        "assign",
        "note",
    ):
        result = run("followups", name, "--help")
        assert result.exit_code == EXIT_OK
        assert "--db" in result.output


def test_plan_records_once_and_replanning_changes_nothing(run, db):
    with Ledger.open(db, create=False) as ledger:
        stored = ledger.count()
        assert stored > 3
        assert len(ledger.history("northwind-logistics")) == 1
    again = run(
        "followups", "plan", sample_path(), "--as-of", AS_OF, "--db", db, "--format", "json"
    )
    assert again.exit_code == EXIT_OK
    summary = json.loads(again.stdout)
    assert summary["accounts"] == ACCOUNTS
    assert summary["new"] == summary["updated"] == summary["outcomes"] == 0
    assert summary["unchanged"] == stored
    text = run("followups", "plan", sample_path(), "--as-of", AS_OF, "--db", db)
    assert f"{stored} follow-ups for {ACCOUNTS} accounts: 0 new, 0 updated, {stored} unchanged" in (
        text.output
    )


def test_plan_without_a_ledger_prints_the_plan_and_writes_nothing(run, tmp_path):
    result = run("followups", "plan", sample_path(), "--as-of", AS_OF)
    assert result.exit_code == EXIT_OK
    assert SILENCE in result.output
    assert not list(tmp_path.glob("*.db"))


def test_list_filters(run, db):
    everything = _listed(run, db)
    assert {e["status"] for e in everything} == {"open"}
    assert [e["due"] for e in everything] == sorted(e["due"] for e in everything)
    assert {e["account"] for e in _listed(run, db, "--account", "harbor-dental")} == {
        "harbor-dental"
    }
    early = _listed(run, db, "--due-before", "2026-02-10")
    assert [e["key"] for e in early] == [SILENCE]
    assert {e["policy"] for e in _listed(run, db, "--policy", "confirm-critical")} == {
        "confirm-critical"
    }
    table = run("followups", "list", "--db", db, "--account", "harbor-dental")
    assert "DUE" in table.output
    assert f"key: {SILENCE}" in table.output
    assert "No follow-ups." in run("followups", "list", "--db", db, "--account", "zz").output


def test_done_stays_done_after_replanning(run, db):
    result = run("followups", "done", SILENCE, "--db", db, "--by", "sam")
    assert result.exit_code == EXIT_OK
    assert f"{SILENCE}: done by sam" in result.output
    run("followups", "plan", sample_path(), "--as-of", AS_OF, "--db", db)
    assert SILENCE not in {e["key"] for e in _listed(run, db)}
    (entry,) = _listed(run, db, "--status", "done")
    assert entry["key"] == SILENCE
    assert entry["closed_by"] == "sam"
    assert len(_listed(run, db, "--status", "all")) == len(_listed(run, db)) + 1


def test_snooze_dismiss_and_reopen(run, db):
    result = run("followups", "snooze", SILENCE, "--until", "2026-04-01", "--db", db)
    assert result.exit_code == EXIT_OK
    assert "snoozed until 2026-04-01" in result.output
    assert SILENCE not in {e["key"] for e in _listed(run, db, "--due-before", "2026-03-25")}
    (snoozed,) = _listed(run, db, "--status", "snoozed")
    assert snoozed["due"].startswith("2026-04-01")
    assert snoozed["planned_due"].startswith("2026-02-06")
    assert run("followups", "dismiss", SILENCE, "--db", db).exit_code == EXIT_OK
    blocked = run("followups", "done", SILENCE, "--db", db)
    assert blocked.exit_code == EXIT_INPUT
    assert "is dismissed; reopen it" in blocked.output
    assert "open" in run("followups", "reopen", SILENCE, "--db", db).output
    with Ledger.open(db, create=False) as ledger:
        assert ledger.get(SILENCE).status is Status.OPEN


def test_errors_are_exit_2_with_a_clear_message(run, db, tmp_path):
    unknown = run("followups", "done", "no-such-key", "--db", db)
    assert unknown.exit_code == EXIT_INPUT
    assert "no follow-up with key 'no-such-key'" in unknown.output
    missing = run("followups", "list", "--db", tmp_path / "absent.db")
    assert missing.exit_code == EXIT_INPUT
    assert "no ledger here" in missing.output
    assert not (tmp_path / "absent.db").exists()
    naive = run("followups", "snooze", SILENCE, "--until", "2026-04-01T09:00", "--db", db)
    assert naive.exit_code == EXIT_INPUT
    assert "no time zone" in naive.output
    assert run("followups", "snooze", SILENCE, "--db", db).exit_code == EXIT_INPUT
    assert run("followups", "list").exit_code == EXIT_INPUT  # --db is required


def test_a_file_that_is_not_a_ledger_is_refused_untouched(run, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 20)
    before = notes.read_bytes()
    for args in (
        ("followups", "list", "--db", notes),
        ("followups", "plan", sample_path(), "--db", notes),
    ):
        result = run(*args)
        assert result.exit_code == EXIT_INPUT
        assert "not a perception ledger" in result.output
    assert notes.read_bytes() == before


def test_the_ledger_can_come_from_the_environment(run, db, monkeypatch):
    monkeypatch.setenv("PERCEPTION_LEDGER", str(db))
    result = run("followups", "list", "--format", "json")
    assert result.exit_code == EXIT_OK
    assert SILENCE in {e["key"] for e in json.loads(result.stdout)}


def _one_account(tmp_path, account_id: str, name: str):
    """A portfolio file of one account with one message."""
    account = {
        "customer": {"id": account_id, "name": name},
        "interactions": [
            {"id": "m1", "at": "2026-01-01T00:00:00Z", "direction": "inbound", "text": "hi"}
        ],
    }
    path = tmp_path / f"{account_id}.json"
    path.write_text(json.dumps([account]))
    return path


def test_untrusted_text_is_shown_without_control_characters(run, tmp_path):
    path = _one_account(tmp_path, "evil", "Evil\x1b[31m <script>alert(1)</script>\u202eCo")
    db = tmp_path / "ledger.db"
    assert run("followups", "plan", path, "--as-of", AS_OF, "--db", db).exit_code == EXIT_OK
    table = run("followups", "list", "--db", db).output
    assert "Evil" in table
    assert "\x1b" not in table
    assert "\u202e" not in table


def test_short_ids_owners_and_overdue_days_are_listed(run, db):
    entries = _listed(run, db, "--as-of", AS_OF)
    silence = next(e for e in entries if e["key"] == SILENCE)
    assert isinstance(silence["id"], int)
    assert silence["owner"] == silence["planned_owner"] == "Riya Shah"
    assert silence["overdue_days"] == 42  # due 2026-02-06, listed as of 2026-03-20
    assert sorted(e["id"] for e in entries) == list(range(1, len(entries) + 1))
    table = run("followups", "list", "--db", db, "--account", "harbor-dental", "--as-of", AS_OF)
    assert "overdue 42d" in table.output
    assert "Riya Shah" in table.output
    mine = _listed(run, db, "--owner", "Riya Shah")
    assert mine
    assert {e["owner"] for e in mine} == {"Riya Shah"}
    late = _listed(run, db, "--overdue", "--as-of", AS_OF)
    assert late
    assert all(e["overdue_days"] is not None for e in late)
    assert _listed(run, db, "--overdue", "--as-of", "2026-01-01") == []


def test_today_is_what_is_due_for_me_most_urgent_first(run, db, monkeypatch):
    result = run("followups", "today", "--db", db, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == EXIT_OK
    due = json.loads(result.stdout)
    assert due
    ranks = ["urgent", "high", "normal", "low"]
    assert [ranks.index(e["priority"]) for e in due] == sorted(
        ranks.index(e["priority"]) for e in due
    )
    assert all(e["due"] < "2026-03-21" for e in due)
    monkeypatch.setenv("PERCEPTION_OWNER", "Riya Shah")
    mine = json.loads(
        run("followups", "today", "--db", db, "--as-of", AS_OF, "--format", "json").stdout
    )
    assert mine
    assert {e["owner"] for e in mine} == {"Riya Shah"}
    assert len(mine) < len(due)
    table = run("followups", "today", "--db", db, "--as-of", AS_OF).output
    assert table.splitlines()[0].split()[:3] == ["ID", "DUE", "STATE"]


def test_commands_take_the_short_id_and_dates_in_words(run, db):
    ref = str(next(e["id"] for e in _listed(run, db) if e["key"] == SILENCE))
    assigned = run("followups", "assign", ref, "Lee Park", "--db", db)
    assert assigned.exit_code == EXIT_OK
    assert "owner Lee Park" in assigned.output
    assert _listed(run, db, "--owner", "Lee Park")[0]["key"] == SILENCE
    noted = run("followups", "note", f"#{ref}", "Left a voicemail.", "--db", db, "--by", "lee")
    assert noted.exit_code == EXIT_OK
    shown = run("followups", "show", ref, "--db", db, "--format", "json")
    detail = json.loads(shown.stdout)
    assert detail["key"] == SILENCE
    assert detail["assignee"] == "Lee Park"
    assert [(n["by"], n["text"]) for n in detail["notes"]] == [("lee", "Left a voicemail.")]
    text = run("followups", "show", ref, "--db", db).output
    assert "Left a voicemail." in text
    assert "assigned; planned: Riya Shah" in text
    snoozed = run("followups", "snooze", ref, "--until", "tomorrow", "--db", db)
    assert snoozed.exit_code == EXIT_OK
    assert f"{ref} {SILENCE}: snoozed until" in snoozed.output
    assert run("followups", "done", ref, "--db", db, "--by", "lee").exit_code == EXIT_OK
    assert run("followups", "assign", ref, "--db", db).output.endswith("owner Riya Shah\n")
    bad = run("followups", "snooze", ref, "--until", "someday", "--db", db)
    assert bad.exit_code == EXIT_INPUT
    assert "is not a date" in bad.output
    assert "no follow-up with short id '999'" in run("followups", "done", "999", "--db", db).output
    assert run("followups", "note", ref, " ", "--db", db).exit_code == EXIT_INPUT


def test_plan_gives_an_owner_to_accounts_without_one(run, tmp_path):
    path = _one_account(tmp_path, "solo", "Solo")
    db = tmp_path / "solo.db"
    plan = ("followups", "plan", path, "--as-of", AS_OF, "--db", db)
    assert run(*plan, "--owner", "Kim").exit_code == EXIT_OK
    assert {e["owner"] for e in _listed(run, db)} == {"Kim"}
