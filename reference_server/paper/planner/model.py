"""The planner's inputs and output: frozen dataclasses, prices and quantities as Decimal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

OrderSide = Literal["buy", "sell"]
PositionEffect = Literal["open", "close"]
OrderType = Literal["market", "limit", "stop", "stop_limit", "trailing_stop"]
TimeInForce = Literal["day", "gtc", "opg", "cls", "ioc", "fok"]
Role = Literal["entry", "exit", "take_profit", "stop_loss"]
AllowedSides = Literal["both", "bullish", "bearish", "none"]
SizingMethod = Literal["fixed_quantity", "dollar_amount", "risk_dollar_amount", "percent_of_equity"]
StopLossType = Literal["stop", "stop_limit", "trailing_stop"]
AssetClass = Literal["stocks", "options", "futures", "crypto"]
OptionType = Literal["call", "put"]

ORDER_TYPES: frozenset[str] = frozenset(get_args(OrderType))
TIMES_IN_FORCE: frozenset[str] = frozenset(get_args(TimeInForce))
ALL_DAYS: frozenset[int] = frozenset(range(7))  # datetime.weekday(): Monday 0 ... Sunday 6
# Standard equity option contracts deliver 100 shares: dollar sizing divides by price x 100.
OPTION_MULTIPLIER = Decimal(100)


@dataclass(frozen=True)
class TradingWindow:
    """Trading allowed from `start` (inclusive) to `end` (exclusive) local time on `days`."""

    timezone: str
    start: time
    end: time
    days: frozenset[int] = ALL_DAYS

    def __post_init__(self) -> None:
        """Reject unknown zones, empty windows and impossible weekdays."""
        ZoneInfo(self.timezone)  # raises ZoneInfoNotFoundError for a zone that does not exist
        if self.start == self.end:
            raise ValueError("a window from T inclusive to T exclusive is empty")
        if not self.days or not self.days <= ALL_DAYS:
            raise ValueError(f"days must be weekdays 0-6, not {sorted(self.days)}")


@dataclass(frozen=True)
class BrokerCapabilities:
    """What the connected broker can do."""

    supports_quotes: bool = True
    order_types: frozenset[str] = ORDER_TYPES
    time_in_force: frozenset[str] = TIMES_IN_FORCE
    fractional: bool = False
    fractional_places: int = 6  # fractional quantities are rounded down to this many decimals


@dataclass(frozen=True)
class Sizing:
    """The subscription's position sizing: a method and its value (units, dollars or percent)."""

    method: SizingMethod
    value: Decimal

    def __post_init__(self) -> None:
        """The value must be positive."""
        if self.value <= 0:
            raise ValueError("sizing value must be positive")


@dataclass(frozen=True)
class TakeProfit:
    """A take profit: exactly one of an absolute limit price, a percent or an amount from entry."""

    limit_price: Decimal | None = None
    percent: Decimal | None = None
    amount: Decimal | None = None

    def __post_init__(self) -> None:
        """Exactly one kind, as the main document requires."""
        if sum(v is not None for v in (self.limit_price, self.percent, self.amount)) != 1:
            raise ValueError("a take profit has exactly one of limit_price, percent, amount")


@dataclass(frozen=True)
class StopLoss:
    """A stop loss: a type (None: the subscription's) and an absolute, relative or trailing value."""

    type: StopLossType | None = None
    percent: Decimal | None = None
    amount: Decimal | None = None
    stop_price: Decimal | None = None
    limit_price: Decimal | None = None
    trail_amount: Decimal | None = None
    trail_percent: Decimal | None = None

    def __post_init__(self) -> None:
        """A stop loss needs a value to place its stop."""
        values = (self.percent, self.amount, self.stop_price, self.trail_amount, self.trail_percent)
        if all(v is None for v in values):
            raise ValueError("a stop loss needs percent, amount, stop_price or a trail value")

    @property
    def has_trail(self) -> bool:
        """Whether a trail amount or percent is set."""
        return self.trail_amount is not None or self.trail_percent is not None


@dataclass(frozen=True)
class SubscriptionSettings:
    """Every strategy-subscription setting the planner reads, with conservative defaults."""

    use_signal_quantity: bool = False
    use_signal_order_type_entries: bool = False
    use_signal_order_type_exits: bool = False
    use_signal_time_in_force_entries: bool = False
    use_signal_time_in_force_exits: bool = False
    use_signal_take_profit: bool = False
    use_signal_stop_loss: bool = False
    allow_signal_quantity_type_override: bool = False
    allow_add_to_position: bool = False
    allowed_sides: AllowedSides = "both"
    cancel_open_orders: bool = True
    entry_order_type: OrderType = "market"
    exit_order_type: OrderType = "market"
    entry_time_in_force: TimeInForce = "day"
    exit_time_in_force: TimeInForce = "day"
    sizing: Sizing | None = None  # None: one unit per entry
    fractional: bool = False  # effective only when the broker trades fractions too
    take_profit: TakeProfit | None = None
    stop_loss: StopLoss | None = None
    stop_loss_type: StopLossType = "stop"  # for stop losses that name no type
    trading_windows: tuple[TradingWindow, ...] = ()  # empty: always open
    allow_exits_outside_windows: bool = False
    allow_cancels_outside_windows: bool = False
    option_type: OptionType | None = None  # options on an underlying's signals: None, the signal decides
    broker: BrokerCapabilities = field(default_factory=BrokerCapabilities)

    def __post_init__(self) -> None:
        """Default order types must be placeable without signal values."""
        if "trailing_stop" in (self.entry_order_type, self.exit_order_type):
            raise ValueError("a default order type cannot be trailing_stop: it has no trail value")


