"""The three steps of a trade: whether to cancel open orders, what to exit, what to enter.

Everything here is in the traded contract's terms: for puts the caller has already inverted the
signal (buy sells puts to open, sell buys them), so "buy" always means a buy order on the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from reference_server.paper.planner.model import OrderSide, SubscriptionSettings
from reference_server.paper.planner.reasons import NO_POSITION, NOTHING_TO_DO, POSITION_EXISTS
from reference_server.paper.planner.signal import SignalView

ExitKind = Literal["full", "partial"]
_DIRECTION = {"buy": 1, "sell": -1}
_SENTIMENT_OF = {"buy": "bullish", "sell": "bearish"}


@dataclass(frozen=True)
class Intent:
    """What a signal asks for before prices and quantities: the reason explains what it lacks."""

    cancel: bool = False
    exit: ExitKind | None = None
    entry: OrderSide | None = None
    reason: str | None = None


def side_of(held: Decimal) -> OrderSide:
    """The order side that opens more of a position: buy for a long, sell for a short."""
    return "buy" if held > 0 else "sell"


def wants_cancel(view: SignalView, held: Decimal, settings: SubscriptionSettings) -> bool:
    """Cancel open orders for the ticker: action cancel; else the signal's cancel flag; else the setting.

    The setting cancels when there is no position or it is on the opposite side of a buy or sell
    (FACTS.md). An exit with a position keeps orders (the document sends cancel: true for that), and an
    add never cancels by default since it needs a position on its own side.
    """
    if view.action == "cancel":
        return True
    if view.cancel is not None:
        return view.cancel
    if not settings.cancel_open_orders or view.action == "add":
        return False
    return held == 0 or held * _DIRECTION.get(view.action, 0) < 0


def _signal_exit(view: SignalView, settings: SubscriptionSettings) -> ExitKind:
    """Partial when the signal's quantity counts (use_signal_quantity), else the full position."""
    return "partial" if settings.use_signal_quantity and view.quantity is not None else "full"


def _buy_or_sell(view: SignalView, held: Decimal, settings: SubscriptionSettings) -> Intent:
    """buy/sell: exit an opposite position, then enter; a sentiment on the far side keeps that side."""
    side: OrderSide = view.action  # type: ignore[assignment]
    keeps_other_side = view.sentiment is not None and view.sentiment != _SENTIMENT_OF[side]
    if held * _DIRECTION[side] < 0:
        if keeps_other_side:  # short 10, buy 5 bearish: cover 5, stay short
            return Intent(exit=_signal_exit(view, settings))
        return Intent(exit="full", entry=side)
    if keeps_other_side:  # a bearish buy with no short to cover
        return Intent(reason=NO_POSITION if held == 0 else NOTHING_TO_DO)
    if held == 0 or settings.allow_add_to_position:
        return Intent(entry=side)
    return Intent(reason=POSITION_EXISTS)


def _trade(view: SignalView, held: Decimal, settings: SubscriptionSettings) -> Intent:
    """The exit and entry of any action but cancel."""
    if view.sentiment == "flat" or view.action in ("exit", "add"):
        if held == 0:
            return Intent(reason=NO_POSITION)
        if view.sentiment == "flat":  # whatever the quantity, flat means flat
            return Intent(exit="full")
        if view.action == "exit":
            return Intent(exit=_signal_exit(view, settings))
        return Intent(entry=side_of(held))  # add: regardless of allow_add_to_position
    return _buy_or_sell(view, held, settings)


def decide(view: SignalView, held: Decimal, settings: SubscriptionSettings) -> Intent:
    """The intent of a signal (contract terms) against a signed position `held`."""
    cancel = wants_cancel(view, held, settings)
    if view.action == "cancel":
        return Intent(cancel=cancel, reason=NOTHING_TO_DO)  # nothing to do when no order is open
    return replace(_trade(view, held, settings), cancel=cancel)
