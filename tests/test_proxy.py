"""The validating proxy (`webhook-conformance proxy`, issue 16): how it judges an exchange, how it forwards
over real sockets, and what it reports in front of the reference gateway and of broken ones.

The proxy always runs as its own process (`python -m conformance proxy`); the gateways behind it are
the catalogue's server process, or a small upstream served from the test process.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from requests.structures import CaseInsensitiveDict

from conformance.client import Exchange
from conformance.embedded_gateway import ROLE_WEBHOOKS, RunningGateway, serving
from conformance.oracle import allowed_codes, predict, stages
from conformance.proxy.checks import judge
from conformance.proxy.relay import BAD_GATEWAY_CODE
from tests.broken_gateways.catalogue import REFERENCE, entry_named
from tests.broken_gateways.run import run_kit, served
from tests.front_ends import serving_handler
from webhook_spec.docs import repo_root
from webhook_spec.openapi import webhook_path

STOCKS = next(hook for hook in ROLE_WEBHOOKS if hook.name == "stocks")
PATH = webhook_path(STOCKS.uuid, STOCKS.password)
URL = "http://gateway.test" + PATH
LOG_ID = "01a22a4c-562e-78fa-ad0b-842e40eeff76"
SUMMARY_START = "Requirements checked"
CLOSING = "Exchanges:"


# Judging one exchange (pure).


def _exchange(
    status: int,
    answer: dict | bytes,
    body: bytes = b'{"ticker": "AMD", "action": "buy"}',
    method: str = "POST",
    url: str = URL,
    headers: dict[str, str] | None = None,
) -> Exchange:
    content = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
    content_type = "text/html" if content.startswith(b"<") else "application/json"
    return Exchange(
        method=method,
        url=url,
        request_headers={"Content-Type": "application/json"},
        request_body=body,
        status=status,
        response_headers=CaseInsensitiveDict({"Content-Type": content_type, **(headers or {})}),
        response_body=content,
        sent_url=url,
    )


def _error(code: str, log_id: bool = True) -> dict:
    return {"success": False, "messageCode": code, "message": "m", **({"logId": LOG_ID} if log_id else {})}


def _accepted(payload: dict) -> dict:
    return {"success": True, "id": LOG_ID, "logId": LOG_ID, "payload": payload}


RIGHT = {
    "a valid signal accepted": (200, _accepted({"ticker": "AMD", "action": "buy"}), None),
    "a normalized payload": (
        200,
        _accepted({"ticker": "AMD", "action": "buy", "signalPrice": 1.5, "sentiment": "bullish"}),
        b'{"ticker": " amd", "action": "buy", "price": "1.50", "sentiment": "long", "x": 1}',
    ),
    "an invalid action": (400, _error("invalid-action"), b'{"ticker": "AMD", "action": "hold"}'),
    "a missing ticker before an invalid action": (400, _error("invalid-payload"), b'{"action": "hold"}'),
    "an unknown webhook, whatever the body": (404, _error("not-found", False), b'{"action": "hold"}'),
    "a wrong password": (400, _error("invalid-password"), b"not json"),
    "a rate limit": (429, _error("too-many-requests", False), b""),
    "rate-limit storage down (D-053)": (503, _error("rate-limit-unavailable"), b""),
    "an unknown ticker of a valid signal": (400, _error("ticker-does-not-exist"), None),
    "an empty body": (400, _error("empty-json"), b""),
    "a body over 64 KiB": (413, _error("payload-too-large"), b"{" * (64 * 1024 + 1)),
}


@pytest.mark.decision("D-074")
@pytest.mark.parametrize("case", RIGHT.values(), ids=RIGHT.keys())
def test_the_answers_the_spec_allows_are_no_deviation(case):
    status, answer, body = case
    judgement = judge(_exchange(status, answer, **({"body": body} if body is not None else {})))
    assert judgement.deviations == [] and judgement.checked


WRONG = {
    "an invalid action accepted": (
        200,
        _accepted({"ticker": "AMD", "action": "hold"}),
        b'{"ticker": "AMD", "action": "hold"}',
        "REQ-FIELD-01",
    ),
    "a zero quantity accepted": (
        200,
        _accepted({"ticker": "AMD", "action": "buy"}),
        b'{"ticker": "AMD", "action": "buy", "quantity": 0}',
        "REQ-FIELD-05",
    ),
    "an unknown orderType is invalid-payload": (
        400,
        _error("invalid-payload"),
        b'{"ticker": "AMD", "action": "buy", "orderType": "x"}',
        "REQ-FIELD-12",
    ),
    "an empty body is malformed-json": (400, _error("malformed-json"), b"", "REQ-BODY-02"),
    "the ticker checked before the action": (
        400,
        _error("ticker-does-not-exist"),
        b'{"ticker": "ZZZZ", "action": "hold"}',
        "REQ-PRECEDENCE-01",
    ),
    "price not renamed in the payload": (
        200,
        _accepted({"ticker": "AMD", "action": "buy", "price": 1.5}),
        b'{"ticker": "AMD", "action": "buy", "price": 1.5}',
        "REQ-RESPONSE-04",
    ),
    "a valid relative expiresAt refused": (
        400,
        _error("invalid-expires-at"),
        b'{"ticker": "AMD", "action": "buy", "expiresAt": "+5 minutes"}',
        "REQ-FIELD-23",
    ),
    "a small body too large": (413, _error("payload-too-large"), b"{}", "REQ-BODY-10"),
    "a large body validated": (400, _error("malformed-json"), b"{" * (64 * 1024 + 1), "REQ-BODY-10"),
    "a code not in the catalogue": (400, _error("bad-signal"), None, "REQ-RESPONSE-02"),
    "a catalogued code with another status": (
        422,
        _error("invalid-action"),
        b'{"action": 1}',
        "REQ-RESPONSE-02",
    ),
    "a server error": (500, _error("internal-error"), None, "REQ-RESPONSE-08"),
    "an HTML page": (400, b"<html>Bad Request</html>", None, "REQ-RESPONSE-08"),
    "a 200 without its id": (
        200,
        {"success": True, "payload": {"ticker": "AMD", "action": "buy"}},
        None,
        "REQ-RESPONSE-01",
    ),
    "the password echoed": (400, _error(f"invalid-password {STOCKS.password}"), None, "REQ-SECRET-01"),
}


@pytest.mark.decision("D-074")
@pytest.mark.parametrize("case", WRONG.values(), ids=WRONG.keys())
def test_an_answer_the_spec_forbids_is_reported_under_the_requirement_it_breaks(case):
    status, answer, body, requirement = case
    judgement = judge(_exchange(status, answer, **({"body": body} if body is not None else {})))
    assert requirement in [deviation.requirement for deviation in judgement.deviations], judgement


@pytest.mark.decision("D-074")
def test_other_methods_must_be_post_required():
    assert judge(_exchange(400, _error("post-required"), b"", method="GET")).deviations == []
    assert judge(_exchange(400, b"", b"", method="HEAD")).deviations == []
    wrong = judge(_exchange(200, _accepted({"ticker": "AMD", "action": "buy"}), method="PUT"))
    assert "REQ-METHOD-02" in [deviation.requirement for deviation in wrong.deviations]


@pytest.mark.decision("D-074")
def test_a_mangled_webhook_path_must_not_redirect():
    mangled = URL + "/"
    assert judge(_exchange(404, _error("not-found", False), url=mangled)).deviations == []
    redirect = judge(_exchange(308, b"", url=mangled, headers={"Location": URL}))
    assert "REQ-SECRET-02" in [deviation.requirement for deviation in redirect.deviations]


@pytest.mark.decision("D-074")
def test_the_codes_allowed_instead_of_a_prediction_are_those_the_body_does_not_decide():
    assert stages()[:3] == ("method", "lookup", "authentication")
    refused = allowed_codes(predict(b'{"ticker": "AMD", "action": "hold"}'))
    accepted = allowed_codes(predict(b'{"ticker": "AMD", "action": "buy"}'))
    assert {"not-found", "invalid-password", "not-trading-view", "too-many-requests"} <= refused
    assert not {"post-required", "invalid-action", "ticker-does-not-exist", "internal-error"} & refused
    assert accepted - refused == {
        "ticker-does-not-exist",
        "invalid-asset-class",
        "unsupported-ticker",
        "invalid-ticker-and-option-type",
        "invalid-quantity-type-for-asset-class",
    }


# Forwarding over sockets.


def _proxy_command(upstream: str, directory: Path) -> list[str]:
    return [
        sys.executable,
        "-u",
        "-m",
        "conformance",
        "proxy",
        "--upstream",
        upstream,
        "--listen",
        "127.0.0.1:0",
        "--report",
        str(directory / "deviations.jsonl"),
        "--html",
        str(directory / "proxy.html"),
    ]


@contextmanager
def proxy_process(upstream: str, directory: Path) -> Iterator[RunningGateway]:
    """`webhook-conformance proxy` in front of `upstream`, reporting into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    with serving(_proxy_command(upstream, directory), cwd=repo_root()) as proxy:
        yield proxy


