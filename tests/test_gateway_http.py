"""The gateway served for real (gunicorn on a loopback port): every outcome over HTTP."""

import gzip
import json
import socket
import sqlite3
import zlib
from pathlib import Path

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from tests.gateways import CONFIGURED, HOOKS, loopback_address
from webhook_spec import validate_body
from webhook_spec.catalogue import error_codes
from webhook_spec.corpus import case_body, corpus_cases
from webhook_spec.openapi import WEBHOOK_PREFIX, webhook_path

OPTION_FIELDS = {"optionType", "expiration", "strikePrice", "strikesAway", "strikeCount", "intrinsicValue"}
CASES = list(corpus_cases())


def post(gateway, hook: str, body: bytes | str, password: str | None = None, **kwargs) -> requests.Response:
    """POST a body to one of the test webhooks."""
    webhook = HOOKS[hook]
    password = webhook.password if password is None else password
    url = gateway.base_url + webhook_path(webhook.uuid, password)
    return requests.post(url, data=body, timeout=10, **kwargs)


def assert_error(response: requests.Response, code: str, logged: bool = True) -> dict:
    """The response is the documented JSON error for `code`."""
    assert response.headers["Content-Type"] == "application/json", response.text
    body = response.json()
    assert (response.status_code, body["messageCode"]) == (error_codes()[code].status, code), body
    assert body["success"] is False
    assert body["message"] == error_codes()[code].message
    assert ("logId" in body) is logged
    return body


