"""``perception assess`` on Dask and with a time budget, on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from perception.cli import main
from perception.examples import sample_path

AS_OF = "2026-03-20T09:00:00Z"


def run(*args):
    return CliRunner().invoke(main, ["assess", *map(str, args), "--as-of", AS_OF])


@pytest.fixture
def files(tmp_path):
    """Two JSONL files of the sample accounts; line 4 of the second is invalid."""
    accounts = json.loads(Path(sample_path()).read_text(encoding="utf-8"))["accounts"]
    for part in range(2):
        lines = []
        for account in accounts:
            account["customer"]["id"] = f"{part}-{account['customer']['id']}"
            lines.append(json.dumps(account))
            account["customer"]["id"] = account["customer"]["id"].split("-", 1)[1]
        if part == 1:
            lines[3] = json.dumps({"customer": {"id": "x", "name": "X"}, "interactions": 5})
        (tmp_path / f"d{part}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_dask_engine_writes_parts_and_lists_the_invalid_record(files):
    pytest.importorskip("distributed", reason="needs the extra customer-perception[dask]")
    out = files / "out"
    result = run(files / "*.jsonl", "--engine", "dask", "--parts", out, "--workers", "2")
    assert result.exit_code == 2, result.output
    assert "Assessed 23 accounts into 2 part files" in result.output
    assert f"{files / 'd1.jsonl'}:4 (customer 'x'): interactions: must be a list" in result.output
    assert "1 invalid record(s)" in result.output
    written = [
        json.loads(line)
        for part in sorted(out.glob("part-*.jsonl"))
        for line in part.read_text(encoding="utf-8").splitlines()
    ]
    assert len(written) == 23
    assert written[0]["account"] == "0-northwind-logistics"


@pytest.mark.parametrize(
    ("scheduler", "raised", "message"),
    [
        ("nonsense://x", None, "unknown address scheme 'nonsense'"),
        ("tcp://10.0.0.1:8786", OSError("Timed out trying to connect"), "Timed out"),
    ],
)
def test_a_scheduler_that_cannot_be_reached_is_one_clear_error(
    files, monkeypatch, scheduler, raised, message
):
    distributed = pytest.importorskip(
        "distributed", reason="needs the extra customer-perception[dask]"
    )
    if raised is not None:

        def refuse(*args, **kwargs):
            raise raised

        monkeypatch.setattr(distributed, "Client", refuse)
    result = run(
        files / "*.jsonl", "--engine", "dask", "--parts", files / "out", "--scheduler", scheduler
    )
    assert result.exit_code == 2
    assert f"--scheduler {scheduler}: cannot connect: " in result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (files / "out").exists() or not any((files / "out").iterdir())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "dask", "--parts", "out", "--format", "json"], "--format applies to"),
        (["--engine", "dask", "--parts", "out", "--time-budget", "1"], "--time-budget applies"),
        (["--engine", "dask"], "give their folder with --parts"),
        (["--parts", "out"], "--parts applies to --engine dask only"),
    ],
)
def test_options_of_the_other_engine_are_refused(files, args, message):
    result = run(files / "d0.jsonl", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_a_pattern_needs_the_dask_engine(files):
    result = run(files / "*.jsonl")
    assert result.exit_code == 2
    assert "no such file (a pattern such as 'data/*.jsonl' needs --engine dask)" in result.output


def test_a_missing_plain_file_or_a_folder_is_refused_without_the_pattern_hint(files):
    missing = run(files / "nowhere.jsonl")
    assert missing.exit_code == 2
    assert f"{files / 'nowhere.jsonl'}: no such file" in missing.output
    assert "dask" not in missing.output
    folder = run(files)
    assert folder.exit_code == 2
    assert "is a directory" in folder.output


def test_a_time_budget_on_the_local_engine_keeps_the_results(files):
    plain = run(files / "d0.jsonl", "--format", "json")
    budgeted = run(files / "d0.jsonl", "--format", "json", "--time-budget", "30", "--workers", "2")
    assert budgeted.exit_code == 0, budgeted.output
    assert json.loads(budgeted.output) == json.loads(plain.output)
