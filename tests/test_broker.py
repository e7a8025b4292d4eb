"""The paper broker's pure functions: fills, positions, resting orders, the synthetic option chain."""

from datetime import date
from decimal import Decimal as D
from itertools import count

import pytest

from reference_server.paper.broker import (
    apply_fill,
    execute,
    fill_price,
    fill_waiting,
    unpriced_market_orders,
)
from reference_server.paper.instruments import option_chain
from reference_server.paper.planner import AccountSnapshot, OpenOrder, Order, Plan, Position, Quote

QUOTE = Quote(bid=D(99), ask=D(101), last=D(100))


def order(side="buy", quantity=5, order_type="market", role="entry", **prices) -> Order:
    effect = "open" if role == "entry" else "close"
    return Order("SQ", side, effect, D(quantity), order_type, "day", role, **prices)


def ids():
    numbers = count(1)
    return lambda: f"o{next(numbers)}"


@pytest.mark.decision("D-045")
@pytest.mark.parametrize(
    ("placed", "quote", "signal_price", "price"),
    [
        (order("buy"), QUOTE, None, D(101)),
        (order("sell"), QUOTE, None, D(99)),
        (order("buy"), Quote(last=D(100)), None, D(100)),
        (order("buy"), None, D(71), D(71)),
        (order("buy"), None, None, None),
        (order("buy", order_type="limit", limit_price=D(102)), QUOTE, None, D(101)),
        (order("buy", order_type="limit", limit_price=D(100)), QUOTE, None, None),
        (order("sell", order_type="limit", limit_price=D(98)), QUOTE, None, D(99)),
        (order("sell", order_type="stop", stop_price=D(90)), QUOTE, None, None),
        (order("sell", order_type="trailing_stop", trail_amount=D(1), stop_price=D(70)), QUOTE, None, None),
    ],
)
def test_fill_price(placed, quote, signal_price, price):
    assert fill_price(placed, quote, signal_price) == price


@pytest.mark.parametrize(
    ("held", "side", "quantity", "price", "after"),
    [
        (None, "buy", D(5), D(100), Position("SQ", D(5), D(100))),
        (Position("SQ", D(5), D(100)), "buy", D(5), D(110), Position("SQ", D(10), D(105))),
        (Position("SQ", D(5), D(100)), "sell", D(2), D(120), Position("SQ", D(3), D(100))),
        (Position("SQ", D(5), D(100)), "sell", D(5), D(120), None),
        (Position("SQ", D(5), D(100)), "sell", D(8), D(120), Position("SQ", D(-3), D(120))),
        (Position("SQ", D(-10), D(70)), "buy", D(5), D(60), Position("SQ", D(-5), D(70))),
    ],
)
def test_a_position_averages_when_it_grows_and_keeps_its_price_when_it_shrinks(
    held, side, quantity, price, after
):
    start = held or Position("SQ", D(0))
    assert apply_fill(start, side, quantity, price) == after


def test_enter_5_exit_3_exit_the_rest_plays_out_like_a_broker():
    account = AccountSnapshot(D(10000))
    enter = execute(Plan(entry=order("buy", 5)), account, QUOTE, None, ids())
    assert enter.account.positions == (Position("SQ", D(5), D(101)),)
    partial = execute(Plan(exit=order("sell", 3, role="exit")), enter.account, QUOTE, None, ids())
    assert partial.account.positions == (Position("SQ", D(2), D(101)),)
    rest = execute(Plan(exit=order("sell", 2, role="exit")), partial.account, QUOTE, None, ids())
    assert rest.account.positions == () and [f.quantity for f in rest.fills] == [D(2)]


@pytest.mark.decision("D-045")
def test_a_plan_cancels_then_exits_then_enters_then_rests_its_legs():
    account = AccountSnapshot(
        D(10000), (Position("SQ", D(-10), D(70)),), (OpenOrder("old", "SQ", "buy", D(10), "limit", D(60)),)
    )
    plan = Plan(
        cancel_order_ids=("old",),
        exit=order("buy", 10, role="exit"),
        entry=order("buy", 5),
        take_profit=order("sell", 5, "limit", role="take_profit", limit_price=D(110)),
        stop_loss=order("sell", 5, "stop", role="stop_loss", stop_price=D(95)),
    )
    result = execute(plan, account, QUOTE, None, ids())
    assert [(f.role, f.quantity, f.price) for f in result.fills] == [
        ("exit", D(10), D(101)),
        ("entry", D(5), D(101)),
    ]
    assert result.account.positions == (Position("SQ", D(5), D(101)),)
    assert [(o.id, o.order_type) for o in result.account.open_orders] == [("o1", "limit"), ("o2", "stop")]
    assert result.roles == {"o1": "take_profit", "o2": "stop_loss"}


def test_an_entry_without_any_price_rests_open():
    result = execute(Plan(entry=order("buy", 1)), AccountSnapshot(), None, None, ids())
    assert result.fills == () and [o.id for o in result.account.open_orders] == ["o1"]


@pytest.mark.decision("D-043")
def test_the_synthetic_chain_has_weekly_fridays_and_strikes_around_the_underlying():
    chain = option_chain("SQ", D("70.1"), date(2023, 12, 13))
    expirations = sorted({c.expiration for c in chain})
    assert expirations[0] == date(2023, 12, 15) and all(day.weekday() == 4 for day in expirations)
    strikes = sorted({c.strike for c in chain})
    assert D(70) in strikes and strikes[1] - strikes[0] == D(1) and min(strikes) > 0
    assert {c.option_type for c in chain} == {"call", "put"}


@pytest.mark.decision("D-079")
@pytest.mark.parametrize(
    ("plan", "quote", "signal_price", "unpriced"),
    [
        (Plan(entry=order("buy")), None, None, ["entry"]),
        (Plan(exit=order("sell", role="exit"), entry=order("sell")), None, None, ["exit", "entry"]),
        (Plan(entry=order("buy")), Quote(bid=D(0), ask=None, last=None), None, ["entry"]),
        (Plan(entry=order("buy")), Quote(last=D(100)), None, []),
        (Plan(entry=order("buy")), None, D(70), []),
        (Plan(entry=order("buy", order_type="limit", limit_price=D(50))), None, None, []),
        (Plan(cancel_order_ids=("a",)), None, None, []),
    ],
)
def test_a_market_order_with_no_quote_and_no_signal_price_is_found_unpriced(
    plan, quote, signal_price, unpriced
):
    assert [found.role for found in unpriced_market_orders(plan, quote, signal_price)] == unpriced


@pytest.mark.decision("D-079")
def test_waiting_market_orders_fill_at_the_new_quote_oldest_first_and_others_keep_waiting():
    waiting = (
        OpenOrder("cover", "SQ", "buy", D(10)),
        OpenOrder("enter", "SQ", "buy", D(1)),
        OpenOrder("limit", "SQ", "buy", D(1), "limit", limit_price=D(50)),
        OpenOrder("other", "AMD", "sell", D(2)),
    )
    account = AccountSnapshot(D(1000), (Position("SQ", D(-10), D(70)),), waiting)
    after = fill_waiting(account, "SQ", Quote(bid=D(69), ask=D(71)))
    assert after.positions == (Position("SQ", D(1), D(71)),)
    assert [o.id for o in after.open_orders] == ["limit", "other"]
    assert fill_waiting(account, "SQ", Quote(bid=D(69))) == account  # a buy waits for an ask or a midpoint
