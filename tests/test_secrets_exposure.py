"""Where a webhook password or the control token could leak: redirects, the start-up output, the process
list, a control API served to other hosts, and address lists that silently matched nothing (D-061, D-062).

Every test runs the gateway as users run it: `python -m reference_server serve` on a loopback port.
"""

import http.client
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from conformance.embedded_gateway import config_toml, gateway_command, numbered_webhook, running_gateway
from reference_server.config import ConfigError, parse_config
from reference_server.control_access import CONTROL_TOKEN_ENV, exposure_error, is_loopback
from tests.gateways import HOOKS
from webhook_spec.catalogue import error_codes
from webhook_spec.openapi import WEBHOOK_PREFIX

TOKEN = "control-token-7f3e9a1c5b2d4e6f8a0b1c2d3e4f5a6b"
STOCKS = HOOKS["stocks"]
SIGNAL = b'{"ticker": "AMD", "action": "buy"}'
# Webhooks limited by IPv4-mapped entries; every request of these tests comes from 127.0.0.1.
MAPPED = {
    webhook.name: webhook
    for webhook in (
        numbered_webhook(30, "mapped-address", limit_to="ip", ip_addresses=["::ffff:127.0.0.1"]),
        numbered_webhook(31, "mapped-range", limit_to="ip", ip_addresses=["::ffff:127.0.0.0/104"]),
        numbered_webhook(32, "mapped-other-range", limit_to="ip", ip_addresses=["::ffff:10.0.0.0/104"]),
        numbered_webhook(33, "behind-mapped-proxy", limit_to="ip", ip_addresses=["203.0.113.7"]),
    )
}
PASSWORDS = [webhook.password for webhook in (*HOOKS.values(), *MAPPED.values())]


def _write_config(directory: Path, **gateway) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "gateway.toml"
    config.write_text(config_toml((*HOOKS.values(), *MAPPED.values()), directory / "data", gateway))
    return config


@contextmanager
def _environment(**values: str):
    """Set environment variables for the processes started inside the block."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in values.items():
            patch.setenv(name, value)
        yield


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A gateway given its control token in the environment, trusting ::ffff:127.0.0.1 as a proxy."""
    config = _write_config(tmp_path_factory.mktemp("secrets"), trusted_proxies=["::ffff:127.0.0.1"])
    with _environment(**{CONTROL_TOKEN_ENV: TOKEN}), running_gateway(["--config", str(config)]) as running:
        yield running


def _exchange(base_url: str, method: str, path: str, headers: dict[str, str] | None = None):
    """Send `path` byte for byte (no client normalizes it) with a foreign Host header."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        body = SIGNAL if method == "POST" else None
        connection.request(method, path, body=body, headers={"Host": "evil.example", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()  # headers: case-insensitive
    finally:
        connection.close()


def _assert_no_password(headers: http.client.HTTPMessage, body: bytes) -> None:
    text = ("\n".join(f"{name}: {value}" for name, value in headers.items()) + "\n").encode() + body
    for password in PASSWORDS:
        assert password.encode() not in text.lower(), "a response repeats a webhook password"


def _process_group(leader: int) -> list[int]:
    """The pids of the processes in the group `leader` leads (a gunicorn master and its workers)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == leader:  # the field after state is the process group id
            pids.append(int(stat.parent.name))
    return pids


def _cmdlines(leader: int) -> list[bytes]:
    return [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in _process_group(leader)]


def _control(base_url: str, token: str = TOKEN) -> requests.Response:
    return requests.get(f"{base_url}/control/log", headers={"Authorization": f"Bearer {token}"}, timeout=10)


# Finding 2: no redirect, no HTML, no password under /trading/webhook and /control

