"""The trade planner: the three steps, sentiment, quantities, prices, brackets and order settings.

Numbers come from the main document (traderspost-webhooks.md) and FACTS.md wherever they give some.
"""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from reference_server.paper.planner import (
    REASONS,
    AccountSnapshot,
    BrokerCapabilities,
    Instrument,
    OpenOrder,
    Order,
    Plan,
    Position,
    Quote,
    Sizing,
    StopLoss,
    SubscriptionSettings,
    TakeProfit,
    plan_trade,
)
from reference_server.paper.planner import reasons as R

D = Decimal
NOW = datetime(2025, 6, 18, 14, 30, tzinfo=UTC)  # a Wednesday, 10:30 in New York
SQ = Instrument("SQ", "stocks")
MNQ = Instrument("MNQU2025", "futures")
NO_QUOTES = BrokerCapabilities(supports_quotes=False)
DEFAULT = SubscriptionSettings()
# A subscription that takes everything the signal says.
SIGNAL = SubscriptionSettings(
    use_signal_quantity=True,
    use_signal_order_type_entries=True,
    use_signal_order_type_exits=True,
    use_signal_time_in_force_entries=True,
    use_signal_time_in_force_exits=True,
    use_signal_take_profit=True,
    use_signal_stop_loss=True,
    allow_signal_quantity_type_override=True,
)
SIGNAL_NO_QUOTES = replace(SIGNAL, broker=NO_QUOTES)


def signal(action: str, **fields: Any) -> dict[str, Any]:
    """A normalized SQ signal."""
    return {"ticker": "SQ", "action": action, **fields}


def plan(
    sig: dict[str, Any],
    settings: SubscriptionSettings = DEFAULT,
    *,
    held: float | str = 0,
    instrument: Instrument = SQ,
    orders: tuple[OpenOrder, ...] = (),
    quote: Quote | None = None,
    equity: float | str | None = None,
    clock: datetime = NOW,
) -> Plan:
    """Plan `sig` against a position of `held` units of `instrument`."""
    positions = (Position(instrument.symbol, D(str(held))),) if D(str(held)) else ()
    account = AccountSnapshot(None if equity is None else D(str(equity)), positions, orders)
    return plan_trade(
        sig, instrument=instrument, settings=settings, account=account, quote=quote, clock=clock
    )


def open_order(order_id: str, symbol: str = "SQ") -> OpenOrder:
    """A working buy limit order."""
    return OpenOrder(order_id, symbol, "buy", D(1), "limit", limit_price=D(50))


def brief(order: Order | None) -> tuple[str, Decimal] | None:
    """(instruction, quantity) of an order."""
    return None if order is None else (order.instruction, order.quantity)


def quote(mid: float | str) -> Quote:
    """A one-cent-wide quote around `mid`."""
    m = D(str(mid))
    return Quote(m - D("0.01"), m + D("0.01"), m)


# --- buy, sell, exit, add: the three steps (FACTS.md "How a signal becomes orders") ---


def test_buy_with_no_position_buys_one_share_when_nothing_sizes_it():
    result = plan(signal("buy"))
    assert brief(result.entry) == ("buy", 1) and result.exit is None and result.rejection is None


def test_buy_while_short_buys_to_cover_the_whole_short_then_buys_long():
    result = plan(signal("buy"), held=-10)
    assert brief(result.exit) == ("buy_to_cover", 10)
    assert brief(result.entry) == ("buy", 1)
    assert [o.role for o in result.orders] == ["exit", "entry"]


def test_sell_while_long_sells_the_long_then_sells_short():
    result = plan(signal("sell"), held=10)
    assert brief(result.exit) == ("sell", 10) and brief(result.entry) == ("sell_short", 1)


def test_sell_with_no_position_sells_short():
    assert brief(plan(signal("sell")).entry) == ("sell_short", 1)


def test_repeated_buy_while_long_is_rejected_without_allow_add_to_position():
    assert plan(signal("buy"), held=5).rejection == R.POSITION_EXISTS


def test_repeated_sell_while_short_is_rejected_without_allow_add_to_position():
    assert plan(signal("sell"), held=-5).rejection == R.POSITION_EXISTS


def test_repeated_buy_while_long_adds_with_allow_add_to_position():
    result = plan(signal("buy"), replace(DEFAULT, allow_add_to_position=True), held=5)
    assert brief(result.entry) == ("buy", 1) and result.exit is None


def test_add_adds_to_a_long_regardless_of_allow_add_to_position():
    assert brief(plan(signal("add"), held=5).entry) == ("buy", 1)


def test_add_adds_to_a_short_with_a_sell_to_open():
    assert brief(plan(signal("add"), held=-5).entry) == ("sell_short", 1)


def test_add_with_no_position_is_rejected_no_position():
    assert plan(signal("add"), orders=(open_order("a"),)).rejection == R.NO_POSITION


def test_exit_sells_a_whole_long_position():
    result = plan(signal("exit"), held=7)
    assert brief(result.exit) == ("sell", 7) and result.entry is None


def test_exit_buys_to_cover_a_whole_short_position():
    assert brief(plan(signal("exit"), held=-7).exit) == ("buy_to_cover", 7)


def test_exit_with_no_position_and_no_open_orders_is_rejected_no_position():
    assert plan(signal("exit")).rejection == R.NO_POSITION


