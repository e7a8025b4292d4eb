"""Serve the gateway with gunicorn, a production WSGI server, and announce its webhook URLs."""

from __future__ import annotations

import sys
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from reference_server.config import GatewayConfig
from reference_server.db import open_database
from reference_server.webhook_store import list_webhooks


def webhook_urls(base_url: str, config: GatewayConfig) -> list[str]:
    """The URL of every stored webhook; a password is shown only where the config holds it."""
    passwords = {webhook.uuid: webhook.password for webhook in config.webhooks}
    connection = open_database(config)
    try:
        stored = list_webhooks(connection)
    finally:
        connection.close()
    return [
        f"{base_url}/trading/webhook/{webhook.uuid}/{passwords.get(webhook.uuid, '<password>')}"
        f"  ({webhook.asset_class})"
        for webhook in stored
    ]


READY_LINE = "Press Ctrl+C to stop."


class GatewayServer(BaseApplication):
    """A gunicorn application serving an already built Flask app."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Hand our options to gunicorn."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """The WSGI app."""
        return self.application


def _announce(app: Flask):
    def when_ready(server) -> None:
        host, port = server.LISTENERS[0].sock.getsockname()[:2]
        base_url = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
        print(f"Listening at {base_url}", flush=True)
        for url in webhook_urls(base_url, app.config["GATEWAY"]):
            print(f"  webhook {url}", flush=True)
        print(READY_LINE, flush=True)

    return when_ready


def serve(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    """Run gunicorn in the foreground until it is stopped."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    options = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "reference_server.workers.GatewayWorker",  # gthread, JSON errors
        "preload_app": True,
        "accesslog": None,  # the URL path holds the password: never write it to a log
        "errorlog": "-",
        "loglevel": "warning",
        "when_ready": _announce(app),
        "timeout": 30,
        "graceful_timeout": 5,
    }
    sys.argv = sys.argv[:1]  # gunicorn parses argv for its own flags otherwise
    GatewayServer(app, options).run()
