"""Password rotation with a grace (D-060): the old password keeps working for the time given, and the
signal log says which password each request gave."""

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from conformance.embedded_gateway import config_toml, numbered_webhook, running_gateway
from reference_server.webhook.store import parse_grace
from webhook_spec.openapi import webhook_path

SIGNAL = b'{"ticker": "AMD", "action": "buy"}'
GRACE_SECONDS = 3


def _cli(config, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "reference_server", *args, "--config", str(config)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def _post(base_url: str, uuid: str, password: str) -> requests.Response:
    return requests.post(base_url + webhook_path(uuid, password), data=SIGNAL, timeout=10)


def _log(config, uuid: str) -> list[dict]:
    """The webhook's signal log, oldest first, as the `log` command prints it."""
    printed = _cli(config, "log", "--webhook", uuid, "--limit", "100")
    assert printed.returncode == 0, printed.stderr
    return [json.loads(line) for line in reversed(printed.stdout.splitlines())]


@pytest.mark.decision("D-060")
@pytest.mark.parametrize(
    ("text", "grace"),
    [("30", 30), ("90s", 90), ("10m", 600), ("2h", 7200), ("7d", 7 * 86400), ("0", 0)],
)
def test_a_grace_is_a_duration(text, grace):
    assert parse_grace(text) == timedelta(seconds=grace)


@pytest.mark.decision("D-060")
@pytest.mark.parametrize(
    ("text", "error"), [("10x", "is not a duration"), ("8d", "longer than"), ("-1", "is not")]
)
def test_a_bad_grace_is_refused_by_the_cli(tmp_path, text, error):
    config = tmp_path / "gateway.toml"
    config.write_text(config_toml((), tmp_path / "data", {}))
    uuid = _cli(config, "webhooks", "create").stdout.strip().rsplit("/", 2)[-2]
    result = _cli(config, "webhooks", "rotate", uuid, "--grace", text)
    assert result.returncode == 2 and error in result.stderr and result.stdout == ""
    with pytest.raises(ValueError, match=error):
        parse_grace(text)


@pytest.mark.decision("D-060")
def test_the_old_password_works_during_the_grace_and_the_log_says_so(tmp_path):
    config = tmp_path / "gateway.toml"
    config.write_text(config_toml((numbered_webhook(1, "stocks"),), tmp_path / "data", {}))
    created = _cli(config, "webhooks", "create")
    assert created.returncode == 0, created.stderr
    uuid, old = created.stdout.strip().rsplit("/", 2)[-2:]
    with running_gateway(["--config", str(config)]) as gateway:
        assert _post(gateway.base_url, uuid, old).status_code == 200
        rotated = _cli(config, "webhooks", "rotate", uuid, "--grace", f"{GRACE_SECONDS}s")
        assert rotated.returncode == 0, rotated.stderr
        new = rotated.stdout.strip().rsplit("/", 1)[-1]
        until = datetime.strptime(
            rotated.stderr.strip().removeprefix("the old password stays valid until "), "%Y-%m-%dT%H:%M:%SZ"
        ).replace(tzinfo=UTC)
        assert new != old
        during = [_post(gateway.base_url, uuid, password) for password in (old, new)]
        assert datetime.now(UTC) < until, "the grace ran out before the requests: the test proves nothing"
        assert [response.status_code for response in during] == [200, 200]
        time.sleep(max(0.0, (until - datetime.now(UTC)).total_seconds()) + 1.0)  # the grace is over
        after = _post(gateway.base_url, uuid, old)
        assert (after.status_code, after.json()["messageCode"]) == (400, "invalid-password")
        assert _post(gateway.base_url, uuid, new).status_code == 200
    records = [(r["outcome"], r["message_code"], r["matched_password"]) for r in _log(config, uuid)]
    assert records == [
        ("accepted", None, "current"),  # before the rotation
        ("accepted", None, "previous"),  # the old password during the grace
        ("accepted", None, "current"),  # the new one
        ("rejected", "invalid-password", None),  # the old one after the grace
        ("accepted", None, "current"),
    ]
    assert [r["log_id"] for r in _log(config, uuid)][1] == during[0].json()["logId"]


@pytest.mark.decision("D-060")
def test_without_a_grace_the_old_password_stops_at_once(tmp_path):
    config = tmp_path / "gateway.toml"
    config.write_text(config_toml((), tmp_path / "data", {}))
    uuid, old = _cli(config, "webhooks", "create").stdout.strip().rsplit("/", 2)[-2:]
    first = _cli(config, "webhooks", "rotate", uuid, "--grace", "1h").stdout.strip().rsplit("/", 1)[-1]
    second = _cli(config, "webhooks", "rotate", uuid)  # ends the first rotation's grace too
    assert second.returncode == 0 and second.stderr == ""
    new = second.stdout.strip().rsplit("/", 1)[-1]
    with running_gateway(["--config", str(config)]) as gateway:
        answers = {
            name: _post(gateway.base_url, uuid, password)
            for name, password in (("old", old), ("first", first), ("new", new))
        }
    assert {name: response.status_code for name, response in answers.items()} == {
        "old": 400,
        "first": 400,
        "new": 200,
    }
