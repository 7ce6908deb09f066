"""The follow-up ledger: planned follow-ups and outcome history in SQLite.

The ledger keeps every follow-up the policies plan until somebody does it, so that none
is lost and none is sent twice::

    from perception.store import Ledger

    with Ledger.open("ledger.db") as ledger:
        counts = ledger.record(plan, outcomes=[outcome])   # new / updated / resolved
        for entry in ledger.list(due_before=now, owner="sam"):
            print(entry.ref, entry.overdue_days(now), entry.followup.action)
        ledger.done(entry.key, by="sam")     # or its short id: ledger.done(12)
        ledger.note(12, "Left a voicemail", by="sam")

Guarantees:

* **Idempotent.**  A follow-up is stored once per key.  Recording the same plan again
  writes nothing; a follow-up that is done, dismissed, resolved or snoozed keeps its status
  (a situation that recurs gets a new key from its policy, hence a new row).  A closed
  follow-up is never reopened by planning.
* **Self-closing.**  A plan made with the ledger's open follow-ups as ``pending`` carries
  the ones whose situation no longer holds; recording it closes them as ``resolved``,
  with the reason.
* **Atomic.**  Each call that writes is one transaction (``BEGIN IMMEDIATE``): a
  process killed in the middle leaves the ledger as it was before the call.
* **Concurrent.**  WAL mode and a busy timeout let several processes read and write
  the same file; a writer waits for the lock (and retries), and gives up with a
  :class:`LedgerBusyError` rather than a raw ``database is locked``.
* **Safe to point at the wrong file.**  A file that is not a SQLite database, a SQLite
  database of another application or one written by a newer version of perception is
  refused with a clear error, before anything is written to it.

The schema version is kept in ``PRAGMA user_version`` and older ledgers are migrated
forward when opened; the file is marked as a perception ledger with
``PRAGMA application_id``.  The core never imports this module.
"""

from __future__ import annotations

import builtins
import enum
import functools
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Final

import attrs

from perception._validation import lenient, shown
from perception.errors import PerceptionError
from perception.history import HistoryPoint, OutcomeChange, compare
from perception.history import ordered as ordered_changes
from perception.model import Dimension
from perception.outcome import (
    Band,
    Driver,
    FollowUp,
    FollowUpPlan,
    PerceivedOutcome,
    Priority,
    Resolution,
)

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "CorruptLedgerError",
    "ForeignDatabaseError",
    "HistoryPoint",
    "Ledger",
    "LedgerBusyError",
    "LedgerEntry",
    "LedgerError",
    "LedgerStateError",
    "Note",
    "RecordCounts",
    "SchemaVersionError",
    "Status",
    "UnknownFollowUpError",
]

#: ``PRAGMA application_id`` of a perception ledger ("PRCP" in ASCII).
APPLICATION_ID: Final = 0x50524350
#: The schema version this code writes; ``PRAGMA user_version`` of an up-to-date ledger.
SCHEMA_VERSION: Final = 5

_SQLITE_MAGIC = b"SQLite format 3\x00"
_CLOSED = frozenset({"done", "dismissed", "resolved"})
_PRIORITY_TEXT: Final = {p: p.value for p in Priority}
_BAND_TEXT: Final = {b: b.value for b in Band}
#: Rows compared and written per statement group inside one transaction.
_CHUNK = 900
#: Attempts at a write transaction before giving up with LedgerBusyError.
_ATTEMPTS = 5


# --- errors --------------------------------------------------------------------------


class LedgerError(PerceptionError):
    """Base class of the ledger's errors."""


class UnknownFollowUpError(LedgerError, LookupError):
    """No follow-up with that key in the ledger."""


class LedgerStateError(LedgerError):
    """The follow-up's status does not allow the change (snoozing a done follow-up)."""


class CorruptLedgerError(LedgerError):
    """The file is not a SQLite database, or the database is damaged."""


class ForeignDatabaseError(LedgerError):
    """The file is a SQLite database, but not a perception ledger."""


class SchemaVersionError(LedgerError):
    """The ledger was written by a newer version of perception."""


class LedgerBusyError(LedgerError):
    """Another process held the ledger's write lock for longer than the timeout."""


# --- records -------------------------------------------------------------------------


class Status(str, enum.Enum):
    """Where a follow-up stands.

    ``open`` until somebody does it (``done``), decides not to (``dismissed``) or puts
    it off (``snoozed`` until a time, after which it is due again), or until planning
    finds that its situation no longer holds (``resolved``, with the reason).
    """

    OPEN = "open"
    DONE = "done"
    SNOOZED = "snoozed"
    DISMISSED = "dismissed"
    RESOLVED = "resolved"

    @property
    def closed(self) -> bool:
        """True for done, dismissed and resolved."""
        return self in (Status.DONE, Status.DISMISSED, Status.RESOLVED)


def _to_status(value: object) -> Status:
    return lenient(Status, value)


@attrs.frozen(kw_only=True)
class RecordCounts:
    """What :meth:`Ledger.record` did.

    Attributes:
        new: follow-ups stored for the first time.
        updated: open or snoozed follow-ups whose due time, text, priority, evidence or
            owner changed (their status is kept).
        unchanged: follow-ups already stored as planned, or already closed.
        outcomes: outcome history points stored (new or changed).
        resolved: open or snoozed follow-ups closed as ``resolved`` (see
            :attr:`~perception.outcome.FollowUpPlan.resolved`).
    """

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    outcomes: int = 0
    resolved: int = 0

    @property
    def total(self) -> int:
        """Follow-ups seen: new + updated + unchanged."""
        return self.new + self.updated + self.unchanged


