"""Then steps over the trade a signal made: its plan, its fills, and the account afterwards; and over
the answer to a control request the scenario sent itself.

The trade is the one of the last accepted signal (the `id` of the last response, which must be a 200),
read from the control API for the account of the scenario's webhook subscription.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pytest_bdd import parsers, then

from conformance.client import TargetClient
from conformance.steps.given_control import NUMBER, ControlSession
from webhook_spec.openapi import CONTROL_API

# The reasons schema/control-api.yaml documents: one source for the gateway's answers and the scenarios.
REJECTION_REASONS = frozenset(CONTROL_API.document["components"]["schemas"]["RejectionReason"]["enum"])
SETTING_NAMES = tuple(CONTROL_API.document["components"]["schemas"]["SubscriptionSettings"]["properties"])
INSTRUCTIONS = r"buy_to_cover|buy|sell_short|sell"
ROLES = {
    "entry": "entry",
    "exit": "exit",
    "take profit": "take_profit",
    "take_profit": "take_profit",
    "stop loss": "stop_loss",
    "stop_loss": "stop_loss",
}
ROLE = r"entry|exit|take profit|take_profit|stop loss|stop_loss"


def _dump(value: Any) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def _signal_id(client: TargetClient) -> str:
    assert client.exchanges, "no signal was sent"
    exchange = client.exchanges[-1]
    assert exchange.status == 200, (
        f"the last signal was not accepted: {exchange.status} {exchange.response_body[:300]!r}"
    )
    signal_id = exchange.json().get("id")
    assert isinstance(signal_id, str) and signal_id, "the 200 response has no signal id"
    return signal_id


def _trade(client: TargetClient, control: ControlSession) -> dict:
    """The trade the last accepted signal made for the scenario's subscription."""
    signal_id = _signal_id(client)
    trades = control.client.wait_for_trades(signal_id)
    account = control.account()
    mine = [trade for trade in trades if trade.get("account_id") == account]
    assert len(mine) == 1, f"expected one trade of account {account} for signal {signal_id}: {_dump(trades)}"
    return mine[0]


def _plan(client: TargetClient, control: ControlSession) -> dict:
    return _trade(client, control)["plan"]


def _acting_plan(client: TargetClient, control: ControlSession) -> dict:
    plan = _plan(client, control)
    assert plan["rejection"] is None, f"the plan was rejected with {plan['rejection']!r}: {_dump(plan)}"
    return plan


def _number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where `actual` differs from `expected`, which may leave out object members (numbers as decimals)."""
    where = path or "/"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {actual!r}"]
        found = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{path}/{key}: missing")
            else:
                found += mismatches(value, actual[key], f"{path}/{key}")
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {_dump(expected)}, got {_dump(actual)}"]
        return [
            item
            for i, pair in enumerate(zip(expected, actual, strict=True))
            for item in mismatches(*pair, f"{path}/{i}")
        ]
    if _number(expected):
        if _number(actual) and _decimal(expected) == _decimal(actual):
            return []
    elif type(expected) is type(actual) and expected == actual:
        return []
    return [f"{where}: expected {_dump(expected)}, got {_dump(actual)}"]


def _order(plan: dict, role: str) -> dict:
    order = plan[ROLES[role]]
    assert order is not None, f"the plan has no {role} order: {_dump(plan)}"
    return order


@then(parsers.parse('the trade is rejected with "{reason}"'))
def the_trade_is_rejected_with(client, control, reason: str) -> None:
    """The plan was rejected for this reason (and so has no cancel and no order)."""
    assert reason in REJECTION_REASONS, f"the scenario names an unknown rejection reason {reason!r}"
    plan = _plan(client, control)
    assert plan["rejection"] == reason, f"expected rejection {reason!r}: {_dump(plan)}"


@then("the trade is not rejected")
def the_trade_is_not_rejected(client, control) -> None:
    """The plan acts: it cancels or sends orders."""
    _acting_plan(client, control)


@then(parsers.re(r"the plan cancels the open orders (?P<ids>\S+(?:, \S+)*)"))
def the_plan_cancels(client, control, ids: str) -> None:
    """The plan cancels exactly these open orders (in any order)."""
    plan = _acting_plan(client, control)
    assert sorted(plan["cancel_order_ids"]) == sorted(ids.split(", ")), _dump(plan)


@then("the plan cancels no orders")
def the_plan_cancels_no_orders(client, control) -> None:
    """The plan leaves every open order working."""
    plan = _acting_plan(client, control)
    assert plan["cancel_order_ids"] == [], _dump(plan)


def _brief(plan: dict, role: str, instruction: str, quantity: str) -> None:
    order = _order(plan, role)
    got = (order["instruction"], _decimal(order["quantity"]))
    assert got == (instruction, Decimal(quantity)), (
        f"expected {role} {instruction} {quantity}, got {got[0]} {got[1]}: {_dump(plan)}"
    )


@then(parsers.re(rf"the plan exits with (?P<instruction>{INSTRUCTIONS}) (?P<quantity>{NUMBER})"))
def the_plan_exits_with(client, control, instruction: str, quantity: str) -> None:
    """The exit order's instruction and quantity."""
    _brief(_acting_plan(client, control), "exit", instruction, quantity)