def stopped(proxy: RunningGateway) -> str:
    """SIGTERM the proxy; its whole output once it has exited (0) and written its summary."""
    proxy.stop()
    assert proxy.process.returncode == 0
    deadline = time.monotonic() + 10
    while not any(line.startswith(CLOSING) for line in proxy.output) and time.monotonic() < deadline:
        time.sleep(0.05)
    return "".join(proxy.output)


def deviations(directory: Path, wait: bool = False) -> list[dict]:
    """The proxy's report lines (with `wait`, once there is one: an exchange is judged after its
    response has been passed on)."""
    report = directory / "deviations.jsonl"
    deadline = time.monotonic() + (10 if wait else 0)
    while wait and time.monotonic() < deadline and not report.read_text(encoding="utf-8"):
        time.sleep(0.05)
    return [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]


class Upstream(BaseHTTPRequestHandler):
    """Answers what it received: the X-Forwarded-For header, the body's size and digest, the client's
    port; `/chunked` answers in two chunks, the second only once the test has read the first."""

    protocol_version = "HTTP/1.1"
    first_chunk_read = threading.Event()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/chunked":
            self._chunked()
            return
        answer = {
            "forwardedFor": self.headers.get_all("X-Forwarded-For"),
            "bytes": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
            "port": self.client_address[1],
        }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _chunked(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b"6\r\nfirst \r\n")
        self.wfile.flush()
        released = Upstream.first_chunk_read.wait(10)
        last = b"second" if released else b"timeout"
        self.wfile.write(f"{len(last):x}\r\n".encode() + last + b"\r\n0\r\n\r\n")
        self.wfile.flush()

    def log_message(self, *args) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def echo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningGateway, Path]]:
    """The proxy in front of the Upstream handler; its process and report directory."""
    directory = tmp_path_factory.mktemp("proxy-echo")
    with serving_handler(Upstream) as upstream, proxy_process(upstream, directory) as proxy:
        yield proxy, directory


