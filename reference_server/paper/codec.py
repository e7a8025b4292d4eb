"""Every conversion between the planner's model and JSON or SQLite rows, with keyword arguments.

In: subscription settings, quotes, positions and open orders from the control API's JSON or the paper
tables' rows. Out: rows for the paper tables, and plans, orders, accounts and trades as JSON.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import fields, replace
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from reference_server.paper.instruments import traded_symbol
from reference_server.paper.planner import (
    AccountSnapshot,
    BrokerCapabilities,
    Instrument,
    Note,
    OpenOrder,
    Order,
    Plan,
    Position,
    Quote,
    Sizing,
    StopLoss,
    SubscriptionSettings,
    TakeProfit,
    TradingWindow,
)
from reference_server.paper.planner.model import OrderType, TimeInForce

if TYPE_CHECKING:
    from reference_server.paper.broker import Fill


class InvalidMember(ValueError):
    """A member of the control API's JSON that its schema lets through and the paper broker cannot
    take; `path` leads to it from the object converted (DECISIONS D-080)."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path

    def within(self, *outer: str | int) -> InvalidMember:
        """The same problem, its path led to from an enclosing object."""
        return InvalidMember((*outer, *self.path), str(self))


def decimal(value: Any) -> Decimal | None:
    """A JSON number (or numeric text) as a Decimal; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None


def text(value: Decimal | None) -> str | None:
    """A Decimal as the text a row holds; None stays None."""
    return None if value is None else str(value)


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: an int when whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _decimals(data: Mapping[str, Any], names: dict[str, str]) -> dict[str, Decimal | None]:
    return {field: decimal(data.get(key)) for key, field in names.items() if key in data}


def _zone(name: str) -> str:
    """An IANA time zone name; InvalidMember names the closest one when it is unknown."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(name, available_timezones(), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise InvalidMember(("timezone",), f"unknown time zone '{name}'{hint}") from None
    return name


def _window(data: dict[str, Any]) -> TradingWindow:
    days = frozenset(data["days"]) if "days" in data else frozenset(range(7))
    timezone = _zone(data["timezone"])
    try:
        return TradingWindow(
            timezone=timezone,
            start=time.fromisoformat(data["start"]),
            end=time.fromisoformat(data["end"]),
            days=days,
        )
    except ValueError as error:
        raise InvalidMember((), str(error)) from None


def _windows(items: list[dict[str, Any]]) -> tuple[TradingWindow, ...]:
    windows = []
    for index, item in enumerate(items):
        try:
            windows.append(_window(item))
        except InvalidMember as error:
            raise error.within(index) from None
    return tuple(windows)


def _broker(data: dict[str, Any]) -> BrokerCapabilities:
    values: dict[str, Any] = {
        key: data[key] for key in ("supports_quotes", "fractional", "fractional_places") if key in data
    }
    for key in ("order_types", "time_in_force"):
        if key in data:
            values[key] = frozenset(data[key])
    return BrokerCapabilities(**values)


_STOP_LOSS_KEYS = {
    "percent": "percent",
    "amount": "amount",
    "stop_price": "stop_price",
    "limit_price": "limit_price",
    "trail_amount": "trail_amount",
    "trail_percent": "trail_percent",
}
_NESTED = {
    "sizing": lambda d: Sizing(method=d["method"], value=decimal(d["value"])),
    "take_profit": lambda d: TakeProfit(
        **_decimals(d, {"limit_price": "limit_price", "percent": "percent", "amount": "amount"})
    ),
    "stop_loss": lambda d: StopLoss(type=d.get("type"), **_decimals(d, _STOP_LOSS_KEYS)),
    "trading_windows": _windows,
    "broker": _broker,
}


def settings_from_json(data: dict[str, Any]) -> SubscriptionSettings:
    """Subscription settings from the control API's SETTINGS object; InvalidMember says what is wrong
    and where."""
    known = {field.name for field in fields(SubscriptionSettings)}
    for name in sorted(set(data) - known):
        raise InvalidMember((name,), "is not a subscription setting")
    values = {}
    for key, value in data.items():
        convert = _NESTED.get(key)
        try:
            values[key] = value if convert is None or value is None else convert(value)
        except InvalidMember as error:
            raise error.within(key) from None
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidMember((key,), str(error)) from None
    try:
        return SubscriptionSettings(**values)
    except ValueError as error:
        raise InvalidMember((), str(error)) from None


def _members_json(value: TakeProfit | StopLoss | None) -> dict[str, Any] | None:
    """A take profit or stop loss setting: the members it has."""
    if value is None:
        return None
    members = {f.name: getattr(value, f.name) for f in fields(value)}
    return {name: number(v) if isinstance(v, Decimal) else v for name, v in members.items() if v is not None}


def _window_json(window: TradingWindow) -> dict[str, Any]:
    return {
        "timezone": window.timezone,
        "start": window.start.strftime("%H:%M"),
        "end": window.end.strftime("%H:%M"),
        "days": sorted(window.days),
    }


