"""Given and When steps of the robustness scenarios: bodies at the limits, stalled and trickling clients."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from pytest_bdd import given, parsers, when

from conformance.client import Exchange, TargetClient
from conformance.robustness import (
    AS_DEEP_AS_FITS,
    BODY_LIMIT,
    StringProbe,
    compressed,
    escape_probes,
    nested_body,
    numeric_fields,
    raw_byte_probes,
    signal_with,
)
from conformance.steps.when import ACCEPTABLE_SIGNAL, WRONG_PASSWORD
from conformance.target import Target, Webhook

TRICKLE_SECONDS = 0.05  # between two bytes of a trickling connection
# The requests each probing step sends, for `webhook-conformance profile init` (conformance/profile_init.py).
REQUESTS = {
    r"each numeric field is sent in a signal of its own, set to .+": lambda match: len(numeric_fields()),
    r"each byte value 00 to ff is sent raw inside a string at (?P<field>.+)": (
        lambda match: sum(1 for _ in raw_byte_probes(match["field"]))
    ),
    r"each escape \\u0000 to \\u00ff and of a lone surrogate is sent inside a string at (?P<field>.+)": (
        lambda match: sum(1 for _ in escape_probes(match["field"]))
    ),
}


@dataclass(frozen=True)
class Probe:
    """One request of a probing step: what it varied and the exchange."""

    label: str
    exchange: Exchange
    string: StringProbe | None = None


@pytest.fixture
def probes() -> list[Probe]:
    """The requests of the scenario's latest probing step (`When each ...`), labelled."""
    return []


def _post(client: TargetClient, webhook: Webhook, headers: dict[str, str], body: bytes) -> Exchange:
    return client.send("POST", webhook.path, body, headers)


@when(parsers.parse("a body with {where} nested {depth} deep is sent"))
def a_nested_body_is_sent(client, webhook, request_headers, where: str, depth: str) -> None:
    """POST a body whose arrays or objects nest `depth` levels at `where` (conformance.robustness.NESTINGS);
    `as deep as 64 KiB allows` nests as deep as the body limit allows."""
    levels = None if depth == AS_DEEP_AS_FITS else int(depth)
    body = nested_body(where, levels)
    assert len(body) <= BODY_LIMIT, f"{len(body)} bytes: past the body limit"
    _post(client, webhook, request_headers, body)


@when(parsers.re(r"a signal whose (?P<field>.+?) is (?P<template>.+) is sent"))
def a_signal_with_a_value_is_sent(client, webhook, request_headers, field: str, template: str) -> None:
    """POST the ticker-and-action signal with `template` (JSON text; `(X*N)` repeats X N times,
    `(X*fill)` as often as fits in 64 KiB) at `field`: a field, `parent.child`, `a key in extras` or
    `a key of the signal`."""
    _post(client, webhook, request_headers, signal_with(field, template.encode("utf-8")))


@when(parsers.parse("each numeric field is sent in a signal of its own, set to {number}"))
def each_numeric_field_is_sent(client, webhook, request_headers, probes: list[Probe], number: str) -> None:
    """POST one signal per numeric field of the signal schema, that field set to `number` (JSON text,
    with repeats as in `a signal whose ... is ... is sent`)."""
    probes.clear()
    for field in numeric_fields():
        exchange = _post(client, webhook, request_headers, signal_with(field, number.encode("utf-8")))
        probes.append(Probe(f"{field} = {number}", exchange))


def _send_strings(client, webhook, request_headers, probes: list[Probe], strings) -> None:
    probes.clear()
    for string in strings:
        exchange = _post(client, webhook, request_headers, string.body)
        probes.append(Probe(f"{string.label} in {string.field}", exchange, string))


@when(parsers.parse("each byte value 00 to ff is sent raw inside a string at {field}"))
def each_raw_byte_is_sent(client, webhook, request_headers, probes: list[Probe], field: str) -> None:
    """POST 256 signals, each with one byte value, unescaped, inside a string at `field`."""
    _send_strings(client, webhook, request_headers, probes, raw_byte_probes(field))


@when(
    parsers.parse("each escape \\u0000 to \\u00ff and of a lone surrogate is sent inside a string at {field}")
)
def each_escape_is_sent(client, webhook, request_headers, probes: list[Probe], field: str) -> None:
    """POST 260 signals, each with one \\u escape (U+0000 to U+00FF, and four lone surrogates) inside a
    string at `field`."""
    _send_strings(client, webhook, request_headers, probes, escape_probes(field))