def test_exit_with_no_position_still_cancels_the_open_orders():
    result = plan(signal("exit"), orders=(open_order("a"),))
    assert result.cancel_order_ids == ("a",) and result.orders == () and result.rejection is None


# --- cancelling open orders ---


def test_cancel_action_cancels_every_open_order_for_the_ticker_and_no_other():
    orders = (open_order("a"), open_order("b", "AMD"), open_order("c"))
    result = plan(signal("cancel"), held=5, orders=orders)
    assert result.cancel_order_ids == ("a", "c") and result.orders == ()


def test_cancel_action_with_no_open_orders_is_rejected_nothing_to_do():
    assert plan(signal("cancel"), orders=(open_order("b", "AMD"),)).rejection == R.NOTHING_TO_DO


def test_buy_with_no_position_cancels_open_orders_first():
    result = plan(signal("buy"), orders=(open_order("a"),))
    assert result.cancel_order_ids == ("a",) and result.entry is not None


def test_buy_while_short_cancels_open_orders_since_the_position_is_on_the_opposite_side():
    assert plan(signal("buy"), held=-3, orders=(open_order("a"),)).cancel_order_ids == ("a",)


def test_buy_while_long_keeps_open_orders_since_the_position_is_on_the_same_side():
    settings = replace(DEFAULT, allow_add_to_position=True)
    assert plan(signal("buy"), settings, held=3, orders=(open_order("a"),)).cancel_order_ids == ()


def test_exit_with_a_position_keeps_open_orders_unless_cancel_is_true():
    orders = (open_order("a"),)
    assert plan(signal("exit"), held=3, orders=orders).cancel_order_ids == ()
    assert plan(signal("exit", cancel=True), held=3, orders=orders).cancel_order_ids == ("a",)


def test_cancel_false_keeps_open_orders_although_the_subscription_cancels():
    result = plan(signal("buy", cancel=False), orders=(open_order("a"),))
    assert result.cancel_order_ids == () and result.entry is not None


def test_disable_cancelling_open_orders_keeps_them():
    settings = replace(DEFAULT, cancel_open_orders=False)
    assert plan(signal("buy"), settings, orders=(open_order("a"),)).cancel_order_ids == ()


def test_cancel_true_cancels_although_the_subscription_does_not():
    settings = replace(DEFAULT, cancel_open_orders=False)
    assert plan(signal("sell", cancel=True), settings, orders=(open_order("a"),)).cancel_order_ids == ("a",)


@pytest.mark.decision("D-033")
def test_add_never_cancels_by_default():
    assert plan(signal("add"), held=2, orders=(open_order("a"),)).cancel_order_ids == ()


def test_a_cancel_alone_makes_a_plan_even_when_the_entry_is_refused():
    result = plan(signal("buy", cancel=True), held=3, orders=(open_order("a"),))
    assert result.cancel_order_ids == ("a",) and result.orders == () and result.rejection is None


# --- sentiment ---


def test_sell_sentiment_flat_exits_a_long_without_entering_short():
    result = plan(signal("sell", sentiment="flat"), held=10)
    assert brief(result.exit) == ("sell", 10) and result.entry is None


def test_buy_sentiment_flat_exits_a_short_without_entering_long():
    result = plan(signal("buy", sentiment="flat"), held=-10)
    assert brief(result.exit) == ("buy_to_cover", 10) and result.entry is None


def test_sentiment_flat_exits_the_full_position_whatever_quantity_is_sent():
    result = plan(signal("sell", sentiment="flat", quantity=2), SIGNAL, held=10)
    assert brief(result.exit) == ("sell", 10)


def test_sentiment_flat_always_flattens_even_on_the_same_side():
    assert brief(plan(signal("buy", sentiment="flat"), held=4).exit) == ("sell", 4)


def test_sentiment_flat_with_no_position_is_rejected_no_position():
    assert plan(signal("sell", sentiment="flat")).rejection == R.NO_POSITION


def test_short_10_buy_quantity_5_bearish_buys_to_cover_5_and_stays_short_5():
    result = plan(signal("buy", sentiment="bearish", quantity=5), SIGNAL, held=-10)
    assert brief(result.exit) == ("buy_to_cover", 5) and result.entry is None


def test_long_10_sell_quantity_4_bullish_sells_4_and_stays_long_6():
    result = plan(signal("sell", sentiment="bullish", quantity=4), SIGNAL, held=10)
    assert brief(result.exit) == ("sell", 4) and result.entry is None


def test_bearish_buy_for_more_than_the_short_covers_it_all_and_enters_nothing():
    result = plan(signal("buy", sentiment="bearish", quantity=15), SIGNAL, held=-10)
    assert brief(result.exit) == ("buy_to_cover", 10) and result.entry is None


def test_bearish_buy_without_a_usable_quantity_covers_the_whole_short():
    assert brief(plan(signal("buy", sentiment="bearish", quantity=5), held=-10).exit) == ("buy_to_cover", 10)


def test_bearish_buy_partial_exit_reads_a_dollar_quantity_at_the_market():
    sig = signal("buy", sentiment="bearish", quantity=300, quantityType="dollar_amount")
    assert brief(plan(sig, SIGNAL, held=-10, quote=quote(100)).exit) == ("buy_to_cover", 3)


@pytest.mark.decision("D-032")
def test_bearish_buy_partial_exit_cannot_be_risk_sized():
    sig = signal("buy", sentiment="bearish", quantity=300, quantityType="risk_dollar_amount")
    assert plan(sig, SIGNAL, held=-10, quote=quote(100)).rejection == R.SIZING_UNSUPPORTED