def _connection(proxy: RunningGateway) -> http.client.HTTPConnection:
    parts = urlsplit(proxy.base_url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)


def _post(
    connection: http.client.HTTPConnection, path: str, body: bytes, headers: dict | None = None
) -> dict:
    connection.request("POST", path, body, headers or {})
    response = connection.getresponse()
    assert response.status == 200
    return json.loads(response.read())


@pytest.mark.decision("D-075")
def test_the_client_address_is_appended_to_x_forwarded_for(echo):
    proxy, _ = echo
    connection = _connection(proxy)
    assert _post(connection, "/", b"{}")["forwardedFor"] == ["127.0.0.1"]
    sent = {"X-Forwarded-For": "203.0.113.9, 198.51.100.1"}
    assert _post(connection, "/", b"{}", sent)["forwardedFor"] == ["203.0.113.9, 198.51.100.1, 127.0.0.1"]


@pytest.mark.decision("D-075")
def test_keep_alive_requests_share_one_upstream_connection(echo):
    proxy, _ = echo
    connection = _connection(proxy)
    ports = {_post(connection, "/", b"{}")["port"] for _ in range(3)}
    assert len(ports) == 1


@pytest.mark.decision("D-075")
def test_a_1_mb_body_is_forwarded_intact_and_judged_by_its_size_alone(echo):
    proxy, directory = echo
    body = bytes(range(256)) * 4096  # 1 MiB, every byte value
    for path in ("/upload", PATH):
        answer = _post(_connection(proxy), path, body)
        assert answer == answer | {"bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    # The echo's 200 to a body over 64 KiB on the webhook path breaks REQ-BODY-10: the proxy said so
    # from the first 64 KiB + 1 bytes it keeps, and its report line says how long the body was.
    line = next(line for line in deviations(directory, wait=True) if line["requirement"] == "REQ-BODY-10")
    assert line["request"]["bodyBytes"] == len(body) and STOCKS.password not in json.dumps(line)


@pytest.mark.decision("D-075")
def test_a_chunked_response_is_streamed_as_it_comes(echo):
    proxy, _ = echo
    connection = _connection(proxy)
    connection.request("POST", "/chunked", b"")
    response = connection.getresponse()
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.read1(64) == b"first "  # the second chunk is only sent once this one has arrived
    Upstream.first_chunk_read.set()
    assert response.read() == b"second"


@pytest.mark.decision("D-075")
def test_an_unreachable_upstream_is_a_502_in_json_and_counted(tmp_path: Path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}"  # bound, never listening: refused
        with proxy_process(closed, tmp_path) as proxy:
            connection = _connection(proxy)
            connection.request("POST", PATH, b'{"ticker": "AMD", "action": "buy"}')
            response = connection.getresponse()
            answer = json.loads(response.read())
            output = stopped(proxy)
    assert response.status == 502 and response.getheader("Content-Type") == "application/json"
    assert answer["success"] is False and answer["messageCode"] == BAD_GATEWAY_CODE
    assert "upstream unreachable: 1." in output and STOCKS.password not in output
    assert (tmp_path / "proxy.html").is_file()


@pytest.mark.parametrize("option", ["--report", "--html"])
def test_a_report_path_that_cannot_be_written_is_a_usage_error_at_start_up(tmp_path: Path, option: str):
    paths = {"--report": tmp_path / "deviations.jsonl", "--html": tmp_path / "proxy.html"}
    paths[option] = tmp_path / "missing" / "report"
    command = _proxy_command("http://127.0.0.1:9", tmp_path)
    for name, path in paths.items():
        command[command.index(name) + 1] = str(path)
    # Before the fix --report raised FileNotFoundError, and --html served until the timeout below.
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=repo_root())
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == f"error: {option}: cannot write {paths[option]}: No such file or directory\n"
    assert done.stdout == "" and list(tmp_path.iterdir()) == []  # the other path's check left nothing


