"""The kit's first run against a gateway that is not there yet, or not as the kit expects (issue 13).

Real processes over real sockets: the kit's command line, reference gateways, and loopback stand-ins of
tests/front_ends.py (a server answering 404 pages or `200 {}`, a redirect, a reverse proxy serving the
gateway under /api, one with a header limit or that hides the peer).
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import textwrap
import time
import tomllib
from pathlib import Path

import pytest

import conformance.steps.when
from conformance.embedded_gateway import ROLE_WEBHOOKS, config_toml, running_gateway
from conformance.profile_init import declared_requests, role_needs, scenarios_of_features
from conformance.target import PLACEHOLDER, FrontEnd, build_target, load_profile
from tests.front_ends import NOT_FOUND_PAGE, PrefixProxy, stub_server
from tests.test_kit import kit
from webhook_spec.paths import data_dir

STOCKS = next(hook for hook in ROLE_WEBHOOKS if hook.name == "stocks")
FUTURES_LIST = next(hook for hook in ROLE_WEBHOOKS if hook.name == "futures-list")
WEBHOOK = f"{STOCKS.uuid}/{STOCKS.password}"
# A quota webhook the whole-kit run below never uses (it needs one per @quota scenario, from the first):
# the tests that send it wrong passwords or signals leave the others' windows as the run expects them.
SPARE = [hook for hook in ROLE_WEBHOOKS if hook.name == "quota"][-1]
UNTRUSTED = "127.0.0.2"  # the gateways here trust 127.0.0.1 only


@pytest.fixture(scope="module")
def token() -> str:
    """The control token of the module's gateway."""
    return secrets.token_hex(16)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory, token):
    """A reference gateway configured as the embedded one: the kit's role webhooks, nine quota ones at
    the spec's limits, the kit's address (127.0.0.1) as trusted proxy, the control API."""
    directory = tmp_path_factory.mktemp("first-run")
    config = directory / "gateway.toml"
    settings = {"trusted_proxies": ["127.0.0.1"], "control_token": token}
    config.write_text(config_toml(ROLE_WEBHOOKS, directory / "data", settings))
    with running_gateway(["--config", str(config)], cwd=directory) as running:
        yield running


def _profile(path: Path, url: str, *extra: str, **webhooks: str) -> Path:
    """A profile for `url` with the role webhooks (overridden by `webhooks`): `extra` lines go into
    [target] up to the first table header among them, the rest after [webhooks]."""
    roles: dict[str, list[str]] = {}
    for hook in ROLE_WEBHOOKS:
        roles.setdefault(hook.name, []).append(f"{hook.uuid}/{hook.password}")
    first_table = next((index for index, line in enumerate(extra) if line.startswith("[")), len(extra))
    lines = ["[target]", f'url = "{url}"', *extra[:first_table], "[webhooks]"]
    for role, values in roles.items():
        chosen = [webhooks[role]] if role in webhooks else values
        lines.append(f'"{role}" = {json.dumps(chosen)}')
    lines += extra[first_table:]
    path.write_text("\n".join(lines) + "\n")
    return path


