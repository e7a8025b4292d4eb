"""Paper trading, served only with the test-control API: accounts, quotes, the clock, and trades.

`init_app` is all the gateway calls, and only when it has a control token: it makes the paper tables
(schema.sql), registers the control blueprint, and gives the webhook pipeline its two hooks, the
control clock and a trade on the paper broker for each accepted signal. Nothing in the webhook
package imports this one.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app

from reference_server import db
from reference_server.db import get_db
from reference_server.paper import clock, control_api, trading
from reference_server.webhook.hooks import Hooks, set_hooks
from reference_server.webhook.signal_log import LogEntry
from reference_server.webhook.store import Webhook


def _control_clock() -> datetime:
    """The gateway's clock, which the control API may have fixed."""
    return clock.now(get_db())


def _trade(webhook: Webhook, accepted: LogEntry) -> None:
    """Run a newly accepted signal through its webhook's subscriptions on the paper broker."""
    tickers = current_app.extensions["ticker_database"]
    trading.trade_signal(get_db(), webhook, accepted.signal_id, accepted.log_id, accepted.signal, tickers)


def init_app(app: Flask) -> None:
    """Serve paper trading on `app`: its tables, the control API, and the pipeline's two hooks."""
    db.create_tables(app.config["GATEWAY"], __name__)
    app.register_blueprint(control_api.bp)
    set_hooks(app, Hooks(clock=_control_clock, on_accepted=_trade))
