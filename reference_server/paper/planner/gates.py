"""The gates between an intent and its orders: trading windows, then allowed sides."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from reference_server.paper.planner.intent import Intent
from reference_server.paper.planner.model import Instrument, Note, OrderSide, SubscriptionSettings
from reference_server.paper.planner.reasons import OUTSIDE_TRADING_WINDOW, SIDE_NOT_ALLOWED
from reference_server.paper.planner.signal import SignalView
from reference_server.paper.planner.windows import windows_open


def side_allowed(entry_side: OrderSide, instrument: Instrument, allowed: str) -> bool:
    """Whether the subscription trades this entry's view: a long put (buy) is a bearish entry."""
    view = "bullish" if (entry_side == "buy") != instrument.is_put else "bearish"
    return allowed == "both" or allowed == view


# The setting that lets each step through closed windows (entries: none, the windows themselves decide).
_WINDOW_SETTINGS = {
    "cancel": "allow_cancels_outside_windows",
    "exit": "allow_exits_outside_windows",
    "entry": "trading_windows",
}


def gate_windows(
    intent: Intent, view: SignalView, settings: SubscriptionSettings, clock: datetime
) -> tuple[Intent, tuple[Note, ...]]:
    """Outside the windows keep only exits and cancels the subscription exempts; entries never pass."""
    if windows_open(settings.trading_windows, clock) or view.ignore_trading_windows:
        return intent, ()
    kept = Intent(
        cancel=intent.cancel and settings.allow_cancels_outside_windows,
        exit=intent.exit if settings.allow_exits_outside_windows else None,
        reason=OUTSIDE_TRADING_WINDOW,  # outside the windows a rejection always names them
    )
    return kept, tuple(
        Note(name, asked, None, _WINDOW_SETTINGS[name], f"{name} omitted: {OUTSIDE_TRADING_WINDOW}")
        for name, asked, now in _parts(intent, kept)
        if asked is not None and not now
    )


def _parts(before: Intent, after: Intent) -> list[tuple[str, str | bool | None, bool]]:
    """Each step's name, what it was before a gate (None: not planned) and whether it is planned after."""
    return [
        ("cancel", True if before.cancel else None, after.cancel),
        ("exit", before.exit, after.exit is not None),
        ("entry", before.entry, after.entry is not None),
    ]


def gate_sides(intent: Intent, instrument: Instrument, allowed: str) -> tuple[Intent, tuple[Note, ...]]:
    """Drop an entry on a side the subscription does not trade; the exit before it still goes."""
    if intent.entry is None or side_allowed(intent.entry, instrument, allowed):
        return intent, ()
    message = f"entry omitted: {SIDE_NOT_ALLOWED} (allowed_sides {allowed})"
    note = Note("entry", intent.entry, None, "allowed_sides", message)
    return replace(intent, entry=None, reason=SIDE_NOT_ALLOWED), (note,)
