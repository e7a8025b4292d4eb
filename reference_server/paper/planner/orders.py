"""Order settings: order type and time in force with their fallbacks, and extended hours."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from reference_server.paper.planner.model import Instrument, OrderType, SubscriptionSettings, TimeInForce
from reference_server.paper.planner.reasons import ORDER_TYPE_UNSUPPORTED, TIME_IN_FORCE_UNSUPPORTED, Rejected
from reference_server.paper.planner.signal import SignalView

Leg = Literal["entry", "exit"]
EXTENDED_HOURS_CLASSES = frozenset({"stocks", "options"})


def _choose(requested: str | None, default: str, supported: Collection[str], reason: str) -> str:
    """The requested value if the broker has it, else the default if it has that, else reject."""
    if requested is not None and requested in supported:
        return requested
    if default in supported:
        return default
    raise Rejected(reason)  # the document: "the order will be rejected by the broker"


def order_type_for(view: SignalView, settings: SubscriptionSettings, leg: Leg) -> OrderType:
    """The signal's orderType if "Use signal order type" is on for this leg, else the default."""
    use = settings.use_signal_order_type_entries if leg == "entry" else settings.use_signal_order_type_exits
    default = settings.entry_order_type if leg == "entry" else settings.exit_order_type
    requested = view.order_type if use else None
    return _choose(requested, default, settings.broker.order_types, ORDER_TYPE_UNSUPPORTED)  # type: ignore[return-value]


def time_in_force_for(view: SignalView, settings: SubscriptionSettings, leg: Leg) -> TimeInForce:
    """The signal's timeInForce if "Use signal time in force" is on for this leg, else the default."""
    if leg == "entry":
        use, default = settings.use_signal_time_in_force_entries, settings.entry_time_in_force
    else:
        use, default = settings.use_signal_time_in_force_exits, settings.exit_time_in_force
    requested = view.time_in_force if use else None
    return _choose(requested, default, settings.broker.time_in_force, TIME_IN_FORCE_UNSUPPORTED)  # type: ignore[return-value]


def extended_hours_for(view: SignalView, instrument: Instrument) -> bool:
    """extendedHours passes through on stock and option orders; other classes have no such session flag."""
    return view.extended_hours and instrument.asset_class in EXTENDED_HOURS_CLASSES
