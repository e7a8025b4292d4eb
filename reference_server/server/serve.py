"""Serve the gateway under gunicorn with the asyncio worker of workers.py; announce its webhook URLs."""

from __future__ import annotations

import gc
import sys
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from reference_server.config import BODY_LIMIT_BYTES
from reference_server.server.announce import announce
from reference_server.server.buffered_wsgi import BufferedWSGI, ReadTimeouts


class GatewayServer(BaseApplication):
    """A gunicorn application serving an already built app."""

    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Hand our options to gunicorn."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        """The app."""
        return self.application


def _announce(app: Flask):
    def when_ready(server) -> None:
        host, port = server.LISTENERS[0].sock.getsockname()[:2]
        base_url = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
        announce(base_url, app.config["GATEWAY"], app.config.get("SHOW_URLS", False))

    return when_ready


def _freeze_start_up_objects(_worker: Any) -> None:
    """Leave what start-up built (the app, the schemas, the ticker database) out of every garbage
    collection: a full collection would otherwise walk it all, again and again, while serving."""
    gc.freeze()


def serve(
    app: Flask,
    host: str,
    port: int,
    workers: int,
    threads: int = 0,
    timeouts: ReadTimeouts | None = None,
) -> None:
    """Run gunicorn in the foreground until it is stopped."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    served = BufferedWSGI(
        app,
        threads=threads,
        timeouts=timeouts or ReadTimeouts(),
        body_limit=BODY_LIMIT_BYTES,
        read_answer=app.extensions.get("answer_read_request"),  # the webhook path's (webhook/api.py)
        # one worker: its records share a COMMIT per loop turn; several would wait on each other's (D-092)
        turns=app.extensions.get("signal_log_turns") if workers == 1 else None,
    )
    options = {
        "bind": bind,
        "workers": workers,
        "worker_class": "reference_server.server.workers.GatewayWorker",  # asyncio reads, JSON errors (D-063)
        "keepalive": 5,
        "preload_app": True,
        "accesslog": None,  # the URL path holds the password: never write it to a log
        "errorlog": "-",
        "loglevel": "warning",
        "when_ready": _announce(app),
        "post_worker_init": _freeze_start_up_objects,
        "timeout": 30,
        "graceful_timeout": 5,
    }
    sys.argv = sys.argv[:1]  # gunicorn parses argv for its own flags otherwise
    GatewayServer(served, options).run()
