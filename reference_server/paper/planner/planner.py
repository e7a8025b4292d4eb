"""plan_trade: a pure function from (signal, settings, account, quote, clock) to a Plan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from reference_server.paper.planner.brackets import (
    StopLeg,
    stop_loss_leg,
    stop_loss_spec,
    stop_loss_type,
    take_profit_price,
    take_profit_spec,
    take_profit_supported,
)
from reference_server.paper.planner.gates import gate_sides, gate_windows
from reference_server.paper.planner.intent import Intent, decide
from reference_server.paper.planner.model import (
    AccountSnapshot,
    Instrument,
    Note,
    Order,
    OrderSide,
    OrderType,
    Plan,
    Quote,
    Role,
    SubscriptionSettings,
    TimeInForce,
)
from reference_server.paper.planner.notes import plan_notes
from reference_server.paper.planner.orders import extended_hours_for, order_type_for, time_in_force_for
from reference_server.paper.planner.prices import Pricing, market_price, price_order, reference_price
from reference_server.paper.planner.reasons import (
    NOTHING_TO_DO,
    SIZING_UNSUPPORTED,
    Rejected,
)
from reference_server.paper.planner.signal import SignalView
from reference_server.paper.planner.sizing import (
    entry_method,
    exit_quantity,
    exit_wanted,
    fractional_allowed,
    raw_quantity,
    round_down,
)


@dataclass(frozen=True)
class _Context:
    """Everything one plan reads; `view` is in contract terms (inverted for puts)."""

    view: SignalView
    instrument: Instrument
    settings: SubscriptionSettings
    account: AccountSnapshot
    market: Decimal | None
    held: Decimal

    @property
    def fractional(self) -> bool:
        """Whether quantities may have decimals."""
        return fractional_allowed(self.settings, self.instrument)

    @property
    def places(self) -> int:
        """Decimals kept on fractional quantities."""
        return self.settings.broker.fractional_places


@dataclass(frozen=True)
class _OrderSpec:
    """How one order is placed, apart from its side and quantity."""

    role: Role
    order_type: OrderType
    time_in_force: TimeInForce
    pricing: Pricing
    extended_hours: bool = False


def _order(ctx: _Context, side: OrderSide, quantity: Decimal, spec: _OrderSpec) -> Order:
    """An order on the traded instrument; entries open, every other role closes."""
    pricing = spec.pricing
    return Order(
        ctx.instrument.symbol,
        side,
        "open" if spec.role == "entry" else "close",
        quantity,
        spec.order_type,
        spec.time_in_force,
        spec.role,
        limit_price=pricing.limit_price,
        stop_price=pricing.stop_price,
        trail_amount=pricing.trail_amount,
        trail_percent=pricing.trail_percent,
        extended_hours=spec.extended_hours,
    )


def _partial_wanted(ctx: _Context, reference: Decimal | None) -> Decimal:
    """A buy/sell partial exit (sentiment keeps the side) is sized like an entry of the same signal."""
    method, value = entry_method(ctx.view, ctx.settings)
    if method == "risk_dollar_amount":  # an exit places no stop loss to measure the risk against
        raise Rejected(SIZING_UNSUPPORTED)
    equity = ctx.account.equity
    return raw_quantity(method, value, price=reference, stop=None, equity=equity, instrument=ctx.instrument)


def _exit_order(ctx: _Context, intent: Intent) -> Order:
    """Close the position: all of it, or the quantity the signal asks for."""
    held, side = abs(ctx.held), ("sell" if ctx.held > 0 else "buy")
    order_type = order_type_for(ctx.view, ctx.settings, "exit")
    pricing = price_order(order_type, side, ctx.view, ctx.market)
    wanted = None
    if intent.exit == "partial":
        reference = reference_price(order_type, pricing, ctx.market)
        by_exit = ctx.view.action == "exit"
        wanted = exit_wanted(ctx.view, held, ctx.settings) if by_exit else _partial_wanted(ctx, reference)
    quantity = exit_quantity(wanted, held, fractional=ctx.fractional, places=ctx.places)
    tif = time_in_force_for(ctx.view, ctx.settings, "exit")
    extended = extended_hours_for(ctx.view, ctx.instrument)
    return _order(ctx, side, quantity, _OrderSpec("exit", order_type, tif, pricing, extended))


def _stop_leg(ctx: _Context, side: OrderSide, reference: Decimal | None) -> StopLeg | None:
    """The stop loss leg for an entry on `side`, if any stop loss applies."""
    spec = stop_loss_spec(ctx.view, ctx.settings)
    if spec is None:
        return None
    return stop_loss_leg(spec, stop_loss_type(spec, ctx.settings), side, reference)


def _take_profit_limit(ctx: _Context, side: OrderSide, reference: Decimal | None) -> Decimal | None:
    """The take profit limit price for an entry on `side`, if any take profit applies."""
    spec = take_profit_spec(ctx.view, ctx.settings)
    if spec is None:
        return None
    take_profit_supported(ctx.settings.broker)
    return take_profit_price(spec, side, reference)


def _entry_quantity(ctx: _Context, reference: Decimal | None, stop_leg: StopLeg | None) -> Decimal:
    """The entry quantity from the sizing method, rounded down."""
    method, value = entry_method(ctx.view, ctx.settings)
    stop = stop_leg.pricing.stop_price if stop_leg else None  # risk is measured to the stop placed
    raw = raw_quantity(
        method, value, price=reference, stop=stop, equity=ctx.account.equity, instrument=ctx.instrument
    )
    return round_down(raw, fractional=ctx.fractional, places=ctx.places)


def _entry_orders(ctx: _Context, side: OrderSide) -> tuple[Order, Order | None, Order | None]:
    """The entry order and its take profit and stop loss legs (on the closing side)."""
    order_type = order_type_for(ctx.view, ctx.settings, "entry")
    tif = time_in_force_for(ctx.view, ctx.settings, "entry")
    pricing = price_order(order_type, side, ctx.view, ctx.market)
    reference = reference_price(order_type, pricing, ctx.market)
    limit, stop_leg = _take_profit_limit(ctx, side, reference), _stop_leg(ctx, side, reference)
    quantity = _entry_quantity(ctx, reference, stop_leg)
    extended = extended_hours_for(ctx.view, ctx.instrument)
    entry = _order(ctx, side, quantity, _OrderSpec("entry", order_type, tif, pricing, extended))
    closing: OrderSide = "sell" if side == "buy" else "buy"
    # The legs share the entry's time in force: brokers take a bracket as one order with one.
    take_profit = stop_loss = None
    if limit is not None:
        leg = _OrderSpec("take_profit", "limit", tif, Pricing(limit_price=limit))
        take_profit = _order(ctx, closing, quantity, leg)
    if stop_leg is not None:
        leg = _OrderSpec("stop_loss", stop_leg.order_type, tif, stop_leg.pricing)
        stop_loss = _order(ctx, closing, quantity, leg)
    return entry, take_profit, stop_loss


def _build(ctx: _Context, intent: Intent, notes: tuple[Note, ...]) -> Plan:
    """Turn an intent into orders; any failure rejects the whole plan (no half trades)."""
    cancels = ctx.account.open_order_ids(ctx.instrument.symbol) if intent.cancel else ()
    exit_order = _exit_order(ctx, intent) if intent.exit else None
    entry = take_profit = stop_loss = None
    if intent.entry is not None:
        entry, take_profit, stop_loss = _entry_orders(ctx, intent.entry)
    if not cancels and exit_order is None and entry is None:
        raise Rejected(intent.reason or NOTHING_TO_DO)
    plan = Plan(cancels, exit_order, entry, take_profit, stop_loss)
    return replace(plan, notes=notes + plan_notes(ctx.view, ctx.settings, ctx.instrument, plan))


def plan_trade(
    signal: Mapping[str, Any],
    *,
    instrument: Instrument,
    settings: SubscriptionSettings,
    account: AccountSnapshot,
    quote: Quote | None,
    clock: datetime,
) -> Plan:
    """The plan for a validated, normalized signal trading `instrument`; never raises for a rejection."""
    view = SignalView.of(signal)
    contract_view = view.inverted() if instrument.is_put else view  # puts: buy sells to open
    held = account.position_quantity(instrument.symbol)
    market = market_price(view, quote, settings.broker)
    ctx = _Context(contract_view, instrument, settings, account, market, held)
    try:
        intent, window_notes = gate_windows(decide(contract_view, held, settings), view, settings, clock)
        intent, side_notes = gate_sides(intent, instrument, settings.allowed_sides)
        return _build(ctx, intent, window_notes + side_notes)
    except Rejected as rejected:
        return Plan(rejection=rejected.reason)
