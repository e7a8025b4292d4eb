"""Given steps over the test-control API: a webhook with its settings, the account, quotes, clock.

Every scenario that uses one of these steps starts from a reset target: the `control` fixture resets the
control state once, when the scenario's first control step asks for it. On a target without the
control API (capability control-api) the steps make the scenario not applicable.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pytest
import requests
from pytest_bdd import given, parsers, when

from conformance.control_client import ControlClient, ControlError
from conformance.redaction import Redactor
from conformance.steps.fixtures import not_applicable
from conformance.target import Target, Webhook
from webhook_spec.openapi import asset_classes

DEFAULT_EQUITY = 100000
NUMBER = r"-?\d+(?:\.\d+)?"
ORDER_TYPES = r"market|limit|stop_limit|stop|trailing_stop"


@dataclass
class ControlSession:
    """The control client of one scenario and what its Given steps set up so far."""

    client: ControlClient
    redactor: Redactor
    account_id: str | None = None
    subscription_id: str | None = None
    positions: dict[str, dict] = field(default_factory=dict)
    open_orders: list[dict] = field(default_factory=list)
    clock_set: bool = False
    refused: requests.Response | None = None  # the answer to a control request a scenario sent itself
    previous_webhook: Webhook | None = None  # the webhook as it was before its password was rotated

    def account(self) -> str:
        """The account of the scenario's webhook subscription."""
        if self.account_id is None:
            raise AssertionError('the scenario needs a `Given a "<asset_class>" webhook ...` step first')
        return self.account_id


@pytest.fixture
def control(target: Target, redactor: Redactor) -> Iterator[ControlSession]:
    """The control API of the target, reset once for this scenario; not applicable without one."""
    if "control-api" not in target.capabilities or not (target.control_url and target.control_token):
        not_applicable("the target offers no test-control API (capability control-api)")
    client = ControlClient(target.control_url, target.control_token)
    session = ControlSession(client, redactor)
    try:
        client.reset()
        yield session
    finally:
        if session.clock_set:  # leave the target's clock as other scenarios expect it
            with contextlib.suppress(ControlError, requests.RequestException):
                client.set_clock(None)
        client.close()


def _create_webhook(control: ControlSession, asset_class: str, settings: dict, **restrictions) -> Webhook:
    if asset_class not in asset_classes():
        raise ValueError(f"unknown asset class {asset_class!r}; one of {', '.join(asset_classes())}")
    body = {
        "asset_class": asset_class,
        "subscriptions": [{"settings": settings, "account": {"equity": DEFAULT_EQUITY}}],
        **restrictions,
    }
    created = control.client.create_webhook(body)
    control.redactor.add(created.get("password"))  # a secret like the profile's from now on
    subscription = created["subscriptions"][0]
    control.subscription_id, control.account_id = subscription["id"], subscription["account_id"]
    return Webhook(created["uuid"], created["password"])


@given(parsers.parse('a "{asset_class}" webhook with the subscription settings:'), target_fixture="webhook")
def a_webhook_with_settings(control: ControlSession, asset_class: str, docstring: str) -> Webhook:
    """Create a webhook of the asset class whose one subscription has these settings (JSON)."""
    settings = json.loads(docstring)
    if not isinstance(settings, dict):
        raise ValueError("the subscription settings must be a JSON object")
    return _create_webhook(control, asset_class, settings)


@given(
    parsers.parse('a "{asset_class}" webhook with default subscription settings'), target_fixture="webhook"
)
def a_webhook_with_default_settings(control: ControlSession, asset_class: str) -> Webhook:
    """Create a webhook of the asset class with one subscription of default settings."""
    return _create_webhook(control, asset_class, {})


@given(
    parsers.parse('a "{asset_class}" webhook limited to the addresses {addresses}'), target_fixture="webhook"
)
def a_webhook_limited_to_addresses(control: ControlSession, asset_class: str, addresses: str) -> Webhook:
    """Create a webhook of the asset class (default subscription) limited to these addresses and CIDR
    ranges, separated by commas."""
    entries = [entry.strip() for entry in addresses.split(",")]
    return _create_webhook(control, asset_class, {}, limit_to="ip", ip_addresses=entries)