def test_bearish_buy_with_no_position_is_rejected_no_position():
    assert plan(signal("buy", sentiment="bearish", quantity=5), SIGNAL).rejection == R.NO_POSITION


@pytest.mark.decision("D-032")
def test_bearish_buy_while_long_is_rejected_nothing_to_do():
    assert plan(signal("buy", sentiment="bearish"), held=5).rejection == R.NOTHING_TO_DO


def test_bullish_buy_while_short_reverses_like_a_plain_buy():
    result = plan(signal("buy", sentiment="bullish", quantity=3), SIGNAL, held=-10)
    assert brief(result.exit) == ("buy_to_cover", 10) and brief(result.entry) == ("buy", 3)


# --- exit quantities ---


def test_long_5_exit_quantity_2_is_a_partial_exit_of_2():
    assert brief(plan(signal("exit", quantity=2), SIGNAL, held=5).exit) == ("sell", 2)


def test_exit_quantity_equal_to_the_position_exits_it_all():
    assert brief(plan(signal("exit", quantity=5), SIGNAL, held=5).exit) == ("sell", 5)


def test_exit_quantity_greater_than_the_position_exits_it_all():
    assert brief(plan(signal("exit", quantity=9), SIGNAL, held=5).exit) == ("sell", 5)


@pytest.mark.decision("D-030")
def test_exit_quantity_counts_only_with_use_signal_quantity():
    assert brief(plan(signal("exit", quantity=2), held=5).exit) == ("sell", 5)


def test_exit_percent_of_position_20_exits_20_percent():
    sig = signal("exit", quantity=20, quantityType="percent_of_position")
    assert brief(plan(sig, SIGNAL, held=100).exit) == ("sell", 20)


@pytest.mark.decision("D-030")
def test_exit_percent_of_position_needs_no_quantity_type_override():
    sig = signal("exit", quantity=20, quantityType="percent_of_position")
    settings = replace(SIGNAL, allow_signal_quantity_type_override=False)
    assert brief(plan(sig, settings, held=-100).exit) == ("buy_to_cover", 20)


def test_exit_percent_of_position_rounds_down_unless_fractional():
    sig = signal("exit", quantity=20, quantityType="percent_of_position")
    assert brief(plan(sig, SIGNAL, held=7).exit) == ("sell", 1)
    fractional = replace(SIGNAL, fractional=True, broker=BrokerCapabilities(fractional=True))
    assert brief(plan(sig, fractional, held=7).exit) == ("sell", D("1.4"))


def test_exit_percent_of_position_rounding_to_zero_is_rejected_quantity_zero():
    sig = signal("exit", quantity=20, quantityType="percent_of_position")
    assert plan(sig, SIGNAL, held=4).rejection == R.QUANTITY_ZERO


def test_full_exit_closes_a_fractional_position_exactly():
    assert brief(plan(signal("exit"), held="2.5").exit) == ("sell", D("2.5"))


def test_partial_exit_of_a_fractional_quantity_rounds_down_to_whole_units():
    assert brief(plan(signal("exit", quantity=2.7), SIGNAL, held=5).exit) == ("sell", 2)


# --- entry quantities ---


@pytest.mark.decision("D-044")
def test_signal_quantity_is_used_only_with_use_signal_quantity():
    assert brief(plan(signal("buy", quantity=5)).entry) == ("buy", 1)
    assert brief(plan(signal("buy", quantity=5), SIGNAL).entry) == ("buy", 5)


def test_quantity_absent_uses_the_subscription_sizing():
    settings = replace(SIGNAL, sizing=Sizing("fixed_quantity", D(3)))
    assert brief(plan(signal("buy"), settings).entry) == ("buy", 3)


def test_fixed_quantity_100_buys_100_shares():
    sig = signal("buy", quantityType="fixed_quantity", quantity=100)
    assert brief(plan(sig, SIGNAL).entry) == ("buy", 100)


def test_dollar_amount_1000_at_a_price_of_100_is_a_quantity_of_10():
    sig = signal("buy", quantityType="dollar_amount", quantity=1000)
    assert brief(plan(sig, SIGNAL, quote=quote(100)).entry) == ("buy", 10)
    assert brief(plan({**sig, "signalPrice": 100}, SIGNAL_NO_QUOTES).entry) == ("buy", 10)


def test_risk_dollar_amount_100_entering_at_100_with_a_stop_at_90_is_a_quantity_of_10():
    sig = signal(
        "buy",
        signalPrice=100,
        quantityType="risk_dollar_amount",
        quantity=100,
        stopLoss={"type": "stop", "stopPrice": 90},
    )
    result = plan(sig, SIGNAL_NO_QUOTES)
    assert brief(result.entry) == ("buy", 10) and result.stop_loss.stop_price == 90


def test_risk_dollar_amount_measures_to_a_stop_computed_from_a_percent():
    sig = signal("buy", quantityType="risk_dollar_amount", quantity=100, stopLoss={"percent": 5})
    assert brief(plan(sig, SIGNAL, quote=quote(100)).entry) == ("buy", 20)


