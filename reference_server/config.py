"""Gateway configuration: the TOML file a user writes, or the embedded demo default."""

from __future__ import annotations

import math
import re
import tomllib
import uuid as uuid_module
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from limits import parse_many

from reference_server.webhook.passwords import new_password, password_weakness
from reference_server.webhook.sources import canonical_network
from webhook_spec.openapi import asset_classes

SOURCE_LIMITS = ("tradingview", "trendspider", "ip")
BODY_LIMIT_BYTES = 64 * 1024  # DECISIONS D-010
SPEC_RATE_LIMITS = "60/minute;500/hour"  # per webhook URL (DECISIONS D-026)
# Wrong passwords logged row by row, per webhook and source address, and per webhook (D-054).
FAILED_AUTH_LIMITS = "10/minute;100/hour"
FAILED_AUTH_WEBHOOK_LIMITS = "60/minute;600/hour"

# The embedded default's one demo webhook (the uuid and password of the spec's own example config).
DEMO_WEBHOOK = {
    "uuid": "8c9d9620-c50d-416e-926e-0ec01ee83522",
    "password": "a353c3e16f9e3ded7c58cfedd2c38d74",
    "asset_class": "stocks",
}


class ConfigError(ValueError):
    """The configuration is invalid; the message says where."""


@dataclass(frozen=True)
class WebhookConfig:
    """One webhook as declared in the config."""

    uuid: str
    password: str
    asset_class: str = "stocks"  # the default of the config file, the command line and the control API
    allowed_tickers: tuple[str, ...] | None = None
    limit_to: str | None = None
    ip_addresses: tuple[str, ...] = ()
    rate_limits: str | None = None  # None: the gateway's


@dataclass(frozen=True)
class GatewayConfig:
    """Everything the gateway reads from its config file."""

    data_dir: Path = Path("instance")
    webhooks: tuple[WebhookConfig, ...] = (WebhookConfig(**DEMO_WEBHOOK),)
    trusted_proxies: tuple[str, ...] = ()
    rate_limit_storage: str = "memory://"
    rate_limits: str = SPEC_RATE_LIMITS
    rate_limit_storage_timeout: float = 0.25  # seconds for each Redis connect and reply (D-053)
    rate_limit_fail_open: bool = False  # Redis unreachable: count in each process, not 503 (D-053)
    failed_auth_limits: str = FAILED_AUTH_LIMITS
    failed_auth_webhook_limits: str = FAILED_AUTH_WEBHOOK_LIMITS
    sqlite_synchronous: str = "NORMAL"  # DECISIONS D-048
    control_token: str | None = None
    hash_key_file: Path | None = None  # None: the environment's key, else data_dir/hash-key (D-059)
    replay_window: float = 10.0  # seconds in which the same body is a replay; 0: never (D-055)
    log_retention_days: float = 90.0  # signal log records older are pruned; 0: kept (D-056)
    log_max_rows: int = 1_000_000  # the oldest records beyond are pruned; 0: no bound (D-056)

    @property
    def database(self) -> Path:
        """The SQLite file: webhooks and the signal log, and the paper broker's state (see db.py)."""
        return self.data_dir / "gateway.sqlite3"


def check_networks(values: list[str], where: str) -> tuple[str, ...]:
    """The addresses and CIDR ranges, checked, IPv4-mapped ones written as IPv4 (D-062); ConfigError
    names `where` otherwise."""
    networks = []
    for value in values:
        try:
            if not isinstance(value, str):
                raise TypeError(value)
            networks.append(canonical_network(value))
        except (ValueError, TypeError):
            raise ConfigError(f"{where}: {value!r} is not an IP address or CIDR range") from None
    return tuple(networks)


def check_rate_limits(value: object, where: str) -> str:
    """A rate-limit string such as '60/minute;500/hour', checked; ConfigError names `where` otherwise."""
    try:
        parse_many(value)
    except (ValueError, TypeError):
        raise ConfigError(f"{where}: {value!r} is not a rate limit such as '60/minute;500/hour'") from None
    return value


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: must be a list of strings")
    return list(value)


