"""A request that arrives whole in one read is answered in that read (D-090), exactly as the same request
whose body comes in a later read, which goes through uvicorn's ASGI task. Real sockets, a real gateway."""

from __future__ import annotations

import json
import re
import socket
import threading
import time

import pytest
import requests

from reference_server.config import BODY_LIMIT_BYTES
from tests.gateways import HOOKS, gateway_process, loopback_address
from webhook_spec.openapi import WEBHOOK_PREFIX

UNKNOWN_WEBHOOK = f"{WEBHOOK_PREFIX}ffffffff-ffff-4fff-bfff-ffffffffffff/{'f' * 32}"
SIGNAL = b'{"ticker": "AMD", "action": "buy"}'
LATER = 0.3  # seconds between a request's head and its body, when the body comes in a later read


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    """A gateway with the test webhooks and limits no test here reaches."""
    with gateway_process(tmp_path_factory.mktemp("whole"), rate_limits="100000/minute") as running:
        yield running


def _exchange(gateway, *parts: bytes) -> bytes:
    """Send `parts` on one connection, LATER seconds apart; every byte the gateway sends until it closes."""
    with socket.create_connection(loopback_address(gateway.base_url)) as sock:
        sock.settimeout(5)
        for index, part in enumerate(parts):
            if index:
                time.sleep(LATER)
            sock.sendall(part)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def _post(path: str, body: bytes, version: str = "1.1", close: bool = True) -> bytes:
    connection = "Connection: close\r\n" if close else ""
    head = f"POST {path} HTTP/{version}\r\nHost: x\r\nContent-Type: application/json\r\n{connection}"
    return f"{head}Content-Length: {len(body)}\r\n\r\n".encode()


def _comparable(answer: bytes) -> bytes:
    """The answer without what differs from one answer to the next: its date and its log id."""
    answer = re.sub(rb"(?im)^date: [^\r]*\r\n", b"", answer)
    return re.sub(rb'"logId":"[^"]*"', b'"logId":"-"', answer)


# Requests by what they are: path, body, HTTP version, and whether they ask to close the connection.
REQUESTS = {
    "to an unknown webhook": (UNKNOWN_WEBHOOK, SIGNAL, "1.1", True),
    "an invalid signal": (HOOKS["stocks"].path, b'{"ticker": "AMD", "action": "dance"}', "1.1", True),
    "malformed JSON over HTTP/1.0": (HOOKS["stocks"].path, b'{"ticker": "AMD",', "1.0", False),
    "to a path the Flask app answers": ("/nowhere", SIGNAL, "1.1", True),
    "a body over the limit": (HOOKS["stocks"].path, b" " * (BODY_LIMIT_BYTES + 2), "1.1", True),
}


@pytest.mark.decision("D-090")
@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_a_request_sent_whole_is_answered_as_the_same_request_whose_body_comes_later(gateway, name):
    path, body, version, close = REQUESTS[name]
    head = _post(path, body, version, close)
    whole = _exchange(gateway, head + body)
    later = _exchange(gateway, head, body)
    assert whole.startswith(b"HTTP/1.1 ") and b"\r\n\r\n" in whole
    assert _comparable(whole) == _comparable(later)


@pytest.mark.decision("D-090")
def test_signals_pipelined_in_one_write_are_answered_in_order_each_with_its_own_signal(gateway):
    bodies = [b'{"ticker": "AMD", "action": "buy", "extras": {"n": %d}}' % n for n in range(5)]
    requests = [_post(HOOKS["stocks"].path, body, close=False) + body for body in bodies]
    answer = _exchange(gateway, b"".join(requests) + _post(UNKNOWN_WEBHOOK, SIGNAL) + SIGNAL)
    heads_and_bodies = answer.split(b"HTTP/1.1 ")[1:]
    assert [part[:3] for part in heads_and_bodies] == [b"200"] * 5 + [b"404"]
    payloads = [json.loads(part.partition(b"\r\n\r\n")[2])["payload"] for part in heads_and_bodies[:5]]
    assert [payload["extras"]["n"] for payload in payloads] == list(range(5))


@pytest.mark.decision("D-090")
def test_a_head_request_sent_whole_gets_no_body_and_the_connection_goes_on(gateway):
    head = f"HEAD {HOOKS['stocks'].path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    answer = _exchange(gateway, head + _post(UNKNOWN_WEBHOOK, SIGNAL) + SIGNAL)
    first, second = answer.split(b"HTTP/1.1 ")[1:]
    assert first.endswith(b"\r\n\r\n"), "the HEAD answer carries a body"
    assert second.startswith(b"404 ")
    assert json.loads(second.partition(b"\r\n\r\n")[2])["messageCode"] == "not-found"


@pytest.mark.decision("D-090")
def test_a_client_that_pipelines_thousands_of_requests_without_reading_holds_up_no_one(gateway):
    """Answers written at once pile up only until the connection's writing pauses; the rest wait their
    turn as uvicorn's pipeline, so the flood is answered whole and in order, and another client at once."""
    count = 5000
    flood = (_post(UNKNOWN_WEBHOOK, SIGNAL, close=False) + SIGNAL) * count
    last = f"GET {UNKNOWN_WEBHOOK} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection(loopback_address(gateway.base_url)) as sock:
        sending = threading.Thread(target=sock.sendall, args=(flood + last,))
        sending.start()
        time.sleep(1)  # the flooding client reads nothing yet
        other = requests.post(gateway.base_url + HOOKS["stocks"].path, data=SIGNAL, timeout=5)
        assert other.status_code == 200
        sock.settimeout(30)
        answer = b""
        while chunk := sock.recv(1 << 20):
            answer += chunk
        sending.join(timeout=30)
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", answer) == [b"404"] * count + [b"400"]