def test_risk_dollar_amount_measures_to_the_initial_trailing_stop():
    sig = signal(
        "sell",
        quantityType="risk_dollar_amount",
        quantity=100,
        stopLoss={"type": "trailing_stop", "trailAmount": 4},
    )
    result = plan(sig, SIGNAL, quote=quote(100))
    assert brief(result.entry) == ("sell_short", 25) and result.stop_loss.stop_price == 104


def test_percent_of_equity_10_of_a_10000_account_at_100_is_a_quantity_of_10():
    sig = signal("buy", quantityType="percent_of_equity", quantity=10)
    assert brief(plan(sig, SIGNAL, quote=quote(100), equity=10000).entry) == ("buy", 10)


@pytest.mark.decision("D-031")
def test_quantity_type_counts_only_with_the_override_else_the_subscription_method_reads_the_number():
    settings = replace(
        SIGNAL, allow_signal_quantity_type_override=False, sizing=Sizing("dollar_amount", D(500))
    )
    sig = signal("buy", quantityType="fixed_quantity", quantity=1000)
    assert brief(plan(sig, settings, quote=quote(100)).entry) == ("buy", 10)  # read as $1000
    sig = signal("buy", quantityType="dollar_amount", quantity=1000)
    no_sizing = replace(settings, sizing=None)
    assert brief(plan(sig, no_sizing, quote=quote(100)).entry) == ("buy", 1000)  # read as 1000 shares


def test_a_quantity_without_quantity_type_is_a_fixed_quantity_under_the_override():
    settings = replace(SIGNAL, sizing=Sizing("dollar_amount", D(500)))
    assert brief(plan(signal("buy", quantity=7), settings, quote=quote(100)).entry) == ("buy", 7)


def test_subscription_dollar_sizing_without_a_signal_quantity():
    settings = replace(DEFAULT, sizing=Sizing("dollar_amount", D(500)))
    assert brief(plan(signal("buy"), settings, quote=quote(100)).entry) == ("buy", 5)


def test_quantities_round_down_to_whole_units():
    sig = signal("buy", quantityType="dollar_amount", quantity=1000)
    assert brief(plan(sig, SIGNAL, quote=quote(30)).entry) == ("buy", 33)


def test_fractional_quantities_when_the_subscription_and_the_broker_allow_them():
    sig = signal("buy", quantityType="dollar_amount", quantity=1000)
    settings = replace(SIGNAL, fractional=True, broker=BrokerCapabilities(fractional=True))
    assert brief(plan(sig, settings, quote=quote(30)).entry) == ("buy", D("33.333333"))
    assert brief(plan(sig, replace(SIGNAL, fractional=True), quote=quote(30)).entry) == ("buy", 33)


@pytest.mark.decision("D-038")
def test_option_contracts_are_never_fractional():
    call = Instrument("SQ 240510C68", "options", "call", D(100))
    settings = replace(SIGNAL, fractional=True, broker=BrokerCapabilities(fractional=True))
    sig = signal("buy", quantityType="dollar_amount", quantity=1000)
    assert brief(plan(sig, settings, instrument=call, quote=quote("2.5")).entry) == ("buy", 4)


def test_dollar_sizing_below_one_unit_is_rejected_quantity_zero():
    sig = signal("buy", quantityType="dollar_amount", quantity=50)
    assert plan(sig, SIGNAL, quote=quote(100)).rejection == R.QUANTITY_ZERO


def test_dollar_sizing_without_any_price_is_rejected_no_price():
    assert plan(signal("buy", quantityType="dollar_amount", quantity=50), SIGNAL).rejection == R.NO_PRICE


def test_percent_of_equity_without_equity_is_rejected_no_equity():
    sig = signal("buy", quantityType="percent_of_equity", quantity=10)
    assert plan(sig, SIGNAL, quote=quote(100)).rejection == R.NO_EQUITY


def test_risk_sizing_without_a_stop_loss_is_rejected_no_stop_loss():
    settings = replace(DEFAULT, sizing=Sizing("risk_dollar_amount", D(100)))
    assert plan(signal("buy"), settings, quote=quote(100)).rejection == R.NO_STOP_LOSS


@pytest.mark.decision("D-037")
def test_risk_sizing_ignores_a_signal_stop_loss_the_subscription_does_not_use():
    settings = replace(DEFAULT, sizing=Sizing("risk_dollar_amount", D(100)))
    sig = signal("buy", stopLoss={"stopPrice": 90})
    assert plan(sig, settings, quote=quote(100)).rejection == R.NO_STOP_LOSS
    defaulted = replace(settings, stop_loss=StopLoss(amount=D(5)))
    assert brief(plan(sig, defaulted, quote=quote(100)).entry) == ("buy", 20)


def test_risk_sizing_on_futures_is_rejected_sizing_unsupported():
    settings = replace(SIGNAL, sizing=Sizing("risk_dollar_amount", D(100)), stop_loss=StopLoss(amount=D(10)))
    assert plan(signal("buy"), settings, instrument=MNQ, quote=quote(18500)).rejection == R.SIZING_UNSUPPORTED


@pytest.mark.decision("D-038")
def test_dollar_sizing_of_options_counts_the_100_share_multiplier():
    call = Instrument("SQ 240510C68", "options", "call", D(100))
    sig = signal("buy", quantityType="dollar_amount", quantity=1000)
    assert brief(plan(sig, SIGNAL, instrument=call, quote=quote("2.5")).entry) == ("buy", 4)


# --- the entry price of relative take profits and stop losses ---


