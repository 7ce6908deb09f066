"""``perception changes``, ``perception history``, ``assess --db`` and band-change
notifications from the command line."""

from __future__ import annotations

import http.server
import json
import threading

import pytest
from click.testing import CliRunner

from brightpath import ACCOUNT, LATER
from perception.cli import EXIT_INPUT, EXIT_OK, main
from perception.examples import sample_path


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("PERCEPTION_LEDGER", "PERCEPTION_WEBHOOK"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".git").mkdir()
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def days(tmp_path):
    first, second = tmp_path / "day1.json", tmp_path / "day2.json"
    first.write_text(json.dumps([ACCOUNT]))
    later = json.loads(json.dumps(ACCOUNT))
    later["interactions"] += LATER["interactions"]
    later["feedback"] += LATER["feedback"]
    second.write_text(json.dumps([later]))
    return first, second


@pytest.fixture
def hook_server():
    received: list = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # the name http.server calls
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hook", received
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_assess_into_a_ledger_keeps_history_and_posts_band_changes(
    run, days, tmp_path, hook_server
):
    url, received = hook_server
    db = tmp_path / "history.db"
    first, second = days
    quiet = run(
        "assess", first, "--as-of", "2026-04-13T08:00:00Z", "--db", db, "--notify-webhook", url
    )
    assert quiet.exit_code == EXIT_OK, quiet.output
    assert received == []  # nothing to compare with yet
    moved = run(
        "assess", second, "--as-of", "2026-04-15T08:00:00Z", "--db", db, "--notify-webhook", url
    )
    assert moved.exit_code == EXIT_OK, moved.output
    (message,) = received
    assert message["event"] == "band_changed"
    assert message["account"] == "brightpath"
    assert message["text"].startswith("brightpath ")
    assert any("escalated on 14 April" in d["text"] for d in message["new_drivers"])
    # The same assessment again: recorded already, told already.
    run("assess", second, "--as-of", "2026-04-15T08:00:00Z", "--db", db, "--notify-webhook", url)
    assert len(received) == 1
    history = json.loads(run("history", "brightpath", "--db", db, "--format", "json").stdout)
    assert [h["as_of"][:10] for h in history] == ["2026-04-13", "2026-04-15"]
    assert any("escalated" in d for d in history[1]["drivers"])


def test_the_webhook_can_come_from_the_environment_and_a_bad_one_is_refused(
    run, days, tmp_path, hook_server, monkeypatch
):
    url, received = hook_server
    db = tmp_path / "env.db"
    first, second = days
    monkeypatch.setenv("PERCEPTION_WEBHOOK", url)
    run("followups", "plan", first, "--as-of", "2026-04-13T08:00:00Z", "--db", db)
    plan = run(
        "followups",
        "plan",
        second,
        "--as-of",
        "2026-04-15T08:00:00Z",
        "--db",
        db,
        "--format",
        "json",
    )
    assert json.loads(plan.stdout)["band_changes"][0].startswith("brightpath ")
    assert len(received) == 1
    monkeypatch.setenv("PERCEPTION_WEBHOOK", "ftp://example.com/hook")
    bad = run("followups", "plan", second, "--db", db)
    assert bad.exit_code == EXIT_INPUT
    assert "must be an http:// or https:// URL" in bad.output


def test_an_unreachable_webhook_is_a_warning_and_the_run_succeeds(run, days, tmp_path):
    db = tmp_path / "down.db"
    first, second = days
    run("assess", first, "--as-of", "2026-04-13T08:00:00Z", "--db", db)
    down = "http://127.0.0.1:9/hook"  # the discard port: nothing listens
    result = run(
        "assess", second, "--as-of", "2026-04-15T08:00:00Z", "--db", db, "--notify-webhook", down
    )
    assert result.exit_code == EXIT_OK
    assert "perception: warning: webhook http://127.0.0.1:9 unreachable for brightpath" in (
        result.output
    )


def test_the_html_report_shows_each_accounts_history(run, days, tmp_path):
    db = tmp_path / "report.db"
    first, second = days
    run("assess", first, "--as-of", "2026-04-13T08:00:00Z", "--db", db)
    page = run(
        "assess",
        second,
        "--as-of",
        "2026-04-15T08:00:00Z",
        "--db",
        db,
        "--format",
        "html",
        "--trend-points",
        "0",
    ).stdout
    assert '<div class="history"><h3>History (2 assessments)</h3>' in page
    assert "new: Ava Moreno (VP Operations) escalated on 14 April" in page
    assert page.index("2026-04-15</td>") < page.index("2026-04-13</td>")  # newest first


def test_changes_and_history_say_when_there_is_nothing(run, tmp_path):
    db = tmp_path / "sample.db"
    run("followups", "plan", sample_path(), "--as-of", "2026-03-20", "--db", db)
    nothing = run("changes", "--since", "2026-03-21", "--db", db)
    assert nothing.exit_code == EXIT_OK
    assert nothing.output.startswith("No account moved since 2026-03-21")
    assert (
        json.loads(run("changes", "--since", "yesterday", "--db", db, "--format", "json").stdout)
        == []
    )
    unknown = run("history", "nobody", "--db", db)
    assert "No assessment of 'nobody'" in unknown.output
    table = run("history", "northwind-logistics", "--db", db).output.splitlines()
    assert table[1].split()[:4] == ["AS", "OF", "SCORE", "BAND"]
    assert run("changes", "--since", "someday", "--db", db).exit_code == EXIT_INPUT
    assert run("changes", "--since", "today", "--db", tmp_path / "none.db").exit_code == EXIT_INPUT
