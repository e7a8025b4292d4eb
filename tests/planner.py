"""Helpers of the planner tests: plans in a line, and the case files of tests/planner_cases/ run as plans."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Resource
from referencing.jsonschema import DRAFT202012

from reference_server.paper.codec import account_from, decimal, quote_from, settings_from_json
from reference_server.paper.planner import (
    AccountSnapshot,
    Instrument,
    Note,
    OpenOrder,
    Order,
    Plan,
    Position,
    Quote,
    SubscriptionSettings,
    plan_trade,
)
from webhook_spec.openapi import CONTROL_API
from webhook_spec.signal_schema import format_checker

D = Decimal
NOW = datetime(2025, 6, 18, 14, 30, tzinfo=UTC)  # a Wednesday, 10:30 in New York
SQ = Instrument("SQ", "stocks")
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
CASES_DIR = Path(__file__).parent / "planner_cases"
CASE_SCHEMA = CASES_DIR / "case.schema.json"
# The `subscription` of a case: the settings its own `settings` replace key by key.
SUBSCRIPTIONS = {"default": DEFAULT, "signal": SIGNAL}
ORDER_ROLES = ("exit", "entry", "take_profit", "stop_loss")


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


# --- the case files ---


def case_files() -> list[Path]:
    """Every case file, sorted."""
    return sorted(path for path in CASES_DIR.glob("*.json") if path != CASE_SCHEMA)


def planner_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every case of every case file, with its file's name."""
    for path in case_files():
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            yield path.stem, case


def case_schema() -> dict[str, Any]:
    """The parsed case.schema.json."""
    return json.loads(CASE_SCHEMA.read_text(encoding="utf-8"))


def case_file_validator() -> Draft202012Validator:
    """A validator of case files, resolving the schema's references into schema/control-api.yaml."""
    uri = CASE_SCHEMA.resolve().as_uri()
    resource = Resource(contents=case_schema(), specification=DRAFT202012)
    registry = CONTROL_API.registry.with_resource(uri, resource)
    return Draft202012Validator({"$ref": uri}, registry=registry, format_checker=format_checker())


def _settings(case: dict[str, Any]) -> SubscriptionSettings:
    """The case's subscription with the case's settings in place of its own."""
    given = case.get("settings", {})
    converted = settings_from_json(given)
    subscription = SUBSCRIPTIONS[case.get("subscription", "default")]
    return replace(subscription, **{key: getattr(converted, key) for key in given})


def _instrument(data: dict[str, Any]) -> Instrument:
    """A case's instrument."""
    return Instrument(
        symbol=data["symbol"],
        asset_class=data["asset_class"],
        option_type=data.get("option_type"),
        multiplier=decimal(data.get("multiplier", 1)),
    )


def _account(data: dict[str, Any]) -> AccountSnapshot:
    """A case's account, in the control API's AccountUpdate shape (the codec reads it as the API does)."""
    return account_from(data, AccountSnapshot(equity=None, positions=(), open_orders=()))


def plan_case(case: dict[str, Any]) -> Plan:
    """The plan the planner makes of a case's signal in its state (a part left out: the schema's default)."""
    schema = case_schema()["$defs"]
    return plan_trade(
        case["signal"],
        instrument=_instrument(case.get("instrument", schema["instrument"]["default"])),
        settings=_settings(case),
        account=_account(case.get("account", {})),
        quote=quote_from(case["quote"]) if "quote" in case else None,
        clock=datetime.fromisoformat(case.get("clock", schema["case"]["properties"]["clock"]["default"])),
    )


def _expected(value: Any) -> Any:
    """An expected JSON value as the planner holds it: numbers as Decimal."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return Decimal(str(value)) if is_number else value


def _order_differences(role: str, expected: dict[str, Any] | None, order: Order | None) -> list[str]:
    """How one order of a plan differs from the values a case expects of it."""
    if expected is None or order is None:
        return [] if expected is order else [f"{role}: {order!r}, expected {expected!r}"]
    return [
        f"{role}.{key}: {getattr(order, key)!r}, expected {value!r}"
        for key, value in expected.items()
        if getattr(order, key) != _expected(value)
    ]


def _note_differences(expected: list[dict[str, Any]], notes: tuple[Note, ...]) -> list[str]:
    """How a plan's notes differ from the members a case expects of each, in order."""
    if len(expected) != len(notes):
        return [f"notes: {notes!r}, expected {expected!r}"]
    return [
        f"notes/{index}.{key}: {getattr(note, key)!r}, expected {value!r}"
        for index, (wanted, note) in enumerate(zip(expected, notes, strict=True))
        for key, value in wanted.items()
        if getattr(note, key) != _expected_value(value)
    ]


def _expected_value(value: Any) -> Any:
    """An expected JSON value, members too, as the planner holds it: numbers as Decimal."""
    if isinstance(value, dict):
        return {name: _expected_value(member) for name, member in value.items()}
    return _expected(value)


def plan_differences(expected: dict[str, Any], actual: Plan) -> list[str]:
    """How a plan differs from the parts of a plan a case expects; empty when it has them all."""
    parts = {
        "rejection": actual.rejection,
        "cancel_order_ids": list(actual.cancel_order_ids),
        "orders": [order.role for order in actual.orders],
    }
    differences = [
        f"{key}: {parts[key]!r}, expected {value!r}"
        for key, value in expected.items()
        if key in parts and parts[key] != value
    ]
    if "notes" in expected:
        differences += _note_differences(expected["notes"], actual.notes)
    for role in ORDER_ROLES:
        if role in expected:
            differences += _order_differences(role, expected[role], getattr(actual, role))
    return differences