def test_a_market_entry_is_priced_at_the_quote_midpoint():
    sig = signal("buy", takeProfit={"percent": 10})
    assert plan(sig, SIGNAL, quote=Quote(D(99), D(101))).take_profit.limit_price == 110


def test_signal_price_is_the_entry_price_when_the_broker_has_no_quotes():
    sig = signal("buy", signalPrice=200, takeProfit={"amount": 10})
    assert plan(sig, SIGNAL_NO_QUOTES, quote=quote(100)).take_profit.limit_price == 210


@pytest.mark.decision("D-034")
def test_signal_price_is_ignored_when_the_broker_quotes():
    sig = signal("buy", signalPrice=200, takeProfit={"amount": 10})
    assert plan(sig, SIGNAL, quote=quote(100)).take_profit.limit_price == 110


def test_signal_price_is_used_when_a_quoting_broker_returns_no_quote():
    sig = signal("buy", signalPrice=200, takeProfit={"amount": 10})
    assert plan(sig, SIGNAL, quote=None).take_profit.limit_price == 210


@pytest.mark.decision("D-034")
def test_a_quote_without_bid_and_ask_falls_back_to_its_last_price():
    sig = signal("buy", takeProfit={"amount": 10})
    assert plan(sig, SIGNAL, quote=Quote(last=D(50))).take_profit.limit_price == 60


def test_a_relative_take_profit_without_any_price_is_rejected_no_price():
    assert plan(signal("buy", takeProfit={"percent": 10}), SIGNAL).rejection == R.NO_PRICE


def test_absolute_take_profit_19_99_and_stop_10_71_need_no_price():
    sig = signal("buy", takeProfit={"limitPrice": 19.99}, stopLoss={"type": "stop", "stopPrice": 10.71})
    result = plan(sig, SIGNAL)
    assert result.take_profit.limit_price == D("19.99") and result.stop_loss.stop_price == D("10.71")
    assert (result.take_profit.instruction, result.stop_loss.order_type) == ("sell", "stop")


# --- take profit and stop loss ---


def test_amd_143_12_take_profit_10_percent_is_157_432_and_stop_5_percent_is_135_964():
    sig = {
        "ticker": "AMD",
        "action": "buy",
        "signalPrice": 143.12,
        "quantity": 1,
        "takeProfit": {"percent": 10},
        "stopLoss": {"type": "stop", "percent": 5},
    }
    result = plan(sig, SIGNAL_NO_QUOTES, instrument=Instrument("AMD", "stocks"))
    assert brief(result.entry) == ("buy", 1)
    assert result.take_profit.limit_price == D("157.432") and result.stop_loss.stop_price == D("135.964")


def test_mnq_signal_price_18500_take_profit_amount_100_is_a_limit_at_18600_for_a_market_entry():
    sig = {
        "ticker": "MNQ",
        "action": "buy",
        "orderType": "market",
        "signalPrice": 18500,
        "takeProfit": {"amount": 100},
    }
    result = plan(sig, SIGNAL_NO_QUOTES, instrument=MNQ)
    assert result.entry.order_type == "market"
    assert result.take_profit.order_type == "limit" and result.take_profit.limit_price == 18600


def test_mnq_limit_entry_at_18500_take_profit_amount_100_is_18600():
    sig = {
        "ticker": "MNQ",
        "action": "buy",
        "orderType": "limit",
        "limitPrice": 18500,
        "takeProfit": {"amount": 100},
    }
    result = plan(sig, SIGNAL, instrument=MNQ, quote=quote(18000))
    assert result.entry.limit_price == 18500 and result.take_profit.limit_price == 18600


def test_futures_take_profit_and_stop_loss_are_price_offsets_from_the_entry():
    sig = {"ticker": "MNQ", "action": "sell", "takeProfit": {"amount": 100}, "stopLoss": {"amount": 50}}
    result = plan(
        sig, SIGNAL, instrument=Instrument("MNQU2025", "futures", multiplier=D(2)), quote=quote(18500)
    )
    assert result.take_profit.limit_price == 18400 and result.stop_loss.stop_price == 18550


def test_a_short_entry_takes_profit_below_and_stops_out_above():
    sig = signal("sell", takeProfit={"percent": 10}, stopLoss={"percent": 5})
    result = plan(sig, SIGNAL, quote=quote(100))
    assert result.take_profit.limit_price == 90 and result.stop_loss.stop_price == 105
    assert result.take_profit.instruction == result.stop_loss.instruction == "buy_to_cover"


def test_stop_limit_stop_loss_uses_its_limit_price():
    sig = signal("buy", stopLoss={"type": "stop_limit", "stopPrice": 10.71, "limitPrice": 10.75})
    stop = plan(sig, SIGNAL).stop_loss
    assert (stop.order_type, stop.stop_price, stop.limit_price) == ("stop_limit", D("10.71"), D("10.75"))


def test_stop_limit_stop_loss_without_a_limit_price_limits_at_its_stop():
    stop = plan(
        signal("buy", stopLoss={"type": "stop_limit", "amount": 5}), SIGNAL, quote=quote(100)
    ).stop_loss
    assert (stop.stop_price, stop.limit_price) == (95, 95)


def test_trailing_stop_loss_trail_amount_1_on_a_limit_buy_at_71_starts_at_70():
    sig = signal(
        "buy", orderType="limit", limitPrice=71, stopLoss={"type": "trailing_stop", "trailAmount": 1}
    )
    result = plan(sig, SIGNAL, quote=quote(75))
    assert result.entry.order_type == "limit" and result.entry.limit_price == 71
    stop = result.stop_loss
    assert (stop.order_type, stop.trail_amount, stop.stop_price) == ("trailing_stop", 1, 70)


