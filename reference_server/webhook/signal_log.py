"""The signal log: every request that reaches a known webhook, written to SQLite.

An accepted signal whose body bytes the same webhook accepted within the replay window is a replay
(D-055): it is logged with `replay_of`, the original's logId, and answered as the original was.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any, NamedTuple

from flask import Flask, current_app

from reference_server.db import get_db, immediate_transaction
from reference_server.webhook import retention
from reference_server.webhook.checkpointer import Checkpointer
from reference_server.webhook.group_commit import BatchWriteError, GroupCommit
from reference_server.webhook.ids import uuid7, uuid7_floor
from reference_server.webhook.responses import compact_json
from reference_server.webhook.turn_commit import TurnCommit


class LogWriteError(RuntimeError):
    """A record could not be written: it cannot be serialized, or the database refused it."""


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
    replay_of: str | None = None  # the logId of the accepted signal this one replays (D-055)

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


def new_entry(
    webhook_uuid: str, source_address: str, received_at: datetime, matched_password: str | None = None
) -> LogEntry:
    """A fresh record for a request just received (outcome filled in later)."""
    return LogEntry(
        log_id=uuid7(),
        webhook_uuid=webhook_uuid,
        received_at=received_at.isoformat(timespec="microseconds"),
        source_address=source_address,
        outcome="rejected",
        status=0,
        matched_password=matched_password,
    )


_COLUMNS = tuple(field.name for field in fields(LogEntry))
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM signal_log"
_INSERT = (
    f"INSERT INTO signal_log ({', '.join(_COLUMNS)}, body_digest)"
    f" VALUES ({', '.join(':' + column for column in _COLUMNS)}, :body_digest)"
)
# One statement, so the lookup runs under the write lock it takes first: of two identical requests
# (threads, workers or hosts sharing the file) one is the original and the other its replay.
_INSERT_UNLESS_REPLAY = """
INSERT INTO signal_log (log_id, webhook_uuid, received_at, source_address, outcome, status, message_code,
    signal_id, body, signal, matched_password, replay_of, body_digest)
SELECT :log_id, :webhook_uuid, :received_at, :source_address, :outcome, :status, :message_code,
    coalesce(original.signal_id, :signal_id), :body, coalesce(original.signal, :signal), :matched_password,
    original.log_id, CASE WHEN original.log_id IS NULL THEN :body_digest END
FROM (SELECT 1) LEFT JOIN (
    SELECT log_id, signal_id, signal FROM signal_log
    WHERE webhook_uuid = :webhook_uuid AND body_digest = :body_digest AND log_id >= :since
    ORDER BY log_id LIMIT 1
) AS original ON 1
RETURNING replay_of, signal_id, signal
"""


class Row(NamedTuple):
    """A record ready to insert: its column values, and since when an original it replays may date."""

    entry: LogEntry
    values: dict[str, Any]
    replay_since: str | None  # a uuid7 floor; None: no replay lookup


class Replayed(NamedTuple):
    """What a replay takes from its original: its logId, signal id and signal (JSON text)."""

    log_id: str
    signal_id: str
    signal: str


def prepare(entry: LogEntry, replay_window: float) -> Row:
    """The record's column values, serialized before it joins a batch so that one that cannot be
    (a signal nested too deep for json.dumps) fails alone; LogWriteError then."""
    try:
        signal = None if entry.signal is None else compact_json(entry.signal)
    except (RecursionError, ValueError, TypeError) as error:
        raise LogWriteError(f"record {entry.log_id}: the signal cannot be serialized") from error
    values = {**{column: getattr(entry, column) for column in _COLUMNS}, "signal": signal}
    if replay_window <= 0 or entry.outcome != "accepted" or entry.body is None or entry.replay_of:
        return Row(entry, {**values, "body_digest": None}, None)
    since = uuid7_floor(time.time_ns() // 1_000_000 - round(replay_window * 1000))
    digest = hashlib.blake2b(entry.body, digest_size=16).digest()
    return Row(entry, {**values, "body_digest": digest}, since)


def _insert(db: sqlite3.Connection, row: Row) -> Replayed | None:
    if row.replay_since is None:
        db.execute(_INSERT, row.values)
        return None
    # fetchall: the statement must run to its end, which in autocommit mode commits it.
    ((replay_of, signal_id, signal),) = db.execute(
        _INSERT_UNLESS_REPLAY, {**row.values, "since": row.replay_since}
    ).fetchall()
    return None if replay_of is None else Replayed(replay_of, signal_id, signal)


def write_rows(db: sqlite3.Connection, rows: Sequence[Row]) -> list[Replayed | None]:
    """Insert the records in one transaction, committed before returning: no 200 for a lost signal.
    For each, what it replays, if it is a replay."""
    if len(rows) == 1:  # a statement outside a transaction commits by itself, at less cost
        return [_insert(db, rows[0])]
    try:
        with immediate_transaction(db):
            return [_insert(db, row) for row in rows]
    finally:
        if db.in_transaction:  # a failed COMMIT: leave nothing open under the next write
            db.rollback()


def as_written(row: Row, replayed: Replayed | None) -> LogEntry:
    """The record as it was written: a replay with its original's signal id and signal."""
    if replayed is None:
        return row.entry
    return replace(
        row.entry, replay_of=replayed.log_id, signal_id=replayed.signal_id, signal=json.loads(replayed.signal)
    )


