-- The webhook path's tables, made on every start (db.open_database). Columns added since a table was
-- first made are in added_columns.sql, so that a database of an earlier version gets them too.

-- Webhooks: declared in the config (origin 'config', rewritten on each start), or created by the command
-- line or the test-control API; passwords only as salted hashes keyed by the hash key (D-059).
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

-- The signal log: every request that reaches a known webhook (webhook/signal_log.py).
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

-- Wrong passwords past the limits, counted per webhook, source and minute, not logged (D-054).
CREATE TABLE IF NOT EXISTS failed_auth_counts (
    webhook_uuid TEXT NOT NULL,
    source TEXT NOT NULL,
    minute TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (webhook_uuid, source, minute)
) WITHOUT ROWID;
