"""Group commit: records that several threads write at once share one transaction.

The first thread to arrive writes every record queued so far in one batch; threads arriving while
it writes queue theirs and wait, and the next of them writes the next batch. A lone request writes
its own record at once, so nothing waits on a timer; under load each commit carries several records.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Record = TypeVar("Record")


class BatchWriteError(RuntimeError):
    """The batch holding this thread's record was not written."""


class _Slot(Generic[Record]):
    __slots__ = ("done", "error", "record")

    def __init__(self, record: Record) -> None:
        self.record = record
        self.done = False
        self.error: BaseException | None = None


class GroupCommit(Generic[Record]):
    """Write records from many threads, one batch at a time."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._queue: list[_Slot[Record]] = []
        self._writing = False

    def write(self, record: Record, write_batch: Callable[[list[Record]], None]) -> None:
        """Return once `record` is written (committed), by this thread or in another's batch.

        `write_batch` writes a whole batch in one transaction; it is called only when this thread
        leads the next batch. Raises BatchWriteError when the batch holding `record` failed.
        """
        slot = _Slot(record)
        with self._condition:
            self._queue.append(slot)
            while self._writing and not slot.done:
                self._condition.wait()
            batch = None if slot.done else self._lead()
        if batch is not None:
            self._write(batch, write_batch)
        if slot.error is not None:
            raise BatchWriteError("the batch holding this record was not written") from slot.error

    def _lead(self) -> list[_Slot[Record]]:
        self._writing = True
        batch, self._queue = self._queue, []
        return batch

    def _write(self, batch: list[_Slot[Record]], write_batch: Callable[[list[Record]], None]) -> None:
        error: BaseException | None = None
        try:
            write_batch([slot.record for slot in batch])
        except BaseException as exc:  # every waiter of the batch learns of the failure
            error = exc
        with self._condition:
            for slot in batch:
                slot.error = error
                slot.done = True
            self._writing = False
            self._condition.notify_all()