def test_trailing_stop_loss_trail_percent_1_starts_at_71_times_0_99():
    sig = signal(
        "buy", orderType="limit", limitPrice=71, stopLoss={"type": "trailing_stop", "trailPercent": 1}
    )
    stop = plan(sig, SIGNAL).stop_loss
    assert stop.stop_price == D(71) * D("0.99") == D("70.29") and stop.trail_percent == 1


def test_signal_take_profit_and_stop_loss_count_only_with_their_settings():
    sig = signal("buy", takeProfit={"percent": 10}, stopLoss={"percent": 5})
    result = plan(
        sig, replace(SIGNAL, use_signal_take_profit=False, use_signal_stop_loss=False), quote=quote(100)
    )
    assert result.take_profit is None and result.stop_loss is None


def test_subscription_default_take_profit_and_stop_loss_apply_when_the_signal_ones_do_not():
    settings = replace(DEFAULT, take_profit=TakeProfit(percent=D(20)), stop_loss=StopLoss(amount=D(3)))
    result = plan(signal("buy", takeProfit={"percent": 10}), settings, quote=quote(100))
    assert result.take_profit.limit_price == 120 and result.stop_loss.stop_price == 97


def test_a_typeless_stop_loss_takes_the_subscription_stop_loss_type():
    settings = replace(SIGNAL, stop_loss_type="stop_limit")
    assert (
        plan(signal("buy", stopLoss={"amount": 5}), settings, quote=quote(100)).stop_loss.order_type
        == "stop_limit"
    )


def test_a_typeless_stop_loss_is_a_plain_stop_when_the_subscription_type_is_a_trail():
    settings = replace(SIGNAL, stop_loss_type="trailing_stop")
    assert (
        plan(signal("buy", stopLoss={"amount": 5}), settings, quote=quote(100)).stop_loss.order_type == "stop"
    )


def test_the_stop_loss_type_of_the_signal_overrides_the_subscription():
    sig = signal("buy", stopLoss={"type": "stop", "amount": 5})
    assert (
        plan(sig, replace(SIGNAL, stop_loss_type="stop_limit"), quote=quote(100)).stop_loss.order_type
        == "stop"
    )


@pytest.mark.decision("D-035")
def test_a_stop_loss_type_the_broker_lacks_falls_back_to_the_subscription_type():
    broker = BrokerCapabilities(order_types=frozenset({"market", "limit", "stop"}))
    sig = signal("buy", stopLoss={"type": "stop_limit", "amount": 5})
    assert plan(sig, replace(SIGNAL, broker=broker), quote=quote(100)).stop_loss.order_type == "stop"


def test_a_stop_loss_type_without_a_supported_fallback_is_rejected():
    broker = BrokerCapabilities(order_types=frozenset({"market", "limit", "stop_limit"}))
    sig = signal("buy", stopLoss={"type": "trailing_stop", "trailAmount": 1})
    assert plan(sig, replace(SIGNAL, broker=broker), quote=quote(100)).rejection == R.ORDER_TYPE_UNSUPPORTED


def test_a_take_profit_on_a_broker_without_limit_orders_is_rejected():
    broker = BrokerCapabilities(order_types=frozenset({"market", "stop"}))
    sig = signal("buy", takeProfit={"amount": 5})
    assert plan(sig, replace(SIGNAL, broker=broker), quote=quote(100)).rejection == R.ORDER_TYPE_UNSUPPORTED


def test_a_stop_loss_amount_beyond_the_entry_price_is_rejected_invalid_price():
    assert plan(signal("buy", stopLoss={"amount": 10}), SIGNAL, quote=quote(5)).rejection == R.INVALID_PRICE


@pytest.mark.decision("D-036")
def test_legs_close_the_entry_quantity_with_the_entry_time_in_force():
    sig = signal("sell", quantity=3, timeInForce="gtc", takeProfit={"amount": 5}, stopLoss={"amount": 5})
    result = plan(sig, SIGNAL, quote=quote(100))
    assert {(o.role, o.quantity, o.time_in_force, o.position_effect) for o in result.orders} == {
        ("entry", 3, "gtc", "open"),
        ("take_profit", 3, "gtc", "close"),
        ("stop_loss", 3, "gtc", "close"),
    }


@pytest.mark.decision("D-036")
def test_exits_carry_no_take_profit_or_stop_loss():
    sig = signal("exit", takeProfit={"amount": 5}, stopLoss={"amount": 5})
    result = plan(sig, SIGNAL, held=4, quote=quote(100))
    assert result.orders == (result.exit,)


def test_a_reversal_brackets_only_the_new_entry():
    result = plan(signal("buy", takeProfit={"amount": 5}), SIGNAL, held=-4, quote=quote(100))
    assert [o.role for o in result.orders] == ["exit", "entry", "take_profit"]


# --- order types, prices and time in force ---


def test_trailing_stop_exit_trail_amount_1_at_signal_price_71_starts_at_70():
    sig = signal("exit", orderType="trailing_stop", signalPrice=71, trailAmount=1)
    order = plan(sig, SIGNAL_NO_QUOTES, held=10).exit
    assert (order.instruction, order.order_type, order.trail_amount, order.stop_price) == (
        "sell",
        "trailing_stop",
        1,
        70,
    )