@pytest.mark.parametrize(
    ("upstream", "said"),
    [
        ("http://[::1", "--upstream 'http://[::1' is not a URL: Invalid IPv6 URL"),
        ("http://127.0.0.1:99999", "--upstream 'http://127.0.0.1:99999' is not a URL: Port out of range"),
        ("ftp://127.0.0.1", "--upstream 'ftp://127.0.0.1': give an http:// or https:// URL"),
    ],
    ids=["unclosed IPv6 host", "port out of range", "not http"],
)
def test_an_upstream_that_is_not_a_usable_url_is_a_usage_error_naming_the_option(upstream: str, said: str):
    command = [sys.executable, "-m", "conformance", "proxy", "--upstream", upstream]
    command += ["--listen", "127.0.0.1:0"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=repo_root())
    assert done.returncode == 2 and done.stderr.startswith(f"error: {said}"), done.stderr
    assert done.stderr.count("\n") == 1 and done.stdout == ""


def test_a_page_that_can_no_longer_be_written_at_sigterm_is_said_after_the_summary(tmp_path: Path):
    page = tmp_path / "gone" / "proxy.html"
    page.parent.mkdir()
    command = _proxy_command("http://127.0.0.1:9", tmp_path)
    command[command.index("--html") + 1] = str(page)
    with serving(command, cwd=repo_root()) as proxy:
        page.parent.rmdir()  # writable at start-up, not at the end
        proxy.stop()
    said = f"error: --html: cannot write {page}: No such file or directory\n"
    deadline = time.monotonic() + 10
    while said not in proxy.output and time.monotonic() < deadline:
        time.sleep(0.05)
    output = "".join(proxy.output)
    assert proxy.process.returncode == 2 and said in proxy.output, output
    assert any(line.startswith(CLOSING) for line in proxy.output) and "Traceback" not in output