@attrs.frozen(kw_only=True)
class LedgerEntry:
    """A follow-up as stored in the ledger, with its status.

    Attributes:
        followup: the follow-up as last planned (its ``owner`` as planned).
        status: open, done, snoozed, dismissed or resolved.
        created_at: when it was first recorded.
        updated_at: when its row last changed.
        closed_at: when it was done, dismissed or resolved.
        closed_by: who did or dismissed it, if given.
        snoozed_until: when a snoozed follow-up is due again.
        ref: the short id, a whole number given in the order follow-ups are recorded,
            stable for the life of the ledger; commands take it in place of the key.
        assignee: who it was assigned to with :meth:`Ledger.assign`, if anybody.
        resolution: why it was resolved, for a resolved follow-up.
    """

    followup: FollowUp
    status: Status = attrs.field(converter=_to_status)
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    closed_by: str | None = None
    snoozed_until: datetime | None = None
    ref: int = 0
    assignee: str | None = None
    resolution: str | None = None

    @property
    def key(self) -> str:
        """The follow-up's idempotency key."""
        return self.followup.key

    @property
    def account(self) -> str:
        """The account's id."""
        return self.followup.account

    @property
    def due(self) -> datetime:
        """When it is due: the planned due time, or the end of the snooze if later."""
        if self.status is Status.SNOOZED and self.snoozed_until is not None:
            return max(self.followup.due, self.snoozed_until)
        return self.followup.due

    @property
    def owner(self) -> str:
        """Who should do it: the assignee, else the owner planned (``""`` if nobody)."""
        return self.assignee or self.followup.owner

    def overdue_days(self, now: datetime) -> int | None:
        """How many calendar days (UTC) it has been overdue at *now*: ``None`` when it is
        closed or not yet due, 0 when it fell due earlier the same day."""
        if self.status.closed or self.due >= now:
            return None
        due = self.due.astimezone(timezone.utc).date()
        return (now.astimezone(timezone.utc).date() - due).days


@attrs.frozen(kw_only=True)
class Note:
    """A note on a follow-up, as kept in the ledger.

    Attributes:
        key: the follow-up's key.
        at: when it was written.
        by: who wrote it, if given.
        text: the note.
    """

    key: str
    at: datetime
    by: str | None
    text: str


# --- schema --------------------------------------------------------------------------

_MIGRATIONS: Final[tuple[tuple[int, str], ...]] = (
    (
        1,
        """
        CREATE TABLE followups (
            key           TEXT PRIMARY KEY,
            account       TEXT NOT NULL,
            policy        TEXT NOT NULL,
            due           TEXT NOT NULL,
            action        TEXT NOT NULL,
            reason        TEXT NOT NULL,
            priority      TEXT NOT NULL,
            evidence      TEXT NOT NULL DEFAULT '[]',
            digest        BLOB NOT NULL DEFAULT x'',
            status        TEXT NOT NULL DEFAULT 'open'
                          CHECK (status IN ('open', 'done', 'snoozed', 'dismissed')),
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            closed_at     TEXT,
            closed_by     TEXT,
            snoozed_until TEXT
        ) WITHOUT ROWID;
        CREATE INDEX followups_by_due ON followups (status, due);
        CREATE INDEX followups_by_account ON followups (account, status);
        """,
    ),
    (
        2,
        """
        CREATE TABLE outcomes (
            account     TEXT NOT NULL,
            as_of       TEXT NOT NULL,
            score       REAL NOT NULL,
            band        TEXT NOT NULL,
            confidence  REAL NOT NULL,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (account, as_of)
        ) WITHOUT ROWID;
        """,
    ),
    (
        3,
        # Keys escape ':' and '%' in each part since version 3 (perception.followup_key).
        # The account part of a stored key is known (its own column), so it is rewritten
        # here; the parts after it cannot be told apart once joined, and are left as
        # they are.
        """
        UPDATE followups
        SET key = policy || ':' || replace(replace(account, '%', '%25'), ':', '%3A')
                  || substr(key, length(policy) + length(account) + 2)
        WHERE (instr(account, ':') > 0 OR instr(account, '%') > 0)
          AND substr(key, 1, length(policy) + length(account) + 1) = policy || ':' || account
        """,
    ),
    (
        4,
        # A ledger for a team: short ids, owners and assignees, the 'resolved' status
        # with its reason, the time of the plan that last changed a row, and notes.
        # SQLite cannot change a CHECK constraint in place: the table is rebuilt, short
        # ids given in the order the rows were recorded.
        """
        CREATE TABLE followups_v4 (
            key           TEXT PRIMARY KEY,
            ref           INTEGER NOT NULL,
            account       TEXT NOT NULL,
            policy        TEXT NOT NULL,
            due           TEXT NOT NULL,
            action        TEXT NOT NULL,
            reason        TEXT NOT NULL,
            priority      TEXT NOT NULL,
            evidence      TEXT NOT NULL DEFAULT '[]',
            owner         TEXT NOT NULL DEFAULT '',
            digest        BLOB NOT NULL DEFAULT x'',
            status        TEXT NOT NULL DEFAULT 'open'
                          CHECK (status IN ('open', 'done', 'snoozed', 'dismissed', 'resolved')),
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            closed_at     TEXT,
            closed_by     TEXT,
            snoozed_until TEXT,
            assignee      TEXT,
            resolution    TEXT,
            planned_as_of TEXT
        ) WITHOUT ROWID;
        INSERT INTO followups_v4 (key, ref, account, policy, due, action, reason, priority,
            evidence, digest, status, created_at, updated_at, closed_at, closed_by,
            snoozed_until)
        SELECT key, row_number() OVER (ORDER BY created_at, key), account, policy, due,
            action, reason, priority, evidence, digest, status, created_at, updated_at,
            closed_at, closed_by, snoozed_until
        FROM followups;
        DROP TABLE followups;
        ALTER TABLE followups_v4 RENAME TO followups;
        CREATE INDEX followups_by_due ON followups (status, due);
        CREATE INDEX followups_by_account ON followups (account, status);
        CREATE UNIQUE INDEX followups_by_ref ON followups (ref);
        CREATE TABLE notes (
            key  TEXT NOT NULL,
            at   TEXT NOT NULL,
            by   TEXT,
            text TEXT NOT NULL
        );
        CREATE INDEX notes_by_key ON notes (key, at)
        """,
    ),
    (
        5,
        # The drivers of each outcome in the history, so that a change can be explained.
        """
        ALTER TABLE outcomes ADD COLUMN drivers TEXT NOT NULL DEFAULT '[]'
        """,
    ),
)
_TABLES: Final = {"followups": 1, "outcomes": 2, "notes": 4}


