"""The reference gateway: a Flask app implementing the webhook spec (see ARCHITECTURE.md)."""

from __future__ import annotations

from flask import Flask

from reference_server import db
from reference_server.config import BODY_LIMIT_BYTES, GatewayConfig
from reference_server.webhook import api, rate_limit, signal_log
from reference_server.webhook import store as webhook_store
from reference_server.webhook.responses import register_error_handlers
from reference_server.webhook.tickers import TickerDatabase


def create_app(config: GatewayConfig | None = None) -> Flask:
    """Build the gateway for `config` (the embedded demo default when None)."""
    app = Flask(__name__, static_folder=None)
    # Never redirect: Werkzeug answers `//` or a missing trailing `/` with an HTML redirect to a URL
    # built from the Host header, password included (D-061). Set before any rule is added.
    app.url_map.merge_slashes = app.url_map.strict_slashes = app.url_map.redirect_defaults = False
    gateway = config or GatewayConfig()
    app.config.update(GATEWAY=gateway, MAX_CONTENT_LENGTH=BODY_LIMIT_BYTES + 1)  # see pipeline._read_body
    app.json.sort_keys = False
    db.init_app(app)
    rate_limit.init_app(app)
    signal_log.init_app(app)
    app.extensions["ticker_database"] = TickerDatabase.bundled()
    register_error_handlers(app)
    api.init_app(app)
    if gateway.control_token:  # paper trading is not even imported without the control API
        from reference_server import paper

        paper.init_app(app)

    webhook_store.init_app(app)  # the hash key, then the config's webhooks hashed with it (D-059)
    return app
