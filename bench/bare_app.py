"""The ceiling: a bare Flask app that reads the body and answers a small JSON object.

It is served by the gateway's own `reference_server.server.serve.serve`, so the server settings (worker,
threads, timeouts) are the gateway's by construction: `python -m bench.bare_app --port 0`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from flask import Flask, Response, jsonify, request

from reference_server.config import GatewayConfig
from reference_server.server.serve import serve
from reference_server.webhook.api import WEBHOOK_RULE


def create_bare_app(data_dir: Path) -> Flask:
    """The bare app; `data_dir` only holds the empty database serve() lists webhooks from at start-up."""
    app = Flask(__name__)
    app.config["GATEWAY"] = GatewayConfig(data_dir=data_dir, webhooks=())

    @app.post(WEBHOOK_RULE)
    def receive(uuid: str, password: str) -> Response:
        """Read the body and answer a small JSON object."""
        body = request.get_data(cache=False)
        return jsonify({"success": True, "bytes": len(body)})

    return app


def main(argv: list[str] | None = None) -> None:
    """Serve the bare app with the gateway's gunicorn settings until stopped."""
    parser = argparse.ArgumentParser(prog="python -m bench.bare_app", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as directory:
        serve(create_bare_app(Path(directory)), args.host, args.port, args.workers, args.threads)


if __name__ == "__main__":
    main()