@dataclass(frozen=True)
class Instrument:
    """What is traded: symbol, asset class, option type of an option, contract multiplier."""

    symbol: str
    asset_class: AssetClass
    option_type: OptionType | None = None
    multiplier: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        """Options need their type: puts invert buy and sell."""
        if (self.asset_class == "options") != (self.option_type is not None):
            raise ValueError("option_type is required for options and only for options")
        if self.multiplier <= 0:
            raise ValueError("multiplier must be positive")

    @property
    def is_put(self) -> bool:
        """Whether the signal's buy and sell are inverted for this instrument."""
        return self.option_type == "put"


@dataclass(frozen=True)
class Position:
    """An open position: quantity > 0 long, < 0 short."""

    symbol: str
    quantity: Decimal
    avg_price: Decimal | None = None


@dataclass(frozen=True)
class OpenOrder:
    """A working order at the broker."""

    id: str
    symbol: str
    side: OrderSide
    quantity: Decimal
    order_type: OrderType = "market"
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None


@dataclass(frozen=True)
class AccountSnapshot:
    """The account as the broker reported it just before planning."""

    equity: Decimal | None = None
    positions: tuple[Position, ...] = ()
    open_orders: tuple[OpenOrder, ...] = ()

    def position_quantity(self, symbol: str) -> Decimal:
        """The signed net quantity held in `symbol` (0 when flat)."""
        return sum((p.quantity for p in self.positions if p.symbol == symbol), Decimal(0))

    def open_order_ids(self, symbol: str) -> tuple[str, ...]:
        """Ids of the working orders for `symbol`, in snapshot order."""
        return tuple(o.id for o in self.open_orders if o.symbol == symbol)


@dataclass(frozen=True)
class Quote:
    """The latest quote; any part may be missing."""

    bid: Decimal | None = None
    ask: Decimal | None = None
    last: Decimal | None = None

    @property
    def midpoint(self) -> Decimal | None:
        """Midpoint of bid and ask (the documented market-order estimate), else the last price."""
        if self.bid is not None and self.ask is not None and self.bid > 0 and self.ask > 0:
            return (self.bid + self.ask) / 2
        return self.last if self.last is not None and self.last > 0 else None


_INSTRUCTIONS = {
    ("buy", "open"): "buy",
    ("sell", "close"): "sell",
    ("sell", "open"): "sell_short",
    ("buy", "close"): "buy_to_cover",
}


@dataclass(frozen=True)
class Order:
    """One order to send; `stop_price` of a trailing stop is its initial stop."""

    symbol: str
    side: OrderSide
    position_effect: PositionEffect
    quantity: Decimal
    order_type: OrderType
    time_in_force: TimeInForce
    role: Role
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    trail_amount: Decimal | None = None
    trail_percent: Decimal | None = None
    extended_hours: bool = False

    def __post_init__(self) -> None:
        """Orders always have a positive quantity."""
        if self.quantity <= 0:
            raise ValueError(f"order quantity must be positive, not {self.quantity}")

    @property
    def instruction(self) -> str:
        """The stock-style instruction: buy, sell, sell_short or buy_to_cover."""
        return _INSTRUCTIONS[(self.side, self.position_effect)]

    @property
    def signed_quantity(self) -> Decimal:
        """The change the order makes to the position when filled."""
        return self.quantity if self.side == "buy" else -self.quantity


NoteValue = str | Decimal | bool | dict[str, Any] | None


@dataclass(frozen=True)
class Note:
    """Where the plan used something other than what the signal asked, and what decided it.

    `field` is the signal field (`quantityType`, `stopLoss.type`), or the plan step (`entry`, `exit`,
    `cancel`) a gate left out; `asked` what the signal asked, `used` what the plan used instead (None:
    nothing); `setting` the subscription setting or broker capability that decided (`broker.order_types`),
    None when a rule of the spec did.
    """

    field: str
    asked: NoteValue
    used: NoteValue
    setting: str | None
    message: str


@dataclass(frozen=True)
class Plan:
    """What to do for one signal: cancels, then an exit, then an entry with its brackets; or a rejection."""

    cancel_order_ids: tuple[str, ...] = ()
    exit: Order | None = None
    entry: Order | None = None
    take_profit: Order | None = None
    stop_loss: Order | None = None
    rejection: str | None = None
    notes: tuple[Note, ...] = ()

    def __post_init__(self) -> None:
        """A plan either rejects or acts, never both; brackets need an entry."""
        if self.rejection is not None and (self.cancel_order_ids or self.orders):
            raise ValueError("a rejected plan has no cancels and no orders")
        if self.entry is None and (self.take_profit or self.stop_loss):
            raise ValueError("take profit and stop loss need an entry")

    @property
    def orders(self) -> tuple[Order, ...]:
        """The orders in submission order: exit, entry, take profit, stop loss."""
        parts = (self.exit, self.entry, self.take_profit, self.stop_loss)
        return tuple(o for o in parts if o is not None)

    @property
    def is_rejected(self) -> bool:
        """Whether the signal was rejected."""
        return self.rejection is not None
