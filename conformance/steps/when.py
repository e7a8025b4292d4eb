"""When steps: send bodies, methods and bursts to the chosen webhook."""

from __future__ import annotations

import time

from pytest_bdd import parsers, when

from conformance.client import TargetClient
from conformance.steps.fixtures import not_applicable
from conformance.target import Target, Webhook

ACCEPTABLE_SIGNAL = b'{"ticker": "AMD", "action": "buy"}'
UNKNOWN_WEBHOOK = Webhook("ffffffff-ffff-4fff-bfff-ffffffffffff", "f" * 32)
WRONG_PASSWORD = "0123456789abcdef0123456789abcdef"


def _post(client: TargetClient, webhook: Webhook, headers: dict[str, str], body: bytes) -> None:
    client.send("POST", webhook.path, body, headers)


@when("the signal is sent:")
def the_signal_is_sent(client, webhook, request_headers, docstring: str) -> None:
    """POST the docstring as the body, byte for byte (UTF-8)."""
    _post(client, webhook, request_headers, docstring.encode("utf-8"))


@when(parsers.parse("the body {body} is sent"))
def the_body_is_sent(client, webhook, request_headers, body: str) -> None:
    """POST an Examples cell as the body (a `\\|` in the cell stands for `|`)."""
    _post(client, webhook, request_headers, body.replace("\\|", "|").encode("utf-8"))


@when("the same body is sent again")
def the_same_body_is_sent_again(client, webhook, request_headers) -> None:
    """POST the last request's body again, byte for byte, to the same webhook, as a sender retrying it
    would: a paced scenario webhook that moves on when its quota runs out (pool.ScenarioWebhook) must
    not move on here, or the retry would meet another webhook and be a new signal."""
    assert client.exchanges, "no request was sent"
    same_webhook = getattr(webhook, "current", webhook)
    _post(client, same_webhook, request_headers, client.exchanges[-1].request_body)


@when("an empty body is sent")
def an_empty_body_is_sent(client, webhook, request_headers) -> None:
    """POST with no body at all."""
    _post(client, webhook, request_headers, b"")


@when(parsers.parse("the bytes {hex_body} are sent"))
def the_bytes_are_sent(client, webhook, request_headers, hex_body: str) -> None:
    """POST raw bytes given in hex (for bodies that are not UTF-8)."""
    _post(client, webhook, request_headers, bytes.fromhex(hex_body))


@when(parsers.parse("a body of {size:d} bytes is sent"))
def a_body_of_size_is_sent(client, webhook, request_headers, size: int) -> None:
    """POST an acceptable signal padded with spaces to exactly `size` bytes."""
    if size < len(ACCEPTABLE_SIGNAL):
        raise ValueError(f"a signal needs at least {len(ACCEPTABLE_SIGNAL)} bytes")
    _post(client, webhook, request_headers, ACCEPTABLE_SIGNAL.ljust(size, b" "))


@when(parsers.parse("a signal is sent with a header of {size:d} bytes"))
def a_signal_with_a_large_header(client, target: Target, webhook, request_headers, size: int) -> None:
    """POST an acceptable signal with one more header whose value is `size` bytes long (not applicable
    when the profile declares a front end that lets no such header through)."""
    if target.front_end is not None and (reason := target.front_end.refuses_header(size)):
        not_applicable(reason)
    _post(client, webhook, request_headers | {"X-Padding": "a" * size}, ACCEPTABLE_SIGNAL)


@when(parsers.parse("a {method} request is sent"))
def a_method_request_is_sent(client, webhook, request_headers, method: str) -> None:
    """Send a request with another method than POST (and no body)."""
    client.send(
        method.upper(), webhook.path, b"", {k: v for k, v in request_headers.items() if k != "Content-Type"}
    )


