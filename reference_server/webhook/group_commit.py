"""Group commit: records that several threads write at once share one transaction.

The first thread to arrive writes every record queued so far in one batch; threads arriving while
it writes queue theirs and wait, and the next of them writes the next batch. A lone request writes
its own record at once, so nothing waits on a timer; under load each commit carries several records.
A batch that fails is written again record by record, so a record that cannot be written fails alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Record = TypeVar("Record")
Result = TypeVar("Result")


class BatchWriteError(RuntimeError):
    """This thread's record was not written."""


class _Slot(Generic[Record, Result]):
    __slots__ = ("done", "error", "record", "result")

    def __init__(self, record: Record) -> None:
        self.record = record
        self.done = False
        self.result: Result | None = None
        self.error: BaseException | None = None


class GroupCommit(Generic[Record, Result]):
    """Write records from many threads, one batch at a time."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._queue: list[_Slot[Record, Result]] = []
        self._writing = False

    def write(self, record: Record, write_batch: Callable[[list[Record]], Sequence[Result]]) -> Result:
        """Return `record`'s result once it is written (committed), by this thread or in another's batch.

        `write_batch` writes a whole batch in one transaction and returns one result per record; it
        is called only when this thread leads the next batch. When a batch of several fails, each of
        its records is written again alone. Raises BatchWriteError when `record` itself was not written.
        """
        slot: _Slot[Record, Result] = _Slot(record)
        with self._condition:
            self._queue.append(slot)
            while self._writing and not slot.done:
                self._condition.wait()
            batch = None if slot.done else self._lead()
        if batch is not None:
            self._write(batch, write_batch)
        if slot.error is not None:
            raise BatchWriteError("this record was not written") from slot.error
        return slot.result  # type: ignore[return-value]

    def _lead(self) -> list[_Slot[Record, Result]]:
        self._writing = True
        batch, self._queue = self._queue, []
        return batch

    def _write(
        self, batch: list[_Slot[Record, Result]], write_batch: Callable[[list[Record]], Sequence[Result]]
    ) -> None:
        try:
            _fill(batch, write_batch)
        finally:
            with self._condition:
                for slot in batch:
                    slot.done = True
                self._writing = False
                self._condition.notify_all()


def _fill(
    batch: list[_Slot[Record, Result]], write_batch: Callable[[list[Record]], Sequence[Result]]
) -> None:
    """Write the batch, or each of its records alone when it fails; set each slot's result or error."""
    try:
        results = write_batch([slot.record for slot in batch])
    except Exception as error:  # the batch was rolled back: none of it is written
        if len(batch) == 1:
            batch[0].error = error
        else:
            for slot in batch:
                _fill([slot], write_batch)
        return
    except BaseException as error:  # interrupted: every waiter of the batch learns of it
        for slot in batch:
            slot.error = error
        raise
    for slot, result in zip(batch, results, strict=True):
        slot.result = result
