"""Price arithmetic: the market price, the prices of an order, and offsets above or below a price."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reference_server.paper.planner.model import BrokerCapabilities, OrderSide, OrderType, Quote
from reference_server.paper.planner.reasons import INVALID_PRICE, NO_PRICE, Rejected
from reference_server.paper.planner.signal import SignalView

HUNDRED = Decimal(100)


def direction(side: OrderSide) -> int:
    """+1 for a buy, -1 for a sell: the way a price moves against that side's stop."""
    return 1 if side == "buy" else -1


def market_price(view: SignalView, quote: Quote | None, broker: BrokerCapabilities) -> Decimal | None:
    """The quote midpoint when the broker gives quotes, else signalPrice (the document's fallback)."""
    if broker.supports_quotes and quote is not None and quote.midpoint is not None:
        return quote.midpoint
    return view.signal_price  # also used when a quoting broker returned no usable quote


def require(price: Decimal | None) -> Decimal:
    """The price, or a no-price rejection when a computation needs one and there is none."""
    if price is None:
        raise Rejected(NO_PRICE)
    return price


def offset(price: Decimal, sign: int, amount: Decimal | None, percent: Decimal | None) -> Decimal:
    """`price` moved up (sign +1) or down (-1) by an amount, else by a percent of it."""
    delta = amount if amount is not None else price * require_value(percent) / HUNDRED
    moved = price + sign * delta
    if moved <= 0:  # e.g. a $10 stop below a $5 entry: no order can carry it
        raise Rejected(INVALID_PRICE)
    return moved


def require_value(value: Decimal | None) -> Decimal:
    """A relative value that the caller's spec guarantees; ValueError when the spec lied."""
    if value is None:
        raise ValueError("an offset needs an amount or a percent")
    return value


@dataclass(frozen=True)
class Pricing:
    """The price fields of one order."""

    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    trail_amount: Decimal | None = None
    trail_percent: Decimal | None = None


def trailing_stop(
    market: Decimal, side: OrderSide, amount: Decimal | None, percent: Decimal | None
) -> Pricing:
    """A trailing stop: a sell trails below the market, a buy above; stop_price is the initial stop."""
    initial = offset(market, direction(side), amount, percent)
    return Pricing(stop_price=initial, trail_amount=amount, trail_percent=percent)


def _or_market(price: Decimal | None, market: Decimal | None) -> Decimal:
    """The signal's price, else the market price (the document: "the current market price")."""
    return price if price is not None else require(market)


def price_order(order_type: OrderType, side: OrderSide, view: SignalView, market: Decimal | None) -> Pricing:
    """Prices for an order of this type from the signal, falling back to the market price."""
    if order_type == "market":
        return Pricing()
    if order_type == "limit":
        return Pricing(limit_price=_or_market(view.limit_price, market))
    if order_type == "trailing_stop":
        return trailing_stop(require(market), side, view.trail_amount, view.trail_percent)
    stop = _or_market(view.stop_price, market)
    if order_type == "stop":
        return Pricing(stop_price=stop)
    # A stop_limit without limitPrice limits at its stop: a limit at today's market could be
    # unreachable by the time the stop triggers.
    return Pricing(limit_price=view.limit_price if view.limit_price is not None else stop, stop_price=stop)


def reference_price(order_type: OrderType, pricing: Pricing, market: Decimal | None) -> Decimal | None:
    """The expected entry price: the limit of limit orders, the stop of stops, else the market."""
    if order_type in ("limit", "stop_limit"):
        return pricing.limit_price
    if order_type in ("stop", "trailing_stop"):
        return pricing.stop_price
    return market
