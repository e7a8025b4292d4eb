"""Trading windows: From inclusive, To exclusive, in the window's time zone, with their exemptions."""

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfoNotFoundError

import pytest

from reference_server.paper.planner import Instrument, SubscriptionSettings, TradingWindow, windows_open
from reference_server.paper.planner import reasons as R
from tests.planner import DEFAULT, brief, open_order, plan, signal

NEW_YORK_SESSION = TradingWindow("America/New_York", time(9, 30), time(16, 0), frozenset(range(5)))
WINDOWED = replace(DEFAULT, trading_windows=(NEW_YORK_SESSION,))
AFTER_HOURS = datetime(2025, 6, 18, 21, 0, tzinfo=UTC)  # Wednesday 17:00 in New York


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)


def test_a_window_opens_at_from_inclusive():
    assert windows_open((NEW_YORK_SESSION,), utc(2025, 6, 18, 13, 30))  # 09:30 EDT
    assert not windows_open((NEW_YORK_SESSION,), utc(2025, 6, 18, 13, 29, 59, 999999))


def test_a_window_closes_at_to_exclusive():
    assert windows_open((NEW_YORK_SESSION,), utc(2025, 6, 18, 19, 59, 59))
    assert not windows_open((NEW_YORK_SESSION,), utc(2025, 6, 18, 20, 0))  # 16:00 EDT


def test_a_window_is_read_in_its_own_time_zone_across_daylight_saving():
    assert windows_open((NEW_YORK_SESSION,), utc(2025, 1, 15, 14, 30))  # 09:30 EST
    assert not windows_open((NEW_YORK_SESSION,), utc(2025, 1, 15, 14, 29))
    assert windows_open((NEW_YORK_SESSION,), utc(2025, 6, 18, 13, 45))  # 09:45 EDT, 08:45 EST


def test_a_window_applies_only_on_its_days():
    assert not windows_open((NEW_YORK_SESSION,), utc(2025, 6, 21, 15, 0))  # Saturday


@pytest.mark.decision("D-039")
def test_an_overnight_window_belongs_to_the_day_it_starts():
    evening = TradingWindow("America/Chicago", time(17, 0), time(2, 0), frozenset({0}))  # Monday evening
    assert windows_open((evening,), utc(2025, 6, 16, 22, 0))  # Monday 17:00 CDT
    assert windows_open((evening,), utc(2025, 6, 17, 6, 59))  # Tuesday 01:59 CDT
    assert not windows_open((evening,), utc(2025, 6, 17, 7, 0))  # Tuesday 02:00 CDT
    assert not windows_open((evening,), utc(2025, 6, 17, 22, 0))  # Tuesday evening


def test_any_of_several_windows_opens_trading():
    lunch = TradingWindow("America/New_York", time(12, 0), time(13, 0))
    morning = TradingWindow("America/New_York", time(9, 30), time(11, 0))
    assert windows_open((morning, lunch), utc(2025, 6, 18, 16, 30))
    assert not windows_open((morning, lunch), utc(2025, 6, 18, 15, 30))


def test_no_windows_means_always_open():
    assert windows_open((), AFTER_HOURS)


def test_a_naive_clock_is_refused():
    with pytest.raises(ValueError):
        windows_open((NEW_YORK_SESSION,), datetime(2025, 6, 18, 12, 0))


def test_windows_refuse_empty_spans_unknown_zones_and_bad_days():
    with pytest.raises(ValueError):
        TradingWindow("UTC", time(9), time(9))
    with pytest.raises(ZoneInfoNotFoundError):
        TradingWindow("Mars/Olympus", time(9), time(10))
    with pytest.raises(ValueError):
        TradingWindow("UTC", time(9), time(10), frozenset({7}))


def test_a_signal_outside_the_windows_is_rejected():
    assert plan(signal("buy"), WINDOWED, clock=AFTER_HOURS).rejection == R.OUTSIDE_TRADING_WINDOW


def test_an_exit_outside_the_windows_is_rejected_by_default():
    assert plan(signal("exit"), WINDOWED, held=3, clock=AFTER_HOURS).rejection == R.OUTSIDE_TRADING_WINDOW


def test_ignore_trading_windows_lets_the_spy_exit_through():
    sig = {"ticker": "SPY", "action": "exit", "ignoreTradingWindows": True}
    result = plan(sig, WINDOWED, held=3, instrument=Instrument("SPY", "stocks"), clock=AFTER_HOURS)
    assert brief(result.exit) == ("sell", 3)


def test_ignore_trading_windows_lets_an_entry_through():
    assert brief(plan(signal("buy", ignoreTradingWindows=True), WINDOWED, clock=AFTER_HOURS).entry) == (
        "buy",
        1,
    )


def test_exits_outside_the_windows_with_allow_exits_outside_windows():
    settings = replace(WINDOWED, allow_exits_outside_windows=True)
    assert brief(plan(signal("exit"), settings, held=3, clock=AFTER_HOURS).exit) == ("sell", 3)
    assert brief(plan(signal("sell", sentiment="flat"), settings, held=3, clock=AFTER_HOURS).exit) == (
        "sell",
        3,
    )


def test_cancels_outside_the_windows_with_allow_cancels_outside_windows():
    orders = (open_order("a"),)
    assert (
        plan(signal("cancel"), WINDOWED, orders=orders, clock=AFTER_HOURS).rejection
        == R.OUTSIDE_TRADING_WINDOW
    )
    settings = replace(WINDOWED, allow_cancels_outside_windows=True)
    assert plan(signal("cancel"), settings, orders=orders, clock=AFTER_HOURS).cancel_order_ids == ("a",)


@pytest.mark.decision("D-039")
def test_a_reversal_outside_the_windows_exits_but_does_not_enter():
    settings = replace(WINDOWED, allow_exits_outside_windows=True)
    result = plan(signal("buy"), settings, held=-3, orders=(open_order("a"),), clock=AFTER_HOURS)
    assert (
        brief(result.exit) == ("buy_to_cover", 3) and result.entry is None and result.cancel_order_ids == ()
    )
    assert [(note.field, note.setting, note.message) for note in result.notes] == [
        ("cancel", "allow_cancels_outside_windows", "cancel omitted: outside-trading-window"),
        ("entry", "trading_windows", "entry omitted: outside-trading-window"),
    ]


def test_an_entry_outside_the_windows_is_rejected_even_when_exits_and_cancels_are_allowed():
    settings = replace(WINDOWED, allow_exits_outside_windows=True, allow_cancels_outside_windows=True)
    assert plan(signal("buy"), settings, clock=AFTER_HOURS).rejection == R.OUTSIDE_TRADING_WINDOW


def test_outside_the_windows_the_rejection_names_the_window_before_other_reasons():
    assert plan(signal("exit"), WINDOWED, clock=AFTER_HOURS).rejection == R.OUTSIDE_TRADING_WINDOW


def test_inside_the_window_signals_trade_normally():
    assert brief(plan(signal("buy"), WINDOWED, clock=utc(2025, 6, 18, 14, 30)).entry) == ("buy", 1)


def test_default_settings_have_no_windows():
    assert SubscriptionSettings().trading_windows == ()