@given(
    parsers.re(rf"the account holds (?P<quantity>{NUMBER}) (?P<symbol>.+?)(?: at (?P<avg_price>{NUMBER}))?")
)
def the_account_holds(control: ControlSession, quantity: str, symbol: str, avg_price: str | None) -> None:
    """Hold a position (negative: short), besides the ones held already; `at P` sets its average price."""
    position: dict = {"symbol": symbol, "quantity": Decimal(quantity)}
    if avg_price is not None:
        position["avg_price"] = Decimal(avg_price)
    control.positions[symbol] = position
    held = [p for p in control.positions.values() if p["quantity"] != 0]
    control.client.put_account(control.account(), {"positions": held})


@given(
    parsers.re(
        rf"the account has an open (?P<side>buy|sell) (?P<order_type>{ORDER_TYPES}) order (?P<order_id>\S+)"
        rf" for (?P<quantity>{NUMBER}) (?P<symbol>.+?)(?: at (?P<price>{NUMBER}))?"
    )
)
def the_account_has_an_open_order(
    control: ControlSession,
    side: str,
    order_type: str,
    order_id: str,
    quantity: str,
    symbol: str,
    price: str | None,
) -> None:
    """Add a working order; `at P` is its limit price, or stop price (both for a stop_limit)."""
    order: dict = {"id": order_id, "symbol": symbol, "side": side, "quantity": Decimal(quantity)}
    order["order_type"] = order_type
    if price is not None:
        if order_type in ("limit", "stop_limit"):
            order["limit_price"] = Decimal(price)
        if order_type in ("stop", "stop_limit", "trailing_stop"):
            order["stop_price"] = Decimal(price)
    control.open_orders.append(order)
    control.client.put_account(control.account(), {"open_orders": control.open_orders})


@given(parsers.re(rf"the account equity is (?P<amount>{NUMBER}|unknown)"))
def the_account_equity_is(control: ControlSession, amount: str) -> None:
    """Set the account equity (`unknown`: the account reports none)."""
    equity = None if amount == "unknown" else Decimal(amount)
    control.client.put_account(control.account(), {"equity": equity})


@given(
    parsers.re(
        rf"the quote for (?P<symbol>.+?) is bid (?P<bid>{NUMBER}) ask (?P<ask>{NUMBER})"
        rf"(?: last (?P<last>{NUMBER}))?"
    )
)
def the_quote_is(control: ControlSession, symbol: str, bid: str, ask: str, last: str | None) -> None:
    """Set the symbol's quote."""
    control.client.put_quote(symbol, Decimal(bid), Decimal(ask), None if last is None else Decimal(last))


@given(parsers.re(r"(?P<symbol>.+) has no quote"))
def the_symbol_has_no_quote(control: ControlSession, symbol: str) -> None:
    """Remove the symbol's quote."""
    control.client.delete_quote(symbol)


@given(parsers.re(r"the time is (?P<now>\S+)"))
def the_time_is(control: ControlSession, now: str) -> None:
    """Fix the target's clock at an RFC 3339 time with an offset (2025-06-18T14:30:00Z)."""
    moment = datetime.fromisoformat(now)
    if moment.tzinfo is None:
        raise ValueError(f"{now!r} has no UTC offset")
    control.client.set_clock(now)
    control.clock_set = True


@when("the webhook's password is rotated", target_fixture="webhook")
@when(
    parsers.parse("the webhook's password is rotated with a grace of {seconds:d} seconds"),
    target_fixture="webhook",
)
def the_password_is_rotated(control: ControlSession, webhook: Webhook, seconds: int = 0) -> Webhook:
    """Rotate the scenario's webhook's password through the control API; later steps use the new one."""
    rotated = control.client.rotate_webhook(webhook.uuid, seconds)
    control.redactor.add(rotated.get("password"))
    control.previous_webhook = webhook
    return Webhook(rotated["uuid"], rotated["password"])


@when("the signal is sent with the password it had before:")
def the_signal_is_sent_with_the_old_password(
    control: ControlSession, client, request_headers, docstring: str
):
    """POST the docstring to the webhook's URL as it was before its password was rotated."""
    if control.previous_webhook is None:
        raise AssertionError("the scenario rotated no password")
    client.send("POST", control.previous_webhook.path, docstring.encode("utf-8"), request_headers)


@when(parsers.re(r"the control request (?P<method>GET|PUT|POST|DELETE) (?P<path>\S+) is sent:"))
def the_control_request_is_sent(control: ControlSession, method: str, path: str, docstring: str) -> None:
    """Send a control request with this JSON body (`{account}` in the path: the scenario's account)."""
    body = json.loads(docstring)
    control.refused = control.client.send(method, path.replace("{account}", control.account()), body)
