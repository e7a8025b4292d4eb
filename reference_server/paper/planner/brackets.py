"""Take profit and stop loss legs: which spec applies, its order type, and its prices from the entry."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reference_server.paper.planner.model import (
    BrokerCapabilities,
    OrderSide,
    StopLoss,
    StopLossType,
    SubscriptionSettings,
    TakeProfit,
)
from reference_server.paper.planner.prices import Pricing, direction, offset, require, trailing_stop
from reference_server.paper.planner.reasons import ORDER_TYPE_UNSUPPORTED, Rejected
from reference_server.paper.planner.signal import SignalView


def take_profit_spec(view: SignalView, settings: SubscriptionSettings) -> TakeProfit | None:
    """The signal's take profit when the subscription uses it, else the subscription's default."""
    if settings.use_signal_take_profit and view.take_profit is not None:
        return view.take_profit
    return settings.take_profit


def stop_loss_spec(view: SignalView, settings: SubscriptionSettings) -> StopLoss | None:
    """The signal's stop loss when the subscription uses it, else the subscription's default."""
    if settings.use_signal_stop_loss and view.stop_loss is not None:
        return view.stop_loss
    return settings.stop_loss


def _fits(stop_type: StopLossType, spec: StopLoss) -> bool:
    """A trailing stop needs a trail value; a stop or stop limit needs a stop value."""
    return spec.has_trail if stop_type == "trailing_stop" else not spec.has_trail


def stop_loss_type(spec: StopLoss, settings: SubscriptionSettings) -> StopLossType:
    """The spec's type, else the subscription's when it fits the values sent, else a plain stop.

    The broker lacking the type falls back to the subscription's type, as orderType does; if that
    is missing too (or does not fit) the plan is rejected rather than placing a different protection.
    """
    if spec.type is not None and not _fits(spec.type, spec):
        raise ValueError(f"a {spec.type} stop loss cannot use these values: {spec}")
    default = settings.stop_loss_type
    wanted = spec.type or (default if _fits(default, spec) else "stop")
    supported = settings.broker.order_types
    if wanted in supported:
        return wanted
    if default in supported and _fits(default, spec):
        return default
    raise Rejected(ORDER_TYPE_UNSUPPORTED)


def take_profit_price(spec: TakeProfit, entry_side: OrderSide, entry_price: Decimal | None) -> Decimal:
    """Absolute, or relative to the entry: above it for a long entry, below for a short one."""
    if spec.limit_price is not None:
        return spec.limit_price
    return offset(require(entry_price), direction(entry_side), spec.amount, spec.percent)


@dataclass(frozen=True)
class StopLeg:
    """A planned stop loss: its order type and prices (stop_price is the initial stop of a trail)."""

    order_type: StopLossType
    pricing: Pricing


def stop_loss_leg(
    spec: StopLoss, stop_type: StopLossType, entry_side: OrderSide, entry_price: Decimal | None
) -> StopLeg:
    """Stop below a long entry, above a short one; a stop_limit without limitPrice limits at its stop."""
    exit_side: OrderSide = "sell" if entry_side == "buy" else "buy"
    if stop_type == "trailing_stop":
        trail = trailing_stop(require(entry_price), exit_side, spec.trail_amount, spec.trail_percent)
        return StopLeg(stop_type, trail)
    stop = spec.stop_price
    if stop is None:
        stop = offset(require(entry_price), direction(exit_side), spec.amount, spec.percent)
    limit = (
        (spec.limit_price if spec.limit_price is not None else stop) if stop_type == "stop_limit" else None
    )
    return StopLeg(stop_type, Pricing(limit_price=limit, stop_price=stop))


def take_profit_supported(broker: BrokerCapabilities) -> None:
    """A take profit is a limit order: reject when the broker has none."""
    if "limit" not in broker.order_types:
        raise Rejected(ORDER_TYPE_UNSUPPORTED)
