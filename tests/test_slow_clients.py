"""Slow and stalled clients over real sockets: they hold no worker, and they are answered 408 in JSON."""

from __future__ import annotations

import json
import re
import socket
import time

import pytest
import requests

from bench.abuse.slow_clients import STALLS, slow_connections, time_signals
from tests.gateways import HOOKS, gateway_process, loopback_address
from webhook_spec.catalogue import error_codes
from webhook_spec.openapi import WEBHOOK_PREFIX

TIMEOUT = 1.0  # the test gateway's header and body timeouts, seconds
SIGNAL = b'{"ticker": "AMD", "action": "buy"}'


@pytest.fixture(scope="module")
def strict_gateway(tmp_path_factory):
    """A gateway whose clients have one second for their headers and one for their body."""
    args = ("--header-timeout", str(TIMEOUT), "--body-timeout", str(TIMEOUT))
    with gateway_process(tmp_path_factory.mktemp("slow"), args, rate_limits="100000/minute") as running:
        yield running


def _answer(sock: socket.socket, wait: float) -> tuple[float, bytes]:
    """Read until the server closes; the seconds it took and every byte."""
    sock.settimeout(wait)
    start = time.monotonic()
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    return time.monotonic() - start, answer


def _assert_request_timeout(answer: bytes) -> None:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").lower().split("\r\n")
    assert lines[0].startswith("http/1.1 408"), lines[0]
    assert "content-type: application/json" in lines and "connection: close" in lines
    entry = error_codes()["request-timeout"]
    assert json.loads(body) == {"success": False, "messageCode": "request-timeout", "message": entry.message}


@pytest.mark.decision("D-063")
@pytest.mark.parametrize("kind", sorted(STALLS))
def test_signals_are_answered_while_500_slow_clients_are_held(strict_gateway, kind):
    url = strict_gateway.base_url + HOOKS["stocks"].path
    with slow_connections(*loopback_address(strict_gateway.base_url), 500, kind):
        timings = time_signals(url, 20, timeout=2.0)
    # Before D-063, four such connections kept every signal waiting until they gave up.
    assert None not in timings, timings


_STOCKS_HEAD = f"POST {HOOKS['stocks'].path} HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n".encode()


@pytest.mark.decision("D-063")
@pytest.mark.parametrize(
    "start",
    [
        b"",
        f"POST {WEBHOOK_PREFIX}".encode(),
        b"POST /x HTTP/1.1\r\nHost: x\r\n",
        _STOCKS_HEAD + b'{"ticker": "AMD"',
    ],
    ids=["nothing sent", "an unfinished request line", "unfinished headers", "an unfinished body"],
)
def test_a_request_not_sent_in_time_is_request_timeout(strict_gateway, start):
    with socket.create_connection(loopback_address(strict_gateway.base_url)) as sock:
        sock.sendall(start)
        seconds, answer = _answer(sock, wait=TIMEOUT + 5)
    _assert_request_timeout(answer)
    assert seconds < TIMEOUT + 1


@pytest.mark.decision("D-063")
def test_a_trickled_body_is_request_timeout_though_bytes_keep_coming(strict_gateway):
    head = f"POST {HOOKS['stocks'].path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
    with socket.create_connection(loopback_address(strict_gateway.base_url)) as sock:
        sock.sendall(head.encode())
        deadline = time.monotonic() + TIMEOUT + 5
        answer = b""
        sock.settimeout(0.1)
        while time.monotonic() < deadline and not answer:
            try:
                sock.send(b" ")
                answer = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
        _, rest = _answer(sock, wait=2)
    _assert_request_timeout(answer + rest)


@pytest.mark.decision("D-063")
def test_a_second_request_on_a_kept_alive_connection_has_its_own_deadline(strict_gateway):
    request = f"POST {HOOKS['stocks'].path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(SIGNAL)}\r\n\r\n"
    with socket.create_connection(loopback_address(strict_gateway.base_url)) as sock:
        sock.sendall(request.encode() + SIGNAL)
        sock.settimeout(5)
        first = b""
        while b"}" not in first:  # the whole first answer (it may come in several segments)
            first += sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        sock.sendall(b"POST /trading/")
        _, answer = _answer(sock, wait=TIMEOUT + 5)
    _assert_request_timeout(answer)


@pytest.mark.decision("D-010")
def test_a_declared_length_over_the_limit_is_refused_without_waiting_for_the_body(strict_gateway):
    head = f"POST {HOOKS['stocks'].path} HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"
    with socket.create_connection(loopback_address(strict_gateway.base_url)) as sock:
        sock.sendall(head.encode())
        seconds, answer = _answer(sock, wait=5)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 413") and b"connection: close" in rest.lower()
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["messageCode"] == "payload-too-large"
    assert seconds < TIMEOUT  # answered at once, not after the body timeout


@pytest.mark.decision("D-063")
def test_a_client_still_sending_a_refused_body_reads_its_413_not_a_reset(strict_gateway):
    """The gateway answers a body declared too large before it arrives and closes; a client (or a proxy)
    that goes on sending it must still read the answer, not a reset that destroys it."""
    head = f"POST {HOOKS['stocks'].path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n"
    with socket.create_connection(loopback_address(strict_gateway.base_url)) as sock:
        sock.sendall(head.encode() + b"{" + b" " * 1023)
        time.sleep(0.3)  # the 413 is sent and the server closes its side
        sock.sendall(b" " * 1_047_552)  # the rest of the body, as a sender that does not read first
        _, answer = _answer(sock, wait=5)
    assert answer.startswith(b"HTTP/1.1 413")
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["messageCode"] == "payload-too-large"


def test_pipelined_requests_are_answered_in_order(strict_gateway):
    one = f"POST {HOOKS['stocks'].path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(SIGNAL)}\r\n\r\n"
    last = f"GET {HOOKS['stocks'].path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with socket.create_connection(loopback_address(strict_gateway.base_url)) as sock:
        sock.sendall((one.encode() + SIGNAL) * 2 + last.encode())
        _, answer = _answer(sock, wait=5)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)
    assert statuses == [b"200", b"200", b"400"]


def test_expect_100_continue_is_honoured(strict_gateway):
    url = strict_gateway.base_url + HOOKS["stocks"].path
    response = requests.post(url, data=SIGNAL, headers={"Expect": "100-continue"}, timeout=5)
    assert response.status_code == 200
