"""The gateway in-process: app factory, config checks, the command line, the error safety net."""

import json
import subprocess
import sys
import typing

import pytest

from reference_server import create_app
from reference_server.config import DEMO_WEBHOOK, ConfigError, GatewayConfig, parse_config
from reference_server.paper.planner.model import AssetClass
from reference_server.webhook import pipeline
from tests.gateways import HOOKS, write_config
from webhook_spec.openapi import asset_classes, webhook_path

DEMO_PATH = webhook_path(DEMO_WEBHOOK["uuid"], DEMO_WEBHOOK["password"])


@pytest.fixture
def client(tmp_path):
    """A test client of the embedded default (the demo webhook), with its data in tmp_path."""
    return create_app(GatewayConfig(data_dir=tmp_path)).test_client()


def test_the_embedded_default_serves_one_demo_stocks_webhook(client):
    response = client.post(DEMO_PATH, data=b'{"ticker": "AMD", "action": "buy"}')
    assert response.status_code == 200
    assert response.json["payload"] == {"ticker": "AMD", "action": "buy"}


@pytest.mark.decision("D-029")
def test_a_gateway_bug_is_still_answered_in_json(client, monkeypatch):
    def broken(_body):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "validate_body", broken)
    response = client.post(DEMO_PATH, data=b'{"ticker": "AMD", "action": "buy"}')
    assert response.status_code == 500
    assert response.mimetype == "application/json"
    assert response.json == {
        "success": False,
        "messageCode": "internal-error",
        "message": "The gateway failed to process the trade signal. Please try again later.",
    }


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"webhooks": [{"uuid": "u"}]}, "webhooks[0]: password is required"),
        (
            {"webhooks": [{"uuid": "u", "password": "p", "asset_class": "forex"}]},
            "asset_class must be one of",
        ),
        ({"webhooks": [{"uuid": "u", "password": "p", "limit_to": "tv"}]}, "limit_to must be one of"),
        ({"webhooks": [{"uuid": "u", "password": "p", "limit_to": "ip"}]}, "needs ip_addresses"),
        (
            {"webhooks": [{"uuid": "u", "password": "p", "limit_to": "ip", "ip_addresses": ["1.2.3"]}]},
            "'1.2.3'",
        ),
        ({"webhooks": [{"uuid": "u", "password": "p", "colour": "red"}]}, "unknown keys ['colour']"),
        (
            {
                "webhooks": [
                    {"uuid": DEMO_WEBHOOK["uuid"], "password": HOOKS["stocks"].password},
                    {"uuid": DEMO_WEBHOOK["uuid"].upper(), "password": HOOKS["options"].password},
                ]
            },
            "declared twice",
        ),
        ({"gateway": {"rate_limits": "lots"}}, "gateway.rate_limits"),
        ({"gateway": {"sqlite_synchronous": "OFF"}}, "sqlite_synchronous"),
        ({"gateway": {"trusted_proxies": ["proxy.example"]}}, "trusted_proxies"),
    ],
)
def test_config_errors_say_where(tmp_path, document, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_config(document, tmp_path)


def _cli(tmp_path, *args: str) -> subprocess.CompletedProcess:
    config = tmp_path / "gateway.toml"
    if not config.exists():
        write_config(tmp_path)
    command = [sys.executable, "-m", "reference_server", *args, "--config", str(config)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_an_invalid_config_file_is_a_one_line_error(tmp_path):
    (tmp_path / "gateway.toml").write_text("[[webhooks]]\nuuid = 1\n")
    result = _cli(tmp_path, "webhooks", "list")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: webhooks[0]: uuid is required"


def test_create_list_and_rotate_webhooks(tmp_path):
    created = _cli(tmp_path, "webhooks", "create", "--asset-class", "futures", "--allowed-ticker", "mnq")
    assert created.returncode == 0, created.stderr
    uuid, password = created.stdout.strip().rsplit("/", 2)[-2:]
    assert len(password) == 32 and int(password, 16) >= 0
    listing = _cli(tmp_path, "webhooks", "list").stdout
    assert f"{uuid} futures  tickers=MNQ limit_to=- cli" in listing
    assert password not in listing
    rotated = _cli(tmp_path, "webhooks", "rotate", uuid)
    assert rotated.returncode == 0
    rotated_uuid, new_password = rotated.stdout.strip().rsplit("/", 2)[-2:]
    assert rotated_uuid == uuid and len(new_password) == 32 and new_password != password


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (("--limit-to", "ip", "--ip-address", "1.2.3"), "'1.2.3' is not an IP address or CIDR range"),
        (("--limit-to", "ip"), "limit_to = 'ip' needs ip_addresses"),
    ],
)
def test_the_cli_checks_a_new_webhook_as_the_config_file_does(tmp_path, options, error):
    result = _cli(tmp_path, "webhooks", "create", *options)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: webhooks create") and error in result.stderr
    assert "cli" not in _cli(tmp_path, "webhooks", "list").stdout  # nothing was stored


def test_the_asset_classes_are_the_control_contracts_and_the_planners():
    assert asset_classes() == typing.get_args(AssetClass) == ("stocks", "options", "futures", "crypto")


def test_a_rotated_password_replaces_the_old_one(tmp_path):
    uuid, old = _cli(tmp_path, "webhooks", "create").stdout.strip().rsplit("/", 2)[-2:]
    new = _cli(tmp_path, "webhooks", "rotate", uuid).stdout.strip().rsplit("/", 1)[-1]
    app = create_app(GatewayConfig(data_dir=tmp_path / "data", webhooks=())).test_client()
    signal = b'{"ticker": "AMD", "action": "buy"}'
    assert app.post(webhook_path(uuid, old), data=signal).json["messageCode"] == "invalid-password"
    assert app.post(webhook_path(uuid, new), data=signal).status_code == 200


def test_a_config_webhook_is_rotated_in_its_config(tmp_path):
    result = _cli(tmp_path, "webhooks", "rotate", HOOKS["stocks"].uuid)
    assert result.returncode == 2
    assert "declared in the config file" in result.stderr


def test_the_log_command_prints_the_newest_records_as_json_lines(tmp_path):
    app = create_app(GatewayConfig(data_dir=tmp_path / "data")).test_client()
    app.post(DEMO_PATH, data=b'{"ticker": "AMD", "action": "buy"}')
    app.post(DEMO_PATH, data=b'{"ticker": "AMD", "action": "hold"}')
    (tmp_path / "gateway.toml").write_text('[gateway]\ndata_dir = "data"\n')
    lines = _cli(tmp_path, "log", "--limit", "5").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["outcome"], r["message_code"]) for r in records] == [
        ("rejected", "invalid-action"),
        ("accepted", None),
    ]
    assert records[1]["body"] == '{"ticker": "AMD", "action": "buy"}'
