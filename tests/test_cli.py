from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

import perception
from perception import hookimpl
from perception.cli import EXIT_FAILED, EXIT_INPUT, EXIT_OK, main
from perception.examples import sample_path
from perception.io import json_schema


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray perception.toml is picked up
    (tmp_path / ".git").mkdir()
    runner = CliRunner()

    def invoke(*args, input=None):  # noqa: A002  # mirrors CliRunner.invoke
        return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def test_help_everywhere(run):
    for args in (
        [],
        ["assess"],
        ["check"],
        ["followups"],
        ["followups", "plan"],
        ["plugins"],
        ["schema"],
        ["validate"],
        ["demo"],
    ):
        result = run(*args, "--help")
        assert result.exit_code == EXIT_OK
        assert "Usage:" in result.output


def test_version(run):
    assert "perception, version" in run("--version").output


def test_plugins_table_and_json(run):
    table = run("plugins")
    assert table.exit_code == EXIT_OK
    assert "voice" in table.output
    assert "perception.builtin.scorers" in table.output
    rows = json.loads(run("plugins", "--format", "json").output)
    assert {"voice", "personalization", "break-silence"} <= {r["name"] for r in rows}
    voice = next(r for r in rows if r["name"] == "voice")
    assert (voice["distribution"], voice["version"]) == (
        "customer-perception",
        perception.__version__,
    )
    assert f"perception {perception.__version__}" in table.output


def test_schema_matches_the_library(run):
    assert json.loads(run("schema").output) == json_schema()


def test_validate_good_and_bad(run, tmp_path):
    ok = run("validate", sample_path())
    assert ok.exit_code == EXIT_OK
    assert "valid" in ok.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"customer": {"id": "x"}, "feedback": [{"id": "f"}]}))
    result = run("validate", bad)
    assert result.exit_code == EXIT_INPUT
    assert "customer.name: required field is missing" in result.output
    assert "feedback[0].at: required field is missing" in result.output


def test_assess_table_json_and_one_account(run):
    table = run("assess", sample_path(), "--as-of", "2026-03-20")
    assert table.exit_code == EXIT_OK
    lines = table.output.splitlines()
    assert lines[0].split()[:3] == ["ACCOUNT", "SCORE", "BAND"]
    data = json.loads(
        run("assess", sample_path(), "--as-of", "2026-03-20", "--format", "json").output
    )
    assert len(data["outcomes"]) == len(lines) - 2  # the header and what the scores are
    assert lines[-1] == "(scores: the default score, not calibrated)"
    one = run("assess", sample_path(), "--as-of", "2026-03-20", "--account", "northwind-logistics")
    assert one.output.startswith("northwind-logistics:")
    missing = run("assess", sample_path(), "--account", "nobody")
    assert missing.exit_code == EXIT_INPUT


def test_assess_fail_under(run):
    result = run("assess", sample_path(), "--as-of", "2026-03-20", "--fail-under", "100")
    assert result.exit_code == EXIT_FAILED


def test_naive_as_of_is_a_usage_error(run):
    result = run("assess", sample_path(), "--as-of", "2026-03-20T10:00:00")
    assert result.exit_code == EXIT_INPUT
    assert "no time zone" in result.output


def test_check_exit_codes(run, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("Thanks, will do.")
    clean = run("check", draft)
    assert clean.exit_code == EXIT_OK
    context = run(
        "check",
        draft,
        "--context",
        sample_path(),
        "--customer",
        "northwind-logistics",
        "--reply-to",
        "nw-5",
        "--fail-on",
        "info",
    )
    assert context.exit_code == EXIT_FAILED
    assert "draft.txt:1:1: info [personalization]" in context.output
    assert "suggestion:" in context.output
    as_json = run(
        "check",
        "-",
        "--to",
        "Dana Whitfield",
        "--format",
        "json",
        "--fail-on",
        "error",
        input="Thanks",
    )
    assert as_json.exit_code == EXIT_OK
    assert json.loads(as_json.output)["findings"][0]["check"] == "personalization"


def test_check_usage_errors(run, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("x")
    assert run("check", draft, "--customer", "a").exit_code == EXIT_INPUT
    result = run("check", draft, "--context", sample_path(), "--customer", "nobody")
    assert result.exit_code == EXIT_INPUT
    bad = run(
        "check",
        draft,
        "--context",
        sample_path(),
        "--customer",
        "northwind-logistics",
        "--reply-to",
        "zz",
    )
    assert bad.exit_code == EXIT_INPUT
    assert "no interaction with id 'zz'" in bad.output


def test_followups_plan(run):
    result = run("followups", "plan", sample_path(), "--as-of", "2026-06-01")
    assert result.exit_code == EXIT_OK
    assert "break-silence" in result.output
    data = json.loads(
        run("followups", "plan", sample_path(), "--as-of", "2026-06-01", "--format", "json").output
    )
    assert "break-silence" in {f["policy"] for f in data}


def test_demo_runs_on_bundled_data(run):
    result = run("demo")
    assert result.exit_code == EXIT_OK
    assert "Most at risk, explained:" in result.output


def test_invalid_config_is_exit_2_with_every_problem(run, tmp_path):
    (tmp_path / "perception.toml").write_text('colour = "blue"\ndisable = ["ghost"]\n')
    result = run("plugins")
    assert result.exit_code == EXIT_INPUT
    assert "unknown key 'colour'" in result.output
    explicit = tmp_path / "other.toml"
    explicit.write_text('disable = ["ghost"]\n')
    result = run("--config", explicit, "plugins")
    assert result.exit_code == EXIT_INPUT
    assert "no scorer, check or policy is named 'ghost'" in result.output


def test_config_disables_a_check(run, tmp_path):
    (tmp_path / "perception.toml").write_text('disable = ["personalization"]\n')
    result = run("check", "-", "--to", "Dana", "--fail-on", "info", input="Thanks")
    assert result.exit_code == EXIT_OK
    assert "(disabled)" in run("plugins").output


def test_invalid_input_file_is_exit_2(run, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n")
    result = run("assess", bad)
    assert result.exit_code == EXIT_INPUT
    assert "bad.jsonl:1" in result.output


def test_plugin_command_errors_are_reported(run, perception_plugin):
    class Replaces:
        @hookimpl
        def perception_register_commands(self, cli):
            cli.add_command(click.Command("assess", callback=lambda: None))

    perception_plugin(Replaces(), name="replacer")
    try:
        main._plugins_loaded = False  # load plugin commands again, with this plugin
        result = run("plugins")
        assert result.exit_code == EXIT_INPUT
        assert "plugin 'replacer' tried to replace the command 'assess'" in result.output
    finally:
        main._plugins_loaded = False
