"""The two ways the webhook is served, the Flask view and the answerer of requests read whole
(webhook/api.py), answer every request alike."""

import gzip
import json
import zlib

import pytest

from reference_server import create_app
from reference_server.config import DEMO_WEBHOOK, GatewayConfig
from reference_server.db import get_db
from reference_server.webhook import pipeline
from reference_server.webhook.api import answer_read_request
from reference_server.webhook.signal_log import read_entries
from webhook_spec.corpus import case_body, corpus_cases
from webhook_spec.openapi import webhook_path

DEMO_PATH = webhook_path(DEMO_WEBHOOK["uuid"], DEMO_WEBHOOK["password"])
LIFTED = "100000/minute"
IDS = ("id", "logId")  # new for each request


def _app(directory):
    return create_app(GatewayConfig(data_dir=directory, rate_limits=LIFTED))


@pytest.fixture
def apps(tmp_path):
    """Two gateways alike, each with its own log: one served by its Flask view, one by the answerer."""
    return _app(tmp_path / "flask"), _app(tmp_path / "read")


def _comparable(status: int, body: bytes, headers: dict) -> tuple:
    document = json.loads(body)
    return status, {k: v for k, v in document.items() if k not in IDS}, sorted(headers.items())


def _by_flask(app, path: str, body: bytes, headers: dict[str, str] | None = None) -> tuple:
    response = app.test_client().post(
        path, data=body, headers=headers or {}, environ_base={"REMOTE_ADDR": "10.0.0.7"}
    )
    assert response.mimetype == "application/json"
    other = {k: v for k, v in response.headers.items() if k not in ("Content-Type", "Content-Length")}
    return _comparable(response.status_code, response.data, other)


def _by_answerer(app, path: str, body: bytes | None, headers: dict[str, str] | None = None) -> tuple:
    raw = [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]
    answer = answer_read_request(app, path, "10.0.0.7", raw, body)
    assert answer is not None
    return _comparable(answer.status, answer.body, dict(answer.headers))


@pytest.mark.decision("D-088")
def test_every_corpus_body_gets_the_same_answer(apps):
    by_flask, by_answerer = apps
    for name, case in corpus_cases():
        body = case_body(case)
        assert _by_flask(by_flask, DEMO_PATH, body) == _by_answerer(by_answerer, DEMO_PATH, body), (
            name,
            case,
        )


@pytest.mark.parametrize(
    "path",
    [
        webhook_path(DEMO_WEBHOOK["uuid"], "wrong-password"),
        webhook_path("00000000-0000-4000-8000-00000000dead", DEMO_WEBHOOK["password"]),
        webhook_path(DEMO_WEBHOOK["uuid"], "pässwörd"),
    ],
)
def test_an_unknown_webhook_or_a_wrong_password_gets_the_same_answer(apps, path):
    by_flask, by_answerer = apps
    body = b'{"ticker": "AMD", "action": "buy"}'
    assert _by_flask(by_flask, path, body) == _by_answerer(by_answerer, path, body)


def test_a_body_too_large_gets_the_same_answer_read_or_not(apps):
    by_flask, by_answerer = apps
    body = b'{"ticker": "AMD", "action": "buy", "extras": "' + b"x" * 70_000 + b'"}'
    flask_answer = _by_flask(by_flask, DEMO_PATH, body)
    assert flask_answer[1]["messageCode"] == "payload-too-large"
    assert _by_answerer(by_answerer, DEMO_PATH, body) == flask_answer
    assert _by_answerer(by_answerer, DEMO_PATH, None) == flask_answer  # declared too large, left unread


def test_a_rate_limited_request_gets_the_same_answer_and_retry_after(tmp_path):
    by_flask, by_answerer = (
        create_app(GatewayConfig(data_dir=tmp_path / name, rate_limits="1/minute")) for name in ("f", "r")
    )
    answers = [
        (_by_flask(by_flask, DEMO_PATH, body), _by_answerer(by_answerer, DEMO_PATH, body))
        for body in (b'{"ticker": "AMD", "action": "buy"}', b'{"ticker": "AMD", "action": "sell"}')
    ]
    assert [flask for flask, _ in answers] == [answerer for _, answerer in answers]
    assert answers[1][0][1]["messageCode"] == "too-many-requests"
    assert [name for name, _ in answers[1][0][2]] == ["Retry-After"]


def test_the_answerer_takes_only_a_webhook_path(apps):
    _, app = apps
    body = b'{"ticker": "AMD", "action": "buy"}'
    for path in (
        DEMO_PATH + "/",
        DEMO_PATH + "/x",
        "/trading/webhook/only-one-segment",
        "/control/reset",
        "/",
    ):
        assert answer_read_request(app, path, "10.0.0.7", [], body) is None, path


def test_a_gateway_bug_is_answered_in_json_by_the_answerer_too(apps, monkeypatch):
    def broken(_body):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "validate_body", broken)
    _, app = apps
    answer = answer_read_request(app, DEMO_PATH, "10.0.0.7", [], b'{"ticker": "AMD", "action": "buy"}')
    assert answer.status == 500
    assert json.loads(answer.body)["messageCode"] == "internal-error"


def test_behind_a_trusted_proxy_both_log_the_forwarded_address(tmp_path):
    apps = [
        create_app(GatewayConfig(data_dir=tmp_path / name, trusted_proxies=("10.0.0.7",)))
        for name in ("f", "r")
    ]
    body = b'{"ticker": "AMD", "action": "buy"}'
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert _by_flask(apps[0], DEMO_PATH, body, forwarded) == _by_answerer(apps[1], DEMO_PATH, body, forwarded)
    for app in apps:
        with app.app_context():
            (entry,) = read_entries(get_db())
        assert entry.source_address == "203.0.113.9"


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("gzip", lambda body: body),  # a plain body labelled gzip
        ("br", lambda body: body),
    ],
)
def test_a_content_coding_gets_the_same_answer(apps, coding, encode):
    by_flask, by_answerer = apps
    body = encode(b'{"ticker": "AMD", "action": "buy"}')
    headers = {"Content-Encoding": coding}
    expected = _by_flask(by_flask, DEMO_PATH, body, headers)
    assert _by_answerer(by_answerer, DEMO_PATH, body, headers) == expected