@when("the same body is sent again with the wrong password")
def the_same_body_with_the_wrong_password(client, webhook, request_headers) -> None:
    """POST the last request's body again, byte for byte, to the webhook's uuid with another password."""
    assert client.exchanges, "no request was sent"
    password = WRONG_PASSWORD if webhook.password != WRONG_PASSWORD else WRONG_PASSWORD[::-1]
    _post(client, Webhook(webhook.uuid, password), request_headers, client.exchanges[-1].request_body)


@when(parsers.parse("the signal is sent compressed with {coding}:"))
def the_signal_is_sent_compressed(client, webhook, request_headers, coding: str, docstring: str) -> None:
    """POST the docstring compressed with `coding` (gzip or deflate), labelled so by Content-Encoding."""
    body = compressed(docstring.encode("utf-8"), coding)
    _post(client, webhook, request_headers | {"Content-Encoding": coding}, body)


@when(parsers.parse('the signal is sent uncompressed, labelled Content-Encoding "{coding}":'))
def the_signal_is_sent_mislabelled(client, webhook, request_headers, coding: str, docstring: str) -> None:
    """POST the docstring as it is, with a Content-Encoding header that says it is compressed."""
    _post(client, webhook, request_headers | {"Content-Encoding": coding}, docstring.encode("utf-8"))


@when(parsers.parse("a signal padded with spaces to {megabytes:d} MB is sent compressed with {coding}"))
def a_padded_signal_is_sent_compressed(client, webhook, request_headers, megabytes: int, coding: str) -> None:
    """POST an acceptable signal padded with spaces to `megabytes` MB, compressed with `coding`: a small
    body that decodes far past the body size limit."""
    body = compressed(ACCEPTABLE_SIGNAL.ljust(megabytes * 1_000_000, b" "), coding)
    assert len(body) <= BODY_LIMIT, f"{len(body)} bytes compressed: past the body limit"
    _post(client, webhook, request_headers | {"Content-Encoding": coding}, body)


@when("the signal is sent over HTTP/1.0 without a Content-Length:")
def the_signal_is_sent_over_http10(client, target: Target, webhook, docstring: str) -> None:
    """Send the docstring as the body of an HTTP/1.0 POST with no Content-Length (its end shown only by
    the connection's close, which HTTP/1.0 does not allow for a request) and read the answer."""
    path = urlsplit(client.base_url).path + webhook.path
    head = f"POST {path} HTTP/1.0\r\nHost: {urlsplit(client.base_url).netloc}\r\n"
    request = (head + "Content-Type: application/json\r\n\r\n").encode("latin-1") + docstring.encode("utf-8")
    client.send_raw(request, target.read_timeout + 5, webhook.path)


def _connect(target: Target) -> socket.socket:
    parts = urlsplit(target.base_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return socket.create_connection((parts.hostname, port), timeout=5)


def _head(webhook: Webhook, length: int) -> bytes:
    return (
        f"POST {webhook.path} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


@given(parsers.parse("{count:d} connections stall in the middle of a 64 KiB body"))
def connections_stall_in_a_body(request, target: Target, webhook: Webhook, count: int) -> None:
    """Hold `count` connections that sent a whole head declaring a 64 KiB body and half of the body."""
    held: list[socket.socket] = []
    request.addfinalizer(lambda: [sock.close() for sock in held])
    for _ in range(count):
        sock = _connect(target)
        sock.sendall(_head(webhook, BODY_LIMIT) + b" " * (BODY_LIMIT // 2))
        held.append(sock)


@given(parsers.parse("{count:d} connections trickle a request one byte at a time"))
def connections_trickle(request, target: Target, webhook: Webhook, count: int) -> None:
    """Keep `count` connections sending a request one byte every TRICKLE_SECONDS until the scenario ends
    (a connection the target closes stops trickling)."""
    request_bytes = _head(webhook, 64) + b" " * 64
    sockets: list[socket.socket] = []
    stop = threading.Event()

    def trickle() -> None:
        alive = list(sockets)
        for index in range(1, len(request_bytes)):
            for sock in list(alive):
                try:
                    sock.sendall(request_bytes[index : index + 1])
                except OSError:
                    alive.remove(sock)
            if not alive or stop.wait(TRICKLE_SECONDS):
                return

    thread = threading.Thread(target=trickle, daemon=True)

    def finish() -> None:
        stop.set()
        if thread.is_alive():
            thread.join(timeout=5)
        for sock in sockets:
            sock.close()

    request.addfinalizer(finish)
    for _ in range(count):  # each has begun its request before the scenario goes on
        sockets.append(_connect(target))
        sockets[-1].sendall(request_bytes[:1])
    thread.start()
