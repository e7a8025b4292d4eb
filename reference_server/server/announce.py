"""What the gateway prints once it listens: its address, its webhooks (passwords masked), the control API."""

from __future__ import annotations

from urllib.parse import urlsplit

from reference_server.config import GatewayConfig
from reference_server.control_access import is_loopback
from reference_server.db import open_database
from reference_server.webhook.store import list_webhooks
from webhook_spec.openapi import webhook_path

READY_LINE = "Press Ctrl+C to stop."
MASK = "****"  # in place of a password (D-061)


def webhook_urls(base_url: str, config: GatewayConfig, show_urls: bool = False) -> list[str]:
    """The URL of every stored webhook, its password masked; whole only when `show_urls` and the
    config holds the password."""
    passwords = {webhook.uuid: webhook.password for webhook in config.webhooks} if show_urls else {}
    connection = open_database(config)
    try:
        stored = list_webhooks(connection)
    finally:
        connection.close()
    return [
        f"{base_url}{webhook_path(webhook.uuid, passwords.get(webhook.uuid, MASK))}  ({webhook.asset_class})"
        for webhook in stored
    ]


def banner(base_url: str, config: GatewayConfig, show_urls: bool = False) -> list[str]:
    """The lines printed at start, READY_LINE last."""
    lines = [f"Listening at {base_url}"]
    urls = webhook_urls(base_url, config, show_urls)
    lines += [f"  webhook {url}" for url in urls]
    if urls and not show_urls:
        lines.append(f"  (passwords shown as {MASK}: --show-urls prints the config file's in full)")
    if config.control_token:
        reach = "this machine only" if is_loopback(urlsplit(base_url).hostname or "") else "OTHER HOSTS"
        lines.append(f"Control API at {base_url}/control (bearer token), reachable from {reach}")
    lines.append(READY_LINE)
    return lines


def announce(base_url: str, config: GatewayConfig, show_urls: bool = False) -> None:
    """Print the banner, line by line as it is flushed (the kit reads it to learn the address)."""
    for line in banner(base_url, config, show_urls):
        print(line, flush=True)
