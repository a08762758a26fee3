"""The durable inbox: hook secrets, every acknowledged delivery, its events and their runs.

The receiver and the dispatcher talk to an :class:`InboxStore` only; :class:`SqliteInbox`
is the default (one SQLite file in WAL mode, ``synchronous=FULL`` so a commit is on disk
before the receiver answers 200). Another backend (PostgreSQL) implements the same protocol.

Event states: ``pending`` (waiting for a run, maybe a retry), ``running``, ``succeeded``,
``failed`` (every attempt failed), ``skipped`` (stored, but the hook's filter left it out).

>>> inbox = SqliteInbox(":memory:")
>>> inbox.save_secret("/asana", "s3cret", replace=False)
True
>>> receipt = inbox.record_delivery("/asana", b'{"events":[]}', [])
>>> receipt.heartbeat, receipt.stored
(True, 0)
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence, runtime_checkable

__all__ = ["DeliveryReceipt", "IncomingEvent", "InboxStore", "RunOutcome", "RunRecord",
           "SqliteInbox", "StoreError", "StoredEvent", "event_key"]

PENDING, RUNNING, SUCCEEDED, FAILED, SKIPPED = (
    "pending", "running", "succeeded", "failed", "skipped")


class StoreError(Exception):
    """The inbox could not store or read something (disk full, database locked...)."""


def event_key(event: dict[str, Any]) -> str:
    """What identifies an event across redeliveries: who, when, what, on which resource,
    under which parent, and the change (Asana events carry no id of their own)."""

    def gid(value: Any) -> Any:
        return value.get("gid") if isinstance(value, dict) else value

    resource = event.get("resource") or {}
    identity = {
        "user": gid(event.get("user")),
        "created_at": event.get("created_at"),
        "action": event.get("action"),
        "resource": [gid(resource), resource.get("resource_type")],
        "parent": gid(event.get("parent")),
        "change": event.get("change"),
    }
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IncomingEvent:
    """An event of a delivery, ready to store: its dedup key, body, and whether to run it."""

    key: str
    event: dict[str, Any]
    dispatch: bool = True


@dataclass(frozen=True)
class DeliveryReceipt:
    """What storing a delivery did: new events stored, duplicates ignored, heartbeat or not."""

    delivery_id: int
    stored: int
    duplicates: int
    heartbeat: bool


@dataclass(frozen=True)
class StoredEvent:
    """An event as the inbox holds it."""

    id: int
    path: str
    event: dict[str, Any]
    status: str
    attempts: int
    received_at: float
    next_attempt_at: float
    exit_code: int | None
    error: str | None


@dataclass(frozen=True)
class RunOutcome:
    """How one run of a workflow for an event ended."""

    ok: bool
    exit_code: int
    error: str | None = None
    log: str = ""
    output: Any = None


@dataclass(frozen=True)
class RunRecord:
    """One attempt at running an event's workflow."""

    event_id: int
    attempt: int
    status: str
    started_at: float
    finished_at: float | None
    exit_code: int | None
    error: str | None
    log: str | None
    output: Any