def profile_init(*args: str) -> subprocess.CompletedProcess:
    """Run `python -m conformance profile init ARGS` to completion."""
    command = [sys.executable, "-m", "conformance", "profile", "init", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def _scenarios(report: Path) -> list[dict]:
    return json.loads(report.read_text())["scenarios"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- 1. Preflight ---------------------------------------------------------------------------------------


def test_a_server_answering_404_pages_stops_the_run_within_5_s_with_a_diagnosis():
    with stub_server(404, NOT_FOUND_PAGE) as url:
        started = time.monotonic()
        result = kit("--target", url + "/webhook", "--webhook", WEBHOOK)
        elapsed = time.monotonic() - started
    assert result.returncode == 2 and elapsed < 5, (elapsed, result.stderr)
    tried = f"{url}/webhook/trading/webhook/{STOCKS.uuid}/<password>"
    assert f"URL tried: {tried}" in result.stderr
    assert "every probe was answered 404" in result.stderr and "404 text/html: <html>" in result.stderr
    assert "Likely fix: if the gateway is served under a path prefix" in result.stderr
    assert STOCKS.password not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("stub", "scheme", "seen", "fix"),
    [
        (None, "http", "connection refused at", "start the gateway, or correct the host and port"),
        ((200, b"{}"), "https", "TLS failed", "use http:// in --target"),
        ((301, b""), "http", "the target redirects to https://gw.example/trading/webhook/", "use the URL it"),
        ((200, b"{}"), "http", "no probe was answered in the spec's JSON shape", "not a web page"),
        ((503, b"<h1>down</h1>"), "http", "no probe was answered in the spec's JSON shape", "base URL"),
    ],
    ids=["connection-refused", "tls-error", "redirect", "json-but-not-the-shape", "html-errors"],
)
def test_targets_that_cannot_be_checked_as_given_are_diagnosed(stub, scheme, seen, fix):
    location = {"Location": f"https://gw.example/trading/webhook/{STOCKS.uuid}/{STOCKS.password}"}
    if stub is None:
        result = kit("--target", f"{scheme}://127.0.0.1:{_closed_port()}", "--webhook", WEBHOOK)
    else:
        status, body = stub
        content_type = "application/json" if body == b"{}" else "text/html"
        with stub_server(status, body, content_type, location if status == 301 else None) as url:
            result = kit("--target", url.replace("http", scheme, 1), "--webhook", WEBHOOK)
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr
    assert (
        result.stderr.startswith("error: the target cannot be checked as given: ") and seen in result.stderr
    )
    assert "Likely fix: " in result.stderr and fix in result.stderr and "--no-preflight" in result.stderr
    assert STOCKS.password not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_no_preflight_runs_the_scenarios_anyway():
    with stub_server(200, b"{}", "application/json") as url:
        result = kit(
            "--target",
            url,
            "--webhook",
            WEBHOOK,
            "--no-preflight",
            "--requirement",
            "REQ-AUTH-01",
            "--no-properties",
        )
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr
    assert "cannot be checked as given" not in result.stderr


def test_a_target_partly_as_the_spec_says_is_noted_and_checked(tmp_path, gateway):
    profile = _profile(tmp_path / "p.toml", gateway.base_url, stocks=f"{SPARE.uuid}/{'e' * 32}")
    report = tmp_path / "report.json"
    result = kit(
        "--profile", str(profile), "--requirement", "REQ-PAYLOAD-10", "--no-properties", "--json", str(report)
    )
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr
    assert "preflight: the target answers partly as the spec says" in result.stdout
    assert "POST a valid signal was answered 400 invalid-password, where the spec says 200" in result.stdout
    assert "the stocks webhook's password seems wrong" in result.stdout
    assert "e" * 32 not in result.stdout and _scenarios(report)


def test_an_untrusted_source_address_the_kit_cannot_use_makes_its_scenarios_not_applicable(tmp_path, gateway):
    address = "192.0.2.10"  # TEST-NET-1: no address of this machine
    profile = _profile(tmp_path / "p.toml", gateway.base_url, f'untrusted_source_address = "{address}"')
    report = tmp_path / "report.json"
    result = kit(
        "--profile", str(profile), "--requirement", "REQ-SOURCE-10", "--no-properties", "--json", str(report)
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert (
        f"preflight: the kit cannot reach the target from untrusted_source_address {address}" in result.stdout
    )
    scenarios = _scenarios(report)
    assert scenarios and {s["outcome"] for s in scenarios} == {"not-applicable"}
    assert all("cannot reach the target from untrusted_source_address" in s["reason"] for s in scenarios)


# --- 2. Base paths, 7. front ends and conflicting options ------------------------------------------------


def test_a_gateway_served_under_a_path_prefix_passes_the_whole_kit(tmp_path, gateway, token):
    with PrefixProxy(gateway.base_url, "/api") as proxy:
        capabilities = ["[capabilities]", "forwarded-for = true", "quota = true"]
        extra = [f'untrusted_source_address = "{UNTRUSTED}"', f'control_token = "{token}"', *capabilities]
        profile = _profile(tmp_path / "p.toml", proxy.url, *extra)
        report = tmp_path / "report.json"
        result = kit("--profile", str(profile), "--property-cases", "25", "--json", str(report))
    assert proxy.url.endswith("/api")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    scenarios = _scenarios(report)
    failed = [
        (s.get("name"), s.get("reason") or s.get("message")) for s in scenarios if s["outcome"] == "failed"
    ]
    assert {s["outcome"] for s in scenarios} == {"passed", "not-applicable"}, failed
    reasons = {s["reason"] for s in scenarios if s["outcome"] == "not-applicable"}
    # What a test proxy cannot offer unasked: minutes of waiting, a public URL, holding stalled connections.
    assert all(re.fullmatch(r"the target lacks (slow|public-url|slow-clients) .*", r) for r in reasons), (
        reasons
    )
    passed = {requirement for s in scenarios if s["outcome"] == "passed" for requirement in s["requirements"]}
    # Through the prefix: the webhook (and its path changes), the control API (semantics), the quota.
    assert {"REQ-AUTH-01", "REQ-LOOKUP-01", "REQ-RATE-01", "REQ-SOURCE-10", "REQ-TIMING-01"} <= passed


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
def test_what_a_front_end_takes_away_is_not_applicable_when_declared(tmp_path, gateway, declared):
    front_end = ["[front_end]", 'name = "the test proxy"', "header_limit = 8192", "forwards_peer = false"]
    extra = [f'untrusted_source_address = "{UNTRUSTED}"', *(front_end if declared else [])]
    report = tmp_path / "report.json"
    with PrefixProxy(gateway.base_url, "/api", header_limit=8192, forwards_peer=False) as proxy:
        profile = _profile(tmp_path / "p.toml", proxy.url, *extra)
        selection = ("--requirement", "REQ-METHOD-03", "--requirement", "REQ-SOURCE-10", "--no-properties")
        result = kit("--profile", str(profile), *selection, "--json", str(report))
    scenarios = _scenarios(report)
    if declared:
        assert result.returncode == 0, result.stdout[-3000:]
        assert scenarios and {s["outcome"] for s in scenarios} == {"not-applicable"}
        reasons = " ".join(s["reason"] for s in scenarios)
        assert "the test proxy lets headers of up to 8192 bytes through" in reasons
        assert "the test proxy does not add the address that connects to it to X-Forwarded-For" in reasons
    else:  # the false failures the declaration avoids, and the preflight's hint at it
        assert result.returncode == 1
        assert {s["outcome"] for s in scenarios} == {"failed"}
        assert "[front_end] header_limit = BYTES" in result.stdout


def test_webhook_and_a_profile_with_stocks_webhooks_are_merged_with_a_note(tmp_path, gateway):
    profile = _profile(tmp_path / "p.toml", "http://127.0.0.1:9", stocks=f"{SPARE.uuid}/{SPARE.password}")
    report = tmp_path / "report.json"
    selection = ("--requirement", "REQ-PAYLOAD-10", "--no-properties", "--json", str(report))
    result = kit("--profile", str(profile), "--target", gateway.base_url, "--webhook", WEBHOOK, *selection)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert f"note: --target {gateway.base_url} is used, not the profile's url" in result.stdout
    assert "note: the stocks webhooks are --webhook's and the profile's (2 in all)" in result.stdout


# --- 7. profile init ---------------------------------------------------------------------------------------


def _quota_scenarios(slow: bool) -> int:
    """@quota scenarios in features/, counted from the tag lines (@slow ones only with --slow)."""
    lines = [
        line.split()
        for path in data_dir("features").glob("*.feature")
        for line in path.read_text().splitlines()
        if line.strip().startswith("@")
    ]
    return sum(1 for tags in lines if "@quota" in tags and (slow or "@slow" not in tags))


@pytest.mark.parametrize("slow", [False, True], ids=["normal", "slow"])
def test_profile_init_writes_a_commented_profile_with_the_webhooks_each_role_needs(tmp_path, slow):
    path = tmp_path / "target.toml"
    result = profile_init(str(path), *(["--slow"] if slow else []))
    assert result.returncode == 0 and f"wrote {path}" in result.stdout, result.stderr
    text = path.read_text()
    profile = tomllib.loads(text)
    needs = role_needs(slow)
    counts = {
        role: len(value) if isinstance(value, list) else 1 for role, value in profile["webhooks"].items()
    }
    assert counts == {role: need.webhooks for role, need in needs.items()}
    assert counts["quota"] == _quota_scenarios(slow) == (8 if slow else 6)
    # Enough that no webhook gets more than the spec's minute allows, whatever the run's pace.
    assert needs["stocks"].requests / counts["stocks"] <= 50 and counts["stocks"] > 1
    assert all(f"# {role}: " in text for role in profile["webhooks"])
    assert profile["target"]["rate_limits"] == "spec" and "# [front_end]" in text
    again = profile_init(str(path))
    assert again.returncode == 2 and "exists (--force overwrites it)" in again.stderr


def test_profile_init_to_a_reader_gone_early_ends_quietly_with_141():
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line: `| head -0`
    command = [sys.executable, "-m", "conformance", "profile", "init"]
    try:
        done = subprocess.run(command, stdout=write_end, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, b"")


def test_profile_init_counts_what_step_modules_declare_they_send(monkeypatch):
    plain = role_needs()["stocks"].requests
    monkeypatch.setattr(
        conformance.steps.when, "REQUESTS", {r"a body of \d+ bytes is sent": 7}, raising=False
    )
    declared_requests.cache_clear()
    try:
        sized = [step for step in _when_steps() if re.fullmatch(r"a body of \d+ bytes is sent", step)]
        assert sized and role_needs()["stocks"].requests == plain + 6 * len(sized)
    finally:
        monkeypatch.undo()
        declared_requests.cache_clear()


def _when_steps() -> list[str]:
    """The text of every When step of the default role's scenarios, once per scenario run."""
    return [
        step.name
        for tags, steps in scenarios_of_features(slow=False)
        if not any(s.type == "given" and "webhook" in s.name for s in steps)
        for step in steps
        if step.type == "when"
    ]


def test_a_profile_still_holding_placeholders_is_a_usage_error(tmp_path):
    path = tmp_path / "target.toml"
    assert profile_init(str(path)).returncode == 0
    result = kit("--profile", str(path))
    assert result.returncode == 2
    assert f"profile: webhooks.stocks entry 1 is still {PLACEHOLDER}: fill in" in result.stderr


# --- 7. property checks bounded in time ------------------------------------------------------------------


def test_a_failing_property_check_ends_within_its_time_bound_shrinking_included(tmp_path, gateway):
    # The futures webhook that allows MNQ only in the stocks role: every generated signal for AMD is refused.
    profile = _profile(
        tmp_path / "p.toml", gateway.base_url, stocks=f"{FUTURES_LIST.uuid}/{FUTURES_LIST.password}"
    )
    report = tmp_path / "report.json"
    args = ("--profile", str(profile), "--requirement", "REQ-RESPONSE-01", "--json", str(report))
    result = kit(*args, "--property-cases", "1000", "--property-seconds", "2", "--no-preflight")
    assert result.returncode == 1, result.stdout[-2000:]
    (check,) = [s for s in _scenarios(report) if "valid_signals_for_an_existing_ticker" in s["nodeid"]]
    assert check["outcome"] == "failed" and "got 400" in check["reason"], check
    assert "(shrinking stopped after 2 s: --property-seconds)" in check["reason"]
    assert check["duration"] < 15, check["duration"]  # 2 s and the check's set-up, on a busy machine too


@pytest.mark.parametrize("seconds", ["0", "-1"])
def test_property_seconds_must_be_positive(seconds):
    result = kit("--property-seconds", seconds)
    assert result.returncode == 2 and "--property-seconds must be more than 0" in result.stderr


def test_the_readmes_profile_example_describes_a_target(tmp_path):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme[readme.index("## Check your own gateway") :]
    example = textwrap.dedent(re.search(r"```toml\n(.*?)```", section, re.DOTALL).group(1))
    path = tmp_path / "target.toml"
    path.write_text(example.replace(PLACEHOLDER, WEBHOOK))
    target = build_target(None, None, load_profile(path), None, None)
    assert target.base_url == "https://gateway.example" and target.control_url == target.base_url + "/control"
    assert target.paced and {"control-api", "untrusted-peer", "forwarded-for"} <= target.capabilities
    assert target.front_end == FrontEnd("nginx", header_limit=8192, forwards_peer=False)
    assert {role: len(hooks) for role, hooks in target.webhooks.items()}["stocks"] == 2
