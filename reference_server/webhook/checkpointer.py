"""WAL checkpoints on a thread of their own, so that the event loop's commits do not wait for them (D-093).

SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past its threshold: it copies
the WAL's pages into the database file and syncs both, a few milliseconds in which the event loop
answers no one. Here a thread checkpoints (PASSIVE: never waiting for the loop's writes) shortly after
the loop commits; SQLite runs it with the GIL released, so the loop goes on meanwhile. The loop's own
connection keeps an automatic checkpoint at BACKSTOP_PAGES: a WAL restarts from its start only after a
checkpoint that found no commit in flight, which under steady load is the loop's own, now rare.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

from reference_server.db import connect

_logger = logging.getLogger(__name__)

DELAY = 0.05  # seconds from the first commit since the last checkpoint to the next checkpoint
BACKSTOP_PAGES = 8000  # the loop connection's automatic checkpoint: the WAL's bound, 32 MiB of pages


class Checkpointer:
    """Checkpoint one database's WAL on a thread of its own after commits on the loop's connection."""

    def __init__(self, path: str, synchronous: str) -> None:
        self.path = path
        self.synchronous = synchronous
        self.committed = threading.Event()  # set by a commit since the last checkpoint started
        self.thread: threading.Thread | None = None

    def take_over(self, connection: sqlite3.Connection) -> None:
        """Checkpoint for `connection` (the loop's), whose own automatic checkpoint becomes the backstop."""
        connection.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
            self.thread.start()

    def after_commit(self) -> None:
        """Note a commit: a checkpoint follows within DELAY seconds."""
        if not self.committed.is_set():
            self.committed.set()

    def _run(self) -> None:
        connection = connect(self.path, self.synchronous)
        while True:
            self.committed.wait()
            time.sleep(DELAY)
            self.committed.clear()
            try:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:
                _logger.exception("a WAL checkpoint failed; the next commit asks for another")
