"""Two mornings of a customer-success team, scripted on the command line.

Morning one: plan into the ledger, see what is due, do one follow-up (by phone, so the
data does not show it).  During the day the team answers the customer's other question by
e-mail, and the next afternoon the customer's VP escalates.  Morning two: plan again.  The
answered follow-up is closed as resolved with the reason, the done one stays done (though
the data still shows that question unanswered), the escalation gets its follow-up, the
"how is it working out?" check-in is held, and ``changes --since`` names the account and
the escalation that moved it.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
from click.testing import CliRunner

from brightpath import ACCOUNT, LATER
from perception.cli import EXIT_OK, main

MORNING_1 = "2026-04-13T08:00:00Z"
MORNING_2 = "2026-04-15T08:00:00Z"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PERCEPTION_LEDGER", raising=False)
    monkeypatch.delenv("PERCEPTION_OWNER", raising=False)
    (tmp_path / ".git").mkdir()  # no stray perception.toml above
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == EXIT_OK, result.output
        return result

    return run


def _entries(cli, db, *args):
    result = cli("followups", "list", "--db", db, "--status", "all", "--format", "json", *args)
    return {e["key"]: e for e in json.loads(result.stdout)}


def test_two_mornings(cli, tmp_path):
    day_one, day_two, db = tmp_path / "day1.json", tmp_path / "day2.json", tmp_path / "cs.db"
    day_one.write_text(json.dumps([ACCOUNT]))
    later = copy.deepcopy(ACCOUNT)
    later["interactions"] += LATER["interactions"]
    later["feedback"] += LATER["feedback"]
    day_two.write_text(json.dumps([later]))

    # Morning one.
    first = cli("followups", "plan", day_one, "--as-of", MORNING_1, "--db", db)
    assert "3 new" in first.output  # two questions, and a check-in due on 16 April
    today = cli(
        "followups",
        "today",
        "--db",
        db,
        "--owner",
        "Sam Keller",
        "--as-of",
        MORNING_1,
        "--format",
        "json",
    )
    due = {e["key"]: e for e in json.loads(today.stdout)}
    export, sso = "answer-question:brightpath:bp-3", "answer-question:brightpath:bp-6"
    assert set(due) == {export, sso}
    assert due[export]["overdue_days"] == 2
    cli("followups", "done", due[export]["id"], "--db", db, "--by", "sam")  # answered by phone

    # Morning two.
    second = cli("followups", "plan", day_two, "--as-of", MORNING_2, "--db", db)
    assert "1 resolved" in second.output
    assert "band changed: brightpath" in second.output
    entries = _entries(cli, db)
    assert entries[sso]["status"] == "resolved"
    assert entries[sso]["resolution"] == "The question of 2026-04-10 was answered on 2026-04-13."
    assert entries[export]["status"] == "done"  # still unanswered in the data: stays done
    assert entries[export]["closed_by"] == "sam"
    touchpoint = entries["executive-touchpoint:brightpath:bp-esc"]
    assert touchpoint["status"] == "open"
    assert touchpoint["priority"] == "urgent"
    assert "Ava Moreno" in touchpoint["action"]
    check_in = entries["post-delivery-check-in:brightpath:del-portal:accepted:20260402T090000Z"]
    assert check_in["priority"] == "low"  # no cheerful check-in right after an escalation
    assert check_in["action"].startswith("Once the escalation of 2026-04-14 is settled")
    assert len(entries) == 4  # nothing recorded twice

    # Planning the same morning again changes nothing and tells nothing twice.
    again = cli("followups", "plan", day_two, "--as-of", MORNING_2, "--db", db)
    assert "3 follow-ups for 1 accounts: 0 new, 0 updated, 3 unchanged, 0 resolved" in again.output
    assert "band changed" not in again.output

    changes = cli("changes", "--since", "2026-04-14", "--db", db)
    (line,) = changes.output.splitlines()
    # The scores are the scorers' business; the line's form and the driver are this test's.
    assert re.match(r"brightpath \d+ to \d+ \((\w| )+ to (at risk|critical)\): ", line), line
    assert "new driver: Ava Moreno (VP Operations) escalated on 14 April" in line
    data = json.loads(
        cli("changes", "--since", "2026-04-14", "--db", db, "--format", "json").stdout
    )
    assert data[0]["band_changed"] is True
    assert data[0]["worse"] is True
    history = cli("history", "brightpath", "--db", db)
    assert len(history.output.splitlines()) == 4  # name, header, two mornings
