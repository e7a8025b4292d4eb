-- The paper broker's tables, made only with the test-control API (paper.init_app).

-- A webhook's strategy subscriptions (settings as the control API's JSON), each with its own account.
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY,
    webhook_uuid TEXT NOT NULL,
    account_id TEXT NOT NULL,
    settings TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS subscriptions_by_webhook ON subscriptions (webhook_uuid);

-- Accounts, their positions and their working orders; numbers as Decimal text.
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

-- What each accepted signal did, or is due to do (execute_at), to each subscription: JSON records.
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

-- The control API's settings: the clock, when fixed (key 'clock').
CREATE TABLE IF NOT EXISTS control_state (key TEXT PRIMARY KEY, value TEXT);
