"""What an accepted signal does: for each subscription, plan the trade and run it on the paper broker.

A signal with a `delay` waits as a pending trade until the gateway's clock reaches its time; pending
trades run whenever the gateway next trades or the test-control API looks (DECISIONS D-047).
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from reference_server.db import immediate_transaction
from reference_server.paper import broker
from reference_server.paper.clock import expiry, later, now
from reference_server.paper.codec import decimal, settings_from_json, trade_json
from reference_server.paper.instruments import (
    held_contract,
    instrument_from,
    option_chain,
    resolve_instrument,
)
from reference_server.paper.planner import (
    AccountSnapshot,
    Instrument,
    Note,
    Plan,
    Quote,
    option_type_note,
    plan_trade,
    select_from_signal,
)
from reference_server.paper.planner.reasons import EXPIRED, NO_CONTRACT, NO_PRICE
from reference_server.paper.store import (
    Subscription,
    accounts_with_market_orders,
    due_trades,
    load_account,
    quote_of,
    save_account,
    save_trade,
    subscription_by_id,
    subscriptions_of,
)
from reference_server.webhook.store import Webhook, find_webhook
from reference_server.webhook.symbols import OptionContract
from reference_server.webhook.tickers import Listing, TickerDatabase

_logger = logging.getLogger(__name__)
INTERNAL_ERROR = "internal-error"  # a trade the reference gateway failed to plan: logged, never a 5xx


class _NoTrade(Exception):
    """The trade cannot be planned; `reason` is a planner rejection code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _underlying_price(db: sqlite3.Connection, root: str, signal: dict[str, Any]) -> Decimal:
    quote = quote_of(db, root)
    price = (quote.midpoint if quote is not None else None) or decimal(signal.get("signalPrice"))
    if price is None:
        raise _NoTrade(NO_PRICE)
    return price


def _instrument(
    db: sqlite3.Connection,
    asset_class: str,
    signal: dict,
    tickers: TickerDatabase,
    clock: datetime,
    held: AccountSnapshot,
    option_type: str | None,
) -> Instrument:
    """What the signal trades for a subscription; one with an option_type trades that type of option on
    an underlying's signals, the contract of it the account holds first (D-082)."""
    selecting = signal if option_type is None else signal | {"optionType": option_type}
    resolved = resolve_instrument(selecting, asset_class=asset_class, database=tickers, on=clock.date())
    if asset_class == "options" and isinstance(resolved, Listing):
        root = resolved.symbol
        contract = held_contract(held, root, option_type) if option_type else None
        if contract is None:
            underlying = _underlying_price(db, root, signal)
            chain = option_chain(root, underlying, clock.date())
            contract = select_from_signal(chain, selecting, underlying_price=underlying, clock=clock)
        if contract is None:
            raise _NoTrade(NO_CONTRACT)
        resolved = contract
    if isinstance(resolved, OptionContract) and resolved.option_type is None:
        raise _NoTrade(NO_CONTRACT)
    return instrument_from(resolved)


def _trade(
    db: sqlite3.Connection,
    subscription: Subscription,
    asset_class: str,
    pending: dict,
    tickers: TickerDatabase,
) -> dict:
    """Plan and execute one subscription's trade; the parts of the record the control API shows."""
    clock, signal = now(db), pending["signal"]
    account, roles = load_account(db, subscription.account_id)
    settings = settings_from_json(subscription.settings)
    try:
        expires = expiry(signal, datetime.fromisoformat(pending["received_at"]))
        if expires is not None and clock > expires:
            raise _NoTrade(EXPIRED)
        instrument = _instrument(db, asset_class, signal, tickers, clock, account, settings.option_type)
    except _NoTrade as no_trade:
        return _untraded(subscription.account_id, account, roles, no_trade.reason)
    quote = quote_of(db, instrument.symbol)
    plan = plan_trade(
        signal, instrument=instrument, settings=settings, account=account, quote=quote, clock=clock
    )
    signal_price = decimal(signal.get("signalPrice"))
    chosen = option_type_note(signal, settings.option_type, instrument.option_type)
    notes = ((chosen,) if chosen else ()) + plan.notes + _waiting_notes(plan, quote, signal_price)
    plan = replace(plan, notes=notes)
    execution = broker.execute(plan, account, quote, signal_price, lambda: f"ord-{uuid.uuid4().hex[:12]}")
    roles = roles | execution.roles
    save_account(db, subscription.account_id, execution.account, roles)
    return trade_json(
        instrument, plan, execution.fills, subscription.account_id, execution.account, roles, signal_price
    )


