"""A typed view of a normalized signal (webhook_spec.validate_body output), numbers as Decimal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from reference_server.paper.planner.model import OrderType, StopLoss, TakeProfit, TimeInForce

Action = Literal["buy", "sell", "exit", "cancel", "add"]
Sentiment = Literal["bullish", "bearish", "flat"]

_OPPOSITE_ACTION = {"buy": "sell", "sell": "buy"}
_OPPOSITE_SENTIMENT = {"bullish": "bearish", "bearish": "bullish"}


def to_decimal(value: int | float | str | Decimal | None) -> Decimal | None:
    """Decimal of a JSON number via its shortest text, so 0.1 stays 0.1; None stays None."""
    return None if value is None else Decimal(str(value))


def _take_profit(raw: Mapping[str, Any] | None) -> TakeProfit | None:
    if raw is None:
        return None
    return TakeProfit(
        limit_price=to_decimal(raw.get("limitPrice")),
        percent=to_decimal(raw.get("percent")),
        amount=to_decimal(raw.get("amount")),
    )


# The signal's stopLoss numbers, by the StopLoss field each fills.
_STOP_LOSS_NUMBERS = {
    "percent": "percent",
    "amount": "amount",
    "stop_price": "stopPrice",
    "limit_price": "limitPrice",
    "trail_amount": "trailAmount",
    "trail_percent": "trailPercent",
}


def _stop_loss(raw: Mapping[str, Any] | None) -> StopLoss | None:
    if raw is None:
        return None
    numbers = {field: to_decimal(raw.get(name)) for field, name in _STOP_LOSS_NUMBERS.items()}
    return StopLoss(type=raw.get("type"), **numbers)


@dataclass(frozen=True)
class SignalView:
    """The fields of a signal the planner reads."""

    action: Action
    sentiment: Sentiment | None = None
    quantity: Decimal | None = None
    quantity_type: str | None = None
    order_type: OrderType | None = None
    time_in_force: TimeInForce | None = None
    signal_price: Decimal | None = None
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    trail_amount: Decimal | None = None
    trail_percent: Decimal | None = None
    extended_hours: bool = False
    ignore_trading_windows: bool = False
    cancel: bool | None = None
    take_profit: TakeProfit | None = None
    stop_loss: StopLoss | None = None

    @classmethod
    def of(cls, signal: Mapping[str, Any]) -> SignalView:
        """Read a normalized signal dict (canonical names, numbers, no aliases)."""
        return cls(
            action=signal["action"],
            sentiment=signal.get("sentiment"),
            quantity=to_decimal(signal.get("quantity")),
            quantity_type=signal.get("quantityType"),
            order_type=signal.get("orderType"),
            time_in_force=signal.get("timeInForce"),
            signal_price=to_decimal(signal.get("signalPrice")),
            limit_price=to_decimal(signal.get("limitPrice")),
            stop_price=to_decimal(signal.get("stopPrice")),
            trail_amount=to_decimal(signal.get("trailAmount")),
            trail_percent=to_decimal(signal.get("trailPercent")),
            extended_hours=bool(signal.get("extendedHours", False)),
            ignore_trading_windows=bool(signal.get("ignoreTradingWindows", False)),
            cancel=signal.get("cancel"),
            take_profit=_take_profit(signal.get("takeProfit")),
            stop_loss=_stop_loss(signal.get("stopLoss")),
        )

    def inverted(self) -> SignalView:
        """The signal in put-contract terms: buy and sell swap, bullish and bearish swap."""
        action = _OPPOSITE_ACTION.get(self.action, self.action)
        sentiment = _OPPOSITE_SENTIMENT.get(self.sentiment or "", self.sentiment)
        return replace(self, action=action, sentiment=sentiment)  # type: ignore[arg-type]