def write_entries(
    db: sqlite3.Connection, entries: Sequence[LogEntry], replay_window: float = 0
) -> list[LogEntry]:
    """Insert the records in one transaction, outside any group commit; the records as written."""
    rows = [prepare(entry, replay_window) for entry in entries]
    return [as_written(row, replayed) for row, replayed in zip(rows, write_rows(db, rows), strict=True)]


def init_app(app: Flask) -> None:
    """Give the app what its requests' records share: the group commit of serving threads, the turn
    commit of the event loop's thread (D-092); and its log's pruning."""
    app.extensions["signal_log_commits"] = GroupCommit()
    config = app.config["GATEWAY"]
    checkpointer = Checkpointer(str(config.database), config.sqlite_synchronous)
    app.extensions["signal_log_turns"] = TurnCommit(_insert, checkpointer)
    retention.init_app(app)


def _write(entry: LogEntry) -> tuple[Row, Replayed | None]:
    row = prepare(entry, current_app.config["GATEWAY"].replay_window)
    db = get_db()
    extensions = current_app.extensions
    try:
        if extensions["signal_log_turns"].engaged():
            replayed = extensions["signal_log_turns"].write(db, row)
        else:
            replayed = extensions["signal_log_commits"].write(row, lambda rows: write_rows(db, rows))
    except sqlite3.Error as error:
        raise LogWriteError(f"record {entry.log_id} was not written: {error!r}") from error
    except BatchWriteError as error:
        cause = error.__cause__
        raise LogWriteError(f"record {entry.log_id} was not written: {cause!r}") from cause
    retention.prune_soon()
    return row, replayed


def log_entry(entry: LogEntry) -> None:
    """Write one request's record, committed before returning (on the event loop's thread: before
    its answer goes out, D-092); concurrent requests share a commit.

    Raises LogWriteError when it cannot be written, which fails this record alone, never the
    others of its batch.
    """
    _write(entry)


def log_accepted(entry: LogEntry) -> tuple[LogEntry, str]:
    """Write an accepted signal's record as log_entry does; the record as written and its signal as
    JSON text. A replay (D-055) comes back marked, with its original's signal id and signal."""
    row, replayed = _write(entry)
    return as_written(row, replayed), row.values["signal"] if replayed is None else replayed.signal


def _entry(row: sqlite3.Row) -> LogEntry:
    values = dict(row)
    values["signal"] = None if values["signal"] is None else json.loads(values["signal"])
    return LogEntry(**values)


def read_entries(db: sqlite3.Connection, webhook_uuid: str | None = None, limit: int = 100) -> list[LogEntry]:
    """The newest records first, for one webhook or all."""
    query = _SELECT
    params: tuple = ()
    if webhook_uuid:
        query += " WHERE webhook_uuid = ?"
        params = (webhook_uuid.lower(),)
    query += " ORDER BY received_at DESC, rowid DESC LIMIT ?"
    return [_entry(row) for row in db.execute(query, (*params, limit))]


def find_entry(db: sqlite3.Connection, log_id: str) -> LogEntry | None:
    """The record with this logId, or None."""
    row = db.execute(f"{_SELECT} WHERE log_id = ?", (log_id,)).fetchone()
    return None if row is None else _entry(row)


def clear(db: sqlite3.Connection) -> None:
    """Delete every record (the test-control API's reset)."""
    db.execute("DELETE FROM signal_log")
