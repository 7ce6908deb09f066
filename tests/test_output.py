"""Outputs analysts use: to_dict, the JSON envelope, JSONL, CSV, Parquet, to_frame, streams."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import perception
from perception import assess
from perception.cli import main
from perception.examples import SAMPLE_AS_OF, sample_path, sample_portfolio
from perception.frame import DRIVER_COLUMNS, ROW_COLUMNS, SIGNAL_COLUMNS, outcome_row
from perception.io import dump_account
from perception.output import write_csv, write_json, write_jsonl, write_parquet

AS_OF = "2026-03-20T09:00:00Z"


@pytest.fixture(scope="module")
def pairs():
    return [(assess(a, as_of=SAMPLE_AS_OF, plan=True), a) for a in sample_portfolio()]


def _plain_only(value, path="outcome"):
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str, f"{path}: key {key!r}"
            _plain_only(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _plain_only(item, f"{path}[{index}]")
    else:
        assert value is None or type(value) in (str, int, float, bool), f"{path}: {value!r}"


def test_to_dict_holds_plain_values_only(pairs):
    for outcome, _ in pairs:
        data = outcome.to_dict()
        _plain_only(data)
        assert data["band"] == outcome.band.value
        assert data["as_of"] == outcome.as_of.isoformat()
        assert json.loads(json.dumps(data)) == data
    followups = [o for o, _ in pairs if o.followups]
    assert followups, "the sample plans follow-ups"


def test_json_envelope_is_versioned_and_holds_every_outcome(pairs):
    out = io.StringIO()
    assert write_json(iter(pairs), out) == len(pairs)
    data = json.loads(out.getvalue())
    assert data["format"] == "perception-outcomes"
    assert data["version"] == 1
    assert data["count"] == len(pairs)
    assert data["outcomes"] == [o.to_dict() for o, _ in pairs]
    empty = io.StringIO()
    write_json(iter(()), empty, indent=True)
    assert json.loads(empty.getvalue())["outcomes"] == []


def test_jsonl_is_one_outcome_a_line(pairs):
    out = io.StringIO()
    write_jsonl(pairs, out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == [o.to_dict() for o, _ in pairs]


def test_csv_has_one_row_per_account_with_its_facts(pairs):
    out = io.StringIO()
    write_csv(pairs, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == ROW_COLUMNS
    assert len(rows) == len(pairs)
    by_id = {r["account"]: r for r in rows}
    northwind = by_id["northwind-logistics"]
    assert northwind["name"] == "Northwind Logistics"
    assert northwind["owner"] == "Sam Keller"
    assert (northwind["arr"], northwind["arr_currency"]) == ("420000.0", "EUR")
    assert northwind["renewal"] == "2026-06-30"
    assert json.loads(northwind["attributes"])["strategic"] is True
    assert by_id["orbital-freight"]["open_cases"] == "1"
    assert by_id["bluefin-analytics"]["arr"] == ""


def _failing_after(pairs, count):
    yield from pairs[:count]
    raise RuntimeError("stream broken")


@pytest.mark.parametrize("writer", [write_csv, write_jsonl, write_json])
def test_writers_write_each_outcome_as_it_comes(pairs, writer):
    out = io.StringIO()
    with pytest.raises(RuntimeError, match="stream broken"):
        writer(_failing_after(pairs, 3), out)
    written = out.getvalue()
    assert all(o.account in written for o, _ in pairs[:3])
    assert pairs[3][0].account not in written


def test_parquet_round_trips_through_pandas(pairs, tmp_path):
    path = tmp_path / "outcomes.parquet"
    assert write_parquet(pairs, path, batch_size=5) == len(pairs)
    frame = pd.read_parquet(path)
    assert list(frame.columns) == list(ROW_COLUMNS)
    assert len(frame) == len(pairs)
    assert str(frame["as_of"].dt.tz) == "UTC"
    assert frame.loc[frame["account"] == "northwind-logistics", "arr"].item() == 420000.0


def test_to_frame_gives_one_row_per_account(pairs):
    outcomes = [o for o, _ in pairs]
    frame = perception.to_frame(outcomes)
    assert len(frame) == len(outcomes)
    assert list(frame.columns[:5]) == ["account", "as_of", "score", "band", "confidence"]
    assert frame["name"].isna().all()
    assert frame["band"].cat.ordered
    assert str(frame["as_of"].dt.tz) == "UTC"
    assert frame["score"].between(0, 100).all()


def test_to_frame_with_accounts_adds_facts_and_attribute_columns(pairs):
    outcomes = [o for o, _ in pairs]
    frame = perception.to_frame(outcomes, accounts=[a for _, a in pairs]).set_index("account")
    assert frame.loc["granite-insurance", "owner"] == "Tomás Ibarra"
    assert frame.loc["granite-insurance", "lifecycle"] == "renewal"
    assert frame.loc["northwind-logistics", "attributes.contract_years"] == 3
    assert bool(frame.loc["northwind-logistics", "attributes.strategic"]) is True
    worst = frame.sort_values("band").index[-1]
    assert frame.loc[worst, "band"] in {"at risk", "critical"}


def test_to_frame_per_signal_and_per_driver(pairs):
    outcomes = [o for o, _ in pairs]
    signals = perception.to_frame(outcomes, rows="signals")
    drivers = perception.to_frame(outcomes, rows="drivers")
    assert list(signals.columns) == list(SIGNAL_COLUMNS)
    assert list(drivers.columns) == list(DRIVER_COLUMNS)
    assert len(signals) == sum(len(o.signals) for o in outcomes)
    assert len(drivers) == sum(len(o.drivers) for o in outcomes)
    assert signals["value"].between(-1, 1).all()
    assert (drivers.groupby("account")["rank"].min() == 1).all()
    with pytest.raises(ValueError, match="rows must be"):
        perception.to_frame(outcomes, rows="findings")


def test_outcome_row_without_account_has_empty_facts(pairs):
    row = outcome_row(pairs[0][0])
    assert row["name"] is None
    assert row["cases"] is None


# -- the command line ---------------------------------------------------------------------


def _jsonl(tmp_path, lines):
    path = tmp_path / "portfolio.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _sample_lines():
    return [json.dumps(dump_account(a)) for a in sample_portfolio()]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_cli_streams_and_stops_at_the_first_invalid_record(tmp_path, fmt):
    lines = _sample_lines()
    lines[2] = lines[2].replace('"direction": "inbound"', '"direction": "sideways"', 1)
    path = _jsonl(tmp_path, lines)
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(
        main, ["assess", str(path), "--as-of", AS_OF, "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 2
    assert f"{path}:3" in result.output
    assert "direction" in result.output
    written = out.read_text(encoding="utf-8")
    first, second = (json.loads(line)["customer"]["id"] for line in lines[:2])
    assert first in written
    assert second in written


def test_cli_csv_and_jsonl_agree_with_the_python_api(tmp_path):
    path = _jsonl(tmp_path, _sample_lines())
    runner = CliRunner()
    jsonl = runner.invoke(main, ["assess", str(path), "--as-of", AS_OF, "--format", "jsonl"])
    assert jsonl.exit_code == 0, jsonl.output
    expected = [assess(a, as_of=SAMPLE_AS_OF).to_dict() for a in sample_portfolio()]
    assert [json.loads(line) for line in jsonl.output.splitlines()] == expected
    table = runner.invoke(main, ["assess", str(path), "--as-of", AS_OF, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(table.output)))
    assert [r["account"] for r in rows] == [o["account"] for o in expected]


def test_cli_parquet_needs_out():
    result = CliRunner().invoke(main, ["assess", str(sample_path()), "--format", "parquet"])
    assert result.exit_code == 2
    assert "--format parquet needs --out" in result.output


def _run_with_terminal(args, tmp_path):
    """Run the command with standard error on a pseudo-terminal; return what it drew."""
    leader, follower = pty.openpty()
    # A new pseudo-terminal is 0 columns wide; give it the size of a real one.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {**os.environ, "COLUMNS": "100", "PERCEPTION_DISABLE_PLUGIN_AUTOLOAD": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "perception", *args],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=tmp_path,
    )
    os.close(follower)
    drawn = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            drawn += chunk
        elif process.poll() is not None:
            break
    os.close(leader)
    assert process.wait(timeout=60) == 0, drawn.decode("utf-8", "replace")
    return drawn.decode("utf-8", "replace")


def _big_portfolio(tmp_path: Path, copies: int) -> Path:
    lines = []
    for index in range(copies):
        for line in _sample_lines():
            data = json.loads(line)
            data["customer"]["id"] = f"{data['customer']['id']}-{index}"
            lines.append(json.dumps(data))
    return _jsonl(tmp_path, lines)


def test_progress_bar_on_a_terminal_and_not_in_a_pipe(tmp_path):
    path = _big_portfolio(tmp_path, 4)
    args = ["assess", str(path), "--as-of", AS_OF, "--format", "jsonl", "--out", "o.jsonl"]
    drawn = _run_with_terminal(args, tmp_path)
    assert "/48" in drawn, drawn
    assert "accounts/s" in drawn, drawn
    assert "Wrote 48 assessed accounts" in drawn
    quiet = _run_with_terminal([*args, "--quiet"], tmp_path)
    assert "/48" not in quiet
    piped = subprocess.run(
        [sys.executable, "-m", "perception", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert piped.stderr.strip() == "Wrote 48 assessed accounts to o.jsonl"
    assert len((tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()) == 48
