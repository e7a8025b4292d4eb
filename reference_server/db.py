"""The SQLite database: how its connections live and die, and which tables each subsystem makes.

Tables, from each subsystem's SQL file (read with importlib.resources):

- webhook/schema.sql, made by open_database on every start: webhooks, signal_log, failed_auth_counts.
  webhook/added_columns.sql then adds the columns made since, so that older databases keep working.
- paper/schema.sql, made by paper.init_app only when the test-control API is on: subscriptions,
  accounts, positions, open_orders, quotes, trades, control_state.

Connections:

- A serving thread opens one on its first request (get_db) and keeps it as long as the thread lives,
  which for the server's threads is the process's life: one per request would cost a connect and,
  when the last one closes, a WAL checkpoint, on every request. Nothing closes it explicitly.
- After every request, end_request rolls back a transaction the request left open; it closes nothing.
  The one transaction kept open across requests is a turn commit's (webhook/turn_commit.py): the
  connection holds it as `held_transaction`, end_request leaves it, and immediate_transaction commits
  it before beginning its own.
- Start-up, the command line and the background threads (retention's pruner, the failed-authentication
  counts) open their own with connect or open_database, and close it when done.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Protocol

from flask import Flask, current_app

from reference_server.config import GatewayConfig

_ADD_COLUMN = re.compile(r"^ALTER TABLE (\w+) ADD COLUMN (\w+)", re.MULTILINE)


def read_sql(package: str, name: str = "schema.sql") -> str:
    """A subsystem's SQL file, from its package (a checkout or an installed wheel)."""
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def _statements(script: str) -> Iterator[str]:
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


def add_columns(connection: sqlite3.Connection, script: str) -> None:
    """Run `script`'s statements in one write transaction, skipping each ADD COLUMN whose column is there."""
    with immediate_transaction(connection):
        for statement in _statements(script):
            match = _ADD_COLUMN.search(statement)
            if match is not None:
                table, column = match.groups()
                if column in {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}:
                    continue
            connection.execute(statement)


class HeldTransaction(Protocol):
    """A transaction kept open across requests on a connection, until it is committed (D-092)."""

    def commit_now(self) -> None:
        """Commit it; the connection is then out of any transaction."""


class Connection(sqlite3.Connection):
    """A connection that may hold a transaction open across requests (D-092)."""

    held_transaction: HeldTransaction | None = None


def connect(path: str, synchronous: str = "NORMAL") -> Connection:
    """Open the database in WAL mode; `synchronous` decides what a commit survives (D-048)."""
    connection = sqlite3.connect(
        path, timeout=30, isolation_level=None, check_same_thread=False, factory=Connection
    )
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


@contextmanager
def immediate_transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the lock at once, so read-then-write steps see no interleaving.
    A transaction the connection holds open across requests is committed first."""
    held = getattr(connection, "held_transaction", None)
    if held is not None:
        held.commit_now()
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def get_db() -> Connection:
    """The serving thread's connection, opened on its first request and kept (see the module's docstring)."""
    connections = current_app.extensions["db_connections"]
    connection = getattr(connections, "connection", None)
    if connection is None:
        config = current_app.config["GATEWAY"]
        connection = connections.connection = connect(str(config.database), config.sqlite_synchronous)
    return connection


def end_request(_error: BaseException | None = None) -> None:
    """Leave no transaction open past a request, whatever happened in it, but a held one (D-092)."""
    connection = getattr(current_app.extensions["db_connections"], "connection", None)
    if connection is not None and connection.in_transaction and connection.held_transaction is None:
        connection.rollback()


def open_database(config: GatewayConfig) -> sqlite3.Connection:
    """Connect to the configured database, making its directory and the webhook path's tables if need be."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    connection = connect(str(config.database), config.sqlite_synchronous)
    connection.executescript(read_sql("reference_server.webhook"))
    add_columns(connection, read_sql("reference_server.webhook", "added_columns.sql"))
    return connection


def create_tables(config: GatewayConfig, package: str) -> None:
    """Make the tables of a subsystem's schema.sql in the configured database, if need be."""
    connection = open_database(config)
    try:
        connection.executescript(read_sql(package))
    finally:
        connection.close()


def init_app(app: Flask) -> None:
    """Make the database, keep a connection per serving thread, and roll back what a request leaves open."""
    open_database(app.config["GATEWAY"]).close()
    app.extensions["db_connections"] = threading.local()
    app.teardown_appcontext(end_request)
