"""Webhooks in SQLite: declared in the config, or created by the command line or the test-control API;
passwords only hashed, keyed by the hash key kept outside the database (D-059)."""

from __future__ import annotations

import hmac
import json
import logging
import re
import sqlite3
import uuid as uuid_module
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from flask import Flask, current_app

from reference_server.config import ConfigError, GatewayConfig, WebhookConfig
from reference_server.db import immediate_transaction, open_database
from reference_server.webhook.hash_key import key_source, load_hash_key
from reference_server.webhook.passwords import HashKey, new_password, new_salt, salt_hash

_logger = logging.getLogger(__name__)

MAX_GRACE = timedelta(days=7)  # D-060
_DURATION = re.compile(r"(\d{1,7})([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class StoredPassword:
    """A password's salt and hash, and the id of the hash key that made it (None: made before D-059)."""

    salt: bytes
    hash: bytes
    key_id: str | None

    def matches(self, key: HashKey, password: str) -> bool:
        """Compare in constant time against the stored hash; a hash of another key matches nothing."""
        if self.key_id is None:
            return hmac.compare_digest(salt_hash(self.salt, password), self.hash)
        return self.key_id == key.id and hmac.compare_digest(key.hash(self.salt, password), self.hash)


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
    password: StoredPassword
    previous_password: StoredPassword | None = None  # the one a rotation replaced, valid until...
    previous_password_until: datetime | None = None

    def matched_password(self, key: HashKey, password: str, at: datetime) -> str | None:
        """Which of the webhook's passwords `password` is at `at`: "current", "previous" (during the
        grace of a rotation, D-060), or None."""
        if self.password.matches(key, password):
            return "current"
        previous, until = self.previous_password, self.previous_password_until
        if previous is not None and until is not None and at < until and previous.matches(key, password):
            return "previous"
        return None


def _stored(key: HashKey, password: str) -> dict[str, Any]:
    salt = new_salt()
    return {"password_salt": salt, "password_hash": key.hash(salt, password), "hash_key_id": key.id}


def _row(webhook: WebhookConfig, origin: str, key: HashKey) -> dict:
    tickers = webhook.allowed_tickers
    return {
        "uuid": webhook.uuid,
        **_stored(key, webhook.password),
        "asset_class": webhook.asset_class,
        "allowed_tickers": None if tickers is None else json.dumps(sorted(tickers)),
        "limit_to": webhook.limit_to,
        "ip_addresses": json.dumps(list(webhook.ip_addresses)),
        "rate_limits": webhook.rate_limits,
        "origin": origin,
        "created_at": datetime.now(UTC).isoformat(),
    }


def save_webhook(db: sqlite3.Connection, key: HashKey, webhook: WebhookConfig, origin: str) -> None:
    """Insert or replace one webhook, its password hashed with `key`."""
    row = _row(webhook, origin, key)
    columns = ", ".join(row)
    placeholders = ", ".join(f":{name}" for name in row)
    db.execute(f"INSERT OR REPLACE INTO webhooks ({columns}) VALUES ({placeholders})", row)


def sync_config_webhooks(db: sqlite3.Connection, key: HashKey, webhooks: tuple[WebhookConfig, ...]) -> None:
    """Make the stored config webhooks exactly the declared ones (CLI-created ones stay)."""
    with immediate_transaction(db):  # no request ever sees the config webhooks half replaced
        db.execute("DELETE FROM webhooks WHERE origin = 'config'")
        for webhook in webhooks:
            save_webhook(db, key, webhook, "config")


def create_webhook(db: sqlite3.Connection, key: HashKey, origin: str, **settings: Any) -> tuple[str, str]:
    """Create a webhook (from the command line, or the test-control API); return its uuid and password.

    `settings` are config.check_webhook_settings's: asset_class and the restrictions.
    """
    password = new_password()
    webhook = WebhookConfig(uuid=str(uuid_module.uuid4()), password=password, **settings)
    save_webhook(db, key, webhook, origin)
    return webhook.uuid, password


def delete_webhooks(db: sqlite3.Connection, origin: str) -> None:
    """Delete the webhooks of one origin ('control': the test-control API's reset)."""
    db.execute("DELETE FROM webhooks WHERE origin = ?", (origin,))


def parse_grace(text: str) -> timedelta:
    """A rotation's grace such as '90s', '10m', '2h', '1d' or '30' (seconds), at most MAX_GRACE."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a duration such as 90s, 10m, 2h or 1d")
    grace = timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])
    if grace > MAX_GRACE:
        raise ValueError(f"{text!r} is longer than the longest grace, {MAX_GRACE.days} days")
    return grace


def rotate_password(
    db: sqlite3.Connection, key: HashKey, uuid: str, grace: timedelta = timedelta(0)
) -> tuple[str, datetime | None]:
    """Give a CLI-created webhook a new password ("Generate New URL"); the old one stays valid for
    `grace` (D-060). Return the new password and when the old one stops working (None: at once)."""
    webhook = find_webhook(db, uuid)
    if webhook is None:
        raise LookupError(f"no webhook {uuid}")
    if webhook.origin == "config":
        raise PermissionError(f"webhook {uuid} is declared in the config file: change its password there")
    password = new_password()
    until = datetime.now(UTC) + grace if grace else None
    previous = (  # the old password's columns become the previous one's, or nothing is kept
        "previous_password_salt = password_salt, previous_password_hash = password_hash,"
        " previous_hash_key_id = hash_key_id"
        if until
        else "previous_password_salt = NULL, previous_password_hash = NULL, previous_hash_key_id = NULL"
    )
    with immediate_transaction(db):
        db.execute(
            f"UPDATE webhooks SET {previous}, previous_password_until = :until,"
            " password_salt = :password_salt, password_hash = :password_hash, hash_key_id = :hash_key_id"
            " WHERE uuid = :uuid",
            {**_stored(key, password), "until": until and until.isoformat(), "uuid": webhook.uuid},
        )
    return password, until


def authenticate(db: sqlite3.Connection, key: HashKey, webhook: Webhook, password: str) -> str | None:
    """Which of the webhook's passwords `password` is now ("current", "previous" or None); a current
    password hashed before D-059 is re-hashed with the key once it has been given."""
    matched = webhook.matched_password(key, password, datetime.now(UTC))
    if matched == "current" and webhook.password.key_id is None:
        db.execute(  # unless a rotation changed the row meanwhile
            "UPDATE webhooks SET password_salt = :password_salt, password_hash = :password_hash,"
            " hash_key_id = :hash_key_id WHERE uuid = :uuid AND password_hash = :old",
            {**_stored(key, password), "uuid": webhook.uuid, "old": webhook.password.hash},
        )
    return matched


_COLUMNS = (
    "uuid, asset_class, allowed_tickers, limit_to, ip_addresses, rate_limits, origin, password_salt,"
    " password_hash, hash_key_id, previous_password_salt, previous_password_hash, previous_hash_key_id,"
    " previous_password_until"
)


@lru_cache(maxsize=4096)
def _webhook(row: tuple) -> Webhook:
    """The webhook of a row of _COLUMNS; cached by the row's values, so an edited row is rebuilt."""
    uuid, asset_class, tickers, limit_to, ip_addresses, rate_limits, origin, *passwords = row
    salt, password_hash, key_id, previous_salt, previous_hash, previous_key_id, until = passwords
    previous = (
        None if previous_hash is None else StoredPassword(previous_salt, previous_hash, previous_key_id)
    )
    return Webhook(
        uuid=uuid,
        asset_class=asset_class,
        allowed_tickers=None if tickers is None else frozenset(json.loads(tickers)),
        limit_to=limit_to,
        ip_addresses=tuple(json.loads(ip_addresses)),
        rate_limits=rate_limits,
        origin=origin,
        password=StoredPassword(salt, password_hash, key_id),
        previous_password=previous,
        previous_password_until=None if until is None else datetime.fromisoformat(until),
    )


def find_webhook(db: sqlite3.Connection, uuid: str) -> Webhook | None:
    """The webhook with this uuid (case-insensitive), or None."""
    row = db.execute(f"SELECT {_COLUMNS} FROM webhooks WHERE uuid = ?", (uuid.lower(),)).fetchone()
    return None if row is None else _webhook(tuple(row))


def list_webhooks(db: sqlite3.Connection) -> list[Webhook]:
    """Every stored webhook, oldest first."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM webhooks ORDER BY created_at, uuid")
    return [_webhook(tuple(row)) for row in rows]


def check_hash_key(db: sqlite3.Connection, key: HashKey, source: str) -> None:
    """Refuse (ConfigError) a database whose CLI- or control-created webhooks were hashed with another
    hash key: without that key their passwords cannot be checked (D-059). Warn of hashes made before
    the hash key; each is re-hashed when its password is next given."""
    foreign, legacy = db.execute(
        "SELECT count(*) FILTER (WHERE hash_key_id IS NOT NULL AND hash_key_id != :id),"
        " count(*) FILTER (WHERE hash_key_id IS NULL) FROM webhooks WHERE origin != 'config'",
        {"id": key.id},
    ).fetchone()
    if foreign:
        raise ConfigError(
            f"{foreign} stored webhook(s) were hashed with another hash key than the one in {source}: "
            "give the gateway the hash key this database was used with (the hash-key file of its data "
            "directory, or the key itself in WEBHOOK_GATEWAY_HASH_KEY)"
        )
    if legacy:
        _logger.warning(
            "%d webhook(s) have password hashes made before the hash key (D-059): each is re-hashed with "
            "it when its password is next given",
            legacy,
        )


def current_hash_key() -> HashKey:
    """The serving app's hash key."""
    return current_app.extensions["hash_key"]


def open_with_key(config: GatewayConfig) -> tuple[sqlite3.Connection, HashKey]:
    """The database and the hash key its webhooks are hashed with, checked against each other."""
    key = load_hash_key(config)
    connection = open_database(config)
    try:
        check_hash_key(connection, key, key_source(config))
    except ConfigError:
        connection.close()
        raise
    return connection, key


def init_app(app: Flask) -> None:
    """Load the hash key, check it against the database, and write the config's webhooks into it."""
    connection, key = open_with_key(app.config["GATEWAY"])
    try:
        sync_config_webhooks(connection, key, app.config["GATEWAY"].webhooks)
    finally:
        connection.close()
    app.extensions["hash_key"] = key