def _key_clash(key: str, first: str, second: str) -> LedgerError:
    """Two accounts' follow-ups under one key: refused, never one of them dropped."""
    msg = (
        f"follow-up key {key!r} is planned for account {second!r} but belongs to account "
        f"{first!r}; a policy builds ambiguous keys (build them with perception.followup_key)"
    )
    return LedgerError(msg)


def _iso(moment: datetime) -> str:
    """UTC ISO 8601 with a fixed width, so that text order is time order."""
    if moment.tzinfo is not timezone.utc:
        if moment.tzinfo is None or moment.utcoffset() is None:
            msg = f"{moment!r} must be timezone-aware"
            raise ValueError(msg)
        moment = moment.astimezone(timezone.utc)
    return moment.isoformat(timespec="microseconds")[:-6] + "Z"


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def _parse_optional(text: str | None) -> datetime | None:
    return _parse(text) if text is not None else None


def _now() -> datetime:
    return datetime.now(timezone.utc)


_SELECT = (
    "SELECT key, account, policy, due, action, reason, priority, evidence, status, "
    "created_at, updated_at, closed_at, closed_by, snoozed_until, ref, owner, assignee, "
    "resolution FROM followups"
)


def _entry(row: Sequence[Any]) -> LedgerEntry:
    return LedgerEntry(
        followup=FollowUp(
            key=row[0],
            account=row[1],
            policy=row[2],
            due=_parse(row[3]),
            action=row[4],
            reason=row[5],
            priority=Priority(row[6]),
            evidence=tuple(json.loads(row[7])),
            owner=row[15],
        ),
        status=Status(row[8]),
        created_at=_parse(row[9]),
        updated_at=_parse(row[10]),
        closed_at=_parse_optional(row[11]),
        closed_by=row[12],
        snoozed_until=_parse_optional(row[13]),
        ref=int(row[14]),
        assignee=row[16],
        resolution=row[17],
    )


def _content(item: FollowUp) -> tuple[str, str, str, str, str, str]:
    """The columns a re-plan may change, as stored."""
    return (
        _iso(item.due),
        item.action,
        item.reason,
        _PRIORITY_TEXT[item.priority],
        _evidence_json(item.evidence),
        item.owner,
    )


def _digest(item: FollowUp) -> bytes:
    """A fingerprint of the columns a re-plan may change: equal content, equal digest.

    Comparing 8 bytes instead of every column keeps re-planning unchanged data cheap.  An
    empty owner adds nothing, so rows recorded before owners existed keep their digest.
    """
    text = (
        f"{item.due.timestamp()!r}\x1f{item.action}\x1f{item.reason}\x1f"
        f"{_PRIORITY_TEXT[item.priority]}\x1f{_evidence_json(item.evidence)}"
    )
    if item.owner:
        text += f"\x1f{item.owner}"
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()


@functools.lru_cache(maxsize=4096)
def _evidence_json(evidence: tuple[str, ...]) -> str:
    return json.dumps(list(evidence), ensure_ascii=False)


def _plans_of(
    items: FollowUpPlan | Iterable[FollowUp | FollowUpPlan],
) -> Iterator[tuple[Sequence[FollowUp], datetime | None, Sequence[Resolution]]]:
    """Each plan's follow-ups, its time and its resolutions; a bare follow-up as a plan
    of its own without a time."""
    if isinstance(items, FollowUpPlan):
        yield items.followups, items.as_of, items.resolved
        return
    for item in items:
        if isinstance(item, FollowUpPlan):
            yield item.followups, item.as_of, item.resolved
        elif isinstance(item, FollowUp):
            yield (item,), None, ()
        else:
            msg = f"record() takes FollowUp or FollowUpPlan items, not {type(item).__name__}"
            raise TypeError(msg)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


