"""The bench webhook, the gateway config that declares it, and the three request cases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conformance.embedded_gateway import LIFTED_RATE_LIMITS, config_toml, numbered_webhook
from reference_server.config import load_config

# A stocks webhook that accepts any ticker, with limits no bench reaches.
BENCH_WEBHOOK = numbered_webhook(1, "bench", asset_class="stocks", rate_limits=LIFTED_RATE_LIMITS)


@dataclass(frozen=True)
class RequestCase:
    """A request body (COUNTER in it numbers each request) and the status the gateway answers it with."""

    name: str
    body: bytes
    status: int


# Where a body holds COUNTER, the load generators put a tag unique to each request there: the same
# body again within the replay window would be a replay of the first (D-055), not a new signal.
COUNTER = b"%COUNTER%"

CASES = (
    RequestCase(
        "accepted",
        b'{"ticker": "AMD", "action": "buy", "quantity": 1, "extras": {"n": "' + COUNTER + b'"}}',
        200,
    ),
    RequestCase("invalid-action", b'{"ticker": "AMD", "action": "dance"}', 400),
    RequestCase("malformed", b'{"ticker": "AMD", "action": "buy"', 400),
)


def write_gateway_config(directory: Path, synchronous: str | None = None) -> Path:
    """A config in `directory`: the bench webhook, the signal log in `directory`/data."""
    settings = {} if synchronous is None else {"sqlite_synchronous": synchronous}
    config = directory / "gateway.toml"
    config.write_text(config_toml([BENCH_WEBHOOK], directory / "data", settings))
    return config


def database_path(config: Path) -> Path:
    """The SQLite file (webhooks and signal log) of the gateway served with `config`."""
    return load_config(config).database


def numbered(body: bytes, tag: str) -> bytes:
    """The body with COUNTER, if it has one, replaced by `tag`."""
    return body.replace(COUNTER, tag.encode())