def _in_order(values: frozenset[str], order: tuple[str, ...]) -> list[str]:
    return [value for value in order if value in values]


def _broker_json(broker: BrokerCapabilities) -> dict[str, Any]:
    return {
        "supports_quotes": broker.supports_quotes,
        "order_types": _in_order(broker.order_types, get_args(OrderType)),
        "time_in_force": _in_order(broker.time_in_force, get_args(TimeInForce)),
        "fractional": broker.fractional,
        "fractional_places": broker.fractional_places,
    }


_NESTED_JSON: dict[str, Callable[[Any], Any]] = {
    "sizing": lambda sizing: {"method": sizing.method, "value": number(sizing.value)},
    "take_profit": _members_json,
    "stop_loss": _members_json,
    "trading_windows": lambda windows: [_window_json(window) for window in windows],
    "broker": _broker_json,
}


def settings_json(settings: SubscriptionSettings) -> dict[str, Any]:
    """Every setting of a subscription, defaults filled in, in the control API's SETTINGS shape."""
    values = {}
    for field in fields(SubscriptionSettings):
        value, convert = getattr(settings, field.name), _NESTED_JSON.get(field.name)
        values[field.name] = value if convert is None or value is None else convert(value)
    return values


def quote_from(data: Mapping[str, Any]) -> Quote:
    """A quote from the control API's {bid, ask, last} or a quotes row; a part left out is None."""
    return Quote(**_decimals(data, {"bid": "bid", "ask": "ask", "last": "last"}))


def position_from(data: Mapping[str, Any]) -> Position:
    """A position from the control API's JSON or a positions row (avg_price may be left out)."""
    return Position(
        symbol=traded_symbol(data["symbol"]),
        quantity=decimal(data["quantity"]),
        avg_price=decimal(data.get("avg_price")),
    )


def open_order_from(data: Mapping[str, Any], default_id: str | None = None) -> OpenOrder:
    """A working order from the control API's JSON (id, order_type and prices may be left out) or an
    open_orders row."""
    return OpenOrder(
        id=data.get("id") or default_id,
        symbol=traded_symbol(data["symbol"]),
        side=data["side"],
        quantity=decimal(data["quantity"]),
        order_type=data.get("order_type", "market"),
        limit_price=decimal(data.get("limit_price")),
        stop_price=decimal(data.get("stop_price")),
    )


def _check_symbols(
    part: str, items: list[dict[str, Any]], converted: tuple[Position | OpenOrder, ...], *, unique: bool
) -> None:
    """InvalidMember at the first symbol that normalizes to nothing, or (when `unique`) to the symbol of
    an earlier item: an account holds one position per symbol."""
    first: dict[str, int] = {}
    for index, (item, value) in enumerate(zip(items, converted, strict=True)):
        if not value.symbol:
            raise InvalidMember(
                (part, index, "symbol"), f"{item['symbol']!r} is blank: a symbol needs a character"
            )
        earlier = first.setdefault(value.symbol, index)
        if unique and earlier != index:
            message = (
                f"{item['symbol']!r} is the symbol {value.symbol!r} of position {earlier} already"
                " (symbols are trimmed and upper-cased); an account holds one position per symbol"
            )
            raise InvalidMember((part, index, "symbol"), message)


def account_from(data: Mapping[str, Any], account: AccountSnapshot) -> AccountSnapshot:
    """`account` with the parts the control API's JSON gives (equity, positions, open_orders) replaced."""
    parts: dict[str, Any] = {}
    if "equity" in data:
        parts["equity"] = decimal(data["equity"])
    if "positions" in data:
        positions = tuple(position_from(item) for item in data["positions"])
        _check_symbols("positions", data["positions"], positions, unique=True)
        parts["positions"] = positions
    if "open_orders" in data:
        orders = tuple(open_order_from(item, f"ord-{i}") for i, item in enumerate(data["open_orders"]))
        _check_symbols("open_orders", data["open_orders"], orders, unique=False)
        first: dict[str, int] = {}
        for index, order in enumerate(orders):
            if first.setdefault(order.id, index) != index:
                message = f"the id '{order.id}' is open order {first[order.id]}'s already"
                raise InvalidMember(("open_orders", index, "id"), message)
        parts["open_orders"] = orders
    return replace(account, **parts)


# Out: the fields of a position, an open order and a quote, their numbers as JSON numbers or row text.
Numbers = Callable[[Decimal | None], Any]


def _position(position: Position, numbers: Numbers) -> dict[str, Any]:
    return {
        "symbol": position.symbol,
        "quantity": numbers(position.quantity),
        "avg_price": numbers(position.avg_price),
    }


def _open_order(order: OpenOrder, numbers: Numbers) -> dict[str, Any]:
    return {
        "id": order.id,
        "symbol": order.symbol,
        "side": order.side,
        "quantity": numbers(order.quantity),
        "order_type": order.order_type,
        "limit_price": numbers(order.limit_price),
        "stop_price": numbers(order.stop_price),
    }


