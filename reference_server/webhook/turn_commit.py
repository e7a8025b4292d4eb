"""Turn commit: the signal-log records written in one turn of the event loop share one COMMIT (D-092).

The gateway's own server answers a request read whole on its event loop's thread (D-090), one request
after another, so the group commit of threads never has company there. Instead, the first record of a
loop turn commits at once, as a lone statement; the next records of the same turn go into one open
transaction, committed when the turn ends (the loop's next callback), and every answer given meanwhile
waits for that COMMIT: no 200 goes out before its signal is committed.

A COMMIT that fails is rolled back and its records are written again one by one, so a record that
cannot be written fails alone; the answers of records not written become 500s. Any other transaction
on the connection (db.immediate_transaction) and any request for the Flask app commit the open
transaction first; end_request leaves it open.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from reference_server.webhook.checkpointer import Checkpointer

_logger = logging.getLogger(__name__)

Row = TypeVar("Row")
Result = TypeVar("Result")
Insert = Callable[[sqlite3.Connection, Row], Result]


class _Record(Generic[Row, Result]):
    """A record written in the open transaction: its row, what its insert returned, whether it is in."""

    __slots__ = ("result", "row", "written")

    def __init__(self, row: Row, result: Result) -> None:
        self.row = row
        self.result = result
        self.written = True  # until its transaction fails and it cannot be written again as it was


class TurnCommit(Generic[Row, Result]):
    """One COMMIT per event-loop turn for the records written on the loop's thread."""

    def __init__(self, insert: Insert, checkpointer: Checkpointer | None = None) -> None:
        self.insert = insert  # writes one row on a connection; the transaction is the caller's
        self.checkpointer = checkpointer  # checkpoints the WAL off the loop (D-093)
        self.checkpointed: sqlite3.Connection | None = None  # the connection it checkpoints for
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread_id: int | None = None
        self.turn_started = False  # a record was written in this turn; the turn's end is scheduled
        self.connection: sqlite3.Connection | None = None  # the open transaction's, while one is open
        self.open_records: list[_Record[Row, Result]] = []  # written in the open transaction
        self.unclaimed: list[_Record[Row, Result]] = []  # written since the last answer was handed in
        self.waiting: list[tuple[Callable[[bool], None], list[_Record[Row, Result]]]] = []

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Serve records written on `loop`'s thread, where this is called; its server holds answers."""
        self.loop = loop
        self.thread_id = threading.get_ident()

    def engaged(self) -> bool:
        """Whether the calling thread is the attached loop's: its records share the turn's COMMIT."""
        return self.thread_id is not None and threading.get_ident() == self.thread_id

    def write(self, connection: sqlite3.Connection, row: Row) -> Result:
        """Write `row`: committed at once when it is the turn's first, else in the turn's transaction.
        Raises sqlite3.Error when it is not written."""
        assert self.loop is not None
        if self.checkpointer is not None and connection is not self.checkpointed:
            self.checkpointer.take_over(connection)
            self.checkpointed = connection
        if not self.turn_started:
            self.turn_started = True
            self.loop.call_soon(self._end_turn)
            result = self.insert(connection, row)  # a lone statement commits by itself
            if self.checkpointer is not None:
                self.checkpointer.after_commit()
            return result
        if self.connection is None:
            connection.execute("BEGIN IMMEDIATE")
            self.connection = connection
            connection.held_transaction = self  # type: ignore[attr-defined]
        try:
            result = self.insert(connection, row)
        except sqlite3.Error:
            if not connection.in_transaction:  # the error rolled back the whole transaction
                self._release(connection)
                self._write_again(connection, self._take_open_records())
            raise
        record = _Record(row, result)
        self.open_records.append(record)
        self.unclaimed.append(record)
        return result

    def after_commit(self, answer: Callable[[bool], None]) -> None:
        """Call `answer` once the records written since the last call are committed: True, or False
        when one of them could not be. At once when nothing is open or waiting; answers keep their order."""
        records, self.unclaimed = self.unclaimed, []
        if self.connection is None and not self.waiting:
            answer(all(record.written for record in records))
        else:
            self.waiting.append((answer, records))

    def commit_now(self) -> None:
        """Commit the open transaction, if any; its records that fail are written again one by one."""
        connection = self.connection
        if connection is None:
            return
        self._release(connection)
        records = self._take_open_records()
        try:
            connection.execute("COMMIT")
        except sqlite3.Error:
            _logger.exception("a turn's COMMIT of %d signal-log records failed", len(records))
            if connection.in_transaction:
                connection.rollback()
            self._write_again(connection, records)
        if self.checkpointer is not None:
            self.checkpointer.after_commit()

    def _end_turn(self) -> None:
        self.turn_started = False
        self.commit_now()
        waiting, self.waiting = self.waiting, []
        for answer, records in waiting:
            try:
                answer(all(record.written for record in records))
            except Exception:  # one answer that cannot be given holds up none of the others
                _logger.exception("an answer held for a turn's COMMIT could not be given")

    def _release(self, connection: sqlite3.Connection) -> None:
        self.connection = None
        connection.held_transaction = None  # type: ignore[attr-defined]

    def _take_open_records(self) -> list[_Record[Row, Result]]:
        records, self.open_records = self.open_records, []
        return records

    def _write_again(self, connection: sqlite3.Connection, records: list[_Record[Row, Result]]) -> None:
        """Write each record of a failed transaction alone; one is in when it is, as its answer said."""
        for record in records:
            try:
                record.written = self.insert(connection, record.row) == record.result
            except sqlite3.Error:
                _logger.exception("a signal-log record of a failed turn could not be written again")
                record.written = False
