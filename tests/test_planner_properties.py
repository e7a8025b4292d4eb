"""Properties of the trade planner over generated schema-valid signals, settings and accounts."""

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_server.paper.planner import (
    REASONS,
    AccountSnapshot,
    BrokerCapabilities,
    Instrument,
    OpenOrder,
    Plan,
    Position,
    Quote,
    Sizing,
    StopLoss,
    SubscriptionSettings,
    TakeProfit,
    TradingWindow,
    plan_trade,
)

D = Decimal
INSTRUMENTS = (
    Instrument("SQ", "stocks"),
    Instrument("BTCUSD", "crypto"),
    Instrument("SQ 250718C70", "options", "call", D(100)),
    Instrument("SQ 250718P70", "options", "put", D(100)),
    Instrument("MNQU2025", "futures", multiplier=D(2)),
)
CLOCKS = (datetime(2025, 6, 18, 14, 30, tzinfo=UTC), datetime(2025, 6, 18, 22, 0, tzinfo=UTC))
WINDOW = TradingWindow("America/New_York", time(9, 30), time(16, 0))
ORDER_TYPES = ("market", "limit", "stop", "stop_limit", "trailing_stop")
TIFS = ("day", "gtc", "opg", "cls", "ioc", "fok")

prices = st.integers(1, 50_000).map(lambda cents: cents / 100)
small = st.integers(1, 5_000).map(lambda hundredths: hundredths / 100)
decimal_prices = prices.map(lambda p: D(str(p)))

take_profits = st.one_of(
    st.builds(lambda v: {"percent": v}, small),
    st.builds(lambda v: {"amount": v}, small),
    st.builds(lambda v: {"limitPrice": v}, prices),
)
stop_losses = st.one_of(
    st.builds(lambda v: {"percent": v}, small),
    st.builds(lambda t, v: {"type": t, "amount": v}, st.sampled_from(["stop", "stop_limit"]), small),
    st.builds(lambda v: {"type": "stop", "stopPrice": v}, prices),
    st.builds(lambda s, lim: {"type": "stop_limit", "stopPrice": s, "limitPrice": lim}, prices, prices),
    st.builds(lambda v: {"type": "trailing_stop", "trailAmount": v}, small),
    st.builds(lambda v: {"type": "trailing_stop", "trailPercent": v}, small),
)
QUANTITY_TYPES = {
    "exit": [None, "fixed_quantity", "percent_of_position"],
    "buy": [None, "fixed_quantity", "dollar_amount", "percent_of_equity", "risk_dollar_amount"],
}


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """The strategy's values or None."""
    return st.none() | strategy


@st.composite
def signals(draw: st.DrawFn, futures: bool) -> dict[str, Any]:
    """A normalized signal that passes the schema (and the ticker stage for futures)."""
    action = draw(st.sampled_from(["buy", "sell", "exit", "cancel", "add"]))
    fields: dict[str, Any] = {"ticker": "SQ", "action": action}
    if action in ("buy", "sell"):
        fields["sentiment"] = draw(maybe(st.sampled_from(["bullish", "bearish", "flat"])))
    if action != "cancel":
        fields["quantity"] = draw(maybe(small))
    kinds = [
        k
        for k in QUANTITY_TYPES.get(action, QUANTITY_TYPES["buy"])
        if not (futures and k == "risk_dollar_amount")
    ]
    if fields.get("quantity") is not None and action != "cancel":
        fields["quantityType"] = draw(st.sampled_from(kinds))
    order_type = draw(maybe(st.sampled_from(ORDER_TYPES)))
    fields["orderType"] = order_type
    if order_type == "trailing_stop":
        fields[draw(st.sampled_from(["trailAmount", "trailPercent"]))] = draw(small)
    for name, strategy in (
        ("signalPrice", prices),
        ("limitPrice", prices),
        ("stopPrice", prices),
        ("timeInForce", st.sampled_from(TIFS)),
        ("takeProfit", take_profits),
        ("stopLoss", stop_losses),
        ("cancel", st.booleans()),
        ("ignoreTradingWindows", st.booleans()),
        ("extendedHours", st.booleans()),
    ):
        fields[name] = draw(maybe(strategy))
    if fields.get("quantityType") == "risk_dollar_amount" and fields["stopLoss"] is None:
        fields["stopLoss"] = {"type": "stop", "percent": 5}
    return {k: v for k, v in fields.items() if v is not None}


