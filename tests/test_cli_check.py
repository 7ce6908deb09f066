"""Tests of the ``perception check`` command."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

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


def test_ignore_option_silences_a_check_and_says_so(runner, workdir):
    (workdir / "draft.txt").write_text(BLAMING, encoding="utf-8")
    result = run(runner, "check", "draft.txt", "--ignore", "negative-language")
    assert result.exit_code == 0, result.output
    assert "[negative-language]" not in result.output
    assert "draft.txt: silenced: negative-language" in result.output
    assert "perception: ignore" not in (workdir / "draft.txt").read_text(encoding="utf-8")


def test_input_errors_exit_2(runner, workdir):
    (workdir / "bad.txt").write_bytes(b"caf\xe9 \xff\xfe")
    result = run(runner, "check", "bad.txt")
    assert result.exit_code == 2
    assert "bad.txt" in result.output
    assert "UTF-8" in result.output
    assert run(runner, "check", "missing.txt").exit_code == 2
    assert run(runner, "check", "--fail-on", "fatal", "-", stdin="").exit_code == 2
    assert run(runner, "check", "--reply-to", "x", "-", stdin="").exit_code == 2


FILLER = "Hi Dana,\n\nObviously, the export is basically fixed.\n\nBest regards,\nSam\n"
SCHEMA = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"


def _drafts(workdir):
    (workdir / "drafts" / "old").mkdir(parents=True)
    (workdir / "drafts" / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (workdir / "drafts" / "blame.txt").write_text(BLAMING, encoding="utf-8")
    (workdir / "drafts" / "old" / "filler.md").write_text(FILLER, encoding="utf-8")


def test_several_files_and_globs_are_checked_each_once(runner, workdir):
    _drafts(workdir)
    result = run(runner, "check", "drafts/*.txt", "drafts/**/*.md", "drafts/blame.txt")
    assert result.exit_code == 1
    assert result.output.count("drafts/blame.txt:3:1: warning [negative-language]") == 1
    assert "drafts/old/filler.md:3:1: info [negative-language] 'Obviously'" in result.output
    assert "clean.txt" not in result.output
    clean = run(runner, "check", "drafts/clean.txt", "drafts/clean.txt")
    assert clean.exit_code == 0


def test_a_glob_that_matches_nothing_or_an_unreadable_file_is_exit_2_after_the_rest(
    runner, workdir
):
    _drafts(workdir)
    (workdir / "drafts" / "bad.txt").write_bytes(b"caf\xe9")
    result = run(runner, "check", "--fail-on", "error", "drafts/*.txt", "nothing/*.txt", "drafts")
    assert result.exit_code == 2
    assert "drafts/bad.txt: not UTF-8 text" in result.output
    assert "nothing/*.txt: no file matches" in result.output
    assert "drafts: is a folder" in result.output
    assert "drafts/blame.txt:3:1: warning" in result.output  # the others were checked


def test_json_has_the_file_and_each_findings_line_and_column(runner, workdir):
    _drafts(workdir)
    one = json.loads(run(runner, "check", "--format", "json", "drafts/blame.txt").output)
    assert one["file"] == "drafts/blame.txt"
    (blame,) = [f for f in one["findings"] if f["check"] == "negative-language"]
    assert (blame["line"], blame["column"], blame["end_line"]) == (3, 1, 3)
    several = json.loads(run(runner, "check", "--format", "json", "drafts/*.txt").output)
    assert [f["file"] for f in several] == ["drafts/blame.txt", "drafts/clean.txt"]


def test_sarif_output_validates_against_the_published_schema(runner, workdir):
    import jsonschema  # noqa: PLC0415  # the test extra

    _drafts(workdir)
    result = run(runner, "check", "--format", "sarif", "drafts/**/*")
    assert result.exit_code == 1
    log = json.loads(result.output)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(log)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"drafts/blame.txt", "drafts/old/filler.md"}


def test_github_format_prints_workflow_annotations(runner, workdir):
    _drafts(workdir)
    result = run(runner, "check", "--format", "github", "drafts/blame.txt")
    assert result.output.startswith("::warning file=drafts/blame.txt,line=3,col=1,")


def test_fix_applies_the_safe_edits_keeps_the_rest_and_reports_what_remains(runner, workdir):
    _drafts(workdir)
    path = workdir / "drafts" / "old" / "filler.md"
    result = run(runner, "check", "--fix", str(path), "drafts/clean.txt")
    assert result.exit_code == 0  # what remains is below --fail-on
    assert path.read_text(encoding="utf-8") == (
        "Hi Dana,\n\nThe export is fixed.\n\nBest regards,\nSam\n"
    )
    assert f"{path}: fixed 2 findings" in result.output
    assert "'Obviously'" not in result.stdout
    again = run(runner, "check", "--fix", str(path))
    assert "fixed" not in again.output
    assert run(runner, "check", "--fix", "-", stdin=FILLER).exit_code == 2
