"""The SQLite database of webhooks and the signal log: one connection per request."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app

from reference_server.config import GatewayConfig

SCHEMA = """
CREATE TABLE IF NOT EXISTS webhooks (
    uuid TEXT PRIMARY KEY,
    password_salt BLOB NOT NULL,
    password_hash BLOB NOT NULL,
    asset_class TEXT NOT NULL,
    allowed_tickers TEXT,
    limit_to TEXT,
    ip_addresses TEXT NOT NULL DEFAULT '[]',
    rate_limits TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('config', 'cli', 'control')),
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS signal_log (
    log_id TEXT PRIMARY KEY,
    webhook_uuid TEXT NOT NULL,
    received_at TEXT NOT NULL,
    source_address TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    status INTEGER NOT NULL,
    message_code TEXT,
    signal_id TEXT,
    body BLOB,
    signal TEXT
);
CREATE INDEX IF NOT EXISTS signal_log_by_webhook ON signal_log (webhook_uuid, received_at);
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY,
    webhook_uuid TEXT NOT NULL,
    account_id TEXT NOT NULL,
    settings TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS subscriptions_by_webhook ON subscriptions (webhook_uuid);
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, equity TEXT);
CREATE TABLE IF NOT EXISTS positions (
    account_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    quantity TEXT NOT NULL,
    avg_price TEXT,
    PRIMARY KEY (account_id, symbol)
);
CREATE TABLE IF NOT EXISTS open_orders (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    quantity TEXT NOT NULL,
    order_type TEXT NOT NULL,
    limit_price TEXT,
    stop_price TEXT,
    role TEXT
);
CREATE TABLE IF NOT EXISTS quotes (symbol TEXT PRIMARY KEY, bid TEXT, ask TEXT, last TEXT);
CREATE TABLE IF NOT EXISTS trades (
    id TEXT PRIMARY KEY,
    signal_id TEXT NOT NULL,
    log_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    execute_at TEXT,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS trades_due ON trades (execute_at) WHERE execute_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS trades_by_signal ON trades (signal_id);
CREATE INDEX IF NOT EXISTS trades_by_log ON trades (log_id);
CREATE TABLE IF NOT EXISTS control_state (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS failed_auth_counts (
    webhook_uuid TEXT NOT NULL,
    source TEXT NOT NULL,
    minute TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (webhook_uuid, source, minute)
) WITHOUT ROWID;
"""

# Columns added to the tables above after databases were first made: open_database adds each one
# missing, so that a database of an earlier version keeps working (and a new one gets them too).
ADDED_COLUMNS = (
    # The hash key's id (D-059); NULL: a hash made before the hash key, keyed by its salt alone.
    ("webhooks", "hash_key_id", "TEXT"),
    # The password a rotation replaced, valid until previous_password_until (D-060).
    ("webhooks", "previous_password_salt", "BLOB"),
    ("webhooks", "previous_password_hash", "BLOB"),
    ("webhooks", "previous_hash_key_id", "TEXT"),
    ("webhooks", "previous_password_until", "TEXT"),
    # Which of the webhook's passwords the request gave, once it gave a valid one (D-060).
    ("signal_log", "matched_password", "TEXT CHECK (matched_password IN ('current', 'previous'))"),
    # A replay's original, and the digest of an accepted original's body that finds it (D-055).
    ("signal_log", "replay_of", "TEXT"),
    ("signal_log", "body_digest", "BLOB"),
)
# Indexes on added columns, made once the columns are there.
ADDED_INDEXES = """
CREATE INDEX IF NOT EXISTS signal_log_originals ON signal_log (webhook_uuid, body_digest, log_id)
    WHERE body_digest IS NOT NULL;
"""


def add_columns(connection: sqlite3.Connection) -> None:
    """Add every column of ADDED_COLUMNS that the database lacks, in one write transaction."""
    with immediate_transaction(connection):
        for table, column, definition in ADDED_COLUMNS:
            present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


def connect(path: str, synchronous: str = "NORMAL") -> sqlite3.Connection:
    """Open the database in WAL mode; `synchronous` decides what a commit survives (D-048)."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


@contextmanager
def immediate_transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the lock at once, so read-then-write steps see no interleaving."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def get_db() -> sqlite3.Connection:
    """The serving thread's connection, opened on its first request and kept.

    One connection per thread for the process's life: opening one per request costs a connect and,
    when the last one closes, a WAL checkpoint, on every request.
    """
    connections = current_app.extensions["db_connections"]
    connection = getattr(connections, "connection", None)
    if connection is None:
        config = current_app.config["GATEWAY"]
        connection = connections.connection = connect(str(config.database), config.sqlite_synchronous)
    return connection


def end_request(_error: BaseException | None = None) -> None:
    """Leave no transaction open past a request, whatever happened in it."""
    connection = getattr(current_app.extensions["db_connections"], "connection", None)
    if connection is not None and connection.in_transaction:
        connection.rollback()


def open_database(config: GatewayConfig) -> sqlite3.Connection:
    """Connect to the configured database, creating its directory and tables if need be."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    connection = connect(str(config.database), config.sqlite_synchronous)
    connection.executescript(SCHEMA)
    add_columns(connection)
    connection.executescript(ADDED_INDEXES)
    return connection


def init_app(app: Flask) -> None:
    """Create the database and close connections at the end of each request."""
    open_database(app.config["GATEWAY"]).close()
    app.extensions["db_connections"] = threading.local()
    app.teardown_appcontext(end_request)