brokers = st.builds(
    BrokerCapabilities,
    supports_quotes=st.booleans(),
    # Mostly complete brokers, so that most plans get as far as orders; sometimes any subset.
    order_types=st.sets(st.sampled_from(ORDER_TYPES)).map(lambda s: frozenset(s | {"market", "limit"}))
    | st.sets(st.sampled_from(ORDER_TYPES), min_size=1).map(frozenset),
    time_in_force=st.sets(st.sampled_from(TIFS)).map(lambda s: frozenset(s | {"day", "gtc"}))
    | st.sets(st.sampled_from(TIFS), min_size=1).map(frozenset),
    fractional=st.booleans(),
)
sizings = st.builds(
    Sizing,
    st.sampled_from(["fixed_quantity", "dollar_amount", "risk_dollar_amount", "percent_of_equity"]),
    st.integers(1, 20_000).map(D),
)
subscriptions = st.builds(
    SubscriptionSettings,
    use_signal_quantity=st.booleans(),
    use_signal_order_type_entries=st.booleans(),
    use_signal_order_type_exits=st.booleans(),
    use_signal_time_in_force_entries=st.booleans(),
    use_signal_time_in_force_exits=st.booleans(),
    use_signal_take_profit=st.booleans(),
    use_signal_stop_loss=st.booleans(),
    allow_signal_quantity_type_override=st.booleans(),
    allow_add_to_position=st.booleans(),
    allowed_sides=st.sampled_from(["both", "bullish", "bearish", "none"]),
    cancel_open_orders=st.booleans(),
    entry_order_type=st.sampled_from(["market", "limit"]),
    exit_order_type=st.sampled_from(["market", "limit"]),
    entry_time_in_force=st.sampled_from(["day", "gtc"]),
    exit_time_in_force=st.sampled_from(["day", "gtc"]),
    sizing=maybe(sizings),
    fractional=st.booleans(),
    take_profit=maybe(st.builds(TakeProfit, percent=st.integers(1, 50).map(D))),
    stop_loss=maybe(st.builds(StopLoss, amount=st.integers(1, 50).map(D))),
    stop_loss_type=st.sampled_from(["stop", "stop_limit", "trailing_stop"]),
    trading_windows=st.sampled_from([(), (), (WINDOW,)]),
    allow_exits_outside_windows=st.booleans(),
    allow_cancels_outside_windows=st.booleans(),
    broker=brokers,
)
positions = st.one_of(st.integers(-30, 30).map(D), st.sampled_from([D("2.5"), D("-0.75")]))
quotes = maybe(st.builds(lambda mid: Quote(mid, mid + D("0.02"), mid), decimal_prices))


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], Instrument, SubscriptionSettings, Decimal, Plan]:
    """A signal, its instrument, the subscription, the position held, and the plan."""
    instrument = draw(st.sampled_from(INSTRUMENTS))
    sig = draw(signals(futures=instrument.asset_class == "futures"))
    subscription = draw(subscriptions)
    held = draw(positions)
    symbols = st.sampled_from([instrument.symbol, "OTHER"])
    orders = draw(
        st.lists(st.builds(lambda i, s: OpenOrder(f"o{i}", s, "buy", D(1)), st.integers(0, 9), symbols))
    )
    account = AccountSnapshot(
        draw(maybe(st.integers(0, 10**6).map(D))),
        (Position(instrument.symbol, held),) if held else (),
        tuple(orders),
    )
    clock = draw(st.sampled_from(CLOCKS))
    result = plan_trade(
        sig, instrument=instrument, settings=subscription, account=account, quote=draw(quotes), clock=clock
    )
    return sig, instrument, subscription, held, result


def after(held: Decimal, result: Plan) -> Decimal:
    """The position once the exit and entry fill."""
    return held + sum((o.signed_quantity for o in (result.exit, result.entry) if o), D(0))


def view(quantity: Decimal, instrument: Instrument) -> Decimal:
    """A position as the signal sees it: long puts are bearish."""
    return -quantity if instrument.is_put else quantity