@when("a signal is sent with the wrong password")
def a_signal_with_the_wrong_password(client, webhook, request_headers) -> None:
    """POST an acceptable signal to the webhook's uuid with another password."""
    password = WRONG_PASSWORD if webhook.password != WRONG_PASSWORD else WRONG_PASSWORD[::-1]
    _post(client, Webhook(webhook.uuid, password), request_headers, ACCEPTABLE_SIGNAL)


# A webhook's path, changed as a sender's typo or an attacker would (dot segments are left out: HTTP
# clients resolve them before sending, so the target would see the webhook's own path).
# Each changes the webhook path template (/trading/webhook/{uuid}/{password} unless the profile says).
PATH_CHANGES = {
    "a doubled slash before the uuid": lambda path: path.replace("/{uuid}", "//{uuid}"),
    "a doubled slash before the password": lambda path: path.replace("/{password}", "//{password}"),
    "a leading doubled slash": lambda path: "/" + path,
    "a trailing slash": lambda path: path + "/",
}


@when(parsers.parse("a signal is sent to the webhook's path with {change}"))
def a_signal_to_a_changed_path(client, webhook, request_headers, change: str) -> None:
    """POST an acceptable signal to the webhook's path changed as PATH_CHANGES says."""
    if change not in PATH_CHANGES:
        raise ValueError(f"unknown path change {change!r}; one of {', '.join(PATH_CHANGES)}")
    path = PATH_CHANGES[change](webhook.template).format(uuid=webhook.uuid, password=webhook.password)
    client.send("POST", path, ACCEPTABLE_SIGNAL, request_headers)


@when(parsers.parse("{count:d} signals are sent with the wrong password"))
def signals_with_the_wrong_password(client, webhook, request_headers, burst: list, count: int) -> None:
    """POST `count` acceptable signals with another password, one after another (a failed-auth flood)."""
    burst.clear()
    for _ in range(count):
        a_signal_with_the_wrong_password(client, webhook, request_headers)
        burst.append(client.exchanges[-1])


@when("a signal is sent to an unknown webhook")
def a_signal_to_an_unknown_webhook(client, target: Target, request_headers) -> None:
    """POST an acceptable signal to a uuid no gateway has, at the target's webhook path."""
    unknown = Webhook(UNKNOWN_WEBHOOK.uuid, UNKNOWN_WEBHOOK.password, target.webhook_path)
    _post(client, unknown, request_headers, ACCEPTABLE_SIGNAL)


@when(parsers.parse("{count:d} signals are sent"))
def signals_are_sent(client, webhook, request_headers, burst: list, count: int) -> None:
    """POST `count` acceptable signals one after another (the burst the next Then looks at)."""
    burst.clear()
    for _ in range(count):
        _post(client, webhook, request_headers, ACCEPTABLE_SIGNAL)
        burst.append(client.exchanges[-1])


@when(parsers.parse("{count:d} signals are sent at {rate:d} per minute"))
def signals_are_sent_at_a_rate(client, webhook, request_headers, burst: list, count: int, rate: int) -> None:
    """POST `count` acceptable signals, evenly paced at `rate` a minute (for the hourly limit)."""
    burst.clear()
    start = time.monotonic()
    for index in range(count):
        time.sleep(max(0.0, start + index * 60 / rate - time.monotonic()))
        _post(client, webhook, request_headers, ACCEPTABLE_SIGNAL)
        burst.append(client.exchanges[-1])


@when("the next clock minute begins")
def the_next_clock_minute_begins() -> None:
    """Wait until just after the next wall-clock minute, where fixed (not sliding) windows would reset."""
    time.sleep(60 - time.time() % 60 + 0.5)


@when("a request's headers stall past the gateway's read timeout")
def a_request_stalls(client, target) -> None:
    """Send an unfinished request line and headers, then nothing, and wait for the gateway's answer."""
    start = f"POST {target.webhook_path_start} HTTP/1.1\r\nHost: gateway\r\n".encode()
    client.send_raw(start, target.read_timeout + 5)
