"""Retention of the signal log (D-056): records past an age, or beyond a count, are deleted oldest first.

Pruning deletes a small batch per transaction and pauses between batches, on a thread of its own that
a log write starts at most once a minute per process, so it never holds the write lock for long and
no request waits for it. `python -m reference_server prune-log` prunes at once.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app

from reference_server.config import GatewayConfig
from reference_server.db import connect
from reference_server.webhook.ids import uuid7_floor

_logger = logging.getLogger(__name__)

PRUNE_INTERVAL = 60.0  # seconds between the prunes one process starts
BATCH_ROWS = 100  # rows deleted per transaction: a millisecond or two of write lock
PAUSE = 0.05  # seconds between batches, for the requests' writes
DAY_MILLISECONDS = 86_400_000


@dataclass(frozen=True)
class Retention:
    """How long and how much of the signal log is kept; 0 keeps everything by that measure."""

    days: float
    max_rows: int

    @classmethod
    def of(cls, config: GatewayConfig) -> Retention:
        """The configured retention."""
        return cls(config.log_retention_days, config.log_max_rows)

    @property
    def prunes(self) -> bool:
        """Whether anything is ever deleted."""
        return self.days > 0 or self.max_rows > 0


def _delete_in_batches(db: sqlite3.Connection, delete: str, bound: object, pause: float) -> int:
    """Run `delete` (a DELETE of at most BATCH_ROWS rows below `bound`) until it deletes nothing."""
    deleted = 0
    while True:
        count = db.execute(delete, (bound, BATCH_ROWS)).rowcount
        deleted += count
        if count < BATCH_ROWS:
            return deleted
        time.sleep(pause)


_DELETE_OLDER = (
    "DELETE FROM signal_log WHERE rowid IN"
    " (SELECT rowid FROM signal_log WHERE log_id < ? ORDER BY log_id LIMIT ?)"
)
_DELETE_BELOW = (
    "DELETE FROM signal_log WHERE rowid IN"
    " (SELECT rowid FROM signal_log WHERE rowid < ? ORDER BY rowid LIMIT ?)"
)


def _oldest_kept_rowid(db: sqlite3.Connection, max_rows: int) -> int | None:
    """The rowid of the oldest of the newest `max_rows` records, when there are more; else None."""
    lowest, highest = db.execute("SELECT min(rowid), max(rowid) FROM signal_log").fetchone()
    if lowest is None or highest - lowest < max_rows:  # rowids only grow: no more rows than the span
        return None
    row = db.execute(
        "SELECT rowid FROM signal_log ORDER BY rowid DESC LIMIT 1 OFFSET ?", (max_rows - 1,)
    ).fetchone()
    return None if row is None else row[0]


def _prune_flood_counts(db: sqlite3.Connection, cut: datetime) -> None:
    """Delete the failed-authentication limiter's counts (D-054) from before `cut`, when it keeps any."""
    present = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'failed_auth_counts'"
    if db.execute(present).fetchone() is not None:  # counted by minute: "2025-06-18T14:30"
        db.execute("DELETE FROM failed_auth_counts WHERE minute < ?", (cut.isoformat()[:16],))


def prune(db: sqlite3.Connection, retention: Retention, pause: float = PAUSE) -> int:
    """Delete the records past the retention, oldest first, in short transactions; how many."""
    deleted = 0
    cut = time.time_ns() // 1_000_000 - retention.days * DAY_MILLISECONDS  # in Unix milliseconds
    if retention.days > 0 and cut > 0:
        deleted += _delete_in_batches(db, _DELETE_OLDER, uuid7_floor(int(cut)), pause)  # ids begin with it
        _prune_flood_counts(db, datetime.fromtimestamp(cut / 1000, UTC))
    if retention.max_rows > 0:
        kept = _oldest_kept_rowid(db, retention.max_rows)
        if kept is not None:
            deleted += _delete_in_batches(db, _DELETE_BELOW, kept, pause)
    return deleted


class Pruner:
    """Prunes one app's signal log on a background thread, at most once per PRUNE_INTERVAL."""

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.retention = Retention.of(config)
        self.next_start = 0.0  # monotonic time; the first log write of a process prunes
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def poke(self) -> None:
        """Start a prune on its own thread, unless one ran recently or runs now."""
        if not self.retention.prunes or time.monotonic() < self.next_start:
            return
        with self.lock:
            if time.monotonic() < self.next_start or (self.thread and self.thread.is_alive()):
                return
            self.next_start = time.monotonic() + PRUNE_INTERVAL
            self.thread = threading.Thread(target=self.run, name="signal-log-pruner", daemon=True)
            self.thread.start()

    def run(self) -> None:
        """Prune once with a connection of its own; a failure is logged, and retried next time."""
        try:
            db = connect(str(self.config.database), self.config.sqlite_synchronous)
        except sqlite3.Error:
            _logger.exception("pruning the signal log: the database cannot be opened")
            return
        try:
            deleted = prune(db, self.retention)
        except sqlite3.Error:
            _logger.exception("pruning the signal log failed")
        else:
            if deleted:
                _logger.info("pruned %d signal log records", deleted)
        finally:
            db.close()


def init_app(app: Flask) -> None:
    """Give the app its pruner."""
    app.extensions["signal_log_pruner"] = Pruner(app.config["GATEWAY"])


def prune_soon() -> None:
    """Have the current app's log pruned in the background, if it is due."""
    current_app.extensions["signal_log_pruner"].poke()
