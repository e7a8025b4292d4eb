"""Failed authentication: wrong passwords are logged row by row up to a limit, then only counted (D-054).

A wrong password counts in two moving windows of its webhook: one for its source address (an IPv6
address by its /64, which one host usually has whole), and one for all addresses. While both let it
through it is logged like any refusal; past either it is answered 429 and only counted, per
(webhook, source, minute), in the `failed_auth_counts` table. A correct password is never counted
here, so no flood can lock its sender out.
"""

from __future__ import annotations

import atexit
import ipaddress
import logging
import os
import threading
import time
from collections import Counter

from flask import current_app

from reference_server.config import GatewayConfig
from reference_server.db import connect, immediate_transaction
from reference_server.webhook.rate_limit import acquire, windows_of
from reference_server.webhook.signal_log import LogEntry

FLUSH_SECONDS = 1.0  # how long counts wait in memory before they are added to the database

_logger = logging.getLogger(__name__)

_UPSERT = (
    "INSERT INTO failed_auth_counts (webhook_uuid, source, minute, count) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (webhook_uuid, source, minute) DO UPDATE SET count = count + excluded.count"
)


def source_of(address: str) -> str:
    """The source a failed attempt is limited and counted by: an IPv4 address, or an IPv6 /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def hit_failed_auth_limits(webhook_uuid: str, address: str) -> int | None:
    """Count one wrong password; None while it is to be logged, else seconds until one would be.

    A wrong password refused by its source's window uses none of the webhook's, so one source cannot
    use up the others' share. While Redis is unreachable, this process's memory counts instead.
    """
    config: GatewayConfig = current_app.config["GATEWAY"]
    windows = (
        *windows_of(f"{webhook_uuid}:failed-auth:{source_of(address)}", config.failed_auth_limits),
        *windows_of(f"{webhook_uuid}:failed-auth", config.failed_auth_webhook_limits),
    )
    return acquire(windows, fall_back=True)


class FloodCounts:
    """Failed attempts past the limits, counted in memory and added to the database once a second.

    A flood thus costs one small write a second per process, not one per request, and nothing
    contends with the signal log's commits. Counts of the last second are lost if the process is
    killed; every one of them was a refused request.
    """

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.lock = threading.Lock()
        self.writer_pid: int | None = None  # the process whose writer thread runs (workers fork)

    def add(self, entry: LogEntry) -> None:
        """Count the refused attempt of `entry` in its minute."""
        key = (entry.webhook_uuid, source_of(entry.source_address), entry.received_at[:16])
        with self.lock:
            self.counts[key] += 1
            if self.writer_pid != os.getpid():
                self.writer_pid = os.getpid()
                threading.Thread(target=self._write_every_second, name="flood-counts", daemon=True).start()
                atexit.register(self.flush)

    def _write_every_second(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            self.flush()

    def flush(self) -> None:
        """Add the counts held in memory to the database, in one transaction."""
        with self.lock:
            counts, self.counts = self.counts, Counter()
        if not counts:
            return
        try:
            connection = connect(str(self.config.database), self.config.sqlite_synchronous)
            try:
                with immediate_transaction(connection):
                    connection.executemany(_UPSERT, [(*key, count) for key, count in counts.items()])
            finally:
                connection.close()
        except Exception:  # keep them for the next try
            _logger.exception("could not write %d failed-authentication counts", sum(counts.values()))
            with self.lock:
                self.counts.update(counts)


def count_flooded(entry: LogEntry) -> None:
    """Count a wrong password past the limits instead of logging it."""
    counts = current_app.extensions.get("flood_counts")
    if counts is None:  # the first flood of this app
        counts = current_app.extensions.setdefault("flood_counts", FloodCounts(current_app.config["GATEWAY"]))
    counts.add(entry)
