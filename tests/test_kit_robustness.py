"""The kit's robustness layer (REQ-ROBUST-*) and its checks of rules in more than one state: the bodies
it sends, and kit runs on broken gateways of tests/broken_gateways/ that these checks catch."""

import json
import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conformance.robustness import (
    BODY_LIMIT,
    NESTINGS,
    escape_probes,
    json_forbids_raw,
    nested_body,
    numeric_fields,
    raw_byte_probes,
    signal_with,
)
from tests.broken_gateways.catalogue import entry_named
from tests.broken_gateways.run import run_kit, served
from tests.gateways import HOOKS, gateway_process
from tests.test_features import rendered_scenarios

# Broken gateway: the requirement the kit must name, the kit's exit code, its selection. A 5xx also
# fails REQ-RESPONSE-08, a MUST; a slow answer fails only a SHOULD, which fails no run.
BROKEN = {
    "deep-nesting-500": ("REQ-ROBUST-01", 1, ["--requirement", "REQ-ROBUST-01"]),
    "slow-long-message": ("REQ-ROBUST-02", 0, ["--requirement", "REQ-ROBUST-02"]),
    # No @quota scenario checks REQ-AUTH-01: the catch needs no quota capability.
    "wrong-password-after-signal": ("REQ-AUTH-01", 1, ["--requirement", "REQ-AUTH-01"]),
}
AFTER_AN_ACCEPTED_SIGNAL = (
    "Authentication: a wrong password after an accepted signal is invalid-password",
    "Authentication: an accepted body sent again with the wrong password is invalid-password",
)


def _strict_json(text: bytes) -> object:
    return json.loads(text.decode("utf-8"))


@pytest.mark.decision("D-068")
@pytest.mark.parametrize("where", NESTINGS)
def test_the_deepest_nesting_fills_the_body_limit(where):
    deepest = nested_body(where, None)
    assert len(deepest) <= BODY_LIMIT < len(nested_body(where, deepest.count(NESTINGS[where][1]) + 1))
    assert nested_body(where, 3).count(NESTINGS[where][2]) >= 3
    _strict_json(nested_body(where, 10))  # JSON at a depth any parser takes


def test_a_fill_repeat_fills_the_body_to_the_limit_and_counted_repeats_are_exact():
    body = signal_with("message", b'"(<a*fill)"')
    assert BODY_LIMIT - 1 <= len(body) <= BODY_LIMIT
    assert _strict_json(signal_with("takeProfit.percent", b"1(0*3)")) == {
        "ticker": "AMD",
        "action": "buy",
        "takeProfit": {"percent": 1000},
    }
    assert _strict_json(signal_with("ticker", b'"TSLA"')) == {"ticker": "TSLA", "action": "buy"}
    assert _strict_json(signal_with("a key in extras", b'"k"'))["extras"] == {"k": 1}
    with pytest.raises(ValueError, match="once"):
        signal_with("message", b'"(a*fill)(b*fill)"')


def test_numeric_fields_are_every_number_of_the_schema():
    fields = set(numeric_fields())
    numbers = {"quantity", "signalPrice", "delay", "strikeCount", "takeProfit.percent", "stopLoss.amount"}
    assert numbers <= fields
    assert not {"ticker", "action", "time", "takeProfit", "extras", "stopLoss.type"} & fields


def test_the_bytes_json_forbids_in_a_string_are_those_a_strict_parser_refuses():
    for probe in raw_byte_probes("extras.a"):
        try:
            read = _strict_json(probe.body)["extras"]["a"]
        except ValueError:  # UnicodeDecodeError included
            read = None
        assert read == probe.read_as, probe.label
    assert [byte for byte in range(128) if json_forbids_raw(byte)] == [*range(32), 0x22, 0x5C]


def test_each_escape_reads_as_its_code_point():
    probes = list(escape_probes("message"))
    assert len(probes) == 260 and sum(probe.lone_surrogate for probe in probes) == 4
    for probe in probes:
        assert _strict_json(probe.body)["message"] == probe.read_as, probe.label


def _report(directory, name: str) -> dict:
    return json.loads((directory / "kit" / name / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kit_runs(tmp_path_factory):
    """The kit run on each BROKEN gateway, two at a time (tests/test_kit.py runs it on the reference)."""
    directory = tmp_path_factory.mktemp("robustness")
    token = secrets.token_hex(16)
    entries = [entry_named(name) for name in BROKEN]

    def run(name: str):
        return run_kit(name, urls[name], token, [*BROKEN[name][2], "--no-properties"], directory)

    with served(entries, directory, token) as urls, ThreadPoolExecutor(2) as pool:
        return {verdict.name: verdict for verdict in pool.map(run, BROKEN)}, directory


@pytest.mark.decision("D-068")
@pytest.mark.parametrize("name", BROKEN)
def test_the_kit_names_the_requirement_a_broken_gateway_breaks(kit_runs, name):
    verdicts, directory = kit_runs
    requirement, exit_code, _ = BROKEN[name]
    verdict = verdicts[name]
    assert requirement in verdict.failed and verdict.exit_code == exit_code, verdict.output
    report = _report(directory, name)
    failed = [s["name"] for s in report["scenarios"] if s["outcome"] == "failed"]
    if name == "deep-nesting-500":
        assert any(scenario.endswith("[arrays inside extras-975]") for scenario in failed), failed
    if name == "slow-long-message":
        assert any(scenario.endswith('[message-"(<a*fill)"]') for scenario in failed), failed
    if name == "wrong-password-after-signal":
        assert set(AFTER_AN_ACCEPTED_SIGNAL) <= set(failed), failed


def test_no_quota_scenario_checks_the_password_rule():
    """So a gateway that relaxes it after an accepted signal is caught without the quota capability."""
    tagged = [name for name, tags, _ in rendered_scenarios() if "REQ-AUTH-01" in tags]
    assert set(AFTER_AN_ACCEPTED_SIGNAL) <= set(tagged)
    assert not [name for name, tags, _ in rendered_scenarios() if {"REQ-AUTH-01", "quota"} <= tags]


@pytest.fixture(scope="module")
def plain_gateway(tmp_path_factory):
    """A reference gateway and its config file."""
    directory = tmp_path_factory.mktemp("surrogates")
    with gateway_process(directory, rate_limits="100000/minute") as running:
        yield running, directory / "gateway.toml"


@pytest.mark.decision("D-069")
def test_a_lone_surrogate_escape_is_read_like_any_escape_and_logged(plain_gateway):
    running, config = plain_gateway
    hook = HOOKS["stocks"]
    url = running.base_url + hook.path
    accepted = requests.post(url, data=b'{"ticker": "AMD", "action": "buy", "extras": {"a": "x\\ud800"}}')
    assert accepted.status_code == 200 and b'"x\\ud800"' in accepted.content
    assert json.loads(accepted.content)["payload"]["extras"] == {"a": "x\ud800"}
    ticker = requests.post(url, data=b'{"ticker": "AM\\ud800", "action": "buy"}')
    assert (ticker.status_code, ticker.json()["messageCode"]) == (400, "ticker-does-not-exist")
    log = subprocess.run(
        [sys.executable, "-m", "reference_server", "log", "--config", str(config), "--limit", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    entries = [json.loads(line) for line in log.stdout.splitlines()]
    logged = next(entry for entry in entries if entry["log_id"] == accepted.json()["logId"])
    assert logged["signal"]["extras"] == {"a": "x\ud800"}
