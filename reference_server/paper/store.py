"""The paper broker's state in SQLite: subscriptions, accounts, quotes and trades (the clock: clock.py)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from reference_server.paper.codec import (
    decimal,
    open_order_from,
    open_order_row,
    position_from,
    position_row,
    quote_from,
    quote_row,
    text,
)
from reference_server.paper.planner import AccountSnapshot, Quote

DEFAULT_EQUITY = Decimal(100000)


@dataclass(frozen=True)
class Subscription:
    """A webhook's subscription: its settings (control-API JSON) and its broker account."""

    id: str
    webhook_uuid: str
    account_id: str
    settings: dict[str, Any]


def add_subscription(
    db: sqlite3.Connection, webhook_uuid: str, settings: dict, equity: Decimal | None
) -> Subscription:
    """Create a subscription and its account."""
    subscription = Subscription(
        id=f"sub-{uuid.uuid4().hex[:12]}",
        webhook_uuid=webhook_uuid,
        account_id=f"acct-{uuid.uuid4().hex[:12]}",
        settings=settings,
    )
    db.execute("INSERT INTO accounts (id, equity) VALUES (?, ?)", (subscription.account_id, text(equity)))
    db.execute(
        "INSERT INTO subscriptions (id, webhook_uuid, account_id, settings) VALUES (?, ?, ?, ?)",
        (subscription.id, webhook_uuid, subscription.account_id, json.dumps(settings)),
    )
    return subscription


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        id=row["id"],
        webhook_uuid=row["webhook_uuid"],
        account_id=row["account_id"],
        settings=json.loads(row["settings"]),
    )


def subscriptions_of(db: sqlite3.Connection, webhook_uuid: str) -> list[Subscription]:
    """The subscriptions a webhook's signals go to."""
    rows = db.execute("SELECT * FROM subscriptions WHERE webhook_uuid = ? ORDER BY rowid", (webhook_uuid,))
    return [_subscription(row) for row in rows]


def subscription_by_id(db: sqlite3.Connection, subscription_id: str) -> Subscription | None:
    """One subscription, or None."""
    row = db.execute("SELECT * FROM subscriptions WHERE id = ?", (subscription_id,)).fetchone()
    return None if row is None else _subscription(row)


def account_exists(db: sqlite3.Connection, account_id: str) -> bool:
    """Whether the account exists."""
    return db.execute("SELECT 1 FROM accounts WHERE id = ?", (account_id,)).fetchone() is not None


def load_account(db: sqlite3.Connection, account_id: str) -> tuple[AccountSnapshot, dict[str, str | None]]:
    """The account as a planner snapshot, and the role of each open order."""
    equity = db.execute("SELECT equity FROM accounts WHERE id = ?", (account_id,)).fetchone()
    positions = db.execute("SELECT * FROM positions WHERE account_id = ? ORDER BY symbol", (account_id,))
    rows = db.execute("SELECT * FROM open_orders WHERE account_id = ? ORDER BY seq", (account_id,)).fetchall()
    snapshot = AccountSnapshot(
        equity=decimal(equity["equity"]) if equity else None,
        positions=tuple(position_from(dict(row)) for row in positions),
        open_orders=tuple(open_order_from(dict(row)) for row in rows),
    )
    return snapshot, {row["id"]: row["role"] for row in rows}


def order_ids_elsewhere(db: sqlite3.Connection, account_id: str, ids: list[str]) -> list[str]:
    """Those of `ids` that name open orders of other accounts (an order id is unique at the broker)."""
    marks = ", ".join("?" for _ in ids)
    rows = db.execute(
        f"SELECT id FROM open_orders WHERE account_id != ? AND id IN ({marks})", (account_id, *ids)
    )
    return [row["id"] for row in rows]


def save_account(
    db: sqlite3.Connection, account_id: str, account: AccountSnapshot, roles: dict[str, str | None]
) -> None:
    """Replace the account's equity, positions and open orders."""
    db.execute("UPDATE accounts SET equity = ? WHERE id = ?", (text(account.equity), account_id))
    db.execute("DELETE FROM positions WHERE account_id = ?", (account_id,))
    db.executemany(
        "INSERT INTO positions (account_id, symbol, quantity, avg_price)"
        " VALUES (:account_id, :symbol, :quantity, :avg_price)",
        [position_row(account_id, p) for p in account.positions if p.quantity != 0],
    )
    db.execute("DELETE FROM open_orders WHERE account_id = ?", (account_id,))
    db.executemany(
        "INSERT INTO open_orders (id, account_id, seq, symbol, side, quantity, order_type, limit_price,"
        " stop_price, role) VALUES (:id, :account_id, :seq, :symbol, :side, :quantity, :order_type,"
        " :limit_price, :stop_price, :role)",
        [open_order_row(account_id, seq, o, roles.get(o.id)) for seq, o in enumerate(account.open_orders)],
    )


def accounts_with_market_orders(db: sqlite3.Connection, symbol: str) -> list[str]:
    """The accounts with an open market order in `symbol`."""
    rows = db.execute(
        "SELECT DISTINCT account_id FROM open_orders WHERE symbol = ? AND order_type = 'market'", (symbol,)
    )
    return [row["account_id"] for row in rows]


def quote_of(db: sqlite3.Connection, symbol: str) -> Quote | None:
    """The quote set for a symbol, or None."""
    row = db.execute("SELECT * FROM quotes WHERE symbol = ?", (symbol,)).fetchone()
    return None if row is None else quote_from(dict(row))


def set_quote(db: sqlite3.Connection, symbol: str, quote: Quote | None) -> None:
    """Set a symbol's quote, or remove it (None)."""
    db.execute("DELETE FROM quotes WHERE symbol = ?", (symbol,))
    if quote is not None:
        db.execute(
            "INSERT INTO quotes (symbol, bid, ask, last) VALUES (:symbol, :bid, :ask, :last)",
            quote_row(symbol, quote),
        )


def save_trade(db: sqlite3.Connection, record: dict[str, Any]) -> None:
    """Store (or replace) what one signal did, or is due to do, to one subscription."""
    execute_at = record["execute_at"] if record["status"] == "pending" else None
    db.execute(
        "INSERT OR REPLACE INTO trades (id, signal_id, log_id, subscription_id, execute_at, record)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            record["id"],
            record["signal_id"],
            record["log_id"],
            record["subscription_id"],
            execute_at,
            json.dumps(record),
        ),
    )


def due_trades(db: sqlite3.Connection, moment: datetime) -> list[dict[str, Any]]:
    """Pending trades whose time has come, oldest first."""
    rows = db.execute(
        "SELECT record FROM trades WHERE execute_at IS NOT NULL AND execute_at <= ?"
        " ORDER BY execute_at, rowid",
        (moment.isoformat(),),
    )
    return [json.loads(row["record"]) for row in rows]


def trades_of(
    db: sqlite3.Connection, *, signal_id: str | None = None, log_id: str | None = None
) -> list[dict]:
    """The trades a signal caused, by its id or its logId."""
    column, value = ("signal_id", signal_id) if signal_id else ("log_id", log_id)
    rows = db.execute(f"SELECT record FROM trades WHERE {column} = ? ORDER BY rowid", (value,))
    return [json.loads(row["record"]) for row in rows]


def reset(db: sqlite3.Connection) -> None:
    """Forget all paper-trading state: trades, subscriptions, accounts, quotes and the clock."""
    for table in (
        "trades",
        "subscriptions",
        "accounts",
        "positions",
        "open_orders",
        "quotes",
        "control_state",
    ):
        db.execute(f"DELETE FROM {table}")
