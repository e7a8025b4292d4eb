"""Gateway processes for the HTTP tests: the kit's role webhooks and a few more, served for real."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from conformance.embedded_gateway import (
    ROLE_WEBHOOKS,
    ConfiguredWebhook,
    RunningGateway,
    config_toml,
    numbered_webhook,
    running_gateway,
)

CONFIGURED = (
    *ROLE_WEBHOOKS,
    numbered_webhook(8, "ip-loopback", asset_class="stocks", limit_to="ip", ip_addresses=["127.0.0.0/8"]),
    numbered_webhook(11, "limited-a"),  # limited-*: the test gateway's own limits
    numbered_webhook(12, "limited-b"),
    numbered_webhook(14, "limited-c"),
)
# By name, the first of each (the kit's embedded target lists more than one webhook of some roles).
HOOKS: dict[str, ConfiguredWebhook] = {}
for _webhook in CONFIGURED:
    HOOKS.setdefault(_webhook.name, _webhook)


def write_config(directory: Path, **gateway) -> Path:
    """Write the test config (with `gateway` settings) into `directory`; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "gateway.toml"
    config.write_text(config_toml(CONFIGURED, directory / "data", gateway))
    return config


@contextmanager
def gateway_process(directory: Path, args: tuple[str, ...] = (), **gateway) -> RunningGateway:
    """Serve the test config from `directory` while the block runs."""
    with running_gateway(["--config", str(write_config(directory, **gateway)), *args]) as running:
        yield running


def loopback_address(base_url: str) -> tuple[str, int]:
    """The (host, port) a test gateway's `http://host:port` base URL names, for raw sockets."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)
