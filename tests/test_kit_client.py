"""The kit's plain-HTTP transport sends what requests sends and reads answers as requests reads them."""

import gzip
import socket
import threading
import time
from decimal import Decimal

import pytest
import requests

from conformance.client import TargetClient
from conformance.control_client import ControlClient, ControlError

SIGNAL = b'{"ticker": "AMD", "action": "buy"}'
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


class RawServer:
    """A loopback server that records each request and answers it with the next of `answers` (None: close
    the connection without answering; "stall": answer nothing; ("close", answer): answer, then close)."""

    def __init__(self, answers: list) -> None:
        self.answers = list(answers)
        self.received: list[bytes] = []
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while self.answers:
            connection, _ = self.listener.accept()
            self.connections += 1
            with connection:
                while self.answers:
                    request = _read_request(connection)
                    if not request:
                        break
                    self.received.append(request.replace(self.url[7:].encode(), b"HOST:PORT"))
                    answer = self.answers.pop(0)
                    if answer is None:
                        break
                    if answer == "stall":
                        time.sleep(1.0)
                    elif isinstance(answer, tuple):  # ("close", bytes): answer, then close
                        connection.sendall(answer[1])
                        break
                    else:
                        connection.sendall(answer)


def _read_request(connection: socket.socket) -> bytes:
    """One request's bytes: its head, and as many more as its Content-Length says."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    length = next((int(line[15:]) for line in head.split(b"\r\n") if line.startswith(b"content-length:")), 0)
    while len(data) < len(head) + 4 + length:
        data += connection.recv(65536)
    return data


def _sent_by(
    client_kind: str, answers: list, method: str, body: bytes, headers: dict
) -> tuple[bytes, object]:
    server = RawServer(answers)
    client = TargetClient(server.url, timeout=2.0)
    if client_kind == "requests":
        client.plain = None
    else:
        assert client.plain is not None
    exchange = client.send(method, "/trading/webhook/x/y?q=1", body, headers)
    client.close()
    return server.received[0], exchange


@pytest.mark.parametrize(
    ("method", "body", "headers"),
    [
        ("POST", SIGNAL, {"Content-Type": "application/json"}),
        ("POST", b"", {"content-type": "text/plain", "Accept": "x", "X-Forwarded-For": "203.0.113.7"}),
        ("GET", b"", {}),
        ("put", b"\x00\xff", {"Content-Encoding": "gzip"}),
    ],
)
def test_the_request_bytes_and_the_exchange_are_those_of_requests(method, body, headers):
    sent, exchange = _sent_by("plain", [ANSWER], method, body, headers)
    sent_by_requests, exchange_by_requests = _sent_by("requests", [ANSWER], method, body, headers)
    assert sent == sent_by_requests
    assert exchange.request_headers == exchange_by_requests.request_headers
    assert (exchange.status, dict(exchange.response_headers), exchange.response_body) == (
        exchange_by_requests.status,
        dict(exchange_by_requests.response_headers),
        exchange_by_requests.response_body,
    )


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 400 Bad Request\r\nX-A: 1\r\nx-a: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s"
        % (len(gzip.compress(b'{"a": 1}')), gzip.compress(b'{"a": 1}')),
        b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{}",
    ],
)
def test_the_answer_is_read_as_requests_reads_it(answer):
    _, exchange = _sent_by("plain", [answer], "POST", SIGNAL, {})
    _, exchange_by_requests = _sent_by("requests", [answer], "POST", SIGNAL, {})
    assert (exchange.status, dict(exchange.response_headers), exchange.response_body) == (
        exchange_by_requests.status,
        dict(exchange_by_requests.response_headers),
        exchange_by_requests.response_body,
    )


def test_requests_exceptions_for_a_refused_connection_a_dropped_request_and_a_stall():
    listener = socket.create_server(("127.0.0.1", 0))
    closed_port = listener.getsockname()[1]
    listener.close()
    with pytest.raises(requests.ConnectionError):
        TargetClient(f"http://127.0.0.1:{closed_port}").send("POST", "/", SIGNAL)
    with pytest.raises(requests.ConnectionError):
        TargetClient(RawServer([None]).url).send("POST", "/", SIGNAL)
    with pytest.raises(requests.ReadTimeout):
        TargetClient(RawServer(["stall"]).url, timeout=0.2).send("POST", "/", SIGNAL)


def test_a_connection_the_target_closed_is_replaced_and_an_open_one_kept():
    server = RawServer([ANSWER, ("close", ANSWER), ANSWER])
    client = TargetClient(server.url, timeout=2.0)
    assert [client.send("POST", "/", SIGNAL).status for _ in range(2)] == [200, 200]
    assert server.connections == 1
    time.sleep(0.1)  # the target's close arrives
    assert client.send("POST", "/", SIGNAL).status == 200  # not a ConnectionError: a new connection
    assert server.connections == 2


def _answer(status: str, content_type: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


@pytest.mark.parametrize(
    "answer",
    [
        _answer("200 OK", "application/json", b'{"equity": 1.5, "n": 2, "name": "\xc3\xa9"}'),
        _answer("404 Not Found", "application/json", b'{"error": "x"}'),
        _answer("200 OK", "text/plain", b"abc"),
    ],
)
def test_the_control_client_reads_answers_as_over_requests(answer):
    def outcome(plain: bool) -> tuple[bytes, object]:
        server = RawServer([answer])
        client = ControlClient(server.url, "token")
        if not plain:
            client.plain = None
        try:
            result: object = client.request("PUT", "/accounts/a b", {"equity": Decimal("1.5")}, {"x": "1"})
        except ControlError as error:
            result = str(error).replace(server.url, "URL")
        client.close()
        return server.received[0], result

    assert outcome(plain=True) == outcome(plain=False)


def test_cookies_the_target_sets_go_back_as_requests_sends_them():
    sets_a_cookie = b"HTTP/1.1 200 OK\r\nSet-Cookie: lb=node-2; Path=/\r\nContent-Length: 2\r\n\r\n{}"

    def second_request(client_kind: str) -> bytes:
        server = RawServer([sets_a_cookie, ANSWER])
        client = TargetClient(server.url, timeout=2.0)
        if client_kind == "requests":
            client.plain = None
        client.send("POST", "/", SIGNAL)
        client.send("POST", "/", SIGNAL)
        client.close()
        return server.received[1]

    assert b"Cookie: lb=node-2" in second_request("plain")
    assert second_request("plain") == second_request("requests")