# In front of the reference gateway, and of broken ones.

BROKEN = ("zero-quantity-accepted", "order-type-code-is-generic")


@pytest.fixture(scope="module")
def gateways(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], str, Path]]:
    """The reference and the BROKEN gateways, served from one process: NAME -> URL, token, directory."""
    directory = tmp_path_factory.mktemp("proxy-gateways")
    token = secrets.token_hex(16)
    with served([entry_named(name) for name in BROKEN], directory, token) as urls:
        yield urls, token, directory


@pytest.mark.decision("D-074")
def test_the_proxy_in_front_of_the_reference_reports_nothing_over_a_whole_kit_run(gateways):
    urls, token, directory = gateways
    with ExitStack() as stack:
        proxy = stack.enter_context(proxy_process(urls[REFERENCE], directory / "proxy-reference"))
        verdict = run_kit(REFERENCE, proxy.base_url, token, [], directory)
        output = stopped(proxy)
    assert verdict.exit_code == 0, verdict.output
    assert deviations(directory / "proxy-reference") == [], output
    checked = next(line for line in output.splitlines() if line.startswith(CLOSING))
    assert int(checked.split(", ")[1].split()[0]) > 500, output  # most of the kit's requests were judged
    assert " 0 with deviations" in checked and "FAIL" not in output


@pytest.mark.decision("D-074")
@pytest.mark.parametrize("name", BROKEN)
def test_the_proxy_in_front_of_a_broken_gateway_reports_its_broken_requirement(gateways, name: str):
    urls, token, directory = gateways
    entry = entry_named(name)
    with proxy_process(urls[name], directory / f"proxy-{name}") as proxy:
        run_kit(name, proxy.base_url, token, entry.kit_args(), directory)
        output = stopped(proxy)
    lines = deviations(directory / f"proxy-{name}")
    assert {line["requirement"] for line in lines} == set(entry.requirements), output
    first = lines[0]
    assert f"FAIL  {first['requirement']}" in output and first["curl"] in output
    assert "$PASSWORD" in first["curl"] and STOCKS.password not in output + json.dumps(lines)
    html = (directory / f"proxy-{name}" / "proxy.html").read_text(encoding="utf-8")
    assert entry.requirements[0] in html and STOCKS.password not in html


def _raw_exchange(url: str, request: bytes, wait: float = 10.0) -> bytes:
    """Send `request` as raw bytes and read until the answer is complete or the connection closes."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as connection:
        connection.sendall(request)
        received = b""
        with contextlib.suppress(TimeoutError):
            while chunk := connection.recv(65536):
                received += chunk
                head, _, body = received.partition(b"\r\n\r\n")
                length = re.search(rb"(?i)content-length: *(\d+)", head)
                if length and len(body) >= int(length.group(1)):
                    break
    return received


@pytest.mark.decision("D-075")
def test_a_stalled_head_gets_the_gateways_timeout_and_a_malformed_one_its_own_answer(
    gateways, tmp_path: Path
):
    urls, _, _ = gateways
    with proxy_process(urls[REFERENCE], tmp_path) as proxy:
        stalled = _raw_exchange(proxy.base_url, f"POST {PATH} HTTP/1.1\r\nHost: gateway\r\n".encode())
        malformed = _raw_exchange(
            proxy.base_url,
            f"POST {PATH} HTTP/1.1\r\nHost: gateway\r\nBad Header: x\r\n".encode()
            + b"Content-Length: 2\r\n\r\n{}",
        )
        output = stopped(proxy)
    assert stalled.startswith(b"HTTP/1.1 408 ") and b'"request-timeout"' in stalled
    assert malformed.startswith(b"HTTP/1.1 400 ") and b'"malformed-request"' in malformed
    assert deviations(tmp_path) == [] and "Exchanges: 0 observed" in output  # neither could be judged