def sign(x: Decimal) -> int:
    """-1, 0 or 1."""
    return (x > 0) - (x < 0)


PROPERTY = settings(max_examples=600, deadline=None)


@PROPERTY
@given(cases())
def test_a_plan_either_rejects_with_a_known_reason_or_does_something(case):
    _, _, _, _, result = case
    if result.rejection is not None:
        assert result.rejection in REASONS and not result.orders and not result.cancel_order_ids
    else:
        assert result.orders or result.cancel_order_ids


@PROPERTY
@given(cases())
def test_an_exit_never_opens_a_position(case):
    sig, _, _, held, result = case
    if sig["action"] == "exit" or sig.get("sentiment") == "flat":
        assert result.entry is None
    if result.exit is not None:
        assert result.exit.position_effect == "close" and result.exit.quantity <= abs(held)
        assert sign(after(held, replace_entry(result))) in (0, sign(held))


def replace_entry(result: Plan) -> Plan:
    """The plan without its entry."""
    return Plan(result.cancel_order_ids, result.exit)


@PROPERTY
@given(cases())
def test_sentiment_flat_always_ends_flat(case):
    sig, _, _, held, result = case
    if sig.get("sentiment") == "flat" and result.orders:
        assert after(held, result) == 0


@PROPERTY
@given(cases())
def test_quantities_are_positive_and_whole_unless_fractional(case):
    _, instrument, subscription, held, result = case
    fractional = subscription.fractional and subscription.broker.fractional
    fractional = fractional and instrument.asset_class in ("stocks", "crypto")
    for order in result.orders:
        assert order.quantity > 0
        whole = order.quantity == order.quantity.to_integral_value()
        full_exit = order.role == "exit" and order.quantity == abs(held)
        assert whole or fractional or full_exit
        assert order.quantity.as_tuple().exponent >= -subscription.broker.fractional_places


@PROPERTY
@given(cases())
def test_the_position_ends_on_the_side_the_action_and_sentiment_name(case):
    sig, instrument, _, held, result = case
    if not result.orders:
        return
    before, end = view(held, instrument), view(after(held, result), instrument)
    action, sentiment = sig["action"], sig.get("sentiment")
    assert action != "cancel"
    if sentiment == "flat":
        assert end == 0
    elif action in ("buy", "sell"):
        wanted = 1 if action == "buy" else -1
        keeps_other_side = sentiment is not None and sentiment != (
            "bullish" if action == "buy" else "bearish"
        )
        if keeps_other_side:
            assert sign(end) in (0, -wanted) and abs(end) < abs(before)
        else:
            assert sign(end) in (0, wanted)
            assert result.entry is None or sign(end) == wanted
    elif action == "exit":
        assert sign(end) in (0, sign(before)) and abs(end) < abs(before)
    else:  # add
        assert sign(end) == sign(before) and abs(end) > abs(before)


@PROPERTY
@given(cases())
def test_brackets_close_the_entry_quantity_on_the_other_side(case):
    _, _, _, _, result = case
    for leg in (result.take_profit, result.stop_loss):
        if leg is not None:
            assert result.entry is not None and leg.quantity == result.entry.quantity
            assert leg.side != result.entry.side and leg.position_effect == "close"


@PROPERTY
@given(cases())
def test_only_open_orders_of_the_traded_symbol_are_cancelled(case):
    _, instrument, _, _, result = case
    assert all(order_id.startswith("o") for order_id in result.cancel_order_ids)
    assert all(o.symbol == instrument.symbol for o in result.orders)


@PROPERTY
@given(cases())
def test_long_entries_take_profit_above_and_stop_below_relative_prices(case):
    sig, _, _, _, result = case
    entry, take_profit, stop_loss = result.entry, result.take_profit, result.stop_loss
    if entry is None or take_profit is None or stop_loss is None:
        return
    absolute = "limitPrice" in sig.get("takeProfit", {}) or "stopPrice" in sig.get("stopLoss", {})
    if not absolute:
        up = 1 if entry.side == "buy" else -1
        assert (take_profit.limit_price - stop_loss.stop_price) * up > 0