@runtime_checkable
class InboxStore(Protocol):
    """Where the receiver keeps secrets and events and the dispatcher keeps run outcomes.

    Every write is durable when the call returns, or raises :class:`StoreError`."""

    def secret(self, path: str) -> str | None:
        """The secret of the webhook behind ``path``, if a handshake stored one."""

    def known_secrets(self) -> list[str]:
        """Every stored secret (for masking them in logs)."""

    def save_secret(self, path: str, secret: str, *, replace: bool) -> bool:
        """Store ``secret`` for ``path``; with ``replace=False`` only when it has none yet.
        Returns whether it was stored."""

    def record_delivery(self, path: str, body: bytes,
                        events: Sequence[IncomingEvent]) -> DeliveryReceipt:
        """Store the raw delivery and its new events (an empty list is a heartbeat)."""

    def open_heads(self) -> list[StoredEvent]:
        """For each path, its oldest pending event, unless an event of it is running."""

    def begin_run(self, event_id: int) -> int | None:
        """Mark a pending event running and count the attempt; returns the attempt number,
        or ``None`` when the event is not pending (another dispatcher took it)."""

    def finish_run(self, event_id: int, attempt: int, outcome: RunOutcome, *, status: str,
                   next_attempt_at: float = 0.0) -> None:
        """Record the run and move the event to ``status`` (pending again for a retry)."""

    def recover(self) -> int:
        """After a restart: events left running go back to pending. Returns how many."""

    def event(self, event_id: int) -> StoredEvent | None:
        """One event by id."""

    def events(self, path: str | None = None, status: str | None = None) -> list[StoredEvent]:
        """Events in arrival order, optionally of one path and/or status."""

    def runs(self, event_id: int) -> list[RunRecord]:
        """The runs of one event, oldest first."""

    def close(self) -> None:
        """Release the store."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS hooks (
    path TEXT PRIMARY KEY, secret TEXT NOT NULL, handshake_at REAL NOT NULL,
    heartbeats INTEGER NOT NULL DEFAULT 0, last_heartbeat_at REAL);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, received_at REAL NOT NULL,
    heartbeat INTEGER NOT NULL, body BLOB NOT NULL, events INTEGER NOT NULL,
    new_events INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, key TEXT NOT NULL,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id), received_at REAL NOT NULL,
    event TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0, exit_code INTEGER, error TEXT, finished_at REAL,
    UNIQUE (path, key));
CREATE INDEX IF NOT EXISTS events_open ON events (path, id) WHERE status IN ('pending', 'running');
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL REFERENCES events (id),
    attempt INTEGER NOT NULL, status TEXT NOT NULL, started_at REAL NOT NULL,
    finished_at REAL, exit_code INTEGER, error TEXT, log TEXT, output TEXT);
CREATE INDEX IF NOT EXISTS runs_event ON runs (event_id, attempt);
"""
_EVENT_COLUMNS = ("id, path, event, status, attempts, received_at, next_attempt_at, exit_code, "
                  "error")


