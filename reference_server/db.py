"""The SQLite database of webhooks and the signal log: one connection per request."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g

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
    origin TEXT NOT NULL CHECK (origin IN ('config', 'cli')),
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
"""


def connect(path: str, synchronous: str = "FULL") -> sqlite3.Connection:
    """Open the database in WAL mode; `synchronous` decides what a commit survives (FULL: power loss)."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


def get_db() -> sqlite3.Connection:
    """The current request's connection, opened on first use."""
    if "db" not in g:
        config = current_app.config["GATEWAY"]
        g.db = connect(str(config.database), config.sqlite_synchronous)
    return g.db


def close_db(_error: BaseException | None = None) -> None:
    """Close the request's connection, if one was opened."""
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def open_database(config: GatewayConfig) -> sqlite3.Connection:
    """Connect to the configured database, creating its directory and tables if need be."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    connection = connect(str(config.database), config.sqlite_synchronous)
    connection.executescript(SCHEMA)
    return connection


def init_app(app: Flask) -> None:
    """Create the database and close connections at the end of each request."""
    open_database(app.config["GATEWAY"]).close()
    app.teardown_appcontext(close_db)