def _waiting_notes(plan: Plan, quote: Quote | None, signal_price: Decimal | None) -> tuple[Note, ...]:
    """A note for each market order that waits for a quote, having nothing to fill at (D-079)."""
    return tuple(
        Note(
            "signalPrice",
            None,
            None,
            None,
            f"{order.role}: no quote for {order.symbol} and no signalPrice: the market order waits open"
            " and fills at the first quote set for it",
        )
        for order in broker.unpriced_market_orders(plan, quote, signal_price)
    )


def fill_waiting_orders(db: sqlite3.Connection, symbol: str, quote: Quote) -> None:
    """Fill every account's market orders in `symbol` that wait for a quote, at this new one (D-079)."""
    for account_id in accounts_with_market_orders(db, symbol):
        account, roles = load_account(db, account_id)
        save_account(db, account_id, broker.fill_waiting(account, symbol, quote), roles)


def _untraded(account_id: str, account: AccountSnapshot, roles: dict, reason: str) -> dict:
    """The record of a trade rejected before it could act: the account as it was."""
    return trade_json(None, Plan(rejection=reason), (), account_id, account, roles, None)


def _save_executed(db: sqlite3.Connection, pending: dict, parts: dict) -> None:
    save_trade(db, pending | parts | {"status": "executed", "executed_at": now(db).isoformat()})


def _run(
    db: sqlite3.Connection,
    subscription: Subscription,
    asset_class: str,
    pending: dict,
    tickers: TickerDatabase,
) -> None:
    """Execute a trade in a savepoint and store its record; a planner bug is an internal-error rejection."""
    db.execute("SAVEPOINT trade")
    try:
        parts = _trade(db, subscription, asset_class, pending, tickers)
    except Exception:  # a planner bug must not lose the accepted signal nor answer 5xx
        db.execute("ROLLBACK TO trade")
        _logger.exception("planning the trade of subscription %s failed", subscription.id)
        parts = _untraded(subscription.account_id, *load_account(db, subscription.account_id), INTERNAL_ERROR)
    db.execute("RELEASE trade")
    _save_executed(db, pending, parts)


def run_due_trades(db: sqlite3.Connection, tickers: TickerDatabase) -> None:
    """Execute the pending trades whose delay has passed on the gateway's clock."""
    if not due_trades(db, now(db)):  # the usual case: no write lock taken
        return
    with immediate_transaction(db):
        for pending in due_trades(db, now(db)):
            webhook = find_webhook(db, pending["webhook_uuid"])
            subscription = subscription_by_id(db, pending["subscription_id"])
            if webhook is None or subscription is None:  # removed since: nothing left to trade
                account_id = pending["account_id"]
                _save_executed(
                    db, pending, _untraded(account_id, *load_account(db, account_id), INTERNAL_ERROR)
                )
                continue
            _run(db, subscription, webhook.asset_class, pending, tickers)


def trade_signal(
    db: sqlite3.Connection,
    webhook: Webhook,
    signal_id: str,
    log_id: str,
    signal: dict,
    tickers: TickerDatabase,
) -> None:
    """Run an accepted signal through every subscription of its webhook, at once or after its delay."""
    run_due_trades(db, tickers)
    subscriptions = subscriptions_of(db, webhook.uuid)
    if not subscriptions:  # a webhook without subscriptions only logs its signals
        return
    with immediate_transaction(db):
        received_at = now(db)
        execute_at = later(received_at, seconds=float(signal.get("delay", 0)))
        for subscription in subscriptions:
            pending = {
                "id": f"trade-{uuid.uuid4().hex[:12]}",
                "signal_id": signal_id,
                "log_id": log_id,
                "subscription_id": subscription.id,
                "account_id": subscription.account_id,
                "webhook_uuid": webhook.uuid,
                "signal": signal,
                "received_at": received_at.isoformat(),
                "execute_at": execute_at.isoformat(),
                "status": "pending",
            }
            if execute_at > received_at:
                save_trade(db, pending)
            else:
                _run(db, subscription, webhook.asset_class, pending, tickers)