@then(parsers.re(rf"the plan enters with (?P<instruction>{INSTRUCTIONS}) (?P<quantity>{NUMBER})"))
def the_plan_enters_with(client, control, instruction: str, quantity: str) -> None:
    """The entry order's instruction and quantity."""
    _brief(_acting_plan(client, control), "entry", instruction, quantity)


@then("the plan has no exit")
def the_plan_has_no_exit(client, control) -> None:
    """The plan exits nothing (a rejected plan has no exit either)."""
    plan = _plan(client, control)
    assert plan["exit"] is None, _dump(plan)


@then("the plan has no entry")
def the_plan_has_no_entry(client, control) -> None:
    """The plan enters nothing (a rejected plan has no entry either)."""
    plan = _plan(client, control)
    assert plan["entry"] is None, _dump(plan)


@then(parsers.re(rf"the (?P<role>{ROLE}) order is:"))
def the_order_is(client, control, role: str, docstring: str) -> None:
    """The order has these members (a subset of the ORDER object; numbers compared as decimals)."""
    expected = json.loads(docstring, parse_float=Decimal)
    order = _order(_acting_plan(client, control), role)
    problems = mismatches(expected, order)
    assert not problems, f"the {role} order differs: {'; '.join(problems)}; the order: {_dump(order)}"


@then(
    parsers.re(
        rf"the (?P<role>{ROLE}) order's (?P<member>[a-z_]+) is (?P<value>{NUMBER})"
        rf" within (?P<tolerance>{NUMBER})"
    )
)
def the_order_member_is_about(client, control, role: str, member: str, value: str, tolerance: str) -> None:
    """A price within a tolerance (a gateway may round to the instrument's price increment)."""
    order = _order(_acting_plan(client, control), role)
    actual = order.get(member)
    assert _number(actual), f"the {role} order's {member} is {actual!r}: {_dump(order)}"
    assert abs(_decimal(actual) - Decimal(value)) <= Decimal(tolerance), (
        f"the {role} order's {member} is {actual}, not {value} within {tolerance}"
    )


@then(parsers.re(rf"the plan has no (?P<role>{ROLE}) order"))
def the_plan_has_no_order(client, control, role: str) -> None:
    """The plan has no order of this role."""
    plan = _plan(client, control)
    assert plan[ROLES[role]] is None, _dump(plan)


@then(parsers.re(r"the fills are in the order (?P<roles>(?:entry|exit)(?:, (?:entry|exit))*)"))
def the_fills_are_in_the_order(client, control, roles: str) -> None:
    """The paper broker filled the plan's orders in this order."""
    fills = _trade(client, control)["fills"]
    assert [fill["role"] for fill in fills] == roles.split(", "), _dump(fills)


@then(parsers.re(rf"the (?P<role>entry|exit) filled (?P<quantity>{NUMBER}) at (?P<price>{NUMBER})"))
def the_order_filled(client, control, role: str, quantity: str, price: str) -> None:
    """The order of this role filled at once, this quantity at this price."""
    fills = [fill for fill in _trade(client, control)["fills"] if fill["role"] == role]
    assert len(fills) == 1, f"expected one {role} fill: {_dump(fills)}"
    got = (_decimal(fills[0]["quantity"]), _decimal(fills[0]["price"]))
    assert got == (Decimal(quantity), Decimal(price)), f"the {role} filled {got[0]} at {got[1]}"


def _held(control: ControlSession, symbol: str) -> tuple[Decimal, list]:
    positions = control.client.get_account(control.account())["positions"]
    held = sum((_decimal(p["quantity"]) for p in positions if p["symbol"] == symbol), Decimal(0))
    return held, positions


@then(parsers.re(rf"the account holds (?P<quantity>{NUMBER}) (?P<symbol>.+)"))
def the_account_now_holds(control, quantity: str, symbol: str) -> None:
    """The account's position in the symbol now (negative: short)."""
    held, positions = _held(control, symbol)
    assert held == Decimal(quantity), f"the account holds {held} {symbol}: {_dump(positions)}"


@then(parsers.parse("the account is flat in {symbol}"))
def the_account_is_flat_in(control, symbol: str) -> None:
    """The account has no position in the symbol now."""
    held, positions = _held(control, symbol)
    assert held == 0, f"the account holds {held} {symbol}: {_dump(positions)}"


@then(parsers.parse("the account has no open orders for {symbol}"))
def the_account_has_no_open_orders_for(control, symbol: str) -> None:
    """No order for the symbol is working now."""
    orders = control.client.get_account(control.account())["open_orders"]
    assert not [order for order in orders if order["symbol"] == symbol], _dump(orders)