def check_webhook_settings(entry: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A webhook's asset_class, allowed_tickers, limit_to, ip_addresses and rate_limits, checked and
    normalized; ConfigError names `where` otherwise. The config file, the CLI and the control API
    all create webhooks through it."""
    asset_class = entry.get("asset_class", WebhookConfig.asset_class)
    if asset_class not in asset_classes():
        raise ConfigError(f"{where}: asset_class must be one of {asset_classes()}")
    limit_to = entry.get("limit_to")
    if limit_to not in (None, *SOURCE_LIMITS):
        raise ConfigError(f"{where}: limit_to must be one of {SOURCE_LIMITS}")
    addresses = _strings(entry.get("ip_addresses", []), f"{where}.ip_addresses")
    ip_addresses = check_networks(addresses, f"{where}.ip_addresses")
    if limit_to == "ip" and not ip_addresses:
        raise ConfigError(f"{where}: limit_to = 'ip' needs ip_addresses")
    tickers = entry.get("allowed_tickers")
    if tickers is not None:
        tickers = tuple(ticker.strip().upper() for ticker in _strings(tickers, f"{where}.allowed_tickers"))
    rate_limits = entry.get("rate_limits")
    if rate_limits is not None:
        rate_limits = check_rate_limits(rate_limits, f"{where}.rate_limits")
    return {
        "asset_class": asset_class,
        "allowed_tickers": tickers,
        "limit_to": limit_to,
        "ip_addresses": ip_addresses,
        "rate_limits": rate_limits,
    }


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def check_uuid(value: str, where: str) -> str:
    """A webhook uuid in RFC 4122's text form, lower-cased; ConfigError names `where` otherwise."""
    if not _UUID.fullmatch(value):
        raise ConfigError(
            f"{where}: uuid {value!r} is not a UUID (8-4-4-4-12 hex digits): use e.g. {uuid_module.uuid4()}"
        )
    return value.lower()


def check_password(value: str, where: str) -> str:
    """A webhook password strong enough to guard it (D-059); ConfigError names `where` and says how."""
    weakness = password_weakness(value)
    if weakness is not None:
        raise ConfigError(
            f"{where}: password {weakness}; use 32 random hex characters, e.g. {new_password()}"
        )
    return value


def _webhook(entry: dict[str, Any], index: int) -> WebhookConfig:
    where = f"webhooks[{index}]"
    unknown = set(entry) - {f.name for f in fields(WebhookConfig)}
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("uuid", "password"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise ConfigError(f"{where}: {key} is required")
    settings = check_webhook_settings(entry, where)
    uuid = check_uuid(entry["uuid"], where)
    password = check_password(entry["password"], f"{where} ({uuid})")
    return WebhookConfig(uuid=uuid, password=password, **settings)


def _path(value: object, base_dir: Path, where: str) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: must be a file path")
    return base_dir / value


def _seconds(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 60:
        raise ConfigError(f"{where}: must be a number of seconds, more than 0 and at most 60")
    return float(value)


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: must be true or false")
    return value


def _not_negative(value: object, where: str, kind: type[float] | type[int] = float) -> Any:
    allowed = int if kind is int else int | float
    if isinstance(value, bool) or not isinstance(value, allowed) or not 0 <= value < math.inf:
        raise ConfigError(f"{where}: must be a {'whole ' if kind is int else ''}number, 0 or more")
    return kind(value)


def parse_config(document: dict[str, Any], base_dir: Path) -> GatewayConfig:
    """Build the configuration from a parsed TOML document; relative paths are from `base_dir`."""
    gateway = document.get("gateway", {})
    webhooks = tuple(_webhook(entry, index) for index, entry in enumerate(document.get("webhooks", [])))
    if len({webhook.uuid for webhook in webhooks}) != len(webhooks):
        raise ConfigError("webhooks: a uuid is declared twice")
    synchronous = gateway.get("sqlite_synchronous", GatewayConfig.sqlite_synchronous).upper()
    if synchronous not in ("NORMAL", "FULL", "EXTRA"):
        raise ConfigError("gateway.sqlite_synchronous must be NORMAL, FULL or EXTRA")
    return GatewayConfig(
        data_dir=base_dir / gateway.get("data_dir", "instance"),
        webhooks=webhooks,
        trusted_proxies=check_networks(gateway.get("trusted_proxies", []), "gateway.trusted_proxies"),
        rate_limit_storage=gateway.get("rate_limit_storage", "memory://"),
        rate_limits=check_rate_limits(gateway.get("rate_limits", SPEC_RATE_LIMITS), "gateway.rate_limits"),
        rate_limit_storage_timeout=_seconds(
            gateway.get("rate_limit_storage_timeout", GatewayConfig.rate_limit_storage_timeout),
            "gateway.rate_limit_storage_timeout",
        ),
        rate_limit_fail_open=_flag(
            gateway.get("rate_limit_fail_open", False), "gateway.rate_limit_fail_open"
        ),
        failed_auth_limits=check_rate_limits(
            gateway.get("failed_auth_limits", FAILED_AUTH_LIMITS), "gateway.failed_auth_limits"
        ),
        failed_auth_webhook_limits=check_rate_limits(
            gateway.get("failed_auth_webhook_limits", FAILED_AUTH_WEBHOOK_LIMITS),
            "gateway.failed_auth_webhook_limits",
        ),
        sqlite_synchronous=synchronous,
        control_token=gateway.get("control_token"),
        hash_key_file=_path(gateway.get("hash_key_file"), base_dir, "gateway.hash_key_file"),
        replay_window=_not_negative(
            gateway.get("replay_window", GatewayConfig.replay_window), "gateway.replay_window"
        ),
        log_retention_days=_not_negative(
            gateway.get("log_retention_days", GatewayConfig.log_retention_days), "gateway.log_retention_days"
        ),
        log_max_rows=_not_negative(
            gateway.get("log_max_rows", GatewayConfig.log_max_rows), "gateway.log_max_rows", int
        ),
    )


def load_config(path: Path) -> GatewayConfig:
    """Read and check a TOML config file."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
    return parse_config(document, path.parent)