def assert_accepted(response: requests.Response) -> dict:
    """The response is a 200 with the documented shape."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["success"] is True and set(body) == {"success", "id", "logId", "payload"}
    return body


def _hook_for(payload: dict) -> str:
    """The test webhook whose asset class trades a normalized signal."""
    ticker = payload["ticker"]
    if OPTION_FIELDS & set(payload) or " " in ticker:
        return "options"
    if ticker.startswith(("MNQ", "NQ", "GC", "ES")):
        return "futures"
    return "stocks"


@pytest.mark.parametrize(
    ("file", "case"), CASES, ids=[f"{file}: {case['description']}" for file, case in CASES]
)
def test_corpus_case_over_http(gateway, file, case):
    hook = _hook_for(validate_body(case_body(case)).normalized) if case["valid"] else "stocks"
    response = post(gateway, hook, case_body(case), headers={"Content-Type": "text/plain"})
    if case["valid"]:
        body = assert_accepted(response)
        if "normalized" in case:
            assert body["payload"] == case["normalized"]
    else:
        assert assert_error(response, case["messageCode"]).get("pointer") == case.get("pointer")  # D-070


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "text/json",
        "application/x-www-form-urlencoded",
    ],
)
def test_the_body_is_json_whatever_the_content_type(gateway, content_type):
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = post(gateway, "stocks", b'{"ticker": "AMD", "action": "buy"}', headers=headers)
    assert assert_accepted(response)["payload"] == {"ticker": "AMD", "action": "buy"}


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_are_post_required(gateway, method):
    response = requests.request(method, gateway.base_url + HOOKS["stocks"].path, timeout=10)
    assert_error(response, "post-required", logged=False)


def test_head_is_post_required_without_a_body(gateway):
    response = requests.head(gateway.base_url + HOOKS["stocks"].path, timeout=10)
    assert response.status_code == 400 and response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "path",
    [
        webhook_path("11111111-1111-4111-8111-111111111111", "00000000000000000000000000000001"),
        webhook_path("not-a-uuid", "password"),
        WEBHOOK_PREFIX + "only-one-part",
        "/",
        webhook_path("%ff%fe", "x"),
    ],
)
def test_unknown_webhooks_are_not_found(gateway, path):
    assert_error(requests.post(gateway.base_url + path, data=b"{}", timeout=10), "not-found", logged=False)


def test_wrong_password_is_invalid_password(gateway):
    assert_error(
        post(gateway, "stocks", b'{"ticker": "AMD", "action": "buy"}', password="0" * 32), "invalid-password"
    )


def test_uuid_is_case_insensitive(gateway):
    url = gateway.base_url + webhook_path(HOOKS["stocks"].uuid.upper(), HOOKS["stocks"].password)
    assert_accepted(requests.post(url, data=b'{"ticker": "AMD", "action": "buy"}', timeout=10))


@pytest.mark.decision("D-010")
def test_a_body_over_64_kib_is_payload_too_large(gateway):
    body = b'{"ticker": "AMD", "action": "buy", "extras": {"pad": "' + b"x" * (64 * 1024) + b'"}}'
    assert_error(post(gateway, "stocks", body), "payload-too-large")


@pytest.mark.decision("D-010")
def test_a_body_of_exactly_64_kib_is_read(gateway):
    head = b'{"ticker": "AMD", "action": "buy"}'
    assert_accepted(post(gateway, "stocks", head + b" " * (64 * 1024 - len(head))))


@pytest.mark.decision("D-010")
def test_a_chunked_body_over_64_kib_is_payload_too_large(gateway):
    def chunks():
        yield b'{"ticker": "AMD", "action": "buy", "extras": {"pad": "'
        for _ in range(80):
            yield b"x" * 1024
        yield b'"}}'

    assert_error(post(gateway, "stocks", chunks()), "payload-too-large")


def _raw_exchange(gateway, request: bytes) -> tuple[int, CaseInsensitiveDict, bytes]:
    """Send bytes that requests would refuse to build; read the answer until the server closes."""
    with socket.create_connection(loopback_address(gateway.base_url), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = CaseInsensitiveDict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), headers, body


def _assert_malformed_request(status: int, headers: dict[str, str], body: bytes) -> None:
    assert (status, headers["Content-Type"], headers["Connection"]) == (400, "application/json", "close")
    entry = error_codes()["malformed-request"]
    expected = {"success": False, "messageCode": "malformed-request", "message": entry.message}
    assert json.loads(body) == expected


@pytest.mark.decision("D-050")
def test_a_header_over_the_servers_limit_is_malformed_request_in_json(gateway):
    response = post(gateway, "stocks", b'{"ticker": "AMD", "action": "buy"}', headers={"X-Pad": "a" * 9000})
    assert_error(response, "malformed-request", logged=False)


@pytest.mark.decision("D-050")
@pytest.mark.parametrize(
    "request_bytes",
    [
        b"NOT HTTP AT ALL\r\n\r\n",
        f"POST {webhook_path('x', 'y')} HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n".encode(),
        b"POST /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        # httptools reads these two as HTTP/0.9 and HTTP/2.0 and would hand them on with no body read
        f"POST {HOOKS['stocks'].path}\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}".encode(),
        f"POST {HOOKS['stocks'].path} HTTP/2.0\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}".encode(),
    ],
    ids=[
        "no request line",
        "a space in a header name",
        "a 5000-byte request line",
        "no HTTP version",
        "HTTP/2.0 on the HTTP/1.1 port",
    ],
)
def test_unreadable_http_is_malformed_request_in_json(gateway, request_bytes):
    _assert_malformed_request(*_raw_exchange(gateway, request_bytes))


@pytest.mark.decision("D-050")
@pytest.mark.decision("D-063")
def test_a_body_with_broken_chunked_framing_is_malformed_request_before_any_check(gateway):
    head = f"POST {HOOKS['stocks'].path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    request = head.encode() + b'Transfer-Encoding: chunked\r\n\r\n5\r\n{"tic\r\nzz\r\n'
    _assert_malformed_request(*_raw_exchange(gateway, request))


def test_a_chunked_body_is_read(gateway):
    assert_accepted(post(gateway, "stocks", iter([b'{"ticker": "AMD",', b' "action": "buy"}'])))


@pytest.mark.parametrize(
    ("hook", "ticker", "code"),
    [
        ("stocks", "NOSUCHTICKER", "ticker-does-not-exist"),
        ("stocks", "BTCUSD", "invalid-asset-class"),
        ("stocks", "MNQU2025", "invalid-asset-class"),
        ("stocks", "SQ 240510C68", "invalid-asset-class"),
        ("crypto", "AMD", "invalid-asset-class"),
        ("futures", "AMD", "invalid-asset-class"),
        ("ticker-list", "MSFT", "unsupported-ticker"),
        ("futures-list", "GCJ2025", "unsupported-ticker"),
    ],
)
def test_ticker_checks(gateway, hook, ticker, code):
    assert_error(post(gateway, hook, json.dumps({"ticker": ticker, "action": "buy"})), code)


@pytest.mark.parametrize(
    ("hook", "ticker"),
    [
        ("ticker-list", "AAPL"),
        ("ticker-list", "amd"),
        ("futures-list", "MNQU2025"),
        ("futures-list", "MNQ1!"),
        ("crypto", "BTCUSD"),
        ("options", "SPY 250520C582.5"),
        ("options", "SPY250520C00582500"),
        ("options", "SPY_052025582.5"),
    ],
)
def test_allowed_tickers_are_accepted(gateway, hook, ticker):
    assert_accepted(post(gateway, hook, json.dumps({"ticker": ticker, "action": "buy"})))


@pytest.mark.decision("D-014")
def test_option_symbol_against_option_type(gateway):
    response = post(
        gateway, "options", json.dumps({"ticker": "SQ 240510C68", "action": "buy", "optionType": "put"})
    )
    assert_error(response, "invalid-ticker-and-option-type")


def test_risk_dollar_amount_on_futures_is_invalid_for_the_asset_class(gateway):
    signal = {"ticker": "MNQU2025", "action": "buy", "quantityType": "risk_dollar_amount", "quantity": 100}
    signal["stopLoss"] = {"type": "stop", "amount": 50}
    assert_error(post(gateway, "futures", json.dumps(signal)), "invalid-quantity-type-for-asset-class")


SIGNAL = b'{"ticker": "AMD", "action": "buy"}'


@pytest.mark.decision("D-028")
@pytest.mark.parametrize(
    ("hook", "forwarded_for", "code"),
    [
        ("tradingview", None, "not-trading-view"),
        ("tradingview", "52.89.214.238", "not-trading-view"),
        ("trendspider", "3.12.143.24", "not-trend-spider"),
        ("ip-list", "203.0.113.7", "invalid-ip-address"),
        ("ip-loopback", "203.0.113.7", None),
    ],
)
def test_a_forwarded_for_header_from_an_untrusted_peer_is_ignored(gateway, hook, forwarded_for, code):
    headers = {} if forwarded_for is None else {"X-Forwarded-For": forwarded_for}
    response = post(gateway, hook, SIGNAL, headers=headers)
    if code is None:
        assert_accepted(response)
    else:
        assert_error(response, code)


@pytest.mark.parametrize(
    ("hook", "forwarded_for", "code"),
    [
        ("tradingview", "52.89.214.238", None),
        ("tradingview", "34.212.75.30", None),
        ("tradingview", "52.89.214.239", "not-trading-view"),
        ("tradingview", "52.89.214.238, 127.0.0.1", None),
        ("tradingview", "52.89.214.238, 198.51.100.1", "not-trading-view"),
        ("trendspider", "3.12.143.24", None),
        ("trendspider", "52.89.214.238", "not-trend-spider"),
        ("ip-list", "203.0.113.7", None),
        ("ip-list", "10.200.3.4", None),
        ("ip-list", "203.0.113.8", "invalid-ip-address"),
        ("ip-list", "::ffff:10.0.0.1", None),
        ("ip-list", "not-an-address", "invalid-ip-address-format"),
        ("stocks", "not-an-address", None),
    ],
)
@pytest.mark.decision("D-015")
def test_source_restrictions_behind_a_trusted_proxy(proxied_gateway, hook, forwarded_for, code):
    response = post(proxied_gateway, hook, SIGNAL, headers={"X-Forwarded-For": forwarded_for})
    if code is None:
        assert_accepted(response)
    else:
        assert_error(response, code)


def test_source_check_comes_before_the_body(proxied_gateway):
    response = post(proxied_gateway, "tradingview", b"{not json", headers={"X-Forwarded-For": "198.51.100.1"})
    assert_error(response, "not-trading-view")


@pytest.mark.decision("D-020")
def test_password_check_comes_before_source_and_body(proxied_gateway):
    response = post(proxied_gateway, "tradingview", b"{not json", password="f" * 32)
    assert_error(response, "invalid-password")


def _database(gateway) -> Path:
    return (
        Path(gateway.process.args[gateway.process.args.index("--config") + 1]).parent
        / "data"
        / "gateway.sqlite3"
    )


def _log_row(gateway, log_id: str) -> sqlite3.Row:
    connection = sqlite3.connect(_database(gateway))
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute("SELECT * FROM signal_log WHERE log_id = ?", (log_id,)).fetchone()
    finally:
        connection.close()


@pytest.mark.decision("D-027")
def test_an_accepted_signal_is_in_the_log_before_its_200(gateway):
    body = b'{"ticker": " amd ", "action": "buy", "price": "12.5", "note": "kept in the log"}'
    answer = assert_accepted(post(gateway, "stocks", body))
    row = _log_row(gateway, answer["logId"])
    assert (row["outcome"], row["status"], row["signal_id"]) == ("accepted", 200, answer["id"])
    assert row["body"] == body
    assert (
        json.loads(row["signal"])
        == answer["payload"]
        == {"ticker": "AMD", "action": "buy", "signalPrice": 12.5}
    )
    assert row["source_address"] == "127.0.0.1"


@pytest.mark.decision("D-027")
def test_a_rejected_signal_is_logged_with_its_code(gateway):
    answer = assert_error(post(gateway, "stocks", b'{"ticker": "AMD", "action": "hold"}'), "invalid-action")
    row = _log_row(gateway, answer["logId"])
    assert (row["outcome"], row["status"], row["message_code"]) == ("rejected", 400, "invalid-action")
    assert row["body"] == b'{"ticker": "AMD", "action": "hold"}'


def test_passwords_are_in_neither_the_database_nor_the_logs(gateway):
    post(gateway, "stocks", SIGNAL)
    post(gateway, "stocks", SIGNAL, password="deadbeef" * 4)
    files = _database(gateway).parent.glob("gateway.sqlite3*")  # with the WAL file while it exists
    database = b"".join(path.read_bytes() for path in files)
    assert HOOKS["stocks"].uuid.encode() in database
    output = "".join(gateway.output).split("Press Ctrl+C to stop.", 1)[1]  # after the start-up URLs
    for hook in CONFIGURED:
        assert hook.password.encode() not in database
        assert hook.password not in output
    assert b"deadbeef" * 4 not in database


@pytest.mark.decision("D-061")
def test_start_up_prints_every_webhook_url_with_its_password_masked(gateway):
    printed = {url.split(WEBHOOK_PREFIX)[1] for url in gateway.webhook_urls}
    assert printed == {f"{hook.uuid}/****" for hook in CONFIGURED}


GZIP_SIGNAL = gzip.compress(SIGNAL)
# A signal padded to 10 MB compresses to about 10 KB: a body under the limit that inflates past it.
BOMB = gzip.compress(b'{"ticker": "AMD", "action": "buy", "extras": {"pad": "' + b"x" * 10_000_000 + b'"}}')


@pytest.mark.decision("D-084")
@pytest.mark.parametrize(
    ("content_encoding", "body"),
    [
        ("gzip", GZIP_SIGNAL),
        ("x-gzip", GZIP_SIGNAL),
        ("GZip", GZIP_SIGNAL),
        ("deflate", zlib.compress(SIGNAL)),
        ("identity", SIGNAL),
        ("gzip, identity", GZIP_SIGNAL),
        ("deflate, gzip", gzip.compress(zlib.compress(SIGNAL))),
        ("gzip", gzip.compress(SIGNAL[:12]) + gzip.compress(SIGNAL[12:])),  # two gzip members
    ],
    ids=["gzip", "x-gzip", "GZip", "deflate", "identity", "gzip, identity", "deflate, gzip", "two members"],
)
def test_a_compressed_body_is_decoded_and_logged_decoded(gateway, content_encoding, body):
    answer = assert_accepted(post(gateway, "stocks", body, headers={"Content-Encoding": content_encoding}))
    assert answer["payload"] == {"ticker": "AMD", "action": "buy"}
    assert _log_row(gateway, answer["logId"])["body"] == SIGNAL


@pytest.mark.decision("D-084")
def test_a_compressed_chunked_body_is_decoded(gateway):
    chunks = iter([GZIP_SIGNAL[:10], GZIP_SIGNAL[10:]])
    assert_accepted(post(gateway, "stocks", chunks, headers={"Content-Encoding": "gzip"}))


@pytest.mark.decision("D-084")
@pytest.mark.parametrize(
    ("content_encoding", "body"),
    [
        ("deflate", SIGNAL),
        ("gzip", SIGNAL),
        ("gzip", GZIP_SIGNAL[:-4]),
        ("gzip", GZIP_SIGNAL + b"trailing"),
        ("gzip", GZIP_SIGNAL[:20] + bytes([GZIP_SIGNAL[20] ^ 1]) + GZIP_SIGNAL[21:]),
        ("deflate", zlib.compress(SIGNAL)[2:-4]),
        ("deflate", zlib.compress(SIGNAL) * 2),
        ("gzip", b""),
        ("gzip, deflate", gzip.compress(zlib.compress(SIGNAL))),
    ],
    ids=[
        "deflate label on a plain body",
        "gzip label on a plain body",
        "gzip cut short",
        "bytes after the gzip data",
        "a gzip checksum that fails",
        "raw deflate",
        "two zlib streams",
        "an empty gzip body",
        "codings named in the wrong order",
    ],
)
def test_a_body_that_does_not_decode_under_its_label_is_malformed_content_encoding(
    gateway, content_encoding, body
):
    response = post(gateway, "stocks", body, headers={"Content-Encoding": content_encoding})
    assert_error(response, "malformed-content-encoding")


@pytest.mark.decision("D-084")
@pytest.mark.parametrize("content_encoding", ["br", "compress", "zstd", "x-conformance-unknown", "gzip, br"])
def test_a_coding_the_gateway_does_not_decode_is_unsupported_content_encoding(gateway, content_encoding):
    response = post(gateway, "stocks", SIGNAL, headers={"Content-Encoding": content_encoding})
    assert_error(response, "unsupported-content-encoding")
    assert response.headers["Accept-Encoding"] == "gzip, deflate"


@pytest.mark.decision("D-084")
def test_an_unsupported_coding_is_refused_before_the_body_size(gateway):
    body = b"x" * (64 * 1024 + 1)
    assert_error(
        post(gateway, "stocks", body, headers={"Content-Encoding": "br"}), "unsupported-content-encoding"
    )


@pytest.mark.decision("D-084")
def test_a_compressed_body_decoding_past_64_kib_is_payload_too_large_and_the_worker_goes_on(gateway):
    assert len(BOMB) < 20_000
    assert_error(post(gateway, "stocks", BOMB, headers={"Content-Encoding": "gzip"}), "payload-too-large")
    assert_accepted(post(gateway, "stocks", SIGNAL))


@pytest.mark.decision("D-084")
def test_a_compressed_body_decoding_to_exactly_64_kib_is_read(gateway):
    padded = SIGNAL + b" " * (64 * 1024 - len(SIGNAL))
    assert_accepted(post(gateway, "stocks", gzip.compress(padded), headers={"Content-Encoding": "gzip"}))
    too_long = gzip.compress(padded + b" ")
    assert_error(post(gateway, "stocks", too_long, headers={"Content-Encoding": "gzip"}), "payload-too-large")


def _http10(head: str) -> bytes:
    return f"POST {HOOKS['stocks'].path} HTTP/1.0\r\nHost: x\r\n{head}\r\n".encode()


@pytest.mark.decision("D-085")
@pytest.mark.parametrize(
    "request_bytes",
    [
        _http10("") + SIGNAL,
        _http10("Connection: keep-alive\r\n") + SIGNAL,
        _http10(""),
        _http10("Transfer-Encoding: chunked\r\n") + b"%x\r\n%s\r\n0\r\n\r\n" % (len(SIGNAL), SIGNAL),
    ],
    ids=["a body", "keep-alive and a body", "no body", "chunked"],
)
def test_an_http10_post_without_a_content_length_is_length_required(gateway, request_bytes):
    status, headers, body = _raw_exchange(gateway, request_bytes)
    assert (status, headers["Content-Type"], headers["Connection"]) == (411, "application/json", "close")
    entry = error_codes()["length-required"]
    assert json.loads(body) == {"success": False, "messageCode": "length-required", "message": entry.message}


@pytest.mark.decision("D-085")
def test_an_http10_post_with_a_content_length_is_read(gateway):
    status, _, body = _raw_exchange(gateway, _http10(f"Content-Length: {len(SIGNAL)}\r\n") + SIGNAL)
    assert (status, json.loads(body)["payload"]) == (200, {"ticker": "AMD", "action": "buy"})


@pytest.mark.decision("D-085")
def test_an_http10_get_without_a_content_length_is_post_required(gateway):
    request_bytes = f"GET {HOOKS['stocks'].path} HTTP/1.0\r\nHost: x\r\n\r\n".encode()
    status, _, body = _raw_exchange(gateway, request_bytes)
    assert (status, json.loads(body)["messageCode"]) == (400, "post-required")


@pytest.mark.decision("D-085")
def test_an_http11_post_without_a_length_has_an_empty_body(gateway):
    request_bytes = f"POST {HOOKS['stocks'].path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    status, _, body = _raw_exchange(gateway, request_bytes)
    assert (status, json.loads(body)["messageCode"]) == (400, "empty-json")