@then(parsers.re(rf"the (?P<role>entry|exit) fill's slippage is (?P<slippage>{NUMBER})"))
def the_fill_slippage_is(client, control, role: str, slippage: str) -> None:
    """The fill of this role records this slippage against the signal's signalPrice."""
    fills = [fill for fill in _trade(client, control)["fills"] if fill["role"] == role]
    assert len(fills) == 1, f"expected one {role} fill: {_dump(fills)}"
    got = fills[0].get("slippage")
    assert got is not None and _decimal(got) == Decimal(slippage), f"the {role} fill's slippage is {got!r}"


@then("the trade is pending")
def the_trade_is_pending(client, control) -> None:
    """The signal's trade waits for its delay: nothing was planned or executed yet."""
    trade = _trade(client, control)
    assert trade.get("status") == "pending", f"the trade is {trade.get('status')!r}: {_dump(trade)}"


@then(parsers.re(rf"the signal's latency is (?P<seconds>{NUMBER}) seconds"))
def the_signal_latency_is(client, control, seconds: str) -> None:
    """The signal log records the time from the signal's `time` to its receipt."""
    log_id = client.exchanges[-1].json().get("logId")
    entries = [entry for entry in control.client.log(limit=1000) if entry["log_id"] == log_id]
    assert entries, f"the log has no entry {log_id}"
    got = entries[0].get("latency_seconds")
    assert got is not None and _decimal(got) == Decimal(seconds), f"the latency is {got!r}"


@then(
    parsers.re(
        r"the plan notes (?P<field>\S+): asked (?P<asked>.+?), used (?P<used>.+?),"
        r" decided by (?P<setting>\S+)"
    )
)
def the_plan_notes(client, control, field: str, asked: str, used: str, setting: str) -> None:
    """The plan has a note (D-078) that the signal's field, asked as `asked` (JSON), was replaced by
    `used` (JSON), and names the setting that decided (`null`: a rule of the spec)."""
    expected = {
        "field": field,
        "asked": json.loads(asked, parse_float=Decimal),
        "used": json.loads(used, parse_float=Decimal),
        "setting": json.loads(setting) if setting == "null" else setting,
    }
    plan = _acting_plan(client, control)
    notes = [note for note in plan["notes"] if isinstance(note, dict) and note.get("field") == field]
    assert any(not mismatches(expected, note) for note in notes), (
        f"expected a note {_dump(expected)}; the plan's notes: {_dump(plan['notes'])}"
    )
    assert all(isinstance(note.get("message"), str) and note["message"] for note in notes), _dump(notes)


@then("the plan has no notes")
def the_plan_has_no_notes(client, control) -> None:
    """The plan did all the signal asked: nothing replaced, ignored or left out (D-078)."""
    plan = _acting_plan(client, control)
    assert plan["notes"] == [], f"the plan has notes: {_dump(plan['notes'])}"


# What a schema validator says when it cannot tell which branch failed: words that say nothing.
UNSAID = ("is not valid under any of the given schemas", "should not be valid under")


def _says_what_is_wrong(message: Any) -> bool:
    return isinstance(message, str) and bool(message.strip()) and not any(s in message for s in UNSAID)


@then(parsers.re(r'the control API refuses it at "(?P<pointer>[^"]*)" saying what is wrong'))
def the_control_api_refuses_it_at(control, pointer: str) -> None:
    """The control request was answered 400 control-invalid-request, and its errors name the member by
    its JSON pointer with a message in words (D-080)."""
    response = control.refused
    assert response is not None, "the scenario sent no control request of its own"
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(
            f"the answer is not JSON: {response.status_code} {response.text[:300]!r}"
        ) from None
    got = (response.status_code, body.get("messageCode"))
    assert got == (400, "control-invalid-request"), f"expected 400 control-invalid-request: {_dump(body)}"
    errors = body.get("errors")
    assert isinstance(errors, list), f"the answer has no errors list: {_dump(body)}"
    named = [error for error in errors if isinstance(error, dict) and error.get("pointer") == pointer]
    assert named, f"no error names {pointer!r}: {_dump(errors)}"
    assert all(_says_what_is_wrong(error.get("message")) for error in named), (
        f"an error at {pointer!r} does not say what is wrong: {_dump(named)}"
    )


@then("the webhook reads back with every setting of its subscription, these among them:")
def the_webhook_reads_back(control, webhook, docstring: str) -> None:
    """GET /control/webhooks/{uuid} lists the scenario's subscription with every setting the contract
    names, the defaults filled in, and these values (a subset; numbers compared as decimals) (D-083)."""
    expected = json.loads(docstring, parse_float=Decimal)
    read = control.client.get_webhook(webhook.uuid)
    mine = [s for s in read.get("subscriptions", []) if s.get("account_id") == control.account()]
    assert len(mine) == 1, f"the webhook does not list the scenario's subscription once: {_dump(read)}"
    settings = mine[0].get("settings")
    assert isinstance(settings, dict), _dump(mine[0])
    missing = sorted(set(SETTING_NAMES) - set(settings))
    assert not missing, f"the settings leave out {missing}: {_dump(settings)}"
    problems = mismatches(expected, settings)
    assert not problems, f"the settings differ: {'; '.join(problems)}; the settings: {_dump(settings)}"
