"""Webhooks in SQLite: declared in the config or created from the command line; passwords only hashed."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import uuid as uuid_module
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from reference_server.config import WebhookConfig
from reference_server.db import immediate_transaction


@dataclass(frozen=True)
class Webhook:
    """A stored webhook, without its password."""

    uuid: str
    asset_class: str
    allowed_tickers: frozenset[str] | None
    limit_to: str | None
    ip_addresses: tuple[str, ...]
    rate_limits: str | None
    origin: str
    password_salt: bytes
    password_hash: bytes

    def password_matches(self, password: str) -> bool:
        """Compare in constant time against the stored hash."""
        return hmac.compare_digest(_hash(self.password_salt, password), self.password_hash)


def _hash(salt: bytes, password: str) -> bytes:
    # Passwords are 128-bit random tokens, so a keyed hash suffices and keeps lookups fast.
    return hmac.new(salt, password.encode("utf-8"), hashlib.sha256).digest()


def new_password() -> str:
    """A password like the vendor's: 32 hex characters."""
    return secrets.token_hex(16)


def _row(webhook: WebhookConfig, origin: str) -> dict:
    salt = secrets.token_bytes(16)
    tickers = webhook.allowed_tickers
    return {
        "uuid": webhook.uuid,
        "password_salt": salt,
        "password_hash": _hash(salt, webhook.password),
        "asset_class": webhook.asset_class,
        "allowed_tickers": None if tickers is None else json.dumps(sorted(tickers)),
        "limit_to": webhook.limit_to,
        "ip_addresses": json.dumps(list(webhook.ip_addresses)),
        "rate_limits": webhook.rate_limits,
        "origin": origin,
        "created_at": datetime.now(UTC).isoformat(),
    }


def save_webhook(db: sqlite3.Connection, webhook: WebhookConfig, origin: str) -> None:
    """Insert or replace one webhook."""
    row = _row(webhook, origin)
    columns = ", ".join(row)
    placeholders = ", ".join(f":{name}" for name in row)
    db.execute(f"INSERT OR REPLACE INTO webhooks ({columns}) VALUES ({placeholders})", row)


def sync_config_webhooks(db: sqlite3.Connection, webhooks: tuple[WebhookConfig, ...]) -> None:
    """Make the stored config webhooks exactly the declared ones (CLI-created ones stay)."""
    with immediate_transaction(db):  # no request ever sees the config webhooks half replaced
        db.execute("DELETE FROM webhooks WHERE origin = 'config'")
        for webhook in webhooks:
            save_webhook(db, webhook, "config")


def create_webhook(db: sqlite3.Connection, origin: str, **settings: Any) -> tuple[str, str]:
    """Create a webhook (from the command line, or the test-control API); return its uuid and password.

    `settings` are config.check_webhook_settings's: asset_class and the restrictions.
    """
    password = new_password()
    webhook = WebhookConfig(uuid=str(uuid_module.uuid4()), password=password, **settings)
    save_webhook(db, webhook, origin)
    return webhook.uuid, password


def rotate_password(db: sqlite3.Connection, uuid: str) -> str:
    """Give a CLI-created webhook a new password ("Generate New URL"); return it."""
    webhook = find_webhook(db, uuid)
    if webhook is None:
        raise LookupError(f"no webhook {uuid}")
    if webhook.origin == "config":
        raise PermissionError(f"webhook {uuid} is declared in the config file: change its password there")
    password = new_password()
    salt = secrets.token_bytes(16)
    with db:
        db.execute(
            "UPDATE webhooks SET password_salt = ?, password_hash = ? WHERE uuid = ?",
            (salt, _hash(salt, password), webhook.uuid),
        )
    return password


_COLUMNS = (
    "uuid, asset_class, allowed_tickers, limit_to, ip_addresses, rate_limits, origin, password_salt,"
    " password_hash"
)


@lru_cache(maxsize=4096)
def _webhook(row: tuple) -> Webhook:
    """The webhook of a row of _COLUMNS; cached by the row's values, so an edited row is rebuilt."""
    uuid, asset_class, tickers, limit_to, ip_addresses, rate_limits, origin, salt, password_hash = row
    return Webhook(
        uuid=uuid,
        asset_class=asset_class,
        allowed_tickers=None if tickers is None else frozenset(json.loads(tickers)),
        limit_to=limit_to,
        ip_addresses=tuple(json.loads(ip_addresses)),
        rate_limits=rate_limits,
        origin=origin,
        password_salt=salt,
        password_hash=password_hash,
    )


def find_webhook(db: sqlite3.Connection, uuid: str) -> Webhook | None:
    """The webhook with this uuid (case-insensitive), or None."""
    row = db.execute(f"SELECT {_COLUMNS} FROM webhooks WHERE uuid = ?", (uuid.lower(),)).fetchone()
    return None if row is None else _webhook(tuple(row))


def list_webhooks(db: sqlite3.Connection) -> list[Webhook]:
    """Every stored webhook, oldest first."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM webhooks ORDER BY created_at, uuid")
    return [_webhook(tuple(row)) for row in rows]