U, P = STOCKS.uuid, STOCKS.password
# Spelled out, not built from WEBHOOK_PATH: each is to be read as the bytes an attacker sends.
MANGLED_PATHS = [
    f"/trading/webhook//{U}/{P}",
    f"/trading/webhook/{U}//{P}",
    f"/trading//webhook/{U}/{P}",
    f"/trading/webhook/{U}/{P}/",
    f"/trading/webhook/{U}/{P}//",
    f"/trading/webhook/./{U}/{P}",
    f"/trading/webhook/{U}/./{P}",
    f"/trading/webhook/{U}/{P}/.",
    f"/trading/webhook/{U}/{P}/..",
    f"/trading/webhook/x/../{U}/{P}",
    f"/trading/webhook/{U}/%2e/{P}",
    f"/trading/webhook/{U}/{P}/%2E%2E",
]
# Resolved before routing (D-061): the server decodes %2F, the router ignores leading slashes.
RESOLVED_PATHS = [
    f"//trading/webhook/{U}/{P}",
    f"///trading/webhook/{U}/{P}",
    f"/trading/webhook/{U}%2F{P}",
    f"/trading/webhook/{U}%2f{P}",
    f"/trading/webhook%2F{U}/{P}",
]
NOT_FOUND = {"success": False, "messageCode": "not-found", "message": "Webhook not found."}


def _ids(paths: list[str]) -> list[str]:
    return [path.replace(P, "PW").replace(U, "UUID") for path in paths]


@pytest.mark.decision("D-061")
@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("path", MANGLED_PATHS, ids=_ids(MANGLED_PATHS))
def test_a_mangled_webhook_path_is_not_found_in_json_never_redirected(served, method, path):
    status, headers, body = _exchange(served.base_url, method, path)
    assert (status, headers["Content-Type"], "Location" in headers) == (404, "application/json", False)
    assert json.loads(body) == NOT_FOUND
    _assert_no_password(headers, body)


@pytest.mark.decision("D-061")
@pytest.mark.parametrize("path", RESOLVED_PATHS, ids=_ids(RESOLVED_PATHS))
def test_a_path_resolved_before_routing_is_the_webhook_or_not_found_never_redirected(served, path):
    status, headers, body = _exchange(served.base_url, "POST", path)
    assert headers["Content-Type"] == "application/json" and "Location" not in headers
    answer = json.loads(body)
    assert (status, answer["success"]) == (200, True) or (status, answer) == (404, NOT_FOUND)
    _assert_no_password(headers, body)


@pytest.mark.decision("D-061")
def test_the_exact_path_is_still_the_webhook(served):
    status, headers, body = _exchange(served.base_url, "POST", STOCKS.path)
    assert (status, json.loads(body)["success"]) == (200, True)
    _assert_no_password(headers, body)


@pytest.mark.decision("D-061")
@pytest.mark.parametrize("token", [None, TOKEN], ids=["without the token", "with the token"])
@pytest.mark.parametrize(
    "path", ["/control//log", "//control/log", "/control/log/", "/control//", "/control", "/control/./log"]
)
def test_control_paths_are_json_never_redirected(served, token, path):
    authorization = {"Authorization": f"Bearer {token}"} if token else {}
    status, headers, body = _exchange(served.base_url, "GET", path, authorization)
    assert headers["Content-Type"] == "application/json" and "Location" not in headers
    assert status in (200, 401, 404), status
    assert token is not None or status in (401, 404), "the control API answered without its token"
    json.loads(body)


@pytest.mark.decision("D-061")
def test_no_error_answer_repeats_the_password(served):
    """Every kind of refusal on the webhook path, each sent with the password in the URL."""
    wrong = STOCKS.path.rsplit("/", 1)[0] + "/" + "ab" * 16
    cases = [
        ("GET", STOCKS.path, {}),
        ("POST", STOCKS.path, {"Content-Type": "text/plain"}),
        ("POST", wrong, {}),
        ("POST", HOOKS["tradingview"].path, {}),
        ("POST", MAPPED["mapped-other-range"].path, {}),
        ("POST", STOCKS.path + "?password=" + P, {}),
    ]
    for method, path, headers in cases:
        status, answer_headers, body = _exchange(served.base_url, method, path, headers)
        assert answer_headers["Content-Type"] == "application/json", (status, body)
        _assert_no_password(answer_headers, body)
        assert "ab" * 16 not in body.decode()