def test_trailing_stop_exit_starts_from_the_quote_when_the_broker_quotes():
    sig = signal("exit", orderType="trailing_stop", signalPrice=71, trailAmount=1)
    assert plan(sig, SIGNAL, held=10, quote=quote(80)).exit.stop_price == 79


def test_trailing_stop_exit_of_a_short_trails_above_the_market():
    sig = signal("exit", orderType="trailing_stop", signalPrice=71, trailPercent=1)
    order = plan(sig, SIGNAL_NO_QUOTES, held=-10).exit
    assert order.instruction == "buy_to_cover" and order.stop_price == D("71.71")


def test_trailing_stop_exit_without_a_price_is_rejected_no_price():
    sig = signal("exit", orderType="trailing_stop", trailAmount=1)
    assert plan(sig, SIGNAL_NO_QUOTES, held=10).rejection == R.NO_PRICE


def test_limit_order_without_limit_price_is_priced_at_the_quote_midpoint():
    assert plan(signal("buy", orderType="limit"), SIGNAL, quote=Quote(D(10), D(11))).entry.limit_price == D(
        "10.5"
    )


def test_limit_order_without_limit_price_uses_signal_price_without_quotes():
    assert plan(signal("buy", orderType="limit", signalPrice=42), SIGNAL_NO_QUOTES).entry.limit_price == 42


def test_limit_order_without_any_price_is_rejected_no_price():
    assert plan(signal("buy", orderType="limit"), SIGNAL).rejection == R.NO_PRICE


def test_stop_order_without_stop_price_is_priced_at_the_market():
    entry = plan(signal("buy", orderType="stop"), SIGNAL, quote=quote(20)).entry
    assert (entry.order_type, entry.stop_price, entry.limit_price) == ("stop", 20, None)


def test_stop_limit_entry_at_stop_60_limit_50_50():
    entry = plan(signal("buy", orderType="stop_limit", stopPrice=60, limitPrice=50.50), SIGNAL).entry
    assert (entry.stop_price, entry.limit_price) == (60, D("50.5"))


def test_stop_limit_entry_without_prices_is_priced_at_the_market():
    entry = plan(signal("buy", orderType="stop_limit"), SIGNAL, quote=quote(20)).entry
    assert (entry.stop_price, entry.limit_price) == (20, 20)


def test_signal_order_type_counts_only_with_use_signal_order_type_for_entries():
    sig = signal("buy", orderType="limit", limitPrice=50.5)
    assert plan(sig, DEFAULT).entry.order_type == "market"
    assert plan(sig, replace(DEFAULT, use_signal_order_type_entries=True)).entry.limit_price == D("50.5")


def test_signal_order_type_for_exits_needs_its_own_setting():
    sig = signal("exit", orderType="limit", limitPrice=50)
    assert plan(sig, replace(DEFAULT, use_signal_order_type_entries=True), held=1).exit.order_type == "market"
    assert plan(sig, replace(DEFAULT, use_signal_order_type_exits=True), held=1).exit.order_type == "limit"


def test_an_order_type_the_broker_lacks_falls_back_to_the_subscription_default():
    broker = BrokerCapabilities(order_types=frozenset({"market", "limit"}))
    result = plan(signal("buy", orderType="stop", stopPrice=5), replace(SIGNAL, broker=broker))
    assert result.entry.order_type == "market" and result.entry.stop_price is None
    assert result.notes == ("entry: order type market (signal asked stop)",)


@pytest.mark.decision("D-035")
def test_an_unsupported_default_order_type_is_rejected():
    broker = BrokerCapabilities(order_types=frozenset({"limit"}))
    assert (
        plan(signal("buy", orderType="stop"), replace(SIGNAL, broker=broker)).rejection
        == R.ORDER_TYPE_UNSUPPORTED
    )


def test_signal_time_in_force_counts_only_with_its_setting():
    sig = signal("buy", timeInForce="gtc")
    assert plan(sig, DEFAULT).entry.time_in_force == "day"
    assert plan(sig, replace(DEFAULT, use_signal_time_in_force_entries=True)).entry.time_in_force == "gtc"
    assert plan(signal("exit", timeInForce="gtc"), DEFAULT, held=1).exit.time_in_force == "day"
    exits = replace(DEFAULT, use_signal_time_in_force_exits=True)
    assert plan(signal("exit", timeInForce="gtc"), exits, held=1).exit.time_in_force == "gtc"


def test_a_time_in_force_the_broker_lacks_falls_back_then_is_rejected():
    broker = BrokerCapabilities(time_in_force=frozenset({"day", "gtc"}))
    settings = replace(SIGNAL, entry_time_in_force="gtc", broker=broker)
    assert plan(signal("buy", timeInForce="opg"), settings).entry.time_in_force == "gtc"
    no_default = replace(settings, entry_time_in_force="ioc")
    assert plan(signal("buy", timeInForce="opg"), no_default).rejection == R.TIME_IN_FORCE_UNSUPPORTED


def test_a_reversal_prices_its_exit_and_entry_by_their_own_settings():
    settings = replace(DEFAULT, use_signal_order_type_entries=True, exit_order_type="market")
    result = plan(signal("buy", orderType="limit", limitPrice=50), settings, held=-2)
    assert (result.exit.order_type, result.entry.order_type, result.entry.limit_price) == (
        "market",
        "limit",
        50,
    )


