"""Serve several gateways from one process: the reference app, broken or not, one port each.

`python -m tests.broken_gateways.serve --dir DIR --token-file FILE NAME...` runs the reference
gateway's own server (gunicorn, its asyncio worker, BufferedWSGI), bound to one loopback port per
NAME (a catalogue entry, or `reference`), each with its own app, data directory and limits. It
prints `gateway NAME URL` for each, then the reference's `Listening at` and ready lines.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from conformance.embedded_gateway import ROLE_WEBHOOKS
from reference_server import create_app
from reference_server.config import BODY_LIMIT_BYTES, GatewayConfig, parse_config
from reference_server.server.announce import READY_LINE
from reference_server.server.buffered_wsgi import BufferedWSGI, ReadTimeouts
from reference_server.server.serve import GatewayServer
from tests.broken_gateways.catalogue import REFERENCE, entry_named
from tests.broken_gateways.kinds import TRUSTED_PROXIES

READ_TIMEOUT = 1.0  # seconds for a request's head and for its body, as the embedded target has
THREADS = 4  # per gateway: a slow answer (a break that sleeps) holds no other gateway's requests


def gateway_config(directory: Path, token: str, overrides: dict[str, Any]) -> GatewayConfig:
    """The embedded target's config (the kit's role webhooks, 127.0.0.1 trusted), with `overrides`
    in [gateway]."""
    webhooks = [{"uuid": h.uuid, "password": h.password, **h.settings} for h in ROLE_WEBHOOKS]
    gateway = {"data_dir": "data", "trusted_proxies": list(TRUSTED_PROXIES), "control_token": token}
    return parse_config({"gateway": gateway | overrides, "webhooks": webhooks}, directory)


def served_gateway(name: str, directory: Path, token: str) -> BufferedWSGI:
    """The gateway NAME (a catalogue entry or the reference) as its server runs it."""
    entry = entry_named(name)
    directory.mkdir(parents=True, exist_ok=True)
    app = create_app(gateway_config(directory, token, dict(entry.gateway)))
    timeouts = ReadTimeouts(READ_TIMEOUT, READ_TIMEOUT)
    return BufferedWSGI(
        entry.breaks.wrap(app), threads=THREADS, timeouts=timeouts, body_limit=BODY_LIMIT_BYTES
    )


class PortDispatcher:
    """An ASGI app that hands each connection to the gateway of the port it came in on."""

    def __init__(self, gateways: dict[str, BufferedWSGI]) -> None:
        self.gateways = gateways
        self.by_port: dict[int, BufferedWSGI] = {}
        self.timeouts = ReadTimeouts(READ_TIMEOUT, READ_TIMEOUT)  # the worker's protocol reads the head's

    def bind(self, ports: list[int]) -> None:
        """The ports gunicorn bound, in the order of the gateways."""
        self.by_port = dict(zip(ports, self.gateways.values(), strict=True))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Answer one connection scope with its port's gateway."""
        if scope["type"] == "http":
            await self.by_port[scope["server"][1]](scope, receive, send)

    def answer_whole(self, scope: dict[str, Any], body: bytes) -> Any:
        """Answer a request read whole with its port's gateway, as the reference's server does (D-090)."""
        return self.by_port[scope["server"][1]].answer_whole(scope, body)


def serve(names: list[str], directory: Path, token: str) -> None:
    """Serve the gateways NAMES until stopped."""
    gateways = {name: served_gateway(name, directory / name, token) for name in names}
    dispatcher = PortDispatcher(gateways)

    def when_ready(server: Any) -> None:
        ports = [listener.sock.getsockname()[1] for listener in server.LISTENERS]
        dispatcher.bind(ports)
        for name, port in zip(gateways, ports, strict=True):
            print(f"gateway {name} http://127.0.0.1:{port}", flush=True)
        print(f"Listening at http://127.0.0.1:{ports[0]}\n{READY_LINE}", flush=True)

    options = {
        "bind": ["127.0.0.1:0"] * len(gateways),
        "workers": 1,
        "worker_class": "reference_server.server.workers.GatewayWorker",
        "keepalive": 5,
        "preload_app": True,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "when_ready": when_ready,
        "timeout": 60,
        "graceful_timeout": 5,
    }
    sys.argv = sys.argv[:1]
    GatewayServer(dispatcher, options).run()


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m tests.broken_gateways.serve", description=__doc__)
    parser.add_argument("--dir", type=Path, required=True, help="a data directory per gateway goes here")
    parser.add_argument("--token-file", type=Path, required=True, help="the control API's token")
    parser.add_argument("names", nargs="+", help=f"catalogue entries, or {REFERENCE}")
    args = parser.parse_args(argv)
    serve(args.names, args.dir, args.token_file.read_text(encoding="utf-8").strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
