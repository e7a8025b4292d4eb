"""Trading windows: From inclusive, To exclusive, in each window's own time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from reference_server.paper.planner.model import TradingWindow


def in_window(window: TradingWindow, clock: datetime) -> bool:
    """Whether the aware `clock` falls inside `window`; a window past midnight belongs to its start day."""
    local = clock.astimezone(ZoneInfo(window.timezone))
    now, day = local.time(), local.weekday()
    if window.start < window.end:
        return day in window.days and window.start <= now < window.end
    # Overnight (e.g. 18:00-02:00): the evening part is its own day, the morning part the day before's.
    return (day in window.days and now >= window.start) or ((day - 1) % 7 in window.days and now < window.end)


def windows_open(windows: Sequence[TradingWindow], clock: datetime) -> bool:
    """Whether trading is open: no windows configured, or the clock is inside one of them."""
    if clock.tzinfo is None or clock.utcoffset() is None:
        raise ValueError("the clock must be timezone-aware")
    return not windows or any(in_window(window, clock) for window in windows)