def test_extended_hours_passes_through_on_stock_orders():
    result = plan(signal("buy", extendedHours=True), held=-1)
    assert result.exit.extended_hours and result.entry.extended_hours


def test_extended_hours_is_dropped_on_futures_with_a_note():
    result = plan(signal("buy", extendedHours=True), instrument=MNQ)
    assert not result.entry.extended_hours and result.notes == ("extendedHours ignored for futures",)


def test_extended_hours_is_never_set_on_brackets():
    result = plan(signal("buy", extendedHours=True, takeProfit={"amount": 1}), SIGNAL, quote=quote(10))
    assert result.entry.extended_hours and not result.take_profit.extended_hours


# --- allowed sides ---


def test_bullish_only_rejects_a_short_entry_side_not_allowed():
    assert plan(signal("sell"), replace(DEFAULT, allowed_sides="bullish")).rejection == R.SIDE_NOT_ALLOWED


def test_bullish_only_sell_while_long_only_exits():
    result = plan(signal("sell"), replace(DEFAULT, allowed_sides="bullish"), held=3)
    assert brief(result.exit) == ("sell", 3) and result.entry is None
    assert result.notes == ("entry omitted: side-not-allowed",)


def test_bearish_only_rejects_a_long_entry_and_exits_a_short_on_a_buy():
    settings = replace(DEFAULT, allowed_sides="bearish")
    assert plan(signal("buy"), settings).rejection == R.SIDE_NOT_ALLOWED
    assert brief(plan(signal("buy"), settings, held=-3).exit) == ("buy_to_cover", 3)
    assert brief(plan(signal("sell"), settings).entry) == ("sell_short", 1)


def test_allowed_sides_none_allows_exits_only():
    settings = replace(DEFAULT, allowed_sides="none")
    assert plan(signal("buy"), settings).rejection == R.SIDE_NOT_ALLOWED
    assert plan(signal("add"), settings, held=2).rejection == R.SIDE_NOT_ALLOWED
    assert brief(plan(signal("exit"), settings, held=2).exit) == ("sell", 2)


def test_a_blocked_entry_still_lets_the_cancel_step_run():
    result = plan(signal("sell"), replace(DEFAULT, allowed_sides="bullish"), orders=(open_order("a"),))
    assert result.cancel_order_ids == ("a",) and result.orders == ()


# --- plans and reasons ---


def test_every_rejection_reason_is_a_constant_with_a_one_line_meaning():
    constants = {v for k, v in vars(R).items() if k.isupper() and isinstance(v, str)}
    assert constants == set(REASONS)
    assert all(meaning and "\n" not in meaning for meaning in REASONS.values())


def test_a_plan_cannot_both_reject_and_act():
    entry = plan(signal("buy")).entry
    with pytest.raises(ValueError):
        Plan(entry=entry, rejection=R.NOTHING_TO_DO)
    with pytest.raises(ValueError):
        Plan(cancel_order_ids=("a",), rejection=R.NOTHING_TO_DO)


def test_settings_refuse_a_default_trailing_stop_order_type():
    with pytest.raises(ValueError):
        SubscriptionSettings(entry_order_type="trailing_stop")


def test_planning_is_pure_the_same_inputs_give_the_same_plan():
    sig = signal("buy", takeProfit={"percent": 10}, quantityType="dollar_amount", quantity=1000)
    assert plan(sig, SIGNAL, held=-3, quote=quote(99)) == plan(sig, SIGNAL, held=-3, quote=quote(99))


def test_the_input_signal_is_not_modified():
    sig = signal("buy", takeProfit={"percent": 10})
    before = repr(sig)
    plan(sig, SIGNAL, quote=quote(10))
    assert repr(sig) == before


@pytest.mark.decision("D-033")
def test_action_cancel_cancels_even_when_the_signal_says_cancel_false():
    assert plan(signal("cancel", cancel=False), orders=(open_order("a"),)).cancel_order_ids == ("a",)


def test_a_trailing_stop_entry_starts_its_stop_beyond_the_market_on_the_entry_side():
    buy = plan(signal("buy", orderType="trailing_stop", trailAmount=2), SIGNAL, quote=quote(50)).entry
    sell = plan(signal("sell", orderType="trailing_stop", trailPercent=10), SIGNAL, quote=quote(50)).entry
    assert (buy.stop_price, buy.trail_amount) == (52, 2) and (sell.stop_price, sell.trail_percent) == (45, 10)


def test_a_trailing_stop_entry_measures_its_take_profit_from_the_initial_stop():
    sig = signal("buy", orderType="trailing_stop", trailAmount=2, takeProfit={"amount": 8})
    assert plan(sig, SIGNAL, quote=quote(50)).take_profit.limit_price == 60


def test_a_stop_entry_measures_its_stop_loss_from_the_stop_price():
    sig = signal("buy", orderType="stop", stopPrice=60, stopLoss={"percent": 10})
    assert plan(sig, SIGNAL, quote=quote(50)).stop_loss.stop_price == 54


@pytest.mark.decision("D-042")
def test_a_reversal_that_cannot_size_its_entry_is_rejected_whole_rather_than_half_done():
    sig = signal("buy", quantityType="dollar_amount", quantity=1000)
    assert plan(sig, SIGNAL, held=-5).rejection == R.NO_PRICE