class SqliteInbox:
    """:class:`InboxStore` in one SQLite file (WAL mode, fsync on every commit).

    ``busy_timeout`` is how long a write waits for a lock held by another process before it
    fails with :class:`StoreError`; ``clock`` gives the timestamps (seconds since the epoch).
    """

    def __init__(self, path: str | Path, *, busy_timeout: float = 5.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = str(path)
        self.clock = clock
        self._lock = threading.Lock()
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"{self.path}: cannot open the inbox database: {exc}") from None
        # a write into a file deleted or replaced under us would be acknowledged, then lost
        self._watched = [] if self.path == ":memory:" else [
            name for name in (self.path, self.path + "-wal") if os.path.exists(name)]
        self._files = self._file_identity()

    def _file_identity(self) -> tuple[tuple[int, int], ...] | None:
        """Which files (device, inode) hold the database and its WAL; ``None`` when missing."""
        try:
            return tuple((found.st_dev, found.st_ino) for found in map(os.stat, self._watched))
        except OSError:
            return None

    # -- plumbing --------------------------------------------------------------------------
    def _write(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    result = work(self._db)
                    if self._files is None or self._file_identity() != self._files:
                        raise sqlite3.OperationalError(
                            "the inbox file was deleted or replaced while open; nothing was "
                            "written (restart to open the file again)")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise StoreError(f"{self.path}: {exc}") from None

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: {exc}") from None

    @staticmethod
    def _event(row: tuple) -> StoredEvent:
        return StoredEvent(id=row[0], path=row[1], event=json.loads(row[2]), status=row[3],
                           attempts=row[4], received_at=row[5], next_attempt_at=row[6],
                           exit_code=row[7], error=row[8])

    # -- secrets ---------------------------------------------------------------------------
    def secret(self, path: str) -> str | None:
        rows = self._read("SELECT secret FROM hooks WHERE path = ?", (path,))
        return rows[0][0] if rows else None

    def known_secrets(self) -> list[str]:
        return [row[0] for row in self._read("SELECT secret FROM hooks")]

    def save_secret(self, path: str, secret: str, *, replace: bool) -> bool:
        def work(db: sqlite3.Connection) -> bool:
            if not replace and db.execute("SELECT 1 FROM hooks WHERE path = ?",
                                          (path,)).fetchone():
                return False
            db.execute("INSERT INTO hooks (path, secret, handshake_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (path) DO UPDATE SET secret = excluded.secret, "
                       "handshake_at = excluded.handshake_at", (path, secret, self.clock()))
            return True
        return self._write(work)

    # -- deliveries ------------------------------------------------------------------------
    def record_delivery(self, path: str, body: bytes,
                        events: Sequence[IncomingEvent]) -> DeliveryReceipt:
        now = self.clock()

        def work(db: sqlite3.Connection) -> DeliveryReceipt:
            cursor = db.execute(
                "INSERT INTO deliveries (path, received_at, heartbeat, body, events, new_events) "
                "VALUES (?, ?, ?, ?, ?, 0)", (path, now, int(not events), body, len(events)))
            delivery_id = cursor.lastrowid
            stored = 0
            for incoming in events:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO events (path, key, delivery_id, received_at, event, "
                    "status) VALUES (?, ?, ?, ?, ?, ?)",
                    (path, incoming.key, delivery_id, now,
                     json.dumps(incoming.event, ensure_ascii=False, separators=(",", ":")),
                     PENDING if incoming.dispatch else SKIPPED))
                stored += cursor.rowcount
            db.execute("UPDATE deliveries SET new_events = ? WHERE id = ?", (stored, delivery_id))
            if not events:
                db.execute("UPDATE hooks SET heartbeats = heartbeats + 1, last_heartbeat_at = ? "
                           "WHERE path = ?", (now, path))
            return DeliveryReceipt(delivery_id, stored, len(events) - stored, not events)
        return self._write(work)

    # -- runs ------------------------------------------------------------------------------
    def open_heads(self) -> list[StoredEvent]:
        rows = self._read(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE id IN (SELECT MIN(id) FROM events "
            f"WHERE status IN ('{PENDING}', '{RUNNING}') GROUP BY path) AND status = "
            f"'{PENDING}' ORDER BY id")
        return [self._event(row) for row in rows]

    def begin_run(self, event_id: int) -> int | None:
        now = self.clock()

        def work(db: sqlite3.Connection) -> int | None:
            taken = db.execute("UPDATE events SET status = ?, attempts = attempts + 1 "
                               "WHERE id = ? AND status = ?", (RUNNING, event_id, PENDING))
            if taken.rowcount == 0:
                return None
            attempt = db.execute("SELECT attempts FROM events WHERE id = ?",
                                 (event_id,)).fetchone()
            db.execute("INSERT INTO runs (event_id, attempt, status, started_at) "
                       "VALUES (?, ?, ?, ?)", (event_id, attempt[0], RUNNING, now))
            return int(attempt[0])
        return self._write(work)

    def finish_run(self, event_id: int, attempt: int, outcome: RunOutcome, *, status: str,
                   next_attempt_at: float = 0.0) -> None:
        now = self.clock()
        output = None if outcome.output is None else json.dumps(
            outcome.output, ensure_ascii=False, default=str)

        def work(db: sqlite3.Connection) -> None:
            db.execute("UPDATE runs SET status = ?, finished_at = ?, exit_code = ?, error = ?, "
                       "log = ?, output = ? WHERE id = (SELECT MAX(id) FROM runs "
                       "WHERE event_id = ? AND attempt = ?)",
                       (SUCCEEDED if outcome.ok else FAILED, now, outcome.exit_code,
                        outcome.error, outcome.log, output, event_id, attempt))
            db.execute("UPDATE events SET status = ?, exit_code = ?, error = ?, "
                       "next_attempt_at = ?, finished_at = ? WHERE id = ?",
                       (status, outcome.exit_code, outcome.error, next_attempt_at,
                        now if status != PENDING else None, event_id))
        self._write(work)

    def recover(self) -> int:
        def work(db: sqlite3.Connection) -> int:
            db.execute("UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE status = ?",
                       (FAILED, self.clock(), "interrupted: the receiver stopped during the run",
                        RUNNING))
            return db.execute("UPDATE events SET status = ? WHERE status = ?",
                              (PENDING, RUNNING)).rowcount
        return self._write(work)

    # -- reading ---------------------------------------------------------------------------
    def event(self, event_id: int) -> StoredEvent | None:
        rows = self._read(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?", (event_id,))
        return self._event(rows[0]) if rows else None

    def events(self, path: str | None = None, status: str | None = None) -> list[StoredEvent]:
        sql, params = f"SELECT {_EVENT_COLUMNS} FROM events WHERE 1 = 1", []
        if path is not None:
            sql, params = sql + " AND path = ?", params + [path]
        if status is not None:
            sql, params = sql + " AND status = ?", params + [status]
        return [self._event(row) for row in self._read(sql + " ORDER BY id", params)]

    def runs(self, event_id: int) -> list[RunRecord]:
        rows = self._read("SELECT event_id, attempt, status, started_at, finished_at, exit_code, "
                          "error, log, output FROM runs WHERE event_id = ? ORDER BY id",
                          (event_id,))
        return [RunRecord(*row[:8], output=json.loads(row[8]) if row[8] else None)
                for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()
