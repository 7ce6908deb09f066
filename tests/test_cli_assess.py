"""``perception assess`` on the command line."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from perception.cli import main
from perception.examples import sample_path

AS_OF = "2026-03-20T09:00:00Z"


def run(*args: str):
    return CliRunner().invoke(main, ["assess", str(sample_path()), "--as-of", AS_OF, *args])


def test_table_sorted_by_risk():
    result = run()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("ACCOUNT")
    assert lines[1].startswith("northwind-logistics")
    assert "critical" in lines[1] or "at risk" in lines[1]


def test_json_is_a_versioned_envelope_of_outcomes_in_file_order():
    result = run("--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["format"], data["version"]) == ("perception-outcomes", 1)
    assert data["generator"].startswith("perception ")
    assert data["count"] == len(data["outcomes"]) == 12
    first = data["outcomes"][0]
    assert first["account"] == "northwind-logistics"
    assert first["diagnosis"].startswith("Every explicit commitment was delivered")


def test_one_account_explained():
    result = run("--account", "northwind-logistics")
    assert result.exit_code == 0, result.output
    assert "What drives it:" in result.output
    assert "never confirmed by Dana Whitfield" in result.output


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_report_formats_to_file(tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    result = run("--format", fmt, "--out", str(out), "--trend-points", "3")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "northwind-logistics" in text
    if fmt == "html":
        assert text.count("<svg") == 12  # every account of the sample is explained
        assert "Change: points gained or lost since 18 February 2026." in text
        assert 'src="' not in text
    else:
        assert text.startswith("# Perceived outcomes")


def test_html_details_the_most_at_risk_and_the_named_account(tmp_path):
    out = tmp_path / "report.html"
    args = ["--format", "html", "--out", str(out), "--detail", "2", "--trend-points", "2"]
    result = run(*args, "--change-days", "0")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert re.findall(r'<section id="([^"]+)"', text) == [
        "acct-northwind-2d-logistics",
        "acct-granite-2d-insurance",
    ]
    assert "Change: points" not in text
    result = run("--account", "lumen-studio", *args)
    text = out.read_text(encoding="utf-8")
    assert re.findall(r'<section id="([^"]+)"', text) == ["acct-lumen-2d-studio"]


def test_unknown_account_is_an_input_error():
    result = run("--account", "nobody")
    assert result.exit_code == 2
    assert "no account with id 'nobody'" in result.output


def test_interactions_of_an_unknown_account_are_named_by_their_csv_line(tmp_path):
    csv_path = tmp_path / "m.csv"
    csv_path.write_text(
        "account,id,at,direction,text\n"
        "northwind-logistics,zz1,2026-03-01T10:00:00Z,inbound,hello\n"
        "nobody,zz2,2026-03-01T10:00:00Z,inbound,hi\n",
        encoding="utf-8",
    )
    for command in (["assess", "--as-of", "2026-03-20"], ["validate"]):
        result = CliRunner().invoke(
            main, [*command, str(sample_path()), "--interactions", str(csv_path)]
        )
        assert result.exit_code == 2, command
        assert f"{csv_path}:3: account: no account with id 'nobody'" in result.output


def test_fail_under():
    assert run("--fail-under", "30").exit_code == 1
    assert run("--fail-under", "5").exit_code == 0
