"""Every bundled example runs as ``python -m perception.examples.NAME`` and says what it should."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from perception.io import load_accounts


def run_example(name: str) -> str:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", f"perception.examples.{name}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    return result.stdout


def test_portfolio_review():
    out = run_example("portfolio_review")
    table = out.split("Most at risk, explained:")[0]
    rows = [line.split() for line in table.splitlines() if line[:1].isalpha()]
    scores = [float(r[1]) for r in rows if r[0] != "ACCOUNT" and not r[0].startswith("Portfolio")]
    assert len(scores) == 12
    assert scores == sorted(scores), "the risk table lists the worst account first"
    assert "northwind-logistics:" in out.split("Most at risk, explained:")[1]


def test_custom_plugin():
    out = run_example("custom_plugin")
    assert "scorer meeting-cadence" in out
    assert "check  release-promise" in out
    assert "policy quarterly-review" in out
    assert "[release-promise] 'next release'" in out
    assert "Hold the Q1 business review with Northwind Logistics." in out


def test_escalation_postmortem():
    out = run_example("escalation_postmortem")
    checklist = out.split("The checklist (explicit commitments):")[1].split("The customer's")[0]
    assert "[x]" in checklist
    assert "[ ]" not in checklist  # every commitment delivered ...
    assert "[!]" not in checklist  # ... and on time
    assert "Every explicit commitment was delivered on time, yet the outcome is" in out
    assert "never confirmed by Dana Whitfield (CIO)" in out
    weeks = [
        float(line.split()[2])
        for line in out.split("Week by week:")[1].splitlines()
        if line.strip() and line.split()[0].isdigit()
    ]
    assert len(weeks) == 7
    assert weeks[-1] < max(weeks), "the perception fell over the last weeks"


def test_follow_up_day(tmp_path):
    path = tmp_path / "ledger.db"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "perception.examples.follow_up_day", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    morning, afternoon = result.stdout.split("Afternoon:")
    new = int(morning.split("recorded: ")[1].split(" new")[0])
    assert new > 10
    assert f"recorded: 0 new, 0 updated, {new} unchanged" in afternoon
    assert morning.count("done: ") == 2
    assert "still done: 2" in afternoon
    assert path.exists()


def test_draft_check():
    out = run_example("draft_check")
    first, improved = out.split("improved-draft (")
    for check in ("acknowledgement", "undefined-term", "negative-language", "personalization"):
        assert f"[{check}]" in first
    assert "worst finding: warning" in first  # mood -0.47: unhappy, not yet an error
    assert improved.startswith("0 findings, clean")


@pytest.mark.parametrize(
    "name",
    ["portfolio_review", "custom_plugin", "escalation_postmortem", "follow_up_day", "draft_check"],
)
def test_examples_have_a_docstring_saying_how_to_run_them(name):
    module = __import__(f"perception.examples.{name}", fromlist=["run"])
    assert f"python -m perception.examples.{name}" in (module.__doc__ or "")


def test_outcomes_writes_a_portfolio_to_calibrate_on(tmp_path):
    out = tmp_path / "portfolio.jsonl"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "perception.examples.outcomes",
            "--out",
            str(out),
            "--accounts",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote 20 accounts to {out}"
    accounts = load_accounts(out)
    assert len(accounts) == 20
    assert all(any(f.satisfied is not None for f in a.feedback) for a in accounts)


def test_email_reply():
    out = run_example("email_reply")
    draft = out.split("Draft:")[1].split("Improved reply:")[0]
    assert "[acknowledgement]" in draft
    assert "'ETL'" in draft
    assert "'SLA'" not in draft  # the customer's quoted words are not checked
    assert "Answering Dana Whitfield" in out
    assert "Improved reply: 0 findings" in out
