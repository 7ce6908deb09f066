"""Tests of the ``perception check`` command."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from perception.cli import main
from perception.io import write_jsonl
from perception.model import Account, Customer, Direction, Interaction, Stakeholder

CLEAN = "Hi Dana,\n\nThe fix is live and the export works again.\n\nBest regards,\nSam\n"
BLAMING = "Hi Dana,\n\nYou failed to attach the logs.\n\nBest regards,\nSam\n"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # stop the settings search here
    return tmp_path


def run(runner, *args, stdin=None):
    return runner.invoke(main, list(args), input=stdin)


def test_clean_message_exits_0(runner, workdir):
    (workdir / "draft.txt").write_text(CLEAN, encoding="utf-8")
    result = run(runner, "check", "draft.txt")
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_findings_print_like_a_linter_and_exit_1(runner, workdir):
    (workdir / "draft.txt").write_text(BLAMING, encoding="utf-8")
    result = run(runner, "check", "draft.txt")
    assert result.exit_code == 1
    assert "draft.txt:3:1: warning [negative-language]" in result.output
    assert "suggestion:" in result.output


def test_fail_on_error_lets_warnings_pass(runner, workdir):
    result = run(runner, "check", "--fail-on", "error", "-", stdin=BLAMING)
    assert result.exit_code == 0
    assert "[negative-language]" in result.output


def test_json_output(runner, workdir):
    result = run(runner, "check", "--format", "json", "-", stdin=BLAMING)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["length"] == len(BLAMING)
    assert any(f["check"] == "negative-language" for f in data["findings"])


def test_context_reply_to_and_customer(runner, workdir):
    at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    account = Account(
        customer=Customer(
            id="acme",
            name="Acme",
            stakeholders=[Stakeholder(id="dana", name="Dana Lee")],
            glossary={"SLA": "service level agreement"},
        ),
        interactions=[
            Interaction(
                id="in-1",
                at=at,
                direction=Direction.INBOUND,
                author="dana",
                text="The export failed again. This is unacceptable and I am angry.",
            )
        ],
    )
    write_jsonl([account], workdir / "accounts.jsonl")
    draft = "Hi Dana,\n\nThe export runs again and the SLA is met.\n\nBest,\nSam\n"
    args = ["check", "--context", "accounts.jsonl", "--customer", "acme", "--reply-to", "in-1"]
    result = run(runner, *args, "-", stdin=draft)
    assert result.exit_code == 1
    assert "[acknowledgement]" in result.output
    assert "[undefined-term]" not in result.output  # SLA is in the glossary
    result = run(
        runner, "check", "--context", "accounts.jsonl", "--reply-to", "nope", "-", stdin=draft
    )
    assert result.exit_code == 2
    assert "nope" in result.output
    result = run(runner, "check", "--context", "accounts.jsonl", "--customer", "zzz", "-", stdin="")
    assert result.exit_code == 2


def test_config_disables_and_tunes_checks(runner, workdir):
    (workdir / "perception.toml").write_text(
        'disable = ["negative-language"]\n\n[options.readability]\nmax_sentence_words = 3\n',
        encoding="utf-8",
    )
    result = run(runner, "check", "-", stdin=BLAMING)
    assert "[negative-language]" not in result.output
    assert "[readability]" in result.output


def test_invalid_option_is_a_usage_error(runner, workdir):
    (workdir / "perception.toml").write_text(
        '[options.readability]\nmax_sentence_words = "many"\nno_such_option = 1\n',
        encoding="utf-8",
    )
    result = run(runner, "check", "-", stdin=CLEAN)
    assert result.exit_code == 2
    assert "max_sentence_words" in result.output
    assert "no_such_option" in result.output


def test_inline_marker_silences_a_check(runner, workdir):
    text = BLAMING + "<!-- perception: ignore[negative-language] -->\n"
    result = run(runner, "check", "-", stdin=text)
    assert result.exit_code == 0
    assert "[negative-language]" not in result.output


def test_input_errors_exit_2(runner, workdir):
    (workdir / "bad.txt").write_bytes(b"caf\xe9 \xff\xfe")
    result = run(runner, "check", "bad.txt")
    assert result.exit_code == 2
    assert "bad.txt" in result.output
    assert "UTF-8" in result.output
    assert run(runner, "check", "missing.txt").exit_code == 2
    assert run(runner, "check", "--fail-on", "fatal", "-", stdin="").exit_code == 2
    assert run(runner, "check", "--reply-to", "x", "-", stdin="").exit_code == 2