# --- the ledger ----------------------------------------------------------------------


class Ledger:
    """A follow-up ledger in one SQLite file (or in memory).

    Open it with :meth:`Ledger.open`; use it as a context manager or call
    :meth:`close`.  A ledger object belongs to the thread that opened it; open one per
    thread or process (they may share the file).
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        *,
        path: str,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        """Wrap an open, checked and migrated connection; use :meth:`open` instead."""
        self._db = connection
        self.path = path
        self._clock = clock
        #: Testing hook: called with the number of rows written so far, inside the
        #: transaction of :meth:`record`, after each group of rows.
        self._after_chunk: Callable[[int], None] | None = None

    # opening ------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path = ":memory:",
        *,
        create: bool = True,
        timeout: float = 30.0,
        clock: Callable[[], datetime] = _now,
    ) -> Ledger:
        """Open (and, with *create*, create) the ledger at *path*.

        :param path: a file, or ``":memory:"`` for a private in-memory ledger.
        :param create: create the file when it does not exist; with ``False`` a missing
            file is a :class:`LedgerError`.
        :param timeout: seconds to wait for another process's write lock.
        :param clock: the current time, for the ledger's timestamps (for tests).
        :raises CorruptLedgerError: the file is not a SQLite database or is damaged.
        :raises ForeignDatabaseError: the file is another application's database.
        :raises SchemaVersionError: the ledger was written by a newer version.
        """
        name = str(path)
        memory = name == ":memory:"
        if not memory:
            _precheck(Path(name), create=create)
        try:
            connection = sqlite3.connect(name, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise LedgerError(f"{name}: cannot open the ledger: {exc}") from exc
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            _inspect(connection, name)
            if not memory:
                _retry(lambda: _set_wal(connection), name, timeout)
            _retry(lambda: _migrate(connection, name), name, timeout)
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            connection.close()
            raise
        return cls(connection, path=name, clock=clock)

    def close(self) -> None:
        """Close the connection; the ledger object is unusable afterwards."""
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({self.path!r})"

    @property
    def schema_version(self) -> int:
        """The ledger's schema version (``PRAGMA user_version``)."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # transactions -------------------------------------------------------------------

    def _write(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run *work* in one ``BEGIN IMMEDIATE`` transaction, retrying while busy."""

        def attempt() -> Any:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._db)
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            return result

        return _retry(attempt, self.path, None)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        def attempt() -> list[Any]:
            return self._db.execute(sql, params).fetchall()

        result: list[Any] = _retry(attempt, self.path, None)
        return result

    # recording ----------------------------------------------------------------------

    def record(
        self,
        followups: FollowUpPlan | Iterable[FollowUp | FollowUpPlan] = (),
        *,
        outcomes: Iterable[PerceivedOutcome] = (),
    ) -> RecordCounts:
        """Store planned follow-ups (and outcomes) in one transaction.

        A key seen for the first time is stored as ``open``, with the next short id.  A
        key already stored keeps its status, short id and timestamps; while it is open or
        snoozed, a change of its due time, action, reason, priority, evidence or owner is
        written (``updated``).  A closed follow-up is never reopened by planning.

        A plan's ``resolved`` follow-ups that are still open or snoozed are closed as
        ``resolved`` with their reason, unless the plan also plans them or is older than
        the plan that last changed them.

        :param followups: a plan, or follow-ups and plans in any mix.
        :param outcomes: assessed outcomes to add to the history (see
            :meth:`record_outcomes`).
        :return: how many follow-ups were new, updated, unchanged or resolved.
        """
        unique: dict[str, tuple[FollowUp, str | None]] = {}
        resolutions: list[tuple[Resolution, str]] = []
        for planned, as_of, resolved in _plans_of(followups):
            stamp = _iso(as_of) if as_of is not None else None
            for item in planned:
                first = unique.setdefault(item.key, (item, stamp))[0]
                if first.account != item.account:
                    raise _key_clash(item.key, first.account, item.account)
            resolutions += [(r, stamp) for r in resolved if stamp is not None]
        items = list(unique.values())
        closing = [(r, at) for r, at in resolutions if r.key not in unique]
        history = [_history_row(o) for o in outcomes]

        def work(db: sqlite3.Connection) -> RecordCounts:
            now = _iso(self._clock())
            counts = _Counts(next_ref=_next_ref(db))
            for chunk in _chunks(items):
                self._record_chunk(db, chunk, now, counts)
            resolved = _close_resolved(db, closing, now)
            stored_outcomes = _write_history(db, history, now)
            return RecordCounts(
                new=counts.new,
                updated=counts.updated,
                unchanged=counts.unchanged,
                outcomes=stored_outcomes,
                resolved=resolved,
            )

        counts: RecordCounts = self._write(work)
        return counts

    def _record_chunk(
        self,
        db: sqlite3.Connection,
        chunk: Sequence[tuple[FollowUp, str | None]],
        now: str,
        counts: _Counts,
    ) -> None:
        """Insert or update one group of planned follow-ups."""
        marks = ",".join("?" * len(chunk))
        stored = {
            row[0]: row
            for row in db.execute(
                "SELECT key, status, digest, account "  # noqa: S608  # only ? marks
                f"FROM followups WHERE key IN ({marks})",
                [f.key for f, _ in chunk],
            )
        }
        inserts, updates = [], []
        for item, as_of in chunk:
            row = stored.get(item.key)
            if row is not None and row[3] != item.account:
                raise _key_clash(item.key, row[3], item.account)
            if row is None:
                head = (item.key, counts.next_ref, item.account, item.policy)
                inserts.append((*head, *_content(item), _digest(item), now, now, as_of))
                counts.next_ref += 1
            elif row[1] in _CLOSED:
                counts.unchanged += 1  # a closed follow-up is never changed by planning
            elif row[2] != (digest := _digest(item)):
                updates.append((*_content(item), digest, now, as_of, item.key))
            else:
                counts.unchanged += 1
        if inserts:
            db.executemany(
                "INSERT INTO followups (key, ref, account, policy, due, action, reason, "
                "priority, evidence, owner, digest, created_at, updated_at, planned_as_of) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                inserts,
            )
        if updates:
            db.executemany(
                "UPDATE followups SET due = ?, action = ?, reason = ?, priority = ?, "
                "evidence = ?, owner = ?, digest = ?, updated_at = ?, "
                "planned_as_of = coalesce(?, planned_as_of) WHERE key = ?",
                updates,
            )
        counts.new += len(inserts)
        counts.updated += len(updates)
        counts.written += len(inserts) + len(updates)
        if self._after_chunk is not None:
            self._after_chunk(counts.written)

    def record_outcomes(self, outcomes: Iterable[PerceivedOutcome]) -> int:
        """Add outcomes to the history in one transaction.

        One point per account and ``as_of``: recording the same assessment again
        changes nothing; a different score for the same time replaces the old one.

        :return: how many points were stored (new or changed).
        """
        history = [_history_row(o) for o in outcomes]

        def work(db: sqlite3.Connection) -> int:
            return _write_history(db, history, _iso(self._clock()))

        stored: int = self._write(work)
        return stored

    def record_outcome(self, outcome: PerceivedOutcome) -> bool:
        """Add one outcome to the history; ``True`` when it was new or changed."""
        return self.record_outcomes([outcome]) > 0

    # reading ------------------------------------------------------------------------

    def get(self, key: str | int) -> LedgerEntry:
        """The follow-up with *key*, or with the short id *key* (``12``, ``"12"`` or
        ``"#12"``); a key is looked for first.

        :raises UnknownFollowUpError: no follow-up has that key or short id.
        """
        return _entry(self._row(self._db, key))

    def _row(self, db: sqlite3.Connection, key: str | int) -> Any:
        """The stored row of the follow-up named by *key* (a key or a short id)."""

        def attempt() -> Any:
            row = None
            if isinstance(key, str):
                row = db.execute(_SELECT + " WHERE key = ?", (key,)).fetchone()
            ref = _as_ref(key) if row is None else None
            if ref is not None and 0 <= ref < 2**63:
                row = db.execute(_SELECT + " WHERE ref = ?", (ref,)).fetchone()
            return row

        row = _retry(attempt, self.path, None)
        if row is None:
            what = "short id" if _as_ref(key) is not None else "key"
            raise UnknownFollowUpError(f"{self.path}: no follow-up with {what} {shown(key)}")
        return row

    def list(
        self,
        *,
        due_before: datetime | None = None,
        account: str | None = None,
        status: Status | str | Iterable[Status | str] | None = None,
        policy: str | None = None,
        owner: str | None = None,
    ) -> builtins.list[LedgerEntry]:
        """Follow-ups by due time (a snoozed one is due when its snooze ends).

        :param due_before: only those due strictly before this time.
        :param account: only this account's.
        :param status: a status or several (default: open and snoozed, the ones still
            to do); pass ``list(Status)`` for all.
        :param policy: only those planned by this policy.
        :param owner: only those this person should do: assigned to them, or planned
            for them and assigned to nobody.
        """
        if status is None:
            wanted = {Status.OPEN, Status.SNOOZED}
        elif isinstance(status, (Status, str)):
            wanted = {Status(status)}
        else:
            wanted = {Status(s) for s in status}
        order = sorted(wanted, key=list(Status).index)
        due = "CASE WHEN status = 'snoozed' AND snoozed_until > due THEN snoozed_until ELSE due END"
        clauses = [f"status IN ({','.join('?' * len(order))})"]
        params: list[Any] = [s.value for s in order]
        for column, value in (("account", account), ("policy", policy)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if owner is not None:
            clauses.append("coalesce(assignee, owner) = ?")
            params.append(owner)
        if due_before is not None:
            clauses.append(f"{due} < ?")
            params.append(_iso(due_before))
        rows = self._read(
            f"{_SELECT} WHERE {' AND '.join(clauses)} ORDER BY {due}, key",
            params,
        )
        entries = [_entry(row) for row in rows]
        entries.sort(key=lambda e: (e.due, -e.followup.priority.rank, e.key))
        return entries

    def count(self, status: Status | str | None = None) -> int:
        """How many follow-ups are stored (with this status, if given)."""
        if status is None:
            rows = self._read("SELECT count(*) FROM followups")
        else:
            rows = self._read(
                "SELECT count(*) FROM followups WHERE status = ?", (Status(status).value,)
            )
        return int(rows[0][0])

    def history(
        self,
        account: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> builtins.list[HistoryPoint]:
        """The account's outcome history, oldest first, with each point's drivers.

        :param since: only points of this time or later.
        :param until: only points of this time or earlier.
        """
        clauses, params = ["account = ?"], [account]
        if since is not None:
            clauses.append("as_of >= ?")
            params.append(_iso(since))
        if until is not None:
            clauses.append("as_of <= ?")
            params.append(_iso(until))
        rows = self._read(f"{_POINT} WHERE {' AND '.join(clauses)} ORDER BY as_of", params)
        return [_point(row) for row in rows]

    def latest(
        self, *, before: datetime | None = None, at_or_before: datetime | None = None
    ) -> dict[str, HistoryPoint]:
        """Each account's latest point: strictly *before* a time, or *at_or_before* it, or
        of all."""
        if before is not None and at_or_before is not None:
            msg = "give before or at_or_before, not both"
            raise ValueError(msg)
        if before is not None:
            rows = self._read(_LATEST.format(op="<"), (_iso(before),))
        else:
            bound = _iso(at_or_before) if at_or_before is not None else _AFTER_ALL
            rows = self._read(_LATEST.format(op="<="), (bound,))
        return {row[0]: _point(row) for row in rows}

    def changes(
        self,
        since: datetime,
        *,
        until: datetime | None = None,
        min_change: float = 1.0,
    ) -> builtins.list[OutcomeChange]:
        """Accounts whose outcome moved after *since*: the latest point up to *until*
        (default: the latest) against the latest point at or before *since*, when the
        band changed or the score moved by at least *min_change* points, worst first.

        An account first assessed after *since* has nothing to compare with and is left
        out.
        """
        before = self.latest(at_or_before=since)
        after = self.latest(at_or_before=until) if until is not None else self.latest()
        found = [
            change
            for account, point in after.items()
            if point.as_of > since
            and (change := compare(before.get(account), point, min_change=min_change))
        ]
        return ordered_changes(found)

    # changing status ----------------------------------------------------------------

    def _transition(
        self,
        key: str | int,
        target: Status,
        *,
        by: str | None = None,
        at: datetime | None = None,
        until: datetime | None = None,
    ) -> LedgerEntry:
        moment = _iso(at if at is not None else self._clock())

        def work(db: sqlite3.Connection) -> str:
            row = self._row(db, key)
            found, current = str(row[0]), Status(row[8])
            if current is target and target.closed:
                return found  # doing it twice is harmless
            if current.closed and target is not Status.OPEN:
                msg = (
                    f"follow-up {found!r} is {current.value}; reopen it before marking it "
                    f"{target.value}"
                )
                raise LedgerStateError(msg)
            if target is Status.OPEN and not current.closed and current is not Status.SNOOZED:
                return found
            closed = target.closed
            db.execute(
                "UPDATE followups SET status = ?, updated_at = ?, closed_at = ?, "
                "closed_by = ?, snoozed_until = ?, resolution = NULL WHERE key = ?",
                (
                    target.value,
                    moment,
                    moment if closed else None,
                    by if closed else None,
                    _iso(until) if until is not None else None,
                    found,
                ),
            )
            return found

        found: str = self._write(work)
        return self.get(found)

    def done(
        self, key: str | int, *, by: str | None = None, at: datetime | None = None
    ) -> LedgerEntry:
        """Mark the follow-up (by key or short id) done (by whom, when: default now).

        Marking a done follow-up done again changes nothing.

        :raises UnknownFollowUpError: no follow-up has that key.
        :raises LedgerStateError: it was dismissed or resolved (reopen it first).
        """
        return self._transition(key, Status.DONE, by=by, at=at)

    def dismiss(
        self, key: str | int, *, by: str | None = None, at: datetime | None = None
    ) -> LedgerEntry:
        """Dismiss the follow-up: it will not be done, and planning will not revive it.

        :raises UnknownFollowUpError: no follow-up has that key.
        :raises LedgerStateError: it was done or resolved (reopen it first).
        """
        return self._transition(key, Status.DISMISSED, by=by, at=at)

    def snooze(self, key: str | int, *, until: datetime) -> LedgerEntry:
        """Put the follow-up off: it is due again at *until*.

        :raises UnknownFollowUpError: no follow-up has that key.
        :raises LedgerStateError: it is done, dismissed or resolved.
        :raises ValueError: *until* is not timezone-aware.
        """
        _iso(until)  # a naive time is refused before anything is written
        return self._transition(key, Status.SNOOZED, until=until)

    def reopen(self, key: str | int) -> LedgerEntry:
        """Make a done, dismissed, resolved or snoozed follow-up open again.

        :raises UnknownFollowUpError: no follow-up has that key.
        """
        return self._transition(key, Status.OPEN)

    def assign(self, key: str | int, to: str | None) -> LedgerEntry:
        """Assign the follow-up to *to*, whatever its status; ``None`` or ``""`` takes the
        assignment back (the owner planned counts again).  Planning never changes it.

        :raises UnknownFollowUpError: no follow-up has that key.
        """
        moment = _iso(self._clock())

        def work(db: sqlite3.Connection) -> str:
            found = str(self._row(db, key)[0])
            db.execute(
                "UPDATE followups SET assignee = ?, updated_at = ? WHERE key = ?",
                (to or None, moment, found),
            )
            return found

        found: str = self._write(work)
        return self.get(found)

    def note(
        self, key: str | int, text: str, *, by: str | None = None, at: datetime | None = None
    ) -> Note:
        """Add a note to the follow-up (kept whatever happens to it later).

        :raises UnknownFollowUpError: no follow-up has that key.
        :raises ValueError: *text* is blank.
        """
        if not text.strip():
            msg = "a note needs some text"
            raise ValueError(msg)
        moment = _iso(at if at is not None else self._clock())

        def work(db: sqlite3.Connection) -> str:
            found = str(self._row(db, key)[0])
            db.execute(
                "INSERT INTO notes (key, at, by, text) VALUES (?, ?, ?, ?)",
                (found, moment, by, text),
            )
            return found

        found: str = self._write(work)
        return Note(key=found, at=_parse(moment), by=by, text=text)

    def notes(self, key: str | int) -> builtins.list[Note]:
        """The follow-up's notes, oldest first.

        :raises UnknownFollowUpError: no follow-up has that key.
        """
        found = str(self._row(self._db, key)[0])
        rows = self._read(
            "SELECT key, at, by, text FROM notes WHERE key = ? ORDER BY at, rowid", (found,)
        )
        return [Note(key=r[0], at=_parse(r[1]), by=r[2], text=r[3]) for r in rows]

    def check(self) -> None:
        """Run SQLite's integrity check over the whole file.

        :raises CorruptLedgerError: the database is damaged.
        """
        try:
            rows = self._db.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as exc:
            raise CorruptLedgerError(f"{self.path}: damaged database: {exc}") from exc
        problems = [str(r[0]) for r in rows if r[0] != "ok"]
        if problems:
            raise CorruptLedgerError(f"{self.path}: damaged database: {'; '.join(problems[:5])}")


# --- helpers of the ledger -----------------------------------------------------------


def _history_row(outcome: PerceivedOutcome) -> tuple[str, str, float, str, float, str]:
    return (
        outcome.account,
        _iso(outcome.as_of),
        float(outcome.score),
        _BAND_TEXT[outcome.band],
        float(outcome.confidence),
        _drivers_json(outcome.drivers),
    )


def _drivers_json(drivers: Sequence[Driver]) -> str:
    return json.dumps(
        [
            {
                "text": d.text,
                "dimension": d.dimension.value,
                "impact": d.impact,
                "scorer": d.scorer,
                "evidence": list(d.evidence),
            }
            for d in drivers
        ],
        ensure_ascii=False,
    )


def _drivers_of(text: str) -> tuple[Driver, ...]:
    return tuple(
        Driver(
            text=str(d["text"]),
            dimension=Dimension(d["dimension"]),
            impact=float(d["impact"]),
            scorer=str(d["scorer"]),
            evidence=tuple(str(e) for e in d["evidence"]),
        )
        for d in json.loads(text)
    )


_POINT = "SELECT account, as_of, score, band, confidence, drivers FROM outcomes"
#: Each account's latest point before (``<``) or at (``<=``) a time.
_LATEST = (
    "SELECT account, as_of, score, band, confidence, drivers FROM outcomes "
    "WHERE (account, as_of) IN (SELECT account, max(as_of) FROM outcomes "
    "WHERE as_of {op} ? GROUP BY account) ORDER BY account"
)
#: Sorts after every stored time.
_AFTER_ALL = "~"


def _point(row: Sequence[Any]) -> HistoryPoint:
    return HistoryPoint(
        account=row[0],
        as_of=_parse(row[1]),
        score=float(row[2]),
        band=Band(row[3]),
        confidence=float(row[4]),
        drivers=_drivers_of(row[5]),
    )


def _write_history(
    db: sqlite3.Connection, rows: Sequence[tuple[str, str, float, str, float, str]], now: str
) -> int:
    if not rows:
        return 0
    before = db.total_changes
    db.executemany(
        "INSERT INTO outcomes (account, as_of, score, band, confidence, drivers, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (account, as_of) DO UPDATE SET score = excluded.score, "
        "band = excluded.band, confidence = excluded.confidence, "
        "drivers = excluded.drivers, recorded_at = excluded.recorded_at "
        "WHERE score IS NOT excluded.score OR band IS NOT excluded.band "
        "OR confidence IS NOT excluded.confidence OR drivers IS NOT excluded.drivers",
        [(*row, now) for row in rows],
    )
    return db.total_changes - before


@attrs.define
class _Counts:
    """What one :meth:`Ledger.record` transaction did so far, and the next short id."""

    next_ref: int
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    written: int = 0


def _next_ref(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT coalesce(max(ref), 0) + 1 FROM followups").fetchone()[0])


def _close_resolved(
    db: sqlite3.Connection, resolutions: Sequence[tuple[Resolution, str]], now: str
) -> int:
    """Close the still open or snoozed follow-ups of *resolutions* as resolved; a plan
    older than the one that last changed a follow-up does not close it."""
    if not resolutions:
        return 0
    before = db.total_changes
    db.executemany(
        "UPDATE followups SET status = 'resolved', resolution = ?, closed_at = ?, "
        "closed_by = NULL, snoozed_until = NULL, updated_at = ? "
        "WHERE key = ? AND account = ? AND status IN ('open', 'snoozed') "
        "AND (planned_as_of IS NULL OR planned_as_of <= ?)",
        [(r.reason, now, now, r.key, r.account, as_of) for r, as_of in resolutions],
    )
    return db.total_changes - before


def _retry(attempt: Callable[[], Any], path: str, timeout: float | None) -> Any:
    """Call *attempt*, retrying while the database is busy; map SQLite's errors."""
    delay = 0.05
    for number in range(1, _ATTEMPTS + 1):
        try:
            return attempt()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                if "malformed" in str(exc) or "not a database" in str(exc):
                    raise CorruptLedgerError(f"{path}: damaged database: {exc}") from exc
                raise LedgerError(f"{path}: {exc}") from exc
            if number == _ATTEMPTS:
                waited = f" for {timeout:g} s" if timeout is not None else ""
                msg = (
                    f"{path}: the ledger stayed locked by another process{waited} "
                    f"({_ATTEMPTS} attempts); try again later"
                )
                raise LedgerBusyError(msg) from exc
            time.sleep(delay)
            delay *= 2
        except sqlite3.DatabaseError as exc:
            raise CorruptLedgerError(f"{path}: damaged database: {exc}") from exc
    raise AssertionError("unreachable")  # pragma: no cover


def _as_ref(key: str | int) -> int | None:
    """*key* as a short id (``12``, ``"12"``, ``"#12"``), or ``None``."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    text = str(key).strip().removeprefix("#")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= _REF_DIGITS else None


#: The most digits a short id is read with: SQLite's integers have 64 bits, and a longer
#: string of digits is a key that names nothing rather than an error.
_REF_DIGITS = 18


def _precheck(path: Path, *, create: bool) -> None:
    """Refuse a missing (unless *create*) or non-SQLite file without touching it."""
    if path.is_dir():
        raise LedgerError(f"{path}: is a directory, not a ledger file")
    if not path.exists():
        if not create:
            raise LedgerError(f"{path}: no ledger here (plan into it first to create it)")
        if not path.parent.is_dir():
            raise LedgerError(f"{path}: the folder {path.parent} does not exist")
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise LedgerError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not header and not create:
        # An empty file is not a ledger; opening it to read would quietly make it one.
        raise LedgerError(f"{path}: an empty file, not a ledger (plan into it first to create it)")
    if header and not header.startswith(_SQLITE_MAGIC):
        msg = f"{path}: not a perception ledger: the file is not a SQLite database"
        raise CorruptLedgerError(msg)
    if header and len(header) < 100:
        raise CorruptLedgerError(f"{path}: damaged database: the header is truncated")


def _inspect(connection: sqlite3.Connection, path: str) -> None:
    """Check what the file is, by reading only: a fresh file, a ledger, or refuse it."""
    try:
        # One read transaction, so that the three reads see one snapshot: read one at a
        # time, they could straddle another process's commit of the first migration and
        # see its tables without its application id.
        connection.execute("BEGIN")
        try:
            names = {
                str(row[0])
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            application = int(connection.execute("PRAGMA application_id").fetchone()[0])
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        finally:
            if connection.in_transaction:
                connection.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if _is_busy(exc):
            raise LedgerBusyError(f"{path}: the ledger is locked by another process") from exc
        raise CorruptLedgerError(f"{path}: damaged database: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise CorruptLedgerError(f"{path}: damaged database: {exc}") from exc
    fresh = application == 0 and version == 0 and not names
    if application != APPLICATION_ID and not fresh:
        what = f"application id {application:#x}" if application else "no application id"
        tables = ", ".join(sorted(names)[:5]) or "none"
        msg = (
            f"{path}: not a perception ledger: a SQLite database of another application "
            f"({what}; tables: {tables}); it was left untouched"
        )
        raise ForeignDatabaseError(msg)
    if version > SCHEMA_VERSION:
        msg = (
            f"{path}: the ledger has schema version {version}, newer than this version of "
            f"perception understands ({SCHEMA_VERSION}); upgrade perception to use it"
        )
        raise SchemaVersionError(msg)
    missing = [t for t, since in _TABLES.items() if since <= version and t not in names]
    if missing:
        msg = f"{path}: damaged ledger: missing table(s) {', '.join(missing)}"
        raise CorruptLedgerError(msg)


def _set_wal(connection: sqlite3.Connection) -> None:
    mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        connection.execute("PRAGMA journal_mode = WAL")


def _migrate(connection: sqlite3.Connection, path: str, target: int = SCHEMA_VERSION) -> None:
    """Bring the schema up to *target*, one version at a time, in one transaction."""
    if int(connection.execute("PRAGMA user_version").fetchone()[0]) >= target:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:  # a newer process got there first
            msg = f"{path}: the ledger has schema version {version}, newer than {SCHEMA_VERSION}"
            raise SchemaVersionError(msg)
        if version == 0:
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for step, script in _MIGRATIONS:
            if version < step <= target:
                for statement in script.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {step}")
                version = step
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
