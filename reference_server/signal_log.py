"""The signal log: every request that reaches a known webhook, written to SQLite."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app

from reference_server.db import get_db, immediate_transaction
from reference_server.group_commit import GroupCommit
from reference_server.ids import uuid7


@dataclass(frozen=True)
class LogEntry:
    """One request's record."""

    log_id: str
    webhook_uuid: str
    received_at: str
    source_address: str
    outcome: str
    status: int
    message_code: str | None = None
    signal_id: str | None = None
    body: bytes | None = None
    signal: dict[str, Any] | None = None
    matched_password: str | None = None  # "current", or "previous" during a rotation's grace (D-060)

    @property
    def latency_seconds(self) -> float | None:
        """Seconds from the signal's `time` (when it was generated) to its receipt, when it sent one."""
        sent = (self.signal or {}).get("time")
        if sent is None:
            return None
        generated = datetime.fromisoformat(sent.upper().replace("Z", "+00:00"))
        return (datetime.fromisoformat(self.received_at) - generated).total_seconds()

    def as_json(self) -> dict[str, Any]:
        """The record as JSON-ready data (the body as text), with the signal's latency."""
        record = asdict(self)
        record["body"] = None if self.body is None else self.body.decode("utf-8", "replace")
        record["latency_seconds"] = self.latency_seconds
        return record


def new_entry(webhook_uuid: str, source_address: str, received_at: datetime) -> LogEntry:
    """A fresh record for a request just received (outcome filled in later)."""
    return LogEntry(
        log_id=uuid7(),
        webhook_uuid=webhook_uuid,
        received_at=received_at.isoformat(timespec="microseconds"),
        source_address=source_address,
        outcome="rejected",
        status=0,
    )


_INSERT = (
    "INSERT INTO signal_log (log_id, webhook_uuid, received_at, source_address, outcome, status,"
    " message_code, signal_id, body, signal, matched_password) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _row(entry: LogEntry) -> tuple:
    signal = None if entry.signal is None else json.dumps(entry.signal, separators=(",", ":"))
    return (
        entry.log_id,
        entry.webhook_uuid,
        entry.received_at,
        entry.source_address,
        entry.outcome,
        entry.status,
        entry.message_code,
        entry.signal_id,
        entry.body,
        signal,
        entry.matched_password,
    )


def init_app(app: Flask) -> None:
    """Give the app the group commit that its requests' records share."""
    app.extensions["signal_log_commits"] = GroupCommit()


def log_entry(entry: LogEntry) -> None:
    """Write one request's record, committed before returning; concurrent requests share a commit."""
    db = get_db()
    current_app.extensions["signal_log_commits"].write(entry, lambda batch: write_entries(db, batch))


def write_entries(db: sqlite3.Connection, entries: Sequence[LogEntry]) -> None:
    """Insert the records in one transaction, committed before returning: no 200 for a lost signal."""
    if len(entries) == 1:  # a statement outside a transaction commits by itself, at less cost
        db.execute(_INSERT, _row(entries[0]))
        return
    with immediate_transaction(db):
        db.executemany(_INSERT, map(_row, entries))


def _entry(row: sqlite3.Row) -> LogEntry:
    values = dict(row)
    values["signal"] = None if values["signal"] is None else json.loads(values["signal"])
    return LogEntry(**values)


def read_entries(db: sqlite3.Connection, webhook_uuid: str | None = None, limit: int = 100) -> list[LogEntry]:
    """The newest records first, for one webhook or all."""
    query = "SELECT * FROM signal_log"
    params: tuple = ()
    if webhook_uuid:
        query += " WHERE webhook_uuid = ?"
        params = (webhook_uuid.lower(),)
    query += " ORDER BY received_at DESC, rowid DESC LIMIT ?"
    return [_entry(row) for row in db.execute(query, (*params, limit))]


def find_entry(db: sqlite3.Connection, log_id: str) -> LogEntry | None:
    """The record with this logId, or None."""
    row = db.execute("SELECT * FROM signal_log WHERE log_id = ?", (log_id,)).fetchone()
    return None if row is None else _entry(row)
