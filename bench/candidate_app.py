"""The app bench.server_choice serves under each candidate server, as a plain WSGI callable.

GATEWAY_CONFIG names the config file; with CANDIDATE_APP=bare the bare Flask app is served instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bench.bare_app import create_bare_app
from reference_server import create_app
from reference_server.config import load_config

config = Path(os.environ["GATEWAY_CONFIG"])
if os.environ.get("CANDIDATE_APP") == "bare":
    app = create_bare_app(config.parent / "bare")
else:
    app = create_app(load_config(config))


def main() -> None:
    """Serve the app on the gateway's own server: `python -m bench.candidate_app PORT`."""
    from reference_server.server.serve import serve

    serve(app, "127.0.0.1", int(sys.argv[1]), workers=1, threads=4)


if __name__ == "__main__":
    main()
