"""The ledger under stress: concurrent writers, a writer killed mid-batch, wrong files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from perception.store import (
    CorruptLedgerError,
    ForeignDatabaseError,
    Ledger,
    SchemaVersionError,
    Status,
)

ROOT = Path(__file__).resolve().parent.parent

_WRITER = textwrap.dedent(
    """
    import json, os, sys, time
    from datetime import datetime, timedelta, timezone
    from perception.outcome import FollowUp
    from perception.store import Ledger

    path, first, last, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    go = os.path.join(folder, "go")
    t0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
    items = [
        FollowUp(policy="p", key=f"p:acme:{n}", account="acme", due=t0 + timedelta(hours=n),
                 action="Call.", reason=f"Situation {n}.")
        for n in range(first, last)
    ]
    open(os.path.join(folder, f"ready-{first}"), "w").close()
    while not os.path.exists(go):
        time.sleep(0.001)
    totals = {"new": 0, "unchanged": 0}
    # A generous busy timeout: the test is about correctness, not speed, and a loaded
    # machine can hold the other writer's lock for a while.
    with Ledger.open(path, timeout=60) as ledger:
        for start in range(0, len(items), 5):
            counts = ledger.record(items[start:start + 5])
            totals["new"] += counts.new
            totals["unchanged"] += counts.unchanged
            ledger.list(account="acme", due_before=t0)
    print(json.dumps(totals))
    """
)

_KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import datetime, timedelta, timezone
    from perception.outcome import FollowUp
    from perception.store import Ledger

    t0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
    ledger = Ledger.open(sys.argv[1])
    ledger._db.execute("PRAGMA cache_size = 8")  # spill dirty pages to the WAL early
    def die(written):
        if written >= 1500:
            os.kill(os.getpid(), signal.SIGKILL)
    ledger._after_chunk = die
    changed = [
        FollowUp(policy="p", key=f"p:acme:{n}", account="acme", due=t0,
                 action="Changed.", reason="Changed.", priority="urgent")
        for n in range(100)
    ]
    new = [
        FollowUp(policy="p", key=f"p:acme:new-{n}", account="acme", due=t0,
                 action="Call. " * 20, reason="New situation. " * 20)
        for n in range(3000)
    ]
    ledger.record(changed + new)
    print("not killed")
    """
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _python(script: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _snapshot(path: Path) -> list[tuple[object, ...]]:
    with Ledger.open(path, create=False) as ledger:
        return [
            (e.key, e.status, e.followup, e.created_at, e.updated_at)
            for e in ledger.list(status=list(Status))
        ]


def test_two_processes_planning_at_once_lose_nothing_and_duplicate_nothing(tmp_path):
    path = tmp_path / "ledger.db"  # created by whichever process gets there first
    writers = [_python(_WRITER, path, 0, 600, tmp_path), _python(_WRITER, path, 300, 900, tmp_path)]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)  # both imported and waiting at the start line
    (tmp_path / "go").touch()
    finished = []
    try:
        for writer in writers:
            finished.append((writer, *writer.communicate(timeout=120)))
    finally:
        for writer in writers:  # never leave a writer running, even when one failed
            if writer.poll() is None:
                writer.kill()
                writer.communicate()
    results = []
    for writer, out, err in finished:
        assert writer.returncode == 0, err
        assert "locked" not in err
        results.append(json.loads(out))
    assert sum(r["new"] for r in results) == 900  # each row written by exactly one process
    assert sum(r["unchanged"] for r in results) == 300  # the overlap, seen by the other
    raw = sqlite3.connect(path)
    try:
        total, distinct = raw.execute(
            "SELECT count(*), count(DISTINCT key) FROM followups"
        ).fetchone()
    finally:
        raw.close()
    assert total == distinct == 900
    with Ledger.open(path, create=False) as ledger:
        ledger.check()
        assert {e.key for e in ledger.list()} == {f"p:acme:{n}" for n in range(900)}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_mid_batch_leaves_the_ledger_as_before(tmp_path):
    path = tmp_path / "ledger.db"
    from datetime import datetime, timezone  # noqa: PLC0415

    from perception.outcome import FollowUp  # noqa: PLC0415

    t0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
    with Ledger.open(path) as ledger:
        ledger.record(
            FollowUp(
                policy="p",
                key=f"p:acme:{n}",
                account="acme",
                due=t0,
                action="Call.",
                reason="Before.",
            )
            for n in range(200)
        )
        ledger.done("p:acme:7", by="sam")
    before = _snapshot(path)
    victim = _python(_KILLED, path)
    out, err = victim.communicate(timeout=120)
    assert victim.returncode == -signal.SIGKILL, (out, err)
    assert "not killed" not in out
    wal = Path(f"{path}-wal")
    assert wal.exists()
    assert wal.stat().st_size > 0  # the batch had reached the disk, uncommitted
    assert _snapshot(path) == before
    with Ledger.open(path, create=False) as ledger:
        ledger.check()
        assert ledger.count() == 200
        assert ledger.get("p:acme:7").status is Status.DONE


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"Dear diary,\n" + bytes(range(256)) * 20)
    before = _bytes(path)
    with pytest.raises(CorruptLedgerError, match="not a SQLite database"):
        Ledger.open(path)
    assert _bytes(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_damaged_ledger_is_refused_untouched(tmp_path):
    path = tmp_path / "ledger.db"
    with Ledger.open(path) as ledger:
        ledger.record([])
    data = bytearray(_bytes(path))
    data[100:] = b"\xff" * (len(data) - 100)  # keep the header, wreck every page
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptLedgerError, match="damaged"):
        Ledger.open(path)
    assert _bytes(path) == bytes(data)


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "app.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    raw.execute("INSERT INTO users (name) VALUES ('ada')")
    raw.commit()
    raw.close()
    before = _bytes(path)
    with pytest.raises(ForeignDatabaseError, match=r"another application .*tables: users"):
        Ledger.open(path)
    assert _bytes(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]  # not switched to WAL


def test_a_ledger_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "ledger.db"
    with Ledger.open(path) as ledger:
        ledger.record([])
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    before = _bytes(path)
    with pytest.raises(SchemaVersionError, match=r"schema version 99, newer .* upgrade"):
        Ledger.open(path)
    assert _bytes(path) == before


def test_a_lock_held_too_long_is_a_clear_busy_error_not_database_is_locked(tmp_path):
    from perception.store import LedgerBusyError  # noqa: PLC0415

    path = tmp_path / "ledger.db"
    with Ledger.open(path) as ledger:
        ledger.record([])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer that never lets go
    try:
        with Ledger.open(path, timeout=0.01) as ledger:
            assert ledger.count() == 0  # reading is not blocked by a writer (WAL)
            with pytest.raises(LedgerBusyError, match="stayed locked by another process") as info:
                ledger.record([])
            assert "database is locked" not in str(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Ledger.open(path) as ledger:
        assert ledger.record([]).total == 0  # usable again once the lock is released
