"""Then steps: statuses, codes, accepted payloads; every response is also checked against the OpenAPI."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from pytest_bdd import parsers, then

from conformance.client import Exchange, TargetClient
from conformance.contract import response_problems
from conformance.steps.when import WRONG_PASSWORD
from webhook_spec.catalogue import error_codes


def _last(client: TargetClient) -> Exchange:
    assert client.exchanges, "no request was sent"
    exchange = client.exchanges[-1]
    problems = response_problems(exchange)
    assert not problems, f"the response breaks schema/openapi.yaml: {'; '.join(problems)}"
    return exchange


def _accepted_body(client: TargetClient) -> dict:
    exchange = _last(client)
    assert exchange.status == 200, f"expected 200, got {exchange.status}: {exchange.response_body[:300]!r}"
    return exchange.json()


@then(parsers.parse('the response is {status:d} "{code}"'))
def the_response_is(client, status: int, code: str) -> None:
    """The last response has this status and messageCode."""
    entry = error_codes().get(code)
    assert entry is not None and entry.status == status, (
        f"the scenario names {status} {code!r}: not in the catalogue"
    )
    exchange = _last(client)
    got = exchange.json().get("messageCode") if exchange.method != "HEAD" else None
    assert (exchange.status, got) == (status, code), (
        f"expected {status} {code!r}, got {exchange.status} {got!r}"
    )


@then("the response is documented JSON, not a redirect")
def the_response_is_not_a_redirect(client) -> None:
    """The last response conforms to schema/openapi.yaml (no 3xx is documented) and names no other URL."""
    headers = {name.lower(): value for name, value in _last(client).response_headers.items()}
    assert "location" not in headers, f"the response redirects to {headers['location']!r}"


@then("no response repeats a password the kit sent")
def no_response_repeats_a_password(client, webhook) -> None:
    """No header or body of the scenario's responses holds the webhook's password, nor a wrong one sent."""
    secrets = {webhook.password, WRONG_PASSWORD, WRONG_PASSWORD[::-1]}
    for exchange in client.exchanges:
        headers = "\n".join(f"{name}: {value}" for name, value in exchange.response_headers.items())
        text = (headers + "\n" + exchange.response_body.decode("utf-8", "replace")).lower()
        assert not any(secret.lower() in text for secret in secrets), (
            f"{exchange.method} {exchange.url} was answered {exchange.status} with a password in it"
        )


@then("the signal is accepted")
def the_signal_is_accepted(client) -> None:
    """The last response is a 200 in the documented shape."""
    assert _accepted_body(client)["success"] is True


@then("the accepted payload is:")
def the_accepted_payload_is(client, docstring: str) -> None:
    """The normalized payload echoed in the 200 is exactly this JSON."""
    assert _accepted_body(client)["payload"] == json.loads(docstring)


@then(parsers.parse('the accepted payload has no "{field}"'))
def the_accepted_payload_has_no(client, field: str) -> None:
    """The normalized payload lacks this field."""
    assert field not in _accepted_body(client)["payload"]


def _two_accepted(client: TargetClient) -> tuple[dict, dict]:
    """The answers of the first and the last request of the scenario, both conforming 200s."""
    assert len(client.exchanges) >= 2, "the scenario sent fewer than two requests"
    _accepted_body(client)
    first = client.exchanges[0]
    assert first.status == 200 and not response_problems(first), f"the first answer was {first.status}"
    return first.json(), client.exchanges[-1].json()


@then("the answer has the id and payload of the first answer")
def the_answer_has_the_first_id_and_payload(client) -> None:
    """The last 200 names the same signal as the scenario's first: its retry is no new signal."""
    first, last = _two_accepted(client)
    assert last["id"] == first["id"], f"a new signal {last['id']}, not {first['id']}"
    assert last["payload"] == first["payload"]


@then("the answer has a new id")
def the_answer_has_a_new_id(client) -> None:
    """The last 200 names another signal than the scenario's first."""
    first, last = _two_accepted(client)
    assert last["id"] != first["id"], f"the same signal {first['id']} twice"


@then("every response was accepted")
def every_response_was_accepted(burst: list) -> None:
    """Every request of the latest burst (`When <n> signals are sent`) got a conforming 200."""
    statuses = [exchange.status for exchange in burst]
    assert statuses and all(status == 200 for status in statuses), f"statuses: {statuses}"
    for exchange in burst:
        assert not response_problems(exchange)


@then("the response has a Retry-After header")
def the_response_has_retry_after(client) -> None:
    """The last response says, in whole seconds, when to retry."""
    value = _last(client).response_headers.get("Retry-After", "")
    assert value.isdigit() and int(value) >= 0, f"Retry-After is {value!r}"


@then(parsers.parse('the error names the field "{pointer}"'))
def the_error_names_the_field(client, pointer: str) -> None:
    """The last error's `pointer` is this JSON Pointer, its `detail` a sentence naming the field (D-070)."""
    body = _last(client).json()
    assert body.get("pointer") == pointer, f"expected pointer {pointer!r}, got {body.get('pointer')!r}"
    detail, name = body.get("detail"), pointer.rsplit("/", 1)[-1]
    assert isinstance(detail, str) and name in detail, f"the detail {detail!r} does not name {name!r}"


@then("the error names no field")
def the_error_names_no_field(client) -> None:
    """The last error has neither `pointer` nor `detail`: no field is at fault (D-070)."""
    body = _last(client).json()
    named = {member: body[member] for member in ("pointer", "detail") if member in body}
    assert not named, f"the error names a field: {named}"


@then("the response has a logId")
def the_response_has_a_log_id(client) -> None:
    """The last response names its signal-log entry."""
    log_id = _last(client).json().get("logId")
    assert isinstance(log_id, str) and log_id, "the response has no logId"


@then(parsers.parse("the response came within {seconds:d} seconds"))
def the_response_came_within(client, seconds: int) -> None:
    """The last response arrived in time (TradingView gives up after 3 seconds)."""
    elapsed = _last(client).elapsed
    assert elapsed <= seconds, f"the response took {elapsed:.2f} seconds"


@then("the target is served on port 443 or 80")
def the_target_is_served_on_a_standard_port(target) -> None:
    """TradingView sends webhooks to ports 443 and 80 only."""
    parts = urlsplit(target.base_url)
    assert (parts.port or {"https": 443, "http": 80}[parts.scheme]) in (80, 443), f"port {parts.port}"
