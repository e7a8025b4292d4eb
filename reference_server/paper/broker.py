"""The paper broker as pure functions: what executing a plan does to an account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from reference_server.paper.planner import AccountSnapshot, OpenOrder, Order, Plan, Position, Quote


@dataclass(frozen=True)
class Fill:
    """An order filled at a price."""

    role: str
    symbol: str
    side: str
    quantity: Decimal
    price: Decimal


@dataclass(frozen=True)
class Execution:
    """The fills of a plan and the account after it; `roles` names the role of each order it rested."""

    fills: tuple[Fill, ...]
    account: AccountSnapshot
    roles: dict[str, str] = field(default_factory=dict)


def _side_price(side: str, quote: Quote | None, signal_price: Decimal | None) -> Decimal | None:
    """What a marketable order pays: buys at the ask, sells at the bid; else midpoint, last, signalPrice."""
    if quote is not None:
        touch = quote.ask if side == "buy" else quote.bid
        if touch is not None and touch > 0:
            return touch
        if quote.midpoint is not None:
            return quote.midpoint
    return signal_price


def fill_price(order: Order, quote: Quote | None, signal_price: Decimal | None) -> Decimal | None:
    """The price a market or marketable limit order fills at now, or None when it rests."""
    market = _side_price(order.side, quote, signal_price)
    if order.order_type == "market" or market is None:
        return market
    if order.order_type == "limit":
        marketable = market <= order.limit_price if order.side == "buy" else market >= order.limit_price
        return market if marketable else None
    return None  # stop, stop_limit and trailing_stop orders wait for their trigger


def unpriced_market_orders(
    plan: Plan, quote: Quote | None, signal_price: Decimal | None
) -> tuple[Order, ...]:
    """The plan's market exit and entry that have nothing to fill at: no quote and no signalPrice.

    They rest open until a quote for their symbol is set (fill_waiting, DECISIONS D-079).
    """
    return tuple(
        order
        for order in (plan.exit, plan.entry)
        if order is not None
        and order.order_type == "market"
        and fill_price(order, quote, signal_price) is None
    )


def fill_waiting(account: AccountSnapshot, symbol: str, quote: Quote) -> AccountSnapshot:
    """The account after its open market orders in `symbol` fill at a new quote, oldest first (D-079)."""
    positions = {position.symbol: position for position in account.positions}
    waiting = []
    for order in account.open_orders:
        price = _side_price(order.side, quote, None) if order.symbol == symbol else None
        if order.order_type != "market" or price is None:
            waiting.append(order)
            continue
        held = positions.pop(symbol, None) or Position(symbol=symbol, quantity=Decimal(0))
        after = apply_fill(held, order.side, order.quantity, price)
        if after is not None:
            positions[symbol] = after
    return AccountSnapshot(
        equity=account.equity, positions=tuple(positions.values()), open_orders=tuple(waiting)
    )


def apply_fill(position: Position | None, side: str, quantity: Decimal, price: Decimal) -> Position | None:
    """The position after a fill; the average price moves only when the position grows or flips."""
    held = position.quantity if position else Decimal(0)
    after = held + (quantity if side == "buy" else -quantity)
    if after == 0:
        return None
    symbol = position.symbol if position else ""
    if held == 0 or (held > 0) != (after > 0):
        return Position(symbol=symbol, quantity=after, avg_price=price)
    if abs(after) > abs(held):
        average = (held * (position.avg_price or price) + (after - held) * price) / after
        return Position(symbol=symbol, quantity=after, avg_price=average)
    return Position(symbol=symbol, quantity=after, avg_price=position.avg_price)


def _resting(order: Order, order_id: str) -> OpenOrder:
    return OpenOrder(
        id=order_id,
        symbol=order.symbol,
        side=order.side,
        quantity=order.quantity,
        order_type=order.order_type,
        limit_price=order.limit_price,
        stop_price=order.stop_price,
    )


def execute(
    plan: Plan,
    account: AccountSnapshot,
    quote: Quote | None,
    signal_price: Decimal | None,
    new_id: Callable[[], str],
) -> Execution:
    """Cancel, then fill or rest the exit and the entry, then rest the take profit and stop loss."""
    cancelled = set(plan.cancel_order_ids)
    orders = [order for order in account.open_orders if order.id not in cancelled]
    positions = {position.symbol: position for position in account.positions}
    fills: list[Fill] = []
    roles: dict[str, str] = {}
    for order in (plan.exit, plan.entry, plan.take_profit, plan.stop_loss):
        if order is None:
            continue
        price = fill_price(order, quote, signal_price) if order.role in ("exit", "entry") else None
        if price is None:
            resting = _resting(order, new_id())
            orders.append(resting)
            roles[resting.id] = order.role
            continue
        fills.append(
            Fill(role=order.role, symbol=order.symbol, side=order.side, quantity=order.quantity, price=price)
        )
        held = positions.pop(order.symbol, None) or Position(symbol=order.symbol, quantity=Decimal(0))
        after = apply_fill(held, order.side, order.quantity, price)
        if after is not None:
            positions[order.symbol] = after
    snapshot = AccountSnapshot(
        equity=account.equity, positions=tuple(positions.values()), open_orders=tuple(orders)
    )
    return Execution(fills=tuple(fills), account=snapshot, roles=roles)
