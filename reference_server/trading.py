"""What an accepted signal does: for each subscription, plan the trade and run it on the paper broker."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from reference_server import broker
from reference_server.codec import (
    account_json,
    decimal,
    fill_json,
    plan_json,
    position_json,
    settings_from_json,
)
from reference_server.db import immediate_transaction
from reference_server.paper_store import (
    Subscription,
    load_account,
    now,
    quote_of,
    save_account,
    save_trade,
    subscriptions_of,
)
from reference_server.planner import Instrument, Plan, instrument_from, plan_trade, select_from_signal
from reference_server.planner.reasons import NO_CONTRACT, NO_PRICE
from reference_server.symbols import OptionContract
from reference_server.tickers import Listing, TickerDatabase, resolve_instrument
from reference_server.webhook_store import Webhook

_logger = logging.getLogger(__name__)
INTERNAL_ERROR = "internal-error"  # a trade the reference gateway failed to plan: logged, never a 5xx


class _NoTrade(Exception):
    """The instrument cannot be determined; `reason` is a planner rejection code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _underlying_price(db: sqlite3.Connection, root: str, signal: dict[str, Any]) -> Decimal:
    quote = quote_of(db, root)
    price = quote.midpoint if quote is not None else None
    price = price or decimal(signal.get("signalPrice"))
    if price is None:
        raise _NoTrade(NO_PRICE)
    return price


def _instrument(
    db: sqlite3.Connection, webhook: Webhook, signal: dict[str, Any], tickers: TickerDatabase, clock: datetime
) -> Instrument:
    resolved = resolve_instrument(signal, asset_class=webhook.asset_class, database=tickers, on=clock.date())
    if webhook.asset_class == "options" and isinstance(resolved, Listing):
        underlying = _underlying_price(db, resolved.symbol, signal)
        chain = broker.option_chain(resolved.symbol, underlying, clock.date())
        resolved = select_from_signal(chain, signal, underlying_price=underlying, clock=clock)
        if resolved is None:
            raise _NoTrade(NO_CONTRACT)
    if isinstance(resolved, OptionContract) and resolved.option_type is None:
        raise _NoTrade(NO_CONTRACT)
    return instrument_from(resolved)


def _trade(
    db: sqlite3.Connection,
    subscription: Subscription,
    webhook: Webhook,
    signal: dict,
    tickers: TickerDatabase,
) -> dict[str, Any]:
    """Plan and execute one subscription's trade; the record the control API shows."""
    clock = now(db)
    account, roles = load_account(db, subscription.account_id)
    try:
        instrument = _instrument(db, webhook, signal, tickers, clock)
    except _NoTrade as no_trade:
        return {"instrument": None, "plan": plan_json(Plan(rejection=no_trade.reason)), "fills": []}
    quote = quote_of(db, instrument.symbol)
    settings = settings_from_json(subscription.settings)
    plan = plan_trade(
        signal, instrument=instrument, settings=settings, account=account, quote=quote, clock=clock
    )
    execution = broker.execute(
        plan, account, quote, decimal(signal.get("signalPrice")), lambda: f"ord-{uuid.uuid4().hex[:12]}"
    )
    roles = roles | execution.roles
    save_account(db, subscription.account_id, execution.account, roles)
    return {
        "instrument": {
            "symbol": instrument.symbol,
            "asset_class": instrument.asset_class,
            "option_type": instrument.option_type,
        },
        "plan": plan_json(plan),
        "fills": [fill_json(fill) for fill in execution.fills],
        "positions_after": [position_json(p) for p in execution.account.positions],
        "open_orders_after": account_json(subscription.account_id, execution.account, roles)["open_orders"],
    }


def _failed_trade(subscription: Subscription) -> dict[str, Any]:
    _logger.exception("planning the trade of subscription %s failed", subscription.id)
    return {"instrument": None, "plan": plan_json(Plan(rejection=INTERNAL_ERROR)), "fills": []}


def trade_signal(
    db: sqlite3.Connection,
    webhook: Webhook,
    signal_id: str,
    log_id: str,
    signal: dict,
    tickers: TickerDatabase,
) -> None:
    """Run an accepted signal through every subscription of its webhook (none: nothing to do)."""
    subscriptions = subscriptions_of(db, webhook.uuid)
    for subscription in subscriptions:
        ids = {"id": f"trade-{uuid.uuid4().hex[:12]}", "signal_id": signal_id, "log_id": log_id}
        ids |= {"subscription_id": subscription.id, "account_id": subscription.account_id}
        with immediate_transaction(db):
            db.execute("SAVEPOINT trade")
            try:
                record = _trade(db, subscription, webhook, signal, tickers)
            except Exception:  # a planner bug must not lose the accepted signal nor answer 5xx
                db.execute("ROLLBACK TO trade")
                record = _failed_trade(subscription)
            db.execute("RELEASE trade")
            save_trade(db, ids | record)