def _quote(symbol: str, quote: Quote, numbers: Numbers) -> dict[str, Any]:
    return {
        "symbol": symbol,
        "bid": numbers(quote.bid),
        "ask": numbers(quote.ask),
        "last": numbers(quote.last),
    }


def position_row(account_id: str, position: Position) -> dict[str, Any]:
    """A positions row."""
    return {"account_id": account_id, **_position(position, text)}


def open_order_row(account_id: str, seq: int, order: OpenOrder, role: str | None) -> dict[str, Any]:
    """An open_orders row: `seq` keeps the account's orders in order, `role` says what the order is for."""
    return {**_open_order(order, text), "account_id": account_id, "seq": seq, "role": role}


def quote_row(symbol: str, quote: Quote) -> dict[str, Any]:
    """A quotes row."""
    return _quote(symbol, quote, text)


def quote_json(symbol: str, quote: Quote) -> dict[str, Any]:
    """A symbol's quote, as the control API shows it."""
    return _quote(symbol, quote, number)


def position_json(position: Position) -> dict[str, Any]:
    """A position: quantity negative when short."""
    return _position(position, number)


def open_order_json(order: OpenOrder, role: str | None) -> dict[str, Any]:
    """A working order at the paper broker."""
    return {**_open_order(order, number), "role": role}


def order_json(order: Order | None) -> dict[str, Any] | None:
    """An order to send, as the control API shows it."""
    if order is None:
        return None
    return {
        "symbol": order.symbol,
        "side": order.side,
        "position_effect": order.position_effect,
        "instruction": order.instruction,
        "quantity": number(order.quantity),
        "order_type": order.order_type,
        "time_in_force": order.time_in_force,
        "role": order.role,
        "limit_price": number(order.limit_price),
        "stop_price": number(order.stop_price),
        "trail_amount": number(order.trail_amount),
        "trail_percent": number(order.trail_percent),
        "extended_hours": order.extended_hours,
    }


def _note_value(value: Any) -> Any:
    """A note's asked or used value as JSON: numbers as numbers, members too."""
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, dict):
        return {name: _note_value(member) for name, member in value.items()}
    return value


def note_json(note: Note) -> dict[str, Any]:
    """A plan's note: the field, what was asked and used, the setting that decided, in words."""
    return {
        "field": note.field,
        "asked": _note_value(note.asked),
        "used": _note_value(note.used),
        "setting": note.setting,
        "message": note.message,
    }


def plan_json(plan: Plan) -> dict[str, Any]:
    """A plan, as the control API shows it."""
    return {
        "rejection": plan.rejection,
        "cancel_order_ids": list(plan.cancel_order_ids),
        "notes": [note_json(note) for note in plan.notes],
        "exit": order_json(plan.exit),
        "entry": order_json(plan.entry),
        "take_profit": order_json(plan.take_profit),
        "stop_loss": order_json(plan.stop_loss),
    }


def account_json(account_id: str, account: AccountSnapshot, roles: dict[str, str | None]) -> dict[str, Any]:
    """An account: equity, positions (flat ones left out) and open orders."""
    return {
        "id": account_id,
        "equity": number(account.equity),
        "positions": [position_json(p) for p in account.positions if p.quantity != 0],
        "open_orders": [open_order_json(o, roles.get(o.id)) for o in account.open_orders],
    }


def fill_json(fill: Fill, signal_price: Decimal | None) -> dict[str, Any]:
    """A fill at the paper broker, with its slippage against signalPrice (when the signal sent one)."""
    return {
        "role": fill.role,
        "symbol": fill.symbol,
        "side": fill.side,
        "quantity": number(fill.quantity),
        "price": number(fill.price),
        "slippage": _slippage(fill, signal_price),
    }


def _slippage(fill: Fill, signal_price: Decimal | None) -> int | float | None:
    """How much worse than signalPrice the fill was: paid more on a buy, received less on a sell."""
    if signal_price is None:
        return None
    return number(fill.price - signal_price if fill.side == "buy" else signal_price - fill.price)


def trade_json(
    instrument: Instrument | None,
    plan: Plan,
    fills: tuple[Fill, ...],
    account_id: str,
    account: AccountSnapshot,
    roles: dict[str, str | None],
    signal_price: Decimal | None,
) -> dict[str, Any]:
    """A trade's outcome as the control API shows it: instrument, plan, fills, and the account after."""
    described = None
    if instrument is not None:
        described = {
            "symbol": instrument.symbol,
            "asset_class": instrument.asset_class,
            "option_type": instrument.option_type,
        }
    return {
        "instrument": described,
        "plan": plan_json(plan),
        "fills": [fill_json(fill, signal_price) for fill in fills],
        "positions_after": [position_json(p) for p in account.positions if p.quantity != 0],
        "open_orders_after": account_json(account_id, account, roles)["open_orders"],
    }