# Finding 4: the start-up output masks passwords


@pytest.mark.decision("D-061")
def test_the_start_up_output_masks_every_password(served):
    output = "".join(served.output)
    assert all(password not in output for password in PASSWORDS)
    printed = {url.split(WEBHOOK_PREFIX)[1] for url in served.webhook_urls}
    assert printed == {f"{hook.uuid}/****" for hook in (*HOOKS.values(), *MAPPED.values())}
    assert "--show-urls" in output


# Finding 5: the control token never on the command line; Finding 8: the control API where it may be


@pytest.mark.decision("D-061")
def test_a_token_from_the_environment_is_on_no_command_line(served):
    assert _control(served.base_url).status_code == 200
    assert _control(served.base_url, "wrong").status_code == 401
    cmdlines = _cmdlines(served.process.pid)
    assert len(cmdlines) >= 2, "a master and a worker"
    assert all(TOKEN.encode() not in cmdline for cmdline in cmdlines)
    assert TOKEN not in "".join(served.output)


@pytest.mark.decision("D-061")
def test_the_start_up_output_says_where_the_control_api_is(served):
    line = f"Control API at {served.base_url}/control (bearer token), reachable from this machine only\n"
    assert line in served.output


@pytest.mark.decision("D-061")
def test_a_token_file_works_and_shows_urls_when_asked(tmp_path):
    config = _write_config(tmp_path)
    created = subprocess.run(
        [sys.executable, "-m", "reference_server", "webhooks", "create", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    cli_uuid, cli_password = created.stdout.strip().rsplit("/", 2)[1:]  # printed whole: it was just made
    token_file = tmp_path / "control-token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    args = ["--config", str(config), "--control-token-file", str(token_file), "--show-urls"]
    with running_gateway(args) as running:
        assert _control(running.base_url).status_code == 200
        assert all(TOKEN.encode() not in cmdline for cmdline in _cmdlines(running.process.pid))
        printed = {url.split(WEBHOOK_PREFIX)[1] for url in running.webhook_urls}
    config_hooks = {f"{hook.uuid}/{hook.password}" for hook in (*HOOKS.values(), *MAPPED.values())}
    assert printed == config_hooks | {f"{cli_uuid}/****"}  # the database holds no password to show
    assert cli_password not in "".join(running.output)


@pytest.mark.decision("D-061")
def test_the_token_flag_still_works_with_a_warning(tmp_path):
    config = _write_config(tmp_path)
    with running_gateway(["--config", str(config), "--control-token", TOKEN]) as running:
        assert _control(running.base_url).status_code == 200
    warning = next(line for line in running.output if line.startswith("warning:"))
    assert "--control-token" in warning and CONTROL_TOKEN_ENV in warning and TOKEN not in warning


def _serve(args: list[str], **environment: str) -> subprocess.CompletedProcess:
    """Run `serve` to its end: every case here must refuse to start (so nothing is ever bound)."""
    command = gateway_command(args)
    env = os.environ | environment
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.decision("D-061")
@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
@pytest.mark.parametrize(
    ("args", "environment"),
    [
        ([], {CONTROL_TOKEN_ENV: TOKEN}),
        (["--control-token", TOKEN], {}),
    ],
    ids=["token from the environment", "token flag"],
)
def test_the_control_api_is_refused_on_a_non_loopback_address(tmp_path, host, args, environment):
    config = _write_config(tmp_path)
    result = _serve(["--config", str(config), *args, "--host", host], **environment)
    assert result.returncode == 2 and result.stdout == ""
    assert f"--host {host} is reachable from other hosts" in result.stderr
    assert "--allow-remote-control" in result.stderr and TOKEN not in result.stderr


@pytest.mark.decision("D-061")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--control-token-file", "missing-token"], "cannot read"),
        (["--control-token-file", "empty-token"], "holds no token"),
        (["--control-token", ""], "the token is empty"),
        (["--control-token", "a", "--control-token-file", "empty-token"], "not allowed with"),
    ],
)
def test_an_unusable_token_is_a_clear_error(tmp_path, args, message):
    (tmp_path / "empty-token").write_text("\n")
    result = subprocess.run(
        [sys.executable, "-m", "reference_server", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 2 and message in result.stderr, result.stderr


@pytest.mark.decision("D-061")
def test_which_hosts_are_loopback():
    assert all(
        is_loopback(host) for host in ("127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "localhost")
    )
    assert not any(is_loopback(host) for host in ("0.0.0.0", "::", "", "192.0.2.10", "2001:db8::1"))
    assert exposure_error("0.0.0.0", allow_remote=True) is None
    assert exposure_error("127.0.0.1", allow_remote=False) is None
    assert "--allow-remote-control" in exposure_error("192.0.2.10", allow_remote=False)


# Finding 9: IPv4-mapped entries in address lists


@pytest.mark.decision("D-062")
@pytest.mark.parametrize(
    ("hook", "forwarded_for", "code"),
    [
        ("mapped-address", None, None),
        ("mapped-range", None, None),
        ("mapped-other-range", None, "invalid-ip-address"),
        ("behind-mapped-proxy", "203.0.113.7", None),
        ("behind-mapped-proxy", "198.51.100.1", "invalid-ip-address"),
    ],
)
def test_ipv4_mapped_list_entries_match_ipv4_clients(served, hook, forwarded_for, code):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    url = served.base_url + MAPPED[hook].path
    answer = requests.post(url, data=SIGNAL, headers=headers, timeout=10)
    if code is None:
        assert answer.status_code == 200, answer.text
    else:
        assert (answer.status_code, answer.json()["messageCode"]) == (error_codes()[code].status, code)


@pytest.mark.decision("D-062")
def test_ipv4_mapped_entries_are_stored_as_ipv4(served):
    config = next(Path(arg) for arg in served.process.args if arg.endswith("gateway.toml"))
    connection = sqlite3.connect(config.parent / "data" / "gateway.sqlite3")
    try:
        rows = dict(connection.execute("SELECT uuid, ip_addresses FROM webhooks"))
    finally:
        connection.close()
    assert json.loads(rows[MAPPED["mapped-address"].uuid]) == ["127.0.0.1"]
    assert json.loads(rows[MAPPED["mapped-range"].uuid]) == ["127.0.0.0/8"]


@pytest.mark.decision("D-062")
@pytest.mark.parametrize(
    ("entry", "stored"),
    [
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("::FFFF:203.0.113.7", "203.0.113.7"),
        ("::ffff:cb00:7107", "203.0.113.7"),
        ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
        ("::ffff:10.1.2.3/104", "10.0.0.0/8"),
        ("::ffff:0:0/96", "0.0.0.0/0"),
        ("::/0", "::/0"),  # wider than the mapped block: an IPv6 range, for IPv6 clients
        ("2001:db8::/32", "2001:db8::/32"),
        ("10.0.0.0/8", "10.0.0.0/8"),
    ],
)
def test_the_one_network_check_writes_mapped_entries_as_ipv4(tmp_path, entry, stored):
    document = {
        "gateway": {"trusted_proxies": [entry]},
        "webhooks": [{"uuid": STOCKS.uuid, "password": P, "limit_to": "ip", "ip_addresses": [entry]}],
    }
    config = parse_config(document, tmp_path)
    assert config.trusted_proxies == (stored,) and config.webhooks[0].ip_addresses == (stored,)


@pytest.mark.decision("D-062")
@pytest.mark.parametrize("entry", ["::ffff:300.0.0.1", "::ffff:10.0.0.0/129", "not an address", 7])
def test_a_bad_list_entry_is_a_config_error(tmp_path, entry):
    document = {"gateway": {"trusted_proxies": [entry]}}
    with pytest.raises(ConfigError, match=r"gateway.trusted_proxies: .* is not an IP address or CIDR range"):
        parse_config(document, tmp_path)
