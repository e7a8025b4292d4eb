"""`webhook-spec lint --serve` over real sockets: the page, the JSON endpoint, its limits, its errors."""

import http.client
import json
import socket
import subprocess
from urllib.parse import urlsplit

import pytest

from tests.lint_page_server import SERVE_COMMAND, lint_server
from webhook_spec.__main__ import main
from webhook_spec.lint import fix_template, lint_template, report_to_json
from webhook_spec.lint.serve import MAX_BODY

BROKEN = '{\n  “ticker”: {{ticker}},\n  "action": "{{strategy.order.action}}",\n}\n'


@pytest.fixture(scope="module")
def server():
    with lint_server() as running:
        yield running


def _request(url: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _lint(url: str, document) -> tuple[int, dict, dict]:
    body = json.dumps(document).encode()
    status, headers, answer = _request(url, "POST", "/lint", body, {"Content-Type": "application/json"})
    return status, headers, json.loads(answer)


def test_it_prints_a_loopback_url_and_serves_one_self_contained_page(server):
    assert server.url.startswith("http://127.0.0.1:") and server.url in server.first_line
    status, headers, body = _request(server.url, "GET", "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode()
    assert "<textarea" in page and "fetch(" in page
    assert not [
        marker for marker in ("<link", "src=", "url(", "@import", "http://", "https://") if marker in page
    ]
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy and "unsafe" not in policy


def test_the_endpoint_answers_the_linters_report_and_the_fixed_template(server):
    status, headers, answer = _lint(server.url, {"template": BROKEN})
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert answer == {**report_to_json(lint_template(BROKEN)), "fixed": fix_template(BROKEN)}
    assert answer["problems"] and answer["renderings"] and answer["fixed"] != BROKEN


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "code"),
    [
        ("POST", "/lint", b"{not json", {}, 400, "malformed-json"),
        ("POST", "/lint", b"\xff\xfe{}", {}, 400, "malformed-json"),
        ("POST", "/lint", b"[" * 100_000, {}, 400, "malformed-json"),
        ("POST", "/lint", b'["{}"]', {}, 400, "malformed-request"),
        ("POST", "/lint", b'{"template": 3}', {}, 400, "malformed-request"),
        ("POST", "/lint", b'{"text": "{}"}', {}, 400, "malformed-request"),
        ("POST", "/lint", b'{"template": "{\\"ticker\\": \\"\\ud800\\"}"}', {}, 400, "malformed-request"),
        ("POST", "/lint", b"{}", {"Transfer-Encoding": "chunked"}, 411, "malformed-request"),
        ("POST", "/lint", b"x" * (MAX_BODY + 1), {}, 413, "payload-too-large"),
        ("GET", "/lint", None, {}, 405, "post-required"),
        ("PUT", "/lint", b"{}", {}, 405, "post-required"),
        ("GET", "/../etc/passwd", None, {}, 404, "not-found"),
        ("POST", "/", b"{}", {}, 404, "not-found"),
    ],
)
@pytest.mark.decision("D-073")
def test_a_bad_request_is_answered_in_json(server, method, path, body, headers, status, code):
    if headers.get("Transfer-Encoding") == "chunked":
        body = b"2\r\n{}\r\n0\r\n\r\n"
    got, answer_headers, answer = _request(server.url, method, path, body, headers)
    assert got == status and answer_headers["Content-Type"] == "application/json"
    document = json.loads(answer)
    assert document["success"] is False and document["messageCode"] == code and document["message"]
    if status == 405:
        assert answer_headers["Allow"] == "POST"


@pytest.mark.decision("D-073")
def test_the_size_limit_is_256_kib_of_body(server):
    prefix, suffix = b'{"template": "', b'"}'
    body = prefix + b"x" * (MAX_BODY - len(prefix) - len(suffix)) + suffix
    assert len(body) == MAX_BODY == 256 * 1024
    status, _, answer = _request(server.url, "POST", "/lint", body)
    assert status == 200 and "problems" in json.loads(answer)
    status, _, answer = _request(server.url, "POST", "/lint", body[:-2] + b'x"}')
    assert status == 413 and json.loads(answer)["messageCode"] == "payload-too-large"


def test_what_http_server_refuses_itself_is_answered_in_json_not_html(server):
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nX-Long: " + b"x" * 70000 + b"\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 431") and b"Content-Type: application/json" in head
    assert json.loads(body)["messageCode"] == "malformed-request"


def test_ctrl_c_stops_it_cleanly():
    with lint_server() as running:
        assert _request(running.url, "GET", "/")[0] == 200
        code, out, err = running.interrupt()
    assert code == 0 and "Traceback" not in err + out, err


def test_port_takes_the_port_given_and_a_busy_port_is_a_clear_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with lint_server(["--port", str(port)]) as running:
        assert running.url == f"http://127.0.0.1:{port}/"
        busy = subprocess.run(
            [*SERVE_COMMAND, "--port", str(port)], capture_output=True, text=True, timeout=30
        )
    assert busy.returncode == 2 and f"127.0.0.1:{port}" in busy.stderr and "Traceback" not in busy.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["lint", "--serve", "alert.txt"],
        ["lint", "--serve", "--fix"],
        ["lint", "--serve", "--format", "json"],
        ["lint", "--port", "8000", "alert.txt"],
        ["lint", "--serve", "--port", "70000"],
        ["lint", "--serve", "--port", "-1"],
    ],
)
def test_serve_with_anything_but_a_valid_port_is_a_usage_error(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "webhook-spec lint:" in captured.err and "http://" not in captured.out
