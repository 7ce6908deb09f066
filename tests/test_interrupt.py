"""Ctrl-C during a batch run: one line, exit code 130, no process left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perception.examples import sample_path

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads process groups from Linux's /proc"
)

#: ``perception`` with Ctrl-C handled as Python does by default.
_WITH_CTRL_C = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from perception.cli import main; sys.argv[0] = 'perception'; main()"
)


@pytest.fixture
def long_portfolio(tmp_path):
    accounts = json.loads(Path(sample_path()).read_text(encoding="utf-8"))["accounts"]
    path = tmp_path / "long.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for copy in range(400):
            for account in accounts:
                account["customer"]["id"] = f"{copy}-{account['customer']['id']}"
                handle.write(json.dumps(account) + "\n")
                account["customer"]["id"] = account["customer"]["id"].split("-", 1)[1]
    return path


def test_ctrl_c_during_a_two_process_run_exits_130_with_one_line(long_portfolio, tmp_path):
    (tmp_path / ".git").mkdir()
    # As from a terminal: a shell's background job (as CI may run this) starts with Ctrl-C
    # ignored, and Python then keeps it ignored; the command here starts with it handled.
    command = [
        sys.executable,
        "-c",
        _WITH_CTRL_C,
        "assess",
        str(long_portfolio),
        "--workers",
        "2",
    ]
    process = subprocess.Popen(  # our own interpreter and arguments
        command,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal gives it
    )
    # Interrupted once both workers run (a fixed pause could fall in the imports on a busy
    # machine, before the command has anything to stop).
    deadline = time.monotonic() + 60
    while len(_group(process.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process.poll() is None, "the run finished before it could be interrupted"
    assert len(_group(process.pid)) >= 3, "the two workers did not start within 60 s"
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.splitlines() == ["perception: interrupted"]
    deadline = time.monotonic() + 10
    while _group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group(process.pid) == []


def _group(pgid: int) -> list[str]:
    """The processes of the process group *pgid*."""
    return subprocess.run(
        ["pgrep", "-g", str(pgid)],  # a standard POSIX tool
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
