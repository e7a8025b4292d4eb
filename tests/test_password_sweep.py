"""The sweep: drive a gateway through every error path it can be driven to from outside, and the
malformed requests that once leaked the password, then search everything it wrote and answered, and
every report of a kit run against it, for the password. Nothing may hold it (issue 11)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.gateways import CONFIGURED, HOOKS, gateway_process, loopback_address
from webhook_spec.corpus import case_body, corpus_cases

STOCKS = HOOKS["stocks"]
TOKEN = "sweep-control-token-5f0c2a9e41d7b3c8"
SIGNAL = b'{"ticker": "AMD", "action": "buy"}'

# Requests the server itself must answer (or drop) without writing the request line anywhere.
MALFORMED = [
    f"POST  {STOCKS.path} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),  # a double space
    f"POST\t{STOCKS.path} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),  # a tab
    f"POST {STOCKS.path}\xff HTTP/1.1\r\nHost: x\r\n\r\n".encode("latin-1"),  # a raw non-ASCII byte
    f"POST {STOCKS.path} HTTP/9.9\r\nHost: x\r\n\r\n".encode(),  # an unknown version
    f"POST {STOCKS.path}?{'a' * 5000} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),  # a request line too long
    f"POST {STOCKS.path} HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n".encode(),  # an invalid header name
    f"POST {STOCKS.path} HTTP/1.1\r\nHost: x\r\nX-Pad: {'a' * 9000}\r\n\r\n".encode(),  # a header too long
    f"POST {STOCKS.path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".encode(),
    f"POST /trading/webhook//{STOCKS.uuid}/{STOCKS.password} HTTP/1.1\r\nHost: evil.example\r\n\r\n".encode(),
    f"GET /trading/webhook/{STOCKS.uuid}/{STOCKS.password}/ HTTP/1.1\r\nHost: evil.example\r\n\r\n".encode(),
    f"POST /trading/webhook/{STOCKS.uuid}/{STOCKS.password}/.. HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
]


def _raw(base_url: str, request: bytes, wait: float = 3.0) -> bytes:
    with socket.create_connection(loopback_address(base_url), timeout=wait) as sock:
        sock.sendall(request)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except TimeoutError:
            pass
    return answer


def _answers(gateway) -> list[bytes]:
    """Every error path reachable from outside, each answer as raw bytes (headers and body)."""
    base, path = gateway.base_url, STOCKS.path
    answers: list[bytes] = []

    def keep(response: requests.Response) -> None:
        answers.append(json.dumps(dict(response.headers)).encode() + response.content)

    for method in ("GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"):
        keep(requests.request(method, base + path, timeout=10))
    keep(requests.post(base + path.replace(STOCKS.uuid, "11111111-1111-4111-8111-111111111111"), timeout=10))
    keep(requests.post(base + path[: -len(STOCKS.password)] + "0" * 32, data=SIGNAL, timeout=10))
    for hook in ("tradingview", "trendspider", "ip-list", "ticker-list"):
        keep(requests.post(base + HOOKS[hook].path, data=SIGNAL, timeout=10))
    keep(requests.post(base + path, data=b"x" * (64 * 1024 + 1), timeout=10))
    for _, case in corpus_cases():  # every body and schema code of the corpus
        if not case["valid"]:
            keep(requests.post(base + path, data=case_body(case), timeout=10))
    keep(requests.post(base + path, data=b'{"ticker": "NOSUCHTICKER", "action": "buy"}', timeout=10))
    keep(requests.post(base + path, data=SIGNAL, timeout=10))
    for _ in range(3):  # past the gateway's own limits (2/minute), which limited-a keeps: too-many-requests
        keep(requests.post(base + HOOKS["limited-a"].path, data=SIGNAL, timeout=10))
    answers += [_raw(base, request) for request in MALFORMED]
    answers.append(_raw(base, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{{".encode()))
    return answers


def _kit_reports(gateway, directory: Path) -> list[bytes]:
    """Every output of a short kit run against the gateway: console, JUnit, JSON and HTML."""
    reports = {name: directory / f"report.{name}" for name in ("xml", "json", "html")}
    command = [sys.executable, "-m", "conformance", "run", "--target", gateway.base_url]
    command += ["--webhook", f"{STOCKS.uuid}/{STOCKS.password}", "--property-cases", "5"]
    command += [
        "--requirement",
        "REQ-AUTH-01",
        "--requirement",
        "REQ-SECRET-01",
        "--requirement",
        "REQ-BODY-10",
    ]
    command += [
        "--junit",
        str(reports["xml"]),
        "--json",
        str(reports["json"]),
        "--html",
        str(reports["html"]),
    ]
    run = subprocess.run(command, capture_output=True, timeout=300, cwd=directory)
    assert run.returncode in (0, 1), run.stderr.decode()[-2000:]
    return [run.stdout, run.stderr, *(path.read_bytes() for path in reports.values())]


@pytest.mark.decision("D-061")
def test_no_password_anywhere_after_every_error_path(tmp_path):
    directory = tmp_path / "gateway"
    settings = {"rate_limits": "2/minute", "control_token": TOKEN}
    timeouts = ("--header-timeout", "1", "--body-timeout", "1")
    with gateway_process(directory, timeouts, **settings) as gateway:
        answers = _answers(gateway)
        reports = _kit_reports(gateway, tmp_path)
    written = {path: path.read_bytes() for path in directory.rglob("*") if path.is_file()}
    assert any(path.name.endswith("-wal") for path in written) or any(
        path.suffix == ".sqlite3" for path in written
    ), sorted(written)
    secrets = {hook.password.encode() for hook in CONFIGURED}
    places = {
        "the gateway's output": "".join(gateway.output).encode(),
        **{f"answer {index}": answer for index, answer in enumerate(answers)},
        **{f"kit output {index}": report for index, report in enumerate(reports)},
        **{
            str(path.relative_to(directory)): data
            for path, data in written.items()
            if path.name != "gateway.toml"
        },
    }
    leaks = [(place, secret) for place, data in places.items() for secret in secrets if secret in data]
    assert leaks == []
    assert len(answers) > 100  # the sweep really drove the gateway
